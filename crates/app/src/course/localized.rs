//! A page shown in English for want of its translation says so, in the
//! page's language (`Msg::NotTranslated`), above the English text; the
//! fetching and the fallback are [`crate::hooks::use_fetched`]'s.

use bindlab_course::messages::{self, Msg};
use yew::prelude::*;

use crate::i18n::Tr;

/// The sentence above a page shown in English for `tr`'s language.
pub(crate) fn not_translated(tr: &Tr) -> &'static str {
    messages::text(tr.locale(), Msg::NotTranslated)
}

/// The notice (nothing when the page is in its own language).
pub(crate) fn notice(tr: &Tr, fallback: bool) -> Html {
    if !fallback {
        return html! {};
    }
    html! { <p class="notice not-translated" role="note">{ not_translated(tr) }</p> }
}

/// A page's text as it is, or, when it is the English standing in for a
/// missing translation, under the notice and marked `lang="en"` (a screen
/// reader reads it as English).
pub(crate) fn english_body(tr: &Tr, fallback: bool, body: Html) -> Html {
    if !fallback {
        return body;
    }
    html! {
        <>
        { notice(tr, fallback) }
        <div class="fallback" lang="en">{ body }</div>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::zh_for_tests as zh;
    use crate::hooks::Sources;

    #[test]
    fn english_pages_fetch_only_the_english_file() {
        let s = Sources::content(&Tr::english(), "content/glossary.md");
        assert_eq!(s.translated, "content/glossary.md");
        assert_eq!(s.after("content/glossary.md"), None);
        assert!(!s.is_fallback("content/glossary.md"));
    }

    #[test]
    fn a_missing_translation_falls_back_to_the_english_visibly() {
        let s = Sources::content(&zh(), "content/lessons/01-five-tuple.md");
        assert_eq!(s.translated, "content/zh-CN/lessons/01-five-tuple.md");
        assert!(!s.is_fallback(&s.translated));
        assert_eq!(
            s.after(&s.translated),
            Some("content/lessons/01-five-tuple.md")
        );
        // The English failing too is the end: its failure is shown.
        assert_eq!(s.after(&s.english), None);
        assert!(s.is_fallback(&s.english));
        assert_eq!(not_translated(&zh()), "本页尚未翻译，以下为英文原文。");
        assert_eq!(
            not_translated(&Tr::english()),
            "This page is not translated yet; it is shown in English."
        );
    }
}
