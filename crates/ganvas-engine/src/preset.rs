//! Model presets: the tutorials' architectures and hyperparameters, reproduced exactly, and
//! the recommended image setups that show every class soonest on a CPU.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::loss::LossKind;
use crate::model::{
    Activation, BatchNormSpec, ConvDiscriminatorConfig, ConvGeneratorConfig, DataShape,
    DiscriminatorConfig, GeneratorConfig, MlpConfig, ModelConfig, NoiseKind, UpBlockConfig,
};
use crate::optim::OptimizerConfig;
use crate::training::{GanConfig, TrainConfig, Tricks};

/// Classes in MNIST and Fashion-MNIST.
pub const IMAGE_CLASSES: usize = 10;

/// A named configuration: tutorial-faithful, or one of the recommended `*-fast` setups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Preset {
    /// The 2D quadratic tutorial: G 2→16→16→2, D 2→16→16→2→1 (the 2 units are "features"),
    /// leaky ReLU, noise U[−1, 1]², RMSProp 1e-3, batch 256, 10 D and 10 G updates per step.
    ToyQuadratic,
    /// PyTorch's MNIST MLP GAN: D 784→256→256→1 (leaky 0.2), G 64→256→256→784 (ReLU, tanh),
    /// noise N(0, 1), Adam 2e-4, batch 100.
    MnistMlp,
    /// The larger MLP GAN: D 784→1024→512→256→1 with dropout 0.3, G 100→256→512→1024→784,
    /// leaky 0.2, tanh, Adam 2e-4, batch 100.
    MnistMlpLarge,
    /// TensorFlow's DCGAN tutorial: G dense 100→7·7·256, BN, three "same" transposed
    /// convolutions; D two 5×5 stride-2 convolutions with dropout 0.3; Adam 1e-4, batch 256.
    Dcgan,
    /// A small DCGAN: D three 3×3 stride-2 convolutions, dense 500, dropout 0.5 (SGD with
    /// momentum 0.9, lr 1e-3); G dense 100→7·7·64, two 5×5 stride-2 transposed convolutions
    /// with BN (momentum 0.9), a 1×1 convolution and tanh (Adam 2e-4, β1 0.5); batch 64.
    DcganSmall,
    /// [`Preset::MnistMlp`] made conditional (AC-GAN: G gets a one-hot class, D names classes).
    ConditionalMlp,
    /// [`Preset::DcganSmall`] made conditional.
    ConditionalDcganSmall,
    /// Recommended for MNIST: the MLP GAN tuned for quality per CPU second (see
    /// [`fast_mlp`]).
    MnistFast,
    /// Recommended for Fashion-MNIST: the same setup as [`Preset::MnistFast`].
    FashionFast,
    /// Recommended pick-a-class GAN: [`Preset::MnistFast`] made conditional (AC-GAN).
    ConditionalFast,
}

impl Preset {
    /// Every preset, in menu order.
    pub const ALL: [Preset; 10] = [
        Preset::ToyQuadratic,
        Preset::MnistFast,
        Preset::FashionFast,
        Preset::ConditionalFast,
        Preset::MnistMlp,
        Preset::MnistMlpLarge,
        Preset::Dcgan,
        Preset::DcganSmall,
        Preset::ConditionalMlp,
        Preset::ConditionalDcganSmall,
    ];

    /// The stable name used by the CLI and in links.
    pub fn name(self) -> &'static str {
        match self {
            Preset::ToyQuadratic => "toy-quadratic",
            Preset::MnistMlp => "mnist-mlp",
            Preset::MnistMlpLarge => "mnist-mlp-large",
            Preset::Dcgan => "dcgan",
            Preset::DcganSmall => "dcgan-small",
            Preset::ConditionalMlp => "conditional-mlp",
            Preset::ConditionalDcganSmall => "conditional-dcgan-small",
            Preset::MnistFast => "mnist-fast",
            Preset::FashionFast => "fashion-fast",
            Preset::ConditionalFast => "conditional-fast",
        }
    }

    /// Whether the preset reproduces a tutorial (whose settings never change), rather than
    /// being one of the recommended `*-fast` setups.
    pub fn is_tutorial(self) -> bool {
        !matches!(
            self,
            Preset::MnistFast | Preset::FashionFast | Preset::ConditionalFast
        )
    }

    /// Parses [`Preset::name`].
    pub fn from_name(name: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|preset| preset.name() == name)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|p| p.name()).collect();
                Error::Config(format!(
                    "unknown preset {name:?}; choose one of {}",
                    names.join(", ")
                ))
            })
    }

    /// Whether the preset generates images (otherwise 2D points).
    pub fn is_image(self) -> bool {
        self != Preset::ToyQuadratic
    }

    /// The full configuration, seeded with `seed`.
    pub fn config(self, seed: u64) -> GanConfig {
        let (model, train) = match self {
            Preset::ToyQuadratic => toy_quadratic(),
            Preset::MnistMlp => mnist_mlp(0),
            Preset::MnistMlpLarge => mnist_mlp_large(),
            Preset::Dcgan => dcgan(),
            Preset::DcganSmall => dcgan_small(0),
            Preset::ConditionalMlp => mnist_mlp(IMAGE_CLASSES),
            Preset::ConditionalDcganSmall => dcgan_small(IMAGE_CLASSES),
            Preset::MnistFast | Preset::FashionFast => fast_mlp(0),
            Preset::ConditionalFast => fast_mlp(IMAGE_CLASSES),
        };
        GanConfig::new(model, train).with_seed(seed)
    }
}

fn mlp(sizes: Vec<usize>, hidden: Activation, output: Activation) -> MlpConfig {
    let hidden = vec![hidden; sizes.len() - 2];
    MlpConfig::new(sizes, hidden, output)
}

fn toy_quadratic() -> (ModelConfig, TrainConfig) {
    let leaky = Activation::LeakyRelu(0.2); // tf.nn.leaky_relu's default slope
    let generator = mlp(vec![2, 16, 16, 2], leaky, Activation::Linear);
    let discriminator = MlpConfig::new(
        vec![2, 16, 16, 2, 1],
        vec![leaky, leaky, Activation::Linear],
        Activation::Linear,
    )
    .with_features_at(Some(2));
    let model = ModelConfig::new(
        DataShape::Points2d,
        2,
        NoiseKind::Uniform,
        GeneratorConfig::Mlp(generator),
        DiscriminatorConfig::Mlp(discriminator),
    );
    let train = TrainConfig::new(
        LossKind::NonSaturating,
        OptimizerConfig::rmsprop(1e-3),
        OptimizerConfig::rmsprop(1e-3),
        256,
    )
    .with_d_steps(10)
    .with_g_steps(10);
    (model, train)
}

/// A 2D playground GAN with `hidden_layers` (0–6) hidden layers of `width` (1–1024) units.
pub fn custom_mlp(
    hidden_layers: usize,
    width: usize,
    activation: Activation,
    noise_dim: usize,
    noise: NoiseKind,
) -> Result<GanConfig> {
    if hidden_layers > 6 || !(1..=1024).contains(&width) || !(1..=64).contains(&noise_dim) {
        return Err(Error::Config(
            "a custom MLP has 0–6 hidden layers of 1–1024 units and 1–64 noise dimensions".into(),
        ));
    }
    let sizes = |input: usize, output: usize| {
        let mut sizes = vec![input];
        sizes.extend(std::iter::repeat_n(width, hidden_layers));
        sizes.push(output);
        sizes
    };
    let model = ModelConfig::new(
        DataShape::Points2d,
        noise_dim,
        noise,
        GeneratorConfig::Mlp(mlp(sizes(noise_dim, 2), activation, Activation::Linear)),
        DiscriminatorConfig::Mlp(mlp(sizes(2, 1), activation, Activation::Linear)),
    );
    let adam = OptimizerConfig::adam(1e-3).with_beta1(0.5);
    let train = TrainConfig::new(LossKind::NonSaturating, adam.clone(), adam, 256);
    Ok(GanConfig::new(model, train))
}

/// PyTorch's MNIST MLP networks (G 64→256→256→784 with `g_hidden` and tanh, D 784→256→256→1
/// with leaky ReLU 0.2), made conditional with `classes` > 0.
fn mnist_mlp_model(g_hidden: Activation, classes: usize) -> ModelConfig {
    let leaky = Activation::LeakyRelu(0.2);
    let generator = mlp(
        vec![64 + classes, 256, 256, 784],
        g_hidden,
        Activation::Tanh,
    );
    let discriminator = mlp(vec![784, 256, 256, 1 + classes], leaky, Activation::Linear);
    ModelConfig::new(
        DataShape::Image(28),
        64,
        NoiseKind::Normal,
        GeneratorConfig::Mlp(generator),
        DiscriminatorConfig::Mlp(discriminator),
    )
    .with_classes(classes)
}

fn mnist_mlp(classes: usize) -> (ModelConfig, TrainConfig) {
    let model = mnist_mlp_model(Activation::Relu, classes);
    let adam = OptimizerConfig::adam(2e-4);
    (
        model,
        TrainConfig::new(LossKind::NonSaturating, adam.clone(), adam, 100),
    )
}

fn mnist_mlp_large() -> (ModelConfig, TrainConfig) {
    let leaky = Activation::LeakyRelu(0.2);
    let generator = mlp(vec![100, 256, 512, 1024, 784], leaky, Activation::Tanh);
    let discriminator =
        mlp(vec![784, 1024, 512, 256, 1], leaky, Activation::Linear).with_dropout(0.3);
    let model = ModelConfig::new(
        DataShape::Image(28),
        100,
        NoiseKind::Normal,
        GeneratorConfig::Mlp(generator),
        DiscriminatorConfig::Mlp(discriminator),
    );
    let adam = OptimizerConfig::adam(2e-4);
    (
        model,
        TrainConfig::new(LossKind::NonSaturating, adam.clone(), adam, 100),
    )
}

fn dcgan() -> (ModelConfig, TrainConfig) {
    // Keras defaults: LeakyReLU slope 0.3, BatchNormalization momentum 0.99, ε 1e-3.
    let leaky = Activation::LeakyRelu(0.3);
    let bn = Some(BatchNormSpec::new(0.99, 1e-3));
    let block = |channels, stride, batch_norm, activation| {
        UpBlockConfig::new(channels, 5, stride, false, activation).with_batch_norm(batch_norm)
    };
    let generator = ConvGeneratorConfig::new(
        100,
        256,
        7,
        false,
        leaky,
        vec![
            block(128, 1, bn, leaky),
            block(64, 2, bn, leaky),
            block(1, 2, None, Activation::Tanh),
        ],
    )
    .with_dense_batch_norm(bn);
    let discriminator = ConvDiscriminatorConfig::new(
        28,
        vec![64, 128],
        5,
        2,
        leaky,
        0.3,
        mlp(vec![7 * 7 * 128, 1], leaky, Activation::Linear),
    );
    let model = ModelConfig::new(
        DataShape::Image(28),
        100,
        NoiseKind::Normal,
        GeneratorConfig::Conv(generator),
        DiscriminatorConfig::Conv(discriminator),
    );
    let adam = OptimizerConfig::adam(1e-4).with_epsilon(1e-7); // Keras's ε
    (
        model,
        TrainConfig::new(LossKind::NonSaturating, adam.clone(), adam, 256),
    )
}

fn dcgan_small(classes: usize) -> (ModelConfig, TrainConfig) {
    let leaky = Activation::LeakyRelu(0.1);
    let bn = Some(BatchNormSpec::new(0.9, 1e-3));
    let generator = ConvGeneratorConfig::new(
        100 + classes,
        64,
        7,
        true,
        Activation::Linear,
        vec![
            UpBlockConfig::new(64, 5, 2, true, leaky).with_batch_norm(bn),
            UpBlockConfig::new(64, 5, 2, true, leaky).with_batch_norm(bn),
            // A 1×1 convolution is a 1×1 stride-1 transposed convolution.
            UpBlockConfig::new(1, 1, 1, true, Activation::Tanh),
        ],
    );
    let head = mlp(
        vec![4 * 4 * 64, 500, 1 + classes],
        leaky,
        Activation::Linear,
    )
    .with_dropout(0.5);
    let discriminator = ConvDiscriminatorConfig::new(28, vec![64, 64, 64], 3, 2, leaky, 0.0, head);
    let model = ModelConfig::new(
        DataShape::Image(28),
        100,
        NoiseKind::Normal,
        GeneratorConfig::Conv(generator),
        DiscriminatorConfig::Conv(discriminator),
    )
    .with_classes(classes);
    let train = TrainConfig::new(
        LossKind::NonSaturating,
        OptimizerConfig::adam(2e-4)
            .with_beta1(0.5)
            .with_epsilon(1e-7),
        OptimizerConfig::sgd(1e-3, 0.9),
        64,
    );
    (model, train)
}

/// The recommended image GAN, chosen by measured quality per second of CPU training (every
/// alternative tried, with its figures, is in `static/models/README.md`):
/// - MLPs, not convolutions: on a CPU a convolutional step costs 20–50 MLP steps. The
///   tutorial MLP's sizes (G 64→256→256→784, D 784→256→256→1) ran twice as fast as
///   G 64→256→512→784 with D 784→512→256→1 and reached every digit in fewer seconds.
/// - Leaky ReLU 0.2 in both networks, tanh output.
/// - Non-saturating loss with one-sided label smoothing (D's target for real images is 0.9,
///   Salimans et al. 2016); hinge and least squares were slower to cover every digit.
/// - Adam with β1 = 0.5 (Radford et al. 2015) at learning rate 2e-3 for both networks: 10×
///   the tutorials' rate, which the averaged generator makes usable (2e-4 had not shown every
///   digit after 3,000 steps; 1e-3 needed more steps than 2e-3).
/// - Batch 64.
/// - The averaged generator with decay 0.999 ([`crate::training::ema`]): it halves the FD of
///   G's own samples at the same step.
pub fn fast_mlp(classes: usize) -> (ModelConfig, TrainConfig) {
    let model = mnist_mlp_model(Activation::LeakyRelu(0.2), classes);
    let adam = OptimizerConfig::adam(2e-3).with_beta1(0.5);
    let train = TrainConfig::new(LossKind::NonSaturating, adam.clone(), adam, 64)
        .with_tricks(Tricks::new().with_real_label(0.9))
        .with_ema_decay(0.999);
    (model, train)
}
