//! The program generators: `pkg/bindlab-export.wasm` (`crates/export-wasm`),
//! a wasm module of their own that the site loads the first time a reader
//! asks for a program ("Show as code", "Run on your machine") and keeps in
//! the lab's [`Cache`] (`use_sandbox` holds one, its code panel takes it as
//! a prop: a page with one lab loads the module once).
//! The page's own wasm keeps the OS rules and computes bindlab's
//! predictions; the module turns the scenario and those predictions into
//! the program. Leaving the generators out of the page's wasm makes every
//! first load 8.2 KB gzipped smaller; the module is ~70 KB gzipped, paid once
//! by the readers who ask.
//!
//! A plain module without JavaScript glue: compiled and instantiated here,
//! called through its exports (`input`, `program`, `output`, `output_len`,
//! `memory`; see that crate). A trap in it stops that instance only: it is
//! forgotten, and the next load ("Try again", "Run on your machine")
//! fetches a fresh one.

use std::cell::RefCell;
use std::rc::Rc;

use bindlab_engine::export::{request, Lang, Predictions};
use bindlab_engine::Scenario;
use js_sys::{Function, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::fetch::{fetch_bytes, js_message, site_url};
use crate::i18n::{Tr, T};

/// Where the module is, next to the bindlab site `base` (a widget's;
/// `None` or empty: this page's).
pub(crate) fn url(base: Option<&str>) -> String {
    site_url(base, "pkg/bindlab-export.wasm")
}

/// One instance of the module, by its URL.
#[derive(Clone)]
pub(crate) struct Generators {
    url: Rc<str>,
    exports: Object,
}

impl PartialEq for Generators {
    fn eq(&self, o: &Self) -> bool {
        self.url == o.url && self.exports == o.exports
    }
}

/// The modules a lab has loaded, by URL (a widget of another bindlab site
/// loads that site's). A handle, compared by identity.
#[derive(Clone, Default)]
pub(crate) struct Cache(Rc<RefCell<Vec<Generators>>>);

impl PartialEq for Cache {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.0, &o.0)
    }
}

impl Cache {
    /// The module at `url` if this lab has it already.
    pub(crate) fn loaded(&self, url: &str) -> Option<Generators> {
        self.0.borrow().iter().find(|g| &*g.url == url).cloned()
    }

    /// The module at `url`, fetched and instantiated unless this lab has
    /// it; why not, in `tr`'s language.
    pub(crate) async fn load(&self, tr: &Tr, url: &str) -> Result<Generators, String> {
        if let Some(g) = self.loaded(url) {
            return Ok(g);
        }
        let failed = |e: String| tr.f(T::ScenarioGeneratorFailed, &[("error", &e)]);
        let bytes = fetch_bytes(tr, url).await.map_err(failed)?;
        let module: WebAssembly::Module = JsFuture::from(WebAssembly::compile(&bytes))
            .await
            .map_err(|e| failed(js_message(tr, &e)))?
            .unchecked_into();
        // Instantiated asynchronously: Chromium refuses `new
        // WebAssembly.Instance` on the main thread for a large module (the
        // dev build's is 16 MB).
        let instance: WebAssembly::Instance =
            JsFuture::from(WebAssembly::instantiate_module(&module, &Object::new()))
                .await
                .map_err(|e| failed(js_message(tr, &e)))?
                .unchecked_into();
        let g = Generators {
            url: url.into(),
            exports: instance.exports(),
        };
        let mut all = self.0.borrow_mut();
        all.retain(|x| x.url != g.url);
        all.push(g.clone());
        Ok(g)
    }

    /// `s` (parsed from `text`) as a program in `lang` by `g`, before the
    /// language's runtime; why not: the generator's own words (in English,
    /// as the CLI says them), or, in `tr`'s language, that the module
    /// stopped. A module that stopped is forgotten (its state is unknown
    /// after a trap): the next load fetches it afresh.
    pub(crate) fn program(
        &self,
        tr: &Tr,
        g: &Generators,
        s: &Scenario,
        text: &str,
        lang: Lang,
    ) -> Result<String, String> {
        let req = request(lang, text, &Predictions::new(s).encode());
        g.call(tr, &req).map_err(|e| match e {
            Call::Answer(why) => why,
            Call::Stopped(why) => {
                self.0.borrow_mut().retain(|x| x != g);
                tr.f(T::ScenarioGeneratorStopped, &[("error", &why)])
            }
        })
    }
}

impl Generators {
    /// One request through the module's exports. Nothing the module answers
    /// can make a JavaScript error here (which would cross into this
    /// wasm): every call is caught and every view of its memory checked.
    fn call(&self, tr: &Tr, req: &str) -> Result<String, Call> {
        let stopped = |e: JsValue| Call::Stopped(js_message(tr, &e));
        let f = |name: &str| -> Result<Function, Call> {
            Reflect::get(&self.exports, &JsValue::from_str(name))
                .ok()
                .and_then(|v| v.dyn_into::<Function>().ok())
                .ok_or_else(|| Call::Stopped(format!("it has no `{name}`")))
        };
        let number = |v: JsValue| v.as_f64().unwrap_or(0.0) as u32;
        // `len` bytes at `at` of its memory, read anew each time: the memory
        // may have grown (and its old buffer gone) during a call.
        let view = |at: u32, len: u32| -> Result<Uint8Array, Call> {
            let buffer = Reflect::get(&self.exports, &JsValue::from_str("memory"))
                .ok()
                .and_then(|m| m.dyn_into::<WebAssembly::Memory>().ok())
                .map(|m| m.buffer().unchecked_into::<js_sys::ArrayBuffer>())
                .ok_or_else(|| Call::Stopped("it has no memory".into()))?;
            if u64::from(at) + u64::from(len) > u64::from(buffer.byte_length()) {
                return Err(Call::Stopped("it named bytes outside its memory".into()));
            }
            Ok(Uint8Array::new_with_byte_offset_and_length(
                &buffer, at, len,
            ))
        };
        let bytes = req.as_bytes();
        let len = bytes.len() as u32;
        let at = number(
            f("input")?
                .call1(&JsValue::NULL, &len.into())
                .map_err(stopped)?,
        );
        view(at, len)?.copy_from(bytes);
        let status = number(f("program")?.call0(&JsValue::NULL).map_err(stopped)?);
        let at = number(f("output")?.call0(&JsValue::NULL).map_err(stopped)?);
        let len = number(f("output_len")?.call0(&JsValue::NULL).map_err(stopped)?);
        let text = String::from_utf8(view(at, len)?.to_vec())
            .map_err(|_| Call::Stopped("its answer is not UTF-8".into()))?;
        match status {
            0 => Ok(text),
            _ => Err(Call::Answer(text)),
        }
    }
}

/// Why a call gave no program.
enum Call {
    /// The generator answered why not.
    Answer(String),
    /// The module failed (a trap, a missing export).
    Stopped(String),
}
