//! Downloads started from the page: bytes made here (a model file, a GIF) or a data URL (a
//! canvas's PNG), through a temporary link element.

use wasm_bindgen::JsCast;

/// Clicks a temporary `<a download=name href=url>`.
pub fn url(url: &str, name: &str) -> Option<()> {
    let anchor: web_sys::HtmlAnchorElement = web_sys::window()?
        .document()?
        .create_element("a")
        .ok()?
        .dyn_into()
        .ok()?;
    anchor.set_href(url);
    anchor.set_download(name);
    anchor.click();
    Some(())
}

/// Starts a download of `bytes` of MIME type `kind`, named `name`.
pub fn bytes(bytes: &[u8], kind: &str, name: &str) -> Option<()> {
    let array = js_sys::Uint8Array::from(bytes);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(kind);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(
        &js_sys::Array::of1(&array),
        &options,
    )
    .ok()?;
    let object_url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    url(&object_url, name)?;
    web_sys::Url::revoke_object_url(&object_url).ok()
}
