//! What every page shares, the sandbox included: the site's navigation
//! (with "continue" where the reader stopped), the progress store's handle,
//! the tab's title. Kept apart from `course` so the sandbox-and-widgets build
//! (without the `course` feature) carries none of the course's pages.

use yew::prelude::*;

use crate::browser::dom::window;
use crate::i18n::{use_tr, Tr, T};
use crate::route::{chapter, Route};
use crate::store::Store;

pub type StoreHandle = UseReducerHandle<Store>;

#[hook]
pub(crate) fn use_store() -> StoreHandle {
    use_context::<StoreHandle>().expect("the root provides the store")
}

/// Whether the reader has moved from the page they arrived on (the root
/// provides it): a page focuses its heading only then.
#[derive(Clone, Copy, PartialEq)]
pub(crate) struct Navigated(pub(crate) bool);

#[hook]
pub(crate) fn use_navigated() -> bool {
    use_context::<Navigated>().is_some_and(|n| n.0)
}

/// Where "Continue" goes: the chapter the reader was last on, or, once that
/// one is done, the next one not done (none when the course is finished).
pub(crate) fn continue_at(
    p: &bindlab_course::progress::Progress,
) -> Option<(usize, &'static crate::route::Chapter)> {
    let (n, c) = p.last.as_deref().and_then(chapter)?;
    let done = |id: &str| p.lessons.get(id).is_some_and(|l| l.done);
    if !done(c.id) {
        return Some((n, c));
    }
    let all = crate::route::CONTENTS.iter().enumerate();
    all.clone()
        .skip(n + 1)
        .chain(all.take(n))
        .find(|(_, c)| !done(c.id))
}

/// Also read by `static/boot.js`, for a click before the app runs.
const SANDBOX_KEY: &str = "bindlab.sandbox";

/// Remembers the sandbox's permalink for this tab, so the "Sandbox" link of
/// any page brings the reader's own scenario back, not the first example.
pub(crate) fn remember_sandbox(fragment: &str) {
    if let Some(s) = window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.set_item(SANDBOX_KEY, fragment);
    }
}

/// Where the "Sandbox" link goes: the scenario this tab last had there.
/// Read when clicked, never while rendering (the prerendered page has the
/// plain link).
fn sandbox_href(tr: &Tr) -> String {
    let remembered = window()
        .and_then(|w| w.session_storage().ok().flatten())
        .and_then(|s| s.get_item(SANDBOX_KEY).ok().flatten())
        .filter(|f| f.starts_with("v1/"));
    match remembered {
        Some(f) => format!("{}#{f}", tr.href(&Route::Sandbox)),
        None => tr.href(&Route::Sandbox),
    }
}

/// The click of a link to the sandbox (the "Sandbox" link and the logo):
/// the scenario this tab last had there, read when clicked (the sandbox
/// rewrites its address on every change); nothing on the sandbox itself.
/// A click with a modifier (a new tab or window) is the browser's, to the
/// plain address.
fn to_sandbox(tr: &Tr, on_sandbox: bool) -> Callback<MouseEvent> {
    let tr = tr.clone();
    Callback::from(move |e: MouseEvent| {
        if e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key() {
            return;
        }
        e.prevent_default();
        if !on_sandbox {
            crate::browser::dom::go_to(&sandbox_href(&tr));
        }
    })
}

#[derive(Properties, PartialEq)]
pub struct SiteNavProps {
    pub current: Route,
}

/// The site's navigation, with "continue" where the reader stopped.
#[function_component(SiteNav)]
pub fn site_nav(p: &SiteNavProps) -> Html {
    let store = use_store();
    let tr = use_tr();
    let link = |route: Route, label: T| {
        let label = tr.t(label).to_string();
        let here = match (&p.current, &route) {
            (Route::Lesson(_), Route::Contents) => true,
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        };
        if route == Route::Sandbox {
            let onclick = to_sandbox(&tr, here);
            return html! { <a href={tr.href(&Route::Sandbox)} {onclick} aria-current={here.then_some("page")}>{ label }</a> };
        }
        html! { <a href={tr.href(&route)} aria-current={here.then_some("page")}>{ label }</a> }
    };
    let cont = continue_at(&store.progress).filter(|_| !matches!(p.current, Route::Lesson(_)));
    let continue_text = cont
        .map(|(n, c)| {
            let title = tr.text(&format!("chapter.{}.title", c.id), c.title);
            tr.f(
                T::NavContinue,
                &[("n", &(n + 1).to_string()), ("title", title)],
            )
        })
        .unwrap_or_default();
    // Skip links: the first thing Tab reaches on every page, shown only
    // when focused. On the sandbox a second one goes straight to "Run it"
    // (past the editor and its controls).
    let skip = |id: &'static str, label: T| {
        let page = match &p.current {
            Route::Glossary(_) => Route::Glossary(None),
            Route::Rules(_) => Route::Rules(None),
            r => r.clone(),
        };
        // Without JavaScript: the page itself, at the target (a bare `#id`
        // would resolve against the site's root, the pages' `<base>`).
        let href = format!("{}#{id}", tr.href(&page));
        let onclick = Callback::from(move |e: MouseEvent| {
            e.prevent_default();
            crate::browser::dom::focus_by_id(id);
        });
        html! { <a class="skip-link" {href} {onclick}>{ tr.t(label) }</a> }
    };
    html! {
        <>
        { skip("main", T::NavSkip) }
        if p.current == Route::Sandbox {
            { skip("run", T::NavSkipRun) }
        }
        <nav class="site-nav" aria-label={tr.t(T::NavSite).to_string()}>
            // The logo leads home as the Sandbox link does: to the scenario
            // this tab last had there.
            <a class="brand" href={tr.href(&Route::Sandbox)} onclick={to_sandbox(&tr, p.current == Route::Sandbox)}>{"bindlab"}</a>
            { link(Route::Sandbox, T::NavSandbox) }
            { link(Route::Contents, T::NavCourse) }
            { link(Route::Guides(None), T::NavGuides) }
            { link(Route::Glossary(None), T::NavGlossary) }
            { link(Route::Rules(None), T::NavRules) }
            // Before Continue, so on a phone the switch shares the second
            // line with the last sections and Continue gets a line of its own.
            <crate::views::LanguageSwitch current={p.current.clone()} />
            if let Some((_, c)) = cont {
                // Cut to one line by the style sheet; whole in its tooltip.
                <a class="continue" href={tr.href(&Route::Lesson(c.id.into()))} title={continue_text.clone()}>{ continue_text }</a>
            }
        </nav>
        </>
    }
}

/// What a sandbox-only build shows for a course page (never, as
/// `static/boot.js` loads the course build for every path but the root's;
/// kept so the build is total): the page reloads.
#[cfg(not(feature = "course"))]
#[function_component(CourseReload)]
pub fn course_reload() -> Html {
    use_effect_with((), |_| {
        if let Some(w) = window() {
            let _ = w.location().reload();
        }
    });
    let tr = use_tr();
    html! { <main id="main"><p class="loading" role="status">{ tr.t(T::NavLoadingCourse) }</p></main> }
}
