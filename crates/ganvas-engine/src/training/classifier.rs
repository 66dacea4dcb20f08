//! Training the image classifier: cross-entropy, Adam, shuffled mini-batches and small random
//! shifts of the images, all seeded so a run is reproducible.

use burn::config::Config;
use burn::module::Module;
use burn::optim::GradientsParams;
use burn::tensor::{Device, Tensor};

use super::data_source::one_hot;
use super::gan::{read_f32, tensor_2d};
use crate::data::ImageSet;
use crate::error::{Error, Result};
use crate::loss::cross_entropy;
use crate::metrics::class_hits;
use crate::model::{Classifier, ClassifierConfig};
use crate::optim::{Optimizer, OptimizerConfig};
use crate::preset::IMAGE_CLASSES;
use crate::rng::Rng;

/// How the classifier trains.
#[derive(Config, Debug)]
pub struct ClassifierTrainConfig {
    /// The network.
    pub model: ClassifierConfig,
    /// Images per update.
    #[config(default = 64)]
    pub batch_size: usize,
    /// Adam's initial learning rate; it decays to 0 along a half cosine over `epochs`.
    #[config(default = 1e-3)]
    pub lr: f64,
    /// Passes over the data the learning-rate schedule spans.
    #[config(default = 15)]
    pub epochs: usize,
    /// Largest random translation, in pixels, applied to each training image.
    #[config(default = 1)]
    pub max_shift: usize,
    /// Seed for weights, shuffling and shifts.
    #[config(default = 0)]
    pub seed: u64,
}

/// A classifier in training on an autodiff device.
#[derive(Debug)]
pub struct ClassifierTrainer {
    config: ClassifierTrainConfig,
    classifier: Classifier,
    optimizer: Optimizer,
    rng: Rng,
    device: Device,
    epoch: usize,
}

impl ClassifierTrainer {
    /// A fresh classifier on `device` (autodiff is added here).
    pub fn new(config: ClassifierTrainConfig, device: &Device) -> Self {
        let device = device.clone().autodiff();
        device.seed(config.seed);
        let classifier = config.model.init(&device);
        let rng = Rng::new(config.seed ^ 0x636c_6173_7369_6679); // "classify"
        Self {
            config,
            classifier,
            optimizer: Optimizer::new(),
            rng,
            device,
            epoch: 0,
        }
    }

    /// One pass over `set` in a fresh random order; returns the mean loss `[1]` on the device.
    pub fn train_epoch(&mut self, set: &ImageSet) -> Result<Tensor<1>> {
        let labels = set
            .labels
            .as_ref()
            .ok_or_else(|| Error::Config("training a classifier needs labelled images".into()))?;
        let batch = self.config.batch_size.max(1);
        let order = shuffled(set.len, &mut self.rng);
        // Cosine decay, evaluated at the middle of this epoch.
        let progress = (self.epoch as f64 + 0.5) / self.config.epochs.max(1) as f64;
        let lr = self.config.lr * 0.5 * (1.0 + (std::f64::consts::PI * progress.min(1.0)).cos());
        let optimizer = OptimizerConfig::adam(lr);
        self.epoch += 1;
        let mut total = Tensor::<1>::zeros([1], &self.device.clone().inner());
        let batches = order.chunks(batch);
        let count = batches.len();
        for indices in batches {
            let (mut pixels, _) = set.batch(indices);
            for image in pixels.chunks_exact_mut(set.pixels()) {
                random_shift(image, set.cols, self.config.max_shift, &mut self.rng);
            }
            let x = tensor_2d(pixels, [indices.len(), set.pixels()], &self.device); // [b, 784]
            let targets: Vec<u8> = indices.iter().map(|&i| labels[i]).collect();
            let targets = one_hot(&targets, IMAGE_CLASSES, &self.device)?; // [b, 10]
            let (logits, _) = self.classifier.logits_and_features(x);
            let loss = cross_entropy(logits, targets);
            total = total + loss.clone().inner();
            let grads = GradientsParams::from_grads(loss.backward(), &self.classifier);
            let classifier = self.classifier.clone();
            self.classifier = self.optimizer.step(&optimizer, classifier, grads);
        }
        Ok(total.div_scalar(count.max(1) as f64))
    }

    /// The classifier without autodiff.
    pub fn classifier(&self) -> Classifier {
        self.classifier.valid()
    }
}

/// Share of `set`'s images the classifier labels correctly (read back asynchronously).
pub async fn accuracy(classifier: &Classifier, set: &ImageSet, device: &Device) -> Result<f32> {
    const CHUNK: usize = 1_000;
    let labels = set
        .labels
        .as_ref()
        .ok_or_else(|| Error::Config("accuracy needs labelled images".into()))?;
    let mut correct = 0_usize;
    let all: Vec<usize> = (0..set.len).collect();
    for indices in all.chunks(CHUNK) {
        let (pixels, _) = set.batch(indices);
        let x = tensor_2d(pixels, [indices.len(), set.pixels()], device);
        let (logits, _) = classifier.logits_and_features(x); // [n, 10]
        let logits = read_f32(logits).await?;
        let batch_labels: Vec<u8> = indices.iter().map(|&i| labels[i]).collect();
        correct += class_hits(&logits, &batch_labels);
    }
    Ok(correct as f32 / set.len as f32)
}

/// `0..n` in a random order (Fisher–Yates).
fn shuffled(n: usize, rng: &mut Rng) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    order
}

/// Moves a square image (pixels in [−1, 1]) by up to `max` pixels in x and y, filling with
/// background (−1).
fn random_shift(image: &mut [f32], side: usize, max: usize, rng: &mut Rng) {
    if max == 0 {
        return;
    }
    let span = 2 * max + 1;
    let dx = rng.below(span) as isize - max as isize;
    let dy = rng.below(span) as isize - max as isize;
    let source = image.to_vec();
    for (k, out) in image.iter_mut().enumerate() {
        let (y, x) = ((k / side) as isize - dy, (k % side) as isize - dx);
        let inside = (0..side as isize).contains(&y) && (0..side as isize).contains(&x);
        *out = if inside {
            source[y as usize * side + x as usize]
        } else {
            -1.0
        };
    }
}

#[cfg(test)]
mod tests {
    use futures_lite::future::block_on;

    use super::*;

    #[test]
    fn shift_moves_pixels_and_fills_background() {
        let mut rng = Rng::new(1);
        for _ in 0..20 {
            let mut image = vec![-1.0; 9];
            image[4] = 1.0; // centre of 3×3
            random_shift(&mut image, 3, 1, &mut rng);
            assert_eq!(image.iter().filter(|&&v| v > 0.0).count(), 1);
            assert_eq!(image.iter().filter(|&&v| v < 0.0).count(), 8);
        }
        let mut order = shuffled(50, &mut rng);
        order.sort_unstable();
        assert_eq!(order, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn learns_two_trivially_separable_classes() {
        // Class 0: dark images; class 1: bright ones.
        let mut images = Vec::new();
        let mut labels = Vec::new();
        for i in 0..64_u8 {
            let bright = i % 2;
            images.extend(std::iter::repeat_n(30 + 170 * bright + i / 2, 4 * 4));
            labels.push(bright);
        }
        let set = ImageSet::from_raw(images, Some(labels), 4, 4).expect("valid");
        let device = crate::device::cpu();
        let config = ClassifierTrainConfig::new(ClassifierConfig::new(vec![16, 8, 4, 10]))
            .with_batch_size(16)
            .with_lr(1e-2)
            .with_max_shift(0);
        let mut trainer = ClassifierTrainer::new(config, &device);
        let first = block_on(read_f32(trainer.train_epoch(&set).expect("labelled"))).expect("r");
        for _ in 0..10 {
            trainer.train_epoch(&set).expect("labelled");
        }
        let last = block_on(read_f32(trainer.train_epoch(&set).expect("labelled"))).expect("r");
        assert!(last[0] < first[0], "{first:?} → {last:?}");
        let acc = block_on(accuracy(&trainer.classifier(), &set, &device)).expect("labelled");
        assert!((acc - 1.0).abs() < 1e-6, "accuracy {acc}");
    }
}
