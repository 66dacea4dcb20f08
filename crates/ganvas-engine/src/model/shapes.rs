//! The tensors a configuration's networks hold, computed from the configuration alone: what a
//! snapshot must match before anything is built, and what the parameter and memory budgets
//! count. The order is Burn's module order, the one [`crate::snapshot`] reads and writes.

use super::conv::same_output;
use super::conv_discriminator::{ConvDiscriminatorConfig, DiscriminatorLayout};
use super::conv_generator::ConvGeneratorConfig;
use super::mlp::MlpConfig;
use super::networks::{DiscriminatorConfig, GeneratorConfig};

/// One float tensor of a network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorSpec {
    /// Its shape.
    pub shape: Vec<usize>,
    /// Whether the optimiser updates it (batch-norm running statistics are not trained).
    pub trainable: bool,
}

impl TensorSpec {
    /// Number of values.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether it holds no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A network's tensors and the values its layers produce per sample (what a forward pass
/// keeps for the backward pass).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkShapes {
    /// Every float tensor in module order.
    pub tensors: Vec<TensorSpec>,
    /// Values every layer outputs for one sample, summed over layers.
    pub activations_per_sample: usize,
}

impl NetworkShapes {
    /// Values in every tensor (parameters and running statistics).
    pub fn values(&self) -> usize {
        self.tensors.iter().map(TensorSpec::len).sum()
    }

    fn trained(&mut self, shape: Vec<usize>) {
        self.tensors.push(TensorSpec {
            shape,
            trainable: true,
        });
    }

    fn linear(&mut self, input: usize, output: usize, bias: bool) {
        self.trained(vec![input, output]); // Burn's row layout: [d_in, d_out]
        if bias {
            self.trained(vec![output]);
        }
        self.activations_per_sample += output;
    }

    fn batch_norm(&mut self, features: usize) {
        self.trained(vec![features]); // γ
        self.trained(vec![features]); // β
        for _ in 0..2 {
            // running mean and variance
            self.tensors.push(TensorSpec {
                shape: vec![features],
                trainable: false,
            });
        }
    }

    fn mlp(&mut self, config: &MlpConfig) {
        for pair in config.sizes.windows(2) {
            self.linear(pair[0], pair[1], true);
        }
    }
}

/// The generator's tensors. Expects a configuration whose sizes are already bounded (see
/// [`crate::training::GanConfig::validate`]): products are not checked for overflow here.
pub fn generator_shapes(config: &GeneratorConfig) -> NetworkShapes {
    let mut shapes = NetworkShapes::default();
    match config {
        GeneratorConfig::Mlp(mlp) => shapes.mlp(mlp),
        GeneratorConfig::Conv(conv) => conv_generator(&mut shapes, conv),
    }
    shapes
}

/// The discriminator's tensors (same expectations as [`generator_shapes`]).
pub fn discriminator_shapes(config: &DiscriminatorConfig) -> NetworkShapes {
    let mut shapes = NetworkShapes::default();
    match config {
        DiscriminatorConfig::Mlp(mlp) => shapes.mlp(mlp),
        DiscriminatorConfig::Conv(conv) => {
            conv_discriminator(&mut shapes, conv, DiscriminatorLayout::IMAGE);
        }
    }
    shapes
}

/// A convolutional discriminator's tensors for `layout` (same expectations as
/// [`generator_shapes`]).
pub fn conv_discriminator_shapes(
    config: &ConvDiscriminatorConfig,
    layout: DiscriminatorLayout,
) -> NetworkShapes {
    let mut shapes = NetworkShapes::default();
    conv_discriminator(&mut shapes, config, layout);
    shapes
}

fn conv_generator(shapes: &mut NetworkShapes, config: &ConvGeneratorConfig) {
    let projected = config.start_channels * config.start_side * config.start_side;
    shapes.linear(config.input, projected, config.dense_bias);
    if config.dense_batch_norm.is_some() {
        shapes.batch_norm(projected);
    }
    let (mut channels, mut side) = (config.start_channels, config.start_side);
    for block in &config.blocks {
        // ConvTranspose2d weights: [c_in, c_out, k, k]
        shapes.trained(vec![channels, block.channels, block.kernel, block.kernel]);
        if block.bias {
            shapes.trained(vec![block.channels]);
        }
        if block.batch_norm.is_some() {
            shapes.batch_norm(block.channels);
        }
        side *= block.stride;
        channels = block.channels;
        shapes.activations_per_sample += channels * side * side;
    }
}

fn conv_discriminator(
    shapes: &mut NetworkShapes,
    config: &ConvDiscriminatorConfig,
    layout: DiscriminatorLayout,
) {
    let (mut channels, mut side) = (layout.channels_in, config.image);
    for &out in &config.channels {
        // Conv2d weights: [c_out, c_in, k, k]
        shapes.trained(vec![out, channels, config.kernel, config.kernel]);
        shapes.trained(vec![out]);
        side = same_output(side, config.stride);
        channels = out;
        shapes.activations_per_sample += channels * side * side;
    }
    shapes.mlp(&config.head);
}
