//! Choosing the device a GAN trains on.

use burn::tensor::Device;

use crate::error::{Error, Result};

/// Which backend runs the tensors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BackendKind {
    /// Burn's Flex CPU backend: always available, fastest for tiny models.
    Cpu,
    /// Burn's wgpu backend: WebGPU in the browser, Vulkan/Metal/DX12 natively.
    Gpu,
}

impl BackendKind {
    /// A short, stable name.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Cpu => "cpu",
            BackendKind::Gpu => "wgpu",
        }
    }
}

/// The Flex CPU device.
pub fn cpu() -> Device {
    Device::flex()
}

/// Initialises the default GPU adapter natively. Fails cleanly when none exists.
#[cfg(all(feature = "wgpu", not(target_family = "wasm")))]
pub fn gpu() -> Result<Device> {
    Device::wgpu_options()
        .init()
        .map_err(|e| Error::NoGpu(format!("{e}")))
}

/// Initialises the GPU asynchronously (the only way in a browser). Call once, before any
/// tensor exists on it.
#[cfg(feature = "wgpu")]
pub async fn gpu_async() -> Result<Device> {
    gpu_watched_async().await.map(|(device, _)| device)
}

/// [`gpu_async`], with a watch that says when the GPU stops (see [`GpuWatch`]).
#[cfg(feature = "wgpu")]
pub async fn gpu_watched_async() -> Result<(Device, GpuWatch)> {
    let (device, setup) = Device::wgpu_options()
        .init_with_setup_async()
        .await
        .map_err(|e| Error::NoGpu(format!("{e}")))?;
    let watch = GpuWatch {
        stopped: std::sync::Arc::new(std::sync::OnceLock::new()),
        handle: setup.device,
    };
    watch.listen();
    Ok((device, watch))
}

/// Tells when the GPU stopped: the device was lost (a driver reset, the browser reclaiming
/// it, a test destroying it), or it reported an error nothing captured (out of memory, a
/// validation error), after which its results are not trusted. Reads from a stopped GPU fail with [`Error::DeviceLost`]; the
/// watch lets a caller notice before reading.
#[cfg(feature = "wgpu")]
#[derive(Clone, Debug)]
pub struct GpuWatch {
    stopped: std::sync::Arc<std::sync::OnceLock<String>>,
    /// The wgpu device, whose callbacks are set in the browser only (see `listen`).
    #[cfg_attr(not(target_family = "wasm"), allow(dead_code))]
    handle: burn::tensor::wgpu::wgpu::Device,
}

#[cfg(feature = "wgpu")]
impl GpuWatch {
    /// Why the GPU stopped, once it has.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.get().map(String::as_str)
    }

    /// Records that the GPU stopped, for a read that found it gone before its lost callback
    /// ran. The first reason given (by either) is kept.
    pub fn mark_stopped(&self, why: &str) {
        let _ = self.stopped.set(why.to_string());
    }

    #[cfg_attr(not(target_family = "wasm"), allow(clippy::unused_self))]
    fn listen(&self) {
        #[cfg(target_family = "wasm")]
        {
            let stopped = std::sync::Arc::clone(&self.stopped);
            self.handle
                .set_device_lost_callback(move |reason, message| {
                    let _ = stopped.set(format!("{reason:?}: {message}"));
                });
            // An error nothing captured (out of memory, a validation error): CubeCL's handler,
            // which this one replaces (the last set wins), panics, and a panic kills the page.
            // Here the GPU's results are no longer trusted instead, and the page goes on on
            // the CPU from its last checkpoint.
            let stopped = std::sync::Arc::clone(&self.stopped);
            self.handle
                .on_uncaptured_error(std::sync::Arc::new(move |error| {
                    let text = error.to_string();
                    let first = text.lines().next().unwrap_or("unknown").trim();
                    let short: String = first.chars().take(160).collect();
                    let _ = stopped.set(format!("it reported an error: {short}"));
                }));
        }
    }
}

/// The device for `kind`, initialised natively.
#[cfg(not(target_family = "wasm"))]
pub fn device(kind: BackendKind) -> Result<Device> {
    match kind {
        BackendKind::Cpu => Ok(cpu()),
        #[cfg(feature = "wgpu")]
        BackendKind::Gpu => gpu(),
        #[cfg(not(feature = "wgpu"))]
        BackendKind::Gpu => Err(Error::NoGpu("built without the wgpu feature".into())),
    }
}
