//! The rule catalogue's page.

use std::collections::BTreeMap;

use bindlab_engine::rule_texts::{self, RuleText};
use bindlab_engine::rules;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::focus_heading;
use crate::browser::dom::scroll_to;
use crate::browser::dom::set_title;
use crate::hooks::{use_fetched, Fetched};
use crate::nav::use_navigated;

/// The rules' explanations and sources: not in the wasm (the engine is built
/// without `explanations`), fetched when this page first opens.
const TEXTS: &str = "static/rule-texts.tsv";

#[derive(Properties, PartialEq)]
pub(crate) struct RulesProps {
    pub(crate) rule: Option<String>,
}

/// The rule catalogue's groups: a rule id's first part names its OS module.
pub(crate) const RULE_GROUPS: &[(&str, &str)] = &[
    ("common", "Every OS"),
    ("linux", "Linux"),
    ("bsd", "FreeBSD and macOS (shared BSD code)"),
    ("freebsd", "FreeBSD"),
    ("macos", "macOS"),
    ("windows", "Windows"),
];

pub(crate) fn rule_group(id: &str) -> &str {
    id.split('.').next().unwrap_or("")
}

/// `#/rules/linux` opens at a group rather than at one rule.
pub(crate) fn is_rule_group(key: &str) -> bool {
    RULE_GROUPS.iter().any(|(k, _)| *k == key)
}

/// Every rule the engine decides by, as the verdicts name them, grouped by
/// OS, with a filter over id, title and text.
#[function_component(RulesPage)]
pub(crate) fn rules_page(p: &RulesProps) -> Html {
    let navigated = use_navigated();
    let filter = use_state(String::new);
    let attempt = use_state(|| 0u32);
    let fetched = use_fetched(TEXTS.into(), *attempt, |t| rule_texts::parse(&t));
    let texts: Option<&BTreeMap<String, RuleText>> = match &fetched {
        Fetched::Ready(t) => Some(t),
        _ => None,
    };
    let text_of = |id: &str| texts.and_then(|t| t.get(id));
    use_effect_with(p.rule.clone(), move |rule| {
        set_title("The rules — bindlab");
        match rule {
            Some(g) if is_rule_group(g) => scroll_to(&format!("rules-{g}")),
            Some(r) => scroll_to(&format!("rule-{r}")),
            None => focus_heading(navigated),
        }
    });
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e.target_dyn_into::<HtmlInputElement>() {
                filter.set(el.value());
            }
        })
    };
    let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
    let matches = |r: &rules::Rule| {
        let (explanation, source) = text_of(r.id).map_or(("", ""), |t| (&t.explanation, &t.source));
        let hay = format!("{} {} {} {}", r.id, r.title, explanation, source).to_lowercase();
        words.iter().all(|w| hay.contains(w.as_str()))
    };
    let all = rules::catalogue();
    let shown: Vec<&rules::Rule> = all.iter().filter(|r| matches(r)).collect();
    let groups: Vec<(&str, &str, Vec<&rules::Rule>)> = RULE_GROUPS
        .iter()
        .map(|&(key, label)| {
            let in_group = shown.iter().copied().filter(|r| rule_group(r.id) == key);
            (key, label, in_group.collect())
        })
        .collect();
    let unknown = p
        .rule
        .as_deref()
        .filter(|id| rules::rule(id).is_none() && !is_rule_group(id));
    html! {
        <article class="rules">
            <h1 tabindex="-1">{"The rules"}</h1>
            <p class="lede">{"Every verdict bindlab gives names one of these rules. Each says where it comes from: the kernel source, the OS's documentation, or an experiment on the real system."}</p>
            if let Some(id) = unknown {
                <p class="notice" role="status">{ format!("There is no rule “{id}”. Here are all of them.") }</p>
            }
            if let Fetched::Failed(e) = &fetched {
                <p class="notice error" role="alert">
                    { format!("The rules' explanations could not be loaded: {e}. Their titles and ids are below; the filter reads only those.") }
                    {" "}
                    <button type="button" onclick={
                        let attempt = attempt.clone();
                        Callback::from(move |_| attempt.set(*attempt + 1))
                    }>{"Try again"}</button>
                </p>
            }
            <div class="rules-tools">
                <label for="rule-filter">{"Filter"}</label>
                <input id="rule-filter" type="search" placeholder="e.g. TIME_WAIT, listen, windows" autocomplete="off"
                    value={(*filter).clone()} oninput={on_filter} />
                <span class="muted small" role="status">{ format!("{} of {} rules", shown.len(), all.len()) }</span>
            </div>
            <nav class="rule-groups" aria-label="Rules by OS">
                { for groups.iter().map(|(key, label, in_group)| html! {
                    <a href={crate::route::Route::Rules(Some(key.to_string())).href()} onclick={jump(format!("rules-{key}"))}>{ format!("{label} ({})", in_group.len()) }</a>
                }) }
            </nav>
            { for groups.iter().filter(|(_, _, in_group)| !in_group.is_empty()).map(|(key, label, in_group)| {
                html! {
                    <section class="rule-group" aria-labelledby={format!("rules-{key}")}>
                        <h2 id={format!("rules-{key}")}>{ *label }</h2>
                        { for in_group.iter().map(|r| {
                            let current = p.rule.as_deref() == Some(r.id);
                            html! {
                                <section id={format!("rule-{}", r.id)} class={classes!("rule", current.then_some("current"))}>
                                    <h3>{ r.title }</h3>
                                    <p><code>{ r.id }</code></p>
                                    { match (&fetched, text_of(r.id)) {
                                        (_, Some(t)) => html! {
                                            <>
                                            <p>{ t.explanation.clone() }</p>
                                            <p class="muted small">{"Source: "}{ t.source.clone() }</p>
                                            </>
                                        },
                                        (Fetched::Loading, None) => html! { <p class="muted explanation-pending">{"Loading the explanation…"}</p> },
                                        (Fetched::Failed(_), None) => html! { <p class="muted explanation-pending">{"The explanation is not loaded (see the message above)."}</p> },
                                        (Fetched::Ready(_), None) => html! { <p class="muted explanation-pending">{"This rule's explanation is missing from the loaded file; reload the page for the current one."}</p> },
                                    } }
                                </section>
                            }
                        }) }
                    </section>
                }
            }) }
            if shown.is_empty() {
                <p>{"No rule matches every word of the filter."}</p>
            }
        </article>
    }
}

/// A link within the page that scrolls instead of changing the route.
pub(crate) fn jump(id: String) -> Callback<MouseEvent> {
    Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        scroll_to(&id);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_in_a_group_of_the_rules_page() {
        for r in rules::catalogue() {
            assert!(
                is_rule_group(rule_group(r.id)),
                "{} has no group on the rules page",
                r.id
            );
        }
    }
}
