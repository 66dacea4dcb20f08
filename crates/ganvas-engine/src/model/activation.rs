//! Element-wise activations, with the derivatives the explicit input gradient needs.

use burn::config::Config;
use burn::tensor::Tensor;
use burn::tensor::activation::{leaky_relu, relu, sigmoid};

/// An element-wise nonlinearity.
#[derive(Config, Debug, Copy, PartialEq)]
pub enum Activation {
    /// `max(x, 0)`.
    Relu,
    /// `x` for `x > 0`, `slope · x` otherwise.
    LeakyRelu(f64),
    /// `tanh(x)`.
    Tanh,
    /// `1 / (1 + e⁻ˣ)`.
    Sigmoid,
    /// The identity.
    Linear,
}

impl Activation {
    /// A short, stable name for menus and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::LeakyRelu(_) => "leaky-relu",
            Activation::Tanh => "tanh",
            Activation::Sigmoid => "sigmoid",
            Activation::Linear => "linear",
        }
    }

    /// Parses [`Activation::name`]; leaky ReLU gets slope 0.2.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "relu" => Activation::Relu,
            "leaky-relu" => Activation::LeakyRelu(0.2),
            "tanh" => Activation::Tanh,
            "sigmoid" => Activation::Sigmoid,
            "linear" => Activation::Linear,
            _ => return None,
        })
    }

    /// Applies the activation.
    pub fn apply<const D: usize>(self, x: Tensor<D>) -> Tensor<D> {
        match self {
            Activation::Relu => relu(x),
            Activation::LeakyRelu(slope) => leaky_relu(x, slope),
            Activation::Tanh => x.tanh(),
            Activation::Sigmoid => sigmoid(x),
            Activation::Linear => x,
        }
    }

    /// The derivative at the pre-activation `x`, as a differentiable expression where the
    /// derivative is smooth (tanh, sigmoid) and a constant mask where it is piecewise constant.
    /// Returns `None` for the identity (derivative 1 everywhere).
    pub fn derivative<const D: usize>(self, x: Tensor<D>) -> Option<Tensor<D>> {
        match self {
            Activation::Relu => {
                let positive = x.clone().greater_elem(0.0);
                Some(x.zeros_like().detach().mask_fill(positive, 1.0))
            }
            Activation::LeakyRelu(slope) => {
                let positive = x.clone().greater_elem(0.0);
                Some(
                    x.ones_like()
                        .detach()
                        .mul_scalar(slope)
                        .mask_fill(positive, 1.0),
                )
            }
            Activation::Tanh => Some(x.tanh().square().neg().add_scalar(1.0)),
            Activation::Sigmoid => {
                let s = sigmoid(x);
                Some(s.clone() * s.neg().add_scalar(1.0))
            }
            Activation::Linear => None,
        }
    }
}
