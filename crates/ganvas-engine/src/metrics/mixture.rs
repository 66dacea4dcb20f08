//! Mode coverage for Gaussian-mixture targets (Ring8, Grid25, Gaussian).
//!
//! The rule follows `VEEGAN` (Srivastava et al. 2017) and `PacGAN` (Lin et al. 2018):
//! a sample is *high quality* if it lies within three standard deviations
//! (Euclidean distance `≤ 3σ`) of its nearest mode centre, and a mode is
//! *covered* if it is the nearest centre of at least 20 high-quality samples
//! out of 2,500 — here scaled as 0.8% of the sample count, rounded up and at
//! least 1, for `n < 2,500` (20 for `n ≥ 2,500`).

use serde::{Deserialize, Serialize};

/// How well generated samples cover the modes of a mixture.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ModeCoverage {
    /// Modes that received enough high-quality samples.
    pub modes_covered: usize,
    /// Number of modes in the target.
    pub modes_total: usize,
    /// Share of samples within 3σ of their nearest centre, in `[0, 1]`.
    pub high_quality_share: f32,
}

/// High-quality samples a mode needs to count as covered, for `n` samples.
pub fn covered_threshold(n: usize) -> usize {
    if n >= 2_500 {
        20
    } else {
        (n * 8).div_ceil(1_000).max(1)
    }
}

/// Measures mode coverage of `samples` (original units) against mixture `centres` with per-mode `std`.
pub fn mode_coverage(samples: &[[f32; 2]], centres: &[[f32; 2]], std: f32) -> ModeCoverage {
    let radius_sq = (3.0 * std).powi(2);
    let mut hits = vec![0usize; centres.len()];
    let mut high_quality = 0usize;
    for p in samples {
        let nearest = centres
            .iter()
            .map(|c| (p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2))
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((mode, d2)) = nearest
            && d2 <= radius_sq
        {
            hits[mode] += 1;
            high_quality += 1;
        }
    }
    let threshold = covered_threshold(samples.len());
    ModeCoverage {
        modes_covered: hits.iter().filter(|&&h| h >= threshold).count(),
        modes_total: centres.len(),
        high_quality_share: if samples.is_empty() {
            0.0
        } else {
            high_quality as f32 / samples.len() as f32
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::toy::Toy2d;
    use crate::rng::Rng;

    #[test]
    fn true_samples_cover_every_mode() {
        for toy in [Toy2d::Ring8, Toy2d::Grid25, Toy2d::Gaussian] {
            let (centres, std) = toy.modes().expect("mixture");
            let samples = toy.sample(2_500, &mut Rng::new(11));
            let cov = mode_coverage(&samples, &centres, std);
            assert_eq!(cov.modes_covered, cov.modes_total, "{toy:?}");
            assert!(cov.high_quality_share > 0.97, "{toy:?}: {cov:?}");
        }
    }

    #[test]
    fn collapse_onto_one_mode() {
        let (centres, std) = Toy2d::Ring8.modes().expect("mixture");
        let mut rng = Rng::new(12);
        let c = centres[3];
        let samples: Vec<[f32; 2]> = (0..1_000)
            .map(|_| [c[0] + std * rng.normal(), c[1] + std * rng.normal()])
            .collect();
        let cov = mode_coverage(&samples, &centres, std);
        assert_eq!((cov.modes_covered, cov.modes_total), (1, 8));
    }

    #[test]
    fn far_samples_are_low_quality_and_thresholds() {
        let cov = mode_coverage(&[[100.0, 100.0]; 50], &[[0.0, 0.0]], 1.0);
        assert_eq!(cov.modes_covered, 0);
        assert!(cov.high_quality_share.abs() < 1e-6);
        assert_eq!(mode_coverage(&[], &[[0.0, 0.0]], 1.0).modes_covered, 0);
        assert_eq!(covered_threshold(0), 1);
        assert_eq!(covered_threshold(1_000), 8);
        assert_eq!(covered_threshold(1_001), 9);
        assert_eq!(covered_threshold(100_000), 20);
    }
}
