//! What a page asks of the session that owns the run, and what the session answers: the
//! protocol between the page and the training worker (issue 12), as plain data.
//!
//! Every [`Session`] method the page uses is a [`Command`]; each [`Request`] carries one, with
//! a number the sender gives it, and gets one [`Response`] with the same number, the model's
//! step and the [`Reply`]. A page that resets while a request is out drops the replies to the
//! requests it no longer wants (by number), as the page's `Owner` does today.
//!
//! Both ends run the same module, so a message crosses as bytes: [`encode`] writes CBOR (the
//! `ciborium` crate, which Burn's fusion already puts in the module), and the large float
//! arrays of a frame (points, heatmap, image grids) go as one byte string each, their
//! little-endian `f32`s ([`bulk`]): a frame is one buffer that the browser *transfers* to the
//! other thread without copying, and decoding it is a copy, not a walk over JavaScript
//! objects. The same bytes are checked natively (`tests/protocol.rs`).

use std::rc::Rc;

use ganvas_engine::snapshot::{Snapshot, SnapshotParts};
use ganvas_engine::training::StepValues;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::DeviceChoice;
use crate::images::ImageBundle;
use crate::pace::Timing;
use crate::session::{Basis, Built, DeviceInfo, Moved, Session, SessionError, Trained};
use crate::setup::Setup;
use crate::trainer::{Explanation, Frame, Single, Wanted};

/// A command, numbered by its sender.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The sender's number for it (increasing; the reply carries it back).
    pub id: u64,
    /// What to do.
    pub command: Command,
}

/// The answer to one [`Request`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The request's number.
    pub id: u64,
    /// The model's step after the command (0 without a model).
    pub step: u64,
    /// Whether there is a model after the command.
    pub model: bool,
    /// What came of it.
    pub reply: Reply,
}

/// What the page asks of the session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// What devices the session has. [`Reply::Devices`].
    Devices,
    /// Times a setup on both devices (on the images held, for an image model).
    /// [`Reply::Timed`].
    Time(Setup),
    /// The training set that image models are built on from now on (the page loads it once;
    /// `None` forgets it). Replies [`Reply::Done`].
    Images(Option<Rc<ImageBundle>>),
    /// Builds the next models on this device. [`Reply::Done`], or [`Reply::Refused`] when the
    /// device is not there.
    ChooseDevice(DeviceChoice),
    /// Replaces the model with a fresh one. [`Reply::Built`].
    Build {
        /// The settings.
        setup: Setup,
        /// A fixed plot area (hand-drawn points); `None`: fitted to the data.
        bounds: Option<[f32; 4]>,
    },
    /// Replaces the model with a shared or saved run, to train on `setup`'s data; nothing
    /// changes unless it loads whole. [`Reply::Built`].
    Open {
        /// The run.
        snapshot: Box<Snapshot>,
        /// The data and the settings not in the run.
        setup: Setup,
        /// As for [`Command::Build`].
        bounds: Option<[f32; 4]>,
    },
    /// Drops the model and its checkpoint. [`Reply::Done`].
    Clear,
    /// Applies `setup`'s training settings without a reset. [`Reply::Done`].
    Retune(Setup),
    /// Trains for about `budget_ms` (at most `max_updates` single updates) and reads the
    /// statistics. [`Reply::Trained`].
    Train {
        /// Milliseconds of training.
        budget_ms: f64,
        /// Most single updates.
        max_updates: u32,
    },
    /// One manual update. [`Reply::Stats`] (its statistics).
    Single(Single),
    /// What a frame shows. [`Reply::Frame`].
    Frame(Wanted),
    /// What the generators make of a drawing on the pad, `28²` values in [0, 1] (1 where
    /// drawn). [`Reply::Translated`].
    Translate(#[serde(with = "bulk::floats")] Vec<f32>),
    /// One D and one G update, every phase measured. [`Reply::Walkthrough`].
    Explain,
    /// The model's parts, for a link or a file. [`Reply::Snapshot`].
    Snapshot(SnapshotParts),
    /// Takes a checkpoint of the whole run when one is due: `Some(ms)`, when the model has
    /// none yet or the last is that old; `None` (on pausing), when the last is not of the
    /// current step. [`Reply::Checkpoint`], with the run for the page to store.
    Checkpoint {
        /// The interval, or `None` for "unless it is of this step".
        older_than_ms: Option<f64>,
    },
    /// Rebuilds the model from its checkpoint. [`Reply::RolledBack`].
    RollBack,
    /// The GPU stopped: go on on the CPU. [`Reply::Moved`].
    LoseGpu,
    /// Compiles the GPU kernels of the model just built on a throwaway copy, when it needs it.
    /// [`Reply::WarmedUp`].
    WarmUp,
}

/// What the session answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// Done; nothing to report.
    Done,
    /// Not done, and why (nothing changed).
    Refused(String),
    /// The session's devices.
    Devices(DeviceInfo),
    /// Both devices timed.
    Timed(Timing),
    /// A model was built or opened.
    Built(Built),
    /// A chunk of training.
    Trained(Trained),
    /// One update's statistics.
    Stats(StepValues),
    /// A frame.
    Frame(Box<Frame>),
    /// The generators' outputs for the drawing, in the drawing's units: Pix2Pix's G, `28²`
    /// values; CycleGAN's G (the drawing as class A) then F (as class B), `2 × 28²`.
    Translated(#[serde(with = "bulk::floats")] Vec<f32>),
    /// The explain mode's measurements.
    Walkthrough(Explanation),
    /// The parts asked for.
    Snapshot(Box<Snapshot>),
    /// The checkpoint taken, or `None` when none was due.
    Checkpoint(Option<Box<Snapshot>>),
    /// The step the run went back to.
    RolledBack(u64),
    /// Where training went on after the GPU stopped.
    Moved(Moved),
    /// Milliseconds the warm-up took, or `None` when none was needed.
    WarmedUp(Option<f64>),
    /// The command failed.
    Failed(Failure),
}

/// Why a command failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum Failure {
    /// There is no model.
    #[error("there is no model yet")]
    NoModel,
    /// No checkpoint was taken yet.
    #[error("no checkpoint of this model was taken yet")]
    NoCheckpoint,
    /// The GPU stopped (the page moves the run to the CPU with [`Command::LoseGpu`]).
    #[error("the GPU stopped: {0}")]
    DeviceLost(String),
    /// The engine refused or failed, in words.
    #[error("{0}")]
    Engine(String),
}

impl From<SessionError> for Failure {
    fn from(error: SessionError) -> Self {
        match error {
            SessionError::NoModel => Failure::NoModel,
            SessionError::NoCheckpoint => Failure::NoCheckpoint,
            error @ SessionError::Engine(_) => match error.device_lost() {
                Some(why) => Failure::DeviceLost(why.to_string()),
                None => Failure::Engine(error.to_string()),
            },
        }
    }
}

/// A message that could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("a message between the page and the training worker {0}")]
pub struct ProtocolError(String);

/// A message as bytes.
pub fn encode<T: Serialize>(message: &T) -> Result<Vec<u8>, ProtocolError> {
    let mut bytes = Vec::new();
    ciborium::into_writer(message, &mut bytes)
        .map_err(|e| ProtocolError(format!("could not be written: {e}")))?;
    Ok(bytes)
}

/// A message from bytes.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ProtocolError> {
    ciborium::from_reader(bytes).map_err(|e| ProtocolError(format!("could not be read: {e}")))
}

impl Session {
    /// Carries out one request.
    pub async fn serve(&mut self, request: Request) -> Response {
        let reply = self.carry_out(request.command).await;
        Response {
            id: request.id,
            step: self.step(),
            model: self.trainer().is_some(),
            reply,
        }
    }

    async fn carry_out(&mut self, command: Command) -> Reply {
        let outcome = match command {
            Command::Devices => Ok(Reply::Devices(self.devices())),
            Command::Time(setup) => Ok(Reply::Timed(self.time(&setup).await)),
            Command::Images(images) => {
                self.set_images(images);
                Ok(Reply::Done)
            }
            Command::ChooseDevice(choice) => Ok(if self.choose_device(choice) {
                Reply::Done
            } else {
                Reply::Refused("there is no GPU to train on here".into())
            }),
            Command::Build { setup, bounds } => {
                let basis = self.basis(setup, bounds);
                self.build(basis).map(Reply::Built)
            }
            Command::Open {
                snapshot,
                setup,
                bounds,
            } => {
                let basis = self.basis(setup, bounds);
                self.open(&snapshot, basis).map(Reply::Built)
            }
            Command::Clear => {
                self.clear();
                Ok(Reply::Done)
            }
            Command::Retune(setup) => self.retune(&setup).map(|()| Reply::Done),
            Command::Train {
                budget_ms,
                max_updates,
            } => self
                .train(budget_ms, max_updates as usize)
                .await
                .map(Reply::Trained),
            Command::Single(what) => match self.single(what) {
                Ok(stats) => stats
                    .read()
                    .await
                    .map(Reply::Stats)
                    .map_err(SessionError::from),
                Err(e) => Err(e),
            },
            Command::Frame(wanted) => self
                .frame(wanted)
                .await
                .map(|frame| Reply::Frame(Box::new(frame))),
            Command::Translate(drawing) => self.translate(&drawing).await.map(Reply::Translated),
            Command::Explain => self.explain().await.map(Reply::Walkthrough),
            Command::Snapshot(parts) => self
                .snapshot(parts)
                .await
                .map(|snapshot| Reply::Snapshot(Box::new(snapshot))),
            Command::Checkpoint { older_than_ms } => {
                let due = match older_than_ms {
                    Some(ms) => self.checkpoint_due(ms),
                    None => self.trainer().is_some() && self.checkpoint_step() != Some(self.step()),
                };
                if due {
                    self.checkpoint()
                        .await
                        .map(|snapshot| Reply::Checkpoint(Some(Box::new(snapshot))))
                } else {
                    Ok(Reply::Checkpoint(None))
                }
            }
            Command::RollBack => self.roll_back().map(Reply::RolledBack),
            Command::LoseGpu => Ok(Reply::Moved(self.lose_gpu())),
            Command::WarmUp => match self.warm_up() {
                Some(job) => job.run().await.map(|ms| Reply::WarmedUp(Some(ms))),
                None => Ok(Reply::WarmedUp(None)),
            },
        };
        outcome.unwrap_or_else(|e| Reply::Failed(e.into()))
    }

    /// What a model on `setup` trains on: the images held, for an image model.
    fn basis(&self, setup: Setup, bounds: Option<[f32; 4]>) -> Basis {
        let images = if setup.is_images() {
            self.images()
        } else {
            None
        };
        Basis {
            setup,
            bounds,
            images,
        }
    }
}

/// Large float arrays as one byte string of little-endian `f32`s (for `#[serde(with)]`):
/// in CBOR, 4 bytes a value written and read as a block, rather than a tagged item each.
/// A format without byte strings (JSON) reads them from a list of bytes.
pub mod bulk {
    use std::fmt;
    use std::sync::Arc;

    use serde::de::{Error, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};

    fn bytes(values: impl Iterator<Item = f32>) -> Vec<u8> {
        values.flat_map(f32::to_le_bytes).collect()
    }

    /// The values of a byte string, four bytes each.
    fn values<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f32>, D::Error> {
        // `byte_buf`: a reader such as ciborium's reads a long byte string only as a buffer.
        let bytes = deserializer.deserialize_byte_buf(Bytes)?;
        if bytes.len() % 4 != 0 {
            return Err(D::Error::custom(format!(
                "{} bytes are not a whole number of f32s",
                bytes.len()
            )));
        }
        Ok(bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }

    struct Bytes;

    impl<'de> Visitor<'de> for Bytes {
        type Value = Vec<u8>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a byte string of little-endian f32s")
        }

        fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }

        fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut bytes = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
            while let Some(b) = seq.next_element()? {
                bytes.push(b);
            }
            Ok(bytes)
        }
    }

    /// `Vec<f32>`.
    pub mod floats {
        use super::{Deserializer, Serializer};

        /// Writes the values.
        pub fn serialize<S: Serializer>(values: &[f32], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(&super::bytes(values.iter().copied()))
        }

        /// Reads them back.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f32>, D::Error> {
            super::values(d)
        }
    }

    /// `Arc<[f32]>` (what several frames share).
    pub mod shared_floats {
        use super::{Arc, Deserializer, Serializer};

        /// Writes the values.
        pub fn serialize<S: Serializer>(values: &[f32], s: S) -> Result<S::Ok, S::Error> {
            super::floats::serialize(values, s)
        }

        /// Reads them back.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<[f32]>, D::Error> {
            super::values(d).map(Arc::from)
        }
    }

    /// `Vec<[f32; 2]>`: points, x then y.
    pub mod points {
        use super::{Deserializer, Serializer};

        /// Writes the points.
        pub fn serialize<S: Serializer>(points: &[[f32; 2]], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(&super::bytes(points.iter().flatten().copied()))
        }

        /// Reads them back (an odd number of values is refused).
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<[f32; 2]>, D::Error> {
            use serde::de::Error;
            let values = super::values(d)?;
            if values.len() % 2 != 0 {
                return Err(D::Error::custom("an odd number of coordinates"));
            }
            Ok(values.chunks_exact(2).map(|p| [p[0], p[1]]).collect())
        }
    }
}
