//! The control panel: data, model, noise, training settings, tricks, device and views.

use ganvas_engine::data::{ShippedSet, Toy2d, parse_points};
use ganvas_engine::loss::LossKind;
use ganvas_engine::model::{Activation, NoiseKind};
use ganvas_engine::optim::OptimizerKind;
use ganvas_engine::training::limits::{
    BATCH, D_LR, D_STEPS, G_LR, G_STEPS, HIDDEN_LAYERS, INSTANCE_NOISE, INSTANCE_NOISE_DECAY,
    LABEL_FLIP, NOISE_DIM, REAL_LABEL, REPLAY, WIDTH,
};
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::draw::Layers;
use crate::fields::{NumberField, SelectField};
use crate::images::{ImageBundle, load, upload};
use crate::setup::{CycleSize, ImageSource, ModelChoice, Pix2PixD, Setup, optimizer};
use crate::state::{Ctx, DeviceChoice};

/// The dataset menu value for hand-drawn points.
pub const DRAW: &str = "draw";
/// The dataset menu value shown for an uploaded file.
const UPLOADED: &str = "uploaded";

/// Changes the setup, then rebuilds the model (`reset`) or only retunes training.
pub(crate) fn change(ctx: Ctx, reset: bool, edit: impl FnOnce(&mut Setup)) {
    ctx.setup.update(edit);
    if reset {
        ctx.reset();
    } else {
        ctx.retune();
    }
}

fn pairs<T: Copy>(items: &[T], name: impl Fn(T) -> &'static str) -> Vec<(String, String)> {
    items
        .iter()
        .map(|&item| (name(item).to_string(), name(item).to_string()))
        .collect::<Vec<_>>()
}

/// The whole control panel.
#[component]
pub fn Controls() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let noise_gan = move || ctx.setup.with(|s| s.model.is_noise_gan());
    view! {
        <section class="controls" aria-label="Controls">
            <crate::buttons::TrainButtons />
            <DataControls />
            <ModelControls />
            <Show when=noise_gan fallback=move || view! {
                <Show when=move || ctx.setup.with(|s| s.model.is_cyclegan())
                    fallback=|| view! { <Pix2PixTraining /> }>
                    <CycleTraining />
                </Show>
            }>
                <TrainingControls />
                <TrickControls />
            </Show>
            <DeviceControl />
            <ViewToggles />
        </section>
    }
}

/// Dataset menu, CSV upload and the drawing pad's controls.
#[component]
fn DataControls() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let on_dataset = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        ctx.error.set(None);
        if value == DRAW {
            ctx.running.set(false);
            change(ctx, true, |s| {
                *s = points_model(s);
                s.drawn = true;
            });
        } else if let Some(toy) = Toy2d::from_name(&value) {
            change(ctx, true, |s| {
                *s = points_model(s);
                s.dataset = toy;
                s.drawn = false;
            });
        } else if let Some(set) = ShippedSet::from_name(&value) {
            ctx.running.set(false);
            change(ctx, true, |s| {
                *s = shipped_model(s, set);
                s.images = ImageSource::Shipped(set);
            });
        } else if value == ImageSource::Uploaded.value() {
            ctx.running.set(false);
            change(ctx, true, |s| {
                *s = image_model(s);
                s.images = ImageSource::Uploaded;
            });
        }
    };
    let on_csv = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let text = JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string());
            let Some(text) = text else {
                ctx.error
                    .set(Some("That file could not be read as text.".into()));
                return;
            };
            match parse_points(&text).and_then(Toy2d::points) {
                Ok(toy) => {
                    change(ctx, true, |s| {
                        s.dataset = toy;
                        s.drawn = false;
                    });
                    ctx.error.set(None);
                }
                Err(e) => ctx.error.set(Some(format!(
                    "Could not use {}: {e}. The current dataset is unchanged.",
                    file.name()
                ))),
            }
        });
    };
    let selected = move || {
        let setup = ctx.setup.get();
        if setup.is_images() {
            setup.images.value()
        } else if setup.drawn {
            DRAW
        } else if matches!(setup.dataset, Toy2d::Points(_)) {
            UPLOADED
        } else {
            setup.dataset.name()
        }
    };
    let has_upload = move || {
        ctx.loading.track();
        ctx.page
            .with_value(|p| p.bundle(&ImageSource::Uploaded).is_some())
    };
    let on_images = move |ev: leptos::ev::Event| {
        leptos::task::spawn_local(upload_images(ctx, chosen_files(&ev)));
    };
    let on_pairs = move |ev: leptos::ev::Event| {
        leptos::task::spawn_local(upload_pairs(ctx, chosen_files(&ev)));
    };
    let clear_drawing = move |_| {
        ctx.drawn.set(Vec::new());
        ctx.reset();
    };
    view! {
        <div data-hide="data" class="group">
        <label for="dataset">"Dataset"</label>
        <select id="dataset" on:change=on_dataset prop:value=selected>
            {Toy2d::all_builtin().into_iter().map(|toy| {
                let name = toy.name();
                view! { <option value=name>{name}</option> }
            }).collect_view()}
            <option value=DRAW>"draw your own"</option>
            <option value=UPLOADED disabled hidden>"uploaded file"</option>
            {ShippedSet::ALL.into_iter().map(|set| {
                let label = match set {
                    ShippedSet::Mnist => "MNIST digits (images)",
                    ShippedSet::Fashion => "Fashion-MNIST (images)",
                };
                view! { <option value=set.name()>{label}</option> }
            }).collect_view()}
            <option value=ImageSource::Uploaded.value() disabled=move || !has_upload()>"your uploaded images"</option>
        </select>
        <Show when=move || ctx.loading.get().is_some()>
            <label for="loading">{move || ctx.loading.get().map(|l| l.0).unwrap_or_default()}</label>
            <progress id="loading" max="1" value=move || ctx.loading.get().map_or(0.0, |l| l.1)></progress>
        </Show>
        <Show when=move || ctx.setup.get().drawn>
            <p class="hint">"Drag on the canvas to draw points; training starts from what you draw."</p>
            <button class="secondary" on:click=clear_drawing>"Clear drawing"</button>
        </Show>
        <Show when=move || !ctx.setup.get().is_images()>
            <label for="csv">"Upload points (CSV: x,y per line)"</label>
            <input id="csv" type="file" accept=".csv,text/csv,text/plain" on:change=on_csv />
        </Show>
        <label for="image-upload">"Upload images (MNIST IDX files, or PNG/JPEG pictures)"</label>
        <input id="image-upload" type="file" multiple
            accept=".gz,.idx,.idx3-ubyte,.idx1-ubyte,image/png,image/jpeg" on:change=on_images />
        <div data-hide="image-upload" class="group">
            <label for="pair-upload">"Upload pairs for pix2pix (pictures: the drawing on the left, the image on the right)"</label>
            <input id="pair-upload" type="file" multiple accept="image/png,image/jpeg" on:change=on_pairs />
        </div>
        <crate::images::two_sets::TwoSetsUpload />
        </div>
    }
}

/// The files chosen in a file input.
pub(crate) fn chosen_files(ev: &leptos::ev::Event) -> Vec<web_sys::File> {
    let input: web_sys::HtmlInputElement = event_target(ev);
    input
        .files()
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
        .unwrap_or_default()
}

/// The setup with a 2D model (the current one if it is 2D).
fn points_model(setup: &Setup) -> Setup {
    if setup.is_images() {
        setup.with_model(ModelChoice::ToyQuadratic)
    } else {
        setup.clone()
    }
}

/// The setup with an image model (the current one if it makes images).
fn image_model(setup: &Setup) -> Setup {
    if setup.is_images() {
        setup.clone()
    } else {
        setup.with_model(ModelChoice::FIRST_IMAGE)
    }
}

/// The setup for a shipped set: its recommended model, unless a tutorial's or the
/// pick-a-class model is chosen (a teacher's choice is kept).
fn shipped_model(setup: &Setup, set: ShippedSet) -> Setup {
    use ganvas_engine::preset::Preset;
    match setup.model {
        ModelChoice::Image(Preset::MnistFast | Preset::FashionFast)
        | ModelChoice::ToyQuadratic
        | ModelChoice::Mlp => setup.with_model(ModelChoice::recommended(set)),
        ModelChoice::Image(_) | ModelChoice::Pix2Pix | ModelChoice::CycleGan(_) => setup.clone(),
    }
}

/// Reads uploaded images and trains on them; a bad upload changes nothing and says why.
async fn upload_images(ctx: Ctx, files: Vec<web_sys::File>) {
    ctx.loading.set(Some(("Reading your images".into(), 0.0)));
    let set = upload::read_upload(&files).await;
    let classifier = match &set {
        Ok(set) if set.rows == upload::PICTURE_SIDE => load::mnist_classifier().await.ok(),
        _ => None,
    };
    ctx.loading.set(None);
    match set {
        Ok(set) => {
            ctx.error.set(None);
            ctx.running.set(false);
            ctx.page.update_value(|p| {
                p.keep_bundle(ImageSource::Uploaded, upload::bundle(set, classifier));
            });
            change(ctx, true, |s| {
                *s = image_model(s);
                s.images = ImageSource::Uploaded;
            });
        }
        Err(problem) => ctx.error.set(Some(format!(
            "Could not use these files: {problem}. The current dataset is unchanged."
        ))),
    }
}

/// Reads uploaded pairs and trains Pix2Pix on them; a bad upload changes nothing and says why.
async fn upload_pairs(ctx: Ctx, files: Vec<web_sys::File>) {
    ctx.loading.set(Some(("Reading your pairs".into(), 0.0)));
    let bundle = upload::read_pairs(&files)
        .await
        .and_then(|(inputs, images)| {
            ImageBundle::uploaded_pairs(inputs, images).map_err(|e| e.to_string())
        });
    ctx.loading.set(None);
    match bundle {
        Ok(bundle) => {
            ctx.error.set(None);
            ctx.running.set(false);
            ctx.page
                .update_value(|p| p.keep_bundle(ImageSource::Uploaded, bundle));
            change(ctx, true, |s| {
                *s = s.with_model(ModelChoice::Pix2Pix);
                s.images = ImageSource::Uploaded;
            });
        }
        Err(problem) => ctx.error.set(Some(format!(
            "Could not use these pairs: {problem}. The current dataset is unchanged."
        ))),
    }
}

/// Model menu, custom MLP shape and noise.
#[component]
fn ModelControls() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let on_model = Callback::new(move |value: String| {
        if let Some(model) = ModelChoice::from_value(&value) {
            ctx.setup.update(|s| *s = s.with_model(model));
            ctx.reset();
        }
    });
    let activations = [
        Activation::LeakyRelu(0.2),
        Activation::Relu,
        Activation::Tanh,
        Activation::Sigmoid,
    ];
    let model_options = Signal::derive(move || ModelChoice::menu(ctx.setup.with(Setup::is_images)));
    view! {
        <fieldset data-hide="networks">
            <legend>"Networks"</legend>
            <SelectField id="model" label="Model" options=model_options
                selected=Signal::derive(move || ctx.setup.get().model.value().to_string())
                on_value=on_model />
            <Show when=move || ctx.setup.get().model == ModelChoice::Mlp>
                <NumberField id="layers" label="Hidden layers" min=HIDDEN_LAYERS.min max=HIDDEN_LAYERS.max step="1" integer=HIDDEN_LAYERS.integer
                    value=Signal::derive(move || ctx.setup.get().shape.layers as f64)
                    on_value=Callback::new(move |v: f64| change(ctx, true, |s| s.shape.layers = v as usize)) />
                <NumberField id="width" label="Units per layer" min=WIDTH.min max=WIDTH.max step="1" integer=WIDTH.integer
                    value=Signal::derive(move || ctx.setup.get().shape.width as f64)
                    on_value=Callback::new(move |v: f64| change(ctx, true, |s| s.shape.width = v as usize)) />
                <SelectField id="activation" label="Activation" options=pairs(&activations, Activation::name)
                    selected=Signal::derive(move || ctx.setup.get().shape.activation.name().to_string())
                    on_value=Callback::new(move |v: String| {
                        if let Some(a) = Activation::from_name(&v) {
                            change(ctx, true, |s| s.shape.activation = a);
                        }
                    }) />
            </Show>
            <Show when=move || !ctx.setup.with(Setup::is_images)>
            <div data-hide="noise" class="group">
            <SelectField id="noise" label="Noise" options=vec![
                    ("uniform".into(), "uniform [−1, 1]".into()),
                    ("normal".into(), "normal N(0, 1)".into()),
                ]
                selected=Signal::derive(move || match ctx.setup.get().noise {
                    NoiseKind::Uniform => "uniform".to_string(),
                    NoiseKind::Normal => "normal".to_string(),
                })
                on_value=Callback::new(move |v: String| {
                    let noise = if v == "normal" { NoiseKind::Normal } else { NoiseKind::Uniform };
                    change(ctx, true, |s| s.noise = noise);
                }) />
            <NumberField id="noise-dim" label="Noise dimensions" min=NOISE_DIM.min max=NOISE_DIM.max step="1" integer=NOISE_DIM.integer
                value=Signal::derive(move || ctx.setup.get().noise_dim as f64)
                on_value=Callback::new(move |v: f64| change(ctx, true, |s| s.noise_dim = v as usize)) />
            </div>
            </Show>
            <Show when=move || ctx.setup.with(Setup::is_images)>
                <p class="hint">{move || model_note(ctx.setup.get().model)}</p>
            </Show>
            <crate::trained::TrainedStart />
        </fieldset>
    }
}

/// What an image preset is, in a sentence.
fn model_note(model: ModelChoice) -> &'static str {
    use ganvas_engine::preset::Preset;
    match model {
        ModelChoice::Image(Preset::MnistFast | Preset::FashionFast) => {
            "Recommended: MLPs (fast on a CPU), Adam β1 0.5, real label 0.9, and samples from an average of G's recent weights: clear images within a minute."
        }
        ModelChoice::Image(Preset::ConditionalFast) => {
            "Recommended pick-a-class GAN: the fast MLP setup told which class to draw (AC-GAN), one grid row per class."
        }
        ModelChoice::Image(Preset::MnistMlp) => {
            "PyTorch's MLP GAN: G 64→256→256→784, D 784→256→256→1, Adam 2e-4, batch 100."
        }
        ModelChoice::Image(Preset::MnistMlpLarge) => {
            "G 100→256→512→1024→784, D 784→1024→512→256→1 with dropout 0.3, Adam 2e-4, batch 100."
        }
        ModelChoice::Image(Preset::Dcgan) => {
            "TensorFlow's DCGAN tutorial: dense → 7×7×256, batch norm, three transposed convolutions; D two 5×5 convolutions. Slow on a CPU."
        }
        ModelChoice::Image(Preset::DcganSmall) => {
            "A small DCGAN: G dense → 7×7×64, two 5×5 transposed convolutions with batch norm; D three 3×3 convolutions."
        }
        ModelChoice::Image(Preset::ConditionalMlp) => {
            "The MLP GAN told which class to draw (AC-GAN): one grid row per class."
        }
        ModelChoice::Image(Preset::ConditionalDcganSmall) => {
            "The small DCGAN told which class to draw: one grid row per class."
        }
        ModelChoice::Pix2Pix => {
            "The Keras tutorial's Pix2Pix at 32×32: G a U-Net (three 5×5 stride-2 convolutions down, three transposed up, each joined to its twin), D four 3×3 convolutions. Fashion: items from their edges; MNIST: digits from their outlines; your pictures: from their edges; your pairs: from their own inputs."
        }
        ModelChoice::CycleGan(CycleSize::Tutorial) => {
            "The Keras tutorial's CycleGAN at 32×32: two ResNet generators (a 7×7 convolution, two stride-2 convolutions down, six residual blocks, two transposed up, instance norm) and two discriminators of four 4×4 convolutions. About 2 million parameters each: slow without a GPU."
        }
        ModelChoice::CycleGan(CycleSize::Small) => {
            "The tutorial's CycleGAN made small: generators of 8 filters with two residual blocks, discriminators of 16 filters. It learns to turn one class into another, and back, without a single pair."
        }
        _ => "",
    }
}

/// CycleGAN trains as the tutorial does: what that is, in words, and the two classes it
/// translates between (each pick rebuilds the model).
#[component]
fn CycleTraining() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let names = move || {
        let names: Vec<String> = match ctx.setup.with(|s| s.images.clone()) {
            ImageSource::Shipped(set) => {
                set.class_names().iter().map(|n| (*n).to_string()).collect()
            }
            // Two uploaded sets are classes "set A" and "set B"; labelled IDX uploads digits.
            ImageSource::Uploaded => ctx
                .page
                .with_value(|p| p.bundle(&ImageSource::Uploaded))
                .map(|b| b.class_names.clone())
                .filter(|names| !names.is_empty())
                .unwrap_or_else(|| (0..10).map(|c| c.to_string()).collect()),
        };
        names
            .into_iter()
            .enumerate()
            .map(|(i, n)| (i.to_string(), n))
            .collect::<Vec<_>>()
    };
    let pick = move |which: usize| {
        Callback::new(move |value: String| {
            let Ok(class) = value.parse::<u8>() else {
                return;
            };
            let mut classes = ctx.setup.with_untracked(|s| s.cycle_classes);
            if classes[1 - which] == class {
                // Picking the other side's class swaps the two.
                classes.swap(0, 1);
            } else {
                classes[which] = class;
            }
            ctx.running.set(false);
            change(ctx, true, |s| s.cycle_classes = classes);
        })
    };
    let cycle_text = move || {
        let weighed = if ctx
            .setup
            .with(|s| s.model == ModelChoice::CycleGan(CycleSize::Tutorial))
        {
            "10 × the cycle term, how far there and back lands from the image, summed over its pixels (the tutorial's weighting)"
        } else {
            "10 × how far there and back lands from the image, per pixel (Keras's weighting: summed over the pixels, the cycle term outweighs fooling D a thousandfold and G learns to copy)"
        };
        format!(
            "As in the Keras tutorial: five updates of both Ds, then one of both generators, on batches of 16 images of each class, each flipped left to right half of the time. D learns least squares (real 1, translated 0); G and F learn to fool them plus {weighed}. Adam (2e-4, β1 0.5) for all four."
        )
    };
    let selected = move |which: usize| {
        Signal::derive(move || ctx.setup.with(|s| s.cycle_classes[which].to_string()))
    };
    view! {
        <fieldset data-hide="training">
            <legend>"Training"</legend>
            <SelectField id="cycle-a" label="Class A" options=Signal::derive(names)
                selected=selected(0) on_value=pick(0) />
            <SelectField id="cycle-b" label="Class B" options=Signal::derive(names)
                selected=selected(1) on_value=pick(1) />
            <p class="hint">{cycle_text}</p>
        </fieldset>
    }
}

/// Pix2Pix trains as the tutorial does: what that is, in words, and the paper's two choices
/// of D (each rebuilds the model).
#[component]
fn Pix2PixTraining() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let d = move || ctx.setup.with(|s| s.pix2pix_d);
    let toggle = move |which: fn(&mut Pix2PixD) -> &mut bool| {
        move |_| {
            ctx.running.set(false);
            change(ctx, true, |s| {
                *which(&mut s.pix2pix_d) = !*which(&mut s.pix2pix_d);
            });
        }
    };
    let what_d_sees = move || match (d().sees_input, d().patch) {
        (false, false) => "D sees only the image and gives one verdict for it, as in the tutorial.",
        (true, false) => {
            "D sees the drawing stacked on the image, as in the paper: a sharp item that does not match its drawing is caught."
        }
        (false, true) => {
            "PatchGAN: D gives a verdict for each of 4 × 4 patches of 15 × 15 pixels (three convolutions, then a 1 × 1 convolution); the losses average them."
        }
        (true, true) => {
            "The paper's D: it sees the drawing stacked on the image and judges each of 4 × 4 patches of 15 × 15 pixels."
        }
    };
    view! {
        <fieldset data-hide="training">
            <legend>"Training"</legend>
            <p class="hint">"As in the Keras tutorial: D by SGD (learning rate 1e-3, momentum 0.9) on half a batch of real images and half of G's outputs; G by Adam (2e-4, β1 0.5) on D's verdict plus 10 × the L1 distance to the real image, summed over pixels; batch 16."</p>
            <label><input type="checkbox" prop:checked=move || d().sees_input
                on:change=toggle(|d| &mut d.sees_input) />"D also sees the drawing (paper)"</label>
            <label><input type="checkbox" prop:checked=move || d().patch
                on:change=toggle(|d| &mut d.patch) />"PatchGAN D (a verdict per patch)"</label>
            <p class="hint" aria-live="polite">{what_d_sees}</p>
        </fieldset>
    }
}

/// Loss, optimisers, learning rates, batch and k: all change without a reset.
#[component]
fn TrainingControls() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let train = move || ctx.setup.get().train;
    let optimizer_field = move |id: &'static str, label: &'static str, generator: bool| {
        let options = pairs(&OptimizerKind::ALL, OptimizerKind::name);
        view! {
            <SelectField id=id label=label options=options
                selected=Signal::derive(move || {
                    let t = train();
                    let o = if generator { t.generator_optimizer } else { t.discriminator_optimizer };
                    o.kind.name().to_string()
                })
                on_value=Callback::new(move |v: String| {
                    if let Some(kind) = OptimizerKind::from_name(&v) {
                        change(ctx, false, |s| {
                            let o = if generator { &mut s.train.generator_optimizer } else { &mut s.train.discriminator_optimizer };
                            *o = optimizer(kind, o.lr);
                        });
                    }
                }) />
        }
    };
    view! {
        <fieldset data-hide="training">
            <legend>"Training"</legend>
            <SelectField id="loss" label="Loss" options=pairs(&LossKind::ALL, LossKind::name)
                selected=Signal::derive(move || train().loss.name().to_string())
                on_value=Callback::new(move |v: String| {
                    if let Some(loss) = LossKind::from_name(&v) {
                        change(ctx, false, |s| s.train.loss = loss);
                    }
                }) />
            <div data-hide="optimizers" class="group">
            {optimizer_field("g-optimizer", "G optimiser", true)}
            <NumberField id="g-lr" label="G learning rate" min=G_LR.min max=G_LR.max integer=G_LR.integer
                value=Signal::derive(move || train().generator_optimizer.lr)
                on_value=Callback::new(move |v: f64| change(ctx, false, |s| s.train.generator_optimizer.lr = v)) />
            {optimizer_field("d-optimizer", "D optimiser", false)}
            <NumberField id="d-lr" label="D learning rate" min=D_LR.min max=D_LR.max integer=D_LR.integer
                value=Signal::derive(move || train().discriminator_optimizer.lr)
                on_value=Callback::new(move |v: f64| change(ctx, false, |s| s.train.discriminator_optimizer.lr = v)) />
            </div>
            <NumberField id="batch" label="Batch size" min=BATCH.min max=BATCH.max step="1" integer=BATCH.integer
                value=Signal::derive(move || train().batch_size as f64)
                on_value=Callback::new(move |v: f64| change(ctx, false, |s| s.train.batch_size = v as usize)) />
            <NumberField id="k" label="D steps per G step (k)" min=D_STEPS.min max=D_STEPS.max step="1" integer=D_STEPS.integer
                value=Signal::derive(move || train().d_steps as f64)
                on_value=Callback::new(move |v: f64| change(ctx, false, |s| s.train.d_steps = v as usize)) />
            <NumberField id="g-steps" label="G steps per step" min=G_STEPS.min max=G_STEPS.max step="1" integer=G_STEPS.integer
                value=Signal::derive(move || train().g_steps as f64)
                on_value=Callback::new(move |v: f64| change(ctx, false, |s| s.train.g_steps = v as usize)) />
        </fieldset>
    }
}

/// The stabilising tricks (live).
#[component]
fn TrickControls() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let tricks = move || ctx.setup.get().train.tricks;
    view! {
        <details data-hide="tricks">
            <summary>"Tricks"</summary>
            <NumberField id="real-label" label="Real label (one-sided smoothing; 1 = off)" min=REAL_LABEL.min max=REAL_LABEL.max integer=REAL_LABEL.integer
                value=Signal::derive(move || tricks().real_label)
                on_value=Callback::new(move |v: f64| change(ctx, false, |s| s.train.tricks.real_label = v)) />
            <NumberField id="label-flip" label="Label flip probability" min=LABEL_FLIP.min max=LABEL_FLIP.max integer=LABEL_FLIP.integer
                value=Signal::derive(move || tricks().label_flip)
                on_value=Callback::new(move |v: f64| change(ctx, false, |s| s.train.tricks.label_flip = v)) />
            <NumberField id="instance-noise" label="Instance noise σ" min=INSTANCE_NOISE.min max=INSTANCE_NOISE.max integer=INSTANCE_NOISE.integer
                value=Signal::derive(move || tricks().instance_noise)
                on_value=Callback::new(move |v: f64| change(ctx, false, |s| s.train.tricks.instance_noise = v)) />
            <NumberField id="noise-decay" label="Instance noise decays over (steps)" min=INSTANCE_NOISE_DECAY.min max=INSTANCE_NOISE_DECAY.max step="1" integer=INSTANCE_NOISE_DECAY.integer
                value=Signal::derive(move || tricks().instance_noise_decay_steps as f64)
                on_value=Callback::new(move |v: f64| change(ctx, false, |s| s.train.tricks.instance_noise_decay_steps = v as u64)) />
            <NumberField id="replay" label="Replay buffer (fakes kept)" min=REPLAY.min max=REPLAY.max step="1" integer=REPLAY.integer
                value=Signal::derive(move || tricks().replay_capacity as f64)
                on_value=Callback::new(move |v: f64| change(ctx, false, |s| s.train.tricks.replay_capacity = v as usize)) />
        </details>
    }
}

/// The device menu and why this device.
#[component]
fn DeviceControl() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let on_device = move |ev: leptos::ev::Event| {
        let choice = if event_target_value(&ev) == "gpu" {
            DeviceChoice::Gpu
        } else {
            DeviceChoice::Cpu
        };
        ctx.device.set(choice);
        ctx.pinned_device.set(Some(choice));
        ctx.auto_device.set(None);
        ctx.device_reason.set("chosen by you".into());
        ctx.reset();
    };
    view! {
        <div data-hide="device" class="group">
        <label for="device">"Device"</label>
        <select id="device" on:change=on_device
            prop:value=move || if ctx.device.get() == DeviceChoice::Gpu { "gpu" } else { "cpu" }>
            <option value="gpu" disabled=move || !ctx.gpu_available.get()>"WebGPU"</option>
            <option value="cpu">"CPU"</option>
        </select>
        <p class="reason">{move || format!("Training on {} ({})", ctx.device.get().label(), ctx.device_reason.get())}</p>
        </div>
    }
}

/// Checkboxes for each view.
#[component]
fn ViewToggles() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toggle = move |label: &'static str, which: fn(&mut Layers) -> &mut bool| {
        let checked = move || *which(&mut ctx.layers.get());
        view! {
            <label><input type="checkbox" prop:checked=checked
                on:change=move |_| {
                    ctx.layers.update(|l| *which(l) = !*which(l));
                    ctx.redraw.set(1); // paused, the new view still needs its data
                } />{label}</label>
        }
    };
    view! {
        <Show when=move || !ctx.setup.with(Setup::is_images)>
        <fieldset data-hide="show">
            <legend>"Show"</legend>
            {toggle("Real samples", |l| &mut l.real)}
            {toggle("Fake samples", |l| &mut l.fake)}
            {toggle("Decision heatmap", |l| &mut l.heatmap)}
            {toggle("Generator manifold", |l| &mut l.manifold)}
            {toggle("Gradient arrows", |l| &mut l.arrows)}
            <label><input type="checkbox" prop:checked=move || ctx.show_features.get()
                on:change=move |_| {
                    ctx.show_features.update(|v| *v = !*v);
                    ctx.redraw.set(1);
                } />"D's feature space"</label>
        </fieldset>
        </Show>
    }
}
