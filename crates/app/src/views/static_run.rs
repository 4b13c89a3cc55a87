//! A scenario's whole run as plain HTML: its text as a code block and every
//! step's outcome on every OS, with the rule and why. It is what a reader
//! without JavaScript (or a search engine) gets of a lesson's live scenario:
//! `static/nojs.css`, linked in a `<noscript>`, shows it and hides the live
//! controls; with JavaScript it is hidden, and gone once the app is live.
//! Server and browser render it alike (it depends on the text alone), so
//! hydration finds it.

use bindlab_engine::rules::RuleId;
use yew::prelude::*;

use super::os_table::{outcome, why_text};
use crate::i18n::{use_tr, Tr, T};
use crate::state::{Derived, Sandbox};

#[derive(Properties, PartialEq)]
pub(crate) struct StaticRunProps {
    pub(crate) text: AttrValue,
}

#[function_component(StaticRun)]
pub(crate) fn static_run(p: &StaticRunProps) -> Html {
    // Rendered by the server and by the browser's first render (which
    // hydrates it); gone once the app is live, where the lab itself shows it.
    let tr = use_tr();
    let live = use_state_eq(|| false);
    {
        let live = live.clone();
        use_effect_with((), move |_| live.set(true));
    }
    let derived = use_memo((p.text.clone(), tr.clone()), |(text, tr)| {
        let oses = Sandbox::new(text.to_string()).oses;
        Derived::new_in(tr, text, &oses)
    });
    if *live {
        return html! {};
    }
    let Ok(scenario) = &derived.parsed else {
        return html! {};
    };
    let lines: Vec<&str> = p.text.lines().collect();
    let rows = scenario.steps.iter().enumerate().map(|(i, _)| {
        let Some(first) = derived.reports.first().and_then(|r| r.steps.get(i)) else {
            return html! {};
        };
        let step = lines
            .get(first.line.saturating_sub(1) as usize)
            .map(|l| l.split("=>").next().unwrap_or(l).trim().to_string())
            .unwrap_or_default();
        html! {
            <tr>
                <th scope="row"><code>{ step }</code></th>
                { for derived.reports.iter().filter_map(|r| r.steps.get(i)).map(|rep| {
                    let why = rep.why.as_deref().map(|w| why_text(w, scenario));
                    html! {
                        <td data-os={rep.os.display()}>
                            <strong>{ outcome(&tr, rep) }</strong>
                            if let Some(rule) = rep.rule {
                                { " " }<span class="muted small">{ rule_line(&tr, rule) }</span>
                            }
                            if let Some(w) = why {
                                <span class="static-why">{ format!(" {w}") }</span>
                            }
                        </td>
                    }
                }) }
            </tr>
        }
    });
    html! {
        <div class="nojs-only static-run">
            <pre class="scenario-text"><code>{ p.text.to_string() }</code></pre>
            <div class="table-wrap">
                <table class="static-outcomes">
                    <caption>{ tr.t(T::ScenarioStaticCaption) }</caption>
                    <thead><tr>
                        <th scope="col">{ tr.t(T::ScenarioStaticStep) }</th>
                        { for derived.reports.iter().map(|r| html! { <th scope="col">{ r.os.display() }</th> }) }
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </div>
    }
}

fn rule_line(tr: &Tr, rule: RuleId) -> String {
    let r = rule.rule();
    format!(
        "[{}] {}{}",
        r.id,
        tr.rule_title(r.id, r.title),
        tr.t(T::ScenarioTitleStop)
    )
}
