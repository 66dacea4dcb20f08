//! Train/Pause, single steps (whole, D only, G only) and Reset.

use leptos::prelude::*;

use crate::state::Ctx;
use crate::trainer::Single;

/// Plays or pauses training. Going on after a divergence takes its message away.
pub fn toggle(ctx: Ctx) {
    if !ctx.ready.get_untracked() {
        return;
    }
    let start = !ctx.running.get_untracked();
    if start {
        let diverged = ctx.page.try_update_value(|p| p.diverged.take()).flatten();
        if diverged.is_some() && diverged == ctx.error.get_untracked() {
            ctx.error.set(None);
        }
    }
    ctx.running.set(start);
}

/// One manual update while paused; the status line shows the losses it reports.
pub fn single(ctx: Ctx, what: Single) {
    if ctx.running.get_untracked() {
        return;
    }
    let owner = ctx.owner();
    leptos::task::spawn_local(async move {
        let result = match owner.lock().await.as_mut() {
            Some(host) if host.model() => host.single(what).await,
            _ => return,
        };
        match result {
            Ok(values) => ctx.live.update(|live| match what {
                Single::Step => {
                    live.d_loss = Some(values.d_loss);
                    live.g_loss = Some(values.g_loss);
                }
                Single::Discriminator => live.d_loss = Some(values.d_loss),
                Single::Generator => live.g_loss = Some(values.g_loss),
            }),
            Err(e) => ctx.error.set(Some(format!("Could not read the step: {e}"))),
        }
        ctx.redraw.set(1);
    });
}

/// The button row.
#[component]
pub fn TrainButtons() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let on_reset = move |_| {
        ctx.running.set(false);
        ctx.error.set(None);
        ctx.reset();
    };
    let paused = move || ctx.running.get() || !ctx.ready.get();
    view! {
        <div class="buttons">
            <button class="primary" on:click=move |_| toggle(ctx) disabled=move || !ctx.ready.get()>
                {move || if ctx.running.get() { "Pause" } else { "Train" }}
            </button>
            <button on:click=move |_| single(ctx, Single::Step) disabled=paused
                title="One whole step: k D updates, then G's (→ key)">"Step"</button>
            <button on:click=on_reset>"Reset"</button>
        </div>
        // Pix2Pix takes whole steps only.
        <Show when=move || ctx.setup.with(|s| s.model.is_noise_gan())>
        <div class="buttons">
            <button class="secondary" on:click=move |_| single(ctx, Single::Discriminator) disabled=paused>
                "Update D only"
            </button>
            <button class="secondary" on:click=move |_| single(ctx, Single::Generator) disabled=paused>
                "Update G only"
            </button>
        </div>
        </Show>
    }
}
