//! A scenario's whole run as plain HTML: its text as a code block and every
//! step's outcome on every OS, with the rule and why. It is what a reader
//! without JavaScript (or a search engine) gets of a lesson's live scenario:
//! `static/nojs.css`, linked in a `<noscript>`, shows it and hides the live
//! controls; with JavaScript it is hidden, and gone once the app is live.
//!
//! The server writes it as one raw HTML block (`Html::from_html_unchecked`,
//! which Yew's server renderer brackets with markers). Hydration adopts a
//! raw block without walking its nodes or comparing its text, so the
//! browser's first render gives an empty one: the page never runs the
//! scenario a second time, nor visits the table's nodes, for a table it
//! removes as soon as it is live (a third of the sandbox page's elements).

use yew::prelude::*;

use crate::i18n::{use_tr, Tr};

#[derive(Properties, PartialEq)]
pub(crate) struct StaticRunProps {
    pub(crate) text: AttrValue,
}

#[function_component(StaticRun)]
pub(crate) fn static_run(p: &StaticRunProps) -> Html {
    let tr = use_tr();
    let live = use_state_eq(|| false);
    {
        let live = live.clone();
        use_effect_with((), move |_| live.set(true));
    }
    if *live {
        return html! {};
    }
    Html::from_html_unchecked(markup(&tr, p))
}

/// The browser's first render: an empty raw block, which adopts what the
/// server wrote there.
#[cfg(not(feature = "ssr"))]
fn markup(_: &Tr, _: &StaticRunProps) -> AttrValue {
    AttrValue::default()
}

/// The server's: the text and the outcome table, escaped.
#[cfg(feature = "ssr")]
fn markup(tr: &Tr, p: &StaticRunProps) -> AttrValue {
    use super::os_table::outcome;
    use crate::i18n::T;
    use crate::prerender::escape;
    use crate::state::{Derived, Sandbox};

    let text = p.text.as_str();
    let derived = Derived::new_in(tr, text, &Sandbox::new(text.to_string()).oses);
    let Ok(scenario) = &derived.parsed else {
        return AttrValue::default();
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut h = format!(
        "<div class=\"nojs-only static-run\"><pre class=\"scenario-text\"><code>{}</code></pre>\
         <div class=\"table-wrap\"><table class=\"static-outcomes\"><caption>{}</caption>\
         <thead><tr><th scope=\"col\">{}</th>",
        escape(text),
        escape(tr.t(T::ScenarioStaticCaption)),
        escape(tr.t(T::ScenarioStaticStep)),
    );
    for r in &derived.reports {
        h += &format!("<th scope=\"col\">{}</th>", escape(r.os.display()));
    }
    h += "</tr></thead><tbody>";
    for i in 0..scenario.steps.len() {
        let Some(first) = derived.reports.first().and_then(|r| r.steps.get(i)) else {
            continue;
        };
        let step = lines
            .get(first.line.saturating_sub(1) as usize)
            .map(|l| l.split("=>").next().unwrap_or(l).trim())
            .unwrap_or_default();
        h += &format!("<tr><th scope=\"row\"><code>{}</code></th>", escape(step));
        for rep in derived.reports.iter().filter_map(|r| r.steps.get(i)) {
            h += &format!(
                "<td data-os=\"{}\"><strong>{}</strong>",
                escape(rep.os.display()),
                escape(&outcome(tr, rep))
            );
            if let Some(rule) = rep.rule {
                let r = rule.rule();
                // The why-line's own span brings the space after the stop.
                let stop = if rep.why.is_some() {
                    crate::views::os_table::sep(tr, T::ScenarioTitleStop)
                } else {
                    String::new()
                };
                let line = format!(
                    "[{}] {}{}",
                    r.id,
                    tr.rule_title(r.id, r.title),
                    stop.trim_end()
                );
                h += &format!(" <span class=\"muted small\">{}</span>", escape(&line));
            }
            if let Some(w) = rep.why.as_deref() {
                h += &format!("<span class=\"static-why\"> {}</span>", escape(w));
            }
            h += "</td>";
        }
        h += "</tr>";
    }
    h += "</tbody></table></div></div>";
    h.into()
}
