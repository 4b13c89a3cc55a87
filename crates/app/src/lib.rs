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
#[cfg(test)]
mod test_support;
mod views;
mod widget;

pub use widget::Widget;

use bindlab_course::locale::Locale;
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
    install_panic_hook(&i18n::Tr::english());
    let (locale, rest) = i18n::split_path(&path);
    let route = route::Route::from_path(rest);
    // A page whose language could not be read is shown in English, afresh
    // (it cannot repeat the server's render), and says why.
    let (tr, lang_failed) = match (locale, lang.as_deref()) {
        (Locale::En, _) => (i18n::Tr::english(), None),
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
    install_panic_hook(&tr);
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
    // `#main` (a skip link's address) names an element: not a permalink.
    let hash = browser::dom::location_hash();
    let at_permalink =
        route == route::Route::Sandbox && hash.len() > 1 && !browser::dom::names_an_element(&hash);
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

/// The panic message in each language a page or widget started in here
/// (English is compiled in). The hook is global and runs outside every
/// component, so it keeps the texts itself.
static PANIC_TEXTS: std::sync::Mutex<Vec<(Locale, String)>> = std::sync::Mutex::new(Vec::new());

/// Installs the panic hook, knowing `tr`'s panic message from now on.
pub(crate) fn install_panic_hook(tr: &i18n::Tr) {
    if let Ok(mut texts) = PANIC_TEXTS.try_lock() {
        if tr.locale() != Locale::En && !texts.iter().any(|(l, _)| *l == tr.locale()) {
            texts.push((tr.locale(), tr.t(i18n::T::WidgetCrashed).to_string()));
        }
    }
    std::panic::set_hook(Box::new(|info| {
        let msg =
            bindlab_course::ui::fill(&panic_text(page_locale()), &[("error", &info.to_string())]);
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

/// The page's language, by its `<html lang>` (English where it names none
/// bindlab speaks).
fn page_locale() -> Locale {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Locale::parse(&l))
        .unwrap_or(Locale::En)
}

/// The panic message's template in `locale`, if a page or widget brought
/// its text; else English.
fn panic_text(locale: Locale) -> String {
    PANIC_TEXTS
        .try_lock()
        .ok()
        .and_then(|t| t.iter().find(|(l, _)| *l == locale).map(|(_, s)| s.clone()))
        .unwrap_or_else(|| i18n::Tr::english().t(i18n::T::WidgetCrashed).to_string())
}
