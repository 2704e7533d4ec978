//! Reconnect policy (F6): which closes are retried, and after how long.
//!
//! Kept as plain data plus pure functions so the schedule, jitter, the no-retry list and
//! the "try again later" codes are each one tested rule, the way graphql-ws keeps its list
//! of close codes that are never retried.

use crate::ids::Millis;
use crate::rng::SplitMix64;

/// How a session comes back after its socket drops.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReconnectPolicy {
    /// Whether dropped sessions reconnect at all.
    pub enabled: bool,
    /// Delay before attempt 1, 2, 3 …; the last entry repeats. Never empty.
    pub schedule_ms: Vec<Millis>,
    /// Give up (state `error`) after this many attempts in a row; `None` = never.
    pub max_attempts: Option<u32>,
    /// Equal jitter: each delay drawn uniformly from `[delay / 2, delay]`. Sessions that
    /// dropped together come back spread over half a step, not in lockstep, while an outage
    /// still costs about as many attempts as without jitter (full jitter, `[0, delay]`,
    /// would double them and read as a worse reconnection).
    pub jitter: bool,
    /// Close codes that are not retried: the session needs auth (default 1008, 4001, 4003).
    pub no_retry_codes: Vec<u16>,
    /// "Try again later" close codes, backed off longer (default 1013, 4029).
    pub try_later_codes: Vec<u16>,
    /// How long a socket may stay connecting before it is closed and retried.
    pub connect_timeout_ms: Millis,
    /// How long a connection must stay up before the backoff starts again from its first
    /// step. A server that accepts and closes at once is backed off, not retried every
    /// second.
    pub stable_ms: Millis,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        Self {
            enabled: true,
            schedule_ms: vec![1000.0, 2000.0, 4000.0, 8000.0, 16000.0],
            max_attempts: None,
            jitter: true,
            no_retry_codes: vec![1008, 4001, 4003],
            try_later_codes: vec![1013, 4029],
            connect_timeout_ms: 10_000.0,
            stable_ms: 5_000.0,
        }
    }
}

/// What to do after a socket drops.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decision {
    /// Open again after `delay` ms; this will be attempt number `attempt`.
    Retry {
        /// Attempt number, 1-based.
        attempt: u32,
        /// Delay in ms.
        delay: Millis,
    },
    /// The close code says the credentials were refused: wait for a fresh token.
    NeedsAuth,
    /// Out of attempts (or reconnect disabled).
    GiveUp,
}

impl ReconnectPolicy {
    /// The scheduled delay before attempt `attempt` (1-based), capped at the last step.
    pub fn base_delay(&self, attempt: u32) -> Millis {
        let i = (attempt.max(1) as usize - 1).min(self.schedule_ms.len().saturating_sub(1));
        self.schedule_ms.get(i).copied().unwrap_or(1000.0)
    }

    /// The longest step of the schedule.
    pub fn max_step(&self) -> Millis {
        self.schedule_ms.iter().copied().fold(0.0, f64::max)
    }

    /// Decides after a drop. `failed_attempts` is how many attempts in a row have already
    /// failed; `code` is the close code, `None` for a timeout the engine declared.
    pub fn decide(
        &self,
        failed_attempts: u32,
        code: Option<u16>,
        rng: &mut SplitMix64,
    ) -> Decision {
        if code.is_some_and(|c| self.no_retry_codes.contains(&c)) {
            return Decision::NeedsAuth;
        }
        let attempt = failed_attempts.saturating_add(1);
        if !self.enabled || self.max_attempts.is_some_and(|max| attempt > max) {
            return Decision::GiveUp;
        }
        let base = self.base_delay(attempt);
        let delay = if code.is_some_and(|c| self.try_later_codes.contains(&c)) {
            // The server asked for patience: never sooner than the longest step, and jitter
            // only spreads the wait further out.
            let d = base.max(self.max_step());
            if self.jitter {
                d * (1.0 + 0.5 * rng.next_f64())
            } else {
                d
            }
        } else if self.jitter {
            base * (0.5 + 0.5 * rng.next_f64())
        } else {
            base
        };
        Decision::Retry { attempt, delay }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delays(p: &ReconnectPolicy, code: Option<u16>, n: u32) -> Vec<Millis> {
        let mut rng = SplitMix64::new(1);
        (0..n)
            .map(|failed| match p.decide(failed, code, &mut rng) {
                Decision::Retry { delay, .. } => delay,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn backoff_doubles_and_caps_at_last_step() {
        let p = ReconnectPolicy {
            jitter: false,
            ..ReconnectPolicy::default()
        };
        assert_eq!(
            delays(&p, Some(1006), 7),
            vec![1000.0, 2000.0, 4000.0, 8000.0, 16000.0, 16000.0, 16000.0]
        );
    }

    #[test]
    fn attempts_are_numbered_from_one() {
        let p = ReconnectPolicy {
            jitter: false,
            ..ReconnectPolicy::default()
        };
        let mut rng = SplitMix64::new(1);
        assert_eq!(
            p.decide(0, None, &mut rng),
            Decision::Retry {
                attempt: 1,
                delay: 1000.0
            }
        );
        assert_eq!(
            p.decide(2, None, &mut rng),
            Decision::Retry {
                attempt: 3,
                delay: 4000.0
            }
        );
    }

    #[test]
    fn no_retry_codes_need_auth() {
        let p = ReconnectPolicy::default();
        let mut rng = SplitMix64::new(1);
        for code in [1008, 4001, 4003] {
            assert_eq!(p.decide(0, Some(code), &mut rng), Decision::NeedsAuth);
        }
        assert!(matches!(
            p.decide(0, Some(1006), &mut rng),
            Decision::Retry { .. }
        ));
    }

    #[test]
    fn try_later_codes_wait_at_least_the_longest_step() {
        let p = ReconnectPolicy::default();
        assert!(delays(&p, Some(4029), 3).iter().all(|d| *d >= 16000.0));
        assert!(delays(&p, Some(1013), 1)[0] >= 16000.0);
        let jittered = ReconnectPolicy { jitter: true, ..p };
        assert!(
            delays(&jittered, Some(4029), 50)
                .iter()
                .all(|d| (16000.0..=24000.0).contains(d))
        );
    }

    #[test]
    fn max_attempts_gives_up() {
        let p = ReconnectPolicy {
            max_attempts: Some(2),
            ..Default::default()
        };
        let mut rng = SplitMix64::new(1);
        assert!(matches!(
            p.decide(1, None, &mut rng),
            Decision::Retry { attempt: 2, .. }
        ));
        assert_eq!(p.decide(2, None, &mut rng), Decision::GiveUp);
    }

    #[test]
    fn disabled_gives_up_but_auth_still_wins() {
        let p = ReconnectPolicy {
            enabled: false,
            ..Default::default()
        };
        let mut rng = SplitMix64::new(1);
        assert_eq!(p.decide(0, Some(1006), &mut rng), Decision::GiveUp);
        assert_eq!(p.decide(0, Some(1008), &mut rng), Decision::NeedsAuth);
    }

    #[test]
    fn equal_jitter_stays_within_half_to_whole_base_and_is_seeded() {
        let p = ReconnectPolicy {
            jitter: true,
            ..Default::default()
        };
        let a = delays(&p, None, 20);
        assert_eq!(a, delays(&p, None, 20));
        for (i, d) in a.iter().enumerate() {
            let base = p.base_delay(i as u32 + 1);
            assert!(*d >= base / 2.0 && *d <= base, "{i}: {d}");
        }
        assert!(a.windows(2).any(|w| w[0] != w[1]));
    }
}
