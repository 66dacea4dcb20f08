//! The run's checkpoint: a host-side copy of the whole run (G, the averaged G, D, both
//! optimisers' state, the page's settings), taken when training starts, every
//! [`interval_ms`] while it runs, and on pause. It is kept only when it passes the checks a
//! file from outside passes (finite, sane weights that fit the configuration), so it is
//! always a state training can go on from. It serves:
//! - the rollback when training diverges (the session keeps it);
//! - the panic banner's "Save your run": its bytes are also held by the page's JavaScript
//!   (`checkpoint.js`), outside the module that stopped;
//! - resuming after a reload or a crash: they are stored in IndexedDB too ([`stored`]).

use ganvas_share::{Packing, Precision};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::host::Host;
use crate::link;
use crate::setup::{ImageSource, Setup};
use crate::state::Ctx;

#[wasm_bindgen(module = "/src/checkpoint.js")]
extern "C" {
    #[wasm_bindgen(js_name = keepCheckpoint)]
    fn keep_checkpoint(bytes: &[u8], step: f64, name: &str, label: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = storedCheckpoint)]
    fn stored_checkpoint() -> js_sys::Promise;
    #[wasm_bindgen(js_name = forgetCheckpoint)]
    fn forget_checkpoint() -> js_sys::Promise;
    /// Shows the banner for a stopped page (see `checkpoint.js`).
    #[wasm_bindgen(js_name = showPanicBanner)]
    pub fn show_panic_banner(message: &str);
}

/// Milliseconds between checkpoints while training: a diverged or crashed run loses at most
/// this much. The page's query may set it in seconds (`?checkpoint=5`), for tests.
pub const INTERVAL_MS: f64 = 30_000.0;

/// [`INTERVAL_MS`], or the page query's `checkpoint` seconds (at least 1).
pub fn interval_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| web_sys::UrlSearchParams::new_with_str(&q).ok())
        .and_then(|p| p.get("checkpoint"))
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 1.0)
        .map_or(INTERVAL_MS, |s| s * 1000.0)
}

/// A run stored by an earlier visit, offered at start.
#[derive(Clone, Debug, PartialEq)]
pub enum Resume {
    /// "Resume your last run from step N?"
    Offer {
        /// Its step.
        step: u64,
        /// Model and data, in words.
        label: String,
    },
    /// Resumed: what the page says then.
    Done(String),
}

/// Model and data in words, for the resume offer and the panic banner.
pub fn label(setup: &Setup) -> String {
    let data = if setup.is_images() {
        match &setup.images {
            ImageSource::Shipped(set) => set.title().to_string(),
            ImageSource::Uploaded => "uploaded images".to_string(),
        }
    } else if setup.drawn {
        "points drawn by hand".to_string()
    } else {
        setup.dataset.name().to_string()
    };
    format!("{} on {data}", setup.model.value())
}

/// Takes a checkpoint of the session's run when one is due (`older_than_ms`: see
/// [`ganvas_session::protocol::Command::Checkpoint`]) and keeps it (in the session for
/// rollbacks, in the page outside wasm and in IndexedDB) if it passes every check; otherwise
/// the last good one stays and the reason is returned. `Ok(None)`: none was due.
pub async fn take(
    ctx: Ctx,
    host: &mut Host,
    older_than_ms: Option<f64>,
) -> Result<Option<u64>, String> {
    let Some(snapshot) = host
        .checkpoint(older_than_ms)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    let step = snapshot.step;
    let settings = untrack(|| crate::share::current_settings(ctx));
    let fragment = link::print_fragment(&link::to_pairs(&settings));
    // Stored, not compressed: megabytes of f32 weights barely compress, and DEFLATE's best
    // would stall the page's thread for a second on the larger models.
    let bytes = ganvas_share::encode_with(
        &snapshot.to_payload(&fragment),
        Precision::F32,
        Packing::Fastest,
    )
    .map_err(|e| e.to_string())?;
    let name = format!("ganvas-step-{step}.ganvas");
    let label = label(&settings.setup);
    // The call copies the bytes before it returns; storing goes on without holding up
    // training, and may fail (private browsing, quota) without harm to the copies in the page.
    let stored = JsFuture::from(keep_checkpoint(&bytes, step as f64, &name, &label));
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(problem) = stored.await
            && let Some(problem) = problem.as_string()
            && !problem.is_empty()
        {
            web_sys::console::warn_1(
                &format!("checkpoint not stored in IndexedDB: {problem}").into(),
            );
        }
    });
    // A stored run from an earlier visit is now replaced: stop offering it.
    if matches!(ctx.resume.get_untracked(), Some(Resume::Offer { .. })) {
        ctx.resume.set(None);
        ctx.page.update_value(|p| p.resume_bytes = None);
    }
    Ok(Some(step))
}

/// Looks for a run stored by an earlier visit and offers it (the page's start, when the link
/// carries no model).
pub async fn offer_stored(ctx: Ctx) {
    let Ok(record) = JsFuture::from(stored_checkpoint()).await else {
        return;
    };
    if record.is_null() || record.is_undefined() {
        return;
    }
    let field = |name: &str| js_sys::Reflect::get(&record, &JsValue::from_str(name)).ok();
    let Some(bytes) = field("bytes").map(|b| js_sys::Uint8Array::new(&b).to_vec()) else {
        return;
    };
    let step = field("step").and_then(|s| s.as_f64()).unwrap_or(0.0) as u64;
    let label = field("label")
        .and_then(|l| l.as_string())
        .unwrap_or_default();
    if bytes.is_empty() {
        return;
    }
    ctx.page.update_value(|p| p.resume_bytes = Some(bytes));
    ctx.resume.set(Some(Resume::Offer { step, label }));
}

/// Opens the stored run (the offer's button). A run that cannot be opened is forgotten, and
/// the page keeps its current model.
pub async fn resume(ctx: Ctx) {
    let Some(bytes) = ctx
        .page
        .try_update_value(|p| p.resume_bytes.take())
        .flatten()
    else {
        return;
    };
    let opened = match ganvas_share::decode(&bytes) {
        Ok(payload) => crate::share::open_model(ctx, payload).await,
        Err(e) => Err(e.to_string()),
    };
    match opened {
        Ok(()) => {
            let step = ctx.live.get_untracked().step;
            ctx.error.set(None);
            ctx.resume.set(Some(Resume::Done(format!(
                "Resumed your last run at step {step}: press Train to go on."
            ))));
        }
        Err(e) => {
            let _ = JsFuture::from(forget_checkpoint()).await;
            ctx.resume.set(None);
            ctx.error.set(Some(format!(
                "Your last run could not be resumed: {e}. The current model is unchanged."
            )));
        }
    }
}

/// Declines the offer (the stored run stays until the next checkpoint replaces it).
pub fn dismiss(ctx: Ctx) {
    ctx.resume.set(None);
    ctx.page.update_value(|p| p.resume_bytes = None);
}

/// The offer to resume a stored run, and what resuming said.
#[component]
pub fn ResumeOffer() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let (busy, set_busy) = signal(false);
    let resume_click = move |_| {
        set_busy.set(true);
        leptos::task::spawn_local(async move {
            resume(ctx).await;
            set_busy.set(false);
        });
    };
    move || {
        match ctx.resume.get() {
        None => ().into_any(),
        Some(Resume::Offer { step, label }) => view! {
            <section class="banner resume" role="region" aria-label="Your last run">
                <p>{format!(
                    "Your last run stopped at step {step} ({label}). Resume it, or train a new model (its first checkpoint replaces the stored run)."
                )}</p>
                <div class="buttons">
                    <button on:click=resume_click disabled=move || busy.get() || !ctx.ready.get()>
                        {format!("Resume from step {step}")}
                    </button>
                    <button class="secondary" on:click=move |_| dismiss(ctx)>"Dismiss"</button>
                </div>
            </section>
        }
        .into_any(),
        Some(Resume::Done(message)) => view! {
            <section class="banner resume" role="region" aria-label="Your last run">
                <p>{message}</p>
                <div class="buttons">
                    <button class="secondary" on:click=move |_| dismiss(ctx)>"Dismiss"</button>
                </div>
            </section>
        }
        .into_any(),
    }
    }
}
