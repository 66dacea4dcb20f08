//! The averaged generator: an exponential moving average (EMA) of G's weights, kept on the
//! device and updated with tensor ops after every G update (no host reads, so it works on
//! WebGPU).
//!
//! The average of a GAN's generator weights over recent steps gives visibly cleaner samples
//! than the last step's weights (Yazıcı et al. 2019, "The Unusual Effectiveness of Averaging
//! in GAN Training"; Karras et al. use it in every StyleGAN): G oscillates around a good
//! solution and the average sits nearer its centre. Batch-norm running statistics are copied
//! from G, not averaged (as StyleGAN2 copies its buffers): they are already a moving average of
//! G's activations, and the averaged weights change slowly enough that G's statistics fit them.

use std::collections::HashMap;

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::tensor::Tensor;

use super::gan::Gan;
use crate::model::Generator;
use crate::optim::trainable_params;

/// Warm-up of the averaging weight: after `step` steps the decay is at most
/// `(1 + step) / (WARM_UP + step)`, so the average follows G closely at first and does not show
/// the random initial weights for the first thousand steps (TensorFlow's
/// `ExponentialMovingAverage` with `num_updates` does the same, with 10).
pub const WARM_UP: f64 = 10.0;

/// The decay used after `step` training steps for a configured `decay`:
/// `min(decay, (1 + step) / (WARM_UP + step))`, and 0 when `decay` is 0 (averaging off).
pub fn decay_at(decay: f64, step: u64) -> f64 {
    if decay <= 0.0 {
        return 0.0;
    }
    let step = step as f64;
    decay.min((1.0 + step) / (WARM_UP + step))
}

impl Gan {
    /// Whether this GAN keeps an averaged generator (`TrainConfig::ema_decay` > 0).
    pub fn has_averaged_generator(&self) -> bool {
        self.averaged.is_some()
    }

    /// The averaged generator (inference mode, inner device), when kept.
    pub fn averaged_generator(&self) -> Option<&Generator> {
        self.averaged.as_ref()
    }

    /// Chooses which generator samples, quality figures and links show: the averaged one
    /// (`true`, the default; ignored when there is none) or the one being trained.
    pub fn set_show_averaged(&mut self, show: bool) {
        self.show_averaged = show;
    }

    /// Whether samples come from the averaged generator (it exists and is chosen).
    pub fn shows_averaged(&self) -> bool {
        self.show_averaged && self.averaged.is_some()
    }

    /// Moves the averaged generator toward G after one of G's updates:
    /// `avg ← d·avg + (1 − d)·G` with `d = decay_at(ema_decay, step)`; starts it as a copy
    /// of G, and drops it when averaging is switched off.
    pub(crate) fn update_averaged_generator(&mut self) {
        let decay = decay_at(self.config.train.ema_decay, self.step);
        let Some(averaged) = self.averaged.take() else {
            if self.config.train.ema_decay > 0.0 {
                self.averaged = Some(self.generator.net.valid());
            }
            return;
        };
        if self.config.train.ema_decay <= 0.0 {
            return;
        }
        self.averaged = Some(blend(averaged, &self.generator.net, decay));
    }

    /// Keeps or drops the averaged generator to match the configuration (after a change of
    /// training settings or a restore), starting it as a copy of G.
    pub(crate) fn sync_averaged_generator(&mut self) {
        match (self.config.train.ema_decay > 0.0, self.averaged.is_some()) {
            (true, false) => self.averaged = Some(self.generator.net.valid()),
            (false, true) => self.averaged = None,
            _ => {}
        }
    }
}

/// `decay·averaged + (1 − decay)·generator` for trainable parameters; running statistics
/// are copied from `generator`. Both must be the same network (same parameter ids).
pub(crate) fn blend(averaged: Generator, generator: &Generator, decay: f64) -> Generator {
    let trained: Vec<ParamId> = trainable_params(generator)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    // `valid()` syncs running statistics and drops autodiff.
    let mut current = Collect(HashMap::new());
    generator.valid().visit(&mut current);
    let mut mapper = Blend {
        current: current.0,
        trained,
        decay,
    };
    averaged.map(&mut mapper)
}

/// Every float tensor of a module by id, flattened.
struct Collect(HashMap<ParamId, Tensor<1>>);

impl ModuleVisitor for Collect {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val();
        let n = value.shape().num_elements();
        self.0.insert(param.id, value.reshape([n]));
    }
}

struct Blend {
    current: HashMap<ParamId, Tensor<1>>,
    trained: Vec<ParamId>,
    decay: f64,
}

impl ModuleMapper for Blend {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, averaged, mapper) = param.consume();
        let Some(current) = self.current.remove(&id) else {
            return Param::from_mapped_value(id, averaged, mapper);
        };
        let current: Tensor<D> = current.reshape(averaged.shape());
        let value = if self.trained.contains(&id) {
            averaged.mul_scalar(self.decay) + current.mul_scalar(1.0 - self.decay)
        } else {
            current
        };
        Param::from_mapped_value(id, value, mapper)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decay_warms_up_then_holds() {
        assert!(decay_at(0.0, 1_000).abs() < 1e-12);
        assert!((decay_at(0.999, 0) - 0.1).abs() < 1e-12);
        assert!((decay_at(0.999, 90) - 91.0 / 100.0).abs() < 1e-12);
        assert!((decay_at(0.99, 10_000) - 0.99).abs() < 1e-12);
    }
}
