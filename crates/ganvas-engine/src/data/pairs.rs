//! Paired images for image-to-image GANs (Pix2Pix): an input image and the target it should
//! become, image `i` of one with image `i` of the other.
//!
//! The pairs GANvas builds itself come from a shipped set: the target is the item (or digit)
//! and the input a line drawing of it, as the Pix2Pix paper's edges2shoes task pairs a photo
//! with its edge map. Lines are white on black, as MNIST's ink is and as the drawing pad draws.

use crate::data::images::ImageSet;
use crate::error::{Error, Result};

/// How the input of a pair is drawn from its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineDrawing {
    /// Sobel edges: where the brightness changes steeply ([`sobel_edges`]). Catches the seams
    /// and folds inside a Fashion item as well as its outline.
    Edges,
    /// The outline of the ink: inked pixels with an uninked neighbour ([`outline`]). For digits,
    /// whose strokes are a few pixels wide, this traces both sides of each stroke.
    Outline,
}

/// Sobel gradient magnitude, on pixels scaled to [0, 1], above which a pixel is an edge. A
/// sharp step from black to white gives 4; 1 keeps the item's outline and its strong folds and
/// drops the gentle shading.
pub const EDGE_THRESHOLD: f32 = 1.0;

/// Pixels of ink: the grey level from which a pixel counts as drawn.
pub const INK: u8 = 128;

/// Inputs and targets of the same size, in the same order; the labels are the targets'.
#[derive(Debug, Clone, PartialEq)]
pub struct ImagePairs {
    /// What the generator is given.
    pub inputs: ImageSet,
    /// What it should produce.
    pub targets: ImageSet,
}

impl ImagePairs {
    /// Pairs two sets image by image; they must hold as many images of the same size.
    pub fn new(inputs: ImageSet, targets: ImageSet) -> Result<Self> {
        if (inputs.len, inputs.rows, inputs.cols) != (targets.len, targets.rows, targets.cols) {
            return Err(Error::ShapeMismatch(format!(
                "{} inputs of {}×{} against {} targets of {}×{}: pairs need as many images of one size",
                inputs.len, inputs.rows, inputs.cols, targets.len, targets.rows, targets.cols
            )));
        }
        Ok(Self { inputs, targets })
    }

    /// Pairs each image of `targets` with a line drawing of it; labels stay with the targets.
    pub fn drawn_from(targets: &ImageSet, drawing: LineDrawing) -> Self {
        let (rows, cols, pixels) = (targets.rows, targets.cols, targets.pixels());
        let images = targets
            .images
            .chunks_exact(pixels)
            .flat_map(|image| match drawing {
                LineDrawing::Edges => sobel_edges(image, rows, cols),
                LineDrawing::Outline => outline(image, rows, cols),
            })
            .collect();
        let inputs = ImageSet {
            images,
            labels: None,
            len: targets.len,
            rows,
            cols,
        };
        Self {
            inputs,
            targets: targets.clone(),
        }
    }

    /// Both sides padded with `border` black pixels on every side (28×28 → 32×32 with 2).
    pub fn padded(&self, border: usize) -> Self {
        Self {
            inputs: pad(&self.inputs, border),
            targets: pad(&self.targets, border),
        }
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.targets.len
    }

    /// Whether there are no pairs (never, for pairs built by this module).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// White (255) where the Sobel gradient magnitude of `image` (`rows × cols` bytes) exceeds
/// [`EDGE_THRESHOLD`], black elsewhere. Pixels beyond the border count as black.
pub fn sobel_edges(image: &[u8], rows: usize, cols: usize) -> Vec<u8> {
    let at = |r: isize, c: isize| -> f32 {
        if r < 0 || c < 0 || r >= rows as isize || c >= cols as isize {
            0.0
        } else {
            f32::from(image[r as usize * cols + c as usize]) / 255.0
        }
    };
    let mut edges = vec![0; rows * cols];
    for r in 0..rows as isize {
        for c in 0..cols as isize {
            let gx = (at(r - 1, c + 1) + 2.0 * at(r, c + 1) + at(r + 1, c + 1))
                - (at(r - 1, c - 1) + 2.0 * at(r, c - 1) + at(r + 1, c - 1));
            let gy = (at(r + 1, c - 1) + 2.0 * at(r + 1, c) + at(r + 1, c + 1))
                - (at(r - 1, c - 1) + 2.0 * at(r - 1, c) + at(r - 1, c + 1));
            if (gx * gx + gy * gy).sqrt() > EDGE_THRESHOLD {
                edges[r as usize * cols + c as usize] = 255;
            }
        }
    }
    edges
}

/// White (255) on inked pixels (≥ [`INK`]) with an uninked pixel above, below, left or right
/// (the border counts as uninked), black elsewhere.
pub fn outline(image: &[u8], rows: usize, cols: usize) -> Vec<u8> {
    let inked = |r: isize, c: isize| {
        r >= 0
            && c >= 0
            && r < rows as isize
            && c < cols as isize
            && image[r as usize * cols + c as usize] >= INK
    };
    let mut lines = vec![0; rows * cols];
    for r in 0..rows as isize {
        for c in 0..cols as isize {
            let edge = inked(r, c)
                && !(inked(r - 1, c) && inked(r + 1, c) && inked(r, c - 1) && inked(r, c + 1));
            if edge {
                lines[r as usize * cols + c as usize] = 255;
            }
        }
    }
    lines
}

/// `set` with `border` black pixels added on every side of each image; labels kept.
pub fn pad(set: &ImageSet, border: usize) -> ImageSet {
    let (rows, cols) = (set.rows + 2 * border, set.cols + 2 * border);
    let mut images = vec![0; set.len * rows * cols];
    for (i, image) in set.images.chunks_exact(set.pixels()).enumerate() {
        let out = &mut images[i * rows * cols..(i + 1) * rows * cols];
        for (r, row) in image.chunks_exact(set.cols).enumerate() {
            let start = (r + border) * cols + border;
            out[start..start + set.cols].copy_from_slice(row);
        }
    }
    ImageSet {
        images,
        labels: set.labels.clone(),
        len: set.len,
        rows,
        cols,
    }
}

/// Images of `side²` values (row-major, one after another) with `border` pixels cut from
/// every side: the inverse of [`pad`] for values read back from the U-Net.
pub fn crop(values: &[f32], side: usize, border: usize) -> Vec<f32> {
    let inner = side.saturating_sub(2 * border);
    values
        .chunks_exact(side * side)
        .flat_map(|image| {
            (border..border + inner)
                .flat_map(move |r| image[r * side + border..r * side + border + inner].iter())
                .copied()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An 8×8 image with a white 4×4 square in the middle.
    fn square() -> Vec<u8> {
        let mut image = vec![0; 64];
        for r in 2..6 {
            for c in 2..6 {
                image[r * 8 + c] = 255;
            }
        }
        image
    }

    fn drawn(pixels: &[u8], cols: usize) -> Vec<String> {
        pixels
            .chunks(cols)
            .map(|row| row.iter().map(|&v| if v > 0 { '#' } else { '.' }).collect())
            .collect()
    }

    #[test]
    fn the_outline_of_a_square_is_its_border() {
        assert_eq!(
            drawn(&outline(&square(), 8, 8), 8),
            [
                "........", "........", "..####..", "..#..#..", "..#..#..", "..####..", "........",
                "........"
            ]
        );
    }

    #[test]
    fn sobel_edges_lie_on_both_sides_of_a_step() {
        // A step from 0 to 1 gives a magnitude of 4 on either side of a straight run of it,
        // and √2 diagonally off a corner: a ring two pixels wide, the inside of the square dark.
        assert_eq!(
            drawn(&sobel_edges(&square(), 8, 8), 8),
            [
                "........", ".######.", ".######.", ".##..##.", ".##..##.", ".######.", ".######.",
                "........"
            ]
        );
        // A flat image has no edges inside, whatever its brightness (its border is a step
        // down to the black beyond).
        let flat = sobel_edges(&[200; 64], 8, 8);
        assert!((1..7).all(|r| (1..7).all(|c| flat[r * 8 + c] == 0)));
        assert_eq!(flat[0], 255);
    }

    #[test]
    fn padding_centres_each_image_and_keeps_labels() {
        let set = ImageSet::from_raw(vec![1, 2, 3, 4, 5, 6, 7, 8], Some(vec![3, 9]), 2, 2)
            .expect("two 2×2 images");
        let padded = pad(&set, 1);
        assert_eq!((padded.len, padded.rows, padded.cols), (2, 4, 4));
        assert_eq!(padded.labels, Some(vec![3, 9]));
        assert_eq!(
            padded.images[16..],
            [0, 0, 0, 0, 0, 5, 6, 0, 0, 7, 8, 0, 0, 0, 0, 0]
        );
        // Cropping undoes it.
        let values: Vec<f32> = padded.images.iter().map(|&v| f32::from(v)).collect();
        assert_eq!(
            crop(&values, 4, 1),
            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
        );
    }

    #[test]
    fn pairs_are_checked_and_drawn_image_by_image() {
        let targets = ImageSet::from_raw([square(), vec![0; 64]].concat(), Some(vec![1, 2]), 8, 8)
            .expect("two images");
        let pairs = ImagePairs::drawn_from(&targets, LineDrawing::Outline).padded(2);
        assert_eq!((pairs.len(), pairs.inputs.rows), (2, 12));
        assert_eq!(pairs.targets.labels, Some(vec![1, 2]));
        assert_eq!(pairs.inputs.images.iter().filter(|&&v| v > 0).count(), 12);
        let other = ImageSet::from_raw(vec![0; 49], None, 7, 7).expect("one image");
        assert!(matches!(
            ImagePairs::new(other, targets),
            Err(Error::ShapeMismatch(_))
        ));
    }
}
