//! The GANvas web app: a Leptos client-side app over the engine. `main.rs` only mounts it.
//!
//! Everything here runs in the browser only; natively the crate is empty, so
//! `cargo build --workspace` does not compile a UI framework for nothing.

#![cfg(target_family = "wasm")]
// `state::Ctx` is a `Copy` bundle of signal handles (a little over 256 bytes); passing it by
// value is how Leptos code shares such handles, and a reference would only add lifetimes.
#![allow(clippy::large_types_passed_by_value)]

pub mod app;
pub mod bench;
pub mod buttons;
pub mod controls;
pub mod devices;
pub mod download;
pub mod draw;
pub mod explain;
pub mod fields;
pub mod images;
pub mod link;
pub mod project;
pub mod run_loop;
pub mod setup;
pub mod share;
pub mod state;
pub mod trained;
pub mod trainer;
pub mod views;

#[allow(unsafe_code)] // one call into the linker's constructor table; see `run_constructors_once`.
mod ctors {
    unsafe extern "C" {
        fn __wasm_call_ctors();
    }

    /// See [`super::run_constructors_once`].
    pub fn run_once() {
        // SAFETY: called once, before any other Rust code of the module runs.
        unsafe { __wasm_call_ctors() }
    }
}

/// cubecl registers its kernels' types with `inventory`, which makes wasm-ld link the module
/// command-style: every call into it would re-run all static constructors (9× slower
/// training). Running them once, first, stops that. Call it once, before anything else.
pub fn run_constructors_once() {
    ctors::run_once();
}

/// Mounts the app on the page's body.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
