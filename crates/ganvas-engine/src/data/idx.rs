//! MNIST-style IDX files (optionally gzipped): decoding and encoding.
//!
//! An IDX file is a big-endian header `00 00 TT NN`, where `TT` is the element
//! type (only `0x08`, unsigned byte, is supported) and `NN` the number of
//! dimensions, then `NN` big-endian `u32` sizes, then the data row-major.

use std::io::Read;

use crate::error::{Error, Result};

/// Also reachable here: image sets are what IDX files are usually decoded into.
pub use crate::data::images::ImageSet;

/// Largest decompressed size accepted from a gzip stream (512 MiB).
const MAX_DECOMPRESSED_BYTES: u64 = 512 << 20;
/// The IDX element type for unsigned bytes.
const TYPE_U8: u8 = 0x08;
/// Element types the IDX format defines (u8, i8, i16, i32, f32, f64).
const KNOWN_TYPES: [u8; 6] = [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e];

/// A decoded IDX array of unsigned bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdxArray {
    /// Size of each dimension, outermost first.
    pub dims: Vec<usize>,
    /// Elements, row-major; `data.len()` is the product of `dims`.
    pub data: Vec<u8>,
}

/// Decodes an IDX file of unsigned bytes, gunzipping it first if it starts with `1f 8b`.
pub fn decode_idx(bytes: &[u8]) -> Result<IdxArray> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return decode_plain(&gunzip(bytes)?);
    }
    decode_plain(bytes)
}

/// Encodes `data` with shape `dims` as an uncompressed IDX file of unsigned bytes.
///
/// # Panics
/// If there are more than 255 dimensions, a dimension exceeds `u32::MAX`, or
/// `data.len()` is not the product of `dims` (all programming errors).
pub fn encode_idx_u8(dims: &[usize], data: &[u8]) -> Vec<u8> {
    let ndims = u8::try_from(dims.len()).expect("IDX allows at most 255 dimensions");
    assert_eq!(
        dims.iter().product::<usize>(),
        data.len(),
        "IDX data does not match its dims"
    );
    let mut out = Vec::with_capacity(4 + 4 * dims.len() + data.len());
    out.extend_from_slice(&[0, 0, TYPE_U8, ndims]);
    for &d in dims {
        let d = u32::try_from(d).expect("IDX dimensions fit in u32");
        out.extend_from_slice(&d.to_be_bytes());
    }
    out.extend_from_slice(data);
    out
}

/// Decompresses a gzip stream, refusing output beyond [`MAX_DECOMPRESSED_BYTES`].
fn gunzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(MAX_DECOMPRESSED_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::Gzip(e.to_string()))?;
    if out.len() as u64 > MAX_DECOMPRESSED_BYTES {
        return Err(Error::Gzip(format!(
            "decompressed data exceeds {} MiB",
            MAX_DECOMPRESSED_BYTES >> 20
        )));
    }
    Ok(out)
}

/// Decodes an uncompressed IDX file.
fn decode_plain(bytes: &[u8]) -> Result<IdxArray> {
    let truncated = |expected: usize| Error::IdxTruncated {
        expected,
        found: bytes.len(),
    };
    let Some(&[b0, b1, type_code, ndims]) = bytes.first_chunk::<4>() else {
        return Err(truncated(4));
    };
    if b0 != 0 || b1 != 0 || !KNOWN_TYPES.contains(&type_code) {
        let found = u32::from_be_bytes([b0, b1, type_code, ndims]);
        return Err(Error::IdxMagic { found });
    }
    if type_code != TYPE_U8 {
        return Err(Error::IdxUnsupported { type_code });
    }
    let header_len = 4 + 4 * usize::from(ndims);
    let Some(header) = bytes.get(4..header_len) else {
        return Err(truncated(header_len));
    };
    let dims: Vec<usize> = header
        .chunks_exact(4)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]) as usize)
        .collect();
    let overflow = || Error::ShapeMismatch(format!("IDX dimensions {dims:?} are too large"));
    let count = dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(overflow)?;
    let total = header_len.checked_add(count).ok_or_else(overflow)?;
    let Some(data) = bytes.get(header_len..total) else {
        return Err(truncated(total));
    };
    Ok(IdxArray {
        dims,
        data: data.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).expect("write to memory");
        enc.finish().expect("finish gzip")
    }

    #[test]
    fn round_trip_plain_and_gzip() {
        let data: Vec<u8> = (0..24).collect();
        let file = encode_idx_u8(&[2, 3, 4], &data);
        assert_eq!(&file[..8], &[0, 0, 8, 3, 0, 0, 0, 2]);
        let want = IdxArray {
            dims: vec![2, 3, 4],
            data,
        };
        assert_eq!(decode_idx(&file).expect("plain"), want);
        assert_eq!(decode_idx(&gzip(&file)).expect("gzip"), want);
    }

    #[test]
    fn bad_headers_are_typed_errors() {
        assert!(matches!(
            decode_idx(&[0, 0]),
            Err(Error::IdxTruncated {
                expected: 4,
                found: 2
            })
        ));
        assert!(matches!(
            decode_idx(b"PK\x03\x04rest"),
            Err(Error::IdxMagic { found: 0x504b_0304 })
        ));
        assert!(matches!(
            decode_idx(&[0, 0, 0x42, 1]),
            Err(Error::IdxMagic { .. })
        ));
        assert!(matches!(
            decode_idx(&[0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]),
            Err(Error::IdxUnsupported { type_code: 0x0d })
        ));
        assert!(matches!(
            decode_idx(&[0, 0, 8, 2, 0, 0]),
            Err(Error::IdxTruncated { .. })
        ));
    }

    #[test]
    fn truncated_data_and_overflow() {
        let mut file = encode_idx_u8(&[10], &[7; 10]);
        file.truncate(file.len() - 3);
        assert!(matches!(
            decode_idx(&file),
            Err(Error::IdxTruncated {
                expected: 18,
                found: 15
            })
        ));
        let huge = [
            0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
        ];
        assert!(matches!(
            decode_idx(&huge),
            Err(Error::ShapeMismatch(_) | Error::IdxTruncated { .. })
        ));
    }

    #[test]
    fn corrupt_gzip_is_an_error() {
        let mut gz = gzip(&encode_idx_u8(&[4], &[1, 2, 3, 4]));
        let mid = gz.len() / 2;
        gz.truncate(mid);
        assert!(matches!(decode_idx(&gz), Err(Error::Gzip(_))));
        assert!(matches!(
            decode_idx(&[0x1f, 0x8b, 0, 0]),
            Err(Error::Gzip(_))
        ));
    }
}
