//! The `key = text` format of the message catalogues (`src/parse.txt`,
//! `content/zh-CN/parse.txt`, …): one message a line, `#` comments and
//! blank lines ignored, `{slot}`s in the text. Plain `std`, so `build.rs`
//! (which includes this file), the course crate and the browser's wasm all
//! read it with the same code; never panics, whatever the input.
//!
//! ```text
//! # a comment
//! port.out-of-range = port {port} is out of range (0–65535)
//! ```
//!
//! The key runs to the first `=`, the text from there to the end of the line;
//! both are trimmed. A key is ASCII letters, digits, `.`, `-` and `_`; no
//! key twice; no empty text. There are no escapes: a message is one line.

use std::fmt;

/// One `key = text` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// 1-based.
    pub line: u32,
    pub key: String,
    pub text: String,
}

/// A line that is not `key = text`, or a key given twice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based.
    pub line: u32,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// Every good line, and what is wrong with each other one: a page keeps
/// the messages it could read and shows the rest in English.
pub fn read_lines(text: &str) -> (Vec<Entry>, Vec<LineError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (mut entries, mut errors) = (Vec::<Entry>::new(), Vec::new());
    for (i, raw) in text.split('\n').enumerate() {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut error = |message: String| errors.push(LineError { line, message });
        let Some((key, value)) = trimmed.split_once('=') else {
            error(format!(
                "expected `key = text`, found `{}` (no `=`)",
                short(trimmed)
            ));
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if !is_key(key) {
            error(format!(
                "`{}` is not a key (letters, digits, `.`, `-`, `_`)",
                short(key)
            ));
        } else if value.is_empty() {
            error(format!("`{key}` has no text after `=`"));
        } else if let Some(first) = entries.iter().find(|e| e.key == key) {
            error(format!("`{key}` again (first on line {})", first.line));
        } else {
            entries.push(Entry {
                line,
                key: key.to_string(),
                text: value.to_string(),
            });
        }
    }
    (entries, errors)
}

/// The `(key, text)` pairs in file order, or every bad line.
pub fn read(text: &str) -> Result<Vec<(String, String)>, Vec<LineError>> {
    let (entries, errors) = read_lines(text);
    if errors.is_empty() {
        Ok(entries.into_iter().map(|e| (e.key, e.text)).collect())
    } else {
        Err(errors)
    }
}

/// At most 40 characters of `s`, for a message about it.
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn is_slot_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// The `{slot}` names of a template, in order, each once. A brace that does
/// not enclose a slot name (a-z and `_`) is text.
pub fn slots(template: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) if is_slot_name(&after[..j]) => {
                if !out.contains(&&after[..j]) {
                    out.push(&after[..j]);
                }
                rest = &after[j + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// `template` with each `{slot}` replaced by its value in `args`; a slot
/// without a value stays as written.
pub fn fill(template: &str, args: &[(&str, String)]) -> String {
    fill_with(template, args, &|out, v| out.push_str(v))
}

/// [`fill`], each value written by `push` (a message's lists joined in its
/// language: `crate::messages::render`).
pub fn fill_with(
    template: &str,
    args: &[(&str, String)],
    push: &dyn Fn(&mut String, &str),
) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let value = after.find('}').and_then(|j| {
            let name = &after[..j];
            let v = args.iter().find(|(k, _)| *k == name)?;
            Some((j, &v.1))
        });
        match value {
            Some((j, v)) if is_slot_name(&after[..j]) => {
                let start = out.len();
                push(&mut out, v);
                rest = &after[j + 1..];
                // A template spaces a slot from the words around it, as
                // Chinese spaces a Latin name (TERMS.md); a value that
                // begins or ends with full-width punctuation, 「（pid 1）」,
                // takes no space on that side.
                let value = &out[start..];
                if value.ends_with(is_full_width_punctuation) {
                    rest = rest.strip_prefix(' ').unwrap_or(rest);
                }
                if value.starts_with(is_full_width_punctuation) && out[..start].ends_with(' ') {
                    out.remove(start - 1);
                }
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// CJK punctuation (「、。」『』（）【】…) and the full-width forms' (，：；！？…):
/// no space is written beside them.
pub(crate) fn is_full_width_punctuation(c: char) -> bool {
    // The full-width forms' punctuation, not their digits and letters (and
    // no Unicode table: `char::is_alphanumeric` would link one into the wasm).
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{ff01}'..='\u{ff0f}' | '\u{ff1a}'..='\u{ff20}'
        | '\u{ff3b}'..='\u{ff40}' | '\u{ff5b}'..='\u{ff60}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_texts_comments_and_blank_lines() {
        let text = "\u{feff}# heading\n\n  a.b-c_d = one {x} two  \r\nkey=x = y\n";
        assert_eq!(
            read(text),
            Ok(vec![
                ("a.b-c_d".to_string(), "one {x} two".to_string()),
                ("key".to_string(), "x = y".to_string()),
            ])
        );
        assert_eq!(read(""), Ok(vec![]));
    }

    #[test]
    fn bad_lines_are_named_and_the_good_ones_kept() {
        let text = "a = 1\nno equals here\nbad key = 2\nb =\na = 3\n= 4\nc = 5";
        let (entries, errors) = read_lines(text);
        let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["a", "c"]);
        assert_eq!(entries[1].line, 7);
        let lines: Vec<u32> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4, 5, 6]);
        assert_eq!(
            errors[0].to_string(),
            "line 2: expected `key = text`, found `no equals here` (no `=`)"
        );
        assert!(errors[3].message.contains("first on line 1"), "{errors:?}");
        assert!(read(text).is_err());
    }

    #[test]
    fn no_space_beside_full_width_punctuation() {
        let args = [
            ("b", "a_1（pid 1，a）".to_string()),
            ("o", "「x」".to_string()),
        ];
        assert_eq!(
            fill("只有 {b} 也设置了它", &args),
            "只有 a_1（pid 1，a）也设置了它"
        );
        assert_eq!(fill("停止 {o} 吧", &args), "停止「x」吧");
        // A Latin value keeps its spaces; so does English around anything.
        let latin = [("b", "python3_4701".to_string())];
        assert_eq!(
            fill("只有 {b} 也设置了它", &latin),
            "只有 python3_4701 也设置了它"
        );
        assert_eq!(fill("only {b} too", &latin), "only python3_4701 too");
        // Full-width letters are not punctuation.
        let wide = [("b", "ＡＢ".to_string())];
        assert_eq!(fill("x {b} y", &wide), "x ＡＢ y");
    }

    #[test]
    fn slots_and_fill() {
        assert_eq!(slots("{a} and {b_c}, {a}; {Not} {} {x"), ["a", "b_c"]);
        let args = [("a", "1".to_string()), ("b", "{a}".to_string())];
        assert_eq!(fill("<{a}|{b}|{c}|{A}|{|}>", &args), "<1|{a}|{c}|{A}|{|}>");
        assert_eq!(fill("no slots", &[]), "no slots");
        assert_eq!(fill("{a}{a}", &args), "11");
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "=",
            "==",
            "{",
            "a = {",
            "a = }{",
            "\u{feff}",
            "é = ü",
            "a = 中文 {x}\n\n\n",
            "\r\n\r\n",
            "#",
        ] {
            let _ = read_lines(text);
            for (_, t) in read(text).unwrap_or_default() {
                let _ = fill(&t, &[("x", "1".into())]);
                let _ = slots(&t);
            }
        }
    }
}
