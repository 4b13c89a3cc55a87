//! The course's contents page: the course's introduction, each chapter
//! with its state, and the progress panel.

use yew::prelude::*;

use super::focus_heading;
use super::markdown;
use super::progress_panel::ProgressPanel;
use crate::browser::dom::set_title;
use crate::nav::{use_navigated, use_store};
use crate::route::{Route, CONTENTS, COURSE_INTRO, COURSE_TITLE};

#[function_component(Contents)]
pub(crate) fn contents() -> Html {
    let store = use_store();
    let navigated = use_navigated();
    use_effect_with((), move |_| {
        set_title("The course — bindlab");
        focus_heading(navigated);
    });
    let progress = &store.progress;
    let cont = crate::nav::continue_at(progress);
    let first = &CONTENTS[0];
    html! {
        <article class="contents-page">
            <h1 tabindex="-1">{ COURSE_TITLE }</h1>
            <div class="lede">{ markdown::render(COURSE_INTRO) }</div>
            <p class="start">
                if let Some((n, c)) = cont {
                    <a class="button primary" href={Route::Lesson(c.id.into()).href()}>{ format!("Continue with chapter {}: {}", n + 1, c.title) }</a>
                } else {
                    <a class="button primary" href={Route::Lesson(first.id.into()).href()}>{ format!("Start with chapter 1: {}", first.title) }</a>
                }
            </p>
            <ol class="chapters">
                { for CONTENTS.iter().map(|c| {
                    let l = progress.lessons.get(c.id);
                    let answered = |l: &bindlab_course::progress::LessonProgress| {
                        let mut k: Vec<u8> = l.answers.keys().map(|(k, _)| *k).collect();
                        k.dedup();
                        k.len()
                    };
                    let status = match l {
                        Some(l) if l.done => Some(("done", "done ✓".to_string())),
                        Some(l) => Some(("started", format!("started: {} of {} predictions", answered(l), c.predictions))),
                        None => None,
                    };
                    html! {
                        <li>
                            <a href={Route::Lesson(c.id.into()).href()}>{ c.title }</a>
                            if let Some((class, text)) = status {
                                <span class={classes!("status", class)}>{ format!(" — {text}") }</span>
                            }
                            <p class="summary">{ markdown::inline(c.summary) }</p>
                        </li>
                    }
                }) }
            </ol>
            <ProgressPanel />
        </article>
    }
}
