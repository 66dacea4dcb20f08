//! The playground page: shared state, start-up, the training loop, keyboard, and the layout.

use std::fmt::Write as _;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::bench::{Bench, BenchRequest};
use crate::buttons::{single, toggle};
use crate::checkpoint::ResumeOffer;
use crate::controls::Controls;
use crate::explain::Explain;
use crate::images::cycle::CycleStage;
use crate::images::pad::PairStage;
use crate::images::views::{ImageQualityPanel, ImageStage, LatentPanel};
use crate::link::{self, Start};
use crate::run_loop::{start, training_loop};
use crate::setup::Setup;
use crate::share::SharePanel;
use crate::state::Ctx;
use crate::trainer::Single;
use crate::views::{Charts, DiscriminatorViews, Playground, StatusLine};

/// The page: the benchmark when the URL asks for one, else the playground.
#[component]
pub fn App() -> impl IntoView {
    match BenchRequest::from_url() {
        Some(request) => view! { <Bench request=request /> }.into_any(),
        None => view! { <PlaygroundPage /> }.into_any(),
    }
}

/// The whole playground.
#[component]
fn PlaygroundPage() -> impl IntoView {
    let ctx = Ctx::new();
    provide_context(ctx);
    apply_link(ctx);
    sync_link(ctx);
    leptos::task::spawn_local(start(ctx));
    leptos::task::spawn_local(training_loop(ctx));

    // Keyboard: Space plays/pauses, → steps (not while typing in a field).
    let handle = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        let in_field = ev.target().is_some_and(|t| {
            t.dyn_ref::<web_sys::HtmlInputElement>().is_some()
                || t.dyn_ref::<web_sys::HtmlSelectElement>().is_some()
        });
        if in_field {
            return;
        }
        match ev.key().as_str() {
            " " => {
                ev.prevent_default();
                toggle(ctx);
            }
            "ArrowRight" => single(ctx, Single::Step),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());

    let hidden_css = move || {
        ctx.hide.get().iter().fold(String::new(), |mut css, n| {
            let _ = writeln!(
                css,
                "[data-hide=\"{n}\"], #{n}, label[for=\"{n}\"] {{ display: none !important; }}"
            );
            css
        })
    };
    let images = move || ctx.setup.with(Setup::is_images);
    let noise_images = move || ctx.setup.with(|s| s.is_images() && s.model.is_noise_gan());
    let pix2pix = move || ctx.setup.with(|s| s.model.is_pix2pix());
    let cyclegan = move || ctx.setup.with(|s| s.model.is_cyclegan());
    view! {
        <style>{hidden_css}</style>
        <header>
            <h1>"GANvas"</h1>
            <p class="tagline">"Train a GAN in your browser, on your own GPU."</p>
        </header>
        <Show when=move || ctx.banner.get().is_some()>
            <div class="banner" role="note">
                <p>{move || ctx.banner.get().unwrap_or_default()}</p>
                <Show when=move || ctx.banner_detail.get().is_some()>
                    <details>
                        <summary>"Technical detail"</summary>
                        <code>{move || ctx.banner_detail.get().unwrap_or_default()}</code>
                    </details>
                </Show>
            </div>
        </Show>
        <ResumeOffer />
        <main class:presenter=move || ctx.presenter.get()>
            <Controls />
            <section class="views" aria-label="Views">
                <StatusLine />
                <div class="stage">
                    <Show when=images fallback=|| view! { <Playground /> }>
                        <Show when=pix2pix fallback=move || view! {
                            <Show when=cyclegan fallback=|| view! { <ImageStage /> }>
                                <CycleStage />
                            </Show>
                        }>
                            <PairStage />
                        </Show>
                    </Show>
                    <DiscriminatorViews />
                </div>
                <Show when=images fallback=|| view! { <Explain /> }>
                    <Show when=noise_images>
                        <ImageQualityPanel />
                        <LatentPanel />
                    </Show>
                    <Show when=move || pix2pix() || cyclegan()>
                        <Explain />
                    </Show>
                </Show>
                <Charts />
                <SharePanel />
            </section>
        </main>
    }
}

/// The page's URL fragment without the `#`.
fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// Applies the settings in the page's link, if any. A damaged link changes nothing and says so.
fn apply_link(ctx: Ctx) {
    let text = fragment();
    if text.is_empty() {
        return;
    }
    let mut pairs = link::parse_fragment(&text);
    let model = pairs
        .iter()
        .position(|(k, _)| k == "m")
        .map(|i| pairs.remove(i).1);
    let parsed = link::from_pairs(&pairs).map(|settings| (settings, model));
    match parsed {
        Ok((settings, model)) => {
            ctx.pending_model.set(model);
            ctx.setup.set(settings.setup);
            ctx.drawn.set(settings.drawn);
            ctx.layers.set(settings.layers);
            ctx.show_features.set(settings.show_features);
            ctx.pinned_device.set(settings.device);
            ctx.hide.set(settings.hide);
            ctx.presenter.set(settings.presenter);
            ctx.start_training.set(settings.start == Start::Training);
        }
        Err(problem) => ctx.error.set(Some(format!(
            "This link could not be used: {problem}. The page shows its defaults instead."
        ))),
    }
}

/// Keeps the URL fragment equal to the current settings (replacing, not adding, history).
fn sync_link(ctx: Ctx) {
    Effect::new(move |_| {
        let settings = crate::share::current_settings(ctx);
        let text = link::print_fragment(&link::to_pairs(&settings));
        let url = if text.is_empty() {
            current_path()
        } else {
            format!("#{text}")
        };
        if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    });
}

/// The page's path and query, without a fragment.
fn current_path() -> String {
    web_sys::window()
        .and_then(|w| {
            let location = w.location();
            Some(format!(
                "{}{}",
                location.pathname().ok()?,
                location.search().ok()?
            ))
        })
        .unwrap_or_default()
}
