//! Adversarial objectives, in numerically stable forms on the discriminator's raw outputs.
//!
//! Every function takes D's raw outputs (logits for the cross-entropy losses, scores for the
//! others), shaped `[batch, 1]`, and returns a scalar tensor `[1]` to minimise.

use burn::config::Config;
use burn::tensor::Tensor;
use burn::tensor::activation::relu;

/// The adversarial objective a GAN trains with.
#[derive(Config, Debug, Copy, PartialEq, Eq)]
pub enum LossKind {
    /// The original minimax game: D maximises log D(x) + log(1 − D(G(z))), G minimises
    /// log(1 − D(G(z))). G's gradient vanishes when D wins, which is the point of showing it.
    Minimax,
    /// Minimax for D, but G maximises log D(G(z)) (Goodfellow et al. 2014's practical fix).
    NonSaturating,
    /// Least squares (LSGAN, Mao et al. 2017): targets 1 for real and 0 for fake.
    LeastSquares,
    /// Wasserstein critic with a gradient penalty λ·(‖∇ₓ̂D(x̂)‖ − 1)² (Gulrajani et al. 2017).
    WganGp,
    /// Wasserstein critic with weights clipped to ±0.01 after each critic update
    /// (Arjovsky et al. 2017).
    WganClip,
    /// Hinge loss (Lim & Ye 2017; used by SAGAN and BigGAN).
    Hinge,
}

impl LossKind {
    /// Every loss, in the order a menu shows them.
    pub const ALL: [LossKind; 6] = [
        LossKind::Minimax,
        LossKind::NonSaturating,
        LossKind::LeastSquares,
        LossKind::WganGp,
        LossKind::WganClip,
        LossKind::Hinge,
    ];

    /// A short, stable name (used by the CLI and in links).
    pub fn name(self) -> &'static str {
        match self {
            LossKind::Minimax => "minimax",
            LossKind::NonSaturating => "non-saturating",
            LossKind::LeastSquares => "lsgan",
            LossKind::WganGp => "wgan-gp",
            LossKind::WganClip => "wgan-clip",
            LossKind::Hinge => "hinge",
        }
    }

    /// Parses [`LossKind::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|loss| loss.name() == name)
    }

    /// Whether D's output is a logit whose sigmoid is a probability of "real".
    pub fn has_probability_output(self) -> bool {
        matches!(self, LossKind::Minimax | LossKind::NonSaturating)
    }

    /// Whether D is a Wasserstein critic (its gap E[D(x)] − E[D(G(z))] estimates a distance).
    pub fn is_wasserstein(self) -> bool {
        matches!(self, LossKind::WganGp | LossKind::WganClip)
    }

    /// Whether the loss uses per-sample targets, so label smoothing and flipping apply.
    pub fn uses_targets(self) -> bool {
        matches!(
            self,
            LossKind::Minimax | LossKind::NonSaturating | LossKind::LeastSquares
        )
    }

    /// D's loss on real outputs `[batch, 1]` with targets `[batch, 1]` (1 = real; smoothing and
    /// flipping change them), and fake outputs with their targets (0 = fake).
    ///
    /// Targets are ignored by the Wasserstein and hinge losses.
    pub fn discriminator(
        self,
        real: Tensor<2>,
        real_target: Tensor<2>,
        fake: Tensor<2>,
        fake_target: Tensor<2>,
    ) -> Tensor<1> {
        match self {
            LossKind::Minimax | LossKind::NonSaturating => {
                bce_with_logits(real, real_target).mean()
                    + bce_with_logits(fake, fake_target).mean()
            }
            LossKind::LeastSquares => {
                (real - real_target).square().mean().mul_scalar(0.5)
                    + (fake - fake_target).square().mean().mul_scalar(0.5)
            }
            LossKind::WganGp | LossKind::WganClip => fake.mean() - real.mean(),
            LossKind::Hinge => {
                relu(real.neg().add_scalar(1.0)).mean() + relu(fake.add_scalar(1.0)).mean()
            }
        }
    }

    /// G's loss on D's outputs for generated samples `[batch, 1]`.
    pub fn generator(self, fake: Tensor<2>) -> Tensor<1> {
        match self {
            // log(1 − σ(f)) = −softplus(f)
            LossKind::Minimax => softplus(fake).neg().mean(),
            // −log σ(f) = softplus(−f)
            LossKind::NonSaturating => softplus(fake.neg()).mean(),
            LossKind::LeastSquares => fake.sub_scalar(1.0).square().mean().mul_scalar(0.5),
            LossKind::WganGp | LossKind::WganClip | LossKind::Hinge => fake.mean().neg(),
        }
    }
}

/// The floor under the probabilities whose logs the Pix2Pix tutorial's D loss takes.
pub const PIX2PIX_LOG_FLOOR: f64 = 1e-7;

/// The Pix2Pix tutorial's D loss on D's logits for real images `[n, 1]` and generated ones
/// `[m, 1]` (the tutorial trains D on half batches of each):
/// `−(mean log D(x) + mean log(1 − D(G(y))))`, each probability clipped below at
/// [`PIX2PIX_LOG_FLOOR`] before its log (no gradient flows where the clip holds).
pub fn pix2pix_discriminator(real: Tensor<2>, fake: Tensor<2>) -> Tensor<1> {
    let floor = PIX2PIX_LOG_FLOOR.ln();
    // log σ(l) = −softplus(−l); log(1 − σ(l)) = −softplus(l)
    let log_real = softplus(real.neg()).neg().clamp_min(floor);
    let log_not_fake = softplus(fake).neg().clamp_min(floor);
    (log_real.mean() + log_not_fake.mean()).neg()
}

/// The Pix2Pix tutorial's G loss: `mean(−log D(G(y))) + λ·L1`, on D's logits for generated
/// images `[batch, 1]`, with L1 the sum over pixels of `|target − output|` (both flattened
/// `[batch, pixels]`), averaged over the batch's images. Returns (the whole loss, the L1 term
/// before λ), so the page can chart the L1 term on its own.
pub fn pix2pix_generator(
    fake: Tensor<2>,
    output: Tensor<2>,
    target: Tensor<2>,
    lambda: f64,
) -> (Tensor<1>, Tensor<1>) {
    let adversarial = softplus(fake.neg()).mean();
    let l1 = summed_l1(target, output);
    (adversarial + l1.clone().mul_scalar(lambda), l1)
}

/// CycleGAN's D loss (LSGAN, as the Keras tutorial writes it) on D's scores for real images
/// `[n, 1]` and generated ones `[m, 1]`: `½·(mean (D(x) − 1)² + mean D(G(y))²)`.
pub fn lsgan_discriminator(real: Tensor<2>, fake: Tensor<2>) -> Tensor<1> {
    (real.sub_scalar(1.0).square().mean() + fake.square().mean()).mul_scalar(0.5)
}

/// CycleGAN's adversarial G loss (LSGAN) on D's scores for generated images `[n, 1]`:
/// `mean (D(G(y)) − 1)²`.
pub fn lsgan_generator(fake: Tensor<2>) -> Tensor<1> {
    fake.sub_scalar(1.0).square().mean()
}

/// The L1 distance the Pix2Pix and CycleGAN tutorials weigh by λ: the sum over pixels of
/// `|a − b|` (both flattened `[batch, pixels]`), averaged over the batch's images.
pub fn summed_l1(a: Tensor<2>, b: Tensor<2>) -> Tensor<1> {
    (a - b).abs().sum_dim(1).mean()
}

/// `log(1 + eˣ)`, stable for large |x|: `max(x, 0) + log1p(e^(−|x|))`.
pub fn softplus<const D: usize>(x: Tensor<D>) -> Tensor<D> {
    relu(x.clone()) + x.abs().neg().exp().log1p()
}

/// Binary cross-entropy of `sigmoid(logits)` against `targets` in [0, 1], per element:
/// `softplus(l) − l·t`, which equals `−t·log σ(l) − (1 − t)·log(1 − σ(l))`.
pub fn bce_with_logits<const D: usize>(logits: Tensor<D>, targets: Tensor<D>) -> Tensor<D> {
    softplus(logits.clone()) - logits * targets
}

/// Cross-entropy of class logits `[batch, classes]` against one-hot targets, averaged.
pub fn cross_entropy(logits: Tensor<2>, one_hot: Tensor<2>) -> Tensor<1> {
    // log-softmax, shifted by the row maximum for stability
    let max = logits.clone().max_dim(1).detach(); // [batch, 1]
    let shifted = logits - max;
    let log_norm = shifted.clone().exp().sum_dim(1).log(); // [batch, 1]
    let log_probs = shifted - log_norm;
    (log_probs * one_hot).sum_dim(1).neg().mean()
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Tensor, TensorData};

    use super::*;

    fn column(values: &[f32], device: &burn::tensor::Device) -> Tensor<2> {
        Tensor::from_data(TensorData::new(values.to_vec(), [values.len(), 1]), device)
    }

    fn scalar(t: Tensor<1>) -> f32 {
        t.into_data().try_into_vec::<f32>().expect("f32")[0]
    }

    fn close(a: f32, b: f32) {
        assert!((a - b).abs() < 1e-5, "{a} vs {b}");
    }

    /// D's loss on one real logit and one fake logit with plain targets (1 real, 0 fake).
    fn d_loss(loss: LossKind, real: f32, fake: f32) -> f32 {
        let device = burn::tensor::Device::flex();
        scalar(loss.discriminator(
            column(&[real], &device),
            column(&[1.0], &device),
            column(&[fake], &device),
            column(&[0.0], &device),
        ))
    }

    /// G's loss on one fake logit, and its derivative with respect to that logit.
    fn g_loss_and_grad(loss: LossKind, fake: f32) -> (f32, f32) {
        let device = burn::tensor::Device::flex().autodiff();
        let x = column(&[fake], &device).require_grad();
        let value = loss.generator(x.clone());
        let grads = value.backward();
        let grad = x.grad(&grads).expect("gradient");
        let grad = grad.into_data().try_into_vec::<f32>().expect("f32")[0];
        (scalar(value.inner()), grad)
    }

    #[test]
    fn discriminator_losses_match_hand_computed_values() {
        // −log σ(2) − log(1 − σ(−1)) = log(1 + e⁻²) + log(1 + e⁻¹)
        let bce = (1.0 + (-2.0_f32).exp()).ln() + (1.0 + (-1.0_f32).exp()).ln();
        close(d_loss(LossKind::Minimax, 2.0, -1.0), bce);
        close(d_loss(LossKind::NonSaturating, 2.0, -1.0), bce);
        close(
            d_loss(LossKind::LeastSquares, 2.0, -1.0),
            0.5 * 1.0 + 0.5 * 1.0,
        );
        close(d_loss(LossKind::WganGp, 2.0, -1.0), -3.0);
        close(d_loss(LossKind::WganClip, 2.0, -1.0), -3.0);
        close(d_loss(LossKind::Hinge, 2.0, -1.0), 0.0);
        close(d_loss(LossKind::Hinge, 0.5, 0.5), 0.5 + 1.5);
    }

    #[test]
    fn generator_losses_and_gradients_match_hand_computed_values() {
        let sigmoid = |x: f32| 1.0 / (1.0 + (-x).exp());
        let f = -1.0_f32;
        // minimax: log(1 − σ(f)); d/df = −σ(f), which vanishes as D wins (f → −∞)
        let (value, grad) = g_loss_and_grad(LossKind::Minimax, f);
        close(value, (1.0 - sigmoid(f)).ln());
        close(grad, -sigmoid(f));
        // non-saturating: −log σ(f); d/df = −(1 − σ(f))
        let (value, grad) = g_loss_and_grad(LossKind::NonSaturating, f);
        close(value, -sigmoid(f).ln());
        close(grad, -(1.0 - sigmoid(f)));
        // least squares: ½(f − 1)²; d/df = f − 1
        let (value, grad) = g_loss_and_grad(LossKind::LeastSquares, f);
        close(value, 2.0);
        close(grad, -2.0);
        for loss in [LossKind::WganGp, LossKind::WganClip, LossKind::Hinge] {
            let (value, grad) = g_loss_and_grad(loss, f);
            close(value, 1.0);
            close(grad, -1.0);
        }
    }

    #[test]
    fn cross_entropy_forms_are_stable_for_extreme_logits() {
        let device = burn::tensor::Device::flex();
        let logits = column(&[100.0, -100.0], &device);
        let targets = column(&[0.0, 1.0], &device);
        let values = bce_with_logits(logits, targets)
            .into_data()
            .try_into_vec::<f32>()
            .expect("f32");
        close(values[0], 100.0);
        close(values[1], 100.0);
        let huge = LossKind::NonSaturating.generator(column(&[-200.0], &device));
        close(scalar(huge), 200.0);
    }

    #[test]
    fn label_smoothing_moves_the_real_target() {
        let device = burn::tensor::Device::flex();
        let loss = |target: f32| {
            scalar(LossKind::NonSaturating.discriminator(
                column(&[3.0], &device),
                column(&[target], &device),
                column(&[-3.0], &device),
                column(&[0.0], &device),
            ))
        };
        // With target 0.9 a very confident D is penalised more than with target 1.
        assert!(loss(0.9) > loss(1.0) + 0.2);
    }

    #[test]
    fn class_cross_entropy_is_log_softmax_of_the_true_class() {
        let device = burn::tensor::Device::flex();
        let logits =
            Tensor::<2>::from_data(TensorData::new(vec![1.0_f32, 2.0, 3.0], [1, 3]), &device);
        let one_hot =
            Tensor::<2>::from_data(TensorData::new(vec![0.0_f32, 0.0, 1.0], [1, 3]), &device);
        let expected = -(3.0_f32.exp() / (1.0_f32.exp() + 2.0_f32.exp() + 3.0_f32.exp())).ln();
        close(scalar(cross_entropy(logits, one_hot)), expected);
    }

    #[test]
    fn pix2pix_losses_match_hand_computed_values() {
        let device = burn::tensor::Device::flex();
        // log σ(0) = −0.693147, log σ(2) = −0.126928: mean −0.410038. log(1 − σ(−1)) =
        // −0.313262; log(1 − σ(30)) ≈ −30 is clipped to ln 1e-7 = −16.118096: mean −8.215679.
        let d = pix2pix_discriminator(column(&[0.0, 2.0], &device), column(&[-1.0, 30.0], &device));
        close(scalar(d), 0.410_038 + 8.215_679);
        // −log σ(0) and −log σ(2): mean 0.410038. Per-image L1 sums 0.5 and 1.0: mean 0.75.
        let image = |values: [f32; 2]| {
            Tensor::<2>::from_data(TensorData::new(values.to_vec(), [1, 2]), &device)
        };
        let output = Tensor::cat(vec![image([0.5, -1.0]), image([1.0, 0.0])], 0);
        let target = Tensor::cat(vec![image([0.0, -1.0]), image([0.5, 0.5])], 0);
        let (g, l1) = pix2pix_generator(column(&[0.0, 2.0], &device), output, target, 10.0);
        close(scalar(l1), 0.75);
        close(scalar(g), 0.410_038 + 7.5);
    }

    #[test]
    fn the_pix2pix_clip_stops_the_gradient_of_a_hopeless_fake() {
        let device = burn::tensor::Device::flex().autodiff();
        // (Not at a logit of exactly 0: softplus's stable form has a zero subgradient there.)
        let fake = column(&[30.0, 1.0], &device).require_grad();
        let loss = pix2pix_discriminator(column(&[0.0], &device), fake.clone());
        let grads = loss.backward();
        let grad = fake.grad(&grads).expect("gradient");
        let grad = grad.into_data().try_into_vec::<f32>().expect("f32");
        // d/dl of −½·log(1 − σ(l)) = ½σ(l): 0.3655 at 1; nothing where the clip holds.
        close(grad[0], 0.0);
        close(grad[1], 0.5 / (1.0 + (-1.0f32).exp()));
    }

    #[test]
    fn names_round_trip() {
        for loss in LossKind::ALL {
            assert_eq!(LossKind::from_name(loss.name()), Some(loss));
        }
        assert_eq!(LossKind::from_name("wgan"), None);
    }

    #[test]
    fn cyclegans_losses_on_hand_computed_values() {
        let device = burn::tensor::Device::flex();
        // D: ½·(mean((0.5 − 1)², (1.5 − 1)²) + mean(0.2², (−0.4)²)) = ½·(0.25 + 0.1) = 0.175
        let real = column(&[0.5, 1.5], &device);
        let fake = column(&[0.2, -0.4], &device);
        close(scalar(lsgan_discriminator(real, fake.clone())), 0.175);
        // G: mean((0.2 − 1)², (−0.4 − 1)²) = (0.64 + 1.96) / 2 = 1.3
        close(scalar(lsgan_generator(fake)), 1.3);
        // Cycle L1, summed over an image's pixels and averaged over images:
        // |1 − 0.5| + |−1 − (−1)| = 0.5 and |0 − 0.25| + |0.5 − (−0.5)| = 1.25; mean 0.875.
        let a = Tensor::<2>::from_data(
            TensorData::new(vec![1.0f32, -1.0, 0.0, 0.5], [2, 2]),
            &device,
        );
        let b = Tensor::<2>::from_data(
            TensorData::new(vec![0.5f32, -1.0, 0.25, -0.5], [2, 2]),
            &device,
        );
        close(scalar(summed_l1(a, b)), 0.875);
    }
}
