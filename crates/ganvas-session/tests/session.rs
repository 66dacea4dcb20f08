//! The session as the page uses it, natively on Flex: build, train in chunks, read frames,
//! take a checkpoint, roll back after a divergence, reopen a saved run, and go on on the CPU
//! when the GPU stops.

use std::cell::Cell;

use futures_lite::future::block_on;
use ganvas_engine::snapshot::SnapshotParts;
use ganvas_session::DeviceChoice;
use ganvas_session::link;
use ganvas_session::session::{Basis, KEPT_CHECKPOINTS, Moved, Session, SessionError, Trained};
use ganvas_session::setup::Setup;
use ganvas_session::trainer::{Single, Wanted};

thread_local! {
    /// The session's clock in these tests: milliseconds that only the test moves.
    static NOW: Cell<f64> = const { Cell::new(0.0) };
}

fn now() -> f64 {
    NOW.with(Cell::get)
}

fn advance(ms: f64) {
    NOW.with(|n| n.set(n.get() + ms));
}

fn basis(setup: Setup) -> Basis {
    Basis {
        setup,
        bounds: None,
        images: None,
    }
}

/// A toy session on Flex (the "GPU" is a second Flex device: what matters here is which
/// device the session builds on, not its kind).
fn toy_session(with_gpu: bool) -> Session {
    let gpu = with_gpu.then(ganvas_engine::device::cpu);
    Session::new(ganvas_engine::device::cpu(), gpu, now)
}

/// Trains chunks (the test clock stands still: each is its `max_updates`) until the model has
/// at least `steps` steps.
fn train_to(session: &mut Session, steps: u64) {
    while session.step() < steps {
        match block_on(session.train(f64::INFINITY, 20)).expect("a chunk trains") {
            Trained::Steps { .. } => {}
            diverged @ Trained::Diverged { .. } => panic!("the toy diverged: {diverged:?}"),
        }
    }
}

#[test]
fn a_session_builds_trains_shows_and_checkpoints_its_run() {
    let mut session = toy_session(false);
    assert_eq!(session.device_choice(), DeviceChoice::Cpu);
    assert!(!session.choose_device(DeviceChoice::Gpu), "no GPU here");
    assert!(
        matches!(block_on(session.train(1.0, 1)), Err(SessionError::NoModel)),
        "no model yet"
    );
    assert!(!session.checkpoint_due(0.0), "nothing to checkpoint");

    let built = session
        .build(basis(Setup::default()))
        .expect("the toy builds");
    assert_eq!(built.step, 0);
    let (real, bounds) = built.scene.expect("a 2D scene");
    assert!(!real.is_empty());
    assert!(bounds[0] < bounds[2] && bounds[1] < bounds[3], "{bounds:?}");

    // A chunk of updates reports its whole steps and their mean statistics.
    let Trained::Steps { steps, mean } =
        block_on(session.train(f64::INFINITY, 64)).expect("trains")
    else {
        panic!("diverged");
    };
    // The toy takes 10 D and 10 G updates a step.
    assert_eq!(steps, 3, "64 single updates make three whole steps");
    assert!(mean.expect("statistics of the steps").is_finite());
    assert_eq!(session.step(), 3);

    let frame = block_on(session.frame(Wanted::default())).expect("a frame");
    assert_eq!(frame.fakes.len(), 512);
    let stats = block_on(session.single(Single::Step).expect("a model").read()).expect("read");
    assert!(stats.is_finite());

    // The first checkpoint is due at once, the next after the interval.
    assert!(session.checkpoint_due(30_000.0));
    let kept = block_on(session.checkpoint()).expect("a good checkpoint");
    let at = kept.step;
    assert_eq!(Some(at), session.checkpoint_step());
    assert!(!session.checkpoint_due(30_000.0));
    advance(30_000.0);
    assert!(session.checkpoint_due(30_000.0));

    // Rolling back rebuilds the checkpoint's step.
    train_to(&mut session, at + 5);
    assert_eq!(session.roll_back().expect("rolls back"), at);
    assert_eq!(session.step(), at);

    // A saved run opens into another session at its step, with its weights.
    train_to(&mut session, at + 3);
    let saved = block_on(session.snapshot(SnapshotParts::ALL)).expect("a snapshot");
    let mut other = toy_session(false);
    let opened = other
        .open(&saved, basis(Setup::default()))
        .expect("the saved run opens");
    assert_eq!(opened.step, saved.step);
    let again = block_on(other.snapshot(SnapshotParts::ALL)).expect("its snapshot");
    assert_eq!(again.step, saved.step);
    assert_eq!(again.generator, saved.generator, "the same weights");
    assert_eq!(again.discriminator, saved.discriminator);

    // A new model drops the old one's checkpoint.
    session.build(basis(Setup::default())).expect("builds");
    assert_eq!(session.checkpoint_step(), None);
    assert!(
        matches!(session.roll_back(), Err(SessionError::NoCheckpoint)),
        "nothing to roll back to"
    );
}

#[test]
fn a_diverging_run_is_rolled_back_to_its_checkpoint_and_retuned() {
    // Plain SGD at learning rate 1 with the least-squares loss: the toy's weights blow up
    // (the page's e2e test trains the same).
    let pairs = link::parse_fragment("loss=lsgan&g_opt=sgd&d_opt=sgd&g_lr=1&d_lr=1");
    let setup = link::from_pairs(&pairs).expect("a valid link").setup;
    let mut session = toy_session(false);
    session.build(basis(setup.clone())).expect("builds");
    let checkpoint = block_on(session.checkpoint()).expect("the untrained model is good");
    let mut outcome = None;
    for _ in 0..2_000 {
        if let Trained::Diverged {
            at,
            values,
            dropped,
            back,
        } = block_on(session.train(f64::INFINITY, 4)).expect("trains")
        {
            assert_eq!(dropped, None, "the first divergence from a checkpoint");
            outcome = Some((at, values, back));
            break;
        }
    }
    let (at, values, back) = outcome.expect("diverges within 2,000 chunks");
    assert!(!values.is_finite(), "{values:?}");
    assert!(at > checkpoint.step);
    assert_eq!(back, Ok(checkpoint.step));
    assert_eq!(session.step(), checkpoint.step);

    // A sane rate applies to the rebuilt run: it goes on, finite.
    let calm = link::parse_fragment("loss=lsgan&g_opt=sgd&d_opt=sgd&g_lr=0.001&d_lr=0.001");
    let calm = link::from_pairs(&calm).expect("a valid link").setup;
    session.retune(&calm).expect("retunes");
    for _ in 0..50 {
        let Trained::Steps { mean, .. } =
            block_on(session.train(f64::INFINITY, 4)).expect("trains")
        else {
            panic!("diverged again at a sane rate");
        };
        assert!(mean.is_none_or(|m| m.is_finite()));
    }
    // What the next rollback rebuilds trains at the sane rate too.
    session.roll_back().expect("rolls back");
    train_to(&mut session, checkpoint.step + 20);
}

#[test]
fn a_checkpoint_taken_while_the_weights_blow_up_is_dropped_and_the_one_before_taken() {
    // A checkpoint after every single update of a diverging run: the later ones hold weights
    // that are finite (they pass every check) but past saving at any rate. The page takes one
    // every 30 s, so on a slow device the same happens there.
    let pairs = link::parse_fragment("loss=lsgan&g_opt=sgd&d_opt=sgd&g_lr=1&d_lr=1");
    let setup = link::from_pairs(&pairs).expect("a valid link").setup;
    let mut session = toy_session(false);
    session.build(basis(setup)).expect("builds");
    let mut first = None;
    for _ in 0..2_000 {
        let _ = block_on(session.checkpoint()); // refused once the weights are NaN
        advance(1_000.0);
        if let Trained::Diverged { dropped, back, .. } =
            block_on(session.train(f64::INFINITY, 1)).expect("trains")
        {
            first = Some((dropped, back));
            break;
        }
    }
    let (dropped, back) = first.expect("diverges within 2,000 updates");
    assert_eq!(
        dropped, None,
        "the first divergence goes back to the newest checkpoint"
    );
    assert!(back.is_ok(), "{back:?}");
    let kept = session.checkpoint_steps();
    assert_eq!(kept.len(), KEPT_CHECKPOINTS, "{kept:?}");

    // Pausing there takes a checkpoint of the model as the rollback left it: the same one, so
    // nothing new is kept, and the next is due an interval after the rollback.
    block_on(session.checkpoint()).expect("the newest checkpoint's own state");
    assert_eq!(session.checkpoint_steps(), kept);
    assert!(!session.checkpoint_due(30_000.0));

    // At a sane rate, a checkpoint past saving diverges again: it is dropped for the one
    // before, down to the run's first (the untrained model), which trains on.
    let calm = link::parse_fragment("loss=lsgan&g_opt=sgd&d_opt=sgd&g_lr=0.001&d_lr=0.001");
    let calm = link::from_pairs(&calm).expect("a valid link").setup;
    session.retune(&calm).expect("retunes");
    let mut fallbacks = 0;
    for _ in 0..200 {
        match block_on(session.train(f64::INFINITY, 4)).expect("trains") {
            Trained::Steps { mean, .. } => assert!(mean.is_none_or(|m| m.is_finite())),
            Trained::Diverged { dropped, back, .. } => {
                assert!(
                    dropped.is_some(),
                    "diverged again from a checkpoint on trial"
                );
                assert_eq!(back, Ok(session.step()));
                fallbacks += 1;
                assert_eq!(
                    session.checkpoint_steps().len(),
                    KEPT_CHECKPOINTS - fallbacks
                );
            }
        }
    }
    assert!(fallbacks >= 1, "the newest checkpoint was past saving");
    assert!(session.step() >= 20, "the run trains on at the sane rate");

    // A checkpoint of the run that trains on is kept again, after the interval.
    assert!(!session.checkpoint_due(30_000.0));
    advance(30_000.0);
    assert!(session.checkpoint_due(30_000.0));
    let count = session.checkpoint_steps().len();
    block_on(session.checkpoint()).expect("a good checkpoint");
    assert_eq!(session.checkpoint_steps().len(), count + 1);
}

#[test]
fn when_the_gpu_stops_the_run_goes_on_on_the_cpu() {
    // From the checkpoint, when there is one.
    let mut session = toy_session(true);
    assert_eq!(session.device_choice(), DeviceChoice::Gpu);
    session.build(basis(Setup::default())).expect("builds");
    train_to(&mut session, 4);
    let at = block_on(session.checkpoint()).expect("checkpoint").step;
    train_to(&mut session, at + 4);
    match session.lose_gpu() {
        Moved::Restored(built) => assert_eq!(built.step, at),
        other => panic!("{other:?}"),
    }
    assert_eq!(session.device_choice(), DeviceChoice::Cpu);
    assert!(!session.choose_device(DeviceChoice::Gpu), "the GPU is gone");
    train_to(&mut session, at + 2);

    // A fresh model on the same data, when nothing was checkpointed.
    let mut session = toy_session(true);
    session.build(basis(Setup::default())).expect("builds");
    train_to(&mut session, 3);
    match session.lose_gpu() {
        Moved::Fresh(built) => {
            assert_eq!(built.step, 0);
            assert!(built.scene.is_some());
        }
        other => panic!("{other:?}"),
    }
    train_to(&mut session, 1);
}

#[test]
fn a_warm_up_runs_a_throwaway_copy_once_per_setting_and_leaves_the_model_alone() {
    // Only a model on the GPU is warmed up.
    let mut session = toy_session(false);
    session.build(basis(Setup::default())).expect("builds");
    assert!(session.warm_up().is_none(), "nothing to compile on the CPU");

    let mut session = toy_session(true);
    assert!(session.warm_up().is_none(), "no model yet");
    session.build(basis(Setup::default())).expect("builds");
    let warm_up = session.warm_up().expect("a model on the GPU is warmed up");
    advance(5.0);
    let took = block_on(warm_up.run()).expect("the throwaway copy trains a step and a frame");
    assert!(took >= 0.0);
    assert_eq!(session.step(), 0, "the session's own model did not move");
    assert!(
        session.warm_up().is_none(),
        "the same settings are not warmed up twice"
    );

    // A rebuild with the same settings needs none; other settings need their own.
    session.build(basis(Setup::default())).expect("builds");
    assert!(session.warm_up().is_none());
    let mut other = Setup::default();
    other.noise_dim += 1;
    session.build(basis(other)).expect("builds");
    let warm_up = session.warm_up().expect("other shapes, other kernels");
    block_on(warm_up.run()).expect("runs");
    train_to(&mut session, 2);

    // A session whose model moved to the CPU warms nothing.
    session.lose_gpu();
    session
        .build(basis(
            Setup::default().with_model(ganvas_session::setup::ModelChoice::Mlp),
        ))
        .expect("builds");
    assert!(session.warm_up().is_none());
}
