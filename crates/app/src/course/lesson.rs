//! A chapter's page: fetched when opened, parsed by `bindlab-course`,
//! with the pager to the chapters around it.

use std::collections::HashMap;
use std::rc::Rc;

use bindlab_course::{parse_lesson, Block, Lesson};
use bindlab_engine::{parse, Scenario};
use yew::prelude::*;

use super::contents::{chapter_summary, chapter_title};
use super::focus_heading;
use super::lesson_body::LessonBody;
use super::localized::english_body;
use super::markdown;
use crate::browser::dom::set_title;
use crate::hooks::{use_fetched, Fetched, Sources};
use crate::i18n::{use_tr, T};
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
    // Shown inside "could not be loaded: …" (the file's own problems, for
    // whoever wrote it): kept as the checker words them.
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
    let tr = use_tr();
    let navigated = use_navigated();
    let attempt = use_state(|| 0u32);
    let found = chapter(&p.id);
    let url = found
        .map(|(_, c)| format!("content/lessons/{}", c.file))
        .unwrap_or_default();
    let got = use_fetched(Sources::content(&tr, &url), *attempt, load_lesson);
    let fetched = got.fetched;
    {
        let (store, known) = (store.clone(), found.is_some());
        use_effect_with(p.id.clone(), move |id| {
            if known && store.progress.last.as_deref() != Some(id) {
                store.dispatch(StoreAction::Visit(id.clone()));
            }
        });
    }
    let ready = matches!(fetched, Fetched::Ready(_));
    {
        let title = match found {
            Some((n, c)) => tr.f(
                T::PageLessonTitle,
                &[
                    ("n", &(n + 1).to_string()),
                    ("title", chapter_title(&tr, c)),
                ],
            ),
            None => tr.f(T::PageSiteTitle, &[("title", tr.t(T::LessonNoSuchChapter))]),
        };
        use_effect_with((p.id.clone(), ready, title), move |(_, _, title)| {
            set_title(title);
            focus_heading(navigated);
        });
    }
    let Some((n, ch)) = found else {
        return html! {
            <article>
                <h1 tabindex="-1">{ tr.t(T::LessonNoSuchChapter) }</h1>
                <p>{ tr.f(T::LessonNoChapterCalled, &[("id", &p.id)]) }{" "}<a href={tr.href(&Route::Contents)}>{ tr.t(T::LessonSeeContents) }</a></p>
            </article>
        };
    };
    let prev = n.checked_sub(1).and_then(|k| CONTENTS.get(k));
    let next = CONTENTS.get(n + 1);
    let pager = html! {
        <nav class="pager" aria-label={tr.t(T::LessonChapters).to_string()}>
            if let Some(c) = prev {
                <a rel="prev" href={tr.href(&Route::Lesson(c.id.into()))} aria-keyshortcuts="Alt+Shift+ArrowLeft">{ format!("← {}. {}", n, chapter_title(&tr, c)) }</a>
            } else { <span /> }
            <a href={tr.href(&Route::Contents)} aria-keyshortcuts="Alt+Shift+ArrowUp">{ tr.t(T::LessonContents) }</a>
            if let Some(c) = next {
                <a rel="next" href={tr.href(&Route::Lesson(c.id.into()))} aria-keyshortcuts="Alt+Shift+ArrowRight">{ format!("{}. {} →", n + 2, chapter_title(&tr, c)) }</a>
            } else { <span /> }
        </nav>
    };
    let done = store.progress.lessons.get(ch.id).is_some_and(|l| l.done);
    let body = match &fetched {
        Fetched::Loading => {
            html! { <p class="loading" role="status">{ tr.t(T::LessonLoading) }</p> }
        }
        Fetched::Failed(e) => {
            let retry = {
                let attempt = attempt.clone();
                Callback::from(move |_| attempt.set(*attempt + 1))
            };
            html! {
                <div class="notice error" role="alert">
                    <p>{ tr.f(T::LessonLoadFailed, &[("error", e)]) }</p>
                    <button type="button" onclick={retry}>{ tr.t(T::CourseTryAgain) }</button>
                </div>
            }
        }
        Fetched::Ready(l) => english_body(
            &tr,
            got.fallback,
            html! { <LessonBody loaded={l.clone()} id={ch.id} /> },
        ),
    };
    html! {
        <article class="lesson">
            <p class="chapter-no">{ tr.f(T::LessonChapterOf, &[("n", &(n + 1).to_string()), ("of", &CONTENTS.len().to_string())]) }
                if done { <span class="status done">{" — "}{ tr.t(T::CourseStatusDone) }</span> }</p>
            // The title whole: a name in it (SO_REUSEADDR) moves to the next
            // line as one word, never "SO_" / "REUSEADDR".
            <h1 tabindex="-1">{ chapter_title(&tr, ch) }</h1>
            <p class="lede">{ markdown::inline(&tr, chapter_summary(&tr, ch)) }</p>
            { body }
            { pager }
        </article>
    }
}
