//! Files fetched next to the page (lessons, the glossary, the export
//! runtimes, the program generators).
//!
//! Through `window.fetch` itself: gloo-net's `Request` was tried for this
//! one GET and grew the course's wasm by 7.8 KB (2.6 KB gzipped; measured
//! with `cargo xtask dist`, issue #13), so it was not kept.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::dom::window;
use crate::i18n::{Tr, T};

/// `path` under the bindlab site `base` (a widget's site; `None` or empty:
/// this page, whose `<base>` is the site's root).
pub(crate) fn site_url(base: Option<&str>, path: &str) -> String {
    match base {
        Some(b) if !b.is_empty() => web_sys::Url::new_with_base(path, b)
            .map(|u| u.href())
            .unwrap_or_else(|_| path.to_string()),
        _ => path.to_string(),
    }
}

/// A JavaScript error as a message.
pub(crate) fn js_message(tr: &Tr, e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .or_else(|| js_sys::JSON::stringify(e).ok().and_then(|s| s.as_string()))
        .unwrap_or_else(|| tr.t(T::BrowserNetworkFailed).to_string())
}

/// GETs a text file next to the page; why not, in `tr`'s language.
pub(crate) async fn fetch_text(tr: &Tr, url: &str) -> Result<String, String> {
    let resp = fetch_ok(tr, url).await?;
    let js = |e: JsValue| js_message(tr, &e);
    let text = JsFuture::from(resp.text().map_err(js)?).await.map_err(js)?;
    text.as_string()
        .ok_or_else(|| tr.t(T::BrowserNotText).to_string())
}

/// GETs a binary file next to the page, as an `ArrayBuffer`.
pub(crate) async fn fetch_bytes(tr: &Tr, url: &str) -> Result<JsValue, String> {
    let resp = fetch_ok(tr, url).await?;
    let js = |e: JsValue| js_message(tr, &e);
    JsFuture::from(resp.array_buffer().map_err(js)?)
        .await
        .map_err(js)
}

/// The response to a GET of `url` if the server answered 2xx.
async fn fetch_ok(tr: &Tr, url: &str) -> Result<web_sys::Response, String> {
    let js = |e: JsValue| js_message(tr, &e);
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
    Ok(resp)
}
