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
mod root;
mod route;
mod sandbox;
mod state;
mod store;
mod views;
mod widget;

pub use widget::Widget;

use wasm_bindgen::prelude::*;

/// The sandbox page's entry point, called by `static/boot.js`. (Widgets
/// start through [`Widget::new`], from `static/bindlab-embed.js`.)
#[wasm_bindgen]
pub fn run_sandbox() {
    install_panic_hook();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            // Replace the "Loading…" placeholder.
            root.set_inner_html("");
            yew::Renderer::<root::Root>::with_root(root).render();
        }
        None => web_sys::console::error_1(&"bindlab: no #app element on the page".into()),
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
