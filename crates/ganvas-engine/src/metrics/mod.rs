//! Sample-quality metrics: for 2-D targets (points in original units) and, through our own
//! classifier, for 28×28 images (class shares, confidence, Fréchet distance).

pub mod classifier_score;
pub mod divergence;
pub mod eigen;
pub mod fd;
pub mod hits;
pub mod mixture;
pub mod quadratic;
pub mod quality;

pub use classifier_score::{
    ClassifierScore, MIN_CLASS_SHARE, MIN_CONFIDENCE, score_image_set, score_images,
};
pub use divergence::{energy_distance, grid_kl_js};
pub use fd::{FeatureStats, frechet_distance};
pub use hits::{argmax, class_hits};
pub use mixture::{ModeCoverage, mode_coverage};
pub use quadratic::{QuadraticQuality, quadratic_quality};
pub use quality::{Quality2d, evaluate_2d};
