//! Load presets (issue 13): the three sizes a load framework names — light, medium, heavy —
//! as Broadcast scenarios, the one scenario with a rate and a duration.
//!
//! Only light fits in a tab: Chromium holds about 255 sockets per profile, shared by every
//! tab, and the form stops at 200 sessions. Medium and heavy are still worth naming
//! here, because the same Broadcast scenario exports as a k6 script (F16), which has no
//! such ceiling: [`Preset::params`] is typed, so it skips the form's in-browser bound and
//! goes straight to [`crate::k6::script_for`], which has its own.

use super::{BroadcastParams, RawScenarioParams, ScenarioKind, ScenarioParams};

/// A named load size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preset {
    /// 100 connections, 50 broadcasts/s, 60 s: runs in the tab.
    Light,
    /// 500 connections, 250 broadcasts/s, 120 s: k6 only.
    Medium,
    /// 1,000 connections, 500 broadcasts/s, 300 s: k6 only.
    Heavy,
}

impl Preset {
    /// Every preset, smallest first.
    pub const ALL: [Preset; 3] = [Preset::Light, Preset::Medium, Preset::Heavy];

    /// Stable name (form values, `data-` attributes).
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Light => "light",
            Preset::Medium => "medium",
            Preset::Heavy => "heavy",
        }
    }

    /// The preset whose [`Preset::as_str`] is `name`.
    pub fn from_name(name: &str) -> Option<Preset> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// Human label with its size.
    pub fn label(self) -> &'static str {
        match self {
            Preset::Light => "Light: 100 connections, 50 broadcasts/s, 60 s",
            Preset::Medium => "Medium: 500 connections, 250 broadcasts/s, 120 s",
            Preset::Heavy => "Heavy: 1,000 connections, 500 broadcasts/s, 300 s",
        }
    }

    /// Its Broadcast parameters.
    pub fn params(self) -> BroadcastParams {
        let (sessions, rate_per_s, duration_s) = match self {
            Preset::Light => (100, 50.0, 60.0),
            Preset::Medium => (500, 250.0, 120.0),
            Preset::Heavy => (1000, 500.0, 300.0),
        };
        BroadcastParams {
            sessions,
            rate_per_s,
            duration_ms: duration_s * 1000.0,
        }
    }

    /// The same, as scenario parameters.
    pub fn scenario(self) -> ScenarioParams {
        ScenarioParams::Broadcast(self.params())
    }

    /// The Broadcast form filled with it (what the picker puts in the form).
    pub fn raw(self) -> RawScenarioParams {
        let p = self.params();
        let mut raw = RawScenarioParams::defaults(ScenarioKind::Broadcast);
        raw.sessions = p.sessions.to_string();
        raw.rate_per_s = format!("{}", p.rate_per_s as u32);
        raw.duration_s = format!("{}", (p.duration_ms / 1000.0) as u32);
        raw
    }

    /// Why it cannot run in this tab (it can be exported for k6), or `None` when it can.
    pub fn why_not_here(self) -> Option<&'static str> {
        match self {
            Preset::Light => None,
            Preset::Medium => Some(
                "500 connections exceed what one browser tab can hold: Chromium allows about 255 sockets per profile, shared by every tab. Export it as a k6 script and run it there.",
            ),
            Preset::Heavy => Some(
                "1,000 connections exceed what one browser tab can hold: Chromium allows about 255 sockets per profile, shared by every tab. Export it as a k6 script and run it there.",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MAX_SESSIONS;

    #[test]
    fn the_table_is_the_issues() {
        let rows: Vec<(u32, f64, f64)> = Preset::ALL
            .iter()
            .map(|p| {
                let b = p.params();
                (b.sessions, b.rate_per_s, b.duration_ms)
            })
            .collect();
        assert_eq!(
            rows,
            [
                (100, 50.0, 60_000.0),
                (500, 250.0, 120_000.0),
                (1000, 500.0, 300_000.0)
            ]
        );
        for p in Preset::ALL {
            assert_eq!(Preset::from_name(p.as_str()), Some(p));
            assert_eq!(p.scenario().kind(), ScenarioKind::Broadcast);
        }
        assert_eq!(Preset::from_name("huge"), None);
    }

    #[test]
    fn only_what_fits_in_a_tab_runs_here() {
        for p in Preset::ALL {
            let fits = p.params().sessions <= MAX_SESSIONS;
            assert_eq!(p.why_not_here().is_none(), fits, "{p:?}");
        }
        assert!(
            Preset::Heavy
                .why_not_here()
                .unwrap()
                .contains("255 sockets")
        );
    }

    #[test]
    fn light_fills_a_valid_broadcast_form() {
        let raw = Preset::Light.raw();
        assert_eq!(raw.kind, ScenarioKind::Broadcast);
        assert_eq!(
            (
                raw.sessions.as_str(),
                raw.rate_per_s.as_str(),
                raw.duration_s.as_str()
            ),
            ("100", "50", "60")
        );
        assert_eq!(ScenarioParams::from_raw(&raw), Ok(Preset::Light.scenario()));
        // The form refuses what a tab cannot hold.
        assert!(ScenarioParams::from_raw(&Preset::Heavy.raw()).is_err());
    }
}
