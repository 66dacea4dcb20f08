//! A convolutional discriminator: stride-2 "same" convolutions, then an MLP head, either on
//! the whole last feature map (one verdict per image) or at each of its places (PatchGAN: one
//! verdict per patch of the image).

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
    /// Image channels it reads (1: an image; 2: Pix2Pix's output and input stacked).
    #[module(skip)]
    pub channels_in: usize,
    /// Whether the head judges each place of the last feature map on its own (PatchGAN).
    #[module(skip)]
    pub per_patch: bool,
}

/// What a convolutional D reads and where its head looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiscriminatorLayout {
    /// Image channels read: 1 for one image, 2 for an image with its condition stacked on.
    pub channels_in: usize,
    /// One verdict per place of the last feature map (PatchGAN) instead of one per image:
    /// the head is then a 1×1 convolution, its input size the last convolution's channels.
    pub per_patch: bool,
}

impl DiscriminatorLayout {
    /// One greyscale image in, one verdict out: every noise GAN's D and the Pix2Pix tutorial's.
    pub const IMAGE: DiscriminatorLayout = DiscriminatorLayout {
        channels_in: 1,
        per_patch: false,
    };
}

impl ConvDiscriminatorConfig {
    /// Side of the last feature map.
    pub fn final_side(&self) -> usize {
        self.channels
            .iter()
            .fold(self.image, |side, _| same_output(side, self.stride))
    }

    /// The size the head must take: the flattened last feature map, or (per patch) its
    /// channels.
    pub fn head_input(&self, layout: DiscriminatorLayout) -> usize {
        let last = self.channels.last().copied().unwrap_or(1);
        if layout.per_patch {
            last
        } else {
            last * self.final_side().pow(2)
        }
    }

    /// Builds the discriminator for one greyscale image and one verdict per image.
    pub fn init(&self, device: &Device) -> ConvDiscriminator {
        self.init_with(DiscriminatorLayout::IMAGE, device)
    }

    /// Builds the discriminator for `layout`.
    pub fn init_with(&self, layout: DiscriminatorLayout, device: &Device) -> ConvDiscriminator {
        let mut sides = Vec::with_capacity(self.channels.len());
        let mut convs = Vec::with_capacity(self.channels.len());
        let (mut side, mut channels_in) = (self.image, layout.channels_in);
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
            channels_in: layout.channels_in,
            per_patch: layout.per_patch,
        }
    }
}

struct ConvTrace {
    pre_activation: Tensor<4>,
    mask: Option<DropoutMask<4>>,
}

impl ConvDiscriminator {
    /// The last feature map `[batch, c, s, s]` and what the input gradient needs.
    fn features(&self, x: Tensor<2>, train: bool) -> (Tensor<4>, Vec<ConvTrace>) {
        let [batch, pixels] = x.dims();
        let side = self.sides[0];
        debug_assert_eq!(pixels, self.channels_in * side * side);
        let mut h = x.reshape([batch, self.channels_in, side, side]); // [batch, 1, 28, 28]
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
        (h, trace)
    }

    /// D's outputs on flattened images `[batch, channels_in · side²]` (channel-major): `[batch,
    /// head outputs]`, or per patch `[batch, s²]` (one logit per place of the `s × s` last
    /// feature map, row-major).
    pub fn forward(&self, x: Tensor<2>, train: bool) -> Tensor<2> {
        let (h, _) = self.features(x, train);
        if !self.per_patch {
            return self.head.forward(h.flatten(1, 3), train).output; // [batch, c · s · s]
        }
        let [batch, channels, side, _] = h.dims();
        // The head at every place: a 1×1 convolution. [batch · s · s, c]
        let places = h
            .permute([0, 2, 3, 1])
            .reshape([batch * side * side, channels]);
        let out = self.head.forward(places, train).output; // [batch · s · s, 1]
        out.reshape([batch, side * side])
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
        debug_assert!(
            !self.per_patch,
            "the input gradient is for one verdict per image"
        );
        let (h, trace) = self.features(x, train);
        let (out, grad_flat) = self
            .head
            .forward_with_input_grad(h.flatten(1, 3), seed, train);
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
