//! A locale's bundle: everything a page in that language needs before its
//! first render, in one file the page fetches (`i18n/<tag>.tsv`, written by
//! `cargo xtask dist` from `content/<tag>/`), so no translation is compiled
//! into the wasm and an English reader never downloads one.
//!
//! One line per entry, fields separated by tabs, `\n` `\t` `\\` escaped:
//!
//! ```text
//! ui      nav.sandbox            沙盒             an interface string (content/<tag>/ui/*.txt)
//! text    chapter.udp.title      UDP 与组播        a compiled-in English text: chapter and guide titles…
//! parse   expected_socket_name   …                a scenario-parser message (content/<tag>/parse.txt)
//! title   linux.bind.conflict    …                a rule's title (content/<tag>/rules.json)
//! why     linux.bind.conflict    usual   …        a rule's why-line template
//! word    and                    和               a fixed word the engine passes as an argument
//! ```
//!
//! The long rule explanations are not here: the rules page fetches them
//! (`i18n/<tag>/rule-texts.tsv`) as the English page does its own.

use std::collections::HashMap;
use std::fmt::Write;

use bindlab_engine::rules::{Overlay, RuleId, Translated, WhyVariant};

use crate::locale::Locale;

/// A locale's texts, by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bundle {
    pub ui: HashMap<String, String>,
    pub text: HashMap<String, String>,
    pub parse: HashMap<String, String>,
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
        let sorted = |m: &HashMap<String, String>| {
            let mut v: Vec<(String, String)> =
                m.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            v.sort();
            v
        };
        for (k, v) in sorted(&self.ui) {
            line(&["ui", &k, &v]);
        }
        for (k, v) in sorted(&self.text) {
            line(&["text", &k, &v]);
        }
        for (k, v) in sorted(&self.parse) {
            line(&["parse", &k, &v]);
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
                ("ui", 3) => {
                    b.ui.insert(f[1].clone(), f[2].clone());
                }
                ("text", 3) => {
                    b.text.insert(f[1].clone(), f[2].clone());
                }
                ("parse", 3) => {
                    b.parse.insert(f[1].clone(), f[2].clone());
                }
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

    /// The rule catalogue's overlay (titles, why-lines, words) for the
    /// engine; ids or variants this build does not know are left out.
    pub fn overlay(&self) -> Overlay {
        let mut rules: HashMap<RuleId, Translated> = HashMap::new();
        for (id, title) in &self.titles {
            if let Some(r) = RuleId::from_id(id) {
                rules.entry(r).or_default().title = title.clone();
            }
        }
        for (id, variant, t) in &self.why {
            if let (Some(r), Some(v)) = (RuleId::from_id(id), WhyVariant::from_name(variant)) {
                rules.entry(r).or_default().why.push((v, t.clone()));
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
        let mut b = Bundle::default();
        b.ui.insert("nav.sandbox".into(), "沙盒".into());
        b.text
            .insert("course.intro".into(), "两行\n第二行\t带\\符号".into());
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
