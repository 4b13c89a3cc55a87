//! The glossary page (`content/glossary.md`, fetched in the page's
//! language). A term's anchor is its heading's id, the English one in every
//! language (`## 五元组 {#five-tuple}`), so `glossary/#five-tuple` opens the
//! same term in both.

use yew::prelude::*;

use super::focus_heading;
use super::localized::english_body;
use super::markdown;
use crate::browser::dom::scroll_to;
use crate::browser::dom::set_title;
use crate::hooks::{use_fetched, Fetched, Sources};
use crate::i18n::{use_tr, T};
use crate::nav::use_navigated;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub(crate) struct GlossaryProps {
    pub(crate) term: Option<String>,
}

/// Whether the glossary `text` has the term `id`.
pub(crate) fn has_term(text: &str, id: &str) -> bool {
    markdown::term_ids(text).iter().any(|t| t == id)
}

/// What comes before the first term: the page's introduction.
fn intro(text: &str) -> &str {
    let first = markdown::terms_at(text).first().map(|(at, _)| *at);
    text.get(..first.unwrap_or(text.len())).unwrap_or(text)
}

#[function_component(GlossaryPage)]
pub(crate) fn glossary_page(p: &GlossaryProps) -> Html {
    let tr = use_tr();
    let navigated = use_navigated();
    let attempt = use_state(|| 0u32);
    let got = use_fetched(Sources::content(&tr, "content/glossary.md"), *attempt, Ok);
    let ready = matches!(got.fetched, Fetched::Ready(_));
    {
        let title = tr.t(T::PageGlossaryTitle).to_string();
        use_effect_with(
            (p.term.clone(), ready, title),
            move |(term, ready, title)| {
                set_title(title);
                match term {
                    Some(t) if *ready => scroll_to(t),
                    _ => focus_heading(navigated),
                }
            },
        );
    }
    html! {
        <article class="glossary">
            <h1 tabindex="-1">{ tr.t(T::GlossaryTitle) }</h1>
            { match &got.fetched {
                Fetched::Loading => html! { <p class="loading" role="status">{ tr.t(T::CourseLoading) }</p> },
                Fetched::Failed(e) => html! { <p class="notice error" role="alert">{ tr.f(T::GlossaryLoadFailed, &[("error", e)]) }</p> },
                Fetched::Ready(text) => {
                    let terms = markdown::terms(text);
                    let (head, entries) = text.split_at(intro(text).len());
                    // A link to a term the glossary no longer has still opens it, with a word.
                    html! {
                        <>
                        if let Some(t) = p.term.as_deref().filter(|t| !has_term(text, t)) {
                            <p class="notice" role="status">{ tr.f(T::GlossaryNoEntry, &[("term", t)]) }</p>
                        }
                        { english_body(&tr, got.fallback, html! {
                            <>
                            <div class="prose">{ markdown::render(&tr, head) }</div>
                            // Every term, a tap away: the page is long on a phone.
                            if !terms.is_empty() {
                                <nav class="term-index" aria-label={tr.t(T::GlossaryIndex).to_string()}>
                                    <ul>{ for terms.iter().map(|h| html! {
                                        <li><a href={format!("{}#{}", tr.href(&Route::Glossary(None)), h.id)}>{ markdown::inline(&tr, &h.text) }</a></li>
                                    }) }</ul>
                                </nav>
                            }
                            <div class="prose">{ markdown::render(&tr, entries) }</div>
                            </>
                        }) }
                        </>
                    }
                }
            } }
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_translated_term_keeps_its_english_anchor() {
        let zh = "课程里用到的术语。\n\n## 五元组 {#five-tuple}\n\n唯一确定……\n\n## TIME_WAIT {#time-wait}\n\n### 细节 {#details}\n";
        assert!(has_term(zh, "five-tuple"));
        assert!(has_term(zh, "time-wait"));
        assert!(!has_term(zh, "五元组"));
        assert!(!has_term(zh, "details"), "only ## headings are terms");
        let en = "## Five-tuple\n\ntext\n\n## TIME_WAIT\n";
        assert!(has_term(en, "five-tuple"));
        assert!(has_term(en, "time-wait"));
    }

    #[test]
    fn the_introduction_ends_at_the_first_term() {
        let text = "The words.\n\n## Five-tuple\n\ntext\n";
        assert_eq!(intro(text), "The words.\n\n");
        assert!(text[intro(text).len()..].starts_with("## Five-tuple"));
        assert_eq!(intro("## A\n"), "");
        assert_eq!(intro("no terms"), "no terms");
        // A `## ` line in a fenced block is code, not the first term; an
        // indented heading is one, as the renderer reads it.
        let fenced = "Intro.\n```\n## not a term\n```\n  ## First {#first}\n\ntext\n";
        assert_eq!(intro(fenced), "Intro.\n```\n## not a term\n```\n");
        assert_eq!(markdown::term_ids(fenced), ["first"]);
    }

    #[test]
    fn the_real_glossaries_have_the_same_terms() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../content/");
        let read = |p: &str| std::fs::read_to_string(format!("{root}{p}")).unwrap();
        let en = markdown::term_ids(&read("glossary.md"));
        assert!(en.iter().any(|t| t == "time-wait"), "{en:?}");
        assert_eq!(markdown::term_ids(&read("zh-CN/glossary.md")), en);
    }
}
