//! Everything the controls choose, and the GAN configuration it makes.

use ganvas_engine::data::{LineDrawing, ShippedSet, Toy2d};
use ganvas_engine::model::{Activation, DiscriminatorConfig, GeneratorConfig, NoiseKind};
use ganvas_engine::optim::{OptimizerConfig, OptimizerKind};
use ganvas_engine::preset::{Preset, custom_mlp};
use ganvas_engine::training::{CycleGanConfig, GanConfig, Pix2PixConfig, TrainConfig};
use ganvas_engine::{Error, Result};
use serde::{Deserialize, Serialize};

/// The model menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModelChoice {
    /// The tutorial's tiny GAN (16-unit layers; D has a 2-unit feature layer).
    ToyQuadratic,
    /// An MLP whose layers, width and activation the controls set.
    Mlp,
    /// One of the engine's image presets (MLP GANs, DCGANs, conditional GANs).
    Image(Preset),
    /// Pix2Pix as the Keras tutorial builds it: a U-Net turns a line drawing of each image
    /// (Sobel edges of Fashion items, outlines of MNIST digits) into the image.
    Pix2Pix,
    /// CycleGAN as the Keras tutorial builds it: two ResNet generators learn to turn one class
    /// into another and back, from images that are not paired.
    CycleGan(CycleSize),
}

/// CycleGAN's networks: the tutorial's, or small ones that train in a browser's CPU fallback.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CycleSize {
    /// The tutorial's (32 filters, six residual blocks; about 2 million parameters each).
    Tutorial,
    /// 8 filters and two residual blocks (about 50,000 parameters each).
    Small,
}

impl CycleSize {
    /// The menu value, the same as the CLI's preset.
    pub fn name(self) -> &'static str {
        match self {
            CycleSize::Tutorial => "cyclegan",
            CycleSize::Small => "cyclegan-shoes",
        }
    }

    /// The engine's configuration.
    pub fn config(self) -> CycleGanConfig {
        match self {
            CycleSize::Tutorial => CycleGanConfig::tutorial(),
            CycleSize::Small => CycleGanConfig::shoes(),
        }
    }
}

/// The CycleGAN menu entries.
const CYCLE_MENU: [(CycleSize, &str); 2] = [
    (
        CycleSize::Small,
        "cyclegan-shoes (recommended: turns one class into another)",
    ),
    (
        CycleSize::Tutorial,
        "cyclegan (Keras tutorial: slow without a GPU)",
    ),
];

/// The classes a CycleGAN translates between unless the user picks others: Fashion's sneakers
/// and ankle boots, MNIST's 7s and 9s.
pub const DEFAULT_CYCLE_CLASSES: [u8; 2] = [7, 9];

fn default_cycle_classes() -> [u8; 2] {
    DEFAULT_CYCLE_CLASSES
}

/// The Pix2Pix menu entry.
const PIX2PIX_LABEL: &str = "pix2pix (Keras tutorial: a U-Net fills in line drawings)";

/// The image presets, in menu order, with what the menu says of each: the recommended ones
/// first, then the tutorials'.
const IMAGE_MENU: [(Preset, &str); 9] = [
    (Preset::MnistFast, "mnist-fast (recommended for MNIST)"),
    (
        Preset::FashionFast,
        "fashion-fast (recommended for Fashion)",
    ),
    (
        Preset::ConditionalFast,
        "conditional-fast (recommended: pick a class)",
    ),
    (Preset::MnistMlp, "mnist-mlp (PyTorch MLP GAN)"),
    (
        Preset::MnistMlpLarge,
        "mnist-mlp-large (4-layer MLP, dropout)",
    ),
    (Preset::DcganSmall, "dcgan-small (small DCGAN)"),
    (Preset::Dcgan, "dcgan (TensorFlow DCGAN tutorial)"),
    (
        Preset::ConditionalMlp,
        "conditional-mlp (one row per class)",
    ),
    (Preset::ConditionalDcganSmall, "conditional-dcgan-small"),
];

impl ModelChoice {
    /// The image model a newcomer starts with.
    pub const FIRST_IMAGE: ModelChoice = ModelChoice::Image(Preset::MnistFast);

    /// The recommended model for a shipped set.
    pub fn recommended(set: ShippedSet) -> ModelChoice {
        match set {
            ShippedSet::Mnist => ModelChoice::Image(Preset::MnistFast),
            ShippedSet::Fashion => ModelChoice::Image(Preset::FashionFast),
        }
    }

    /// The model for images from `source`: the recommended one for a shipped set, the first
    /// image preset for uploads.
    pub fn for_source(source: &ImageSource) -> ModelChoice {
        match source {
            ImageSource::Shipped(set) => ModelChoice::recommended(*set),
            ImageSource::Uploaded => ModelChoice::FIRST_IMAGE,
        }
    }

    /// Menu entries `(value, label)` for 2D data or for images.
    pub fn menu(images: bool) -> Vec<(String, String)> {
        if images {
            IMAGE_MENU
                .iter()
                .map(|(preset, label)| (preset.name().to_string(), (*label).to_string()))
                .chain([("pix2pix".to_string(), PIX2PIX_LABEL.to_string())])
                .chain(
                    CYCLE_MENU
                        .iter()
                        .map(|(size, label)| (size.name().to_string(), (*label).to_string())),
                )
                .collect()
        } else {
            vec![
                ("toy-quadratic".into(), "toy-quadratic (tutorial)".into()),
                ("mlp".into(), "MLP (layers × width below)".into()),
            ]
        }
    }

    /// Parses a menu value.
    pub fn from_value(value: &str) -> Option<Self> {
        match value {
            "toy-quadratic" => Some(ModelChoice::ToyQuadratic),
            "mlp" => Some(ModelChoice::Mlp),
            "pix2pix" => Some(ModelChoice::Pix2Pix),
            _ => IMAGE_MENU
                .iter()
                .find(|(preset, _)| preset.name() == value)
                .map(|(preset, _)| ModelChoice::Image(*preset))
                .or_else(|| {
                    CYCLE_MENU
                        .iter()
                        .find(|(size, _)| size.name() == value)
                        .map(|(size, _)| ModelChoice::CycleGan(*size))
                }),
        }
    }

    /// The menu value.
    pub fn value(self) -> &'static str {
        match self {
            ModelChoice::ToyQuadratic => "toy-quadratic",
            ModelChoice::Mlp => "mlp",
            ModelChoice::Image(preset) => preset.name(),
            ModelChoice::Pix2Pix => "pix2pix",
            ModelChoice::CycleGan(size) => size.name(),
        }
    }

    /// Whether the model makes images.
    pub fn is_image(self) -> bool {
        matches!(
            self,
            ModelChoice::Image(_) | ModelChoice::Pix2Pix | ModelChoice::CycleGan(_)
        )
    }

    /// Whether the model learns from noise (every model but Pix2Pix and CycleGAN, which
    /// translate images).
    pub fn is_noise_gan(self) -> bool {
        !self.is_pix2pix() && !self.is_cyclegan()
    }

    /// Whether this is Pix2Pix.
    pub fn is_pix2pix(self) -> bool {
        self == ModelChoice::Pix2Pix
    }

    /// Whether this is a CycleGAN.
    pub fn is_cyclegan(self) -> bool {
        matches!(self, ModelChoice::CycleGan(_))
    }
}

/// Where an image GAN's training images come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImageSource {
    /// A set shipped with the site (loaded when first chosen).
    Shipped(ShippedSet),
    /// Files the user uploaded (kept in the page, never in links).
    Uploaded,
}

impl ImageSource {
    /// The dataset menu value.
    pub fn value(&self) -> &'static str {
        match self {
            ImageSource::Shipped(set) => set.name(),
            ImageSource::Uploaded => "uploaded-images",
        }
    }
}

/// The custom MLP's shape (both networks).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct MlpShape {
    /// Hidden layers, 0–6.
    pub layers: usize,
    /// Units per hidden layer, 1–1024.
    pub width: usize,
    /// Hidden activation.
    pub activation: Activation,
}

/// Pix2Pix's D: the paper's two choices the page offers beside the tutorial's D.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pix2PixD {
    /// D also sees the input drawing (the paper's conditional D).
    pub sees_input: bool,
    /// D judges patches (PatchGAN) rather than whole images.
    pub patch: bool,
}

/// Everything the controls choose.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Setup {
    /// The 2D distribution (2D models).
    pub dataset: Toy2d,
    /// The training images (image models).
    pub images: ImageSource,
    /// Whether the dataset was drawn by hand (the view then keeps a fixed square).
    pub drawn: bool,
    /// The networks.
    pub model: ModelChoice,
    /// The custom MLP's shape (used when `model` is [`ModelChoice::Mlp`]).
    pub shape: MlpShape,
    /// Noise distribution.
    pub noise: NoiseKind,
    /// Noise dimension, 1–64.
    pub noise_dim: usize,
    /// Loss, optimisers, batch, k and tricks: these change without a reset.
    pub train: TrainConfig,
    /// Seed for weights, noise and data.
    pub seed: u64,
    /// Pix2Pix's D (other models ignore it).
    #[serde(default)]
    pub pix2pix_d: Pix2PixD,
    /// The classes a CycleGAN translates between, A then B (other models ignore them).
    #[serde(default = "default_cycle_classes")]
    pub cycle_classes: [u8; 2],
}

impl Default for Setup {
    fn default() -> Self {
        let shape = MlpShape {
            layers: 3,
            width: 64,
            activation: Activation::LeakyRelu(0.2),
        };
        Setup::for_model(ModelChoice::ToyQuadratic, shape, Toy2d::Quadratic)
    }
}

impl Setup {
    /// A setup with `model`'s own noise and training settings.
    pub fn for_model(model: ModelChoice, shape: MlpShape, dataset: Toy2d) -> Self {
        // Pix2Pix and CycleGAN have their own configurations: their noise and training fields
        // keep the DCGAN tutorial's (unused, and not offered by the page), ready for the next
        // model.
        let base = match model {
            ModelChoice::Pix2Pix | ModelChoice::CycleGan(_) => Ok(Preset::Dcgan.config(7)),
            _ => base_config(model, shape, NoiseKind::Uniform, 2, 7),
        }
        .expect("the default shapes are valid");
        let mut train = base.train;
        if model.is_cyclegan() {
            // CycleGAN's Ds learn least squares: the views read D's outputs as scores.
            train.loss = ganvas_engine::loss::LossKind::LeastSquares;
        }
        Setup {
            dataset,
            images: ImageSource::Shipped(ShippedSet::Mnist),
            drawn: false,
            model,
            shape,
            noise: base.model.noise,
            noise_dim: base.model.noise_dim,
            train,
            seed: 7,
            pix2pix_d: Pix2PixD::default(),
            cycle_classes: DEFAULT_CYCLE_CLASSES,
        }
    }

    /// Switches model, taking its own noise and training settings.
    pub fn with_model(&self, model: ModelChoice) -> Self {
        let mut next = Setup::for_model(model, self.shape, self.dataset.clone());
        next.images = self.images.clone();
        next.drawn = self.drawn;
        next.seed = self.seed;
        next.pix2pix_d = self.pix2pix_d;
        next.cycle_classes = self.cycle_classes;
        next
    }

    /// Whether the model makes images (and trains on [`Setup::images`]).
    pub fn is_images(&self) -> bool {
        self.model.is_image()
    }

    /// Pix2Pix's configuration (the tutorial's with this seed and D as [`Setup::pix2pix_d`]
    /// chooses) and the line drawings it learns from: edges of Fashion items, outlines of
    /// MNIST digits.
    pub fn pix2pix_config(&self) -> Result<(Pix2PixConfig, LineDrawing)> {
        if self.model != ModelChoice::Pix2Pix {
            return Err(Error::Config(format!(
                "{} is not Pix2Pix",
                self.model.value()
            )));
        }
        Ok((
            Pix2PixConfig::with_discriminator(self.pix2pix_d.sees_input, self.pix2pix_d.patch)
                .with_seed(self.seed),
            self.line_drawing(),
        ))
    }

    /// The CycleGAN's configuration (its size's, with this seed) and the two classes it
    /// translates between.
    pub fn cyclegan_config(&self) -> Result<(CycleGanConfig, [u8; 2])> {
        let ModelChoice::CycleGan(size) = self.model else {
            return Err(Error::Config(format!(
                "{} is not a CycleGAN",
                self.model.value()
            )));
        };
        let [a, b] = self.cycle_classes;
        if a == b || usize::from(a.max(b)) >= ganvas_engine::preset::IMAGE_CLASSES {
            return Err(Error::Config(
                "a CycleGAN translates between two different classes, 0–9".into(),
            ));
        }
        Ok((size.config().with_seed(self.seed), self.cycle_classes))
    }

    /// The line drawings Pix2Pix learns the chosen images from when they come without inputs:
    /// outlines of MNIST digits, edges of Fashion items and of uploaded pictures (uploaded
    /// pairs bring their own inputs, [`ImageBundle::inputs`](crate::images::ImageBundle)).
    pub fn line_drawing(&self) -> LineDrawing {
        match self.images {
            ImageSource::Shipped(ShippedSet::Mnist) => LineDrawing::Outline,
            ImageSource::Shipped(ShippedSet::Fashion) | ImageSource::Uploaded => LineDrawing::Edges,
        }
    }

    /// The full configuration of a noise GAN (Pix2Pix has [`Setup::pix2pix_config`]).
    pub fn gan_config(&self) -> Result<GanConfig> {
        if !self.model.is_image() && !(1..=64).contains(&self.noise_dim) {
            return Err(Error::Config("the noise dimension must be 1–64".into()));
        }
        let mut config = base_config(
            self.model,
            self.shape,
            self.noise,
            self.noise_dim,
            self.seed,
        )?;
        config.model.noise = self.noise;
        // An image preset's shapes follow from its noise size: only 2D models change it.
        if !self.model.is_image() {
            config.model.noise_dim = self.noise_dim;
            if let GeneratorConfig::Mlp(generator) = &mut config.model.generator {
                generator.sizes[0] = self.noise_dim;
            }
        }
        config.train = self.train.clone();
        Ok(config)
    }
}

fn base_config(
    model: ModelChoice,
    shape: MlpShape,
    noise: NoiseKind,
    noise_dim: usize,
    seed: u64,
) -> Result<GanConfig> {
    match model {
        ModelChoice::ToyQuadratic => Ok(Preset::ToyQuadratic.config(seed)),
        ModelChoice::Image(preset) => Ok(preset.config(seed)),
        ModelChoice::Pix2Pix | ModelChoice::CycleGan(_) => Err(Error::Config(format!(
            "{} is not a GAN from noise: it has its own configuration",
            model.value()
        ))),
        ModelChoice::Mlp => {
            let mut config = custom_mlp(
                shape.layers,
                shape.width,
                shape.activation,
                noise_dim,
                noise,
            )?
            .with_seed(seed);
            // Expose D's last hidden layer for the feature-space view.
            if let DiscriminatorConfig::Mlp(discriminator) = &mut config.model.discriminator
                && discriminator.sizes.len() > 2
            {
                discriminator.features_at = Some(discriminator.sizes.len() - 3);
            }
            Ok(config)
        }
    }
}

/// An optimiser of `kind` with `lr` and that rule's usual settings.
pub fn optimizer(kind: OptimizerKind, lr: f64) -> OptimizerConfig {
    match kind {
        OptimizerKind::Adam => OptimizerConfig::adam(lr).with_beta1(0.5),
        OptimizerKind::RmsProp => OptimizerConfig::rmsprop(lr),
        OptimizerKind::Sgd => OptimizerConfig::sgd(lr, 0.9),
    }
}
