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
    Device::wgpu_options()
        .init_async()
        .await
        .map_err(|e| Error::NoGpu(format!("{e}")))
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
