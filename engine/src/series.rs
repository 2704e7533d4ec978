//! Bounded time series for charts (F11), kept over a whole run.
//!
//! When the series is full, every other point is dropped and from then on only every
//! second new point is kept: memory stays fixed (P5) while the chart still spans the run,
//! at a resolution that halves as the run doubles.

use crate::Millis;

/// One point of the metrics history, sampled about once a second.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct SeriesPoint {
    /// When.
    pub t: Millis,
    /// Messages sent per second (sliding window).
    pub sent_per_s: f64,
    /// Messages received per second (sliding window).
    pub received_per_s: f64,
    /// Mean RTT of the replies matched since the previous point, if any.
    pub rtt_mean_ms: Option<f64>,
    /// Connected sessions.
    pub active: u32,
}

/// A decimating, bounded series.
#[derive(Clone, Debug)]
pub struct Series<T> {
    points: Vec<T>,
    capacity: usize,
    stride: u32,
    skipped: u32,
}

impl<T> Series<T> {
    /// An empty series holding at most `capacity` (≥ 2) points.
    pub fn new(capacity: usize) -> Self {
        Self {
            points: Vec::new(),
            capacity: capacity.max(2),
            stride: 1,
            skipped: 0,
        }
    }

    /// Offers a point; it is kept or skipped according to the current stride.
    pub fn push(&mut self, point: T) {
        self.skipped += 1;
        if self.skipped < self.stride {
            return;
        }
        self.skipped = 0;
        if self.points.len() >= self.capacity {
            let mut i = 0;
            self.points.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.stride = self.stride.saturating_mul(2);
        }
        self.points.push(point);
    }

    /// The kept points, oldest first.
    pub fn points(&self) -> &[T] {
        &self.points
    }

    /// The most recent point.
    pub fn last(&self) -> Option<&T> {
        self.points.last()
    }

    /// How many raw pushes one kept point stands for now.
    pub fn stride(&self) -> u32 {
        self.stride
    }

    /// Maximum number of points.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_bounded_and_spans_the_run() {
        let mut s = Series::new(100);
        for i in 0..100_000u32 {
            s.push(i);
            assert!(s.points().len() <= 100);
        }
        assert_eq!(s.points()[0], 0);
        assert!(*s.last().unwrap() > 99_000 - 2 * s.stride());
        assert!(s.points().windows(2).all(|w| w[0] < w[1]));
        assert!(s.stride() > 1);
    }

    #[test]
    fn keeps_everything_until_full() {
        let mut s = Series::new(10);
        (0..10).for_each(|i| s.push(i));
        assert_eq!(s.points(), &(0..10).collect::<Vec<_>>()[..]);
        s.push(10);
        assert_eq!(s.points(), &[0, 2, 4, 6, 8, 10]);
    }
}
