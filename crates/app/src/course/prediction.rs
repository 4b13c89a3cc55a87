//! Predict, then run: an outcome per OS from the engine's choices.

use std::rc::Rc;

use bindlab_course::predict::{self, COPIES, DROPPED, REFUSED, SEVERAL};
use bindlab_engine::print::step_text;
use bindlab_engine::rules::RuleId;
use bindlab_engine::{Os, Outcome, Scenario};
use yew::prelude::*;

use super::markdown;
use crate::i18n::{use_tr, Tr, T};
use crate::nav::use_store;
use crate::route::Route;
use crate::store::StoreAction;

/// A choice as the learner picks it ("fails with EADDRINUSE"), in `tr`'s
/// language (`bindlab_course::predict::choice_label` in English).
pub(crate) fn choice_label(tr: &Tr, choice: &str) -> String {
    match choice {
        "ok" => tr.t(T::LessonChoiceOk).to_string(),
        REFUSED => tr.t(T::LessonChoiceRefused).to_string(),
        SEVERAL => tr.t(T::LessonChoiceSeveral).to_string(),
        DROPPED => tr.t(T::LessonChoiceDropped).to_string(),
        COPIES => tr.t(T::LessonChoiceCopies).to_string(),
        c if Outcome::error_named(c).is_some() => tr.f(T::LessonChoiceFails, &[("error", c)]),
        name => tr.f(T::LessonChoiceTakes, &[("name", name)]),
    }
}

/// The engine's answer as a sentence ("it fails with EADDRINUSE"), in
/// `tr`'s language (`bindlab_course::predict::outcome_sentence` in English).
pub(crate) fn outcome_sentence(tr: &Tr, outcome: &str) -> String {
    match outcome {
        "ok" => tr.t(T::LessonOutcomeOk).to_string(),
        REFUSED => tr.t(T::LessonOutcomeRefused).to_string(),
        SEVERAL => tr.t(T::LessonOutcomeSeveral).to_string(),
        DROPPED => tr.t(T::LessonOutcomeDropped).to_string(),
        COPIES => tr.t(T::LessonOutcomeCopies).to_string(),
        c if Outcome::error_named(c).is_some() => tr.f(T::LessonOutcomeFails, &[("error", c)]),
        name => tr.f(T::LessonOutcomeTakes, &[("name", name)]),
    }
}

/// "line 12: bind a 0.0.0.0:80", as a step is shown above its answers.
pub(crate) fn step_line(tr: &Tr, line: u32, step: &str) -> String {
    tr.f(
        T::LessonStepLine,
        &[("n", &line.to_string()), ("step", step)],
    )
}

/// A rule's title in `tr`'s language.
pub(crate) fn rule_title(tr: &Tr, rule: Option<RuleId>) -> String {
    rule.map(|r| tr.rule_title(r.as_str(), r.rule().title).to_string())
        .unwrap_or_default()
}

/// "Linux:" before an OS's answer.
pub(crate) fn os_label(tr: &Tr, os: Os) -> String {
    tr.f(T::LessonOsLabel, &[("os", os.display())])
}

#[derive(Properties, PartialEq)]
pub(crate) struct PredictionProps {
    pub(crate) lesson: &'static str,
    pub(crate) index: u8,
    pub(crate) question: String,
    /// The chapter's explanation (Markdown), folded until checked.
    pub(crate) answer: Option<String>,
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
    let tr = use_tr();
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
    // "Try again" goes away with the answers it forgot; the focus moves to
    // the first OS's choices, where the reader picks again.
    let choices_ref = use_node_ref();
    let retried = use_mut_ref(|| false);
    {
        let (choices_ref, retried) = (choices_ref.clone(), retried.clone());
        use_effect_with(revealed, move |revealed| {
            if !*revealed && std::mem::take(&mut *retried.borrow_mut()) {
                if let Some(el) = choices_ref
                    .cast::<web_sys::Element>()
                    .and_then(|c| c.query_selector("input").ok().flatten())
                    .and_then(|i| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(i).ok())
                {
                    let _ = el.focus();
                }
            }
        });
    }
    let again = {
        let (store, picks, n, lesson, index) = (
            store.clone(),
            picks.clone(),
            p.oses.len(),
            p.lesson,
            p.index,
        );
        let retried = retried.clone();
        Callback::from(move |_: MouseEvent| {
            *retried.borrow_mut() = true;
            picks.set(vec![None; n]);
            store.dispatch(StoreAction::Forget(lesson.into(), index));
        })
    };
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
        <section class="predict pane" aria-labelledby={format!("{base}-h {base}-step")}>
            <h2 id={format!("{base}-h")}>{ tr.t(T::LessonPredict) }</h2>
            <p class="question">{ markdown::inline(&tr, &p.question) }</p>
            <p class="the-step" id={format!("{base}-step")}>{ Tr::labelled(tr.t(T::LessonTheStep).to_string()) }<code>{ step_line(&tr, p.step_line, &step_shown) }</code></p>
            <div class="choices" ref={choices_ref}>
            { for p.oses.iter().enumerate().map(|(i, os)| {
                let choices = predict::choices(&p.scenario, p.step_line, *os);
                let picked = picks.get(i).cloned().flatten();
                html! {
                    <fieldset class="choice-group" disabled={revealed}>
                        <legend>{ tr.f(T::LessonOnOs, &[("os", os.display())]) }</legend>
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
                                    { choice_label(&tr, &c) }
                                </label>
                            }
                        }) }
                    </fieldset>
                }
            }) }
            </div>
            if !revealed {
                <button type="button" class="primary" onclick={check} disabled={!all_picked}>{ tr.t(T::LessonCheckPrediction) }</button>
                if !all_picked && p.oses.len() > 1 { <span class="muted small pick-each">{" "}{ tr.t(T::LessonPickEach) }</span> }
                <p class="nojs-only muted small">{ tr.f(T::LessonNojsPredict, &[("line", &p.step_line.to_string())]) }</p>
            }
            <div class="reveal" role="status">
                if revealed {
                    <ul class="truths" tabindex="-1" ref={truths_ref} aria-label={tr.t(T::LessonTheAnswers).to_string()}>
                    { for p.oses.iter().zip(&p.saved).map(|(os, said)| {
                        let Some(t) = predict::truth(&p.scenario, p.step_line, *os) else { return html! {} };
                        let right = said.as_deref() == Some(t.outcome.as_str());
                        let title = rule_title(&tr, t.rule);
                        html! {
                            <li class={classes!("truth", if right { "right" } else { "wrong" })}>
                                <strong>{ Tr::labelled(os_label(&tr, *os)) }</strong>
                                { if right {
                                    tr.f(T::LessonRight, &[("outcome", &outcome_sentence(&tr, &t.outcome))])
                                } else {
                                    tr.f(T::LessonNotQuite, &[
                                        ("picked", &choice_label(&tr, said.as_deref().unwrap_or(""))),
                                        ("outcome", &outcome_sentence(&tr, &t.outcome)),
                                    ])
                                } }
                                if let Some(why) = &t.why {
                                    <span class="why">{" "}<strong>{ title }</strong>{ crate::views::os_table::sep(&tr, T::LessonTitleStop) }{ why.clone() }</span>
                                } else if t.outcome == "ok" && predict::checks_the_port(&p.scenario, p.step_line) {
                                    // No rule was needed: say so, rather than nothing.
                                    <span class="why">{" "}{ tr.t(T::LessonNothingInTheWay) }</span>
                                }
                                if let Some(rule) = t.rule {
                                    {" "}<a class="rule-link" href={tr.href(&Route::Rules(Some(rule.as_str().into())))}><code>{ rule.as_str() }</code></a>
                                }
                            </li>
                        }
                    }) }
                    </ul>
                    <p class="predict-actions">
                        <button type="button" onclick={on_run}>{ tr.t(T::LessonRunToStep) }</button>
                        <button type="button" class="predict-again" onclick={again}>{ tr.t(T::LessonPredictAgain) }</button>
                    </p>
                }
            </div>
            // Folded while the reader chooses (a click opens it, and it is
            // there without JavaScript); opened by checking.
            if let Some(answer) = &p.answer {
                <details class="explanation" open={revealed}>
                    <summary>{ tr.t(if revealed { T::LessonExplanation } else { T::LessonExplanationSpoiler }) }</summary>
                    <div class="prose">{ markdown::render(&tr, answer) }</div>
                </details>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_in_english_say_what_the_course_crate_says() {
        let tr = Tr::english();
        for o in [
            "ok",
            REFUSED,
            SEVERAL,
            DROPPED,
            COPIES,
            "EADDRINUSE",
            "WSAEACCES",
            "Edge",
            "a",
        ] {
            assert_eq!(choice_label(&tr, o), predict::choice_label(o), "{o}");
            assert_eq!(
                outcome_sentence(&tr, o),
                predict::outcome_sentence(o),
                "{o}"
            );
        }
        assert_eq!(step_line(&tr, 12, "listen a"), "line 12: listen a");
        assert_eq!(os_label(&tr, Os::Linux), "Linux:");
    }
}
