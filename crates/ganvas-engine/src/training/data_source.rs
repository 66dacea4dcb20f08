//! Where real batches come from: 2D distributions sampled on the host, or an image set
//! uploaded to the device once and indexed there.

use burn::tensor::{Device, Int, Tensor, TensorData};

use crate::data::{ImageSet, Standardizer, Toy2d};
use crate::error::{Error, Result};
use crate::model::DataShape;
use crate::rng::Rng;

/// The real data a GAN learns.
// One per run; the size difference between variants costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum DataSource {
    /// A 2D distribution; training sees standardised coordinates.
    Points {
        /// The distribution, in original units.
        toy: Toy2d,
        /// Maps original units to what the networks see.
        standardizer: Standardizer,
    },
    /// Greyscale images, resident on the device.
    Images {
        /// Images scaled to [−1, 1] `[len, side²]`.
        images: Tensor<2>,
        /// One-hot labels `[len, classes]`, when the GAN is conditional.
        labels: Option<Tensor<2>>,
        /// Number of images.
        len: usize,
        /// Image side in pixels.
        side: usize,
    },
}

/// A real batch: samples `[batch, dim]` and, for a conditional GAN, one-hot labels.
pub struct RealBatch {
    /// Samples.
    pub samples: Tensor<2>,
    /// One-hot labels `[batch, classes]`.
    pub labels: Option<Tensor<2>>,
}

impl DataSource {
    /// A 2D distribution, standardised by its own statistics.
    pub fn points(toy: Toy2d) -> Self {
        let standardizer = Standardizer::for_toy(&toy);
        DataSource::Points { toy, standardizer }
    }

    /// An image set uploaded to `device`; `classes > 0` also uploads one-hot labels.
    pub fn images(set: &ImageSet, classes: usize, device: &Device) -> Result<Self> {
        if set.rows != set.cols {
            return Err(Error::ShapeMismatch(format!(
                "images must be square, got {}×{}",
                set.rows, set.cols
            )));
        }
        if set.len == 0 {
            return Err(Error::EmptyDataset);
        }
        let all: Vec<usize> = (0..set.len).collect();
        let (pixels, labels) = set.batch(&all);
        let images = Tensor::from_data(TensorData::new(pixels, [set.len, set.pixels()]), device);
        let labels = if classes > 0 {
            if labels.len() != set.len {
                return Err(Error::Config(
                    "a conditional GAN needs labelled images".into(),
                ));
            }
            Some(one_hot(&labels, classes, device)?)
        } else {
            None
        };
        Ok(DataSource::Images {
            images,
            labels,
            len: set.len,
            side: set.rows,
        })
    }

    /// What one sample is.
    pub fn shape(&self) -> DataShape {
        match self {
            DataSource::Points { .. } => DataShape::Points2d,
            DataSource::Images { side, .. } => DataShape::Image(*side),
        }
    }

    /// Whether labels are available.
    pub fn has_labels(&self) -> bool {
        matches!(
            self,
            DataSource::Images {
                labels: Some(_),
                ..
            }
        )
    }

    /// Draws a real batch of `n` samples onto `device` (images stay on the device they were
    /// uploaded to).
    pub fn batch(&self, n: usize, rng: &mut Rng, device: &Device) -> RealBatch {
        match self {
            DataSource::Points { toy, standardizer } => {
                let points = toy.sample(n, rng);
                let flat = standardizer.forward_all(&points);
                RealBatch {
                    samples: Tensor::from_data(TensorData::new(flat, [n, 2]), device),
                    labels: None,
                }
            }
            DataSource::Images {
                images,
                labels,
                len,
                ..
            } => {
                let indices: Vec<i64> = (0..n).map(|_| rng.below(*len) as i64).collect();
                let indices =
                    Tensor::<1, Int>::from_data(TensorData::new(indices, [n]), &images.device());
                let samples = images.clone().select(0, indices.clone());
                let labels = labels
                    .as_ref()
                    .map(|labels| labels.clone().select(0, indices));
                RealBatch { samples, labels }
            }
        }
    }
}

/// One-hot rows `[labels.len(), classes]` on `device`.
pub fn one_hot(labels: &[u8], classes: usize, device: &Device) -> Result<Tensor<2>> {
    let mut values = vec![0.0_f32; labels.len() * classes];
    for (row, &label) in labels.iter().enumerate() {
        let label = usize::from(label);
        if label >= classes {
            return Err(Error::Config(format!(
                "label {label} is out of range for {classes} classes"
            )));
        }
        values[row * classes + label] = 1.0;
    }
    Ok(Tensor::from_data(
        TensorData::new(values, [labels.len(), classes]),
        device,
    ))
}
