//! `<bind-lab>`: the sandbox's views as a widget other pages embed.
//!
//! `static/bindlab-embed.js` (the custom element) creates one [`Widget`] per
//! element, inside the element's shadow root. All widgets of a page share
//! this one wasm instance; each has its own state. The host page talks to a
//! widget through the element's methods (`load`, `step`, `reset`) and hears
//! back through DOM events on it (`bindlab-ready`, `bindlab-step`,
//! `bindlab-error`).
//!
//! A widget speaks its element's `lang` (`<bind-lab lang="zh-CN">`): the
//! script fetches that language's bundle and passes its text here; the
//! widget provides it as its own `Tr`, so one page may hold widgets in two
//! languages.

use std::cell::RefCell;
use std::rc::Rc;

use bindlab_course::locale::Locale;
use bindlab_engine::Os;
use wasm_bindgen::prelude::*;
use yew::prelude::*;
use yew::AppHandle;

use crate::i18n::Tr;
use crate::lab::{Command, Lab, LabProps, Mailbox};
use crate::state::Sandbox;

/// The language a `lang` attribute asks for, as `Locale::parse` reads it:
/// missing, empty or one bindlab does not speak is English.
pub(crate) fn widget_locale(lang: Option<&str>) -> Locale {
    lang.map(str::trim)
        .filter(|l| !l.is_empty())
        .and_then(Locale::parse)
        .unwrap_or(Locale::En)
}

/// The bundle the script fetches for a widget whose `lang` is `lang`,
/// relative to the bindlab site's root (`i18n/zh-CN.tsv`); `None` for
/// English, which needs none.
#[wasm_bindgen(js_name = widgetBundle)]
pub fn widget_bundle(lang: Option<String>) -> Option<String> {
    match widget_locale(lang.as_deref()) {
        Locale::En => None,
        l => Some(bindlab_course::bundle::path(l)),
    }
}

/// A widget's language from its `lang` and the bundle's text the script
/// fetched (`None`: it could not). English when the bundle is missing or
/// damaged, with the warning for the console.
pub(crate) fn widget_tr(lang: Option<&str>, bundle: Option<&str>) -> (Tr, Option<String>) {
    match (widget_locale(lang), bundle) {
        (Locale::En, _) => (Tr::english(), None),
        (l, None) => (
            Tr::english(),
            Some(format!("bindlab: the {} language file could not be fetched; this widget is shown in English", l.tag())),
        ),
        (l, Some(text)) => match Tr::from_bundle(l, text) {
            Ok(tr) => (tr, None),
            Err(e) => (
                Tr::english(),
                Some(format!("bindlab: the {} language file is unreadable ({e}); this widget is shown in English", l.tag())),
            ),
        },
    }
}

#[derive(Properties, PartialEq)]
struct WidgetRootProps {
    tr: Tr,
    lab: LabProps,
}

/// The widget's root: its language around its lab.
#[function_component(WidgetRoot)]
fn widget_root(p: &WidgetRootProps) -> Html {
    html! {
        <ContextProvider<Tr> context={p.tr.clone()}>
            <Lab ..p.lab.clone() />
        </ContextProvider<Tr>>
    }
}

/// One widget, as JavaScript holds it.
#[wasm_bindgen]
pub struct Widget {
    handle: Option<AppHandle<WidgetRoot>>,
    mailbox: Mailbox,
    problem: Option<String>,
}

#[wasm_bindgen]
impl Widget {
    /// Renders a widget into `mount` (inside the element's shadow root).
    /// `text` is the scenario, or `permalink` a `v1/...` fragment (it wins
    /// when not empty); `oses` a comma list ("" = all four); `step` the
    /// steps already run; `heading` the visible title ("" = the scenario's);
    /// `lang` the element's `lang` (missing: English) and `bundle` that
    /// language's bundle as the script fetched it (`None`: it could not,
    /// and the widget is English); `number` the element's place among the
    /// page's `<bind-lab>` elements, from 1 (0: unknown), which names an
    /// untitled widget ("bindlab example 2").
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
        lang: Option<String>,
        bundle: Option<String>,
        number: u32,
    ) -> Widget {
        let (tr, warning) = widget_tr(lang.as_deref(), bundle.as_deref());
        crate::install_panic_hook(&tr);
        if let Some(w) = warning {
            web_sys::console::warn_1(&w.into());
        }
        let mut initial = Sandbox::new(text);
        // Columns always come in the same order, whatever order the attribute lists.
        let mut listed: Vec<Os> = oses
            .split(',')
            .filter_map(|o| Os::from_key(o.trim()))
            .collect();
        bindlab_engine::sort::by_key(&mut listed, |o| *o as u64);
        listed.dedup();
        initial.step = step as usize;
        let mut problem = None;
        if !permalink.is_empty() {
            initial = match Sandbox::from_permalink(&tr, &permalink) {
                Ok(s) => s,
                Err(e) => {
                    problem = Some(e.clone());
                    let mut s = initial.failed(e);
                    if let Some(oses) = bindlab_engine::permalink::Permalink::oses_of(&permalink) {
                        s.oses = oses;
                    }
                    s
                }
            };
        }
        // The attribute's OSes, when it names any, win over a link's own
        // (the iframe's `?os=` with a permalink), and stay when the link
        // could not be opened: the table keeps its columns.
        if !listed.is_empty() {
            initial.oses = listed;
        }
        // So does a `step=` (the iframe's `?step=`) over the link's own step.
        if step > 0 && problem.is_none() {
            initial.step = step as usize;
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
            keep: None,
            number: Some(number.max(1)),
        };
        let props = WidgetRootProps { tr, lab: props };
        let handle = yew::Renderer::<WidgetRoot>::with_root_and_props(mount, props).render();
        Widget {
            handle: Some(handle),
            mailbox,
            problem,
        }
    }

    /// Why the widget's `permalink` could not be opened (`None` when it
    /// was, or there was none): the script reports it as `bindlab-error`.
    #[wasm_bindgen(getter)]
    pub fn problem(&self) -> Option<String> {
        self.problem.clone()
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

#[cfg(test)]
mod tests {
    use super::*;
    use bindlab_course::bundle::Bundle;

    /// A bundle as `cargo xtask dist` writes it.
    fn zh_bundle() -> String {
        let mut b = Bundle {
            ui_order: crate::i18n::UI_FINGERPRINT,
            ..Bundle::default()
        };
        for (k, en) in crate::i18n::KEYS.iter().zip(crate::i18n::EN) {
            let t = if *k == "widget.edit" {
                "编辑场景".to_string()
            } else {
                format!("[{en}]")
            };
            b.ui.push((k.to_string(), t));
        }
        b.write()
    }

    #[test]
    fn the_lang_attribute_reads_as_the_locale_parser_does() {
        for l in ["zh-CN", "zh", "zh-Hans", "zh_CN", " zh-cn "] {
            assert_eq!(widget_locale(Some(l)), Locale::ZhCn, "{l}");
            assert_eq!(
                widget_bundle(Some(l.into())).as_deref(),
                Some("i18n/zh-CN.tsv")
            );
        }
        // Missing, empty, English, or a language bindlab does not speak.
        for l in [
            None,
            Some(""),
            Some("en"),
            Some("en-GB"),
            Some("fr"),
            Some("zh-TW"),
            Some("zh-Hant"),
        ] {
            assert_eq!(widget_locale(l), Locale::En, "{l:?}");
            assert_eq!(widget_bundle(l.map(String::from)), None);
        }
    }

    #[test]
    fn a_widget_speaks_its_bundle_or_english_with_a_warning() {
        let zh = zh_bundle();
        let (tr, warn) = widget_tr(Some("zh-CN"), Some(&zh));
        assert_eq!((tr.locale(), warn), (Locale::ZhCn, None));
        assert_eq!(tr.t(crate::i18n::T::WidgetEdit), "编辑场景");
        // English needs no bundle, and ignores one.
        let (tr, warn) = widget_tr(None, Some(&zh));
        assert_eq!((tr.locale(), warn), (Locale::En, None));
        assert_eq!(tr.t(crate::i18n::T::WidgetEdit), "Edit the scenario");
        // Not fetched, or not a bundle (an HTML 404 page): English, and why.
        let (tr, warn) = widget_tr(Some("zh"), None);
        assert_eq!(tr.locale(), Locale::En);
        assert!(warn.is_some_and(|w| w.contains("could not be fetched")));
        let (tr, warn) = widget_tr(Some("zh"), Some("<!doctype html><p>Not found"));
        assert_eq!(tr.locale(), Locale::En);
        assert!(warn.is_some_and(|w| w.contains("unreadable")));
    }
}
