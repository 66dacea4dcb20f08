//! The fixed probes of an image GAN's views and the frame they read: the sample grid from
//! fixed noise, D on real and fake images, the interpolation strip, the latent sliders'
//! sample, and (now and then) the classifier's scores.

use std::rc::Rc;
use std::sync::Arc;

use burn::tensor::{Device, Tensor, TensorData};
use ganvas_engine::metrics::{ClassifierScore, score_images};
use ganvas_engine::model::Classifier;
use ganvas_engine::rng::Rng;
use ganvas_engine::training::Gan;
use ganvas_engine::training::gan::read_many;
use ganvas_engine::{Error, Result};

use super::{INTERPOLATION_STEPS, ImageBundle, ImageFrame, ImageQuality, ImageView};
use crate::points::sigmoid;
use crate::trainer::{Frame, Quality, Wanted};

/// Cells per grid row.
pub const GRID_COLS: usize = 8;
/// Grid rows of an unconditional GAN (a conditional one has one row per class).
const GRID_ROWS: usize = 8;
/// Fixed-noise samples D judges each frame (the grid's first): the fake histogram.
const PROBE: usize = 256;
/// Generated and held-out real images the classifier compares at each score.
pub const QUALITY_SAMPLES: usize = 500;

/// The probes of an image GAN.
pub struct ImageScene {
    side: usize,
    noise_dim: usize,
    classes: usize,
    /// Fixed noise `[PROBE, noise_dim]` on the host (the grid is its first rows).
    noise: Vec<f32>,
    /// The class shown by every sample, if one is picked.
    class: Option<u8>,
    /// G's input for the probe `[PROBE, noise_dim + classes]`, rebuilt when the class changes.
    input: Tensor<2>,
    /// Real images `[PROBE, side²]`; the first `cells` are the real grid.
    real_probe: Tensor<2>,
    real_grid: Arc<[f32]>,
    classifier: Option<Classifier>,
    /// Held-out real images `[QUALITY_SAMPLES, side²]`, scored once.
    real_test: Tensor<2>,
    real_score: Option<Rc<ClassifierScore>>,
    quality_input: Tensor<2>,
    last_quality: Option<ImageQuality>,
    /// The step `last_quality` was measured at.
    scored_step: Option<u64>,
    class_names: Arc<[String]>,
    fd_name: String,
}

impl ImageScene {
    /// The probes for `gan` training on `bundle`.
    pub fn new(gan: &mut Gan, bundle: &ImageBundle, device: &Device) -> Result<Self> {
        let model = gan.config().model.clone();
        let train = &bundle.split.train;
        let side = train.rows;
        let mut rng = Rng::new(11);
        let noise = model.noise.sample(PROBE, model.noise_dim, &mut rng);
        let cells = grid_cells(model.classes);
        let real_indices: Vec<usize> = (0..PROBE).map(|i| i % train.len).collect();
        let (real, _) = train.batch(&real_indices);
        let real_grid: Arc<[f32]> = real[..cells * side * side].into();
        let real_probe = tensor(real, PROBE, device);
        let test = &bundle.split.test;
        let test_indices: Vec<usize> = (0..QUALITY_SAMPLES.min(test.len)).collect();
        let (test_pixels, _) = test.batch(&test_indices);
        let real_test = tensor(test_pixels, test_indices.len(), device);
        let classifier = match &bundle.classifier {
            Some(bytes) if side == 28 => Some(Classifier::from_bytes(bytes, device)?),
            _ => None,
        };
        let quality_noise = model
            .noise
            .sample(QUALITY_SAMPLES, model.noise_dim, &mut rng);
        let quality_classes: Vec<u8> = (0..QUALITY_SAMPLES)
            .map(|i| (i % model.classes.max(1)) as u8)
            .collect();
        let quality_input = generator_input(
            &quality_noise,
            &quality_classes,
            model.noise_dim,
            model.classes,
            device,
        )?;
        let mut scene = ImageScene {
            side,
            noise_dim: model.noise_dim,
            classes: model.classes,
            noise,
            class: None,
            input: quality_input.clone(),
            real_probe,
            real_grid,
            classifier,
            real_test,
            real_score: None,
            quality_input,
            last_quality: None,
            scored_step: None,
            class_names: bundle.class_names.as_slice().into(),
            fd_name: bundle.fd_name.clone(),
        };
        scene.input = scene.probe_input(None, device)?;
        Ok(scene)
    }

    fn cells(&self) -> usize {
        grid_cells(self.classes)
    }

    /// Each probe sample's class: grid row r shows class r, unless one class is picked.
    fn probe_classes(&self, class: Option<u8>) -> Vec<u8> {
        if self.classes == 0 {
            return Vec::new();
        }
        (0..PROBE)
            .map(|i| {
                class.unwrap_or_else(|| {
                    let row = if i < self.cells() { i / GRID_COLS } else { i };
                    (row % self.classes) as u8
                })
            })
            .collect()
    }

    fn probe_input(&self, class: Option<u8>, device: &Device) -> Result<Tensor<2>> {
        generator_input(
            &self.noise,
            &self.probe_classes(class),
            self.noise_dim,
            self.classes,
            device,
        )
    }

    /// G's inputs for the interpolation strip and the slider sample `[STEPS + 1, width]`.
    fn latent_input(&self, view: ImageView, device: &Device) -> Tensor<2> {
        let cells = self.cells();
        let (from, to) = (view.from.min(cells - 1), view.to.min(cells - 1));
        let classes = self.probe_classes(view.class);
        let row = |i: usize| {
            let mut input = self.noise[i * self.noise_dim..(i + 1) * self.noise_dim].to_vec();
            if self.classes > 0 {
                let mut one_hot = vec![0.0; self.classes];
                one_hot[usize::from(classes[i])] = 1.0;
                input.extend(one_hot);
            }
            input
        };
        let (a, b) = (row(from), row(to));
        let width = a.len();
        let mut values = Vec::with_capacity((INTERPOLATION_STEPS + 1) * width);
        for k in 0..INTERPOLATION_STEPS {
            let t = k as f32 / (INTERPOLATION_STEPS - 1) as f32;
            values.extend(a.iter().zip(&b).map(|(x, y)| x + t * (y - x)));
        }
        let mut moved = a;
        for (v, offset) in moved.iter_mut().zip(view.offsets) {
            *v += offset;
        }
        values.extend(moved);
        Tensor::from_data(
            TensorData::new(values, [INTERPOLATION_STEPS + 1, width]),
            device,
        )
    }

    /// Reads the image views: one round of transfers, plus the classifier's when `wanted.score`
    /// (once per step).
    pub async fn frame(&mut self, gan: &mut Gan, wanted: Wanted) -> Result<Frame> {
        let device = self.real_probe.device();
        gan.set_show_averaged(wanted.image.averaged);
        if wanted.image.class != self.class {
            self.input = self.probe_input(wanted.image.class, &device)?;
            self.class = wanted.image.class;
        }
        let cells = self.cells();
        let pixels = self.side * self.side;
        let generator = gan.generator_eval();
        let fakes = generator.forward(self.input.clone()); // [PROBE, side²]
        let logits = gan
            .discriminate(Tensor::cat(vec![self.real_probe.clone(), fakes.clone()], 0))
            .logit; // [2·PROBE, 1]
        let latent = generator.forward(self.latent_input(wanted.image, &device)); // [STEPS + 1, side²]
        let values = read_many(vec![fakes.narrow(0, 0, cells), logits, latent]).await?;
        let step = gan.step_count();
        if wanted.score && self.scored_step != Some(step) {
            self.score(gan).await?;
            self.scored_step = Some(step);
        }
        let loss = gan.config().train.loss;
        let probability = loss.has_probability_output();
        let display = |raw: &[f32]| -> Vec<f32> {
            if probability {
                raw.iter().map(|&v| sigmoid(v)).collect()
            } else {
                raw.to_vec()
            }
        };
        let d_real = display(&values[1][..PROBE]);
        let d_fake = display(&values[1][PROBE..]);
        let (interpolation, latent) = values[2].split_at(INTERPOLATION_STEPS * pixels);
        let row_classes = if self.classes > 0 {
            (0..cells / GRID_COLS)
                .map(|row| wanted.image.class.unwrap_or((row % self.classes) as u8))
                .collect()
        } else {
            Vec::new()
        };
        let image = ImageFrame {
            side: self.side,
            cols: GRID_COLS,
            grid: values[0].clone(),
            grid_scores: d_fake[..cells].to_vec(),
            probability,
            row_classes,
            real: Arc::clone(&self.real_grid),
            interpolation: interpolation.to_vec(),
            latent: latent.to_vec(),
            class_names: Arc::clone(&self.class_names),
            fd_name: self.fd_name.clone(),
            scored: self.classifier.is_some(),
        };
        Ok(Frame {
            d_real,
            d_fake,
            quality: Quality {
                image: self.last_quality,
                ..Quality::default()
            },
            images: Some(Arc::new(image)),
            ..Frame::default()
        })
    }

    /// Scores `QUALITY_SAMPLES` generated images against the held-out real ones.
    async fn score(&mut self, gan: &Gan) -> Result<()> {
        let Some(classifier) = &self.classifier else {
            return Ok(());
        };
        let real = if let Some(real) = &self.real_score {
            Rc::clone(real)
        } else {
            let real = Rc::new(score_images(classifier, self.real_test.clone()).await?);
            self.real_score = Some(Rc::clone(&real));
            real
        };
        let fakes = gan.generate_from(self.quality_input.clone()); // [QUALITY_SAMPLES, side²]
        let score = score_images(classifier, fakes).await?;
        let fd = score.frechet_distance(&real)?;
        self.last_quality = Some(ImageQuality {
            fd: fd as f32,
            confidence: score.mean_confidence,
            class_share: score.class_share,
        });
        Ok(())
    }
}

/// Grid cells for a GAN with `classes` (0: unconditional).
fn grid_cells(classes: usize) -> usize {
    if classes > 0 {
        classes * GRID_COLS
    } else {
        GRID_ROWS * GRID_COLS
    }
}

fn tensor(pixels: Vec<f32>, rows: usize, device: &Device) -> Tensor<2> {
    let width = pixels.len() / rows.max(1);
    Tensor::from_data(TensorData::new(pixels, [rows, width]), device)
}

/// `[noise | one-hot class]` rows for G.
fn generator_input(
    noise: &[f32],
    classes: &[u8],
    noise_dim: usize,
    class_count: usize,
    device: &Device,
) -> Result<Tensor<2>> {
    let rows = noise.len() / noise_dim;
    if class_count == 0 {
        return Ok(Tensor::from_data(
            TensorData::new(noise.to_vec(), [rows, noise_dim]),
            device,
        ));
    }
    if classes.len() != rows {
        return Err(Error::Config(format!(
            "{} classes for {rows} samples",
            classes.len()
        )));
    }
    let width = noise_dim + class_count;
    let mut values = Vec::with_capacity(rows * width);
    for (z, &class) in noise.chunks_exact(noise_dim).zip(classes) {
        values.extend_from_slice(z);
        values.extend((0..class_count).map(|c| if c == usize::from(class) { 1.0 } else { 0.0 }));
    }
    Ok(Tensor::from_data(
        TensorData::new(values, [rows, width]),
        device,
    ))
}
