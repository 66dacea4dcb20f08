//! A training session: the GAN, its statistics, and what one frame shows. What a frame holds
//! depends on the data: 2D points ([`crate::points`]) or images ([`crate::images`]).

use std::sync::Arc;

use burn::tensor::Device;
use ganvas_engine::data::LineDrawing;
use ganvas_engine::snapshot::Snapshot;
use ganvas_engine::snapshot::{CYCLEGAN, PIX2PIX};
use ganvas_engine::training::{
    CycleGan, DataSource, Gan, Pix2Pix, StatsAccumulator, StepStats, StepValues,
};
use ganvas_engine::{Error, Result};
use serde::{Deserialize, Serialize};

use crate::images::cycle::{CycleFrame, CycleScene, bundle_domains};
use crate::images::pairs::bundle_pairs;
pub use crate::images::{CycleWalkthrough, PairWalkthrough};
use crate::images::{ImageBundle, ImageFrame, ImageScene, ImageView, PairFrame, PairScene};
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
    /// The Pix2Pix view (Pix2Pix only).
    pub pairs: Option<Arc<PairFrame>>,
    /// The CycleGAN view (CycleGAN only).
    #[serde(default)]
    pub cycle: Option<Arc<CycleFrame>>,
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
    /// Pix2Pix: held-out rows of input | output | target, the drawing pad.
    Pairs(Box<PairScene>),
    /// CycleGAN: held-out rows of image | translated | back, for both classes.
    Cycle(Box<CycleScene>),
}

/// One iteration walked through, for the model being trained.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Explanation {
    /// A 2D GAN's iteration.
    Points(Walkthrough),
    /// A Pix2Pix iteration.
    Pairs(PairWalkthrough),
    /// A CycleGAN iteration: one update of both discriminators, one of both generators (boxed:
    /// it is several times the others' size).
    Cycle(Box<CycleWalkthrough>),
}

/// What is trained.
pub enum Model {
    /// A GAN from noise: 2D, image, conditional.
    Noise(Box<Gan>),
    /// Pix2Pix: a U-Net that translates images, and its discriminator.
    Pix2Pix(Box<Pix2Pix>),
    /// CycleGAN: two generators that translate between two classes, two discriminators.
    Cycle(Box<CycleGan>),
}

/// A GAN in training, with what its views show (owned by a [`crate::session::Session`]).
pub struct Trainer {
    /// The model.
    pub model: Model,
    acc: StatsAccumulator,
    /// What the views show.
    pub scene: Scene,
}

/// Why Pix2Pix and CycleGAN refuse what a noise GAN does.
fn not_for_translators(what: &str) -> Error {
    Error::Config(format!(
        "{what} is for GANs from noise; Pix2Pix and CycleGAN train as the Keras tutorials do"
    ))
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
        if setup.model.is_cyclegan() {
            let (config, classes) = setup.cyclegan_config()?;
            let bundle = translator_images(images)?;
            let gan = CycleGan::new(config, &bundle_domains(bundle, classes, false)?, device)?;
            return Self::cyclegan(gan, bundle, classes, device);
        }
        if !setup.model.is_noise_gan() {
            let (config, drawing) = setup.pix2pix_config()?;
            let bundle = translator_images(images)?;
            let pix2pix = Pix2Pix::new(config, &bundle_pairs(bundle, drawing, false)?, device)?;
            return Self::pix2pix(pix2pix, bundle, drawing, device);
        }
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
        if snapshot.kind.as_deref() == Some(CYCLEGAN) {
            let classes = setup.cycle_classes;
            let bundle = translator_images(images)?;
            let gan = CycleGan::from_snapshot(
                snapshot,
                &bundle_domains(bundle, classes, false)?,
                device,
            )?;
            return Self::cyclegan(gan, bundle, classes, device);
        }
        if snapshot.kind.as_deref() == Some(PIX2PIX) {
            let drawing = setup.line_drawing();
            let bundle = translator_images(images)?;
            let pix2pix =
                Pix2Pix::from_snapshot(snapshot, &bundle_pairs(bundle, drawing, false)?, device)?;
            return Self::pix2pix(pix2pix, bundle, drawing, device);
        }
        let data = data_source(setup, &snapshot.config()?.model, images, device)?;
        let gan = Gan::from_snapshot(snapshot, data, device)?;
        Self::around(gan, setup, device, fixed_bounds, images)
    }

    fn pix2pix(
        pix2pix: Pix2Pix,
        bundle: &ImageBundle,
        drawing: LineDrawing,
        device: &Device,
    ) -> Result<Self> {
        Ok(Self {
            model: Model::Pix2Pix(Box::new(pix2pix)),
            acc: StatsAccumulator::default(),
            scene: Scene::Pairs(Box::new(PairScene::new(bundle, drawing, device)?)),
        })
    }

    fn cyclegan(
        gan: CycleGan,
        bundle: &ImageBundle,
        classes: [u8; 2],
        device: &Device,
    ) -> Result<Self> {
        Ok(Self {
            model: Model::Cycle(Box::new(gan)),
            acc: StatsAccumulator::default(),
            scene: Scene::Cycle(Box::new(CycleScene::new(bundle, classes, device)?)),
        })
    }

    /// Reads the model's `parts` to the host (Pix2Pix: its U-Net in the generator's slot).
    pub async fn snapshot(
        &self,
        parts: ganvas_engine::snapshot::SnapshotParts,
    ) -> Result<Snapshot> {
        match &self.model {
            Model::Noise(gan) => gan.snapshot(parts).await,
            Model::Pix2Pix(pix2pix) => pix2pix.snapshot(parts).await,
            Model::Cycle(gan) => gan.snapshot(parts).await,
        }
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
            model: Model::Noise(Box::new(gan)),
            acc: StatsAccumulator::default(),
            scene,
        })
    }

    /// The GAN from noise, unless this is Pix2Pix or CycleGAN.
    pub fn gan(&self) -> Option<&Gan> {
        match &self.model {
            Model::Noise(gan) => Some(gan),
            Model::Pix2Pix(_) | Model::Cycle(_) => None,
        }
    }

    /// Examples per batch.
    pub fn batch_size(&self) -> usize {
        match &self.model {
            Model::Noise(gan) => gan.config().train.batch_size,
            Model::Pix2Pix(pix2pix) => pix2pix.config().batch_size,
            Model::Cycle(gan) => gan.config().batch_size,
        }
    }

    /// Network updates in one step (Pix2Pix and CycleGAN: their D and G updates, queued as
    /// one).
    pub fn updates_per_step(&self) -> usize {
        match &self.model {
            Model::Noise(gan) => gan.updates_per_step(),
            Model::Pix2Pix(_) | Model::Cycle(_) => 1,
        }
    }

    /// Steps taken.
    pub fn step_count(&self) -> u64 {
        match &self.model {
            Model::Noise(gan) => gan.step_count(),
            Model::Pix2Pix(pix2pix) => pix2pix.step_count(),
            Model::Cycle(gan) => gan.step_count(),
        }
    }

    /// The real points and plot area of a 2D session.
    pub fn points_scene(&self) -> Option<(Vec<[f32; 2]>, [f32; 4])> {
        match &self.scene {
            Scene::Points(points) => Some((points.real.clone(), points.bounds)),
            Scene::Images(_) | Scene::Pairs(_) | Scene::Cycle(_) => None,
        }
    }

    /// Applies loss, optimisers, batch, k and tricks from `setup` without a reset; settings
    /// the engine refuses change nothing. Pix2Pix and CycleGAN keep the tutorials' and refuse.
    pub fn retune(&mut self, setup: &Setup) -> Result<()> {
        match &mut self.model {
            Model::Noise(gan) => gan.set_train_config(setup.train.clone()),
            Model::Pix2Pix(_) | Model::Cycle(_) => Err(not_for_translators(
                "Changing the loss, optimisers or batch",
            )),
        }
    }

    /// Queues one network update: `Some` when it finished a whole step.
    fn update(&mut self) -> Option<StepStats> {
        match &mut self.model {
            Model::Noise(gan) => gan.train_update(),
            Model::Pix2Pix(pix2pix) => Some(pix2pix.train_step()),
            Model::Cycle(gan) => Some(gan.train_step()),
        }
    }

    /// Queues one whole step.
    fn step(&mut self) -> StepStats {
        match &mut self.model {
            Model::Noise(gan) => gan.train_step(),
            Model::Pix2Pix(pix2pix) => pix2pix.train_step(),
            Model::Cycle(gan) => gan.train_step(),
        }
    }

    /// Queues single network updates until `budget_ms` has passed (`now` gives milliseconds)
    /// or `max_updates` are queued; at least one. Returns the number of whole steps completed.
    pub fn run_for(&mut self, budget_ms: f64, max_updates: usize, now: impl Fn() -> f64) -> usize {
        let start = now();
        let mut steps = 0;
        for _ in 0..max_updates.max(1) {
            if let Some(stats) = self.update() {
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
            let stats = self.step();
            self.acc.push(stats);
        }
    }

    /// Reads the mean statistics of the steps since the last read (waits for the device).
    pub async fn read_stats(&mut self) -> Result<Option<StepValues>> {
        self.acc.read_mean().await
    }

    /// One manual update; its statistics are returned, not averaged into the next frame's.
    /// Pix2Pix and CycleGAN take whole steps only.
    pub fn single(&mut self, what: Single) -> Result<StepStats> {
        match (&mut self.model, what) {
            (_, Single::Step) => Ok(self.step()),
            (Model::Noise(gan), Single::Discriminator) => Ok(gan.train_discriminator_only()),
            (Model::Noise(gan), Single::Generator) => Ok(gan.train_generator_only()),
            (Model::Pix2Pix(_) | Model::Cycle(_), _) => {
                Err(not_for_translators("Updating one network alone"))
            }
        }
    }

    /// Reads what a frame shows, in one round of transfers (plus one for a classifier score).
    pub async fn frame(&mut self, wanted: Wanted) -> Result<Frame> {
        match (&mut self.scene, &mut self.model) {
            (Scene::Points(points), Model::Noise(gan)) => points.frame(gan, wanted).await,
            (Scene::Images(images), Model::Noise(gan)) => images.frame(gan, wanted).await,
            (Scene::Pairs(pairs), Model::Pix2Pix(pix2pix)) => pairs.frame(pix2pix, wanted).await,
            (Scene::Cycle(cycle), Model::Cycle(gan)) => cycle.frame(gan, wanted).await,
            _ => Err(Error::Config("the views do not match the model".into())),
        }
    }

    /// What the generators make of a drawing on the pad (`28²` values in [0, 1], 1 where
    /// drawn), in the same units: Pix2Pix's G, one image; CycleGAN's G then F, two.
    pub async fn translate(&self, drawing: &[f32]) -> Result<Vec<f32>> {
        match (&self.scene, &self.model) {
            (Scene::Pairs(pairs), Model::Pix2Pix(pix2pix)) => {
                pairs.translate_drawing(pix2pix, drawing).await
            }
            (Scene::Cycle(cycle), Model::Cycle(gan)) => cycle.translate_drawing(gan, drawing).await,
            _ => Err(Error::Config(
                "only Pix2Pix and CycleGAN turn drawings into images; choose pix2pix or a cyclegan"
                    .into(),
            )),
        }
    }

    /// Runs one D update and one G update (for CycleGAN: one of both Ds, one of both
    /// generators), measuring every phase; the step count does not move. 2D GANs, Pix2Pix and
    /// CycleGAN; image GANs from noise are refused in words.
    pub async fn explain(&mut self) -> Result<Explanation> {
        match (&mut self.scene, &mut self.model) {
            (Scene::Points(points), Model::Noise(gan)) => {
                points.explain(gan).await.map(Explanation::Points)
            }
            (Scene::Pairs(pairs), Model::Pix2Pix(pix2pix)) => {
                pairs.explain(pix2pix).await.map(Explanation::Pairs)
            }
            (Scene::Cycle(cycle), Model::Cycle(gan)) => cycle
                .explain(gan)
                .await
                .map(|walk| Explanation::Cycle(Box::new(walk))),
            _ => Err(Error::Config(
                "explain mode walks through 2D GANs, Pix2Pix and CycleGAN; choose a 2D dataset, \
                 pix2pix or a cyclegan"
                    .into(),
            )),
        }
    }
}

/// The images Pix2Pix or CycleGAN learns from, or why there are none.
fn translator_images(images: Option<&ImageBundle>) -> Result<&ImageBundle> {
    images.ok_or_else(|| {
        Error::Config("Pix2Pix and CycleGAN learn images: choose MNIST or Fashion-MNIST".into())
    })
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
                return Err(Error::ShapeMismatch(format!(
                    "this model makes {side}×{side} images; the data is {}×{}",
                    bundle.split.train.rows, bundle.split.train.cols
                )));
            }
            DataSource::images(&bundle.split.train, model.classes, device)
        }
        (DataShape::Points2d, Some(_)) => Err(Error::Config(
            "this model makes 2D points; choose a 2D dataset".into(),
        )),
        (DataShape::Image(_), None) => Err(Error::Config(
            "this model makes images; choose MNIST or Fashion-MNIST".into(),
        )),
    }
}
