//! A small image classifier whose penultimate layer gives the features for the Fréchet
//! distance and whose softmax gives class shares and confidence of generated images.

use burn::config::Config;
use burn::module::Module;
use burn::tensor::{Device, Tensor};

use super::activation::Activation;
use super::mlp::{Mlp, MlpConfig};

/// An MLP classifier `input → hidden… → classes` with ReLU; the last hidden layer is the
/// feature layer.
#[derive(Config, Debug, PartialEq)]
pub struct ClassifierConfig {
    /// Layer widths, input first, classes last (at least one hidden layer).
    pub sizes: Vec<usize>,
}

/// The module built by [`ClassifierConfig::init`].
#[derive(Module, Debug)]
pub struct Classifier {
    /// The network; its last hidden layer is exposed as features.
    pub mlp: Mlp,
}

impl ClassifierConfig {
    /// The shipped architecture for 28×28 greyscale images: 784 → 256 → 128 (features) → 10.
    pub fn mnist() -> Self {
        Self::new(vec![784, 256, 128, 10])
    }

    /// Builds the classifier with Glorot-uniform weights and zero biases.
    ///
    /// # Panics
    /// If there are fewer than three sizes (no feature layer).
    pub fn init(&self, device: &Device) -> Classifier {
        assert!(self.sizes.len() >= 3, "a classifier needs a hidden layer");
        let hidden = self.sizes.len() - 2;
        let mlp = MlpConfig::new(
            self.sizes.clone(),
            vec![Activation::Relu; hidden],
            Activation::Linear,
        )
        .with_features_at(Some(hidden - 1))
        .init(device);
        Classifier { mlp }
    }
}

impl Classifier {
    /// Class logits `[n, classes]` and penultimate features `[n, features]` for images
    /// `x` `[n, input]` with pixels in [−1, 1].
    pub fn logits_and_features(&self, x: Tensor<2>) -> (Tensor<2>, Tensor<2>) {
        let out = self.mlp.forward(x, false);
        let features = out
            .features
            .expect("the classifier always exposes its last hidden layer");
        (out.output, features)
    }

    /// Layer widths, input first.
    pub fn sizes(&self) -> Vec<usize> {
        let mut sizes: Vec<usize> = self.mlp.layers.iter().map(|l| l.weight.dims()[0]).collect();
        sizes.extend(self.mlp.layers.last().map(|l| l.weight.dims()[1]));
        sizes
    }

    /// Width of the feature layer.
    pub fn feature_dim(&self) -> usize {
        let sizes = self.sizes();
        sizes[sizes.len() - 2]
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.sizes().last().copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_parameter_count() {
        let device = crate::device::cpu();
        let classifier = ClassifierConfig::mnist().init(&device);
        assert_eq!(classifier.sizes(), vec![784, 256, 128, 10]);
        assert_eq!((classifier.feature_dim(), classifier.classes()), (128, 10));
        // 784·256 + 256 + 256·128 + 128 + 128·10 + 10
        assert_eq!(classifier.num_params(), 235_146);
        let (logits, features) = classifier.logits_and_features(Tensor::zeros([3, 784], &device));
        assert_eq!((logits.dims(), features.dims()), ([3, 10], [3, 128]));
    }
}
