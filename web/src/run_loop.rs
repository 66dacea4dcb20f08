//! Start-up (devices, first model) and the training loop: per animation frame, a budget of
//! single network updates, then one round of reads for the views.

use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::checkpoint;
use crate::devices::{self, Requested};
use crate::host::Host;
use crate::setup::Setup;
use crate::state::{Ctx, DeviceChoice, HISTORY, Point};
use crate::trainer::{Frame, Wanted};
use crate::worker::Remote;
use ganvas_engine::training::StepValues;
use ganvas_session::Session;
use ganvas_session::protocol::Failure;
use ganvas_session::session::{Moved, Trained};

pub use ganvas_session::pace::{Chunk, FRAME_BUDGET_MS};

pub use crate::global::now_ms;

/// Resolves at the next animation frame.
///
/// A hidden page (a background tab, a minimised window) gets no animation frames: the
/// training loop waits with [`idle`], and after a frame only yields, there.
pub async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(&resolve);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Whether the page is hidden: a background tab, a minimised window. The browser then stops
/// animation frames and clamps timers (to once a second, later once a minute), but not
/// messages, so the loop trains on with [`yield_now`] and shows a frame only every
/// [`HIDDEN_VIEW_INTERVAL_MS`] (the status line, the charts' history, the timelapse).
pub fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden)
}

/// Milliseconds between frames while the page is hidden: nothing is painted, but the status
/// line, the charts' history and the timelapse keep up.
const HIDDEN_VIEW_INTERVAL_MS: f64 = 1000.0;

/// How long the idle loop sleeps between looks while the page is hidden.
const HIDDEN_IDLE_MS: i32 = 200;

/// The idle loop's wait: the next animation frame, or a short sleep when the page is hidden
/// (it has no frames).
pub async fn idle() {
    if page_hidden() {
        sleep_ms(HIDDEN_IDLE_MS).await;
    } else {
        next_frame().await;
    }
}

/// Where the session is to run: `?train=page` keeps it in the page; otherwise it runs in the
/// training worker, where the browser can start one.
fn wants_worker() -> bool {
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    web_sys::UrlSearchParams::new_with_str(&query)
        .ok()
        .and_then(|p| p.get("train"))
        .as_deref()
        != Some("page")
}

/// Starts the session: in the training worker (on its own devices) unless the page asked
/// otherwise or the worker cannot start, else in the page. Returns it and, when the worker
/// was wanted but could not start, why.
async fn open_host(ctx: Ctx, requested: Requested) -> (Host, Option<String>) {
    let mut fallback = None;
    if wants_worker() {
        let backend = match requested {
            Requested::Gpu => "gpu",
            Requested::Cpu => "cpu",
            Requested::Auto => "auto",
        };
        match Remote::start(backend) {
            Ok(remote) => {
                let mut host = Host::worker(remote);
                // The worker answers once its devices are up (or says why it stopped).
                match host.devices().await {
                    Ok(_) => return (host, None),
                    Err(e) => fallback = Some(e.to_string()),
                }
            }
            Err(e) => fallback = Some(e),
        }
    }
    let devices = devices::init(requested).await;
    let mut session = Session::new(devices.cpu, devices.gpu, now_ms);
    session.set_gpu_problem(devices.gpu_problem);
    ctx.page.update_value(|p| p.gpu_watch = devices.gpu_watch);
    (Host::page(session), fallback)
}

/// What the banner says when training cannot leave the page's thread.
const NO_WORKER: &str = "This browser could not start GANvas's training worker, so training runs \
     on the page's own thread: the page may stutter while a model trains. Current Chrome, Edge, \
     Firefox and Safari all can; reloading may help.";

/// The devices the page asked for: pinned by a classroom link, else `?backend=`.
fn requested(ctx: Ctx) -> Requested {
    match ctx.pinned_device.get_untracked() {
        Some(DeviceChoice::Gpu) => Requested::Gpu,
        Some(DeviceChoice::Cpu) => Requested::Cpu,
        None => Requested::from_url(),
    }
}

/// The training worker stopped (it panicked, or the browser stopped it): nothing of the run
/// is in the page but its checkpoint, so training pauses, a new worker (or, failing that, a
/// session in the page) takes its place with a fresh model, and the run's last checkpoint is
/// offered to resume (it is stored in IndexedDB as it is taken).
async fn restart_worker(ctx: Ctx, why: &str) {
    ctx.running.set(false);
    let (mut host, no_worker) = open_host(ctx, requested(ctx)).await;
    let info = host.devices().await.unwrap_or_default();
    ctx.gpu_available.set(info.gpu);
    if !info.gpu && ctx.device.get_untracked() == DeviceChoice::Gpu {
        ctx.device.set(DeviceChoice::Cpu);
        ctx.device_reason.set("no WebGPU in the new worker".into());
    }
    *ctx.owner().lock().await = Some(host);
    let started = match no_worker {
        None => "A new one was started",
        Some(_) => "Training goes on in the page itself",
    };
    ctx.reset();
    ctx.resume.set(None);
    checkpoint::offer_stored(ctx).await;
    let offered = ctx.resume.with_untracked(Option::is_some);
    ctx.error.set(Some(format!(
        "The training worker stopped ({why}). {started} with a fresh model{}",
        if offered {
            "; resume your run from its last checkpoint below."
        } else {
            "."
        }
    )));
}

/// Starts the session and its devices, picks one, and builds the first model.
pub async fn start(ctx: Ctx) {
    let requested = requested(ctx);
    let (mut host, no_worker) = open_host(ctx, requested).await;
    let info = host.devices().await.unwrap_or_default();
    let mut said = Vec::new();
    let mut detail = Vec::new();
    if let Some(problem) = &info.problem {
        said.push(devices::fallback_message(problem));
        detail.push(problem.clone());
    }
    if let Some(why) = no_worker {
        said.push(NO_WORKER.to_string());
        detail.push(format!("The training worker: {why}"));
    }
    if !said.is_empty() {
        ctx.banner.set(Some(said.join(" ")));
        ctx.banner_detail.set(Some(detail.join(" · ")));
    }
    ctx.gpu_available.set(info.gpu);
    let choice = match (info.gpu, requested) {
        (false, _) => {
            ctx.device_reason.set(if requested == Requested::Cpu {
                "CPU requested in the link".into()
            } else {
                "no WebGPU".into()
            });
            DeviceChoice::Cpu
        }
        (true, Requested::Gpu) => {
            ctx.device_reason.set("WebGPU requested in the link".into());
            DeviceChoice::Gpu
        }
        (true, _) if ctx.setup.with_untracked(Setup::is_images) => {
            // Image data is not loaded yet: the image path times both once it is.
            ctx.auto_device.set(Some(false));
            DeviceChoice::Gpu
        }
        (true, _) => {
            let setup = ctx.setup.get_untracked();
            let (choice, reason) = match host.time(setup, None).await {
                Ok(timing) => (timing.choice, timing.reason()),
                Err(e) => (DeviceChoice::Cpu, format!("WebGPU could not be timed: {e}")),
            };
            ctx.device_reason.set(reason);
            ctx.auto_device.set(Some(false));
            choice
        }
    };
    ctx.device.set(choice);
    *ctx.owner().lock().await = Some(host);
    ctx.page.update_value(|p| p.started = true);
    // A model in the link replaces the fresh one; it is opened first so that loading its
    // image data cannot race a fresh model built on the same data.
    let opened = match ctx.pending_model.get_untracked() {
        None => None,
        Some(text) => Some(
            match text
                .parse::<ganvas_share::ModelLink>()
                .and_then(|link| link.payload())
            {
                Ok(payload) => crate::share::open_model(ctx, payload).await,
                Err(e) => Err(e.to_string()),
            },
        ),
    };
    match opened {
        Some(Ok(())) => {}
        Some(Err(problem)) => {
            ctx.reset();
            ctx.error.set(Some(format!(
                "The model in this link could not be opened: {problem}. A fresh model is shown instead."
            )));
        }
        None => {
            ctx.reset();
            crate::checkpoint::offer_stored(ctx).await;
        }
    }
    ctx.ready.set(true);
    if ctx.start_training.get_untracked() {
        ctx.running.set(true);
    }
}

/// Fewest milliseconds between view updates while training (at most 30 per second).
const VIEW_INTERVAL_MS: f64 = 33.0;
/// Most milliseconds between view updates while training.
const MAX_VIEW_INTERVAL_MS: f64 = 250.0;
/// Fewest milliseconds between classifier scores of generated images while training.
pub const SCORE_INTERVAL_MS: f64 = 3000.0;

/// One message channel to ourselves for the whole page (not one per yield): the resolvers of
/// pending yields, answered in order as the messages arrive.
struct Yielder {
    _channel: web_sys::MessageChannel,
    port: web_sys::MessagePort,
    waiting: std::rc::Rc<std::cell::RefCell<std::collections::VecDeque<js_sys::Function>>>,
}

impl Yielder {
    fn new() -> Option<Self> {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let channel = web_sys::MessageChannel::new().ok()?;
        let waiting = std::rc::Rc::new(std::cell::RefCell::new(std::collections::VecDeque::<
            js_sys::Function,
        >::new()));
        let queue = std::rc::Rc::clone(&waiting);
        let on_message = Closure::<dyn FnMut()>::new(move || {
            let next = queue.borrow_mut().pop_front();
            if let Some(resolve) = next {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            }
        });
        channel
            .port1()
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The handler lives as long as the page, as the channel does.
        on_message.forget();
        Some(Yielder {
            port: channel.port2(),
            _channel: channel,
            waiting,
        })
    }

    /// Queues `resolve` to be called when the browser is next idle; false if it cannot.
    fn post(&self, resolve: &js_sys::Function) -> bool {
        self.waiting.borrow_mut().push_back(resolve.clone());
        if self.port.post_message(&wasm_bindgen::JsValue::NULL).is_ok() {
            true
        } else {
            self.waiting.borrow_mut().pop_back();
            false
        }
    }
}

thread_local! {
    static YIELDER: Option<Yielder> = Yielder::new();
}

/// Yields to the browser (input, rendering) and resumes as soon as it is idle again: a
/// message to ourselves, which unlike `setTimeout(0)` is not clamped to 4 ms.
pub async fn yield_now() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let posted = YIELDER.with(|y| y.as_ref().is_some_and(|y| y.post(&resolve)));
        if !posted {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// Step statistics accumulated on the host between view updates.
#[derive(Default)]
struct Pending {
    sum: Option<StepValues>,
    steps: usize,
}

impl Pending {
    fn add(&mut self, mean: StepValues, steps: usize) {
        let w = steps as f32;
        let sum = self.sum.get_or_insert_with(StepValues::default);
        sum.d_loss += mean.d_loss * w;
        sum.g_loss += mean.g_loss * w;
        sum.d_real += mean.d_real * w;
        sum.d_fake += mean.d_fake * w;
        sum.l1 += mean.l1 * w;
        sum.d_loss_a += mean.d_loss_a * w;
        sum.adversarial_a2b += mean.adversarial_a2b * w;
        sum.adversarial_b2a += mean.adversarial_b2a * w;
        self.steps += steps;
    }

    fn take_mean(&mut self) -> Option<StepValues> {
        let mut sum = self.sum.take()?;
        let n = std::mem::take(&mut self.steps).max(1) as f32;
        sum.d_loss /= n;
        sum.g_loss /= n;
        sum.d_real /= n;
        sum.d_fake /= n;
        sum.l1 /= n;
        sum.d_loss_a /= n;
        sum.adversarial_a2b /= n;
        sum.adversarial_b2a /= n;
        Some(sum)
    }
}

/// CycleGAN's four losses from a step's statistics: D_A's, D_B's (the rest of D's loss), and
/// G's and F's adversarial terms.
fn cycle_losses(stats: &StepValues) -> [f32; 4] {
    [
        stats.d_loss_a,
        stats.d_loss - stats.d_loss_a,
        stats.adversarial_a2b,
        stats.adversarial_b2a,
    ]
}

/// Adds a point to the charts' history.
fn record(ctx: Ctx, stats: StepValues, quality: crate::trainer::Quality) {
    ctx.history.update(|h| {
        h.push(Point {
            d_loss: stats.d_loss,
            g_loss: stats.g_loss,
            d_real: stats.d_real,
            d_fake: stats.d_fake,
            l1: stats.l1,
            cycle_losses: cycle_losses(&stats),
            quality,
        });
        if h.len() > HISTORY {
            h.remove(0);
        }
    });
}

/// What the views shown need from a frame.
fn wanted(ctx: Ctx, score: bool) -> Wanted {
    let layers = ctx.layers.get_untracked();
    Wanted {
        manifold: layers.manifold,
        arrows: layers.arrows,
        features: ctx.show_features.get_untracked(),
        score,
        image: ctx.image_view.get_untracked(),
    }
}

/// Adds the fixed-noise grid to the timelapse (when enough steps passed since the last frame).
fn record_timelapse(ctx: Ctx, step: u64, images: &crate::images::ImageFrame) {
    if !ctx.timelapse.with_value(|t| t.wants(step)) {
        return; // most frames: no grid to draw
    }
    let picture = crate::draw::grid(&images.grid, images.side, images.cols, 1, 2);
    let frames = ctx
        .timelapse
        .try_update_value(|t| {
            t.record(step, &picture.pixels, picture.width, picture.height);
            t.len()
        })
        .unwrap_or(0);
    ctx.timelapse_frames.set(frames);
}

/// Why the GPU stopped, when the page trains on it and it has.
fn gpu_stopped(ctx: Ctx) -> Option<String> {
    if ctx.device.get_untracked() != DeviceChoice::Gpu {
        return None;
    }
    ctx.page.with_value(|p| {
        let watched = p.gpu_watch.as_ref().and_then(|w| w.stopped());
        watched.or(p.gpu_lost.as_deref()).map(str::to_string)
    })
}

/// After a failed read. A read from a destroyed GPU fails at once: without a turn for the
/// browser here the loop would go round forever without yielding (the page froze so), and the
/// GPU's lost callback, which says why, could never run. A read that failed on the GPU may be
/// the first sign that it stopped (the browser says so a moment later): then the next turn
/// moves to the CPU, and a run that was training goes on training there. Anything else stops
/// training and says why.
async fn after_failed_read(ctx: Ctx, error: &Failure) {
    yield_now().await;
    if let Failure::DeviceLost(why) = error {
        mark_gpu_stopped(ctx, why);
    }
    if ctx.device.get_untracked() == DeviceChoice::Gpu {
        wait_for_gpu_verdict(ctx).await;
    }
    if gpu_stopped(ctx).is_none() {
        ctx.running.set(false);
        ctx.error.set(Some(format!("Training stopped: {error}")));
    }
}

/// Waits up to [`GPU_VERDICT_MS`] for the GPU's lost callback after a failed read.
async fn wait_for_gpu_verdict(ctx: Ctx) {
    let start = now_ms();
    while gpu_stopped(ctx).is_none() && now_ms() - start < GPU_VERDICT_MS {
        sleep_ms(50).await;
    }
}

/// How long a failed read on the GPU waits to hear whether the GPU stopped.
const GPU_VERDICT_MS: f64 = 1000.0;

/// Resolves after `ms` milliseconds (a browser timer: it also runs in a background tab).
async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| crate::global::after_ms(&resolve, ms));
    let _ = JsFuture::from(promise).await;
}

/// Records that the GPU stopped (a read found it gone before its lost callback ran; in the
/// worker, whose GPU the page cannot watch, the read is how the page hears of it).
fn mark_gpu_stopped(ctx: Ctx, why: &str) {
    ctx.page.update_value(|p| match &p.gpu_watch {
        Some(watch) => watch.mark_stopped(why),
        None => p.gpu_lost = Some(why.to_string()),
    });
}

/// The GPU stopped: the page goes on on the CPU, from the last checkpoint (a fresh model
/// when nothing was checkpointed), and says so. Training keeps running if it was.
pub async fn move_to_cpu(ctx: Ctx, host: &mut Host, why: &str) {
    ctx.page.update_value(|p| {
        p.gpu_watch = None;
        p.gpu_lost = None;
    });
    ctx.gpu_available.set(false);
    ctx.auto_device.set(None);
    ctx.device.set(DeviceChoice::Cpu);
    ctx.device_reason.set("the GPU stopped".into());
    let message = match host.lose_gpu().await {
        Moved::Restored(built) => {
            show_built(ctx, &built);
            format!(
                "The GPU stopped ({why}). Training goes on on the CPU from step {}, the last checkpoint.",
                built.step
            )
        }
        Moved::Fresh(built) => {
            ctx.running.set(false);
            ctx.history.set(Vec::new());
            show_built(ctx, &built);
            format!(
                "The GPU stopped ({why}). Nothing had been checkpointed yet, so a fresh model was built on the CPU."
            )
        }
        Moved::Failed(problem) => {
            ctx.running.set(false);
            format!("The GPU stopped ({why}), and no model could be built on the CPU: {problem}.")
        }
    };
    ctx.error.set(Some(message));
    ctx.redraw.set(1);
}

/// Shows a model the session rebuilt: its scene, and its step with no losses read yet.
fn show_built(ctx: Ctx, built: &ganvas_session::session::Built) {
    if let Some(scene) = &built.scene {
        ctx.scene.set(scene.clone());
    }
    ctx.live.update(|l| {
        l.step = built.step;
        l.d_loss = None;
        l.g_loss = None;
        l.l1 = None;
        l.cycle_losses = None;
    });
}

/// Milliseconds before a checkpoint that failed its checks is tried again.
const CHECKPOINT_RETRY_MS: f64 = 5_000.0;

/// When the loop takes checkpoints: when training starts (before the first chunk, so a run
/// that diverges at once can still roll back), every [`checkpoint::interval_ms`], and on pause.
struct Checkpoints {
    interval: f64,
    /// When one last failed its checks: it is retried only after [`CHECKPOINT_RETRY_MS`],
    /// not every chunk.
    failed: f64,
    /// Whether the loop's last turn was training (a turn that finds it paused checkpoints).
    was_running: bool,
}

impl Checkpoints {
    fn new() -> Self {
        Checkpoints {
            interval: checkpoint::interval_ms(),
            failed: f64::NEG_INFINITY,
            was_running: false,
        }
    }

    /// Before a chunk: a checkpoint if one is due.
    async fn before_chunk(&mut self, ctx: Ctx, host: &mut Host) {
        if now_ms() - self.failed >= CHECKPOINT_RETRY_MS
            && !keep_checkpoint(ctx, host, Some(self.interval)).await
        {
            self.failed = now_ms();
        }
    }

    /// After a turn: pausing keeps the state it stopped at (unless it has it already).
    async fn after_turn(&mut self, ctx: Ctx, host: &mut Host, paused: bool) {
        if paused && self.was_running && host.model() {
            let _ = keep_checkpoint(ctx, host, None).await;
        }
        self.was_running = !paused;
    }
}

/// Takes a checkpoint when one is due (see [`checkpoint::take`]); one that fails its checks
/// leaves the last good one (and says why in the console: nothing the user did is lost).
/// Returns false when one was due and not kept.
async fn keep_checkpoint(ctx: Ctx, host: &mut Host, older_than_ms: Option<f64>) -> bool {
    match checkpoint::take(ctx, host, older_than_ms).await {
        Ok(_) => true,
        Err(e) => {
            web_sys::console::warn_1(&format!("checkpoint not taken: {e}").into());
            false
        }
    }
}

/// Trains one chunk (after a checkpoint, when one is due) and reads its statistics: whole
/// steps done, and the read's outcome. A chunk whose statistics are not finite has diverged:
/// the session rolled the run back, and the page says so.
async fn train_chunk(
    ctx: Ctx,
    host: &mut Host,
    chunk: &mut Chunk,
    pending: &mut Pending,
    checkpoints: &mut Checkpoints,
) -> (usize, Result<(), Failure>) {
    checkpoints.before_chunk(ctx, host).await;
    let began = now_ms();
    let trained = host.train(FRAME_BUDGET_MS, chunk.max_updates).await;
    chunk.adapt(now_ms() - began);
    match trained {
        Ok(Trained::Steps { steps, mean }) => {
            if let Some(mean) = mean {
                pending.add(mean, steps);
            }
            (steps, Ok(()))
        }
        Ok(Trained::Diverged {
            at,
            values,
            dropped,
            back,
        }) => {
            *pending = Pending::default();
            diverged(ctx, host.step(), at, values, dropped, back);
            (0, Ok(()))
        }
        Err(e) => (0, Err(e)),
    }
}

/// Training diverged (a statistic is NaN or infinite): pauses and says what happened; the
/// session rolled back to the last good checkpoint (or kept the diverged run when there was
/// none), or, when the run diverged again from the checkpoint it was just rolled back to
/// (`dropped`), to the one before.
/// The run continues from the checkpoint of the same model, so its scene stays.
fn diverged(
    ctx: Ctx,
    step: u64,
    at: u64,
    values: StepValues,
    dropped: Option<u64>,
    back: Result<u64, String>,
) {
    ctx.running.set(false);
    let what = format!("D loss {}, G loss {}", values.d_loss, values.g_loss);
    let message = match (back, dropped) {
        (Ok(back), Some(dropped)) => {
            format!(
                "Training diverged again at step {at} ({what}): the checkpoint at step {dropped} was past saving, so it is dropped; rolled back to step {back}, the one before. Press Train to go on from there."
            )
        }
        (Ok(back), None) => {
            format!(
                "Training diverged at step {at} ({what}); rolled back to step {back}, the last good checkpoint. Try a lower learning rate."
            )
        }
        (Err(e), _) => format!(
            "Training diverged at step {at} ({what}) and could not be rolled back ({e}). Press Reset and try a lower learning rate."
        ),
    };
    ctx.page
        .update_value(|p| p.diverged = Some(message.clone()));
    ctx.error.set(Some(message));
    ctx.live.update(|l| {
        l.step = step;
        l.d_loss = None;
        l.g_loss = None;
        l.l1 = None;
        l.cycle_losses = None;
    });
    ctx.redraw.set(1);
}

/// Shows a frame read at `step`: the status line (with the speed over the last half second
/// of `rate_window`), the charts' means of the steps `pending`, the timelapse and the views.
fn show_frame(
    ctx: Ctx,
    frame: Frame,
    step: u64,
    pending: &mut Pending,
    rate_window: &mut (f64, u64),
) {
    let elapsed = now_ms() - rate_window.0;
    let mut live = ctx.live.get_untracked();
    if elapsed > 500.0 {
        live.steps_per_sec = rate_window.1 as f64 / (elapsed / 1000.0);
        *rate_window = (now_ms(), 0);
    }
    live.step = step;
    if let Some(stats) = pending.take_mean() {
        live.d_loss = Some(stats.d_loss);
        live.g_loss = Some(stats.g_loss);
        live.l1 = (frame.pairs.is_some() || frame.cycle.is_some()).then_some(stats.l1);
        live.cycle_losses = frame.cycle.is_some().then(|| cycle_losses(&stats));
        record(ctx, stats, frame.quality);
    }
    ctx.live.set(live);
    if let Some(images) = &frame.images {
        record_timelapse(ctx, step, images);
    }
    ctx.frame.set(frame);
}

/// Idle: nothing in flight and everything trained shown (ends the status line's "pausing…").
fn settle(ctx: Ctx) {
    if ctx.busy.get_untracked() {
        ctx.busy.set(false);
    }
}

/// After a frame was shown: lets the browser paint it, and sets the interval to the next view
/// update to three times what painting took (slow painting, as with software rendering,
/// leaves training most of the time). A hidden page paints nothing: it only yields.
async fn after_frame(view_interval: &mut f64) {
    if page_hidden() {
        yield_now().await;
    } else {
        let painting = now_ms();
        next_frame().await;
        *view_interval =
            (3.0 * (now_ms() - painting)).clamp(VIEW_INTERVAL_MS, MAX_VIEW_INTERVAL_MS);
    }
}

/// Runs forever. While `running`: trains in chunks of about [`FRAME_BUDGET_MS`], waits for
/// each chunk's statistics (so a GPU queue never runs far ahead), yields to the browser
/// between chunks, and updates the views about 30 times a second (once a second while the
/// page is hidden, see [`page_hidden`]). Paused, it only redraws when a single step or a
/// reset asks for it.
pub async fn training_loop(ctx: Ctx) {
    let mut rate_window = (now_ms(), 0_u64);
    let mut last_view = 0.0;
    let mut last_score = f64::NEG_INFINITY;
    // Where painting is slow, views update less often (see `after_frame`).
    let mut view_interval = VIEW_INTERVAL_MS;
    let mut pending = Pending::default();
    let mut chunk = Chunk::default();
    // Steps trained since the views last showed them (Pause must not leave them unshown).
    let mut unshown = false;
    let mut checkpoints = Checkpoints::new();
    loop {
        let running = ctx.running.get_untracked();
        if !running
            && !unshown
            && !checkpoints.was_running
            && ctx.redraw.get_untracked() == 0
            && gpu_stopped(ctx).is_none()
        {
            settle(ctx);
            idle().await;
            continue;
        }
        let owner = ctx.owner();
        let mut held = owner.lock().await;
        // A new model was asked for and not built yet, or there is none: nothing to train.
        let Some(host) = held.as_mut().filter(|h| owner.current() && h.model()) else {
            drop(held);
            if !running {
                settle(ctx);
            }
            idle().await;
            continue;
        };
        let asked = owner.asked();
        if let Some(why) = gpu_stopped(ctx) {
            pending = Pending::default();
            move_to_cpu(ctx, host, &why).await;
        }
        let mut steps = 0;
        let mut result = Ok(None);
        if running {
            if !ctx.busy.get_untracked() {
                ctx.busy.set(true);
            }
            let (done, read) =
                train_chunk(ctx, host, &mut chunk, &mut pending, &mut checkpoints).await;
            steps = done;
            result = read.map(|()| None);
        }
        // Paused while this chunk ran (or never running): show the final state now.
        let paused = !ctx.running.get_untracked();
        if result.is_ok() {
            checkpoints.after_turn(ctx, host, paused).await;
        }
        let interval = if page_hidden() {
            HIDDEN_VIEW_INTERVAL_MS
        } else {
            view_interval
        };
        let show = result.is_ok()
            && (paused || ctx.redraw.get_untracked() > 0 || now_ms() - last_view >= interval);
        if show {
            ctx.redraw.set(0);
            // Scores are slow: every few seconds while training, and when paused (the scene
            // scores each step once).
            let score = paused || now_ms() - last_score >= SCORE_INTERVAL_MS;
            result = host.frame(wanted(ctx, score)).await.map(Some);
            last_view = now_ms();
            if score {
                last_score = last_view;
            }
        }
        let step = host.step();
        let stopped = host.stopped();
        drop(held);
        if let Some(why) = stopped {
            pending = Pending::default();
            // The new worker's fresh model must not checkpoint over the stored run on "pause".
            checkpoints = Checkpoints::new();
            restart_worker(ctx, &why).await;
            continue;
        }
        if !owner.wanted(asked) {
            // A new model was asked for meanwhile: what this turn read is the old one's.
            pending = Pending::default();
            continue;
        }
        rate_window.1 += steps as u64;
        match result {
            Ok(Some(frame)) => {
                unshown = false;
                show_frame(ctx, frame, step, &mut pending, &mut rate_window);
                after_frame(&mut view_interval).await;
            }
            Ok(None) => {
                unshown = true;
                yield_now().await;
            }
            Err(e) => {
                // Not retried until something changes (a step, a reset, Train).
                unshown = false;
                after_failed_read(ctx, &e).await;
            }
        }
    }
}
