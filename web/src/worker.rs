//! Training in a dedicated Web Worker (issue 12), first step: the bench runs there.
//!
//! The worker runs the page's own module a second time, so it costs no second build or
//! download: the page starts `train-worker.js` (a static module worker, `static/app/`) and
//! posts it the compiled module (`wasm_bindgen::module()`), the URL of the wasm-bindgen glue
//! (the page's `modulepreload` link) and the page's query. The worker imports the glue and
//! instantiates the module; `main` runs again there, finds no window and calls [`serve`].
//! Everything the bench needs reaches the browser through [`crate::global`], which both
//! scopes have. Today the worker serves bench requests (`?bench=…&worker=1`), which measures
//! what training off the page's thread gives; the page's own training moves next.

use js_sys::Reflect;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::bench::{self, BenchRequest};

#[wasm_bindgen]
extern "C" {
    /// The browser's `Worker`.
    #[wasm_bindgen(js_name = Worker)]
    type JsWorker;
    #[wasm_bindgen(constructor, js_class = "Worker", catch)]
    fn new(url: &str, options: &JsValue) -> Result<JsWorker, JsValue>;
    #[wasm_bindgen(method, js_class = "Worker", js_name = postMessage)]
    fn post_message(this: &JsWorker, message: &JsValue);
    #[wasm_bindgen(method, js_class = "Worker", setter)]
    fn set_onmessage(this: &JsWorker, handler: &js_sys::Function);
    #[wasm_bindgen(method, js_class = "Worker", setter)]
    fn set_onerror(this: &JsWorker, handler: &js_sys::Function);

    /// `postMessage` of the worker's global scope (to the page).
    #[wasm_bindgen(js_name = postMessage)]
    fn post_to_page(message: &JsValue);
}

/// The worker's script, beside the page.
const SCRIPT: &str = "./train-worker.js";

/// On the page: starts the worker on this page's module and has it run the page's bench
/// request; what it reports (what it is doing, the result lines so far) goes to `report`.
pub fn bench(report: impl Fn(&str, &[String]) + 'static) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    // Trunk names the glue in a modulepreload link; snippets have links of their own.
    let glue = document
        .query_selector("link[rel=modulepreload][href$='.js']:not([href*='/snippets/'])")
        .ok()
        .flatten()
        .and_then(|link| link.get_attribute("href"))
        .ok_or("the page names no wasm-bindgen glue")?;
    let query = window.location().search().unwrap_or_default();
    let options = js_sys::Object::new();
    set(&options, "type", &"module".into());
    set(&options, "name", &"GANvas training".into());
    let worker = JsWorker::new(SCRIPT, &options).map_err(|e| describe(&e))?;
    let report = std::rc::Rc::new(report);
    let on_report = std::rc::Rc::clone(&report);
    let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
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
    });
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let message = Reflect::get(&event, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| "it could not load".into());
        report(&format!("the worker failed: {message}"), &[]);
    });
    worker.set_onmessage(on_message.as_ref().unchecked_ref());
    worker.set_onerror(on_error.as_ref().unchecked_ref());
    // The handlers live as long as the page, as the worker does.
    on_message.forget();
    on_error.forget();
    let start = js_sys::Object::new();
    set(&start, "module", &wasm_bindgen::module());
    set(&start, "glue", &glue.into());
    set(&start, "query", &query.into());
    worker.post_message(&start);
    Ok(())
}

/// In the worker (from `main`): serves the request the page posted (`train-worker.js` keeps
/// its query in `ganvasQuery`), posting each report to the page as `{state, lines}`.
pub fn serve() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        post(&format!("the worker stopped: {info}"), &[]);
    }));
    let query = Reflect::get(&js_sys::global(), &"ganvasQuery".into())
        .ok()
        .and_then(|q| q.as_string())
        .unwrap_or_default();
    match BenchRequest::from_query(&query) {
        Some(request) => wasm_bindgen_futures::spawn_local(bench::run(request, post)),
        None => post("the worker serves bench requests only (?bench=…)", &[]),
    }
}

/// Posts one report to the page.
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

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map_or_else(|| format!("{error:?}"), |e| String::from(e.message()))
}
