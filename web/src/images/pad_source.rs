//! What the drawing pad takes from the stage it sits in: the frame (to notice a new one and
//! copy held-out images from) and the words around it, for Pix2Pix (G fills a drawing in) and
//! CycleGAN (G and F each translate it, as if it were of one class or the other).

use std::sync::Arc;

use super::{CycleFrame, PairFrame};
use crate::trainer::Frame;

/// Which model's stage the pad sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PadModel {
    /// Pix2Pix: one output, G's.
    Pix2Pix,
    /// CycleGAN: two outputs, G's (the drawing as class A) then F's (as class B).
    CycleGan,
}

impl PadModel {
    /// Images the session answers a drawing with.
    pub fn outputs(self) -> usize {
        match self {
            PadModel::Pix2Pix => 1,
            PadModel::CycleGan => 2,
        }
    }

    /// This model's part of `frame`, if it has one yet.
    pub fn beside(self, frame: &Frame) -> Option<Beside> {
        match self {
            PadModel::Pix2Pix => frame.pairs.clone().map(Beside::Pairs),
            PadModel::CycleGan => frame.cycle.clone().map(Beside::Cycle),
        }
    }
}

/// The frame the pad sits beside (held, so that a new one is told from the last).
#[derive(Clone, Debug)]
pub enum Beside {
    /// Pix2Pix's rows.
    Pairs(Arc<PairFrame>),
    /// CycleGAN's rows.
    Cycle(Arc<CycleFrame>),
}

impl Beside {
    /// Whether both are the very same frame.
    pub fn same(&self, other: &Beside) -> bool {
        match (self, other) {
            (Beside::Pairs(a), Beside::Pairs(b)) => Arc::ptr_eq(a, b),
            (Beside::Cycle(a), Beside::Cycle(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// The held-out image the `copy`-th press of the copy button gives, in the pad's units
    /// (`side²` in [0, 1]): Pix2Pix's drawings in turn; CycleGAN's A and B images
    /// alternately, row by row.
    pub fn held_out(&self, copy: usize) -> Option<Vec<f32>> {
        let (images, side, index): (&[f32], usize, usize) = match self {
            Beside::Pairs(f) => {
                let rows = f.row_classes.len().max(1);
                (&f.inputs, f.side, copy % rows)
            }
            Beside::Cycle(f) => {
                let images = if copy.is_multiple_of(2) { &f.a } else { &f.b };
                let rows = (images.len() / (f.side * f.side).max(1)).max(1);
                (images, f.side, (copy / 2) % rows)
            }
        };
        let per = side * side;
        let image = images.get(index * per..(index + 1) * per)?;
        // [side²] from [−1, 1] to [0, 1].
        Some(image.iter().map(|v| f32::midpoint(*v, 1.0)).collect())
    }
}

/// The words around the pad.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PadWords {
    /// The panel's heading.
    pub heading: String,
    /// Each output canvas's name, shown under it and read by screen readers.
    pub outputs: Vec<String>,
    /// The copy button's name.
    pub copy: &'static str,
    /// The note under the buttons.
    pub note: String,
}

impl PadWords {
    /// The words for `model`'s pad beside `frame` (before the first frame, generic names).
    pub fn new(model: PadModel, frame: Option<&Beside>) -> Self {
        match (model, frame) {
            (PadModel::CycleGan, Some(Beside::Cycle(f))) => Self::cycle(&f.names[0], &f.names[1]),
            (PadModel::CycleGan, _) => Self::cycle("class A", "class B"),
            (PadModel::Pix2Pix, frame) => {
                let drawing = match frame {
                    Some(Beside::Pairs(f)) => f.drawing.as_str(),
                    _ => "drawings",
                };
                PadWords {
                    heading: "Draw, and G fills it in".into(),
                    outputs: vec!["G's output for the drawing".into()],
                    copy: "Copy a held-out drawing",
                    note: format!(
                        "Draw {drawing} like the inputs on the left: white lines on black."
                    ),
                }
            }
        }
    }

    /// CycleGAN's words between classes `a` and `b`.
    fn cycle(a: &str, b: &str) -> Self {
        let (a, b) = (with_article(a), with_article(b));
        PadWords {
            heading: format!("Draw {a} or {b}, and see both translations"),
            outputs: vec![
                format!("As {a}, G turns it into {b}"),
                format!("As {b}, F turns it into {a}"),
            ],
            copy: "Copy a held-out image",
            note: format!(
                "Draw in white on black, like the held-out images on the left. The drawing is taken for both classes at once: G reads it as {a}, F as {b}."
            ),
        }
    }
}

/// A class name with its indefinite article: "a sneaker", "an ankle boot", "a set A",
/// "an 8".
fn with_article(name: &str) -> String {
    // Names keep their case ("set A", "T-shirt/top"); the article follows the first sound.
    let vowel_sound = name
        .to_lowercase()
        .starts_with(['a', 'e', 'i', 'o', 'u', '8']);
    format!("{} {name}", if vowel_sound { "an" } else { "a" })
}
