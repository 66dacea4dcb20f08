//! The one owner of a training run: the trainer, what it trains on, its last good
//! checkpoints and the devices it may run on. The page (or a worker) holds one [`Session`] and
//! asks it for everything: build a model, train for a time budget, read a frame, take a
//! checkpoint, roll back, move to the CPU when the GPU stops. Nothing else holds the trainer,
//! so nothing has to lend it out and take it back.

use std::rc::Rc;

use burn::tensor::Device;
use ganvas_engine::Error;
use ganvas_engine::snapshot::{Snapshot, SnapshotParts};
use ganvas_engine::training::{StepStats, StepValues};
use serde::{Deserialize, Serialize};

use crate::DeviceChoice;
use crate::images::ImageBundle;
use crate::pace::Timing;
use crate::setup::Setup;
use crate::trainer::Explanation;
use crate::trainer::{Frame, Single, Trainer, Wanted};

/// Why the session could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Nothing was built yet (or the last build failed).
    #[error("there is no model yet")]
    NoModel,
    /// A rollback was asked for before any checkpoint.
    #[error("no checkpoint of this model was taken yet")]
    NoCheckpoint,
    /// The engine refused or failed.
    #[error(transparent)]
    Engine(#[from] Error),
}

impl SessionError {
    /// Why the GPU stopped, when that is what went wrong.
    pub fn device_lost(&self) -> Option<&str> {
        match self {
            SessionError::Engine(Error::DeviceLost(why)) => Some(why),
            _ => None,
        }
    }
}

/// A session's outcome.
pub type Result<T> = std::result::Result<T, SessionError>;

/// What a model trains on: kept to rebuild it (a rollback, another device).
#[derive(Clone, Debug)]
pub struct Basis {
    /// The settings: data, model, training.
    pub setup: Setup,
    /// A fixed plot area (hand-drawn points); `None`: fitted to the data.
    pub bounds: Option<[f32; 4]>,
    /// The loaded image set (image GANs).
    pub images: Option<Rc<ImageBundle>>,
}

/// A model was built: what the page shows before any frame.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Built {
    /// Its step (0 for a fresh model).
    pub step: u64,
    /// The real points and plot area (2D GANs).
    pub scene: Option<(Vec<[f32; 2]>, [f32; 4])>,
}

/// What a chunk of training did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Trained {
    /// `steps` whole steps, and the mean statistics of the steps read (`None`: no step
    /// finished in this chunk).
    Steps {
        /// Whole steps completed.
        steps: usize,
        /// Their mean statistics.
        mean: Option<StepValues>,
    },
    /// A statistic was NaN or infinite: the run was rolled back (or could not be).
    Diverged {
        /// The step where it diverged.
        at: u64,
        /// The statistics that diverged.
        values: StepValues,
        /// The step of a checkpoint dropped: the run had been rolled back to it and diverged
        /// again before a newer one was taken, so it was no good (see [`Session::train`]).
        dropped: Option<u64>,
        /// The step rolled back to, or why there was none.
        back: std::result::Result<u64, String>,
    },
}

/// The devices a session has, as the page shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    /// Whether a GPU is there.
    pub gpu: bool,
    /// Why not, in the browser's words, when it is not.
    pub problem: Option<String>,
}

/// Where training went on when the GPU stopped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Moved {
    /// From the last checkpoint, at this step.
    Restored(Built),
    /// Nothing was checkpointed: a fresh model was built on the CPU.
    Fresh(Built),
    /// Nothing could be built on the CPU.
    Failed(String),
}

/// How many checkpoints a session keeps: the run's first and the newest others. A checkpoint
/// passes its checks while the weights are finite and at most 1e12 in size, so one taken while
/// they blow up can still be past saving; the older ones are what a rollback falls back on then.
pub const KEPT_CHECKPOINTS: usize = 3;

/// A good state of the run.
struct Checkpoint {
    snapshot: Snapshot,
    /// When it was taken or last rolled back to, in the session clock's milliseconds: the
    /// next one is due an interval after either.
    taken_ms: f64,
}

/// The training run and everything it needs.
pub struct Session {
    cpu: Device,
    gpu: Option<Device>,
    choice: DeviceChoice,
    trainer: Option<Trainer>,
    basis: Option<Basis>,
    /// Oldest first, at most [`KEPT_CHECKPOINTS`].
    checkpoints: Vec<Checkpoint>,
    /// The model was rebuilt from the newest checkpoint and no newer one was taken since: if
    /// it diverges, that checkpoint was no good.
    on_trial: bool,
    /// The model is still the newest checkpoint's, untrained since the rollback.
    unchanged: bool,
    clock: fn() -> f64,
    /// The settings whose kernels a warm-up compiled on the GPU (see [`Session::warm_up`]).
    warmed: Vec<String>,
    /// The training set held for image models built through the protocol
    /// ([`crate::protocol::Command::Images`]).
    images: Option<Rc<ImageBundle>>,
    /// Why there is no GPU, in the browser's words, when there is none.
    gpu_problem: Option<String>,
}

/// A throwaway copy of the model on the GPU, to compile its kernels before the first click
/// (see [`Session::warm_up`]). It holds nothing of the session's: it runs while the session
/// serves others, and training may start before it ends.
pub struct WarmUp {
    basis: Basis,
    device: Device,
    clock: fn() -> f64,
}

impl WarmUp {
    /// Builds a throwaway model on the same settings and device, trains it one whole step and
    /// reads one frame of every view: the GPU compiles every kernel a step and a frame use
    /// (and fusion plans its fused ones), so the real model's first step after Train finds
    /// them ready. Returns the milliseconds it took; the session's model is not touched.
    pub async fn run(self) -> Result<f64> {
        let start = (self.clock)();
        let mut trainer = Trainer::new(
            &self.basis.setup,
            &self.device,
            self.basis.bounds,
            self.basis.images.as_deref(),
        )?;
        trainer.train_steps(1);
        trainer.read_stats().await?;
        trainer.frame(Wanted::everything()).await?;
        Ok((self.clock)() - start)
    }
}

impl Session {
    /// A session with no model yet, on the GPU when there is one. `clock` gives milliseconds
    /// (time budgets, checkpoint ages).
    pub fn new(cpu: Device, gpu: Option<Device>, clock: fn() -> f64) -> Self {
        let choice = if gpu.is_some() {
            DeviceChoice::Gpu
        } else {
            DeviceChoice::Cpu
        };
        Session {
            cpu,
            gpu,
            choice,
            trainer: None,
            basis: None,
            checkpoints: Vec::new(),
            on_trial: false,
            unchanged: false,
            clock,
            warmed: Vec::new(),
            images: None,
            gpu_problem: None,
        }
    }

    /// Records why there is no GPU (what the device set-up said), for the page to show.
    pub fn set_gpu_problem(&mut self, problem: Option<String>) {
        self.gpu_problem = problem;
    }

    /// The devices, as the page shows them.
    pub fn devices(&self) -> DeviceInfo {
        DeviceInfo {
            gpu: self.gpu.is_some(),
            problem: self.gpu_problem.clone(),
        }
    }

    /// Times `setup` on both devices (on the image set held, for an image model): the
    /// faster one. Without a GPU, the CPU, untimed.
    pub async fn time(&self, setup: &Setup) -> Timing {
        let Some(gpu) = &self.gpu else {
            return Timing {
                choice: DeviceChoice::Cpu,
                gpu: 0.0,
                cpu: 0.0,
            };
        };
        let images = if setup.is_images() {
            self.images.clone()
        } else {
            None
        };
        crate::pace::faster(setup, gpu, &self.cpu, images.as_deref(), self.clock).await
    }

    /// Holds `images` for the image models the protocol builds (`None` forgets them).
    pub fn set_images(&mut self, images: Option<Rc<ImageBundle>>) {
        self.images = images;
    }

    /// The training set held for image models, if any.
    pub fn images(&self) -> Option<Rc<ImageBundle>> {
        self.images.clone()
    }

    /// The device models are built on.
    pub fn device_choice(&self) -> DeviceChoice {
        self.choice
    }

    /// Builds the next models on `choice` (the current one stays where it is). False, and
    /// nothing changes, when that device is not there.
    pub fn choose_device(&mut self, choice: DeviceChoice) -> bool {
        if choice == DeviceChoice::Gpu && self.gpu.is_none() {
            return false;
        }
        self.choice = choice;
        true
    }

    fn device(&self) -> Device {
        match (self.choice, &self.gpu) {
            (DeviceChoice::Gpu, Some(gpu)) => gpu.clone(),
            _ => self.cpu.clone(),
        }
    }

    /// The model, if there is one.
    pub fn trainer(&self) -> Option<&Trainer> {
        self.trainer.as_ref()
    }

    /// The model's step count (0 without one).
    pub fn step(&self) -> u64 {
        self.trainer.as_ref().map_or(0, Trainer::step_count)
    }

    fn trainer_mut(&mut self) -> Result<&mut Trainer> {
        self.trainer.as_mut().ok_or(SessionError::NoModel)
    }

    /// Replaces the model with a fresh one on `basis`. On failure there is no model.
    pub fn build(&mut self, basis: Basis) -> Result<Built> {
        self.clear();
        let trainer = Trainer::new(
            &basis.setup,
            &self.device(),
            basis.bounds,
            basis.images.as_deref(),
        )?;
        Ok(self.keep(trainer, basis))
    }

    /// Replaces the model with `snapshot` (a shared or saved run), to train on `basis`.
    /// Nothing changes unless the whole model loads.
    pub fn open(&mut self, snapshot: &Snapshot, basis: Basis) -> Result<Built> {
        let trainer = Trainer::from_snapshot(
            snapshot,
            &basis.setup,
            &self.device(),
            basis.bounds,
            basis.images.as_deref(),
        )?;
        self.clear();
        Ok(self.keep(trainer, basis))
    }

    fn keep(&mut self, trainer: Trainer, basis: Basis) -> Built {
        let built = Built {
            step: trainer.step_count(),
            scene: trainer.points_scene(),
        };
        self.trainer = Some(trainer);
        self.basis = Some(basis);
        built
    }

    /// A warm-up for the model just built, when it is on the GPU and nothing with the same
    /// settings was warmed up before (its kernels are compiled once per device). On a GPU the
    /// first step compiles every kernel a step uses: tens of them, from a fraction of a second
    /// on a real GPU to half a minute on a software one. Run while the user reads the page,
    /// it moves that wait from the click to the page's first seconds.
    pub fn warm_up(&mut self) -> Option<WarmUp> {
        let (Some(basis), Some(gpu), Some(_)) = (&self.basis, &self.gpu, &self.trainer) else {
            return None;
        };
        if self.choice != DeviceChoice::Gpu {
            return None;
        }
        let key = format!("{:?}", basis.setup);
        if self.warmed.contains(&key) {
            return None;
        }
        self.warmed.push(key);
        Some(WarmUp {
            basis: basis.clone(),
            device: gpu.clone(),
            clock: self.clock,
        })
    }

    /// Drops the model (and its checkpoints).
    pub fn clear(&mut self) {
        self.trainer = None;
        self.basis = None;
        self.checkpoints.clear();
        self.on_trial = false;
        self.unchanged = false;
    }

    /// Applies `setup`'s training settings to the model without a reset (and to what a
    /// rollback rebuilds). Settings the engine refuses change nothing.
    pub fn retune(&mut self, setup: &Setup) -> Result<()> {
        self.trainer_mut()?.retune(setup)?;
        if let Some(basis) = self.basis.as_mut() {
            basis.setup.train = setup.train.clone();
        }
        Ok(())
    }

    /// Trains for about `budget_ms` (at most `max_updates` single updates, at least one) and
    /// reads the statistics. Diverged statistics roll the run back to its newest checkpoint;
    /// when the run had been rolled back to that one already and diverged again before a
    /// newer one was taken (its weights were finite but past saving, whatever the rate), it is
    /// dropped and the run goes back to the one before it.
    pub async fn train(&mut self, budget_ms: f64, max_updates: usize) -> Result<Trained> {
        let clock = self.clock;
        let trainer = self.trainer_mut()?;
        let steps = trainer.run_for(budget_ms, max_updates, clock);
        self.unchanged = false;
        let trainer = self.trainer_mut()?;
        match trainer.read_stats().await? {
            Some(values) if !values.is_finite() => {
                let at = trainer.step_count();
                let dropped = if self.on_trial && self.checkpoints.len() > 1 {
                    self.checkpoints.pop().map(|c| c.snapshot.step)
                } else {
                    None
                };
                let back = self.roll_back().map_err(|e| e.to_string());
                Ok(Trained::Diverged {
                    at,
                    values,
                    dropped,
                    back,
                })
            }
            mean => Ok(Trained::Steps { steps, mean }),
        }
    }

    /// Queues `n` whole steps (benchmarks); their statistics go into the next read.
    pub fn train_steps(&mut self, n: usize) -> Result<()> {
        self.trainer_mut()?.train_steps(n);
        self.unchanged = false;
        Ok(())
    }

    /// One manual update; its statistics are read by the caller.
    pub fn single(&mut self, what: Single) -> Result<StepStats> {
        let stats = self.trainer_mut()?.single(what)?;
        self.unchanged = false;
        Ok(stats)
    }

    /// What the generators make of a drawing on the pad (`28²` values in [0, 1], 1 where
    /// drawn): Pix2Pix's G, `28²` values; CycleGAN's G then F, `2 × 28²`.
    pub async fn translate(&self, drawing: &[f32]) -> Result<Vec<f32>> {
        Ok(self
            .trainer
            .as_ref()
            .ok_or(SessionError::NoModel)?
            .translate(drawing)
            .await?)
    }

    /// Reads what a frame shows.
    pub async fn frame(&mut self, wanted: Wanted) -> Result<Frame> {
        Ok(self.trainer_mut()?.frame(wanted).await?)
    }

    /// One D and one G update, every phase measured (2D GANs).
    pub async fn explain(&mut self) -> Result<Explanation> {
        self.unchanged = false;
        Ok(self.trainer_mut()?.explain().await?)
    }

    /// Reads the model's `parts` to the host.
    pub async fn snapshot(&self, parts: SnapshotParts) -> Result<Snapshot> {
        let trainer = self.trainer.as_ref().ok_or(SessionError::NoModel)?;
        Ok(trainer.snapshot(parts).await?)
    }

    /// Whether a checkpoint is due: the model has none yet, or the newest was taken (or
    /// rolled back to) `interval_ms` ago.
    pub fn checkpoint_due(&self, interval_ms: f64) -> bool {
        self.trainer.is_some()
            && self
                .checkpoints
                .last()
                .is_none_or(|c| (self.clock)() - c.taken_ms >= interval_ms)
    }

    /// The step of the newest checkpoint held, if any.
    pub fn checkpoint_step(&self) -> Option<u64> {
        self.checkpoints.last().map(|c| c.snapshot.step)
    }

    /// The steps of the checkpoints held, oldest first.
    pub fn checkpoint_steps(&self) -> Vec<u64> {
        self.checkpoints.iter().map(|c| c.snapshot.step).collect()
    }

    /// Takes a checkpoint of the whole run and keeps it if it passes every check a file from
    /// outside passes (finite, sane weights that fit the configuration); otherwise the last
    /// good ones stay and the error says why. Returns it, for the page to store. A model still
    /// as a rollback left it is the newest checkpoint's own: it is returned, not kept twice.
    /// When [`KEPT_CHECKPOINTS`] are held, the second oldest makes room (the run's first stays).
    pub async fn checkpoint(&mut self) -> Result<Snapshot> {
        let snapshot = self.snapshot(SnapshotParts::ALL).await?;
        match snapshot.kind.as_deref() {
            Some(ganvas_engine::snapshot::CYCLEGAN) => {
                snapshot.cyclegan_config()?;
            }
            Some(_) => {
                snapshot.pix2pix_config()?;
            }
            None => {
                snapshot.checked_config()?;
            }
        }
        if self.unchanged {
            return Ok(snapshot);
        }
        if self.checkpoints.len() >= KEPT_CHECKPOINTS {
            self.checkpoints.remove(1);
        }
        self.checkpoints.push(Checkpoint {
            snapshot: snapshot.clone(),
            taken_ms: (self.clock)(),
        });
        self.on_trial = false;
        Ok(snapshot)
    }

    /// Rebuilds the model from its newest checkpoint, on the current device, with the
    /// training settings last given (a lower learning rate set after a divergence applies).
    /// Returns the step it went back to; on failure the model stays as it was. The next
    /// checkpoint is due an interval from now.
    pub fn roll_back(&mut self) -> Result<u64> {
        let snapshot = self
            .checkpoints
            .last()
            .map(|c| c.snapshot.clone())
            .ok_or(SessionError::NoCheckpoint)?;
        let basis = self.basis.clone().ok_or(SessionError::NoModel)?;
        let mut restored = Trainer::from_snapshot(
            &snapshot,
            &basis.setup,
            &self.device(),
            basis.bounds,
            basis.images.as_deref(),
        )?;
        // Settings the engine refuses leave the checkpoint's own.
        let _ = restored.retune(&basis.setup);
        let step = restored.step_count();
        self.trainer = Some(restored);
        if let Some(newest) = self.checkpoints.last_mut() {
            newest.taken_ms = (self.clock)();
        }
        self.on_trial = true;
        self.unchanged = true;
        Ok(step)
    }

    /// The GPU stopped: it is forgotten, and the run goes on on the CPU from its checkpoint
    /// (a fresh model when nothing was checkpointed).
    pub fn lose_gpu(&mut self) -> Moved {
        self.gpu = None;
        self.choice = DeviceChoice::Cpu;
        if !self.checkpoints.is_empty()
            && let Ok(step) = self.roll_back()
        {
            let scene = self.trainer.as_ref().and_then(Trainer::points_scene);
            return Moved::Restored(Built { step, scene });
        }
        let Some(basis) = self.basis.clone() else {
            self.clear();
            return Moved::Failed("there was no model to move".into());
        };
        match self.build(basis) {
            Ok(built) => Moved::Fresh(built),
            Err(e) => Moved::Failed(e.to_string()),
        }
    }
}
