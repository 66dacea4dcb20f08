//! An optimiser for one network, applying [`super::rules`] to every trainable parameter.

use std::collections::HashMap;

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::optim::GradientsParams;
use burn::tensor::Tensor;

use super::config::{OptimizerConfig, OptimizerKind};
use super::rules::{initial_state, update};
use crate::error::{Error, Result};

/// Optimiser state for one network.
#[derive(Debug, Default)]
pub struct Optimizer {
    /// Updates applied so far.
    step: u64,
    /// The rule the state belongs to (state is reset when the rule changes).
    kind: Option<OptimizerKind>,
    /// Flattened state tensors per parameter, on the parameters' inner (non-autodiff) device.
    slots: HashMap<ParamId, Vec<Tensor<1>>>,
}

/// An optimiser's state in parameter order: what snapshots save.
#[derive(Debug, Clone)]
pub struct OptimizerState {
    /// The rule.
    pub kind: OptimizerKind,
    /// Updates applied so far.
    pub step: u64,
    /// `kind.slots()` flattened tensors per trainable parameter, in module order.
    pub tensors: Vec<Tensor<1>>,
}

impl Optimizer {
    /// A fresh optimiser.
    pub fn new() -> Self {
        Self::default()
    }

    /// Updates applied so far.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// Applies one update to `module` from `grads` with the (possibly just changed) settings.
    pub fn step<M: Module>(
        &mut self,
        config: &OptimizerConfig,
        module: M,
        grads: GradientsParams,
    ) -> M {
        if self.kind != Some(config.kind) {
            self.slots.clear();
            self.step = 0;
            self.kind = Some(config.kind);
        }
        self.step += 1;
        let mut mapper = UpdateMapper {
            config,
            step: self.step,
            grads,
            slots: &mut self.slots,
        };
        module.map(&mut mapper)
    }

    /// The state in `module`'s parameter order (fresh state for parameters not yet updated).
    pub fn state<M: Module>(&self, kind: OptimizerKind, module: &M) -> OptimizerState {
        let kind = self.kind.unwrap_or(kind);
        let mut tensors = Vec::new();
        for (id, value) in trainable_params(module) {
            match self.slots.get(&id) {
                Some(slots) => tensors.extend(slots.iter().cloned()),
                None => tensors.extend(initial_state(kind, &value)),
            }
        }
        OptimizerState {
            kind,
            step: if self.kind.is_some() { self.step } else { 0 },
            tensors,
        }
    }

    /// Restores state saved by [`Optimizer::state`] for `module` (which may have new ids).
    pub fn from_state<M: Module>(state: OptimizerState, module: &M) -> Result<Self> {
        let params = trainable_params(module);
        let per_param = state.kind.slots();
        if state.tensors.len() != params.len() * per_param {
            return Err(Error::Snapshot(format!(
                "optimiser state has {} tensors, the network needs {}",
                state.tensors.len(),
                params.len() * per_param
            )));
        }
        let mut tensors = state.tensors.into_iter();
        let mut slots = HashMap::with_capacity(params.len());
        for (id, value) in params {
            let slot: Vec<Tensor<1>> = tensors.by_ref().take(per_param).collect();
            if slot.iter().any(|t| t.dims() != value.dims()) {
                return Err(Error::Snapshot(
                    "optimiser state does not match the network".into(),
                ));
            }
            slots.insert(id, slot);
        }
        Ok(Self {
            step: state.step,
            kind: Some(state.kind),
            slots,
        })
    }
}

/// Trainable parameters (those autodiff tracks; not batch-norm running statistics), in module
/// order, with their flattened values on the inner device.
pub(crate) fn trainable_params<M: Module>(module: &M) -> Vec<(ParamId, Tensor<1>)> {
    struct Collect(Vec<(ParamId, Tensor<1>)>);
    impl ModuleVisitor for Collect {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let value = param.val();
            if value.is_require_grad() {
                let n = value.shape().num_elements();
                self.0.push((param.id, value.inner().reshape([n])));
            }
        }
    }
    let mut collect = Collect(Vec::new());
    module.visit(&mut collect);
    collect.0
}

struct UpdateMapper<'a> {
    config: &'a OptimizerConfig,
    step: u64,
    grads: GradientsParams,
    slots: &'a mut HashMap<ParamId, Vec<Tensor<1>>>,
}

impl ModuleMapper for UpdateMapper<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, tensor, mapper) = param.consume();
        let Some(grad) = self.grads.remove::<D>(id) else {
            return Param::from_mapped_value(id, tensor, mapper);
        };
        let require_grad = tensor.is_require_grad();
        let inner = tensor.inner();
        let shape = inner.shape();
        let n = shape.num_elements();
        let flat = inner.reshape([n]);
        let state = self
            .slots
            .remove(&id)
            .unwrap_or_else(|| initial_state(self.config.kind, &flat));
        let (updated, state) = update(self.config, self.step, flat, grad.reshape([n]), state);
        self.slots.insert(id, state);
        let mut value = Tensor::from_inner(updated.reshape(shape));
        if require_grad {
            value = value.require_grad();
        }
        Param::from_mapped_value(id, value, mapper)
    }
}
