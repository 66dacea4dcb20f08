//! `ganvas train --model-out`: the trained GAN as a `.ganvas` file the page opens (the
//! page's "Start from a trained model" ships such files, built by `scripts/models.sh`).

use std::fs;

use anyhow::Context;
use futures_lite::future::block_on;
use ganvas_engine::snapshot::{Snapshot, SnapshotParts};
use ganvas_engine::training::Gan;
use serde_json::json;

use crate::TrainArgs;
use crate::quality::QualityProbe;

/// What a starting point holds: the generator the page shows (the averaged one, where the
/// preset keeps one) and D. Not the trained G beside its average: opened, G starts from the
/// average and the average from G (as good a G, and a third of the file saved). Not the
/// optimiser moments either (as large as the networks, rebuilt within a few hundred steps).
const PARTS: SnapshotParts = SnapshotParts {
    discriminator: true,
    optimizers: false,
    averaged_generator: false,
};

/// Writes `gan` to `args.model_out` at `args.precision` and describes the file: its size and,
/// for image GANs, the quality of the model as the page will load it (rounded to the
/// precision), so a precision that spoils the samples shows in the figures.
pub fn save(
    gan: &Gan,
    args: &TrainArgs,
    probe: Option<&QualityProbe>,
) -> anyhow::Result<Option<serde_json::Value>> {
    let Some((bytes, mut about)) = write(&block_on(gan.snapshot(PARTS))?, args)? else {
        return Ok(None);
    };
    if let Some(probe) = probe {
        let loaded = Snapshot::from_payload(ganvas_share::decode(&bytes)?)?;
        let device = gan.device().clone().inner();
        let mut reloaded = Gan::from_snapshot(&loaded, gan.data().clone(), &device)?;
        let reading = probe.measure(&mut reloaded)?;
        about["quality_as_loaded"] = probe.json(&reading);
    }
    Ok(Some(about))
}

/// Writes `snapshot` to `args.model_out` (if given) at `args.precision` with the page's
/// `args.settings`; returns the bytes written and the file's description for `metrics.json`.
pub fn write(
    snapshot: &Snapshot,
    args: &TrainArgs,
) -> anyhow::Result<Option<(Vec<u8>, serde_json::Value)>> {
    let Some(path) = &args.model_out else {
        return Ok(None);
    };
    let bytes = ganvas_share::encode(&snapshot.to_payload(&args.settings), args.precision)?;
    fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?;
    let about = json!({
        "file": path.display().to_string(),
        "bytes": bytes.len(),
        "precision": args.precision.to_string(),
        "settings": args.settings,
    });
    Ok(Some((bytes, about)))
}
