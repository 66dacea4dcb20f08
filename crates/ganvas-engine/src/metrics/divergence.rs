//! Distribution distances between real and generated 2-D samples.

/// Also reachable here: the combined report built from these distances.
pub use crate::metrics::quality::{Quality2d, evaluate_2d};

/// Probability added to every histogram cell before renormalising, so empty cells
/// give finite logarithms (disjoint sets give KL ≈ ln 1e10 ≈ 23).
const CELL_EPSILON: f64 = 1e-10;
/// Padding of the real samples' bounding box, as a share of its width per side.
const PAD_SHARE: f32 = 0.05;
/// Points kept per set by [`energy_distance`].
const ENERGY_MAX_POINTS: usize = 1_000;

/// `KL(real ‖ fake)` and Jensen–Shannon divergence (natural log, so JS ≤ ln 2)
/// between `bins × bins` histograms.
///
/// The grid spans the bounding box of `real`, padded 5% per side; fake points
/// outside it are clamped into the edge cells. Each cell's probability gets
/// 1e-10 added before renormalising. Returns `(NaN, NaN)` if either set is empty.
///
/// With few samples per cell, KL is biased upwards (cells the fake set misses
/// by chance cost `p · ln(p / 1e-10)`): two 2,000-point draws of one target
/// score about 0.5–1 nats, disjoint sets about 23. JS is bounded and less noisy.
pub fn grid_kl_js(real: &[[f32; 2]], fake: &[[f32; 2]], bins: usize) -> (f32, f32) {
    if real.is_empty() || fake.is_empty() {
        return (f32::NAN, f32::NAN);
    }
    let bins = bins.max(1);
    let grid = Grid::around(real, bins);
    let p = grid.histogram(real);
    let q = grid.histogram(fake);
    let kl =
        |a: &[f64], b: &[f64]| -> f64 { a.iter().zip(b).map(|(&x, &y)| x * (x / y).ln()).sum() };
    let m: Vec<f64> = p.iter().zip(&q).map(|(x, y)| 0.5 * (x + y)).collect();
    let js = 0.5 * kl(&p, &m) + 0.5 * kl(&q, &m);
    (kl(&p, &q).max(0.0) as f32, js.max(0.0) as f32)
}

/// A square grid of `bins × bins` cells over a padded box.
struct Grid {
    lo: [f32; 2],
    width: [f32; 2],
    bins: usize,
}

impl Grid {
    /// The grid over `points`' bounding box, padded by 5% of its width per side.
    fn around(points: &[[f32; 2]], bins: usize) -> Self {
        let mut lo = [f32::INFINITY; 2];
        let mut hi = [f32::NEG_INFINITY; 2];
        for p in points
            .iter()
            .filter(|p| p[0].is_finite() && p[1].is_finite())
        {
            for axis in 0..2 {
                lo[axis] = lo[axis].min(p[axis]);
                hi[axis] = hi[axis].max(p[axis]);
            }
        }
        let mut width = [1.0; 2];
        for axis in 0..2 {
            if lo[axis] > hi[axis] {
                (lo[axis], hi[axis]) = (0.0, 0.0);
            }
            let pad = ((hi[axis] - lo[axis]) * PAD_SHARE).max(1e-3);
            lo[axis] -= pad;
            width[axis] = hi[axis] + pad - lo[axis];
        }
        Self { lo, width, bins }
    }

    /// Cell index of one coordinate, clamped into the grid (NaN goes to cell 0).
    fn cell(&self, axis: usize, v: f32) -> usize {
        let t = (v - self.lo[axis]) / self.width[axis] * self.bins as f32;
        // `as` saturates: negatives and NaN become 0.
        (t as usize).min(self.bins - 1)
    }

    /// Smoothed cell probabilities of `points`, row-major.
    fn histogram(&self, points: &[[f32; 2]]) -> Vec<f64> {
        let mut counts = vec![0.0f64; self.bins * self.bins];
        for p in points {
            counts[self.cell(0, p[0]) * self.bins + self.cell(1, p[1])] += 1.0;
        }
        let n = points.len() as f64;
        let total = 1.0 + CELL_EPSILON * counts.len() as f64;
        counts
            .iter()
            .map(|c| (c / n + CELL_EPSILON) / total)
            .collect()
    }
}

/// Energy distance `2E|X−Y| − E|X−X'| − E|Y−Y'|` (Euclidean, V-statistic, so ≥ 0).
///
/// Exact over all pairs, but each set is first thinned deterministically to at
/// most 1,000 points by taking every k-th. Returns NaN if either set is empty.
pub fn energy_distance(a: &[[f32; 2]], b: &[[f32; 2]]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return f32::NAN;
    }
    let a = thin(a);
    let b = thin(b);
    let e = 2.0 * mean_distance(&a, &b) - mean_distance(&a, &a) - mean_distance(&b, &b);
    e.max(0.0) as f32
}

/// Every k-th point, with k chosen so at most [`ENERGY_MAX_POINTS`] remain.
fn thin(points: &[[f32; 2]]) -> Vec<[f32; 2]> {
    let stride = points.len().div_ceil(ENERGY_MAX_POINTS).max(1);
    points.iter().step_by(stride).copied().collect()
}

/// Mean Euclidean distance over all pairs of `a × b`, in f64.
fn mean_distance(a: &[[f32; 2]], b: &[[f32; 2]]) -> f64 {
    let total: f64 = a
        .iter()
        .map(|p| {
            b.iter()
                .map(|q| f64::from(p[0] - q[0]).hypot(f64::from(p[1] - q[1])))
                .sum::<f64>()
        })
        .sum();
    total / (a.len() * b.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::toy::Toy2d;
    use crate::rng::Rng;

    #[test]
    fn identical_sets_have_zero_divergence() {
        let pts = Toy2d::Ring8.sample(2_000, &mut Rng::new(31));
        let (kl, js) = grid_kl_js(&pts, &pts, 30);
        assert!(kl.abs() < 1e-5 && js.abs() < 1e-5, "{kl} {js}");
        assert!(energy_distance(&pts, &pts).abs() < 1e-6);
    }

    #[test]
    fn disjoint_sets_diverge() {
        let real = Toy2d::Gaussian.sample(2_000, &mut Rng::new(32));
        let fake: Vec<[f32; 2]> = real.iter().map(|p| [p[0] + 100.0, p[1]]).collect();
        let (kl, js) = grid_kl_js(&real, &fake, 30);
        assert!(kl > 10.0, "{kl}");
        assert!((js - std::f32::consts::LN_2).abs() < 1e-3, "{js}");
    }

    #[test]
    fn same_distribution_is_close_and_shift_is_not() {
        let mut rng = Rng::new(33);
        let a = Toy2d::Gaussian.sample(3_000, &mut rng);
        let b = Toy2d::Gaussian.sample(3_000, &mut rng);
        let shifted: Vec<[f32; 2]> = b.iter().map(|p| [p[0] + 1.0, p[1]]).collect();
        let same = energy_distance(&a, &b);
        let far = energy_distance(&a, &shifted);
        assert!(same < 0.01, "{same}");
        assert!(far > 0.3, "{far}");
        let (kl_same, js_same) = grid_kl_js(&a, &b, 30);
        let (kl_far, _) = grid_kl_js(&a, &shifted, 30);
        assert!(
            kl_same < kl_far && js_same < 0.1,
            "{kl_same} {kl_far} {js_same}"
        );
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        assert!(grid_kl_js(&[], &[[0.0, 0.0]], 30).0.is_nan());
        assert!(energy_distance(&[[0.0, 0.0]], &[]).is_nan());
        let (kl, _) = grid_kl_js(&[[1.0, 1.0]; 5], &[[f32::NAN, f32::INFINITY]], 0);
        assert!(kl.is_finite());
        assert_eq!(thin(&vec![[0.0; 2]; 2_500]).len(), 834);
    }
}
