//! The one table of what a setting may be: its key in links, its range and its default.
//! The page's controls, its link codec and the validation of shared models
//! ([`super::GanConfig::validate`]) all read these, so a link or file can ask for nothing the
//! controls would refuse.

use std::ops::RangeInclusive;

use crate::error::{Error, Result};

/// A numeric setting's bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// Its key in links (`batch=64`).
    pub key: &'static str,
    /// What it is, in words, for messages.
    pub label: &'static str,
    /// Smallest allowed value.
    pub min: f64,
    /// Largest allowed value.
    pub max: f64,
    /// The page's default (the toy tutorial's setting where a model decides it).
    pub default: f64,
    /// Whether only whole numbers are allowed.
    pub integer: bool,
}

impl Limit {
    const fn whole(key: &'static str, label: &'static str, range: [u32; 2], default: u32) -> Self {
        Limit {
            key,
            label,
            min: range[0] as f64,
            max: range[1] as f64,
            default: default as f64,
            integer: true,
        }
    }

    const fn real(key: &'static str, label: &'static str, range: [f64; 2], default: f64) -> Self {
        Limit {
            key,
            label,
            min: range[0],
            max: range[1],
            default,
            integer: false,
        }
    }

    /// Whether `value` is allowed.
    pub fn contains(&self, value: f64) -> bool {
        value.is_finite()
            && (self.min..=self.max).contains(&value)
            && (!self.integer || value.fract() == 0.0)
    }

    /// The range as whole numbers (for integer settings).
    pub fn usize_range(&self) -> RangeInclusive<usize> {
        (self.min as usize)..=(self.max as usize)
    }

    /// The range as floats.
    pub fn f64_range(&self) -> RangeInclusive<f64> {
        self.min..=self.max
    }

    /// `value`, or an error naming the setting and its range.
    pub fn check(&self, value: f64) -> Result<()> {
        if self.contains(value) {
            Ok(())
        } else {
            Err(Error::Config(format!(
                "{} is {}; it must be {} from {} to {}",
                self.label,
                number_text(value),
                if self.integer {
                    "a whole number"
                } else {
                    "a number"
                },
                number_text(self.min),
                number_text(self.max)
            )))
        }
    }

    /// [`Limit::check`] for a count.
    pub fn check_count(&self, value: usize) -> Result<()> {
        self.check(value as f64)
    }
}

/// A number as people read it: whole numbers grouped by thousands (`2,500,000`), very large
/// or small ones in scientific notation (`1e300`, `1e-12`).
pub fn number_text(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let size = value.abs();
    if size >= 1e15 || (size < 1e-4 && size > 0.0) {
        return format!("{value:e}");
    }
    if value.fract() != 0.0 {
        return value.to_string();
    }
    let digits = (value.abs() as u64).to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0.0 {
        grouped.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

// The page's controls (and link keys).

/// Hidden layers of the custom 2D MLP.
pub const HIDDEN_LAYERS: Limit = Limit::whole("layers", "the number of hidden layers", [0, 6], 3);
/// Units per hidden layer of the custom 2D MLP.
pub const WIDTH: Limit = Limit::whole("width", "the units per layer", [1, 1024], 64);
/// Noise dimensions of a 2D model (image presets fix their own, see [`LATENT_DIM`]).
pub const NOISE_DIM: Limit = Limit::whole("nz", "the noise dimension", [1, 64], 2);
/// G's learning rate.
pub const G_LR: Limit = Limit::real("g_lr", "G's learning rate", [0.0, 1.0], 1e-3);
/// D's learning rate.
pub const D_LR: Limit = Limit::real("d_lr", "D's learning rate", [0.0, 1.0], 1e-3);
/// Samples per batch.
pub const BATCH: Limit = Limit::whole("batch", "the batch size", [1, 4096], 256);
/// D updates per step (k).
pub const D_STEPS: Limit = Limit::whole("k", "D's steps per G step (k)", [1, 50], 10);
/// G updates per step.
pub const G_STEPS: Limit = Limit::whole("g_steps", "G's steps per step", [1, 50], 10);
/// One-sided label smoothing: D's target for real samples.
pub const REAL_LABEL: Limit = Limit::real("smooth", "the real label", [0.5, 1.0], 1.0);
/// Probability of flipping a label.
pub const LABEL_FLIP: Limit = Limit::real("flip", "the label flip probability", [0.0, 0.5], 0.0);
/// Instance noise σ.
pub const INSTANCE_NOISE: Limit = Limit::real("inoise", "the instance noise", [0.0, 5.0], 0.0);
/// Steps over which instance noise decays.
pub const INSTANCE_NOISE_DECAY: Limit = Limit::whole(
    "inoise_decay",
    "the instance noise decay",
    [0, 1_000_000],
    0,
);
/// Fakes kept in the replay buffer.
pub const REPLAY: Limit = Limit::whole("replay", "the replay buffer size", [0, 100_000], 0);

/// Every setting the page's controls and links bound, in link order.
pub const SETTINGS: [Limit; 13] = [
    HIDDEN_LAYERS,
    WIDTH,
    NOISE_DIM,
    G_LR,
    D_LR,
    BATCH,
    D_STEPS,
    G_STEPS,
    REAL_LABEL,
    LABEL_FLIP,
    INSTANCE_NOISE,
    INSTANCE_NOISE_DECAY,
    REPLAY,
];

/// The setting with `key`.
pub fn setting(key: &str) -> Option<Limit> {
    SETTINGS.into_iter().find(|limit| limit.key == key)
}

// Fields no control sets (presets fix them), bounded so that a shared model stays within what
// GANvas's own presets and the page's views can handle.

/// Noise dimensions of any model (the image presets use 64 and 100).
pub const LATENT_DIM: Limit = Limit::whole("noise_dim", "the noise dimension", [1, 256], 64);
/// Classes of a conditional GAN (0: unconditional); the page shows eight samples per class.
pub const CLASSES: Limit = Limit::whole("classes", "the number of classes", [0, 32], 0);
/// Side of a square image in pixels.
pub const IMAGE_SIDE: Limit = Limit::whole("image", "the image side", [4, 64], 28);
/// Linear layers of one MLP (the custom MLP has up to 7).
pub const MLP_LAYERS: Limit = Limit::whole("mlp_layers", "an MLP's layer count", [1, 8], 3);
/// Units of any MLP layer (inputs and outputs included: images are 784, a head 6,272).
pub const MLP_SIZE: Limit = Limit::whole("mlp_size", "an MLP layer's size", [1, 16_384], 256);
/// Convolutions of a discriminator, and upsampling blocks of a generator.
pub const CONV_LAYERS: Limit = Limit::whole("conv_layers", "the convolution count", [0, 6], 2);
/// Channels of a feature map.
pub const CHANNELS: Limit = Limit::whole("channels", "a channel count", [1, 1024], 64);
/// Side of a square convolution kernel.
pub const KERNEL: Limit = Limit::whole("kernel", "a kernel size", [1, 9], 5);
/// Stride of a convolution.
pub const STRIDE: Limit = Limit::whole("stride", "a stride", [1, 4], 2);
/// Side of a generator's first feature map.
pub const START_SIDE: Limit =
    Limit::whole("start_side", "the first feature map's side", [1, 64], 7);
/// Dropout probability (1 would divide by zero).
pub const DROPOUT: Limit = Limit::real("dropout", "a dropout probability", [0.0, 0.9], 0.0);
/// Slope of a leaky ReLU.
pub const LEAKY_SLOPE: Limit = Limit::real("slope", "a leaky ReLU slope", [0.0, 1.0], 0.2);
/// Keras batch-norm momentum.
pub const BN_MOMENTUM: Limit =
    Limit::real("bn_momentum", "a batch-norm momentum", [0.0, 1.0], 0.99);
/// Batch-norm ε.
pub const BN_EPSILON: Limit = Limit::real("bn_epsilon", "a batch-norm epsilon", [1e-12, 1.0], 1e-3);
/// Adam's β1, RMSProp's ρ and momentum: decays below 1.
pub const DECAY: Limit = Limit::real(
    "decay",
    "an optimiser decay (β, ρ or momentum)",
    [0.0, 0.9999],
    0.9,
);
/// Adam's β2.
pub const BETA2: Limit = Limit::real("beta2", "Adam's β2", [0.0, 0.99999], 0.999);
/// ε of Adam and RMSProp.
pub const OPT_EPSILON: Limit = Limit::real("epsilon", "an optimiser epsilon", [1e-12, 1.0], 1e-8);
/// WGAN-GP's penalty weight λ.
pub const GP_WEIGHT: Limit = Limit::real("gp", "the gradient penalty weight", [0.0, 1000.0], 10.0);
/// WGAN's clipping bound c.
pub const CLIP: Limit = Limit::real("clip", "the clipping bound", [0.0, 10.0], 0.01);
/// Share of a fake batch drawn from the replay buffer.
pub const REPLAY_SHARE: Limit = Limit::real("replay_share", "the replay share", [0.0, 1.0], 0.5);
/// Pix2Pix's λ, the weight of the L1 term (the tutorial's is 10).
pub const L1_WEIGHT: Limit = Limit::real("l1", "the L1 weight λ", [0.0, 1000.0], 10.0);
/// Decay of the averaged generator (0: off).
pub const EMA_DECAY: Limit = Limit::real("ema", "the averaging decay", [0.0, 0.9999], 0.0);

/// Most values (parameters and running statistics of G and D together) a GAN may hold: four
/// times the largest preset, twice the largest custom MLP (6 × 1024 units, about 10.5 M).
pub const MAX_PARAMETERS: usize = 20_000_000;
/// Most memory a GAN's training may need by [`super::validate::Budget`]'s estimate: 2 GiB,
/// half of what a wasm32 page can address at all.
pub const MAX_MEMORY_BYTES: u64 = 2 << 30;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(number_text(2_500_000_000.0), "2,500,000,000");
        assert_eq!(number_text(999.0), "999");
        assert_eq!(number_text(-1234.0), "-1,234");
        assert_eq!(number_text(0.5), "0.5");
        assert_eq!(number_text(f64::NAN), "NaN");
        assert_eq!(number_text(1e300), "1e300");
        assert_eq!(number_text(1e-12), "1e-12");
    }

    #[test]
    fn limits_check_range_and_wholeness() {
        assert!(BATCH.check_count(64).is_ok());
        let message = BATCH.check_count(0).expect_err("zero").to_string();
        assert!(message.contains("batch size is 0"), "{message}");
        assert!(message.contains("1 to 4,096"), "{message}");
        assert!(BATCH.check(1.5).is_err());
        assert!(G_LR.check(f64::NAN).is_err());
        assert!(G_LR.check(f64::INFINITY).is_err());
        assert!(G_LR.check(2e-3).is_ok());
        assert_eq!(BATCH.usize_range(), 1..=4096);
        assert_eq!(setting("k"), Some(D_STEPS));
        assert!(SETTINGS.iter().all(|limit| limit.contains(limit.default)));
    }
}
