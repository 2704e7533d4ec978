//! Faults that apply to the whole server at once, set through the control endpoint.
//!
//! Every session consults these on every frame, so they are atomics rather than a lock: a
//! deadline is kept as milliseconds since the server started (0 = not set), and "drop every
//! connection now" is a generation number on a watch channel each session subscribes to.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use serde_json::{Value, json};
use tokio::sync::watch;
use tokio::time::{Duration, Instant};

/// Longest refuse or silent period accepted, in seconds (a day).
pub(crate) const MAX_PERIOD_S: f64 = 86_400.0;
/// Highest rate limit accepted, frames per second; it bounds the per-session window.
pub(crate) const MAX_RATE_LIMIT: u32 = 10_000;

/// The server-wide fault switches.
#[derive(Debug)]
pub(crate) struct GlobalFaults {
    enabled: bool,
    epoch: Instant,
    /// Deadlines, in ms since `epoch`; 0 means none.
    refusing_until: AtomicU64,
    silent_until: AtomicU64,
    /// Frames per second a session may send; 0 means no limit.
    rate_limit: AtomicU32,
    drop_all: watch::Sender<u64>,
}

impl GlobalFaults {
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            epoch: Instant::now(),
            refusing_until: AtomicU64::new(0),
            silent_until: AtomicU64::new(0),
            rate_limit: AtomicU32::new(0),
            drop_all: watch::Sender::new(0),
        }
    }

    /// Whether the server was started with fault injection.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Sets a deadline `seconds` from now; 0 clears it. `seconds` is checked by the caller.
    fn set_period(&self, deadline: &AtomicU64, seconds: f64) {
        let until = if seconds > 0.0 {
            let period = Duration::from_secs_f64(seconds.min(MAX_PERIOD_S));
            let ms = u64::try_from(period.as_millis()).unwrap_or(u64::MAX);
            self.now_ms().saturating_add(ms.max(1))
        } else {
            0
        };
        deadline.store(until, Ordering::Relaxed);
    }

    fn active(&self, deadline: &AtomicU64) -> bool {
        self.enabled && self.now_ms() < deadline.load(Ordering::Relaxed)
    }

    /// Refuse new WebSocket connections for `seconds` (0 stops refusing).
    pub fn refuse_for(&self, seconds: f64) {
        self.set_period(&self.refusing_until, seconds);
    }

    pub fn is_refusing(&self) -> bool {
        self.active(&self.refusing_until)
    }

    /// Answer nothing on any connection for `seconds` (0 ends it).
    pub fn silence_for(&self, seconds: f64) {
        self.set_period(&self.silent_until, seconds);
    }

    pub fn is_silent(&self) -> bool {
        self.active(&self.silent_until)
    }

    /// Limits every session to `per_second` frames in any one-second window; 0 turns it off.
    pub fn set_rate_limit(&self, per_second: u32) {
        self.rate_limit
            .store(per_second.min(MAX_RATE_LIMIT), Ordering::Relaxed);
    }

    pub fn rate_limit(&self) -> Option<u32> {
        if !self.enabled {
            return None;
        }
        Some(self.rate_limit.load(Ordering::Relaxed)).filter(|&n| n > 0)
    }

    /// Tells every subscribed session to drop its connection; returns how many were told.
    pub fn drop_all(&self) -> usize {
        let told = self.drop_all.receiver_count();
        self.drop_all.send_modify(|generation| *generation += 1);
        told
    }

    /// What a session watches to learn it must drop its connection.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.drop_all.subscribe()
    }

    /// Clears every global fault.
    pub fn reset(&self) {
        self.refuse_for(0.0);
        self.silence_for(0.0);
        self.set_rate_limit(0);
    }

    /// The `/api/faults` document; deadlines as Unix ms, `null` once passed.
    pub fn snapshot(&self, unix_now_ms: u64) -> Value {
        let now = self.now_ms();
        let until = |deadline: &AtomicU64| {
            let at = deadline.load(Ordering::Relaxed);
            (now < at).then(|| unix_now_ms.saturating_add(at - now))
        };
        let refusing_until = until(&self.refusing_until);
        let silent_until = until(&self.silent_until);
        json!({
            "faults_enabled": self.enabled,
            "refusing": refusing_until.is_some(),
            "refusing_until": refusing_until,
            "silent": silent_until.is_some(),
            "silent_until": silent_until,
            "rate_limit": self.rate_limit(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_start_and_clear() {
        let g = GlobalFaults::new(true);
        assert!(!g.is_refusing() && !g.is_silent());
        g.refuse_for(60.0);
        g.silence_for(0.5);
        assert!(g.is_refusing() && g.is_silent());
        let s = g.snapshot(1_000_000);
        assert_eq!(s["refusing"], true);
        let until = s["refusing_until"].as_u64().unwrap();
        assert!((1_059_000..=1_060_000).contains(&until), "{until}");
        g.refuse_for(0.0);
        assert!(!g.is_refusing());
        assert!(g.snapshot(0)["refusing_until"].is_null());
    }

    #[test]
    fn rate_limit_zero_is_off_and_large_values_are_capped() {
        let g = GlobalFaults::new(true);
        assert_eq!(g.rate_limit(), None);
        g.set_rate_limit(5);
        assert_eq!(g.rate_limit(), Some(5));
        g.set_rate_limit(u32::MAX);
        assert_eq!(g.rate_limit(), Some(MAX_RATE_LIMIT));
        g.set_rate_limit(0);
        assert_eq!(g.rate_limit(), None);
    }

    #[test]
    fn reset_clears_everything() {
        let g = GlobalFaults::new(true);
        g.refuse_for(10.0);
        g.silence_for(10.0);
        g.set_rate_limit(3);
        g.reset();
        assert_eq!(
            g.snapshot(0),
            json!({"faults_enabled":true,"refusing":false,"refusing_until":null,
                   "silent":false,"silent_until":null,"rate_limit":null})
        );
    }

    #[test]
    fn nothing_is_active_when_faults_are_off() {
        let g = GlobalFaults::new(false);
        g.refuse_for(10.0);
        g.silence_for(10.0);
        g.set_rate_limit(3);
        assert!(!g.is_refusing() && !g.is_silent());
        assert_eq!(g.rate_limit(), None);
    }

    #[test]
    fn drop_all_reaches_every_subscriber() {
        let g = GlobalFaults::new(true);
        let mut a = g.subscribe();
        let b = g.subscribe();
        assert_eq!(g.drop_all(), 2);
        assert!(a.has_changed().unwrap() && b.has_changed().unwrap());
        a.mark_unchanged();
        drop(b);
        assert_eq!(g.drop_all(), 1);
        assert!(a.has_changed().unwrap());
    }
}
