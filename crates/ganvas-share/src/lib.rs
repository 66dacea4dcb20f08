//! GANvas's share format: a trained GAN in a link or a `.ganvas` file.
//!
//! A model (configuration, generator, optionally discriminator and optimiser state) is
//! encoded in a versioned binary format (see [`mod@format`]) — magic bytes, version, a CRC-32,
//! DEFLATE — with network values at full precision, `f16`, or a few bits per value with a
//! scale per row ([`Precision`]). A link carries it as base64url ([`ModelLink`]). Nothing
//! here knows Burn or the browser; decoding never panics and never allocates more than the
//! input can justify (it is fuzzed: see `fuzz/` and README.md).
//!
//! ```
//! use ganvas_share::{ModelLink, ModelPayload, Precision, TensorValues};
//!
//! let model = ModelPayload {
//!     kind: None,
//!     config_json: r#"{"seed":7}"#.into(),
//!     settings: String::new(),
//!     step: 200,
//!     generator: vec![TensorValues { shape: vec![2, 3], values: vec![0.5, -1.0, 0.25, 0.0, 1.0, -0.5] }],
//!     averaged_generator: None,
//!     discriminator: None,
//!     optimizers: None,
//! };
//! let link = ModelLink::new(&model, Precision::Quantized { bits: 8 })?;
//! let text = link.to_string(); // what goes after `m=` in the URL
//! let opened: ModelLink = text.parse()?;
//! let back = opened.payload()?;
//! assert_eq!(back.step, 200);
//! assert!((back.generator[0].values[2] - 0.25).abs() <= 1.0 / 127.0 / 2.0);
//!
//! // A link from the real world, made by GANvas 0.1 (format version 1):
//! let fixture: ModelLink = include_str!("../tests/fixtures/v1-tiny.link").parse()?;
//! assert_eq!(fixture.payload()?.generator.len(), 2);
//!
//! // Hostile text is an error, never a panic:
//! assert!("not a link!".parse::<ModelLink>().is_err());
//! assert!("R05WUw".parse::<ModelLink>()?.payload().is_err());
//! # Ok::<(), ganvas_share::ShareError>(())
//! ```

mod base64url;
mod error;
pub mod format;
mod limits;
mod link;
mod payload;
mod precision;
mod reader;

pub use error::{Result, ShareError};
pub use format::{MAGIC, Packing, VERSION, decode, decode_with, encode, encode_with};
pub use limits::{Limits, MAX_BODY_BYTES, MAX_CONFIG_BYTES, MAX_FILE_BYTES, MAX_SETTINGS_BYTES};
pub use link::{MAX_LINK_CHARS, ModelLink};
pub use payload::{ModelPayload, OptimizerValues, TensorValues};
pub use precision::Precision;
