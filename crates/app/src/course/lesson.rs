//! A chapter's page: fetched when opened, parsed by `bindlab-course`,
//! with the pager to the chapters around it.

use std::collections::HashMap;
use std::rc::Rc;

use bindlab_course::{parse_lesson, Block, Lesson};
use bindlab_engine::{parse, Scenario};
use yew::prelude::*;

use super::focus_heading;
use super::lesson_body::LessonBody;
use super::markdown;
use crate::browser::dom::set_title;
use crate::hooks::{use_fetched, Fetched};
use crate::lab::Mailbox;
use crate::nav::{use_navigated, use_store};
use crate::route::{chapter, Route, CONTENTS};
use crate::store::StoreAction;

/// A lesson as the page uses it: parsed once, scenarios parsed once, and a
/// mailbox per live scenario so a prediction can run it to its step.
pub(crate) struct Loaded {
    pub(crate) lesson: Lesson,
    pub(crate) scenarios: HashMap<String, Rc<Scenario>>,
    pub(crate) mailboxes: HashMap<String, Mailbox>,
}

pub(crate) fn load_lesson(text: String) -> Result<Loaded, String> {
    let lesson = parse_lesson(&text).map_err(|errs| {
        let list: Vec<String> = errs.iter().map(|e| format!("line {e}")).collect();
        format!("the lesson file has problems: {}", list.join("; "))
    })?;
    Ok(loaded(lesson))
}

/// A parsed lesson (or a guide's blocks) with its scenarios parsed once.
pub(crate) fn loaded(lesson: Lesson) -> Loaded {
    let mut scenarios = HashMap::new();
    let mut mailboxes = HashMap::new();
    for b in &lesson.blocks {
        if let Block::Scenario { name, text, .. } = b {
            if let Ok(s) = parse(text) {
                scenarios.insert(name.clone(), Rc::new(s));
            }
            mailboxes.insert(name.clone(), Rc::default());
        }
    }
    Loaded {
        lesson,
        scenarios,
        mailboxes,
    }
}

#[derive(Properties, PartialEq)]
pub(crate) struct LessonPageProps {
    pub(crate) id: String,
}

#[function_component(LessonPage)]
pub(crate) fn lesson_page(p: &LessonPageProps) -> Html {
    let store = use_store();
    let navigated = use_navigated();
    let attempt = use_state(|| 0u32);
    let found = chapter(&p.id);
    let url = found
        .map(|(_, c)| format!("content/lessons/{}", c.file))
        .unwrap_or_default();
    let fetched = use_fetched(url, *attempt, load_lesson);
    {
        let (store, known) = (store.clone(), found.is_some());
        use_effect_with(p.id.clone(), move |id| {
            if known && store.progress.last.as_deref() != Some(id) {
                store.dispatch(StoreAction::Visit(id.clone()));
            }
        });
    }
    let ready = matches!(fetched, Fetched::Ready(_));
    use_effect_with((p.id.clone(), ready), move |_| {
        match found {
            Some((n, c)) => set_title(&format!("{}. {} — the bindlab course", n + 1, c.title)),
            None => set_title("No such chapter — bindlab"),
        }
        focus_heading(navigated);
    });
    let Some((n, ch)) = found else {
        return html! {
            <article>
                <h1 tabindex="-1">{"No such chapter"}</h1>
                <p>{ format!("There is no chapter called “{}”. ", p.id) }<a href={Route::Contents.href()}>{"See the contents."}</a></p>
            </article>
        };
    };
    let prev = n.checked_sub(1).and_then(|k| CONTENTS.get(k));
    let next = CONTENTS.get(n + 1);
    let pager = html! {
        <nav class="pager" aria-label="Chapters">
            if let Some(c) = prev {
                <a rel="prev" href={Route::Lesson(c.id.into()).href()} aria-keyshortcuts="Alt+Shift+ArrowLeft">{ format!("← {}. {}", n, c.title) }</a>
            } else { <span /> }
            <a href={Route::Contents.href()} aria-keyshortcuts="Alt+Shift+ArrowUp">{"Contents"}</a>
            if let Some(c) = next {
                <a rel="next" href={Route::Lesson(c.id.into()).href()} aria-keyshortcuts="Alt+Shift+ArrowRight">{ format!("{}. {} →", n + 2, c.title) }</a>
            } else { <span /> }
        </nav>
    };
    let done = store.progress.lessons.get(ch.id).is_some_and(|l| l.done);
    let body = match &fetched {
        Fetched::Loading => html! { <p class="loading" role="status">{"Loading the chapter…"}</p> },
        Fetched::Failed(e) => {
            let retry = {
                let attempt = attempt.clone();
                Callback::from(move |_| attempt.set(*attempt + 1))
            };
            html! {
                <div class="notice error" role="alert">
                    <p>{ format!("The chapter could not be loaded: {e}.") }</p>
                    <button type="button" onclick={retry}>{"Try again"}</button>
                </div>
            }
        }
        Fetched::Ready(l) => html! { <LessonBody loaded={l.clone()} id={ch.id} /> },
    };
    html! {
        <article class="lesson">
            <p class="chapter-no">{ format!("Chapter {} of {}", n + 1, CONTENTS.len()) }
                if done { <span class="status done">{" — done ✓"}</span> }</p>
            <h1 tabindex="-1">{ ch.title }</h1>
            <p class="lede">{ markdown::inline(ch.summary) }</p>
            { body }
            { pager }
        </article>
    }
}
