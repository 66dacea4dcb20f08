//! The binary format, versions 1 to 4. All integers little-endian.
//!
//! Version 2 adds one optional section, the averaged generator (flag bit 2); version 3 adds
//! the model's kind (flag bit 3) for models other than GANs from noise, such as Pix2Pix;
//! version 4 quantises convolutions by output channel (flag bit 4): at 2–8 bits, a row of a
//! tensor of rank 3 or more is everything after its first dimension rather than its last
//! dimension alone, so a 3×3 kernel's nine values per input channel share one scale instead
//! of three. A model that needs none of these is still written as version 1, byte for byte as
//! before, and one with an averaged generator as version 2, so older builds open them; an
//! older build says a newer model comes from a newer GANvas.
//!
//! ```text
//! header (16 bytes, uncompressed)
//!   0  "GNVS"            magic
//!   4  u8 version        = 1, 2 when flag bit 2 is set, 3 when flag bit 3 is set, 4 when
//!                        flag bit 4 is set
//!   5  u8 precision      0 = f32, 1 = f16, 2–8 = that many bits per value, scale per row
//!   6  u8 flags          bit 0: discriminator present, bit 1: optimiser state present,
//!                        bit 2: averaged generator present (version 2),
//!                        bit 3: model kind present (version 3),
//!                        bit 4: quantised rows are output channels (version 4)
//!   7  u8 reserved       = 0
//!   8  u32 body length   uncompressed, at most 256 MiB
//!  12  u32 CRC-32        of the uncompressed body
//! body (raw DEFLATE)
//!   u8 length + name     the model's kind, if flagged (1–32 of a–z, 0–9, -; e.g. pix2pix)
//!   u32 length + UTF-8   the engine's configuration (JSON)
//!   u32 length + UTF-8   the app's settings (may be empty)
//!   u64                  training steps
//!   tensor list          the generator (the network that makes images; at `precision`)
//!   tensor list          the discriminator, if flagged (at `precision`)
//!   2 × optimiser        G's then D's, if flagged:
//!                        u8 length + name, u64 step, tensor list (always f32)
//!   tensor list          the averaged generator, if flagged (at `precision`)
//! tensor list: u32 count (≤ 4,096), then per tensor
//!   u8 rank (1–4), rank × u32 dims, values (see `precision.rs`; rows are the last dim, or
//!   with flag bit 4 all dims after the first for rank ≥ 3)
//! ```
//!
//! Sizes are checked against the bytes actually present and against [`Limits`] before anything
//! is allocated (the input's size, the body's, the configuration's and settings', and the
//! number of values over all tensors), and non-finite values are refused, so a hostile input
//! costs at most [`Limits::allocation_bound`] and yields no NaN.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;

use crate::error::{Result, ShareError, damaged};
pub use crate::limits::MAX_BODY_BYTES;
use crate::limits::{Limits, MAX_CONFIG_BYTES, MAX_SETTINGS_BYTES};
use crate::payload::{ModelPayload, TensorValues};
use crate::precision::{Precision, row_length, write_values};
use crate::reader::{MAX_KIND_BYTES, MAX_RANK, MAX_TENSORS, Reader, valid_kind};

/// The first four bytes of every model.
pub const MAGIC: &[u8; 4] = b"GNVS";
/// The newest format version this build reads and writes (it writes version 1 when a model
/// needs nothing newer).
pub const VERSION: u8 = 4;
const HEADER_BYTES: usize = 16;
const FLAG_DISCRIMINATOR: u8 = 1;
const FLAG_OPTIMIZERS: u8 = 2;
const FLAG_AVERAGED: u8 = 4;
const FLAG_KIND: u8 = 8;
const FLAG_CHANNEL_ROWS: u8 = 16;

/// How hard [`encode_with`] compresses the body. Both give the same format (raw DEFLATE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    /// DEFLATE's best: files and links, written once and sent over the network.
    Smallest,
    /// Stored blocks, about as fast as a copy: checkpoints taken while training, where
    /// compressing megabytes of `f32` weights (which shrink by a tenth at best) would stall
    /// the page's thread.
    Fastest,
}

/// Encodes `model`, storing network values at `precision` (optimiser state always at `f32`),
/// compressed as well as DEFLATE can.
pub fn encode(model: &ModelPayload, precision: Precision) -> Result<Vec<u8>> {
    encode_with(model, precision, Packing::Smallest)
}

/// [`encode`] with a choice of compression effort; [`decode`] reads both.
pub fn encode_with(
    model: &ModelPayload,
    precision: Precision,
    packing: Packing,
) -> Result<Vec<u8>> {
    let precision = precision.validate()?;
    if model.config_json.len() > MAX_CONFIG_BYTES || model.settings.len() > MAX_SETTINGS_BYTES {
        return Err(ShareError::Precision(format!(
            "a configuration over {} KB or settings over {} KB",
            MAX_CONFIG_BYTES >> 10,
            MAX_SETTINGS_BYTES >> 10
        )));
    }
    let mut body = Vec::new();
    let mut flags = 0;
    if let Some(kind) = &model.kind {
        if !valid_kind(kind.as_bytes()) {
            return Err(ShareError::Precision(format!(
                "“{kind}” is not a model kind: 1–{MAX_KIND_BYTES} of a–z, 0–9 and -"
            )));
        }
        flags |= FLAG_KIND;
        body.push(kind.len() as u8);
        body.extend(kind.as_bytes());
    }
    put_u32(&mut body, model.config_json.len())?;
    body.extend(model.config_json.as_bytes());
    put_u32(&mut body, model.settings.len())?;
    body.extend(model.settings.as_bytes());
    body.extend(model.step.to_le_bytes());
    // Quantised convolutions scale by output channel (version 4); nothing else changes, so a
    // model without them is written as before and older builds still open it.
    let channel_rows = matches!(precision, Precision::Quantized { .. })
        && model.networks().any(|t| t.shape.len() >= 3);
    if channel_rows {
        flags |= FLAG_CHANNEL_ROWS;
    }
    let mut index = 0;
    let put_tensors =
        |body: &mut Vec<u8>, tensors: &[TensorValues], precision: Precision, index: &mut usize| {
            put_tensors(body, tensors, precision, channel_rows, index)
        };
    put_tensors(&mut body, &model.generator, precision, &mut index)?;
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
    let version = if flags & FLAG_CHANNEL_ROWS != 0 {
        4
    } else if flags & FLAG_KIND != 0 {
        3
    } else if flags & FLAG_AVERAGED != 0 {
        2
    } else {
        1
    };
    out.extend([version, precision.code(), flags, 0]);
    put_u32(&mut out, body.len())?;
    out.extend(crc32(&body).to_le_bytes());
    let level = match packing {
        Packing::Smallest => Compression::best(),
        Packing::Fastest => Compression::none(),
    };
    let mut encoder = DeflateEncoder::new(out, level);
    encoder
        .write_all(&body)
        .map_err(|e| ShareError::Precision(format!("compression failed: {e}")))?;
    encoder
        .finish()
        .map_err(|e| ShareError::Precision(format!("compression failed: {e}")))
}

/// Decodes what [`encode`] wrote (this or any earlier format version), within
/// [`Limits::FILE`].
pub fn decode(bytes: &[u8]) -> Result<ModelPayload> {
    decode_with(bytes, &Limits::FILE)
}

/// Decodes what [`encode`] wrote within `limits`: every size is checked against them and
/// against the bytes present before it is allocated, and non-finite values are refused.
pub fn decode_with(bytes: &[u8], limits: &Limits) -> Result<ModelPayload> {
    if bytes.len() < MAGIC.len() || &bytes[..4] != MAGIC {
        return Err(ShareError::NotGanvas);
    }
    if bytes.len() > limits.max_input_bytes {
        return Err(damaged(format!(
            "it is {} KB, more than the {} KB a model may take",
            bytes.len() >> 10,
            limits.max_input_bytes >> 10
        )));
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
        2 => FLAG_DISCRIMINATOR | FLAG_OPTIMIZERS | FLAG_AVERAGED,
        3 => FLAG_DISCRIMINATOR | FLAG_OPTIMIZERS | FLAG_AVERAGED | FLAG_KIND,
        _ => FLAG_DISCRIMINATOR | FLAG_OPTIMIZERS | FLAG_AVERAGED | FLAG_KIND | FLAG_CHANNEL_ROWS,
    };
    if flags & !known != 0 || bytes[7] != 0 {
        return Err(damaged("unknown flags"));
    }
    let body_len = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize;
    let crc = u32::from_le_bytes([bytes[12], bytes[13], bytes[14], bytes[15]]);
    if body_len > limits.max_body_bytes {
        return Err(damaged(format!(
            "it claims {} KB of model, more than the {} KB it may hold",
            body_len >> 10,
            limits.max_body_bytes >> 10
        )));
    }
    let body = inflate(&bytes[HEADER_BYTES..], body_len)?;
    if body.len() != body_len {
        return Err(damaged("it is cut short or padded"));
    }
    if crc32(&body) != crc {
        return Err(damaged("its checksum does not match"));
    }
    let mut reader = Reader::new(&body, limits);
    reader.channel_rows = flags & FLAG_CHANNEL_ROWS != 0;
    let kind = (flags & FLAG_KIND != 0)
        .then(|| reader.kind())
        .transpose()?;
    let config_json = reader.text(MAX_CONFIG_BYTES, "configuration")?;
    let settings = reader.text(MAX_SETTINGS_BYTES, "settings")?;
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
        kind,
        config_json,
        settings,
        step,
        generator,
        averaged_generator,
        discriminator,
        optimizers,
    })
}

/// Decompresses at most `body_len + 1` bytes (one more shows padding). The buffer grows with
/// the data actually present, doubling but never past `body_len + 1`, so a lying header costs
/// nothing and a true one no more than its body.
fn inflate(compressed: &[u8], body_len: usize) -> Result<Vec<u8>> {
    let most = body_len + 1;
    let mut body = Vec::with_capacity(most.min(compressed.len().saturating_mul(64)));
    let mut reader = DeflateDecoder::new(compressed).take(most as u64);
    let mut chunk = [0_u8; 16 << 10];
    loop {
        let n = reader
            .read(&mut chunk)
            .map_err(|_| damaged("its compressed data is broken"))?;
        if n == 0 {
            return Ok(body);
        }
        if body.len() + n > body.capacity() {
            let wanted = (body.capacity() * 2).clamp(body.len() + n, most);
            body.reserve_exact(wanted - body.len());
        }
        body.extend_from_slice(&chunk[..n]);
    }
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
    channel_rows: bool,
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
        let row = row_length(&tensor.shape, channel_rows);
        write_values(out, &tensor.values, row, precision);
        *index += 1;
    }
    Ok(())
}

/// CRC-32 (IEEE), as zlib and PNG use it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}
