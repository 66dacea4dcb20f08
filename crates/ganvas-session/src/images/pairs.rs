//! Pix2Pix in a session: the pairs it learns from a loaded set, the fixed held-out rows its
//! view shows (input | output | target), what D says of them, the held-out score, and the
//! drawing pad's translation.

use std::sync::Arc;

use burn::tensor::{Device, Tensor, TensorData};
use ganvas_engine::data::pairs::crop;
use ganvas_engine::data::{ImagePairs, LineDrawing};
use ganvas_engine::metrics::class_hits;
use ganvas_engine::model::Classifier;
use ganvas_engine::training::Pix2Pix;
use ganvas_engine::training::gan::read_many;
use ganvas_engine::{Error, Result};
use serde::{Deserialize, Serialize};

use super::ImageBundle;
use super::drawing::{as_drawings, padded_drawing};
use crate::trainer::{Frame, Wanted};

/// Held-out pairs shown as rows of input | output | target.
pub const PAIR_ROWS: usize = 8;
/// Held-out pairs scored (L1 and the classifier) when a frame asks for a score.
pub const SCORED_PAIRS: usize = 128;
/// Black pixels added around each 28×28 image for the 32×32 U-Net.
pub const BORDER: usize = 2;

/// How G does on the held-out pairs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PairScore {
    /// The step it was measured at.
    pub step: u64,
    /// Pairs scored.
    pub pairs: usize,
    /// The loss's L1 term on them: per-image pixel sum of |target − output| (pixels in
    /// [−1, 1]), averaged.
    pub l1: f32,
    /// The same as a mean per pixel, in [0, 1] units (0: a perfect copy).
    pub pixel_error: f32,
    /// Share of outputs the classifier puts in their source image's class (`None`: no
    /// classifier fits these images).
    pub class_accuracy: Option<f32>,
    /// The same share for the targets themselves: the ceiling.
    pub target_accuracy: Option<f32>,
}

/// What the Pix2Pix view draws.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PairFrame {
    /// Image side in pixels (the border is cropped off).
    pub side: usize,
    /// What the inputs are: "edges" or "outlines".
    pub drawing: String,
    /// The held-out inputs, `PAIR_ROWS × side²`, pixels in [−1, 1] (shared: they never change).
    #[serde(with = "crate::protocol::bulk::shared_floats")]
    pub inputs: Arc<[f32]>,
    /// G's outputs for them (dropout on, as the tutorial generates).
    #[serde(with = "crate::protocol::bulk::floats")]
    pub outputs: Vec<f32>,
    /// The real images they were drawn from.
    #[serde(with = "crate::protocol::bulk::shared_floats")]
    pub targets: Arc<[f32]>,
    /// The class names of the rows' targets.
    pub row_classes: Vec<String>,
    /// The last held-out score, if one was asked for.
    pub score: Option<PairScore>,
}

/// The probes of a Pix2Pix run.
pub struct PairScene {
    /// The U-Net's side (28 + 2·BORDER).
    pub(super) side: usize,
    /// What the inputs are: "edges", "outlines" or (uploaded) "inputs".
    pub(super) drawing: &'static str,
    /// Held-out pairs scored.
    pub(super) count: usize,
    /// Held-out inputs `[SCORED_PAIRS, side²]`, padded, in [−1, 1], on the device without
    /// autodiff (uploaded once); the rows are the first.
    pub(super) input_tensor: Tensor<2>,
    /// Their targets, on the device without autodiff.
    pub(super) targets: Tensor<2>,
    /// Their classes (empty for unlabelled uploads).
    labels: Vec<u8>,
    shown_inputs: Arc<[f32]>,
    shown_targets: Arc<[f32]>,
    row_classes: Vec<String>,
    classifier: Option<Classifier>,
    /// The classifier's share for the targets, measured once.
    target_accuracy: Option<f32>,
    last_score: Option<PairScore>,
}

/// The pairs Pix2Pix learns from `bundle` (its training side, or the held-out one), padded
/// for the U-Net: the uploaded inputs when the bundle has them, else `drawing`s of its images.
pub fn bundle_pairs(
    bundle: &ImageBundle,
    drawing: LineDrawing,
    held_out: bool,
) -> Result<ImagePairs> {
    fn side(
        split: &ganvas_engine::data::SplitSet,
        held_out: bool,
    ) -> &ganvas_engine::data::ImageSet {
        if held_out { &split.test } else { &split.train }
    }
    let targets = side(&bundle.split, held_out);
    let pairs = match &bundle.inputs {
        Some(inputs) => ImagePairs::new(side(inputs, held_out).clone(), targets.clone())?,
        None => ImagePairs::drawn_from(targets, drawing),
    };
    Ok(pairs.padded(BORDER))
}

impl PairScene {
    /// The probes for a Pix2Pix run on `bundle`'s held-out images drawn as `drawing`.
    pub fn new(bundle: &ImageBundle, drawing: LineDrawing, device: &Device) -> Result<Self> {
        let test = bundle_pairs(bundle, drawing, true)?;
        if test.is_empty() {
            return Err(Error::EmptyDataset);
        }
        let side = test.inputs.rows;
        let held: Vec<usize> = (0..SCORED_PAIRS.min(test.len())).collect();
        let (inputs, _) = test.inputs.batch(&held);
        let (targets, labels) = test.targets.batch(&held);
        let rows = PAIR_ROWS.min(held.len());
        let pixels = side * side;
        let shown =
            |values: &[f32]| -> Arc<[f32]> { crop(&values[..rows * pixels], side, BORDER).into() };
        // The score needs the images' classes: unlabelled uploads are scored by L1 alone.
        let classifier = match &bundle.classifier {
            Some(bytes) if side == 28 + 2 * BORDER && labels.len() == held.len() => {
                Some(Classifier::from_bytes(bytes, device)?)
            }
            _ => None,
        };
        let name = |label: u8| {
            bundle
                .class_names
                .get(usize::from(label))
                .cloned()
                .unwrap_or_else(|| label.to_string())
        };
        Ok(PairScene {
            side,
            drawing: if bundle.inputs.is_some() {
                "inputs"
            } else {
                drawing_name(drawing)
            },
            count: held.len(),
            shown_inputs: shown(&inputs),
            shown_targets: shown(&targets),
            input_tensor: Tensor::from_data(TensorData::new(inputs, [held.len(), pixels]), device),
            row_classes: (0..rows)
                .map(|r| {
                    labels
                        .get(r)
                        .map_or_else(|| format!("pair {}", r + 1), |&l| name(l))
                })
                .collect(),
            targets: Tensor::from_data(TensorData::new(targets, [held.len(), pixels]), device),
            labels,
            classifier,
            target_accuracy: None,
            last_score: None,
        })
    }

    /// Reads the rows' outputs and D's verdicts in one transfer; when `wanted.score` (once per
    /// step), also scores G on every held-out pair.
    pub async fn frame(&mut self, gan: &Pix2Pix, wanted: Wanted) -> Result<Frame> {
        let rows = self.shown_inputs.len() / (self.side - 2 * BORDER).pow(2);
        let outputs = gan.generate(self.input_tensor.clone().narrow(0, 0, rows));
        let real = self.targets.clone().narrow(0, 0, rows);
        let shown = self.input_tensor.clone().narrow(0, 0, rows);
        let judged = gan.judge(
            Tensor::cat(vec![real, outputs.clone()], 0),
            Tensor::cat(vec![shown.clone(), shown], 0),
        );
        let mut values = read_many(vec![outputs, judged]).await?;
        let judged = values.pop().unwrap_or_default();
        let outputs = values.pop().unwrap_or_default();
        let step = gan.step_count();
        if wanted.score && self.last_score.is_none_or(|s| s.step != step) {
            self.last_score = Some(self.score(gan).await?);
        }
        let (d_real, d_fake) = judged.split_at(rows.min(judged.len()));
        let frame = PairFrame {
            side: self.side - 2 * BORDER,
            drawing: self.drawing.into(),
            inputs: Arc::clone(&self.shown_inputs),
            outputs: crop(&outputs, self.side, BORDER),
            targets: Arc::clone(&self.shown_targets),
            row_classes: self.row_classes.clone(),
            score: self.last_score,
        };
        Ok(Frame {
            d_real: d_real.to_vec(),
            d_fake: d_fake.to_vec(),
            pairs: Some(Arc::new(frame)),
            ..Frame::default()
        })
    }

    /// G's L1 and (with a classifier) class accuracy on every held-out pair.
    async fn score(&mut self, gan: &Pix2Pix) -> Result<PairScore> {
        let n = self.count;
        let pixels = self.side * self.side;
        let outputs = gan.generate(self.input_tensor.clone());
        let l1 = (outputs.clone() - self.targets.clone())
            .abs()
            .sum()
            .div_scalar(n as f64)
            .reshape([1, 1]);
        let mut wanted = vec![l1];
        if let Some(classifier) = &self.classifier {
            wanted.push(
                classifier
                    .logits_and_features(crop_on_device(self.side, outputs))
                    .0,
            );
            if self.target_accuracy.is_none() {
                wanted.push(
                    classifier
                        .logits_and_features(crop_on_device(self.side, self.targets.clone()))
                        .0,
                );
            }
        }
        let values = read_many(wanted).await?;
        let l1 = values[0].first().copied().unwrap_or(f32::NAN);
        let accuracy =
            |logits: &[f32]| -> f32 { class_hits(logits, &self.labels) as f32 / n.max(1) as f32 };
        let class_accuracy = values.get(1).map(|logits| accuracy(logits));
        if let Some(logits) = values.get(2) {
            self.target_accuracy = Some(accuracy(logits));
        }
        Ok(PairScore {
            step: gan.step_count(),
            pairs: n,
            l1,
            pixel_error: l1 / pixels as f32 / 2.0,
            class_accuracy,
            target_accuracy: self.target_accuracy,
        })
    }

    /// G's output for one drawing (`(side − 2·BORDER)²` values in [0, 1], 1 where drawn),
    /// in the same units, cropped back.
    pub async fn translate_drawing(&self, gan: &Pix2Pix, drawing: &[f32]) -> Result<Vec<f32>> {
        let padded = padded_drawing(drawing, self.side)?;
        let output = read_many(vec![gan.translate(&padded)?])
            .await?
            .pop()
            .unwrap_or_default();
        Ok(as_drawings(&output, self.side))
    }
}

/// `[n, side²]` padded images cropped to `[n, (side − 2·BORDER)²]` on the device.
pub(super) fn crop_on_device(side: usize, images: Tensor<2>) -> Tensor<2> {
    let n = images.dims()[0];
    let inner = side - 2 * BORDER;
    images
        .reshape([n, side, side])
        .slice([0..n, BORDER..BORDER + inner, BORDER..BORDER + inner])
        .reshape([n, inner * inner])
}

/// What the inputs are called on the page.
fn drawing_name(drawing: LineDrawing) -> &'static str {
    match drawing {
        LineDrawing::Edges => "edges",
        LineDrawing::Outline => "outlines",
    }
}
