//! `ganvas train --preset pix2pix…`: Pix2Pix on line drawings of a shipped set, judged on its
//! first 500 held-out pairs.
//!
//! `pix2pix-edges` learns Fashion-MNIST items from their Sobel edges (the paper's edges2shoes
//! at 28×28); `pix2pix` takes `--dataset`: `fashion` the same, `mnist` digits from their
//! outlines. Images are padded to 32×32 for the U-Net and cropped back to 28×28 for the files.

use std::fs;

use anyhow::{Context, bail};
use burn::tensor::{Device, Tensor, TensorData};
use futures_lite::future::block_on;
use ganvas_engine::data::pairs::crop;
use ganvas_engine::data::{ImagePairs, LineDrawing, ShippedSet, encode_idx_u8};
use ganvas_engine::device::{self, BackendKind};
use ganvas_engine::metrics::class_hits;
use ganvas_engine::model::Classifier;
use ganvas_engine::snapshot::{Snapshot, SnapshotParts};
use ganvas_engine::training::gan::read_many;
use ganvas_engine::training::{Pix2Pix, Pix2PixConfig};
use serde_json::json;

use crate::translator_loop::{self, Judged};
use crate::{TrainArgs, plot, shipped};

/// The names `ganvas train --preset` takes for Pix2Pix.
pub const PRESETS: [&str; 2] = ["pix2pix", "pix2pix-edges"];
/// Held-out pairs judged and written.
pub(crate) const HELD_OUT: usize = 500;
/// Border added around 28×28 images for the 32×32 U-Net.
pub(crate) const BORDER: usize = 2;

pub fn run(args: &TrainArgs) -> anyhow::Result<()> {
    refuse_other_flags(args)?;
    let (set, drawing) = task(args)?;
    let config = config(args);
    let backend = BackendKind::from(args.backend);
    let device = device::device(backend)?;
    let split = shipped::load(set)?;
    let train = ImagePairs::drawn_from(&split.train, drawing).padded(BORDER);
    let test = ImagePairs::drawn_from(&split.test, drawing).padded(BORDER);
    let held_out: Vec<usize> = (0..HELD_OUT.min(test.len())).collect();
    let (held_inputs, _) = test.inputs.batch(&held_out);
    let (held_targets, labels) = test.targets.batch(&held_out);
    let classifier = shipped::classifier(set, &device)?;

    let mut gan = Pix2Pix::new(config, &train, &device)?;
    let (g_params, d_params) = gan.parameter_counts();
    println!(
        "{} on {} ({drawing:?} → item): G {g_params} parameters, D {d_params}, {} training pairs",
        args.preset,
        set.name(),
        train.len()
    );
    fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;

    let judge = |gan: &Pix2Pix| -> anyhow::Result<(Judgement, Vec<f32>)> {
        judge(
            gan,
            &classifier,
            &device,
            &held_inputs,
            &held_targets,
            &labels,
        )
    };
    let trained = translator_loop::train(
        args,
        &mut gan,
        Pix2Pix::train_step,
        |last| {
            format!(
                "D loss {:.3}  G loss {:.1}  L1 {:.1}  D(x) {:.2}  D(G(y)) {:.2}",
                last.d_loss, last.g_loss, last.l1, last.d_real, last.d_fake
            )
        },
        |gan, step| {
            let (judgement, outputs) = judge(gan)?;
            Ok(Judged {
                line: judgement.line(step),
                json: judgement.json(),
                outputs,
            })
        },
    )?;
    let (last, seconds, outputs) = (trained.last, trained.seconds, trained.outputs);
    let model_file = save_model(&gan, args, &train, |gan| Ok(judge(gan)?.0))?;

    write_pairs(
        args,
        test.inputs.rows,
        &held_inputs,
        &outputs,
        &held_targets,
        &labels,
    )?;

    let metrics = json!({
        "preset": args.preset,
        "dataset": set.name(),
        "drawing": format!("{drawing:?}"),
        "backend": backend.name(),
        "steps": args.steps,
        "seed": args.seed,
        "seconds": seconds,
        "steps_per_sec": args.steps as f64 / seconds.max(1e-9),
        "parameters": { "generator": g_params, "discriminator": d_params },
        "final": {
            "d_loss": last.d_loss, "g_loss": last.g_loss, "l1": last.l1,
            "d_real": last.d_real, "d_fake": last.d_fake,
        },
        "readings": trained.readings,
        "model_file": model_file,
        "config": serde_json::from_str::<serde_json::Value>(&gan.config().to_string())?,
    });
    let metrics = serde_json::to_string_pretty(&metrics)? + "\n";
    fs::write(args.out.join("metrics.json"), &metrics)?;
    print!("{metrics}");
    println!("wrote {}", args.out.display());
    Ok(())
}

/// Writes the held-out inputs, outputs, targets and labels as IDX files cropped to 28×28, and
/// 16 triples input | output | target as `pairs.png`.
fn write_pairs(
    args: &TrainArgs,
    rows: usize,
    held_inputs: &[f32],
    outputs: &[f32],
    held_targets: &[f32],
    labels: &[u8],
) -> anyhow::Result<()> {
    let crop = |values: &[f32]| crop_to_u8(values, rows, BORDER);
    let (inputs, outputs, targets) = (crop(held_inputs), crop(outputs), crop(held_targets));
    let side = rows - 2 * BORDER;
    let count = labels.len();
    for (name, bytes) in [
        ("inputs.idx", &inputs),
        ("outputs.idx", &outputs),
        ("targets.idx", &targets),
    ] {
        fs::write(
            args.out.join(name),
            encode_idx_u8(&[count, side, side], bytes),
        )?;
    }
    fs::write(args.out.join("labels.idx"), encode_idx_u8(&[count], labels))?;
    // 16 triples input | output | target, four to a row.
    let pixels = side * side;
    let triples: Vec<u8> = (0..16.min(count))
        .flat_map(|i| {
            [&inputs, &outputs, &targets]
                .into_iter()
                .flat_map(move |set| set[i * pixels..(i + 1) * pixels].iter().copied())
        })
        .collect();
    plot::image_grid(
        &triples,
        triples.len() / pixels,
        side,
        12,
        &args.out.join("pairs.png"),
    )?;

    Ok(())
}

/// The tutorial's configuration with the run's seed and `--batch`.
fn config(args: &TrainArgs) -> Pix2PixConfig {
    let tutorial = Pix2PixConfig::tutorial().with_seed(args.seed);
    Pix2PixConfig {
        batch_size: args.batch.unwrap_or(tutorial.batch_size),
        ..tutorial
    }
}

/// The shipped set and line drawing a preset (and `--dataset`) asks for.
fn task(args: &TrainArgs) -> anyhow::Result<(ShippedSet, LineDrawing)> {
    let default_set = if args.preset == "pix2pix-edges" {
        "fashion"
    } else {
        "mnist"
    };
    let set = shipped::parse(args.dataset.as_deref().unwrap_or(default_set))?;
    let drawing = match (args.preset.as_str(), set) {
        ("pix2pix-edges", ShippedSet::Mnist) => {
            bail!("pix2pix-edges learns Fashion-MNIST; use --preset pix2pix --dataset mnist")
        }
        (_, ShippedSet::Fashion) => LineDrawing::Edges,
        (_, ShippedSet::Mnist) => LineDrawing::Outline,
    };
    Ok((set, drawing))
}

/// What a starting point holds (`--model-out`): the U-Net and D, not the optimiser moments
/// (Adam's two slots per U-Net weight would triple the file; they are rebuilt within a few
/// hundred steps).
const PARTS: SnapshotParts = SnapshotParts {
    discriminator: true,
    optimizers: false,
    averaged_generator: false,
};

/// Writes `gan` to `args.model_out` at `args.precision` and describes the file: its size and
/// how the model does on the held-out pairs as the page will load it (rounded to the
/// precision), so a precision that spoils the outputs shows in the figures.
fn save_model(
    gan: &Pix2Pix,
    args: &TrainArgs,
    pairs: &ImagePairs,
    judge: impl Fn(&Pix2Pix) -> anyhow::Result<Judgement>,
) -> anyhow::Result<Option<serde_json::Value>> {
    if args.model_out.is_none() {
        return Ok(None);
    }
    let Some((bytes, mut about)) = crate::model_file::write(&block_on(gan.snapshot(PARTS))?, args)?
    else {
        return Ok(None);
    };
    let loaded = Snapshot::from_payload(ganvas_share::decode(&bytes)?)?;
    let reloaded = Pix2Pix::from_snapshot(&loaded, pairs, &gan.device().clone().inner())?;
    about["held_out_as_loaded"] = judge(&reloaded)?.json();
    Ok(Some(about))
}

/// Flags of the noise presets that mean nothing here are refused in words, not ignored.
fn refuse_other_flags(args: &TrainArgs) -> anyhow::Result<()> {
    for (given, what) in [
        (args.points.is_some(), "--points"),
        (args.data.is_some(), "--data"),
        (args.labels.is_some(), "--labels"),
        (args.config.is_some(), "--config"),
        (args.loss.is_some(), "--loss"),
        (args.classes.is_some(), "--classes"),
    ] {
        if given {
            bail!(
                "{what} is not available for Pix2Pix yet: it trains on a shipped set's line drawings"
            );
        }
    }
    Ok(())
}

/// How G does on the held-out pairs.
struct Judgement {
    /// The loss's L1 term: per-image pixel sum of |target − output| in [−1, 1] units, averaged.
    l1: f64,
    /// The same as a mean per pixel, in [0, 1] units (0 is a perfect copy, 1 black for white).
    pixel_error: f64,
    /// Share of outputs our classifier puts in their source item's class.
    class_accuracy: f64,
    /// The same share for the targets themselves: the ceiling.
    target_accuracy: f64,
}

impl Judgement {
    fn line(&self, step: u64) -> String {
        format!(
            "step {step:>6}: held-out L1 {:.1} per image ({:.3} per pixel), outputs classified as their item {:.1} % (targets {:.1} %)",
            self.l1,
            self.pixel_error,
            100.0 * self.class_accuracy,
            100.0 * self.target_accuracy
        )
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "l1": self.l1,
            "pixel_error": self.pixel_error,
            "class_accuracy": self.class_accuracy,
            "target_accuracy": self.target_accuracy,
        })
    }
}

/// G's outputs for the held-out inputs, scored; returns the outputs too (flattened 32×32).
fn judge(
    gan: &Pix2Pix,
    classifier: &Classifier,
    device: &Device,
    inputs: &[f32],
    targets: &[f32],
    labels: &[u8],
) -> anyhow::Result<(Judgement, Vec<f32>)> {
    let outputs = block_on(read_many(vec![gan.translate(inputs)?]))?
        .pop()
        .context("no outputs")?;
    let pixels = outputs.len() / labels.len();
    let side = (pixels as f64).sqrt() as usize;
    let l1: f64 = outputs
        .iter()
        .zip(targets)
        .map(|(o, t)| f64::from((o - t).abs()))
        .sum::<f64>()
        / labels.len() as f64;
    let classify = |values: &[f32]| -> anyhow::Result<f64> {
        let cropped = crop(values, side, BORDER);
        let n = labels.len();
        let x = Tensor::<2>::from_data(
            TensorData::new(cropped, [n, (side - 2 * BORDER).pow(2)]),
            device,
        );
        let (logits, _) = classifier.logits_and_features(x);
        let logits = block_on(read_many(vec![logits]))?
            .pop()
            .context("no logits")?;
        Ok(class_hits(&logits, labels) as f64 / n as f64)
    };
    let judgement = Judgement {
        l1,
        pixel_error: l1 / pixels as f64 / 2.0,
        class_accuracy: classify(&outputs)?,
        target_accuracy: classify(targets)?,
    };
    Ok((judgement, outputs))
}

/// [`crop`], as bytes 0–255.
pub(crate) fn crop_to_u8(values: &[f32], side: usize, border: usize) -> Vec<u8> {
    crop(values, side, border)
        .into_iter()
        .map(|v| ((v.clamp(-1.0, 1.0) + 1.0) * 127.5).round() as u8)
        .collect()
}
