//! The stepper: reset, back, step, run all, copy link, run on your machine.

use yew::prelude::*;

use crate::i18n::{use_tr, T};

#[derive(Properties, PartialEq)]
pub(crate) struct StepperProps {
    pub(crate) step: usize,
    pub(crate) total: usize,
    pub(crate) on_goto: Callback<usize>,
    pub(crate) on_copy: Callback<MouseEvent>,
    pub(crate) on_export: Callback<MouseEvent>,
}

#[function_component(Stepper)]
pub(crate) fn stepper(p: &StepperProps) -> Html {
    let tr = use_tr();
    let back_ref = use_node_ref();
    let step_ref = use_node_ref();
    // Which end the last press reached: its button is now disabled, and a
    // disabled button drops the focus to <body>; the other direction's
    // button takes it instead, so a keyboard reader stays in the toolbar.
    let pressed = use_mut_ref(|| None::<bool>);
    {
        let (back_ref, step_ref, pressed) = (back_ref.clone(), step_ref.clone(), pressed.clone());
        use_effect_with((p.step, p.total), move |(step, total)| {
            let forward = pressed.borrow_mut().take();
            let target = match forward {
                Some(true) if step >= total => back_ref.cast::<web_sys::HtmlElement>(),
                Some(false) if *step == 0 => step_ref.cast::<web_sys::HtmlElement>(),
                _ => None,
            };
            if let Some(b) = target {
                let _ = b.focus();
            }
        });
    }
    let go = |n: usize, forward: bool| {
        let (cb, pressed) = (p.on_goto.clone(), pressed.clone());
        Callback::from(move |_: MouseEvent| {
            *pressed.borrow_mut() = Some(forward);
            cb.emit(n)
        })
    };
    html! {
        <div class="stepper" role="toolbar" aria-label={tr.t(T::ScenarioStepperLabel).to_string()}>
            <button type="button" onclick={go(0, false)} disabled={p.step == 0}>{ tr.t(T::ScenarioReset) }</button>
            <button type="button" ref={back_ref} onclick={go(p.step.saturating_sub(1), false)} disabled={p.step == 0}>{ tr.t(T::ScenarioBack) }</button>
            <button type="button" ref={step_ref} class="primary" onclick={go((p.step + 1).min(p.total), true)} disabled={p.step >= p.total}>{ tr.t(T::ScenarioStep) }</button>
            <button type="button" onclick={go(p.total, true)} disabled={p.step >= p.total}>{ tr.t(T::ScenarioRunAll) }</button>
            <span class="progress" aria-live="off">{ tr.f(T::ScenarioProgress, &[("step", &p.step.to_string()), ("total", &p.total.to_string())]) }</span>
            <button type="button" class="quiet" onclick={p.on_copy.clone()}>{ tr.t(T::ScenarioCopyLink) }</button>
            <button type="button" class="quiet" onclick={p.on_export.clone()} title={tr.t(T::ScenarioRunHereTitle).to_string()}>{ tr.t(T::ScenarioRunHere) }</button>
        </div>
    }
}
