//! Files fetched next to the page (lessons, the glossary).
//!
//! Through `window.fetch` itself: gloo-net's `Request` was tried for this
//! one GET and grew the course's wasm by 7.8 KB (2.6 KB gzipped; measured
//! with `cargo xtask dist`, issue #13), so it was not kept.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::dom::window;
use crate::i18n::{Tr, T};

/// GETs a text file next to the page; why not, in `tr`'s language.
pub(crate) async fn fetch_text(tr: &Tr, url: &str) -> Result<String, String> {
    let js = |e: wasm_bindgen::JsValue| {
        e.as_string()
            .or_else(|| js_sys::JSON::stringify(&e).ok().and_then(|s| s.as_string()))
            .unwrap_or_else(|| tr.t(T::BrowserNetworkFailed).to_string())
    };
    let w = window().ok_or_else(|| tr.t(T::BrowserNoWindow).to_string())?;
    let resp: web_sys::Response = JsFuture::from(w.fetch_with_str(url))
        .await
        .map_err(|_| tr.t(T::BrowserOffline).to_string())?
        .dyn_into()
        .map_err(js)?;
    if !resp.ok() {
        return Err(tr.f(
            T::BrowserServerAnswered,
            &[("status", &resp.status().to_string()), ("url", url)],
        ));
    }
    let text = JsFuture::from(resp.text().map_err(js)?).await.map_err(js)?;
    text.as_string()
        .ok_or_else(|| tr.t(T::BrowserNotText).to_string())
}
