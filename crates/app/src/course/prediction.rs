//! Predict, then run: an outcome per OS from the engine's choices.

use std::rc::Rc;

use bindlab_course::predict::{self, choice_label, outcome_sentence};
use bindlab_engine::print::step_text;
use bindlab_engine::{Os, Scenario};
use yew::prelude::*;

use super::markdown;
use crate::nav::use_store;
use crate::route::Route;
use crate::store::StoreAction;

#[derive(Properties, PartialEq)]
pub(crate) struct PredictionProps {
    pub(crate) lesson: &'static str,
    pub(crate) index: u8,
    pub(crate) question: String,
    pub(crate) scenario: Rc<Scenario>,
    pub(crate) step_line: u32,
    pub(crate) oses: Vec<Os>,
    /// The answers already given, per OS in `oses`.
    pub(crate) saved: Vec<Option<String>>,
    pub(crate) on_run: Callback<()>,
}

#[function_component(Prediction)]
pub(crate) fn prediction(p: &PredictionProps) -> Html {
    let store = use_store();
    let picks = use_state(|| p.saved.clone());
    // Saved answers arrive once storage is read (after the first render,
    // which is the server's): show them.
    {
        let picks = picks.clone();
        use_effect_with(p.saved.clone(), move |saved| {
            if saved.iter().any(Option::is_some) {
                picks.set(saved.clone());
            }
        });
    }
    let revealed = p.saved.iter().all(Option::is_some);
    // "Check my prediction" goes away once answered; the focus moves to the
    // answers it revealed instead of dropping to <body>.
    let truths_ref = use_node_ref();
    let checked = use_mut_ref(|| false);
    {
        let (truths_ref, checked) = (truths_ref.clone(), checked.clone());
        use_effect_with(revealed, move |revealed| {
            if *revealed && std::mem::take(&mut *checked.borrow_mut()) {
                if let Some(el) = truths_ref.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    let step = p.scenario.steps.iter().find(|s| s.line == p.step_line);
    let step_shown = step.map(|s| step_text(&s.kind)).unwrap_or_default();
    let base = format!("{}-p{}", p.lesson, p.index);
    let check = {
        let (store, picks, p_oses, lesson, index) = (
            store.clone(),
            picks.clone(),
            p.oses.clone(),
            p.lesson,
            p.index,
        );
        let checked = checked.clone();
        Callback::from(move |_| {
            *checked.borrow_mut() = true;
            for (os, pick) in p_oses.iter().zip(picks.iter()) {
                if let Some(choice) = pick {
                    store.dispatch(StoreAction::Answer {
                        lesson: lesson.into(),
                        prediction: index,
                        os: *os,
                        choice: choice.clone(),
                    });
                }
            }
        })
    };
    let all_picked = picks.iter().all(Option::is_some);
    let on_run = {
        let cb = p.on_run.clone();
        Callback::from(move |_| cb.emit(()))
    };
    html! {
        <section class="predict pane" aria-labelledby={format!("{base}-h")}>
            <h2 id={format!("{base}-h")}>{"Predict"}</h2>
            <p class="question">{ markdown::inline(&p.question) }</p>
            <p class="the-step">{"The step: "}<code>{ format!("line {}: {step_shown}", p.step_line) }</code></p>
            <div class="choices">
            { for p.oses.iter().enumerate().map(|(i, os)| {
                let choices = predict::choices(&p.scenario, p.step_line, *os);
                let picked = picks.get(i).cloned().flatten();
                html! {
                    <fieldset class="choice-group" disabled={revealed}>
                        <legend>{ format!("On {}", os.display()) }</legend>
                        { for choices.into_iter().map(|c| {
                            let picks = picks.clone();
                            let value = c.clone();
                            let onchange = Callback::from(move |_: Event| {
                                let mut v = (*picks).clone();
                                if let Some(slot) = v.get_mut(i) {
                                    *slot = Some(value.clone());
                                }
                                picks.set(v);
                            });
                            html! {
                                <label class="choice">
                                    <input type="radio" name={format!("{base}-{}", os.key())} value={c.clone()}
                                        checked={picked.as_deref() == Some(c.as_str())} {onchange} />
                                    { choice_label(&c) }
                                </label>
                            }
                        }) }
                    </fieldset>
                }
            }) }
            </div>
            if !revealed {
                <button type="button" class="primary" onclick={check} disabled={!all_picked}>{"Check my prediction"}</button>
                if !all_picked && p.oses.len() > 1 { <span class="muted small">{" Pick an outcome for each OS."}</span> }
            }
            <div class="reveal" role="status">
                if revealed {
                    <ul class="truths" tabindex="-1" ref={truths_ref} aria-label="The answers">
                    { for p.oses.iter().zip(&p.saved).map(|(os, said)| {
                        let Some(t) = predict::truth(&p.scenario, p.step_line, *os) else { return html! {} };
                        let right = said.as_deref() == Some(t.outcome.as_str());
                        let title = t.rule.map(|r| r.rule().title).unwrap_or_default();
                        html! {
                            <li class={classes!("truth", if right { "right" } else { "wrong" })}>
                                <strong>{ format!("{}: ", os.display()) }</strong>
                                { if right {
                                    format!("✓ Right: {}.", outcome_sentence(&t.outcome))
                                } else {
                                    format!("✗ Not quite: you picked “{}”, but {}.", choice_label(said.as_deref().unwrap_or("")), outcome_sentence(&t.outcome))
                                } }
                                if let Some(why) = &t.why {
                                    <span class="why">{" "}<strong>{ title }</strong>{ ". " }{ crate::views::os_table::why_text(why, &p.scenario) }</span>
                                }
                                if let Some(rule) = t.rule {
                                    {" "}<a class="rule-link" href={Route::Rules(Some(rule.as_str().into())).href()}><code>{ rule.as_str() }</code></a>
                                }
                            </li>
                        }
                    }) }
                    </ul>
                    <button type="button" onclick={on_run}>{"Run the scenario to this step"}</button>
                }
            </div>
        </section>
    }
}
