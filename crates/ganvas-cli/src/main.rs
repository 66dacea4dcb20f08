//! `ganvas`: train and benchmark GANvas presets natively, on the same engine the browser uses.

mod bench;
mod classifier;
mod cyclegan;
mod data;
mod model_file;
mod pix2pix;
mod plot;
mod quality;
mod shipped;
mod train;
mod translator_loop;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use ganvas_engine::device::BackendKind;

#[derive(Parser)]
#[command(name = "ganvas", version, about = "Train GANs with the GANvas engine")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per run: the size of the largest variant costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Train a preset and write samples, a picture and metrics.
    Train(TrainArgs),
    /// Print training steps per second for every preset on every available backend (a table,
    /// or JSON lines with --json).
    Bench(BenchArgs),
    /// Train the classifier behind the image quality figures on a shipped data set.
    Classifier(ClassifierArgs),
}

/// Which backend to train on.
#[derive(Clone, Copy, ValueEnum)]
enum Backend {
    /// Burn's Flex CPU backend.
    Cpu,
    /// Burn's wgpu backend (Vulkan, Metal, DX12; lavapipe works without a GPU).
    Wgpu,
}

impl From<Backend> for BackendKind {
    fn from(backend: Backend) -> Self {
        match backend {
            Backend::Cpu => BackendKind::Cpu,
            Backend::Wgpu => BackendKind::Gpu,
        }
    }
}

#[derive(clap::Args)]
struct TrainArgs {
    /// Model preset (toy-quadratic, mnist-fast, fashion-fast, conditional-fast, mnist-mlp,
    /// mnist-mlp-large, dcgan, dcgan-small, conditional-mlp, conditional-dcgan-small), or
    /// Pix2Pix: pix2pix-edges (Fashion items from their edges) or pix2pix (with --dataset
    /// mnist, digits from their outlines), which write inputs.idx, outputs.idx, targets.idx
    /// and labels.idx for the first 500 held-out pairs and pairs.png, or CycleGAN: cyclegan
    /// (the tutorial's networks) or cyclegan-shoes (small ones), sneakers ↔ ankle boots unless
    /// --classes says otherwise, which write a.idx, a2b.idx, a2b2a.idx, b.idx, b2a.idx,
    /// b2a2b.idx for the first 500 held-out images of each class and cycle.png.
    #[arg(long, default_value = "toy-quadratic")]
    preset: String,
    /// Dataset: for toy presets a 2D one (quadratic, ring8, grid25, spiral, two-moons,
    /// gaussian; default quadratic), for image presets a shipped one (mnist, fashion; default
    /// mnist), which also reports FD, confidence and class shares from our own classifier.
    #[arg(long)]
    dataset: Option<String>,
    /// CycleGAN's two Fashion-MNIST classes, `A,B` as labels 0–9 or names (default 7,9:
    /// sneakers and ankle boots).
    #[arg(long)]
    classes: Option<String>,
    /// A CSV of `x,y` points to learn instead of a built-in 2D dataset.
    #[arg(long)]
    points: Option<PathBuf>,
    /// MNIST-format IDX image file (raw or gzip) for image presets, instead of a shipped set.
    #[arg(long)]
    data: Option<PathBuf>,
    /// MNIST-format IDX label file (needed by the conditional presets).
    #[arg(long)]
    labels: Option<PathBuf>,
    /// Training steps (each is k D updates and the G updates).
    #[arg(long, default_value_t = 5000)]
    steps: u64,
    /// Seed for weights, noise and data sampling.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Loss (minimax, non-saturating, lsgan, wgan-gp, wgan-clip, hinge); the preset's by default.
    #[arg(long)]
    loss: Option<String>,
    /// Batch size; the preset's by default.
    #[arg(long)]
    batch: Option<usize>,
    /// Images an image preset writes to `samples.idx` and the grid in `samples.png` (a
    /// Fréchet distance needs thousands).
    #[arg(long, default_value_t = 64)]
    samples: usize,
    /// A GAN configuration as JSON (Burn's format, e.g. `config` from `metrics.json`) to train
    /// instead of the preset's; `--preset` then only says which kind of data it learns.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Steps between image quality readings (FD, confidence, class shares); 0 reports only
    /// the start and the end.
    #[arg(long, default_value_t = 500)]
    log_every: u64,
    /// Backend.
    #[arg(long, value_enum, default_value = "cpu")]
    backend: Backend,
    /// Output directory.
    #[arg(long, default_value = "ganvas-out")]
    out: PathBuf,
    /// Also save the trained model as a `.ganvas` file the page opens: the generator it shows
    /// (the averaged G when on; opened, training goes on from it) and D, without optimiser
    /// state (training resumes with fresh moments).
    #[arg(long)]
    model_out: Option<PathBuf>,
    /// Precision of `--model-out`: f32, f16, or q2 … q8 (integers with a scale per row).
    #[arg(long, default_value = "f32")]
    precision: ganvas_share::Precision,
    /// The page's settings stored in `--model-out`, as a link fragment (e.g.
    /// `model=mnist-fast&data=mnist`): opening the file applies them. Empty keeps the page's.
    #[arg(long, default_value = "")]
    settings: String,
}

#[derive(clap::Args)]
struct BenchArgs {
    /// Seconds to time each preset on each backend (after warm-up).
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
    /// Only these presets (comma-separated names).
    #[arg(long, value_delimiter = ',')]
    presets: Vec<String>,
    /// Only this backend.
    #[arg(long, value_enum)]
    backend: Option<Backend>,
    /// One JSON object per line instead of the table: a timed preset (preset, backend, batch,
    /// `steps_per_sec`, `samples_per_sec`, `pairs_per_sec`, `first_step_ms`, …) or what could
    /// not run (preset, backend, error).
    #[arg(long)]
    json: bool,
    /// Print the preset names, one per line, and time nothing.
    #[arg(long)]
    list: bool,
}

#[derive(clap::Args)]
struct ClassifierArgs {
    /// Shipped data set to learn (mnist, fashion).
    #[arg(long)]
    dataset: String,
    /// Passes over the training images (the learning rate decays to 0 over them).
    #[arg(long, default_value_t = 30)]
    epochs: usize,
    /// Seed for weights, shuffling and shifts.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write the weights (static/models/DATASET-classifier.bin ships with the site).
    #[arg(long)]
    out: PathBuf,
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Train(args) if pix2pix::PRESETS.contains(&args.preset.as_str()) => {
            pix2pix::run(&args)
        }
        Command::Train(args) if cyclegan::PRESETS.contains(&args.preset.as_str()) => {
            cyclegan::run(&args)
        }
        Command::Train(args) if args.classes.is_some() => anyhow::bail!(
            "--classes picks CycleGAN's two classes; the {} preset takes none",
            args.preset
        ),
        Command::Train(args) => train::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Classifier(args) => classifier::run(&args),
    }
}
