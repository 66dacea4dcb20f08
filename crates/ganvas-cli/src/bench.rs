//! `ganvas bench`: training steps per second for every preset on every available backend,
//! image presets on the shipped MNIST training images. Prints a table, or with `--json` one
//! JSON object per line (a row, or a backend or preset that could not run and why).

use std::time::Instant;

use anyhow::Context;
use burn::tensor::Device;
use futures_lite::future::block_on;
use ganvas_engine::data::{ImageSet, ShippedSet, Toy2d};
use ganvas_engine::device::{self, BackendKind};
use ganvas_engine::preset::Preset;
use ganvas_engine::training::{DataSource, Gan};
use serde::Serialize;

use crate::{BenchArgs, shipped};

/// Steps run after the first one and before timing (kernel compilation, tuning, allocator).
const WARM_UP_STEPS: usize = 2;

/// One preset timed on one backend.
#[derive(Debug, Serialize)]
struct BenchRow {
    preset: &'static str,
    backend: &'static str,
    data: &'static str,
    batch: usize,
    /// Network updates in one step (D's and G's).
    updates_per_step: usize,
    /// Timed steps and the seconds they took.
    steps: u64,
    seconds: f64,
    steps_per_sec: f64,
    samples_per_sec: f64,
    /// D + G update pairs per second (the toy does 10 of each per step), where a step has as
    /// many D as G updates; the unit 2D playgrounds report.
    pairs_per_sec: Option<f64>,
    /// From creating the GAN to the first step's statistics read back (shader compiles,
    /// autotune and first allocations included).
    first_step_ms: f64,
    /// The same for a second GAN of the preset on the device, after the first trained: what
    /// the first step costs once its kernels are compiled (the page warms up so).
    warm_first_step_ms: f64,
}

pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    if args.list {
        for preset in Preset::ALL {
            println!("{}", preset.name());
        }
        return Ok(());
    }
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
    if !args.json {
        println!(
            "{:<24} {:<6} {:<9} {:>6} {:>10} {:>11} {:>9} {:>14} {:>10}",
            "preset",
            "device",
            "data",
            "batch",
            "steps/s",
            "samples/s",
            "pairs/s",
            "first step ms",
            "warmed ms"
        );
    }
    for backend in backends {
        let device = match device::device(backend) {
            Ok(device) => device,
            Err(error) => {
                report_error(args.json, "*", backend, &error.to_string());
                continue;
            }
        };
        for &preset in &presets {
            match time_preset(preset, backend, &device, &mnist, args.seconds) {
                Ok(row) => report(args.json, &row)?,
                Err(error) => {
                    report_error(args.json, preset.name(), backend, &format!("{error:#}"));
                }
            }
        }
    }
    Ok(())
}

fn report(json: bool, row: &BenchRow) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(row)?);
        return Ok(());
    }
    // The pair rate only says something new where a step holds more than one pair.
    let pairs = match row.pairs_per_sec {
        Some(pairs) if row.updates_per_step > 2 => format!("{pairs:.0}"),
        _ => "-".into(),
    };
    println!(
        "{:<24} {:<6} {:<9} {:>6} {:>10.2} {:>11.0} {:>9} {:>14.0} {:>10.0}",
        row.preset,
        row.backend,
        row.data,
        row.batch,
        row.steps_per_sec,
        row.samples_per_sec,
        pairs,
        row.first_step_ms,
        row.warm_first_step_ms
    );
    Ok(())
}

fn report_error(json: bool, preset: &str, backend: BackendKind, error: &str) {
    if json {
        let line =
            serde_json::json!({ "preset": preset, "backend": backend.name(), "error": error });
        println!("{line}");
    } else {
        println!("{preset:<24} {:<6} skipped: {error}", backend.name());
    }
}

/// Builds `preset` on `device`, reads its first step back, warms up, then times steps for
/// about `seconds`.
fn time_preset(
    preset: Preset,
    backend: BackendKind,
    device: &Device,
    mnist: &ImageSet,
    seconds: f64,
) -> anyhow::Result<BenchRow> {
    let config = preset.config(1);
    let train = config.train.clone();
    let data_name = if preset.is_image() {
        "mnist"
    } else {
        "quadratic"
    };
    let first_step = || -> anyhow::Result<(Gan, f64)> {
        let data = if preset.is_image() {
            DataSource::images(mnist, config.model.classes, device)?
        } else {
            DataSource::points(Toy2d::Quadratic)
        };
        let start = Instant::now();
        let mut gan = Gan::new(config.clone(), data, device)?;
        block_on(gan.train_step().read()).context("first step's readback")?;
        Ok((gan, start.elapsed().as_secs_f64() * 1000.0))
    };
    let (mut gan, first_step_ms) = first_step()?;
    let (steps, elapsed) = time_steps(&mut gan, seconds)?;
    let (_, warm_first_step_ms) = first_step()?;
    let steps_per_sec = steps as f64 / elapsed;
    Ok(BenchRow {
        preset: preset.name(),
        backend: backend.name(),
        data: data_name,
        batch: train.batch_size,
        updates_per_step: gan.updates_per_step(),
        steps,
        seconds: elapsed,
        steps_per_sec,
        samples_per_sec: steps_per_sec * train.batch_size as f64,
        pairs_per_sec: (train.d_steps == train.g_steps)
            .then_some(steps_per_sec * train.g_steps as f64),
        first_step_ms,
        warm_first_step_ms,
    })
}

/// Warms up, then runs steps for about `seconds`; returns the steps and the seconds they took.
fn time_steps(gan: &mut Gan, seconds: f64) -> anyhow::Result<(u64, f64)> {
    for _ in 1..WARM_UP_STEPS {
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
    Ok((steps, start.elapsed().as_secs_f64()))
}
