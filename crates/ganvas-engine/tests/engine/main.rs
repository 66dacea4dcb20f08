//! End-to-end engine tests: real training on Flex, and on wgpu where an adapter exists
//! (Mesa's lavapipe counts: `scripts/setup.sh vulkan` installs it).

mod averaging;
mod common;
mod gradient_penalty;
mod lean_step;
mod parity;
mod presets;
mod share;
mod shipped;
mod snapshots;
mod trained;
mod training;
mod validate;
