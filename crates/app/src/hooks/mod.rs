//! The app's own hooks.

#[cfg(feature = "course")]
mod use_after_paint;
#[cfg(feature = "course")]
mod use_fetched;
mod use_near_blocks;
mod use_sandbox;
mod use_settled;
#[cfg(feature = "course")]
mod use_tab_kept;
mod use_window_event;

#[cfg(feature = "course")]
pub(crate) use use_after_paint::use_after_paint;
#[cfg(feature = "course")]
pub(crate) use use_fetched::{use_fetched, Fetched, Sources};
pub(crate) use use_near_blocks::use_near_blocks;
pub(crate) use use_sandbox::use_sandbox;
#[cfg(feature = "course")]
pub(crate) use use_settled::use_settled;
pub(crate) use use_settled::{is_long, SETTLE_MS};
#[cfg(feature = "course")]
pub(crate) use use_tab_kept::use_tab_kept;
pub(crate) use use_window_event::use_window_event;

/// The file a page shows, read before the first render (by the prerenderer
/// from `content/`, by `static/boot.js` with `fetch`): [`use_fetched`] starts
/// from it, so the browser's first render is the server's.
#[derive(Clone, Debug, PartialEq)]
pub struct Preloaded {
    /// As the page fetches it: `content/lessons/01-five-tuple.md`.
    pub url: String,
    pub text: String,
}
