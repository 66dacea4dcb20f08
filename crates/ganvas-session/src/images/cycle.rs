//! CycleGAN in a session: the two classes it translates between, the fixed held-out rows its
//! view shows (image | translated | translated back, for each domain), what the
//! discriminators say of them, and the held-out score.

use std::sync::Arc;

use burn::tensor::{Device, Tensor, TensorData};
use ganvas_engine::data::Domains;
use ganvas_engine::data::pairs::crop;
use ganvas_engine::metrics::class_hits;
use ganvas_engine::model::Classifier;
use ganvas_engine::training::gan::read_many;
use ganvas_engine::training::{CycleGan, Direction};
use ganvas_engine::{Error, Result};
use serde::{Deserialize, Serialize};

use super::ImageBundle;
use super::pairs::{BORDER, crop_on_device};
use crate::trainer::{Frame, Wanted};

/// Held-out images of each domain shown as rows.
pub const CYCLE_ROWS: usize = 4;
/// Held-out images of each domain scored when a frame asks for a score.
pub const SCORED_IMAGES: usize = 128;

/// The two classes of a bundle a CycleGAN learns from (`held_out`: the held-out images),
/// padded for its generators.
pub fn bundle_domains(bundle: &ImageBundle, classes: [u8; 2], held_out: bool) -> Result<Domains> {
    let set = if held_out {
        &bundle.split.test
    } else {
        &bundle.split.train
    };
    if set.labels.is_none() {
        return Err(Error::Config(
            "a CycleGAN translates between two classes of a labelled set or between two \
             uploaded sets: choose MNIST or Fashion-MNIST, or upload set A and set B"
                .into(),
        ));
    }
    Ok(Domains::classes(set, classes[0], classes[1])?.padded(BORDER))
}

/// How the generators do on held-out images, per direction (A → B first).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CycleScore {
    /// The step it was measured at.
    pub step: u64,
    /// Held-out images of each domain scored.
    pub images: [usize; 2],
    /// How far translating there and back lands from the image, a mean per pixel in [0, 1]
    /// units (0: the cycle gives the image back exactly).
    pub cycle_error: [f32; 2],
    /// Share of translations the classifier puts in the other class (`None`: no classifier
    /// fits these images).
    pub translated: Option<[f32; 2]>,
    /// The classifier's share for the real images of the other domain: the ceiling.
    pub real: Option<[f32; 2]>,
}

/// What the CycleGAN view draws: for each domain, rows of the image, its translation and the
/// translation back.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CycleFrame {
    /// Image side in pixels (the border is cropped off).
    pub side: usize,
    /// The classes' names, A's then B's.
    pub names: [String; 2],
    /// Held-out images of A, `CYCLE_ROWS × side²` in [−1, 1] (shared: they never change).
    #[serde(with = "crate::protocol::bulk::shared_floats")]
    pub a: Arc<[f32]>,
    /// G(a): A translated to B.
    #[serde(with = "crate::protocol::bulk::floats")]
    pub a2b: Vec<f32>,
    /// F(G(a)): back to A.
    #[serde(with = "crate::protocol::bulk::floats")]
    pub a2b2a: Vec<f32>,
    /// Held-out images of B.
    #[serde(with = "crate::protocol::bulk::shared_floats")]
    pub b: Arc<[f32]>,
    /// F(b): B translated to A.
    #[serde(with = "crate::protocol::bulk::floats")]
    pub b2a: Vec<f32>,
    /// G(F(b)): back to B.
    #[serde(with = "crate::protocol::bulk::floats")]
    pub b2a2b: Vec<f32>,
    /// The last held-out score, if one was asked for.
    pub score: Option<CycleScore>,
}

impl CycleFrame {
    /// The frame's verdicts (`d_real`, `d_fake` of [`Frame`], as [`CycleScene::frame`] reads
    /// them) split by discriminator: D_A's on the real A rows and on F's translations into A,
    /// then D_B's on the real B rows and on G's translations into B.
    pub fn verdicts(&self, d_real: &[f32], d_fake: &[f32]) -> [(Vec<f32>, Vec<f32>); 2] {
        let per = (self.side * self.side).max(1);
        let (rows_a, rows_b) = (self.a.len() / per, self.b.len() / per);
        let part = |values: &[f32], from: usize, len: usize| -> Vec<f32> {
            values.iter().skip(from).take(len).copied().collect()
        };
        [
            (part(d_real, 0, rows_a), part(d_fake, rows_a, rows_b)),
            (part(d_real, rows_a, rows_b), part(d_fake, 0, rows_a)),
        ]
    }
}

/// One domain's held-out images: all scored, the first shown.
pub(super) struct Held {
    /// `[count, side²]` padded, in [−1, 1], on the device without autodiff (uploaded once).
    pub(super) images: Tensor<2>,
    pub(super) count: usize,
    /// The rows shown: the first images, cropped, on the host.
    pub(super) shown: Arc<[f32]>,
    /// How many rows are shown.
    pub(super) rows: usize,
    /// The class, for the classifier.
    class: u8,
}

/// The probes of a CycleGAN run.
pub struct CycleScene {
    /// The generators' side (28 + 2·BORDER).
    pub(super) side: usize,
    /// The classes' names, A's then B's.
    pub(super) names: [String; 2],
    /// Both domains' held-out images, A's then B's.
    pub(super) held: [Held; 2],
    classifier: Option<Classifier>,
    /// The classifier's shares for the real images, measured once.
    real: Option<[f32; 2]>,
    last_score: Option<CycleScore>,
}

impl CycleScene {
    /// The probes for a CycleGAN between `classes` of `bundle`, on its held-out images.
    pub fn new(bundle: &ImageBundle, classes: [u8; 2], device: &Device) -> Result<Self> {
        let test = bundle_domains(bundle, classes, true)?;
        let side = test.a.rows;
        let inner = side - 2 * BORDER;
        let held = |set: &ganvas_engine::data::ImageSet, class: u8| -> Held {
            let count = SCORED_IMAGES.min(set.len);
            let indices: Vec<usize> = (0..count).collect();
            let images = set.batch(&indices).0;
            let rows = CYCLE_ROWS.min(count);
            Held {
                shown: crop(&images[..rows * side * side], side, BORDER).into(),
                images: Tensor::from_data(TensorData::new(images, [count, side * side]), device),
                count,
                rows,
                class,
            }
        };
        let name = |label: u8| {
            bundle
                .class_names
                .get(usize::from(label))
                .cloned()
                .unwrap_or_else(|| label.to_string())
        };
        let classifier = match &bundle.classifier {
            Some(bytes) if inner == 28 => Some(Classifier::from_bytes(bytes, device)?),
            _ => None,
        };
        Ok(CycleScene {
            side,
            names: [name(classes[0]), name(classes[1])],
            held: [held(&test.a, classes[0]), held(&test.b, classes[1])],
            classifier,
            real: None,
            last_score: None,
        })
    }

    /// Reads the rows' translations and the discriminators' verdicts in one transfer; when
    /// `wanted.score` (once per step), also scores both directions on every held-out image.
    pub async fn frame(&mut self, gan: &CycleGan, wanted: Wanted) -> Result<Frame> {
        let mut wanted_tensors = Vec::with_capacity(6);
        let mut real = Vec::with_capacity(2);
        let mut fake = Vec::with_capacity(2);
        for (held, direction) in self.held.iter().zip([Direction::AToB, Direction::BToA]) {
            let originals = held.images.clone().narrow(0, 0, held.rows);
            let (there, back) = gan.translate_on_device(originals.clone(), direction);
            // The discriminator of the domain the images come from judges them (real); the
            // other domain's judges their translations (fake).
            let other = match direction {
                Direction::AToB => Direction::BToA,
                Direction::BToA => Direction::AToB,
            };
            real.push(gan.judge(originals, other));
            fake.push(gan.judge(there.clone(), direction));
            wanted_tensors.push(there);
            wanted_tensors.push(back);
        }
        wanted_tensors.extend(real);
        wanted_tensors.extend(fake);
        let mut values = read_many(wanted_tensors).await?.into_iter();
        let mut next = || values.next().unwrap_or_default();
        let (a2b, a2b2a, b2a, b2a2b) = (next(), next(), next(), next());
        let mut d_real = next();
        d_real.extend(next());
        let mut d_fake = next();
        d_fake.extend(next());
        let step = gan.step_count();
        if wanted.score && self.last_score.is_none_or(|s| s.step != step) {
            self.last_score = Some(self.score(gan).await?);
        }
        let cropped = |values: &[f32]| crop(values, self.side, BORDER);
        let frame = CycleFrame {
            side: self.side - 2 * BORDER,
            names: self.names.clone(),
            a: Arc::clone(&self.held[0].shown),
            a2b: cropped(&a2b),
            a2b2a: cropped(&a2b2a),
            b: Arc::clone(&self.held[1].shown),
            b2a: cropped(&b2a),
            b2a2b: cropped(&b2a2b),
            score: self.last_score,
        };
        Ok(Frame {
            d_real,
            d_fake,
            cycle: Some(Arc::new(frame)),
            ..Frame::default()
        })
    }

    /// The cycle error and (with a classifier) the share of translations in the other class,
    /// both directions, on every held-out image.
    async fn score(&mut self, gan: &CycleGan) -> Result<CycleScore> {
        let mut wanted = Vec::new();
        let mut translations = Vec::new();
        for (held, direction) in self.held.iter().zip([Direction::AToB, Direction::BToA]) {
            let originals = held.images.clone();
            let (there, back) = gan.translate_on_device(originals.clone(), direction);
            wanted.push(
                (back - originals.clone())
                    .abs()
                    .mean()
                    .div_scalar(2.0)
                    .reshape([1, 1]),
            );
            translations.push((there, originals));
        }
        let classify = self.classifier.is_some();
        if let Some(classifier) = &self.classifier {
            for (there, _) in &translations {
                wanted.push(
                    classifier
                        .logits_and_features(crop_on_device(self.side, there.clone()))
                        .0,
                );
            }
            if self.real.is_none() {
                for (_, originals) in &translations {
                    wanted.push(
                        classifier
                            .logits_and_features(crop_on_device(self.side, originals.clone()))
                            .0,
                    );
                }
            }
        }
        let values = read_many(wanted).await?;
        let error = |i: usize| {
            values
                .get(i)
                .and_then(|v| v.first().copied())
                .unwrap_or(f32::NAN)
        };
        // A's translations should be B's class, and B's A's; the real images their own.
        let [a, b] = &self.held;
        let share = |logits: &[f32], class: u8, count: usize| -> f32 {
            class_hits(logits, &vec![class; count]) as f32 / count.max(1) as f32
        };
        let translated = classify.then(|| {
            [
                share(&values[2], b.class, a.count),
                share(&values[3], a.class, b.count),
            ]
        });
        if classify && self.real.is_none() && values.len() >= 6 {
            // The ceiling for A → B is how well B's real images are recognised, and back.
            self.real = Some([
                share(&values[5], b.class, b.count),
                share(&values[4], a.class, a.count),
            ]);
        }
        Ok(CycleScore {
            step: gan.step_count(),
            images: [a.count, b.count],
            cycle_error: [error(0), error(1)],
            translated,
            real: self.real,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_are_split_by_the_discriminator_that_gave_them() {
        // Two A rows and one B row of 1×1 images; the frame reads D_A(a), D_B(b) as real and
        // D_B(G(a)), D_A(F(b)) as translated.
        let frame = CycleFrame {
            side: 1,
            a: vec![0.0; 2].into(),
            b: vec![0.0; 1].into(),
            ..CycleFrame::default()
        };
        let d_real = [0.9, 0.8, 0.7];
        let d_fake = [0.1, 0.2, 0.3];
        let [d_a, d_b] = frame.verdicts(&d_real, &d_fake);
        assert_eq!(d_a, (vec![0.9, 0.8], vec![0.3]));
        assert_eq!(d_b, (vec![0.7], vec![0.1, 0.2]));
        // A short read gives what there is, never a panic.
        let [d_a, d_b] = frame.verdicts(&[], &[0.1]);
        assert_eq!((d_a, d_b), ((vec![], vec![]), (vec![], vec![0.1])));
    }
}
