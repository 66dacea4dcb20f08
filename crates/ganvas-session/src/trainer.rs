//! A training session: the GAN, its statistics, and what one frame shows. What a frame holds
//! depends on the data: 2D points ([`crate::points`]) or images ([`crate::images`]).

use std::sync::Arc;

use burn::tensor::Device;
use ganvas_engine::Result;
use ganvas_engine::snapshot::Snapshot;
use ganvas_engine::training::{DataSource, Gan, StatsAccumulator, StepStats, StepValues};
use serde::{Deserialize, Serialize};

use crate::images::{ImageBundle, ImageFrame, ImageScene, ImageView};
pub use crate::points::{
    FRAME_SAMPLES, FeatureView, HEAT_CELLS, MANIFOLD_SIDE, PointScene, Quality, Walkthrough,
    centroid,
};
use crate::setup::Setup;

/// Which of the optional views a frame computes.
#[allow(clippy::struct_excessive_bools)] // independent switches, one per view
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Wanted {
    /// G's warp of a noise grid.
    pub manifold: bool,
    /// Where G's loss pushes each fake.
    pub arrows: bool,
    /// D's hidden features of real and fake samples.
    pub features: bool,
    /// Score generated images with the classifier (slow: not every frame; a step is scored
    /// once however often it is asked).
    pub score: bool,
    /// The image views' settings: class shown, interpolation ends, latent offsets.
    pub image: ImageView,
}

impl Wanted {
    /// Every view, scored (a warm-up's frame, which compiles every kernel a frame can use).
    pub fn everything() -> Self {
        Wanted {
            manifold: true,
            arrows: true,
            features: true,
            score: true,
            image: ImageView::default(),
        }
    }
}

/// What one frame draws.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    /// Generated points from a fixed batch of noise, original units.
    #[serde(with = "crate::protocol::bulk::points")]
    pub fakes: Vec<[f32; 2]>,
    /// D's output on a `HEAT_CELLS²` grid, row 0 at the top, scaled to [0, 1].
    #[serde(with = "crate::protocol::bulk::floats")]
    pub heat: Vec<f32>,
    /// G applied to a `MANIFOLD_SIDE²` noise grid, original units (empty when not wanted).
    #[serde(with = "crate::protocol::bulk::points")]
    pub manifold: Vec<[f32; 2]>,
    /// Per fake, the direction G's loss moves it, original units (empty when not wanted).
    #[serde(with = "crate::protocol::bulk::points")]
    pub arrows: Vec<[f32; 2]>,
    /// D's features (when wanted and D has a feature layer).
    pub features: Option<FeatureView>,
    /// D's output on the shown real samples: P(real) for cross-entropy losses, a score
    /// otherwise.
    #[serde(with = "crate::protocol::bulk::floats")]
    pub d_real: Vec<f32>,
    /// D's output on the shown fakes, in the same units.
    #[serde(with = "crate::protocol::bulk::floats")]
    pub d_fake: Vec<f32>,
    /// Quality of the fakes.
    pub quality: Quality,
    /// The image views (image GANs only).
    pub images: Option<Arc<ImageFrame>>,
}

/// What a single manual update trains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Single {
    /// Finish one whole step (k D updates, then G's).
    Step,
    /// One discriminator update only.
    Discriminator,
    /// One generator update only.
    Generator,
}

/// What the views of a session look at.
pub enum Scene {
    /// A 2D GAN: points, heatmap, manifold.
    Points(Box<PointScene>),
    /// An image GAN: sample grids, interpolation, classifier scores.
    Images(Box<ImageScene>),
}

/// A GAN in training, with what its views show (owned by a [`crate::session::Session`]).
pub struct Trainer {
    /// The GAN.
    pub gan: Gan,
    acc: StatsAccumulator,
    /// What the views show.
    pub scene: Scene,
}

impl Trainer {
    /// Builds a fresh GAN for `setup` on `device`. 2D data: `fixed_bounds` keeps the plot area
    /// (hand-drawn data), else it is fitted to the data. Images: `images` is the loaded set.
    pub fn new(
        setup: &Setup,
        device: &Device,
        fixed_bounds: Option<[f32; 4]>,
        images: Option<&ImageBundle>,
    ) -> Result<Self> {
        let config = setup.gan_config()?;
        let data = data_source(setup, &config.model, images, device)?;
        let gan = Gan::new(config, data, device)?;
        Self::around(gan, setup, device, fixed_bounds, images)
    }

    /// Rebuilds a shared or saved GAN (its own configuration) to train on `setup`'s data.
    pub fn from_snapshot(
        snapshot: &Snapshot,
        setup: &Setup,
        device: &Device,
        fixed_bounds: Option<[f32; 4]>,
        images: Option<&ImageBundle>,
    ) -> Result<Self> {
        let data = data_source(setup, &snapshot.config()?.model, images, device)?;
        let gan = Gan::from_snapshot(snapshot, data, device)?;
        Self::around(gan, setup, device, fixed_bounds, images)
    }

    fn around(
        mut gan: Gan,
        setup: &Setup,
        device: &Device,
        fixed_bounds: Option<[f32; 4]>,
        images: Option<&ImageBundle>,
    ) -> Result<Self> {
        let scene = match images {
            Some(bundle) => Scene::Images(Box::new(ImageScene::new(&mut gan, bundle, device)?)),
            None => Scene::Points(Box::new(PointScene::new(
                &mut gan,
                setup,
                device,
                fixed_bounds,
            )?)),
        };
        Ok(Self {
            gan,
            acc: StatsAccumulator::default(),
            scene,
        })
    }

    /// The real points and plot area of a 2D session.
    pub fn points_scene(&self) -> Option<(Vec<[f32; 2]>, [f32; 4])> {
        match &self.scene {
            Scene::Points(points) => Some((points.real.clone(), points.bounds)),
            Scene::Images(_) => None,
        }
    }

    /// Applies loss, optimisers, batch, k and tricks from `setup` without a reset; settings
    /// the engine refuses change nothing.
    pub fn retune(&mut self, setup: &Setup) -> Result<()> {
        self.gan.set_train_config(setup.train.clone())
    }

    /// Queues single network updates until `budget_ms` has passed (`now` gives milliseconds)
    /// or `max_updates` are queued; at least one. Returns the number of whole steps completed.
    pub fn run_for(&mut self, budget_ms: f64, max_updates: usize, now: impl Fn() -> f64) -> usize {
        let start = now();
        let mut steps = 0;
        for _ in 0..max_updates.max(1) {
            if let Some(stats) = self.gan.train_update() {
                self.acc.push(stats);
                steps += 1;
            }
            if now() - start >= budget_ms {
                break;
            }
        }
        steps
    }

    /// Queues `n` whole steps (benchmarks), their statistics averaged into the next read.
    pub fn train_steps(&mut self, n: usize) {
        for _ in 0..n {
            self.acc.push(self.gan.train_step());
        }
    }

    /// Reads the mean statistics of the steps since the last read (waits for the device).
    pub async fn read_stats(&mut self) -> Result<Option<StepValues>> {
        self.acc.read_mean().await
    }

    /// One manual update; its statistics are returned, not averaged into the next frame's.
    pub fn single(&mut self, what: Single) -> StepStats {
        match what {
            Single::Step => self.gan.train_step(),
            Single::Discriminator => self.gan.train_discriminator_only(),
            Single::Generator => self.gan.train_generator_only(),
        }
    }

    /// Reads what a frame shows, in one round of transfers (plus one for a classifier score).
    pub async fn frame(&mut self, wanted: Wanted) -> Result<Frame> {
        match &mut self.scene {
            Scene::Points(points) => points.frame(&mut self.gan, wanted).await,
            Scene::Images(images) => images.frame(&mut self.gan, wanted).await,
        }
    }

    /// Runs one D update and one G update, measuring every phase (2D GANs only).
    pub async fn explain(&mut self) -> Result<Walkthrough> {
        match &mut self.scene {
            Scene::Points(points) => points.explain(&mut self.gan).await,
            Scene::Images(_) => Err(ganvas_engine::Error::Config(
                "explain mode walks through 2D GANs; choose a 2D dataset".into(),
            )),
        }
    }
}

/// The data a GAN of `model` trains on: the setup's 2D distribution or the loaded images.
fn data_source(
    setup: &Setup,
    model: &ganvas_engine::model::ModelConfig,
    images: Option<&ImageBundle>,
    device: &Device,
) -> Result<DataSource> {
    use ganvas_engine::model::DataShape;
    match (model.data, images) {
        (DataShape::Points2d, None) => Ok(DataSource::points(setup.dataset.clone())),
        (DataShape::Image(side), Some(bundle)) => {
            if bundle.split.train.rows != side {
                return Err(ganvas_engine::Error::ShapeMismatch(format!(
                    "this model makes {side}×{side} images; the data is {}×{}",
                    bundle.split.train.rows, bundle.split.train.cols
                )));
            }
            DataSource::images(&bundle.split.train, model.classes, device)
        }
        (DataShape::Points2d, Some(_)) => Err(ganvas_engine::Error::Config(
            "this model makes 2D points; choose a 2D dataset".into(),
        )),
        (DataShape::Image(_), None) => Err(ganvas_engine::Error::Config(
            "this model makes images; choose MNIST or Fashion-MNIST".into(),
        )),
    }
}
