//! The page's root: the route (the page's path, from `static/boot.js`, or
//! the prerenderer), the progress store provided as context, and the
//! sandbox or a course page.
//!
//! The first render depends on the props alone, never on the browser (the
//! fragment, storage, the window's size): the server renders the same HTML
//! and the browser hydrates it. What the browser knows is read in effects.

use std::rc::Rc;

use yew::prelude::*;

use crate::browser::dom::{fragment, location_hash, mark_live, redirect_old_address};
use crate::hooks::{use_window_event, Preloaded};
use crate::i18n::Tr;
use crate::nav::{Navigated, StoreHandle};
use crate::route::Route;
use crate::store::{self, Store, StoreAction};

#[derive(Properties, PartialEq)]
pub struct RootProps {
    /// The page, from its path.
    pub route: Route,
    /// The file the page shows (a lesson, a guide, the glossary), as the
    /// prerenderer read it and `boot.js` fetched it: the first render shows
    /// it, as the server did.
    #[prop_or_default]
    pub preloaded: Option<Rc<Preloaded>>,
    /// The page's language (its path's prefix), with its bundle read.
    pub tr: Tr,
}

/// The page: the sandbox or a course page, chosen by the path, with
/// the learner's progress provided to both (the sandbox shows "continue").
#[function_component(Root)]
pub fn root(p: &RootProps) -> Html {
    let route = use_state(|| p.route.clone());
    // Set once the reader has moved within the page (a term or rule link).
    let navigated = use_state(|| false);
    {
        // A glossary term or a rule is the fragment: read once hydrated.
        let route = route.clone();
        use_effect_with((), move |_| {
            at_fragment(&route);
            mark_live();
        });
    }
    {
        let (route, navigated) = (route.clone(), navigated.clone());
        let locale = p.tr.locale();
        use_window_event("hashchange", (), move |_| {
            if location_hash().trim_start_matches('#').starts_with('/') {
                redirect_old_address(locale, &location_hash());
                return;
            }
            navigated.set(true);
            at_fragment(&route);
        });
    }
    let store = use_reducer({
        let tr = p.tr.clone();
        move || Store::unloaded(&tr)
    });
    {
        let d = store.dispatcher();
        use_effect_with((), move |_| d.dispatch(StoreAction::Load));
    }
    {
        let d = store.dispatcher();
        use_window_event("storage", (), move |e| store::other_tab_wrote(&d, e));
    }
    html! {
        <ContextProvider<Tr> context={p.tr.clone()}>
        <ContextProvider<StoreHandle> context={store}>
        <ContextProvider<Navigated> context={Navigated(*navigated)}>
        <ContextProvider<Option<Rc<Preloaded>>> context={p.preloaded.clone()}>
            { match &*route {
                Route::Sandbox => html! { <crate::sandbox::SandboxPage /> },
                #[cfg(feature = "course")]
                r => html! { <crate::course::CoursePage route={r.clone()} /> },
                #[cfg(not(feature = "course"))]
                _ => html! { <crate::nav::CourseReload /> },
            } }
        </ContextProvider<Option<Rc<Preloaded>>>>
        </ContextProvider<Navigated>>
        </ContextProvider<StoreHandle>>
        </ContextProvider<Tr>>
    }
}

/// Fragments that name a part of the page, not a term or a rule: the skip
/// link's target and the rules page's filter row (its groups' way back up).
const PAGE_PARTS: [&str; 2] = ["main", "rule-tools"];

/// The glossary and the rules open at the term or rule in the fragment.
fn at_fragment(route: &UseStateHandle<Route>) {
    let f = fragment().filter(|f| !PAGE_PARTS.contains(&f.as_str()));
    match &**route {
        Route::Glossary(t) if *t != f => route.set(Route::Glossary(f)),
        Route::Rules(r) if *r != f => route.set(Route::Rules(f)),
        _ => {}
    }
}
