//! Image GANs in a session: the training set with what scores it, what the image views ask
//! for, and what they draw ([`ImageFrame`], read by [`scene::ImageScene`]).

pub mod pairs;
pub mod scene;

use std::sync::Arc;

use ganvas_engine::data::SplitSet;
use ganvas_engine::preset::IMAGE_CLASSES;
use serde::{Deserialize, Serialize};

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
}

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
