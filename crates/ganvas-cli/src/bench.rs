//! `ganvas bench`: training steps per second for every preset on every available backend,
//! image presets on the shipped MNIST training images.

use std::time::Instant;

use anyhow::Context;
use futures_lite::future::block_on;
use ganvas_engine::data::{ShippedSet, Toy2d};
use ganvas_engine::device::{self, BackendKind};
use ganvas_engine::preset::Preset;
use ganvas_engine::training::{DataSource, Gan};

use crate::{BenchArgs, shipped};

/// Steps run before timing (kernel compilation, allocator warm-up).
const WARM_UP_STEPS: usize = 3;

pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let presets = if args.presets.is_empty() {
        Preset::ALL.to_vec()
    } else {
        args.presets
            .iter()
            .map(|name| Preset::from_name(name))
            .collect::<Result<_, _>>()?
    };
    let backends = match args.backend {
        Some(backend) => vec![BackendKind::from(backend)],
        None => vec![BackendKind::Cpu, BackendKind::Gpu],
    };
    // Image presets learn the shipped MNIST training images, as `ganvas train` does by default.
    let mnist = shipped::load(ShippedSet::Mnist)?.train;
    println!(
        "{:<24} {:<6} {:<9} {:>6} {:>12} {:>14}",
        "preset", "device", "data", "batch", "steps/s", "samples/s"
    );
    for backend in backends {
        let device = match device::device(backend) {
            Ok(device) => device,
            Err(error) => {
                println!("{:<24} {:<6} skipped: {error}", "*", backend.name());
                continue;
            }
        };
        for &preset in &presets {
            let config = preset.config(1);
            let batch = config.train.batch_size;
            let data = if preset.is_image() {
                DataSource::images(&mnist, config.model.classes, &device)?
            } else {
                DataSource::points(Toy2d::Quadratic)
            };
            let mut gan = Gan::new(config, data, &device)?;
            let steps_per_sec = time_steps(&mut gan, args.seconds)?;
            let data_name = if preset.is_image() {
                "mnist"
            } else {
                "quadratic"
            };
            println!(
                "{:<24} {:<6} {:<9} {:>6} {:>12.1} {:>14.0}",
                preset.name(),
                backend.name(),
                data_name,
                batch,
                steps_per_sec,
                steps_per_sec * batch as f64
            );
        }
    }
    Ok(())
}

/// Runs steps for about `seconds` and returns steps per second.
fn time_steps(gan: &mut Gan, seconds: f64) -> anyhow::Result<f64> {
    for _ in 0..WARM_UP_STEPS {
        gan.train_step();
    }
    block_on(gan.train_step().read()).context("warm-up readback")?;
    let start = Instant::now();
    let mut steps = 0_u64;
    let last = loop {
        let stats = gan.train_step();
        steps += 1;
        if start.elapsed().as_secs_f64() >= seconds {
            break stats;
        }
    };
    // Waiting for the last step's statistics waits for all queued device work.
    block_on(last.read()).context("readback")?;
    Ok(steps as f64 / start.elapsed().as_secs_f64())
}
