//! The drawing pad's pictures in a generator's units and back: a pad is `28²` values in
//! [0, 1] (1 where drawn); the generators see `(28 + 2·BORDER)²` values in [−1, 1].

use ganvas_engine::data::pairs::crop;
use ganvas_engine::{Error, Result};

use super::pairs::BORDER;

/// A drawing (`(side − 2·BORDER)²` finite values in [0, 1]) as one image `[side²]` for a
/// generator of side `side`: scaled into [−1, 1] and padded with black; anything else is
/// refused in words.
pub(super) fn padded_drawing(drawing: &[f32], side: usize) -> Result<Vec<f32>> {
    let inner = side - 2 * BORDER;
    if drawing.len() != inner * inner || drawing.iter().any(|v| !v.is_finite()) {
        return Err(Error::ShapeMismatch(format!(
            "a drawing is {inner}×{inner} finite values; this one has {}",
            drawing.len()
        )));
    }
    // [side²], black (−1) around the drawing.
    let mut padded = vec![-1.0; side * side];
    for (r, row) in drawing.chunks_exact(inner).enumerate() {
        for (c, &v) in row.iter().enumerate() {
            padded[(r + BORDER) * side + c + BORDER] = v.clamp(0.0, 1.0) * 2.0 - 1.0;
        }
    }
    Ok(padded)
}

/// A generator's images (`[n, side²]` in [−1, 1]) in the pad's units: cropped to
/// `[n, (side − 2·BORDER)²]` and scaled into [0, 1].
pub(super) fn as_drawings(images: &[f32], side: usize) -> Vec<f32> {
    crop(images, side, BORDER)
        .into_iter()
        .map(|v| f32::midpoint(v.clamp(-1.0, 1.0), 1.0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawing_is_padded_and_comes_back_as_it_was() {
        let side = 4 + 2 * BORDER;
        let drawing: Vec<f32> = (0..16).map(|i| i as f32 / 15.0).collect();
        let padded = padded_drawing(&drawing, side).expect("a 4×4 drawing");
        assert_eq!(padded.len(), side * side);
        assert!((padded[0] + 1.0).abs() < 1e-6, "the border is black");
        let back = as_drawings(&padded, side);
        assert_eq!(back.len(), 16);
        assert!(back.iter().zip(&drawing).all(|(a, b)| (a - b).abs() < 1e-6));
    }

    #[test]
    fn a_drawing_of_the_wrong_size_or_with_nan_is_refused_in_words() {
        let side = 4 + 2 * BORDER;
        let why = padded_drawing(&[0.0; 15], side).expect_err("15 values");
        assert!(why.to_string().contains("4×4"), "{why}");
        let mut nan = vec![0.0; 16];
        nan[3] = f32::NAN;
        assert!(padded_drawing(&nan, side).is_err());
    }
}
