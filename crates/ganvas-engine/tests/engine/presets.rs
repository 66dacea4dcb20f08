//! Every preset builds with the tutorial's parameter counts and the right shapes.

use std::fmt::Write as _;

use ganvas_engine::data::{ImageSet, Toy2d};
use ganvas_engine::preset::Preset;
use ganvas_engine::training::{DataSource, Gan};

use crate::common::{block_on, devices};

/// Trainable parameters of (G, D), as Keras and PyTorch count them (batch-norm running
/// statistics excluded); the recommended presets' from their layer sizes.
fn expected_counts(preset: Preset) -> (usize, usize) {
    match preset {
        Preset::ToyQuadratic => (354, 357),
        // The recommended MLP presets use the tutorial MLP's sizes.
        Preset::MnistMlp | Preset::MnistFast | Preset::FashionFast => (283_920, 267_009),
        Preset::MnistMlpLarge => (1_486_352, 1_460_225),
        Preset::Dcgan => (2_305_472, 212_865),
        Preset::DcganSmall => (521_985, 587_497),
        Preset::ConditionalMlp | Preset::ConditionalFast => (286_480, 269_579),
        Preset::ConditionalDcganSmall => (553_345, 592_507),
    }
}

/// A small labelled image set: class k is a bright horizontal bar at rows 2k..2k+3.
pub fn bar_images(len: usize) -> ImageSet {
    let mut images = Vec::with_capacity(len * 784);
    let mut labels = Vec::with_capacity(len);
    for i in 0..len {
        let class = i % 10;
        for row in 0..28 {
            for col in 0..28 {
                let on = row >= 2 * class + 4 && row < 2 * class + 7 && (3..25).contains(&col);
                images.push(if on {
                    230
                } else {
                    ((row * 7 + col * 3 + i) % 20) as u8
                });
            }
        }
        labels.push(class as u8);
    }
    ImageSet::from_raw(images, Some(labels), 28, 28).expect("valid synthetic images")
}

pub fn data_for(preset: Preset, device: &burn::tensor::Device) -> DataSource {
    if preset.is_image() {
        DataSource::images(&bar_images(200), 10, device).expect("valid image data")
    } else {
        DataSource::points(Toy2d::Quadratic)
    }
}

#[test]
fn parameter_counts_match_the_tutorials() {
    let _serial = crate::common::serial();
    let device = ganvas_engine::device::cpu();
    for preset in Preset::ALL {
        let gan =
            Gan::new(preset.config(1), data_for(preset, &device), &device).expect("preset builds");
        assert_eq!(
            gan.parameter_counts(),
            expected_counts(preset),
            "{}",
            preset.name()
        );
    }
}

#[test]
fn every_preset_steps_with_finite_statistics_and_right_shapes() {
    let _serial = crate::common::serial();
    for (name, device) in devices() {
        for preset in Preset::ALL {
            let mut config = preset.config(3);
            config.train.batch_size = 8; // shapes and numerics, not speed
            let mut gan = Gan::new(config, data_for(preset, &device), &device).expect("builds");
            let values = block_on(gan.train_step().read()).expect("readback");
            assert!(values.is_finite(), "{name} {}: {values:?}", preset.name());
            let samples = gan.generate(5, None).expect("generates");
            let dim = if preset.is_image() { 784 } else { 2 };
            assert_eq!(samples.dims(), [5, dim], "{name} {}", preset.name());
            let out = gan.discriminate(samples);
            assert_eq!(out.logit.dims(), [5, 1]);
            let classes = out.classes.map(|c| c.dims());
            let expected = gan.config().model.classes;
            assert_eq!(classes, (expected > 0).then_some([5, expected]));
        }
    }
}

#[test]
fn unknown_preset_names_are_a_clear_error() {
    let _serial = crate::common::serial();
    let error = Preset::from_name("dcgan-huge").expect_err("not a preset");
    assert!(error.to_string().contains("dcgan-small"), "{error}");
    for preset in Preset::ALL {
        assert_eq!(Preset::from_name(preset.name()).ok(), Some(preset));
    }
}

/// The tutorial presets' configurations must never change: students compare them with the
/// tutorials. The fixture holds each one's JSON; `GANVAS_WRITE_FIXTURES=1` rewrites it (only
/// ever when a tutorial preset is added).
#[test]
fn tutorial_presets_are_unchanged() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/engine/fixtures/tutorial-presets.txt");
    let tutorials = Preset::ALL.into_iter().filter(|p| p.is_tutorial());
    let mut text = String::new();
    for preset in tutorials.clone() {
        writeln!(text, "{}\n{}", preset.name(), preset.config(7)).expect("a String");
    }
    if std::env::var_os("GANVAS_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, &text).expect("write the fixture");
    }
    let expected = std::fs::read_to_string(&path).expect("tutorial-presets.txt");
    assert_eq!(text, expected, "a tutorial preset changed");
    for preset in tutorials {
        let train = preset.config(7).train;
        assert!(train.ema_decay == 0.0, "{}: no averaging", preset.name());
    }
    assert!(!Preset::MnistFast.is_tutorial());
}
