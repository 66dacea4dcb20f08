//! `ganvas train --preset cyclegan…`: CycleGAN between two classes of Fashion-MNIST (sneakers
//! and ankle boots unless `--classes` names others), judged on the first 500 held-out images of
//! each class.
//!
//! `cyclegan` is the tutorial's networks; `cyclegan-shoes` the small ones that train in a
//! browser's CPU fallback. Images are padded to 32×32 for the networks and cropped back to
//! 28×28 for the files: `a.idx`, `a2b.idx`, `a2b2a.idx`, `b.idx`, `b2a.idx`, `b2a2b.idx`,
//! `cycle.png` (rows a | G(a) | F(G(a)) and b | F(b) | G(F(b))) and `metrics.json` (with the
//! class pair).

use std::fs;

use anyhow::{Context, bail};
use burn::tensor::{Device, Tensor, TensorData};
use futures_lite::future::block_on;
use ganvas_engine::data::domains::{ANKLE_BOOT, SNEAKER};
use ganvas_engine::data::pairs::crop;
use ganvas_engine::data::{Domains, ShippedSet, encode_idx_u8};
use ganvas_engine::device::{self, BackendKind};
use ganvas_engine::metrics::class_hits;
use ganvas_engine::model::Classifier;
use ganvas_engine::snapshot::{Snapshot, SnapshotParts};
use ganvas_engine::training::gan::read_many;
use ganvas_engine::training::{CycleGan, CycleGanConfig, Direction};
use serde_json::json;

use crate::pix2pix::{BORDER, HELD_OUT, crop_to_u8};
use crate::translator_loop::{self, Judged};
use crate::{TrainArgs, plot, shipped};

/// The names `ganvas train --preset` takes for CycleGAN.
pub const PRESETS: [&str; 2] = ["cyclegan", "cyclegan-shoes"];

pub fn run(args: &TrainArgs) -> anyhow::Result<()> {
    refuse_other_flags(args)?;
    let set = ShippedSet::Fashion;
    let names = set.class_names();
    let (class_a, class_b) = classes(args)?;
    let config = config(args);
    let backend = BackendKind::from(args.backend);
    let device = device::device(backend)?;
    let split = shipped::load(set)?;
    let train = Domains::classes(&split.train, class_a, class_b)?.padded(BORDER);
    let test = Domains::classes(&split.test, class_a, class_b)?.padded(BORDER);
    let held = |set: &ganvas_engine::data::ImageSet| {
        let chosen: Vec<usize> = (0..HELD_OUT.min(set.len)).collect();
        set.batch(&chosen).0
    };
    let (held_a, held_b) = (held(&test.a), held(&test.b));
    let classifier = shipped::classifier(set, &device)?;

    let mut gan = CycleGan::new(config, &train, &device)?;
    let (g_params, d_params) = gan.parameter_counts();
    let (name_a, name_b) = (names[class_a as usize], names[class_b as usize]);
    println!(
        "{}: {name_a} (A) ↔ {name_b} (B), two generators of {g_params} parameters, two Ds of \
         {d_params}, {} + {} training images",
        args.preset, train.a.len, train.b.len
    );
    fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;

    let judge = |gan: &CycleGan| {
        let held = Held {
            side: test.a.rows,
            a: &held_a,
            b: &held_b,
            classes: (class_a, class_b),
        };
        judge(gan, &classifier, &device, &held)
    };
    let trained = translator_loop::train(
        args,
        &mut gan,
        CycleGan::train_step,
        |last| {
            format!(
                "D loss {:.3}  G loss {:.1}  cycle {:.1}  D(x) {:.2}  D(G) {:.2}",
                last.d_loss, last.g_loss, last.l1, last.d_real, last.d_fake
            )
        },
        |gan, step| {
            let (judgement, outputs) = judge(gan)?;
            Ok(Judged {
                line: judgement.line(step, name_a, name_b),
                json: judgement.json(),
                outputs,
            })
        },
    )?;
    let (last, seconds, translations) = (trained.last, trained.seconds, trained.outputs);
    write_images(args, test.a.rows, &held_a, &held_b, &translations)?;
    let model_file = save_model(&gan, args, &train, |gan| Ok(judge(gan)?.0.json()))?;

    let metrics = json!({
        "preset": args.preset,
        "dataset": set.name(),
        "classes": {
            "a": { "label": class_a, "name": name_a },
            "b": { "label": class_b, "name": name_b },
        },
        "backend": backend.name(),
        "steps": args.steps,
        "seed": args.seed,
        "seconds": seconds,
        "steps_per_sec": args.steps as f64 / seconds.max(1e-9),
        "parameters": { "generator": g_params, "discriminator": d_params },
        "final": {
            "d_loss": last.d_loss, "g_loss": last.g_loss, "cycle": last.l1,
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

/// What a starting point holds (`--model-out`): both generators and both Ds, not the
/// optimiser moments (they are rebuilt within a few hundred steps).
const PARTS: SnapshotParts = SnapshotParts {
    discriminator: true,
    optimizers: false,
    averaged_generator: false,
};

/// Writes `gan` to `args.model_out` at `args.precision` and describes the file: its size and
/// how the model does on the held-out images as the page will load it (rounded to the
/// precision), so a precision that spoils the translations shows in the figures.
fn save_model(
    gan: &CycleGan,
    args: &TrainArgs,
    domains: &Domains,
    judge: impl Fn(&CycleGan) -> anyhow::Result<serde_json::Value>,
) -> anyhow::Result<Option<serde_json::Value>> {
    let Some((bytes, mut about)) = crate::model_file::write(&block_on(gan.snapshot(PARTS))?, args)?
    else {
        return Ok(None);
    };
    let loaded = Snapshot::from_payload(ganvas_share::decode(&bytes)?)?;
    let reloaded = CycleGan::from_snapshot(&loaded, domains, &gan.device().clone().inner())?;
    about["held_out_as_loaded"] = judge(&reloaded)?;
    Ok(Some(about))
}

/// The preset's configuration with the run's seed and `--batch`.
fn config(args: &TrainArgs) -> CycleGanConfig {
    let preset = if args.preset == "cyclegan" {
        CycleGanConfig::tutorial()
    } else {
        CycleGanConfig::shoes()
    }
    .with_seed(args.seed);
    CycleGanConfig {
        batch_size: args.batch.unwrap_or(preset.batch_size),
        ..preset
    }
}

/// The two Fashion-MNIST classes: `--classes A,B` (labels 0–9 or class names), else sneakers
/// and ankle boots.
fn classes(args: &TrainArgs) -> anyhow::Result<(u8, u8)> {
    let Some(given) = &args.classes else {
        return Ok((SNEAKER, ANKLE_BOOT));
    };
    let names = ShippedSet::Fashion.class_names();
    let parse = |word: &str| -> anyhow::Result<u8> {
        let word = word.trim();
        if let Ok(label) = word.parse::<u8>()
            && label < 10
        {
            return Ok(label);
        }
        names
            .iter()
            .position(|name| name.eq_ignore_ascii_case(word))
            .map(|i| i as u8)
            .with_context(|| {
                format!(
                    "{word:?} is not a Fashion-MNIST class: give 0–9 or one of {}",
                    names.join(", ")
                )
            })
    };
    let parts: Vec<&str> = given.split(',').collect();
    let [a, b] = parts.as_slice() else {
        bail!("--classes takes two classes, A,B (e.g. 7,9 or sneaker,boot)");
    };
    let (a, b) = (parse(a)?, parse(b)?);
    if a == b {
        bail!("--classes needs two different classes");
    }
    Ok((a, b))
}

/// Flags that mean nothing here are refused in words, not ignored.
fn refuse_other_flags(args: &TrainArgs) -> anyhow::Result<()> {
    for (given, what) in [
        (args.points.is_some(), "--points"),
        (args.data.is_some(), "--data"),
        (args.labels.is_some(), "--labels"),
        (args.config.is_some(), "--config"),
        (args.loss.is_some(), "--loss"),
        (
            args.dataset.as_deref().is_some_and(|d| d != "fashion"),
            "--dataset other than fashion",
        ),
    ] {
        if given {
            bail!(
                "{what} is not available for CycleGAN yet: it trains on two Fashion-MNIST classes"
            );
        }
    }
    Ok(())
}

/// The held-out images of both domains (flattened 32×32, in [−1, 1]) and their classes.
struct Held<'a> {
    side: usize,
    a: &'a [f32],
    b: &'a [f32],
    classes: (u8, u8),
}

/// Both generators' translations of the held-out images, and the cycles back.
struct Translations {
    a2b: Vec<f32>,
    a2b2a: Vec<f32>,
    b2a: Vec<f32>,
    b2a2b: Vec<f32>,
}

/// How the generators do on the held-out images.
struct Judgement {
    /// Share of G(a) our classifier puts in class B.
    a2b_as_b: f64,
    /// Share of F(b) it puts in class A.
    b2a_as_a: f64,
    /// Mean |a − F(G(a))| per pixel, in [0, 1] units.
    cycle_error_a: f64,
    /// Mean |b − G(F(b))| per pixel, in [0, 1] units.
    cycle_error_b: f64,
    /// Share of the real A images classified as class A: the ceiling.
    a_as_a: f64,
    /// The same for B.
    b_as_b: f64,
}

impl Judgement {
    fn line(&self, step: u64, a: &str, b: &str) -> String {
        format!(
            "step {step:>6}: G({a}) classified {b} {:.1} %, F({b}) classified {a} {:.1} % (real: {:.1} %, {:.1} %); cycle error per pixel {:.3} and {:.3}",
            100.0 * self.a2b_as_b,
            100.0 * self.b2a_as_a,
            100.0 * self.a_as_a,
            100.0 * self.b_as_b,
            self.cycle_error_a,
            self.cycle_error_b
        )
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "a2b_classified_as_b": self.a2b_as_b,
            "b2a_classified_as_a": self.b2a_as_a,
            "cycle_error_a": self.cycle_error_a,
            "cycle_error_b": self.cycle_error_b,
            "real_a_classified_as_a": self.a_as_a,
            "real_b_classified_as_b": self.b_as_b,
        })
    }
}

/// Translates the held-out images both ways and back, and scores them.
fn judge(
    gan: &CycleGan,
    classifier: &Classifier,
    device: &Device,
    held: &Held,
) -> anyhow::Result<(Judgement, Translations)> {
    let (a2b, a2b2a) = gan.translate(held.a, Direction::AToB)?;
    let (b2a, b2a2b) = gan.translate(held.b, Direction::BToA)?;
    let mut read = block_on(read_many(vec![a2b, a2b2a, b2a, b2a2b]))?.into_iter();
    let mut next = || read.next().context("a translation was not read back");
    let t = Translations {
        a2b: next()?,
        a2b2a: next()?,
        b2a: next()?,
        b2a2b: next()?,
    };
    let side = held.side;
    let share = |values: &[f32], class: u8| -> anyhow::Result<f64> {
        let cropped = crop(values, side, BORDER);
        let inner = (side - 2 * BORDER).pow(2);
        let n = cropped.len() / inner;
        let x = Tensor::<2>::from_data(TensorData::new(cropped, [n, inner]), device);
        let (logits, _) = classifier.logits_and_features(x);
        let logits = block_on(read_many(vec![logits]))?
            .pop()
            .context("no logits")?;
        Ok(class_hits(&logits, &vec![class; n]) as f64 / n as f64)
    };
    // |x − y| in [−1, 1] units is twice the [0, 1] error.
    let error = |x: &[f32], y: &[f32]| {
        x.iter()
            .zip(y)
            .map(|(p, q)| f64::from((p - q).abs()))
            .sum::<f64>()
            / x.len() as f64
            / 2.0
    };
    let (class_a, class_b) = held.classes;
    let judgement = Judgement {
        a2b_as_b: share(&t.a2b, class_b)?,
        b2a_as_a: share(&t.b2a, class_a)?,
        cycle_error_a: error(held.a, &t.a2b2a),
        cycle_error_b: error(held.b, &t.b2a2b),
        a_as_a: share(held.a, class_a)?,
        b_as_b: share(held.b, class_b)?,
    };
    Ok((judgement, t))
}

/// Writes the held-out images, translations and cycles as IDX files cropped to 28×28, and
/// eight rows a | G(a) | F(G(a)) | b | F(b) | G(F(b)) as `cycle.png`.
fn write_images(
    args: &TrainArgs,
    rows: usize,
    held_a: &[f32],
    held_b: &[f32],
    t: &Translations,
) -> anyhow::Result<()> {
    let crop = |values: &[f32]| crop_to_u8(values, rows, BORDER);
    let side = rows - 2 * BORDER;
    let pixels = side * side;
    let sets = [
        ("a.idx", crop(held_a)),
        ("a2b.idx", crop(&t.a2b)),
        ("a2b2a.idx", crop(&t.a2b2a)),
        ("b.idx", crop(held_b)),
        ("b2a.idx", crop(&t.b2a)),
        ("b2a2b.idx", crop(&t.b2a2b)),
    ];
    for (name, bytes) in &sets {
        fs::write(
            args.out.join(name),
            encode_idx_u8(&[bytes.len() / pixels, side, side], bytes),
        )?;
    }
    let shown = 8
        .min(sets[0].1.len() / pixels)
        .min(sets[3].1.len() / pixels);
    let grid: Vec<u8> = (0..shown)
        .flat_map(|i| {
            sets.iter()
                .flat_map(move |(_, set)| set[i * pixels..(i + 1) * pixels].iter().copied())
        })
        .collect();
    plot::image_grid(
        &grid,
        grid.len() / pixels,
        side,
        sets.len(),
        &args.out.join("cycle.png"),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(line: &[&str]) -> TrainArgs {
        let mut all = vec!["ganvas", "train"];
        all.extend(line);
        match crate::Cli::parse_from(all).command {
            crate::Command::Train(args) => args,
            _ => unreachable!("a train command"),
        }
    }

    #[test]
    fn classes_are_sneakers_and_boots_unless_named() {
        let pick = |line: &[&str]| classes(&args(line));
        assert_eq!(pick(&[]).expect("default"), (SNEAKER, ANKLE_BOOT));
        assert_eq!(pick(&["--classes", "5,7"]).expect("labels"), (5, 7));
        assert_eq!(
            pick(&["--classes", "Sneaker, boot"]).expect("names"),
            (SNEAKER, ANKLE_BOOT)
        );
        for bad in ["7", "7,7", "7,10", "7,hat", "1,2,3"] {
            assert!(pick(&["--classes", bad]).is_err(), "{bad}");
        }
        let why = refuse_other_flags(&args(&["--dataset", "mnist"])).unwrap_err();
        assert!(
            why.to_string().contains("two Fashion-MNIST classes"),
            "{why}"
        );
        assert!(refuse_other_flags(&args(&["--loss", "hinge"])).is_err());
        assert!(refuse_other_flags(&args(&["--model-out", "x.ganvas"])).is_ok());
    }
}
