//! Optimiser settings.

use burn::config::Config;

/// Which update rule an optimiser applies.
#[derive(Config, Debug, Copy, PartialEq, Eq)]
pub enum OptimizerKind {
    /// Adam (Kingma & Ba 2015) with bias correction.
    Adam,
    /// RMSProp as TensorFlow 1 implements it (the toy tutorial's optimiser): the mean square
    /// starts at 1, ε sits inside the square root, optional momentum.
    RmsProp,
    /// Stochastic gradient descent with (Keras-style) momentum.
    Sgd,
}

impl OptimizerKind {
    /// Every optimiser, in menu order.
    pub const ALL: [OptimizerKind; 3] = [
        OptimizerKind::Adam,
        OptimizerKind::RmsProp,
        OptimizerKind::Sgd,
    ];

    /// A short, stable name.
    pub fn name(self) -> &'static str {
        match self {
            OptimizerKind::Adam => "adam",
            OptimizerKind::RmsProp => "rmsprop",
            OptimizerKind::Sgd => "sgd",
        }
    }

    /// Parses [`OptimizerKind::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// State tensors kept per parameter.
    pub fn slots(self) -> usize {
        match self {
            OptimizerKind::Adam | OptimizerKind::RmsProp => 2,
            OptimizerKind::Sgd => 1,
        }
    }
}

/// An optimiser and its hyperparameters; every field may change between steps.
#[derive(Config, Debug, PartialEq)]
pub struct OptimizerConfig {
    /// The update rule.
    pub kind: OptimizerKind,
    /// Learning rate.
    pub lr: f64,
    /// Adam's β1 (decay of the first moment).
    #[config(default = 0.9)]
    pub beta1: f64,
    /// Adam's β2 (decay of the second moment).
    #[config(default = 0.999)]
    pub beta2: f64,
    /// ε in the denominator (Adam, RMSProp).
    #[config(default = 1e-8)]
    pub epsilon: f64,
    /// RMSProp's decay of the mean square.
    #[config(default = 0.9)]
    pub rho: f64,
    /// Momentum (SGD, RMSProp).
    #[config(default = 0.0)]
    pub momentum: f64,
}

impl OptimizerConfig {
    /// Adam with learning rate `lr` and PyTorch's defaults otherwise.
    pub fn adam(lr: f64) -> Self {
        Self::new(OptimizerKind::Adam, lr)
    }

    /// TensorFlow 1's `RMSPropOptimizer(lr)`: decay 0.9, no momentum, ε = 1e-10.
    pub fn rmsprop(lr: f64) -> Self {
        Self::new(OptimizerKind::RmsProp, lr).with_epsilon(1e-10)
    }

    /// SGD with the given momentum.
    pub fn sgd(lr: f64, momentum: f64) -> Self {
        Self::new(OptimizerKind::Sgd, lr).with_momentum(momentum)
    }
}
