//! The engine's single error type.

/// Everything that can go wrong in the engine: bad user data, bad
/// configuration, or a snapshot that does not fit a model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A line of an uploaded CSV file could not be read as an `x,y` point.
    #[error("CSV line {line}: {reason}")]
    Csv {
        /// 1-based line number in the original text.
        line: usize,
        /// What was wrong with the line.
        reason: String,
    },
    /// The data set has no samples.
    #[error("the data set is empty")]
    EmptyDataset,
    /// An IDX file did not start with the `0x0000_08XX` magic number.
    #[error("not an IDX file: magic number {found:#010x}")]
    IdxMagic {
        /// The first four bytes, read big-endian.
        found: u32,
    },
    /// An IDX file holds fewer bytes than its header promises.
    #[error("IDX file truncated: expected {expected} bytes, found {found}")]
    IdxTruncated {
        /// Bytes the header promises (header included).
        expected: usize,
        /// Bytes actually present.
        found: usize,
    },
    /// An IDX file uses an element type other than unsigned bytes.
    #[error(
        "unsupported IDX element type {type_code:#04x} (only 0x08, unsigned byte, is supported)"
    )]
    IdxUnsupported {
        /// The type code found in the magic number's third byte.
        type_code: u8,
    },
    /// Arrays whose shapes should agree do not.
    #[error("shape mismatch: {0}")]
    ShapeMismatch(String),
    /// A gzip stream could not be decompressed.
    #[error("gzip: {0}")]
    Gzip(String),
    /// An invalid configuration (hyper-parameters, architecture, data choice).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A snapshot does not match the model it is loaded into.
    #[error("snapshot does not match the model: {0}")]
    Snapshot(String),
    /// A classifier weight file is corrupt, truncated or of another version.
    #[error("classifier weights: {0}")]
    ClassifierFile(String),
    /// Reading tensors back from the device failed.
    #[error("reading results from the device failed: {0}")]
    Readback(String),
    /// No GPU adapter could be initialised.
    #[error("no GPU available: {0}")]
    NoGpu(String),
    /// The GPU stopped (the device was lost, or an error made its results untrustworthy):
    /// nothing more can be read from it, and what was on it is gone.
    #[error("the GPU stopped ({0})")]
    DeviceLost(String),
    /// A shared model (link or file) could not be read.
    #[error("{0}")]
    Share(#[from] ganvas_share::ShareError),
}

impl From<burn::tensor::ExecutionError> for Error {
    /// A failed read: [`Error::DeviceLost`] when the device is gone for good (Burn calls it
    /// poisoned), else [`Error::Readback`].
    fn from(error: burn::tensor::ExecutionError) -> Self {
        if error.is_device_poisoned() {
            Error::DeviceLost(error.reason().to_string())
        } else {
            Error::Readback(format!("{error:?}"))
        }
    }
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_problem() {
        let e = Error::Csv {
            line: 3,
            reason: "not a number".into(),
        };
        assert_eq!(e.to_string(), "CSV line 3: not a number");
        let e = Error::IdxMagic { found: 0x1234 };
        assert!(e.to_string().contains("0x00001234"), "{e}");
    }
}
