//! The costly parts of a repaint, refreshed in turns while a run goes.
//!
//! The charts, the log's rows and the session rows are what take a repaint's layout from a
//! couple of milliseconds to ten or more (a trace of 15 sessions × 100 ms showed 9–16 ms
//! with all three at once). That work competes with the sockets for the machine's cores, and
//! the longer one repaint runs, the longer a reply arriving meanwhile waits: each part moves
//! on about once a second, but no repaint lays out more than one of them.

use std::cell::Cell;

/// A costly part of the view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heavy {
    /// RTT, throughput and heap over time, and the timeline.
    Charts,
    /// The log panel's rows.
    Log,
    /// The session table's rows.
    Sessions,
}

impl Heavy {
    /// Every costly part.
    pub const ALL: [Heavy; 3] = [Heavy::Charts, Heavy::Log, Heavy::Sessions];
}

/// When each costly part was last refreshed.
pub struct Beat {
    every_ms: f64,
    last: [Cell<f64>; 3],
}

impl Beat {
    /// Each part is refreshed about every `every_ms`.
    pub fn new(every_ms: f64) -> Beat {
        Beat {
            every_ms,
            last: std::array::from_fn(|_| Cell::new(f64::NEG_INFINITY)),
        }
    }

    /// The part a repaint at `t` refreshes: of those due (`every_ms` since their last
    /// refresh), the one refreshed longest ago; none when none is due. The caller then says
    /// [`Beat::done`].
    pub fn due(&self, t: f64) -> Option<Heavy> {
        Heavy::ALL
            .into_iter()
            .map(|h| (h, self.last[h as usize].get()))
            .filter(|(_, last)| t - last >= self.every_ms)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(h, _)| h)
    }

    /// `part` was refreshed at `t`.
    pub fn done(&self, part: Heavy, t: f64) {
        self.last[part as usize].set(t);
    }
}
