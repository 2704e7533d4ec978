//! Messages per second over a sliding window (F9), in fixed memory.
//!
//! Time is cut into slots of `slot_ms`; a ring of `slots` counters remembers the recent
//! ones, each tagged with its slot number so stale counters are recognised without a
//! clean-up pass. The rate covers the last `slots - 1` whole slots plus the current one.

use crate::ids::Millis;

/// A sliding-window event counter.
#[derive(Clone, Debug)]
pub struct RateWindow {
    slot_ms: f64,
    ring: Vec<(i64, u64)>,
    /// First event: before a whole window has passed, the rate covers only the time since.
    first: Option<Millis>,
}

impl RateWindow {
    /// `slots` (≥ 2) slots of `slot_ms` each: e.g. 10 × 500 ms is a 5 s window.
    pub fn new(slots: usize, slot_ms: Millis) -> Self {
        Self {
            slot_ms: slot_ms.max(1.0),
            ring: vec![(i64::MIN, 0); slots.max(2)],
            first: None,
        }
    }

    fn slot(&self, now: Millis) -> i64 {
        if now.is_finite() {
            (now / self.slot_ms).floor() as i64
        } else {
            0
        }
    }

    /// Counts `n` events at `now`.
    pub fn add(&mut self, now: Millis, n: u64) {
        let slot = self.slot(now);
        let len = self.ring.len() as i64;
        if now.is_finite() {
            self.first.get_or_insert(now);
        }
        let cell = &mut self.ring[slot.rem_euclid(len) as usize];
        if cell.0 != slot {
            *cell = (slot, 0);
        }
        cell.1 = cell.1.saturating_add(n);
    }

    /// Events per second over the window ending at `now`.
    pub fn per_second(&self, now: Millis) -> f64 {
        let current = self.slot(now);
        let len = self.ring.len() as i64;
        let total: u64 = self
            .ring
            .iter()
            .filter(|(slot, _)| *slot <= current && *slot > current.saturating_sub(len))
            .map(|(_, n)| n)
            .sum();
        // The current slot is partly elapsed: count only the time that has passed.
        let elapsed_in_current = now - current as f64 * self.slot_ms;
        let mut window_ms = (len - 1) as f64 * self.slot_ms + elapsed_in_current.max(0.0);
        if let Some(first) = self.first {
            window_ms = window_ms.min((now - first).max(self.slot_ms));
        }
        if window_ms <= 0.0 {
            0.0
        } else {
            total as f64 * 1000.0 / window_ms
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steady_rate_is_measured() {
        let mut r = RateWindow::new(10, 500.0);
        // 100 events/s for 20 s.
        for i in 0..2000 {
            r.add(i as f64 * 10.0, 1);
        }
        let rate = r.per_second(19_999.0);
        assert!((rate - 100.0).abs() < 3.0, "{rate}");
    }

    #[test]
    fn a_young_window_covers_only_the_time_since_the_first_event() {
        let mut r = RateWindow::new(10, 500.0);
        for i in 0..100 {
            r.add(10_000.0 + i as f64 * 10.0, 1);
        }
        let rate = r.per_second(11_000.0);
        assert!((rate - 100.0).abs() < 1.0, "{rate}");
        assert_eq!(RateWindow::new(10, 500.0).per_second(5.0), 0.0);
    }

    #[test]
    fn old_events_leave_the_window() {
        let mut r = RateWindow::new(10, 500.0);
        r.add(0.0, 1000);
        assert!(r.per_second(100.0) > 0.0);
        assert_eq!(r.per_second(10_000.0), 0.0);
        r.add(10_000.0, 5);
        assert!(r.per_second(10_100.0) < 2.0);
    }

    #[test]
    fn time_going_backwards_or_nan_does_not_panic() {
        let mut r = RateWindow::new(4, 100.0);
        r.add(1000.0, 1);
        r.add(-50.0, 1);
        r.add(f64::NAN, 1);
        let _ = r.per_second(f64::NAN);
        let _ = r.per_second(-1e300);
        assert!(r.per_second(1000.0) >= 0.0);
    }
}
