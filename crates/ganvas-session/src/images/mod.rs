//! Image GANs in a session: the training set with what scores it, what the image views ask
//! for, and what they draw ([`ImageFrame`], read by [`scene::ImageScene`]).

pub mod cycle;
pub mod cycle_explain;
mod cycle_pad;
mod drawing;
pub mod pair_explain;
pub mod pairs;
pub mod scene;

use std::sync::Arc;

use ganvas_engine::data::{ImagePairs, ImageSet, SplitSet};
use ganvas_engine::preset::IMAGE_CLASSES;
use ganvas_engine::{Error, Result};
use serde::{Deserialize, Serialize};

pub use cycle::{CycleFrame, CycleScene, CycleScore};
pub use cycle_explain::CycleWalkthrough;
pub use pair_explain::PairWalkthrough;
pub use pairs::{PairFrame, PairScene, PairScore};
pub use scene::ImageScene;

/// A training set in the page, with what scores it.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct ImageBundle {
    /// What the user sees, e.g. "MNIST" or "your 120 images".
    pub title: String,
    /// Training images, and held-out ones for the real side of the Fréchet distance.
    pub split: SplitSet,
    /// The classifier's weights file (`static/models/*.bin`), when one fits these images.
    #[serde(with = "serde_bytes")]
    pub classifier: Option<Vec<u8>>,
    /// Class names, by label.
    pub class_names: Vec<String>,
    /// The honest name of the distance, e.g. "FD (MNIST classifier)".
    pub fd_name: String,
    /// Pix2Pix inputs given with the images (uploaded pairs), image by image beside `split`;
    /// without them Pix2Pix draws its inputs from the images.
    #[serde(default)]
    pub inputs: Option<SplitSet>,
}

impl ImageBundle {
    /// Uploaded Pix2Pix pairs (inputs and images, image by image) as the page trains on them:
    /// the last tenth (at least one pair, at most [`MAX_HELD_OUT_PAIRS`]) held out for the rows
    /// and the score, which is by L1 alone (pairs have no classes). A single pair is both
    /// trained on and shown.
    pub fn uploaded_pairs(inputs: ImageSet, images: ImageSet) -> Result<Self> {
        // The engine's pairing refuses sets that do not pair up (count or size), in words.
        let ImagePairs {
            inputs,
            targets: images,
        } = ImagePairs::new(inputs, images)?;
        let count = images.len;
        Ok(ImageBundle {
            title: format!("your {count} pair{}", if count == 1 { "" } else { "s" }),
            split: hold_out(images)?,
            classifier: None,
            class_names: Vec::new(),
            fd_name: "FD".into(),
            inputs: Some(hold_out(inputs)?),
        })
    }

    /// Two uploaded sets as CycleGAN's domains: one labelled set whose class 0 is set A and
    /// class 1 set B (any labels the files had are replaced), each set's last tenth (at least
    /// one image, at most [`MAX_HELD_OUT_PAIRS`]) held out for the rows and the score. The
    /// score is the cycle error alone: no classifier knows these classes.
    pub fn uploaded_domains(a: ImageSet, b: ImageSet) -> Result<Self> {
        if (a.rows, a.cols) != (b.rows, b.cols) {
            return Err(Error::ShapeMismatch(format!(
                "set A holds {}×{} images and set B {}×{}; both need one size",
                a.rows, a.cols, b.rows, b.cols
            )));
        }
        let (rows, cols) = (a.rows, a.cols);
        let (a, b) = (hold_out(a)?, hold_out(b)?);
        let join = |a: &ImageSet, b: &ImageSet| -> Result<ImageSet> {
            let labels = [vec![DOMAIN_A; a.len], vec![DOMAIN_B; b.len]].concat();
            let images = [a.images.as_slice(), b.images.as_slice()].concat();
            ImageSet::from_raw(images, Some(labels), rows, cols)
        };
        let (count_a, count_b) = (a.train.len + a.test.len, b.train.len + b.test.len);
        Ok(ImageBundle {
            title: format!("your two sets ({count_a} and {count_b} images)"),
            split: SplitSet {
                train: join(&a.train, &b.train)?,
                test: join(&a.test, &b.test)?,
            },
            classifier: None,
            class_names: vec!["set A".into(), "set B".into()],
            fd_name: "FD".into(),
            inputs: None,
        })
    }
}

/// The label of set A's images in [`ImageBundle::uploaded_domains`].
pub const DOMAIN_A: u8 = 0;
/// The label of set B's images.
pub const DOMAIN_B: u8 = 1;

/// An uploaded set as the page trains on it: the last tenth (at least one image, at most
/// [`MAX_HELD_OUT_PAIRS`]) held out; a single image is both trained on and held out.
fn hold_out(set: ImageSet) -> Result<SplitSet> {
    if set.len < 2 {
        return Ok(SplitSet {
            test: set.clone(),
            train: set,
        });
    }
    let held = (set.len / 10).clamp(1, MAX_HELD_OUT_PAIRS);
    let (train, test) = set.split_at(set.len - held)?;
    Ok(SplitSet { train, test })
}

/// Most uploaded pairs held out for the score.
pub const MAX_HELD_OUT_PAIRS: usize = 500;

/// What the image views ask of a frame (changed by the class picker and latent controls).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImageView {
    /// The class every sample shows (conditional GANs); `None`: one row per class.
    pub class: Option<u8>,
    /// First end of the interpolation: a sample of the grid, counted from 0.
    pub from: usize,
    /// Second end of the interpolation.
    pub to: usize,
    /// Offsets added to the first noise dimensions of sample `from` (the sliders).
    pub offsets: [f32; LATENT_SLIDERS],
    /// Samples, scores, links and files show the averaged generator (when the model keeps
    /// one) rather than the one being trained.
    pub averaged: bool,
}

impl Default for ImageView {
    fn default() -> Self {
        ImageView {
            class: None,
            from: 0,
            to: 1,
            offsets: [0.0; LATENT_SLIDERS],
            averaged: true,
        }
    }
}

/// Noise dimensions that have a slider.
pub const LATENT_SLIDERS: usize = 4;
/// Images in the interpolation strip, both ends included.
pub const INTERPOLATION_STEPS: usize = 10;

/// The classifier's verdict on generated images.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageQuality {
    /// Fréchet distance of the classifier's features, generated vs held-out real images.
    pub fd: f32,
    /// Mean probability of the most likely class.
    pub confidence: f32,
    /// Share of generated images per most likely class.
    pub class_share: [f32; IMAGE_CLASSES],
}

/// What the image views draw.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageFrame {
    /// Image side in pixels.
    pub side: usize,
    /// Cells per grid row.
    pub cols: usize,
    /// The fixed-noise samples, `cells × side²`, pixels in [−1, 1].
    #[serde(with = "crate::protocol::bulk::floats")]
    pub grid: Vec<f32>,
    /// D's output on each grid sample (P(real) for cross-entropy losses, else a score).
    #[serde(with = "crate::protocol::bulk::floats")]
    pub grid_scores: Vec<f32>,
    /// Whether `grid_scores` are probabilities.
    pub probability: bool,
    /// The class of each grid row, for conditional GANs.
    pub row_classes: Vec<u8>,
    /// Real images, as many as grid cells (the same for the whole session: shared, and
    /// drawn only when it changes).
    #[serde(with = "crate::protocol::bulk::shared_floats")]
    pub real: Arc<[f32]>,
    /// G along the straight line between two samples' noise: `INTERPOLATION_STEPS × side²`.
    #[serde(with = "crate::protocol::bulk::floats")]
    pub interpolation: Vec<f32>,
    /// Sample `from` with the slider offsets, `side²`.
    #[serde(with = "crate::protocol::bulk::floats")]
    pub latent: Vec<f32>,
    /// Class names, by label.
    pub class_names: Arc<[String]>,
    /// The distance's name.
    pub fd_name: String,
    /// Whether a classifier scores these images.
    pub scored: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(count: usize) -> ImageSet {
        let images = (0..count * 4).map(|i| (i % 256) as u8).collect();
        ImageSet::from_raw(images, None, 2, 2).expect("2×2 images")
    }

    #[test]
    fn uploaded_pairs_hold_out_a_tenth_side_by_side() {
        let bundle = ImageBundle::uploaded_pairs(set(25), set(25)).expect("pairs");
        let inputs = bundle.inputs.as_ref().expect("inputs");
        assert_eq!((bundle.split.train.len, bundle.split.test.len), (23, 2));
        assert_eq!((inputs.train.len, inputs.test.len), (23, 2));
        assert_eq!(bundle.title, "your 25 pairs");
        assert!(bundle.classifier.is_none());
        // One pair is trained on and shown; two are one and one.
        let one = ImageBundle::uploaded_pairs(set(1), set(1)).expect("a pair");
        assert_eq!((one.split.train.len, one.split.test.len), (1, 1));
        assert_eq!(one.title, "your 1 pair");
        let two = ImageBundle::uploaded_pairs(set(2), set(2)).expect("pairs");
        assert_eq!((two.split.train.len, two.split.test.len), (1, 1));
        // Inputs and images that do not pair up are refused in words.
        let why = ImageBundle::uploaded_pairs(set(3), set(4)).expect_err("3 for 4");
        assert!(why.to_string().contains("3 inputs"), "{why}");
    }

    #[test]
    fn two_uploaded_sets_become_classes_a_and_b_each_holding_out_a_tenth() {
        let bundle = ImageBundle::uploaded_domains(set(30), set(11)).expect("two sets");
        let (train, test) = (&bundle.split.train, &bundle.split.test);
        assert_eq!((train.len, test.len), (27 + 10, 3 + 1));
        let count = |set: &ImageSet, label: u8| {
            let labels = set.labels.as_ref().expect("labelled");
            labels
                .iter()
                .map(|&l| usize::from(l == label))
                .sum::<usize>()
        };
        assert_eq!((count(train, DOMAIN_A), count(train, DOMAIN_B)), (27, 10));
        assert_eq!((count(test, DOMAIN_A), count(test, DOMAIN_B)), (3, 1));
        // A's images come first, then B's, each in upload order.
        assert_eq!(train.images[..4], set(30).images[..4]);
        assert_eq!(test.images[12..16], set(11).images[40..44]);
        assert_eq!(bundle.class_names, ["set A", "set B"]);
        assert!(bundle.classifier.is_none() && bundle.inputs.is_none());
        // The CycleGAN scene's domains are the two sets.
        let domains = cycle::bundle_domains(&bundle, [DOMAIN_A, DOMAIN_B], false).expect("A, B");
        assert_eq!((domains.a.len, domains.b.len), (27, 10));
        // Sets of two sizes are refused in words.
        let odd = ImageSet::from_raw(vec![0; 9], None, 3, 3).expect("3×3");
        let why = ImageBundle::uploaded_domains(set(3), odd).expect_err("2×2 and 3×3");
        assert!(why.to_string().contains("one size"), "{why}");
    }
}
