//! How much training one turn of a loop queues, and which device trains a setup faster.
//!
//! A loop that shares its thread (the page's, or a worker's that also answers messages)
//! trains in chunks: a time budget of single updates, then one statistics read. On the CPU
//! the budget decides; on a GPU queuing is quick and the work happens later, so [`Chunk`]
//! also caps the updates to keep a chunk (queue, then wait for its statistics) near
//! [`CHUNK_TARGET_MS`] of wall time.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

use crate::DeviceChoice;
use crate::images::ImageBundle;
use crate::setup::Setup;
use crate::trainer::Trainer;

/// Milliseconds of training queued per chunk. With the reads and the drawing this keeps a
/// page's frame near 16 ms; a step whose updates do not fit continues in the next chunk.
pub const FRAME_BUDGET_MS: f64 = 8.0;

/// Wall time one chunk should take, queuing and waiting included.
pub const CHUNK_TARGET_MS: f64 = 40.0;

/// How many updates one chunk may queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// The cap.
    pub max_updates: usize,
}

impl Default for Chunk {
    fn default() -> Self {
        Chunk { max_updates: 4 }
    }
}

impl Chunk {
    /// Halves or doubles the cap after a chunk that took `elapsed_ms` of wall time.
    pub fn adapt(&mut self, elapsed_ms: f64) {
        if elapsed_ms > 2.0 * CHUNK_TARGET_MS {
            self.max_updates = (self.max_updates / 2).max(1);
        } else if elapsed_ms < CHUNK_TARGET_MS / 2.0 {
            self.max_updates = (self.max_updates * 2).min(4096);
        }
    }
}

/// Both devices timed on one setup (steps per second), and the faster.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    /// The faster device (the GPU on a tie).
    pub choice: DeviceChoice,
    /// Steps per second on the GPU.
    pub gpu: f64,
    /// Steps per second on the CPU.
    pub cpu: f64,
}

impl Timing {
    /// The choice in words, for the device line.
    pub fn reason(&self) -> String {
        format!(
            "faster here: WebGPU {:.0} vs CPU {:.0} steps/s",
            self.gpu, self.cpu
        )
    }
}

/// Milliseconds [`time_device`] trains for.
const TIMING_MS: f64 = 300.0;

/// Times a few chunks of `setup` on `device` (after one warm step): steps per second, 0
/// when the model cannot be built there.
pub async fn time_device(
    setup: &Setup,
    device: &Device,
    images: Option<&ImageBundle>,
    now: fn() -> f64,
) -> f64 {
    let Ok(mut trainer) = Trainer::new(setup, device, None, images) else {
        return 0.0;
    };
    let _ = trainer.run_for(0.0, 1, now);
    let _ = trainer.read_stats().await;
    let start = now();
    let mut steps = 0;
    let mut chunk = Chunk::default();
    while now() - start < TIMING_MS {
        let began = now();
        steps += trainer.run_for(FRAME_BUDGET_MS, chunk.max_updates, now);
        let _ = trainer.read_stats().await;
        chunk.adapt(now() - began);
    }
    steps as f64 / ((now() - start).max(1.0) / 1000.0)
}

/// Times `setup` on both devices.
pub async fn faster(
    setup: &Setup,
    gpu: &Device,
    cpu: &Device,
    images: Option<&ImageBundle>,
    now: fn() -> f64,
) -> Timing {
    let gpu = time_device(setup, gpu, images, now).await;
    let cpu = time_device(setup, cpu, images, now).await;
    let choice = if gpu >= cpu {
        DeviceChoice::Gpu
    } else {
        DeviceChoice::Cpu
    };
    Timing { choice, gpu, cpu }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_halves_when_slow_and_doubles_when_quick() {
        let mut chunk = Chunk::default();
        chunk.adapt(2.0 * CHUNK_TARGET_MS + 1.0);
        assert_eq!(chunk.max_updates, 2);
        chunk.adapt(CHUNK_TARGET_MS);
        assert_eq!(chunk.max_updates, 2, "near the target it stays");
        chunk.adapt(1.0);
        assert_eq!(chunk.max_updates, 4);
        for _ in 0..20 {
            chunk.adapt(1000.0);
        }
        assert_eq!(chunk.max_updates, 1, "never below one");
        for _ in 0..20 {
            chunk.adapt(0.0);
        }
        assert_eq!(chunk.max_updates, 4096, "never above 4096");
    }
}
