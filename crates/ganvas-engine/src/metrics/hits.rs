//! Reading class logits read back from a device: the most likely class of a row, and how many
//! rows name their label.

/// Index of the largest value (the first on ties; 0 for an empty row).
pub fn argmax(row: &[f32]) -> usize {
    row.iter()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |best, (i, &v)| {
            if v > best.1 { (i, v) } else { best }
        })
        .0
}

/// How many rows of `logits` (`labels.len()` rows of equal length, row-major) have their
/// label as the most likely class.
pub fn class_hits(logits: &[f32], labels: &[u8]) -> usize {
    let classes = logits.len() / labels.len().max(1);
    logits
        .chunks_exact(classes.max(1))
        .zip(labels)
        .filter(|&(row, &label)| argmax(row) == usize::from(label))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_largest_value_wins_and_rows_are_counted_against_their_labels() {
        assert_eq!(argmax(&[0.1, 3.0, -2.0, 3.0]), 1);
        assert_eq!(argmax(&[0.1, 0.7, 0.7, -1.0]), 1);
        assert_eq!(argmax(&[]), 0);
        assert_eq!(argmax(&[f32::NAN, 1.0]), 1);
        let logits = [
            0.0, 1.0, 0.0, /* */ 2.0, 1.0, 0.0, /* */ 0.0, 0.0, 5.0,
        ];
        assert_eq!(class_hits(&logits, &[1, 1, 2]), 2);
        assert_eq!(class_hits(&[], &[]), 0);
    }
}
