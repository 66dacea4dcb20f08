//! CycleGAN between two uploaded sets: set A and set B are chosen one after the other (each
//! like any image upload: IDX files or PNG/JPEG pictures), and once both are read the page
//! trains CycleGAN between them.

use ganvas_engine::data::ImageSet;
use leptos::prelude::*;

use super::{DOMAIN_A, DOMAIN_B, ImageBundle, upload};
use crate::setup::{CycleSize, ImageSource, ModelChoice};
use crate::state::Ctx;

/// The sets read so far, A's and B's (a new upload of one replaces it).
type Chosen = StoredValue<[Option<ImageSet>; 2], LocalStorage>;

/// The sets' names on the page.
const NAMES: [&str; 2] = ["set A", "set B"];

/// What the two inputs have read, in words.
fn progress(chosen: &[Option<ImageSet>; 2]) -> String {
    match chosen {
        [None, None] => String::new(),
        [Some(a), None] => format!("Set A: {} images. Now choose set B.", a.len),
        [None, Some(b)] => format!("Set B: {} images. Now choose set A.", b.len),
        [Some(a), Some(b)] => format!(
            "CycleGAN trains between set A ({} images) and set B ({} images).",
            a.len, b.len
        ),
    }
}

/// Reads one set; once both are read, trains CycleGAN between them. A bad upload changes
/// nothing and says why.
async fn upload_set(
    ctx: Ctx,
    which: usize,
    files: Vec<web_sys::File>,
    chosen: Chosen,
    note: RwSignal<String>,
) {
    ctx.loading
        .set(Some((format!("Reading {}", NAMES[which]), 0.0)));
    let set = upload::read_upload(&files).await;
    ctx.loading.set(None);
    let set = match set {
        Ok(set) => set,
        Err(problem) => {
            ctx.error.set(Some(format!(
                "Could not use these files as {}: {problem}. Nothing is changed.",
                NAMES[which]
            )));
            return;
        }
    };
    ctx.error.set(None);
    chosen.update_value(|sets| sets[which] = Some(set));
    note.set(chosen.with_value(progress));
    let [Some(a), Some(b)] = chosen.get_value() else {
        return;
    };
    match ImageBundle::uploaded_domains(a, b) {
        Ok(bundle) => {
            ctx.running.set(false);
            ctx.page
                .update_value(|p| p.keep_bundle(ImageSource::Uploaded, bundle));
            crate::controls::change(ctx, true, |s| {
                if !s.model.is_cyclegan() {
                    *s = s.with_model(ModelChoice::CycleGan(CycleSize::Small));
                }
                s.images = ImageSource::Uploaded;
                s.cycle_classes = [DOMAIN_A, DOMAIN_B];
            });
        }
        Err(problem) => ctx.error.set(Some(format!(
            "Could not train CycleGAN on these sets: {problem}. The current dataset is unchanged."
        ))),
    }
}

/// The two inputs and what they have read.
#[component]
pub fn TwoSetsUpload() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let chosen: Chosen = StoredValue::new_local([None, None]);
    let note = RwSignal::new(String::new());
    let on_set = move |which: usize| {
        move |ev: leptos::ev::Event| {
            let files = crate::controls::chosen_files(&ev);
            leptos::task::spawn_local(upload_set(ctx, which, files, chosen, note));
        }
    };
    let accept = ".gz,.idx,.idx3-ubyte,image/png,image/jpeg";
    view! {
        <div data-hide="image-upload" class="group">
            <label for="cycle-set-a">"Upload set A for CycleGAN (IDX files or pictures)"</label>
            <input id="cycle-set-a" type="file" multiple accept=accept on:change=on_set(0) />
            <label for="cycle-set-b">"Upload set B for CycleGAN"</label>
            <input id="cycle-set-b" type="file" multiple accept=accept on:change=on_set(1) />
            <p class="hint" aria-live="polite">{move || note.get()}</p>
        </div>
    }
}
