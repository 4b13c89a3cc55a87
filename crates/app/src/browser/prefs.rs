//! Small preferences kept in `localStorage` (the programming language the
//! code panel and a guide's code tabs open in), and what one tab keeps in
//! its `sessionStorage` (the paste page's table and question).
//! Storage is reached through `web_sys` and every failure is ignored: a
//! browser that blocks storage just does not remember (gloo's `LocalStorage`
//! would throw there).

use super::dom::window;

/// The reader's programming language (`engine::export::Lang::id`, the
/// guides' keys): one choice for the code panel and every guide's tabs.
pub(crate) const CODE_LANG: &str = "bindlab.code-lang";

fn storage() -> Option<web_sys::Storage> {
    window()?.local_storage().ok().flatten()
}

/// The stored value of `key`, if storage is there and holds one.
pub(crate) fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key` when storage allows it.
pub(crate) fn set(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

fn tab_storage() -> Option<web_sys::Storage> {
    window()?.session_storage().ok().flatten()
}

/// What this tab kept under `key` (a sandboxed frame or a privacy setting
/// may refuse `sessionStorage`: then nothing is kept, and nothing fails).
pub(crate) fn tab_get(key: &str) -> Option<String> {
    tab_storage()?.get_item(key).ok().flatten()
}

/// Keeps `value` under `key` for this tab (best effort: full storage only
/// means it lasts as long as the page); an empty one is forgotten.
pub(crate) fn tab_keep(key: &str, value: &str) {
    if let Some(s) = tab_storage() {
        let _ = if value.is_empty() {
            s.remove_item(key)
        } else {
            s.set_item(key, value)
        };
    }
}
