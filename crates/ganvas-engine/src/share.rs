//! Snapshots to and from GANvas's share format (links and `.ganvas` files, see
//! [`ganvas_share`]).

use ganvas_share::{Limits, ModelLink, ModelPayload, Precision};

use crate::error::{Error, Result};
use crate::optim::OptimizerKind;
use crate::snapshot::{OptimizerValues, Snapshot, TensorValues};
use crate::training::GanConfig;

/// A shared model that passed every check and can be built ([`crate::training::Gan::from_snapshot`]).
#[derive(Debug)]
pub struct Opened {
    /// Its parameters.
    pub snapshot: Snapshot,
    /// Its validated configuration.
    pub config: GanConfig,
    /// The app's settings it carries (empty for a link).
    pub settings: String,
}

/// Opens the text of a model link (what follows `m=`): decoded within [`Limits::LINK`], its
/// configuration validated and its tensors checked against it, before anything is built.
pub fn open_link(text: &str) -> Result<Opened> {
    let link: ModelLink = text.parse()?;
    opened(link.payload()?)
}

/// Opens a `.ganvas` file's bytes, as [`open_link`] does within [`Limits::FILE`].
pub fn open_file(bytes: &[u8]) -> Result<Opened> {
    opened(ganvas_share::decode_with(bytes, &Limits::FILE)?)
}

fn opened(mut payload: ModelPayload) -> Result<Opened> {
    let settings = std::mem::take(&mut payload.settings);
    let snapshot = Snapshot::from_payload(payload)?;
    let config = snapshot.checked_config()?;
    Ok(Opened {
        snapshot,
        config,
        settings,
    })
}

/// Generators up to this many values go in links as `f16`, larger ones at 6 or 8 bits per
/// value.
pub const SMALL_GENERATOR: usize = 50_000;

/// The precision a link uses by default for a generator of these tensors (CycleGAN: both
/// generators): the smallest that keeps samples visually the same (measured in the engine's
/// share tests). Small 2D generators use `f16`: 8 bits moved toy samples by 3.6 % of their
/// spread (a few pixels), `f16` by 0.1 %, and the link stays under 2 KB. Dense image
/// generators use 6 bits: no pixel moves by more than 0.5 % of the pixel range, and
/// `mnist-mlp` fits in 300 KB of link. Generators whose values are mostly in convolutions use
/// 8 bits, scaled per output channel (format version 4): `cyclegan-shoes`'s two generators then
/// move a translated pixel by 3 % of the range in 135 K characters, where 6 bits per output
/// channel moved one by 15 % and 6 bits per kernel row (the format before version 4) by 7 % in
/// 250 K characters. (The DCGANs' values are mostly in their first, dense layer.)
pub fn link_precision(generator: &[TensorValues]) -> Precision {
    let values: usize = generator.iter().map(|t| t.values.len()).sum();
    let in_convolutions: usize = generator
        .iter()
        .filter(|t| t.shape.len() >= 3)
        .map(|t| t.values.len())
        .sum();
    if values <= SMALL_GENERATOR {
        Precision::F16
    } else if 2 * in_convolutions > values {
        Precision::Quantized { bits: 8 }
    } else {
        Precision::Quantized { bits: 6 }
    }
}

fn to_share(tensors: &[TensorValues]) -> Vec<ganvas_share::TensorValues> {
    tensors
        .iter()
        .map(|t| ganvas_share::TensorValues {
            shape: t.shape.clone(),
            values: t.values.clone(),
        })
        .collect()
}

fn from_share(tensors: Vec<ganvas_share::TensorValues>) -> Vec<TensorValues> {
    tensors
        .into_iter()
        .map(|t| TensorValues {
            shape: t.shape,
            values: t.values,
        })
        .collect()
}

impl Snapshot {
    /// The snapshot in the share format's terms, with the app's `settings` (may be empty).
    pub fn to_payload(&self, settings: &str) -> ModelPayload {
        let optimizer = |o: &OptimizerValues| ganvas_share::OptimizerValues {
            kind: o.kind.name().to_string(),
            step: o.step,
            tensors: to_share(&o.tensors),
        };
        ModelPayload {
            kind: self.kind.clone(),
            config_json: self.config_json.clone(),
            settings: settings.to_string(),
            step: self.step,
            generator: to_share(&self.generator),
            averaged_generator: self.averaged_generator.as_deref().map(to_share),
            discriminator: self.discriminator.as_deref().map(to_share),
            optimizers: self
                .optimizers
                .as_ref()
                .map(|[g, d]| [optimizer(g), optimizer(d)]),
        }
    }

    /// A snapshot from a shared model (checked against its configuration when loaded).
    pub fn from_payload(payload: ModelPayload) -> Result<Self> {
        let optimizer = |o: ganvas_share::OptimizerValues| -> Result<OptimizerValues> {
            Ok(OptimizerValues {
                kind: OptimizerKind::from_name(&o.kind)
                    .ok_or_else(|| Error::Snapshot(format!("unknown optimiser “{}”", o.kind)))?,
                step: o.step,
                tensors: from_share(o.tensors),
            })
        };
        let optimizers = match payload.optimizers {
            Some([g, d]) => Some([optimizer(g)?, optimizer(d)?]),
            None => None,
        };
        Ok(Snapshot {
            kind: payload.kind,
            config_json: payload.config_json,
            step: payload.step,
            generator: from_share(payload.generator),
            averaged_generator: payload.averaged_generator.map(from_share),
            discriminator: payload.discriminator.map(from_share),
            optimizers,
        })
    }
}
