//! The drawing pad: strokes on a 28×28 pad in [0, 1] that the session's generators translate
//! (again on each new frame, since training moves them). Beside Pix2Pix's rows G fills the
//! drawing in; beside CycleGAN's, G and F each translate it, as one class and as the other.

use leptos::prelude::*;

use super::pad_source::{Beside, PadModel, PadWords};
use super::views::paint;
use crate::draw;
use crate::state::Ctx;

/// Pad cells per side (the generators' images, less their border).
const PAD: usize = 28;
/// Screen pixels per pad cell.
const PAD_SCALE: usize = 8;
/// Radius of the brush, in pad cells.
const BRUSH: f32 = 0.8;

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

/// Asks the session what the generators make of the pad (one request at a time; a drawing
/// changed meanwhile is sent again when it returns): `outputs × 28²` values in [0, 1].
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
                .set(Some(format!("Could not translate the drawing: {e}"))),
            None => {}
        }
    });
}

/// Each new frame of `model`'s stage (training moved the generators) translates the drawing
/// again.
fn translate_on_new_frames(
    ctx: Ctx,
    model: PadModel,
    pad: StoredValue<Vec<f32>>,
    output: RwSignal<Option<Vec<f32>>>,
) {
    Effect::new(move |seen: Option<Option<Beside>>| {
        let frame = ctx.frame.with(|f| model.beside(f));
        let changed = match (&frame, seen.flatten()) {
            (Some(now), Some(before)) => !now.same(&before),
            (Some(_), None) => true,
            _ => false,
        };
        if changed {
            translate(ctx, pad, output);
        }
        frame
    });
}

/// Paints each output canvas from its part of `output` (black while there is none).
fn paint_outputs(
    canvases: [NodeRef<leptos::html::Canvas>; 2],
    count: usize,
    output: RwSignal<Option<Vec<f32>>>,
) {
    Effect::new(move |_| {
        output.with(|values| {
            for (i, canvas) in canvases.into_iter().enumerate().take(count) {
                let image = values
                    .as_ref()
                    .and_then(|v| v.get(i * PAD * PAD..(i + 1) * PAD * PAD));
                paint_pad(canvas, image.unwrap_or(&[0.0; PAD * PAD]));
            }
        });
    });
}

/// The pad and what the generators make of it: G's output beside Pix2Pix's rows, G's and
/// F's beside CycleGAN's.
#[component]
pub fn DrawingPad(
    /// Which model's stage the pad sits in.
    model: PadModel,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let pad_canvas = NodeRef::<leptos::html::Canvas>::new();
    let output_canvases = [NodeRef::<leptos::html::Canvas>::new(), NodeRef::new()];
    let beside = move || ctx.frame.with(|f| model.beside(f));
    let words = Memo::new(move |_| PadWords::new(model, beside().as_ref()));
    let pad = StoredValue::new(vec![0.0_f32; PAD * PAD]);
    let output = RwSignal::new(None::<Vec<f32>>);
    let last_point = StoredValue::new(None::<(f32, f32)>);
    let copies = StoredValue::new(0_usize);
    // What the pad shows changes only through these handlers, so they repaint it.
    let repaint_pad = move || pad.with_value(|values| paint_pad(pad_canvas, values));

    translate_on_new_frames(ctx, model, pad, output);
    paint_outputs(output_canvases, model.outputs(), output);
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
    let on_copy = move |_| {
        let copy = copies.get_value();
        if let Some(image) = beside().and_then(|b| b.held_out(copy)) {
            copies.set_value(copy + 1);
            pad.set_value(image);
            repaint_pad();
            translate(ctx, pad, output);
        }
    };
    let output_views = output_canvases
        .into_iter()
        .take(model.outputs())
        .enumerate()
        .map(|(i, canvas)| {
            let name = move || words.with(|w| w.outputs.get(i).cloned().unwrap_or_default());
            view! {
                <figure class="pad-out">
                    <canvas node_ref=canvas class="pad-output" width="224" height="224"
                        aria-label=name></canvas>
                    <figcaption>{name}</figcaption>
                </figure>
            }
        })
        .collect_view();
    view! {
        <div class="panel drawing-pad" data-hide="pad">
            <h2>{move || words.with(|w| w.heading.clone())}</h2>
            <div class="pad-pair">
                <canvas node_ref=pad_canvas class="pad" width="224" height="224"
                    style="touch-action: none; cursor: crosshair"
                    aria-label="Drawing pad: draw with the mouse or a finger"
                    on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                    on:pointerleave=on_up on:pointercancel=on_up></canvas>
                {output_views}
            </div>
            <div class="buttons">
                <button class="secondary" on:click=on_clear>"Clear the pad"</button>
                <button class="secondary" on:click=on_copy>{move || words.with(|w| w.copy)}</button>
            </div>
            <p class="note">{move || words.with(|w| w.note.clone())}</p>
        </div>
    }
}
