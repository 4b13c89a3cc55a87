//! The bindlab site: the engine compiled to WebAssembly, driving a Yew
//! single-page app. See ARCHITECTURE.md for the map.
//!
//! Two builds come from this crate: with the `course` feature (the default,
//! so tests and clippy see everything) the whole site; without it the
//! sandbox and the widgets only, which is what the sandbox's first load and
//! every embedding page fetch. `static/boot.js` picks one by the address.

// The sandbox-only build leaves course-only helpers (store actions, contents
// fields) unused; the full build checks them as usual.
#![cfg_attr(not(feature = "course"), allow(dead_code))]

mod browser;
#[cfg(feature = "course")]
mod course;
mod hooks;
mod i18n;
mod lab;
mod nav;
#[cfg(feature = "ssr")]
pub mod prerender;
mod root;
mod route;
mod sandbox;
mod state;
mod store;
mod views;
mod widget;

pub use widget::Widget;

use wasm_bindgen::prelude::*;

/// Every page's entry point, called by `static/boot.js` with the page's
/// path under the site's root (`learn/udp/`, `zh-CN/learn/udp/`, `""` for
/// the sandbox), the file the page shows, fetched beside the wasm (its URL
/// and text), if any, and for a page in another language than English its
/// bundle's text (`i18n/<tag>.tsv`; `None` if it could not be fetched).
///
/// A prerendered page (`#app` carries `data-prerendered`) is hydrated: the
/// app adopts the server's HTML, whose first render it repeats exactly. The
/// exceptions are the sandbox opened at a permalink, which shows another
/// scenario than the prerendered example, and a page whose file could not be
/// fetched: there the app replaces the HTML.
/// (Widgets start through [`Widget::new`], from `static/bindlab-embed.js`.)
#[wasm_bindgen]
pub fn run_page(
    path: String,
    data_url: Option<String>,
    data: Option<String>,
    lang: Option<String>,
) {
    install_panic_hook();
    let (locale, rest) = i18n::split_path(&path);
    let route = route::Route::from_path(rest);
    // A page whose language could not be read is shown in English, afresh
    // (it cannot repeat the server's render), and says why.
    let (tr, lang_failed) = match (locale, lang.as_deref()) {
        (bindlab_course::locale::Locale::En, _) => (i18n::Tr::english(), None),
        (l, Some(text)) => match i18n::Tr::from_bundle(l, text) {
            Ok(tr) => (tr, None),
            Err(e) => (i18n::Tr::english(), Some(e)),
        },
        (_, None) => (
            i18n::Tr::english(),
            Some("the language file could not be fetched".to_string()),
        ),
    };
    bindlab_engine::rules::set_overlay(tr.overlay());
    if let Some(e) = &lang_failed {
        web_sys::console::error_1(&format!("bindlab: {e}; the page is shown in English").into());
    }
    // A page whose file could not be fetched cannot repeat the server's
    // render (which had it): it is rendered afresh, and says why.
    let data_missing = data_url.is_some() && data.is_none();
    let preloaded = match (data_url, data) {
        (Some(url), Some(text)) => Some(std::rc::Rc::new(hooks::Preloaded { url, text })),
        _ => None,
    };
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    let Some(root) = root else {
        web_sys::console::error_1(&"bindlab: no #app element on the page".into());
        return;
    };
    let at_permalink = route == route::Route::Sandbox && browser::dom::location_hash().len() > 1;
    let hydrate = root.has_attribute("data-prerendered")
        && !at_permalink
        && !data_missing
        && lang_failed.is_none();
    let props = root::RootProps {
        route,
        preloaded,
        tr,
    };
    let renderer = yew::Renderer::<root::Root>::with_root_and_props(root.clone(), props);
    if hydrate {
        renderer.hydrate();
    } else {
        root.set_inner_html("");
        let _ = root.remove_attribute("data-prerendered");
        renderer.render();
    }
}

/// A panic must never leave a blank page: it is reported in `#fatal`, which
/// lives outside the app's root, and in the console.
pub(crate) fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let msg = format!("bindlab hit an internal error and stopped: {info}. Reload the page; your scenario is in the address bar.");
        web_sys::console::error_1(&msg.clone().into());
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("fatal"))
        {
            el.set_text_content(Some(&msg));
            let _ = el.remove_attribute("hidden");
        }
    }));
}
