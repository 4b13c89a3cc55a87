//! The site's interface strings as data: `content/ui/*.txt` (English) and
//! `content/<locale>/ui/*.txt`, one `key = text` line per string, `#`
//! comments and blank lines allowed, `{name}` slots filled by the page. A
//! file's keys start with its name (`nav.txt` holds `nav.sandbox`), so two
//! areas never share one.
//!
//! The app's build.rs turns the English files into a typed key (`T`) and
//! their texts; a translation is fetched per locale (see [`crate::bundle`]),
//! never compiled in. [`check`] is the translation contract: every key
//! translated, no key the English lacks, the same slots.

use bindlab_engine::rules::slots_of;

/// One string: its key, its text, its line in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub text: String,
    pub line: usize,
}

/// Reads one `key = text` file named `area` (its file stem), in the
/// engine's `keytext` format, with the interface's own rules on keys.
/// Every problem is reported with its line (`LINE: message`), never a panic.
pub fn read(area: &str, text: &str) -> Result<Vec<Entry>, Vec<String>> {
    let (lines, bad) = bindlab_engine::keytext::read_lines(text);
    let mut errs: Vec<String> = bad
        .iter()
        .map(|e| format!("{}: {}", e.line, e.message))
        .collect();
    let mut out = Vec::new();
    for e in lines {
        let line = e.line as usize;
        let key = e.key;
        let good = key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
        if !good {
            errs.push(format!(
                "{line}: `{key}`: a key is lowercase ASCII letters, digits, `_` and `.`"
            ));
        } else if key.split_once('.').map(|(a, _)| a) != Some(area) {
            errs.push(format!(
                "{line}: `{key}`: the keys of {area}.txt start with `{area}.`"
            ));
        } else {
            out.push(Entry {
                key,
                text: e.text,
                line,
            });
        }
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        errs.sort_by_key(|e| e.split(':').next().and_then(|n| n.parse::<usize>().ok()));
        Err(errs)
    }
}

/// Every `*.txt` of `dir`, files in name order, entries in file order: the
/// order of the app's `T` (build.rs) and of a bundle's `ui` lines (xtask),
/// which [`fingerprint`] ties together. Problems are `FILE:LINE: message`.
pub fn read_dir(dir: &std::path::Path) -> Result<Vec<Entry>, Vec<String>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| vec![format!("{}: {e}", dir.display())])?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let (mut all, mut errs) = (Vec::new(), Vec::new());
    for f in &files {
        let area = f
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                errs.push(format!("{}: {e}", f.display()));
                continue;
            }
        };
        match read(&area, &text) {
            Ok(v) => all.extend(v),
            Err(e) => errs.extend(e.into_iter().map(|x| format!("{}:{x}", f.display()))),
        }
    }
    if errs.is_empty() {
        Ok(all)
    } else {
        Err(errs)
    }
}

/// A fingerprint of the keys in order (FNV-1a): a bundle carries the one of
/// the English it was written against, and a page takes its strings by
/// position only when the fingerprint is its own (the wasm then carries no
/// key names).
pub fn fingerprint<'a>(keys: impl IntoIterator<Item = &'a str>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for k in keys {
        for b in k.bytes().chain(std::iter::once(b'\n')) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// What a translation of one area lacks or breaks.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// English keys it does not translate.
    pub untranslated: Vec<String>,
    /// Keys the English does not have, and slots that differ: each a sentence.
    pub errors: Vec<String>,
}

/// Compares a translation with the English of the same area.
pub fn check(en: &[Entry], tr: &[Entry]) -> Checked {
    let mut c = Checked::default();
    for e in en {
        match tr.iter().find(|t| t.key == e.key) {
            None => c.untranslated.push(e.key.clone()),
            Some(t) => {
                let (mut a, mut b) = (slots_of(&e.text), slots_of(&t.text));
                a.sort_unstable();
                b.sort_unstable();
                if a != b {
                    c.errors.push(format!(
                        "{}: line {}: the slots {{{}}} differ from the English {{{}}}",
                        t.key,
                        t.line,
                        b.join("}, {"),
                        a.join("}, {")
                    ));
                }
                if t.text.is_empty() {
                    c.errors.push(format!("{}: line {}: empty", t.key, t.line));
                }
            }
        }
    }
    for t in tr {
        if !en.iter().any(|e| e.key == t.key) {
            c.errors.push(format!(
                "{}: line {}: no such key in the English",
                t.key, t.line
            ));
        }
    }
    c
}

/// `template` with each `{name}` replaced by its value in `args`; an
/// unknown slot is left as written (a check refuses those), never a panic.
/// (The engine's `keytext::fill`, for borrowed values.)
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let owned: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.to_string())).collect();
    bindlab_engine::keytext::fill(template, &owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_reports_bad_lines() {
        let ok = read(
            "nav",
            "# c\n\nnav.a = Sandbox\nnav.b = Continue: {n}. {title} →\n",
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[1].text, "Continue: {n}. {title} →");
        assert_eq!(ok[1].line, 4);
        let errs = read(
            "nav",
            "nav.a = x\nnav.a = y\nother.b = z\nNav.c = w\nno equals\n",
        )
        .unwrap_err();
        assert_eq!(errs.len(), 4, "{errs:?}");
        assert!(errs[0].starts_with("2: "), "{errs:?}");
        assert!(errs[1].contains("start with `nav.`"));
        assert!(errs[3].starts_with("5: "));
    }

    #[test]
    fn the_check_finds_missing_extra_and_slot_changes() {
        let en = read("a", "a.x = one {n}\na.y = two\n").unwrap();
        let zh = read("a", "a.x = 一 {m}\na.z = 三\n").unwrap();
        let c = check(&en, &zh);
        assert_eq!(c.untranslated, vec!["a.y".to_string()]);
        assert_eq!(c.errors.len(), 2, "{:?}", c.errors);
        let good = read("a", "a.x = 一 {n}\na.y = 二\n").unwrap();
        assert_eq!(check(&en, &good), Checked::default());
    }

    #[test]
    fn fill_leaves_unknown_slots_and_never_panics() {
        assert_eq!(fill("{n}. {t} →", &[("n", "3"), ("t", "UDP")]), "3. UDP →");
        assert_eq!(fill("{x} and {", &[]), "{x} and {");
        assert_eq!(fill("}{", &[]), "}{");
    }
}
