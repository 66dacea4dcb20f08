//! Reads a body front to back; every read checks what is left first, and values are counted
//! against [`Limits::max_values`] before they are allocated.

use crate::error::{Result, damaged};
use crate::limits::Limits;
use crate::payload::{OptimizerValues, TensorValues};
use crate::precision::{Precision, read_values, row_length};

/// Most tensors in one list.
pub(crate) const MAX_TENSORS: usize = 4096;
/// Most dimensions of a tensor.
pub(crate) const MAX_RANK: usize = 4;

/// A body being read.
pub(crate) struct Reader<'a> {
    /// What is left to read.
    pub(crate) bytes: &'a [u8],
    /// Values still allowed.
    values_left: usize,
    /// Tensors read so far (for messages).
    tensor_index: usize,
    /// Quantised rows of tensors of rank 3 or more are whole output channels (format 4).
    pub(crate) channel_rows: bool,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], limits: &Limits) -> Self {
        Self {
            bytes,
            values_left: limits.max_values,
            tensor_index: 0,
            channel_rows: false,
        }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.bytes.len() {
            return Err(damaged("it ends too early"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn u32(&mut self) -> Result<usize> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    pub(crate) fn u64(&mut self) -> Result<u64> {
        let b = self.take(8)?;
        let mut array = [0; 8];
        array.copy_from_slice(b);
        Ok(u64::from_le_bytes(array))
    }

    /// A length-prefixed UTF-8 section of at most `max` bytes.
    pub(crate) fn text(&mut self, max: usize, what: &str) -> Result<String> {
        let length = self.u32()?;
        if length > max {
            return Err(damaged(format!(
                "its {what} would take {length} bytes, more than the {max} allowed"
            )));
        }
        String::from_utf8(self.take(length)?.to_vec())
            .map_err(|_| damaged(format!("its {what} is not text")))
    }

    pub(crate) fn tensors(&mut self, precision: Precision) -> Result<Vec<TensorValues>> {
        let count = self.u32()?;
        if count > MAX_TENSORS {
            return Err(damaged("it lists too many tensors"));
        }
        // Each tensor takes at least 5 bytes: a list cannot promise more than that.
        let mut tensors = Vec::with_capacity(count.min(self.bytes.len() / 5));
        for _ in 0..count {
            tensors.push(self.tensor(precision)?);
        }
        Ok(tensors)
    }

    fn tensor(&mut self, precision: Precision) -> Result<TensorValues> {
        let rank = usize::from(self.u8()?);
        if rank == 0 || rank > MAX_RANK {
            return Err(damaged("a tensor has an impossible rank"));
        }
        let mut shape = Vec::with_capacity(rank);
        for _ in 0..rank {
            shape.push(self.u32()?);
        }
        let n = shape
            .iter()
            .try_fold(1_usize, |acc, &d| acc.checked_mul(d))
            .ok_or_else(|| damaged("a tensor is impossibly large"))?;
        if n > self.values_left {
            return Err(damaged(format!(
                "tensor {} claims {n} values, more than a model this size may hold",
                self.tensor_index
            )));
        }
        let row = row_length(&shape, self.channel_rows);
        if n > 0 && row == 0 {
            return Err(damaged("a tensor has empty rows"));
        }
        let stored = precision
            .stored_bytes(n, row)
            .ok_or_else(|| damaged("a tensor is impossibly large"))?;
        let values = read_values(self.take(stored)?, n, row, precision);
        if values.iter().any(|v| !v.is_finite()) {
            return Err(damaged(format!(
                "tensor {} holds values that are not numbers or are infinite",
                self.tensor_index
            )));
        }
        self.values_left -= n;
        self.tensor_index += 1;
        Ok(TensorValues { shape, values })
    }

    /// A model kind's name (format version 3): 1 to [`MAX_KIND_BYTES`] bytes of `a–z`, `0–9`
    /// and `-`.
    pub(crate) fn kind(&mut self) -> Result<String> {
        let length = usize::from(self.u8()?);
        let name = self.take(length)?;
        if !valid_kind(name) {
            return Err(damaged("its model kind is not a name"));
        }
        Ok(String::from_utf8_lossy(name).into_owned())
    }

    pub(crate) fn optimizer(&mut self) -> Result<OptimizerValues> {
        let length = usize::from(self.u8()?);
        let kind = String::from_utf8(self.take(length)?.to_vec())
            .map_err(|_| damaged("an optimiser name is not text"))?;
        let step = self.u64()?;
        let tensors = self.tensors(Precision::F32)?;
        Ok(OptimizerValues {
            kind,
            step,
            tensors,
        })
    }
}

/// Longest model kind name.
pub(crate) const MAX_KIND_BYTES: usize = 32;

/// Whether `name` is a model kind's name: 1 to [`MAX_KIND_BYTES`] bytes of `a–z`, `0–9`, `-`.
pub(crate) fn valid_kind(name: &[u8]) -> bool {
    (1..=MAX_KIND_BYTES).contains(&name.len())
        && name
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
