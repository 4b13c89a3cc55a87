//! The glossary page (`content/glossary.md`, fetched).

use yew::prelude::*;

use super::focus_heading;
use super::markdown;
use crate::browser::dom::scroll_to;
use crate::browser::dom::set_title;
use crate::hooks::{use_fetched, Fetched};
use crate::nav::use_navigated;

#[derive(Properties, PartialEq)]
pub(crate) struct GlossaryProps {
    pub(crate) term: Option<String>,
}

#[function_component(GlossaryPage)]
pub(crate) fn glossary_page(p: &GlossaryProps) -> Html {
    let navigated = use_navigated();
    let attempt = use_state(|| 0u32);
    let fetched = use_fetched("content/glossary.md".into(), *attempt, Ok);
    let ready = matches!(fetched, Fetched::Ready(_));
    use_effect_with((p.term.clone(), ready), move |(term, ready)| {
        set_title("Glossary — bindlab");
        match term {
            Some(t) if *ready => scroll_to(t),
            _ => focus_heading(navigated),
        }
    });
    html! {
        <article class="glossary">
            <h1 tabindex="-1">{"Glossary"}</h1>
            { match &fetched {
                Fetched::Loading => html! { <p class="loading" role="status">{"Loading…"}</p> },
                Fetched::Failed(e) => html! { <p class="notice error" role="alert">{ format!("The glossary could not be loaded: {e}.") }</p> },
                Fetched::Ready(text) => {
                    // A link to a term the glossary no longer has still opens it, with a word.
                    let known = |t: &str| text.lines().filter_map(|l| l.strip_prefix("## ")).any(|h| markdown::slug(h) == t);
                    html! {
                        <>
                        if let Some(t) = p.term.as_deref().filter(|t| !known(t)) {
                            <p class="notice" role="status">{ format!("The glossary has no entry “{t}”. Here are all of them.") }</p>
                        }
                        <div class="prose">{ markdown::render(text) }</div>
                        </>
                    }
                }
            } }
        </article>
    }
}
