//! Fixed-point decimal text for the figures the console shows (`12.3 ms`, `99.5 %`).
//!
//! Why not `format!("{:.1}", x)`: core's float formatting (Grisu with a Dragon4 fallback and
//! their power-of-ten tables) is some 17 KB of the console's wasm, there for a few dozen
//! figures with one to three decimals. [`Fixed`] writes the same text with integer
//! arithmetic: the decimal rounding of the float's exact binary value, ties to even, `-` on
//! negative values (also `-0.0`), `NaN` / `inf` / `-inf` as core writes them. The one
//! difference: magnitudes of 2^53 / 10^decimals and above (far beyond any time, rate or size
//! shown) print the nearest integer, saturating at `u64::MAX`, instead of every exact digit.

use std::fmt;

/// `x` with `decimals` digits after the point (at most 9), as `format!("{x:.decimals$}")`
/// writes it.
#[must_use]
pub fn fixed(x: f64, decimals: u8) -> Fixed {
    Fixed {
        x,
        decimals: decimals.min(9),
    }
}

/// See [`fixed`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fixed {
    x: f64,
    decimals: u8,
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.x;
        if x.is_nan() {
            return f.write_str("NaN");
        }
        if x.is_sign_negative() {
            f.write_str("-")?;
        }
        if x.is_infinite() {
            return f.write_str("inf");
        }
        let pow = 10u64.pow(u32::from(self.decimals));
        let scaled = round_scaled(x.abs(), pow as f64);
        let (int, frac) = (scaled / pow, scaled % pow);
        if self.decimals == 0 {
            write!(f, "{int}")
        } else {
            write!(
                f,
                "{int}.{frac:0width$}",
                width = usize::from(self.decimals)
            )
        }
    }
}

/// `a × scale` (both ≥ 0) rounded to an integer, judged on the exact product: the float
/// product can only land on a tie (a fraction of exactly ½) when the exact one is at or
/// next to it, and there the product's rounding error says which side it was on.
fn round_scaled(a: f64, scale: f64) -> u64 {
    let y = a * scale;
    if y >= 9_007_199_254_740_992.0 {
        // 2^53: y is an integer already.
        return y as u64;
    }
    let floor = y.floor();
    let below = floor as u64;
    let frac = y - floor; // exact below 2^53
    let up = if frac > 0.5 {
        true
    } else if frac < 0.5 {
        false
    } else {
        let err = product_error(a, scale, y);
        if err != 0.0 {
            err > 0.0
        } else {
            below % 2 == 1
        }
    };
    below + u64::from(up)
}

/// The rounding error of `p = a × b`: exact `a × b` − `p` (Dekker's two-product, without
/// a fused multiply-add, which wasm32 would get from software).
fn product_error(a: f64, b: f64, p: f64) -> f64 {
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    ((ah * bh - p) + ah * bl + al * bh) + al * bl
}

/// Splits `v` into two halves of 26 significant bits each (Veltkamp).
fn split(v: f64) -> (f64, f64) {
    let c = 134_217_729.0 * v; // 2^27 + 1
    let hi = c - (c - v);
    (hi, v - hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn core(x: f64, d: u8) -> String {
        format!("{x:.prec$}", prec = usize::from(d))
    }

    #[test]
    fn writes_what_core_writes_on_the_edges() {
        let cases = [
            0.0,
            -0.0,
            0.05,
            0.15,
            0.25,
            0.35,
            0.45,
            1.5,
            2.5,
            -2.5,
            0.125,
            0.375,
            99.95,
            99.949_999_999,
            1e-9,
            123_456.789,
            1e12,
            4.35,
            8.345,
            2.675,
            1.005,
            0.5,
            -0.04,
            f64::MIN_POSITIVE,
            5e-324,
            1_048_575.999_999,
        ];
        for x in cases {
            for d in 0..=4 {
                assert_eq!(fixed(x, d).to_string(), core(x, d), "{x} with {d} decimals");
            }
        }
        assert_eq!(fixed(f64::NAN, 1).to_string(), "NaN");
        assert_eq!(fixed(f64::INFINITY, 1).to_string(), "inf");
        assert_eq!(fixed(f64::NEG_INFINITY, 1).to_string(), "-inf");
    }

    #[test]
    fn every_tie_of_three_decimals_rounds_as_core_does() {
        for n in 0..20_000u32 {
            let x = f64::from(n) / 2000.0 + 0.000_25;
            for d in 1..=3 {
                assert_eq!(fixed(x, d).to_string(), core(x, d), "{x} with {d} decimals");
            }
        }
    }

    proptest! {
        #[test]
        fn matches_core_formatting(x in -1e9f64..1e9, d in 0u8..=6) {
            prop_assert_eq!(fixed(x, d).to_string(), core(x, d));
        }

        #[test]
        fn matches_core_on_small_figures(m in 0u32..10_000_000, d in 0u8..=3) {
            let x = f64::from(m) / 1000.0;
            prop_assert_eq!(fixed(x, d).to_string(), core(x, d));
        }
    }
}
