//! Training statistics kept on the device and read back in one transfer.

use burn::tensor::Tensor;
use serde::{Deserialize, Serialize};

use super::gan::read_f32;

use crate::error::{Error, Result};

/// Number of values in a [`StepStats`] tensor.
pub const STAT_COUNT: usize = 11;

/// One step's statistics as a device tensor `[STAT_COUNT]`; reading it is the caller's choice.
#[derive(Debug, Clone)]
pub struct StepStats(pub Tensor<1>);

/// Statistics read back to the host.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct StepValues {
    /// D's loss (penalties and class terms included).
    pub d_loss: f32,
    /// G's loss.
    pub g_loss: f32,
    /// Mean D(x) on real samples: a probability for the cross-entropy losses, a raw score
    /// otherwise.
    pub d_real: f32,
    /// Mean D(G(z)), in the same units.
    pub d_fake: f32,
    /// Mean raw score on real minus on fake: the critic's estimate of the Wasserstein distance.
    pub critic_gap: f32,
    /// WGAN-GP's penalty term (0 for other losses).
    pub gradient_penalty: f32,
    /// Share of real samples whose class D names correctly (conditional GANs; 0 otherwise).
    pub class_accuracy: f32,
    /// Pix2Pix's L1 term before its weight: the per-image pixel sum of |target − output|,
    /// averaged over the batch (0 for noise GANs).
    #[serde(default)]
    pub l1: f32,
    /// CycleGAN: D_A's loss, the part of `d_loss` D_A gives (D_B's is the rest; 0 for the
    /// other models).
    #[serde(default)]
    pub d_loss_a: f32,
    /// CycleGAN: G's adversarial term (A → B, judged by D_B), part of `g_loss` (0 otherwise).
    #[serde(default)]
    pub adversarial_a2b: f32,
    /// CycleGAN: F's adversarial term (B → A, judged by D_A), part of `g_loss` (0 otherwise).
    #[serde(default)]
    pub adversarial_b2a: f32,
}

impl StepValues {
    fn from_slice(values: &[f32]) -> Result<Self> {
        let [
            d_loss,
            g_loss,
            d_real,
            d_fake,
            critic_gap,
            gradient_penalty,
            class_accuracy,
            l1,
            d_loss_a,
            adversarial_a2b,
            adversarial_b2a,
        ] = <[f32; STAT_COUNT]>::try_from(values)
            .map_err(|_| Error::Readback(format!("expected {STAT_COUNT} statistics")))?;
        Ok(Self {
            d_loss,
            g_loss,
            d_real,
            d_fake,
            critic_gap,
            gradient_penalty,
            class_accuracy,
            l1,
            d_loss_a,
            adversarial_a2b,
            adversarial_b2a,
        })
    }

    /// Whether every value is finite.
    pub fn is_finite(&self) -> bool {
        [
            self.d_loss,
            self.g_loss,
            self.d_real,
            self.d_fake,
            self.critic_gap,
            self.gradient_penalty,
            self.class_accuracy,
            self.l1,
            self.d_loss_a,
            self.adversarial_a2b,
            self.adversarial_b2a,
        ]
        .iter()
        .all(|v| v.is_finite())
    }
}

/// Sums step statistics on the device so that many steps cost one readback.
#[derive(Debug, Default, Clone)]
pub struct StatsAccumulator {
    sum: Option<Tensor<1>>,
    count: usize,
}

impl StatsAccumulator {
    /// Adds one step.
    pub fn push(&mut self, stats: StepStats) {
        self.sum = Some(match self.sum.take() {
            Some(sum) => sum + stats.0,
            None => stats.0,
        });
        self.count += 1;
    }

    /// Steps added since the last read.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Reads the mean of the steps added so far in one asynchronous transfer, and resets.
    /// Returns `None` when no step was added.
    pub async fn read_mean(&mut self) -> Result<Option<StepValues>> {
        let Some(sum) = self.sum.take() else {
            return Ok(None);
        };
        let count = std::mem::take(&mut self.count);
        let mean = sum.div_scalar(count as f64);
        let values = read_f32(mean).await?;
        StepValues::from_slice(&values).map(Some)
    }
}

impl StepStats {
    /// The statistics from their first slots in [`StepValues`]' order (each `[1]`, on one
    /// device); the slots not given are 0.
    pub fn from_slots(mut slots: Vec<Tensor<1>>) -> Self {
        if let Some(first) = slots.first() {
            let zero = first.zeros_like();
            slots.resize(STAT_COUNT, zero);
        }
        StepStats(Tensor::cat(slots, 0))
    }

    /// Reads this step's statistics asynchronously.
    pub async fn read(self) -> Result<StepValues> {
        let mut acc = StatsAccumulator::default();
        acc.push(self);
        acc.read_mean()
            .await?
            .ok_or_else(|| Error::Readback("no statistics".into()))
    }
}
