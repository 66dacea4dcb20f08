//! Real training runs with fixed seeds: the toy GAN learns its curve, a mixture GAN covers its
//! modes, the conditional GAN learns classes, and every loss and trick trains.

use ganvas_engine::data::Toy2d;
use ganvas_engine::loss::LossKind;
use ganvas_engine::metrics::mode_coverage;
use ganvas_engine::metrics::quadratic::quadratic_quality;
use ganvas_engine::model::{Activation, NoiseKind};
use ganvas_engine::preset::{Preset, custom_mlp};
use ganvas_engine::snapshot::SnapshotParts;
use ganvas_engine::training::{DataSource, Gan, StatsAccumulator, Tricks};

use crate::common::{block_on, devices};
use crate::presets::bar_images;

#[test]
fn toy_quadratic_cuts_its_error_five_fold_within_3000_steps() {
    let _serial = crate::common::serial();
    let device = ganvas_engine::device::cpu();
    let mut gan = Gan::new(
        Preset::ToyQuadratic.config(7),
        DataSource::points(Toy2d::Quadratic),
        &device,
    )
    .expect("builds");
    let before = quadratic_quality(&block_on(gan.sample_points(2000)).expect("samples"));
    for _ in 0..3000 {
        gan.train_step();
    }
    let after = quadratic_quality(&block_on(gan.sample_points(2000)).expect("samples"));
    eprintln!(
        "toy-quadratic: median relative error {} → {}",
        before.median_rel_error, after.median_rel_error
    );
    assert!(
        after.median_rel_error * 5.0 <= before.median_rel_error,
        "error went from {} to {}",
        before.median_rel_error,
        after.median_rel_error
    );
}

/// A non-saturating MLP GAN on Ring8 covers most modes. One run's trajectory is chaotic: the
/// same seed covered 8 modes on one CPU and 6 on another whose matrix kernels round
/// differently (measured here over seeds 0–7 at 6,000 steps: 7, 7, 8, 8, 5, 6, 5, 7; a run
/// that has collapsed covers 1–3). So the claim is about six seeds' mean, which one machine's
/// rounding cannot move by the margin below. The runs take turns (Flex's random numbers come
/// from one generator per process), each on one thread.
#[test]
fn ring8_runs_cover_most_modes_on_average() {
    let _serial = crate::common::serial();
    let run = |seed: u64| {
        let device = ganvas_engine::device::cpu();
        let config = custom_mlp(3, 64, Activation::LeakyRelu(0.2), 2, NoiseKind::Normal)
            .expect("valid")
            .with_seed(seed);
        let samples = crate::common::alone(|| {
            let mut gan =
                Gan::new(config, DataSource::points(Toy2d::Ring8), &device).expect("builds");
            for _ in 0..6000 {
                gan.train_step();
            }
            block_on(gan.sample_points(2500)).expect("samples")
        });
        let (centres, std) = Toy2d::Ring8.modes().expect("a mixture");
        mode_coverage(&samples, &centres, std)
    };
    let coverage: Vec<_> = (0..6).map(|seed| (seed, run(seed))).collect();
    for (seed, c) in &coverage {
        eprintln!("ring8 seed {seed}: {c:?}");
    }
    let mean = coverage
        .iter()
        .map(|(_, c)| c.modes_covered as f32)
        .sum::<f32>()
        / coverage.len() as f32;
    assert!(mean >= 5.0, "mean modes covered {mean}: {coverage:?}");
}

#[test]
fn conditional_training_raises_class_accuracy() {
    let _serial = crate::common::serial();
    let device = ganvas_engine::device::cpu();
    let mut config = Preset::ConditionalMlp.config(4);
    config.train.batch_size = 50;
    let data = DataSource::images(&bar_images(500), 10, &device).expect("labelled data");
    let mut gan = Gan::new(config, data, &device).expect("builds");
    let first = block_on(gan.train_step().read())
        .expect("read")
        .class_accuracy;
    let mut recent = StatsAccumulator::default();
    for step in 0..60 {
        let stats = gan.train_step();
        if step >= 50 {
            recent.push(stats);
        }
    }
    let last = block_on(recent.read_mean())
        .expect("read")
        .expect("10 steps")
        .class_accuracy;
    eprintln!("conditional: D's class accuracy {first} → {last}");
    assert!(last > first + 0.3 && last > 0.6, "{first} → {last}");
}

#[test]
fn every_loss_and_trick_trains_with_finite_statistics() {
    let _serial = crate::common::serial();
    for (name, device) in devices() {
        for loss in LossKind::ALL {
            let mut config = Preset::ToyQuadratic.config(9);
            config.train.loss = loss;
            config.train.d_steps = 2;
            config.train.g_steps = 1;
            config.train.batch_size = 64;
            config.train.tricks = Tricks::new()
                .with_real_label(0.9)
                .with_label_flip(0.05)
                .with_instance_noise(0.1)
                .with_instance_noise_decay_steps(10)
                .with_replay_capacity(128);
            let mut gan =
                Gan::new(config, DataSource::points(Toy2d::Ring8), &device).expect("builds");
            let mut acc = StatsAccumulator::default();
            for _ in 0..20 {
                acc.push(gan.train_step());
            }
            let values = block_on(acc.read_mean()).expect("read").expect("20 steps");
            assert!(values.is_finite(), "{name} {}: {values:?}", loss.name());
            if loss == LossKind::WganGp {
                assert!(values.gradient_penalty > 0.0, "{values:?}");
            }
        }
    }
}

#[test]
fn weight_clipping_keeps_critic_weights_bounded() {
    let _serial = crate::common::serial();
    let device = ganvas_engine::device::cpu();
    let mut config = Preset::ToyQuadratic.config(1);
    config.train.loss = LossKind::WganClip;
    config.train.d_steps = 1;
    config.train.g_steps = 1;
    let mut gan = Gan::new(config, DataSource::points(Toy2d::Gaussian), &device).expect("builds");
    for _ in 0..3 {
        gan.train_step();
    }
    let snapshot = block_on(gan.snapshot(ganvas_engine::snapshot::SnapshotParts {
        discriminator: true,
        optimizers: false,
        averaged_generator: false,
    }))
    .expect("snapshot");
    let largest = snapshot
        .discriminator
        .expect("saved")
        .iter()
        .flat_map(|t| t.values.iter().copied())
        .fold(0.0_f32, |m, v| m.max(v.abs()));
    assert!(largest <= 0.01 + 1e-6, "largest critic weight {largest}");
}

#[test]
fn learning_rates_and_k_change_without_a_reset() {
    let _serial = crate::common::serial();
    let device = ganvas_engine::device::cpu();
    let mut gan = Gan::new(
        Preset::ToyQuadratic.config(5),
        DataSource::points(Toy2d::TwoMoons),
        &device,
    )
    .expect("builds");
    gan.train_step();
    let mut train = gan.config().train.clone();
    train.d_steps = 1;
    train.discriminator_optimizer.lr = 0.0;
    train.generator_optimizer.lr = 0.0;
    gan.set_train_config(train)
        .expect("settings within their ranges");
    let before = block_on(gan.snapshot(SnapshotParts::default())).expect("snapshot");
    gan.train_step();
    let after = block_on(gan.snapshot(SnapshotParts::default())).expect("snapshot");
    assert_eq!(before.generator, after.generator, "lr 0 leaves G unchanged");
    assert_eq!(gan.step_count(), 2);
}

#[test]
fn settings_out_of_range_are_refused_live_and_change_nothing() {
    let device = ganvas_engine::device::cpu();
    let mut gan = Gan::new(
        Preset::ToyQuadratic.config(5),
        DataSource::points(Toy2d::TwoMoons),
        &device,
    )
    .expect("builds");
    let before = gan.config().train.clone();
    let mut batch = before.clone();
    batch.batch_size = 0;
    let mut lr = before.clone();
    lr.generator_optimizer.lr = 2.0;
    let mut huge = before.clone();
    huge.batch_size = 4096;
    huge.d_steps = 50;
    for (bad, what) in [(batch, "batch size"), (lr, "learning rate")] {
        let error = gan.set_train_config(bad).expect_err("refused").to_string();
        assert!(error.contains(what), "{error}");
        assert_eq!(
            format!("{:?}", gan.config().train),
            format!("{before:?}"),
            "nothing changed"
        );
    }
    gan.set_train_config(huge)
        .expect("the toy fits any batch the page allows");
    gan.train_step();
}

#[test]
fn a_step_spread_over_single_updates_equals_a_whole_step() {
    let _serial = crate::common::serial();
    let device = ganvas_engine::device::cpu();
    let build = || {
        Gan::new(
            Preset::ToyQuadratic.config(9),
            DataSource::points(Toy2d::Ring8),
            &device,
        )
        .expect("builds")
    };
    let mut whole = build();
    let whole_stats: Vec<_> = (0..2)
        .map(|_| block_on(whole.train_step().read()).expect("stats"))
        .collect();
    let mut spread = build();
    assert_eq!(spread.updates_per_step(), 20);
    let mut spread_stats = Vec::new();
    let mut updates = 0;
    while spread_stats.len() < 2 {
        updates += 1;
        if let Some(stats) = spread.train_update() {
            assert_eq!(spread.step_count(), spread_stats.len() as u64 + 1);
            spread_stats.push(block_on(stats.read()).expect("stats"));
        }
    }
    assert_eq!(updates, 40, "10 D + 10 G updates per step");
    assert_eq!(whole_stats, spread_stats);
    let snapshot = |gan: &Gan| block_on(gan.snapshot(SnapshotParts::default())).expect("snap");
    assert_eq!(snapshot(&whole).generator, snapshot(&spread).generator);
}
