//! The fixed-noise grid over training, kept as a few dozen frames and written as an animated
//! GIF. When the frames fill up, every other one is dropped and recording slows down, so the
//! animation always spans the whole run.

use std::borrow::Cow;

/// Most frames kept.
pub const MAX_FRAMES: usize = 60;
/// Steps between frames at the start of a run.
const FIRST_INTERVAL: u64 = 5;
/// Hundredths of a second each frame shows (the last one shows longer).
const FRAME_DELAY: u16 = 12;

/// Grey frames of one size, with the step each shows.
#[derive(Clone, Debug, Default)]
pub struct Timelapse {
    width: usize,
    height: usize,
    frames: Vec<(u64, Vec<u8>)>,
    interval: u64,
}

impl Timelapse {
    /// Frames kept.
    pub fn len(&self) -> usize {
        self.frames.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Forgets every frame (a new model).
    pub fn clear(&mut self) {
        *self = Timelapse::default();
    }

    /// Whether [`Timelapse::record`] would keep a frame of `step` (so callers draw one only then).
    pub fn wants(&self, step: u64) -> bool {
        self.frames
            .last()
            .is_none_or(|&(last, _)| step >= last + self.interval.max(FIRST_INTERVAL))
    }

    /// Keeps `grey` (`width × height`, one byte per pixel) as the frame of `step` if enough
    /// steps passed since the last one. A different size starts over.
    pub fn record(&mut self, step: u64, grey: &[u8], width: usize, height: usize) {
        if (width, height) != (self.width, self.height) || grey.len() != width * height {
            self.clear();
            self.width = width;
            self.height = height;
        }
        if grey.len() != width * height {
            return;
        }
        if !self.wants(step) {
            return;
        }
        self.interval = self.interval.max(FIRST_INTERVAL);
        if self.frames.len() == MAX_FRAMES {
            let kept: Vec<_> = std::mem::take(&mut self.frames)
                .into_iter()
                .step_by(2)
                .collect();
            self.frames = kept;
            self.interval *= 2;
        }
        self.frames.push((step, grey.to_vec()));
    }

    /// The frames as an animated GIF that loops, or `None` if there are none.
    pub fn to_gif(&self) -> Option<Vec<u8>> {
        if self.frames.is_empty() {
            return None;
        }
        let palette: Vec<u8> = (0..=255_u8).flat_map(|v| [v, v, v]).collect();
        let (width, height) = (
            u16::try_from(self.width).ok()?,
            u16::try_from(self.height).ok()?,
        );
        let mut out = Vec::new();
        {
            let mut encoder = gif::Encoder::new(&mut out, width, height, &palette).ok()?;
            encoder.set_repeat(gif::Repeat::Infinite).ok()?;
            let last = self.frames.len() - 1;
            for (i, (_, grey)) in self.frames.iter().enumerate() {
                let frame = gif::Frame {
                    width,
                    height,
                    delay: if i == last {
                        10 * FRAME_DELAY
                    } else {
                        FRAME_DELAY
                    },
                    buffer: Cow::Borrowed(grey),
                    ..gif::Frame::default()
                };
                encoder.write_frame(&frame).ok()?;
            }
        }
        Some(out)
    }

    /// The steps of the kept frames.
    pub fn steps(&self) -> Vec<u64> {
        self.frames.iter().map(|(step, _)| *step).collect()
    }
}
