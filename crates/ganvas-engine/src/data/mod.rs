//! Data: built-in 2-D toys, user CSV points, MNIST IDX images, the shipped MNIST and Fashion-MNIST sets, image pairs and unpaired domains for image-to-image GANs, standardisation.

pub mod csv;
pub mod domains;
pub mod idx;
pub mod images;
pub mod pairs;
pub mod shipped;
pub mod standardize;
pub mod toy;

pub use csv::parse_points;
pub use domains::Domains;
pub use idx::{IdxArray, decode_idx, encode_idx_u8};
pub use images::ImageSet;
pub use pairs::{ImagePairs, LineDrawing};
pub use shipped::{ShippedSet, SplitSet, TEST_IMAGES};
pub use standardize::Standardizer;
pub use toy::Toy2d;
