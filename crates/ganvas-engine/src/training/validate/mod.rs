//! One validation of a GAN's configuration, run before any network is built: every field
//! within the ranges of [`super::limits`] (the page's controls), the two networks consistent
//! with the data and with each other, and a parameter and memory budget. Configurations come
//! from links and files, so none is trusted: [`Gan::new`](super::Gan::new),
//! [`Snapshot::config`](crate::snapshot::Snapshot::config) and
//! [`Gan::from_snapshot`](super::Gan::from_snapshot) all call it.

mod model;
mod snapshot;
mod train;

pub(crate) use snapshot::check_snapshot;

use super::limits::{
    BATCH, CHANNELS, CONV_LAYERS, D_LR, DROPOUT, G_LR, IMAGE_SIDE, KERNEL, L1_WEIGHT,
};
use super::pix2pix::Pix2PixConfig;

use super::gan::GanConfig;
use super::limits::{MAX_MEMORY_BYTES, MAX_PARAMETERS, number_text};
use crate::error::{Error, Result};
use crate::loss::LossKind;
use crate::model::shapes::{
    NetworkShapes, conv_discriminator_shapes, discriminator_shapes, generator_shapes,
};

/// What a valid configuration will cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    /// G's tensors, in module order.
    pub generator: NetworkShapes,
    /// D's tensors, in module order.
    pub discriminator: NetworkShapes,
    /// Values in G and D (parameters and batch-norm running statistics).
    pub parameters: u64,
    /// Estimated bytes training needs, in `f32`: five copies of every value (weights,
    /// gradients, up to two optimiser slots, the averaged generator), and three of every
    /// layer output of a batch (the forward value, what autodiff keeps, its gradient), D's
    /// twice (real and fake; twice again for WGAN-GP's explicit input gradient).
    pub memory_bytes: u64,
}

impl Budget {
    fn of(config: &GanConfig) -> Self {
        let generator = generator_shapes(&config.model.generator);
        let discriminator = discriminator_shapes(&config.model.discriminator);
        let values =
            |shapes: &NetworkShapes| -> u64 { shapes.tensors.iter().map(|t| t.len() as u64).sum() };
        let parameters = values(&generator) + values(&discriminator);
        let batch = config.train.batch_size as u64;
        let data = config.model.data.dim() as u64;
        let penalty = if config.train.loss == LossKind::WganGp {
            2
        } else {
            1
        };
        let g_outputs = generator.activations_per_sample as u64;
        let d_outputs = (discriminator.activations_per_sample as u64 + data) * 2 * penalty;
        let memory_bytes = 4 * (5 * parameters + 3 * batch * (g_outputs + d_outputs));
        Budget {
            generator,
            discriminator,
            parameters,
            memory_bytes,
        }
    }

    fn check(&self) -> Result<()> {
        if self.parameters > MAX_PARAMETERS as u64 {
            return Err(Error::Config(format!(
                "the model asks for {} parameters; GANvas opens at most {}",
                number_text(self.parameters as f64),
                number_text(MAX_PARAMETERS as f64)
            )));
        }
        if self.memory_bytes > MAX_MEMORY_BYTES {
            return Err(Error::Config(format!(
                "training this model with this batch size would need about {} MB; GANvas \
                 allows at most {} MB (try a smaller batch)",
                number_text((self.memory_bytes >> 20) as f64),
                number_text((MAX_MEMORY_BYTES >> 20) as f64)
            )));
        }
        Ok(())
    }
}

impl GanConfig {
    /// Checks every field, the networks' structure and the budget (see the module docs);
    /// returns what the GAN will cost. Builds nothing.
    pub fn validate(&self) -> Result<Budget> {
        model::check(&self.model)?;
        train::check(&self.train)?;
        let budget = Budget::of(self);
        budget.check()?;
        Ok(budget)
    }
}

/// Validates a Pix2Pix configuration from outside (a file) before anything is built: every
/// size within the bounds the noise GANs' networks have, the parts fitting each other
/// ([`Pix2PixConfig::check`]), and the same parameter and memory budget.
pub(crate) fn check_pix2pix(config: &Pix2PixConfig) -> Result<()> {
    let g = &config.generator;
    IMAGE_SIDE.check_count(g.side)?;
    CONV_LAYERS.check_count(g.depth)?;
    CHANNELS.check_count(g.filters)?;
    KERNEL.check_count(g.kernel)?;
    model::batch_norm(Some(g.batch_norm))?;
    model::activation(g.activation)?;
    DROPOUT.check(g.dropout)?;
    let layout = config.discriminator_layout();
    model::conv_discriminator(&config.discriminator, g.side, 1, layout)?;
    train::optimizer(&config.generator_optimizer, G_LR)?;
    train::optimizer(&config.discriminator_optimizer, D_LR)?;
    BATCH.check_count(config.batch_size)?;
    L1_WEIGHT.check(config.l1_weight)?;
    config.check()?;
    let discriminator = conv_discriminator_shapes(&config.discriminator, layout);
    let d_values: u64 = discriminator.tensors.iter().map(|t| t.len() as u64).sum();
    // The U-Net, bounded from above: each level a k×k convolution down and one up, the
    // upward ones reading the twin's channels too, each with batch norm.
    let (k, f) = (g.kernel as u64, g.filters as u64);
    let g_values = g.depth as u64 * (k * k * 3 * f * f + 10 * f) + 2 * f + 1;
    let g_outputs = 4 * f * (g.side * g.side) as u64;
    let side = (g.side * g.side) as u64;
    let d_outputs = (discriminator.activations_per_sample as u64 + side) * 2;
    let parameters = g_values + d_values;
    Budget {
        generator: NetworkShapes::default(),
        discriminator,
        parameters,
        memory_bytes: 4 * (5 * parameters + 3 * config.batch_size as u64 * (g_outputs + d_outputs)),
    }
    .check()
}

/// Most residual blocks a CycleGAN generator from outside may have (the tutorial's has 6).
const MAX_RESIDUAL_BLOCKS: usize = 16;
/// Most discriminator updates per generator update (the tutorial's is 5).
const MAX_D_UPDATES: usize = 20;

/// Validates a CycleGAN configuration from outside (a link or a file) before anything is
/// built: every size within the bounds the other models' networks have, the parts fitting
/// each other ([`CycleGanConfig::check`](super::CycleGanConfig::check)), and the same
/// parameter and memory budget for its four networks.
pub(crate) fn check_cyclegan(config: &super::CycleGanConfig) -> Result<()> {
    let (g, d) = (&config.generator, &config.discriminator);
    IMAGE_SIDE.check_count(g.side)?;
    CHANNELS.check_count(g.filters)?;
    CHANNELS.check_count(d.filters)?;
    if !(1..=3).contains(&g.channels) {
        return Err(Error::Config(format!(
            "a CycleGAN translates images of 1 to 3 channels, not {}",
            g.channels
        )));
    }
    if g.blocks > MAX_RESIDUAL_BLOCKS {
        return Err(Error::Config(format!(
            "a CycleGAN generator has at most {MAX_RESIDUAL_BLOCKS} residual blocks, not {}",
            g.blocks
        )));
    }
    if config.d_updates > MAX_D_UPDATES {
        return Err(Error::Config(format!(
            "at most {MAX_D_UPDATES} D updates per G update, not {}",
            config.d_updates
        )));
    }
    train::optimizer(&config.generator_optimizer, G_LR)?;
    train::optimizer(&config.discriminator_optimizer, D_LR)?;
    BATCH.check_count(config.batch_size)?;
    L1_WEIGHT.check(config.cycle_weight)?;
    config.check()?;
    // Each generator, exactly: the 7×7 stem and output (98 c·f), two 3×3 convolutions down
    // and two up (180 f²), two 3×3 convolutions of 4f per residual block (288 f²), and the
    // biases and instance norms' scales and offsets (30 f, 24 f per block, c). Each
    // discriminator, from above: its 4×4 convolutions, norms and the head.
    let (f, c, blocks) = (g.filters as u64, g.channels as u64, g.blocks as u64);
    let g_values = (180 + 288 * blocks) * f * f + 98 * c * f + (30 + 24 * blocks) * f + c;
    let (df, depth) = (d.filters as u64, d.depth as u64);
    let side = (g.side * g.side) as u64;
    let d_values = 16 * c * df + 16 * (depth - 1) * df * df + df * side + 3 * depth * df + 1;
    let parameters = 2 * (g_values + d_values);
    // Layer outputs per image: G's stay within (2 + blocks) · 2f · side² (full-size stem and
    // head, quarter-size blocks), D's within 2·df·side²/4; a G update runs both generators
    // twice (there and back) and both Ds, a D update both Ds on real and fake.
    let g_outputs = (2 + blocks) * 2 * f * side * c;
    let d_outputs = df * side / 2 + side;
    let per_image = 4 * g_outputs + 4 * d_outputs;
    Budget {
        generator: NetworkShapes::default(),
        discriminator: NetworkShapes::default(),
        parameters,
        memory_bytes: 4 * (5 * parameters + 3 * config.batch_size as u64 * per_image),
    }
    .check()
}
