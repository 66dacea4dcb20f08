//! What a trainer's frames must hold, shared by the native tests (`tests/frames.rs`, Flex and
//! wgpu on a Vulkan adapter) and the web crate's component tests (in headless Chromium, on its
//! CPU and WebGPU), which include this file by path: one copy of the checks for every device.

use ganvas_engine::data::{ImageSet, SplitSet};
use ganvas_engine::preset::Preset;
use ganvas_session::images::{INTERPOLATION_STEPS, ImageBundle, ImageView};
use ganvas_session::setup::{ModelChoice, Setup};
use ganvas_session::trainer::{HEAT_CELLS, MANIFOLD_SIDE, Trainer, Wanted};

/// A toy GAN on `device` trains, reads its statistics and a frame with every view, and walks
/// through one iteration.
pub async fn points_frame(device: &burn::tensor::Device) {
    let setup = Setup::default();
    let mut trainer = Trainer::new(&setup, device, None, None).expect("toy GAN builds");
    trainer.train_steps(2);
    let stats = trainer
        .read_stats()
        .await
        .expect("read")
        .expect("two steps");
    assert!(stats.is_finite(), "{stats:?}");
    let all = Wanted {
        manifold: true,
        arrows: true,
        features: true,
        ..Wanted::default()
    };
    let frame = trainer.frame(all).await.expect("a frame");
    assert_eq!(frame.fakes.len(), 512);
    assert_eq!(frame.heat.len(), HEAT_CELLS * HEAT_CELLS);
    assert!(frame.heat.iter().all(|v| (0.0..=1.0).contains(v)));
    assert_eq!(frame.manifold.len(), MANIFOLD_SIDE * MANIFOLD_SIDE);
    assert_eq!(frame.arrows.len(), 512);
    assert!(frame.arrows.iter().flatten().all(|v| v.is_finite()));
    assert!(
        frame.arrows.iter().any(|a| a[0] != 0.0 || a[1] != 0.0),
        "G's loss pushes"
    );
    let features = frame.features.expect("toy D has a 2-unit layer");
    assert_eq!((features.real.len(), features.fake.len()), (512, 512));
    assert_eq!(features.projected_from, None);
    assert_eq!((frame.d_real.len(), frame.d_fake.len()), (512, 512));
    assert!((0.0..=std::f32::consts::LN_2 + 1e-4).contains(&frame.quality.js));
    assert!(
        frame.quality.curve.is_some(),
        "the quadratic reports its curve error"
    );
    let ganvas_session::trainer::Explanation::Points(walk) =
        trainer.explain().await.expect("explain")
    else {
        panic!("a 2D walkthrough")
    };
    assert!(
        walk.d_loss
            .iter()
            .chain(&walk.g_loss)
            .all(|v| v.is_finite())
    );
    assert_eq!(walk.noise.len(), 3);
}

/// A small labelled set of blobs whose position depends on the class, and the shipped
/// MNIST classifier (the same file the site serves).
pub fn tiny_bundle() -> ImageBundle {
    let n = 200;
    let mut pixels = vec![0_u8; n * 784];
    let labels: Vec<u8> = (0..n).map(|i| (i % 10) as u8).collect();
    for (i, &label) in labels.iter().enumerate() {
        let (cx, cy) = (6 + 2 * usize::from(label), 14);
        for y in cy - 4..cy + 4 {
            for x in cx - 3..cx + 3 {
                pixels[i * 784 + y * 28 + x] = 255;
            }
        }
    }
    let set = ImageSet::from_raw(pixels, Some(labels), 28, 28).expect("valid images");
    let (train, test) = set.split_at(150).expect("splits");
    ImageBundle {
        title: "blobs".into(),
        split: SplitSet { train, test },
        classifier: Some(include_bytes!("../../../../static/models/mnist-classifier.bin").to_vec()),
        class_names: (0..10).map(|c| c.to_string()).collect(),
        fd_name: "FD (MNIST classifier)".into(),
        inputs: None,
    }
}

/// A conditional MLP GAN on `device` reads its grids, scores, interpolation and sliders, and
/// a picked class redraws every row in it.
pub async fn image_frame(device: &burn::tensor::Device) {
    let bundle = tiny_bundle();
    let setup = Setup::default().with_model(ModelChoice::Image(Preset::ConditionalMlp));
    let mut trainer =
        Trainer::new(&setup, device, None, Some(&bundle)).expect("conditional GAN builds");
    assert!(trainer.points_scene().is_none());
    trainer.train_steps(2);
    let stats = trainer
        .read_stats()
        .await
        .expect("read")
        .expect("two steps");
    assert!(stats.is_finite(), "{stats:?}");
    let wanted = Wanted {
        score: true,
        ..Wanted::default()
    };
    let frame = trainer.frame(wanted).await.expect("a frame");
    let images = frame.images.clone().expect("image views");
    assert_eq!((images.side, images.cols), (28, 8));
    assert_eq!(images.grid.len(), 80 * 784, "one row of 8 per class");
    assert_eq!(images.row_classes, (0..10).collect::<Vec<u8>>());
    assert_eq!(images.grid_scores.len(), 80);
    assert!(images.grid_scores.iter().all(|p| (0.0..=1.0).contains(p)));
    assert_eq!(images.real.len(), 80 * 784);
    assert_eq!(images.interpolation.len(), INTERPOLATION_STEPS * 784);
    assert_eq!(images.latent.len(), 784);
    assert!(images.grid.iter().all(|v| (-1.0..=1.0).contains(v)));
    assert_eq!((frame.d_real.len(), frame.d_fake.len()), (256, 256));
    let quality = frame
        .quality
        .image
        .expect("the classifier scored the samples");
    assert!((quality.class_share.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    assert!(quality.fd.is_finite() && quality.fd >= 0.0);
    assert!((0.1..=1.0).contains(&quality.confidence));

    // The interpolation's ends are the grid's samples `from` and `to`.
    let close = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-4);
    assert!(close(&images.interpolation[..784], &images.grid[..784]));
    assert!(close(
        &images.interpolation[(INTERPOLATION_STEPS - 1) * 784..],
        &images.grid[784..2 * 784]
    ));
    // The slider sample is sample `from` until a slider moves it.
    assert!(close(&images.latent, &images.grid[..784]));

    // Picking a class draws every row in it: rows change, row 3 (already class 3) does not.
    let picked = Wanted {
        image: ImageView {
            class: Some(3),
            offsets: [2.0, -2.0, 0.0, 0.0],
            ..ImageView::default()
        },
        ..Wanted::default()
    };
    let three = trainer.frame(picked).await.expect("a frame");
    let three = three.images.expect("image views");
    assert_eq!(three.row_classes, vec![3; 10]);
    assert!(!close(&three.grid[..784 * 8], &images.grid[..784 * 8]));
    assert!(close(
        &three.grid[3 * 784 * 8..4 * 784 * 8],
        &images.grid[3 * 784 * 8..4 * 784 * 8]
    ));
    assert!(
        !close(&three.latent, &three.grid[..784]),
        "the sliders move the sample"
    );
}

/// Pix2Pix on `device` learns the blobs from their outlines: it trains, reads its statistics
/// (the L1 term among them), a frame of held-out rows with D's verdicts and a score, and turns
/// a drawing into an image; a drawing of the wrong size is refused in words.
pub async fn pix2pix_frame(device: &burn::tensor::Device) {
    use ganvas_session::images::pairs::PAIR_ROWS;

    let bundle = tiny_bundle();
    let setup = Setup::default().with_model(ModelChoice::Pix2Pix);
    let mut trainer = Trainer::new(&setup, device, None, Some(&bundle)).expect("Pix2Pix builds");
    assert!(trainer.gan().is_none() && trainer.points_scene().is_none());
    trainer.train_steps(2);
    assert_eq!(trainer.step_count(), 2);
    let stats = trainer
        .read_stats()
        .await
        .expect("read")
        .expect("two steps");
    assert!(stats.is_finite(), "{stats:?}");
    assert!(stats.l1 > 0.0, "the L1 term is read: {stats:?}");
    assert!((0.0..=1.0).contains(&stats.d_real) && (0.0..=1.0).contains(&stats.d_fake));
    let wanted = Wanted {
        score: true,
        ..Wanted::default()
    };
    let frame = trainer.frame(wanted).await.expect("a frame");
    assert!(frame.images.is_none());
    let pairs = frame.pairs.clone().expect("the Pix2Pix view");
    assert_eq!((pairs.side, pairs.drawing.as_str()), (28, "outlines"));
    for rows in [&pairs.inputs[..], &pairs.outputs, &pairs.targets] {
        assert_eq!(rows.len(), PAIR_ROWS * 784);
        assert!(rows.iter().all(|v| (-1.0..=1.0).contains(v)));
    }
    assert_eq!(pairs.row_classes.len(), PAIR_ROWS);
    assert_eq!(
        (frame.d_real.len(), frame.d_fake.len()),
        (PAIR_ROWS, PAIR_ROWS)
    );
    assert!(
        frame
            .d_real
            .iter()
            .chain(&frame.d_fake)
            .all(|p| (0.0..=1.0).contains(p))
    );
    let score = pairs.score.expect("scored");
    assert_eq!((score.step, score.pairs), (2, 50));
    assert!(score.l1 > 0.0 && score.pixel_error > 0.0 && score.pixel_error <= 1.0);
    let accuracy = score
        .target_accuracy
        .expect("a classifier fits 28×28 images");
    assert!(accuracy > 0.0, "the blobs' own class is found sometimes");

    // A stroke on the pad comes back as an image of the same size, in the pad's units.
    let mut drawing = vec![0.0_f32; 784];
    for x in 8..20 {
        drawing[14 * 28 + x] = 1.0;
    }
    let output = trainer
        .translate(&drawing)
        .await
        .expect("a drawing translates");
    assert_eq!(output.len(), 784);
    assert!(output.iter().all(|v| (0.0..=1.0).contains(v)));
    let refused = trainer.translate(&[0.5; 10]).await.expect_err("10 values");
    assert!(refused.to_string().contains("28×28"), "{refused}");
}

/// The blobs as uploaded pairs: unlabelled pictures with their own inputs (the blobs' outlines
/// shifted one pixel, so that they are not what Pix2Pix would draw itself).
pub fn uploaded_pairs() -> ImageBundle {
    let mut bundle = tiny_bundle();
    let unlabelled = |set: &ImageSet| {
        ImageSet::from_raw(set.images.clone(), None, set.rows, set.cols).expect("valid images")
    };
    let shifted = |set: &ImageSet| {
        let mut images = vec![0_u8; set.images.len()];
        images[1..].copy_from_slice(&set.images[..set.images.len() - 1]);
        ImageSet::from_raw(images, None, set.rows, set.cols).expect("valid images")
    };
    let split = &bundle.split;
    bundle.inputs = Some(SplitSet {
        train: shifted(&split.train),
        test: shifted(&split.test),
    });
    bundle.split = SplitSet {
        train: unlabelled(&split.train),
        test: unlabelled(&split.test),
    };
    bundle.title = "your 200 pairs".into();
    bundle
}

/// Pix2Pix with the paper's D (the input stacked on, a verdict per patch) on `device` learns
/// uploaded pairs: it trains, its frame shows their own inputs with rows named by number and a
/// score by L1 alone (no classes to check), and explain mode walks through an iteration.
pub async fn pix2pix_uploaded_pairs(device: &burn::tensor::Device) {
    let bundle = uploaded_pairs();
    let mut setup = Setup::default().with_model(ModelChoice::Pix2Pix);
    setup.images = ganvas_session::setup::ImageSource::Uploaded;
    setup.pix2pix_d.sees_input = true;
    setup.pix2pix_d.patch = true;
    let mut trainer = Trainer::new(&setup, device, None, Some(&bundle)).expect("Pix2Pix builds");
    trainer.train_steps(2);
    let stats = trainer
        .read_stats()
        .await
        .expect("read")
        .expect("two steps");
    assert!(stats.is_finite() && stats.l1 > 0.0, "{stats:?}");
    let wanted = Wanted {
        score: true,
        ..Wanted::default()
    };
    let frame = trainer.frame(wanted).await.expect("a frame");
    let pairs = frame.pairs.clone().expect("the Pix2Pix view");
    assert_eq!(pairs.drawing, "inputs");
    assert_eq!(pairs.row_classes[0], "pair 1");
    let (inputs, _) = bundle.inputs.as_ref().expect("inputs").test.batch(&[0]);
    let shown = &pairs.inputs[..784];
    assert!(
        shown.iter().zip(&inputs).all(|(a, b)| (a - b).abs() < 1e-6),
        "the rows show the uploaded inputs"
    );
    let score = pairs.score.expect("scored");
    assert!(score.l1 > 0.0 && score.class_accuracy.is_none() && score.target_accuracy.is_none());
    assert!(frame.d_real.iter().all(|p| (0.0..=1.0).contains(p)));

    let ganvas_session::trainer::Explanation::Pairs(walk) =
        trainer.explain().await.expect("explains")
    else {
        panic!("a Pix2Pix walkthrough")
    };
    assert!(walk.sees_input && walk.patch && walk.drawing == "inputs");
    assert!(
        walk.d_loss
            .iter()
            .chain(&walk.g_loss)
            .all(|v| v.is_finite())
    );
    assert_eq!(trainer.step_count(), 2, "explaining is not a training step");
}
