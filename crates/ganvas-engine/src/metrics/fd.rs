//! The Fréchet distance between Gaussians fitted to feature vectors (the idea behind FID, here
//! on our own classifier's penultimate layer, so the figures are not comparable to FID).

use crate::error::{Error, Result};
use crate::metrics::eigen::symmetric_eigen;

/// Mean and covariance of a set of feature vectors, in `f64`.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureStats {
    /// Feature dimension `d`.
    pub dim: usize,
    /// Samples the statistics were computed from.
    pub count: usize,
    /// Mean `[d]`.
    pub mean: Vec<f64>,
    /// Covariance `[d, d]` row-major, with the unbiased `1 / (count − 1)` normalisation.
    pub covariance: Vec<f64>,
}

impl FeatureStats {
    /// Statistics of `features`, row-major `[count, dim]`; needs at least two rows.
    pub fn from_features(features: &[f32], dim: usize) -> Result<Self> {
        if dim == 0 || !features.len().is_multiple_of(dim) {
            return Err(Error::ShapeMismatch(format!(
                "{} feature values are not rows of {dim}",
                features.len()
            )));
        }
        let count = features.len() / dim;
        if count < 2 {
            return Err(Error::Config(
                "a covariance needs at least two samples".into(),
            ));
        }
        let mut mean = vec![0.0_f64; dim];
        for row in features.chunks_exact(dim) {
            for (m, &x) in mean.iter_mut().zip(row) {
                *m += f64::from(x);
            }
        }
        for m in &mut mean {
            *m /= count as f64;
        }
        let mut covariance = vec![0.0_f64; dim * dim];
        let mut centred = vec![0.0_f64; dim];
        for row in features.chunks_exact(dim) {
            for ((c, &x), m) in centred.iter_mut().zip(row).zip(&mean) {
                *c = f64::from(x) - m;
            }
            for (i, &ci) in centred.iter().enumerate() {
                let out = &mut covariance[i * dim..(i + 1) * dim];
                for (o, &cj) in out[i..].iter_mut().zip(&centred[i..]) {
                    *o += ci * cj;
                }
            }
        }
        let norm = 1.0 / (count - 1) as f64;
        for i in 0..dim {
            for j in i..dim {
                let value = covariance[i * dim + j] * norm;
                covariance[i * dim + j] = value;
                covariance[j * dim + i] = value;
            }
        }
        Ok(Self {
            dim,
            count,
            mean,
            covariance,
        })
    }
}

/// `‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^½)`, with `Tr((Σ₁Σ₂)^½) = Tr((√Σ₁ Σ₂ √Σ₁)^½)` from two
/// symmetric eigen-decompositions (tiny negative eigenvalues from rounding are clamped to 0).
pub fn frechet_distance(a: &FeatureStats, b: &FeatureStats) -> Result<f64> {
    if a.dim != b.dim {
        return Err(Error::ShapeMismatch(format!(
            "features of dimension {} and {}",
            a.dim, b.dim
        )));
    }
    let n = a.dim;
    let mean_term: f64 = a
        .mean
        .iter()
        .zip(&b.mean)
        .map(|(x, y)| (x - y).powi(2))
        .sum();
    let trace = |m: &[f64]| (0..n).map(|i| m[i * n + i]).sum::<f64>();
    let sqrt_a = matrix_sqrt(&a.covariance, n);
    let inner = matmul(&matmul(&sqrt_a, &b.covariance, n), &sqrt_a, n);
    let trace_sqrt: f64 = symmetric_eigen(&inner, n)
        .values
        .iter()
        .map(|&l| l.max(0.0).sqrt())
        .sum();
    let distance = mean_term + trace(&a.covariance) + trace(&b.covariance) - 2.0 * trace_sqrt;
    // Rounding can leave a tiny negative value for identical statistics.
    Ok(distance.max(0.0))
}

/// The symmetric positive semi-definite square root `V · diag(√λ) · Vᵀ` of `m` `[n, n]`.
fn matrix_sqrt(m: &[f64], n: usize) -> Vec<f64> {
    let e = symmetric_eigen(m, n);
    let roots: Vec<f64> = e.values.iter().map(|&l| l.max(0.0).sqrt()).collect();
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        for j in i..n {
            let value: f64 = (0..n)
                .map(|k| e.vectors[i * n + k] * roots[k] * e.vectors[j * n + k])
                .sum();
            out[i * n + j] = value;
            out[j * n + i] = value;
        }
    }
    out
}

/// `a · b` for `[n, n]` row-major matrices.
fn matmul(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        for k in 0..n {
            let aik = a[i * n + k];
            for j in 0..n {
                out[i * n + j] += aik * b[k * n + j];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    fn stats(mean: Vec<f64>, covariance: Vec<f64>) -> FeatureStats {
        FeatureStats {
            dim: mean.len(),
            count: 100,
            mean,
            covariance,
        }
    }

    #[test]
    fn identical_statistics_are_at_distance_zero() {
        let mut rng = Rng::new(3);
        let features: Vec<f32> = (0..500 * 6).map(|_| rng.normal()).collect();
        let s = FeatureStats::from_features(&features, 6).expect("valid");
        assert!(frechet_distance(&s, &s).expect("same dim") < 1e-9);
    }

    #[test]
    fn one_dimensional_gaussians() {
        // (μ₁ − μ₂)² + (σ₁ − σ₂)² = 4 + 1.
        let a = stats(vec![1.0], vec![4.0]);
        let b = stats(vec![3.0], vec![1.0]);
        let fd = frechet_distance(&a, &b).expect("same dim");
        assert!((fd - 5.0).abs() < 1e-12, "{fd}");
    }

    #[test]
    fn diagonal_covariances_add_per_axis() {
        let a = stats(vec![0.0, 0.0, 1.0], diag(&[1.0, 9.0, 0.25]));
        let b = stats(vec![1.0, 0.0, 1.0], diag(&[4.0, 1.0, 0.25]));
        // Σ (μ₁ − μ₂)² + (σ₁ − σ₂)²: (1 + 1) + (0 + 4) + 0.
        let fd = frechet_distance(&a, &b).expect("same dim");
        assert!((fd - 6.0).abs() < 1e-10, "{fd}");
        // Symmetric in its arguments.
        assert!((frechet_distance(&b, &a).expect("same dim") - fd).abs() < 1e-10);
    }

    #[test]
    fn rotation_of_both_covariances_changes_nothing() {
        // Rotating both Gaussians by 45° keeps the distance: 0 + (2 − 1)² + (1 − 3)².
        let r = std::f64::consts::FRAC_1_SQRT_2;
        let rotate = |d: [f64; 2]| {
            let q = [r, -r, r, r];
            let mut out = vec![0.0; 4];
            for i in 0..2 {
                for j in 0..2 {
                    out[i * 2 + j] = (0..2).map(|k| q[i * 2 + k] * d[k] * q[j * 2 + k]).sum();
                }
            }
            out
        };
        let a = stats(vec![0.0, 0.0], rotate([4.0, 1.0]));
        let b = stats(vec![0.0, 0.0], rotate([1.0, 9.0]));
        let fd = frechet_distance(&a, &b).expect("same dim");
        assert!((fd - 5.0).abs() < 1e-10, "{fd}");
    }

    #[test]
    fn sample_statistics_by_hand() {
        let s = FeatureStats::from_features(&[1.0, 0.0, 3.0, 2.0], 2).expect("valid");
        assert_eq!(s.mean, vec![2.0, 1.0]);
        assert_eq!(s.covariance, vec![2.0, 2.0, 2.0, 2.0]);
        assert!(FeatureStats::from_features(&[1.0, 2.0, 3.0], 2).is_err());
        assert!(FeatureStats::from_features(&[1.0, 2.0], 2).is_err());
        let other = FeatureStats::from_features(&[1.0, 2.0, 3.0, 4.0], 1).expect("valid");
        assert!(matches!(
            frechet_distance(&s, &other),
            Err(Error::ShapeMismatch(_))
        ));
    }

    fn diag(values: &[f64]) -> Vec<f64> {
        let n = values.len();
        (0..n * n)
            .map(|k| if k % (n + 1) == 0 { values[k / n] } else { 0.0 })
            .collect()
    }
}
