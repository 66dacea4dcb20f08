//! What can go wrong reading or writing a shared model. Every message is for the user.

/// A share-format error.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShareError {
    /// The data does not start with the GANvas magic bytes.
    #[error("this is not a GANvas model")]
    NotGanvas,
    /// Written by a newer version of the format than this build reads.
    #[error(
        "this model was made by a newer GANvas (format version {found}; this page reads up to \
         {supported}): open it in the newest GANvas"
    )]
    FutureVersion {
        /// The version in the data.
        found: u8,
        /// The newest version this build reads.
        supported: u8,
    },
    /// Truncated, altered or otherwise unreadable data.
    #[error("this link or file is damaged ({0})")]
    Damaged(String),
    /// A value that cannot be stored (NaN or infinite weights).
    #[error("the model has non-finite values (tensor {tensor}) and cannot be saved")]
    NotFinite {
        /// Index of the offending tensor.
        tensor: usize,
    },
    /// A precision outside what the format supports.
    #[error("unsupported precision: {0}")]
    Precision(String),
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, ShareError>;

/// Shorthand for a [`ShareError::Damaged`].
pub(crate) fn damaged(reason: impl Into<String>) -> ShareError {
    ShareError::Damaged(reason.into())
}
