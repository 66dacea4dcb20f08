//! One network in training with its optimiser: the unit every model's schedule updates, saves
//! and loads. A GAN from noise is two of them (G and D), Pix2Pix two (the U-Net and D), a
//! CycleGAN four; what differs between models is only the schedule, which loss updates which
//! network how often.

use burn::module::Module;
use burn::optim::GradientsParams;
use burn::tensor::{Device, Gradients, Tensor};

use crate::error::Result;
use crate::optim::{Optimizer, OptimizerConfig, OptimizerKind, OptimizerState, trainable_params};
use crate::snapshot::{
    OptimizerValues, TensorValues, load_module, module_tensors, optimizer_state,
};

/// A network (on the training device, with autodiff) and its optimiser's state.
#[derive(Debug)]
pub struct Trained<M> {
    /// The network.
    pub net: M,
    optimizer: Optimizer,
}

impl<M: Module> Trained<M> {
    /// A freshly built network with a fresh optimiser.
    pub fn new(net: M) -> Self {
        Self {
            net,
            optimizer: Optimizer::new(),
        }
    }

    /// One step of `rule` downhill on `loss` for this network's parameters; the gradients
    /// `loss` has for other networks are dropped.
    #[allow(clippy::needless_pass_by_value)] // the loss and its graph are used up here
    pub fn update(&mut self, loss: Tensor<1>, rule: &OptimizerConfig) {
        self.update_with(&mut loss.backward(), rule);
    }

    /// One step of `rule` downhill for this network's parameters, on their gradients taken
    /// out of `grads`: one backward pass through a loss that several networks share (CycleGAN's
    /// two generators) updates each of them with its own share.
    pub fn update_with(&mut self, grads: &mut Gradients, rule: &OptimizerConfig) {
        let grads = GradientsParams::from_module(grads, &self.net);
        self.net = self.optimizer.step(rule, self.net.clone(), grads);
    }

    /// Trainable parameters (batch-norm running statistics are not counted).
    pub fn parameter_count(&self) -> usize {
        trainable_params(&self.net)
            .iter()
            .map(|(_, t)| t.dims()[0])
            .sum()
    }

    /// The network's tensors in module order, for a snapshot.
    pub(crate) fn tensors(&self) -> Vec<(Vec<usize>, Tensor<1>)> {
        module_tensors(&self.net)
    }

    /// How many tensors the optimiser's state of rule `kind` has for this network.
    pub(crate) fn optimizer_tensor_count(&self, kind: OptimizerKind) -> usize {
        kind.slots() * trainable_params(&self.net).len()
    }

    /// The optimiser's state in the network's parameter order (fresh state for `kind` before
    /// the first update), for a snapshot.
    pub(crate) fn optimizer_state(&self, kind: OptimizerKind) -> OptimizerState {
        self.optimizer.state(kind, &self.net)
    }

    /// Loads saved weights (and running statistics), checking every tensor against the
    /// network first (`name` says which network in an error); the optimiser is kept.
    pub(crate) fn load(self, values: &[TensorValues], device: &Device, name: &str) -> Result<Self> {
        Ok(Self {
            net: load_module(self.net, values, device, name)?,
            optimizer: self.optimizer,
        })
    }

    /// Loads a saved optimiser state for the network (its tensors checked against the
    /// network's parameters).
    pub(crate) fn load_optimizer(self, values: &OptimizerValues, device: &Device) -> Result<Self> {
        let optimizer =
            Optimizer::from_state(optimizer_state(values, &device.clone().inner()), &self.net)?;
        Ok(Self {
            net: self.net,
            optimizer,
        })
    }
}
