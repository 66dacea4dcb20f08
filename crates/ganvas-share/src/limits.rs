//! How much a decoder may read and allocate: bounds on the input, the uncompressed body and
//! the number of network values, checked before anything of that size is allocated.
//!
//! Besides its input (held by the caller), decoding allocates at most the uncompressed body
//! (`max_body_bytes`), the values as `f32` (`4 · max_values`) and about 100 bytes per tensor
//! header (at most 4,096 per list): see [`Limits::allocation_bound`].

use crate::link::MAX_LINK_CHARS;

/// Largest uncompressed body any model may have.
pub const MAX_BODY_BYTES: usize = 256 << 20;
/// Largest `.ganvas` file read: the largest body, stored uncompressed, plus DEFLATE's framing.
pub const MAX_FILE_BYTES: usize = MAX_BODY_BYTES + (MAX_BODY_BYTES >> 10) + 1024;
/// Longest configuration section (GANvas writes a few KB).
pub const MAX_CONFIG_BYTES: usize = 64 << 10;
/// Longest settings section (a URL fragment, with up to 2 × 2,000 points).
pub const MAX_SETTINGS_BYTES: usize = 1 << 20;

/// Bounds on one decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most encoded bytes (compressed, header included).
    pub max_input_bytes: usize,
    /// Most uncompressed body bytes.
    pub max_body_bytes: usize,
    /// Most values over every tensor (networks and optimiser state).
    pub max_values: usize,
}

impl Limits {
    /// For `.ganvas` files: whatever the format can hold at `f32` (64 Mi values, 256 MiB).
    pub const FILE: Limits = Limits {
        max_input_bytes: MAX_FILE_BYTES,
        max_body_bytes: MAX_BODY_BYTES,
        max_values: MAX_BODY_BYTES / 4,
    };

    /// For links: at most [`MAX_LINK_CHARS`] of text (300,000 bytes), a 16 MiB body and
    /// 4 Mi values, over three times what the longest link GANvas writes can hold (a link
    /// carries G, and D when asked, at 2–16 bits per value).
    pub const LINK: Limits = Limits {
        max_input_bytes: MAX_LINK_CHARS / 4 * 3,
        max_body_bytes: 16 << 20,
        max_values: 4 << 20,
    };

    /// Bytes a decoding under these limits may allocate at most, besides the input itself:
    /// the body, the values as `f32`, and tensor headers (five lists of at most 4,096).
    pub fn allocation_bound(&self) -> usize {
        self.max_body_bytes + 4 * self.max_values + 5 * 4096 * 100
    }
}
