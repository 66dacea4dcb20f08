//! `ganvas train`: one training run with live progress, then samples, a picture and metrics.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use burn::config::Config;
use futures_lite::future::block_on;
use ganvas_engine::data::{Toy2d, encode_idx_u8};
use ganvas_engine::device::{self, BackendKind};
use ganvas_engine::loss::LossKind;
use ganvas_engine::metrics::evaluate_2d;
use ganvas_engine::model::DataShape;
use ganvas_engine::preset::Preset;
use ganvas_engine::rng::Rng;
use ganvas_engine::training::{Gan, GanConfig, StatsAccumulator, StepValues};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::quality::{QualityProbe, QualityReading};
use crate::{TrainArgs, data, plot};

/// Steps between readbacks of the statistics shown on the progress bar.
const READ_EVERY: u64 = 50;
/// Samples written and evaluated at the end.
const SAMPLES_2D: usize = 2000;

pub fn run(args: &TrainArgs) -> anyhow::Result<()> {
    let preset = Preset::from_name(&args.preset)?;
    let backend = BackendKind::from(args.backend);
    let device = device::device(backend)?;
    let mut config = match &args.config {
        Some(path) => custom_config(path, preset, args.seed)?,
        None => preset.config(args.seed),
    };
    if let Some(loss) = &args.loss {
        let names: Vec<_> = LossKind::ALL.iter().map(|l| l.name()).collect();
        config.train.loss = LossKind::from_name(loss).with_context(|| {
            format!("unknown loss {loss:?}; choose one of {}", names.join(", "))
        })?;
    }
    if let Some(batch) = args.batch {
        if batch == 0 {
            bail!("--batch must be at least 1");
        }
        config.train.batch_size = batch;
    }
    if args.samples == 0 {
        bail!("--samples must be at least 1");
    }
    let model_name = match &args.config {
        Some(path) => path.display().to_string(),
        None => preset.name().to_string(),
    };
    let (toy, images) = if preset.is_image() {
        let images = data::images(
            args.dataset.as_deref(),
            args.data.as_deref(),
            args.labels.as_deref(),
        )?;
        (None, Some(images))
    } else {
        let dataset = args.dataset.as_deref().unwrap_or("quadratic");
        (Some(data::toy(dataset, args.points.as_deref())?), None)
    };
    let train_images = images.as_ref().map(|i| &i.train);
    let source = data::source(&config, train_images, toy.clone(), &device)?;
    let mut gan = Gan::new(config, source, &device)?;
    fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let probe = match images.as_ref().and_then(|i| i.shipped.as_ref()) {
        Some((set, test)) => Some(QualityProbe::new(*set, test, &device)?),
        None => None,
    };

    let run = train_with_progress(&mut gan, args.steps, probe.as_ref(), args.log_every)?;
    let (last, seconds) = (run.last, run.train_seconds);
    let steps_per_sec = args.steps as f64 / seconds.max(1e-9);
    let mut metrics = json!({
        "preset": model_name,
        "backend": backend.name(),
        "steps": args.steps,
        "seed": args.seed,
        "seconds": seconds,
        "steps_per_sec": steps_per_sec,
        "final": stats_json(&last),
        "config": serde_json::from_str::<serde_json::Value>(&gan.config().to_string())?,
    });
    if let (Some(probe), Some((_, _, first)), Some((_, _, end))) =
        (&probe, run.readings.first(), run.readings.last())
    {
        let every_class_first = run
            .readings
            .iter()
            .find(|(_, _, reading)| reading.shows_every_class())
            .map(|(step, seconds, _)| json!({ "step": step, "seconds": seconds }));
        let readings: Vec<_> = run
            .readings
            .iter()
            .map(|(step, seconds, reading)| {
                let mut value = probe.json(reading);
                value["step"] = json!(step);
                value["seconds"] = json!(seconds);
                value
            })
            .collect();
        metrics["image_quality"] = json!({
            "start": probe.json(first),
            "end": probe.json(end),
            "every_class_first": every_class_first,
            "readings": readings,
        });
    }
    match toy {
        Some(toy) => write_points(&mut gan, &toy, &args.out, &mut metrics, args.seed)?,
        None => write_images(&mut gan, &args.out, args.samples)?,
    }
    // Last: reloading the file reseeds the device, which would change the samples above.
    if let Some(about) = crate::model_file::save(&gan, args, probe.as_ref())? {
        metrics["model_file"] = about;
    }
    let metrics_path = args.out.join("metrics.json");
    fs::write(
        &metrics_path,
        serde_json::to_string_pretty(&metrics)? + "\n",
    )?;
    println!("{}", serde_json::to_string_pretty(&metrics)?);
    println!("wrote {}", args.out.display());
    Ok(())
}

/// A GAN configuration from a JSON file (Burn's `Config` format, as `metrics.json`'s
/// `config` holds it): for trying settings no preset has. Seeded with `seed`.
fn custom_config(path: &Path, preset: Preset, seed: u64) -> anyhow::Result<GanConfig> {
    let text = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let config = GanConfig::load_binary(&text)
        .map_err(|e| anyhow::anyhow!("{}: not a GANvas configuration: {e}", path.display()))?;
    let image = matches!(config.model.data, DataShape::Image(_));
    if image != preset.is_image() {
        bail!(
            "{} describes a {} GAN; pass an {} --preset for its data",
            path.display(),
            if image { "image" } else { "2D" },
            if image { "image" } else { "2D" },
        );
    }
    Ok(config.with_seed(seed))
}

/// What a run's loop measured.
struct RunResult {
    /// The last statistics read.
    last: StepValues,
    /// Seconds spent training (quality readings excluded).
    train_seconds: f64,
    /// Image quality readings (step, training seconds so far, reading), from step 0 to the
    /// last step, when measured.
    readings: Vec<(u64, f64, QualityReading)>,
}

fn train_with_progress(
    gan: &mut Gan,
    steps: u64,
    probe: Option<&QualityProbe>,
    log_every: u64,
) -> anyhow::Result<RunResult> {
    let bar = ProgressBar::new(steps);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {per_sec:>12} {msg}")
            .expect("a valid template"),
    );
    let mut quality_seconds = 0.0;
    let mut readings = Vec::new();
    let start = Instant::now();
    let mut measure = |gan: &mut Gan, step: u64| -> anyhow::Result<()> {
        let Some(probe) = probe else { return Ok(()) };
        let begin = Instant::now();
        let trained_seconds = begin.duration_since(start).as_secs_f64() - quality_seconds;
        let reading = probe.measure(gan)?;
        // `println` on a hidden bar (output not a terminal) prints nothing; `suspend` always does.
        bar.suspend(|| println!("{}", probe.line(step, &reading)));
        quality_seconds += begin.elapsed().as_secs_f64();
        readings.push((step, trained_seconds, reading));
        Ok(())
    };
    measure(gan, 0)?;
    let mut acc = StatsAccumulator::default();
    let mut last = StepValues::default();
    for step in 1..=steps {
        acc.push(gan.train_step());
        if step % READ_EVERY == 0 || step == steps {
            if let Some(values) = block_on(acc.read_mean())? {
                last = values;
                bar.set_message(format!(
                    "D loss {:.3}  G loss {:.3}  D(x) {:.2}  D(G(z)) {:.2}",
                    values.d_loss, values.g_loss, values.d_real, values.d_fake
                ));
            }
            bar.set_position(step);
        }
        if log_every > 0 && step % log_every == 0 && step != steps {
            measure(gan, step)?;
        }
    }
    measure(gan, steps)?;
    bar.finish();
    let train_seconds = start.elapsed().as_secs_f64() - quality_seconds;
    Ok(RunResult {
        last,
        train_seconds,
        readings,
    })
}

fn stats_json(values: &StepValues) -> serde_json::Value {
    json!({
        "d_loss": values.d_loss,
        "g_loss": values.g_loss,
        "d_real": values.d_real,
        "d_fake": values.d_fake,
        "critic_gap": values.critic_gap,
        "gradient_penalty": values.gradient_penalty,
        "class_accuracy": values.class_accuracy,
    })
}

fn write_points(
    gan: &mut Gan,
    toy: &Toy2d,
    out: &Path,
    metrics: &mut serde_json::Value,
    seed: u64,
) -> anyhow::Result<()> {
    let fake = block_on(gan.sample_points(SAMPLES_2D))?;
    let real = toy.sample(SAMPLES_2D, &mut Rng::new(seed ^ 0x7265_616c));
    let mut csv = String::from("x,y\n");
    for [x, y] in &fake {
        writeln!(csv, "{x},{y}")?;
    }
    fs::write(out.join("samples.csv"), csv)?;
    plot::scatter(&real, &fake, &out.join("samples.png"))?;
    let quality = evaluate_2d(toy, &real, &fake);
    metrics["quality"] = json!({
        "kl": quality.kl,
        "js": quality.js,
        "energy_distance": quality.energy,
        "modes": quality.mixture.map(|m| json!({
            "covered": m.modes_covered,
            "total": m.modes_total,
            "high_quality_share": m.high_quality_share,
        })),
        "quadratic": quality.quadratic.map(|q| json!({
            "median_relative_error": q.median_rel_error,
            "x_coverage": q.x_coverage,
        })),
    });
    Ok(())
}

/// Writes `count` samples of the shown generator to `samples.idx` and a grid of them (8 per
/// row) to `samples.png`.
fn write_images(gan: &mut Gan, out: &Path, count: usize) -> anyhow::Result<()> {
    let classes = gan.config().model.classes;
    // One row per class for a conditional GAN (8 per row), else free samples.
    let labels: Option<Vec<u8>> =
        (classes > 0).then(|| (0..count).map(|i| ((i / 8) % classes) as u8).collect());
    let pixels = block_on(gan.sample_images(count, labels.as_deref()))?;
    let bytes: Vec<u8> = pixels
        .iter()
        .map(|v| ((v.clamp(-1.0, 1.0) + 1.0) * 127.5).round() as u8)
        .collect();
    fs::write(
        out.join("samples.idx"),
        encode_idx_u8(&[count, 28, 28], &bytes),
    )?;
    plot::image_grid(&bytes, count, 28, 8, &out.join("samples.png"))?;
    Ok(())
}
