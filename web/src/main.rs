//! The GANvas web app's entry point: it mounts the app on the page, or serves the training
//! worker when it runs there (see the library crate).

#[cfg(target_family = "wasm")]
fn main() {
    ganvas_web::run_constructors_once();
    // The same module runs on the page and in the training worker (see `worker`).
    if ganvas_web::global::on_page() {
        ganvas_web::mount();
    } else {
        ganvas_web::worker::serve();
    }
}

#[cfg(not(target_family = "wasm"))]
fn main() {
    eprintln!("ganvas-web runs in the browser: build it with `trunk build` (see README.md)");
}
