//! The device a session trains on, as the page and its links name it.

use serde::{Deserialize, Serialize};

/// Which device a session trains on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeviceChoice {
    /// WebGPU.
    Gpu,
    /// The Flex CPU backend.
    Cpu,
}

impl DeviceChoice {
    /// The name shown in the status line.
    pub fn label(self) -> &'static str {
        match self {
            DeviceChoice::Gpu => "WebGPU",
            DeviceChoice::Cpu => "CPU",
        }
    }

    /// The name in links (`device=gpu`).
    pub fn key(self) -> &'static str {
        match self {
            DeviceChoice::Gpu => "gpu",
            DeviceChoice::Cpu => "cpu",
        }
    }

    /// Parses a link's name.
    pub fn from_key(key: &str) -> Option<Self> {
        match key {
            "gpu" => Some(DeviceChoice::Gpu),
            "cpu" => Some(DeviceChoice::Cpu),
            _ => None,
        }
    }
}
