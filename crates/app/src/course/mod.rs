//! The course's pages: contents, lessons (prose, live scenarios,
//! predictions, challenges, the cheat sheet), the guides ("Got an error?":
//! one page per symptom), glossary and rule catalogue.
//!
//! Lessons are data (`content/lessons/*.md`), fetched one at a time when
//! opened and read by `bindlab-course`; nothing a lesson says is written
//! here. Predictions are answered and challenges checked by the engine, in
//! the page. Progress lives in [`Store`](crate::store::Store), provided by the root component.

mod challenge;
mod cheat_sheet;
mod code_tabs;
mod confirm;
mod contents;
mod expect;
mod glossary;
mod guide;
mod guides;
mod lesson;
mod lesson_body;
mod localized;
pub(crate) mod markdown;
mod messages;
mod paste;
mod paste_answers;
mod paste_read;
mod paste_sockets;
mod prediction;
mod progress_panel;
mod requirements;
pub(crate) use progress_panel::code_error;
mod rules;
#[cfg(feature = "ssr")]
pub(crate) use rules::texts_sources as rule_texts_sources;
mod runtimes;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::browser::dom::{focus_main_heading, go_to};
use crate::hooks::use_window_event;
use crate::i18n::{use_tr, Tr, T};
use crate::nav::{use_store, SiteNav};
use crate::route::{chapter, Route, CONTENTS, GUIDES};
use crate::store::StoreAction;
use glossary::GlossaryPage;
use lesson::LessonPage;
use rules::RulesPage;

/// Focuses the page's heading when the reader moved here from another page
/// (`navigated`), so a screen reader announces it and Tab starts from the
/// top of the new page. (Not on arrival: the browser's own start is right there.)
fn focus_heading(navigated: bool) {
    if navigated {
        focus_main_heading();
    }
}

fn navigate(tr: &Tr, route: &Route) {
    go_to(&tr.href(route));
}

/// The course's keyboard shortcuts, on `route`, to pages in `tr`'s language.
fn shortcut(tr: &Tr, route: &Route, e: &web_sys::KeyboardEvent) {
    // A scenario the focus is in took it (it steps on the same keys).
    if e.default_prevented() {
        return;
    }
    let Some(key) = crate::browser::dom::shortcut_key(e) else {
        return;
    };
    // The guides have their own order: next and previous guide, and the
    // guides' index above them.
    if let Route::Guides(at) = route {
        let here = at
            .as_deref()
            .and_then(|id| GUIDES.iter().position(|g| g.id == id));
        let to = match (key.as_str(), here) {
            ("ArrowRight", Some(n)) => GUIDES.get(n + 1).map(|g| Route::Guides(Some(g.id.into()))),
            ("ArrowRight", None) => GUIDES.first().map(|g| Route::Guides(Some(g.id.into()))),
            ("ArrowLeft", Some(n)) if n > 0 => {
                GUIDES.get(n - 1).map(|g| Route::Guides(Some(g.id.into())))
            }
            ("ArrowUp", Some(_)) => Some(Route::Guides(None)),
            _ => None,
        };
        if let Some(to) = to {
            e.prevent_default();
            navigate(tr, &to);
        }
        return;
    }
    let here = match route {
        Route::Lesson(id) => chapter(id).map(|(n, _)| n),
        Route::Contents => None,
        // The glossary, the rules, the paste and runtimes pages: no order.
        _ => return,
    };
    let target = match (key.as_str(), here) {
        ("ArrowRight", Some(n)) => CONTENTS.get(n + 1),
        ("ArrowRight", None) => CONTENTS.first(),
        ("ArrowLeft", Some(n)) if n > 0 => CONTENTS.get(n - 1),
        ("ArrowUp", _) => {
            e.prevent_default();
            navigate(tr, &Route::Contents);
            return;
        }
        _ => None,
    };
    if let Some(c) = target {
        e.prevent_default();
        navigate(tr, &Route::Lesson(c.id.into()));
    }
}

// ---- the frame: navigation, shortcuts, notices ---------------------------

#[derive(Properties, PartialEq)]
pub struct CoursePageProps {
    pub route: Route,
}

/// Every course page: navigation, the storage notice, keyboard shortcuts.
#[function_component(CoursePage)]
pub fn course_page(p: &CoursePageProps) -> Html {
    let store = use_store();
    let tr = use_tr();
    // Shortcuts, with modifiers only: Alt+Shift+→/← next/previous chapter,
    // Alt+Shift+↑ the contents. Never while typing.
    {
        let (route, tr) = (p.route.clone(), tr.clone());
        use_window_event("keydown", (p.route.clone(), tr.clone()), move |e| {
            if let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() {
                shortcut(&tr, &route, e);
            }
        });
    }
    // Escape closes the notice, as its Dismiss button does.
    {
        let store = store.clone();
        use_window_event("keydown", store.notice.is_some(), move |e| {
            if store.notice.is_some() && crate::browser::dom::unclaimed_escape(e) {
                store.dispatch(StoreAction::Dismiss);
            }
        });
    }
    let dismiss = {
        let store = store.clone();
        Callback::from(move |_| store.dispatch(StoreAction::Dismiss))
    };
    // The footer names the shortcuts only where they lead somewhere.
    let keys = match &p.route {
        Route::Lesson(_) | Route::Contents => Some(T::CourseFooterKeys),
        Route::Guides(_) => Some(T::CourseFooterKeysGuides),
        _ => None,
    };
    html! {
        <>
        <header class="top">
            <SiteNav current={p.route.clone()} />
        </header>
        // The runtimes table has a column per OS: it gets the screen's width.
        <main id="main" class={classes!("course", matches!(p.route, Route::Runtimes(_)).then_some("wide"))} onkeydown={crate::browser::dom::escape_closes_disclosure}>
            if let Some(n) = &store.notice {
                <div class="notice error" role="alert">
                    <p>{ n }</p>
                    <button type="button" class="quiet" onclick={dismiss}>{ tr.t(T::CourseDismiss) }</button>
                </div>
            }
            { match &p.route {
                Route::Lesson(id) => html! { <LessonPage key={id.clone()} id={id.clone()} /> },
                Route::Glossary(term) => html! { <GlossaryPage term={term.clone()} /> },
                Route::Rules(rule) => html! { <RulesPage rule={rule.clone()} /> },
                Route::Guides(None) => html! { <guides::GuidesIndex /> },
                Route::Guides(Some(id)) => html! { <guide::GuidePage key={id.clone()} id={id.clone()} /> },
                Route::Paste => html! { <paste::PastePage /> },
                Route::Runtimes(lang) => html! { <runtimes::RuntimesPage lang={lang.clone()} /> },
                _ => html! { <contents::Contents /> },
            } }
        </main>
        <footer class="bottom"><p>
            if let Some(keys) = keys {
                <span class="shortcuts">{ tr.t(keys) }</span>{" "}
            }
            { tr.t(T::CourseFooter) }
        </p></footer>
        </>
    }
}

/// The course's pages in zh-CN for tests: the interface strings of
/// `content/zh-CN/ui/` in the English order, as `cargo xtask dist` writes
/// the bundle (an untranslated string stays English here).
#[cfg(test)]
pub(crate) fn zh_for_tests() -> Tr {
    use bindlab_course::bundle::Bundle;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let zh = bindlab_course::ui::read_dir(&root.join("zh-CN/ui")).unwrap();
    let mut b = Bundle {
        ui_order: bindlab_course::ui::fingerprint(crate::i18n::KEYS.iter().copied()),
        ..Bundle::default()
    };
    for (k, en) in crate::i18n::KEYS.iter().zip(crate::i18n::EN) {
        let t = zh.iter().find(|e| e.key == *k).map_or(*en, |e| &e.text);
        b.ui.push((k.to_string(), t.to_string()));
    }
    Tr::from_bundle(bindlab_course::locale::Locale::ZhCn, &b.write()).unwrap()
}
