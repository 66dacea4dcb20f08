//! Built-in 2-D toy distributions (and user-supplied point clouds).

use std::f32::consts::{FRAC_PI_2, PI, TAU};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::rng::Rng;

/// Radius of the [`Toy2d::Ring8`] circle (Unrolled GAN, Metz et al. 2017).
const RING_RADIUS: f32 = 2.0;
/// Per-mode standard deviation of [`Toy2d::Ring8`].
const RING_STD: f32 = 0.02;
/// Per-mode standard deviation of [`Toy2d::Grid25`].
const GRID_STD: f32 = 0.05;
/// Gaussian noise added to [`Toy2d::Spiral`] points.
const SPIRAL_NOISE: f32 = 0.05;
/// Gaussian noise of [`Toy2d::TwoMoons`] (sklearn `make_moons(noise=0.05)`).
const MOONS_NOISE: f32 = 0.05;

/// A 2-D target distribution for the playground.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Toy2d {
    /// `x ~ U[-50, 50)`, `y = 10 + x²` (the classic "GAN learns a parabola" tutorial).
    Quadratic,
    /// 8 Gaussians (std 0.02) evenly spaced on a circle of radius 2.
    Ring8,
    /// 25 Gaussians (std 0.05) on the grid `{-4, -2, 0, 2, 4}²`.
    Grid25,
    /// Archimedean spiral `r = θ/π`, `θ ∈ [π/2, 9π/2]`, uniform in arc length, noise 0.05.
    Spiral,
    /// sklearn's `make_moons` with noise 0.05.
    TwoMoons,
    /// Standard normal `N(0, I)`.
    Gaussian,
    /// Uniform draws, with replacement, from user-supplied points.
    Points(Vec<[f32; 2]>),
}

impl Toy2d {
    /// A [`Toy2d::Points`] data set, refusing empty or non-finite input.
    pub fn points(points: Vec<[f32; 2]>) -> Result<Self> {
        if points.is_empty() {
            return Err(Error::EmptyDataset);
        }
        if let Some(i) = points
            .iter()
            .position(|p| !p[0].is_finite() || !p[1].is_finite())
        {
            return Err(Error::Config(format!("point {i} is not finite")));
        }
        Ok(Self::Points(points))
    }

    /// The six built-in distributions, in menu order.
    pub fn all_builtin() -> [Toy2d; 6] {
        [
            Self::Quadratic,
            Self::Ring8,
            Self::Grid25,
            Self::Spiral,
            Self::TwoMoons,
            Self::Gaussian,
        ]
    }

    /// Stable short name, used in URLs, files and the CLI.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Quadratic => "quadratic",
            Self::Ring8 => "ring8",
            Self::Grid25 => "grid25",
            Self::Spiral => "spiral",
            Self::TwoMoons => "two-moons",
            Self::Gaussian => "gaussian",
            Self::Points(_) => "points",
        }
    }

    /// The built-in distribution called `name` (see [`Toy2d::name`]).
    pub fn from_name(name: &str) -> Option<Toy2d> {
        Self::all_builtin().into_iter().find(|t| t.name() == name)
    }

    /// Mode centres and per-mode standard deviation, for mixture distributions.
    pub fn modes(&self) -> Option<(Vec<[f32; 2]>, f32)> {
        match self {
            Self::Ring8 => Some((ring_centres(), RING_STD)),
            Self::Grid25 => Some((grid_centres(), GRID_STD)),
            Self::Gaussian => Some((vec![[0.0, 0.0]], 1.0)),
            _ => None,
        }
    }

    /// Draws `n` samples in the distribution's original units.
    ///
    /// An (invalid) empty [`Toy2d::Points`] list yields no samples.
    pub fn sample(&self, n: usize, rng: &mut Rng) -> Vec<[f32; 2]> {
        match self {
            Self::Quadratic => (0..n).map(|_| quadratic(rng)).collect(),
            Self::Ring8 => mixture(&ring_centres(), RING_STD, n, rng),
            Self::Grid25 => mixture(&grid_centres(), GRID_STD, n, rng),
            Self::Spiral => (0..n).map(|_| spiral(rng)).collect(),
            Self::TwoMoons => (0..n).map(|_| moon(rng)).collect(),
            Self::Gaussian => (0..n).map(|_| [rng.normal(), rng.normal()]).collect(),
            Self::Points(points) if points.is_empty() => Vec::new(),
            Self::Points(points) => (0..n).map(|_| points[rng.below(points.len())]).collect(),
        }
    }
}

/// Centres of the eight ring modes, starting at angle 0, counter-clockwise.
fn ring_centres() -> Vec<[f32; 2]> {
    (0..8)
        .map(|k| {
            let a = TAU * k as f32 / 8.0;
            [RING_RADIUS * a.cos(), RING_RADIUS * a.sin()]
        })
        .collect()
}

/// Centres of the 5×5 grid modes, row-major.
fn grid_centres() -> Vec<[f32; 2]> {
    let coords = [-4.0, -2.0, 0.0, 2.0, 4.0];
    coords
        .iter()
        .flat_map(|&x| coords.iter().map(move |&y| [x, y]))
        .collect()
}

/// `n` draws from an equal-weight isotropic Gaussian mixture.
fn mixture(centres: &[[f32; 2]], std: f32, n: usize, rng: &mut Rng) -> Vec<[f32; 2]> {
    (0..n)
        .map(|_| {
            let c = centres[rng.below(centres.len())];
            [c[0] + std * rng.normal(), c[1] + std * rng.normal()]
        })
        .collect()
}

/// One point of the tutorial parabola: `x = 100·(U − 0.5)`, `y = 10 + x²`.
fn quadratic(rng: &mut Rng) -> [f32; 2] {
    let x = 100.0 * (rng.uniform() - 0.5);
    [x, 10.0 + x * x]
}

/// One point on the spiral; `θ = sqrt(U·(b² − a²) + a²)` makes density uniform in arc length.
fn spiral(rng: &mut Rng) -> [f32; 2] {
    let (a, b) = (FRAC_PI_2, 4.5 * PI);
    let theta = (rng.uniform() * (b * b - a * a) + a * a).sqrt();
    let r = theta / PI;
    [
        r * theta.cos() + SPIRAL_NOISE * rng.normal(),
        r * theta.sin() + SPIRAL_NOISE * rng.normal(),
    ]
}

/// One point of `make_moons`: upper moon `(cos t, sin t)` or lower `(1 − cos t, 0.5 − sin t)`.
fn moon(rng: &mut Rng) -> [f32; 2] {
    let t = PI * rng.uniform();
    let (x, y) = if rng.bernoulli(0.5) {
        (t.cos(), t.sin())
    } else {
        (1.0 - t.cos(), 0.5 - t.sin())
    };
    [
        x + MOONS_NOISE * rng.normal(),
        y + MOONS_NOISE * rng.normal(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean(xs: impl Iterator<Item = f32>) -> f32 {
        let v: Vec<f32> = xs.collect();
        v.iter().sum::<f32>() / v.len() as f32
    }

    #[test]
    fn names_round_trip() {
        for toy in Toy2d::all_builtin() {
            assert_eq!(Toy2d::from_name(toy.name()), Some(toy.clone()));
        }
        assert_eq!(Toy2d::from_name("points"), None);
        assert_eq!(Toy2d::from_name("nope"), None);
    }

    #[test]
    fn quadratic_matches_the_tutorial() {
        let pts = Toy2d::Quadratic.sample(10_000, &mut Rng::new(1));
        for p in &pts {
            assert!((-50.0..50.0).contains(&p[0]));
            assert!((p[1] - (10.0 + p[0] * p[0])).abs() < 1e-3);
            assert!((10.0..=2510.0).contains(&p[1]));
        }
        assert!(mean(pts.iter().map(|p| p[0])).abs() < 1.5);
        // E[x²] for U[-50, 50] is 2500/3.
        assert!((mean(pts.iter().map(|p| p[1])) - (10.0 + 2500.0 / 3.0)).abs() < 25.0);
    }

    #[test]
    fn ring_points_sit_on_radius_two() {
        let pts = Toy2d::Ring8.sample(5_000, &mut Rng::new(2));
        for p in &pts {
            assert!((p[0].hypot(p[1]) - 2.0).abs() < 0.15);
        }
        assert!(mean(pts.iter().map(|p| p[0])).abs() < 0.1);
    }

    #[test]
    fn grid_points_sit_near_even_coordinates() {
        let pts = Toy2d::Grid25.sample(5_000, &mut Rng::new(3));
        for p in &pts {
            for v in p {
                assert!((v - 2.0 * (v / 2.0).round()).abs() < 0.35, "{p:?}");
                assert!(v.abs() < 4.5);
            }
        }
    }

    #[test]
    fn gaussian_and_moons_and_spiral_stats() {
        let mut rng = Rng::new(4);
        let g = Toy2d::Gaussian.sample(20_000, &mut rng);
        assert!((mean(g.iter().map(|p| p[0] * p[0])) - 1.0).abs() < 0.05);
        let m = Toy2d::TwoMoons.sample(20_000, &mut rng);
        assert!((mean(m.iter().map(|p| p[0])) - 0.5).abs() < 0.03);
        assert!((mean(m.iter().map(|p| p[1])) - 0.25).abs() < 0.03);
        let s = Toy2d::Spiral.sample(5_000, &mut rng);
        for p in &s {
            let r = p[0].hypot(p[1]);
            assert!((0.3..4.8).contains(&r), "{p:?}");
        }
    }

    #[test]
    fn points_resample_the_list() {
        assert!(matches!(Toy2d::points(vec![]), Err(Error::EmptyDataset)));
        assert!(Toy2d::points(vec![[f32::NAN, 0.0]]).is_err());
        let toy = Toy2d::points(vec![[1.0, 2.0], [3.0, 4.0]]).expect("valid points");
        let pts = toy.sample(1_000, &mut Rng::new(5));
        // Draws copy list entries bit for bit, so x alone tells them apart.
        let ones = pts.iter().filter(|p| p[0] < 2.0).count();
        let near = |p: &[f32; 2], q: [f32; 2]| (p[0] - q[0]).abs() + (p[1] - q[1]).abs() < 1e-6;
        assert!(
            pts.iter()
                .all(|p| near(p, [1.0, 2.0]) || near(p, [3.0, 4.0]))
        );
        assert!((400..600).contains(&ones));
        assert!(Toy2d::Points(vec![]).sample(3, &mut Rng::new(0)).is_empty());
    }

    #[test]
    fn modes_of_mixtures() {
        assert_eq!(Toy2d::Ring8.modes().map(|m| m.0.len()), Some(8));
        assert_eq!(Toy2d::Grid25.modes().map(|m| m.0.len()), Some(25));
        assert_eq!(Toy2d::Gaussian.modes(), Some((vec![[0.0, 0.0]], 1.0)));
        assert_eq!(Toy2d::Spiral.modes(), None);
    }
}
