//! A training session in the page: the GAN, its statistics, and what one frame needs.

use burn::tensor::{Device, Tensor, TensorData};
use ganvas_engine::data::{Standardizer, Toy2d};
use ganvas_engine::loss::LossKind;
use ganvas_engine::model::{Activation, NoiseKind};
use ganvas_engine::preset::{Preset, custom_mlp};
use ganvas_engine::rng::Rng;
use ganvas_engine::training::gan::read_f32;
use ganvas_engine::training::{DataSource, Gan, GanConfig, StatsAccumulator, StepValues};
use ganvas_engine::{Error, Result};

/// Samples drawn per frame.
pub const FRAME_SAMPLES: usize = 512;
/// Heatmap cells per side.
pub const HEAT_CELLS: usize = 32;

/// The model menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelChoice {
    /// The tutorial's tiny GAN.
    ToyQuadratic,
    /// Three hidden layers of 64 leaky-ReLU units (covers mixtures well).
    Mlp3x64,
}

impl ModelChoice {
    /// Menu entries `(value, label)`.
    pub const MENU: [(&'static str, &'static str); 2] = [
        ("toy-quadratic", "toy-quadratic (16-unit MLPs)"),
        ("mlp-3x64", "MLP 3×64"),
    ];

    /// Parses a menu value.
    pub fn from_value(value: &str) -> Option<Self> {
        match value {
            "toy-quadratic" => Some(ModelChoice::ToyQuadratic),
            "mlp-3x64" => Some(ModelChoice::Mlp3x64),
            _ => None,
        }
    }

    fn config(self, seed: u64) -> Result<GanConfig> {
        match self {
            ModelChoice::ToyQuadratic => Ok(Preset::ToyQuadratic.config(seed)),
            ModelChoice::Mlp3x64 => {
                Ok(
                    custom_mlp(3, 64, Activation::LeakyRelu(0.2), 2, NoiseKind::Normal)?
                        .with_seed(seed),
                )
            }
        }
    }
}

/// Everything the controls choose.
#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    /// The 2D distribution.
    pub dataset: Toy2d,
    /// The networks.
    pub model: ModelChoice,
    /// The loss; `None` keeps the model's own.
    pub loss: Option<LossKind>,
    /// G's and D's learning rates; `None` keeps the model's own.
    pub lr: Option<(f64, f64)>,
    /// D updates per step; `None` keeps the model's own.
    pub d_steps: Option<usize>,
}

/// What one frame draws.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    /// Mean statistics of the steps since the last frame.
    pub stats: Option<StepValues>,
    /// Generated points, original units.
    pub fakes: Vec<[f32; 2]>,
    /// D's output on a `HEAT_CELLS²` grid over `bounds`, row 0 at the top, scaled to [0, 1].
    pub heat: Vec<f32>,
}

/// A GAN training in the page.
pub struct Trainer {
    /// The GAN.
    pub gan: Gan,
    acc: StatsAccumulator,
    /// Real points (original units) for drawing.
    pub real: Vec<[f32; 2]>,
    /// Plot area in original units: `[x_min, y_min, x_max, y_max]`.
    pub bounds: [f32; 4],
    grid: Tensor<2>,
}

impl Trainer {
    /// Builds a fresh GAN for `setup` on `device`.
    pub fn new(setup: &Setup, device: &Device) -> Result<Self> {
        let mut config = setup.model.config(7)?;
        if let Some(loss) = setup.loss {
            config.train.loss = loss;
        }
        apply_rates(&mut config, setup);
        let data = DataSource::points(setup.dataset.clone());
        let DataSource::Points { standardizer, .. } = &data else {
            return Err(Error::Config("the playground draws 2D data".into()));
        };
        let standardizer = *standardizer;
        let gan = Gan::new(config, data, device)?;
        let real = setup.dataset.sample(1000, &mut Rng::new(1));
        let bounds = bounds(&real);
        let grid = heat_grid(bounds, &standardizer, &device.clone().inner());
        Ok(Self {
            gan,
            acc: StatsAccumulator::default(),
            real,
            bounds,
            grid,
        })
    }

    /// Applies loss, learning rates and k from `setup` without a reset.
    pub fn retune(&mut self, setup: &Setup) {
        let mut config = self.gan.config().clone();
        if let Some(loss) = setup.loss {
            config.train.loss = loss;
        }
        apply_rates(&mut config, setup);
        self.gan.set_train_config(config.train);
    }

    /// Queues training steps until `budget_ms` has passed (`now` gives milliseconds); at least
    /// one. Returns the number of steps.
    pub fn run_for(&mut self, budget_ms: f64, now: impl Fn() -> f64) -> usize {
        let start = now();
        let mut steps = 0;
        loop {
            self.acc.push(self.gan.train_step());
            steps += 1;
            if now() - start >= budget_ms {
                return steps;
            }
        }
    }

    /// Reads what a frame shows: statistics, fresh samples and D's heatmap.
    pub async fn frame(&mut self) -> Result<Frame> {
        let stats = self.acc.read_mean().await?;
        let fakes = self.gan.sample_points(FRAME_SAMPLES).await?;
        let out = self.gan.discriminate(self.grid.clone()).logit;
        let mut heat = read_f32(out).await?;
        normalise_heat(&mut heat, self.gan.config().train.loss);
        Ok(Frame { stats, fakes, heat })
    }
}

fn apply_rates(config: &mut GanConfig, setup: &Setup) {
    if let Some((g, d)) = setup.lr {
        config.train.generator_optimizer.lr = g;
        config.train.discriminator_optimizer.lr = d;
    }
    if let Some(k) = setup.d_steps {
        config.train.d_steps = k.max(1);
    }
}

/// Bounding box of `points`, padded by 15 %.
fn bounds(points: &[[f32; 2]]) -> [f32; 4] {
    let (mut lo, mut hi) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
    for p in points {
        for axis in 0..2 {
            lo[axis] = lo[axis].min(p[axis]);
            hi[axis] = hi[axis].max(p[axis]);
        }
    }
    let pad = [
        (hi[0] - lo[0]).max(1e-3) * 0.15,
        (hi[1] - lo[1]).max(1e-3) * 0.15,
    ];
    [
        lo[0] - pad[0],
        lo[1] - pad[1],
        hi[0] + pad[0],
        hi[1] + pad[1],
    ]
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
    let flat = standardizer.forward_all(&points);
    Tensor::from_data(TensorData::new(flat, [points.len(), 2]), device)
}

/// Maps D's raw outputs to [0, 1]: P(real) for the cross-entropy losses, min–max otherwise.
fn normalise_heat(values: &mut [f32], loss: LossKind) {
    if loss.has_probability_output() {
        for v in values.iter_mut() {
            *v = 1.0 / (1.0 + (-*v).exp());
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
