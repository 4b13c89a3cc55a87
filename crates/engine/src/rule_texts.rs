//! The rules' long texts (explanation and source) as a data file. The CLI
//! has them built in (the `explanations` feature, on by default); the site's
//! wasm leaves them out and fetches `static/rule-texts.tsv`, which
//! `cargo xtask dist` writes with [`file`], when a page first shows one.

use std::collections::BTreeMap;

/// One rule's explanation and source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleText {
    pub explanation: String,
    pub source: String,
}

/// Every rule's texts, one line each: `id TAB explanation TAB source`.
/// Fails if a text holds a tab or a line break (the format has no escapes).
#[cfg(feature = "explanations")]
pub fn file() -> Result<String, String> {
    let mut out = String::new();
    for r in crate::rules::catalogue() {
        for (name, t) in [("explanation", r.explanation), ("source", r.source)] {
            if t.contains(['\t', '\n', '\r']) {
                return Err(format!(
                    "the {name} of {} holds a tab or a line break",
                    r.id
                ));
            }
        }
        out.push_str(&format!("{}\t{}\t{}\n", r.id, r.explanation, r.source));
    }
    Ok(out)
}

/// Reads [`file`]'s format: rule id → texts. A line that is not three
/// fields is an error naming it (a damaged or foreign file), never a panic.
pub fn parse(text: &str) -> Result<BTreeMap<String, RuleText>, String> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.is_empty() {
            continue;
        }
        let mut f = line.split('\t');
        match (f.next(), f.next(), f.next(), f.next()) {
            (Some(id), Some(explanation), Some(source), None) if !id.is_empty() => {
                out.insert(
                    id.to_string(),
                    RuleText {
                        explanation: explanation.to_string(),
                        source: source.to_string(),
                    },
                );
            }
            _ => return Err(format!("line {} is not “id, explanation, source”", n + 1)),
        }
    }
    if out.is_empty() {
        return Err("the file holds no rule".into());
    }
    Ok(out)
}

#[cfg(all(test, feature = "explanations"))]
mod tests {
    use super::*;

    #[test]
    fn the_file_gives_back_every_rules_texts() {
        let texts = parse(&file().unwrap()).unwrap();
        assert_eq!(texts.len(), crate::rules::catalogue().len());
        for r in crate::rules::catalogue() {
            let t = &texts[r.id];
            assert!(!t.explanation.is_empty(), "{} has no explanation", r.id);
            assert_eq!(
                (t.explanation.as_str(), t.source.as_str()),
                (r.explanation, r.source)
            );
        }
    }

    #[test]
    fn a_damaged_file_is_an_error_not_a_panic() {
        assert!(parse("").is_err());
        assert!(parse("<!doctype html>\n<html>").is_err());
        assert!(parse("a.b\tx\ty\tz\n").is_err());
        assert!(parse("a.b\tx\n").is_err());
        assert_eq!(parse("a.b\tx\ty\n\n").unwrap()["a.b"].source, "y");
    }
}
