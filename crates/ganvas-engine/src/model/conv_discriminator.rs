//! A convolutional discriminator: stride-2 "same" convolutions, then an MLP head.

use burn::config::Config;
use burn::module::Module;
use burn::nn::conv::Conv2d;
use burn::tensor::{Device, Tensor};

use super::activation::Activation;
use super::conv::{same_conv, same_conv_input_grad, same_output};
use super::dropout::{DropoutMask, apply_mask};
use super::mlp::{Mlp, MlpConfig};

/// A stack of convolutions on square greyscale images followed by a dense head.
#[derive(Config, Debug)]
pub struct ConvDiscriminatorConfig {
    /// Image side in pixels (28 for MNIST).
    pub image: usize,
    /// Output channels of each convolution.
    pub channels: Vec<usize>,
    /// Square kernel size.
    pub kernel: usize,
    /// Stride of every convolution.
    pub stride: usize,
    /// Activation after each convolution.
    pub activation: Activation,
    /// Dropout after each convolution's activation.
    pub dropout: f64,
    /// The dense head; its input size must be `channels.last · side²` after the convolutions.
    pub head: MlpConfig,
}

/// The module built by [`ConvDiscriminatorConfig::init`].
#[derive(Module, Debug)]
pub struct ConvDiscriminator {
    /// The convolutions, input first.
    pub convs: Vec<Conv2d>,
    /// The dense head.
    pub head: Mlp,
    /// Input side of each convolution.
    #[module(skip)]
    pub sides: Vec<usize>,
    /// Activation after each convolution.
    #[module(skip)]
    pub activation: Activation,
    /// Dropout after each convolution.
    #[module(skip)]
    pub dropout: f64,
}

impl ConvDiscriminatorConfig {
    /// Side of the last feature map.
    pub fn final_side(&self) -> usize {
        self.channels
            .iter()
            .fold(self.image, |side, _| same_output(side, self.stride))
    }

    /// Builds the discriminator.
    pub fn init(&self, device: &Device) -> ConvDiscriminator {
        let mut sides = Vec::with_capacity(self.channels.len());
        let mut convs = Vec::with_capacity(self.channels.len());
        let (mut side, mut channels_in) = (self.image, 1);
        for &channels_out in &self.channels {
            sides.push(side);
            convs.push(same_conv(
                [channels_in, channels_out],
                self.kernel,
                self.stride,
                side,
                true,
                device,
            ));
            side = same_output(side, self.stride);
            channels_in = channels_out;
        }
        ConvDiscriminator {
            convs,
            head: self.head.init(device),
            sides,
            activation: self.activation,
            dropout: self.dropout,
        }
    }
}

struct ConvTrace {
    pre_activation: Tensor<4>,
    mask: Option<DropoutMask<4>>,
}

impl ConvDiscriminator {
    fn features(&self, x: Tensor<2>, train: bool) -> (Tensor<2>, Vec<ConvTrace>) {
        let [batch, pixels] = x.dims();
        let side = self.sides[0];
        debug_assert_eq!(pixels, side * side);
        let mut h = x.reshape([batch, 1, side, side]); // [batch, 1, 28, 28]
        let mut trace = Vec::with_capacity(self.convs.len());
        for conv in &self.convs {
            let pre_activation = conv.forward(h);
            h = self.activation.apply(pre_activation.clone());
            let mask = DropoutMask::sample(&h, self.dropout, train);
            h = apply_mask(mask.as_ref(), h);
            trace.push(ConvTrace {
                pre_activation,
                mask,
            });
        }
        (h.flatten(1, 3), trace) // [batch, c · side · side]
    }

    /// D's outputs `[batch, head outputs]` on flattened images `[batch, side²]`.
    pub fn forward(&self, x: Tensor<2>, train: bool) -> Tensor<2> {
        let (flat, _) = self.features(x, train);
        self.head.forward(flat, train).output
    }

    /// D's outputs and `∂(output · seed)/∂x` `[batch, side²]`, explicitly (see
    /// [`Mlp::forward_with_input_grad`]): the head's gradient, then each convolution's
    /// adjoint (a transposed convolution with the same weights), with the same dropout masks.
    pub fn forward_with_input_grad(
        &self,
        x: Tensor<2>,
        seed: Tensor<2>,
        train: bool,
    ) -> (Tensor<2>, Tensor<2>) {
        let [batch, pixels] = x.dims();
        let (flat, trace) = self.features(x, train);
        let (out, grad_flat) = self.head.forward_with_input_grad(flat, seed, train);
        let last = trace.last().expect("a conv discriminator has convolutions");
        let mut grad = grad_flat.reshape(last.pre_activation.dims()); // [batch, c, s, s]
        for ((conv, step), &side) in self.convs.iter().zip(trace).zip(&self.sides).rev() {
            grad = apply_mask(step.mask.as_ref(), grad);
            if let Some(derivative) = self.activation.derivative(step.pre_activation) {
                grad = grad * derivative;
            }
            grad = same_conv_input_grad(conv, grad, side);
        }
        (out.output, grad.reshape([batch, pixels]))
    }
}
