//! The validation of configurations: every preset and the controls' extremes pass, the
//! budget's shapes are the networks' own, and hostile configurations are refused in words
//! before anything is built.

use ganvas_engine::data::Toy2d;
use ganvas_engine::model::{Activation, GeneratorConfig, NoiseKind};
use ganvas_engine::preset::{Preset, custom_mlp};
use ganvas_engine::snapshot::SnapshotParts;
use ganvas_engine::training::limits::{self, BATCH, HIDDEN_LAYERS, NOISE_DIM, WIDTH};
use ganvas_engine::training::{DataSource, Gan};

use crate::common::{block_on, serial};
use crate::presets::data_for;

#[test]
fn every_preset_and_the_controls_extremes_are_valid() {
    for preset in Preset::ALL {
        let budget = preset
            .config(1)
            .validate()
            .unwrap_or_else(|e| panic!("{}: {e}", preset.name()));
        assert!(budget.parameters > 0, "{}", preset.name());
    }
    for layers in HIDDEN_LAYERS.usize_range() {
        for width in [WIDTH.min as usize, WIDTH.max as usize] {
            for noise in [NOISE_DIM.min as usize, NOISE_DIM.max as usize] {
                let mut config =
                    custom_mlp(layers, width, Activation::Relu, noise, NoiseKind::Normal)
                        .expect("within the controls");
                config.train.batch_size = BATCH.max as usize;
                let budget = config.validate().expect("the controls' extremes are valid");
                assert!(budget.memory_bytes <= limits::MAX_MEMORY_BYTES);
            }
        }
    }
}

#[test]
fn the_table_defaults_are_the_pages_first_model() {
    let toy = Preset::ToyQuadratic.config(7);
    let train = &toy.train;
    let same = |limit: limits::Limit, value: f64| {
        assert!((limit.default - value).abs() < 1e-12, "{}", limit.key);
    };
    same(limits::BATCH, train.batch_size as f64);
    same(limits::D_STEPS, train.d_steps as f64);
    same(limits::G_STEPS, train.g_steps as f64);
    same(limits::G_LR, train.generator_optimizer.lr);
    same(limits::D_LR, train.discriminator_optimizer.lr);
    same(limits::NOISE_DIM, toy.model.noise_dim as f64);
    same(limits::REAL_LABEL, train.tricks.real_label);
}

#[test]
fn the_budget_knows_every_networks_tensors() {
    let _serial = serial();
    let device = ganvas_engine::device::cpu();
    for preset in Preset::ALL {
        let config = preset.config(3);
        let budget = config.validate().expect("valid");
        let gan = Gan::new(config, data_for(preset, &device), &device).expect("builds");
        let snapshot = block_on(gan.snapshot(SnapshotParts::ALL)).expect("snapshot");
        let shapes = |tensors: &[ganvas_engine::snapshot::TensorValues]| {
            tensors.iter().map(|t| t.shape.clone()).collect::<Vec<_>>()
        };
        let expected = |network: &ganvas_engine::model::shapes::NetworkShapes| {
            network
                .tensors
                .iter()
                .map(|t| t.shape.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            shapes(&snapshot.generator),
            expected(&budget.generator),
            "{}",
            preset.name()
        );
        assert_eq!(
            shapes(snapshot.discriminator.as_deref().expect("D")),
            expected(&budget.discriminator),
            "{}",
            preset.name()
        );
        let (g, d) = gan.parameter_counts();
        let trainable = |network: &ganvas_engine::model::shapes::NetworkShapes| -> usize {
            network
                .tensors
                .iter()
                .filter(|t| t.trainable)
                .map(ganvas_engine::model::shapes::TensorSpec::len)
                .sum()
        };
        assert_eq!(
            (
                trainable(&budget.generator),
                trainable(&budget.discriminator)
            ),
            (g, d)
        );
        snapshot
            .checked_config()
            .expect("a GAN's own snapshot passes every check");
    }
}

#[test]
fn hostile_configurations_are_refused_before_building() {
    let device = ganvas_engine::device::cpu();
    let toy = || Preset::ToyQuadratic.config(7);
    let data = || DataSource::points(Toy2d::Quadratic);
    let refused = |config, words: &str| {
        let error = Gan::new(config, data(), &device)
            .expect_err(words)
            .to_string();
        assert!(error.contains(words), "“{error}” should say “{words}”");
    };
    let mut huge = toy();
    if let GeneratorConfig::Mlp(mlp) = &mut huge.model.generator {
        mlp.sizes = vec![2, 10_000, 10_000, 10_000, 2];
        mlp.hidden.push(Activation::Relu);
    }
    refused(
        huge,
        "asks for 200,070,359 parameters; GANvas opens at most 20,000,000",
    );
    let mut single = toy();
    if let GeneratorConfig::Mlp(mlp) = &mut single.model.generator {
        mlp.sizes = vec![2];
    }
    refused(single, "needs at least an input and an output");
    let mut batch = toy();
    batch.train.batch_size = 5000;
    refused(
        batch,
        "the batch size is 5,000; it must be a whole number from 1 to 4,096",
    );
    let mut noise = toy();
    noise.model.noise_dim = 0;
    refused(noise, "the noise dimension is 0");
    let mut lr = toy();
    lr.train.generator_optimizer.lr = f64::INFINITY;
    refused(lr, "G's learning rate is inf");
    let mut stride = Preset::DcganSmall.config(1);
    if let ganvas_engine::model::DiscriminatorConfig::Conv(conv) = &mut stride.model.discriminator {
        conv.stride = 0;
    }
    assert!(
        stride
            .validate()
            .expect_err("stride 0")
            .to_string()
            .contains("a stride is 0")
    );
}
