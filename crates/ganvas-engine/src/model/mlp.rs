//! A multilayer perceptron: the generator and discriminator of the 2D and MLP presets.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Initializer, Linear, LinearConfig};
use burn::tensor::{Device, Tensor};

use super::activation::Activation;
use super::conv::zero_bias;
use super::dropout::{DropoutMask, apply_mask};

/// An MLP: `sizes[0]` inputs, one linear layer per consecutive pair of sizes.
#[derive(Config, Debug)]
pub struct MlpConfig {
    /// Layer widths, input first, output last (at least two entries).
    pub sizes: Vec<usize>,
    /// The activation after each hidden layer (one per hidden layer; `sizes.len() − 2`).
    pub hidden: Vec<Activation>,
    /// The activation on the output.
    pub output: Activation,
    /// Dropout probability after each hidden activation (0 disables it).
    #[config(default = 0.0)]
    pub dropout: f64,
    /// Index of the hidden layer whose output is exposed as "features" (e.g. toy D's 2 units).
    #[config(default = "None")]
    pub features_at: Option<usize>,
}

/// The module built by [`MlpConfig::init`].
#[derive(Module, Debug)]
pub struct Mlp {
    /// The linear layers, input to output.
    pub layers: Vec<Linear>,
    /// Activation after each hidden layer.
    #[module(skip)]
    pub hidden: Vec<Activation>,
    /// Output activation.
    #[module(skip)]
    pub output: Activation,
    /// Dropout probability after hidden activations.
    #[module(skip)]
    pub dropout: f64,
    /// Hidden layer exposed as features.
    #[module(skip)]
    pub features_at: Option<usize>,
}

/// What one forward pass produced.
#[derive(Debug, Clone)]
pub struct MlpOutput {
    /// The network's output `[batch, sizes.last]`.
    pub output: Tensor<2>,
    /// The exposed hidden layer, if configured.
    pub features: Option<Tensor<2>>,
}

impl MlpConfig {
    /// Builds the MLP with Glorot-uniform weights and zero biases (the Keras/TF default the
    /// reference tutorials use).
    pub fn init(&self, device: &Device) -> Mlp {
        assert!(
            self.sizes.len() >= 2,
            "an MLP needs an input and an output size"
        );
        assert_eq!(
            self.hidden.len(),
            self.sizes.len() - 2,
            "one activation per hidden layer"
        );
        let layers = self
            .sizes
            .windows(2)
            .map(|pair| {
                let mut layer = LinearConfig::new(pair[0], pair[1])
                    .with_initializer(Initializer::XavierUniform { gain: 1.0 })
                    .init(device);
                layer.bias = zero_bias(layer.bias, device);
                layer
            })
            .collect();
        Mlp {
            layers,
            hidden: self.hidden.clone(),
            output: self.output,
            dropout: self.dropout,
            features_at: self.features_at,
        }
    }
}

/// Per hidden layer, what the explicit input gradient needs again.
struct LayerTrace {
    pre_activation: Tensor<2>,
    mask: Option<DropoutMask<2>>,
}

impl Mlp {
    fn activation(&self, layer: usize) -> Activation {
        self.hidden.get(layer).copied().unwrap_or(self.output)
    }

    /// Runs the network on `x` `[batch, sizes[0]]`; dropout is active only when `train`.
    pub fn forward(&self, x: Tensor<2>, train: bool) -> MlpOutput {
        self.forward_traced(x, train).0
    }

    fn forward_traced(&self, x: Tensor<2>, train: bool) -> (MlpOutput, Vec<LayerTrace>) {
        let last = self.layers.len() - 1;
        let mut h = x;
        let mut features = None;
        let mut trace = Vec::with_capacity(self.layers.len());
        for (index, layer) in self.layers.iter().enumerate() {
            let pre_activation = layer.forward(h);
            h = self.activation(index).apply(pre_activation.clone());
            let mask = if index < last {
                DropoutMask::sample(&h, self.dropout, train)
            } else {
                None
            };
            h = apply_mask(mask.as_ref(), h);
            if self.features_at == Some(index) {
                features = Some(h.clone());
            }
            trace.push(LayerTrace {
                pre_activation,
                mask,
            });
        }
        (
            MlpOutput {
                output: h,
                features,
            },
            trace,
        )
    }

    /// Runs the network and also returns `∂(output · seed)/∂x` `[batch, sizes[0]]`, computed
    /// explicitly with differentiable tensor ops (a hand-written backward pass), so a loss on
    /// the gradient (WGAN-GP's penalty) can itself be differentiated with first-order autodiff.
    ///
    /// `seed` `[batch, sizes.last]` selects the output to differentiate (e.g. ones in column 0
    /// for the real/fake logit). The same dropout masks are used in both directions.
    pub fn forward_with_input_grad(
        &self,
        x: Tensor<2>,
        seed: Tensor<2>,
        train: bool,
    ) -> (MlpOutput, Tensor<2>) {
        let (output, trace) = self.forward_traced(x, train);
        let mut grad = seed; // ∂/∂(output of the current layer)
        for (index, (layer, step)) in self.layers.iter().zip(trace).enumerate().rev() {
            grad = apply_mask(step.mask.as_ref(), grad);
            if let Some(derivative) = self.activation(index).derivative(step.pre_activation) {
                grad = grad * derivative;
            }
            // y = h·W + b with W [d_in, d_out]: ∂/∂h = grad · Wᵀ
            grad = grad.matmul(layer.weight.val().transpose());
        }
        (output, grad)
    }
}
