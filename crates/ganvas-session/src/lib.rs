//! What a GANvas session is, without a browser: the settings the page's controls choose
//! ([`setup`]), the link codec that carries them ([`link`], over [`form`]), the views they show
//! ([`view`]) and the device they train on ([`DeviceChoice`]).
//!
//! It depends on the engine only (no leptos, no web-sys), so `cargo test` checks it natively;
//! the web crate is its face in the page.

pub mod device;
pub mod form;
pub mod link;
pub mod setup;
pub mod view;

pub use device::DeviceChoice;
