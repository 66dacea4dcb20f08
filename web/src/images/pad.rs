//! Pix2Pix's views: held-out rows of drawing | G's output | real image with the held-out
//! score, and the drawing pad, whose strokes G fills in (also while training: each new frame
//! translates the drawing again).

use std::sync::Arc;

use leptos::prelude::*;

use super::PairFrame;
use super::views::paint;
use crate::draw;
use crate::state::Ctx;

/// Pad cells per side (the U-Net's images, less its border).
const PAD: usize = 28;
/// Screen pixels per pad cell.
const PAD_SCALE: usize = 8;
/// Radius of the brush, in pad cells.
const BRUSH: f32 = 0.8;
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

/// A 28×28 picture in [0, 1] (the pad's units), scaled up.
fn paint_pad(canvas: NodeRef<leptos::html::Canvas>, values: &[f32]) {
    let scaled: Vec<f32> = values.iter().map(|v| v * 2.0 - 1.0).collect();
    let picture = draw::grid(&scaled, PAD, 1, PAD_SCALE, 0);
    let side = (PAD * PAD_SCALE) as f64;
    paint(canvas, side, side, |c| {
        c.set_fill_style_str("#000000");
        c.fill_rect(0.0, 0.0, side, side);
        draw::put_grey(c, &picture, 0.0, 0.0);
    });
}

/// Inks the pad's cells within [`BRUSH`] of the segment `from`–`to` (pad units).
fn stroke(pad: &mut [f32], from: (f32, f32), to: (f32, f32)) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let length2 = (dx * dx + dy * dy).max(1e-6);
    for row in 0..PAD {
        for col in 0..PAD {
            let (x, y) = (col as f32 + 0.5, row as f32 + 0.5);
            let t = (((x - from.0) * dx + (y - from.1) * dy) / length2).clamp(0.0, 1.0);
            let (px, py) = (from.0 + t * dx, from.1 + t * dy);
            if (x - px).hypot(y - py) <= BRUSH {
                pad[row * PAD + col] = 1.0;
            }
        }
    }
}

/// Where a pointer event is on the pad, in pad cells.
fn pad_point(ev: &web_sys::PointerEvent) -> Option<(f32, f32)> {
    use wasm_bindgen::JsCast;
    let canvas: web_sys::HtmlElement = ev.target()?.dyn_into().ok()?;
    let (width, height) = (canvas.client_width(), canvas.client_height());
    if width <= 0 || height <= 0 {
        return None;
    }
    Some((
        ev.offset_x() as f32 * PAD as f32 / width as f32,
        ev.offset_y() as f32 * PAD as f32 / height as f32,
    ))
}

/// Asks the session for G's output for the pad (one request at a time; a drawing changed
/// meanwhile is sent again when it returns).
fn translate(ctx: Ctx, pad: StoredValue<Vec<f32>>, output: RwSignal<Option<Vec<f32>>>) {
    thread_local! {
        static IN_FLIGHT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if IN_FLIGHT.with(std::cell::Cell::get) {
        return;
    }
    let drawing = pad.get_value();
    if drawing.iter().all(|&v| v == 0.0) {
        output.set(None);
        return;
    }
    IN_FLIGHT.with(|f| f.set(true));
    let owner = ctx.owner();
    leptos::task::spawn_local(async move {
        let result = match owner.lock().await.as_mut() {
            Some(host) if host.model() => Some(host.translate(drawing.clone()).await),
            _ => None,
        };
        IN_FLIGHT.with(|f| f.set(false));
        match result {
            Some(Ok(values)) => {
                output.set(Some(values));
                if pad.with_value(|now| *now != drawing) {
                    translate(ctx, pad, output);
                }
            }
            Some(Err(e)) => ctx
                .error
                .set(Some(format!("Could not fill in the drawing: {e}"))),
            None => {}
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
        <DrawingPad />
    }
}

/// The pad and G's output for it.
#[component]
fn DrawingPad() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let pad_canvas = NodeRef::<leptos::html::Canvas>::new();
    let output_canvas = NodeRef::<leptos::html::Canvas>::new();
    let pairs = move || ctx.frame.with(|f| f.pairs.clone());
    let pad = StoredValue::new(vec![0.0_f32; PAD * PAD]);
    let output = RwSignal::new(None::<Vec<f32>>);
    let last_point = StoredValue::new(None::<(f32, f32)>);
    // What the pad shows changes only through these handlers, so they repaint it.
    let repaint_pad = move || pad.with_value(|values| paint_pad(pad_canvas, values));

    // Each new frame (training moved G) fills the drawing in again.
    Effect::new(move |seen: Option<Option<Arc<PairFrame>>>| {
        let frame = pairs();
        let changed = match (&frame, seen.flatten()) {
            (Some(now), Some(before)) => !Arc::ptr_eq(now, &before),
            (Some(_), None) => true,
            _ => false,
        };
        if changed {
            translate(ctx, pad, output);
        }
        frame
    });
    Effect::new(move |_| match output.get() {
        Some(values) => paint_pad(output_canvas, &values),
        None => paint_pad(output_canvas, &[0.0; PAD * PAD]),
    });
    Effect::new(move |_| {
        if pad_canvas.get().is_some() {
            repaint_pad();
        }
    });

    let on_down = move |ev: web_sys::PointerEvent| {
        ev.prevent_default();
        if let Some(p) = pad_point(&ev) {
            last_point.set_value(Some(p));
            pad.update_value(|values| stroke(values, p, p));
            repaint_pad();
        }
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let (Some(from), Some(to)) = (last_point.get_value(), pad_point(&ev)) else {
            return;
        };
        ev.prevent_default();
        pad.update_value(|values| stroke(values, from, to));
        last_point.set_value(Some(to));
        repaint_pad();
    };
    let on_up = move |_: web_sys::PointerEvent| {
        if last_point.get_value().is_some() {
            last_point.set_value(None);
            translate(ctx, pad, output);
        }
    };
    let on_clear = move |_| {
        pad.set_value(vec![0.0; PAD * PAD]);
        output.set(None);
        repaint_pad();
    };
    let on_example = move |_| {
        let Some(frame) = pairs() else {
            return;
        };
        let count = frame.row_classes.len().max(1);
        let per = frame.side * frame.side;
        let index = ctx.live.get_untracked().step as usize % count;
        if let Some(image) = frame.inputs.get(index * per..(index + 1) * per) {
            pad.set_value(image.iter().map(|v| f32::midpoint(*v, 1.0)).collect());
            repaint_pad();
            translate(ctx, pad, output);
        }
    };
    let drawing = move || pairs().map_or_else(|| "drawings".to_string(), |f| f.drawing.clone());
    view! {
        <div class="panel drawing-pad" data-hide="pad">
            <h2>"Draw, and G fills it in"</h2>
            <div class="pad-pair">
                <canvas node_ref=pad_canvas class="pad" width="224" height="224"
                    style="touch-action: none; cursor: crosshair"
                    aria-label="Drawing pad: draw with the mouse or a finger"
                    on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                    on:pointerleave=on_up on:pointercancel=on_up></canvas>
                <canvas node_ref=output_canvas class="pad-output" width="224" height="224"
                    aria-label="G's output for the drawing"></canvas>
            </div>
            <div class="buttons">
                <button class="secondary" on:click=on_clear>"Clear the pad"</button>
                <button class="secondary" on:click=on_example>"Copy a held-out drawing"</button>
            </div>
            <p class="note">{move || format!("Draw {} like the inputs on the left: white lines on black.", drawing())}</p>
        </div>
    }
}
