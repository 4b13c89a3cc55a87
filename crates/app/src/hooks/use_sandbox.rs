//! One live scenario's state: the reducer, what it derives, the step clamped
//! to the scenario, and the callbacks the views take. The sandbox page and
//! every `Lab` (widgets, lesson scenarios) use this one hook.

use std::rc::Rc;

use bindlab_engine::Os;
use yew::prelude::*;

use bindlab_engine::export;

use crate::browser::{clipboard, download, fetch};
use crate::i18n::{use_tr, Tr, T};
use crate::state::{Action, Derived, Notice, Sandbox};

/// What [`use_sandbox`] gives a component.
pub(crate) struct SandboxHandle {
    pub(crate) state: UseReducerHandle<Sandbox>,
    /// Parsed and run once per change of text or OSes, shared by pointer.
    pub(crate) derived: Rc<Derived>,
    /// Steps run, never more than the scenario has.
    pub(crate) step: usize,
    pub(crate) total: usize,
    // Callbacks made once, so components taking them can skip re-rendering.
    pub(crate) on_text: Callback<String>,
    pub(crate) on_line: Callback<String>,
    pub(crate) on_goto: Callback<usize>,
    pub(crate) on_toggle: Callback<Os>,
    /// The lab's language: its notices and why-lines.
    pub(crate) tr: Tr,
}

#[hook]
pub(crate) fn use_sandbox<F>(initial: F) -> SandboxHandle
where
    F: FnOnce() -> Sandbox,
{
    let state = use_reducer(initial);
    let tr = use_tr();
    // The why-lines are written as the engine runs: in this lab's language
    // (a page may hold labs in two), set right before.
    let derived = {
        let (text, oses) = (state.text.clone(), state.oses.clone());
        use_memo((text, oses, tr.clone()), |(t, o, tr)| {
            Derived::new_in(tr, t, o)
        })
    };
    let d = state.dispatcher();
    let on_text = use_callback(d.clone(), |t: String, d| d.dispatch(Action::SetText(t)));
    let on_line = use_callback(d.clone(), |l: String, d| d.dispatch(Action::AppendLine(l)));
    let on_goto = use_callback(d.clone(), |n: usize, d| d.dispatch(Action::GoTo(n)));
    let on_toggle = use_callback(d, |os: Os, d| d.dispatch(Action::ToggleOs(os)));
    let total = derived.total();
    let step = state.step.min(total);
    SandboxHandle {
        state,
        derived,
        step,
        total,
        on_text,
        on_line,
        on_goto,
        on_toggle,
        tr,
    }
}

impl SandboxHandle {
    /// Says `text` in the notice.
    fn notify(d: &UseReducerDispatcher<Sandbox>, text: String, error: bool) {
        d.dispatch(Action::Notice(Some(Notice { text, error })));
    }

    /// "Copy link": copies the link `link` makes (when pressed: made on
    /// every render, a step, it would encode the scenario each time) and
    /// says so in the notice.
    pub(crate) fn on_copy(
        &self,
        link: impl Fn() -> String + 'static,
        message: String,
    ) -> Callback<MouseEvent> {
        let d = self.state.dispatcher();
        Callback::from(move |_| {
            clipboard::copy_text(&link());
            Self::notify(&d, message.clone(), false);
        })
    }

    /// "Run on your machine": downloads the scenario as a Python program.
    /// The wasm has no `runtime.py` (the engine without `runtimes`): it is
    /// fetched from the bindlab site (`site`: a widget's; `None`: this page)
    /// and appended; a failed fetch says so, and the button tries again.
    pub(crate) fn on_export(&self, site: Option<String>) -> Callback<MouseEvent> {
        let d = self.state.dispatcher();
        // The scenario by pointer: this is made on every render (a step).
        let derived = self.derived.clone();
        let tr = self.tr.clone();
        Callback::from(move |_| {
            let Ok(s) = &derived.parsed else {
                Self::notify(&d, tr.t(T::ScenarioFixFirst).into(), true);
                return;
            };
            let program = export::python(s);
            if export::Lang::Python.runtime_included() {
                let (text, error) = Self::save(&tr, &program);
                Self::notify(&d, text, error);
                return;
            }
            Self::notify(&d, tr.t(T::ScenarioPreparing).into(), false);
            let url = runtime_url(site.as_deref());
            let (d, tr) = (d.clone(), tr.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match fetch::fetch_text(&tr, &url).await {
                    Ok(runtime) => {
                        let (text, error) = Self::save(&tr, &(program + &runtime));
                        Self::notify(&d, text, error);
                    }
                    Err(e) => {
                        Self::notify(&d, tr.f(T::ScenarioRuntimeFailed, &[("error", &e)]), true)
                    }
                }
            });
        })
    }

    /// Saves the program as bindlab-check.py; what to tell the reader, and
    /// whether it is an error.
    fn save(tr: &Tr, program: &str) -> (String, bool) {
        match download::download(tr, "bindlab-check.py", "text/x-python", program) {
            Ok(()) => (tr.t(T::ScenarioSavedCheck).to_string(), false),
            Err(e) => (tr.f(T::ScenarioDownloadFailed, &[("error", &e)]), true),
        }
    }

    /// Clears the notice.
    pub(crate) fn on_dismiss(&self) -> Callback<MouseEvent> {
        let d = self.state.dispatcher();
        Callback::from(move |_| d.dispatch(Action::Notice(None)))
    }
}

/// Where the exporter's runtime is, resolved against the bindlab site.
fn runtime_url(site: Option<&str>) -> String {
    let path = format!("static/export/{}", export::Lang::Python.runtime_file());
    match site {
        Some(b) if !b.is_empty() => web_sys::Url::new_with_base(&path, b)
            .map(|u| u.href())
            .unwrap_or(path),
        _ => path,
    }
}
