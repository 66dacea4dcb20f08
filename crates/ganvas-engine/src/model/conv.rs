//! Convolutions with TensorFlow's "same" padding, and their explicit input gradients.
//!
//! The reference tutorials are written in Keras, whose "same" padding puts the odd pixel of
//! padding at the bottom/right. Burn takes explicit (possibly asymmetric) padding for
//! convolutions, so we compute TF's split here and reproduce it exactly.

use burn::module::Param;
use burn::nn::Initializer;
use burn::nn::PaddingConfig2d;
use burn::nn::conv::{Conv2d, Conv2dConfig, ConvTranspose2d, ConvTranspose2dConfig};
use burn::tensor::module::conv_transpose2d;
use burn::tensor::ops::ConvTransposeOptions;
use burn::tensor::{Device, Tensor};

/// TF "same" padding for a convolution over `input` pixels: `(before, after)`.
pub fn same_padding(input: usize, kernel: usize, stride: usize) -> (usize, usize) {
    let output = input.div_ceil(stride);
    let total = ((output - 1) * stride + kernel).saturating_sub(input);
    (total / 2, total - total / 2)
}

/// Output size of a "same" convolution.
pub fn same_output(input: usize, stride: usize) -> usize {
    input.div_ceil(stride)
}

/// A square `kernel × kernel` convolution with stride `stride` and "same" padding for
/// `input × input` images, Glorot-uniform weights (Keras's default).
pub fn same_conv(
    channels: [usize; 2],
    kernel: usize,
    stride: usize,
    input: usize,
    bias: bool,
    device: &Device,
) -> Conv2d {
    let (before, after) = same_padding(input, kernel, stride);
    let mut conv = Conv2dConfig::new(channels, [kernel, kernel])
        .with_stride([stride, stride])
        .with_padding(PaddingConfig2d::Explicit(before, before, after, after))
        .with_bias(bias)
        .with_initializer(Initializer::XavierUniform { gain: 1.0 })
        .init(device);
    conv.bias = zero_bias(conv.bias, device);
    conv
}

/// Keras starts biases at zero; Burn draws them from the weight initialiser.
pub fn zero_bias(bias: Option<Param<Tensor<1>>>, device: &Device) -> Option<Param<Tensor<1>>> {
    bias.map(|bias| Param::from_tensor(Tensor::zeros(bias.lazy_shape(), device)))
}

/// The gradient of a "same" convolution's output with respect to its `input × input` input:
/// the adjoint of the convolution, a transposed convolution with the same weights, cropped to
/// the input size. `grad_out`: `[batch, c_out, h_out, w_out]` → `[batch, c_in, input, input]`.
pub fn same_conv_input_grad(conv: &Conv2d, grad_out: Tensor<4>, input: usize) -> Tensor<4> {
    let [_, _, kernel, _] = conv.weight.dims();
    let stride = conv.stride[0];
    let (before, _) = same_padding(input, kernel, stride);
    let [_, _, out, _] = grad_out.dims();
    let full = (out - 1) * stride + kernel - 2 * before;
    let padding_out = input.saturating_sub(full);
    let options = ConvTransposeOptions::new(
        [stride, stride],
        [before, before],
        [padding_out, padding_out],
        [1, 1],
        1,
    );
    // Conv2d weights are [c_out, c_in, k, k]; a transposed convolution reads them as
    // [channels_in = c_out, channels_out = c_in, k, k]: exactly the adjoint.
    let grad = conv_transpose2d(grad_out, conv.weight.val(), None, options);
    grad.narrow(2, 0, input).narrow(3, 0, input)
}

/// A transposed convolution with TF "same" semantics: `input` → `input · stride` pixels.
#[derive(burn::module::Module, Debug)]
pub struct SameConvTranspose {
    /// The transposed convolution (its padding is TF's "before" padding).
    pub conv: ConvTranspose2d,
    /// Output size in pixels.
    #[module(skip)]
    pub output: usize,
}

impl SameConvTranspose {
    /// Builds a `kernel × kernel` transposed convolution with Glorot-uniform weights.
    pub fn new(
        channels: [usize; 2],
        kernel: usize,
        stride: usize,
        input: usize,
        bias: bool,
        device: &Device,
    ) -> Self {
        let output = input * stride;
        // The forward convolution this one transposes maps `output` → `input` with "same".
        let (before, _) = same_padding(output, kernel, stride);
        // Glorot-uniform as Keras computes it for a transposed kernel: fans k²·c_in and k²·c_out.
        let limit = (6.0 / (kernel * kernel * (channels[0] + channels[1])) as f64).sqrt();
        let mut conv = ConvTranspose2dConfig::new(channels, [kernel, kernel])
            .with_stride([stride, stride])
            .with_padding([before, before])
            .with_bias(bias)
            .with_initializer(Initializer::Uniform {
                min: -limit,
                max: limit,
            })
            .init(device);
        conv.bias = zero_bias(conv.bias, device);
        Self { conv, output }
    }

    /// `[batch, c_in, input, input]` → `[batch, c_out, output, output]`.
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        let y = self.conv.forward(x);
        y.narrow(2, 0, self.output).narrow(3, 0, self.output)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_padding_matches_tensorflow() {
        assert_eq!(same_padding(28, 5, 2), (1, 2));
        assert_eq!(same_padding(28, 3, 2), (0, 1));
        assert_eq!(same_padding(7, 3, 2), (1, 1));
        assert_eq!(same_padding(7, 5, 1), (2, 2));
        assert_eq!(same_output(7, 2), 4);
    }
}
