//! A DCGAN-style generator: dense projection, reshape, "same" transposed convolutions.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{BatchNorm, BatchNormConfig, Initializer, Linear, LinearConfig};
use burn::tensor::{Device, Tensor};

use super::activation::Activation;
use super::conv::{SameConvTranspose, zero_bias};

/// Batch normalisation settings, in Keras's terms.
#[derive(Config, Debug, Copy)]
pub struct BatchNormSpec {
    /// Keras momentum: running = momentum · running + (1 − momentum) · batch.
    pub keras_momentum: f64,
    /// Added to the variance.
    pub epsilon: f64,
}

impl BatchNormSpec {
    fn init(self, features: usize, device: &Device) -> BatchNorm {
        // Burn's momentum weighs the new batch: the complement of Keras's.
        BatchNormConfig::new(features)
            .with_momentum(1.0 - self.keras_momentum)
            .with_epsilon(self.epsilon)
            .init(device)
    }
}

/// One upsampling block: transposed convolution, optional batch norm, activation.
#[derive(Config, Debug)]
pub struct UpBlockConfig {
    /// Output channels.
    pub channels: usize,
    /// Square kernel size.
    pub kernel: usize,
    /// Stride (the upsampling factor).
    pub stride: usize,
    /// Whether the convolution has a bias.
    pub bias: bool,
    /// Batch norm after the convolution, if any.
    pub batch_norm: Option<BatchNormSpec>,
    /// Activation at the end of the block.
    pub activation: Activation,
}

/// The generator: noise → dense → `[start_channels, start_side, start_side]` → blocks.
#[derive(Config, Debug)]
pub struct ConvGeneratorConfig {
    /// Input size (noise dimension plus classes for a conditional GAN).
    pub input: usize,
    /// Channels of the first feature map.
    pub start_channels: usize,
    /// Side of the first feature map.
    pub start_side: usize,
    /// Whether the dense projection has a bias.
    pub dense_bias: bool,
    /// Batch norm after the dense projection, if any.
    pub dense_batch_norm: Option<BatchNormSpec>,
    /// Activation after the dense projection.
    pub dense_activation: Activation,
    /// Upsampling blocks.
    pub blocks: Vec<UpBlockConfig>,
}

/// One block of [`ConvGenerator`].
#[derive(Module, Debug)]
pub struct UpBlock {
    /// The transposed convolution.
    pub conv: SameConvTranspose,
    /// Optional batch norm.
    pub norm: Option<BatchNorm>,
    /// Activation.
    #[module(skip)]
    pub activation: Activation,
}

/// The module built by [`ConvGeneratorConfig::init`].
#[derive(Module, Debug)]
pub struct ConvGenerator {
    /// Dense projection of the noise.
    pub dense: Linear,
    /// Optional batch norm after it.
    pub dense_norm: Option<BatchNorm>,
    /// Upsampling blocks.
    pub blocks: Vec<UpBlock>,
    /// Activation after the dense projection.
    #[module(skip)]
    pub dense_activation: Activation,
    /// `[channels, side]` of the first feature map.
    #[module(skip)]
    pub start: [usize; 2],
}

impl ConvGeneratorConfig {
    /// Builds the generator with Glorot-uniform weights.
    pub fn init(&self, device: &Device) -> ConvGenerator {
        let projected = self.start_channels * self.start_side * self.start_side;
        let mut dense = LinearConfig::new(self.input, projected)
            .with_bias(self.dense_bias)
            .with_initializer(Initializer::XavierUniform { gain: 1.0 })
            .init(device);
        dense.bias = zero_bias(dense.bias, device);
        let mut side = self.start_side;
        let mut channels = self.start_channels;
        let blocks = self
            .blocks
            .iter()
            .map(|block| {
                let conv = SameConvTranspose::new(
                    [channels, block.channels],
                    block.kernel,
                    block.stride,
                    side,
                    block.bias,
                    device,
                );
                side *= block.stride;
                channels = block.channels;
                UpBlock {
                    conv,
                    norm: block
                        .batch_norm
                        .map(|spec| spec.init(block.channels, device)),
                    activation: block.activation,
                }
            })
            .collect();
        ConvGenerator {
            dense,
            dense_norm: self
                .dense_batch_norm
                .map(|spec| spec.init(projected, device)),
            blocks,
            dense_activation: self.dense_activation,
            start: [self.start_channels, self.start_side],
        }
    }
}

impl ConvGenerator {
    /// `[batch, input]` → flattened images `[batch, side²]` (one channel).
    pub fn forward(&self, z: Tensor<2>) -> Tensor<2> {
        let [batch, _] = z.dims();
        let mut h = self.dense.forward(z); // [batch, c · s · s]
        if let Some(norm) = &self.dense_norm {
            h = norm.forward(h);
        }
        h = self.dense_activation.apply(h);
        let [channels, side] = self.start;
        let mut x = h.reshape([batch, channels, side, side]);
        for block in &self.blocks {
            x = block.conv.forward(x);
            if let Some(norm) = &block.norm {
                x = norm.forward(x);
            }
            x = block.activation.apply(x);
        }
        x.flatten(1, 3)
    }
}
