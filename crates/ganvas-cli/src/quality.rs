//! Image quality during training: our own classifier's class shares and confidence on
//! generated images, and the Fréchet distance of its features to held-out real images.

use std::fmt::Write as _;

use burn::tensor::Device;
use futures_lite::future::block_on;
use ganvas_engine::data::{ImageSet, ShippedSet};
use ganvas_engine::metrics::{ClassifierScore, score_image_set, score_images};
use ganvas_engine::model::Classifier;
use ganvas_engine::training::Gan;
use serde_json::json;

use crate::shipped;

/// Generated and real images compared at each reading.
pub const QUALITY_SAMPLES: usize = 1_000;

/// A shipped set's classifier and the scores of its held-out real images.
pub struct QualityProbe {
    set: ShippedSet,
    classifier: Classifier,
    real: ClassifierScore,
}

/// One reading of generated images' quality.
pub struct QualityReading {
    /// Fréchet distance to the real held-out images' features.
    pub fd: f64,
    /// What the classifier says about the generated images.
    pub score: ClassifierScore,
}

impl QualityProbe {
    /// Loads `set`'s classifier on `device` and scores `QUALITY_SAMPLES` held-out images.
    pub fn new(set: ShippedSet, test: &ImageSet, device: &Device) -> anyhow::Result<Self> {
        let classifier = shipped::classifier(set, device)?;
        let real = block_on(score_image_set(&classifier, test, QUALITY_SAMPLES, device))?;
        Ok(Self {
            set,
            classifier,
            real,
        })
    }

    /// Generates `QUALITY_SAMPLES` images and scores them.
    pub fn measure(&self, gan: &mut Gan) -> anyhow::Result<QualityReading> {
        let samples = gan.generate(QUALITY_SAMPLES, None)?; // [n, 784] in [−1, 1]
        let score = block_on(score_images(&self.classifier, samples))?;
        let fd = score.frechet_distance(&self.real)?;
        Ok(QualityReading { fd, score })
    }

    /// One line for the log, e.g. `step 500  FD (MNIST classifier) 41.2  confidence 0.83  …`.
    pub fn line(&self, step: u64, reading: &QualityReading) -> String {
        let mut line = format!(
            "step {step:>6}  {} {:>8.2}  confidence {:.3}  classes",
            self.set.fd_name(),
            reading.fd,
            reading.score.mean_confidence
        );
        for (name, share) in self.set.class_names().iter().zip(reading.score.class_share) {
            let _ = write!(line, " {name}:{:.0}%", 100.0 * share);
        }
        line
    }

    /// The reading as JSON for `metrics.json`.
    pub fn json(&self, reading: &QualityReading) -> serde_json::Value {
        json!({
            "metric": self.set.fd_name(),
            "fd": reading.fd,
            "samples": QUALITY_SAMPLES,
            "mean_confidence": reading.score.mean_confidence,
            "class_share": reading.score.class_share,
            "class_names": self.set.class_names(),
        })
    }
}
