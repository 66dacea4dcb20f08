//! Bench mode (`?bench=toy-quadratic,mlp&backend=gpu|cpu|both&steps=500&seconds=5`): times
//! training in this browser and writes JSON results into the page for scripts to read, one
//! model at a time (a script that gives up early still finds the models that finished).
//! With `&digits=60`, each image model then trains afresh, scored by the classifier as the
//! page scores it, until every class shows (or 60 s pass): the seconds from Train to digits.
//! With `&protocol=1`, each model trains as the page's loop paces it (chunks of
//! [`FRAME_BUDGET_MS`], a frame of the default views about 30 times a second) through the
//! session protocol: served on the page, or by the training worker with `&worker=1` (what each
//! frame costs to cross is measured).

use leptos::prelude::*;

use ganvas_engine::data::ShippedSet;
use ganvas_engine::metrics::{MIN_CLASS_SHARE, MIN_CONFIDENCE};
use ganvas_session::protocol::{Command, Reply, Request, Response};
use ganvas_session::view::Layers;
use ganvas_session::{DeviceChoice, Session};

use crate::devices::{self, Requested};
use crate::images::{ImageBundle, load};
use crate::run_loop::{Chunk, FRAME_BUDGET_MS, SCORE_INTERVAL_MS, now_ms, yield_now};
use crate::setup::{ModelChoice, Setup};
use crate::trainer::{Trainer, Wanted};
use crate::worker::{Exchange, Remote};

/// Most steps between reads during the timed run (reads make the GPU finish its queue).
const CHUNK: usize = 25;
/// About how long one chunk of steps should take, so slow models stop near their time budget.
const CHUNK_MS: f64 = 250.0;

/// What the URL asks to benchmark.
#[allow(clippy::struct_excessive_bools)] // independent switches of the query, one each
#[derive(Clone, Debug, PartialEq)]
pub struct BenchRequest {
    /// Models by menu value.
    pub models: Vec<ModelChoice>,
    /// Names in the request that are no model of the menu (reported, not timed).
    pub unknown: Vec<String>,
    /// Time on WebGPU.
    pub gpu: bool,
    /// Time on the CPU.
    pub cpu: bool,
    /// Timed steps per model and device (at most).
    pub steps: usize,
    /// Timed seconds per model and device (at most, finishing the chunk under way), if set.
    pub seconds: Option<f64>,
    /// Most seconds an image model may train to show every class, if time to digits is asked.
    pub digits: Option<f64>,
    /// Time in a dedicated Web Worker (`&worker=1`: the page's own module, run a second time
    /// there) rather than on the page's thread.
    pub worker: bool,
    /// Train as the page's loop paces it, through the session protocol (`&protocol=1`); with
    /// `worker`, the worker serves it and the page paces.
    pub protocol: bool,
}

impl BenchRequest {
    /// Reads the request from the page's query string; `None` when not in bench mode.
    pub fn from_url() -> Option<Self> {
        Self::from_query(&web_sys::window()?.location().search().ok()?)
    }

    /// Reads the request from a query string (`?bench=…&…`); `None` without `bench`.
    pub fn from_query(search: &str) -> Option<Self> {
        let params = web_sys::UrlSearchParams::new_with_str(search).ok()?;
        let models = params.get("bench")?;
        let backend = params.get("backend").unwrap_or_else(|| "both".into());
        let (known, unknown): (Vec<_>, Vec<_>) = models
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .partition(|m| ModelChoice::from_value(m).is_some());
        Some(BenchRequest {
            models: known
                .into_iter()
                .filter_map(ModelChoice::from_value)
                .collect(),
            unknown: unknown.into_iter().map(String::from).collect(),
            gpu: backend != "cpu",
            cpu: backend != "gpu",
            steps: params
                .get("steps")
                .and_then(|s| s.parse().ok())
                .unwrap_or(200)
                .clamp(1, 100_000),
            seconds: params
                .get("seconds")
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|s| *s > 0.0),
            digits: params
                .get("digits")
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|s| *s > 0.0),
            worker: params.get("worker").is_some_and(|w| w == "1"),
            protocol: params.get("protocol").is_some_and(|p| p == "1"),
        })
    }
}

/// One model on one device.
#[derive(Clone, Debug, PartialEq)]
struct BenchResult {
    model: &'static str,
    device: &'static str,
    batch: usize,
    steps: usize,
    updates_per_step: usize,
    seconds: f64,
    /// From the start of the model's run (building the trainer) to its first step's statistics:
    /// what a click costs before anything moves (WebGPU shader compiles and autotune included).
    first_step_ms: f64,
    /// The first step of a second fresh model of the same kind, after the first trained and
    /// drew a frame: what the click costs once the page's warm-up ran (kernels compiled).
    warm_first_step_ms: f64,
    frame_ms: f64,
}

impl BenchResult {
    fn json(&self) -> String {
        let steps_per_sec = self.steps as f64 / self.seconds.max(1e-9);
        format!(
            "{{\"model\":\"{}\",\"device\":\"{}\",\"batch\":{},\"steps\":{},\"seconds\":{:.3},\"steps_per_sec\":{:.2},\"samples_per_sec\":{:.1},\"updates_per_sec\":{:.1},\"first_step_ms\":{:.1},\"warm_first_step_ms\":{:.1},\"frame_ms\":{:.2},\"thread\":\"{}\"}}",
            self.model,
            self.device,
            self.batch,
            self.steps,
            self.seconds,
            steps_per_sec,
            steps_per_sec * self.batch as f64,
            steps_per_sec * self.updates_per_step as f64,
            self.first_step_ms,
            self.warm_first_step_ms,
            self.frame_ms,
            if crate::global::on_page() {
                "page"
            } else {
                "worker"
            }
        )
    }
}

async fn time_one(
    model: ModelChoice,
    device: &burn::tensor::Device,
    label: &'static str,
    request: &BenchRequest,
    images: Option<&ImageBundle>,
) -> Result<BenchResult, String> {
    let setup = Setup::default().with_model(model);
    let run_start = now_ms();
    let mut trainer = Trainer::new(&setup, device, None, images).map_err(|e| e.to_string())?;
    trainer.train_steps(1);
    trainer.read_stats().await.map_err(|e| e.to_string())?;
    let first_step_ms = now_ms() - run_start;
    let warm_up_start = now_ms();
    trainer.train_steps(2);
    trainer.read_stats().await.map_err(|e| e.to_string())?;
    let step_ms = (now_ms() - warm_up_start) / 2.0;
    // Chunks of about CHUNK_MS: fast models read back rarely, slow ones stop near the budget.
    let chunk = ((CHUNK_MS / step_ms.max(1e-3)) as usize).clamp(1, CHUNK);
    let budget_ms = request.seconds.map_or(f64::INFINITY, |s| s * 1000.0);
    let start = now_ms();
    let mut steps = 0;
    while steps < request.steps && now_ms() - start < budget_ms {
        let n = chunk.min(request.steps - steps);
        trainer.train_steps(n);
        trainer.read_stats().await.map_err(|e| e.to_string())?;
        steps += n;
    }
    let seconds = (now_ms() - start) / 1000.0;
    let all = Wanted {
        manifold: true,
        arrows: true,
        features: true,
        score: false,
        image: crate::images::ImageView::default(),
    };
    let first_frame_start = now_ms();
    trainer.frame(all).await.map_err(|e| e.to_string())?;
    // Ten frames, or fewer where a frame is slow (the DCGAN on a CPU): about two seconds.
    let frames = ((2000.0 / (now_ms() - first_frame_start).max(1.0)) as usize).clamp(1, 10);
    let frame_start = now_ms();
    for _ in 0..frames {
        trainer.frame(all).await.map_err(|e| e.to_string())?;
    }
    let frame_ms = (now_ms() - frame_start) / frames as f64;
    // A second model of the same kind, as the page's warm-up leaves the click: every kernel
    // a step and a frame use is compiled.
    let warm_start = now_ms();
    let mut second = Trainer::new(&setup, device, None, images).map_err(|e| e.to_string())?;
    second.train_steps(1);
    second.read_stats().await.map_err(|e| e.to_string())?;
    let warm_first_step_ms = now_ms() - warm_start;
    Ok(BenchResult {
        model: model.value(),
        device: label,
        batch: trainer.batch_size(),
        steps,
        updates_per_step: trainer.updates_per_step(),
        seconds,
        first_step_ms,
        warm_first_step_ms,
        frame_ms,
    })
}

/// How long `model` took on `device` from Train (building the trainer) to a classifier score
/// with every class at least [`MIN_CLASS_SHARE`] of the samples and mean confidence at least
/// [`MIN_CONFIDENCE`], scoring as the page does (every [`SCORE_INTERVAL_MS`] of training,
/// the averaged generator where there is one). Gives up after `limit_s`. A JSON line.
async fn time_to_digits(
    model: ModelChoice,
    device: &burn::tensor::Device,
    label: &'static str,
    limit_s: f64,
    images: &ImageBundle,
) -> Result<String, String> {
    let setup = Setup::default().with_model(model);
    let start = now_ms();
    let mut trainer =
        Trainer::new(&setup, device, None, Some(images)).map_err(|e| e.to_string())?;
    let wanted = Wanted {
        manifold: false,
        arrows: false,
        features: false,
        score: true,
        image: crate::images::ImageView::default(),
    };
    let mut chunk = 1;
    loop {
        let scored_at = now_ms();
        while now_ms() - scored_at < SCORE_INTERVAL_MS && now_ms() - start < limit_s * 1000.0 {
            let began = now_ms();
            trainer.train_steps(chunk);
            trainer.read_stats().await.map_err(|e| e.to_string())?;
            // Chunks of about CHUNK_MS, as in the timed run.
            let step_ms = (now_ms() - began) / chunk as f64;
            chunk = ((CHUNK_MS / step_ms.max(1e-3)) as usize).clamp(1, CHUNK);
        }
        let frame = trainer.frame(wanted).await.map_err(|e| e.to_string())?;
        let seconds = (now_ms() - start) / 1000.0;
        let step = trainer.step_count();
        let Some(q) = frame.quality.image else {
            return Err("no classifier score for this model".into());
        };
        let rarest = q.class_share.iter().copied().fold(1.0_f32, f32::min);
        if rarest >= MIN_CLASS_SHARE && q.confidence >= MIN_CONFIDENCE {
            return Ok(format!(
                "{{\"model\":\"{}\",\"device\":\"{label}\",\"digits_s\":{seconds:.1},\"digits_step\":{step},\"fd\":{:.1},\"confidence\":{:.3}}}",
                model.value(),
                q.fd,
                q.confidence
            ));
        }
        if seconds >= limit_s {
            return Ok(format!(
                "{{\"model\":\"{}\",\"device\":\"{label}\",\"digits_s\":null,\"gave_up_s\":{limit_s},\"steps\":{step},\"fd\":{:.1},\"confidence\":{:.3},\"rarest_share\":{rarest:.3}}}",
                model.value(),
                q.fd,
                q.confidence
            ));
        }
    }
}

/// The shipped set an image model learns: the one it is recommended for, else MNIST.
fn shipped_set(model: ModelChoice) -> ShippedSet {
    ShippedSet::ALL
        .into_iter()
        .find(|&set| ModelChoice::recommended(set) == model)
        .unwrap_or(ShippedSet::Mnist)
}

/// Loads the shipped sets `request` needs, timing each (fetch, gunzip, decode) in `lines`:
/// image models are timed on MNIST; time to digits uses the set a model is for.
async fn load_data(
    request: &BenchRequest,
    lines: &mut Vec<String>,
    report: &dyn Fn(&str, &[String]),
) -> Vec<(ShippedSet, ImageBundle)> {
    let mut bundles = Vec::new();
    if !request.models.iter().any(|m| m.is_image()) {
        return bundles;
    }
    let mut sets = vec![ShippedSet::Mnist];
    if request.digits.is_some() {
        for &model in &request.models {
            if !sets.contains(&shipped_set(model)) {
                sets.push(shipped_set(model));
            }
        }
    }
    for set in sets {
        report(&format!("loading {}…", set.title()), lines);
        let start = now_ms();
        match load::load_shipped(set, |_| {}).await {
            Ok(bundle) => {
                lines.push(format!(
                    "{{\"dataset\":\"{}\",\"load_ms\":{:.0}}}",
                    set.name(),
                    now_ms() - start
                ));
                bundles.push((set, bundle));
            }
            Err(e) => lines.push(format!(
                "{{\"dataset\":\"{}\",\"error\":\"{}\"}}",
                set.name(),
                e.replace('"', "'")
            )),
        }
    }
    bundles
}

/// The result lines as one JSON array.
fn json_array(lines: &[String]) -> String {
    format!("[\n{}\n]", lines.join(",\n"))
}

/// Runs `request` on this thread (the page's or the worker's), telling `report` what it is
/// doing and the result lines so far; it ends with `report("done", …)`.
pub async fn run(request: BenchRequest, report: impl Fn(&str, &[String])) {
    let devices = devices::init(if request.gpu {
        Requested::Gpu
    } else {
        Requested::Cpu
    })
    .await;
    let mut lines: Vec<String> = request
        .unknown
        .iter()
        .map(|name| {
            format!(
                "{{\"model\":\"{}\",\"error\":\"no such model in this build\"}}",
                name.replace(['"', '\\'], "'")
            )
        })
        .collect();
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
    let bundles = load_data(&request, &mut lines, &report).await;
    let bundle = |set: ShippedSet| bundles.iter().find(|(s, _)| *s == set).map(|(_, b)| b);
    for &model in &request.models {
        for (label, device) in &targets {
            report(&format!("timing {} on {label}…", model.value()), &lines);
            let data = if model.is_image() {
                bundle(ShippedSet::Mnist)
            } else {
                None
            };
            match time_one(model, device, label, &request, data).await {
                Ok(result) => lines.push(result.json()),
                Err(e) => lines.push(format!(
                    "{{\"model\":\"{}\",\"device\":\"{label}\",\"error\":\"{}\"}}",
                    model.value(),
                    e.replace('"', "'")
                )),
            }
            report(&format!("timed {} on {label}", model.value()), &lines);
        }
    }
    if let Some(limit_s) = request.digits {
        for &model in request
            .models
            .iter()
            .filter(|m| m.is_image() && m.is_noise_gan())
        {
            let Some(images) = bundle(shipped_set(model)) else {
                continue; // its loading error is reported above
            };
            for (label, device) in &targets {
                report(
                    &format!("time to digits: {} on {label}…", model.value()),
                    &lines,
                );
                let line = time_to_digits(model, device, label, limit_s, images)
                    .await
                    .unwrap_or_else(|e| {
                        format!(
                            "{{\"model\":\"{}\",\"device\":\"{label}\",\"digits_error\":\"{}\"}}",
                            model.value(),
                            e.replace('"', "'")
                        )
                    });
                lines.push(line);
                report(&format!("timed {} on {label}", model.value()), &lines);
            }
        }
    }
    report("done", &lines);
}

/// Where the paced run's session is served: on the page (the in-page loop's way, without
/// encoding), or by the training worker.
enum Served {
    Page {
        session: Box<Session>,
        next: u64,
        done: std::collections::VecDeque<Response>,
    },
    Worker(Remote),
}

impl Served {
    /// Sends `command`: the worker queues it; the page serves it at once.
    async fn send(&mut self, command: Command) -> Result<(u64, Exchange), String> {
        match self {
            Served::Page {
                session,
                next,
                done,
            } => {
                *next += 1;
                let response = session.serve(Request { id: *next, command }).await;
                done.push_back(response);
                Ok((*next, Exchange::default()))
            }
            Served::Worker(remote) => remote.send(command),
        }
    }

    /// The response to request `id`.
    async fn reply(&mut self, id: u64) -> Result<(Response, Exchange), String> {
        match self {
            Served::Page { done, .. } => {
                // Not always the oldest: a frame is asked for behind a queued chunk.
                let response = done
                    .iter()
                    .position(|r| r.id == id)
                    .and_then(|at| done.remove(at));
                response
                    .map(|r| (r, Exchange::default()))
                    .ok_or_else(|| format!("no response to request {id}"))
            }
            Served::Worker(remote) => remote.reply(id).await,
        }
    }

    async fn ask(&mut self, command: Command) -> Result<(Response, Exchange), String> {
        let (id, sent) = self.send(command).await?;
        let (response, received) = self.reply(id).await?;
        Ok((
            response,
            Exchange {
                sent: sent.sent,
                received: received.received,
                codec_ms: sent.codec_ms + received.codec_ms,
            },
        ))
    }

    fn thread(&self) -> &'static str {
        match self {
            Served::Page { .. } => "page",
            Served::Worker(_) => "worker",
        }
    }
}

/// What a reply must be, or the failure it reports.
fn expect(reply: Reply, what: &str) -> Result<Reply, String> {
    match reply {
        Reply::Failed(failure) => Err(format!("{what}: {failure}")),
        Reply::Refused(why) => Err(format!("{what}: {why}")),
        reply => Ok(reply),
    }
}

/// Trains `model` on `choice` for the request's seconds (5 by default) or steps, paced as the
/// page's loop paces it: one `Train` chunk of [`FRAME_BUDGET_MS`] queued behind the one being
/// served, a frame of the default views every 33 ms (scored every [`SCORE_INTERVAL_MS`]).
/// A JSON line: steps and frames per second, and what a frame cost to cross.
async fn time_paced(
    served: &mut Served,
    model: ModelChoice,
    choice: DeviceChoice,
    label: &'static str,
    request: &BenchRequest,
) -> Result<String, String> {
    expect(
        served.ask(Command::ChooseDevice(choice)).await?.0.reply,
        "device",
    )?;
    let setup = Setup::default().with_model(model);
    expect(
        served
            .ask(Command::Build {
                setup,
                bounds: None,
            })
            .await?
            .0
            .reply,
        "build",
    )?;
    let layers = Layers::default();
    let mut wanted = Wanted {
        manifold: layers.manifold,
        arrows: layers.arrows,
        features: true,
        score: true,
        image: crate::images::ImageView::default(),
    };
    // A first chunk and frame (on a GPU: every kernel compiled) before the clock starts.
    let train = |max: usize| Command::Train {
        budget_ms: FRAME_BUDGET_MS,
        max_updates: max as u32,
    };
    expect(served.ask(train(1)).await?.0.reply, "train")?;
    let (first, _) = served.ask(Command::Frame(wanted)).await?;
    expect(first.reply, "frame")?;
    let budget_ms = request.seconds.unwrap_or(5.0) * 1000.0;
    let start = now_ms();
    let start_step = first.step;
    let mut step = start_step;
    let mut chunk = Chunk::default();
    let (mut ahead, _) = served.send(train(chunk.max_updates)).await?;
    let mut chunk_start = now_ms();
    let (mut frames, mut bytes, mut codec_ms) = (0_u32, 0_usize, 0.0);
    let (mut last_frame, mut last_score) = (start, start);
    while now_ms() - start < budget_ms && step - start_step < request.steps as u64 {
        let (next, _) = served.send(train(chunk.max_updates)).await?;
        let (response, _) = served.reply(ahead).await?;
        expect(response.reply, "train")?;
        step = response.step;
        chunk.adapt(now_ms() - chunk_start);
        chunk_start = now_ms();
        ahead = next;
        if matches!(served, Served::Page { .. }) {
            yield_now().await; // as the in-page loop does between chunks
        }
        if now_ms() - last_frame >= 33.0 {
            wanted.score = now_ms() - last_score >= SCORE_INTERVAL_MS;
            if wanted.score {
                last_score = now_ms();
            }
            let (response, exchange) = served.ask(Command::Frame(wanted)).await?;
            expect(response.reply, "frame")?;
            frames += 1;
            bytes += exchange.received;
            codec_ms += exchange.codec_ms;
            last_frame = now_ms();
        }
    }
    let (response, _) = served.reply(ahead).await?;
    step = response.step;
    let seconds = (now_ms() - start) / 1000.0;
    let per_frame = f64::from(frames.max(1));
    Ok(format!(
        "{{\"model\":\"{}\",\"device\":\"{label}\",\"protocol\":\"{}\",\"steps\":{},\"seconds\":{seconds:.3},\"steps_per_sec\":{:.2},\"frames_per_sec\":{:.1},\"frame_bytes\":{:.0},\"frame_codec_ms\":{:.3}}}",
        model.value(),
        served.thread(),
        step - start_step,
        (step - start_step) as f64 / seconds.max(1e-9),
        f64::from(frames) / seconds.max(1e-9),
        bytes as f64 / per_frame,
        codec_ms / per_frame,
    ))
}

/// Times each model as the page's loop trains it, through the session protocol: on this
/// page, or served by the training worker (`&worker=1`).
async fn run_paced(request: BenchRequest, report: impl Fn(&str, &[String])) {
    let backend = match (request.gpu, request.cpu) {
        (true, false) => "gpu",
        (false, true) => "cpu",
        _ => "auto",
    };
    let mut lines = Vec::new();
    let mut served = if request.worker {
        match Remote::start(backend) {
            Ok(remote) => Served::Worker(remote),
            Err(e) => {
                report(&format!("no worker: {e}"), &lines);
                return;
            }
        }
    } else {
        let devices = devices::init(match backend {
            "cpu" => Requested::Cpu,
            _ => Requested::Gpu,
        })
        .await;
        Served::Page {
            session: Box::new(Session::new(devices.cpu, devices.gpu, now_ms)),
            next: 0,
            done: std::collections::VecDeque::new(),
        }
    };
    if request.models.iter().any(|m| m.is_image()) {
        report("loading MNIST…", &lines);
        match load::load_shipped(ShippedSet::Mnist, |_| {}).await {
            Ok(bundle) => {
                let start = now_ms();
                let sent = served
                    .ask(Command::Images(Some(std::rc::Rc::new(bundle))))
                    .await;
                lines.push(match sent {
                    Ok((_, exchange)) => format!(
                        "{{\"dataset\":\"mnist\",\"protocol\":\"{}\",\"sent_bytes\":{},\"send_ms\":{:.0}}}",
                        served.thread(),
                        exchange.sent,
                        now_ms() - start
                    ),
                    Err(e) => format!(
                        "{{\"dataset\":\"mnist\",\"error\":\"{}\"}}",
                        e.replace('"', "'")
                    ),
                });
            }
            Err(e) => lines.push(format!(
                "{{\"dataset\":\"mnist\",\"error\":\"{}\"}}",
                e.replace('"', "'")
            )),
        }
    }
    let mut targets = Vec::new();
    if request.gpu {
        targets.push((DeviceChoice::Gpu, "WebGPU"));
    }
    if request.cpu {
        targets.push((DeviceChoice::Cpu, "CPU"));
    }
    for &model in &request.models {
        for &(choice, label) in &targets {
            report(&format!("timing {} on {label}…", model.value()), &lines);
            lines.push(
                time_paced(&mut served, model, choice, label, &request)
                    .await
                    .unwrap_or_else(|e| {
                        format!(
                            "{{\"model\":\"{}\",\"device\":\"{label}\",\"protocol\":\"{}\",\"error\":\"{}\"}}",
                            model.value(),
                            served.thread(),
                            e.replace('"', "'")
                        )
                    }),
            );
        }
    }
    report("done", &lines);
}

/// The bench page.
#[component]
pub fn Bench(
    /// What to time.
    request: BenchRequest,
) -> impl IntoView {
    let (state, set_state) = signal(String::from("running…"));
    let (results, set_results) = signal(String::new());
    let report = move |now: &str, lines: &[String]| {
        set_state.set(now.to_string());
        if !lines.is_empty() {
            set_results.set(json_array(lines));
        }
    };
    leptos::task::spawn_local(async move {
        if request.protocol {
            run_paced(request, report).await;
        } else if request.worker {
            if let Err(e) = crate::worker::bench(report) {
                set_state.set(format!("no worker: {e}"));
            }
        } else {
            run(request, report).await;
        }
    });
    view! {
        <header><h1>"GANvas benchmark"</h1></header>
        <p role="status">{move || state.get()}</p>
        <pre id="bench-result">{move || results.get()}</pre>
    }
}
