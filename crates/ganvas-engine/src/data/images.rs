//! A set of same-sized greyscale images (MNIST and friends), with optional labels.

use serde::{Deserialize, Serialize};

use crate::data::idx::decode_idx;
use crate::error::{Error, Result};
use crate::rng::Rng;

/// Greyscale images stored as bytes, `len` images of `rows × cols` pixels. Read from a
/// message, a set is checked as [`ImageSet::from_raw`] checks one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ImageSetParts")]
pub struct ImageSet {
    /// Pixels, image after image, row-major: `len * rows * cols` bytes.
    #[serde(with = "serde_bytes")]
    pub images: Vec<u8>,
    /// One label per image, if known.
    #[serde(with = "serde_bytes")]
    pub labels: Option<Vec<u8>>,
    /// Number of images (at least one).
    pub len: usize,
    /// Image height in pixels.
    pub rows: usize,
    /// Image width in pixels.
    pub cols: usize,
}

/// An [`ImageSet`] as a message holds it, before its checks.
#[derive(Deserialize)]
struct ImageSetParts {
    #[serde(with = "serde_bytes")]
    images: Vec<u8>,
    #[serde(with = "serde_bytes")]
    labels: Option<Vec<u8>>,
    len: usize,
    rows: usize,
    cols: usize,
}

impl TryFrom<ImageSetParts> for ImageSet {
    type Error = Error;

    fn try_from(parts: ImageSetParts) -> Result<ImageSet> {
        let set = ImageSet::from_raw(parts.images, parts.labels, parts.rows, parts.cols)?;
        if set.len != parts.len {
            return Err(Error::ShapeMismatch(format!(
                "{} images, said to be {}",
                set.len, parts.len
            )));
        }
        Ok(set)
    }
}

impl ImageSet {
    /// Builds a set from an IDX image file (3-D) and an optional IDX label file (1-D).
    pub fn from_idx(images: &[u8], labels: Option<&[u8]>) -> Result<ImageSet> {
        let images = decode_idx(images)?;
        let &[len, rows, cols] = images.dims.as_slice() else {
            return Err(Error::ShapeMismatch(format!(
                "image file must be 3-D [n, rows, cols], found dims {:?}",
                images.dims
            )));
        };
        let labels = labels.map(decode_idx).transpose()?;
        if let Some(labels) = &labels
            && labels.dims != [len]
        {
            return Err(Error::ShapeMismatch(format!(
                "label file must be 1-D [{len}], found dims {:?}",
                labels.dims
            )));
        }
        Self::from_raw(images.data, labels.map(|l| l.data), rows, cols)
    }

    /// Builds a set from raw pixel bytes; `images.len()` must be a non-zero multiple of `rows * cols`.
    pub fn from_raw(
        images: Vec<u8>,
        labels: Option<Vec<u8>>,
        rows: usize,
        cols: usize,
    ) -> Result<ImageSet> {
        let pixels = rows.checked_mul(cols).filter(|&p| p > 0).ok_or_else(|| {
            Error::ShapeMismatch(format!("image size {rows}×{cols} is empty or too large"))
        })?;
        if !images.len().is_multiple_of(pixels) {
            return Err(Error::ShapeMismatch(format!(
                "{} bytes is not a whole number of {rows}×{cols} images",
                images.len()
            )));
        }
        let len = images.len() / pixels;
        if len == 0 {
            return Err(Error::EmptyDataset);
        }
        if let Some(labels) = &labels
            && labels.len() != len
        {
            return Err(Error::ShapeMismatch(format!(
                "{} labels for {len} images",
                labels.len()
            )));
        }
        Ok(ImageSet {
            images,
            labels,
            len,
            rows,
            cols,
        })
    }

    /// Pixels per image (`rows * cols`).
    pub fn pixels(&self) -> usize {
        self.rows * self.cols
    }

    /// `n` image indices drawn uniformly with replacement.
    pub fn sample_indices(&self, n: usize, rng: &mut Rng) -> Vec<usize> {
        (0..n).map(|_| rng.below(self.len)).collect()
    }

    /// The images at `indices`, scaled to `[-1, 1]` (`v / 127.5 − 1`) and flattened
    /// (`[indices.len(), rows * cols]`), with their labels (empty if unlabelled).
    ///
    /// # Panics
    /// If an index is `>= self.len` (a programming error).
    pub fn batch(&self, indices: &[usize]) -> (Vec<f32>, Vec<u8>) {
        let pixels = self.pixels();
        let mut values = Vec::with_capacity(indices.len() * pixels);
        for &i in indices {
            assert!(
                i < self.len,
                "image index {i} out of range (len {})",
                self.len
            );
            let image = &self.images[i * pixels..(i + 1) * pixels];
            values.extend(image.iter().map(|&v| f32::from(v) / 127.5 - 1.0));
        }
        let labels = match &self.labels {
            Some(labels) => indices.iter().map(|&i| labels[i]).collect(),
            None => Vec::new(),
        };
        (values, labels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::idx::encode_idx_u8;

    fn tiny() -> (Vec<u8>, Vec<u8>) {
        let images: Vec<u8> = (0..3 * 2 * 2).map(|v| (v * 20) as u8).collect();
        (
            encode_idx_u8(&[3, 2, 2], &images),
            encode_idx_u8(&[3], &[7, 8, 9]),
        )
    }

    #[test]
    fn from_idx_and_batch() {
        let (images, labels) = tiny();
        let set = ImageSet::from_idx(&images, Some(&labels)).expect("valid set");
        assert_eq!((set.len, set.rows, set.cols, set.pixels()), (3, 2, 2, 4));
        let (values, labels) = set.batch(&[2, 0]);
        assert_eq!(labels, vec![9, 7]);
        assert_eq!(values.len(), 8);
        assert!((values[0] - (160.0 / 127.5 - 1.0)).abs() < 1e-6);
        assert!((values[4] + 1.0).abs() < 1e-6);
        assert!(values.iter().all(|v| (-1.0..=1.0).contains(v)));
        let unlabelled = ImageSet::from_idx(&images, None).expect("valid set");
        assert!(unlabelled.batch(&[1]).1.is_empty());
    }

    #[test]
    fn white_pixel_is_one() {
        let set = ImageSet::from_raw(vec![255, 0], None, 1, 2).expect("valid");
        let (values, _) = set.batch(&[0]);
        assert!((values[0] - 1.0).abs() < 1e-6 && (values[1] + 1.0).abs() < 1e-6);
    }

    #[test]
    fn shape_errors() {
        let (images, _) = tiny();
        let wrong_count = encode_idx_u8(&[2], &[1, 2]);
        assert!(matches!(
            ImageSet::from_idx(&images, Some(&wrong_count)),
            Err(Error::ShapeMismatch(_))
        ));
        let flat = encode_idx_u8(&[4], &[1, 2, 3, 4]);
        assert!(matches!(
            ImageSet::from_idx(&flat, None),
            Err(Error::ShapeMismatch(_))
        ));
        assert!(matches!(
            ImageSet::from_idx(&flat[..6], None),
            Err(Error::IdxTruncated { .. })
        ));
        assert!(matches!(
            ImageSet::from_raw(vec![0; 5], None, 2, 2),
            Err(Error::ShapeMismatch(_))
        ));
        assert!(matches!(
            ImageSet::from_raw(vec![], None, 2, 2),
            Err(Error::EmptyDataset)
        ));
        assert!(matches!(
            ImageSet::from_raw(vec![0; 4], None, 0, 2),
            Err(Error::ShapeMismatch(_))
        ));
        assert!(matches!(
            ImageSet::from_raw(vec![0; 8], Some(vec![1]), 2, 2),
            Err(Error::ShapeMismatch(_))
        ));
    }

    #[test]
    fn sample_indices_in_range() {
        let set = ImageSet::from_raw(vec![0; 40], None, 2, 2).expect("valid");
        let idx = set.sample_indices(500, &mut Rng::new(9));
        assert_eq!(idx.len(), 500);
        assert!(idx.iter().all(|&i| i < 10));
        assert!((0..10).all(|k| idx.contains(&k)));
    }
}
