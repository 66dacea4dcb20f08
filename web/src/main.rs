//! The GANvas web app's entry point: it only mounts the app (see the library crate).

#[cfg(target_family = "wasm")]
fn main() {
    ganvas_web::run_constructors_once();
    ganvas_web::mount();
}

#[cfg(not(target_family = "wasm"))]
fn main() {
    eprintln!("ganvas-web runs in the browser: build it with `trunk build` (see README.md)");
}
