//! One report of every metric that applies to a 2-D target.

use crate::data::toy::Toy2d;
use crate::metrics::divergence::{energy_distance, grid_kl_js};
use crate::metrics::mixture::{ModeCoverage, mode_coverage};
use crate::metrics::quadratic::{QuadraticQuality, quadratic_quality};

/// Histogram resolution used by [`evaluate_2d`].
const HISTOGRAM_BINS: usize = 30;

/// Quality of generated 2-D samples against real ones (original units).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quality2d {
    /// `KL(real ‖ fake)` on a 30×30 grid, nats.
    pub kl: f32,
    /// Jensen–Shannon divergence on the same grid, nats (at most ln 2).
    pub js: f32,
    /// Energy distance between the two sets.
    pub energy: f32,
    /// Mode coverage, for mixture targets (Ring8, Grid25, Gaussian).
    pub mixture: Option<ModeCoverage>,
    /// Curve fit, for the quadratic target.
    pub quadratic: Option<QuadraticQuality>,
}

/// Computes every metric that applies to `toy` for `fake` against `real`.
pub fn evaluate_2d(toy: &Toy2d, real: &[[f32; 2]], fake: &[[f32; 2]]) -> Quality2d {
    let (kl, js) = grid_kl_js(real, fake, HISTOGRAM_BINS);
    Quality2d {
        kl,
        js,
        energy: energy_distance(real, fake),
        mixture: toy
            .modes()
            .map(|(centres, std)| mode_coverage(fake, &centres, std)),
        quadratic: matches!(toy, Toy2d::Quadratic).then(|| quadratic_quality(fake)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn picks_the_metrics_that_apply() {
        let mut rng = Rng::new(41);
        for toy in Toy2d::all_builtin() {
            let real = toy.sample(2_000, &mut rng);
            let fake = toy.sample(2_000, &mut rng);
            let q = evaluate_2d(&toy, &real, &fake);
            assert_eq!(q.mixture.is_some(), toy.modes().is_some(), "{toy:?}");
            assert_eq!(q.quadratic.is_some(), toy == Toy2d::Quadratic);
            // Sparse 30×30 histograms of 2,000 points: KL's ε-smoothing bias is 0.5–1 nats.
            assert!(
                q.js < 0.1 && q.kl < 1.5 && q.energy < 0.05 * scale(&real),
                "{toy:?}: {q:?}"
            );
            if let Some(m) = q.mixture {
                assert_eq!(m.modes_covered, m.modes_total);
            }
        }
    }

    /// Rough size of a point cloud (mean distance from the origin), for scale-free checks.
    fn scale(points: &[[f32; 2]]) -> f32 {
        points.iter().map(|p| p[0].hypot(p[1])).sum::<f32>() / points.len() as f32
    }
}
