//! The app's own hooks.

#[cfg(feature = "course")]
mod use_fetched;
mod use_sandbox;
mod use_window_event;

#[cfg(feature = "course")]
pub(crate) use use_fetched::{use_fetched, Fetched};
pub(crate) use use_sandbox::use_sandbox;
pub(crate) use use_window_event::use_window_event;
