//! The image views: the fixed-noise sample grid with D's verdict on each sample, real images,
//! the class picker, exports, the latent space (interpolation and sliders) and the
//! classifier's live scores.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{INTERPOLATION_STEPS, ImageFrame, ImageView, LATENT_SLIDERS};
use crate::draw::{self, Grey};
use crate::fields::{NumberField, SelectField};
use crate::state::Ctx;

/// Pixels per image pixel in the sample grid.
const GRID_SCALE: usize = 2;
/// Gap between grid cells, canvas pixels.
const GRID_GAP: usize = 4;
/// Left margin of a conditional grid for the class names.
const ROW_LABELS: f64 = 64.0;

/// Sizes `canvas` to `width × height` and draws on it.
pub(crate) fn paint(
    canvas: NodeRef<leptos::html::Canvas>,
    width: f64,
    height: f64,
    draw: impl FnOnce(&web_sys::CanvasRenderingContext2d),
) {
    let Some(element) = canvas.get() else {
        return;
    };
    if element.width() != width as u32 || element.height() != height as u32 {
        element.set_width(width as u32);
        element.set_height(height as u32);
    }
    if let Some(c) = crate::views::context(&element) {
        draw(&c);
    }
}

/// The sample grid with D's output written on each sample and class names by the rows.
fn paint_grid(canvas: NodeRef<leptos::html::Canvas>, frame: &ImageFrame) {
    let picture = draw::grid(&frame.grid, frame.side, frame.cols, GRID_SCALE, GRID_GAP);
    let left = if frame.row_classes.is_empty() {
        0.0
    } else {
        ROW_LABELS
    };
    let (width, height) = (picture.width as f64 + left, picture.height as f64);
    paint(canvas, width, height, |c| {
        c.set_fill_style_str("#ffffff");
        c.fill_rect(0.0, 0.0, width, height);
        draw::put_grey(c, &picture, left, 0.0);
        let cell = (frame.side * GRID_SCALE + GRID_GAP) as f64;
        c.set_font("bold 11px system-ui, sans-serif");
        for (i, score) in frame.grid_scores.iter().enumerate() {
            let x = left + (i % frame.cols) as f64 * cell;
            let y = (i / frame.cols) as f64 * cell;
            let text = if frame.probability {
                format!("{score:.2}")
            } else {
                format!("{score:.1}")
            };
            c.set_fill_style_str("rgb(0 0 0 / 0.6)");
            c.fill_rect(x, y + cell - GRID_GAP as f64 - 14.0, 30.0, 14.0);
            c.set_fill_style_str(if frame.probability && *score >= 0.5 {
                "#8fd18f"
            } else {
                "#ffb07a"
            });
            let _ = c.fill_text(&text, x + 2.0, y + cell - GRID_GAP as f64 - 3.0);
        }
        c.set_fill_style_str("#333");
        c.set_font("12px system-ui, sans-serif");
        for (row, class) in frame.row_classes.iter().enumerate() {
            let name = frame
                .class_names
                .get(usize::from(*class))
                .cloned()
                .unwrap_or_default();
            let _ = c.fill_text(&name, 2.0, row as f64 * cell + cell / 2.0);
        }
    });
}

fn paint_picture(canvas: NodeRef<leptos::html::Canvas>, picture: &Grey) {
    paint(
        canvas,
        picture.width.max(1) as f64,
        picture.height.max(1) as f64,
        |c| draw::put_grey(c, picture, 0.0, 0.0),
    );
}

/// The current samples (without D's numbers) as a PNG, through a scratch canvas.
fn grid_png_url(frame: &ImageFrame) -> Option<String> {
    let picture = draw::grid(&frame.grid, frame.side, frame.cols, GRID_SCALE, GRID_GAP);
    let canvas: web_sys::HtmlCanvasElement = web_sys::window()?
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()?;
    canvas.set_width(picture.width as u32);
    canvas.set_height(picture.height as u32);
    draw::put_grey(&crate::views::context(&canvas)?, &picture, 0.0, 0.0);
    canvas.to_data_url_with_type("image/png").ok()
}

/// "Show the averaged generator", for models that keep one.
#[component]
fn AveragedToggle() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let has_average = move || ctx.setup.with(|s| s.train.ema_decay > 0.0);
    let on_averaged = move |_| {
        ctx.image_view.update(|v| v.averaged = !v.averaged);
        ctx.redraw.set(1);
    };
    view! {
        <Show when=has_average>
            <label><input type="checkbox" prop:checked=move || ctx.image_view.get().averaged
                on:change=on_averaged />"Show the averaged generator"</label>
        </Show>
    }
}

/// The sample grid, the real images, the class picker and the exports.
#[component]
pub fn ImageStage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let samples = NodeRef::<leptos::html::Canvas>::new();
    let real = NodeRef::<leptos::html::Canvas>::new();
    let images = move || ctx.frame.with(|f| f.images.clone());
    Effect::new(move |painted: Option<Option<Arc<[f32]>>>| {
        let frame = images()?;
        paint_grid(samples, &frame);
        // The real images stay the same for a session: draw them only when they change (or
        // when their canvas first appears).
        let painted = painted.flatten();
        if painted
            .as_ref()
            .is_some_and(|p| Arc::ptr_eq(p, &frame.real))
        {
            return painted;
        }
        real.get()?;
        let picture = draw::grid(&frame.real, frame.side, frame.cols, 1, 2);
        paint_picture(real, &picture);
        Some(Arc::clone(&frame.real))
    });
    let conditional = move || images().is_some_and(|f| !f.row_classes.is_empty());
    let class_options = Signal::derive(move || {
        let names = images().map(|f| f.class_names.to_vec()).unwrap_or_default();
        let mut options = vec![("all".to_string(), "one row per class".to_string())];
        options.extend(
            names
                .into_iter()
                .enumerate()
                .map(|(i, name)| (i.to_string(), name)),
        );
        options
    });
    let on_class = Callback::new(move |value: String| {
        let class = value.parse::<u8>().ok();
        ctx.image_view.update(|v| v.class = class);
        ctx.redraw.set(1);
    });
    let save_png = move |_| {
        let step = ctx.live.get_untracked().step;
        if let Some(url) = images().and_then(|f| grid_png_url(&f)) {
            let _ = crate::download::url(&url, &format!("ganvas-samples-step-{step}.png"));
        }
    };
    let save_gif = move |_| {
        let step = ctx.live.get_untracked().step;
        match ctx
            .timelapse
            .with_value(super::timelapse::Timelapse::to_gif)
        {
            Some(bytes) => {
                crate::download::bytes(
                    &bytes,
                    "image/gif",
                    &format!("ganvas-timelapse-step-{step}.gif"),
                );
            }
            None => ctx.error.set(Some(
                "Train a few steps first: the timelapse is empty.".into(),
            )),
        }
    };
    let grid_title = move || {
        if conditional() {
            "Samples from fixed noise (one row per class), with D's verdict on each"
        } else {
            "Samples from fixed noise, with D's verdict on each"
        }
    };
    let verdict_note = move || {
        if ctx.setup.with(|s| s.train.loss.has_probability_output()) {
            "Numbers: D's probability that the sample is real."
        } else {
            "Numbers: D's raw score (a critic, not a probability)."
        }
    };
    view! {
        <div class="image-stage">
            <h2>{grid_title}</h2>
            <canvas node_ref=samples class="samples" width="476" height="476"
                aria-label="Generated images from a fixed set of noise vectors, with D's verdict on each"></canvas>
            <p class="note wide">{verdict_note}</p>
            <AveragedToggle />
            <Show when=conditional>
                <SelectField id="class" label="Class shown" options=class_options
                    selected=Signal::derive(move || ctx.image_view.get().class.map_or_else(|| "all".to_string(), |c| c.to_string()))
                    on_value=on_class />
            </Show>
            <div class="buttons exports" data-hide="exports">
                <button class="secondary" on:click=save_png>"Save grid as PNG"</button>
                <button class="secondary" on:click=save_gif disabled=move || ctx.timelapse_frames.get() == 0>
                    "Save timelapse GIF"
                </button>
                <span class="hint">{move || format!("{} frames recorded", ctx.timelapse_frames.get())}</span>
            </div>
        </div>
        <div class="panel">
            <h2>"Real images"</h2>
            <canvas node_ref=real class="real-grid" width="238" height="238"
                aria-label="Real training images"></canvas>
        </div>
    }
}

/// Interpolation between two samples' noise, and sliders on the first noise dimensions.
#[component]
pub fn LatentPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let strip = NodeRef::<leptos::html::Canvas>::new();
    let moved = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        if let Some(frame) = ctx.frame.with(|f| f.images.clone()) {
            let picture = draw::grid(&frame.interpolation, frame.side, INTERPOLATION_STEPS, 1, 2);
            paint_picture(strip, &picture);
            let picture = draw::grid(&frame.latent, frame.side, 1, 1, 0);
            paint_picture(moved, &picture);
        }
    });
    let cells = move || {
        ctx.frame.with(|f| {
            f.images
                .as_ref()
                .map_or(64, |i| i.grid.len() / (i.side * i.side).max(1))
        })
    };
    let slider = move |dim: usize| {
        let id = format!("latent-{}", dim + 1);
        let label = format!("Noise dimension {}", dim + 1);
        let on_input = move |ev: leptos::ev::Event| {
            if let Ok(v) = event_target_value(&ev).parse::<f32>() {
                ctx.image_view.update(|view| view.offsets[dim] = v);
                ctx.redraw.set(1);
            }
        };
        view! {
            <label for=id.clone()>{label}</label>
            <input id=id type="range" min="-3" max="3" step="0.1"
                prop:value=move || ctx.image_view.get().offsets[dim].to_string()
                on:input=on_input />
        }
    };
    // A field choosing one end of the interpolation (samples count from 1 on screen).
    let end_field =
        move |id: &'static str, label: &'static str, end: fn(&mut ImageView) -> &mut usize| {
            view! {
                <NumberField id=id label=label min=1.0 max=80.0 step="1" integer=true
                    value=Signal::derive(move || (*end(&mut ctx.image_view.get()) + 1) as f64)
                    on_value=Callback::new(move |v: f64| {
                        let n = cells();
                        ctx.image_view.update(|view| *end(view) = (v as usize).clamp(1, n) - 1);
                        ctx.redraw.set(1);
                    }) />
            }
        };
    view! {
        <section class="latent" data-hide="latent" aria-label="Latent space">
            <h2>"Latent space: from one sample to another"</h2>
            <canvas node_ref=strip class="strip" width="298" height="28"
                aria-label="Generated images along a straight line between two samples' noise"></canvas>
            <div class="latent-controls">
                <div class="group">
                    {end_field("interp-from", "From sample", |v| &mut v.from)}
                    {end_field("interp-to", "To sample", |v| &mut v.to)}
                </div>
                <div class="group sliders">
                    {(0..LATENT_SLIDERS).map(slider).collect_view()}
                </div>
                <canvas node_ref=moved class="moved" width="28" height="28"
                    aria-label="The first sample with the sliders' offsets added to its noise"></canvas>
            </div>
            <p class="note wide">"Samples count from 1, left to right and top to bottom. The sliders add to the first noise dimensions of the “from” sample (shown on the right)."</p>
        </section>
    }
}

/// The classifier's live verdict: class shares, confidence and the Fréchet distance.
#[component]
pub fn ImageQualityPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let bars = NodeRef::<leptos::html::Canvas>::new();
    let images = move || ctx.frame.with(|f| f.images.clone());
    let quality = move || ctx.frame.with(|f| f.quality.image);
    Effect::new(move |_| {
        let (Some(frame), Some(q)) = (images(), quality()) else {
            return;
        };
        paint(bars, 480.0, 120.0, |c| {
            draw::class_bars(c, 480.0, 120.0, &q.class_share, &frame.class_names);
        });
    });
    let summary = move || match (images(), quality()) {
        (Some(frame), Some(q)) => format!(
            "{} {:.1} (lower is better) · mean confidence {:.2}",
            frame.fd_name, q.fd, q.confidence
        ),
        (Some(frame), None) if frame.scored => "Scoring the first samples…".into(),
        _ => "No classifier fits these images.".into(),
    };
    view! {
        <section class="image-quality" aria-label="Image quality">
            <h2>"Class shares of generated images (our classifier; dashed: an even share)"</h2>
            <Show when=move || quality().is_some()>
                <canvas node_ref=bars class="class-shares" width="480" height="120"
                    aria-label="Share of generated images the classifier puts in each class"></canvas>
            </Show>
            <p class="quality" aria-label="Image quality figures">{summary}</p>
        </section>
    }
}
