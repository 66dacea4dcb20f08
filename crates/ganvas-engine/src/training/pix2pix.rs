//! Pix2Pix in training: a U-Net G that turns an input image into an output image, a D that
//! judges outputs, and the tutorial's schedule (one D update on half batches, then one G
//! update with the L1 term), on paired images resident on the device.
//!
//! The schedule is the tutorial's section "Conditional GAN (Pix2Pix)":
//! - D, by SGD with momentum: `−(mean log D(x) + mean log(1 − D(G(y))))` on half a batch of
//!   real targets `x` and the outputs `G(y)` for the same pairs' inputs, logs clipped at
//!   [`PIX2PIX_LOG_FLOOR`](crate::loss::PIX2PIX_LOG_FLOOR). G runs untracked here (no graph
//!   through it) and D scores both halves in one forward pass (it has no batch norm).
//! - G, by Adam: `mean(−log D(G(y))) + λ·L1` on a whole batch, L1 the per-image pixel sum of
//!   `|x − G(y)|` averaged over the batch ([`crate::loss::pix2pix_generator`]); D runs in
//!   training mode (its dropout on), as Keras's combined model runs it, and is not updated.
//!
//! D sees only the output image, as in the tutorial.

use burn::config::Config;
use burn::module::Module;
use burn::optim::GradientsParams;
use burn::tensor::activation::sigmoid;
use burn::tensor::{Device, Int, Tensor, TensorData};

use super::gan::tensor_2d;
use super::stats::StepStats;
use super::step::untracked;
use crate::data::ImagePairs;
use crate::error::{Error, Result};
use crate::loss::{pix2pix_discriminator, pix2pix_generator};
use crate::model::activation::Activation;
use crate::model::mlp::MlpConfig;
use crate::model::{ConvDiscriminator, ConvDiscriminatorConfig, UNet, UNetConfig};
use crate::optim::{Optimizer, OptimizerConfig};
use crate::rng::Rng;
use crate::snapshot::{
    OptimizerValues, PIX2PIX, Snapshot, SnapshotParts, load_module, module_tensors,
    optimizer_state, read_parts,
};

/// Everything that defines a Pix2Pix run.
#[derive(Config, Debug)]
pub struct Pix2PixConfig {
    /// The U-Net generator.
    pub generator: UNetConfig,
    /// The discriminator, on output images.
    pub discriminator: ConvDiscriminatorConfig,
    /// G's optimiser.
    pub generator_optimizer: OptimizerConfig,
    /// D's optimiser.
    pub discriminator_optimizer: OptimizerConfig,
    /// Pairs per G update; D's update sees half as many real and half as many generated.
    pub batch_size: usize,
    /// λ, the weight of the L1 term in G's loss.
    pub l1_weight: f64,
    /// Seed for initial weights, dropout and pair sampling.
    #[config(default = 0)]
    pub seed: u64,
}

impl Pix2PixConfig {
    /// The tutorial's Pix2Pix on 32×32 greyscale pairs (28×28 padded by 2): G
    /// [`UNetConfig::pix2pix`], D four 3×3 stride-2 convolutions of 64 with leaky ReLU 0.1, then
    /// dense 128, leaky ReLU 0.1, dropout 0.5 and one logit; D by SGD (1e-3, momentum 0.9), G by
    /// Adam (2e-4, β1 0.5), batch 16, λ = 10.
    pub fn tutorial() -> Self {
        let leaky = Activation::LeakyRelu(0.1);
        let head = MlpConfig::new(vec![64 * 2 * 2, 128, 1], vec![leaky], Activation::Linear)
            .with_dropout(0.5);
        Pix2PixConfig::new(
            UNetConfig::pix2pix(1, 1),
            ConvDiscriminatorConfig::new(32, vec![64; 4], 3, 2, leaky, 0.0, head),
            OptimizerConfig::adam(2e-4).with_beta1(0.5),
            OptimizerConfig::sgd(1e-3, 0.9),
            16,
            10.0,
        )
    }

    /// Whether the parts fit each other: the U-Net's sizes, one greyscale channel in and out
    /// (D sees one channel), D on the U-Net's image side, and a batch of at least 2.
    pub fn check(&self) -> Result<()> {
        self.generator.check().map_err(Error::Config)?;
        if self.generator.channels_in != 1 || self.generator.channels_out != 1 {
            return Err(Error::Config(
                "Pix2Pix here maps greyscale images to greyscale images".into(),
            ));
        }
        if self.discriminator.image != self.generator.side {
            return Err(Error::Config(format!(
                "D sees {0}×{0} images but G makes {1}×{1}",
                self.discriminator.image, self.generator.side
            )));
        }
        let side = self.discriminator.final_side();
        let flat = self.discriminator.channels.last().copied().unwrap_or(1) * side * side;
        if self.discriminator.head.sizes.first() != Some(&flat)
            || self.discriminator.head.sizes.last() != Some(&1)
        {
            return Err(Error::Config(format!(
                "D's head must take {flat} features and give one logit"
            )));
        }
        if self.batch_size < 2 {
            return Err(Error::Config(
                "Pix2Pix needs a batch of at least 2 (D sees half real, half generated)".into(),
            ));
        }
        if !(self.l1_weight.is_finite() && self.l1_weight >= 0.0) {
            return Err(Error::Config("λ must be a finite weight ≥ 0".into()));
        }
        Ok(())
    }
}

/// Pairs uploaded to the device once, indexed there.
#[derive(Debug, Clone)]
struct DevicePairs {
    /// Inputs in [−1, 1] `[len, side²]`.
    inputs: Tensor<2>,
    /// Targets in [−1, 1] `[len, side²]`.
    targets: Tensor<2>,
    len: usize,
}

/// A Pix2Pix GAN in training on one device.
#[derive(Debug)]
pub struct Pix2Pix {
    config: Pix2PixConfig,
    generator: UNet,
    discriminator: ConvDiscriminator,
    g_optimizer: Optimizer,
    d_optimizer: Optimizer,
    data: DevicePairs,
    rng: Rng,
    device: Device,
    step: u64,
}

impl Pix2Pix {
    /// Builds fresh networks for `config` on `device` (autodiff is added here) to learn the
    /// pairs, which must be of the U-Net's side.
    pub fn new(config: Pix2PixConfig, pairs: &ImagePairs, device: &Device) -> Result<Self> {
        config.check()?;
        let side = config.generator.side;
        if (pairs.inputs.rows, pairs.inputs.cols) != (side, side) {
            return Err(Error::ShapeMismatch(format!(
                "Pix2Pix on {side}×{side} images got pairs of {}×{}",
                pairs.inputs.rows, pairs.inputs.cols
            )));
        }
        if pairs.is_empty() {
            return Err(Error::EmptyDataset);
        }
        let device = device.clone().autodiff();
        device.seed(config.seed);
        let all: Vec<usize> = (0..pairs.len()).collect();
        let upload = |set: &crate::data::ImageSet| {
            tensor_2d(set.batch(&all).0, [set.len, set.pixels()], &device)
        };
        let data = DevicePairs {
            inputs: upload(&pairs.inputs),
            targets: upload(&pairs.targets),
            len: pairs.len(),
        };
        Ok(Self {
            generator: config.generator.init(&device),
            discriminator: config.discriminator.init(&device),
            g_optimizer: Optimizer::new(),
            d_optimizer: Optimizer::new(),
            data,
            rng: Rng::new(config.seed ^ 0x0070_6978_3270_6978), // "pix2pix"
            device,
            step: 0,
            config,
        })
    }

    /// The device it trains on (with autodiff).
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The configuration.
    pub fn config(&self) -> &Pix2PixConfig {
        &self.config
    }

    /// Training steps taken (one D and one G update each).
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// The generator (on the training device).
    pub fn generator(&self) -> &UNet {
        &self.generator
    }

    /// The discriminator (on the training device).
    pub fn discriminator(&self) -> &ConvDiscriminator {
        &self.discriminator
    }

    /// Trainable parameters of (G, D); batch-norm running statistics are not counted.
    pub fn parameter_counts(&self) -> (usize, usize) {
        let count = |params: Vec<(burn::module::ParamId, Tensor<1>)>| -> usize {
            params.iter().map(|(_, t)| t.dims()[0]).sum()
        };
        (
            count(crate::optim::trainable_params(&self.generator)),
            count(crate::optim::trainable_params(&self.discriminator)),
        )
    }

    /// A batch of `n` random pairs: (inputs, targets).
    fn batch(&mut self, n: usize) -> (Tensor<2>, Tensor<2>) {
        let indices: Vec<i64> = (0..n)
            .map(|_| self.rng.below(self.data.len) as i64)
            .collect();
        let indices = Tensor::<1, Int>::from_data(TensorData::new(indices, [n]), &self.device);
        (
            self.data.inputs.clone().select(0, indices.clone()),
            self.data.targets.clone().select(0, indices),
        )
    }

    /// One step: D's update, then G's. Returns the statistics without reading them back: the
    /// losses, D's mean probabilities on real targets and on outputs, and the L1 term
    /// ([`StepValues::l1`](super::StepValues::l1)); the noise GANs' other slots are 0.
    pub fn train_step(&mut self) -> StepStats {
        let batch = self.config.batch_size;
        let half = batch / 2;

        // D: half a batch of real targets and the outputs for the same pairs' inputs.
        let (inputs, targets) = self.batch(half);
        let outputs = untracked(&self.generator).forward(inputs, true).detach();
        let logits = self
            .discriminator
            .forward(Tensor::cat(vec![targets, outputs], 0), true);
        let real = logits.clone().slice([0..half, 0..1]);
        let fake = logits.slice([half..2 * half, 0..1]);
        let d_loss = pix2pix_discriminator(real.clone(), fake.clone());
        let d_real = sigmoid(real.detach()).mean();
        let d_fake = sigmoid(fake.detach()).mean();
        let grads = GradientsParams::from_grads(d_loss.backward(), &self.discriminator);
        self.discriminator = self.d_optimizer.step(
            &self.config.discriminator_optimizer,
            self.discriminator.clone(),
            grads,
        );

        // G: a whole batch, judged by the updated D.
        let (inputs, targets) = self.batch(batch);
        let outputs = self.generator.forward(inputs, true);
        let judged = self.discriminator.forward(outputs.clone(), true);
        let (g_loss, l1) = pix2pix_generator(judged, outputs, targets, self.config.l1_weight);
        let zero = d_real.zeros_like();
        let stats = Tensor::cat(
            vec![
                d_loss.detach(),
                g_loss.clone().detach(),
                d_real,
                d_fake,
                zero.clone(),
                zero.clone(),
                zero,
                l1.detach(),
            ],
            0,
        );
        let grads = GradientsParams::from_grads(g_loss.backward(), &self.generator);
        self.generator = self.g_optimizer.step(
            &self.config.generator_optimizer,
            self.generator.clone(),
            grads,
        );
        self.step += 1;
        StepStats(stats)
    }

    /// D's probability that each image `[n, side²]` (on the device without autodiff, as
    /// [`Pix2Pix::translate`] returns them) is a real target; dropout off.
    pub fn judge(&self, images: Tensor<2>) -> Tensor<2> {
        sigmoid(self.discriminator.valid().forward(images, false))
    }

    /// G's outputs for `inputs` `[n, side²]` in [−1, 1], without autodiff: batch norm by its
    /// running statistics, dropout as the U-Net keeps it when generating (on, in Pix2Pix, so
    /// the same input gives a slightly different output each time).
    pub fn translate(&self, inputs: &[f32]) -> Result<Tensor<2>> {
        let pixels = self.config.generator.side * self.config.generator.side;
        if inputs.is_empty() || !inputs.len().is_multiple_of(pixels) {
            return Err(Error::ShapeMismatch(format!(
                "{} values are not whole {pixels}-pixel images",
                inputs.len()
            )));
        }
        let device = self.device.clone().inner();
        let x = tensor_2d(inputs.to_vec(), [inputs.len() / pixels, pixels], &device);
        Ok(self.generator.valid().forward(x, false))
    }
}

impl Pix2Pix {
    /// Reads the networks (and the parts asked for: D, both optimisers' state) back in one
    /// asynchronous transfer, as a snapshot of kind [`PIX2PIX`]: the U-Net fills the
    /// generator's slot. Pix2Pix keeps no averaged generator.
    pub async fn snapshot(&self, parts: SnapshotParts) -> Result<Snapshot> {
        let mut networks = vec![module_tensors(&self.generator)];
        if parts.discriminator {
            networks.push(module_tensors(&self.discriminator));
        }
        let optimizers = if parts.optimizers {
            vec![
                self.g_optimizer
                    .state(self.config.generator_optimizer.kind, &self.generator),
                self.d_optimizer.state(
                    self.config.discriminator_optimizer.kind,
                    &self.discriminator,
                ),
            ]
        } else {
            Vec::new()
        };
        let (mut networks, optimizers) = read_parts(networks, optimizers).await?;
        let discriminator = parts.discriminator.then(|| networks.pop()).flatten();
        let generator = networks.pop().unwrap_or_default();
        let optimizers = <[OptimizerValues; 2]>::try_from(optimizers).ok();
        Ok(Snapshot {
            kind: Some(PIX2PIX.to_string()),
            config_json: self.config.to_string(),
            step: self.step,
            generator,
            averaged_generator: None,
            discriminator,
            optimizers,
        })
    }

    /// Rebuilds a Pix2Pix run from a snapshot of kind [`PIX2PIX`] to learn `pairs`:
    /// parameters, running statistics, and optimiser state when present; parts the snapshot
    /// lacks start fresh. Its configuration is validated before anything is built, and every
    /// tensor is checked against the networks before it is loaded; on failure nothing is kept.
    pub fn from_snapshot(snapshot: &Snapshot, pairs: &ImagePairs, device: &Device) -> Result<Self> {
        let config = snapshot.pix2pix_config()?;
        if let Some([g, d]) = &snapshot.optimizers
            && (g.kind != config.generator_optimizer.kind
                || d.kind != config.discriminator_optimizer.kind)
        {
            return Err(Error::Snapshot(
                "the optimiser state is not of the optimisers the configuration names".into(),
            ));
        }
        let mut run = Pix2Pix::new(config, pairs, device)?;
        let device = run.device.clone();
        run.generator = load_module(run.generator, &snapshot.generator, &device, "generator")?;
        if let Some(values) = &snapshot.discriminator {
            run.discriminator = load_module(run.discriminator, values, &device, "discriminator")?;
        }
        if let Some([g, d]) = &snapshot.optimizers {
            let inner = device.clone().inner();
            run.g_optimizer = Optimizer::from_state(optimizer_state(g, &inner), &run.generator)?;
            run.d_optimizer =
                Optimizer::from_state(optimizer_state(d, &inner), &run.discriminator)?;
        }
        run.step = snapshot.step;
        Ok(run)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{ImageSet, LineDrawing};
    use crate::device;
    use crate::model::BatchNormSpec;
    use crate::optim::OptimizerKind;
    use burn::module::Module;
    use futures_lite::future::block_on;

    #[test]
    fn the_tutorial_discriminator_has_the_keras_parameter_count() {
        // conv 3×3 1→64: 640; 64→64: 36,928 (three times); dense 256→128: 32,896; 128→1: 129.
        let expected = 640 + 3 * 36_928 + 32_896 + 129;
        assert_eq!(expected, 144_449);
        let d = Pix2PixConfig::tutorial().discriminator.init(&device::cpu());
        assert_eq!(d.num_params(), expected);
    }

    #[test]
    fn mismatched_parts_are_refused_in_words() {
        let mut config = Pix2PixConfig::tutorial();
        assert!(config.check().is_ok());
        config.discriminator.image = 28;
        assert!(
            config
                .check()
                .unwrap_err()
                .to_string()
                .contains("D sees 28×28")
        );
        let mut config = Pix2PixConfig::tutorial();
        config.batch_size = 1;
        assert!(config.check().is_err());
        let mut config = Pix2PixConfig::tutorial();
        config.generator.channels_in = 3;
        assert!(config.check().is_err());
    }

    /// 64 8×8 pairs: filled squares of random sizes and places, their outlines as inputs.
    fn squares(rng: &mut Rng) -> ImagePairs {
        let mut images = Vec::new();
        for _ in 0..64 {
            let mut image = vec![0u8; 64];
            let (size, r0, c0) = (2 + rng.below(4), rng.below(3), rng.below(3));
            for r in r0..(r0 + size).min(8) {
                for c in c0..(c0 + size).min(8) {
                    image[r * 8 + c] = 255;
                }
            }
            images.extend(image);
        }
        let targets = ImageSet::from_raw(images, Some(vec![0; 64]), 8, 8).expect("a set");
        ImagePairs::drawn_from(&targets, LineDrawing::Outline)
    }

    fn small(seed: u64) -> Pix2PixConfig {
        let leaky = Activation::LeakyRelu(0.1);
        let head = MlpConfig::new(vec![8 * 2 * 2, 16, 1], vec![leaky], Activation::Linear)
            .with_dropout(0.5);
        let generator =
            UNetConfig::new(8, 1, 1, 8, 2, 3, BatchNormSpec::new(0.9, 1e-3), leaky, 0.1);
        Pix2PixConfig::new(
            generator,
            ConvDiscriminatorConfig::new(8, vec![8, 8], 3, 2, leaky, 0.0, head),
            OptimizerConfig::adam(2e-3).with_beta1(0.5),
            OptimizerConfig::sgd(1e-3, 0.9),
            16,
            10.0,
        )
        .with_seed(seed)
    }

    #[test]
    fn training_fills_outlines_in() {
        let device = device::cpu();
        let pairs = squares(&mut Rng::new(1));
        let mut gan = Pix2Pix::new(small(3), &pairs, &device).expect("builds");
        let read = |stats: StepStats| block_on(stats.read()).expect("reads");
        let first = read(gan.train_step());
        let mut last = first;
        for _ in 0..150 {
            last = read(gan.train_step());
            assert!(
                [last.d_loss, last.g_loss, last.l1]
                    .iter()
                    .all(|v| v.is_finite()),
                "{last:?}"
            );
        }
        assert_eq!(gan.step_count(), 151);
        eprintln!("L1 {} at the first step, {} after 150", first.l1, last.l1);
        // An 8×8 output against its target: L1 starts near the pixel count (64 at random) and
        // must fall well below it.
        assert!(
            last.l1 < 0.5 * first.l1,
            "L1 {} after 150 steps, {} at the first",
            last.l1,
            first.l1
        );
        assert!((0.0..=1.0).contains(&last.d_real) && (0.0..=1.0).contains(&last.d_fake));
        // g_loss = adversarial + 10·L1, with a non-negative adversarial term.
        assert!(last.g_loss >= 10.0 * last.l1 - 1e-3);

        let (inputs, _) = pairs.inputs.batch(&[0, 1, 2]);
        let out = gan.translate(&inputs).expect("translates");
        assert_eq!(out.dims(), [3, 64]);
        assert!(gan.translate(&inputs[..10]).is_err());
    }

    #[test]
    fn a_run_goes_into_a_file_and_comes_back_whole() {
        let device = device::cpu();
        let pairs = squares(&mut Rng::new(1));
        let mut gan = Pix2Pix::new(small(3), &pairs, &device).expect("builds");
        for _ in 0..3 {
            gan.train_step();
        }
        let snapshot = block_on(gan.snapshot(SnapshotParts::ALL)).expect("reads");
        assert_eq!(snapshot.kind.as_deref(), Some(PIX2PIX));
        assert!(snapshot.discriminator.is_some() && snapshot.averaged_generator.is_none());
        let [g, d] = snapshot.optimizers.as_ref().expect("both optimisers");
        assert_eq!((g.kind, d.kind), (OptimizerKind::Adam, OptimizerKind::Sgd));
        assert_eq!((g.step, d.step), (3, 3));

        // Through the share format (version 3) and back.
        let bytes = ganvas_share::encode(&snapshot.to_payload(""), ganvas_share::Precision::F32)
            .expect("encodes");
        assert_eq!(bytes[4], 3, "a model kind needs format version 3");
        let opened = crate::share::open_file(&bytes).expect_err("not a GAN from noise");
        assert!(opened.to_string().contains("pix2pix"), "{opened}");
        let back = Snapshot::from_payload(ganvas_share::decode(&bytes).expect("decodes"))
            .expect("a snapshot");
        let restored = Pix2Pix::from_snapshot(&back, &pairs, &device).expect("restores");
        assert_eq!(restored.step_count(), 3);
        let again = block_on(restored.snapshot(SnapshotParts::ALL)).expect("reads");
        assert_eq!(
            again, snapshot,
            "every weight, statistic and optimiser slot"
        );
        // It trains on from there.
        let mut restored = restored;
        let stats = block_on(restored.train_step().read()).expect("a step");
        assert!(stats.is_finite() && restored.step_count() == 4);
    }

    #[test]
    fn hostile_snapshots_are_refused_in_words_before_building() {
        let device = device::cpu();
        let pairs = squares(&mut Rng::new(1));
        let gan = Pix2Pix::new(small(3), &pairs, &device).expect("builds");
        let good = block_on(gan.snapshot(SnapshotParts::ALL)).expect("reads");
        let refused = |snapshot: &Snapshot| {
            Pix2Pix::from_snapshot(snapshot, &pairs, &device)
                .expect_err("refused")
                .to_string()
        };
        // A U-Net of a million filters is refused by the limits, not by running out of memory.
        let mut huge = small(3);
        huge.generator.filters = 1_000_000;
        let mut snapshot = good.clone();
        snapshot.config_json = huge.to_string();
        let why = refused(&snapshot);
        assert!(why.contains("channel count"), "{why}");
        let mut wide = small(3);
        wide.generator.kernel = 40;
        snapshot.config_json = wide.to_string();
        assert!(
            refused(&snapshot).contains("kernel"),
            "{}",
            refused(&snapshot)
        );
        let mut greedy = small(3);
        greedy.l1_weight = 5000.0;
        snapshot.config_json = greedy.to_string();
        assert!(
            refused(&snapshot).contains("L1 weight"),
            "{}",
            refused(&snapshot)
        );
        snapshot.config_json = "{not json".into();
        assert!(refused(&snapshot).contains("cannot be read"));
        // Tensors that do not fit the networks.
        let mut wrong = good.clone();
        wrong.generator[0].shape = vec![1, 2];
        wrong.generator[0].values = vec![0.0, 1.0];
        assert!(
            refused(&wrong).contains("generator tensor 0"),
            "{}",
            refused(&wrong)
        );
        let mut short = good.clone();
        short.discriminator.as_mut().expect("D").pop();
        assert!(
            refused(&short).contains("discriminator"),
            "{}",
            refused(&short)
        );
        // Optimiser state of another rule than the configuration names.
        let mut swapped = good.clone();
        swapped.optimizers.as_mut().expect("optimisers").swap(0, 1);
        assert!(
            refused(&swapped).contains("optimiser"),
            "{}",
            refused(&swapped)
        );
        // A noise GAN's snapshot is not Pix2Pix, and a Pix2Pix snapshot is not a noise GAN.
        let mut plain = good.clone();
        plain.kind = None;
        assert!(refused(&plain).contains("not Pix2Pix"));
        assert!(
            good.config()
                .expect_err("a noise GAN")
                .to_string()
                .contains("pix2pix")
        );
    }

    #[test]
    fn pairs_of_another_size_are_refused() {
        let pairs = squares(&mut Rng::new(1));
        let err = Pix2Pix::new(Pix2PixConfig::tutorial(), &pairs, &device::cpu()).unwrap_err();
        assert!(err.to_string().contains("32×32"), "{err}");
    }
}
