//! What a GANvas session is, without a browser: the settings the page's controls choose
//! ([`setup`]), the link codec that carries them ([`link`], over [`form`]), the session that
//! alone owns the run ([`session`]: its trainer, checkpoint and devices), the trainer
//! ([`trainer`]) and what its frames show, one folder per kind of data ([`points`]: heatmap,
//! manifold, arrows, features; [`images`]: grids, interpolation, classifier scores), the
//! playground's layers ([`view`]), the device it trains on ([`DeviceChoice`]), and the
//! protocol the page and the training worker speak ([`protocol`]).
//!
//! It depends on the engine, Burn and serde only (no leptos, no web-sys), so `cargo test` checks it
//! natively on Flex and on wgpu where a Vulkan adapter exists; the web crate is its face in the
//! page, and the browser runs the same frame checks on its CPU and WebGPU.

pub mod device;
pub mod form;
pub mod images;
pub mod link;
pub mod pace;
pub mod points;
pub mod protocol;
pub mod session;
pub mod setup;
pub mod trainer;
pub mod view;

pub use device::DeviceChoice;
pub use session::Session;
