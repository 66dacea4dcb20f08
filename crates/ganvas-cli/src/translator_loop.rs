//! The training loop Pix2Pix and CycleGAN share in the CLI: steps with a progress bar whose
//! message reads the statistics every [`READ_EVERY`] steps, and a held-out judgement at step 0,
//! every `--log-every` steps and at the end, whose time is kept out of the training time.

use std::time::Instant;

use futures_lite::future::block_on;
use ganvas_engine::training::{StatsAccumulator, StepStats, StepValues};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};

use crate::TrainArgs;

/// Steps between readbacks of the statistics shown on the progress bar.
pub(crate) const READ_EVERY: u64 = 25;

/// A held-out judgement: its line for the terminal, its figures for `metrics.json`, and what
/// the files are written from (the last one's).
pub(crate) struct Judged<T> {
    /// Printed above the progress bar.
    pub line: String,
    /// `held_out` in the readings of `metrics.json`.
    pub json: Value,
    /// The translations judged.
    pub outputs: T,
}

/// What the loop measured.
pub(crate) struct Trained<T> {
    /// The statistics of the last steps read.
    pub last: StepValues,
    /// Seconds spent training, judging left out.
    pub seconds: f64,
    /// `{step, seconds, held_out}` for every judgement.
    pub readings: Vec<Value>,
    /// The last judgement's outputs (at the final step).
    pub outputs: T,
}

/// Trains `model` for `args.steps` steps of `step`, judging it with `judge` at step 0, every
/// `args.log_every` steps and at the end; `message` words the progress bar's statistics.
pub(crate) fn train<M, T>(
    args: &TrainArgs,
    model: &mut M,
    mut step: impl FnMut(&mut M) -> StepStats,
    message: impl Fn(&StepValues) -> String,
    mut judge: impl FnMut(&M, u64) -> anyhow::Result<Judged<T>>,
) -> anyhow::Result<Trained<T>> {
    let bar = ProgressBar::new(args.steps).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {per_sec:>12} {msg}")
            .expect("a valid template"),
    );
    let mut readings = Vec::new();
    let mut judged_seconds = 0.0;
    let start = Instant::now();
    let mut reading = |model: &M, at: u64| -> anyhow::Result<T> {
        let begin = Instant::now();
        let seconds = begin.duration_since(start).as_secs_f64() - judged_seconds;
        let judged = judge(model, at)?;
        bar.suspend(|| println!("{}", judged.line));
        readings.push(json!({ "step": at, "seconds": seconds, "held_out": judged.json }));
        judged_seconds += begin.elapsed().as_secs_f64();
        Ok(judged.outputs)
    };
    let mut outputs = reading(model, 0)?;
    let mut last = StepValues::default();
    let mut pending = StatsAccumulator::default();
    for at in 1..=args.steps {
        pending.push(step(model));
        if at % READ_EVERY == 0 || at == args.steps {
            last = block_on(pending.read_mean())?.unwrap_or(last);
            bar.set_message(message(&last));
            bar.set_position(at);
        }
        if at == args.steps || (args.log_every > 0 && at.is_multiple_of(args.log_every)) {
            outputs = reading(model, at)?;
        }
    }
    bar.finish_and_clear();
    Ok(Trained {
        last,
        seconds: start.elapsed().as_secs_f64() - judged_seconds,
        readings,
        outputs,
    })
}
