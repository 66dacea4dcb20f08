//! A model as the text of a link: the encoded bytes in base64url.

use std::fmt;
use std::str::FromStr;

use crate::base64url;
use crate::error::damaged;
use crate::error::{Result, ShareError};
use crate::format::{decode_with, encode};
use crate::limits::Limits;
use crate::payload::ModelPayload;
use crate::precision::Precision;

/// Links longer than this (characters) are offered as a file instead: browsers accept far
/// longer addresses, but chat apps, mail and QR codes do not. Longer text is refused when
/// read: GANvas never writes it.
pub const MAX_LINK_CHARS: usize = 400_000;

/// An encoded model, as carried by a link (`#…&m=<this>`). Parsing checks the text only;
/// [`ModelLink::payload`] checks and decodes the model, within [`Limits::LINK`] for text
/// from a link and [`Limits::FILE`] otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelLink {
    bytes: Vec<u8>,
    limits: Limits,
}

impl ModelLink {
    /// Encodes `model` at `precision`.
    pub fn new(model: &ModelPayload, precision: Precision) -> Result<Self> {
        Ok(Self {
            bytes: encode(model, precision)?,
            limits: Limits::FILE,
        })
    }

    /// Wraps bytes from [`crate::encode`] (a `.ganvas` file).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self {
            bytes,
            limits: Limits::FILE,
        }
    }

    /// The encoded bytes (what a `.ganvas` file holds).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The model.
    pub fn payload(&self) -> Result<ModelPayload> {
        decode_with(&self.bytes, &self.limits)
    }

    /// The bounds [`ModelLink::payload`] decodes within.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Characters this link's text takes.
    pub fn text_len(&self) -> usize {
        (self.bytes.len() * 4).div_ceil(3)
    }
}

impl fmt::Display for ModelLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&base64url::encode(&self.bytes))
    }
}

impl FromStr for ModelLink {
    type Err = ShareError;

    fn from_str(text: &str) -> Result<Self> {
        let text = text.trim();
        if text.len() > MAX_LINK_CHARS {
            return Err(damaged(format!(
                "its model is {} characters long; GANvas's links hold at most {MAX_LINK_CHARS}",
                text.len()
            )));
        }
        Ok(Self {
            bytes: base64url::decode(text)?,
            limits: Limits::LINK,
        })
    }
}
