//! What our own classifier says about a set of images: which classes they look like, how
//! sure it is, and the feature statistics the Fréchet distance compares.

use burn::tensor::activation::softmax;
use burn::tensor::{Device, Tensor, Transaction};

use crate::data::ImageSet;
use crate::error::{Error, Result};
use crate::metrics::fd::{FeatureStats, frechet_distance};
use crate::model::Classifier;
use crate::preset::IMAGE_CLASSES;
use crate::training::gan::tensor_2d;

/// The classifier's verdict on a set of images.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassifierScore {
    /// Share of images whose most likely class is each class (sums to 1).
    pub class_share: [f32; IMAGE_CLASSES],
    /// Mean over images of the most likely class's probability.
    pub mean_confidence: f32,
    /// Mean and covariance of the penultimate-layer features.
    pub features: FeatureStats,
}

/// The bar for "every class is there, clearly": each class at least this share of samples…
pub const MIN_CLASS_SHARE: f32 = 0.05;
/// …and at least this mean confidence.
pub const MIN_CONFIDENCE: f32 = 0.8;

impl ClassifierScore {
    /// The Fréchet distance between these images' features and `reference`'s.
    pub fn frechet_distance(&self, reference: &ClassifierScore) -> Result<f64> {
        frechet_distance(&self.features, &reference.features)
    }

    /// The share of the rarest class.
    pub fn smallest_class_share(&self) -> f32 {
        self.class_share.iter().copied().fold(1.0, f32::min)
    }

    /// Classes holding at least [`MIN_CLASS_SHARE`] of the samples.
    pub fn classes_present(&self) -> usize {
        self.class_share
            .iter()
            .filter(|&&share| share >= MIN_CLASS_SHARE)
            .count()
    }

    /// Whether every class holds at least [`MIN_CLASS_SHARE`] of the samples and the mean
    /// confidence is at least [`MIN_CONFIDENCE`].
    pub fn shows_every_class(&self) -> bool {
        self.classes_present() == IMAGE_CLASSES && self.mean_confidence >= MIN_CONFIDENCE
    }
}

/// Scores `pixels` `[n, 784]` in [−1, 1] (n ≥ 2) with `classifier`, in one asynchronous read.
pub async fn score_images(classifier: &Classifier, pixels: Tensor<2>) -> Result<ClassifierScore> {
    if classifier.classes() != IMAGE_CLASSES {
        return Err(Error::Config(format!(
            "the classifier has {} classes, scores need {IMAGE_CLASSES}",
            classifier.classes()
        )));
    }
    let [n, width] = pixels.dims();
    if width != classifier.sizes()[0] {
        return Err(Error::ShapeMismatch(format!(
            "images of {width} pixels for a classifier of {} inputs",
            classifier.sizes()[0]
        )));
    }
    let (logits, features) = classifier.logits_and_features(pixels);
    let probabilities = softmax(logits, 1); // [n, 10]
    let data = Transaction::default()
        .register(probabilities)
        .register(features)
        .execute_async()
        .await
        .map_err(Error::from)?;
    let mut values = data.into_iter().map(|d| {
        d.try_into_vec::<f32>()
            .map_err(|e| Error::Readback(format!("{e:?}")))
    });
    let (Some(probabilities), Some(features)) = (values.next(), values.next()) else {
        return Err(Error::Readback("expected two tensors".into()));
    };
    let (class_share, mean_confidence) = shares_and_confidence(&probabilities?, n);
    Ok(ClassifierScore {
        class_share,
        mean_confidence,
        features: FeatureStats::from_features(&features?, classifier.feature_dim())?,
    })
}

/// Scores the first `n` images of `set` (all if it holds fewer), uploaded to `device`: the
/// real side of the Fréchet distance.
pub async fn score_image_set(
    classifier: &Classifier,
    set: &ImageSet,
    n: usize,
    device: &Device,
) -> Result<ClassifierScore> {
    let indices: Vec<usize> = (0..n.min(set.len)).collect();
    let (pixels, _) = set.batch(&indices);
    let pixels = tensor_2d(pixels, [indices.len(), set.pixels()], device); // [n, 784]
    score_images(classifier, pixels).await
}

/// Class shares of the arg-max and the mean maximum probability of `n` rows of probabilities.
fn shares_and_confidence(probabilities: &[f32], n: usize) -> ([f32; IMAGE_CLASSES], f32) {
    let mut counts = [0_usize; IMAGE_CLASSES];
    let mut confidence = 0.0_f64;
    for row in probabilities.chunks_exact(IMAGE_CLASSES) {
        let (best, p) = row
            .iter()
            .copied()
            .enumerate()
            .fold((0, f32::NEG_INFINITY), |a, b| if b.1 > a.1 { b } else { a });
        counts[best] += 1;
        confidence += f64::from(p);
    }
    let n = n.max(1) as f32;
    (
        counts.map(|c| c as f32 / n),
        (confidence / f64::from(n)) as f32,
    )
}

#[cfg(test)]
mod tests {
    use futures_lite::future::block_on;

    use super::*;
    use crate::model::ClassifierConfig;

    #[test]
    fn shares_and_confidence_by_hand() {
        let mut rows = vec![0.0_f32; 3 * IMAGE_CLASSES];
        rows[2] = 0.9; // row 0: class 2
        rows[IMAGE_CLASSES + 2] = 0.5; // row 1: class 2
        rows[2 * IMAGE_CLASSES + 7] = 0.7; // row 2: class 7
        let (shares, confidence) = shares_and_confidence(&rows, 3);
        assert!((shares[2] - 2.0 / 3.0).abs() < 1e-6 && (shares[7] - 1.0 / 3.0).abs() < 1e-6);
        assert!((shares.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!((confidence - 0.7).abs() < 1e-6);
    }

    #[test]
    fn scores_a_batch_and_same_images_are_at_distance_zero() {
        let device = crate::device::cpu();
        let classifier = ClassifierConfig::mnist().init(&device);
        let pixels = Tensor::<2>::random(
            [64, 784],
            burn::tensor::Distribution::Uniform(-1.0, 1.0),
            &device,
        );
        let score = block_on(score_images(&classifier, pixels.clone())).expect("scores");
        assert!((score.class_share.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        assert!((0.1..=1.0).contains(&score.mean_confidence));
        assert_eq!((score.features.dim, score.features.count), (128, 64));
        let again = block_on(score_images(&classifier, pixels)).expect("scores");
        assert!(score.frechet_distance(&again).expect("same dim") < 1e-6);
        let wrong = Tensor::<2>::zeros([4, 100], &device);
        assert!(block_on(score_images(&classifier, wrong)).is_err());
    }
}
