//! Quiet moments in the send schedule, for the adapter's repaint.
//!
//! A repaint costs the page's threads several milliseconds (the view's update, then layout,
//! paint and raster at the next frame), and on a machine with few cores a reply that arrives
//! meanwhile waits for a core: its round trip then measures the console, not the backend.
//! The engine knows every session's send grid, so it can say when the next stretch without a
//! send begins; the adapter repaints there. Where the sessions, spread evenly, would leave no
//! such stretch (15 × 100 ms sends every 6.7 ms), Start spreads them over the interval less
//! a pause of [`PAINT_ROOM_MS`] ([`staggered`]): each session keeps its rate, and once per
//! interval the page has room to repaint with no reply on its way. Measured at 15 × 100 ms on
//! two cores: the console's RTT p99 was 1.6–2.6 × a bare JavaScript page's with a repaint
//! landing among the sends, 0.9–1.1 × with no repaint at all.

use super::Run;
use crate::ids::Millis;

/// The most due sends looked at in one search (a dense schedule has no quiet stretch anyway).
pub(super) const MAX_DUE: usize = 4096;
/// Stretches without a send that differ by less than this count as equally long.
pub const ROOM_TIE_MS: Millis = 0.5;
/// How long a repaint keeps the page's threads busy (the view's update and layout, then paint,
/// raster and compositing at the next frame): the stretch without a send the adapter's repaint
/// looks for, and the pause [`staggered`] leaves for it in each send interval.
pub const PAINT_ROOM_MS: Millis = 30.0;
/// The shortest send interval that keeps that pause: a shorter one cannot hold it with room
/// left for its sends (a dense schedule repaints before its longest gap instead), and in a
/// longer one the sends of the rest come at most 1 / (1 − 0.3) ≈ 1.4 × as close together as
/// evenly spread ones.
pub const PAINT_ROOM_FROM_MS: Millis = 100.0;

/// When session `i` of `n`, sending every `iv`, is first due after `now`: the sessions spread
/// evenly over the interval where that leaves [`PAINT_ROOM_MS`] between two sends or the
/// interval is shorter than [`PAINT_ROOM_FROM_MS`], else over the interval less that pause,
/// the pause last.
pub(super) fn staggered(now: Millis, i: usize, n: usize, iv: Millis) -> Millis {
    let n = n.max(1) as f64;
    let even = iv / n >= PAINT_ROOM_MS || iv < PAINT_ROOM_FROM_MS;
    let spread = if even { iv } else { iv - PAINT_ROOM_MS };
    now + spread * (i as f64 + 1.0) / n
}

impl Run {
    /// The earliest moment `m` in `[from, from + within]` such that no automatic send is due
    /// in `(m - settle, m + len)`: a repaint of length `len` started at `m` then meets no send,
    /// and the reply to the send before it has had `settle` to come back. Candidates are `from`
    /// and `settle` after each due send. Where the schedule is too dense for such a stretch,
    /// the earliest candidate followed by the longest stretch without a send (ties within
    /// [`ROOM_TIE_MS`] go to the earlier). `from` itself when no automatic send is scheduled.
    pub fn quiet_moment(
        &self,
        from: Millis,
        within: Millis,
        len: Millis,
        settle: Millis,
    ) -> Millis {
        let horizon = within.min(self.cfg.send_interval_ms.unwrap_or(0.0));
        let mut due = self.sends_due(from - settle, from + horizon + settle + len, from);
        if due.is_empty() {
            return from;
        }
        // Unstable: equal times need no order, and the wasm carries no stable sort (size, P4).
        due.sort_unstable_by(f64::total_cmp);
        let later = due
            .iter()
            .map(|d| d + settle)
            .filter(|m| *m > from && *m <= from + horizon);
        let mut best = (from, f64::NEG_INFINITY);
        for m in std::iter::once(from).chain(later) {
            // The first send after `m - settle` (the one at `m - settle` has had its time),
            // and how far past `m` it is.
            let i = due.partition_point(|d| d + settle <= m);
            let Some(next) = due.get(i) else {
                return m;
            };
            let room = next - m;
            if room >= len {
                return m;
            }
            if room > best.1 + ROOM_TIE_MS {
                best = (m, room);
            }
        }
        best.0
    }

    /// The automatic sends due in `[from, to)`, on every sending session's grid; a send due
    /// before `from` and not yet made counts as due at `overdue` (it goes at the next tick).
    /// Empty in one-in-flight mode, which has no grid. At most [`MAX_DUE`].
    pub(super) fn sends_due(&self, from: Millis, to: Millis, overdue: Millis) -> Vec<Millis> {
        let mut due = Vec::new();
        let Some(iv) = self.cfg.send_interval_ms.filter(|iv| *iv > 0.0) else {
            return due;
        };
        if !self.running || !self.auto_send {
            return due;
        }
        for sess in self
            .sessions
            .iter()
            .filter(|s| !s.stopped && s.is_connected())
        {
            let Some(mut at) = sess.next_send_at else {
                continue;
            };
            if at < from && due.len() < MAX_DUE {
                due.push(overdue);
                at += ((from - at) / iv).ceil() * iv;
            }
            while at < to && due.len() < MAX_DUE {
                due.push(at);
                at += iv;
            }
        }
        due
    }
}
