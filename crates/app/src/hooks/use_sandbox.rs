//! One live scenario's state: the reducer, what it derives, the step clamped
//! to the scenario, and the callbacks the views take. The sandbox page and
//! every `Lab` (widgets, lesson scenarios) use this one hook.

use std::rc::Rc;

use bindlab_engine::Os;
use yew::prelude::*;

use crate::browser::{clipboard, download};
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
}

#[hook]
pub(crate) fn use_sandbox<F>(initial: F) -> SandboxHandle
where
    F: FnOnce() -> Sandbox,
{
    let state = use_reducer(initial);
    let derived = {
        let (text, oses) = (state.text.clone(), state.oses.clone());
        use_memo((text, oses), |(t, o)| Derived::new(t, o))
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
    }
}

impl SandboxHandle {
    /// Says `text` in the notice.
    fn notify(d: &UseReducerDispatcher<Sandbox>, text: String, error: bool) {
        d.dispatch(Action::Notice(Some(Notice { text, error })));
    }

    /// "Copy link": copies `link` and says so in the notice.
    pub(crate) fn on_copy(&self, link: String, message: &'static str) -> Callback<MouseEvent> {
        let d = self.state.dispatcher();
        Callback::from(move |_| {
            clipboard::copy_text(&link);
            Self::notify(&d, message.into(), false);
        })
    }

    /// "Run on your machine": downloads the scenario as a Python program.
    pub(crate) fn on_export(&self) -> Callback<MouseEvent> {
        let d = self.state.dispatcher();
        let scenario = self.derived.parsed.as_ref().ok().cloned();
        Callback::from(move |_| {
            let (text, error) = match &scenario {
                Some(s) => match download::download("bindlab-check.py", "text/x-python", &bindlab_engine::export::python(s)) {
                    Ok(()) => ("Saved bindlab-check.py. Run it with `python3 bindlab-check.py`: it performs each step as the real call on your OS and prints the real outcome beside bindlab's prediction.".to_string(), false),
                    Err(e) => (format!("The download did not start ({e})."), true),
                },
                None => ("Fix the problems in the scenario first.".to_string(), true),
            };
            Self::notify(&d, text, error);
        })
    }

    /// Clears the notice.
    pub(crate) fn on_dismiss(&self) -> Callback<MouseEvent> {
        let d = self.state.dispatcher();
        Callback::from(move |_| d.dispatch(Action::Notice(None)))
    }
}
