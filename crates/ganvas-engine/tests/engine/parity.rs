//! Flex and wgpu compute the same training: from the same weights and the same seed, every
//! preset's first steps give the same losses on both backends. Guards against wrong results from
//! wgpu's kernels, its fusion of element-wise chains and its autotuned choices (fusion with
//! autotune has produced wrong results on Vulkan before).

use ganvas_engine::model::{DiscriminatorConfig, ModelConfig};
use ganvas_engine::preset::Preset;
use ganvas_engine::snapshot::SnapshotParts;
use ganvas_engine::training::{Gan, GanConfig, StepValues};

use crate::common::{block_on, devices, serial};
use crate::presets::data_for;

/// Steps compared per preset.
const STEPS: usize = 3;

/// Dropout masks come from each backend's own random generator, so the parity runs turn D's
/// dropout off; everything else is the preset's.
fn without_dropout(mut model: ModelConfig) -> ModelConfig {
    match &mut model.discriminator {
        DiscriminatorConfig::Mlp(mlp) => mlp.dropout = 0.0,
        DiscriminatorConfig::Conv(conv) => {
            conv.dropout = 0.0;
            conv.head.dropout = 0.0;
        }
    }
    model
}

fn parity_config(preset: Preset) -> GanConfig {
    let mut config = preset.config(11);
    config.model = without_dropout(config.model);
    // A small batch keeps the DCGANs quick on a software GPU; the kernels are the same.
    config.train.batch_size = config.train.batch_size.min(16);
    config
}

fn losses(gan: &mut Gan) -> Vec<StepValues> {
    (0..STEPS)
        .map(|_| block_on(gan.train_step().read()).expect("statistics read back"))
        .collect()
}

fn close(a: f32, b: f32, tolerance: f32) -> bool {
    (a - b).abs() <= tolerance * (1.0 + a.abs().max(b.abs()))
}

#[test]
fn every_preset_trains_the_same_on_flex_and_wgpu() {
    let _serial = serial();
    let all = devices();
    let [(_, flex), (_, wgpu)] = all.as_slice() else {
        eprintln!("parity skipped: no wgpu adapter");
        return;
    };
    for preset in Preset::ALL {
        let config = parity_config(preset);
        let cpu = Gan::new(config, data_for(preset, flex), flex).expect("builds on Flex");
        let snapshot = block_on(cpu.snapshot(SnapshotParts::ALL)).expect("snapshot");
        let mut cpu = Gan::from_snapshot(&snapshot, data_for(preset, flex), flex).expect("Flex");
        let mut gpu = Gan::from_snapshot(&snapshot, data_for(preset, wgpu), wgpu).expect("wgpu");
        let (on_cpu, on_gpu) = (losses(&mut cpu), losses(&mut gpu));
        eprintln!("{}: flex {on_cpu:?}\n   wgpu {on_gpu:?}", preset.name());
        for (step, (c, g)) in on_cpu.iter().zip(&on_gpu).enumerate() {
            // The first step starts from identical weights; later ones from weights that went
            // through one optimiser update each, where rounding may differ slightly.
            let tolerance = if step == 0 { 1e-3 } else { 1e-2 };
            for (name, a, b) in [
                ("D loss", c.d_loss, g.d_loss),
                ("G loss", c.g_loss, g.g_loss),
                ("mean D(x)", c.d_real, g.d_real),
                ("mean D(G(z))", c.d_fake, g.d_fake),
            ] {
                assert!(
                    close(a, b, tolerance),
                    "{} step {step}: {name} is {a} on Flex, {b} on wgpu",
                    preset.name()
                );
            }
        }
    }
}
