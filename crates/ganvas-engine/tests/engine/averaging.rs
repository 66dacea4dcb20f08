//! The averaged generator: off when its decay is 0, moves by its formula, copies batch-norm
//! statistics, and survives snapshots, links and files.

use burn::tensor::Tensor;
use ganvas_engine::preset::Preset;
use ganvas_engine::snapshot::{Snapshot, SnapshotParts};
use ganvas_engine::training::Gan;
use ganvas_engine::training::ema::decay_at;
use ganvas_engine::training::gan::read_f32;
use ganvas_share::{ModelLink, Precision};

use crate::common::{block_on, devices, serial};
use crate::presets::data_for;

fn toy_with_decay(decay: f64, device: &burn::tensor::Device) -> Gan {
    let preset = Preset::ToyQuadratic;
    let mut config = preset.config(11);
    config.train.batch_size = 16;
    config.train.d_steps = 1;
    config.train.g_steps = 1;
    config.train.ema_decay = decay;
    Gan::new(config, data_for(preset, device), device).expect("builds")
}

fn values(snapshot: &Snapshot, averaged: bool) -> Vec<f32> {
    let tensors = if averaged {
        snapshot
            .averaged_generator
            .as_ref()
            .expect("an averaged generator")
    } else {
        &snapshot.generator
    };
    tensors.iter().flat_map(|t| t.values.clone()).collect()
}

fn samples(gan: &Gan, device: &burn::tensor::Device) -> Vec<f32> {
    let width = gan.config().model.noise_dim + gan.config().model.classes;
    let input = Tensor::<2>::ones([8, width], device).mul_scalar(0.4);
    block_on(read_f32(gan.generate_from(input))).expect("samples")
}

#[test]
fn decay_zero_keeps_no_average_and_shows_g() {
    let _serial = serial();
    let device = ganvas_engine::device::cpu();
    let mut gan = toy_with_decay(0.0, &device);
    for _ in 0..3 {
        gan.train_step();
    }
    assert!(!gan.has_averaged_generator() && !gan.shows_averaged());
    let everything = block_on(gan.snapshot(SnapshotParts::ALL)).expect("snapshot");
    assert!(everything.averaged_generator.is_none());
    // What a link carries (the shown generator) is G itself.
    let shown = block_on(gan.snapshot(SnapshotParts::default())).expect("snapshot");
    assert_eq!(shown.generator, everything.generator);
}

#[test]
fn the_average_moves_by_its_formula() {
    let _serial = serial();
    for (name, device) in devices() {
        let decay = 0.5;
        let mut gan = toy_with_decay(decay, &device);
        let start = block_on(gan.snapshot(SnapshotParts::ALL)).expect("snapshot");
        assert_eq!(values(&start, true), values(&start, false), "starts as G");

        // Step 0: the warm-up caps the decay at 1/10.
        gan.train_generator_only();
        let after = block_on(gan.snapshot(SnapshotParts::ALL)).expect("snapshot");
        let expect = |before: &Snapshot, after: &Snapshot, d: f32| {
            let (a0, g1, a1) = (
                values(before, true),
                values(after, false),
                values(after, true),
            );
            for ((a0, g1), a1) in a0.iter().zip(&g1).zip(&a1) {
                let want = d * a0 + (1.0 - d) * g1;
                assert!((a1 - want).abs() <= 1e-6, "{name}: {a1} vs {want}");
            }
            assert_ne!(g1, a1, "{name}: the average differs from G");
        };
        assert!((decay_at(decay, 0) - 0.1).abs() < 1e-12);
        expect(&start, &after, 0.1);

        // After 10 steps, (1 + 10) / (10 + 10) > 0.5: the configured decay holds.
        for _ in 0..10 {
            gan.train_step();
        }
        let before = block_on(gan.snapshot(SnapshotParts::ALL)).expect("snapshot");
        gan.train_generator_only();
        let after = block_on(gan.snapshot(SnapshotParts::ALL)).expect("snapshot");
        assert!((decay_at(decay, 10) - decay).abs() < 1e-12);
        expect(&before, &after, 0.5);

        // Samples come from the average unless G is chosen.
        let averaged = samples(&gan, &device);
        gan.set_show_averaged(false);
        assert!(!gan.shows_averaged());
        assert_ne!(samples(&gan, &device), averaged, "{name}");
        gan.set_show_averaged(true);
        assert_eq!(samples(&gan, &device), averaged, "{name}");
    }
}

#[test]
fn batch_norm_statistics_are_copied_not_averaged() {
    let _serial = serial();
    let device = ganvas_engine::device::cpu();
    let preset = Preset::DcganSmall;
    let mut config = preset.config(4);
    config.train.batch_size = 8;
    config.train.ema_decay = 0.9;
    let mut gan = Gan::new(config, data_for(preset, &device), &device).expect("builds");
    for _ in 0..3 {
        gan.train_step();
    }
    let snapshot = block_on(gan.snapshot(SnapshotParts::ALL)).expect("snapshot");
    let g = &snapshot.generator;
    let averaged = snapshot.averaged_generator.as_ref().expect("averaged");
    assert_eq!(g.len(), averaged.len());
    let (mut copied, mut averaged_weights) = (0, 0);
    for (g, a) in g.iter().zip(averaged) {
        assert_eq!(g.shape, a.shape);
        if g.values == a.values {
            copied += 1;
        } else if g.shape.len() >= 2 {
            averaged_weights += 1;
        }
    }
    // Two batch-norm layers, each with a running mean and variance, are copied from G (so
    // may tensors that training has not moved); the weights are averaged.
    assert!(
        copied >= 4,
        "running statistics copied ({copied} tensors equal)"
    );
    assert!(
        averaged_weights >= 2,
        "{averaged_weights} weight tensors averaged"
    );
}

#[test]
fn the_average_survives_snapshots_files_and_links() {
    let _serial = serial();
    for (name, device) in devices() {
        let mut gan = toy_with_decay(0.9, &device);
        for _ in 0..20 {
            gan.train_step();
        }
        let shown = samples(&gan, &device);

        // A snapshot of everything, and a file: both generators come back exactly.
        let full = block_on(gan.snapshot(SnapshotParts::ALL)).expect("snapshot");
        let bytes = ganvas_share::encode(&full.to_payload(""), Precision::F32).expect("file");
        assert_eq!(bytes[4], 2, "a file with an average is format version 2");
        let back =
            Snapshot::from_payload(ganvas_share::decode(&bytes).expect("opens")).expect("snapshot");
        assert_eq!(back, full);
        let preset = Preset::ToyQuadratic;
        let restored = Gan::from_snapshot(&back, data_for(preset, &device), &device).expect("ok");
        assert!(restored.shows_averaged());
        let again = block_on(restored.snapshot(SnapshotParts::ALL)).expect("snapshot");
        assert_eq!(again, full, "{name}");
        assert_eq!(samples(&restored, &device), shown, "{name}");

        // A link carries the shown generator (the average) as its generator.
        let link_parts = SnapshotParts::default();
        let snapshot = block_on(gan.snapshot(link_parts)).expect("snapshot");
        assert!(snapshot.averaged_generator.is_none());
        assert_eq!(
            snapshot.generator,
            full.averaged_generator.clone().expect("avg")
        );
        let link = ModelLink::new(&snapshot.to_payload(""), Precision::F32).expect("link");
        let opened: ModelLink = link.to_string().parse().expect("parses");
        let restored = Snapshot::from_payload(opened.payload().expect("decodes")).expect("ok");
        let linked = Gan::from_snapshot(&restored, data_for(preset, &device), &device).expect("ok");
        assert_eq!(
            samples(&linked, &device),
            shown,
            "{name}: the link shows the same"
        );

        // Showing G, a link carries G.
        gan.set_show_averaged(false);
        let snapshot = block_on(gan.snapshot(link_parts)).expect("snapshot");
        assert_eq!(snapshot.generator, full.generator);
    }
}
