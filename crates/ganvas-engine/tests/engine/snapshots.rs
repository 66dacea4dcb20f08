//! Snapshots round-trip bit-exactly, and a damaged one is refused with a clear error.

use ganvas_engine::preset::Preset;
use ganvas_engine::snapshot::SnapshotParts;
use ganvas_engine::training::Gan;

use crate::common::{block_on, devices};
use crate::presets::data_for;

const ALL_PARTS: SnapshotParts = SnapshotParts::ALL;

#[test]
fn snapshots_round_trip_bit_exactly() {
    let _serial = crate::common::serial();
    for (name, device) in devices() {
        for preset in [Preset::ToyQuadratic, Preset::DcganSmall] {
            let mut config = preset.config(21);
            config.train.batch_size = 16;
            let mut gan = Gan::new(config, data_for(preset, &device), &device).expect("builds");
            for _ in 0..3 {
                gan.train_step();
            }
            let first = block_on(gan.snapshot(ALL_PARTS)).expect("snapshot");
            let restored =
                Gan::from_snapshot(&first, data_for(preset, &device), &device).expect("restores");
            let second = block_on(restored.snapshot(ALL_PARTS)).expect("snapshot again");
            assert_eq!(first, second, "{name} {}", preset.name());
            assert_eq!(restored.step_count(), 3);

            // The same G input gives the same samples.
            let input = burn::tensor::Tensor::<2>::ones([4, gan.config().model.noise_dim], &device);
            let a = block_on(ganvas_engine::training::gan::read_f32(
                gan.generate_from(input.clone()),
            ));
            let b = block_on(ganvas_engine::training::gan::read_f32(
                restored.generate_from(input),
            ));
            assert_eq!(
                a.expect("read"),
                b.expect("read"),
                "{name} {}",
                preset.name()
            );
        }
    }
}

#[test]
fn generator_only_snapshots_are_smaller_and_restore_g() {
    let _serial = crate::common::serial();
    let device = ganvas_engine::device::cpu();
    let preset = Preset::ToyQuadratic;
    let gan = Gan::new(preset.config(2), data_for(preset, &device), &device).expect("builds");
    let snapshot = block_on(gan.snapshot(SnapshotParts::default())).expect("snapshot");
    assert!(snapshot.discriminator.is_none() && snapshot.optimizers.is_none());
    let values: usize = snapshot.generator.iter().map(|t| t.values.len()).sum();
    assert_eq!(values, 354);
    Gan::from_snapshot(&snapshot, data_for(preset, &device), &device).expect("restores G");
}

#[test]
fn mismatched_snapshots_are_refused() {
    let _serial = crate::common::serial();
    let device = ganvas_engine::device::cpu();
    let preset = Preset::ToyQuadratic;
    let gan = Gan::new(preset.config(2), data_for(preset, &device), &device).expect("builds");
    let good = block_on(gan.snapshot(ALL_PARTS)).expect("snapshot");

    let mut missing = good.clone();
    missing.generator.pop();
    let error =
        Gan::from_snapshot(&missing, data_for(preset, &device), &device).expect_err("short");
    assert!(error.to_string().contains("generator"), "{error}");

    let mut reshaped = good.clone();
    reshaped.generator[0].shape = vec![3, 16];
    assert!(Gan::from_snapshot(&reshaped, data_for(preset, &device), &device).is_err());

    let mut garbled = good;
    garbled.config_json = "{not json".into();
    let error =
        Gan::from_snapshot(&garbled, data_for(preset, &device), &device).expect_err("bad config");
    assert!(error.to_string().contains("configuration"), "{error}");
}
