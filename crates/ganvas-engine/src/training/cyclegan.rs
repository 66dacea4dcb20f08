//! CycleGAN in training: two generators, G from domain A to B and F from B to A, two
//! discriminators, D_A on domain A and D_B on domain B, and the tutorial's schedule, on unpaired
//! images of both domains resident on the device.
//!
//! The schedule is the tutorial's section "Cycle GANs", with the Keras example's LSGAN losses:
//! - `d_updates` times, D's update: on a batch `a` of A and `b` of B (each image flipped left to
//!   right with probability ½, the augmentation), D_A learns `½·(mean (D_A(a) − 1)² +
//!   mean D_A(F(b))²)` and D_B the same on `b` and `G(a)`. The generators run untracked.
//! - Then the generators' update on fresh batches: `mean (D_B(G(a)) − 1)² + mean (D_A(F(b)) −
//!   1)² + λ·(L1(a, F(G(a))) + L1(b, G(F(b))))`, L1 the per-image pixel sum averaged over the
//!   batch. One backward pass gives G and F their gradients; the discriminators run untracked
//!   (their weight gradients are never computed) and are not updated.
//!
//! All four networks learn by Adam. Instance norm normalises each image by itself, so there are
//! no running statistics and training and translating compute the same functions.

use burn::config::Config;
use burn::module::Module;
use burn::tensor::{Device, Int, Tensor, TensorData};

use super::gan::tensor_2d;
use super::network::Trained;
use super::stats::StepStats;
use super::step::untracked;
use crate::data::{Domains, ImageSet};
use crate::error::{Error, Result};
use crate::loss::{lsgan_discriminator, lsgan_generator, summed_l1};
use crate::model::{
    CycleDiscriminator, CycleDiscriminatorConfig, ResnetGenerator, ResnetGeneratorConfig,
};
use crate::optim::OptimizerConfig;
use crate::rng::Rng;
use crate::snapshot::{
    CYCLEGAN, OptimizerValues, Snapshot, SnapshotParts, TensorValues, read_parts,
};

/// Everything that defines a CycleGAN run.
#[derive(Config, Debug)]
pub struct CycleGanConfig {
    /// Both generators (A → B and B → A).
    pub generator: ResnetGeneratorConfig,
    /// Both discriminators.
    pub discriminator: CycleDiscriminatorConfig,
    /// The generators' optimiser.
    pub generator_optimizer: OptimizerConfig,
    /// The discriminators' optimiser.
    pub discriminator_optimizer: OptimizerConfig,
    /// Images of each domain per update.
    pub batch_size: usize,
    /// λ, the weight of the cycle-consistency term.
    pub cycle_weight: f64,
    /// Discriminator updates per generator update.
    pub d_updates: usize,
    /// Flip each training image left to right with probability ½.
    #[config(default = true)]
    pub flips: bool,
    /// Seed for initial weights, batches and flips.
    #[config(default = 0)]
    pub seed: u64,
}

impl CycleGanConfig {
    /// The tutorial's CycleGAN on 32×32 greyscale images (28×28 padded by 2): the generators
    /// [`ResnetGeneratorConfig::tutorial`] (32 filters, six residual blocks), the discriminators
    /// [`CycleDiscriminatorConfig::tutorial`] (four convolutions of 64), Adam (2e-4, β1 0.5) for
    /// all four, batch 16, λ = 10, five D updates per G update, flips.
    pub fn tutorial() -> Self {
        let adam = OptimizerConfig::adam(2e-4).with_beta1(0.5);
        CycleGanConfig::new(
            ResnetGeneratorConfig::tutorial(),
            CycleDiscriminatorConfig::tutorial(),
            adam.clone(),
            adam,
            16,
            10.0,
            5,
        )
    }

    /// `cyclegan-shoes`: the tutorial's CycleGAN made small enough to train in a browser's
    /// CPU fallback: generators of 8 filters (16 and 32 after the downsampling) with two
    /// residual blocks, discriminators of 16 filters; the schedule and losses unchanged but
    /// for the cycle term's weight, λ = 10 on the *mean* pixel error (as Keras's CycleGAN
    /// example weighs it), which is λ = 10/1024 on the tutorial's sum over 32×32 pixels. With
    /// the sum, the cycle term outweighs the adversarial terms a thousandfold and both
    /// generators settle on copying their input: after 1,000 steps the cycle error was 0.045
    /// per pixel but only 1 % of G(sneaker) looked like a boot to our classifier.
    pub fn shoes() -> Self {
        let mut config = CycleGanConfig::tutorial();
        config.generator = ResnetGeneratorConfig::new(32, 1, 8, 2);
        config.discriminator = CycleDiscriminatorConfig::new(32, 1, 16, 4);
        config.cycle_weight = 10.0 / (32.0 * 32.0);
        config
    }

    /// Whether the parts fit each other: the networks' sizes, one image size and channel count
    /// for G and D, a batch, at least one D update, and a finite λ ≥ 0.
    pub fn check(&self) -> Result<()> {
        self.generator.check().map_err(Error::Config)?;
        self.discriminator.check().map_err(Error::Config)?;
        let (g, d) = (&self.generator, &self.discriminator);
        if (g.side, g.channels) != (d.side, d.channels) {
            return Err(Error::Config(format!(
                "D sees {0}×{0} images of {1} channel(s) but G makes {2}×{2} of {3}",
                d.side, d.channels, g.side, g.channels
            )));
        }
        if self.batch_size == 0 || self.d_updates == 0 {
            return Err(Error::Config(
                "a CycleGAN needs a batch and at least one D update per G update".into(),
            ));
        }
        if !(self.cycle_weight.is_finite() && self.cycle_weight >= 0.0) {
            return Err(Error::Config("λ must be a finite weight ≥ 0".into()));
        }
        Ok(())
    }
}

/// Which way a generator translates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// G: domain A to domain B.
    AToB,
    /// F: domain B to domain A.
    BToA,
}

/// The discriminators' update as measured while it ran (each `[1]`, not read back).
#[derive(Debug, Clone)]
pub struct DiscriminatorsUpdate {
    /// D_A's loss.
    pub loss_a: Tensor<1>,
    /// D_B's loss.
    pub loss_b: Tensor<1>,
    /// Mean score both Ds gave real images (LSGAN: 1 means real).
    pub real: Tensor<1>,
    /// Mean score both Ds gave translated images (0 means generated).
    pub fake: Tensor<1>,
}

/// The generators' update as measured while it ran (each `[1]`, not read back).
#[derive(Debug, Clone)]
pub struct GeneratorsUpdate {
    /// The whole loss: both adversarial terms + λ·cycle.
    pub loss: Tensor<1>,
    /// G's adversarial term (A → B, judged by D_B).
    pub adversarial_a2b: Tensor<1>,
    /// F's adversarial term (B → A, judged by D_A).
    pub adversarial_b2a: Tensor<1>,
    /// The cycle term before λ: L1(a, F(G(a))) + L1(b, G(F(b))).
    pub cycle: Tensor<1>,
}

/// One domain's images uploaded once, indexed there: `[len, side²]` in [−1, 1].
#[derive(Debug, Clone)]
struct DeviceSet {
    images: Tensor<2>,
    len: usize,
}

/// A CycleGAN in training on one device.
#[derive(Debug)]
pub struct CycleGan {
    config: CycleGanConfig,
    a2b: Trained<ResnetGenerator>,
    b2a: Trained<ResnetGenerator>,
    d_a: Trained<CycleDiscriminator>,
    d_b: Trained<CycleDiscriminator>,
    a: DeviceSet,
    b: DeviceSet,
    rng: Rng,
    device: Device,
    step: u64,
}

impl CycleGan {
    /// Builds fresh networks for `config` on `device` (autodiff is added here) to translate
    /// between the two domains, whose images must be of the networks' side.
    pub fn new(config: CycleGanConfig, domains: &Domains, device: &Device) -> Result<Self> {
        config.check()?;
        let side = config.generator.side;
        if (domains.a.rows, domains.a.cols) != (side, side) {
            return Err(Error::ShapeMismatch(format!(
                "a CycleGAN on {side}×{side} images got images of {}×{}",
                domains.a.rows, domains.a.cols
            )));
        }
        if domains.a.len == 0 || domains.b.len == 0 {
            return Err(Error::EmptyDataset);
        }
        let device = device.clone().autodiff();
        device.seed(config.seed);
        let upload = |set: &ImageSet| {
            let all: Vec<usize> = (0..set.len).collect();
            DeviceSet {
                images: tensor_2d(set.batch(&all).0, [set.len, set.pixels()], &device),
                len: set.len,
            }
        };
        Ok(Self {
            a2b: Trained::new(config.generator.init(&device)),
            b2a: Trained::new(config.generator.init(&device)),
            d_a: Trained::new(config.discriminator.init(&device)),
            d_b: Trained::new(config.discriminator.init(&device)),
            a: upload(&domains.a),
            b: upload(&domains.b),
            rng: Rng::new(config.seed ^ 0x6379_636c_6567_616e), // "cyclegan"
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
    pub fn config(&self) -> &CycleGanConfig {
        &self.config
    }

    /// Training steps taken (`d_updates` D updates and one G update each).
    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// Trainable parameters of one generator and of one discriminator (the run has two of
    /// each).
    pub fn parameter_counts(&self) -> (usize, usize) {
        (self.a2b.parameter_count(), self.d_a.parameter_count())
    }

    /// A batch of `batch_size` random images of one domain, each flipped left to right with
    /// probability ½ when the configuration flips.
    fn batch(&mut self, domain: Direction) -> Tensor<2> {
        let n = self.config.batch_size;
        let set = match domain {
            Direction::AToB => &self.a,
            Direction::BToA => &self.b,
        };
        let indices: Vec<i64> = (0..n).map(|_| self.rng.below(set.len) as i64).collect();
        let indices = Tensor::<1, Int>::from_data(TensorData::new(indices, [n]), &self.device);
        let images = set.images.clone().select(0, indices);
        if !self.config.flips {
            return images;
        }
        let side = self.config.generator.side;
        let flip: Vec<f32> = (0..n)
            .map(|_| if self.rng.bernoulli(0.5) { 1.0 } else { 0.0 })
            .collect();
        let flip = tensor_2d(flip, [n, 1], &self.device);
        let flipped = images
            .clone()
            .reshape([n, side, side])
            .flip([2])
            .reshape([n, side * side]);
        images * flip.clone().neg().add_scalar(1.0) + flipped * flip
    }

    /// One step: `d_updates` updates of both discriminators, then one of both generators.
    /// Returns the statistics without reading them back, in the slots every model fills: D's
    /// loss (D_A's + D_B's, averaged over the D updates), G's whole loss, the mean scores on
    /// real and translated images, the cycle term in the L1 slot
    /// ([`StepValues::l1`](super::StepValues::l1)), and the four losses' parts: D_A's loss and
    /// both generators' adversarial terms.
    pub fn train_step(&mut self) -> StepStats {
        let mut d = self.update_discriminators();
        for _ in 1..self.config.d_updates {
            let next = self.update_discriminators();
            d = DiscriminatorsUpdate {
                loss_a: d.loss_a + next.loss_a,
                loss_b: d.loss_b + next.loss_b,
                real: d.real + next.real,
                fake: d.fake + next.fake,
            };
        }
        let g = self.update_generators();
        self.step += 1;
        let per_update = 1.0 / self.config.d_updates as f64;
        let zero = g.cycle.zeros_like();
        StepStats::from_slots(vec![
            (d.loss_a.clone() + d.loss_b).mul_scalar(per_update),
            g.loss,
            d.real.mul_scalar(per_update),
            d.fake.mul_scalar(per_update),
            zero.clone(),
            zero.clone(),
            zero,
            g.cycle,
            d.loss_a.mul_scalar(per_update),
            g.adversarial_a2b,
            g.adversarial_b2a,
        ])
    }

    /// Both discriminators' update on fresh batches of both domains and their translations (the
    /// generators untracked). Does not count a step.
    pub fn update_discriminators(&mut self) -> DiscriminatorsUpdate {
        let a = self.batch(Direction::AToB);
        let b = self.batch(Direction::BToA);
        let n = self.config.batch_size;
        let fake_b = untracked(&self.a2b.net).forward(a.clone()).detach();
        let fake_a = untracked(&self.b2a.net).forward(b.clone()).detach();
        // Instance norm keeps every image to itself, so one forward judges real and fake.
        let judge = |d: &CycleDiscriminator, real: Tensor<2>, fake: Tensor<2>| {
            let scores = d.forward(Tensor::cat(vec![real, fake], 0));
            (
                scores.clone().slice([0..n, 0..1]),
                scores.slice([n..2 * n, 0..1]),
            )
        };
        let (real_a, fake_a) = judge(&self.d_a.net, a, fake_a);
        let (real_b, fake_b) = judge(&self.d_b.net, b, fake_b);
        let loss_a = lsgan_discriminator(real_a.clone(), fake_a.clone());
        let loss_b = lsgan_discriminator(real_b.clone(), fake_b.clone());
        let mean = |x: Tensor<2>, y: Tensor<2>| (x.detach().mean() + y.detach().mean()) / 2.0;
        let update = DiscriminatorsUpdate {
            loss_a: loss_a.clone().detach(),
            loss_b: loss_b.clone().detach(),
            real: mean(real_a, real_b),
            fake: mean(fake_a, fake_b),
        };
        let rule = &self.config.discriminator_optimizer;
        self.d_a.update(loss_a, rule);
        self.d_b.update(loss_b, rule);
        update
    }

    /// Both generators' update on fresh batches, judged by the discriminators as they are now
    /// (not updated), with the cycle term. Does not count a step.
    pub fn update_generators(&mut self) -> GeneratorsUpdate {
        let a = self.batch(Direction::AToB);
        let b = self.batch(Direction::BToA);
        let fake_b = self.a2b.net.forward(a.clone());
        let fake_a = self.b2a.net.forward(b.clone());
        let back_a = self.b2a.net.forward(fake_b.clone());
        let back_b = self.a2b.net.forward(fake_a.clone());
        let adversarial_a2b = lsgan_generator(untracked(&self.d_b.net).forward(fake_b));
        let adversarial_b2a = lsgan_generator(untracked(&self.d_a.net).forward(fake_a));
        let cycle = summed_l1(a, back_a) + summed_l1(b, back_b);
        let loss = adversarial_a2b.clone()
            + adversarial_b2a.clone()
            + cycle.clone().mul_scalar(self.config.cycle_weight);
        let update = GeneratorsUpdate {
            loss: loss.clone().detach(),
            adversarial_a2b: adversarial_a2b.detach(),
            adversarial_b2a: adversarial_b2a.detach(),
            cycle: cycle.detach(),
        };
        let mut grads = loss.backward();
        let rule = &self.config.generator_optimizer;
        self.a2b.update_with(&mut grads, rule);
        self.b2a.update_with(&mut grads, rule);
        update
    }

    /// The generator translating in `direction` (on the training device).
    pub fn generator(&self, direction: Direction) -> &ResnetGenerator {
        match direction {
            Direction::AToB => &self.a2b.net,
            Direction::BToA => &self.b2a.net,
        }
    }

    /// Translations of `images` `[n, side²]` (values in [−1, 1]) in `direction`, and their
    /// translations back (the cycle), without autodiff: `(translated, back)`.
    pub fn translate(
        &self,
        images: &[f32],
        direction: Direction,
    ) -> Result<(Tensor<2>, Tensor<2>)> {
        let pixels = self.config.generator.side * self.config.generator.side;
        if images.is_empty() || !images.len().is_multiple_of(pixels) {
            return Err(Error::ShapeMismatch(format!(
                "{} values are not whole {pixels}-pixel images",
                images.len()
            )));
        }
        let device = self.device.clone().inner();
        let x = tensor_2d(images.to_vec(), [images.len() / pixels, pixels], &device);
        Ok(self.translate_on_device(x, direction))
    }

    /// [`Self::translate`] for images `[n, side²]` already on the device without autodiff:
    /// `(translated, back)`, each `[n, side²]`.
    pub fn translate_on_device(
        &self,
        images: Tensor<2>,
        direction: Direction,
    ) -> (Tensor<2>, Tensor<2>) {
        let translated = self.translate_one_way(images, direction);
        let back = match direction {
            Direction::AToB => Direction::BToA,
            Direction::BToA => Direction::AToB,
        };
        let returned = self.translate_one_way(translated.clone(), back);
        (translated, returned)
    }

    /// Translations of images `[n, side²]` on the device without autodiff in `direction`
    /// alone (no way back): `[n, side²]`.
    pub fn translate_one_way(&self, images: Tensor<2>, direction: Direction) -> Tensor<2> {
        self.generator(direction).valid().forward(images)
    }

    /// The score the discriminator of the domain `images` `[n, side²]` claim to be from gives
    /// them (A for [`Direction::BToA`]'s outputs, B for [`Direction::AToB`]'s), without
    /// autodiff: `[n, 1]`, 1 meaning real.
    pub fn judge(&self, images: Tensor<2>, output_of: Direction) -> Tensor<2> {
        match output_of {
            Direction::AToB => self.d_b.net.valid().forward(images),
            Direction::BToA => self.d_a.net.valid().forward(images),
        }
    }
}

impl CycleGan {
    /// Reads the networks (and the parts asked for: both discriminators, all four optimisers'
    /// state) back in one asynchronous transfer, as a snapshot of kind [`CYCLEGAN`]: the
    /// generator slot holds G then F, the discriminator slot D_A then D_B, each optimiser slot
    /// its pair's state in the same order.
    pub async fn snapshot(&self, parts: SnapshotParts) -> Result<Snapshot> {
        let mut networks = vec![self.a2b.tensors(), self.b2a.tensors()];
        if parts.discriminator {
            networks.push(self.d_a.tensors());
            networks.push(self.d_b.tensors());
        }
        let optimizers = if parts.optimizers {
            let (g, d) = (
                self.config.generator_optimizer.kind,
                self.config.discriminator_optimizer.kind,
            );
            vec![
                self.a2b.optimizer_state(g),
                self.b2a.optimizer_state(g),
                self.d_a.optimizer_state(d),
                self.d_b.optimizer_state(d),
            ]
        } else {
            Vec::new()
        };
        let (networks, optimizers) = read_parts(networks, optimizers).await?;
        let mut networks = networks.into_iter();
        let mut pair = || -> Option<Vec<TensorValues>> {
            let mut first = networks.next()?;
            first.extend(networks.next()?);
            Some(first)
        };
        let generator = pair().unwrap_or_default();
        let discriminator = pair();
        let mut optimizers = optimizers.into_iter();
        let mut joined = || -> Option<OptimizerValues> {
            let mut first = optimizers.next()?;
            first.tensors.extend(optimizers.next()?.tensors);
            Some(first)
        };
        let optimizers = match (joined(), joined()) {
            (Some(g), Some(d)) => Some([g, d]),
            _ => None,
        };
        Ok(Snapshot {
            kind: Some(CYCLEGAN.to_string()),
            config_json: self.config.to_string(),
            step: self.step,
            generator,
            averaged_generator: None,
            discriminator,
            optimizers,
        })
    }

    /// Rebuilds a CycleGAN run from a snapshot of kind [`CYCLEGAN`] to translate between
    /// `domains`: parameters, and optimiser state when present; parts the snapshot lacks start
    /// fresh. Its configuration is validated before anything is built, and every tensor is
    /// checked against the networks before it is loaded; on failure nothing is kept.
    pub fn from_snapshot(snapshot: &Snapshot, domains: &Domains, device: &Device) -> Result<Self> {
        let config = snapshot.cyclegan_config()?;
        snapshot.check_optimizer_kinds(
            config.generator_optimizer.kind,
            config.discriminator_optimizer.kind,
        )?;
        let mut run = CycleGan::new(config, domains, device)?;
        let device = run.device.clone();
        let (g_first, g_second) =
            split_pair(&snapshot.generator, run.a2b.tensors().len(), "generators")?;
        run.a2b = run.a2b.load(g_first, &device, "generator A → B")?;
        run.b2a = run.b2a.load(g_second, &device, "generator B → A")?;
        if let Some(values) = &snapshot.discriminator {
            let (first, second) = split_pair(values, run.d_a.tensors().len(), "discriminators")?;
            run.d_a = run.d_a.load(first, &device, "discriminator of A")?;
            run.d_b = run.d_b.load(second, &device, "discriminator of B")?;
        }
        if let Some([g, d]) = &snapshot.optimizers {
            let halves = |values: &OptimizerValues, count: usize, what: &str| {
                split_pair(&values.tensors, count, what).map(|(first, second)| {
                    let half = |tensors: &[TensorValues]| OptimizerValues {
                        kind: values.kind,
                        step: values.step,
                        tensors: tensors.to_vec(),
                    };
                    (half(first), half(second))
                })
            };
            let (first, second) = halves(
                g,
                run.a2b.optimizer_tensor_count(g.kind),
                "generators' optimiser state",
            )?;
            run.a2b = run.a2b.load_optimizer(&first, &device)?;
            run.b2a = run.b2a.load_optimizer(&second, &device)?;
            let (first, second) = halves(
                d,
                run.d_a.optimizer_tensor_count(d.kind),
                "discriminators' optimiser state",
            )?;
            run.d_a = run.d_a.load_optimizer(&first, &device)?;
            run.d_b = run.d_b.load_optimizer(&second, &device)?;
        }
        run.step = snapshot.step;
        Ok(run)
    }
}

/// A slot holding two networks' tensors, `each` per network, split in two; anything else is
/// refused in words (`what` says which pair).
fn split_pair<'a, T>(values: &'a [T], each: usize, what: &str) -> Result<(&'a [T], &'a [T])> {
    if values.len() != 2 * each {
        return Err(Error::Snapshot(format!(
            "the {what} have {} tensors each; the snapshot holds {} for both",
            each,
            values.len()
        )));
    }
    Ok(values.split_at(each))
}

#[cfg(test)]
mod tests {
    use futures_lite::future::block_on;

    use super::*;
    use crate::device;

    /// 48 8×8 images per domain: A a bright vertical bar, B a bright horizontal bar, at random
    /// places.
    fn bars(rng: &mut Rng) -> Domains {
        let mut make = |vertical: bool| {
            let mut images = Vec::new();
            for _ in 0..48 {
                let at = 1 + rng.below(6);
                images.extend((0..64).map(|p| {
                    let (r, c) = (p / 8, p % 8);
                    if (vertical && c == at) || (!vertical && r == at) {
                        255u8
                    } else {
                        0
                    }
                }));
            }
            ImageSet::from_raw(images, None, 8, 8).expect("a set")
        };
        let a = make(true);
        let b = make(false);
        Domains::new(a, b).expect("domains")
    }

    fn small(seed: u64) -> CycleGanConfig {
        let mut config = CycleGanConfig::tutorial().with_seed(seed);
        config.generator = ResnetGeneratorConfig::new(8, 1, 4, 1);
        config.discriminator = CycleDiscriminatorConfig::new(8, 1, 8, 2);
        config.batch_size = 8;
        config.d_updates = 2;
        config.generator_optimizer = OptimizerConfig::adam(2e-3).with_beta1(0.5);
        config
    }

    #[test]
    fn the_presets_fit_and_count_as_written() {
        let device = device::cpu();
        for config in [CycleGanConfig::tutorial(), CycleGanConfig::shoes()] {
            config.check().expect("fits");
        }
        // The tutorial's: 1,962,497 per generator, 198,529 per D (model::cycle's tests
        // derive both from the layer list); the small preset's, from the same list at 8
        // filters and two blocks: conv 7×7 1→8 400, IN 16; 8→16 1,168, IN 32; 16→32 4,640,
        // IN 64; two blocks of 2 × (9,248 + 64); transposed 32→16 4,624, IN 32; 16→8 1,160,
        // IN 16; conv 7×7 8→1 393.
        let small_preset = CycleGanConfig::shoes();
        let g = 400
            + 16
            + 1_168
            + 32
            + 4_640
            + 64
            + 2 * 2 * (9_248 + 64)
            + 4_624
            + 32
            + 1_160
            + 16
            + 393;
        assert_eq!(small_preset.generator.init(&device).num_params(), g);
        // D: 4×4 1→16 272; three 16→16 4,112 with IN 32; dense 2·2·16 → 1: 65.
        let d = 272 + 3 * (4_112 + 32) + 65;
        assert_eq!(small_preset.discriminator.init(&device).num_params(), d);
    }

    #[test]
    fn parts_that_do_not_fit_are_refused_in_words() {
        let mut config = CycleGanConfig::tutorial();
        config.discriminator.side = 28;
        let why = config.check().unwrap_err().to_string();
        assert!(why.contains("D sees 28×28"), "{why}");
        let mut config = CycleGanConfig::tutorial();
        config.d_updates = 0;
        assert!(config.check().is_err());
        let mut config = CycleGanConfig::tutorial();
        config.cycle_weight = f64::NAN;
        assert!(config.check().is_err());
        let device = device::cpu();
        let domains = bars(&mut Rng::new(1));
        let why = CycleGan::new(CycleGanConfig::shoes(), &domains, &device)
            .unwrap_err()
            .to_string();
        assert!(why.contains("32×32"), "{why}");
    }

    #[test]
    fn flips_mirror_whole_images_and_only_some() {
        let device = device::cpu();
        // One image per domain: a bar in column 1, so a flipped copy has it in column 6.
        let bar: Vec<u8> = (0..64).map(|p| if p % 8 == 1 { 255 } else { 0 }).collect();
        let set = ImageSet::from_raw(bar, None, 8, 8).expect("a set");
        let domains = Domains::new(set.clone(), set).expect("domains");
        let columns = |flips: bool| {
            let mut gan =
                CycleGan::new(small(1).with_flips(flips), &domains, &device).expect("builds");
            let values = gan
                .batch(Direction::AToB)
                .into_data()
                .try_to_vec::<f32>()
                .expect("f32");
            values
                .chunks_exact(64)
                .map(|image| {
                    let bright: Vec<usize> = (0..64).filter(|&p| image[p] > 0.0).collect();
                    assert_eq!(bright.len(), 8, "one whole bar: {image:?}");
                    assert!(bright.iter().all(|p| p % 8 == bright[0] % 8));
                    bright[0] % 8
                })
                .collect::<Vec<_>>()
        };
        let flipped = columns(true);
        assert!(flipped.iter().all(|&c| c == 1 || c == 6), "{flipped:?}");
        assert!(flipped.contains(&1) && flipped.contains(&6), "{flipped:?}");
        assert_eq!(columns(false), vec![1; 8]);
    }

    #[test]
    fn training_lowers_the_cycle_term_and_stays_finite() {
        let device = device::cpu();
        let domains = bars(&mut Rng::new(3));
        let mut gan = CycleGan::new(small(4), &domains, &device).expect("builds");
        let read = |stats: StepStats| block_on(stats.read()).expect("reads");
        let first = read(gan.train_step());
        let mut last = first;
        for _ in 0..40 {
            last = read(gan.train_step());
        }
        assert_eq!(gan.step_count(), 41);
        for v in [last.d_loss, last.g_loss, last.d_real, last.d_fake, last.l1] {
            assert!(v.is_finite(), "{last:?}");
        }
        assert!(
            last.l1 < first.l1 * 0.7,
            "the cycle term should fall: {} → {}",
            first.l1,
            last.l1
        );
        // The four losses are the parts of D's and G's: D_A's and D_B's losses, and G's and
        // F's adversarial terms beside λ·cycle.
        let weight = gan.config().cycle_weight as f32;
        for s in [first, last] {
            let d_b = s.d_loss - s.d_loss_a;
            assert!(s.d_loss_a > 0.0 && d_b > 0.0, "{s:?}");
            assert!(s.adversarial_a2b > 0.0 && s.adversarial_b2a > 0.0, "{s:?}");
            let whole = s.adversarial_a2b + s.adversarial_b2a + weight * s.l1;
            assert!(
                (whole - s.g_loss).abs() <= 1e-4 * s.g_loss.abs().max(1.0),
                "{s:?}"
            );
        }
        // Translating gives images of the same shape in range, and the way back.
        let images = vec![0.0f32; 2 * 64];
        let (there, back) = gan.translate(&images, Direction::AToB).expect("translates");
        assert_eq!((there.dims(), back.dims()), ([2, 64], [2, 64]));
        assert_eq!(gan.judge(there, Direction::AToB).dims(), [2, 1]);
        assert!(gan.translate(&images[..10], Direction::BToA).is_err());
    }

    #[test]
    fn the_generators_update_leaves_the_discriminators_alone() {
        let device = device::cpu();
        let domains = bars(&mut Rng::new(5));
        let mut gan = CycleGan::new(small(6), &domains, &device).expect("builds");
        let weights = |gan: &CycleGan| {
            let d = gan.d_a.net.valid().head.weight.val();
            let g = gan.a2b.net.valid().out.weight.val();
            (d, g)
        };
        let (d0, g0) = weights(&gan);
        gan.update_generators();
        let (d1, g1) = weights(&gan);
        assert!((d1 - d0).abs().max().into_scalar::<f32>() == 0.0);
        assert!((g1 - g0).abs().max().into_scalar::<f32>() > 0.0);
    }

    #[test]
    fn a_snapshot_rebuilds_the_same_run_through_the_share_format() {
        let device = device::cpu();
        let domains = bars(&mut Rng::new(7));
        let mut gan = CycleGan::new(small(8), &domains, &device).expect("builds");
        gan.train_step();
        gan.train_step();
        let saved = block_on(gan.snapshot(SnapshotParts::ALL)).expect("reads");
        assert_eq!(saved.kind.as_deref(), Some(CYCLEGAN));
        let one = gan.a2b.tensors().len();
        assert_eq!(saved.generator.len(), 2 * one);
        assert_eq!(
            saved.discriminator.as_ref().map(Vec::len),
            Some(2 * gan.d_a.tensors().len())
        );
        // Through the bytes a file holds, as the page and the CLI read them.
        let bytes = ganvas_share::encode(&saved.to_payload(""), ganvas_share::Precision::F32)
            .expect("encodes");
        let read = Snapshot::from_payload(ganvas_share::decode(&bytes).expect("decodes"))
            .expect("a snapshot");
        let rebuilt = CycleGan::from_snapshot(&read, &domains, &device).expect("rebuilds");
        assert_eq!(rebuilt.step_count(), 2);
        let again = block_on(rebuilt.snapshot(SnapshotParts::ALL)).expect("reads");
        assert_eq!(again, saved, "every weight and optimiser slot comes back");
        // The two generators are not swapped: each translates as before.
        let images: Vec<f32> = domains.a.batch(&[0, 1]).0;
        for direction in [Direction::AToB, Direction::BToA] {
            let before = gan.translate(&images, direction).expect("runs").0;
            let after = rebuilt.translate(&images, direction).expect("runs").0;
            assert!((before - after).abs().max().into_scalar::<f32>() == 0.0);
        }
        // A generator alone (what a link carries) loads too; D starts fresh.
        let shown = block_on(gan.snapshot(SnapshotParts::default())).expect("reads");
        assert!(shown.discriminator.is_none() && shown.optimizers.is_none());
        CycleGan::from_snapshot(&shown, &domains, &device).expect("G and F alone load");
    }

    #[test]
    fn snapshots_that_do_not_fit_are_refused_in_words() {
        let device = device::cpu();
        let domains = bars(&mut Rng::new(9));
        let gan = CycleGan::new(small(10), &domains, &device).expect("builds");
        let saved = block_on(gan.snapshot(SnapshotParts::ALL)).expect("reads");
        let mut cut = saved.clone();
        cut.generator.pop();
        let why = CycleGan::from_snapshot(&cut, &domains, &device).expect_err("refused");
        assert!(why.to_string().contains("generators"), "{why}");
        let mut pix2pix = saved.clone();
        pix2pix.kind = Some(crate::snapshot::PIX2PIX.into());
        let why = CycleGan::from_snapshot(&pix2pix, &domains, &device).expect_err("refused");
        assert!(why.to_string().contains("not a CycleGAN"), "{why}");
        // A configuration from outside may not ask for more than GANvas opens.
        let mut huge = small(10);
        huge.generator = ResnetGeneratorConfig::new(8, 1, 1024, 16);
        let mut big = saved;
        big.config_json = huge.to_string();
        let why = CycleGan::from_snapshot(&big, &domains, &device).expect_err("refused");
        assert!(why.to_string().contains("parameters"), "{why}");
        for preset in [
            CycleGanConfig::tutorial(),
            CycleGanConfig::shoes(),
            small(1),
        ] {
            crate::training::validate::check_cyclegan(&preset).expect("the presets open");
        }
    }
}
