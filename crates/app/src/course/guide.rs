//! One guide's page (`#/guides/<id>`): fetched when opened, parsed by
//! `bindlab-course`'s guide parser, its blocks shown as a lesson's are
//! (prose, live scenarios) plus the engine's answers, the messages and the
//! code; with the guides before and after it.

use bindlab_course::guide::parse_guide;
use bindlab_course::Lesson;
use yew::prelude::*;

use super::focus_heading;
use super::lesson::{loaded, Loaded};
use super::lesson_body::LessonBody;
use super::markdown;
use crate::browser::dom::set_title;
use crate::hooks::{use_fetched, Fetched};
use crate::nav::use_navigated;
use crate::route::{guide, Route, GUIDES};

fn load_guide(text: String) -> Result<Loaded, String> {
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
    let navigated = use_navigated();
    let attempt = use_state(|| 0u32);
    let found = guide(&p.id);
    let url = found
        .map(|g| format!("content/guides/{}", g.file))
        .unwrap_or_default();
    let fetched = use_fetched(url, *attempt, load_guide);
    let ready = matches!(fetched, Fetched::Ready(_));
    use_effect_with((p.id.clone(), ready), move |_| {
        match found {
            Some(g) => set_title(&format!("{} — bindlab guides", g.title)),
            None => set_title("No such guide — bindlab"),
        }
        focus_heading(navigated);
    });
    let Some(g) = found else {
        return html! {
            <article>
                <h1 tabindex="-1">{"No such guide"}</h1>
                <p>{ format!("There is no guide called “{}”. ", p.id) }<a href={Route::Guides(None).href()}>{"See every guide."}</a></p>
            </article>
        };
    };
    let n = GUIDES.iter().position(|x| x.id == g.id).unwrap_or(0);
    let prev = n.checked_sub(1).and_then(|k| GUIDES.get(k));
    let next = GUIDES.get(n + 1);
    let pager = html! {
        <nav class="pager" aria-label="Guides">
            if let Some(x) = prev {
                <a rel="prev" href={Route::Guides(Some(x.id.into())).href()}>{ format!("← {}", x.title) }</a>
            } else { <span /> }
            <a href={Route::Guides(None).href()}>{"Every guide"}</a>
            if let Some(x) = next {
                <a rel="next" href={Route::Guides(Some(x.id.into())).href()}>{ format!("{} →", x.title) }</a>
            } else { <span /> }
        </nav>
    };
    let body = match &fetched {
        Fetched::Loading => html! { <p class="loading" role="status">{"Loading the guide…"}</p> },
        Fetched::Failed(e) => {
            let retry = {
                let attempt = attempt.clone();
                Callback::from(move |_| attempt.set(*attempt + 1))
            };
            html! {
                <div class="notice error" role="alert">
                    <p>{ format!("The guide could not be loaded: {e}.") }</p>
                    <button type="button" onclick={retry}>{"Try again"}</button>
                </div>
            }
        }
        Fetched::Ready(l) => html! { <LessonBody loaded={l.clone()} id={g.id} /> },
    };
    html! {
        <article class="lesson guide">
            <p class="chapter-no"><a href={Route::Guides(None).href()}>{"Got an error?"}</a>{ format!(" Guide {} of {}", n + 1, GUIDES.len()) }</p>
            <h1 tabindex="-1">{ markdown::inline(g.title) }</h1>
            <p class="lede">{ markdown::inline(g.summary) }</p>
            { body }
            { pager }
        </article>
    }
}
