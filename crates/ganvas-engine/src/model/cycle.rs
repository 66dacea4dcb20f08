//! CycleGAN's networks as the tutorial builds them (its section "Cycle GANs"): a ResNet
//! generator that maps an image to an image of the same size, and a convolutional D with
//! instance norm that judges one domain.
//!
//! Generator: reflection pad 3, convolution `filters` 7×7, instance norm, ReLU; two stride-2
//! 3×3 convolutions doubling the filters (instance norm, ReLU); `blocks` residual blocks of
//! [reflection pad 1, conv 3×3, instance norm, ReLU, reflection pad 1, conv 3×3, instance norm]
//! plus the skip; two stride-2 3×3 transposed convolutions halving the filters back (instance
//! norm, ReLU); reflection pad 3, convolution 7×7 to the output channels, tanh.
//!
//! Discriminator: convolution 4×4 stride 2 and leaky ReLU 0.2, then `depth − 1` times
//! [convolution 4×4 stride 2, instance norm, leaky ReLU 0.2], flatten, one linear logit.
//!
//! Keras's conventions throughout (as for every tutorial here): Glorot-uniform weights, zero
//! biases, biases on every (transposed) convolution, TensorFlow's "same" padding where the
//! tutorial pads by "same", and instance norm with a learned scale and offset per channel and
//! ε = 1e-3 (TensorFlow Addons' `InstanceNormalization` defaults).

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{Initializer, InstanceNorm, InstanceNormConfig, Linear, LinearConfig};
use burn::tensor::activation::{leaky_relu, relu};
use burn::tensor::ops::PadMode;
use burn::tensor::{Device, Tensor};

use super::conv::{SameConvTranspose, same_conv, same_output, zero_bias};

/// Instance norm's ε (TensorFlow Addons' default).
pub const INSTANCE_NORM_EPSILON: f64 = 1e-3;

/// Slope of the discriminator's leaky ReLU.
pub const CYCLE_D_SLOPE: f64 = 0.2;

/// Pads the two image axes of `[batch, channels, h, w]` by `pad` pixels on every side,
/// mirroring the image at its edges without repeating the edge pixel (TensorFlow's
/// `REFLECT`): `[a b c d]` padded by 2 is `[c b a b c d c b]`. Needs `pad < h, w`.
pub fn reflection_pad(x: Tensor<4>, pad: usize) -> Tensor<4> {
    x.pad([(0, 0), (0, 0), (pad, pad), (pad, pad)], PadMode::Reflect)
}

/// A ResNet generator on square images.
#[derive(Config, Debug)]
pub struct ResnetGeneratorConfig {
    /// Image side in pixels; it must halve twice into whole pixels.
    pub side: usize,
    /// Channels of the input and the output image.
    pub channels: usize,
    /// Filters of the first convolution; the two downsampling convolutions double them.
    pub filters: usize,
    /// Residual blocks at the lowest resolution.
    pub blocks: usize,
}

/// One residual block: two reflection-padded 3×3 convolutions with instance norm, plus the
/// skip.
#[derive(Module, Debug)]
pub struct ResidualBlock {
    /// The first convolution (followed by instance norm and ReLU).
    pub first: Conv2d,
    /// Instance norm after the first convolution.
    pub first_norm: InstanceNorm,
    /// The second convolution (followed by instance norm, no activation).
    pub second: Conv2d,
    /// Instance norm after the second convolution.
    pub second_norm: InstanceNorm,
}

impl ResidualBlock {
    /// `x + block(x)`, same shape.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let h = relu(
            self.first_norm
                .forward(self.first.forward(reflection_pad(x.clone(), 1))),
        );
        let h = self
            .second_norm
            .forward(self.second.forward(reflection_pad(h, 1)));
        x + h
    }
}

/// The module built by [`ResnetGeneratorConfig::init`].
#[derive(Module, Debug)]
pub struct ResnetGenerator {
    /// The 7×7 convolution on the reflection-padded input.
    pub stem: Conv2d,
    /// Instance norm after it.
    pub stem_norm: InstanceNorm,
    /// The two stride-2 3×3 convolutions.
    pub down: Vec<Conv2d>,
    /// Instance norm after each of them.
    pub down_norms: Vec<InstanceNorm>,
    /// The residual blocks.
    pub blocks: Vec<ResidualBlock>,
    /// The two stride-2 3×3 transposed convolutions.
    pub up: Vec<SameConvTranspose>,
    /// Instance norm after each of them.
    pub up_norms: Vec<InstanceNorm>,
    /// The 7×7 convolution to the output channels, on the reflection-padded features.
    pub out: Conv2d,
    /// `[channels, side]` of the images.
    #[module(skip)]
    pub image: [usize; 2],
}

/// A convolution with no padding of its own (the reflection pad before it gives the border),
/// Glorot-uniform weights and a zero bias.
fn valid_conv(channels: [usize; 2], kernel: usize, device: &Device) -> Conv2d {
    let mut conv = Conv2dConfig::new(channels, [kernel, kernel])
        .with_initializer(Initializer::XavierUniform { gain: 1.0 })
        .init(device);
    conv.bias = zero_bias(conv.bias, device);
    conv
}

/// Instance norm over `channels` with a learned scale and offset.
fn instance_norm(channels: usize, device: &Device) -> InstanceNorm {
    InstanceNormConfig::new(channels)
        .with_epsilon(INSTANCE_NORM_EPSILON)
        .init(device)
}

impl ResnetGeneratorConfig {
    /// The tutorial's generator for greyscale 32×32 images: 32 filters, six residual blocks.
    pub fn tutorial() -> Self {
        ResnetGeneratorConfig::new(32, 1, 32, 6)
    }

    /// Whether the sizes fit: filters, channels, and a side that halves twice into at least
    /// 4 pixels (the 7×7 reflection pad of 3 needs a side above 3).
    pub fn check(&self) -> Result<(), String> {
        if self.filters == 0 || self.channels == 0 {
            return Err("a ResNet generator needs filters and channels".into());
        }
        if self.side < 4 || !self.side.is_multiple_of(4) {
            return Err(format!(
                "a ResNet generator halves its images twice: the side must be a multiple of 4 \
                 (at least 4), not {}",
                self.side
            ));
        }
        Ok(())
    }

    /// Builds the generator. Panics when [`ResnetGeneratorConfig::check`] fails.
    pub fn init(&self, device: &Device) -> ResnetGenerator {
        if let Err(why) = self.check() {
            panic!("{why}");
        }
        let f = self.filters;
        let block = || ResidualBlock {
            first: valid_conv([4 * f, 4 * f], 3, device),
            first_norm: instance_norm(4 * f, device),
            second: valid_conv([4 * f, 4 * f], 3, device),
            second_norm: instance_norm(4 * f, device),
        };
        let half = same_output(self.side, 2);
        ResnetGenerator {
            stem: valid_conv([self.channels, f], 7, device),
            stem_norm: instance_norm(f, device),
            down: vec![
                same_conv([f, 2 * f], 3, 2, self.side, true, device),
                same_conv([2 * f, 4 * f], 3, 2, half, true, device),
            ],
            down_norms: vec![instance_norm(2 * f, device), instance_norm(4 * f, device)],
            blocks: (0..self.blocks).map(|_| block()).collect(),
            up: vec![
                SameConvTranspose::new([4 * f, 2 * f], 3, 2, same_output(half, 2), true, device),
                SameConvTranspose::new([2 * f, f], 3, 2, half, true, device),
            ],
            up_norms: vec![instance_norm(2 * f, device), instance_norm(f, device)],
            out: valid_conv([f, self.channels], 7, device),
            image: [self.channels, self.side],
        }
    }
}

impl ResnetGenerator {
    /// Flattened images `[batch, channels · side²]` in [−1, 1] → the same shape, in [−1, 1].
    /// Instance norm normalises each image by itself, so training and generating compute the
    /// same function.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let [batch, _] = x.dims();
        let [channels, side] = self.image;
        let x = x.reshape([batch, channels, side, side]);
        let mut h = relu(
            self.stem_norm
                .forward(self.stem.forward(reflection_pad(x, 3))),
        );
        for (conv, norm) in self.down.iter().zip(&self.down_norms) {
            h = relu(norm.forward(conv.forward(h)));
        }
        for block in &self.blocks {
            h = block.forward(h);
        }
        for (conv, norm) in self.up.iter().zip(&self.up_norms) {
            h = relu(norm.forward(conv.forward(h)));
        }
        self.out.forward(reflection_pad(h, 3)).tanh().flatten(1, 3)
    }
}

/// CycleGAN's discriminator on square images.
#[derive(Config, Debug)]
pub struct CycleDiscriminatorConfig {
    /// Image side in pixels.
    pub side: usize,
    /// Channels of the images.
    pub channels: usize,
    /// Filters of every convolution.
    pub filters: usize,
    /// Stride-2 4×4 convolutions (the first without instance norm).
    pub depth: usize,
}

/// The module built by [`CycleDiscriminatorConfig::init`].
#[derive(Module, Debug)]
pub struct CycleDiscriminator {
    /// The convolutions, input first.
    pub convs: Vec<Conv2d>,
    /// Instance norm after every convolution but the first.
    pub norms: Vec<InstanceNorm>,
    /// The logit, from the flattened last feature map.
    pub head: Linear,
    /// `[channels, side]` of the images.
    #[module(skip)]
    pub image: [usize; 2],
}

impl CycleDiscriminatorConfig {
    /// The tutorial's D for greyscale 32×32 images: four convolutions of 64 (the tutorial's
    /// loop names 128, 256 and 512 filters but its code passes 64 to every layer; we follow
    /// the code).
    pub fn tutorial() -> Self {
        CycleDiscriminatorConfig::new(32, 1, 64, 4)
    }

    /// Side of the last feature map.
    pub fn final_side(&self) -> usize {
        (0..self.depth).fold(self.side, |side, _| same_output(side, 2))
    }

    /// Whether the sizes fit.
    pub fn check(&self) -> Result<(), String> {
        if self.filters == 0 || self.channels == 0 || self.depth == 0 || self.side == 0 {
            return Err("a CycleGAN D needs filters, channels, layers and a side".into());
        }
        if self.depth > 8 {
            return Err(format!("a CycleGAN D of {} layers is too deep", self.depth));
        }
        Ok(())
    }

    /// Builds the discriminator. Panics when [`CycleDiscriminatorConfig::check`] fails.
    pub fn init(&self, device: &Device) -> CycleDiscriminator {
        if let Err(why) = self.check() {
            panic!("{why}");
        }
        let mut convs = Vec::with_capacity(self.depth);
        let (mut side, mut channels) = (self.side, self.channels);
        for _ in 0..self.depth {
            convs.push(same_conv(
                [channels, self.filters],
                4,
                2,
                side,
                true,
                device,
            ));
            side = same_output(side, 2);
            channels = self.filters;
        }
        let mut head = LinearConfig::new(self.filters * side * side, 1)
            .with_initializer(Initializer::XavierUniform { gain: 1.0 })
            .init(device);
        head.bias = zero_bias(head.bias, device);
        CycleDiscriminator {
            convs,
            norms: (1..self.depth)
                .map(|_| instance_norm(self.filters, device))
                .collect(),
            head,
            image: [self.channels, self.side],
        }
    }
}

impl CycleDiscriminator {
    /// Flattened images `[batch, channels · side²]` → logits `[batch, 1]` (LSGAN reads them as
    /// scores: 1 real, 0 generated).
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let [batch, _] = x.dims();
        let [channels, side] = self.image;
        let mut h = x.reshape([batch, channels, side, side]);
        for (i, conv) in self.convs.iter().enumerate() {
            h = conv.forward(h);
            if i > 0 {
                h = self.norms[i - 1].forward(h);
            }
            h = leaky_relu(h, CYCLE_D_SLOPE);
        }
        self.head.forward(h.flatten(1, 3))
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Distribution, TensorData};

    use super::*;
    use crate::device;

    fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        t.into_data().try_to_vec::<f32>().expect("f32")
    }

    #[test]
    fn the_tutorial_generator_has_the_keras_parameter_count() {
        // The layer list, trainable parameters (every convolution with its bias, every
        // instance norm with a scale and an offset per channel):
        //   conv 7×7 1→32: 1,600; IN 32: 64
        //   conv 3×3 32→64: 18,496; IN 64: 128
        //   conv 3×3 64→128: 73,856; IN 128: 256
        //   six blocks of two conv 3×3 128→128 (147,584 each) and two IN 128 (256 each)
        //   transposed 3×3 128→64: 73,792; IN 64: 128
        //   transposed 3×3 64→32: 18,464; IN 32: 64
        //   conv 7×7 32→1: 1,569
        let block = 2 * 147_584 + 2 * 256;
        let expected = 1_600
            + 64
            + 18_496
            + 128
            + 73_856
            + 256
            + 6 * block
            + 73_792
            + 128
            + 18_464
            + 64
            + 1_569;
        assert_eq!(expected, 1_962_497);
        let g = ResnetGeneratorConfig::tutorial().init(&device::cpu());
        assert_eq!(g.num_params(), expected);
    }

    #[test]
    fn the_tutorial_discriminator_has_the_keras_parameter_count() {
        // conv 4×4 1→64: 1,088; three conv 4×4 64→64: 65,600 each, each with IN 64: 128;
        // 32 → 16 → 8 → 4 → 2, so the dense layer reads 2·2·64 = 256 features: 257.
        let expected = 1_088 + 3 * (65_600 + 128) + 257;
        assert_eq!(expected, 198_529);
        let d = CycleDiscriminatorConfig::tutorial().init(&device::cpu());
        assert_eq!(d.num_params(), expected);
    }

    #[test]
    fn reflection_padding_mirrors_without_repeating_the_edge() {
        let device = device::cpu();
        // One 2×3 image [[1 2 3] [4 5 6]] padded by 1.
        let x = Tensor::<4>::from_data(
            TensorData::new(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], [1, 1, 2, 3]),
            &device,
        );
        let padded = reflection_pad(x, 1);
        assert_eq!(padded.dims(), [1, 1, 4, 5]);
        #[rustfmt::skip]
        let expected = [
            5.0, 4.0, 5.0, 6.0, 5.0,
            2.0, 1.0, 2.0, 3.0, 2.0,
            5.0, 4.0, 5.0, 6.0, 5.0,
            2.0, 1.0, 2.0, 3.0, 2.0,
        ];
        assert_eq!(values(padded), expected);
    }

    #[test]
    fn instance_norm_normalises_each_image_and_channel_by_itself() {
        let device = device::cpu();
        // Two images of one channel, four pixels each: [0 1 2 3] and [10 10 10 14].
        let x = Tensor::<4>::from_data(
            TensorData::new(
                vec![0.0f32, 1.0, 2.0, 3.0, 10.0, 10.0, 10.0, 14.0],
                [2, 1, 2, 2],
            ),
            &device,
        );
        let out = values(instance_norm(1, &device).forward(x));
        // First: mean 1.5, biased variance 1.25; second: mean 11, variance 3.
        let first = [-1.5f32, -0.5, 0.5, 1.5].map(|d| d / (1.25f32 + 1e-3).sqrt());
        let second = [-1.0f32, -1.0, -1.0, 3.0].map(|d| d / (3.0f32 + 1e-3).sqrt());
        for (got, want) in out.iter().zip(first.iter().chain(&second)) {
            assert!((got - want).abs() < 1e-5, "{out:?}");
        }
    }

    #[test]
    fn the_generator_maps_images_to_images_in_range_and_d_gives_one_score_each() {
        let device = device::cpu();
        device.seed(4);
        let g = ResnetGeneratorConfig::new(16, 1, 4, 2).init(&device);
        let x = Tensor::<2>::random([3, 16 * 16], Distribution::Uniform(-1.0, 1.0), &device);
        let y = g.forward(x.clone());
        assert_eq!(y.dims(), [3, 16 * 16]);
        assert!(values(y).iter().all(|v| v.is_finite() && v.abs() <= 1.0));
        let d = CycleDiscriminatorConfig::new(16, 1, 8, 3).init(&device);
        assert_eq!(d.forward(x).dims(), [3, 1]);
    }

    #[test]
    fn sizes_that_do_not_fit_are_refused() {
        assert!(ResnetGeneratorConfig::tutorial().check().is_ok());
        let why = ResnetGeneratorConfig::new(30, 1, 8, 2).check().unwrap_err();
        assert!(why.contains("multiple of 4"), "{why}");
        assert!(ResnetGeneratorConfig::new(32, 1, 0, 2).check().is_err());
        assert!(CycleDiscriminatorConfig::new(32, 1, 64, 0).check().is_err());
        assert!(CycleDiscriminatorConfig::new(32, 1, 64, 9).check().is_err());
        assert_eq!(CycleDiscriminatorConfig::tutorial().final_side(), 2);
    }
}
