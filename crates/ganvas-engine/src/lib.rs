//! The GANvas engine: GAN models, losses, training, data and metrics on Burn.
//!
//! It knows nothing of browsers: the same code trains natively (CLI, tests) and in the page
//! (through the web crate), on Burn's Flex CPU backend or its wgpu backend. Everything that
//! reads from the device is `async`, because WebGPU cannot block.
//!
//! ```
//! use ganvas_engine::{data::Toy2d, device, preset::Preset, training::{DataSource, Gan}};
//!
//! let mut gan = Gan::new(
//!     Preset::ToyQuadratic.config(7),
//!     DataSource::points(Toy2d::Quadratic),
//!     &device::cpu(),
//! )?;
//! let stats = gan.train_step(); // stays on the device
//! let values = futures_lite::future::block_on(stats.read())?;
//! assert!(values.is_finite());
//! # Ok::<(), ganvas_engine::error::Error>(())
//! ```

pub mod data;
pub mod device;
pub mod error;
pub mod loss;
pub mod metrics;
pub mod model;
pub mod optim;
pub mod preset;
pub mod rng;
pub mod share;
pub mod snapshot;
pub mod trained;
pub mod training;

pub use error::{Error, Result};
