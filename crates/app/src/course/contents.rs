//! The course's contents page: the course's introduction, each chapter
//! with its state, and the progress panel.

use yew::prelude::*;

use super::focus_heading;
use super::markdown;
use super::progress_panel::ProgressPanel;
use crate::browser::dom::set_title;
use crate::i18n::{use_tr, Tr, T};
use crate::nav::{use_navigated, use_store};
use crate::route::{Chapter, Route, CONTENTS, COURSE_INTRO, COURSE_TITLE};

/// A link to the chapter after `lesson`, as the pager words it (none after
/// the last).
pub(crate) fn next_chapter_link(tr: &Tr, lesson: &str) -> Html {
    let Some((n, next)) =
        crate::route::chapter(lesson).and_then(|(n, _)| CONTENTS.get(n + 1).map(|c| (n, c)))
    else {
        return html! {};
    };
    let href = tr.href(&Route::Lesson(next.id.into()));
    html! { <p class="next-chapter"><a {href}>{ format!("{}. {} →", n + 2, chapter_title(tr, next)) }</a></p> }
}

/// A chapter's title in `tr`'s language.
pub(crate) fn chapter_title<'a>(tr: &'a Tr, c: &'a Chapter) -> &'a str {
    tr.text(&format!("chapter.{}.title", c.id), c.title)
}

/// A chapter's one-sentence summary in `tr`'s language.
pub(crate) fn chapter_summary<'a>(tr: &'a Tr, c: &'a Chapter) -> &'a str {
    tr.text(&format!("chapter.{}.summary", c.id), c.summary)
}

#[function_component(Contents)]
pub(crate) fn contents() -> Html {
    let store = use_store();
    let navigated = use_navigated();
    let tr = use_tr();
    {
        let title = tr.t(T::PageContentsTitle).to_string();
        use_effect_with(title, move |title| {
            set_title(title);
            focus_heading(navigated);
        });
    }
    let progress = &store.progress;
    let cont = crate::nav::continue_at(progress);
    let first = &CONTENTS[0];
    html! {
        <article class="contents-page">
            <h1 tabindex="-1">{ tr.text("course.title", COURSE_TITLE) }</h1>
            <div class="lede">{ markdown::render(&tr, tr.text("course.intro", COURSE_INTRO)) }</div>
            <p class="start">
                if let Some((n, c)) = cont {
                    <a class="button primary" href={tr.href(&Route::Lesson(c.id.into()))}>{ tr.f(T::CourseContinueWith, &[("n", &(n + 1).to_string()), ("title", chapter_title(&tr, c))]) }</a>
                } else {
                    <a class="button primary" href={tr.href(&Route::Lesson(first.id.into()))}>{ tr.f(T::CourseStartWith, &[("title", chapter_title(&tr, first))]) }</a>
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
                        Some(l) if l.done => Some(("done", tr.t(T::CourseStatusDone).to_string())),
                        Some(l) => Some(("started", tr.f(T::CourseStatusStarted, &[("n", &answered(l).to_string()), ("of", &c.predictions.to_string())]))),
                        None => None,
                    };
                    html! {
                        <li>
                            <a href={tr.href(&Route::Lesson(c.id.into()))}>{ chapter_title(&tr, c) }</a>
                            if let Some((class, text)) = status {
                                <span class={classes!("status", class)}>{ format!(" — {text}") }</span>
                            }
                            <p class="summary">{ markdown::inline(&tr, chapter_summary(&tr, c)) }</p>
                        </li>
                    }
                }) }
            </ol>
            <ProgressPanel />
        </article>
    }
}
