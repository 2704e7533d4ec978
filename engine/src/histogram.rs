//! RTT histogram (F9) with bounded memory and bounded relative error.
//!
//! Values are in milliseconds and bucketed by the bits of their value in microseconds (as
//! an `f64`): the binary exponent picks an octave and the top six mantissa bits split it in 64, so each
//! bucket spans 1/64 of an octave and its midpoint is within 0.8 % of any value inside it.
//! Counts live in a dense vector covering only the buckets seen so far (at most a few
//! thousand, ~10 KB), so a session whose RTTs sit in a narrow band costs a few hundred bytes.
//! Exact count, sum, min and max are kept beside it.

use crate::ids::Millis;

const SUB_BITS: u32 = 6;
const SUB: u64 = 1 << SUB_BITS;
/// Values are clamped to 2^40 µs (about 12 days): plenty for an RTT.
const MAX_OCTAVE: u64 = 40;

/// Summary statistics of a histogram; all `None` when it is empty.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct RttSummary {
    /// Number of samples.
    pub count: u64,
    /// Arithmetic mean (exact).
    pub mean: Option<Millis>,
    /// Median.
    pub p50: Option<Millis>,
    /// 95th percentile.
    pub p95: Option<Millis>,
    /// 99th percentile.
    pub p99: Option<Millis>,
    /// Smallest (exact).
    pub min: Option<Millis>,
    /// Largest (exact).
    pub max: Option<Millis>,
    /// Most recent sample.
    pub last: Option<Millis>,
}

/// Log-bucketed histogram of millisecond values.
#[derive(Clone, Debug, Default)]
pub struct Histogram {
    /// Index of `counts[0]`.
    base: u32,
    counts: Vec<u32>,
    count: u64,
    sum: f64,
    min: f64,
    max: f64,
    last: f64,
}

/// Bucket index of a value in ms.
fn bucket(ms: f64) -> u32 {
    let us = ms * 1000.0;
    if us.is_nan() || us < 1.0 {
        return 0;
    }
    let us = us.min((1u64 << MAX_OCTAVE) as f64 - 1.0);
    let bits = us.to_bits();
    let octave = ((bits >> 52) & 0x7ff) - 1023;
    let sub = (bits >> (52 - SUB_BITS)) & (SUB - 1);
    (1 + octave * SUB + sub) as u32
}

/// Midpoint (in ms) of a bucket.
fn midpoint(index: u32) -> f64 {
    if index == 0 {
        return 0.0005;
    }
    let i = u64::from(index - 1);
    let (octave, sub) = (i / SUB, i % SUB);
    let lo = (1u64 << octave) as f64 * (1.0 + sub as f64 / SUB as f64);
    let width = (1u64 << octave) as f64 / SUB as f64;
    (lo + width / 2.0) / 1000.0
}

impl Histogram {
    /// An empty histogram.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one sample (negative and NaN values count as 0).
    pub fn record(&mut self, ms: Millis) {
        let ms = if ms.is_nan() || ms < 0.0 { 0.0 } else { ms };
        let b = bucket(ms);
        if self.counts.is_empty() {
            self.base = b;
            self.counts.push(0);
        } else if b < self.base {
            let grow = (self.base - b) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.base = b;
        } else if (b - self.base) as usize >= self.counts.len() {
            self.counts.resize((b - self.base) as usize + 1, 0);
        }
        let slot = &mut self.counts[(b - self.base) as usize];
        *slot = slot.saturating_add(1);
        if self.count == 0 {
            self.min = ms;
            self.max = ms;
        } else {
            self.min = self.min.min(ms);
            self.max = self.max.max(ms);
        }
        self.count += 1;
        self.sum += ms;
        self.last = ms;
    }

    /// Number of samples.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Exact mean.
    pub fn mean(&self) -> Option<Millis> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    /// The value at quantile `q` in `[0, 1]` (nearest rank), within ~0.8 % relative error and
    /// clamped to the exact min and max.
    pub fn quantile(&self, q: f64) -> Option<Millis> {
        if self.count == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
        let mut seen = 0u64;
        for (i, c) in self.counts.iter().enumerate() {
            seen += u64::from(*c);
            if seen >= rank {
                return Some(midpoint(self.base + i as u32).clamp(self.min, self.max));
            }
        }
        Some(self.max)
    }

    /// Buckets in use (memory is 4 bytes each).
    pub fn buckets(&self) -> usize {
        self.counts.len()
    }

    /// Mean, p50, p95, p99, min, max and the last sample.
    pub fn summary(&self) -> RttSummary {
        let has = self.count > 0;
        RttSummary {
            count: self.count,
            mean: self.mean(),
            p50: self.quantile(0.50),
            p95: self.quantile(0.95),
            p99: self.quantile(0.99),
            min: has.then_some(self.min),
            max: has.then_some(self.max),
            last: has.then_some(self.last),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    fn exact(sorted: &[f64], q: f64) -> f64 {
        let rank = ((q * sorted.len() as f64).ceil() as usize).max(1);
        sorted[rank - 1]
    }

    fn check_against_exact(values: &[f64]) {
        let mut h = Histogram::new();
        values.iter().for_each(|v| h.record(*v));
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        for q in [0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0] {
            let want = exact(&sorted, q);
            let got = h.quantile(q).unwrap();
            let tolerance = (want * 0.01).max(0.001);
            assert!(
                (got - want).abs() <= tolerance,
                "q={q} want {want} got {got}"
            );
        }
        let s = h.summary();
        assert_eq!(s.min, Some(sorted[0]));
        assert_eq!(s.max, Some(*sorted.last().unwrap()));
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        assert!((s.mean.unwrap() - mean).abs() < 1e-9 * mean.max(1.0));
    }

    #[test]
    fn percentiles_within_one_percent_lognormal() {
        let mut r = SplitMix64::new(42);
        let values: Vec<f64> = (0..50_000)
            .map(|_| {
                // Box–Muller: RTTs around 0.4 ms with a long tail.
                let (u1, u2) = (r.next_f64().max(1e-12), r.next_f64());
                let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
                0.4 * (0.8 * z).exp()
            })
            .collect();
        check_against_exact(&values);
    }

    #[test]
    fn percentiles_within_one_percent_uniform_wide() {
        let mut r = SplitMix64::new(7);
        let values: Vec<f64> = (0..20_000)
            .map(|_| 0.01 + r.next_f64() * 20_000.0)
            .collect();
        check_against_exact(&values);
    }

    #[test]
    fn small_and_edge_values() {
        check_against_exact(&[5.0]);
        check_against_exact(&[0.0, 0.0, 0.0005, 1.0]);
        let mut h = Histogram::new();
        h.record(-3.0);
        h.record(f64::NAN);
        h.record(1e15);
        assert_eq!(h.count(), 3);
        assert_eq!(h.summary().min, Some(0.0));
        assert!(h.buckets() <= (MAX_OCTAVE * SUB + 1) as usize);
    }

    #[test]
    fn empty_summary_is_none() {
        let s = Histogram::new().summary();
        assert_eq!(s, RttSummary::default());
    }

    #[test]
    fn memory_stays_bounded_and_narrow_bands_are_cheap() {
        let mut h = Histogram::new();
        for i in 0..10_000 {
            h.record(0.3 + (i % 100) as f64 * 0.001);
        }
        assert!(h.buckets() < 40, "{}", h.buckets());
        let mut r = SplitMix64::new(3);
        for _ in 0..100_000 {
            h.record(r.next_f64() * 1e9);
        }
        assert!(h.buckets() <= (MAX_OCTAVE * SUB + 1) as usize);
    }

    #[test]
    fn bucket_midpoints_are_close() {
        for v in [0.001, 0.0123, 0.4, 1.0, 3.3, 199.9, 1000.0, 65_432.1] {
            let m = midpoint(bucket(v));
            assert!((m - v).abs() / v <= 0.0079, "{v} -> {m}");
        }
    }
}
