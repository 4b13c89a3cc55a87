//! The browser, in one place: the document and the address bar, downloads,
//! the clipboard, fetching files, small preferences. Components call these instead of reaching
//! for `web_sys` themselves.

pub(crate) mod clipboard;
pub(crate) mod dom;
pub(crate) mod download;
pub(crate) mod exporter;
pub(crate) mod fetch;
pub(crate) mod on_screen;
pub(crate) mod prefs;
