//! One live scenario's state: the reducer, what it derives, the step clamped
//! to the scenario, and the callbacks the views take. The sandbox page and
//! every `Lab` (widgets, lesson scenarios) use this one hook.

use std::rc::Rc;

use bindlab_engine::Os;
use yew::prelude::*;

use bindlab_engine::export::Lang;

use super::use_settled::{is_long, use_settled};
use crate::browser::{clipboard, download, exporter, fetch};
use crate::i18n::{use_tr, Tr, T};
use crate::state::{Action, Derived, Notice, NoticeAt, Sandbox};

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
    /// The text came whole (pasted, dropped): derive from it now.
    pub(crate) on_whole: Callback<()>,
    pub(crate) on_line: Callback<String>,
    pub(crate) on_goto: Callback<usize>,
    pub(crate) on_toggle: Callback<Os>,
    /// The lab's language: its notices and why-lines.
    pub(crate) tr: Tr,
    /// The program generators this lab has loaded ("Run on your machine",
    /// its code panel): a handle, passed down as a prop.
    pub(crate) generators: exporter::Cache,
}

#[hook]
pub(crate) fn use_sandbox<F>(initial: F) -> SandboxHandle
where
    F: FnOnce() -> Sandbox,
{
    let state = use_reducer(initial);
    let tr = use_tr();
    let generators = (*use_state(exporter::Cache::default)).clone();
    // A long scenario is parsed and run again once the reader pauses.
    let settled = use_settled(&state.text, is_long(&state.text));
    let (source, on_whole) = (settled.value, settled.now);
    // The why-lines are written as the engine runs: in this lab's language
    // (a page may hold labs in two), set right before.
    let derived = use_memo((source, state.oses.clone(), tr.clone()), |(t, o, tr)| {
        Derived::new_in(tr, t, o)
    });
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
        on_whole,
        on_line,
        on_goto,
        on_toggle,
        tr,
        generators,
    }
}

impl SandboxHandle {
    /// Says `text` in the notice, beside the buttons that asked.
    fn notify(d: &UseReducerDispatcher<Sandbox>, text: String, error: bool) {
        d.dispatch(Action::Notice(Some(Notice {
            text,
            error,
            at: NoticeAt::Stepper,
        })));
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
    /// The page's wasm has neither the generators nor `runtime.py`: both
    /// are loaded from the bindlab site (`site`: a widget's; `None`: this
    /// page) the first time, and the runtime appended; a failed load says
    /// so, and the button tries again.
    pub(crate) fn on_export(&self, site: Option<String>) -> Callback<MouseEvent> {
        let d = self.state.dispatcher();
        // The scenario by pointer: this is made on every render (a step).
        let derived = self.derived.clone();
        let tr = self.tr.clone();
        let cache = self.generators.clone();
        Callback::from(move |_| {
            if derived.parsed.is_err() {
                Self::notify(&d, tr.t(T::ScenarioFixFirst).into(), true);
                return;
            }
            Self::notify(&d, tr.t(T::ScenarioPreparing).into(), false);
            let (d, tr, derived, cache) = (d.clone(), tr.clone(), derived.clone(), cache.clone());
            let (generators, runtime) = (
                exporter::url(site.as_deref()),
                fetch::site_url(site.as_deref(), &runtime_path()),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let Ok(s) = &derived.parsed else {
                    return Self::notify(&d, tr.t(T::ScenarioFixFirst).into(), true);
                };
                let program = match cache
                    .load(&tr, &generators)
                    .await
                    .and_then(|g| cache.program(&tr, &g, s, &derived.text, Lang::Python))
                {
                    Ok(p) => p,
                    Err(e) => {
                        let text =
                            tr.f(T::ScenarioCheckGeneratorFailed, &[("error", &sentence(e))]);
                        return Self::notify(&d, text, true);
                    }
                };
                // The module never holds the runtime (it is built without
                // the engine's `runtimes`): fetched and appended here.
                match fetch::fetch_text(&tr, &runtime).await {
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

    /// Saves the program under the name *Show as code* downloads it as
    /// (bindlab_check.py, which the notice names too); what to tell the
    /// reader, and whether it is an error.
    fn save(tr: &Tr, program: &str) -> (String, bool) {
        let file = bindlab_engine::export::Lang::Python.file_name();
        match download::download(tr, file, "text/x-python", program) {
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

/// `e` as a sentence: the generator's own words end without a full stop.
fn sentence(e: String) -> String {
    if e.ends_with(['.', '。', '!', '?']) {
        e
    } else {
        e + "."
    }
}

/// Where the Python runtime is, under the bindlab site.
fn runtime_path() -> String {
    format!("static/export/{}", Lang::Python.runtime_file())
}

#[cfg(test)]
mod tests {
    use super::sentence;

    #[test]
    fn a_message_ends_as_a_sentence_once() {
        assert_eq!(
            sentence("line 3: C export: no".into()),
            "line 3: C export: no."
        );
        assert_eq!(sentence("It stopped (x).".into()), "It stopped (x).");
        assert_eq!(sentence("它停止了。".into()), "它停止了。");
    }
}
