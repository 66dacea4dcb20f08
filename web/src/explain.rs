//! Explain mode: one training iteration, phase by phase, on a small diagram with the numbers
//! measured on the live model.

use leptos::prelude::*;

use crate::state::Ctx;
use crate::trainer::Walkthrough;

/// The diagram's boxes: `(id, label, x, y)`.
const BOXES: [(&str, &str, f64, f64); 8] = [
    ("z", "noise z", 10.0, 20.0),
    ("g", "G", 130.0, 20.0),
    ("fake", "G(z)", 250.0, 20.0),
    ("real", "real x", 250.0, 110.0),
    ("d", "D", 370.0, 65.0),
    ("dloss", "D loss", 490.0, 20.0),
    ("gloss", "G loss", 490.0, 110.0),
    ("update", "update", 610.0, 65.0),
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

fn fmt_points(points: &[Vec<f32>]) -> String {
    points
        .iter()
        .map(|p| {
            let inner: Vec<String> = p.iter().map(|v| format!("{v:.2}")).collect();
            format!("({})", inner.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The text of `phase`, in our own words, with the measured numbers.
fn phase_text(phase: usize, w: &Walkthrough) -> (String, String) {
    let unit = if w.probability { "P(real)" } else { "score" };
    match phase {
        0 => (
            "1 · Sample noise".into(),
            format!(
                "G never sees the data. It starts from random noise z; here are three of the 64 noise vectors we follow: {} …",
                fmt_points(&w.noise)
            ),
        ),
        1 => (
            "2 · G turns noise into fakes".into(),
            format!(
                "G maps each z to a point. The same three, as points: {} …",
                fmt_points(&w.fakes.iter().map(|p| p.to_vec()).collect::<Vec<_>>())
            ),
        ),
        2 => (
            "3 · D scores real and fake".into(),
            format!(
                "D looks at 64 real points and the 64 fakes. Mean {unit}: real {:.3}, fake {:.3}. D wants these far apart.",
                w.d_real[0], w.d_fake[0]
            ),
        ),
        3 => (
            "4 · D's loss".into(),
            format!(
                "D's loss measures how badly it told them apart: {:.4}. Lower is better for D.",
                w.d_loss[0]
            ),
        ),
        4 => (
            "5 · D learns".into(),
            format!(
                "One optimiser step moves D's weights downhill on its loss. Measured again on the same points: loss {:.4} → {:.4}; mean {unit} real {:.3} → {:.3}, fake {:.3} → {:.3}.",
                w.d_loss[0], w.d_loss[1], w.d_real[0], w.d_real[1], w.d_fake[0], w.d_fake[1]
            ),
        ),
        5 => (
            "6 · G's loss".into(),
            format!(
                "Now G is judged by the updated D: its loss is {:.4} (it was {:.4} before D learned). G wants D to call its fakes real.",
                w.g_loss[1], w.g_loss[0]
            ),
        ),
        _ => (
            "7 · G learns".into(),
            format!(
                "The gradient flows back through D (whose weights stay put) into G, which moves its fakes towards what D calls real. Same noise, new fakes: G's loss {:.4} → {:.4}, mean {unit} on fakes {:.3} → {:.3}. That was one iteration; training repeats it thousands of times.",
                w.g_loss[1], w.g_loss[2], w.d_fake[1], w.d_fake[2]
            ),
        ),
    }
}

/// The explain panel and its button.
#[component]
pub fn Explain() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let (walk, set_walk) = signal(None::<Walkthrough>);
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
    let text = move || walk.get().map(|w| phase_text(phase.get(), &w));
    let lit =
        move |id: &'static str| move || walk.get().is_some() && LIT[phase.get()].contains(&id);
    view! {
        <section class="explain" data-hide="explain" aria-label="Explain one iteration">
            <button class="secondary" on:click=start disabled=move || busy.get() || !ctx.ready.get()>
                "Explain one iteration"
            </button>
            <Show when=move || walk.get().is_some()>
                <svg viewBox="0 0 720 160" role="img" aria-label="Diagram of one GAN iteration">
                    {BOXES.into_iter().map(|(id, label, x, y)| view! {
                        <g class="box" class:lit=lit(id)>
                            <rect x=x y=y width="100" height="36" rx="6" />
                            <text x=x + 50.0 y=y + 23.0 text-anchor="middle">{label}</text>
                        </g>
                    }).collect_view()}
                    <path class="wire" d="M110 38 H130 M230 38 H250 M350 38 L370 75 M350 128 L370 90 M470 75 L490 38 M470 90 L490 128 M590 38 L610 75 M590 128 L610 90" />
                </svg>
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
