//! Per-axis standardisation between original units and network units.

use crate::data::toy::Toy2d;
use crate::rng::Rng;

/// Smallest standard deviation used, so constant data does not divide by zero.
const MIN_STD: f32 = 1e-6;
/// Samples drawn by [`Standardizer::for_toy`].
const FIT_SAMPLES: usize = 20_000;
/// Fixed seed of [`Standardizer::for_toy`], so the result is deterministic.
const FIT_SEED: u64 = 0x5eed;

/// Maps points to zero mean and unit variance per axis, and back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Standardizer {
    /// Per-axis mean in original units.
    pub mean: [f32; 2],
    /// Per-axis standard deviation in original units (at least 1e-6).
    pub std: [f32; 2],
}

impl Default for Standardizer {
    /// The identity map.
    fn default() -> Self {
        Self {
            mean: [0.0; 2],
            std: [1.0; 2],
        }
    }
}

impl Standardizer {
    /// Fits mean and (population) standard deviation; empty input gives the identity.
    pub fn fit(points: &[[f32; 2]]) -> Self {
        if points.is_empty() {
            return Self::default();
        }
        let n = points.len() as f64;
        let mut mean = [0.0f64; 2];
        for p in points {
            mean[0] += f64::from(p[0]) / n;
            mean[1] += f64::from(p[1]) / n;
        }
        let mut var = [0.0f64; 2];
        for p in points {
            var[0] += (f64::from(p[0]) - mean[0]).powi(2) / n;
            var[1] += (f64::from(p[1]) - mean[1]).powi(2) / n;
        }
        Self {
            mean: [mean[0] as f32, mean[1] as f32],
            std: [
                (var[0].sqrt() as f32).max(MIN_STD),
                (var[1].sqrt() as f32).max(MIN_STD),
            ],
        }
    }

    /// Fits on 20,000 samples of `toy` drawn with a fixed seed (deterministic).
    pub fn for_toy(toy: &Toy2d) -> Self {
        Self::fit(&toy.sample(FIT_SAMPLES, &mut Rng::new(FIT_SEED)))
    }

    /// Original units → network units.
    pub fn forward(&self, p: [f32; 2]) -> [f32; 2] {
        [
            (p[0] - self.mean[0]) / self.std[0],
            (p[1] - self.mean[1]) / self.std[1],
        ]
    }

    /// Network units → original units.
    pub fn inverse(&self, p: [f32; 2]) -> [f32; 2] {
        [
            p[0] * self.std[0] + self.mean[0],
            p[1] * self.std[1] + self.mean[1],
        ]
    }

    /// Standardises every point, flattened row-major (ready for a `[n, 2]` tensor).
    pub fn forward_all(&self, points: &[[f32; 2]]) -> Vec<f32> {
        points.iter().flat_map(|&p| self.forward(p)).collect()
    }

    /// Maps a flattened row-major `[n, 2]` buffer back to points; a trailing odd value is ignored.
    pub fn inverse_flat(&self, flat: &[f32]) -> Vec<[f32; 2]> {
        flat.chunks_exact(2)
            .map(|c| self.inverse([c[0], c[1]]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_and_round_trip() {
        let pts = [[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]];
        let s = Standardizer::fit(&pts);
        assert!((s.mean[0] - 3.0).abs() < 1e-6 && (s.mean[1] - 10.0).abs() < 1e-6);
        assert!((s.std[0] - (8.0f32 / 3.0).sqrt()).abs() < 1e-5);
        assert!((s.std[1] - 1e-6).abs() < 1e-12, "constant axis is floored");
        let flat = s.forward_all(&pts);
        assert_eq!(flat.len(), 6);
        assert!((flat.iter().step_by(2).sum::<f32>()).abs() < 1e-5);
        for (back, orig) in s.inverse_flat(&flat).iter().zip(&pts) {
            assert!((back[0] - orig[0]).abs() < 1e-5 && (back[1] - orig[1]).abs() < 1e-5);
        }
    }

    #[test]
    fn toy_fit_is_deterministic_and_sensible() {
        let a = Standardizer::for_toy(&Toy2d::Quadratic);
        assert_eq!(a, Standardizer::for_toy(&Toy2d::Quadratic));
        // x ~ U[-50, 50): std 100/sqrt(12) ≈ 28.87.
        assert!((a.std[0] - 28.87).abs() < 0.5, "{a:?}");
        let g = Standardizer::for_toy(&Toy2d::Gaussian);
        assert!(g.mean[0].abs() < 0.05 && (g.std[1] - 1.0).abs() < 0.05);
        assert_eq!(Standardizer::fit(&[]), Standardizer::default());
    }
}
