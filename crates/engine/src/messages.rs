//! The engine's messages as data: the problems of a scenario's text and the
//! damaged permalinks ([`ParseMsg`], from `src/parse.txt`), and the cheat
//! sheet's labels ([`CheatsheetMsg`], from `src/cheatsheet.txt`). Each
//! file is `key = English template` ([`crate::keytext`]); `build.rs` makes
//! it an enum, one variant per key, with the key, the template and its
//! `{slot}`s. The engine writes its English by filling these templates, so
//! no English sentence is a literal at a call site.
//!
//! A translation is the same format (`content/zh-CN/parse.txt`), read at
//! run time by [`Translation::read`] (never panics; the wasm build carries
//! no translation, a page fetches its locale's file) and checked there
//! against the English: known keys, the same slots. [`render`] fills a
//! translated template, or the English one where there is none.

use std::collections::BTreeMap;

use crate::keytext;
use crate::lists::Lists;

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

/// What the generated message enums share, so one reader, checker and
/// renderer serves them all.
pub trait Catalogue: Copy + Ord + std::fmt::Debug + 'static {
    /// The English file's name under `src/` (and a translation's under
    /// `content/<locale>/`).
    const FILE: &'static str;
    /// Every message, in file order.
    fn all() -> &'static [Self];
    fn key(self) -> &'static str;
    fn english(self) -> &'static str;
    /// The template's `{slot}` names.
    fn slots(self) -> &'static [&'static str];
    fn from_key(key: &str) -> Option<Self>;
}

/// `msg` with its slots filled from `args`: in `template` (a translation's)
/// when it is given and every slot it names has a value, else in English.
/// So a missing or broken translation shows the English message, whole.
/// A list among `args` ([`crate::lists::value`]) is joined as the
/// sentence's language does: a translation's as the language in force on
/// this thread ([`crate::rules::set_overlay`], as a why-line), English's
/// with commas.
pub fn render<M: Catalogue>(msg: M, args: &[(&str, String)], template: Option<&str>) -> String {
    Lists::with_overlay_in_force(|lists| render_with(msg, args, template, lists))
}

/// [`render`] with a translation's lists joined by `lists` (a page's
/// language, which it knows without the thread's overlay).
pub fn render_with<M: Catalogue>(
    msg: M,
    args: &[(&str, String)],
    template: Option<&str>,
    lists: &Lists,
) -> String {
    match template {
        Some(t)
            if !t.trim().is_empty()
                && keytext::slots(t)
                    .iter()
                    .all(|s| args.iter().any(|(k, _)| k == s)) =>
        {
            fill_in(t, args, lists)
        }
        _ => english(msg, args),
    }
}

/// The English text of `msg` with its slots filled.
pub fn english<M: Catalogue>(msg: M, args: &[(&str, String)]) -> String {
    fill_in(msg.english(), args, &Lists::ENGLISH_MESSAGES)
}

/// `template` filled, a list value ([`crate::lists::value`]) joined by
/// `lists`.
fn fill_in(template: &str, args: &[(&str, String)], lists: &Lists) -> String {
    keytext::fill_with(template, args, &|out, v| lists.push_value(out, v))
}

/// One locale's templates for one catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation<M: Catalogue> {
    templates: BTreeMap<M, String>,
}

impl<M: Catalogue> Default for Translation<M> {
    fn default() -> Self {
        Translation {
            templates: BTreeMap::new(),
        }
    }
}

/// A translation as read from its file: what could be used, the messages
/// it lacks (a warning: they show in English) and what is wrong (an error
/// of the check; those lines are left out).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked<M: Catalogue> {
    pub translation: Translation<M>,
    pub untranslated: Vec<M>,
    /// `line N: …`, one per bad line, unknown key or slot mismatch.
    pub errors: Vec<String>,
}

impl<M: Catalogue> Translation<M> {
    /// Reads and checks a translation's text (`content/zh-CN/parse.txt`):
    /// every line `key = template` with a key of the English catalogue and
    /// exactly the English template's slots. Never panics.
    pub fn read(text: &str) -> Checked<M> {
        let (entries, bad) = keytext::read_lines(text);
        let mut errors: Vec<String> = bad.iter().map(|e| e.to_string()).collect();
        let mut templates = BTreeMap::new();
        for e in entries {
            let Some(msg) = M::from_key(&e.key) else {
                errors.push(format!(
                    "line {}: `{}` is not a message of src/{} (a typo, or a message removed from the English)",
                    e.line,
                    e.key,
                    M::FILE
                ));
                continue;
            };
            let mut want: Vec<&str> = msg.slots().to_vec();
            let mut got = keytext::slots(&e.text);
            want.sort_unstable();
            got.sort_unstable();
            if want != got {
                let list = |v: &[&str]| {
                    if v.is_empty() {
                        "none".to_string()
                    } else {
                        v.iter()
                            .map(|s| format!("{{{s}}}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    }
                };
                errors.push(format!(
                    "line {}: `{}` has the slots {}, the English has {}",
                    e.line,
                    e.key,
                    list(&got),
                    list(&want)
                ));
                continue;
            }
            templates.insert(msg, e.text);
        }
        let untranslated = M::all()
            .iter()
            .copied()
            .filter(|m| !templates.contains_key(m))
            .collect();
        errors.sort_by_key(|e| {
            e.strip_prefix("line ")
                .and_then(|r| r.split(':').next())
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or(u32::MAX)
        });
        Checked {
            translation: Translation { templates },
            untranslated,
            errors,
        }
    }

    /// The translated template of `msg`, if there is one.
    pub fn get(&self, msg: M) -> Option<&str> {
        self.templates.get(&msg).map(String::as_str)
    }

    /// `msg` in this translation (English where it has none).
    pub fn render(&self, msg: M, args: &[(&str, String)]) -> String {
        render(msg, args, self.get(msg))
    }

    /// How many messages are translated.
    pub fn len(&self) -> usize {
        self.templates.len()
    }

    pub fn is_empty(&self) -> bool {
        self.templates.is_empty()
    }
}

/// `msg` rendered in `translation` when there is one, else in English.
pub fn render_in<M: Catalogue>(
    translation: Option<&Translation<M>>,
    msg: M,
    args: &[(&str, String)],
) -> String {
    render(msg, args, translation.and_then(|t| t.get(msg)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_english_files_have_keys_slots_and_no_duplicates() {
        assert!(ParseMsg::ALL.len() > 60);
        for m in ParseMsg::ALL {
            assert_eq!(ParseMsg::from_key(m.key()), Some(m));
            assert_eq!(keytext::slots(m.english()), m.slots());
        }
        assert_eq!(
            ParseMsg::EndpointPortOutOfRange.key(),
            "endpoint.port-out-of-range"
        );
        assert_eq!(ParseMsg::EndpointPortOutOfRange.slots(), ["port"]);
        for m in CheatsheetMsg::ALL {
            assert_eq!(CheatsheetMsg::from_key(m.key()), Some(m));
        }
    }

    #[test]
    fn a_translation_is_checked_against_the_english() {
        let text = "# zh\nendpoint.port-out-of-range = 端口 {port} 超出范围（0–65535）\n\
                    no.such.key = x\n\
                    name.unknown = 没有 `{name}`\n\
                    oops\n";
        let c = Translation::<ParseMsg>::read(text);
        assert_eq!(c.translation.len(), 1);
        assert_eq!(c.untranslated.len(), ParseMsg::ALL.len() - 1);
        assert_eq!(c.errors.len(), 3, "{:?}", c.errors);
        assert!(c.errors[0].starts_with("line 3: `no.such.key` is not a message"));
        assert_eq!(
            c.errors[1],
            "line 4: `name.unknown` has the slots {name}, the English has {name} {open}"
        );
        assert!(c.errors[2].starts_with("line 5: expected `key = text`"));
        let args = [("port", "99999".to_string())];
        assert_eq!(
            c.translation
                .render(ParseMsg::EndpointPortOutOfRange, &args),
            "端口 99999 超出范围（0–65535）"
        );
        // Untranslated: the English, filled.
        assert_eq!(
            c.translation
                .render(ParseMsg::NameInvalid, &[("found", "9A".to_string())]),
            "expected a socket name (letters, digits, _), found `9A`"
        );
        assert_eq!(
            render_in(None, ParseMsg::EndpointPortOutOfRange, &args),
            "port 99999 is out of range (0–65535)"
        );
    }

    #[test]
    fn a_template_naming_a_slot_without_a_value_falls_back_to_english() {
        let m = ParseMsg::EndpointPortOutOfRange;
        let args = [("port", "7".to_string())];
        assert_eq!(render(m, &args, Some("端口 {port}")), "端口 7");
        assert_eq!(
            render(m, &args, Some("端口 {nope}")),
            "port 7 is out of range (0–65535)"
        );
        assert_eq!(
            render(m, &args, Some("  ")),
            "port 7 is out of range (0–65535)"
        );
    }
}
