//! The page's root: the route from the fragment, the progress store
//! provided as context, and the sandbox or a course page.

use yew::prelude::*;

use crate::browser::dom::location_hash;
use crate::hooks::use_window_event;
use crate::nav::{Navigated, StoreHandle};
use crate::route::Route;
use crate::store::{self, Store};

/// The page: the sandbox or a course page, chosen by the fragment, with
/// the learner's progress provided to both (the sandbox shows "continue").
#[function_component(Root)]
pub(crate) fn root() -> Html {
    let route = use_state(|| Route::from_hash(&location_hash()));
    // Set once the reader has moved from the page they arrived on.
    let navigated = use_state(|| false);
    {
        let (route, navigated) = (route.clone(), navigated.clone());
        use_window_event("hashchange", (), move |_| {
            navigated.set(true);
            route.set(Route::from_hash(&location_hash()))
        });
    }
    let store = use_reducer(Store::load);
    {
        let d = store.dispatcher();
        use_window_event("storage", (), move |e| store::other_tab_wrote(&d, e));
    }
    html! {
        <ContextProvider<StoreHandle> context={store}>
        <ContextProvider<Navigated> context={Navigated(*navigated)}>
            { match &*route {
                Route::Sandbox => html! { <crate::sandbox::SandboxPage /> },
                #[cfg(feature = "course")]
                r => html! { <crate::course::CoursePage route={r.clone()} /> },
                #[cfg(not(feature = "course"))]
                _ => html! { <crate::nav::CourseReload /> },
            } }
        </ContextProvider<Navigated>>
        </ContextProvider<StoreHandle>>
    }
}
