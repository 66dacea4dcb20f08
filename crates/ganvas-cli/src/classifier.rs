//! `ganvas classifier`: trains the quality metrics' classifier on a shipped set, reproducibly.

use std::time::Instant;

use anyhow::Context;
use futures_lite::future::block_on;
use ganvas_engine::device;
use ganvas_engine::model::ClassifierConfig;
use ganvas_engine::training::gan::read_f32;
use ganvas_engine::training::{ClassifierTrainConfig, ClassifierTrainer, accuracy};

use crate::{ClassifierArgs, shipped};

pub fn run(args: &ClassifierArgs) -> anyhow::Result<()> {
    let set = shipped::parse(&args.dataset)?;
    let data = shipped::load(set)?;
    let device = device::cpu();
    let config = ClassifierTrainConfig::new(ClassifierConfig::mnist())
        .with_seed(args.seed)
        .with_epochs(args.epochs);
    let mut trainer = ClassifierTrainer::new(config, &device);
    println!(
        "training the {} classifier (784→256→128→10) on {} images, testing on {}",
        set.title(),
        data.train.len,
        data.test.len
    );
    let start = Instant::now();
    for epoch in 1..=args.epochs {
        let loss = block_on(read_f32(trainer.train_epoch(&data.train)?))?;
        let test = block_on(accuracy(&trainer.classifier(), &data.test, &device))?;
        println!(
            "epoch {epoch:>3}  loss {:.4}  test accuracy {:.2}%  {:.1} s",
            loss.first().copied().unwrap_or(f32::NAN),
            100.0 * test,
            start.elapsed().as_secs_f64()
        );
    }
    let classifier = trainer.classifier();
    let train_accuracy = block_on(accuracy(&classifier, &data.train, &device))?;
    let bytes = block_on(classifier.to_bytes())?;
    // Report what the saved (f16) weights reach, which is what everyone else loads.
    let saved = ganvas_engine::model::Classifier::from_bytes(&bytes, &device)?;
    let test_accuracy = block_on(accuracy(&saved, &data.test, &device))?;
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&args.out, &bytes).with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "train accuracy {:.2}%  test accuracy {:.2}% (saved f16 weights)  {} epochs, seed {}, \
         {:.1} s  wrote {} ({} bytes)",
        100.0 * train_accuracy,
        100.0 * test_accuracy,
        args.epochs,
        args.seed,
        start.elapsed().as_secs_f64(),
        args.out.display(),
        bytes.len()
    );
    Ok(())
}
