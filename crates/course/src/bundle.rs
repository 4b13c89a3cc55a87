//! A locale's bundle: everything a page in that language needs before its
//! first render, in one file the page fetches (`i18n/<tag>.tsv`, written by
//! `cargo xtask dist` from `content/<tag>/`), so no translation is compiled
//! into the wasm and an English reader never downloads one.
//!
//! One line per entry, fields separated by tabs, `\n` `\t` `\\` escaped:
//!
//! ```text
//! uiorder 5d2c…                                    the English keys' fingerprint (ui::fingerprint)
//! ui      nav.sandbox            沙盒             an interface string (content/<tag>/ui/*.txt),
//!                                                  every key, in the English order
//! text    chapter.udp.title      UDP 与组播        a compiled-in English text: chapter and guide titles…
//! parse   expected_socket_name   …                a scenario-parser message (content/<tag>/parse.txt)
//! title   linux.bind.conflict    …                a rule's title (content/<tag>/rules.json)
//! why     linux.bind.conflict    usual   …        a rule's why-line template
//! word    and                    和               a fixed word the engine passes as an argument
//! ```
//!
//! The long rule explanations are not here: the rules page fetches them
//! (`i18n/<tag>/rule-texts.tsv`) as the English page does its own.

use std::fmt::Write;

use bindlab_engine::rules::{Overlay, RuleId, Translated, WhyVariant};

use crate::locale::Locale;

/// A locale's texts, by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bundle {
    /// The fingerprint of the English keys `ui` follows, in order.
    pub ui_order: u64,
    /// Every interface string: (key, text), in the English files' order.
    pub ui: Vec<(String, String)>,
    pub text: Vec<(String, String)>,
    pub parse: Vec<(String, String)>,
    pub titles: Vec<(String, String)>,
    pub why: Vec<(String, String, String)>,
    pub words: Vec<(String, String)>,
}

/// The bundle's file name under the site's root.
pub fn path(locale: Locale) -> String {
    format!("i18n/{}.tsv", locale.tag())
}

/// The locale's rule explanations, under the site's root.
pub fn rule_texts_path(locale: Locale) -> String {
    format!("i18n/{}/rule-texts.tsv", locale.tag())
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\t', "\\t")
        .replace('\r', "")
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

impl Bundle {
    /// The file's text.
    pub fn write(&self) -> String {
        let mut out = String::new();
        let mut line = |fields: &[&str]| {
            let f: Vec<String> = fields.iter().map(|s| escape(s)).collect();
            let _ = writeln!(out, "{}", f.join("\t"));
        };
        line(&["uiorder", &format!("{:016x}", self.ui_order)]);
        for (k, v) in &self.ui {
            line(&["ui", k, v]);
        }
        for (k, v) in &self.text {
            line(&["text", k, v]);
        }
        for (k, v) in &self.parse {
            line(&["parse", k, v]);
        }
        for (k, v) in &self.titles {
            line(&["title", k, v]);
        }
        for (k, variant, v) in &self.why {
            line(&["why", k, variant, v]);
        }
        for (k, v) in &self.words {
            line(&["word", k, v]);
        }
        out
    }

    /// Reads [`Bundle::write`]'s format. A damaged or foreign file is an
    /// error naming its first bad line, never a panic.
    pub fn read(text: &str) -> Result<Bundle, String> {
        let mut b = Bundle::default();
        for (n, raw) in text.lines().enumerate() {
            if raw.is_empty() {
                continue;
            }
            let f: Vec<String> = raw.split('\t').map(unescape).collect();
            let bad = || format!("line {} of the language file is damaged", n + 1);
            match (f[0].as_str(), f.len()) {
                ("uiorder", 2) => {
                    b.ui_order = u64::from_str_radix(&f[1], 16).map_err(|_| bad())?;
                }
                ("ui", 3) => b.ui.push((f[1].clone(), f[2].clone())),
                ("text", 3) => b.text.push((f[1].clone(), f[2].clone())),
                ("parse", 3) => b.parse.push((f[1].clone(), f[2].clone())),
                ("title", 3) => b.titles.push((f[1].clone(), f[2].clone())),
                ("why", 4) => b.why.push((f[1].clone(), f[2].clone(), f[3].clone())),
                ("word", 3) => b.words.push((f[1].clone(), f[2].clone())),
                _ => return Err(bad()),
            }
        }
        if b.ui.is_empty() {
            return Err("the language file holds no interface text".into());
        }
        Ok(b)
    }

    /// A `text` entry by key.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.text
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A `parse` template by key.
    pub fn parse(&self, key: &str) -> Option<&str> {
        self.parse
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A rule's title by id.
    pub fn title(&self, id: &str) -> Option<&str> {
        self.titles
            .iter()
            .find(|(k, _)| k == id)
            .map(|(_, v)| v.as_str())
    }

    /// The rule catalogue's overlay (titles, why-lines, words) for the
    /// engine; ids or variants this build does not know are left out.
    pub fn overlay(&self) -> Overlay {
        let mut rules: Vec<(RuleId, Translated)> = Vec::new();
        fn entry(rules: &mut Vec<(RuleId, Translated)>, r: RuleId) -> &mut Translated {
            let i = match rules.iter().position(|(x, _)| *x == r) {
                Some(i) => i,
                None => {
                    rules.push((r, Translated::default()));
                    rules.len() - 1
                }
            };
            &mut rules[i].1
        }
        for (id, title) in &self.titles {
            if let Some(r) = RuleId::from_id(id) {
                entry(&mut rules, r).title = title.clone();
            }
        }
        for (id, variant, t) in &self.why {
            if let (Some(r), Some(v)) = (RuleId::from_id(id), WhyVariant::from_name(variant)) {
                entry(&mut rules, r).why.push((v, t.clone()));
            }
        }
        Overlay::new(rules, self.words.iter().cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_reads_back_what_was_written() {
        let mut b = Bundle {
            ui_order: 0x5d2c_0001,
            ..Bundle::default()
        };
        b.ui.push(("nav.sandbox".into(), "沙盒".into()));
        b.text
            .push(("course.intro".into(), "两行\n第二行\t带\\符号".into()));
        b.titles
            .push(("linux.bind.already-bound".into(), "冲突".into()));
        b.why.push((
            "linux.bind.already-bound".into(),
            "usual".into(),
            "{socket} 冲突".into(),
        ));
        b.words.push(("and".into(), "和".into()));
        let back = Bundle::read(&b.write()).unwrap();
        assert_eq!(back, b);
        let o = back.overlay();
        assert_eq!(o.len(), 1);
        assert_eq!(o.word("and"), "和");
    }

    #[test]
    fn a_damaged_file_is_an_error_not_a_panic() {
        for bad in [
            "ui\tonly-two",
            "why\ta\tb",
            "nonsense",
            "<!doctype html>\n<html>",
        ] {
            assert!(Bundle::read(bad).is_err(), "{bad}");
        }
        assert!(Bundle::read("").is_err());
        assert!(Bundle::read("\\\t\\").is_err());
    }
}
