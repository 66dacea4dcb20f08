//! What the page and the training worker both have, reached through the global scope (a
//! `Window` on the page, a `DedicatedWorkerGlobalScope` in the worker, see [`crate::worker`]):
//! the clock, timers, `fetch` and the navigator. Code that runs in both goes through here,
//! never through `web_sys::window()`.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
    /// `fetch(url)` of the global scope (relative URLs resolve against the page, or the
    /// worker's script, which lies beside it).
    #[wasm_bindgen(js_name = fetch)]
    pub fn fetch_with_str(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: i32) -> JsValue;
}

/// Milliseconds since the page (or the worker) started.
pub fn now_ms() -> f64 {
    performance_now()
}

/// Calls `handler` after `ms` milliseconds.
pub fn after_ms(handler: &js_sys::Function, ms: i32) {
    let _ = set_timeout(handler, ms);
}

/// Whether this code runs on the page (not in the worker).
pub fn on_page() -> bool {
    web_sys::window().is_some()
}

/// The global scope's `navigator` (a `Navigator` or a `WorkerNavigator`).
pub fn navigator() -> Option<JsValue> {
    js_sys::Reflect::get(&js_sys::global(), &"navigator".into())
        .ok()
        .filter(|n| !n.is_undefined() && !n.is_null())
}

/// What a JavaScript error says: its message (a thrown string, an `Error`'s message, or the
/// value itself).
pub fn js_message(error: &JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{error:?}"))
}
