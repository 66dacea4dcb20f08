//! Optimisers whose state is plain tensors in parameter order, so it can be read back
//! asynchronously (on WebGPU) and saved with a model.

pub mod config;
mod optimizer;
mod rules;

pub use config::{OptimizerConfig, OptimizerKind};
pub(crate) use optimizer::trainable_params;
pub use optimizer::{Optimizer, OptimizerState};
