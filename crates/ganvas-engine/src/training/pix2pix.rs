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
//! D sees only the output image, as in the tutorial, unless the configuration asks for the
//! paper's conditional D (the input stacked on as a second channel) or a PatchGAN D (one
//! verdict per patch, the losses averaged over patches as well as images): the paper
//! (Isola et al. 2017) uses both, the tutorial mentions both.

use burn::config::Config;
use burn::module::Module;
use burn::tensor::activation::sigmoid;
use burn::tensor::{Device, Int, Tensor, TensorData};

use super::gan::tensor_2d;
use super::network::Trained;
use super::stats::StepStats;
use super::step::untracked;
use crate::data::ImagePairs;
use crate::error::{Error, Result};
use crate::loss::{pix2pix_discriminator, pix2pix_generator};
use crate::model::activation::Activation;
use crate::model::mlp::MlpConfig;
use crate::model::{
    ConvDiscriminator, ConvDiscriminatorConfig, DiscriminatorLayout, UNet, UNetConfig,
};
use crate::optim::OptimizerConfig;
use crate::rng::Rng;
use crate::snapshot::{OptimizerValues, PIX2PIX, Snapshot, SnapshotParts, read_parts};

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
    /// D also sees the input: it judges the image with its input stacked on as a second
    /// channel, as the paper's conditional D does (the tutorial's D sees only the image).
    #[config(default = false)]
    pub discriminator_sees_input: bool,
    /// PatchGAN: D's head judges each place of its last feature map on its own, one verdict
    /// per patch of the image, instead of one per image.
    #[config(default = false)]
    pub patch_discriminator: bool,
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

    /// The tutorial's Pix2Pix with the paper's choices of D: seeing the input too, and judging
    /// patches. The PatchGAN D drops the tutorial's last convolution and its dense layers:
    /// three 3×3 stride-2 convolutions of 64 take 32×32 to a 4×4 map whose places each see a
    /// 15×15 patch, and a 1×1 convolution gives each place's logit.
    pub fn with_discriminator(sees_input: bool, patch: bool) -> Self {
        let mut config = Pix2PixConfig::tutorial();
        config.discriminator_sees_input = sees_input;
        config.patch_discriminator = patch;
        if patch {
            let head = MlpConfig::new(vec![64, 1], vec![], Activation::Linear);
            config.discriminator = ConvDiscriminatorConfig::new(
                32,
                vec![64; 3],
                3,
                2,
                Activation::LeakyRelu(0.1),
                0.0,
                head,
            );
        }
        config
    }

    /// What D reads (the image, or the image and its input) and where its head looks.
    pub fn discriminator_layout(&self) -> DiscriminatorLayout {
        DiscriminatorLayout {
            channels_in: if self.discriminator_sees_input { 2 } else { 1 },
            per_patch: self.patch_discriminator,
        }
    }

    /// Whether the parts fit each other: the U-Net's sizes, one greyscale channel in and out
    /// (D sees one channel, or two with the input), D on the U-Net's image side, and a batch
    /// of at least 2.
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
        let flat = self.discriminator.head_input(self.discriminator_layout());
        if self.discriminator.head.sizes.first() != Some(&flat)
            || self.discriminator.head.sizes.last() != Some(&1)
        {
            let per = if self.patch_discriminator {
                " at each place"
            } else {
                ""
            };
            return Err(Error::Config(format!(
                "D's head must take {flat} features and give one logit{per}"
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

/// D's update as measured while it ran (each `[1]`, not read back): its loss and its mean
/// probabilities on the real and the generated half batches.
#[derive(Debug, Clone)]
pub struct DiscriminatorUpdate {
    /// D's loss.
    pub loss: Tensor<1>,
    /// Mean probability D gave the real targets.
    pub real: Tensor<1>,
    /// Mean probability D gave the outputs.
    pub fake: Tensor<1>,
}

/// G's update as measured while it ran (each `[1]`, not read back).
#[derive(Debug, Clone)]
pub struct GeneratorUpdate {
    /// G's whole loss: adversarial + λ·L1.
    pub loss: Tensor<1>,
    /// The L1 term before λ.
    pub l1: Tensor<1>,
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
    generator: Trained<UNet>,
    discriminator: Trained<ConvDiscriminator>,
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
            generator: Trained::new(config.generator.init(&device)),
            discriminator: Trained::new(
                config
                    .discriminator
                    .init_with(config.discriminator_layout(), &device),
            ),
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
        &self.generator.net
    }

    /// The discriminator (on the training device).
    pub fn discriminator(&self) -> &ConvDiscriminator {
        &self.discriminator.net
    }

    /// Trainable parameters of (G, D); batch-norm running statistics are not counted.
    pub fn parameter_counts(&self) -> (usize, usize) {
        (
            self.generator.parameter_count(),
            self.discriminator.parameter_count(),
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
        let d = self.update_discriminator();
        let g = self.update_generator();
        self.step += 1;
        let zero = d.real.zeros_like();
        StepStats::from_slots(vec![
            d.loss,
            g.loss,
            d.real,
            d.fake,
            zero.clone(),
            zero.clone(),
            zero,
            g.l1,
        ])
    }

    /// What D judges: the images, with their inputs stacked on as a second channel when D sees
    /// the input (`[n, side²]` each, channel-major `[n, 2·side²]` together).
    fn judged(&self, images: Tensor<2>, inputs: Tensor<2>) -> Tensor<2> {
        if self.config.discriminator_sees_input {
            Tensor::cat(vec![images, inputs], 1)
        } else {
            images
        }
    }

    /// D's update, on half a batch of real targets and the outputs for the same pairs' inputs
    /// (G untracked). Does not count a step ([`Pix2Pix::train_step`] does): the explain mode
    /// runs the two updates apart.
    pub fn update_discriminator(&mut self) -> DiscriminatorUpdate {
        let half = self.config.batch_size / 2;
        let (inputs, targets) = self.batch(half);
        let outputs = untracked(&self.generator.net)
            .forward(inputs.clone(), true)
            .detach();
        let real = self.judged(targets, inputs.clone());
        let fake = self.judged(outputs, inputs);
        let logits = self
            .discriminator
            .net
            .forward(Tensor::cat(vec![real, fake], 0), true); // [2·half, verdicts]
        let verdicts = logits.dims()[1];
        let real = logits.clone().slice([0..half, 0..verdicts]);
        let fake = logits.slice([half..2 * half, 0..verdicts]);
        let loss = pix2pix_discriminator(real.clone(), fake.clone());
        let update = DiscriminatorUpdate {
            loss: loss.clone().detach(),
            real: sigmoid(real.detach()).mean(),
            fake: sigmoid(fake.detach()).mean(),
        };
        self.discriminator
            .update(loss, &self.config.discriminator_optimizer);
        update
    }

    /// G's update on a whole batch, judged by D as it is now (D not updated). Does not count
    /// a step.
    pub fn update_generator(&mut self) -> GeneratorUpdate {
        let (inputs, targets) = self.batch(self.config.batch_size);
        let outputs = self.generator.net.forward(inputs.clone(), true);
        let verdicts = self
            .discriminator
            .net
            .forward(self.judged(outputs.clone(), inputs), true);
        let (loss, l1) = pix2pix_generator(verdicts, outputs, targets, self.config.l1_weight);
        let update = GeneratorUpdate {
            loss: loss.clone().detach(),
            l1: l1.detach(),
        };
        self.generator
            .update(loss, &self.config.generator_optimizer);
        update
    }

    /// D's losses on given images, in inference mode (no dropout) and without autodiff, as
    /// the explain mode measures them: for targets and outputs `[n, side²]` of the inputs,
    /// D's loss, G's loss and its L1 term (each `[1]`).
    pub fn losses_on(
        &self,
        inputs: Tensor<2>,
        outputs: Tensor<2>,
        targets: Tensor<2>,
    ) -> (Tensor<1>, Tensor<1>, Tensor<1>) {
        let d = self.discriminator.net.valid();
        let real = d.forward(self.judged(targets.clone(), inputs.clone()), false);
        let fake = d.forward(self.judged(outputs.clone(), inputs), false);
        let d_loss = pix2pix_discriminator(real, fake.clone());
        let (g_loss, l1) = pix2pix_generator(fake, outputs, targets, self.config.l1_weight);
        (d_loss, g_loss, l1)
    }

    /// D's probability that each image `[n, side²]` made from `inputs` `[n, side²]` (both on
    /// the device without autodiff, as [`Pix2Pix::translate`] returns them) is a real target;
    /// dropout off. A PatchGAN D's verdict is the mean over its patches. `[n, 1]`
    pub fn judge(&self, images: Tensor<2>, inputs: Tensor<2>) -> Tensor<2> {
        let logits = self
            .discriminator
            .net
            .valid()
            .forward(self.judged(images, inputs), false);
        sigmoid(logits).mean_dim(1)
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
        Ok(self.generate(x))
    }

    /// G's outputs for `inputs` `[n, side²]` already on the device without autodiff (values in
    /// [−1, 1]), dropout on as the tutorial generates: `[n, side²]`.
    pub fn generate(&self, inputs: Tensor<2>) -> Tensor<2> {
        self.generator.net.valid().forward(inputs, false)
    }
}

impl Pix2Pix {
    /// Reads the networks (and the parts asked for: D, both optimisers' state) back in one
    /// asynchronous transfer, as a snapshot of kind [`PIX2PIX`]: the U-Net fills the
    /// generator's slot. Pix2Pix keeps no averaged generator.
    pub async fn snapshot(&self, parts: SnapshotParts) -> Result<Snapshot> {
        let mut networks = vec![self.generator.tensors()];
        if parts.discriminator {
            networks.push(self.discriminator.tensors());
        }
        let optimizers = if parts.optimizers {
            vec![
                self.generator
                    .optimizer_state(self.config.generator_optimizer.kind),
                self.discriminator
                    .optimizer_state(self.config.discriminator_optimizer.kind),
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
        snapshot.check_optimizer_kinds(
            config.generator_optimizer.kind,
            config.discriminator_optimizer.kind,
        )?;
        let mut run = Pix2Pix::new(config, pairs, device)?;
        let device = run.device.clone();
        run.generator = run
            .generator
            .load(&snapshot.generator, &device, "generator")?;
        if let Some(values) = &snapshot.discriminator {
            run.discriminator = run.discriminator.load(values, &device, "discriminator")?;
        }
        if let Some([g, d]) = &snapshot.optimizers {
            run.generator = run.generator.load_optimizer(g, &device)?;
            run.discriminator = run.discriminator.load_optimizer(d, &device)?;
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
    fn the_papers_discriminators_have_their_parameter_counts_and_verdict_shapes() {
        let device = device::cpu();
        let count = |sees_input, patch| {
            let config = Pix2PixConfig::with_discriminator(sees_input, patch);
            config.check().expect("fits");
            crate::training::validate::check_pix2pix(&config).expect("within the limits");
            let d = config
                .discriminator
                .init_with(config.discriminator_layout(), &device);
            let channels = config.discriminator_layout().channels_in;
            let x = Tensor::<2>::zeros([3, channels * 32 * 32], &device);
            (d.num_params(), d.forward(x, false).dims())
        };
        // The input stacked on: the first convolution reads 2 channels (2·64·9 + 64 = 1,216).
        assert_eq!(
            count(true, false),
            (1_216 + 3 * 36_928 + 32_896 + 129, [3, 1])
        );
        // PatchGAN: three convolutions to a 4×4 map, a 1×1 convolution (64 + 1) per place.
        assert_eq!(count(false, true), (640 + 2 * 36_928 + 65, [3, 16]));
        assert_eq!(count(true, true), (1_216 + 2 * 36_928 + 65, [3, 16]));
        assert_eq!(count(false, false), (144_449, [3, 1]), "the tutorial's D");
        // A head that does not fit the patches is refused in words.
        let mut config = Pix2PixConfig::tutorial();
        config.patch_discriminator = true;
        let why = config
            .check()
            .expect_err("the dense head reads 256 features");
        assert!(why.to_string().contains("at each place"), "{why}");
    }

    /// [`small`] with the paper's choices of D.
    fn small_with(seed: u64, sees_input: bool, patch: bool) -> Pix2PixConfig {
        let mut config = small(seed);
        config.discriminator_sees_input = sees_input;
        config.patch_discriminator = patch;
        if patch {
            config.discriminator.head = MlpConfig::new(vec![8, 1], vec![], Activation::Linear);
        }
        config
    }

    #[test]
    fn every_choice_of_d_trains_judges_and_comes_back_from_a_file() {
        let device = device::cpu();
        let pairs = squares(&mut Rng::new(1));
        for (sees_input, patch) in [(true, false), (false, true), (true, true)] {
            let mut gan =
                Pix2Pix::new(small_with(5, sees_input, patch), &pairs, &device).expect("builds");
            let mut first = None;
            for _ in 0..40 {
                let stats = block_on(gan.train_step().read()).expect("reads");
                assert!(stats.is_finite(), "{stats:?}");
                first.get_or_insert(stats.l1);
            }
            let (inputs, _) = pairs.inputs.batch(&[0, 1, 2]);
            let outputs = gan.translate(&inputs).expect("translates");
            let inputs = tensor_2d(inputs, [3, 64], &device);
            let verdicts = gan.judge(outputs, inputs);
            assert_eq!(verdicts.dims(), [3, 1], "one probability per image");
            let snapshot = block_on(gan.snapshot(SnapshotParts::ALL)).expect("reads");
            let back = Pix2Pix::from_snapshot(&snapshot, &pairs, &device).expect("restores");
            assert_eq!(
                (
                    back.config().discriminator_sees_input,
                    back.config().patch_discriminator
                ),
                (sees_input, patch)
            );
            let again = block_on(back.snapshot(SnapshotParts::ALL)).expect("reads");
            assert_eq!(again, snapshot, "D of ({sees_input}, {patch}) whole");
        }
    }

    #[test]
    fn pairs_of_another_size_are_refused() {
        let pairs = squares(&mut Rng::new(1));
        let err = Pix2Pix::new(Pix2PixConfig::tutorial(), &pairs, &device::cpu()).unwrap_err();
        assert!(err.to_string().contains("32×32"), "{err}");
    }
}
