//! CycleGAN's view: for each of the two classes, held-out rows of the image, its translation
//! into the other class and the translation back, with the held-out score; and the drawing
//! pad, whose drawing G and F translate as either class.

use leptos::prelude::*;

use super::drawing_pad::DrawingPad;
use super::pad_source::PadModel;
use super::views::paint;
use super::{CycleFrame, CycleScore};
use crate::draw;
use crate::state::Ctx;

/// Screen pixels per image pixel in the rows.
const ROW_SCALE: usize = 2;
/// Gap between the rows' images.
const ROW_GAP: usize = 6;
/// Left margin of the rows for the class names.
const ROW_LABELS: f64 = 84.0;
/// Height of a block's title line.
const TITLE: f64 = 18.0;

/// Both blocks of rows: A | G(A) | F(G(A)), then B | F(B) | G(F(B)), each row's class on
/// the left and each block's columns named above it.
fn paint_rows(canvas: NodeRef<leptos::html::Canvas>, frame: &CycleFrame) {
    let per = frame.side * frame.side;
    let block = |columns: [&[f32]; 3]| {
        let rows = columns[0].len() / per.max(1);
        let mut values = Vec::with_capacity(3 * rows * per);
        for r in 0..rows {
            for images in columns {
                if let Some(image) = images.get(r * per..(r + 1) * per) {
                    values.extend_from_slice(image);
                }
            }
        }
        (rows, draw::grid(&values, frame.side, 3, ROW_SCALE, ROW_GAP))
    };
    let [a, b] = &frame.names;
    let blocks = [
        (
            a,
            format!("{a} → {b} → {a}"),
            block([&frame.a, &frame.a2b, &frame.a2b2a]),
        ),
        (
            b,
            format!("{b} → {a} → {b}"),
            block([&frame.b, &frame.b2a, &frame.b2a2b]),
        ),
    ];
    let width = blocks
        .iter()
        .map(|(_, _, (_, p))| p.width as f64)
        .fold(0.0, f64::max)
        + ROW_LABELS;
    let height: f64 = blocks
        .iter()
        .map(|(_, _, (_, p))| p.height as f64 + TITLE)
        .sum();
    let cell = (frame.side * ROW_SCALE + ROW_GAP) as f64;
    paint(canvas, width, height, |c| {
        c.set_fill_style_str("#ffffff");
        c.fill_rect(0.0, 0.0, width, height);
        c.set_font("12px system-ui, sans-serif");
        let mut top = 0.0;
        for (name, title, (rows, picture)) in &blocks {
            c.set_fill_style_str("#333");
            let _ = c.fill_text(title, ROW_LABELS, top + 13.0);
            top += TITLE;
            draw::put_grey(c, picture, ROW_LABELS, top);
            for row in 0..*rows {
                let _ = c.fill_text(name, 2.0, top + row as f64 * cell + cell / 2.0);
            }
            top += picture.height as f64;
        }
    });
}

/// The held-out score, in words.
fn score_text(frame: Option<&CycleFrame>) -> String {
    use std::fmt::Write as _;
    let Some(frame) = frame else {
        return "Building the model…".to_string();
    };
    let Some(CycleScore {
        step,
        images,
        cycle_error,
        translated,
        real,
    }) = frame.score
    else {
        return "Scoring the held-out images…".to_string();
    };
    let [a, b] = &frame.names;
    let mut text = format!(
        "Held-out images ({} {a}, {} {b}), step {step}: there and back again lands {:.3} ({a}) and {:.3} ({b}) per pixel from where it started (0: exactly)",
        images[0], images[1], cycle_error[0], cycle_error[1]
    );
    if let (Some(t), Some(r)) = (translated, real) {
        let _ = write!(
            text,
            " · our classifier calls {:.0} % of the translated {a} “{b}” and {:.0} % of the translated {b} “{a}” (real ones: {:.0} % and {:.0} %)",
            100.0 * t[0],
            100.0 * t[1],
            100.0 * r[0],
            100.0 * r[1]
        );
    }
    text
}

/// The CycleGAN stage: both blocks of held-out rows and their score, and the drawing pad.
#[component]
pub fn CycleStage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let rows = NodeRef::<leptos::html::Canvas>::new();
    let cycle = move || ctx.frame.with(|f| f.cycle.clone());
    Effect::new(move |_| {
        if let Some(frame) = cycle() {
            paint_rows(rows, &frame);
        }
    });
    let title = move || {
        cycle().map_or_else(
            || "Held-out images: translated, and back again".to_string(),
            |f| {
                let [a, b] = &f.names;
                format!("Held-out {a} and {b}: image → the other class → back again")
            },
        )
    };
    view! {
        <div class="image-stage pairs-stage">
            <h2>{title}</h2>
            <canvas node_ref=rows class="pair-rows" width="270" height="540"
                aria-label="Held-out images of both classes: each image, its translation into the other class, and the translation back"></canvas>
            <p class="quality" aria-label="Held-out score">{move || score_text(cycle().as_deref())}</p>
            <p class="note wide">"No image is paired with another: G learns to turn one class into the other only from D's verdicts, and the way back (F) keeps what the image was about. Translating there and back should give the image again: that is the cycle term."</p>
        </div>
        <DrawingPad model=PadModel::CycleGan />
    }
}
