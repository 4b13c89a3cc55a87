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
/// path under the site's root (`learn/udp/`, `""` for the sandbox) and the
/// file the page shows, fetched beside the wasm (its URL and text), if any.
///
/// A prerendered page (`#app` carries `data-prerendered`) is hydrated: the
/// app adopts the server's HTML, whose first render it repeats exactly. The
/// exceptions are the sandbox opened at a permalink, which shows another
/// scenario than the prerendered example, and a page whose file could not be
/// fetched: there the app replaces the HTML.
/// (Widgets start through [`Widget::new`], from `static/bindlab-embed.js`.)
#[wasm_bindgen]
pub fn run_page(path: String, data_url: Option<String>, data: Option<String>) {
    install_panic_hook();
    let route = route::Route::from_path(&path);
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
    let hydrate = root.has_attribute("data-prerendered") && !at_permalink && !data_missing;
    let props = root::RootProps { route, preloaded };
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
