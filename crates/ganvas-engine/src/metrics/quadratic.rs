//! Quality of samples from the [`Toy2d::Quadratic`](crate::data::toy::Toy2d::Quadratic) target.

use serde::{Deserialize, Serialize};

/// Range of `x` in the quadratic target.
const X_RANGE: (f32, f32) = (-50.0, 50.0);
/// Range of `y = 10 + x²` over `X_RANGE` (10 to 2510).
const Y_RANGE: f32 = 2_500.0;
/// Equal-width `x` bins used for coverage.
const X_BINS: usize = 100;

/// How closely samples follow `y = 10 + x²` and how much of `x ∈ [−50, 50]` they span.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuadraticQuality {
    /// Median `|y − (10 + x²)|` divided by the curve's y-range (2500); 0 is perfect.
    /// Infinite for no samples.
    pub median_rel_error: f32,
    /// Share of 100 equal bins on `[−50, 50]` that hold at least one sample's `x`, in `[0, 1]`.
    pub x_coverage: f32,
}

/// Measures `samples` (original units) against the quadratic target.
pub fn quadratic_quality(samples: &[[f32; 2]]) -> QuadraticQuality {
    let mut errors: Vec<f32> = samples
        .iter()
        .map(|p| (p[1] - (10.0 + p[0] * p[0])).abs() / Y_RANGE)
        .collect();
    errors.sort_by(f32::total_cmp);
    let median_rel_error = match errors.len() {
        0 => f32::INFINITY,
        n if n % 2 == 1 => errors[n / 2],
        n => 0.5 * (errors[n / 2 - 1] + errors[n / 2]),
    };
    let (lo, hi) = X_RANGE;
    let mut filled = [false; X_BINS];
    for p in samples.iter().filter(|p| (lo..=hi).contains(&p[0])) {
        let bin = ((p[0] - lo) / (hi - lo) * X_BINS as f32) as usize;
        filled[bin.min(X_BINS - 1)] = true;
    }
    let x_coverage = filled.iter().filter(|&&f| f).count() as f32 / X_BINS as f32;
    QuadraticQuality {
        median_rel_error,
        x_coverage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::toy::Toy2d;
    use crate::rng::Rng;

    #[test]
    fn true_samples_are_perfect() {
        let samples = Toy2d::Quadratic.sample(5_000, &mut Rng::new(21));
        let q = quadratic_quality(&samples);
        assert!(q.median_rel_error < 1e-6, "{q:?}");
        assert!((q.x_coverage - 1.0).abs() < 1e-6, "{q:?}");
    }

    #[test]
    fn collapsed_and_off_curve_samples() {
        let mut rng = Rng::new(22);
        let near_zero: Vec<[f32; 2]> = (0..1_000)
            .map(|_| {
                let x = rng.uniform_range(-0.5, 0.5);
                [x, 10.0 + x * x]
            })
            .collect();
        let q = quadratic_quality(&near_zero);
        assert!(q.x_coverage <= 0.02 + 1e-6, "{q:?}");
        assert!(q.median_rel_error < 1e-6);
        let off = quadratic_quality(&[[0.0, 260.0], [0.0, 10.0], [0.0, 510.0]]);
        assert!((off.median_rel_error - 0.1).abs() < 1e-6, "{off:?}");
        assert!((quadratic_quality(&[[50.0, 2510.0]]).x_coverage - 0.01).abs() < 1e-6);
        assert!(quadratic_quality(&[]).median_rel_error.is_infinite());
    }
}
