//! Explain mode: one training iteration, phase by phase, on a small diagram with the numbers
//! measured on the live model: a 2D GAN's ([`points`]), Pix2Pix's ([`pairs`]) or CycleGAN's
//! ([`cycle`]).

mod cycle;
mod pairs;
mod points;

use leptos::prelude::*;

use crate::state::Ctx;
use crate::trainer::Explanation;

/// The diagram's boxes: `(id, x, y)`; each kind of model names them ([`points::LABELS`],
/// [`pairs::LABELS`], [`cycle::label`]).
const BOXES: [(&str, f64, f64); 8] = [
    ("z", 10.0, 20.0),
    ("g", 130.0, 20.0),
    ("fake", 250.0, 20.0),
    ("real", 250.0, 110.0),
    ("d", 370.0, 65.0),
    ("dloss", 490.0, 20.0),
    ("gloss", 490.0, 110.0),
    ("update", 610.0, 65.0),
];

/// Which boxes light up in each phase.
const LIT: [&[&str]; 7] = [
    &["z"],
    &["z", "g", "fake"],
    &["fake", "real", "d"],
    &["d", "dloss"],
    &["dloss", "update", "d"],
    &["d", "gloss"],
    &["gloss", "update", "g"],
];

/// The heading and text of `phase` for what was measured.
fn phase_text(phase: usize, explanation: &Explanation) -> (String, String) {
    match explanation {
        Explanation::Points(w) => points::phase_text(phase, w),
        Explanation::Pairs(w) => pairs::phase_text(phase, w),
        Explanation::Cycle(w) => cycle::phase_text(phase, w),
    }
}

/// The label of box `i` for what was measured.
fn label(i: usize, explanation: &Explanation) -> String {
    match explanation {
        Explanation::Points(_) => points::LABELS[i].into(),
        Explanation::Pairs(_) => pairs::LABELS[i].into(),
        Explanation::Cycle(w) => cycle::label(i, w),
    }
}

/// Labels longer than this are set smaller to fit their box.
const LONG_LABEL: usize = 13;

/// What the strip under the diagram shows, in words (`None`: no strip, as for 2D GANs).
fn strip_name(explanation: &Explanation) -> Option<&'static str> {
    match explanation {
        Explanation::Points(_) => None,
        Explanation::Pairs(_) => {
            Some("The pair followed: drawing, G's output, real image, G's output after its update")
        }
        Explanation::Cycle(_) => Some(
            "The images followed: a, G(a), F(G(a)), b, F(b), G(F(b)), and the same after the generators' update",
        ),
    }
}

/// The explain panel and its button.
#[component]
pub fn Explain() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let (walk, set_walk) = signal(None::<Explanation>);
    let strip = NodeRef::<leptos::html::Canvas>::new();
    let (phase, set_phase) = signal(0_usize);
    let (busy, set_busy) = signal(false);
    let start = move |_| {
        ctx.running.set(false);
        set_busy.set(true);
        leptos::task::spawn_local(async move {
            let owner = ctx.owner();
            let result = match owner.lock().await.as_mut() {
                Some(host) if host.model() => host.explain().await,
                _ => {
                    set_busy.set(false);
                    ctx.error
                        .set(Some("There is no model to explain yet.".into()));
                    return;
                }
            };
            set_busy.set(false);
            match result {
                Ok(w) => {
                    set_phase.set(0);
                    set_walk.set(Some(w));
                    ctx.redraw.set(1);
                }
                Err(e) => ctx.error.set(Some(format!("Could not explain: {e}"))),
            }
        });
    };
    let text = move || walk.with(|w| w.as_ref().map(|w| phase_text(phase.get(), w)));
    let strip_label = move || walk.with(|w| w.as_ref().and_then(strip_name));
    let box_label = move |i: usize| {
        move || {
            walk.with(|w| w.as_ref().map(|w| label(i, w)))
                .unwrap_or_default()
        }
    };
    let box_font = move |i: usize| {
        move || {
            walk.with(|w| {
                w.as_ref()
                    .is_some_and(|w| label(i, w).chars().count() > LONG_LABEL)
            })
            .then_some("12px")
        }
    };
    Effect::new(move |_| {
        let shown = phase.get();
        walk.with(|w| match w {
            Some(Explanation::Pairs(w)) => pairs::paint_strip(strip, w, shown),
            Some(Explanation::Cycle(w)) => cycle::paint_strip(strip, w, shown),
            _ => {}
        });
    });
    let lit =
        move |id: &'static str| move || walk.get().is_some() && LIT[phase.get()].contains(&id);
    view! {
        <section class="explain" data-hide="explain" aria-label="Explain one iteration">
            <button class="secondary" on:click=start disabled=move || busy.get() || !ctx.ready.get()>
                "Explain one iteration"
            </button>
            <Show when=move || walk.get().is_some()>
                <svg viewBox="0 0 720 160" role="img" aria-label="Diagram of one GAN iteration">
                    {BOXES.into_iter().enumerate().map(|(i, (id, x, y))| view! {
                        <g class="box" class:lit=lit(id)>
                            <rect x=x y=y width="100" height="36" rx="6" />
                            <text x=x + 50.0 y=y + 23.0 text-anchor="middle"
                                style:font-size=box_font(i)>{box_label(i)}</text>
                        </g>
                    }).collect_view()}
                    <path class="wire" d="M110 38 H130 M230 38 H250 M350 38 L370 75 M350 128 L370 90 M470 75 L490 38 M470 90 L490 128 M590 38 L610 75 M590 128 L610 90" />
                </svg>
                <Show when=move || strip_label().is_some()>
                    <canvas node_ref=strip class="explain-strip" role="img"
                        aria-label=strip_label />
                </Show>
                <h3>{move || text().map(|t| t.0)}</h3>
                <p aria-live="polite">{move || text().map(|t| t.1)}</p>
                <div class="buttons">
                    <button class="secondary" on:click=move |_| set_phase.update(|p| *p = p.saturating_sub(1))
                        disabled=move || phase.get() == 0>"Back"</button>
                    <button class="secondary" on:click=move |_| set_phase.update(|p| *p = (*p + 1).min(LIT.len() - 1))
                        disabled=move || phase.get() + 1 == LIT.len()>"Next"</button>
                    <button class="secondary" on:click=move |_| set_walk.set(None)>"Close"</button>
                </div>
            </Show>
        </section>
    }
}
