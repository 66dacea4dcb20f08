//! The playground page: shared state, start-up, the training loop, keyboard, and the layout.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::bench::{Bench, BenchRequest};
use crate::buttons::{single, toggle};
use crate::controls::Controls;
use crate::explain::Explain;
use crate::run_loop::{start, training_loop};
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

    view! {
        <header>
            <h1>"GANvas"</h1>
            <p class="tagline">"Train a GAN in your browser, on your own GPU."</p>
        </header>
        <Show when=move || ctx.banner.get().is_some()>
            <p class="banner" role="note">{move || ctx.banner.get().unwrap_or_default()}</p>
        </Show>
        <main>
            <Controls />
            <section class="views" aria-label="Views">
                <StatusLine />
                <div class="stage">
                    <Playground />
                    <DiscriminatorViews />
                </div>
                <Explain />
                <Charts />
            </section>
        </main>
    }
}
