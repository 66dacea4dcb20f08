//! What a 2D GAN's frame shows: points, D's heatmap, G's manifold, gradients and features.

pub mod projection;

use burn::tensor::{Device, Tensor, TensorData};
use ganvas_engine::data::{Standardizer, Toy2d};
use ganvas_engine::metrics::ModeCoverage;
use ganvas_engine::metrics::{QuadraticQuality, grid_kl_js, mode_coverage, quadratic_quality};
use ganvas_engine::rng::Rng;
use ganvas_engine::training::gan::read_many;
use ganvas_engine::training::{DataSource, Gan};
use ganvas_engine::{Error, Result};
use serde::{Deserialize, Serialize};

use crate::images::ImageQuality;
use crate::setup::Setup;
use crate::trainer::{Frame, Wanted};
use projection::Projection;

/// Generated (and real) points drawn per frame.
pub const FRAME_SAMPLES: usize = 512;
/// Heatmap cells per side.
pub const HEAT_CELLS: usize = 32;
/// Lines per side of the generator's manifold grid.
pub const MANIFOLD_SIDE: usize = 17;
/// Real points kept for drawing and metrics.
const REAL_POINTS: usize = 1000;

/// D's hidden features of the shown samples, in two dimensions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FeatureView {
    /// Real samples' features.
    #[serde(with = "crate::protocol::bulk::points")]
    pub real: Vec<[f32; 2]>,
    /// Fake samples' features (the same fixed noise every frame).
    #[serde(with = "crate::protocol::bulk::points")]
    pub fake: Vec<[f32; 2]>,
    /// The fake centroid one frame ago, before the last G updates.
    pub previous_fake_centroid: Option<[f32; 2]>,
    /// How the features were brought to 2D: `None` when D's layer has exactly 2 units, else
    /// the layer's width (projected on its first two principal components).
    pub projected_from: Option<usize>,
}

/// How good the fakes are, by the measures that apply to the dataset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Quality {
    /// KL(real ‖ fake) on a 30×30 grid, nats.
    pub kl: f32,
    /// Jensen–Shannon divergence on the same grid, nats (at most ln 2).
    pub js: f32,
    /// Mode coverage (ring, grid, Gaussian).
    pub modes: Option<ModeCoverage>,
    /// Curve fit (quadratic).
    pub curve: Option<QuadraticQuality>,
    /// The classifier's verdict (image GANs).
    pub image: Option<ImageQuality>,
}

/// The views of a 2D GAN: real points, the plot area, and fixed probes.
pub struct PointScene {
    /// Real points (original units) for drawing and metrics.
    pub real: Vec<[f32; 2]>,
    /// Plot area in original units: `[x_min, y_min, x_max, y_max]`.
    pub bounds: [f32; 4],
    dataset: Toy2d,
    standardizer: Standardizer,
    /// Heat grid, real points shown and fixed noise, concatenated for one D pass.
    heat_grid: Tensor<2>,
    real_shown: Tensor<2>,
    noise: Tensor<2>,
    manifold_input: Tensor<2>,
    projection: Projection,
    last_fake_centroid: Option<[f32; 2]>,
}

impl PointScene {
    /// The probes for `gan` on `setup`'s data; `fixed_bounds` keeps the plot area.
    pub fn new(
        gan: &mut Gan,
        setup: &Setup,
        device: &Device,
        fixed_bounds: Option<[f32; 4]>,
    ) -> Result<Self> {
        let DataSource::Points { standardizer, .. } = gan.data() else {
            return Err(Error::Config("the playground draws 2D data".into()));
        };
        let standardizer = *standardizer;
        let real = setup.dataset.sample(REAL_POINTS, &mut Rng::new(1));
        let bounds = fixed_bounds.unwrap_or_else(|| crate::view::fit(&real, 0.15));
        let heat_grid = heat_grid(bounds, &standardizer, device);
        let shown = &real[..FRAME_SAMPLES.min(real.len())];
        let real_shown = points_tensor(&standardizer.forward_all(shown), device);
        let (noise, _) = gan.generator_input(FRAME_SAMPLES, None, device)?;
        let manifold_input = gan.noise_grid(MANIFOLD_SIDE, device);
        Ok(Self {
            real,
            bounds,
            dataset: setup.dataset.clone(),
            standardizer,
            heat_grid,
            real_shown,
            noise,
            manifold_input,
            projection: Projection::default(),
            last_fake_centroid: None,
        })
    }

    /// Reads what a frame shows, in one round of transfers.
    pub async fn frame(&mut self, gan: &mut Gan, wanted: Wanted) -> Result<Frame> {
        let generator = gan.generator_eval();
        let fakes = generator.forward(self.noise.clone()); // [512, 2]
        let probe = Tensor::cat(
            vec![
                self.heat_grid.clone(),
                self.real_shown.clone(),
                fakes.clone(),
            ],
            0,
        );
        let out = gan.discriminate(probe);
        let mut tensors = vec![fakes.clone(), out.logit];
        let mut slot = |tensor: Tensor<2>| {
            tensors.push(tensor);
            tensors.len() - 1
        };
        let features_at = out.features.filter(|_| wanted.features).map(&mut slot);
        let arrows_at = wanted.arrows.then(|| slot(gan.generator_push(fakes)));
        let manifold_at = wanted
            .manifold
            .then(|| slot(generator.forward(self.manifold_input.clone())));
        let values = read_many(tensors).await?;

        let fakes = self.standardizer.inverse_flat(&values[0]);
        let loss = gan.config().train.loss;
        let logits = &values[1];
        let cells = HEAT_CELLS * HEAT_CELLS;
        let shown = self.real_shown.dims()[0];
        let mut heat = logits[..cells].to_vec();
        normalise_heat(&mut heat, loss.has_probability_output());
        let display = |raw: &[f32]| -> Vec<f32> {
            if loss.has_probability_output() {
                raw.iter().map(|&v| sigmoid(v)).collect()
            } else {
                raw.to_vec()
            }
        };
        let d_real = display(&logits[cells..cells + shown]);
        let d_fake = display(&logits[cells + shown..]);
        let std = self.standardizer.std;
        let arrows = arrows_at.map_or_else(Vec::new, |i| {
            values[i]
                .chunks_exact(2)
                .map(|v| [v[0] * std[0], v[1] * std[1]])
                .collect()
        });
        let manifold =
            manifold_at.map_or_else(Vec::new, |i| self.standardizer.inverse_flat(&values[i]));
        let features = features_at.map(|i| self.features(&values[i], cells, shown));
        let quality = quality(&self.dataset, &self.real, &fakes);
        Ok(Frame {
            fakes,
            heat,
            manifold,
            arrows,
            features,
            d_real,
            d_fake,
            quality,
            images: None,
            pairs: None,
            cycle: None,
        })
    }

    /// D's features of the real and fake probe rows, in 2D.
    fn features(&mut self, flat: &[f32], cells: usize, shown: usize) -> FeatureView {
        let rows = cells + shown + FRAME_SAMPLES;
        let width = flat.len() / rows;
        let samples = &flat[cells * width..];
        let (points, projected_from) = if width == 2 {
            (
                samples.chunks_exact(2).map(|p| [p[0], p[1]]).collect(),
                None,
            )
        } else {
            (self.projection.fit_project(samples, width), Some(width))
        };
        let (real, fake): (Vec<[f32; 2]>, Vec<[f32; 2]>) =
            (points[..shown].to_vec(), points[shown..].to_vec());
        let centroid = centroid(&fake);
        let previous = self.last_fake_centroid.replace(centroid);
        FeatureView {
            real,
            fake,
            previous_fake_centroid: previous,
            projected_from,
        }
    }
}

/// The mean of `points`.
pub fn centroid(points: &[[f32; 2]]) -> [f32; 2] {
    let n = points.len().max(1) as f32;
    let sum = points
        .iter()
        .fold([0.0, 0.0], |s, p| [s[0] + p[0], s[1] + p[1]]);
    [sum[0] / n, sum[1] / n]
}

fn quality(dataset: &Toy2d, real: &[[f32; 2]], fakes: &[[f32; 2]]) -> Quality {
    let (kl, js) = grid_kl_js(real, fakes, 30);
    Quality {
        kl,
        js,
        modes: dataset
            .modes()
            .map(|(centres, std)| mode_coverage(fakes, &centres, std)),
        curve: matches!(dataset, Toy2d::Quadratic).then(|| quadratic_quality(fakes)),
        image: None,
    }
}

/// The logistic function.
pub fn sigmoid(v: f32) -> f32 {
    1.0 / (1.0 + (-v).exp())
}

fn points_tensor(flat: &[f32], device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(flat.to_vec(), [flat.len() / 2, 2]), device)
}

/// Cell centres of the heatmap, standardised, row 0 at the top `[HEAT_CELLS², 2]`.
fn heat_grid(bounds: [f32; 4], standardizer: &Standardizer, device: &Device) -> Tensor<2> {
    let [x0, y0, x1, y1] = bounds;
    let cell = |i: usize, lo: f32, hi: f32| lo + (i as f32 + 0.5) / HEAT_CELLS as f32 * (hi - lo);
    let mut points = Vec::with_capacity(HEAT_CELLS * HEAT_CELLS);
    for row in 0..HEAT_CELLS {
        for col in 0..HEAT_CELLS {
            points.push([cell(col, x0, x1), cell(HEAT_CELLS - 1 - row, y0, y1)]);
        }
    }
    points_tensor(&standardizer.forward_all(&points), device)
}

/// Maps D's raw outputs to [0, 1]: P(real) for the cross-entropy losses, min–max otherwise.
fn normalise_heat(values: &mut [f32], probability: bool) {
    if probability {
        for v in values.iter_mut() {
            *v = sigmoid(*v);
        }
        return;
    }
    let (lo, hi) = values
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let span = (hi - lo).max(1e-6);
    for v in values.iter_mut() {
        *v = (*v - lo) / span;
    }
}

/// Samples the walkthrough follows.
const EXPLAIN_SAMPLES: usize = 64;

/// One training iteration measured phase by phase on a fixed batch, for the explain mode.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Walkthrough {
    /// The first three noise vectors (up to three coordinates each).
    pub noise: Vec<Vec<f32>>,
    /// G's output for them, original units.
    pub fakes: Vec<[f32; 2]>,
    /// Mean D output on the real batch: before D's update, after it, after G's update.
    pub d_real: [f32; 3],
    /// Mean D output on the fake batch at the same three moments.
    pub d_fake: [f32; 3],
    /// D's loss on the batch before and after D's update (WGAN-GP: without the penalty).
    pub d_loss: [f32; 2],
    /// G's loss on the batch before D's update, after it, and after G's update.
    pub g_loss: [f32; 3],
    /// Whether D's outputs are probabilities.
    pub probability: bool,
}

impl PointScene {
    /// Runs one D update and one G update, measuring every phase on a fixed batch of real
    /// points and noise. The updates themselves draw their own batches, as in training.
    pub async fn explain(&mut self, gan: &mut Gan) -> Result<Walkthrough> {
        let n = EXPLAIN_SAMPLES;
        let device = self.real_shown.device();
        let loss = gan.config().train.loss;
        let (noise, _) = gan.generator_input(n, None, &device)?;
        let real = self.real_shown.clone().narrow(0, 0, n);
        let ones = Tensor::<2>::ones([n, 1], &device);
        let zeros = Tensor::<2>::zeros([n, 1], &device);
        let probe = |gan: &Gan| {
            let fake = gan.generate_from(noise.clone());
            let d_real = gan.discriminate(real.clone()).logit;
            let d_fake = gan.discriminate(fake.clone()).logit;
            let d_loss =
                loss.discriminator(d_real.clone(), ones.clone(), d_fake.clone(), zeros.clone());
            let g_loss = loss.generator(d_fake.clone());
            let mean = |x: Tensor<2>| {
                let x = if loss.has_probability_output() {
                    burn::tensor::activation::sigmoid(x)
                } else {
                    x
                };
                x.mean().reshape([1, 1])
            };
            vec![
                fake,
                mean(d_real),
                mean(d_fake),
                d_loss.reshape([1, 1]),
                g_loss.reshape([1, 1]),
            ]
        };
        let mut tensors = vec![noise.clone()];
        tensors.extend(probe(gan));
        let _ = gan.train_discriminator_only();
        tensors.extend(probe(gan));
        let _ = gan.train_generator_only();
        tensors.extend(probe(gan));
        let v = read_many(tensors).await?;
        let width = v[0].len() / n;
        let scalar = |i: usize| v[i][0];
        let fakes = self.standardizer.inverse_flat(&v[1]);
        Ok(Walkthrough {
            noise: v[0]
                .chunks(width)
                .take(3)
                .map(|z| z.iter().take(3).copied().collect())
                .collect(),
            fakes: fakes.into_iter().take(3).collect(),
            d_real: [scalar(2), scalar(7), scalar(12)],
            d_fake: [scalar(3), scalar(8), scalar(13)],
            d_loss: [scalar(4), scalar(9)],
            g_loss: [scalar(5), scalar(10), scalar(15)],
            probability: loss.has_probability_output(),
        })
    }
}
