//! The clipboard.

use super::dom::window;

/// Puts `text` on the clipboard (best effort: the browser may refuse).
pub(crate) fn copy_text(text: &str) {
    if let Some(w) = window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}
