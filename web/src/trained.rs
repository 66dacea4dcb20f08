//! "Start from a trained model": opens the shipped starting point of the chosen model
//! (`static/models/`, built by `scripts/models.sh`), fetched only when asked for. Training
//! goes on from it, so a class can see at once where training leads, then change a setting
//! and watch what happens to a GAN that already works.

use ganvas_engine::trained::{TrainedModel, trained_model};
use leptos::prelude::*;

use crate::images::load::fetch_bytes;
use crate::setup::Setup;
use crate::share::open_model;
use crate::state::Ctx;

/// The starting point for what `setup` trains, if one ships.
fn for_setup(setup: &Setup) -> Option<TrainedModel> {
    let data = if setup.is_images() {
        setup.images.value()
    } else {
        setup.dataset.name()
    };
    trained_model(setup.model.value(), data)
}

/// "521 KB", "3.1 MB".
fn size_text(bytes: usize) -> String {
    if bytes < 1_000_000 {
        format!("{} KB", bytes.div_ceil(1000))
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

/// Fetches and opens `trained`; the current model is kept if anything fails.
async fn open(ctx: Ctx, trained: TrainedModel) -> Result<(), String> {
    let what = format!("Loading the trained {}", trained.model);
    ctx.loading.set(Some((what.clone(), 0.0)));
    let progress = |got: u64, total: Option<u64>| {
        let fraction = got as f64 / total.unwrap_or(trained.bytes as u64).max(1) as f64;
        ctx.loading.set(Some((what.clone(), fraction.min(1.0))));
    };
    let bytes = fetch_bytes(&format!("models/{}", trained.file), progress).await;
    ctx.loading.set(None);
    let payload = ganvas_share::decode(&bytes?).map_err(|e| e.to_string())?;
    open_model(ctx, payload).await
}

/// The button, with the file's size, and a line on what happened.
#[component]
pub fn TrainedStart() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let trained = Memo::new(move |_| ctx.setup.with(for_setup));
    let (note, set_note) = signal(String::new());
    let (busy, set_busy) = signal(false);
    let start = move |_| {
        let Some(chosen) = trained.get_untracked() else {
            return;
        };
        set_busy.set(true);
        set_note.set(String::new());
        leptos::task::spawn_local(async move {
            let result = open(ctx, chosen).await;
            set_busy.set(false);
            match result {
                Ok(()) => {
                    ctx.error.set(None);
                    set_note.set(format!(
                        "Opened {} after {} training steps on {}: press Train to go on from here.",
                        chosen.model, chosen.steps, chosen.data
                    ));
                }
                Err(e) => ctx.error.set(Some(format!(
                    "Could not open the trained {}: {e}. The current model is unchanged.",
                    chosen.model
                ))),
            }
        });
    };
    view! {
        <Show when=move || trained.get().is_some()>
            <button class="secondary" on:click=start disabled=move || busy.get() || !ctx.ready.get()>
                {move || trained.get().map(|t| format!("Start from a trained model ({})", size_text(t.bytes)))}
            </button>
            <p class="hint">{move || note.get()}</p>
        </Show>
    }
}
