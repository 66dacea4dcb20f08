//! Dropout whose mask is kept, so the explicit input gradient can reuse it.

use burn::tensor::{Distribution, Tensor};

/// A sampled dropout mask, already scaled by `1 / (1 − p)` (inverted dropout).
#[derive(Clone, Debug)]
pub struct DropoutMask<const D: usize>(Tensor<D>);

impl<const D: usize> DropoutMask<D> {
    /// Samples a mask shaped like `like` when `train` and `p > 0`; `None` otherwise.
    pub fn sample(like: &Tensor<D>, p: f64, train: bool) -> Option<Self> {
        if !train || p <= 0.0 {
            return None;
        }
        let keep = 1.0 - p;
        let mask = like.random_like(Distribution::Bernoulli(keep)).detach();
        Some(Self(mask.mul_scalar(1.0 / keep)))
    }

    /// Multiplies `x` by the mask.
    pub fn apply(&self, x: Tensor<D>) -> Tensor<D> {
        x * self.0.clone()
    }
}

/// Applies an optional mask.
pub fn apply_mask<const D: usize>(mask: Option<&DropoutMask<D>>, x: Tensor<D>) -> Tensor<D> {
    match mask {
        Some(mask) => mask.apply(x),
        None => x,
    }
}
