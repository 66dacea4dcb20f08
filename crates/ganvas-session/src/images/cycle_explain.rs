//! Explain mode for CycleGAN: one update of both discriminators, then one of both generators,
//! measured phase by phase on fixed held-out images of both classes, with the live numbers the
//! page walks through.

use burn::tensor::Tensor;
use ganvas_engine::data::pairs::crop;
use ganvas_engine::loss::{lsgan_discriminator, lsgan_generator, summed_l1};
use ganvas_engine::training::gan::read_many;
use ganvas_engine::training::{CycleGan, Direction};
use ganvas_engine::{Error, Result};
use serde::{Deserialize, Serialize};

use super::cycle::CycleScene;
use super::pairs::BORDER;

/// Held-out images of each class the walkthrough measures on (the first is the one shown).
const EXPLAIN_IMAGES: usize = 16;

/// One CycleGAN iteration measured on fixed held-out images of both classes: before the
/// discriminators' update, after it, and after the generators'. G translates A → B, F B → A;
/// D_A judges images of A, D_B images of B. Scores are LSGAN's (1: real, 0: translated).
/// Images are `side²` pixels in [−1, 1], the border cropped off.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CycleWalkthrough {
    /// Image side in pixels.
    pub side: usize,
    /// The classes' names, A's then B's.
    pub names: [String; 2],
    /// The first held-out image of A.
    pub a: Vec<f32>,
    /// The first held-out image of B.
    pub b: Vec<f32>,
    /// G(a), before the iteration and after G's update.
    pub a2b: [Vec<f32>; 2],
    /// F(G(a)), the way back, at the same two moments.
    pub a2b2a: [Vec<f32>; 2],
    /// F(b), before the iteration and after F's update.
    pub b2a: [Vec<f32>; 2],
    /// G(F(b)), the way back, at the same two moments.
    pub b2a2b: [Vec<f32>; 2],
    /// Mean score D_A gives real images of A: before the Ds' update, after it, after the
    /// generators'.
    pub d_a_real: [f32; 3],
    /// Mean score D_A gives F(b), at the same three moments.
    pub d_a_fake: [f32; 3],
    /// Mean score D_B gives real images of B, at the same three moments.
    pub d_b_real: [f32; 3],
    /// Mean score D_B gives G(a), at the same three moments.
    pub d_b_fake: [f32; 3],
    /// D_A's loss `½·(mean (D_A(a) − 1)² + mean D_A(F(b))²)` at the three moments.
    pub d_a_loss: [f32; 3],
    /// D_B's loss, the same on b and G(a), at the three moments.
    pub d_b_loss: [f32; 3],
    /// The generators' whole loss (both adversarial terms + λ·cycle) at the three moments.
    pub g_loss: [f32; 3],
    /// G's adversarial term `mean (D_B(G(a)) − 1)²` at the three moments.
    pub adversarial_a2b: [f32; 3],
    /// F's adversarial term `mean (D_A(F(b)) − 1)²` at the three moments.
    pub adversarial_b2a: [f32; 3],
    /// The cycle term before λ: per-image pixel sums `|a − F(G(a))|` + `|b − G(F(b))|`, at
    /// the three moments.
    pub cycle: [f32; 3],
    /// λ, the cycle term's weight.
    pub cycle_weight: f32,
    /// Discriminator updates per generator update in training (the walkthrough shows one).
    pub d_updates: usize,
    /// Learning rates: the discriminators' and the generators'.
    pub learning_rates: [f32; 2],
    /// Images of each class the means are over.
    pub images: usize,
}

/// What one probe measures on `a` and `b` `[n, side²]`: the first image of G(a), F(G(a)),
/// F(b), G(F(b)) together `[4, side²]`, and the ten numbers `[1, 10]` in the order
/// [`CycleScene::explain`] reads them.
fn probe(gan: &CycleGan, a: &Tensor<2>, b: &Tensor<2>) -> [Tensor<2>; 2] {
    let (a2b, a2b2a) = gan.translate_on_device(a.clone(), Direction::AToB);
    let (b2a, b2a2b) = gan.translate_on_device(b.clone(), Direction::BToA);
    let d_a_real = gan.judge(a.clone(), Direction::BToA); // [n, 1]
    let d_a_fake = gan.judge(b2a.clone(), Direction::BToA); // [n, 1]
    let d_b_real = gan.judge(b.clone(), Direction::AToB); // [n, 1]
    let d_b_fake = gan.judge(a2b.clone(), Direction::AToB); // [n, 1]
    let d_a_loss = lsgan_discriminator(d_a_real.clone(), d_a_fake.clone());
    let d_b_loss = lsgan_discriminator(d_b_real.clone(), d_b_fake.clone());
    let adversarial_a2b = lsgan_generator(d_b_fake.clone());
    let adversarial_b2a = lsgan_generator(d_a_fake.clone());
    let cycle = summed_l1(a.clone(), a2b2a.clone()) + summed_l1(b.clone(), b2a2b.clone());
    let g_loss = adversarial_a2b.clone()
        + adversarial_b2a.clone()
        + cycle.clone().mul_scalar(gan.config().cycle_weight);
    let mean = |scores: Tensor<2>| scores.mean().reshape([1, 1]);
    let one = |value: Tensor<1>| value.reshape([1, 1]);
    let numbers = Tensor::cat(
        vec![
            mean(d_a_real),
            mean(d_a_fake),
            mean(d_b_real),
            mean(d_b_fake),
            one(d_a_loss),
            one(d_b_loss),
            one(g_loss),
            one(adversarial_a2b),
            one(adversarial_b2a),
            one(cycle),
        ],
        1,
    ); // [1, 10]
    let first = |images: Tensor<2>| images.narrow(0, 0, 1);
    // [4, side²]
    let shown = Tensor::cat(vec![first(a2b), first(a2b2a), first(b2a), first(b2a2b)], 0);
    [shown, numbers]
}

impl CycleScene {
    /// Runs one update of both discriminators and one of both generators of `gan`, measuring
    /// every phase on the first held-out images of each class (all in one transfer). The
    /// updates draw their own training batches, as in training; the step count does not move.
    pub async fn explain(&self, gan: &mut CycleGan) -> Result<CycleWalkthrough> {
        let [held_a, held_b] = &self.held;
        let n = EXPLAIN_IMAGES.min(held_a.count).min(held_b.count);
        if n == 0 {
            return Err(Error::EmptyDataset);
        }
        let a = held_a.images.clone().narrow(0, 0, n); // [n, side²]
        let b = held_b.images.clone().narrow(0, 0, n); // [n, side²]
        let mut tensors = Vec::with_capacity(8);
        tensors.extend(probe(gan, &a, &b));
        let _ = gan.update_discriminators();
        tensors.extend(probe(gan, &a, &b));
        let _ = gan.update_generators();
        tensors.extend(probe(gan, &a, &b));
        // The first images of A and B: [2, side²].
        tensors.push(Tensor::cat(vec![a.narrow(0, 0, 1), b.narrow(0, 0, 1)], 0));
        let values = read_many(tensors).await?;
        Ok(self.walkthrough(gan, &values, n))
    }

    /// The walkthrough from the values read back: three probes' `[shown, numbers]`, then the
    /// first images of A and B.
    fn walkthrough(&self, gan: &CycleGan, values: &[Vec<f32>], n: usize) -> CycleWalkthrough {
        let per = self.side * self.side;
        let empty = Vec::new();
        let tensor = |i: usize| values.get(i).unwrap_or(&empty);
        // The `k`-th image of tensor `i`, cropped (empty when missing).
        let image = |i: usize, k: usize| {
            tensor(i)
                .get(k * per..(k + 1) * per)
                .map(|pixels| crop(pixels, self.side, BORDER))
                .unwrap_or_default()
        };
        // Number `k` of the three probes.
        let at = |k: usize| [1, 3, 5].map(|i: usize| tensor(i).get(k).copied().unwrap_or(f32::NAN));
        let config = gan.config();
        CycleWalkthrough {
            side: self.side - 2 * BORDER,
            names: self.names.clone(),
            a: image(6, 0),
            b: image(6, 1),
            a2b: [image(0, 0), image(4, 0)],
            a2b2a: [image(0, 1), image(4, 1)],
            b2a: [image(0, 2), image(4, 2)],
            b2a2b: [image(0, 3), image(4, 3)],
            d_a_real: at(0),
            d_a_fake: at(1),
            d_b_real: at(2),
            d_b_fake: at(3),
            d_a_loss: at(4),
            d_b_loss: at(5),
            g_loss: at(6),
            adversarial_a2b: at(7),
            adversarial_b2a: at(8),
            cycle: at(9),
            cycle_weight: config.cycle_weight as f32,
            d_updates: config.d_updates,
            learning_rates: [
                config.discriminator_optimizer.lr as f32,
                config.generator_optimizer.lr as f32,
            ],
            images: n,
        }
    }
}
