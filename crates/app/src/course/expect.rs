//! A guide's "what this step does": the engine's answer on every OS, with
//! its rule and why, computed in the page. The guide states the same in its
//! text and `bindlab guides check` fails when the two differ, so what shows
//! here is never the written claim.

use std::rc::Rc;

use bindlab_course::predict;
use bindlab_engine::{Os, Scenario};
use yew::prelude::*;

use super::prediction::{os_label, outcome_sentence, rule_title, step_line};
use crate::i18n::{use_tr, T};
use crate::route::Route;

#[derive(Properties)]
pub(crate) struct ExpectProps {
    pub(crate) scenario: Rc<Scenario>,
    pub(crate) step_line: u32,
    pub(crate) on_run: Callback<()>,
    /// Unique on the page (several answers may be about one scenario).
    pub(crate) id: AttrValue,
}

impl PartialEq for ExpectProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.scenario, &o.scenario) && self.step_line == o.step_line && self.id == o.id
    }
}

#[function_component(ExpectView)]
pub(crate) fn expect_view(p: &ExpectProps) -> Html {
    let tr = use_tr();
    let step = p
        .scenario
        .steps
        .iter()
        .find(|s| s.line == p.step_line)
        .map(|s| bindlab_engine::print::step_text(&s.kind))
        .unwrap_or_default();
    let on_run = {
        let cb = p.on_run.clone();
        Callback::from(move |_| cb.emit(()))
    };
    html! {
        <section class="expect pane" aria-labelledby={format!("expect-{}-h", p.id)}>
            <h3 id={format!("expect-{}-h", p.id)}>{ tr.t(T::LessonExpectHeading) }{" "}<code>{ step_line(&tr, p.step_line, &step) }</code></h3>
            <ul class="truths">
            { for Os::ALL.iter().map(|os| {
                let Some(t) = predict::truth(&p.scenario, p.step_line, *os) else { return html! {} };
                let title = rule_title(&tr, t.rule);
                // An error, a refused client or a dropped datagram fails; who
                // takes a client or a datagram (a socket, several, copies) is
                // neither, and is shown plain.
                let failed = bindlab_engine::Outcome::error_named(&t.outcome).is_some()
                    || t.outcome == predict::REFUSED
                    || t.outcome == predict::DROPPED;
                let class = match (t.outcome.as_str(), failed) {
                    ("ok", _) => "succeeds",
                    (_, true) => "fails",
                    _ => "delivered",
                };
                html! {
                    <li class={classes!("truth", class)}>
                        <strong>{ crate::i18n::Tr::labelled(os_label(&tr, *os)) }</strong>
                        { tr.f(T::LessonSentence, &[("sentence", &outcome_sentence(&tr, &t.outcome))]) }
                        if let Some(why) = &t.why {
                            <span class="why">{" "}<strong>{ title }</strong>{ crate::views::os_table::sep(&tr, T::LessonTitleStop) }{ why.clone() }</span>
                        }
                        if let Some(rule) = t.rule {
                            {" "}<a class="rule-link" href={tr.href(&Route::Rules(Some(rule.as_str().into())))}><code>{ rule.as_str() }</code></a>
                        }
                    </li>
                }
            }) }
            </ul>
            <button type="button" onclick={on_run}>{ tr.f(T::LessonRunToLine, &[("n", &p.step_line.to_string())]) }</button>
        </section>
    }
}
