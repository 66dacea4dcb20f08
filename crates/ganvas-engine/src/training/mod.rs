//! Training: the adversarial step, its statistics and the tricks that stabilise it.

pub mod classifier;
pub mod config;
pub mod cyclegan;
pub mod data_source;
pub mod ema;
pub mod gan;
mod inspect;
pub mod limits;
pub mod network;
pub mod pix2pix;
pub mod replay;
pub mod stats;
mod step;
pub mod validate;

pub use classifier::{ClassifierTrainConfig, ClassifierTrainer, accuracy};
pub use config::{TrainConfig, Tricks};
pub use cyclegan::{CycleGan, CycleGanConfig, Direction};
pub use data_source::DataSource;
pub use gan::{Gan, GanConfig};
pub use network::Trained;
pub use pix2pix::{DiscriminatorUpdate, GeneratorUpdate, Pix2Pix, Pix2PixConfig};
pub use stats::{StatsAccumulator, StepStats, StepValues};
pub use step::{gradient_penalty, penalty_at};
pub use validate::Budget;
