//! One guide's page (`#/guides/<id>`): fetched when opened, parsed by
//! `bindlab-course`'s guide parser, its blocks shown as a lesson's are
//! (prose, live scenarios) plus the engine's answers, the messages and the
//! code; with the guides before and after it.

use bindlab_course::guide::{has_section, parse_guide, THE_FIX};
use bindlab_course::Lesson;
use yew::prelude::*;

use super::focus_heading;
use super::lesson::{loaded, Loaded};
use super::lesson_body::LessonBody;
use super::localized::english_body;
use super::markdown;
use crate::browser::dom::set_title;
use crate::hooks::{use_fetched, Fetched, Sources};
use crate::i18n::{use_tr, Tr, T};
use crate::nav::use_navigated;
use crate::route::{guide, GuideEntry, Route, GUIDES};

/// A guide's title (the symptom) in `tr`'s language.
pub(crate) fn guide_title<'a>(tr: &'a Tr, g: &'a GuideEntry) -> &'a str {
    tr.text(&format!("guide.{}.title", g.id), g.title)
}

/// A guide's summary in `tr`'s language.
pub(crate) fn guide_summary<'a>(tr: &'a Tr, g: &'a GuideEntry) -> &'a str {
    tr.text(&format!("guide.{}.summary", g.id), g.summary)
}

fn load_guide(text: String) -> Result<Loaded, String> {
    // The file's own problems, for whoever wrote it: as the checker words them.
    let g = parse_guide(&text).map_err(|errs| {
        let list: Vec<String> = errs.iter().map(|e| format!("line {e}")).collect();
        format!("the guide's file has problems: {}", list.join("; "))
    })?;
    Ok(loaded(Lesson {
        id: g.id,
        title: g.title,
        summary: Some(g.summary),
        blocks: g.blocks,
    }))
}

#[derive(Properties, PartialEq)]
pub(crate) struct GuidePageProps {
    pub(crate) id: String,
}

#[function_component(GuidePage)]
pub(crate) fn guide_page(p: &GuidePageProps) -> Html {
    let tr = use_tr();
    let navigated = use_navigated();
    let attempt = use_state(|| 0u32);
    let found = guide(&p.id);
    let url = found
        .map(|g| format!("content/guides/{}", g.file))
        .unwrap_or_default();
    let got = use_fetched(Sources::content(&tr, &url), *attempt, load_guide);
    let fetched = got.fetched;
    let ready = matches!(fetched, Fetched::Ready(_));
    {
        let title = match found {
            Some(g) => tr.f(T::PageGuideTitle, &[("title", guide_title(&tr, g))]),
            None => tr.f(T::PageSiteTitle, &[("title", tr.t(T::GuideNoSuchGuide))]),
        };
        use_effect_with((p.id.clone(), ready, title), move |(_, _, title)| {
            set_title(title);
            focus_heading(navigated);
        });
    }
    let Some(g) = found else {
        return html! {
            <article>
                <h1 tabindex="-1">{ tr.t(T::GuideNoSuchGuide) }</h1>
                <p>{ tr.f(T::GuideNoGuideCalled, &[("id", &p.id)]) }{" "}<a href={tr.href(&Route::Guides(None))}>{ tr.t(T::GuideSeeEvery) }</a></p>
            </article>
        };
    };
    let n = GUIDES.iter().position(|x| x.id == g.id).unwrap_or(0);
    let prev = n.checked_sub(1).and_then(|k| GUIDES.get(k));
    let next = GUIDES.get(n + 1);
    let pager = html! {
        <nav class="pager" aria-label={tr.t(T::GuideGuides).to_string()}>
            if let Some(x) = prev {
                <a rel="prev" href={tr.href(&Route::Guides(Some(x.id.into())))} aria-keyshortcuts="Alt+Shift+ArrowLeft">{ format!("← {}", guide_title(&tr, x)) }</a>
            } else { <span /> }
            <a class="pager-index" href={tr.href(&Route::Guides(None))} aria-keyshortcuts="Alt+Shift+ArrowUp">{ tr.t(T::GuideEvery) }</a>
            if let Some(x) = next {
                <a rel="next" href={tr.href(&Route::Guides(Some(x.id.into())))} aria-keyshortcuts="Alt+Shift+ArrowRight">{ format!("{} →", guide_title(&tr, x)) }</a>
            } else { <span /> }
        </nav>
    };
    // The fix first, for a reader with the error in front of them: a link to
    // the section by the guide format's anchor, so in every language. The
    // page's `<base>` is the site's root, so the link names the page too;
    // it is a link within the document, with or without wasm, and the
    // heading it lands on takes the focus (markdown.rs: `tabindex=-1`).
    let jump = match &fetched {
        Fetched::Ready(l) if has_section(&l.lesson.blocks, THE_FIX) => html! {
            <p class="jump"><a href={format!("{}#{THE_FIX}", tr.href(&Route::Guides(Some(g.id.into()))))}>{ tr.t(T::GuideJumpToFix) }</a></p>
        },
        _ => html! {},
    };
    let body = match &fetched {
        Fetched::Loading => {
            html! { <p class="loading" role="status">{ tr.t(T::GuideLoading) }</p> }
        }
        Fetched::Failed(e) => {
            let retry = {
                let attempt = attempt.clone();
                Callback::from(move |_| attempt.set(*attempt + 1))
            };
            html! {
                <div class="notice error" role="alert">
                    <p>{ tr.f(T::GuideLoadFailed, &[("error", e)]) }</p>
                    <button type="button" onclick={retry}>{ tr.t(T::CourseTryAgain) }</button>
                </div>
            }
        }
        Fetched::Ready(l) => english_body(
            &tr,
            got.fallback,
            html! { <LessonBody loaded={l.clone()} id={g.id} /> },
        ),
    };
    html! {
        <article class="lesson guide">
            <p class="chapter-no"><a href={tr.href(&Route::Guides(None))}>{ tr.t(T::NavGuides) }</a>{" "}{ tr.f(T::GuideOf, &[("n", &(n + 1).to_string()), ("of", &GUIDES.len().to_string())]) }</p>
            <h1 tabindex="-1">{ markdown::inline(&tr, guide_title(&tr, g)) }</h1>
            <p class="lede">{ markdown::inline(&tr, guide_summary(&tr, g)) }</p>
            { jump }
            { body }
            { pager }
        </article>
    }
}
