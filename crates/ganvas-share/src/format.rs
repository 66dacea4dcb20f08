//! The binary format, versions 1 and 2. All integers little-endian.
//!
//! Version 2 adds one optional section, the averaged generator (flag bit 2); a model without
//! it is still written as version 1, byte for byte as before, so older builds open it.
//!
//! ```text
//! header (16 bytes, uncompressed)
//!   0  "GNVS"            magic
//!   4  u8 version        = 1, or 2 when flag bit 2 is set
//!   5  u8 precision      0 = f32, 1 = f16, 2–8 = that many bits per value, scale per row
//!   6  u8 flags          bit 0: discriminator present, bit 1: optimiser state present,
//!                        bit 2: averaged generator present (version 2)
//!   7  u8 reserved       = 0
//!   8  u32 body length   uncompressed, at most 256 MiB
//!  12  u32 CRC-32        of the uncompressed body
//! body (raw DEFLATE)
//!   u32 length + UTF-8   the engine's configuration (JSON)
//!   u32 length + UTF-8   the app's settings (may be empty)
//!   u64                  training steps
//!   tensor list          the generator             (at `precision`)
//!   tensor list          the discriminator, if flagged (at `precision`)
//!   2 × optimiser        G's then D's, if flagged:
//!                        u8 length + name, u64 step, tensor list (always f32)
//!   tensor list          the averaged generator, if flagged (at `precision`)
//! tensor list: u32 count (≤ 4,096), then per tensor
//!   u8 rank (1–4), rank × u32 dims, values (see `precision.rs`; rows are the last dim)
//! ```
//!
//! Sizes are checked against the bytes actually present before anything is allocated, so a
//! short or hostile input costs no more memory than its own length allows.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

use crate::error::{Result, ShareError, damaged};
use crate::payload::{ModelPayload, OptimizerValues, TensorValues};
use crate::precision::{Precision, read_values, write_values};

/// The first four bytes of every model.
pub const MAGIC: &[u8; 4] = b"GNVS";
/// The newest format version this build reads and writes (it writes version 1 when a model
/// needs nothing newer).
pub const VERSION: u8 = 2;
/// Largest uncompressed body accepted.
pub const MAX_BODY_BYTES: usize = 256 << 20;
const HEADER_BYTES: usize = 16;
const MAX_TENSORS: usize = 4096;
const MAX_RANK: usize = 4;
const FLAG_DISCRIMINATOR: u8 = 1;
const FLAG_OPTIMIZERS: u8 = 2;
const FLAG_AVERAGED: u8 = 4;

/// Encodes `model`, storing network values at `precision` (optimiser state always at `f32`).
pub fn encode(model: &ModelPayload, precision: Precision) -> Result<Vec<u8>> {
    let precision = precision.validate()?;
    let mut body = Vec::new();
    put_u32(&mut body, model.config_json.len())?;
    body.extend(model.config_json.as_bytes());
    put_u32(&mut body, model.settings.len())?;
    body.extend(model.settings.as_bytes());
    body.extend(model.step.to_le_bytes());
    let mut index = 0;
    put_tensors(&mut body, &model.generator, precision, &mut index)?;
    let mut flags = 0;
    if let Some(discriminator) = &model.discriminator {
        flags |= FLAG_DISCRIMINATOR;
        put_tensors(&mut body, discriminator, precision, &mut index)?;
    }
    if let Some(optimizers) = &model.optimizers {
        flags |= FLAG_OPTIMIZERS;
        for optimizer in optimizers {
            let name = optimizer.kind.as_bytes();
            let length = u8::try_from(name.len())
                .map_err(|_| ShareError::Precision("optimiser name too long".into()))?;
            body.push(length);
            body.extend(name);
            body.extend(optimizer.step.to_le_bytes());
            put_tensors(&mut body, &optimizer.tensors, Precision::F32, &mut index)?;
        }
    }
    if let Some(averaged) = &model.averaged_generator {
        flags |= FLAG_AVERAGED;
        put_tensors(&mut body, averaged, precision, &mut index)?;
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(ShareError::Precision(format!(
            "the model needs {} MiB, more than the format's {} MiB",
            body.len() >> 20,
            MAX_BODY_BYTES >> 20
        )));
    }
    let mut out = Vec::with_capacity(HEADER_BYTES + body.len() / 2);
    out.extend(MAGIC);
    let version = if flags & FLAG_AVERAGED == 0 { 1 } else { 2 };
    out.extend([version, precision.code(), flags, 0]);
    put_u32(&mut out, body.len())?;
    out.extend(crc32(&body).to_le_bytes());
    let mut encoder = DeflateEncoder::new(out, Compression::best());
    encoder
        .write_all(&body)
        .map_err(|e| ShareError::Precision(format!("compression failed: {e}")))?;
    encoder
        .finish()
        .map_err(|e| ShareError::Precision(format!("compression failed: {e}")))
}

/// Decodes what [`encode`] wrote (this or any earlier format version).
pub fn decode(bytes: &[u8]) -> Result<ModelPayload> {
    if bytes.len() < MAGIC.len() || &bytes[..4] != MAGIC {
        return Err(ShareError::NotGanvas);
    }
    if bytes.len() < HEADER_BYTES {
        return Err(damaged("it ends inside its header"));
    }
    let version = bytes[4];
    if version > VERSION {
        return Err(ShareError::FutureVersion {
            found: version,
            supported: VERSION,
        });
    }
    if version == 0 {
        return Err(damaged("version 0 does not exist"));
    }
    let precision = Precision::from_code(bytes[5])?;
    let flags = bytes[6];
    let known = match version {
        1 => FLAG_DISCRIMINATOR | FLAG_OPTIMIZERS,
        _ => FLAG_DISCRIMINATOR | FLAG_OPTIMIZERS | FLAG_AVERAGED,
    };
    if flags & !known != 0 || bytes[7] != 0 {
        return Err(damaged("unknown flags"));
    }
    let body_len = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize;
    let crc = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]);
    if body_len > MAX_BODY_BYTES {
        return Err(damaged("it claims to be larger than any model"));
    }
    let mut body = Vec::with_capacity(body_len.min(bytes.len().saturating_mul(64)));
    DeflateDecoder::new(&bytes[HEADER_BYTES..])
        .take(body_len as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|_| damaged("its compressed data is broken"))?;
    if body.len() != body_len {
        return Err(damaged("it is cut short or padded"));
    }
    if crc32(&body) != crc {
        return Err(damaged("its checksum does not match"));
    }
    let mut reader = Reader { bytes: &body };
    let config_len = reader.u32()?;
    let config_json = String::from_utf8(reader.take(config_len)?.to_vec())
        .map_err(|_| damaged("its configuration is not text"))?;
    let settings_len = reader.u32()?;
    let settings = String::from_utf8(reader.take(settings_len)?.to_vec())
        .map_err(|_| damaged("its settings are not text"))?;
    let step = reader.u64()?;
    let generator = reader.tensors(precision)?;
    let discriminator = (flags & FLAG_DISCRIMINATOR != 0)
        .then(|| reader.tensors(precision))
        .transpose()?;
    let optimizers = if flags & FLAG_OPTIMIZERS == 0 {
        None
    } else {
        Some([reader.optimizer()?, reader.optimizer()?])
    };
    let averaged_generator = (flags & FLAG_AVERAGED != 0)
        .then(|| reader.tensors(precision))
        .transpose()?;
    if !reader.bytes.is_empty() {
        return Err(damaged("it has bytes after its last tensor"));
    }
    Ok(ModelPayload {
        config_json,
        settings,
        step,
        generator,
        averaged_generator,
        discriminator,
        optimizers,
    })
}

fn put_u32(out: &mut Vec<u8>, value: usize) -> Result<()> {
    let value =
        u32::try_from(value).map_err(|_| ShareError::Precision("a size over 4 GiB".into()))?;
    out.extend(value.to_le_bytes());
    Ok(())
}

fn put_tensors(
    out: &mut Vec<u8>,
    tensors: &[TensorValues],
    precision: Precision,
    index: &mut usize,
) -> Result<()> {
    if tensors.len() > MAX_TENSORS {
        return Err(ShareError::Precision(format!(
            "more than {MAX_TENSORS} tensors"
        )));
    }
    put_u32(out, tensors.len())?;
    for tensor in tensors {
        let count: usize = tensor.shape.iter().product();
        if tensor.shape.is_empty() || tensor.shape.len() > MAX_RANK || count != tensor.values.len()
        {
            return Err(ShareError::Precision(format!(
                "tensor {index} has shape {:?} for {} values",
                tensor.shape,
                tensor.values.len()
            )));
        }
        if tensor.values.iter().any(|v| !v.is_finite()) {
            return Err(ShareError::NotFinite { tensor: *index });
        }
        out.push(tensor.shape.len() as u8);
        for &dim in &tensor.shape {
            put_u32(out, dim)?;
        }
        let row = *tensor.shape.last().expect("rank checked above");
        write_values(out, &tensor.values, row, precision);
        *index += 1;
    }
    Ok(())
}

/// Reads the body front to back; every read checks what is left first.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
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

    fn u32(&mut self) -> Result<usize> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }

    fn u64(&mut self) -> Result<u64> {
        let b = self.take(8)?;
        let mut array = [0; 8];
        array.copy_from_slice(b);
        Ok(u64::from_le_bytes(array))
    }

    fn tensors(&mut self, precision: Precision) -> Result<Vec<TensorValues>> {
        let count = self.u32()?;
        if count > MAX_TENSORS {
            return Err(damaged("it lists too many tensors"));
        }
        let mut tensors = Vec::with_capacity(count);
        for _ in 0..count {
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
            let row = *shape.last().expect("rank ≥ 1");
            if n > 0 && row == 0 {
                return Err(damaged("a tensor has empty rows"));
            }
            let stored = precision
                .stored_bytes(n, row)
                .ok_or_else(|| damaged("a tensor is impossibly large"))?;
            let bytes = self.take(stored)?;
            tensors.push(TensorValues {
                values: read_values(bytes, n, row, precision),
                shape,
            });
        }
        Ok(tensors)
    }

    fn optimizer(&mut self) -> Result<OptimizerValues> {
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

/// CRC-32 (IEEE), as zlib and PNG use it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}
