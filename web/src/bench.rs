//! Bench mode (`?bench=toy-quadratic,mlp&backend=gpu|cpu|both&steps=500`): times training in
//! this browser and writes JSON results into the page for scripts to read.

use leptos::prelude::*;

use ganvas_engine::data::ShippedSet;

use crate::devices::{self, Requested};
use crate::images::{ImageBundle, load};
use crate::run_loop::now_ms;
use crate::setup::{ModelChoice, Setup};
use crate::trainer::{Trainer, Wanted};

/// Steps between reads during the timed run (reads make the GPU finish its queue).
const CHUNK: usize = 25;

/// What the URL asks to benchmark.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchRequest {
    /// Models by menu value.
    pub models: Vec<ModelChoice>,
    /// Time on WebGPU.
    pub gpu: bool,
    /// Time on the CPU.
    pub cpu: bool,
    /// Timed steps per model and device.
    pub steps: usize,
}

impl BenchRequest {
    /// Reads the request from the query string; `None` when the page is not in bench mode.
    pub fn from_url() -> Option<Self> {
        let search = web_sys::window()?.location().search().ok()?;
        let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
        let models = params.get("bench")?;
        let backend = params.get("backend").unwrap_or_else(|| "both".into());
        Some(BenchRequest {
            models: models
                .split(',')
                .filter_map(|m| ModelChoice::from_value(m.trim()))
                .collect(),
            gpu: backend != "cpu",
            cpu: backend != "gpu",
            steps: params
                .get("steps")
                .and_then(|s| s.parse().ok())
                .unwrap_or(200)
                .clamp(1, 100_000),
        })
    }
}

/// One model on one device.
#[derive(Clone, Debug, PartialEq)]
struct BenchResult {
    model: &'static str,
    device: &'static str,
    steps: usize,
    updates_per_step: usize,
    seconds: f64,
    frame_ms: f64,
}

impl BenchResult {
    fn json(&self) -> String {
        let steps_per_sec = self.steps as f64 / self.seconds.max(1e-9);
        format!(
            "{{\"model\":\"{}\",\"device\":\"{}\",\"steps\":{},\"seconds\":{:.3},\"steps_per_sec\":{:.2},\"updates_per_sec\":{:.1},\"frame_ms\":{:.2}}}",
            self.model,
            self.device,
            self.steps,
            self.seconds,
            steps_per_sec,
            steps_per_sec * self.updates_per_step as f64,
            self.frame_ms
        )
    }
}

async fn time_one(
    model: ModelChoice,
    device: &burn::tensor::Device,
    label: &'static str,
    steps: usize,
    images: Option<&ImageBundle>,
) -> Result<BenchResult, String> {
    let setup = Setup::default().with_model(model);
    let mut trainer = Trainer::new(&setup, device, None, images).map_err(|e| e.to_string())?;
    trainer.train_steps(3);
    trainer.read_stats().await.map_err(|e| e.to_string())?;
    let start = now_ms();
    let mut done = 0;
    while done < steps {
        let n = CHUNK.min(steps - done);
        trainer.train_steps(n);
        trainer.read_stats().await.map_err(|e| e.to_string())?;
        done += n;
    }
    let seconds = (now_ms() - start) / 1000.0;
    let all = Wanted {
        manifold: true,
        arrows: true,
        features: true,
        score: false,
        image: crate::images::ImageView::default(),
    };
    trainer.frame(all).await.map_err(|e| e.to_string())?;
    let frame_start = now_ms();
    for _ in 0..10 {
        trainer.frame(all).await.map_err(|e| e.to_string())?;
    }
    Ok(BenchResult {
        model: model.value(),
        device: label,
        steps,
        updates_per_step: trainer.gan.updates_per_step(),
        seconds,
        frame_ms: (now_ms() - frame_start) / 10.0,
    })
}

/// The bench page.
#[component]
pub fn Bench(
    /// What to time.
    request: BenchRequest,
) -> impl IntoView {
    let (state, set_state) = signal(String::from("running…"));
    let (results, set_results) = signal(String::new());
    leptos::task::spawn_local(async move {
        let devices = devices::init(if request.gpu {
            Requested::Gpu
        } else {
            Requested::Cpu
        })
        .await;
        let mut lines = Vec::new();
        let mut targets = Vec::new();
        if request.gpu {
            match &devices.gpu {
                Some(gpu) => targets.push(("WebGPU", gpu.clone())),
                None => lines.push(format!(
                    "{{\"device\":\"WebGPU\",\"error\":\"{}\"}}",
                    devices
                        .gpu_problem
                        .clone()
                        .unwrap_or_default()
                        .replace('"', "'")
                )),
            }
        }
        if request.cpu {
            targets.push(("CPU", devices.cpu.clone()));
        }
        // Image models train on MNIST: loading it is timed too (fetch, gunzip, decode).
        let mut images = None;
        if request.models.iter().any(|m| m.is_image()) {
            set_state.set("loading MNIST…".into());
            let start = now_ms();
            match load::load_shipped(ShippedSet::Mnist, |_| {}).await {
                Ok(bundle) => {
                    lines.push(format!(
                        "{{\"dataset\":\"mnist\",\"load_ms\":{:.0}}}",
                        now_ms() - start
                    ));
                    images = Some(bundle);
                }
                Err(e) => lines.push(format!(
                    "{{\"dataset\":\"mnist\",\"error\":\"{}\"}}",
                    e.replace('"', "'")
                )),
            }
        }
        for &model in &request.models {
            for (label, device) in &targets {
                set_state.set(format!("timing {} on {label}…", model.value()));
                let data = if model.is_image() {
                    images.as_ref()
                } else {
                    None
                };
                match time_one(model, device, label, request.steps, data).await {
                    Ok(result) => lines.push(result.json()),
                    Err(e) => lines.push(format!(
                        "{{\"model\":\"{}\",\"device\":\"{label}\",\"error\":\"{}\"}}",
                        model.value(),
                        e.replace('"', "'")
                    )),
                }
            }
        }
        set_results.set(format!("[\n{}\n]", lines.join(",\n")));
        set_state.set("done".into());
    });
    view! {
        <header><h1>"GANvas benchmark"</h1></header>
        <p role="status">{move || state.get()}</p>
        <pre id="bench-result">{move || results.get()}</pre>
    }
}
