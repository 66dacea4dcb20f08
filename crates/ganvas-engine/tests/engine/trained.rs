//! The trained starting points under `static/models/` (built by `scripts/models.sh`): the
//! list matches the files, each was trained by today's preset (a changed preset must rebuild
//! them), the recommended ones draw every class clearly, and each opens and trains on, on Flex
//! and on wgpu.

use ganvas_engine::data::{ImagePairs, LineDrawing, ShippedSet, Toy2d};
use ganvas_engine::metrics::score_images;
use ganvas_engine::preset::Preset;
use ganvas_engine::snapshot::Snapshot;
use ganvas_engine::trained::{TrainedModel, trained_models};
use ganvas_engine::training::{DataSource, Gan, Pix2Pix, Pix2PixConfig};

use crate::common::{block_on, devices, serial};
use crate::shipped::{classifier, load, read};

fn snapshot(trained: &TrainedModel) -> Snapshot {
    let bytes = read(&format!("models/{}", trained.file));
    assert_eq!(
        bytes.len(),
        trained.bytes,
        "{}: trained.txt is stale",
        trained.file
    );
    let payload = ganvas_share::decode(&bytes).expect("a valid .ganvas file");
    let settings = format!("model={}&data={}", trained.model, trained.data);
    assert_eq!(payload.settings, settings, "{}", trained.file);
    assert!(
        payload.discriminator.is_some(),
        "{}: D is needed to train on",
        trained.file
    );
    Snapshot::from_payload(payload).expect("a snapshot")
}

fn data(trained: &TrainedModel, preset: Preset, device: &burn::tensor::Device) -> DataSource {
    if preset.is_image() {
        let set = ShippedSet::from_name(trained.data).expect("a shipped set");
        let classes = preset.config(7).model.classes;
        DataSource::images(&load(set).train, classes, device).expect("uploads")
    } else {
        DataSource::points(Toy2d::from_name(trained.data).expect("a 2D dataset"))
    }
}

/// A Pix2Pix starting point is today's tutorial configuration and trains on, on every device,
/// on the line drawings of its data (Fashion: edges; MNIST: outlines).
fn pix2pix_trains_on(trained: &TrainedModel, snapshot: &Snapshot) {
    assert_eq!(trained.model, "pix2pix", "{}", trained.file);
    assert_eq!(
        snapshot
            .pix2pix_config()
            .expect("its configuration")
            .to_string(),
        Pix2PixConfig::tutorial().with_seed(7).to_string(),
        "{} was trained by another Pix2Pix than today's: run scripts/models.sh",
        trained.file
    );
    let set = ShippedSet::from_name(trained.data).expect("a shipped set");
    let drawing = match set {
        ShippedSet::Fashion => LineDrawing::Edges,
        ShippedSet::Mnist => LineDrawing::Outline,
    };
    let pairs = ImagePairs::drawn_from(&load(set).train, drawing).padded(2);
    for (name, device) in devices() {
        let mut run = Pix2Pix::from_snapshot(snapshot, &pairs, &device)
            .unwrap_or_else(|e| panic!("{} on {name}: {e}", trained.file));
        let stats = block_on(run.train_step().read()).expect("statistics");
        assert!(stats.is_finite(), "{} on {name}: {stats:?}", trained.file);
        assert_eq!(run.step_count(), trained.steps + 1);
    }
}

#[test]
fn every_starting_point_is_todays_preset_and_trains_on_every_device() {
    let _serial = serial();
    for trained in trained_models() {
        let snapshot = snapshot(&trained);
        assert_eq!(snapshot.step, trained.steps, "{}", trained.file);
        if snapshot.kind.is_some() {
            pix2pix_trains_on(&trained, &snapshot);
            continue;
        }
        let preset = Preset::from_name(trained.model).expect("a preset");
        assert_eq!(
            snapshot.config().expect("its configuration").to_string(),
            preset.config(7).to_string(),
            "{} was trained by another {} than today's: run scripts/models.sh",
            trained.file,
            trained.model
        );
        for (name, device) in devices() {
            let mut gan = Gan::from_snapshot(&snapshot, data(&trained, preset, &device), &device)
                .unwrap_or_else(|e| panic!("{} on {name}: {e}", trained.file));
            let stats = block_on(gan.train_step().read()).expect("statistics");
            assert!(
                stats.d_loss.is_finite() && stats.g_loss.is_finite(),
                "{} on {name}: {stats:?}",
                trained.file
            );
            assert_eq!(gan.step_count(), trained.steps + 1);
        }
    }
}

#[test]
fn recommended_starting_points_draw_every_class_clearly() {
    let _serial = serial();
    let device = ganvas_engine::device::cpu();
    for trained in trained_models() {
        // Pix2Pix is the tutorial's; its held-out figures are in trained.md.
        let Ok(preset) = Preset::from_name(trained.model) else {
            continue;
        };
        if preset.is_tutorial() || !preset.is_image() {
            continue;
        }
        let set = ShippedSet::from_name(trained.data).expect("a shipped set");
        let mut gan = Gan::from_snapshot(
            &snapshot(&trained),
            data(&trained, preset, &device),
            &device,
        )
        .expect("opens");
        let samples = gan.generate(1_000, None).expect("generates");
        let score = block_on(score_images(&classifier(set), samples)).expect("scores");
        eprintln!(
            "{}: confidence {:.3}, rarest class {:.1} %",
            trained.file,
            score.mean_confidence,
            100.0 * score.smallest_class_share()
        );
        // trained.md has the figures against the 5 % / 0.8 bar on a fixed draw; this draw
        // of noise differs from run to run (the device's RNG is shared), so a margin.
        assert!(
            score.smallest_class_share() >= 0.03 && score.mean_confidence >= 0.75,
            "{}: {score:?}",
            trained.file
        );
    }
}

#[test]
fn each_starting_point_stays_under_2_mib_and_the_folder_under_10_mb() {
    // A file is fetched only when its preset is chosen (the service worker caches it then,
    // not at install), so what a user waits for is one file: 2 MiB is about 2 s on a
    // classroom's 10 Mbit/s share. The folder's cap keeps the repository and the deployment
    // lean as presets are added.
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../static/models");
    let mut total = 0;
    for entry in std::fs::read_dir(&folder).expect("static/models") {
        let entry = entry.expect("an entry");
        let bytes = entry.metadata().expect("metadata").len();
        assert!(
            bytes <= 2 << 20,
            "{:?} is {bytes} bytes: choose a lower precision",
            entry.file_name()
        );
        total += bytes;
    }
    eprintln!("static/models: {total} bytes");
    assert!(
        total < 10_000_000,
        "static/models holds {total} bytes: choose a lower precision"
    );
}
