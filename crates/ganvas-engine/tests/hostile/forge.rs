//! Tools to write hostile models: payloads from a configuration, bodies and headers by hand.

use std::io::{Read, Write};

use ganvas_engine::preset::Preset;
use ganvas_engine::training::GanConfig;
use ganvas_share::{ModelLink, ModelPayload, OptimizerValues, Precision, TensorValues};

/// A small deterministic spread of values.
pub fn values(n: usize, seed: usize) -> Vec<f32> {
    (0..n)
        .map(|i| (((i + 7 * seed) as f32) * 0.37).sin() * 0.3)
        .collect()
}

fn tensors(shapes: &[Vec<usize>], seed: usize) -> Vec<TensorValues> {
    shapes
        .iter()
        .enumerate()
        .map(|(i, shape)| TensorValues {
            shape: shape.clone(),
            values: values(shape.iter().product(), seed + i),
        })
        .collect()
}

/// The toy tutorial's configuration: what most hostile links start from.
pub fn toy() -> GanConfig {
    Preset::ToyQuadratic.config(7)
}

/// A well-formed payload for `config` (its own shapes): G, and D and both Adam states when
/// `everything`. `config_json` is written as given, so it may be hostile.
pub fn payload(config: &GanConfig, config_json: String, everything: bool) -> ModelPayload {
    let budget = config.validate().expect("the base configuration is valid");
    let shapes = |network: &ganvas_engine::model::shapes::NetworkShapes| -> Vec<Vec<usize>> {
        network.tensors.iter().map(|t| t.shape.clone()).collect()
    };
    let adam = |network: &ganvas_engine::model::shapes::NetworkShapes| OptimizerValues {
        kind: "adam".into(),
        step: 3,
        tensors: network
            .tensors
            .iter()
            .filter(|t| t.trainable)
            .flat_map(|t| [vec![t.len()], vec![t.len()]])
            .enumerate()
            .map(|(i, shape)| TensorValues {
                values: values(shape[0], i).iter().map(|v| v.abs()).collect(),
                shape,
            })
            .collect(),
    };
    ModelPayload {
        kind: None,
        config_json,
        settings: String::new(),
        step: 3,
        generator: tensors(&shapes(&budget.generator), 1),
        averaged_generator: everything.then(|| tensors(&shapes(&budget.generator), 2)),
        discriminator: everything.then(|| tensors(&shapes(&budget.discriminator), 3)),
        optimizers: everything.then(|| [adam(&budget.generator), adam(&budget.discriminator)]),
    }
}

/// The toy's payload with its own configuration.
pub fn toy_payload(everything: bool) -> ModelPayload {
    let config = toy();
    payload(&config, config.to_string(), everything)
}

/// `payload` as the text of a link (`f16`, as GANvas writes small generators).
pub fn link(payload: &ModelPayload) -> Vec<u8> {
    ModelLink::new(payload, Precision::F16)
        .expect("encodes")
        .to_string()
        .into_bytes()
}

/// `payload` as a file (`f32`).
pub fn file(payload: &ModelPayload) -> Vec<u8> {
    ganvas_share::encode(payload, Precision::F32).expect("encodes")
}

/// Bytes as the text of a link.
pub fn as_link(bytes: &[u8]) -> Vec<u8> {
    ModelLink::from_bytes(bytes.to_vec())
        .to_string()
        .into_bytes()
}

/// The uncompressed body of an encoded model.
pub fn body(encoded: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(&encoded[16..])
        .read_to_end(&mut out)
        .expect("inflates");
    out
}

/// An encoded model around `body`: header (`version`, `precision` code, `flags`), the body's
/// true length and CRC, then the body compressed.
pub fn wrap(version: u8, precision: u8, flags: u8, body: &[u8]) -> Vec<u8> {
    let mut out = b"GNVS".to_vec();
    out.extend([version, precision, flags, 0]);
    out.extend((body.len() as u32).to_le_bytes());
    let mut crc = flate2::Crc::new();
    crc.update(body);
    out.extend(crc.sum().to_le_bytes());
    let mut encoder = flate2::write::DeflateEncoder::new(out, flate2::Compression::best());
    encoder.write_all(body).expect("deflates");
    encoder.finish().expect("deflates")
}

/// A body written by hand, front to back.
#[derive(Default)]
pub struct Body(pub Vec<u8>);

impl Body {
    /// Configuration and settings sections and the step.
    pub fn start(config_json: &str, settings: &str) -> Self {
        Body::default()
            .u32(config_json.len() as u32)
            .bytes(config_json.as_bytes())
            .u32(settings.len() as u32)
            .bytes(settings.as_bytes())
            .bytes(&3_u64.to_le_bytes())
    }

    /// A little-endian `u32`.
    pub fn u32(self, value: u32) -> Self {
        self.bytes(&value.to_le_bytes())
    }

    /// Raw bytes.
    pub fn bytes(mut self, bytes: &[u8]) -> Self {
        self.0.extend(bytes);
        self
    }

    /// A tensor's header: rank, then dimensions.
    pub fn dims(self, dims: &[u32]) -> Self {
        dims.iter()
            .fold(self.bytes(&[dims.len() as u8]), |body, &d| body.u32(d))
    }
}
