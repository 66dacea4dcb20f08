//! Sample-quality metrics for 2-D targets. All take points in original units.

pub mod divergence;
pub mod mixture;
pub mod quadratic;
pub mod quality;

pub use divergence::{energy_distance, grid_kl_js};
pub use mixture::{ModeCoverage, mode_coverage};
pub use quadratic::{QuadraticQuality, quadratic_quality};
pub use quality::{Quality2d, evaluate_2d};
