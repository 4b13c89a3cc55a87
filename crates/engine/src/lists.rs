//! A list of names inside a sentence, joined in one place per language.
//!
//! English writes "A, B and C" in a why-line and a table cell, and "A, B, C"
//! in the message catalogues' sentences (`parse.txt`, `goal.txt`,
//! `sockets.txt`: their templates say "any of", "each of"), as it always
//! has, so no English report changes. Chinese writes 「A、B 和 C」: 「、」
//! between the names, with no space, and 「和」 or 「或」 before the last, as the
//! sentence means, spaced from the (Latin) names as any Chinese word is
//! (TERMS.md; the templates' own 「{socket} 和 {other}」 read the same); the
//! words are `content/<locale>/words.json`'s `","`, `"and"`, `"or"`
//! ([`Lists::of`] an [`Overlay`]).
//!
//! A message's slot values are strings (`&[(&str, String)]`), so a list
//! going into one is kept as a list until the template is filled:
//! [`value`] encodes it, and [`crate::messages::render`] (and
//! [`crate::messages::english`]) joins it in the template's language when
//! it fills the template. Such a value is for a message's slot only.

use crate::rules::Overlay;

/// What a list means in its sentence: names merely listed, all of them,
/// or one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Joint {
    /// "A, B, C" / 「A、B、C」: listed (a crowd cut with "…", the sockets
    /// open here).
    Comma,
    /// "A, B and C" / 「A、B 和 C」.
    And,
    /// "A, B or C" / 「A、B 或 C」.
    Or,
}

/// How one language joins a list: the comma between names and the word
/// before the last, as written between them (spaces included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lists<'a> {
    comma: &'a str,
    and: &'a str,
    or: &'a str,
}

impl Lists<'static> {
    /// English as why-lines and table cells write it: "A, B and C".
    pub const ENGLISH: Lists<'static> = Lists {
        comma: ", ",
        and: " and ",
        or: " or ",
    };
    /// English as the message catalogues write a list: commas only ("one
    /// of A, B, C"), what every English report and page already says.
    pub const ENGLISH_MESSAGES: Lists<'static> = Lists {
        comma: ", ",
        and: ", ",
        or: ", ",
    };
}

impl<'a> Lists<'a> {
    /// The lists of `overlay`'s language: its words `","`, `"and"`, `"or"`
    /// (English's where it has none).
    pub fn of(overlay: &'a Overlay) -> Lists<'a> {
        let word =
            |w: &str, english: &'static str| -> &'a str { overlay.word_opt(w).unwrap_or(english) };
        Lists {
            comma: word(",", ", "),
            and: word("and", " and "),
            or: word("or", " or "),
        }
    }

    /// The lists of the language in force on this thread for a message
    /// template of that language ([`crate::rules::set_overlay`]): English
    /// messages' commas without one.
    pub fn with_overlay_in_force<R>(f: impl FnOnce(&Lists<'_>) -> R) -> R {
        let overlay = crate::rules::overlay();
        match overlay.as_deref() {
            Some(o) => f(&Lists::of(o)),
            None => f(&Lists::ENGLISH_MESSAGES),
        }
    }

    /// The comma between names.
    pub fn comma(&self) -> &'a str {
        self.comma
    }

    /// `items` joined as `joint` says.
    pub fn join<S: AsRef<str>>(&self, items: &[S], joint: Joint) -> String {
        let mut out = String::new();
        self.push(&mut out, items.iter().map(AsRef::as_ref), joint);
        out
    }

    /// Appends `items` joined as `joint` says.
    pub fn push<'s>(
        &self,
        out: &mut String,
        items: impl ExactSizeIterator<Item = &'s str>,
        joint: Joint,
    ) {
        let last = match joint {
            Joint::Comma => self.comma,
            Joint::And => self.and,
            Joint::Or => self.or,
        };
        let n = items.len();
        for (i, item) in items.enumerate() {
            if i + 1 == n && i > 0 {
                out.push_str(last);
            } else if i > 0 {
                out.push_str(self.comma);
            }
            out.push_str(item);
        }
    }

    /// A message slot's value as this language writes it: a [`value`]'s
    /// list joined, any other value as it is.
    pub fn push_value(&self, out: &mut String, v: &str) {
        match decode(v) {
            Some((joint, items)) => {
                let items: Vec<&str> = items.collect();
                self.push(out, items.into_iter(), joint);
            }
            None => out.push_str(v),
        }
    }
}

/// Marks a [`value`]: the ASCII unit separator, which no name, address or
/// number a message quotes holds (a scenario's names are identifiers, its
/// quoted text shows controls as `[U+001F]`, and so does a pasted table:
/// `bindlab_sockets`' `controls_shown`).
const SEP: char = '\u{1f}';

/// A list as a message slot's value, joined when its template is filled, in
/// the template's language ([`crate::messages::render`]).
pub fn value<S: AsRef<str>>(items: &[S], joint: Joint) -> String {
    let mut v = String::new();
    v.push(SEP);
    v.push(match joint {
        Joint::Comma => ',',
        Joint::And => '&',
        Joint::Or => '|',
    });
    for item in items {
        v.push(SEP);
        v.push_str(item.as_ref());
    }
    v
}

/// A [`value`]'s joint and items; `None` for any other value.
fn decode(v: &str) -> Option<(Joint, impl Iterator<Item = &str>)> {
    let rest = v.strip_prefix(SEP)?;
    let mut chars = rest.chars();
    let joint = match chars.next()? {
        ',' => Joint::Comma,
        '&' => Joint::And,
        '|' => Joint::Or,
        _ => return None,
    };
    let items = chars.as_str();
    // An empty list is the tag alone; else each item follows a separator.
    Some((joint, items.split(SEP).skip(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zh() -> Overlay {
        Overlay::new(
            [],
            [
                (",".to_string(), "、".to_string()),
                ("and".to_string(), " 和 ".to_string()),
                ("or".to_string(), " 或 ".to_string()),
            ],
        )
    }

    #[test]
    fn english_joins_one_two_and_three_names() {
        let en = Lists::ENGLISH;
        for (joint, two, three) in [
            (Joint::Comma, "A, B", "A, B, C"),
            (Joint::And, "A and B", "A, B and C"),
            (Joint::Or, "A or B", "A, B or C"),
        ] {
            assert_eq!(en.join(&["A"], joint), "A");
            assert_eq!(en.join(&["A", "B"], joint), two);
            assert_eq!(en.join(&["A", "B", "C"], joint), three);
            assert_eq!(en.join::<&str>(&[], joint), "");
            // The catalogues' English: commas only, whatever the meaning.
            assert_eq!(
                Lists::ENGLISH_MESSAGES.join(&["A", "B", "C"], joint),
                "A, B, C"
            );
        }
    }

    #[test]
    fn chinese_joins_with_the_enumeration_comma_and_the_word_before_the_last() {
        let o = zh();
        let zh = Lists::of(&o);
        for (joint, two, three) in [
            (Joint::Comma, "A、B", "A、B、C"),
            (Joint::And, "A 和 B", "A、B 和 C"),
            (Joint::Or, "A 或 B", "A、B 或 C"),
        ] {
            assert_eq!(zh.join(&["A"], joint), "A");
            assert_eq!(zh.join(&["A", "B"], joint), two);
            assert_eq!(zh.join(&["A", "B", "C"], joint), three);
        }
        // A language without the words writes English's.
        let none = Overlay::new([], []);
        assert_eq!(Lists::of(&none), Lists::ENGLISH);
    }

    #[test]
    fn a_value_is_joined_when_filled_and_any_other_value_is_kept() {
        let o = zh();
        for items in [&["pid21"][..], &["pid21", "pid20"], &["a", "b", "c"], &[]] {
            let v = value(items, Joint::And);
            let mut en = String::new();
            Lists::ENGLISH_MESSAGES.push_value(&mut en, &v);
            assert_eq!(en, items.join(", "));
            let mut zh = String::new();
            Lists::of(&o).push_value(&mut zh, &v);
            assert_eq!(zh, Lists::of(&o).join(items, Joint::And));
            assert!(!zh.contains(", ") && !zh.contains(SEP), "{zh:?}");
        }
        let mut kept = String::new();
        Lists::of(&o).push_value(&mut kept, "a, b");
        assert_eq!(kept, "a, b");
        // A lone separator or an unknown tag is no list.
        for odd in ["\u{1f}", "\u{1f}x\u{1f}a"] {
            let mut s = String::new();
            Lists::of(&o).push_value(&mut s, odd);
            assert_eq!(s, odd);
        }
    }
}
