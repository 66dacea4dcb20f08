//! Training in a dedicated Web Worker (issue 12): the worker's two services, and the page's
//! handles on them.
//!
//! The worker runs the page's own module a second time, so it costs no second build or
//! download: the page starts `train-worker.js` (a static module worker, `static/app/`) and
//! posts it the compiled module (`wasm_bindgen::module()`), the URL of the wasm-bindgen glue
//! (the page's `modulepreload` link) and a query. The worker imports the glue and
//! instantiates the module; `main` runs again there, finds no window and calls [`serve`],
//! which reads the query:
//! - `?serve=protocol&backend=…`: the worker holds a [`Session`] on its own devices and
//!   answers the session protocol ([`ganvas_session::protocol`]): each message is one
//!   encoded request or response, an `ArrayBuffer` moved (transferred, not copied) to the
//!   other thread. [`Remote`] is the page's end.
//! - a bench request (`?bench=…&worker=1`): the bench runs there ([`bench`]).
//!
//! Everything both need from the browser goes through [`crate::global`], which both scopes
//! have.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use ganvas_session::protocol::{self, Command, Failure, Reply, Request, Response};
use ganvas_session::{DeviceChoice, Session};
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::bench::{self, BenchRequest};
use crate::devices::{self, Requested};
use crate::global::{js_message, now_ms};

#[wasm_bindgen]
extern "C" {
    /// The browser's `Worker`.
    #[wasm_bindgen(js_name = Worker)]
    type JsWorker;
    #[wasm_bindgen(constructor, js_class = "Worker", catch)]
    fn new(url: &str, options: &JsValue) -> Result<JsWorker, JsValue>;
    #[wasm_bindgen(method, js_class = "Worker", js_name = postMessage)]
    fn post_message(this: &JsWorker, message: &JsValue);
    #[wasm_bindgen(method, js_class = "Worker", js_name = postMessage)]
    fn post_transfer(this: &JsWorker, message: &JsValue, transfer: &js_sys::Array);
    #[wasm_bindgen(method, js_class = "Worker")]
    fn terminate(this: &JsWorker);
    #[wasm_bindgen(method, js_class = "Worker", setter)]
    fn set_onmessage(this: &JsWorker, handler: &js_sys::Function);
    #[wasm_bindgen(method, js_class = "Worker", setter)]
    fn set_onerror(this: &JsWorker, handler: &js_sys::Function);

    /// `postMessage` of the worker's global scope (to the page).
    #[wasm_bindgen(js_name = postMessage)]
    fn post_to_page(message: &JsValue);
    /// The same, moving the `transfer` list's buffers to the page.
    #[wasm_bindgen(js_name = postMessage)]
    fn post_to_page_transfer(message: &JsValue, transfer: &js_sys::Array);
}

/// The worker's script, beside the page.
const SCRIPT: &str = "./train-worker.js";

/// Starts a worker on this page's module with `query`; its messages go to `on_message`, and
/// a failure to load or run it to `on_error` (with what the browser said).
fn start(
    query: &str,
    on_message: impl FnMut(JsValue) + 'static,
    on_error: impl FnMut(String) + 'static,
) -> Result<(JsWorker, Handlers), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    // Trunk names the glue in a modulepreload link; snippets have links of their own.
    let glue = document
        .query_selector("link[rel=modulepreload][href$='.js']:not([href*='/snippets/'])")
        .ok()
        .flatten()
        .and_then(|link| link.get_attribute("href"))
        .ok_or("the page names no wasm-bindgen glue")?;
    let options = js_sys::Object::new();
    set(&options, "type", &"module".into());
    set(&options, "name", &"GANvas training".into());
    let worker = JsWorker::new(SCRIPT, &options).map_err(|e| js_message(&e))?;
    let on_message = Closure::<dyn FnMut(JsValue)>::new(on_message);
    let mut on_error = on_error;
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let message = Reflect::get(&event, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| "it could not load".into());
        on_error(message);
    });
    worker.set_onmessage(on_message.as_ref().unchecked_ref());
    worker.set_onerror(on_error.as_ref().unchecked_ref());
    let start = js_sys::Object::new();
    set(&start, "module", &wasm_bindgen::module());
    set(&start, "glue", &glue.into());
    set(&start, "query", &query.into());
    worker.post_message(&start);
    Ok((worker, Handlers(on_message, on_error)))
}

/// A worker's message and error handlers: held (never read) as long as the worker lives.
#[allow(dead_code)] // held, not read: dropping them would free the handlers
struct Handlers(Closure<dyn FnMut(JsValue)>, Closure<dyn FnMut(JsValue)>);

/// On the page: starts the worker on this page's module and has it run the page's bench
/// request; what it reports (what it is doing, the result lines so far) goes to `report`.
pub fn bench(report: impl Fn(&str, &[String]) + 'static) -> Result<(), String> {
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let report = Rc::new(report);
    let on_report = Rc::clone(&report);
    let (_worker, handlers) = start(
        &query,
        move |event: JsValue| {
            let data = Reflect::get(&event, &"data".into()).unwrap_or(JsValue::NULL);
            let state = Reflect::get(&data, &"state".into())
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default();
            let lines: Vec<String> = Reflect::get(&data, &"lines".into())
                .ok()
                .and_then(|l| l.dyn_into::<js_sys::Array>().ok())
                .map(|l| l.iter().filter_map(|line| line.as_string()).collect())
                .unwrap_or_default();
            on_report(&state, &lines);
        },
        move |message| report(&format!("the worker failed: {message}"), &[]),
    )?;
    // The bench's worker lives as long as the page.
    std::mem::forget(handlers);
    Ok(())
}

/// What one exchange with the worker cost, as the page measured it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Exchange {
    /// Bytes of the request.
    pub sent: usize,
    /// Bytes of the response.
    pub received: usize,
    /// Milliseconds the page spent encoding the request and decoding the response.
    pub codec_ms: f64,
}

/// Replies that arrived, by request number, and the page's waits on them.
#[derive(Default)]
struct Mailbox {
    waiting: HashMap<u64, js_sys::Function>,
    arrived: HashMap<u64, Result<(Response, Exchange), String>>,
    /// Why the worker stopped, once it has: every later request fails with it.
    stopped: Option<String>,
}

impl Mailbox {
    fn deliver(&mut self, id: u64, reply: Result<(Response, Exchange), String>) {
        self.arrived.insert(id, reply);
        if let Some(resolve) = self.waiting.remove(&id) {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }

    fn stop(&mut self, why: String) {
        for (_, resolve) in self.waiting.drain() {
            let _ = resolve.call0(&JsValue::NULL);
        }
        self.stopped = Some(why);
    }
}

/// On the page: a training worker that holds the session and answers the session protocol.
/// Requests go out in order and are served in order; [`Remote::send`] does not wait, so the
/// page can keep the next request queued behind the one the worker is serving.
pub struct Remote {
    worker: JsWorker,
    next: Cell<u64>,
    mailbox: Rc<RefCell<Mailbox>>,
    _handlers: Handlers,
}

impl Remote {
    /// Starts the worker on `backend` (`cpu`, `gpu` or `auto`, as in the page's query).
    pub fn start(backend: &str) -> Result<Remote, String> {
        let mailbox = Rc::new(RefCell::new(Mailbox::default()));
        let inbox = Rc::clone(&mailbox);
        let failed = Rc::clone(&mailbox);
        let (worker, handlers) = start(
            &format!("?serve=protocol&backend={backend}"),
            move |event: JsValue| {
                let data = Reflect::get(&event, &"data".into()).unwrap_or(JsValue::NULL);
                if let Some(buffer) = data.dyn_ref::<js_sys::ArrayBuffer>() {
                    let began = now_ms();
                    let bytes = Uint8Array::new(buffer).to_vec();
                    match protocol::decode::<Response>(&bytes) {
                        Ok(response) => {
                            let exchange = Exchange {
                                received: bytes.len(),
                                codec_ms: now_ms() - began,
                                ..Exchange::default()
                            };
                            inbox
                                .borrow_mut()
                                .deliver(response.id, Ok((response, exchange)));
                        }
                        Err(e) => inbox.borrow_mut().stop(e.to_string()),
                    }
                } else {
                    // The worker's own words: it could not start, or it stopped.
                    let why = Reflect::get(&data, &"state".into())
                        .ok()
                        .and_then(|s| s.as_string())
                        .unwrap_or_else(|| "the worker sent something unexpected".into());
                    inbox.borrow_mut().stop(why);
                }
            },
            move |message| {
                failed
                    .borrow_mut()
                    .stop(format!("the worker failed: {message}"));
            },
        )?;
        Ok(Remote {
            worker,
            next: Cell::new(0),
            mailbox,
            _handlers: handlers,
        })
    }

    /// Sends `command`; its number, for [`Remote::reply`]. The request's bytes move to the
    /// worker.
    pub fn send(&self, command: Command) -> Result<(u64, Exchange), String> {
        if let Some(why) = &self.mailbox.borrow().stopped {
            return Err(why.clone());
        }
        let id = self.next.get() + 1;
        self.next.set(id);
        let began = now_ms();
        let bytes = protocol::encode(&Request { id, command }).map_err(|e| e.to_string())?;
        let buffer = Uint8Array::new_with_length(bytes.len() as u32);
        buffer.copy_from(&bytes);
        let buffer = buffer.buffer();
        self.worker
            .post_transfer(&buffer, &js_sys::Array::of1(&buffer));
        Ok((
            id,
            Exchange {
                sent: bytes.len(),
                codec_ms: now_ms() - began,
                ..Exchange::default()
            },
        ))
    }

    /// Why the worker stopped (it panicked, failed to load, or sent what the page could not
    /// read), once it has: every request fails from then on.
    pub fn stopped(&self) -> Option<String> {
        self.mailbox.borrow().stopped.clone()
    }

    /// Waits for the response to request `id` (or for the worker to stop).
    pub async fn reply(&self, id: u64) -> Result<(Response, Exchange), String> {
        loop {
            if let Some(reply) = self.mailbox.borrow_mut().arrived.remove(&id) {
                return reply;
            }
            if let Some(why) = &self.mailbox.borrow().stopped {
                return Err(why.clone());
            }
            let mailbox = Rc::clone(&self.mailbox);
            let promise = js_sys::Promise::new(&mut |resolve, _| {
                mailbox.borrow_mut().waiting.insert(id, resolve);
            });
            let _ = JsFuture::from(promise).await;
        }
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// In the worker (from `main`): serves what the page's query asks for (`train-worker.js`
/// keeps it in `ganvasQuery`): the session protocol, or a bench request.
pub fn serve() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        post(&format!("the worker stopped: {info}"), &[]);
    }));
    let query = Reflect::get(&js_sys::global(), &"ganvasQuery".into())
        .ok()
        .and_then(|q| q.as_string())
        .unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&query).ok();
    if params.as_ref().and_then(|p| p.get("serve")).as_deref() == Some("protocol") {
        let requested = match params.and_then(|p| p.get("backend")).as_deref() {
            Some("gpu") => Requested::Gpu,
            Some("cpu") => Requested::Cpu,
            _ => Requested::Auto,
        };
        wasm_bindgen_futures::spawn_local(serve_protocol(requested));
        return;
    }
    match BenchRequest::from_query(&query) {
        Some(request) => wasm_bindgen_futures::spawn_local(bench::run(request, post)),
        None => post(
            "the worker serves the session protocol or bench requests",
            &[],
        ),
    }
}

/// Requests that arrived while one was being served, in order.
#[derive(Default)]
struct Queue {
    requests: VecDeque<Vec<u8>>,
    serving: bool,
}

/// In the worker: holds a session on this worker's devices and answers each request in the
/// order it came, posting the encoded response back (moved, not copied). Requests that come
/// before the devices are up wait for them.
async fn serve_protocol(requested: Requested) {
    let queue = Rc::new(RefCell::new(Queue {
        serving: true, // until the session exists
        ..Queue::default()
    }));
    let session: Rc<RefCell<Option<Session>>> = Rc::default();
    let inbox = Rc::clone(&queue);
    let held = Rc::clone(&session);
    let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let data = Reflect::get(&event, &"data".into()).unwrap_or(JsValue::NULL);
        let bytes = Uint8Array::new(&data).to_vec();
        let idle = {
            let mut queue = inbox.borrow_mut();
            queue.requests.push_back(bytes);
            !std::mem::replace(&mut queue.serving, true)
        };
        if idle {
            wasm_bindgen_futures::spawn_local(drain(Rc::clone(&inbox), Rc::clone(&held)));
        }
    });
    let _ = Reflect::set(
        &js_sys::global(),
        &"onmessage".into(),
        on_message.as_ref().unchecked_ref(),
    );
    // Requests the page sent while the module loaded (`train-worker.js` kept them).
    if let Ok(early) = Reflect::get(&js_sys::global(), &"ganvasEarly".into())
        && let Ok(early) = early.dyn_into::<js_sys::Array>()
    {
        let handler: &js_sys::Function = on_message.as_ref().unchecked_ref();
        for event in early.iter() {
            let _ = handler.call1(&JsValue::NULL, &event);
        }
        early.set_length(0);
    }
    // The handler lives as long as the worker.
    on_message.forget();
    let devices = devices::init(requested).await;
    let mut fresh = Session::new(devices.cpu, devices.gpu, now_ms);
    fresh.set_gpu_problem(devices.gpu_problem);
    GPU_WATCH.with(|w| *w.borrow_mut() = devices.gpu_watch);
    *session.borrow_mut() = Some(fresh);
    drain(queue, session).await;
}

thread_local! {
    /// Says when the worker's WebGPU device stops (lost, or an error nothing caught).
    static GPU_WATCH: RefCell<Option<ganvas_engine::device::GpuWatch>> = const { RefCell::new(None) };
}

/// Why the worker's GPU stopped, while the session still trains on it: every command but
/// those that move the run off it is then answered with [`Failure::DeviceLost`], which is how
/// the page (which cannot watch this GPU) hears of it and sends [`Command::LoseGpu`].
fn gpu_stopped(session: &Session, command: &Command) -> Option<String> {
    if matches!(command, Command::LoseGpu | Command::Devices) || !session.devices().gpu {
        return None;
    }
    GPU_WATCH.with(|w| w.borrow().as_ref()?.stopped().map(str::to_string))
}

/// How long a failed read waits for the GPU's own words on why it stopped.
const GPU_VERDICT_MS: f64 = 1000.0;

/// Why the GPU stopped, in its lost callback's words (which may come a moment after a read
/// failed: up to [`GPU_VERDICT_MS`]), else the failed read's (`read`); the watch keeps it.
async fn lost_gpu_words(read: &str) -> String {
    if let Some(why) = gpu_verdict().await {
        return why;
    }
    // No watch (the read's words are all there is), or no verdict in time: the watch keeps
    // the read's words.
    GPU_WATCH.with(|w| {
        if let Some(watch) = w.borrow().as_ref() {
            watch.mark_stopped(read);
        }
    });
    read.to_string()
}

/// Whether the worker's GPU stopped, waiting up to [`GPU_VERDICT_MS`] for its lost callback:
/// why, when it did.
async fn gpu_verdict() -> Option<String> {
    let start = now_ms();
    loop {
        let watched =
            GPU_WATCH.with(|w| w.borrow().as_ref().map(|w| w.stopped().map(str::to_string)))?;
        if watched.is_some() || now_ms() - start >= GPU_VERDICT_MS {
            return watched;
        }
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            crate::global::after_ms(&resolve, 50);
        });
        let _ = JsFuture::from(promise).await;
    }
}

/// Serves the queued requests one after another, until none is left.
async fn drain(queue: Rc<RefCell<Queue>>, session: Rc<RefCell<Option<Session>>>) {
    loop {
        let next = queue.borrow_mut().requests.pop_front();
        let Some(bytes) = next else {
            queue.borrow_mut().serving = false;
            return;
        };
        // Only this task serves (`serving`), so the session is never borrowed twice.
        let Some(mut held) = session.borrow_mut().take() else {
            queue.borrow_mut().serving = false;
            return;
        };
        let response = match protocol::decode::<Request>(&bytes) {
            Ok(Request {
                id,
                command: Command::WarmUp,
            }) => {
                // A warm-up runs beside the session (on a throwaway model), not in its turn:
                // training may start before it ends. Its answer comes when it is done.
                let job = held.warm_up();
                let (step, model) = (held.step(), held.trainer().is_some());
                *session.borrow_mut() = Some(held);
                wasm_bindgen_futures::spawn_local(async move {
                    let reply = match job {
                        None => Reply::WarmedUp(None),
                        Some(job) => match job.run().await {
                            Ok(ms) => Reply::WarmedUp(Some(ms)),
                            Err(e) => Reply::Failed(e.into()),
                        },
                    };
                    answer(&Response {
                        id,
                        step,
                        model,
                        reply,
                    });
                });
                continue;
            }
            Ok(request) => {
                if let Some(why) = gpu_stopped(&held, &request.command) {
                    Response {
                        id: request.id,
                        step: held.step(),
                        model: held.trainer().is_some(),
                        reply: Reply::Failed(Failure::DeviceLost(why)),
                    }
                } else {
                    let on_gpu = held.devices().gpu && held.device_choice() == DeviceChoice::Gpu;
                    let mut response = held.serve(request).await;
                    match &response.reply {
                        Reply::Failed(Failure::DeviceLost(why)) => {
                            let why = lost_gpu_words(why).await;
                            response.reply = Reply::Failed(Failure::DeviceLost(why));
                        }
                        // A read that failed on the GPU (a staging buffer that could not be
                        // mapped) may be the first sign that it stopped: its lost callback
                        // says so a moment later. Said as a lost GPU, the page moves the run
                        // to the CPU and it goes on training; said as any other failure, the
                        // page stops training.
                        Reply::Failed(Failure::Engine(_)) if on_gpu => {
                            if let Some(why) = gpu_verdict().await {
                                response.reply = Reply::Failed(Failure::DeviceLost(why));
                            }
                        }
                        _ => {}
                    }
                    response
                }
            }
            Err(e) => {
                post(&e.to_string(), &[]);
                *session.borrow_mut() = Some(held);
                continue;
            }
        };
        *session.borrow_mut() = Some(held);
        answer(&response);
    }
}

/// Posts a response to the page, its bytes moved (not copied).
fn answer(response: &Response) {
    match protocol::encode(response) {
        Ok(bytes) => {
            let buffer = Uint8Array::new_with_length(bytes.len() as u32);
            buffer.copy_from(&bytes);
            let buffer = buffer.buffer();
            post_to_page_transfer(&buffer, &js_sys::Array::of1(&buffer));
        }
        Err(e) => post(&e.to_string(), &[]),
    }
}

/// Posts one report to the page: `{state, lines}`.
fn post(state: &str, lines: &[String]) {
    let message = js_sys::Object::new();
    set(&message, "state", &state.into());
    let lines: js_sys::Array = lines.iter().map(|l| JsValue::from_str(l)).collect();
    set(&message, "lines", &lines);
    post_to_page(&message);
}

fn set(object: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &key.into(), value);
}
