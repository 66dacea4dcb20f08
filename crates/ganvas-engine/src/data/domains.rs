//! Two unpaired sets of images, the domains A and B a CycleGAN translates between: two classes
//! of a labelled set (Fashion-MNIST's sneakers and ankle boots), or two sets the user brings.

use crate::data::ImageSet;
use crate::error::{Error, Result};

use super::pairs::pad;

/// Fashion-MNIST's sneaker class, `cyclegan-shoes`'s domain A.
pub const SNEAKER: u8 = 7;
/// Fashion-MNIST's ankle-boot class, `cyclegan-shoes`'s domain B.
pub const ANKLE_BOOT: u8 = 9;

/// Domain A and domain B: images of one size, not paired, of any counts.
#[derive(Clone, Debug, PartialEq)]
pub struct Domains {
    /// Domain A.
    pub a: ImageSet,
    /// Domain B.
    pub b: ImageSet,
}

impl Domains {
    /// Two sets of images of the same size, each with at least one image.
    pub fn new(a: ImageSet, b: ImageSet) -> Result<Self> {
        if (a.rows, a.cols) != (b.rows, b.cols) {
            return Err(Error::ShapeMismatch(format!(
                "domain A has {}×{} images and domain B {}×{}: a CycleGAN needs one size",
                a.rows, a.cols, b.rows, b.cols
            )));
        }
        if a.len == 0 || b.len == 0 {
            return Err(Error::EmptyDataset);
        }
        Ok(Self { a, b })
    }

    /// The images of class `a` as domain A and of class `b` as domain B, from a labelled set.
    pub fn classes(set: &ImageSet, a: u8, b: u8) -> Result<Self> {
        if a == b {
            return Err(Error::Config(
                "a CycleGAN translates between two different classes".into(),
            ));
        }
        Domains::new(of_class(set, a)?, of_class(set, b)?)
    }

    /// Both domains with `border` black pixels added around each image.
    pub fn padded(&self, border: usize) -> Self {
        Self {
            a: pad(&self.a, border),
            b: pad(&self.b, border),
        }
    }
}

/// The images of `set` labelled `class`, with their labels; refused in words when the set has
/// no labels or no image of that class.
pub fn of_class(set: &ImageSet, class: u8) -> Result<ImageSet> {
    let labels = set
        .labels
        .as_ref()
        .ok_or_else(|| Error::Config("picking a class needs a labelled set of images".into()))?;
    let pixels = set.pixels();
    let chosen: Vec<usize> = (0..set.len).filter(|&i| labels[i] == class).collect();
    if chosen.is_empty() {
        return Err(Error::Config(format!(
            "the set has no image of class {class}"
        )));
    }
    let images = chosen
        .iter()
        .flat_map(|&i| set.images[i * pixels..(i + 1) * pixels].iter().copied())
        .collect();
    ImageSet::from_raw(images, Some(vec![class; chosen.len()]), set.rows, set.cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Five 2×2 images whose pixels all equal their index, labelled 0, 1, 0, 2, 1.
    fn set() -> ImageSet {
        let images = (0u8..5).flat_map(|i| [i; 4]).collect();
        ImageSet::from_raw(images, Some(vec![0, 1, 0, 2, 1]), 2, 2).expect("a set")
    }

    #[test]
    fn two_classes_become_two_domains_in_order() {
        let domains = Domains::classes(&set(), 0, 1).expect("domains");
        assert_eq!(domains.a.images, [[0u8; 4], [2; 4]].concat());
        assert_eq!(domains.b.images, [[1u8; 4], [4; 4]].concat());
        assert_eq!(domains.b.labels, Some(vec![1, 1]));
        let padded = domains.padded(1);
        assert_eq!((padded.a.rows, padded.a.cols, padded.a.len), (4, 4, 2));
    }

    #[test]
    fn what_cannot_make_domains_is_refused_in_words() {
        let why = Domains::classes(&set(), 0, 7).unwrap_err().to_string();
        assert!(why.contains("no image of class 7"), "{why}");
        assert!(Domains::classes(&set(), 1, 1).is_err());
        let mut unlabelled = set();
        unlabelled.labels = None;
        assert!(of_class(&unlabelled, 0).is_err());
        let small = ImageSet::from_raw(vec![0; 9], None, 3, 3).expect("a set");
        let why = Domains::new(set(), small).unwrap_err().to_string();
        assert!(why.contains("one size"), "{why}");
    }
}
