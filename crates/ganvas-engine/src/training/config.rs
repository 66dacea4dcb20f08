//! How a GAN trains: loss, optimisers, batch, update schedule and stabilising tricks.

use burn::config::Config;

use crate::loss::LossKind;
use crate::optim::OptimizerConfig;

/// Stabilising tricks, all off by default. Every field may change between steps.
#[derive(Config, Debug, PartialEq)]
pub struct Tricks {
    /// One-sided label smoothing: D's target for real samples (1 = off, 0.9 is usual).
    #[config(default = 1.0)]
    pub real_label: f64,
    /// Probability of flipping each sample's real/fake label in D's loss.
    #[config(default = 0.0)]
    pub label_flip: f64,
    /// Standard deviation of Gaussian instance noise added to D's inputs at step 0 (in the
    /// standardised units training sees).
    #[config(default = 0.0)]
    pub instance_noise: f64,
    /// Steps over which instance noise decays linearly to zero (0 = never decays).
    #[config(default = 0)]
    pub instance_noise_decay_steps: u64,
    /// Fakes kept from past steps for D to see again (0 = no replay buffer).
    #[config(default = 0)]
    pub replay_capacity: usize,
    /// Share of each fake batch replaced by samples from the replay buffer.
    #[config(default = 0.5)]
    pub replay_share: f64,
}

impl Tricks {
    /// Instance noise σ at `step`.
    pub fn instance_noise_at(&self, step: u64) -> f64 {
        if self.instance_noise <= 0.0 {
            return 0.0;
        }
        if self.instance_noise_decay_steps == 0 {
            return self.instance_noise;
        }
        let remaining = 1.0 - step as f64 / self.instance_noise_decay_steps as f64;
        self.instance_noise * remaining.max(0.0)
    }
}

/// The training schedule and objective.
#[derive(Config, Debug, PartialEq)]
pub struct TrainConfig {
    /// The adversarial loss.
    pub loss: LossKind,
    /// The generator's optimiser.
    pub generator_optimizer: OptimizerConfig,
    /// The discriminator's optimiser.
    pub discriminator_optimizer: OptimizerConfig,
    /// Samples per batch.
    pub batch_size: usize,
    /// Discriminator updates per training step (k).
    #[config(default = 1)]
    pub d_steps: usize,
    /// Generator updates per training step.
    #[config(default = 1)]
    pub g_steps: usize,
    /// WGAN-GP's penalty weight λ.
    #[config(default = 10.0)]
    pub gp_weight: f64,
    /// WGAN weight clipping bound c.
    #[config(default = 0.01)]
    pub clip: f64,
    /// Stabilising tricks.
    #[config(default = "Tricks::new()")]
    pub tricks: Tricks,
    /// Decay of the averaged generator, an exponential moving average of G's weights updated
    /// after every G update (0 = off, the tutorials' setting; 0.99–0.999 is usual). See
    /// [`super::ema`].
    #[config(default = 0.0)]
    pub ema_decay: f64,
}
