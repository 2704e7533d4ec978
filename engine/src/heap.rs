//! Heap samples and trend (F9).
//!
//! `performance.memory` is Chromium-only: without samples the console says "not available",
//! never a made-up number. Samples taken while the tab was hidden are marked (timers are
//! throttled then) and left out of the trend.
//!
//! Where it exists it can still be coarse: on an opaque origin Chromium reports a constant
//! 10,000,000, and on an http origin it moves in ~1.6 MB steps. A reading that never moves
//! across a trend's samples is flagged [`HeapTrend::coarse`] and judged "no data", never
//! "stable". wasm linear memory is read exactly with every sample (it only grows), so the
//! console's own memory has a trend even where the JS heap's is coarse.

use crate::ids::Millis;
use crate::series::{Merge, Series, weighted};

const MB: f64 = 1024.0 * 1024.0;

/// One `performance.memory` reading.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct HeapSample {
    /// When.
    pub t: Millis,
    /// `usedJSHeapSize`, bytes.
    pub used: u64,
    /// `totalJSHeapSize`, bytes.
    pub total: u64,
    /// `jsHeapSizeLimit`, bytes.
    pub limit: u64,
    /// Bytes of wasm linear memory at the same moment.
    pub wasm: u64,
    /// Taken while the tab was hidden.
    pub hidden: bool,
}

impl Merge for HeapSample {
    fn merge(&mut self, later: &Self, weight: u32, later_weight: u32) {
        let mean =
            |a: u64, b: u64| weighted(a as f64, weight, b as f64, later_weight).round() as u64;
        self.t = weighted(self.t, weight, later.t, later_weight);
        self.used = mean(self.used, later.used);
        self.total = mean(self.total, later.total);
        self.limit = later.limit;
        self.wasm = later.wasm;
        // A throttled sample taints the merged one: it stays out of the trend.
        self.hidden |= later.hidden;
    }
}

/// Least-squares fit of used heap over time.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct HeapTrend {
    /// Slope in MB per minute.
    pub mb_per_min: f64,
    /// Coefficient of determination of the fit (1 = perfectly steady).
    pub r2: f64,
    /// Minutes between the first and last sample used.
    pub span_min: f64,
    /// Samples used.
    pub samples: usize,
    /// Every sample read the same value: the browser's figure is too coarse to judge by.
    pub coarse: bool,
}

/// Bounded heap history.
#[derive(Clone, Debug)]
pub(crate) struct HeapTracker {
    samples: Series<HeapSample>,
}

impl HeapTracker {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            samples: Series::new(capacity),
        }
    }

    pub(crate) fn record(&mut self, sample: HeapSample) {
        self.samples.push(sample);
    }

    pub(crate) fn samples(&self) -> &[HeapSample] {
        self.samples.points()
    }

    pub(crate) fn latest(&self) -> Option<&HeapSample> {
        self.samples.last()
    }

    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.samples.capacity()
    }

    /// The JS heap trend of visible samples; `None` with fewer than three.
    pub(crate) fn trend(&self) -> Option<HeapTrend> {
        let visible = || self.samples().iter().filter(|s| !s.hidden);
        let first = visible().next()?.used;
        let mut trend = fit(visible().map(|s| (s.t / 60_000.0, s.used as f64 / MB)))?;
        trend.coarse = visible().all(|s| s.used == first);
        Some(trend)
    }

    /// The wasm linear memory trend of visible samples (exact, so never coarse).
    pub(crate) fn wasm_trend(&self) -> Option<HeapTrend> {
        fit(self
            .samples()
            .iter()
            .filter(|s| !s.hidden && s.wasm > 0)
            .map(|s| (s.t / 60_000.0, s.wasm as f64 / MB)))
    }
}

/// Ordinary least squares of `(x, y)` points.
fn fit(points: impl Iterator<Item = (f64, f64)> + Clone) -> Option<HeapTrend> {
    let n = points.clone().count();
    if n < 3 {
        return None;
    }
    let nf = n as f64;
    let (sx, sy) = points
        .clone()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / nf, sy / nf);
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (x, y) in points {
        sxx += (x - mx) * (x - mx);
        sxy += (x - mx) * (y - my);
        syy += (y - my) * (y - my);
        lo = lo.min(x);
        hi = hi.max(x);
    }
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    // A flat line is perfectly explained.
    let r2 = if syy <= 0.0 {
        1.0
    } else {
        (sxy * sxy) / (sxx * syy)
    };
    Some(HeapTrend {
        mb_per_min: slope,
        r2,
        span_min: hi - lo,
        samples: n,
        coarse: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(t_min: f64, used_mb: f64, hidden: bool) -> HeapSample {
        HeapSample {
            t: t_min * 60_000.0,
            used: (used_mb * MB) as u64,
            total: 0,
            limit: 0,
            wasm: 0,
            hidden,
        }
    }

    #[test]
    fn steady_growth_has_slope_and_high_r2() {
        let mut h = HeapTracker::new(100);
        for i in 0..30 {
            h.record(sample(i as f64, 10.0 + 2.0 * i as f64, false));
        }
        let t = h.trend().unwrap();
        assert!((t.mb_per_min - 2.0).abs() < 1e-6, "{t:?}");
        assert!(t.r2 > 0.999);
        assert!((t.span_min - 29.0).abs() < 1e-9);
    }

    #[test]
    fn flat_heap_is_zero_slope() {
        let mut h = HeapTracker::new(100);
        for i in 0..10 {
            h.record(sample(i as f64, 50.0, false));
        }
        let t = h.trend().unwrap();
        assert_eq!(t.mb_per_min, 0.0);
    }

    #[test]
    fn hidden_samples_are_kept_but_not_fitted() {
        let mut h = HeapTracker::new(100);
        for i in 0..10 {
            h.record(sample(i as f64, 50.0, false));
        }
        h.record(sample(10.0, 500.0, true));
        assert_eq!(h.samples().len(), 11);
        assert_eq!(h.trend().unwrap().mb_per_min, 0.0);
    }

    #[test]
    fn a_reading_that_never_moves_is_coarse_and_wasm_memory_still_has_a_trend() {
        // Chromium on an opaque origin: exactly 10,000,000 while wasm memory grows.
        let mut h = HeapTracker::new(100);
        for i in 0..10 {
            h.record(HeapSample {
                used: 10_000_000,
                wasm: (2 + i) * 65_536 * 16,
                ..sample(i as f64, 0.0, false)
            });
        }
        let t = h.trend().unwrap();
        assert!(t.coarse, "{t:?}");
        let w = h.wasm_trend().unwrap();
        assert!(!w.coarse && w.mb_per_min > 0.9, "{w:?}");
    }

    #[test]
    fn quantised_steps_that_move_are_a_trend_not_coarse() {
        // An http origin: the reading follows the heap in ~1.6 MB steps.
        let mut h = HeapTracker::new(100);
        for i in 0..10 {
            h.record(sample(i as f64, 1.6 * f64::from(i / 3), false));
        }
        let t = h.trend().unwrap();
        assert!(!t.coarse && t.mb_per_min > 0.0, "{t:?}");
    }

    #[test]
    fn too_few_samples_is_no_trend() {
        let mut h = HeapTracker::new(100);
        assert!(h.trend().is_none());
        h.record(sample(0.0, 1.0, false));
        h.record(sample(1.0, 2.0, false));
        assert!(h.trend().is_none());
        assert!(h.latest().is_some());
    }

    #[test]
    fn bounded() {
        let mut h = HeapTracker::new(50);
        for i in 0..10_000 {
            h.record(sample(i as f64, 1.0, false));
        }
        assert!(h.samples().len() <= h.capacity());
    }
}
