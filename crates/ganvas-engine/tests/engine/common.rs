//! Devices to run each test on.

use std::sync::OnceLock;

use burn::tensor::Device;
use ganvas_engine::device;

/// Flex always; wgpu when an adapter initialises (once per process).
pub fn devices() -> Vec<(&'static str, Device)> {
    static GPU: OnceLock<Option<Device>> = OnceLock::new();
    let mut devices = vec![("flex", device::cpu())];
    let gpu = GPU.get_or_init(|| match device::gpu() {
        Ok(device) => Some(device),
        Err(error) => {
            eprintln!("wgpu tests skipped: {error}");
            None
        }
    });
    if let Some(gpu) = gpu {
        devices.push(("wgpu", gpu.clone()));
    }
    devices
}

/// Runs a future to completion (the engine's readbacks are async).
pub fn block_on<F: Future>(future: F) -> F::Output {
    futures_lite::future::block_on(future)
}

/// Runs `f` with Flex on one thread. Rayon's reductions split adaptively, by which thread
/// steals what, so with other tests running beside it a long GAN run can round differently
/// and (GAN training being chaotic) end elsewhere; one thread makes it the same every time on
/// one machine. (Another CPU's matrix kernels round differently again: a test must not hang
/// on one run's trajectory.)
pub fn alone<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool")
        .install(f)
}

/// Burn's random number generator is global to the process: weight initialisation, dropout
/// and noise drawn on the device all use it. Tests that train hold this lock so that a fixed
/// seed gives the same run whatever else the test harness is doing.
pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
