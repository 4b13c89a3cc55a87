//! Keeping a field in this tab's sessionStorage as it changes, so a reload,
//! Back or the language switch finds it again (the paste page's table and
//! question).

use yew::prelude::*;

use crate::browser::prefs::tab_keep;

/// Keeps `value` under `key` for this tab as it changes (not at the first
/// render: what was kept is still coming).
#[hook]
pub(crate) fn use_tab_kept(key: &'static str, value: &str) {
    let first = use_mut_ref(|| true);
    use_effect_with(value.to_string(), move |v| {
        if !std::mem::replace(&mut *first.borrow_mut(), false) {
            tab_keep(key, v);
        }
    });
}
