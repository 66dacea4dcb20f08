//! How network values are stored: full `f32`, `f16`, or `bits`-bit integers with one `f32`
//! scale per row (a row is the last dimension; a 1-D tensor is one row; from format version 4,
//! a row of a tensor of rank 3 or more is a whole output channel, e.g. `in × k × k` values of
//! a convolution's `[out, in, k, k]` kernel, see [`row_length`]).
//!
//! Error bounds (tested): `F32` is exact; `F16` rounds each value to the nearest `f16`
//! (relative error ≤ 2⁻¹¹ for normal values, absolute ≤ 2⁻²⁵ near zero); `Quantized { bits }`
//! stores `q = round(v / s)` with `s = max|row| / (2^(bits−1) − 1)`, so each value comes back
//! within `s / 2` (plus `f32` rounding).

use std::fmt;
use std::str::FromStr;

use crate::error::{Result, ShareError};

/// Storage precision of network values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// 32-bit floats: exact (files, resuming training).
    F32,
    /// 16-bit floats.
    F16,
    /// Signed integers of `bits` bits (2–8) with a scale per row.
    Quantized {
        /// Bits per value.
        bits: u8,
    },
}

impl Precision {
    /// The byte that names this precision in the format.
    pub(crate) fn code(self) -> u8 {
        match self {
            Precision::F32 => 0,
            Precision::F16 => 1,
            Precision::Quantized { bits } => bits,
        }
    }

    /// Reads [`Precision::code`].
    pub(crate) fn from_code(code: u8) -> Result<Self> {
        match code {
            0 => Ok(Precision::F32),
            1 => Ok(Precision::F16),
            2..=8 => Ok(Precision::Quantized { bits: code }),
            _ => Err(ShareError::Damaged(format!("unknown precision {code}"))),
        }
    }

    /// Checks a precision before use.
    pub fn validate(self) -> Result<Self> {
        match self {
            Precision::Quantized { bits } if !(2..=8).contains(&bits) => Err(
                ShareError::Precision(format!("{bits}-bit quantisation (2–8 bits supported)")),
            ),
            _ => Ok(self),
        }
    }

    /// Bytes needed for `n` values in rows of `row` values (an upper bound before reading).
    pub(crate) fn stored_bytes(self, n: usize, row: usize) -> Option<usize> {
        match self {
            Precision::F32 => n.checked_mul(4),
            Precision::F16 => n.checked_mul(2),
            Precision::Quantized { bits } => {
                let rows = n.checked_div(row.max(1))?;
                let packed = n.checked_mul(usize::from(bits))?.div_ceil(8);
                rows.checked_mul(4)?.checked_add(packed)
            }
        }
    }
}

/// Values per quantisation row of a tensor of `shape`: the last dimension, or (with
/// `channel_rows`, format version 4) everything after the first dimension for tensors of rank
/// 3 or more. A convolution's rows are then its output channels' whole kernels rather than
/// single kernel rows of 3 or 5 values, each of which would carry its own 4-byte scale.
pub(crate) fn row_length(shape: &[usize], channel_rows: bool) -> usize {
    if channel_rows && shape.len() >= 3 {
        shape[1..].iter().product()
    } else {
        shape.last().copied().unwrap_or(0)
    }
}

impl fmt::Display for Precision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Precision::F32 => f.write_str("f32"),
            Precision::F16 => f.write_str("f16"),
            Precision::Quantized { bits } => write!(f, "q{bits}"),
        }
    }
}

impl FromStr for Precision {
    type Err = ShareError;

    /// `f32`, `f16`, or `q2` … `q8`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "f32" => Ok(Precision::F32),
            "f16" => Ok(Precision::F16),
            _ => s
                .strip_prefix('q')
                .and_then(|b| b.parse::<u8>().ok())
                .map(|bits| Precision::Quantized { bits })
                .ok_or_else(|| ShareError::Precision(s.to_string()))?
                .validate(),
        }
    }
}

/// Appends `values` (rows of `row`) at `precision`.
pub(crate) fn write_values(out: &mut Vec<u8>, values: &[f32], row: usize, precision: Precision) {
    match precision {
        Precision::F32 => values.iter().for_each(|v| out.extend(v.to_le_bytes())),
        Precision::F16 => values
            .iter()
            .for_each(|v| out.extend(half::f16::from_f32(*v).to_bits().to_le_bytes())),
        Precision::Quantized { bits } => {
            let levels = f32::from((1_u16 << (bits - 1)) - 1);
            let row = row.max(1);
            let mut packer = BitPacker::new(bits);
            let mut scales = Vec::with_capacity(values.len() / row * 4);
            for chunk in values.chunks(row) {
                let largest = chunk.iter().fold(0.0_f32, |m, v| m.max(v.abs()));
                let scale = if largest > 0.0 { largest / levels } else { 0.0 };
                scales.extend(scale.to_le_bytes());
                for &v in chunk {
                    let q = if scale > 0.0 {
                        (v / scale).round().clamp(-levels, levels)
                    } else {
                        0.0
                    };
                    packer.push(q as i32);
                }
            }
            out.extend(scales);
            out.extend(packer.finish());
        }
    }
}

/// Reads `n` values (rows of `row`) stored at `precision` from `bytes`, which holds exactly
/// [`Precision::stored_bytes`] of them.
pub(crate) fn read_values(bytes: &[u8], n: usize, row: usize, precision: Precision) -> Vec<f32> {
    match precision {
        Precision::F32 => bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
        Precision::F16 => bytes
            .chunks_exact(2)
            .map(|b| half::f16::from_bits(u16::from_le_bytes([b[0], b[1]])).to_f32())
            .collect(),
        Precision::Quantized { bits } => {
            let row = row.max(1);
            let rows = n / row;
            let (scales, packed) = bytes.split_at(rows * 4);
            let mut unpacker = BitUnpacker::new(packed, bits);
            let mut values = Vec::with_capacity(n);
            for scale in scales.chunks_exact(4) {
                let scale = f32::from_le_bytes([scale[0], scale[1], scale[2], scale[3]]);
                for _ in 0..row {
                    values.push(unpacker.next() as f32 * scale);
                }
            }
            values
        }
    }
}

/// Packs signed integers of `bits` bits, least significant bit first.
struct BitPacker {
    bits: u8,
    bytes: Vec<u8>,
    buffer: u32,
    filled: u8,
}

impl BitPacker {
    fn new(bits: u8) -> Self {
        Self {
            bits,
            bytes: Vec::new(),
            buffer: 0,
            filled: 0,
        }
    }

    fn push(&mut self, value: i32) {
        let mask = (1_u32 << self.bits) - 1;
        self.buffer |= (value as u32 & mask) << self.filled;
        self.filled += self.bits;
        while self.filled >= 8 {
            self.bytes.push(self.buffer as u8);
            self.buffer >>= 8;
            self.filled -= 8;
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.filled > 0 {
            self.bytes.push(self.buffer as u8);
        }
        self.bytes
    }
}

/// Reads what [`BitPacker`] wrote.
struct BitUnpacker<'a> {
    bytes: &'a [u8],
    bits: u8,
    next_byte: usize,
    buffer: u32,
    filled: u8,
}

impl<'a> BitUnpacker<'a> {
    fn new(bytes: &'a [u8], bits: u8) -> Self {
        Self {
            bytes,
            bits,
            next_byte: 0,
            buffer: 0,
            filled: 0,
        }
    }

    fn next(&mut self) -> i32 {
        while self.filled < self.bits {
            let byte = self.bytes.get(self.next_byte).copied().unwrap_or(0);
            self.buffer |= u32::from(byte) << self.filled;
            self.next_byte += 1;
            self.filled += 8;
        }
        let mask = (1_u32 << self.bits) - 1;
        let raw = self.buffer & mask;
        self.buffer >>= self.bits;
        self.filled -= self.bits;
        // Sign-extend from `bits` bits.
        let shift = 32 - u32::from(self.bits);
        ((raw << shift) as i32) >> shift
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(values: &[f32], row: usize, precision: Precision) -> Vec<f32> {
        let mut bytes = Vec::new();
        write_values(&mut bytes, values, row, precision);
        assert_eq!(
            Some(bytes.len()),
            precision.stored_bytes(values.len(), row),
            "{precision}"
        );
        read_values(&bytes, values.len(), row, precision)
    }

    fn wavy(n: usize) -> Vec<f32> {
        (0..n)
            .map(|i| ((i as f32) * 0.37).sin() * (1.0 + (i % 7) as f32))
            .collect()
    }

    #[test]
    fn f32_is_exact_and_f16_rounds_to_the_nearest_half() {
        let values = wavy(100);
        assert_eq!(round_trip(&values, 10, Precision::F32), values);
        for (v, back) in values.iter().zip(round_trip(&values, 10, Precision::F16)) {
            assert!(
                (v - back).abs() <= v.abs() * 2.0_f32.powi(-11) + 1e-7,
                "{v} → {back}"
            );
        }
    }

    #[test]
    fn quantised_values_come_back_within_half_a_step_of_their_row() {
        let values = wavy(120);
        for bits in 2..=8 {
            let back = round_trip(&values, 12, Precision::Quantized { bits });
            let levels = ((1 << (bits - 1)) - 1) as f32;
            for (row, (orig, got)) in values.chunks(12).zip(back.chunks(12)).enumerate() {
                let step = orig.iter().fold(0.0_f32, |m, v| m.max(v.abs())) / levels;
                for (v, b) in orig.iter().zip(got) {
                    assert!(
                        (v - b).abs() <= step / 2.0 * (1.0 + 1e-5) + 1e-7,
                        "q{bits} row {row}: {v} → {b} (step {step})"
                    );
                }
            }
        }
    }

    #[test]
    fn zero_rows_and_ragged_packing_survive() {
        let values = vec![0.0; 9];
        assert_eq!(
            round_trip(&values, 3, Precision::Quantized { bits: 3 }),
            values
        );
        let values = [1.0, -1.0, 0.5, -0.5, 0.25];
        let back = round_trip(&values, 5, Precision::Quantized { bits: 5 });
        assert!(
            values.iter().zip(&back).all(|(a, b)| (a - b).abs() < 0.04),
            "{back:?}"
        );
    }

    #[test]
    fn names_parse_and_print() {
        for name in ["f32", "f16", "q2", "q6", "q8"] {
            assert_eq!(name.parse::<Precision>().expect(name).to_string(), name);
        }
        for bad in ["q1", "q9", "f64", "", "q"] {
            assert!(bad.parse::<Precision>().is_err(), "{bad}");
        }
    }
}
