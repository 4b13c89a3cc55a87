//! A listener on `window` for as long as the component lives (or until
//! `deps` change), through gloo-events: removed when dropped.

use gloo::events::{EventListener, EventListenerOptions};
use yew::prelude::*;

/// Calls `f` on every `event` at `window`. The listener is set up again
/// when `deps` change (`f` sees the new values), and removed on unmount.
/// Like `addEventListener`'s default, it is not passive: `f` may call
/// `prevent_default` (the course's shortcuts do).
#[hook]
pub(crate) fn use_window_event<D, F>(event: &'static str, deps: D, f: F)
where
    D: PartialEq + 'static,
    F: Fn(&web_sys::Event) + 'static,
{
    use_window_event_with(
        event,
        EventListenerOptions::enable_prevent_default(),
        deps,
        f,
    );
}

/// [`use_window_event`] with gloo's options: a passive listener in the
/// capture phase, for instance, also hears a scroll of any element (scroll
/// events do not bubble).
#[hook]
pub(crate) fn use_window_event_with<D, F>(
    event: &'static str,
    options: EventListenerOptions,
    deps: D,
    f: F,
) where
    D: PartialEq + 'static,
    F: Fn(&web_sys::Event) + 'static,
{
    use_effect_with(deps, move |_| {
        let listener =
            web_sys::window().map(|w| EventListener::new_with_options(&w, event, options, f));
        move || drop(listener)
    });
}
