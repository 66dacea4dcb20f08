//! The GANvas web app: `main` only mounts it; the app lives in [`app`].

#[cfg(target_family = "wasm")]
mod app;
#[cfg(target_family = "wasm")]
mod bench;
#[cfg(target_family = "wasm")]
mod buttons;
#[cfg(target_family = "wasm")]
mod controls;
#[cfg(target_family = "wasm")]
mod devices;
#[cfg(target_family = "wasm")]
mod draw;
#[cfg(target_family = "wasm")]
mod explain;
#[cfg(target_family = "wasm")]
mod fields;
#[cfg(target_family = "wasm")]
mod project;
#[cfg(target_family = "wasm")]
mod run_loop;
#[cfg(target_family = "wasm")]
mod setup;
#[cfg(target_family = "wasm")]
mod state;
#[cfg(target_family = "wasm")]
mod trainer;
#[cfg(target_family = "wasm")]
mod views;

#[cfg(target_family = "wasm")]
#[allow(unsafe_code)] // one call into the linker's constructor table; see `main`.
mod ctors {
    unsafe extern "C" {
        fn __wasm_call_ctors();
    }

    /// cubecl registers its kernels' types with `inventory`, which makes wasm-ld link the module
    /// command-style: every call into it would re-run all static constructors (9× slower
    /// training). Running them once here, first, stops that.
    pub fn run_once() {
        // SAFETY: called once, before any other Rust code of the module runs.
        unsafe { __wasm_call_ctors() }
    }
}

#[cfg(target_family = "wasm")]
fn main() {
    ctors::run_once();
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}

#[cfg(not(target_family = "wasm"))]
fn main() {
    eprintln!("ganvas-web runs in the browser: build it with `trunk build` (see README.md)");
}
