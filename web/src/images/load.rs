//! Loading the shipped image sets: each file is fetched with progress, gunzipped by the
//! browser's `DecompressionStream` (off the main thread), then decoded and split.

use ganvas_engine::data::ShippedSet;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::ImageBundle;

// web-sys marks `DecompressionStream` unstable (behind a compiler flag that would rebuild
// everything); every current browser has it, so it is bound here directly.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = DecompressionStream)]
    type JsDecompressionStream;
    #[wasm_bindgen(constructor, js_class = "DecompressionStream", catch)]
    fn new(format: &str) -> Result<JsDecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &JsDecompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &JsDecompressionStream) -> web_sys::WritableStream;
}

/// Where the site serves data and models, relative to the page.
const DATA_DIR: &str = "data";
const MODELS_DIR: &str = "models";

fn js_error(context: &str, error: &JsValue) -> String {
    format!("{context}: {}", crate::global::js_message(error))
}

/// Fetches `url`, calling `progress` with the bytes received and the total when known.
pub async fn fetch_bytes(
    url: &str,
    progress: impl Fn(u64, Option<u64>),
) -> Result<Vec<u8>, String> {
    let response: web_sys::Response = JsFuture::from(crate::global::fetch_with_str(url))
        .await
        .map_err(|e| js_error(&format!("could not fetch {url}"), &e))?
        .dyn_into()
        .map_err(|_| format!("{url}: not a response"))?;
    if !response.ok() {
        return Err(format!("{url}: the server answered {}", response.status()));
    }
    let total = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<u64>().ok());
    let Some(body) = response.body() else {
        return Err(format!("{url}: empty response"));
    };
    let reader: web_sys::ReadableStreamDefaultReader = body
        .get_reader()
        .dyn_into()
        .map_err(|_| format!("{url}: the body cannot be read"))?;
    let mut bytes = Vec::with_capacity(total.unwrap_or(0) as usize);
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| js_error(&format!("reading {url}"), &e))?;
        let done = Reflect::get(&chunk, &"done".into()).is_ok_and(|d| d.is_truthy());
        if done {
            break;
        }
        if let Ok(value) = Reflect::get(&chunk, &"value".into()) {
            bytes.extend(Uint8Array::new(&value).to_vec());
        }
        progress(bytes.len() as u64, total);
    }
    Ok(bytes)
}

/// Gunzips `bytes` with the browser's `DecompressionStream`; bytes that are not gzip (a
/// server that already decoded them) are returned as they are.
pub async fn gunzip(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let array = Uint8Array::from(bytes.as_slice());
    let blob = web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&array))
        .map_err(|e| js_error("gunzip", &e))?;
    let stream = JsDecompressionStream::new("gzip").map_err(|e| js_error("gunzip", &e))?;
    let pair = web_sys::ReadableWritablePair::new(&stream.readable(), &stream.writable());
    let plain = blob.stream().pipe_through(&pair);
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&plain))
        .map_err(|e| js_error("gunzip", &e))?;
    let buffer = JsFuture::from(
        response
            .array_buffer()
            .map_err(|e| js_error("gunzip", &e))?,
    )
    .await
    .map_err(|e| js_error("the data file is not valid gzip", &e))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Fetches, gunzips and decodes `set` and its classifier; `progress` gets a fraction in [0, 1].
pub async fn load_shipped(
    set: ShippedSet,
    progress: impl Fn(f64) + Clone,
) -> Result<ImageBundle, String> {
    let [images_file, labels_file] = set.file_names();
    let report = |base: f64, share: f64| {
        let progress = progress.clone();
        move |got: u64, total: Option<u64>| {
            if let Some(total) = total.filter(|t| *t > 0) {
                progress(base + share * (got as f64 / total as f64).min(1.0));
            }
        }
    };
    let images = fetch_bytes(&format!("{DATA_DIR}/{images_file}"), report(0.0, 0.8)).await?;
    let labels = fetch_bytes(&format!("{DATA_DIR}/{labels_file}"), report(0.8, 0.05)).await?;
    let classifier = fetch_bytes(
        &format!("{MODELS_DIR}/{}", set.classifier_file_name()),
        report(0.85, 0.1),
    )
    .await?;
    let (images, labels) = (gunzip(images).await?, gunzip(labels).await?);
    progress(1.0);
    let split = set.decode(&images, &labels).map_err(|e| e.to_string())?;
    Ok(ImageBundle {
        title: set.title().to_string(),
        split,
        classifier: Some(classifier),
        class_names: set.class_names().iter().map(|s| (*s).to_string()).collect(),
        fd_name: set.fd_name().to_string(),
        inputs: None,
    })
}

/// The MNIST classifier's weights, for scoring uploaded 28×28 images.
pub async fn mnist_classifier() -> Result<Vec<u8>, String> {
    fetch_bytes(
        &format!("{MODELS_DIR}/{}", ShippedSet::Mnist.classifier_file_name()),
        |_, _| {},
    )
    .await
}
