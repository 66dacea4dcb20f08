//! One training step: k discriminator updates, then the generator's updates.
//!
//! Every update runs a fresh forward pass (Burn keeps no graph between backward passes) and
//! tracks no graph it does not need: D's update runs G untracked and scores real and fake in
//! one forward pass.
//! Nothing is read back to the host: the statistics stay on the device as a [`StepStats`]
//! tensor.

use burn::module::{Module, ModuleMapper, Param};
use burn::tensor::activation::sigmoid;
use burn::tensor::{Distribution, Tensor};

use super::gan::{Gan, tensor_2d};
use super::stats::StepStats;
use crate::loss::{LossKind, cross_entropy};
use crate::model::Discriminator;

/// D's side of a step, as scalar tensors `[1]` detached from any graph.
#[derive(Debug)]
struct DiscriminatorStats {
    loss: Tensor<1>,
    real: Tensor<1>,
    fake: Tensor<1>,
    gap: Tensor<1>,
    penalty: Tensor<1>,
    class_accuracy: Tensor<1>,
}

/// How far the current step has got (see [`Gan::train_update`]).
#[derive(Debug, Default)]
pub(crate) struct StepProgress {
    d_done: usize,
    g_done: usize,
    d_stats: Option<DiscriminatorStats>,
    g_loss: Option<Tensor<1>>,
}

impl Gan {
    /// One training step: `d_steps` discriminator updates, then `g_steps` generator updates.
    /// Returns this step's statistics without reading them back. Finishes a step that
    /// [`Gan::train_update`] has started.
    pub fn train_step(&mut self) -> StepStats {
        loop {
            if let Some(stats) = self.train_update() {
                return stats;
            }
        }
    }

    /// One network update of the current step (D's first, then G's), so that a caller with a
    /// time budget (a browser frame) can spread a step's updates over several calls. Returns
    /// the step's statistics when this update completed it.
    pub fn train_update(&mut self) -> Option<StepStats> {
        let (d_steps, g_steps) = (self.config.train.d_steps, self.config.train.g_steps);
        if self.progress.d_done < d_steps {
            self.progress.d_stats = Some(self.discriminator_update());
            self.progress.d_done += 1;
        } else if self.progress.g_done < g_steps {
            self.progress.g_loss = Some(self.generator_update());
            self.progress.g_done += 1;
        }
        if self.progress.d_done < d_steps || self.progress.g_done < g_steps {
            return None;
        }
        let done = std::mem::take(&mut self.progress);
        let d_stats = done
            .d_stats
            .unwrap_or_else(|| self.discriminator_eval_stats());
        let g_loss = done.g_loss.unwrap_or_else(|| d_stats.loss.zeros_like());
        self.step += 1;
        Some(StepStats::from_slots(vec![
            d_stats.loss,
            g_loss,
            d_stats.real,
            d_stats.fake,
            d_stats.gap,
            d_stats.penalty,
            d_stats.class_accuracy,
        ]))
    }

    /// Network updates in one step (`d_steps + g_steps`).
    pub fn updates_per_step(&self) -> usize {
        self.config.train.d_steps + self.config.train.g_steps
    }

    /// Only D's updates (the "train D" single step).
    pub fn train_discriminator_only(&mut self) -> StepStats {
        let d_stats = self.discriminator_update();
        let zero = d_stats.loss.zeros_like();
        StepStats::from_slots(vec![
            d_stats.loss,
            zero,
            d_stats.real,
            d_stats.fake,
            d_stats.gap,
            d_stats.penalty,
            d_stats.class_accuracy,
        ])
    }

    /// Only G's update (the "train G" single step).
    pub fn train_generator_only(&mut self) -> StepStats {
        let g_loss = self.generator_update();
        StepStats::from_slots(vec![g_loss.zeros_like(), g_loss])
    }

    fn instance_noise(&self, x: Tensor<2>) -> Tensor<2> {
        let sigma = self.config.train.tricks.instance_noise_at(self.step);
        if sigma <= 0.0 {
            return x;
        }
        let noise = x.random_like(Distribution::Normal(0.0, sigma)).detach();
        x + noise
    }

    /// Per-sample targets for D's real and fake outputs, with smoothing and flipping.
    fn targets(&mut self, batch: usize) -> (Tensor<2>, Tensor<2>) {
        let tricks = &self.config.train.tricks;
        let real_label = tricks.real_label as f32;
        let flip = tricks.label_flip as f32;
        let device = self.device.clone();
        if flip <= 0.0 {
            return (
                Tensor::full([batch, 1], real_label, &device),
                Tensor::zeros([batch, 1], &device),
            );
        }
        let mut real = Vec::with_capacity(batch);
        let mut fake = Vec::with_capacity(batch);
        for _ in 0..batch {
            real.push(if self.rng.bernoulli(flip) {
                0.0
            } else {
                real_label
            });
            fake.push(if self.rng.bernoulli(flip) {
                real_label
            } else {
                0.0
            });
        }
        (
            tensor_2d(real, [batch, 1], &device),
            tensor_2d(fake, [batch, 1], &device),
        )
    }

    fn discriminator_update(&mut self) -> DiscriminatorStats {
        let train = self.config.train.clone();
        let loss_kind = train.loss;
        let batch = train.batch_size;
        let device = self.device.clone();

        let real = self.data.batch(batch, &mut self.rng, &device);
        let (input, _) = self
            .generator_input(batch, None, &device)
            .expect("random classes are always in range");
        // No graph through G: its parameters are tracked only in G's own update. (Batch norm
        // still normalises by this batch and updates its running statistics, as in training.)
        let fake = untracked(&self.generator.net).forward(input);
        let fake = self.replay.mix(
            fake,
            train.tricks.replay_capacity,
            train.tricks.replay_share,
            &mut self.rng,
        );
        let real_in = self.instance_noise(real.samples.clone());
        let fake_in = self.instance_noise(fake.clone());
        let (d_real, d_fake) = self.discriminator.net.forward_pair(real_in, fake_in, true);
        let (real_target, fake_target) = self.targets(batch);

        let mut loss = loss_kind.discriminator(
            d_real.logit.clone(),
            real_target,
            d_fake.logit.clone(),
            fake_target,
        );
        let mut penalty = loss.zeros_like();
        if loss_kind == LossKind::WganGp {
            penalty = gradient_penalty(&self.discriminator.net, real.samples.clone(), fake)
                .mul_scalar(train.gp_weight);
            loss = loss + penalty.clone();
        }
        let mut class_accuracy = loss.zeros_like();
        if let (Some(classes), Some(labels)) = (d_real.classes.clone(), real.labels) {
            // AC-GAN: D also names the class of real images (fakes carry no class term for D).
            class_accuracy = accuracy(classes.clone(), labels.clone());
            loss = loss + cross_entropy(classes, labels);
        }

        let stats = DiscriminatorStats {
            loss: loss.clone().detach(),
            real: mean_output(loss_kind, d_real.logit.clone()),
            fake: mean_output(loss_kind, d_fake.logit.clone()),
            gap: (d_real.logit.detach().mean() - d_fake.logit.detach().mean()),
            penalty: penalty.detach(),
            class_accuracy: class_accuracy.detach(),
        };

        self.discriminator
            .update(loss, &train.discriminator_optimizer);
        if loss_kind == LossKind::WganClip {
            let d = self.discriminator.net.clone();
            self.discriminator.net = d.map(&mut Clip(train.clip));
        }
        stats
    }

    fn discriminator_eval_stats(&mut self) -> DiscriminatorStats {
        let zero = Tensor::zeros([1], &self.device);
        DiscriminatorStats {
            loss: zero.clone(),
            real: zero.clone(),
            fake: zero.clone(),
            gap: zero.clone(),
            penalty: zero.clone(),
            class_accuracy: zero,
        }
    }

    fn generator_update(&mut self) -> Tensor<1> {
        let train = self.config.train.clone();
        let device = self.device.clone();
        let (input, labels) = self
            .generator_input(train.batch_size, None, &device)
            .expect("random classes are always in range");
        let fake = self.generator.net.forward(input);
        // D stays tracked here, though its weight gradients are thrown away: with D untracked,
        // wgpu gave G gradients 12 % off Flex's for dcgan-small (3×3 stride-2 convolutions),
        // while Flex matched exactly; see ARCHITECTURE.md.
        let out = self
            .discriminator
            .net
            .forward(self.instance_noise(fake), true);
        let mut loss = train.loss.generator(out.logit);
        if let (Some(classes), Some(labels)) = (out.classes, labels) {
            // G is penalised when D does not recognise the class it was asked for.
            loss = loss + cross_entropy(classes, labels);
        }
        let value = loss.clone().detach();
        self.generator.update(loss, &train.generator_optimizer);
        self.update_averaged_generator();
        value
    }
}

/// λ-free gradient penalty: mean over the batch of (‖∇ₓ̂ D(x̂)‖₂ − 1)², with
/// x̂ = εx + (1 − ε)G(z), ε ~ U[0, 1] per sample. The gradient is built explicitly from tensor
/// ops, so the penalty's own gradient with respect to D's weights is exact.
pub fn gradient_penalty(
    discriminator: &Discriminator,
    real: Tensor<2>,
    fake: Tensor<2>,
) -> Tensor<1> {
    let [batch, _] = real.dims();
    let epsilon = Tensor::<2>::random([batch, 1], Distribution::Uniform(0.0, 1.0), &real.device());
    let interpolated = real * epsilon.clone() + fake * epsilon.neg().add_scalar(1.0);
    penalty_at(discriminator, interpolated.detach(), true)
}

/// Mean of (‖∇ₓ D(x)‖₂ − 1)² over the rows of `x` `[batch, dim]`.
pub fn penalty_at(discriminator: &Discriminator, x: Tensor<2>, train: bool) -> Tensor<1> {
    let (_, grad) = discriminator.forward_with_input_grad(x, train);
    let norm = grad.square().sum_dim(1).add_scalar(1e-12).sqrt(); // [batch, 1]
    norm.sub_scalar(1.0).square().mean()
}

/// Mean of D's output as shown to people: a probability for the cross-entropy losses.
fn mean_output(loss: LossKind, logits: Tensor<2>) -> Tensor<1> {
    let logits = logits.detach();
    if loss.has_probability_output() {
        sigmoid(logits).mean()
    } else {
        logits.mean()
    }
}

/// Share of rows whose largest logit is the labelled class `[1]`.
fn accuracy(logits: Tensor<2>, one_hot: Tensor<2>) -> Tensor<1> {
    let logits = logits.detach();
    let [batch, classes] = logits.dims();
    let max = logits.clone().max_dim(1).expand([batch, classes]);
    let is_max = logits.clone().greater_equal(max);
    let hits = logits.zeros_like().mask_fill(is_max, 1.0) * one_hot;
    hits.sum_dim(1).clamp_max(1.0).mean()
}

/// A copy of `module` whose parameters are not tracked by autodiff; `module` stays tracked.
/// (Burn's `no_grad` on a clone is not enough: a parameter not yet initialised shares its lazy
/// state with the original, so the original would be initialised untracked too.)
pub(crate) fn untracked<M: Module>(module: &M) -> M {
    struct Untrack;
    impl ModuleMapper for Untrack {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            param.map(|tensor| tensor.set_require_grad(false))
        }
    }
    module.clone().map(&mut Untrack)
}

/// Clamps every parameter to ±c (WGAN's weight clipping).
struct Clip(f64);

impl ModuleMapper for Clip {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let bound = self.0;
        param.map(|tensor| {
            let require_grad = tensor.is_require_grad();
            let clipped = Tensor::from_inner(tensor.inner().clamp(-bound, bound));
            if require_grad {
                clipped.require_grad()
            } else {
                clipped
            }
        })
    }
}
