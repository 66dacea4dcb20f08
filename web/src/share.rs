//! Sharing: a link with the setup, a link that also carries the trained generator, and
//! `.ganvas` files (full precision, with D and optimiser state) to save and resume a run.

use ganvas_engine::share::link_precision;
use ganvas_engine::snapshot::{Snapshot, SnapshotParts};
use ganvas_share::{MAX_LINK_CHARS, ModelLink, ModelPayload, Precision};
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::link::{self, LinkSettings, Start};
use crate::run_loop::{idle, now_ms};
use crate::state::{Ctx, DRAW_BOUNDS, Live};
use ganvas_session::protocol::Failure;
use ganvas_session::session::Basis;

/// The current settings, as the link writes them (reading them subscribes a reactive
/// context, such as the effect that keeps the URL fragment in step).
pub fn current_settings(ctx: Ctx) -> LinkSettings {
    LinkSettings {
        setup: ctx.setup.get(),
        drawn: ctx.drawn.get(),
        layers: ctx.layers.get(),
        show_features: ctx.show_features.get(),
        device: ctx.pinned_device.get(),
        hide: ctx.hide.get(),
        start: if ctx.start_training.get() {
            Start::Training
        } else {
            Start::Paused
        },
        presenter: ctx.presenter.get(),
    }
}

/// The page's address without its fragment.
fn base_url() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!(
                "{}{}{}",
                l.origin().ok()?,
                l.pathname().ok()?,
                l.search().ok()?
            ))
        })
        .unwrap_or_default()
}

/// Longest wait for a stopped GPU's run to move to the CPU, in milliseconds.
const MOVE_MS: f64 = 30_000.0;

/// Reads the training GAN's snapshot, when the session is next free (while training, after
/// the chunk in hand). When the GPU has stopped, it waits for the loop to move the run to the
/// CPU (from the last checkpoint) and reads it there.
async fn snapshot(ctx: Ctx, parts: SnapshotParts) -> Result<Snapshot, String> {
    let asked = now_ms();
    let owner = ctx.owner();
    loop {
        let result = match owner.lock().await.as_mut() {
            Some(host) => host.snapshot(parts).await,
            None => return Err("the page is still starting".to_string()),
        };
        match result {
            Err(Failure::DeviceLost(_)) if now_ms() - asked <= MOVE_MS => {
                // The loop notices the stopped GPU within a frame and rebuilds on the CPU.
                ctx.redraw.set(1);
                idle().await;
            }
            other => return other.map_err(|e| e.to_string()),
        }
    }
}

/// Replaces the running GAN with a shared one. `settings` (from a file) replace the page's
/// settings too. Nothing changes unless the whole model loads.
pub async fn open_model(ctx: Ctx, payload: ModelPayload) -> Result<(), String> {
    let settings = if payload.settings.is_empty() {
        None
    } else {
        let pairs = link::parse_fragment(&payload.settings);
        Some(link::from_pairs(&pairs)?)
    };
    let snapshot = Snapshot::from_payload(payload).map_err(|e| e.to_string())?;
    let setup = settings
        .as_ref()
        .map_or_else(|| ctx.setup.get_untracked(), |s| s.setup.clone());
    let bounds = setup.drawn.then_some(DRAW_BOUNDS);
    let images = if setup.is_images() {
        Some(ctx.images_for(&setup.images).await?)
    } else {
        None
    };
    let owner = ctx.owner();
    let mut held = owner.lock().await;
    let host = held
        .as_mut()
        .ok_or_else(|| "the page is still starting".to_string())?;
    host.choose_device(ctx.device.get_untracked())
        .await
        .map_err(|e| e.to_string())?;
    let basis = Basis {
        setup,
        bounds,
        images,
    };
    let built = host
        .open(snapshot, basis)
        .await
        .map_err(|e| e.to_string())?;
    // The opened model replaces whatever was asked for before it.
    owner.fulfil(owner.ask());
    ctx.running.set(false);
    ctx.warm_up(host);
    drop(held);
    if let Some(settings) = settings {
        ctx.setup.set(settings.setup);
        ctx.drawn.set(settings.drawn);
        ctx.layers.set(settings.layers);
        ctx.show_features.set(settings.show_features);
    }
    ctx.history.set(Vec::new());
    ctx.live.set(Live {
        step: built.step,
        ..Live::default()
    });
    if let Some(scene) = built.scene {
        ctx.scene.set(scene);
    }
    ctx.timelapse
        .update_value(crate::images::timelapse::Timelapse::clear);
    ctx.timelapse_frames.set(0);
    ctx.redraw.set(1);
    Ok(())
}

fn size_text(chars: usize) -> String {
    if chars < 10_000 {
        format!("{chars} characters")
    } else {
        format!("{:.0} KB", chars as f64 / 1000.0)
    }
}

/// A link with the current settings and the model (G, and D when asked), and a note on it.
async fn model_link(ctx: Ctx, parts: SnapshotParts) -> Result<(String, String), String> {
    let snapshot = snapshot(ctx, parts).await?;
    let precision = link_precision(&snapshot.generator);
    let model = ModelLink::new(&snapshot.to_payload(""), precision).map_err(|e| e.to_string())?;
    if model.text_len() > MAX_LINK_CHARS {
        return Err(format!(
            "this model needs a {} link, too long to share safely: download a .ganvas file instead",
            size_text(model.text_len())
        ));
    }
    let mut pairs = link::to_pairs(&untrack(|| current_settings(ctx)));
    pairs.push(("m".into(), model.to_string()));
    let url = format!("{}#{}", base_url(), link::print_fragment(&pairs));
    let what = if parts.discriminator {
        "G and D"
    } else {
        "the generator"
    };
    Ok((
        url.clone(),
        format!(
            "Link with {what} copied: {} ({precision}). The same noise gives the same samples, up to {precision} rounding.",
            size_text(url.len())
        ),
    ))
}

/// Downloads a `.ganvas` file of the whole run; returns a note for the user.
async fn save(ctx: Ctx, all: SnapshotParts) -> Result<String, String> {
    let snapshot = snapshot(ctx, all).await?;
    let settings = link::print_fragment(&link::to_pairs(&untrack(|| current_settings(ctx))));
    let bytes = ganvas_share::encode(&snapshot.to_payload(&settings), Precision::F32)
        .map_err(|e| e.to_string())?;
    let name = format!("ganvas-step-{}.ganvas", snapshot.step);
    crate::download::bytes(&bytes, "application/octet-stream", &name)
        .ok_or_else(|| "the browser refused the download".to_string())?;
    Ok(format!(
        "Saved {name} ({} KB, full precision, G, D and optimiser state).",
        bytes.len().div_ceil(1000)
    ))
}

/// The share panel.
#[component]
pub fn SharePanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let (link_text, set_link_text) = signal(String::new());
    let (note, set_note) = signal(String::new());
    let (with_d, set_with_d) = signal(false);
    let (busy, set_busy) = signal(false);
    let publish = move |url: String, message: String| {
        if let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) {
            let _ = clipboard.write_text(&url); // the field below shows it if this is refused
        }
        set_link_text.set(url);
        set_note.set(message);
    };
    let copy_setup = move |_| {
        let fragment = link::print_fragment(&link::to_pairs(&untrack(|| current_settings(ctx))));
        let url = format!("{}#{fragment}", base_url());
        let message = format!("Link to this setup copied ({}).", size_text(url.len()));
        publish(url, message);
    };
    let copy_model = move |_| {
        set_busy.set(true);
        leptos::task::spawn_local(async move {
            let parts = SnapshotParts {
                discriminator: with_d.get_untracked(),
                ..SnapshotParts::default()
            };
            let result = model_link(ctx, parts).await;
            set_busy.set(false);
            match result {
                Ok((url, message)) => publish(url, message),
                Err(e) => ctx.error.set(Some(format!("Could not make a link: {e}."))),
            }
        });
    };
    let save_file = move |_| {
        set_busy.set(true);
        leptos::task::spawn_local(async move {
            let result = save(ctx, SnapshotParts::ALL).await;
            set_busy.set(false);
            match result {
                Ok(message) => set_note.set(message),
                Err(e) => ctx
                    .error
                    .set(Some(format!("Could not save the model: {e}."))),
            }
        });
    };
    let open_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let name = file.name();
            let bytes = JsFuture::from(file.array_buffer())
                .await
                .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec());
            let payload = bytes
                .map_err(|_| "the file could not be read".to_string())
                .and_then(|bytes| ganvas_share::decode(&bytes).map_err(|e| e.to_string()));
            let result = match payload {
                Ok(payload) => open_model(ctx, payload).await,
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => {
                    ctx.error.set(None);
                    set_note.set(format!("Opened {name}: training can go on from here."));
                }
                Err(e) => ctx.error.set(Some(format!(
                    "Could not open {name}: {e}. The current model is unchanged."
                ))),
            }
        });
    };
    let no_model = move || busy.get() || !ctx.ready.get();
    view! {
        <section class="share" data-hide="share" aria-label="Share">
            <h2>"Share"</h2>
            <div class="buttons">
                <button class="secondary" on:click=copy_setup>"Copy link"</button>
                <button class="secondary" on:click=copy_model disabled=no_model>
                    "Copy link with model"
                </button>
                <button class="secondary" on:click=save_file disabled=no_model>
                    "Save .ganvas file"
                </button>
            </div>
            <label class="inline"><input type="checkbox" prop:checked=move || with_d.get()
                on:change=move |_| set_with_d.update(|v| *v = !*v) />
                "Include the discriminator in the link (to resume training)"</label>
            <label for="share-link">"Share link"</label>
            <input id="share-link" type="text" readonly prop:value=move || link_text.get() />
            <p class="hint">{move || note.get()}</p>
            <label for="open-model">"Open a .ganvas file"</label>
            <input id="open-model" type="file" accept=".ganvas,application/octet-stream" on:change=open_file />
        </section>
    }
}
