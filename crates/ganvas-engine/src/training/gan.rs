//! A GAN being trained: both networks, their optimisers, the data and the random state.

use burn::config::Config;
use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData, Transaction};

use super::config::TrainConfig;
use super::data_source::{DataSource, one_hot};
use super::network::Trained;
use super::replay::ReplayBuffer;
use super::step::StepProgress;
use crate::error::{Error, Result};
use crate::model::{DataShape, Discriminator, DiscriminatorOutput, Generator, ModelConfig};

use crate::rng::Rng;

/// Everything that defines a training run.
#[derive(Config, Debug)]
pub struct GanConfig {
    /// The two networks.
    pub model: ModelConfig,
    /// How they train.
    pub train: TrainConfig,
    /// Seed for initial weights, noise and data sampling.
    #[config(default = 0)]
    pub seed: u64,
}

/// A GAN in training on one device.
#[derive(Debug)]
pub struct Gan {
    pub(crate) config: GanConfig,
    pub(crate) generator: Trained<Generator>,
    pub(crate) discriminator: Trained<Discriminator>,
    /// The averaged generator (inner device), when `ema_decay` > 0 (see [`super::ema`]).
    pub(crate) averaged: Option<Generator>,
    /// Whether samples come from the averaged generator when there is one.
    pub(crate) show_averaged: bool,
    pub(crate) data: DataSource,
    pub(crate) replay: ReplayBuffer,
    pub(crate) rng: Rng,
    pub(crate) device: Device,
    pub(crate) step: u64,
    pub(crate) progress: StepProgress,
}

impl Gan {
    /// Builds fresh networks for `config` on `device` (autodiff is added here) to learn `data`.
    pub fn new(config: GanConfig, data: DataSource, device: &Device) -> Result<Self> {
        validate(&config, &data)?;
        let device = device.clone().autodiff();
        device.seed(config.seed);
        let generator = config.model.init_generator(&device);
        let discriminator = config.model.init_discriminator(&device);
        let rng = Rng::new(config.seed ^ 0x6761_6e76_6173); // "ganvas"
        let averaged = (config.train.ema_decay > 0.0).then(|| generator.valid());
        Ok(Self {
            config,
            generator: Trained::new(generator),
            discriminator: Trained::new(discriminator),
            averaged,
            show_averaged: true,
            data,
            replay: ReplayBuffer::default(),
            rng,
            device,
            step: 0,
            progress: StepProgress::default(),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &GanConfig {
        &self.config
    }

    /// Training steps taken.
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// The training device (with autodiff).
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The real data.
    pub fn data(&self) -> &DataSource {
        &self.data
    }

    /// The generator (on the training device).
    pub fn generator(&self) -> &Generator {
        &self.generator.net
    }

    /// The discriminator (on the training device).
    pub fn discriminator(&self) -> &Discriminator {
        &self.discriminator.net
    }

    /// Trainable parameters of (G, D); batch-norm running statistics are not counted.
    pub fn parameter_counts(&self) -> (usize, usize) {
        (
            self.generator.parameter_count(),
            self.discriminator.parameter_count(),
        )
    }

    /// Changes how training proceeds from the next step on: learning rates, k, loss, tricks.
    /// Optimiser state is kept unless the optimiser kind changes.
    /// The averaged generator starts as a copy of G when averaging is switched on.
    /// Settings outside their ranges, or a batch beyond the memory budget, are refused
    /// ([`GanConfig::validate`]) and change nothing.
    pub fn set_train_config(&mut self, train: TrainConfig) -> Result<()> {
        let candidate = GanConfig {
            model: self.config.model.clone(),
            train,
            seed: self.config.seed,
        };
        candidate.validate()?;
        self.config.train = candidate.train;
        self.sync_averaged_generator();
        Ok(())
    }

    /// Draws G's input for `n` samples: noise, followed by one-hot classes for a conditional
    /// GAN (classes drawn uniformly unless given). Returns the input and the one-hot labels.
    pub fn generator_input(
        &mut self,
        n: usize,
        classes: Option<&[u8]>,
        device: &Device,
    ) -> Result<(Tensor<2>, Option<Tensor<2>>)> {
        let model = &self.config.model;
        let noise = model
            .noise
            .tensor(n, model.noise_dim, &mut self.rng, device);
        if model.classes == 0 {
            return Ok((noise, None));
        }
        let labels: Vec<u8> = match classes {
            Some(given) if given.len() == n => given.to_vec(),
            Some(given) => {
                return Err(Error::Config(format!(
                    "{} classes given for {n} samples",
                    given.len()
                )));
            }
            None => (0..n)
                .map(|_| self.rng.below(model.classes) as u8)
                .collect(),
        };
        let one_hot = one_hot(&labels, model.classes, device)?;
        Ok((Tensor::cat(vec![noise, one_hot.clone()], 1), Some(one_hot)))
    }

    /// The generator that samples are shown from, without autodiff, in inference mode (batch
    /// norm uses running statistics): the averaged generator when there is one and it is
    /// shown ([`Gan::shows_averaged`]), else the one being trained.
    pub fn generator_eval(&self) -> Generator {
        match &self.averaged {
            Some(averaged) if self.show_averaged => averaged.clone(),
            _ => self.generator.net.valid(),
        }
    }

    /// The discriminator without autodiff, in inference mode (no dropout).
    pub fn discriminator_eval(&self) -> Discriminator {
        self.discriminator.net.valid()
    }

    /// Generates `n` samples (inference mode, from the shown generator) from fresh noise; flattened `[n, dim]` in the
    /// units the networks see (standardised 2D, or pixels in [−1, 1]).
    pub fn generate(&mut self, n: usize, classes: Option<&[u8]>) -> Result<Tensor<2>> {
        let device = self.device.clone().inner();
        let (input, _) = self.generator_input(n, classes, &device)?;
        Ok(self.generator_eval().forward(input))
    }

    /// Generates from a given G input `[n, noise (+ classes)]` (inference mode, from the shown
    /// generator).
    pub fn generate_from(&self, input: Tensor<2>) -> Tensor<2> {
        self.generator_eval().forward(input)
    }

    /// D's outputs on samples `[n, dim]` in network units (inference mode).
    pub fn discriminate(&self, x: Tensor<2>) -> DiscriminatorOutput {
        self.discriminator_eval().forward(x, false)
    }

    /// Generates `n` 2D samples and reads them back in original units.
    pub async fn sample_points(&mut self, n: usize) -> Result<Vec<[f32; 2]>> {
        let DataSource::Points { standardizer, .. } = &self.data else {
            return Err(Error::Config("this GAN does not generate 2D points".into()));
        };
        let standardizer = *standardizer;
        let samples = self.generate(n, None)?;
        let values = read_f32(samples).await?;
        Ok(standardizer.inverse_flat(&values))
    }

    /// Generates `n` images (classes optional) and reads them back as pixels in [−1, 1],
    /// row-major `n × side²`.
    pub async fn sample_images(&mut self, n: usize, classes: Option<&[u8]>) -> Result<Vec<f32>> {
        if !matches!(self.data.shape(), DataShape::Image(_)) {
            return Err(Error::Config("this GAN does not generate images".into()));
        }
        let samples = self.generate(n, classes)?;
        read_f32(samples).await
    }
}

/// Reads a tensor's values back asynchronously.
pub async fn read_f32<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>> {
    read_many(vec![tensor])
        .await?
        .pop()
        .ok_or_else(|| Error::Readback("no data".into()))
}

/// Reads several tensors back in one transaction (one round trip to the GPU), in order.
pub async fn read_many<const D: usize>(tensors: Vec<Tensor<D>>) -> Result<Vec<Vec<f32>>> {
    let count = tensors.len();
    let transaction = tensors
        .into_iter()
        .fold(Transaction::default(), Transaction::register);
    let data = transaction.execute_async().await.map_err(Error::from)?;
    if data.len() != count {
        return Err(Error::Readback(format!(
            "asked for {count} tensors, got {}",
            data.len()
        )));
    }
    data.into_iter()
        .map(|values| {
            values
                .try_into_vec::<f32>()
                .map_err(|e| Error::Readback(format!("{e:?}")))
        })
        .collect()
}

/// Uploads host values as a tensor.
pub fn tensor_2d(values: Vec<f32>, shape: [usize; 2], device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(values, shape), device)
}

/// The configuration on its own (see [`GanConfig::validate`]), then against the data.
fn validate(config: &GanConfig, data: &DataSource) -> Result<()> {
    config.validate()?;
    let model = &config.model;
    if model.data != data.shape() {
        return Err(Error::Config(format!(
            "the model expects {:?} samples but the data holds {:?}",
            model.data,
            data.shape()
        )));
    }
    if model.classes > 0 && !data.has_labels() {
        return Err(Error::Config(
            "a conditional GAN needs labelled data".into(),
        ));
    }
    Ok(())
}
