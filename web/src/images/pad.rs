//! Pix2Pix's views: held-out rows of drawing | G's output | real image with the held-out
//! score, and the drawing pad ([`DrawingPad`]), whose strokes G fills in (also while
//! training: each new frame translates the drawing again).

use leptos::prelude::*;

use super::PairFrame;
use super::drawing_pad::DrawingPad;
use super::pad_source::PadModel;
use super::views::paint;
use crate::draw;
use crate::state::Ctx;

/// Screen pixels per image pixel in the rows.
const ROW_SCALE: usize = 2;
/// Gap between the rows' images.
const ROW_GAP: usize = 6;
/// Left margin of the rows for the class names.
const ROW_LABELS: f64 = 84.0;

/// The rows: input | output | target, each row's class on the left.
fn paint_rows(canvas: NodeRef<leptos::html::Canvas>, frame: &PairFrame) {
    let per = frame.side * frame.side;
    let rows = frame.row_classes.len();
    let mut values = Vec::with_capacity(3 * rows * per);
    for r in 0..rows {
        for images in [&frame.inputs[..], &frame.outputs, &frame.targets] {
            if let Some(image) = images.get(r * per..(r + 1) * per) {
                values.extend_from_slice(image);
            }
        }
    }
    let picture = draw::grid(&values, frame.side, 3, ROW_SCALE, ROW_GAP);
    let (width, height) = (picture.width as f64 + ROW_LABELS, picture.height as f64);
    paint(canvas, width, height, |c| {
        c.set_fill_style_str("#ffffff");
        c.fill_rect(0.0, 0.0, width, height);
        draw::put_grey(c, &picture, ROW_LABELS, 0.0);
        let cell = (frame.side * ROW_SCALE + ROW_GAP) as f64;
        c.set_fill_style_str("#333");
        c.set_font("12px system-ui, sans-serif");
        for (row, name) in frame.row_classes.iter().enumerate() {
            let _ = c.fill_text(name, 2.0, row as f64 * cell + cell / 2.0);
        }
    });
}

/// The held-out score, in words.
fn score_text(frame: Option<&PairFrame>) -> String {
    use std::fmt::Write as _;
    let Some(frame) = frame else {
        return "Building the model…".to_string();
    };
    let Some(s) = frame.score else {
        return "Scoring the held-out pairs…".to_string();
    };
    let mut text = format!(
        "Held-out pairs ({}), step {}: L1 {:.1} per image ({:.3} per pixel, 0 is a perfect copy)",
        s.pairs, s.step, s.l1, s.pixel_error
    );
    if let (Some(outputs), Some(targets)) = (s.class_accuracy, s.target_accuracy) {
        let _ = write!(
            text,
            " · outputs our classifier puts in their real image's class: {:.0} % (the real images themselves: {:.0} %)",
            100.0 * outputs,
            100.0 * targets
        );
    }
    text
}

/// The Pix2Pix stage: the held-out rows and their score, and the drawing pad.
#[component]
pub fn PairStage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let rows = NodeRef::<leptos::html::Canvas>::new();
    let pairs = move || ctx.frame.with(|f| f.pairs.clone());
    Effect::new(move |_| {
        if let Some(frame) = pairs() {
            paint_rows(rows, &frame);
        }
    });
    let drawing = move || pairs().map_or_else(|| "drawings".to_string(), |f| f.drawing.clone());
    view! {
        <div class="image-stage pairs-stage">
            <h2>{move || format!("Held-out {}: input → G's output → real image", drawing())}</h2>
            <canvas node_ref=rows class="pair-rows" width="270" height="496"
                aria-label="Held-out pairs: the drawing, G's output and the real image in each row"></canvas>
            <p class="quality" aria-label="Held-out score">{move || score_text(pairs().as_deref())}</p>
            <p class="note wide">"G is a U-Net: it sees only the drawing. Dropout stays on when it generates, as in the tutorial, so the same drawing comes out a little different each time."</p>
        </div>
        <DrawingPad model=PadModel::Pix2Pix />
    }
}
