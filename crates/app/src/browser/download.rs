//! Files offered for download.

use wasm_bindgen::JsCast;

use super::dom::window;
use crate::i18n::{Tr, T};

/// Offers `text` as a file download (a Blob URL; nothing leaves the page);
/// why not, in `tr`'s language.
pub(crate) fn download(tr: &Tr, name: &str, mime: &str, text: &str) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| {
        e.as_string()
            .unwrap_or_else(|| tr.t(T::BrowserRefused).to_string())
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let doc = window()
        .and_then(|w| w.document())
        .ok_or_else(|| tr.t(T::BrowserNoDocument).to_string())?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a").map_err(err)?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
