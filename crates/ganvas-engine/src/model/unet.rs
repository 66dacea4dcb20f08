//! The U-Net generator of Pix2Pix as the tutorial builds it: an image in, an image of the same
//! size out, with each encoder level's input handed across to its twin in the decoder.
//!
//! Encoder: `depth` times [convolution (`filters`, `kernel × kernel`, stride 2, "same"), batch
//! norm, activation, dropout]. Decoder: `depth` times [transposed convolution (`filters`,
//! stride 2, "same"), batch norm, activation, concatenate the twin encoder level's input].
//! Then a 1×1 convolution to the output channels and tanh. The dropout is Pix2Pix's only
//! source of randomness (the generator gets no noise vector), so it is active when generating
//! too, unless [`UNetConfig::dropout_when_generating`] is off.

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::Conv2d;
use burn::nn::{BatchNorm, BatchNormConfig};
use burn::tensor::{Device, Tensor};

use super::activation::Activation;
use super::conv::{SameConvTranspose, same_conv, same_output};
use super::conv_generator::BatchNormSpec;
use super::dropout::{DropoutMask, apply_mask};

/// A U-Net on square images.
#[derive(Config, Debug)]
pub struct UNetConfig {
    /// Image side in pixels; `side / 2^depth` must be a whole number of at least 1.
    pub side: usize,
    /// Channels of the input image.
    pub channels_in: usize,
    /// Channels of the output image.
    pub channels_out: usize,
    /// Filters of every convolution and transposed convolution.
    pub filters: usize,
    /// Encoder (and decoder) levels.
    pub depth: usize,
    /// Square kernel of the (transposed) convolutions.
    pub kernel: usize,
    /// Batch norm after each (transposed) convolution.
    pub batch_norm: BatchNormSpec,
    /// Activation after each batch norm.
    pub activation: Activation,
    /// Dropout after each encoder level's activation.
    pub dropout: f64,
    /// Whether the dropout stays active when generating (Pix2Pix: yes).
    #[config(default = true)]
    pub dropout_when_generating: bool,
}

/// The module built by [`UNetConfig::init`].
#[derive(Module, Debug)]
pub struct UNet {
    /// The encoder's convolutions, input first.
    pub down: Vec<Conv2d>,
    /// Batch norm after each of them.
    pub down_norms: Vec<BatchNorm>,
    /// The decoder's transposed convolutions, deepest first.
    pub up: Vec<SameConvTranspose>,
    /// Batch norm after each of them.
    pub up_norms: Vec<BatchNorm>,
    /// The final 1×1 convolution.
    pub out: Conv2d,
    /// `[channels_in, side]` of the input image.
    #[module(skip)]
    pub input: [usize; 2],
    /// Activation after each batch norm.
    #[module(skip)]
    pub activation: Activation,
    /// Encoder dropout.
    #[module(skip)]
    pub dropout: f64,
    /// Whether the dropout stays active when generating.
    #[module(skip)]
    pub dropout_when_generating: bool,
}

impl UNetConfig {
    /// The tutorial's U-Net at 32×32 (28×28 images padded by 2 pixels): three levels of 64
    /// filters, 5×5 kernels, batch norm with momentum 0.9, leaky ReLU 0.1, dropout 0.1.
    pub fn pix2pix(channels_in: usize, channels_out: usize) -> Self {
        UNetConfig::new(
            32,
            channels_in,
            channels_out,
            64,
            3,
            5,
            BatchNormSpec::new(0.9, 1e-3),
            Activation::LeakyRelu(0.1),
            0.1,
        )
    }

    /// Whether the sizes fit: a positive side that halves `depth` times into whole pixels.
    pub fn check(&self) -> Result<(), String> {
        if self.depth == 0 || self.filters == 0 || self.channels_in == 0 || self.channels_out == 0 {
            return Err("a U-Net needs levels, filters and channels".into());
        }
        let scale = 1usize
            .checked_shl(self.depth as u32)
            .ok_or("too many U-Net levels")?;
        if self.side == 0 || !self.side.is_multiple_of(scale) {
            return Err(format!(
                "a {}-level U-Net needs a side divisible by {scale}, not {}",
                self.depth, self.side
            ));
        }
        Ok(())
    }

    /// Builds the U-Net with Glorot-uniform weights and zero biases (Keras's defaults).
    /// Panics when [`UNetConfig::check`] fails.
    pub fn init(&self, device: &Device) -> UNet {
        if let Err(why) = self.check() {
            panic!("{why}");
        }
        let norm = |features| {
            BatchNormConfig::new(features)
                .with_momentum(1.0 - self.batch_norm.keras_momentum)
                .with_epsilon(self.batch_norm.epsilon)
                .init(device)
        };
        let (mut side, mut channels) = (self.side, self.channels_in);
        let mut down = Vec::with_capacity(self.depth);
        let mut skip_channels = Vec::with_capacity(self.depth);
        for _ in 0..self.depth {
            down.push(same_conv(
                [channels, self.filters],
                self.kernel,
                2,
                side,
                true,
                device,
            ));
            skip_channels.push(channels);
            side = same_output(side, 2);
            channels = self.filters;
        }
        let mut up = Vec::with_capacity(self.depth);
        for &skip in skip_channels.iter().rev() {
            up.push(SameConvTranspose::new(
                [channels, self.filters],
                self.kernel,
                2,
                side,
                true,
                device,
            ));
            side *= 2;
            channels = self.filters + skip;
        }
        UNet {
            down,
            down_norms: (0..self.depth).map(|_| norm(self.filters)).collect(),
            up,
            up_norms: (0..self.depth).map(|_| norm(self.filters)).collect(),
            out: same_conv([channels, self.channels_out], 1, 1, side, true, device),
            input: [self.channels_in, self.side],
            activation: self.activation,
            dropout: self.dropout,
            dropout_when_generating: self.dropout_when_generating,
        }
    }
}

impl UNet {
    /// Flattened images `[batch, channels_in · side²]` → `[batch, channels_out · side²]`, in
    /// [−1, 1]. Batch norm normalises by the batch when autodiff is on (training) and by its
    /// running statistics otherwise; dropout is active when `train`, and when generating if
    /// the U-Net keeps it on.
    pub fn forward(&self, x: Tensor<2>, train: bool) -> Tensor<2> {
        let [batch, _] = x.dims();
        let [channels, side] = self.input;
        let mut h = x.reshape([batch, channels, side, side]);
        let dropout = train || self.dropout_when_generating;
        let mut skips = Vec::with_capacity(self.down.len());
        for (conv, norm) in self.down.iter().zip(&self.down_norms) {
            skips.push(h.clone());
            h = self.activation.apply(norm.forward(conv.forward(h)));
            let mask = DropoutMask::sample(&h, self.dropout, dropout);
            h = apply_mask(mask.as_ref(), h);
        }
        for (conv, norm) in self.up.iter().zip(&self.up_norms) {
            h = self.activation.apply(norm.forward(conv.forward(h)));
            let skip = skips.pop().expect("one skip per level");
            h = Tensor::cat(vec![h, skip], 1);
        }
        self.out.forward(h).tanh().flatten(1, 3)
    }
}

#[cfg(test)]
mod tests {
    use burn::module::Module;
    use burn::tensor::{Distribution, Tensor};

    use super::*;
    use crate::device;

    #[test]
    fn the_tutorial_u_net_has_the_keras_parameter_count() {
        // Keras's layer list, trainable parameters:
        //   conv 5×5 1→64: 1,664; conv 5×5 64→64: 102,464 (twice);
        //   transposed 5×5 64→64: 102,464; 128→64: 204,864 (twice);
        //   six batch norms of 64 (γ, β): 768; the 1×1 convolution 65→1: 66.
        // Burn counts batch norm's running mean and variance too (another 2 × 64 per layer),
        // as Keras's "Total params" does with its non-trainable moving statistics.
        let trainable = 1_664 + 2 * 102_464 + 102_464 + 2 * 204_864 + 6 * 128 + 66;
        assert_eq!(trainable, 719_618);
        let expected = trainable + 6 * 128;
        let unet = UNetConfig::pix2pix(1, 1).init(&device::cpu());
        assert_eq!(unet.num_params(), expected);
    }

    #[test]
    fn maps_images_to_images_of_the_same_size_in_range() {
        let device = device::cpu();
        device.seed(3);
        let unet = UNetConfig::pix2pix(1, 1).init(&device);
        let x = Tensor::<2>::random([4, 32 * 32], Distribution::Uniform(-1.0, 1.0), &device);
        let y = unet.forward(x, false);
        assert_eq!(y.dims(), [4, 32 * 32]);
        let values = y.into_data().try_to_vec::<f32>().expect("f32");
        assert!(values.iter().all(|v| v.is_finite() && v.abs() <= 1.0));
    }

    #[test]
    fn dropout_makes_generating_random_only_when_kept_on() {
        let device = device::cpu();
        device.seed(5);
        let x = Tensor::<2>::random([2, 16 * 16], Distribution::Uniform(-1.0, 1.0), &device);
        let mut config = UNetConfig::new(
            16,
            1,
            2,
            8,
            2,
            3,
            BatchNormSpec::new(0.9, 1e-3),
            Activation::LeakyRelu(0.1),
            0.5,
        );
        let unet = config.init(&device);
        let differ = |unet: &UNet| {
            let a = unet.forward(x.clone(), false);
            let b = unet.forward(x.clone(), false);
            assert_eq!(a.dims(), [2, 2 * 16 * 16]);
            (a - b).abs().max().into_scalar::<f32>() > 1e-6
        };
        assert!(
            differ(&unet),
            "Pix2Pix's dropout is its noise when generating"
        );
        config.dropout_when_generating = false;
        assert!(!differ(&config.init(&device)));
    }

    #[test]
    fn sizes_that_do_not_halve_are_refused() {
        let mut config = UNetConfig::pix2pix(1, 1);
        assert!(config.check().is_ok());
        config.side = 28; // 28 → 14 → 7 → 3.5
        assert!(config.check().unwrap_err().contains("divisible by 8"));
        config.side = 32;
        config.depth = 0;
        assert!(config.check().is_err());
    }
}
