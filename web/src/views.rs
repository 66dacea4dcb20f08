//! The views: status line, the playground canvas (also a drawing pad), D's feature space,
//! histograms of D's output, and charts over training.

use ganvas_engine::data::Toy2d;
use ganvas_engine::rng::Rng;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::draw::{self, Scene, Series, Viewport};
use crate::state::{Ctx, DeviceChoice, MIN_DRAWN, Point};
use crate::trainer::Quality;

/// Playground side in CSS pixels.
const CANVAS: f64 = 480.0;
/// Side panels' width in CSS pixels.
const PANEL: f64 = 240.0;

/// The canvas's 2D context.
pub fn context(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}

/// Draws on `canvas` whenever the signals `paint` reads change.
fn paint_effect(
    canvas: NodeRef<leptos::html::Canvas>,
    paint: impl Fn(&web_sys::CanvasRenderingContext2d) + 'static,
) {
    Effect::new(move |_| {
        if let Some(element) = canvas.get()
            && let Some(ctx) = context(&element)
        {
            paint(&ctx);
        }
    });
}

/// The status line and the alert.
#[component]
pub fn StatusLine() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let status = move || {
        let l = ctx.live.get();
        // A model just built or opened has no loss yet: a dash, not a misleading 0.000.
        let loss = |v: Option<f32>| v.map_or_else(|| "—".to_string(), |v| format!("{v:.3}"));
        // While a warm-up compiles the GPU's kernels, the status line says so.
        let warming = if ctx.warming.get() > 0 && ctx.device.get() == DeviceChoice::Gpu {
            " (compiling kernels…)"
        } else {
            ""
        };
        // Paused with a chunk still in flight: its steps land before the count stops.
        let pausing = if ctx.busy.get() && !ctx.running.get() {
            " (pausing…)"
        } else {
            ""
        };
        // Pix2Pix: the L1 term (per image) beside the losses; CycleGAN: the cycle term.
        let term = if ctx.setup.with(|s| s.model.is_cyclegan()) {
            "cycle"
        } else {
            "L1"
        };
        let l1 =
            l.l1.map_or_else(String::new, |v| format!(" · {term} {v:.1}"));
        // Slow models (a step a second or so) keep a decimal.
        let rate = if l.steps_per_sec < 10.0 {
            format!("{:.1}", l.steps_per_sec)
        } else {
            format!("{:.0}", l.steps_per_sec)
        };
        // CycleGAN: each loss's parts, D_A's and D_B's, and G's and F's adversarial terms.
        let (d_parts, g_parts) = l
            .cycle_losses
            .map_or_else(Default::default, |[da, db, g, f]| {
                (
                    format!(" (D_A {da:.3}, D_B {db:.3})"),
                    format!(" (fooling D: G {g:.3}, F {f:.3})"),
                )
            });
        format!(
            "step {} · D loss {}{d_parts} · G loss {}{g_parts}{l1} · {rate} steps/s · {}{warming}{pausing}",
            l.step,
            loss(l.d_loss),
            loss(l.g_loss),
            ctx.device.get().label()
        )
    };
    view! {
        <p role="status" aria-live="polite">{status}</p>
        <Show when=move || ctx.error.get().is_some()>
            <p class="error" role="alert">{move || ctx.error.get().unwrap_or_default()}</p>
        </Show>
    }
}

/// The playground canvas; with the "draw your own" dataset, dragging paints points.
#[component]
pub fn Playground() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    paint_effect(canvas, move |c| {
        let frame = ctx.frame.get();
        let (real, bounds) = ctx.scene.get();
        let drawing = ctx.setup.with(|s| s.drawn);
        let drawn = ctx.drawn.get();
        let real = if drawing { &drawn } else { &real };
        let view = Viewport {
            bounds,
            width: CANVAS,
            height: CANVAS,
        };
        let scene = Scene {
            real,
            fakes: &frame.fakes,
            heat: &frame.heat,
            manifold: &frame.manifold,
            arrows: &frame.arrows,
        };
        draw::playground(c, &view, &scene, ctx.layers.get());
    });

    let (pen_down, set_pen_down) = signal(false);
    let rng = StoredValue::new_local(Rng::new(5));
    let paint_at = move |ev: &web_sys::PointerEvent| {
        let bounds = ctx.scene.with_untracked(|s| s.1);
        let view = Viewport {
            bounds,
            width: CANVAS,
            height: CANVAS,
        };
        // The canvas may be drawn larger than its 480 pixels (presenter layout).
        let scale = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlCanvasElement>().ok())
            .map_or(1.0, |c| CANVAS / f64::from(c.client_width().max(1)));
        let centre = view.data_at(
            f64::from(ev.offset_x()) * scale,
            f64::from(ev.offset_y()) * scale,
        );
        let blob: Vec<[f32; 2]> = rng
            .try_update_value(|r| {
                (0..3)
                    .map(|_| [centre[0] + 0.03 * r.normal(), centre[1] + 0.03 * r.normal()])
                    .collect()
            })
            .unwrap_or_default();
        ctx.drawn.update(|d| d.extend(blob));
    };
    let on_down = move |ev: web_sys::PointerEvent| {
        if ctx.setup.with_untracked(|s| s.drawn) {
            set_pen_down.set(true);
            paint_at(&ev);
        }
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        if pen_down.get_untracked() {
            paint_at(&ev);
        }
    };
    let on_up = move |_| {
        if !pen_down.get_untracked() {
            return;
        }
        set_pen_down.set(false);
        let points = ctx.drawn.get_untracked();
        if points.len() < MIN_DRAWN {
            return;
        }
        match Toy2d::points(points) {
            Ok(toy) => {
                ctx.setup.update(|s| s.dataset = toy);
                ctx.reset();
            }
            Err(e) => ctx
                .error
                .set(Some(format!("Could not use the drawing: {e}"))),
        }
    };
    view! {
        <canvas node_ref=canvas width="480" height="480" class:drawing=move || ctx.setup.get().drawn
            on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointerleave=on_up
            aria-label="Real samples (blue), generated samples (orange), the discriminator's heatmap, and the optional manifold and gradient arrows"></canvas>
    }
}

/// D's feature space and the histograms of its output.
#[component]
pub fn DiscriminatorViews() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let features = NodeRef::<leptos::html::Canvas>::new();
    paint_effect(features, move |c| {
        let frame = ctx.frame.get();
        let view = frame.features.unwrap_or_default();
        draw::features(
            c,
            PANEL,
            &view.real,
            &view.fake,
            view.previous_fake_centroid,
        );
    });
    let feature_note = move || {
        let frame = ctx.frame.get();
        match frame.features {
            None => "This D exposes no hidden layer.".to_string(),
            Some(view) => match view.projected_from {
                None => "D's 2-unit layer; ✕ centroids, arrow: fake centroid before → after the last G updates.".into(),
                Some(width) if width > ganvas_session::points::projection::MAX_WIDTH => format!(
                    "D's last hidden layer ({width} units; first two shown)."
                ),
                Some(width) => format!(
                    "D's last hidden layer ({width} units) on its first two principal components; arrow: fake centroid before → after the last G updates."
                ),
            },
        }
    };
    view! {
        <div class="panel">
            <Show when=move || ctx.show_features.get() && !ctx.setup.with(crate::setup::Setup::is_images)>
                <h2>"D's feature space"</h2>
                <canvas node_ref=features width="240" height="240"
                    aria-label="Real (blue) and fake (orange) samples in the discriminator's feature space, with their centroids"></canvas>
                <p class="note">{feature_note}</p>
            </Show>
            <Histograms />
        </div>
    }
}

/// The histograms of D's output on real and on fake samples; CycleGAN's two Ds have one each
/// (D_A's on the first canvas, D_B's on the second).
#[component]
fn Histograms() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let first = NodeRef::<leptos::html::Canvas>::new();
    let second = NodeRef::<leptos::html::Canvas>::new();
    paint_effect(first, move |c| {
        ctx.frame.with(|frame| {
            if let Some(cycle) = &frame.cycle {
                let [(real, fake), _] = cycle.verdicts(&frame.d_real, &frame.d_fake);
                draw::histogram(c, PANEL, 140.0, &real, &fake, None);
            } else {
                let probability = ctx.setup.with(|s| s.train.loss.has_probability_output());
                let range = probability.then_some([0.0, 1.0]);
                draw::histogram(c, PANEL, 140.0, &frame.d_real, &frame.d_fake, range);
            }
        });
    });
    paint_effect(second, move |c| {
        ctx.frame.with(|frame| {
            if let Some(cycle) = &frame.cycle {
                let [_, (real, fake)] = cycle.verdicts(&frame.d_real, &frame.d_fake);
                draw::histogram(c, PANEL, 140.0, &real, &fake, None);
            }
        });
    });
    let names = move || {
        ctx.frame
            .with(|f| f.cycle.as_ref().map(|c| c.names.clone()))
            .unwrap_or_else(|| ["A".into(), "B".into()])
    };
    let is_cycle = move || ctx.setup.with(|s| s.model.is_cyclegan());
    let heading = move || {
        if is_cycle() {
            format!("D_A's output (on {})", names()[0])
        } else {
            "D's output".to_string()
        }
    };
    let first_label = move || {
        if is_cycle() {
            let [a, _] = names();
            format!(
                "Histograms of D_A's scores on real {a} (blue) and on F's translations into {a} (orange)"
            )
        } else {
            "Histograms of the discriminator's output on real (blue) and fake (orange) samples"
                .to_string()
        }
    };
    let second_label = move || {
        let [_, b] = names();
        format!(
            "Histograms of D_B's scores on real {b} (blue) and on G's translations into {b} (orange)"
        )
    };
    let note = move || {
        if is_cycle() {
            "Least-squares scores (1 means real, 0 translated) on the held-out rows: each D judges its class's real images (blue) and the other generator's translations into it (orange)"
        } else if ctx.setup.with(|s| s.train.loss.has_probability_output()) {
            "D(x): probability that a sample is real"
        } else {
            "D's raw score (a critic, not a probability)"
        }
    };
    view! {
        <h2>{heading}</h2>
        <canvas node_ref=first width="240" height="140" aria-label=first_label></canvas>
        <Show when=is_cycle>
            <h2>{move || format!("D_B's output (on {})", names()[1])}</h2>
            <canvas node_ref=second width="240" height="140" aria-label=second_label></canvas>
        </Show>
        <p class="note">{note}</p>
    }
}

/// The second discriminator's colour (CycleGAN's D_B): a lighter blue.
const SECOND_REAL: &str = "#86b3ea";
/// The second generator's colour (CycleGAN's F): a lighter orange.
const SECOND_FAKE: &str = "#f4ad86";

fn series<'a>(values: &'a [f32], colour: &'a str) -> Series<'a> {
    Series { values, colour }
}

fn quality_text(quality: Quality) -> String {
    let mut parts = vec![format!("JS {:.3} · KL {:.2}", quality.js, quality.kl)];
    if let Some(m) = quality.modes {
        parts.push(format!(
            "{}/{} modes · {:.0} % high quality",
            m.modes_covered,
            m.modes_total,
            m.high_quality_share * 100.0
        ));
    }
    if let Some(c) = quality.curve {
        parts.push(format!(
            "median error from the curve {:.3} · x coverage {:.2}",
            c.median_rel_error, c.x_coverage
        ));
    }
    parts.join(" · ")
}

/// The loss chart: D's and G's losses, or CycleGAN's four (G's whole loss is mostly the
/// cycle term, charted on its own).
fn paint_losses(c: &web_sys::CanvasRenderingContext2d, history: &[Point], cyclegan: bool) {
    let column = |f: &dyn Fn(&Point) -> f32| -> Vec<f32> { history.iter().map(f).collect() };
    if cyclegan {
        let parts: Vec<Vec<f32>> = (0..4).map(|i| column(&|p| p.cycle_losses[i])).collect();
        let colours = [draw::REAL, SECOND_REAL, draw::FAKE, SECOND_FAKE];
        let lines: Vec<Series> = parts
            .iter()
            .zip(colours)
            .map(|(v, c)| series(v, c))
            .collect();
        draw::chart(c, CANVAS, 110.0, &lines);
    } else {
        let (d, g) = (column(&|p| p.d_loss), column(&|p| p.g_loss));
        draw::chart(
            c,
            CANVAS,
            110.0,
            &[series(&d, draw::REAL), series(&g, draw::FAKE)],
        );
    }
}

/// Charts of losses, D's mean outputs and quality over training.
#[component]
pub fn Charts() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let losses = NodeRef::<leptos::html::Canvas>::new();
    let outputs = NodeRef::<leptos::html::Canvas>::new();
    let quality = NodeRef::<leptos::html::Canvas>::new();
    let column =
        |history: &[Point], f: fn(&Point) -> f32| -> Vec<f32> { history.iter().map(f).collect() };
    let cyclegan = move || ctx.setup.with(|s| s.model.is_cyclegan());
    paint_effect(losses, move |c| {
        paint_losses(c, &ctx.history.get(), cyclegan());
    });
    paint_effect(outputs, move |c| {
        let h = ctx.history.get();
        let (r, f) = (column(&h, |p| p.d_real), column(&h, |p| p.d_fake));
        draw::chart(
            c,
            CANVAS,
            110.0,
            &[series(&r, draw::REAL), series(&f, draw::FAKE)],
        );
    });
    let images = move || ctx.setup.with(crate::setup::Setup::is_images);
    let pix2pix = move || ctx.setup.with(|s| !s.model.is_noise_gan());
    paint_effect(quality, move |c| {
        let h = ctx.history.get();
        let values = if pix2pix() {
            column(&h, |p| p.l1)
        } else if images() {
            column(&h, |p| p.quality.image.map_or(f32::NAN, |q| q.fd))
        } else {
            column(&h, |p| p.quality.js)
        };
        draw::chart(c, CANVAS, 110.0, &[series(&values, "#7b3fb5")]);
    });
    let latest = move || ctx.frame.with(|f| quality_text(f.quality));
    let quality_title = move || {
        if cyclegan() {
            "The cycle term: how far there and back again lands from each image (both ways, per image, lower is closer)"
                .into()
        } else if pix2pix() {
            "The L1 term: how far G's outputs are from the real images (per image, lower is closer)"
                .into()
        } else if images() {
            let name = ctx
                .frame
                .with(|f| f.images.as_ref().map(|i| i.fd_name.clone()))
                .unwrap_or_else(|| "FD (classifier)".into());
            format!("Quality: {name} (lower is better)")
        } else {
            String::new()
        }
    };
    view! {
        <Show when=cyclegan fallback=|| view! {
            <h2>"Losses " <span class="key real">"D"</span> " " <span class="key fake">"G"</span></h2>
        }>
            <h2>"Losses " <span class="key real">"D_A"</span> " " <span class="key real second">"D_B"</span> " "
                <span class="key fake">"G fooling D_B"</span> " " <span class="key fake second">"F fooling D_A"</span></h2>
        </Show>
        <canvas node_ref=losses width="480" height="110" aria-label=move || if cyclegan() {
            "D_A's and D_B's losses (blue, light blue) and G's and F's adversarial terms (orange, light orange) over training"
        } else {
            "D loss (blue) and G loss (orange) over training"
        }></canvas>
        <h2>"Mean D output " <span class="key real">"D(x)"</span> " " <span class="key fake">"D(G(z))"</span></h2>
        <canvas node_ref=outputs width="480" height="110" aria-label="Mean D(x) on real (blue) and D(G(z)) on fake samples (orange) over training"></canvas>
        <Show when=images fallback=|| view! {
            <h2>"Quality: Jensen–Shannon divergence " <span class="key js">"JS"</span> " (0 = same as the data)"</h2>
        }>
            <h2>{quality_title}</h2>
        </Show>
        <canvas node_ref=quality width="480" height="110" aria-label=move || if cyclegan() {
            "CycleGAN's cycle term, per image, over training"
        } else if pix2pix() {
            "Pix2Pix's L1 term, per image, over training"
        } else if images() {
            "Fréchet distance of the classifier's features, generated vs real images, over training"
        } else {
            "Jensen–Shannon divergence between real and generated samples over training"
        }></canvas>
        <Show when=move || !images()>
            <p class="quality" aria-label="Latest quality">{latest}</p>
        </Show>
    }
}
