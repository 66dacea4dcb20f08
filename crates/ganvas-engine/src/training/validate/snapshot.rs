//! A snapshot against its configuration: every tensor's shape, count and values checked
//! before any network is built or any value goes to a device.

use super::Budget;
use crate::error::{Error, Result};
use crate::model::shapes::{NetworkShapes, TensorSpec};
use crate::snapshot::{OptimizerValues, Snapshot, TensorValues};

/// Largest weight magnitude a network may hold: three layers of such weights on inputs of
/// order 1 already overflow `f32`, so a model with larger ones can only produce NaNs.
pub const MAX_ABS_WEIGHT: f32 = 1e12;

/// Checks `snapshot`'s tensors against the shapes `budget` expects.
pub(crate) fn check_snapshot(snapshot: &Snapshot, budget: &Budget) -> Result<()> {
    network(&snapshot.generator, &budget.generator, "the generator")?;
    if let Some(averaged) = &snapshot.averaged_generator {
        network(averaged, &budget.generator, "the averaged generator")?;
    }
    if let Some(discriminator) = &snapshot.discriminator {
        network(discriminator, &budget.discriminator, "the discriminator")?;
    }
    if let Some([g, d]) = &snapshot.optimizers {
        optimizer(g, &budget.generator, "G's optimiser")?;
        optimizer(d, &budget.discriminator, "D's optimiser")?;
    }
    Ok(())
}

fn mismatch(reason: String) -> Error {
    Error::Snapshot(reason)
}

fn count(name: &str, given: usize, expected: usize) -> Result<()> {
    if given == expected {
        Ok(())
    } else {
        Err(mismatch(format!(
            "{name} has {given} tensors; this configuration needs {expected}"
        )))
    }
}

fn tensor(given: &TensorValues, shape: &[usize], name: &str, index: usize) -> Result<()> {
    if given.shape != shape || given.values.len() != shape.iter().product::<usize>() {
        return Err(mismatch(format!(
            "{name}'s tensor {index} has shape {:?} ({} values); this configuration needs {shape:?}",
            given.shape,
            given.values.len()
        )));
    }
    Ok(())
}

fn network(values: &[TensorValues], expected: &NetworkShapes, name: &str) -> Result<()> {
    count(name, values.len(), expected.tensors.len())?;
    for (index, (given, spec)) in values.iter().zip(&expected.tensors).enumerate() {
        tensor(given, &spec.shape, name, index)?;
        if let Some(bad) = given
            .values
            .iter()
            .find(|v| !v.is_finite() || v.abs() > MAX_ABS_WEIGHT)
        {
            return Err(mismatch(format!(
                "{name}'s tensor {index} holds {bad:e}; weights must be finite and at most 1e12 \
                 in size"
            )));
        }
    }
    Ok(())
}

fn optimizer(state: &OptimizerValues, network: &NetworkShapes, name: &str) -> Result<()> {
    let slots = state.kind.slots();
    let trainable: Vec<usize> = network
        .tensors
        .iter()
        .filter(|t| t.trainable)
        .map(TensorSpec::len)
        .collect();
    count(name, state.tensors.len(), trainable.len() * slots)?;
    // Per parameter, `slots` flattened tensors of its size (see `Optimizer::from_state`).
    let expected = trainable
        .iter()
        .flat_map(|&n| std::iter::repeat_n(n, slots));
    for (index, (given, n)) in state.tensors.iter().zip(expected).enumerate() {
        tensor(given, &[n], name, index)?;
        if given.values.iter().any(|v| !v.is_finite()) {
            return Err(mismatch(format!(
                "{name}'s tensor {index} holds values that are not finite"
            )));
        }
    }
    Ok(())
}
