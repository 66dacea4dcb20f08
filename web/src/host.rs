//! Where the page's session lives, and the page's one way of speaking to it: the session
//! protocol ([`ganvas_session::protocol`]).
//!
//! A [`Host`] holds the session in the page itself (`?train=page`, and where the browser
//! cannot start the training worker) or in the training worker ([`Remote`], the default):
//! either way the page sends a [`Command`] and reads the [`Reply`], and never touches the
//! trainer. In the page the command is served at once, with nothing encoded (an image set
//! crosses as the same `Rc`); to the worker it crosses as bytes. The typed methods below are
//! what the page's modules call; each is one command.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use ganvas_engine::snapshot::{Snapshot, SnapshotParts};
use ganvas_engine::training::StepValues;
use ganvas_session::pace::Timing;
use ganvas_session::protocol::{Command, Failure, Reply, Request};
use ganvas_session::session::{Basis, Built, DeviceInfo, Moved, SessionError, Trained};
use ganvas_session::setup::Setup;
use ganvas_session::trainer::Explanation;
use ganvas_session::trainer::{Frame, Single, Wanted};
use ganvas_session::{DeviceChoice, Session};

use crate::images::ImageBundle;
use crate::worker::Remote;

/// A warm-up under way (see [`Host::warm_up`]): the milliseconds it took, or `None` when the
/// model needed none.
pub type WarmingUp = Pin<Box<dyn Future<Output = Result<Option<f64>, Failure>>>>;

/// The page's session, wherever it runs, and what its last answer said.
pub struct Host {
    end: End,
    /// Whether the session has a model.
    model: bool,
    /// The model's step.
    step: u64,
    /// The image set the session holds (sent once per set).
    images: Option<Rc<ImageBundle>>,
}

enum End {
    Page(Box<Session>),
    Worker(Rc<Remote>),
}

/// A stopped worker: every later command fails with this.
fn stopped(why: &str) -> Failure {
    Failure::Engine(format!("the training worker stopped ({why})"))
}

/// A reply the command does not give (a bug, not a user's mistake).
fn unexpected(reply: &Reply) -> Failure {
    Failure::Engine(format!("the session answered out of turn: {reply:?}"))
}

impl Host {
    /// The session in this page.
    pub fn page(session: Session) -> Self {
        Host::on(End::Page(Box::new(session)))
    }

    /// The session in the training worker.
    pub fn worker(remote: Remote) -> Self {
        Host::on(End::Worker(Rc::new(remote)))
    }

    fn on(end: End) -> Self {
        Host {
            end,
            model: false,
            step: 0,
            images: None,
        }
    }

    /// Whether the session runs in the training worker.
    pub fn in_worker(&self) -> bool {
        matches!(self.end, End::Worker(_))
    }

    /// Whether the session has a model.
    pub fn model(&self) -> bool {
        self.model
    }

    /// Why the training worker stopped, once it has (the page then starts another).
    pub fn stopped(&self) -> Option<String> {
        match &self.end {
            End::Page(_) => None,
            End::Worker(remote) => remote.stopped(),
        }
    }

    /// The model's step (0 without one).
    pub fn step(&self) -> u64 {
        self.step
    }

    /// Sends `command` and waits for the reply; a failure comes back as `Err`.
    async fn call(&mut self, command: Command) -> Result<Reply, Failure> {
        let request = Request { id: 0, command };
        let response = match &mut self.end {
            End::Page(session) => session.serve(request).await,
            End::Worker(remote) => {
                let (id, _) = remote.send(request.command).map_err(|e| stopped(&e))?;
                remote.reply(id).await.map_err(|e| stopped(&e))?.0
            }
        };
        self.model = response.model;
        self.step = response.step;
        match response.reply {
            Reply::Failed(failure) => Err(failure),
            reply => Ok(reply),
        }
    }

    /// The session's devices.
    pub async fn devices(&mut self) -> Result<DeviceInfo, Failure> {
        match self.call(Command::Devices).await? {
            Reply::Devices(info) => Ok(info),
            other => Err(unexpected(&other)),
        }
    }

    /// Times `setup` on both devices (on `images`, for an image model).
    pub async fn time(
        &mut self,
        setup: Setup,
        images: Option<Rc<ImageBundle>>,
    ) -> Result<Timing, Failure> {
        self.hold_images(images).await?;
        match self.call(Command::Time(setup)).await? {
            Reply::Timed(timing) => Ok(timing),
            other => Err(unexpected(&other)),
        }
    }

    /// Builds the next models on `choice`; false when that device is not there.
    pub async fn choose_device(&mut self, choice: DeviceChoice) -> Result<bool, Failure> {
        match self.call(Command::ChooseDevice(choice)).await? {
            Reply::Done => Ok(true),
            Reply::Refused(_) => Ok(false),
            other => Err(unexpected(&other)),
        }
    }

    /// Sends the image set a model is built on, unless the session holds it already.
    async fn hold_images(&mut self, images: Option<Rc<ImageBundle>>) -> Result<(), Failure> {
        let Some(images) = images else {
            return Ok(());
        };
        if self
            .images
            .as_ref()
            .is_some_and(|held| Rc::ptr_eq(held, &images))
        {
            return Ok(());
        }
        self.call(Command::Images(Some(Rc::clone(&images)))).await?;
        self.images = Some(images);
        Ok(())
    }

    /// Replaces the model with a fresh one on `basis`.
    pub async fn build(&mut self, basis: Basis) -> Result<Built, Failure> {
        self.hold_images(basis.images).await?;
        let command = Command::Build {
            setup: basis.setup,
            bounds: basis.bounds,
        };
        match self.call(command).await? {
            Reply::Built(built) => Ok(built),
            other => Err(unexpected(&other)),
        }
    }

    /// Replaces the model with a shared or saved run; nothing changes unless it loads whole.
    pub async fn open(&mut self, snapshot: Snapshot, basis: Basis) -> Result<Built, Failure> {
        self.hold_images(basis.images).await?;
        let command = Command::Open {
            snapshot: Box::new(snapshot),
            setup: basis.setup,
            bounds: basis.bounds,
        };
        match self.call(command).await? {
            Reply::Built(built) => Ok(built),
            other => Err(unexpected(&other)),
        }
    }

    /// Drops the model and its checkpoint.
    pub async fn clear(&mut self) -> Result<(), Failure> {
        self.call(Command::Clear).await.map(drop)
    }

    /// Applies `setup`'s training settings without a reset.
    pub async fn retune(&mut self, setup: Setup) -> Result<(), Failure> {
        self.call(Command::Retune(setup)).await.map(drop)
    }

    /// Trains for about `budget_ms` (at most `max_updates` updates) and reads the statistics.
    pub async fn train(&mut self, budget_ms: f64, max_updates: usize) -> Result<Trained, Failure> {
        let command = Command::Train {
            budget_ms,
            max_updates: u32::try_from(max_updates).unwrap_or(u32::MAX),
        };
        match self.call(command).await? {
            Reply::Trained(trained) => Ok(trained),
            other => Err(unexpected(&other)),
        }
    }

    /// One manual update, and its statistics.
    pub async fn single(&mut self, what: Single) -> Result<StepValues, Failure> {
        match self.call(Command::Single(what)).await? {
            Reply::Stats(values) => Ok(values),
            other => Err(unexpected(&other)),
        }
    }

    /// What a frame shows.
    pub async fn frame(&mut self, wanted: Wanted) -> Result<Frame, Failure> {
        match self.call(Command::Frame(wanted)).await? {
            Reply::Frame(frame) => Ok(*frame),
            other => Err(unexpected(&other)),
        }
    }

    /// What the generators make of a drawing on the pad (`28²` values in [0, 1]): Pix2Pix's
    /// G, `28²` values; CycleGAN's G then F, `2 × 28²`.
    pub async fn translate(&mut self, drawing: Vec<f32>) -> Result<Vec<f32>, Failure> {
        match self.call(Command::Translate(drawing)).await? {
            Reply::Translated(values) => Ok(values),
            other => Err(unexpected(&other)),
        }
    }

    /// One D and one G update, every phase measured.
    pub async fn explain(&mut self) -> Result<Explanation, Failure> {
        match self.call(Command::Explain).await? {
            Reply::Walkthrough(walk) => Ok(walk),
            other => Err(unexpected(&other)),
        }
    }

    /// The model's parts, for a link or a file.
    pub async fn snapshot(&mut self, parts: SnapshotParts) -> Result<Snapshot, Failure> {
        match self.call(Command::Snapshot(parts)).await? {
            Reply::Snapshot(snapshot) => Ok(*snapshot),
            other => Err(unexpected(&other)),
        }
    }

    /// A checkpoint of the whole run when one is due (see [`Command::Checkpoint`]).
    pub async fn checkpoint(
        &mut self,
        older_than_ms: Option<f64>,
    ) -> Result<Option<Snapshot>, Failure> {
        match self.call(Command::Checkpoint { older_than_ms }).await? {
            Reply::Checkpoint(snapshot) => Ok(snapshot.map(|s| *s)),
            other => Err(unexpected(&other)),
        }
    }

    /// The GPU stopped: the run goes on on the CPU.
    pub async fn lose_gpu(&mut self) -> Moved {
        match self.call(Command::LoseGpu).await {
            Ok(Reply::Moved(moved)) => moved,
            Ok(other) => Moved::Failed(unexpected(&other).to_string()),
            Err(failure) => Moved::Failed(failure.to_string()),
        }
    }

    /// Compiles the GPU kernels of the model just built on a throwaway copy, without holding
    /// up anything else the session does: the returned future runs the warm-up in the page,
    /// or waits for the worker's answer (the worker serves other commands meanwhile). `None`
    /// when it is plain that none is needed.
    pub fn warm_up(&mut self) -> Option<WarmingUp> {
        match &mut self.end {
            End::Page(session) => {
                let job = session.warm_up()?;
                Some(Box::pin(async move {
                    job.run()
                        .await
                        .map(Some)
                        .map_err(|e: SessionError| Failure::from(e))
                }))
            }
            End::Worker(remote) => {
                let remote = Rc::clone(remote);
                Some(Box::pin(async move {
                    let (id, _) = remote.send(Command::WarmUp).map_err(|e| stopped(&e))?;
                    let (response, _) = remote.reply(id).await.map_err(|e| stopped(&e))?;
                    match response.reply {
                        Reply::WarmedUp(ms) => Ok(ms),
                        Reply::Failed(failure) => Err(failure),
                        other => Err(unexpected(&other)),
                    }
                }))
            }
        }
    }
}
