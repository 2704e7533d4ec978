//! A tiny seedable random number generator (SplitMix64).
//!
//! Fault runs must be reproducible from a seed given in the URL, and the testbed needs only a
//! few draws per frame, so eight lines of well-known arithmetic beat a dependency.

/// SplitMix64: one `u64` of state, every seed valid (zero included).
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        // The top 53 bits fill an f64 mantissa exactly.
        (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64
    }

    /// True with probability `p`. Draws nothing when `p` is 0, so a fault that is off does not
    /// shift the sequence the others see.
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
    }

    /// Uniform in `0..=max`; draws nothing when `max` is 0.
    pub fn up_to(&mut self, max: u64) -> u64 {
        match max {
            0 => 0,
            u64::MAX => self.next_u64(),
            _ => self.next_u64() % (max + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_known_first_value() {
        let mut a = Rng::new(0);
        // The reference SplitMix64 output for seed 0.
        assert_eq!(a.next_u64(), 0xE220_A839_7B1D_CDAF);
        let (mut b, mut c) = (Rng::new(42), Rng::new(42));
        for _ in 0..100 {
            assert_eq!(b.next_u64(), c.next_u64());
        }
    }

    #[test]
    fn chance_is_never_for_zero_always_for_one_and_about_right_between() {
        let mut r = Rng::new(7);
        assert!((0..1000).all(|_| !r.chance(0.0)));
        assert!((0..1000).all(|_| r.chance(1.0)));
        let hits = (0..10_000).filter(|_| r.chance(0.3)).count();
        assert!((2_700..3_300).contains(&hits), "{hits}");
    }

    #[test]
    fn up_to_stays_in_range_and_reaches_both_ends() {
        let mut r = Rng::new(3);
        assert_eq!(r.up_to(0), 0);
        let draws: Vec<u64> = (0..1000).map(|_| r.up_to(4)).collect();
        assert!(draws.iter().all(|&d| d <= 4));
        assert!(draws.contains(&0) && draws.contains(&4));
        let _ = r.up_to(u64::MAX);
    }
}
