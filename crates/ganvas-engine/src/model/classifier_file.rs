//! The classifier's weight file: a small header and `f16` little-endian tensors.
//!
//! ```text
//! "GVCL"              magic
//! u8 version (1)      u8 layers L
//! u32 LE × (L + 1)    layer widths, input first
//! per layer: weight [in, out] then bias [out], f16 LE, row-major
//! ```

use burn::module::{Module, ModuleMapper, Param};
use burn::tensor::{Device, Tensor, TensorData, Transaction, f16};

use super::classifier::{Classifier, ClassifierConfig};
use crate::error::{Error, Result};

const MAGIC: &[u8; 4] = b"GVCL";
const VERSION: u8 = 1;
/// Widest layer accepted, so a corrupt header cannot ask for gigabytes.
const MAX_WIDTH: usize = 1 << 16;

impl Classifier {
    /// Loads a classifier saved by [`Classifier::to_bytes`] onto `device`.
    pub fn from_bytes(bytes: &[u8], device: &Device) -> Result<Classifier> {
        let bad = |reason: &str| Error::ClassifierFile(reason.into());
        let Some((header, rest)) = bytes.split_first_chunk::<6>() else {
            return Err(bad("too short for a header"));
        };
        if &header[..4] != MAGIC {
            return Err(bad("not a GANvas classifier (wrong magic bytes)"));
        }
        if header[4] != VERSION {
            return Err(Error::ClassifierFile(format!(
                "version {} is not supported (expected {VERSION})",
                header[4]
            )));
        }
        let layers = usize::from(header[5]);
        if layers < 2 {
            return Err(bad("a classifier needs at least two layers"));
        }
        let Some(widths) = rest.get(..4 * (layers + 1)) else {
            return Err(bad("truncated layer widths"));
        };
        let sizes: Vec<usize> = widths
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize)
            .collect();
        if sizes.iter().any(|&w| w == 0 || w > MAX_WIDTH) {
            return Err(Error::ClassifierFile(format!(
                "implausible layer widths {sizes:?}"
            )));
        }
        let values: usize = sizes.windows(2).map(|p| p[0] * p[1] + p[1]).sum();
        let body = &rest[widths.len()..];
        if body.len() != 2 * values {
            return Err(Error::ClassifierFile(format!(
                "expected {} bytes of weights for layers {sizes:?}, found {}",
                2 * values,
                body.len()
            )));
        }
        let values: Vec<f32> = body
            .chunks_exact(2)
            .map(|c| f16::from_le_bytes([c[0], c[1]]).to_f32())
            .collect();
        let classifier = ClassifierConfig::new(sizes).init(device);
        let mut loader = Loader {
            values: &values,
            device,
        };
        Ok(classifier.map(&mut loader))
    }

    /// Reads the weights back (one asynchronous transfer) and encodes them.
    pub async fn to_bytes(&self) -> Result<Vec<u8>> {
        let sizes = self.sizes();
        let mut tx = Transaction::default();
        for layer in &self.mlp.layers {
            tx = tx.register(layer.weight.val());
            let bias = layer
                .bias
                .as_ref()
                .ok_or_else(|| Error::ClassifierFile("every classifier layer has a bias".into()))?;
            tx = tx.register(bias.val());
        }
        let data = tx.execute_async().await.map_err(Error::from)?;
        let mut out = Vec::from(*MAGIC);
        out.push(VERSION);
        out.push(
            u8::try_from(sizes.len() - 1).map_err(|_| {
                Error::ClassifierFile("at most 255 layers fit in the header".into())
            })?,
        );
        for &size in &sizes {
            let size = u32::try_from(size)
                .map_err(|_| Error::ClassifierFile("layer width exceeds u32".into()))?;
            out.extend_from_slice(&size.to_le_bytes());
        }
        for tensor in data {
            let values = tensor
                .try_into_vec::<f32>()
                .map_err(|e| Error::Readback(format!("{e:?}")))?;
            for v in values {
                out.extend_from_slice(&f16::from_f32(v).to_le_bytes());
            }
        }
        Ok(out)
    }
}

/// Replaces each parameter, in module order (weight then bias per layer), with file values.
struct Loader<'a> {
    values: &'a [f32],
    device: &'a Device,
}

impl ModuleMapper for Loader<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, tensor, mapper) = param.consume();
        let shape = tensor.dims();
        let n: usize = shape.iter().product();
        let (head, rest) = self.values.split_at(n);
        self.values = rest;
        let value = Tensor::from_data(TensorData::new(head.to_vec(), shape), self.device);
        Param::from_mapped_value(id, value, mapper)
    }
}

#[cfg(test)]
mod tests {
    use futures_lite::future::block_on;

    use super::*;
    use crate::training::gan::read_f32;

    #[test]
    fn round_trip_keeps_outputs_to_f16_precision() {
        let device = crate::device::cpu();
        let classifier = ClassifierConfig::new(vec![6, 5, 4, 3]).init(&device);
        let bytes = block_on(classifier.to_bytes()).expect("readback");
        assert_eq!(
            bytes.len(),
            6 + 4 * 4 + 2 * (6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3)
        );
        let loaded = Classifier::from_bytes(&bytes, &device).expect("valid file");
        assert_eq!(loaded.sizes(), vec![6, 5, 4, 3]);
        let x = Tensor::<2>::ones([2, 6], &device);
        let (a, _) = classifier.logits_and_features(x.clone());
        let (b, _) = loaded.logits_and_features(x);
        let (a, b) = (
            block_on(read_f32(a)).expect("read"),
            block_on(read_f32(b)).expect("read"),
        );
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-2, "{x} vs {y}");
        }
    }

    #[test]
    fn garbage_is_a_typed_error() {
        let device = crate::device::cpu();
        let load = |bytes: &[u8]| Classifier::from_bytes(bytes, &device);
        assert!(matches!(load(b"GV"), Err(Error::ClassifierFile(_))));
        assert!(matches!(
            load(b"PK\x03\x04\x01\x02rest"),
            Err(Error::ClassifierFile(_))
        ));
        assert!(matches!(
            load(b"GVCL\x07\x02"),
            Err(Error::ClassifierFile(m)) if m.contains("version 7")
        ));
        let mut header = b"GVCL\x01\x02".to_vec();
        for width in [2_u32, 2, 2] {
            header.extend_from_slice(&width.to_le_bytes());
        }
        assert!(matches!(load(&header), Err(Error::ClassifierFile(_))));
        header.extend_from_slice(&[0; 2 * (2 * 2 + 2) * 2]);
        assert!(load(&header).is_ok());
        header.push(0);
        assert!(matches!(load(&header), Err(Error::ClassifierFile(_))));
        let huge = b"GVCL\x01\x02\xff\xff\xff\xff\x01\0\0\0\x01\0\0\0";
        assert!(matches!(load(huge), Err(Error::ClassifierFile(_))));
    }
}
