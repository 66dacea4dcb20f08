//! Which device trains: WebGPU when the browser has it (and it is faster), else the CPU.

use burn::tensor::Device;
use ganvas_engine::device;

/// The device the user asked for in the URL (`?backend=gpu|cpu|auto`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requested {
    /// Time both and keep the faster.
    Auto,
    /// WebGPU (falls back to the CPU with a banner if it is unavailable).
    Gpu,
    /// The Flex CPU backend.
    Cpu,
}

impl Requested {
    /// Reads `backend` from the page's query string.
    pub fn from_url() -> Self {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        let params = web_sys::UrlSearchParams::new_with_str(&search).ok();
        match params.and_then(|p| p.get("backend")).as_deref() {
            Some("gpu") => Requested::Gpu,
            Some("cpu") => Requested::Cpu,
            _ => Requested::Auto,
        }
    }
}

/// The devices this page can train on.
#[derive(Clone, Debug)]
pub struct Devices {
    /// The Flex CPU device (always there).
    pub cpu: Device,
    /// The WebGPU device, if it initialised (and until it stops).
    pub gpu: Option<Device>,
    /// Says when the WebGPU device stops (lost, or out of memory).
    pub gpu_watch: Option<device::GpuWatch>,
    /// Why WebGPU is not available, to show in a banner.
    pub gpu_problem: Option<String>,
}

/// Initialises WebGPU unless the user asked for the CPU. Never fails: problems become a reason.
pub async fn init(requested: Requested) -> Devices {
    let cpu = device::cpu();
    if requested == Requested::Cpu {
        return Devices {
            cpu,
            gpu: None,
            gpu_watch: None,
            gpu_problem: None,
        };
    }
    if !browser_has_webgpu() {
        return Devices {
            cpu,
            gpu: None,
            gpu_watch: None,
            gpu_problem: Some(MISSING.into()),
        };
    }
    match device::gpu_watched_async().await {
        Ok((gpu, watch)) => Devices {
            cpu,
            gpu: Some(gpu),
            gpu_watch: Some(watch),
            gpu_problem: None,
        },
        Err(error) => Devices {
            cpu,
            gpu: None,
            gpu_watch: None,
            gpu_problem: Some(error.to_string()),
        },
    }
}

/// The technical reason when the browser has no WebGPU at all.
const MISSING: &str = "navigator.gpu is missing";

/// What the page says when WebGPU is unavailable (`problem`, the technical reason, is shown
/// folded away beside it): what happened, what it costs, and how to get WebGPU.
pub fn fallback_message(problem: &str) -> String {
    let what = if problem == MISSING {
        "This browser does not offer WebGPU"
    } else {
        "This browser has WebGPU but could not start it on this computer's graphics (the driver may be blocked or missing)"
    };
    format!(
        "{what}, so GANvas trains on the CPU instead: the 2D GANs run as well, image GANs more \
         slowly. WebGPU comes with Chrome and Edge 113 or later (Windows, macOS, ChromeOS, \
         Android), Safari 26 and Firefox 141 on Windows; on Linux, Chrome needs \
         chrome://flags/#enable-unsafe-webgpu turned on."
    )
}

/// Whether `navigator.gpu` exists (on the page or in the training worker).
fn browser_has_webgpu() -> bool {
    crate::global::navigator().is_some_and(|navigator| {
        js_sys::Reflect::get(&navigator, &"gpu".into())
            .is_ok_and(|gpu| !gpu.is_undefined() && !gpu.is_null())
    })
}
