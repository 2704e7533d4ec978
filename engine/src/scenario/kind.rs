//! The scenarios (F12) — the SPEC's eight and the capacity finder — by name.

/// Which scenario.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScenarioKind {
    /// N sessions sending automatically for a while.
    #[default]
    Load,
    /// N sessions held for a long time with heartbeats: drops and heap trend.
    Soak,
    /// K messages per session: loss, duplicates, order.
    Reliability,
    /// Sessions are dropped and must come back; nothing queued may be lost.
    Recovery,
    /// Cycles of opening and closing sessions while the heap is watched.
    MemoryLeak,
    /// Sessions added in batches: connection success.
    RampUp,
    /// Messages fanned out to every session at a set rate: delivery latency.
    Broadcast,
    /// A valid token connects; an invalid one is rejected and not retried.
    Auth,
    /// A rate rising step by step until a step does not hold: the highest rate that held.
    Capacity,
    /// A checklist of the backend: endpoints, connections, auth modes, messages, TLS, limits.
    Readiness,
}

impl ScenarioKind {
    /// Every scenario, in display order.
    pub const ALL: [ScenarioKind; 10] = [
        ScenarioKind::Load,
        ScenarioKind::Soak,
        ScenarioKind::Reliability,
        ScenarioKind::Recovery,
        ScenarioKind::MemoryLeak,
        ScenarioKind::RampUp,
        ScenarioKind::Broadcast,
        ScenarioKind::Auth,
        ScenarioKind::Capacity,
        ScenarioKind::Readiness,
    ];

    /// The scenario whose [`ScenarioKind::as_str`] is `name`.
    pub fn from_name(name: &str) -> Option<ScenarioKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Stable name (form values, CSS, reports).
    pub fn as_str(self) -> &'static str {
        match self {
            ScenarioKind::Load => "load",
            ScenarioKind::Soak => "soak",
            ScenarioKind::Reliability => "reliability",
            ScenarioKind::Recovery => "recovery",
            ScenarioKind::MemoryLeak => "memory-leak",
            ScenarioKind::RampUp => "ramp-up",
            ScenarioKind::Broadcast => "broadcast",
            ScenarioKind::Auth => "auth",
            ScenarioKind::Capacity => "capacity",
            ScenarioKind::Readiness => "readiness",
        }
    }

    /// Human label.
    pub fn label(self) -> &'static str {
        match self {
            ScenarioKind::Load => "Load",
            ScenarioKind::Soak => "Persistence / soak",
            ScenarioKind::Reliability => "Message reliability",
            ScenarioKind::Recovery => "Network recovery",
            ScenarioKind::MemoryLeak => "Memory leak detection",
            ScenarioKind::RampUp => "Ramp-up",
            ScenarioKind::Broadcast => "Broadcast",
            ScenarioKind::Auth => "Auth",
            ScenarioKind::Capacity => "Capacity finder",
            ScenarioKind::Readiness => "Readiness",
        }
    }

    /// One sentence on what it does, for the scenario picker.
    pub fn description(self) -> &'static str {
        match self {
            ScenarioKind::Load => "N sessions send automatically for a set duration.",
            ScenarioKind::Soak => {
                "N sessions are held open with heartbeats for a long time; drops and the heap trend are watched."
            }
            ScenarioKind::Reliability => {
                "Each session sends K messages; every reply must come back once and in order."
            }
            ScenarioKind::Recovery => {
                "Sessions are dropped (by the backend's fault control, or by an abnormal close) and must come back without losing queued messages."
            }
            ScenarioKind::MemoryLeak => {
                "Sessions are opened and closed in cycles while the JS heap is sampled."
            }
            ScenarioKind::RampUp => "Sessions are added in batches up to N.",
            ScenarioKind::Broadcast => {
                "Broadcasts at a set rate are fanned out to every session; delivery and latency are measured."
            }
            ScenarioKind::Auth => {
                "A valid token connects; an invalid one must be rejected and not retried."
            }
            ScenarioKind::Capacity => {
                "The sessions send at a rate that rises step by step until a step does not hold; reports the highest rate that held and RTT against rate."
            }
            ScenarioKind::Readiness => {
                "A checklist of the backend: health and stats, connections, auth modes, an invalid token, the welcome, message types, TLS and (if asked) the rate limit, with a pass rate per group."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_distinct() {
        for k in ScenarioKind::ALL {
            assert_eq!(ScenarioKind::from_name(k.as_str()), Some(k));
            assert!(!k.label().is_empty() && !k.description().is_empty());
        }
        let mut names: Vec<&str> = ScenarioKind::ALL.iter().map(|k| k.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), ScenarioKind::ALL.len());
        assert_eq!(ScenarioKind::from_name("nope"), None);
    }
}
