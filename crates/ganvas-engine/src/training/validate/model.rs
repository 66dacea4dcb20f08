//! The networks: every size within bounds, and each layer fitting the next, the noise and the
//! data, so that no shape can fail (or divide by zero) once training starts.

use crate::error::{Error, Result};
use crate::model::{
    Activation, BatchNormSpec, ConvDiscriminatorConfig, ConvGeneratorConfig, DataShape,
    DiscriminatorConfig, DiscriminatorLayout, GeneratorConfig, MlpConfig, ModelConfig,
};
use crate::training::limits::{
    BN_EPSILON, BN_MOMENTUM, CHANNELS, CLASSES, CONV_LAYERS, DROPOUT, IMAGE_SIDE, KERNEL,
    LATENT_DIM, LEAKY_SLOPE, MLP_LAYERS, MLP_SIZE, NOISE_DIM, START_SIDE, STRIDE,
};

fn refuse<T>(reason: String) -> Result<T> {
    Err(Error::Config(reason))
}

pub(super) fn check(model: &ModelConfig) -> Result<()> {
    let side = match model.data {
        DataShape::Points2d => {
            NOISE_DIM.check_count(model.noise_dim)?;
            None
        }
        DataShape::Image(side) => {
            IMAGE_SIDE.check_count(side)?;
            LATENT_DIM.check_count(model.noise_dim)?;
            Some(side)
        }
    };
    CLASSES.check_count(model.classes)?;
    let input = model.noise_dim + model.classes;
    let data = model.data.dim();
    match &model.generator {
        GeneratorConfig::Mlp(mlp) => mlp_ends(mlp, "G", input, data)?,
        GeneratorConfig::Conv(conv) => {
            let Some(side) = side else {
                return refuse("a convolutional generator makes images, not 2D points".into());
            };
            conv_generator(conv, input, side)?;
        }
    }
    let outputs = 1 + model.classes;
    match &model.discriminator {
        DiscriminatorConfig::Mlp(mlp) => mlp_ends(mlp, "D", data, outputs),
        DiscriminatorConfig::Conv(conv) => {
            let Some(side) = side else {
                return refuse("a convolutional discriminator reads images, not 2D points".into());
            };
            conv_discriminator(conv, side, outputs, DiscriminatorLayout::IMAGE)
        }
    }
}

pub(super) fn activation(activation: Activation) -> Result<()> {
    match activation {
        Activation::LeakyRelu(slope) => LEAKY_SLOPE.check(slope),
        _ => Ok(()),
    }
}

pub(super) fn batch_norm(spec: Option<BatchNormSpec>) -> Result<()> {
    let Some(spec) = spec else { return Ok(()) };
    BN_MOMENTUM.check(spec.keras_momentum)?;
    BN_EPSILON.check(spec.epsilon)
}

/// An MLP named `name` whose first size must be `input` and last `output`.
fn mlp_ends(mlp: &MlpConfig, name: &str, input: usize, output: usize) -> Result<()> {
    if mlp.sizes.len() < 2 {
        return refuse(format!(
            "{name} has {} layer sizes; an MLP needs at least an input and an output",
            mlp.sizes.len()
        ));
    }
    MLP_LAYERS.check_count(mlp.sizes.len() - 1)?;
    for &size in &mlp.sizes {
        MLP_SIZE.check_count(size)?;
    }
    if mlp.hidden.len() != mlp.sizes.len() - 2 {
        return refuse(format!(
            "{name} has {} hidden activations for {} hidden layers",
            mlp.hidden.len(),
            mlp.sizes.len() - 2
        ));
    }
    for &hidden in &mlp.hidden {
        activation(hidden)?;
    }
    activation(mlp.output)?;
    DROPOUT.check(mlp.dropout)?;
    if let Some(at) = mlp.features_at
        && at + 1 >= mlp.sizes.len()
    {
        return refuse(format!(
            "{name} shows the features of layer {at}, which it lacks"
        ));
    }
    let (first, last) = (mlp.sizes[0], mlp.sizes[mlp.sizes.len() - 1]);
    if first != input || last != output {
        return refuse(format!(
            "{name} maps {first} values to {last}; this model needs {input} to {output}"
        ));
    }
    Ok(())
}

fn conv_generator(conv: &ConvGeneratorConfig, input: usize, side: usize) -> Result<()> {
    if conv.input != input {
        return refuse(format!(
            "G reads {} values; this model's noise and classes are {input}",
            conv.input
        ));
    }
    CHANNELS.check_count(conv.start_channels)?;
    START_SIDE.check_count(conv.start_side)?;
    CONV_LAYERS.check_count(conv.blocks.len())?;
    batch_norm(conv.dense_batch_norm)?;
    activation(conv.dense_activation)?;
    let (mut made, mut channels) = (conv.start_side, conv.start_channels);
    for block in &conv.blocks {
        CHANNELS.check_count(block.channels)?;
        KERNEL.check_count(block.kernel)?;
        STRIDE.check_count(block.stride)?;
        batch_norm(block.batch_norm)?;
        activation(block.activation)?;
        made = made.saturating_mul(block.stride);
        channels = block.channels;
    }
    if made != side || channels != 1 {
        return refuse(format!(
            "G makes {channels}-channel images of side {made}; the data is 1-channel, side {side}"
        ));
    }
    Ok(())
}

pub(super) fn conv_discriminator(
    conv: &ConvDiscriminatorConfig,
    side: usize,
    outputs: usize,
    layout: DiscriminatorLayout,
) -> Result<()> {
    if conv.image != side {
        return refuse(format!(
            "D reads images of side {}; the data's side is {side}",
            conv.image
        ));
    }
    if conv.channels.is_empty() {
        return refuse("a convolutional D needs at least one convolution".into());
    }
    CONV_LAYERS.check_count(conv.channels.len())?;
    for &channels in &conv.channels {
        CHANNELS.check_count(channels)?;
    }
    KERNEL.check_count(conv.kernel)?;
    STRIDE.check_count(conv.stride)?;
    activation(conv.activation)?;
    DROPOUT.check(conv.dropout)?;
    mlp_ends(&conv.head, "D's head", conv.head_input(layout), outputs)
}
