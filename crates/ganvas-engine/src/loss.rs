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
