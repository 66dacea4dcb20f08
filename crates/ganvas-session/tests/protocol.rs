//! The protocol the page and the training worker speak, natively on Flex: every request and
//! response crosses as bytes and comes back equal, a session served through it does exactly
//! what the direct calls do, a run that crossed reopens the same model, failures come back as
//! failures, and a damaged message is refused.

#[allow(dead_code)] // only its training set is used here
mod checks;

use std::cell::Cell;
use std::rc::Rc;

use futures_lite::future::block_on;
use ganvas_engine::preset::Preset;
use ganvas_engine::snapshot::SnapshotParts;
use ganvas_session::DeviceChoice;
use ganvas_session::link;
use ganvas_session::protocol::{
    Command, Failure, ProtocolError, Reply, Request, Response, decode, encode,
};
use ganvas_session::session::{Basis, DeviceInfo, Moved, Session, Trained};
use ganvas_session::setup::{CycleSize, ModelChoice, Setup};
use ganvas_session::trainer::{Explanation, Frame, Single, Wanted};

thread_local! {
    /// The sessions' clock: milliseconds that only the test moves (a chunk then trains its
    /// `max_updates`, so runs are repeatable).
    static NOW: Cell<f64> = const { Cell::new(0.0) };
}

fn now() -> f64 {
    NOW.with(Cell::get)
}

fn advance(ms: f64) {
    NOW.with(|n| n.set(n.get() + ms));
}

/// Holds the Flex device for one test: its random draws are the device's, so tests running
/// side by side would take each other's and runs could not be compared.
fn alone() -> std::sync::MutexGuard<'static, ()> {
    static DEVICE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    DEVICE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn session() -> Session {
    Session::new(ganvas_engine::device::cpu(), None, now)
}

/// The far end of the wire: requests go in as bytes and responses come out as bytes.
struct Worker {
    session: Session,
    next: u64,
}

impl Worker {
    fn new() -> Self {
        Worker {
            session: session(),
            next: 0,
        }
    }

    /// Sends `command` as the page will: encoded, decoded by the worker (equal to what was
    /// sent), served, and the response encoded and decoded back (equal to what was served).
    /// Returns the reply and the response's size in bytes.
    fn ask(&mut self, command: Command) -> (Reply, usize) {
        self.next += 1;
        let request = Request {
            id: self.next,
            command,
        };
        let sent = encode(&request).expect("a request encodes");
        let received: Request = decode(&sent).expect("the worker reads it");
        assert_eq!(received, request, "the request crosses unchanged");
        let response = block_on(self.session.serve(received));
        assert_eq!(
            response.id, self.next,
            "the reply carries the request's number"
        );
        assert_eq!(response.step, self.session.step());
        assert_eq!(response.model, self.session.trainer().is_some());
        let bytes = encode(&response).expect("a response encodes");
        let back: Response = decode(&bytes).expect("the page reads it");
        assert_eq!(back, response, "the response crosses unchanged");
        (back.reply, bytes.len())
    }
}

fn basis(setup: Setup) -> Basis {
    Basis {
        setup,
        bounds: None,
        images: None,
    }
}

fn every_view() -> Wanted {
    Wanted {
        manifold: true,
        arrows: true,
        features: true,
        ..Wanted::default()
    }
}

/// Floats a frame carries in its bulk arrays.
fn floats(frame: &Frame) -> usize {
    let points = frame.fakes.len() + frame.manifold.len() + frame.arrows.len();
    let features = frame
        .features
        .as_ref()
        .map_or(0, |f| f.real.len() + f.fake.len());
    let images = frame.images.as_ref().map_or(0, |i| {
        i.grid.len() + i.grid_scores.len() + i.real.len() + i.interpolation.len() + i.latent.len()
    });
    2 * (points + features) + frame.heat.len() + frame.d_real.len() + frame.d_fake.len() + images
}

#[test]
fn a_toy_run_served_through_the_protocol_is_the_run_the_direct_calls_make() {
    let _alone = alone();
    // One after the other: a device's random draws are the device's, so two runs
    // interleaved would share them.
    let setup = Setup::default();
    let mut direct = session();
    let built = direct.build(basis(setup.clone())).expect("builds");
    let trained: Vec<Trained> = (0..3)
        .map(|_| block_on(direct.train(f64::INFINITY, 64)).expect("trains"))
        .collect();
    let frame = block_on(direct.frame(every_view())).expect("a frame");

    let mut worker = Worker::new();
    let (reply, _) = worker.ask(Command::Build {
        setup: setup.clone(),
        bounds: None,
    });
    assert_eq!(reply, Reply::Built(built));
    for trained in trained {
        assert!(
            matches!(trained, Trained::Steps { steps: 3, .. }),
            "{trained:?}"
        );
        let (reply, _) = worker.ask(Command::Train {
            budget_ms: f64::INFINITY,
            max_updates: 64,
        });
        assert_eq!(reply, Reply::Trained(trained), "the same statistics");
    }
    assert_eq!(worker.session.step(), 9);

    let (reply, size) = worker.ask(Command::Frame(every_view()));
    let Reply::Frame(served) = reply else {
        panic!("{reply:?}")
    };
    assert_eq!(*served, frame, "the same frame, every view");
    assert!(served.features.is_some() && !served.manifold.is_empty());
    // The bulk arrays cross as 4 bytes a value (CBOR's own floats would take up to 5).
    let values = floats(&served);
    println!("# protocol: toy frame with every view: {size} bytes, {values} floats");
    assert!(
        size <= 4 * values + 2048,
        "{size} bytes for {values} floats"
    );

    let (reply, size) = worker.ask(Command::Frame(Wanted::default()));
    assert!(matches!(reply, Reply::Frame(_)));
    println!("# protocol: toy frame, default views: {size} bytes");

    let (reply, _) = worker.ask(Command::Single(Single::Step));
    let Reply::Stats(stats) = reply else {
        panic!("{reply:?}")
    };
    assert!(stats.is_finite());
    assert_eq!(worker.session.step(), 10);

    let (reply, _) = worker.ask(Command::Explain);
    let Reply::Walkthrough(Explanation::Points(walk)) = reply else {
        panic!("{reply:?}")
    };
    assert_eq!(walk.noise.len(), 3);
}

#[test]
fn checkpoints_snapshots_and_failures_cross_the_wire() {
    let _alone = alone();
    let mut worker = Worker::new();
    // Before any model: failures, not panics.
    let (reply, _) = worker.ask(Command::Frame(Wanted::default()));
    assert_eq!(reply, Reply::Failed(Failure::NoModel));
    let (reply, _) = worker.ask(Command::ChooseDevice(DeviceChoice::Gpu));
    assert!(matches!(reply, Reply::Refused(_)), "no GPU here: {reply:?}");
    let (reply, _) = worker.ask(Command::Checkpoint {
        older_than_ms: Some(1_000.0),
    });
    assert_eq!(reply, Reply::Checkpoint(None), "nothing to checkpoint");

    let (reply, _) = worker.ask(Command::Build {
        setup: Setup::default(),
        bounds: None,
    });
    assert!(matches!(reply, Reply::Built(_)));
    let (reply, _) = worker.ask(Command::WarmUp);
    assert_eq!(
        reply,
        Reply::WarmedUp(None),
        "a model on the CPU needs none"
    );
    let (reply, _) = worker.ask(Command::RollBack);
    assert_eq!(reply, Reply::Failed(Failure::NoCheckpoint));

    // A checkpoint when due, and only then; pausing takes one unless it is of this step.
    worker.ask(Command::Train {
        budget_ms: f64::INFINITY,
        max_updates: 64,
    });
    let (reply, size) = worker.ask(Command::Checkpoint {
        older_than_ms: Some(1_000.0),
    });
    let Reply::Checkpoint(Some(checkpoint)) = reply else {
        panic!("the first checkpoint is due at once: {reply:?}")
    };
    println!("# protocol: the toy's checkpoint: {size} bytes");
    assert_eq!(checkpoint.step, 3);
    let (reply, _) = worker.ask(Command::Checkpoint {
        older_than_ms: None,
    });
    assert_eq!(reply, Reply::Checkpoint(None), "already of this step");
    let (reply, _) = worker.ask(Command::Checkpoint {
        older_than_ms: Some(1_000.0),
    });
    assert_eq!(reply, Reply::Checkpoint(None), "not due yet");
    advance(1_000.0);
    worker.ask(Command::Train {
        budget_ms: f64::INFINITY,
        max_updates: 64,
    });
    let (reply, _) = worker.ask(Command::Checkpoint {
        older_than_ms: Some(1_000.0),
    });
    assert!(
        matches!(reply, Reply::Checkpoint(Some(ref s)) if s.step == 6),
        "{reply:?}"
    );
    worker.ask(Command::Train {
        budget_ms: f64::INFINITY,
        max_updates: 64,
    });
    let (reply, _) = worker.ask(Command::RollBack);
    assert_eq!(reply, Reply::RolledBack(6));

    // A run that crossed reopens in another session as the same model.
    let (reply, _) = worker.ask(Command::Snapshot(SnapshotParts::ALL));
    let Reply::Snapshot(saved) = reply else {
        panic!("{reply:?}")
    };
    let mut other = Worker::new();
    let (reply, _) = other.ask(Command::Open {
        snapshot: saved.clone(),
        setup: Setup::default(),
        bounds: None,
    });
    assert!(
        matches!(reply, Reply::Built(ref b) if b.step == 6),
        "{reply:?}"
    );
    let (mine, _) = worker.ask(Command::Frame(every_view()));
    let (theirs, _) = other.ask(Command::Frame(every_view()));
    assert_eq!(mine, theirs, "the same model shows the same frame");

    // Settings the engine refuses change nothing, and say why.
    let mut bad = Setup::default();
    bad.train.batch_size = 0;
    let (reply, _) = worker.ask(Command::Retune(bad));
    assert!(
        matches!(reply, Reply::Failed(Failure::Engine(_))),
        "{reply:?}"
    );
    let calm = link::from_pairs(&link::parse_fragment("g_lr=0.0001"))
        .expect("a valid link")
        .setup;
    assert_eq!(worker.ask(Command::Retune(calm)).0, Reply::Done);

    // Losing the GPU goes on from the checkpoint; clearing leaves no model.
    let (reply, _) = worker.ask(Command::LoseGpu);
    assert!(
        matches!(reply, Reply::Moved(Moved::Restored(ref b)) if b.step == 6),
        "{reply:?}"
    );
    assert_eq!(worker.ask(Command::Clear).0, Reply::Done);
    let (reply, _) = worker.ask(Command::Single(Single::Step));
    assert_eq!(reply, Reply::Failed(Failure::NoModel));
}

#[test]
fn the_devices_are_described_and_a_session_without_a_gpu_times_nothing() {
    let _alone = alone();
    let mut worker = Worker::new();
    worker
        .session
        .set_gpu_problem(Some("navigator.gpu is undefined".into()));
    let (reply, _) = worker.ask(Command::Devices);
    assert_eq!(
        reply,
        Reply::Devices(DeviceInfo {
            gpu: false,
            problem: Some("navigator.gpu is undefined".into()),
        })
    );
    let (reply, _) = worker.ask(Command::Time(Setup::default()));
    let Reply::Timed(timing) = reply else {
        panic!("{reply:?}");
    };
    assert_eq!(timing.choice, DeviceChoice::Cpu);
    assert!(
        timing.cpu <= 0.0 && timing.gpu <= 0.0,
        "nothing to compare, so nothing is timed: {timing:?}"
    );
    // No model was left behind by the question.
    let (reply, _) = worker.ask(Command::Single(Single::Step));
    assert_eq!(reply, Reply::Failed(Failure::NoModel));
}

#[test]
fn an_image_run_trains_on_the_images_sent_once() {
    let _alone = alone();
    let mut worker = Worker::new();
    let setup = Setup::default().with_model(ModelChoice::Image(Preset::ConditionalMlp));
    // Without images, an image model says what it needs.
    let (reply, _) = worker.ask(Command::Build {
        setup: setup.clone(),
        bounds: None,
    });
    assert!(
        matches!(reply, Reply::Failed(Failure::Engine(ref why)) if why.contains("MNIST")),
        "{reply:?}"
    );

    let bundle = checks::tiny_bundle();
    let request = Request {
        id: 0,
        command: Command::Images(Some(Rc::new(checks::tiny_bundle()))),
    };
    println!(
        "# protocol: a training set of {} images: {} bytes",
        bundle.split.train.len + bundle.split.test.len,
        encode(&request).expect("encodes").len()
    );
    assert_eq!(
        worker.ask(Command::Images(Some(Rc::new(bundle)))).0,
        Reply::Done
    );
    let (reply, _) = worker.ask(Command::Build {
        setup: setup.clone(),
        bounds: None,
    });
    assert!(
        matches!(reply, Reply::Built(ref b) if b.scene.is_none()),
        "{reply:?}"
    );
    let (reply, _) = worker.ask(Command::Train {
        budget_ms: f64::INFINITY,
        max_updates: 4,
    });
    assert!(
        matches!(reply, Reply::Trained(Trained::Steps { steps: 2, .. })),
        "{reply:?}"
    );
    let wanted = Wanted {
        score: true,
        ..Wanted::default()
    };
    let (reply, size) = worker.ask(Command::Frame(wanted));
    let Reply::Frame(frame) = reply else {
        panic!("{reply:?}")
    };
    let images = frame.images.as_ref().expect("image views");
    assert_eq!(images.grid.len(), 80 * 784);
    assert!(frame.quality.image.is_some(), "scored");
    let values = floats(&frame);
    println!("# protocol: conditional-mlp frame, scored: {size} bytes, {values} floats");
    assert!(
        size <= 4 * values + 4096,
        "{size} bytes for {values} floats"
    );

    // A 2D model beside the images held trains on its points.
    let (reply, _) = worker.ask(Command::Build {
        setup: Setup::default(),
        bounds: Some([-1.0, -1.0, 1.0, 1.0]),
    });
    let Reply::Built(built) = reply else {
        panic!("{reply:?}")
    };
    let (_, bounds) = built.scene.expect("a 2D scene");
    assert_eq!(
        bounds.map(f32::to_bits),
        [-1.0_f32, -1.0, 1.0, 1.0].map(f32::to_bits)
    );
}

#[test]
fn a_pix2pix_run_trains_translates_a_drawing_and_refuses_the_rest_in_words() {
    let _alone = alone();
    let mut worker = Worker::new();
    let setup = Setup::default().with_model(ModelChoice::Pix2Pix);
    let (reply, _) = worker.ask(Command::Build {
        setup: setup.clone(),
        bounds: None,
    });
    assert!(
        matches!(reply, Reply::Failed(Failure::Engine(ref why)) if why.contains("MNIST")),
        "without images Pix2Pix says what it needs: {reply:?}"
    );
    worker.ask(Command::Images(Some(Rc::new(checks::tiny_bundle()))));
    let (reply, _) = worker.ask(Command::Build {
        setup: setup.clone(),
        bounds: None,
    });
    assert!(
        matches!(reply, Reply::Built(ref b) if b.step == 0),
        "{reply:?}"
    );
    let (reply, _) = worker.ask(Command::Train {
        budget_ms: f64::INFINITY,
        max_updates: 3,
    });
    let Reply::Trained(Trained::Steps {
        steps: 3,
        mean: Some(mean),
    }) = reply
    else {
        panic!("{reply:?}")
    };
    assert!(mean.l1 > 0.0, "{mean:?}");

    let (reply, size) = worker.ask(Command::Frame(Wanted::default()));
    let Reply::Frame(frame) = reply else {
        panic!("{reply:?}")
    };
    let pairs = frame
        .pairs
        .as_ref()
        .expect("rows of input | output | target");
    let values = pairs.inputs.len() + pairs.outputs.len() + pairs.targets.len();
    println!("# protocol: pix2pix frame: {size} bytes, {values} floats");
    assert!(
        size <= 4 * values + 4096,
        "{size} bytes for {values} floats"
    );

    let drawing = line_drawing();
    let (reply, size) = worker.ask(Command::Translate(drawing));
    let Reply::Translated(output) = reply else {
        panic!("{reply:?}")
    };
    assert_eq!(output.len(), 784);
    assert!(
        size <= 4 * 784 + 256,
        "a drawing's answer is one block: {size} bytes"
    );

    explains_a_pix2pix_iteration(&mut worker);

    // What Pix2Pix does not do is refused in words, and the run stays.
    for command in [
        Command::Single(Single::Discriminator),
        Command::Retune(setup.clone()),
    ] {
        let (reply, _) = worker.ask(command.clone());
        assert!(
            matches!(reply, Reply::Failed(Failure::Engine(ref why)) if why.len() > 20),
            "{command:?}: {reply:?}"
        );
    }
    assert_eq!(worker.session.step(), 3);
    // A noise GAN is told it cannot translate.
    worker.ask(Command::Build {
        setup: Setup::default(),
        bounds: None,
    });
    let (reply, _) = worker.ask(Command::Translate(vec![0.0; 784]));
    assert!(
        matches!(reply, Reply::Failed(Failure::Engine(ref why)) if why.contains("pix2pix")),
        "{reply:?}"
    );
}

/// Explain mode walks through one Pix2Pix iteration with the live numbers, without counting
/// a step.
fn explains_a_pix2pix_iteration(worker: &mut Worker) {
    let (reply, _) = worker.ask(Command::Explain);
    let Reply::Walkthrough(Explanation::Pairs(walk)) = reply else {
        panic!("{reply:?}")
    };
    assert_eq!(
        (walk.side, walk.input.len(), walk.target.len()),
        (28, 784, 784)
    );
    assert!(walk.outputs.iter().all(|o| o.len() == 784));
    assert_ne!(
        walk.outputs[0], walk.outputs[1],
        "G's update changes its output"
    );
    assert!(
        (walk.d_loss[0] - walk.d_loss[1]).abs() > 0.0,
        "D's update changes its loss"
    );
    for moment in 0..3 {
        let adversarial = walk.g_loss[moment] - walk.l1_weight * walk.l1[moment];
        assert!(
            adversarial >= -1e-3 && walk.l1[moment] > 0.0,
            "G's loss is adversarial ≥ 0 plus λ·L1: {walk:?}"
        );
    }
    assert!(!walk.sees_input && !walk.patch, "the tutorial's D");
}

/// A worker holding a Pix2Pix run on the blobs, 3 steps in.
fn pix2pix_worker() -> (Worker, Setup) {
    let mut worker = Worker::new();
    let setup = Setup::default().with_model(ModelChoice::Pix2Pix);
    worker.ask(Command::Images(Some(Rc::new(checks::tiny_bundle()))));
    worker.ask(Command::Build {
        setup: setup.clone(),
        bounds: None,
    });
    worker.ask(Command::Train {
        budget_ms: f64::INFINITY,
        max_updates: 3,
    });
    assert_eq!(worker.session.step(), 3);
    (worker, setup)
}

#[test]
fn a_pix2pix_run_is_checkpointed_rolled_back_saved_and_reopened() {
    let _alone = alone();
    let (mut worker, setup) = pix2pix_worker();
    // It is checkpointed, rolled back and saved like any model: its U-Net in G's slot.
    let (reply, _) = worker.ask(Command::Checkpoint {
        older_than_ms: None,
    });
    let Reply::Checkpoint(Some(checkpoint)) = reply else {
        panic!("{reply:?}")
    };
    assert_eq!(
        (checkpoint.kind.as_deref(), checkpoint.step),
        (Some("pix2pix"), 3)
    );
    worker.ask(Command::Train {
        budget_ms: f64::INFINITY,
        max_updates: 2,
    });
    assert_eq!(worker.ask(Command::RollBack).0, Reply::RolledBack(3));
    let (reply, _) = worker.ask(Command::Snapshot(SnapshotParts::ALL));
    let Reply::Snapshot(snapshot) = reply else {
        panic!("{reply:?}")
    };
    let bytes = ganvas_share::encode(&snapshot.to_payload(""), ganvas_share::Precision::F32)
        .expect("a file");
    println!(
        "# protocol: a pix2pix file (G, D, optimisers, f32): {} bytes",
        bytes.len()
    );
    worker.ask(Command::Clear);
    let (reply, _) = worker.ask(Command::Open {
        snapshot,
        setup: setup.clone(),
        bounds: None,
    });
    assert!(
        matches!(reply, Reply::Built(ref b) if b.step == 3),
        "{reply:?}"
    );
}

#[test]
fn a_cyclegan_run_trains_shows_both_cycles_and_reopens_from_its_file() {
    let _alone = alone();
    let mut worker = Worker::new();
    let mut setup = Setup::default().with_model(ModelChoice::CycleGan(CycleSize::Small));
    setup.cycle_classes = [2, 7];
    worker.ask(Command::Images(Some(Rc::new(checks::tiny_bundle()))));
    let (reply, _) = worker.ask(Command::Build {
        setup: setup.clone(),
        bounds: None,
    });
    assert!(
        matches!(reply, Reply::Built(ref b) if b.step == 0),
        "{reply:?}"
    );
    let (reply, _) = worker.ask(Command::Train {
        budget_ms: f64::INFINITY,
        max_updates: 2,
    });
    let Reply::Trained(Trained::Steps {
        steps: 2,
        mean: Some(mean),
    }) = reply
    else {
        panic!("{reply:?}")
    };
    assert!(
        mean.l1 > 0.0 && mean.d_loss > 0.0,
        "the cycle term and D's loss: {mean:?}"
    );

    let (reply, size) = worker.ask(Command::Frame(Wanted {
        score: true,
        ..Wanted::default()
    }));
    let Reply::Frame(frame) = reply else {
        panic!("{reply:?}")
    };
    let cycle = frame.cycle.as_ref().expect("the CycleGAN's rows");
    assert_eq!(cycle.names, ["2".to_string(), "7".to_string()]);
    let per = 28 * 28;
    for images in [
        &cycle.a[..],
        &cycle.a2b,
        &cycle.a2b2a,
        &cycle.b[..],
        &cycle.b2a,
        &cycle.b2a2b,
    ] {
        assert_eq!(images.len(), 4 * per, "four rows of 28×28 per domain");
        assert!(images.iter().all(|v| v.is_finite() && v.abs() <= 1.0));
    }
    assert_ne!(
        cycle.a2b, cycle.a2b2a,
        "the translation and its way back differ"
    );
    assert_eq!((frame.d_real.len(), frame.d_fake.len()), (8, 8));
    let score = cycle.score.expect("a score was asked for");
    assert_eq!((score.step, score.images), (2, [5, 5]));
    assert!(
        score.cycle_error.iter().all(|e| (0.0..=1.0).contains(e)),
        "{score:?}"
    );
    let translated = score.translated.expect("the MNIST classifier fits");
    assert!(
        translated.iter().all(|t| (0.0..=1.0).contains(t)),
        "{score:?}"
    );
    let values = 6 * 4 * per;
    println!("# protocol: cyclegan frame: {size} bytes, {values} floats");
    translates_a_drawing_both_ways(&mut worker);

    // What a CycleGAN does not do is refused in words, and the run stays.
    for command in [
        Command::Single(Single::Generator),
        Command::Retune(setup.clone()),
    ] {
        let (reply, _) = worker.ask(command.clone());
        assert!(
            matches!(reply, Reply::Failed(Failure::Engine(ref why)) if why.len() > 20),
            "{command:?}: {reply:?}"
        );
    }
    assert_eq!(worker.session.step(), 2);
    explains_a_cyclegan_iteration(&mut worker);
    a_cyclegan_run_is_saved_and_reopened(&mut worker, setup);
}

/// Explain mode walks through one CycleGAN iteration (one update of both Ds, one of both
/// generators) with finite live numbers on both classes, without counting a step.
fn explains_a_cyclegan_iteration(worker: &mut Worker) {
    let (reply, _) = worker.ask(Command::Explain);
    let Reply::Walkthrough(Explanation::Cycle(walk)) = reply else {
        panic!("{reply:?}")
    };
    assert_eq!(worker.session.step(), 2, "explaining counts no step");
    assert_eq!((walk.side, walk.images, walk.d_updates), (28, 5, 5));
    assert_eq!(walk.names, ["2".to_string(), "7".to_string()]);
    let moments = [&walk.a2b, &walk.a2b2a, &walk.b2a, &walk.b2a2b];
    for image in [&walk.a, &walk.b]
        .into_iter()
        .chain(moments.into_iter().flatten())
    {
        assert_eq!(image.len(), 784, "{walk:?}");
        assert!(image.iter().all(|v| v.is_finite() && v.abs() <= 1.0));
    }
    assert_ne!(walk.a2b[0], walk.a2b[1], "G's update changes G(a)");
    assert_ne!(walk.b2a[0], walk.b2a[1], "F's update changes F(b)");
    let numbers = [
        walk.d_a_real,
        walk.d_a_fake,
        walk.d_b_real,
        walk.d_b_fake,
        walk.d_a_loss,
        walk.d_b_loss,
        walk.g_loss,
        walk.adversarial_a2b,
        walk.adversarial_b2a,
        walk.cycle,
    ];
    assert!(numbers.iter().flatten().all(|v| v.is_finite()), "{walk:?}");
    assert!(
        (walk.d_a_loss[0] - walk.d_a_loss[1]).abs() > 0.0
            && (walk.d_b_loss[0] - walk.d_b_loss[1]).abs() > 0.0,
        "the Ds' update changes their losses: {walk:?}"
    );
    assert!(
        (walk.cycle[1] - walk.cycle[0]).abs() <= 1e-4 * walk.cycle[0]
            && walk.a2b2a[0] != walk.a2b2a[1],
        "the Ds' update leaves the cycle term as it was; G's update moves the way back: {walk:?}"
    );
    for moment in 0..3 {
        let parts = walk.adversarial_a2b[moment]
            + walk.adversarial_b2a[moment]
            + walk.cycle_weight * walk.cycle[moment];
        assert!(
            (walk.g_loss[moment] - parts).abs() <= 1e-3 * parts.abs().max(1.0)
                && walk.cycle[moment] > 0.0,
            "G's loss is both adversarial terms plus λ·cycle: {walk:?}"
        );
    }
    println!(
        "# protocol: cyclegan explain: D_A loss {:?}, D_B loss {:?}, cycle {:?}, G loss {:?}",
        walk.d_a_loss, walk.d_b_loss, walk.cycle, walk.g_loss
    );
}

/// A drawing on CycleGAN's pad goes through G (as class A) and F (as class B): two images
/// in the pad's units, G's first; a drawing of the wrong size is refused in words.
fn translates_a_drawing_both_ways(worker: &mut Worker) {
    let drawing = line_drawing();
    let (reply, size) = worker.ask(Command::Translate(drawing));
    let Reply::Translated(output) = reply else {
        panic!("{reply:?}")
    };
    assert_eq!(output.len(), 2 * 784, "G's image, then F's");
    assert!(
        output.iter().all(|v| (0.0..=1.0).contains(v)),
        "in the pad's units"
    );
    let (g, f) = output.split_at(784);
    assert_ne!(g, f, "G and F are different generators");
    assert!(
        size <= 4 * 2 * 784 + 256,
        "a drawing's answer is one block: {size} bytes"
    );
    let (reply, _) = worker.ask(Command::Translate(vec![0.0; 783]));
    assert!(
        matches!(reply, Reply::Failed(Failure::Engine(ref why)) if why.contains("28×28")),
        "{reply:?}"
    );
}

/// A CycleGAN run 2 steps in is checkpointed, and saved to a file that reopens at that step.
fn a_cyclegan_run_is_saved_and_reopened(worker: &mut Worker, setup: Setup) {
    let (reply, _) = worker.ask(Command::Checkpoint {
        older_than_ms: None,
    });
    assert!(
        matches!(reply, Reply::Checkpoint(Some(ref c)) if c.kind.as_deref() == Some("cyclegan")),
        "{reply:?}"
    );
    let (reply, _) = worker.ask(Command::Snapshot(SnapshotParts::ALL));
    let Reply::Snapshot(snapshot) = reply else {
        panic!("{reply:?}")
    };
    let bytes = ganvas_share::encode(&snapshot.to_payload(""), ganvas_share::Precision::F32)
        .expect("a file");
    println!(
        "# protocol: a cyclegan-shoes file (G, F, both Ds, optimisers, f32): {} bytes",
        bytes.len()
    );
    let read = ganvas_engine::snapshot::Snapshot::from_payload(
        ganvas_share::decode(&bytes).expect("decodes"),
    )
    .expect("a snapshot");
    worker.ask(Command::Clear);
    let (reply, _) = worker.ask(Command::Open {
        snapshot: Box::new(read),
        setup,
        bounds: None,
    });
    assert!(
        matches!(reply, Reply::Built(ref b) if b.step == 2),
        "{reply:?}"
    );
}

#[test]
fn a_damaged_message_is_refused() {
    let _alone = alone();
    let request = Request {
        id: 7,
        command: Command::Build {
            setup: Setup::default(),
            bounds: None,
        },
    };
    let bytes = encode(&request).expect("encodes");
    for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
        let refused: Result<Request, ProtocolError> = decode(&bytes[..cut]);
        assert!(refused.is_err(), "{cut} of {} bytes", bytes.len());
    }
    assert!(decode::<Request>(b"not a message").is_err());
    assert!(
        decode::<Response>(&bytes).is_err(),
        "a request is no response"
    );

    // A training set is checked as it is read: its pixels must make the images it claims.
    let mut bundle = checks::tiny_bundle();
    bundle.split.train.len += 1;
    let bytes = encode(&Command::Images(Some(Rc::new(bundle)))).expect("encodes");
    let error = decode::<Command>(&bytes).expect_err("refused");
    assert!(error.to_string().contains("said to be 151"), "{error}");
    let mut bundle = checks::tiny_bundle();
    bundle.split.test.images.pop();
    let bytes = encode(&Command::Images(Some(Rc::new(bundle)))).expect("encodes");
    let error = decode::<Command>(&bytes).expect_err("refused");
    assert!(error.to_string().contains("not a whole number"), "{error}");

    // A frame's bulk array must be whole f32s (and whole points).
    let frame = Frame {
        heat: vec![0.5; 3],
        ..Frame::default()
    };
    let mut bytes = encode(&frame).expect("encodes");
    let whole = decode::<Frame>(&bytes).expect("reads");
    assert_eq!(whole, frame);
    // The heatmap's byte string: its 12 bytes, preceded by CBOR's header 0x4c (bytes, 12).
    let at = bytes
        .windows(13)
        .position(|w| w[0] == 0x4c && w[1..5] == 0.5_f32.to_le_bytes())
        .expect("the heatmap's bytes");
    bytes[at] = 0x4b; // 11 bytes: not whole f32s
    bytes.remove(at + 12);
    let error = decode::<Frame>(&bytes).expect_err("refused");
    assert!(error.to_string().contains("f32"), "{error}");
}

/// A pad drawing (28² values in [0, 1]): one vertical line down the middle.
fn line_drawing() -> Vec<f32> {
    (0..784)
        .map(|i| if i % 28 == 14 { 1.0 } else { 0.0 })
        .collect()
}
