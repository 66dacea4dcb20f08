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
pub mod checkpoint;
pub mod controls;
pub mod devices;
pub mod download;
pub mod draw;
pub mod explain;
pub mod fields;
pub mod global;
pub mod host;
pub mod images;
pub mod owner;
pub mod run_loop;
pub mod share;
pub mod state;
pub mod trained;
pub mod views;
pub mod worker;

// The settings and the link codec live in the browser-free session crate (tested natively).
pub use ganvas_session::{link, setup, trainer};

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
    set_panic_hook();
    leptos::mount::mount_to_body(app::App);
}

/// On a panic: the message and stack to the console, and a banner over the stopped page with
/// "Save your run" (the last checkpoint, held outside wasm) and "Reload" (see
/// [`checkpoint::show_panic_banner`]). The module cannot go on after a panic (it is built to
/// abort), so the banner is plain DOM that needs nothing from it.
pub fn set_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let message = match info.payload().downcast_ref::<&str>() {
            Some(text) => (*text).to_string(),
            None => info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "a panic".to_string()),
        };
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        checkpoint::show_panic_banner(&format!("{message}{place}"));
    }));
}
