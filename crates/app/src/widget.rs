//! `<bind-lab>`: the sandbox's views as a widget other pages embed.
//!
//! `static/bindlab-embed.js` (the custom element) creates one [`Widget`] per
//! element, inside the element's shadow root. All widgets of a page share
//! this one wasm instance; each has its own state. The host page talks to a
//! widget through the element's methods (`load`, `step`, `reset`) and hears
//! back through DOM events on it (`bindlab-ready`, `bindlab-step`,
//! `bindlab-error`).

use std::cell::RefCell;
use std::rc::Rc;

use bindlab_engine::Os;
use wasm_bindgen::prelude::*;
use yew::{AppHandle, AttrValue};

use crate::lab::{Command, Lab, LabProps, Mailbox};
use crate::state::Sandbox;

/// One widget, as JavaScript holds it.
#[wasm_bindgen]
pub struct Widget {
    handle: Option<AppHandle<Lab>>,
    mailbox: Mailbox,
}

#[wasm_bindgen]
impl Widget {
    /// Renders a widget into `mount` (inside the element's shadow root).
    /// `text` is the scenario, or `permalink` a `v1/...` fragment (it wins
    /// when not empty); `oses` a comma list ("" = all four); `step` the
    /// steps already run; `heading` the visible title ("" = the scenario's).
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        mount: web_sys::Element,
        host: web_sys::HtmlElement,
        text: String,
        permalink: String,
        oses: String,
        step: u32,
        readonly: bool,
        compact: bool,
        site: String,
        heading: String,
    ) -> Widget {
        crate::install_panic_hook();
        let mut initial = Sandbox::new(text);
        // Columns always come in the same order, whatever order the attribute lists.
        let mut listed: Vec<Os> = oses
            .split(',')
            .filter_map(|o| Os::from_key(o.trim()))
            .collect();
        bindlab_engine::sort::by_key(&mut listed, |o| *o as u64);
        listed.dedup();
        if !listed.is_empty() {
            initial.oses = listed;
        }
        initial.step = step as usize;
        if !permalink.is_empty() {
            initial = match Sandbox::from_permalink(&permalink) {
                Ok(s) => s,
                // The attribute's OSes stay: the table keeps its columns.
                Err(e) => initial.failed(e),
            };
        }
        let mailbox: Mailbox = Rc::new(RefCell::new(None));
        let props = LabProps {
            initial,
            readonly,
            compact,
            site,
            host: Some(host),
            mailbox: mailbox.clone(),
            id: "scenario".into(),
            heading: Some(heading)
                .filter(|h| !h.trim().is_empty())
                .map(AttrValue::from),
            note: None,
        };
        let handle = yew::Renderer::<Lab>::with_root_and_props(mount, props).render();
        Widget {
            handle: Some(handle),
            mailbox,
        }
    }

    fn send(&self, c: Command) {
        if let Some(cb) = self.mailbox.borrow().as_ref() {
            cb.emit(c);
        }
    }

    /// Replaces the scenario (and goes back to step 0).
    pub fn load(&self, text: String) {
        self.send(Command::Load(text));
    }

    /// Runs one more step.
    pub fn step(&self) {
        self.send(Command::Step);
    }

    /// Back to step 0.
    pub fn reset(&self) {
        self.send(Command::Reset);
    }

    /// Tears the widget down (the element left the page).
    pub fn destroy(&mut self) {
        self.mailbox.borrow_mut().take();
        if let Some(h) = self.handle.take() {
            h.destroy();
        }
    }
}
