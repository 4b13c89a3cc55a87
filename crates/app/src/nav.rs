//! What every page shares, the sandbox included: the site's navigation
//! (with "continue" where the reader stopped), the progress store's handle,
//! the tab's title. Kept apart from `course` so the sandbox-and-widgets build
//! (without the `course` feature) carries none of the course's pages.

use yew::prelude::*;

use crate::components::window;
use crate::route::{chapter, Route};
use crate::store::Store;

pub type StoreHandle = UseReducerHandle<Store>;

#[hook]
pub(crate) fn use_store() -> StoreHandle {
    use_context::<StoreHandle>().expect("the root provides the store")
}

thread_local! {
    /// Set once the reader has moved from the page they arrived on.
    pub(crate) static NAVIGATED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The tab's title, so history, bookmarks and screen readers name the page.
pub(crate) fn set_title(title: &str) {
    if let Some(d) = window().and_then(|w| w.document()) {
        d.set_title(title);
    }
}

#[derive(Properties, PartialEq)]
pub struct SiteNavProps {
    pub current: Route,
}

/// The site's navigation, with "continue" where the reader stopped.
#[function_component(SiteNav)]
pub fn site_nav(p: &SiteNavProps) -> Html {
    let store = use_store();
    let link = |route: Route, label: &'static str| {
        let here = match (&p.current, &route) {
            (Route::Lesson(_), Route::Contents) => true,
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        };
        html! { <a href={route.href()} aria-current={here.then_some("page")}>{ label }</a> }
    };
    let cont = store
        .progress
        .last
        .as_deref()
        .and_then(chapter)
        .filter(|_| !matches!(p.current, Route::Lesson(_)));
    html! {
        <nav class="site-nav" aria-label="Site">
            <a class="brand" href="#/learn">{"bindlab"}</a>
            { link(Route::Sandbox, "Sandbox") }
            { link(Route::Contents, "Course") }
            { link(Route::Glossary(None), "Glossary") }
            { link(Route::Rules(None), "Rules") }
            if let Some((n, c)) = cont {
                <a class="continue" href={Route::Lesson(c.id.into()).href()}>{ format!("Continue: {}. {} →", n + 1, c.title) }</a>
            }
        </nav>
    }
}

/// What a sandbox-only build shows for a course address: the course lives in
/// the other build (`pkg/bindlab-course.js`), which `static/boot.js` loads
/// for `#/…` addresses, so the page reloads into it.
#[cfg(not(feature = "course"))]
#[function_component(CourseReload)]
pub fn course_reload() -> Html {
    use_effect_with((), |_| {
        if let Some(w) = window() {
            let _ = w.location().reload();
        }
    });
    html! { <main id="main"><p class="loading" role="status">{"Loading the course…"}</p></main> }
}
