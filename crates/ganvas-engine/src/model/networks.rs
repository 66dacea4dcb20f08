//! The generator and discriminator of a GAN, whichever architecture they have.

use burn::config::Config;
use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData};

use super::conv_discriminator::{ConvDiscriminator, ConvDiscriminatorConfig};
use super::conv_generator::{ConvGenerator, ConvGeneratorConfig};
use super::mlp::{Mlp, MlpConfig};
use crate::rng::Rng;

/// The distribution the generator's noise is drawn from.
#[derive(Config, Debug, Copy, PartialEq, Eq)]
pub enum NoiseKind {
    /// Uniform on [−1, 1] in every dimension.
    Uniform,
    /// Standard normal in every dimension.
    Normal,
}

impl NoiseKind {
    /// Draws `batch × dim` noise values, row-major.
    pub fn sample(self, batch: usize, dim: usize, rng: &mut Rng) -> Vec<f32> {
        (0..batch * dim)
            .map(|_| match self {
                NoiseKind::Uniform => rng.uniform_range(-1.0, 1.0),
                NoiseKind::Normal => rng.normal(),
            })
            .collect()
    }

    /// Draws noise as a tensor `[batch, dim]` on `device`.
    pub fn tensor(self, batch: usize, dim: usize, rng: &mut Rng, device: &Device) -> Tensor<2> {
        let values = self.sample(batch, dim, rng);
        Tensor::from_data(TensorData::new(values, [batch, dim]), device)
    }
}

/// What one real or generated sample is.
#[derive(Config, Debug, Copy, PartialEq, Eq)]
pub enum DataShape {
    /// A point in the plane.
    Points2d,
    /// A square greyscale image, `side × side` pixels in [−1, 1].
    Image(usize),
}

impl DataShape {
    /// Numbers per sample.
    pub fn dim(self) -> usize {
        match self {
            DataShape::Points2d => 2,
            DataShape::Image(side) => side * side,
        }
    }
}

/// The generator's architecture.
#[derive(Config, Debug)]
pub enum GeneratorConfig {
    /// A multilayer perceptron.
    Mlp(MlpConfig),
    /// Dense projection and transposed convolutions.
    Conv(ConvGeneratorConfig),
}

/// The discriminator's architecture.
#[derive(Config, Debug)]
pub enum DiscriminatorConfig {
    /// A multilayer perceptron.
    Mlp(MlpConfig),
    /// Strided convolutions and a dense head.
    Conv(ConvDiscriminatorConfig),
}

/// Everything needed to build a GAN's two networks.
#[derive(Config, Debug)]
pub struct ModelConfig {
    /// What a sample is.
    pub data: DataShape,
    /// Noise dimension.
    pub noise_dim: usize,
    /// Noise distribution.
    pub noise: NoiseKind,
    /// Number of classes for a conditional GAN (AC-GAN style), 0 for an unconditional one.
    /// G's input is noise followed by a one-hot class; D outputs one real/fake logit followed
    /// by one logit per class.
    #[config(default = 0)]
    pub classes: usize,
    /// The generator.
    pub generator: GeneratorConfig,
    /// The discriminator.
    pub discriminator: DiscriminatorConfig,
}

impl ModelConfig {
    /// Builds the generator.
    pub fn init_generator(&self, device: &Device) -> Generator {
        match &self.generator {
            GeneratorConfig::Mlp(config) => Generator::Mlp(config.init(device)),
            GeneratorConfig::Conv(config) => Generator::Conv(config.init(device)),
        }
    }

    /// Builds the discriminator.
    pub fn init_discriminator(&self, device: &Device) -> Discriminator {
        match &self.discriminator {
            DiscriminatorConfig::Mlp(config) => Discriminator::Mlp(config.init(device)),
            DiscriminatorConfig::Conv(config) => Discriminator::Conv(config.init(device)),
        }
    }
}

/// A generator network.
// Networks are built once per run and moved rarely; boxing would not pay for itself.
#[allow(clippy::large_enum_variant)]
#[derive(Module, Debug)]
pub enum Generator {
    /// A multilayer perceptron.
    Mlp(Mlp),
    /// A DCGAN-style generator.
    Conv(ConvGenerator),
}

impl Generator {
    /// Maps G's input `[batch, noise (+ classes)]` to samples `[batch, data dim]`.
    pub fn forward(&self, input: Tensor<2>) -> Tensor<2> {
        match self {
            Generator::Mlp(mlp) => mlp.forward(input, false).output,
            Generator::Conv(conv) => conv.forward(input),
        }
    }
}

/// A discriminator (or critic) network.
#[derive(Module, Debug)]
pub enum Discriminator {
    /// A multilayer perceptron.
    Mlp(Mlp),
    /// A convolutional network with a dense head.
    Conv(ConvDiscriminator),
}

/// What D says about a batch.
#[derive(Clone, Debug)]
pub struct DiscriminatorOutput {
    /// Real/fake logit (or critic score) `[batch, 1]`.
    pub logit: Tensor<2>,
    /// Class logits `[batch, classes]` of a conditional GAN.
    pub classes: Option<Tensor<2>>,
    /// The exposed hidden layer (toy-quadratic's 2 units) `[batch, features]`.
    pub features: Option<Tensor<2>>,
}

impl DiscriminatorOutput {
    /// `count` rows from `start`.
    fn rows(&self, start: usize, count: usize) -> Self {
        let narrow = |t: &Tensor<2>| t.clone().narrow(0, start, count);
        Self {
            logit: narrow(&self.logit),
            classes: self.classes.as_ref().map(narrow),
            features: self.features.as_ref().map(narrow),
        }
    }

    fn split(output: Tensor<2>, features: Option<Tensor<2>>) -> Self {
        let [_, width] = output.dims();
        let classes = (width > 1).then(|| output.clone().narrow(1, 1, width - 1));
        Self {
            logit: output.narrow(1, 0, 1),
            classes,
            features,
        }
    }
}

impl Discriminator {
    /// D's outputs on `x` `[batch, data dim]`; dropout is active only when `train`.
    pub fn forward(&self, x: Tensor<2>, train: bool) -> DiscriminatorOutput {
        match self {
            Discriminator::Mlp(mlp) => {
                let out = mlp.forward(x, train);
                DiscriminatorOutput::split(out.output, out.features)
            }
            Discriminator::Conv(conv) => DiscriminatorOutput::split(conv.forward(x, train), None),
        }
    }

    /// D's outputs on `a` and on `b` from one forward pass on their concatenation: half the
    /// kernel launches and larger matrix products. D has no batch norm, so each row's output
    /// depends on that row alone and this equals two passes (dropout masks are drawn for the
    /// whole concatenated batch at once).
    pub fn forward_pair(
        &self,
        a: Tensor<2>,
        b: Tensor<2>,
        train: bool,
    ) -> (DiscriminatorOutput, DiscriminatorOutput) {
        let (rows_a, rows_b) = (a.dims()[0], b.dims()[0]);
        let out = self.forward(Tensor::cat(vec![a, b], 0), train);
        (out.rows(0, rows_a), out.rows(rows_a, rows_b))
    }

    /// D's outputs and the gradient of the real/fake logit with respect to the input,
    /// `∇ₓ D(x)` `[batch, data dim]`, built from differentiable tensor ops so that a penalty
    /// on it has an exact first-order gradient with respect to D's parameters.
    pub fn forward_with_input_grad(
        &self,
        x: Tensor<2>,
        train: bool,
    ) -> (DiscriminatorOutput, Tensor<2>) {
        let [batch, _] = x.dims();
        let width = self.output_width();
        let device = x.device();
        let mut seed = Tensor::ones([batch, 1], &device);
        if width > 1 {
            seed = Tensor::cat(vec![seed, Tensor::zeros([batch, width - 1], &device)], 1);
        }
        match self {
            Discriminator::Mlp(mlp) => {
                let (out, grad) = mlp.forward_with_input_grad(x, seed, train);
                (DiscriminatorOutput::split(out.output, out.features), grad)
            }
            Discriminator::Conv(conv) => {
                let (out, grad) = conv.forward_with_input_grad(x, seed, train);
                (DiscriminatorOutput::split(out, None), grad)
            }
        }
    }

    fn output_width(&self) -> usize {
        let head = match self {
            Discriminator::Mlp(mlp) => mlp,
            Discriminator::Conv(conv) => &conv.head,
        };
        let last = head.layers.last().expect("an MLP has layers");
        last.weight.dims()[1]
    }
}
