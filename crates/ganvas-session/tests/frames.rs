//! A session's trainer natively: 2D and image frames read whole on Flex, and on wgpu where a
//! Vulkan adapter exists (lavapipe in CI). The browser runs the same checks on its CPU and
//! WebGPU (the web crate's component tests).

mod checks;

use std::sync::OnceLock;

use burn::tensor::Device;

/// Flex always; wgpu when an adapter initialises (once per process: the runtime registers
/// once).
fn devices() -> Vec<(&'static str, Device)> {
    static GPU: OnceLock<Option<Device>> = OnceLock::new();
    let mut devices = vec![("flex", ganvas_engine::device::cpu())];
    let gpu = GPU.get_or_init(|| {
        ganvas_engine::device::gpu()
            .inspect_err(|error| eprintln!("wgpu checks skipped: {error}"))
            .ok()
    });
    if let Some(gpu) = gpu {
        devices.push(("wgpu", gpu.clone()));
    }
    devices
}

#[test]
fn a_toy_trainer_reads_a_whole_frame_on_every_device() {
    for (name, device) in devices() {
        eprintln!("points frame on {name}");
        futures_lite::future::block_on(checks::points_frame(&device));
    }
}

#[test]
fn an_image_trainer_reads_grids_and_scores_on_every_device() {
    for (name, device) in devices() {
        eprintln!("image frame on {name}");
        futures_lite::future::block_on(checks::image_frame(&device));
    }
}

#[test]
fn a_pix2pix_trainer_reads_its_rows_and_translates_a_drawing_on_every_device() {
    for (name, device) in devices() {
        eprintln!("pix2pix frame on {name}");
        futures_lite::future::block_on(checks::pix2pix_frame(&device));
    }
}

#[test]
fn pix2pix_learns_uploaded_pairs_with_the_papers_d_on_every_device() {
    for (name, device) in devices() {
        eprintln!("pix2pix on uploaded pairs on {name}");
        futures_lite::future::block_on(checks::pix2pix_uploaded_pairs(&device));
    }
}
