//! The playground: controls, the live canvas, the chart, and the training loop.

use std::cell::RefCell;
use std::rc::Rc;

use burn::tensor::Device;
use ganvas_engine::data::{Toy2d, parse_points};
use ganvas_engine::loss::LossKind;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::devices::{self, Devices, Requested};
use crate::draw::{self, Layers, Series};
use crate::trainer::{Frame, ModelChoice, Setup, Trainer};

/// Milliseconds of training queued per animation frame: keeps the page responsive.
const FRAME_BUDGET_MS: f64 = 10.0;
/// Canvas side in CSS pixels.
const CANVAS: f64 = 480.0;
/// Points kept in the loss chart.
const HISTORY: usize = 300;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Resolves at the next animation frame.
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(&resolve);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Which device a session trains on, for the status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DeviceChoice {
    Gpu,
    Cpu,
}

impl DeviceChoice {
    fn label(self) -> &'static str {
        match self {
            DeviceChoice::Gpu => "WebGPU",
            DeviceChoice::Cpu => "CPU",
        }
    }
}

/// The running session, outside the reactive graph (it holds device tensors).
#[derive(Default)]
struct Session {
    devices: Option<Devices>,
    trainer: Option<Trainer>,
}

impl Session {
    fn device(&self, choice: DeviceChoice) -> Option<Device> {
        let devices = self.devices.as_ref()?;
        match choice {
            DeviceChoice::Gpu => devices.gpu.clone(),
            DeviceChoice::Cpu => Some(devices.cpu.clone()),
        }
    }
}

/// Live numbers shown in the status line.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Live {
    step: u64,
    d_loss: f32,
    g_loss: f32,
    steps_per_sec: f64,
}

/// Times a few steps of `setup` on `device`: steps per second.
async fn time_device(setup: &Setup, device: &Device) -> f64 {
    let Ok(mut trainer) = Trainer::new(setup, device) else {
        return 0.0;
    };
    let _ = trainer.run_for(0.0, now_ms);
    let _ = trainer.frame().await;
    let start = now_ms();
    let steps = trainer.run_for(150.0, now_ms);
    let _ = trainer.frame().await;
    steps as f64 / ((now_ms() - start).max(1.0) / 1000.0)
}

/// The whole playground.
// One component owns the signals the loop, the handlers and the view share; splitting it into
// smaller components with a context struct is the next refactor (see the issue note).
#[allow(clippy::too_many_lines)]
#[component]
pub fn App() -> impl IntoView {
    let session = Rc::new(RefCell::new(Session::default()));
    let (setup, set_setup) = signal(Setup {
        dataset: Toy2d::Quadratic,
        model: ModelChoice::ToyQuadratic,
        loss: None,
        lr: None,
        d_steps: None,
    });
    let (device, set_device) = signal(DeviceChoice::Cpu);
    let (gpu_available, set_gpu_available) = signal(false);
    let (banner, set_banner) = signal(None::<String>);
    let (device_reason, set_device_reason) = signal(String::from("starting…"));
    let (ready, set_ready) = signal(false);
    let (running, set_running) = signal(false);
    let (error, set_error) = signal(None::<String>);
    let (live, set_live) = signal(Live::default());
    let (frame, set_frame) = signal(Frame::default());
    let (history, set_history) = signal(Vec::<(f32, f32)>::new());
    let (layers, set_layers) = signal(Layers {
        real: true,
        fake: true,
        heatmap: true,
    });
    let (real_points, set_real_points) = signal(Vec::<[f32; 2]>::new());
    let (bounds, set_bounds) = signal([0.0_f32; 4]);
    let (pending_steps, set_pending_steps) = signal(0_u32);
    let playground_ref = NodeRef::<leptos::html::Canvas>::new();
    let chart_ref = NodeRef::<leptos::html::Canvas>::new();

    // Builds a fresh trainer for the current setup and device (Reset, and any change that needs one).
    let reset = {
        let session = Rc::clone(&session);
        move || {
            let mut session = session.borrow_mut();
            let Some(device_handle) = session.device(device.get_untracked()) else {
                return;
            };
            match Trainer::new(&setup.get_untracked(), &device_handle) {
                Ok(trainer) => {
                    set_real_points.set(trainer.real.clone());
                    set_bounds.set(trainer.bounds);
                    session.trainer = Some(trainer);
                    set_live.set(Live::default());
                    set_history.set(Vec::new());
                    set_frame.set(Frame::default());
                    set_pending_steps.set(1); // draw the untrained state
                }
                Err(e) => set_error.set(Some(format!("Could not build the model: {e}"))),
            }
        }
    };
    let reset = Rc::new(reset);

    // Start-up: devices, then the first model.
    {
        let session = Rc::clone(&session);
        let reset = Rc::clone(&reset);
        leptos::task::spawn_local(async move {
            let requested = Requested::from_url();
            let devices = devices::init(requested).await;
            if let Some(problem) = &devices.gpu_problem {
                set_banner.set(Some(format!(
                    "WebGPU is unavailable ({problem}); training on the CPU instead."
                )));
            }
            set_gpu_available.set(devices.gpu.is_some());
            let choice = match (&devices.gpu, requested) {
                (None, _) => {
                    set_device_reason.set(if requested == Requested::Cpu {
                        "CPU requested in the link".into()
                    } else {
                        "no WebGPU".into()
                    });
                    DeviceChoice::Cpu
                }
                (Some(_), Requested::Gpu) => {
                    set_device_reason.set("WebGPU requested in the link".into());
                    DeviceChoice::Gpu
                }
                (Some(gpu), _) => {
                    let setup = setup.get_untracked();
                    let gpu_rate = time_device(&setup, gpu).await;
                    let cpu_rate = time_device(&setup, &devices.cpu).await;
                    let faster = if gpu_rate >= cpu_rate {
                        DeviceChoice::Gpu
                    } else {
                        DeviceChoice::Cpu
                    };
                    set_device_reason.set(format!(
                        "faster here: WebGPU {gpu_rate:.0} vs CPU {cpu_rate:.0} steps/s"
                    ));
                    faster
                }
            };
            set_device.set(choice);
            session.borrow_mut().devices = Some(devices);
            reset();
            set_ready.set(true);
        });
    }

    // The training loop: a chunk of steps per animation frame, then one round of readbacks.
    {
        let session = Rc::clone(&session);
        leptos::task::spawn_local(async move {
            let mut rate_window = (now_ms(), 0_u64);
            loop {
                next_frame().await;
                let single = pending_steps.get_untracked();
                if !running.get_untracked() && single == 0 {
                    continue;
                }
                let mut trainer = session.borrow_mut().trainer.take();
                let Some(active) = trainer.as_mut() else {
                    continue;
                };
                let steps = if running.get_untracked() {
                    active.run_for(FRAME_BUDGET_MS, now_ms)
                } else {
                    0
                };
                set_pending_steps.set(0);
                let result = active.frame().await;
                let step = active.gan.step_count();
                // Put it back unless a reset replaced it meanwhile.
                {
                    let mut session = session.borrow_mut();
                    if session.trainer.is_none() {
                        session.trainer = trainer;
                    } else {
                        continue;
                    }
                }
                match result {
                    Ok(new_frame) => {
                        rate_window.1 += steps as u64;
                        let elapsed = now_ms() - rate_window.0;
                        let mut current = live.get_untracked();
                        if elapsed > 500.0 {
                            current.steps_per_sec = rate_window.1 as f64 / (elapsed / 1000.0);
                            rate_window = (now_ms(), 0);
                        }
                        current.step = step;
                        if let Some(stats) = new_frame.stats {
                            current.d_loss = stats.d_loss;
                            current.g_loss = stats.g_loss;
                            set_history.update(|h| {
                                h.push((stats.d_loss, stats.g_loss));
                                if h.len() > HISTORY {
                                    h.remove(0);
                                }
                            });
                        }
                        set_live.set(current);
                        set_frame.set(new_frame);
                    }
                    Err(e) => {
                        set_running.set(false);
                        set_error.set(Some(format!("Training stopped: {e}")));
                    }
                }
            }
        });
    }

    // Drawing.
    Effect::new(move |_| {
        let current = frame.get();
        let real = real_points.get();
        let area = bounds.get();
        let shown = layers.get();
        if let Some(canvas) = playground_ref.get()
            && let Some(ctx) = context(&canvas)
        {
            draw::playground(
                &ctx,
                CANVAS,
                area,
                &real,
                &current.fakes,
                &current.heat,
                shown,
            );
        }
    });
    Effect::new(move |_| {
        let points = history.get();
        if let Some(canvas) = chart_ref.get()
            && let Some(ctx) = context(&canvas)
        {
            let d: Vec<f32> = points.iter().map(|p| p.0).collect();
            let g: Vec<f32> = points.iter().map(|p| p.1).collect();
            draw::chart(
                &ctx,
                CANVAS,
                120.0,
                &[
                    Series {
                        values: &d,
                        colour: "#2a6fc9",
                    },
                    Series {
                        values: &g,
                        colour: "#e8692a",
                    },
                ],
            );
        }
    });

    // Handlers.
    let toggle = move |()| {
        if ready.get_untracked() {
            set_running.update(|r| *r = !*r);
        }
    };
    let step_once = {
        let session = Rc::clone(&session);
        move |()| {
            if running.get_untracked() {
                return;
            }
            if let Some(trainer) = session.borrow_mut().trainer.as_mut() {
                let _ = trainer.run_for(0.0, now_ms);
                set_pending_steps.set(1);
            }
        }
    };
    let on_reset = {
        let reset = Rc::clone(&reset);
        move |_| {
            set_running.set(false);
            set_error.set(None);
            reset();
        }
    };
    let on_dataset = {
        let reset = Rc::clone(&reset);
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            if let Some(toy) = Toy2d::from_name(&value) {
                set_setup.update(|s| s.dataset = toy);
                set_error.set(None);
                reset();
            }
        }
    };
    let on_model = {
        let reset = Rc::clone(&reset);
        move |ev: leptos::ev::Event| {
            if let Some(model) = ModelChoice::from_value(&event_target_value(&ev)) {
                set_setup.update(|s| s.model = model);
                reset();
            }
        }
    };
    let on_loss = {
        let session = Rc::clone(&session);
        move |ev: leptos::ev::Event| {
            if let Some(loss) = LossKind::from_name(&event_target_value(&ev)) {
                set_setup.update(|s| s.loss = Some(loss));
                if let Some(trainer) = session.borrow_mut().trainer.as_mut() {
                    trainer.retune(&setup.get_untracked());
                }
            }
        }
    };
    let on_device = {
        let reset = Rc::clone(&reset);
        move |ev: leptos::ev::Event| {
            let choice = if event_target_value(&ev) == "gpu" {
                DeviceChoice::Gpu
            } else {
                DeviceChoice::Cpu
            };
            set_device.set(choice);
            set_device_reason.set("chosen by you".into());
            reset();
        }
    };
    let on_csv = {
        let reset = Rc::clone(&reset);
        move |ev: leptos::ev::Event| {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            let reset = Rc::clone(&reset);
            leptos::task::spawn_local(async move {
                let text = JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|t| t.as_string());
                let Some(text) = text else {
                    set_error.set(Some("That file could not be read as text.".into()));
                    return;
                };
                match parse_points(&text).and_then(Toy2d::points) {
                    Ok(toy) => {
                        set_setup.update(|s| s.dataset = toy);
                        set_error.set(None);
                        reset();
                    }
                    Err(e) => set_error.set(Some(format!(
                        "Could not use {}: {e}. The current dataset is unchanged.",
                        file.name()
                    ))),
                }
            });
        }
    };
    let layer_toggle = move |which: fn(&mut Layers) -> &mut bool| {
        move |_| set_layers.update(|l| *which(l) = !*which(l))
    };

    // Keyboard: Space plays/pauses, → steps.
    {
        let step_key = step_once.clone();
        let handle =
            window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
                let in_field = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                    .is_some();
                if in_field {
                    return;
                }
                match ev.key().as_str() {
                    " " => {
                        ev.prevent_default();
                        toggle(());
                    }
                    "ArrowRight" => step_key(()),
                    _ => {}
                }
            });
        on_cleanup(move || handle.remove());
    }

    let status = move || {
        let l = live.get();
        format!(
            "step {} · D loss {:.3} · G loss {:.3} · {:.0} steps/s · {}",
            l.step,
            l.d_loss,
            l.g_loss,
            l.steps_per_sec,
            device.get().label()
        )
    };

    view! {
        <header>
            <h1>"GANvas"</h1>
            <p class="tagline">"Train a GAN in your browser, on your own GPU."</p>
        </header>
        <Show when=move || banner.get().is_some()>
            <p class="banner" role="note">{move || banner.get().unwrap_or_default()}</p>
        </Show>
        <main>
            <section class="controls" aria-label="Controls">
                <div class="buttons">
                    <button on:click=move |_| toggle(()) disabled=move || !ready.get()>
                        {move || if running.get() { "Pause" } else { "Train" }}
                    </button>
                    <button on:click=move |_| step_once(()) disabled=move || running.get()>"Step"</button>
                    <button on:click=on_reset>"Reset"</button>
                </div>
                <label for="dataset">"Dataset"</label>
                <select id="dataset" on:change=on_dataset>
                    {Toy2d::all_builtin().into_iter().map(|toy| {
                        let name = toy.name();
                        view! { <option value=name>{name}</option> }
                    }).collect_view()}
                </select>
                <label for="csv">"Upload points (CSV: x,y per line)"</label>
                <input id="csv" type="file" accept=".csv,text/csv,text/plain" on:change=on_csv />
                <label for="model">"Model"</label>
                <select id="model" on:change=on_model>
                    {ModelChoice::MENU.into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                </select>
                <label for="loss">"Loss"</label>
                <select id="loss" on:change=on_loss>
                    <option value="" selected>"model default"</option>
                    {LossKind::ALL.into_iter().map(|loss| view! { <option value=loss.name()>{loss.name()}</option> }).collect_view()}
                </select>
                <label for="device">"Device"</label>
                <select id="device" on:change=on_device prop:value=move || if device.get() == DeviceChoice::Gpu { "gpu" } else { "cpu" }>
                    <option value="gpu" disabled=move || !gpu_available.get()>"WebGPU"</option>
                    <option value="cpu">"CPU"</option>
                </select>
                <p class="reason">{move || format!("Training on {} ({})", device.get().label(), device_reason.get())}</p>
                <fieldset>
                    <legend>"Show"</legend>
                    <label><input type="checkbox" checked on:change=layer_toggle(|l| &mut l.real) />"Real samples"</label>
                    <label><input type="checkbox" checked on:change=layer_toggle(|l| &mut l.fake) />"Fake samples"</label>
                    <label><input type="checkbox" checked on:change=layer_toggle(|l| &mut l.heatmap) />"Decision heatmap"</label>
                </fieldset>
            </section>
            <section class="views" aria-label="Views">
                <p role="status" aria-live="polite">{status}</p>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                </Show>
                <canvas node_ref=playground_ref width="480" height="480"
                    aria-label="Real samples (blue), generated samples (orange) and the discriminator's heatmap"></canvas>
                <canvas node_ref=chart_ref width="480" height="120"
                    aria-label="D loss (blue) and G loss (orange) over training"></canvas>
            </section>
        </main>
    }
}

fn context(canvas: &web_sys::HtmlCanvasElement) -> Option<web_sys::CanvasRenderingContext2d> {
    canvas.get_context("2d").ok().flatten()?.dyn_into().ok()
}
