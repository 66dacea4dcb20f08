//! Image GANs in the page: loading the shipped data (or the user's), the GIF timelapse, and the
//! views that show the session's grids, interpolation and scores. The bundle, the scene and its
//! frame are the session crate's.

pub mod cycle;
pub mod drawing_pad;
pub mod load;
pub mod pad;
pub mod pad_source;
pub mod timelapse;
pub mod two_sets;
pub mod upload;
pub mod views;

pub use ganvas_session::images::*;
