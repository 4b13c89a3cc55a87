//! `bindlab rules [ID]`: the catalogue, or one rule.

use std::io::Write;

use bindlab_engine::rules;

use crate::error::{Error, Result};
use crate::table;

pub fn run(out: &mut dyn Write, id: Option<&str>) -> Result {
    match id {
        None => {
            for r in rules::catalogue() {
                writeln!(out, "{:<48} {}", r.id, r.title)?;
            }
        }
        Some(id) => {
            let r = rules::rule(id).ok_or_else(|| {
                Error::fatal(format!("no rule `{id}` (see `bindlab rules` for the list)"))
            })?;
            writeln!(
                out,
                "{}\n{}\n\n{}\n\nsource: {}",
                r.id,
                r.title,
                table::wrap(r.explanation, 78),
                r.source
            )?;
            write!(out, "{}", citations(id))?;
        }
    }
    Ok(())
}

/// The rule's `cite` list from `rules.json`, one block per citation (empty
/// for a rule without one).
fn citations(id: &str) -> String {
    use std::fmt::Write;
    let all: Vec<serde_json::Value> = serde_json::from_str(rules::RULES_JSON).unwrap_or_default();
    let Some(list) = all
        .iter()
        .find(|r| r["id"] == id)
        .and_then(|r| r["cite"].as_array())
    else {
        return String::new();
    };
    let mut out = String::from("cited:\n");
    for (i, c) in list.iter().enumerate() {
        let text = |k: &str| c[k].as_str().unwrap_or("");
        let place = match (text("repo"), text("path"), text("url")) {
            (repo, path, _) if !repo.is_empty() => format!("{repo} {path}"),
            (_, _, url) => url.to_string(),
        };
        let _ = writeln!(
            out,
            "  [{}] {} — {place} ({})",
            i + 1,
            text("title"),
            text("version")
        );
        for k in ["at", "lines"] {
            if !text(k).is_empty() {
                let _ = writeln!(out, "      {}", text(k));
            }
        }
        if !text("quote").is_empty() {
            let _ = writeln!(out, "      “{}”", text("quote"));
        }
    }
    out
}
