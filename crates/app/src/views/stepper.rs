//! The stepper: reset, back, step, run all, copy link, run on your machine.

use yew::prelude::*;

use crate::i18n::{use_tr, T};

/// What a lab's Copy link or Run on your machine did, said beside them.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Said {
    pub(crate) text: String,
    pub(crate) error: bool,
}

#[derive(Properties, PartialEq)]
pub(crate) struct StepperProps {
    pub(crate) step: usize,
    pub(crate) total: usize,
    pub(crate) on_goto: Callback<usize>,
    pub(crate) on_copy: Callback<MouseEvent>,
    pub(crate) on_export: Callback<MouseEvent>,
    /// Whether "N of M steps run" is announced as it changes: where no
    /// other announcement follows the steps (a compact widget has no host
    /// view, whose announcement says each step's outcome).
    #[prop_or_default]
    pub(crate) live: bool,
    /// Whether the page answers the stepper's shortcuts (the sandbox's
    /// Alt+Shift+arrows), which the buttons then name (`aria-keyshortcuts`).
    #[prop_or_default]
    pub(crate) keys: bool,
    /// A lab's status beside the link and program buttons, there even when
    /// empty (a live region announces only what changes in it), so a word
    /// about a button appears beside it and moves nothing above it. `None`:
    /// the sandbox page, whose notice has its own place under the pane.
    #[prop_or_default]
    pub(crate) said: Option<Said>,
}

/// The stepper's four moves, as the index of their button.
const RESET: usize = 0;
const BACK: usize = 1;
const STEP: usize = 2;
const RUN_ALL: usize = 3;

#[function_component(Stepper)]
pub(crate) fn stepper(p: &StepperProps) -> Html {
    let tr = use_tr();
    // The button last pressed or focused. When it reaches its end (Step or
    // Run all at the last step, Back or Reset at step 0) by a press or by a
    // shortcut (Alt+Shift+→ with the focus on it), it stays focusable and
    // says it is unavailable (`aria-disabled`) instead of being disabled,
    // which would drop the focus to <body>: a keyboard reader stays where
    // they were (in a chapter, the next Alt+Shift+→ would otherwise turn the
    // page), and a held-down Enter stops at the end instead of turning
    // round. Once the focus leaves it, it is disabled. (A press counts
    // without the focus: Safari does not focus a clicked button.)
    let held = use_state(|| None::<usize>);
    let at_end = |i: usize| match i {
        RESET | BACK => p.step == 0,
        _ => p.step >= p.total,
    };
    // The sandbox's shortcut for each move, in the order of RESET, BACK,
    // STEP and RUN_ALL.
    const KEYS: [&str; 4] = [
        "Alt+Shift+ArrowUp",
        "Alt+Shift+ArrowLeft",
        "Alt+Shift+ArrowRight",
        "Alt+Shift+ArrowDown",
    ];
    let button = |i: usize, to: usize, class: &'static str, label: Html| {
        let end = at_end(i);
        let holding = end && *held == Some(i);
        let onclick = {
            let (cb, held) = (p.on_goto.clone(), held.clone());
            Callback::from(move |_: MouseEvent| {
                if !end {
                    held.set(Some(i));
                    cb.emit(to)
                }
            })
        };
        let onfocus = {
            let held = held.clone();
            Callback::from(move |_: FocusEvent| held.set(Some(i)))
        };
        let onblur = {
            let held = held.clone();
            Callback::from(move |_: FocusEvent| held.set(None))
        };
        html! {
            <button type="button" class={(!class.is_empty()).then_some(class)} {onclick} {onfocus} {onblur}
                disabled={end && !holding} aria-disabled={holding.then_some("true")}
                aria-keyshortcuts={p.keys.then_some(KEYS[i])}>{ label }</button>
        }
    };
    // Two boxes: the moves and the count, which a narrow layout keeps in
    // view while the reader scrolls through the outcomes (sticky), and the
    // link and program buttons, which it leaves where they are.
    html! {
        <>
        <div class="stepper" role="toolbar" aria-label={tr.t(T::ScenarioStepperLabel).to_string()}>
            { button(RESET, 0, "", html! { tr.t(T::ScenarioReset) }) }
            { button(BACK, p.step.saturating_sub(1), "", html! { tr.t(T::ScenarioBack) }) }
            { button(STEP, (p.step + 1).min(p.total), "primary", html! { tr.t(T::ScenarioStep) }) }
            { button(RUN_ALL, p.total, "", html! { tr.t(T::ScenarioRunAll) }) }
            <span class="progress" aria-live={if p.live { "polite" } else { "off" }}>{ tr.f(T::ScenarioProgress, &[("step", &p.step.to_string()), ("total", &p.total.to_string())]) }</span>
        </div>
        <div class="stepper-more">
            <button type="button" class="quiet" onclick={p.on_copy.clone()}>{ tr.t(T::ScenarioCopyLink) }</button>
            <button type="button" class="quiet" onclick={p.on_export.clone()} title={tr.t(T::ScenarioRunHereTitle).to_string()}>{ tr.t(T::ScenarioRunHere) }</button>
            if let Some(said) = &p.said {
                <span class={classes!("said", said.error.then_some("error"))} role="status">{ crate::views::with_code(&said.text) }</span>
            }
        </div>
        </>
    }
}
