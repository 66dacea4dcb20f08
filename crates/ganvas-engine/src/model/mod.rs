//! Generators and discriminators (MLPs, DCGAN-style convolutional networks, Pix2Pix's U-Net,
//! CycleGAN's ResNet generator and D), and the image classifier the quality metrics use.

pub mod activation;
pub mod classifier;
mod classifier_file;
pub mod conv;
pub mod conv_discriminator;
pub mod conv_generator;
pub mod cycle;
pub mod dropout;
pub mod mlp;
pub mod networks;
pub mod shapes;
pub mod unet;

pub use activation::Activation;
pub use classifier::{Classifier, ClassifierConfig};
pub use conv_discriminator::{ConvDiscriminator, ConvDiscriminatorConfig, DiscriminatorLayout};
pub use conv_generator::{BatchNormSpec, ConvGenerator, ConvGeneratorConfig, UpBlockConfig};
pub use cycle::{
    CycleDiscriminator, CycleDiscriminatorConfig, ResnetGenerator, ResnetGeneratorConfig,
};
pub use mlp::{Mlp, MlpConfig};
pub use networks::{
    DataShape, Discriminator, DiscriminatorConfig, DiscriminatorOutput, Generator, GeneratorConfig,
    ModelConfig, NoiseKind,
};
pub use unet::{UNet, UNetConfig};
