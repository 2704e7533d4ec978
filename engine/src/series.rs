//! Bounded time series for charts (F11), kept over a whole run.
//!
//! A series holds at most `capacity` points. When it is full, neighbouring points are merged
//! in pairs and the step doubles: from then on each kept point stands for twice as many raw
//! samples, and new samples are merged into the last point until it is complete. Memory
//! stays fixed (P5) while the chart still spans the whole run, at a resolution that halves
//! as the run doubles. Merging (rather than dropping every other point) keeps spikes: a
//! merged RTT p95 is the larger of the two.

use crate::ids::Millis;

/// A point that can absorb a later neighbour when the series downsamples.
pub trait Merge {
    /// Folds `later` into `self`; `weight` and `later_weight` are how many raw samples each
    /// already stands for.
    fn merge(&mut self, later: &Self, weight: u32, later_weight: u32);
}

/// Weighted mean of two values.
pub(crate) fn weighted(a: f64, wa: u32, b: f64, wb: u32) -> f64 {
    let (wa, wb) = (f64::from(wa.max(1)), f64::from(wb.max(1)));
    (a * wa + b * wb) / (wa + wb)
}

/// One point of the metrics history, sampled about once a second.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct SeriesPoint {
    /// When (ms, same origin as every `now`); for a merged point, the mean of its samples.
    pub t: Millis,
    /// Messages sent per second (sliding window).
    pub sent_per_s: f64,
    /// Frames received per second (sliding window).
    pub received_per_s: f64,
    /// RTT samples matched since the previous point.
    pub rtt_count: u64,
    /// Mean RTT of those replies, if any.
    pub rtt_mean_ms: Option<f64>,
    /// Their median (merged points: the mean of the medians, weighted by samples).
    pub rtt_p50_ms: Option<f64>,
    /// Their 95th percentile (merged points: the larger, so spikes stay visible).
    pub rtt_p95_ms: Option<f64>,
    /// Their maximum.
    pub rtt_max_ms: Option<f64>,
    /// Connected sessions (merged points: the later value).
    pub active: u32,
}

fn merge_opt(a: Option<f64>, b: Option<f64>, f: impl Fn(f64, f64) -> f64) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(f(a, b)),
        (a, b) => a.or(b),
    }
}

impl Merge for SeriesPoint {
    fn merge(&mut self, later: &Self, weight: u32, later_weight: u32) {
        let (na, nb) = (self.rtt_count, later.rtt_count);
        let by_samples = |a: f64, b: f64| {
            if na + nb == 0 {
                (a + b) / 2.0
            } else {
                (a * na as f64 + b * nb as f64) / (na + nb) as f64
            }
        };
        self.t = weighted(self.t, weight, later.t, later_weight);
        self.sent_per_s = weighted(self.sent_per_s, weight, later.sent_per_s, later_weight);
        self.received_per_s = weighted(
            self.received_per_s,
            weight,
            later.received_per_s,
            later_weight,
        );
        self.rtt_mean_ms = merge_opt(self.rtt_mean_ms, later.rtt_mean_ms, by_samples);
        self.rtt_p50_ms = merge_opt(self.rtt_p50_ms, later.rtt_p50_ms, by_samples);
        self.rtt_p95_ms = merge_opt(self.rtt_p95_ms, later.rtt_p95_ms, f64::max);
        self.rtt_max_ms = merge_opt(self.rtt_max_ms, later.rtt_max_ms, f64::max);
        self.rtt_count = na + nb;
        self.active = later.active;
    }
}

/// A downsampling, bounded series.
#[derive(Clone, Debug)]
pub struct Series<T> {
    points: Vec<T>,
    capacity: usize,
    stride: u32,
    /// Raw samples merged into the last point so far.
    last_fill: u32,
}

impl<T: Merge> Series<T> {
    /// An empty series holding at most `capacity` (≥ 2) points.
    pub fn new(capacity: usize) -> Self {
        // Claimed whole at the start, so the series never reallocates as it fills (P5).
        Self {
            points: Vec::with_capacity(capacity.max(2)),
            capacity: capacity.max(2),
            stride: 1,
            last_fill: 0,
        }
    }

    /// Adds a raw sample: merged into the last point while that one is incomplete, else
    /// appended (after halving the series when it is full).
    pub fn push(&mut self, point: T) {
        if self.last_fill < self.stride
            && let Some(last) = self.points.last_mut()
        {
            last.merge(&point, self.last_fill, 1);
            self.last_fill += 1;
            return;
        }
        if self.points.len() >= self.capacity {
            self.halve();
            if self.last_fill < self.stride
                && let Some(last) = self.points.last_mut()
            {
                last.merge(&point, self.last_fill, 1);
                self.last_fill += 1;
                return;
            }
        }
        self.points.push(point);
        self.last_fill = 1;
    }

    /// Merges neighbours in pairs and doubles the step. Only called when every point is
    /// complete, so each pair weighs `stride` against `stride`.
    /// Merges neighbours pairwise, in place (no second buffer: wasm memory never shrinks).
    fn halve(&mut self) {
        let s = self.stride;
        let n = self.points.len();
        let (mut w, mut r) = (0, 0);
        while r < n {
            // Positions before `r` are consumed; `r` and `r + 1` are still original.
            self.points.swap(w, r);
            if r + 1 < n {
                let (left, right) = self.points.split_at_mut(r + 1);
                left[w].merge(&right[0], s, s);
                self.last_fill = 2 * s;
            } else {
                self.last_fill = s;
            }
            w += 1;
            r += 2;
        }
        self.points.truncate(w);
        self.stride = s.saturating_mul(2);
    }

    /// The kept points, oldest first.
    pub fn points(&self) -> &[T] {
        &self.points
    }

    /// The most recent point.
    pub fn last(&self) -> Option<&T> {
        self.points.last()
    }

    /// How many raw samples one kept point stands for now.
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

    /// A sample that remembers the range of raw values it covers and their sum.
    #[derive(Clone, Copy, Debug, PartialEq)]
    struct Span {
        first: u32,
        last: u32,
        sum: u64,
    }

    impl Merge for Span {
        fn merge(&mut self, later: &Self, _: u32, _: u32) {
            assert_eq!(self.last + 1, later.first, "only neighbours merge");
            self.last = later.last;
            self.sum += later.sum;
        }
    }

    fn span(i: u32) -> Span {
        Span {
            first: i,
            last: i,
            sum: u64::from(i),
        }
    }

    #[test]
    fn stays_bounded_spans_the_run_and_loses_nothing() {
        let mut s = Series::new(100);
        let n = 100_000u32;
        for i in 0..n {
            s.push(span(i));
            assert!(s.points().len() <= 100);
        }
        let p = s.points();
        assert_eq!(p[0].first, 0);
        assert_eq!(p.last().unwrap().last, n - 1);
        assert!(p.windows(2).all(|w| w[0].last + 1 == w[1].first));
        assert_eq!(
            p.iter().map(|x| x.sum).sum::<u64>(),
            u64::from(n) * u64::from(n - 1) / 2
        );
        assert!(s.stride() >= 1024);
    }

    #[test]
    fn keeps_everything_until_full_then_merges_pairs() {
        let mut s = Series::new(10);
        (0..10).for_each(|i| s.push(span(i)));
        assert_eq!(s.points().len(), 10);
        assert_eq!(s.stride(), 1);
        s.push(span(10));
        assert_eq!(s.stride(), 2);
        let firsts: Vec<u32> = s.points().iter().map(|p| p.first).collect();
        assert_eq!(firsts, vec![0, 2, 4, 6, 8, 10]);
        s.push(span(11));
        assert_eq!(s.points().last().unwrap().last, 11);
        assert_eq!(s.points().len(), 6);
    }

    #[test]
    fn odd_capacity_completes_the_unpaired_point() {
        let mut s = Series::new(3);
        (0..8).for_each(|i| s.push(span(i)));
        assert!(s.points().len() <= 3);
        let p = s.points();
        assert!(p.windows(2).all(|w| w[0].last + 1 == w[1].first));
        assert_eq!(p.last().unwrap().last, 7);
    }

    fn point(t: f64, rtt: Option<(u64, f64, f64)>) -> SeriesPoint {
        SeriesPoint {
            t,
            sent_per_s: t,
            received_per_s: 2.0 * t,
            rtt_count: rtt.map_or(0, |r| r.0),
            rtt_mean_ms: rtt.map(|r| r.1),
            rtt_p50_ms: rtt.map(|r| r.1),
            rtt_p95_ms: rtt.map(|r| r.2),
            rtt_max_ms: rtt.map(|r| r.2),
            active: t as u32,
        }
    }

    #[test]
    fn series_points_merge_rates_by_weight_and_keep_p95_spikes() {
        let mut a = point(0.0, Some((1, 10.0, 10.0)));
        a.merge(&point(2.0, Some((3, 2.0, 90.0))), 1, 1);
        assert_eq!(a.t, 1.0);
        assert_eq!(a.sent_per_s, 1.0);
        assert_eq!(a.rtt_count, 4);
        assert_eq!(a.rtt_mean_ms, Some(4.0));
        assert_eq!(a.rtt_p95_ms, Some(90.0));
        assert_eq!(a.active, 2);
        let mut b = point(0.0, None);
        b.merge(&point(3.0, Some((2, 5.0, 6.0))), 3, 1);
        assert_eq!(b.t, 0.75);
        assert_eq!(b.rtt_mean_ms, Some(5.0));
    }
}
