//! The `GANvas` web app. Until the browser issue lands this crate only reserves its place in
//! the workspace; the app itself (Leptos, WebGPU) mounts here.

fn main() {}
