//! Image quality during training: our own classifier's class shares and confidence on
//! generated images, and the Fréchet distance of its features to held-out real images.

use std::fmt::Write as _;

use burn::tensor::Device;
use futures_lite::future::block_on;
use ganvas_engine::data::{ImageSet, ShippedSet};
use ganvas_engine::metrics::{
    ClassifierScore, MIN_CLASS_SHARE, MIN_CONFIDENCE, score_image_set, score_images,
};
use ganvas_engine::model::Classifier;
use ganvas_engine::preset::IMAGE_CLASSES;
use ganvas_engine::training::Gan;
use serde_json::json;

use crate::shipped;

/// Generated and real images compared at each reading.
pub const QUALITY_SAMPLES: usize = 1_000;
/// Samples asked for each class of a conditional GAN, to see whether it draws what is asked.
const SAMPLES_PER_CLASS: usize = 100;

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
    /// For a conditional GAN: per class, the share of samples asked for it that the classifier
    /// puts in it.
    pub class_hits: Option<[f32; IMAGE_CLASSES]>,
    /// With an averaged generator: the same figures for the generator being trained.
    pub trained: Option<Box<QualityReading>>,
}

impl QualityReading {
    /// Whether every class holds at least 5 % of samples at mean confidence ≥ 0.8.
    pub fn shows_every_class(&self) -> bool {
        self.score.shows_every_class()
    }
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

    /// Generates `QUALITY_SAMPLES` images from the shown generator and scores them; with an
    /// averaged generator, the generator being trained too.
    pub fn measure(&self, gan: &mut Gan) -> anyhow::Result<QualityReading> {
        let mut reading = self.measure_shown(gan)?;
        if gan.shows_averaged() {
            gan.set_show_averaged(false);
            let trained = self.measure_shown(gan);
            gan.set_show_averaged(true);
            reading.trained = Some(Box::new(trained?));
        }
        Ok(reading)
    }

    fn measure_shown(&self, gan: &mut Gan) -> anyhow::Result<QualityReading> {
        let samples = gan.generate(QUALITY_SAMPLES, None)?; // [n, 784] in [−1, 1]
        let score = block_on(score_images(&self.classifier, samples))?;
        let fd = score.frechet_distance(&self.real)?;
        let class_hits = if gan.config().model.classes == IMAGE_CLASSES {
            let mut hits = [0.0; IMAGE_CLASSES];
            for (class, hit) in hits.iter_mut().enumerate() {
                let asked = vec![class as u8; SAMPLES_PER_CLASS];
                let samples = gan.generate(SAMPLES_PER_CLASS, Some(&asked))?;
                *hit = block_on(score_images(&self.classifier, samples))?.class_share[class];
            }
            Some(hits)
        } else {
            None
        };
        Ok(QualityReading {
            fd,
            score,
            class_hits,
            trained: None,
        })
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
        if let Some(hits) = reading.class_hits {
            let worst = hits.iter().copied().fold(1.0, f32::min);
            let _ = write!(line, "  asked-for class drawn ≥ {:.0}%", 100.0 * worst);
        }
        if reading.shows_every_class() {
            line.push_str("  ✓ every class");
        }
        if let Some(trained) = &reading.trained {
            let _ = write!(
                line,
                "  | trained G: FD {:.2} confidence {:.3} rarest {:.1}%",
                trained.fd,
                trained.score.mean_confidence,
                100.0 * trained.score.smallest_class_share()
            );
        }
        line
    }

    /// The reading as JSON for `metrics.json`.
    pub fn json(&self, reading: &QualityReading) -> serde_json::Value {
        let mut value = json!({
            "metric": self.set.fd_name(),
            "fd": reading.fd,
            "samples": QUALITY_SAMPLES,
            "mean_confidence": reading.score.mean_confidence,
            "class_share": reading.score.class_share,
            "smallest_class_share": reading.score.smallest_class_share(),
            "class_names": self.set.class_names(),
            "every_class": reading.shows_every_class(),
            "every_class_means": format!(
                "every class ≥ {:.0} % of samples and mean confidence ≥ {MIN_CONFIDENCE}",
                100.0 * MIN_CLASS_SHARE
            ),
        });
        if let Some(hits) = reading.class_hits {
            value["asked_class_drawn"] = json!(hits);
        }
        if let Some(trained) = &reading.trained {
            value["trained_generator"] = self.json(trained);
        }
        value
    }
}
