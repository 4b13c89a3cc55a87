//! `bindlab rules [ID]`: the catalogue, or one rule.

use std::io::Write;

use bindlab_course::goal::GoalMsg;
use bindlab_course::messages::Msg;
use bindlab_course::runtimes::{RowTexts, RuntimeMsg};
use bindlab_course::Locale;
use bindlab_engine::lists::Joint;
use bindlab_engine::messages::{Catalogue, CheatsheetMsg, ParseMsg, Translation};
use bindlab_engine::overlay_json;
use bindlab_engine::rules::{self, RuleId};
use bindlab_sockets::SocketsMsg;

use crate::error::{Error, Result};
use crate::{lang, table};

/// A rule's title and explanation in this run's language (English where
/// the translation lacks the rule).
fn texts(r: &rules::Rule) -> (String, String) {
    let t = rules::overlay().and_then(|o| {
        let id = RuleId::from_id(r.id)?;
        o.rule(id).map(|t| (t.title.clone(), t.explanation.clone()))
    });
    t.unwrap_or_else(|| (r.title.to_string(), r.explanation.to_string()))
}

pub fn run(out: &mut dyn Write, id: Option<&str>) -> Result {
    match id {
        None => {
            for r in rules::catalogue() {
                writeln!(out, "{:<48} {}", r.id, texts(r).0)?;
            }
        }
        Some(id) => {
            let r = rules::rule(id)
                .ok_or_else(|| Error::fatal(lang::msg(Msg::NoSuchRule, &[("id", id)])))?;
            let (title, explanation) = texts(r);
            writeln!(
                out,
                "{}\n{}\n\n{}\n\n{}",
                r.id,
                title,
                table::wrap(&explanation, 78),
                lang::msg(Msg::Source, &[("source", r.source)]),
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

/// A locale's translation of one of the message files (the engine's
/// `content/<locale>/parse.txt`, `cheatsheet.txt`; the course's `goal.txt`,
/// the sockets crate's `sockets.txt`) against the English:
/// its count line; a bad line, an unknown key, other slots or a message
/// not translated is an error (CI fails: every message a reader of the
/// locale can meet is in their language). Returns the number of errors.
fn check_messages<M: Catalogue>(out: &mut dyn Write, locale: Locale, text: &str) -> Result<usize> {
    let c = Translation::<M>::read(text);
    let file = format!("content/{locale}/{}", M::FILE);
    for e in &c.errors {
        eprintln!("{file}: {e}");
    }
    for m in &c.untranslated {
        eprintln!(
            "{file}: `{}` is not translated (the English: {})",
            m.key(),
            m.english()
        );
    }
    writeln!(
        out,
        "{locale}: {} of {} messages of {} translated, {} malformed",
        c.translation.len(),
        M::all().len(),
        M::FILE,
        c.errors.len()
    )?;
    Ok(c.errors.len() + c.untranslated.len())
}

/// A locale's translation of the runtimes table's prose
/// (`content/<locale>/runtimes-rows.txt`): like the messages, a field not
/// translated is an error. Returns the number of errors.
fn check_runtime_rows(out: &mut dyn Write, locale: Locale, text: &str) -> Result<usize> {
    let rows = super::runtimes::built_in_table()?;
    let c = RowTexts::read(&rows, text);
    let file = format!("content/{locale}/runtimes-rows.txt");
    for e in &c.errors {
        eprintln!("{file}: {e}");
    }
    for k in &c.untranslated {
        eprintln!("{file}: `{k}` is not translated (content/runtimes.toml's row and field)");
    }
    writeln!(
        out,
        "{locale}: {} of {} texts of content/runtimes.toml translated, {} malformed",
        c.texts.len(),
        c.texts.len() + c.untranslated.len(),
        c.errors.len()
    )?;
    Ok(c.errors.len() + c.untranslated.len())
}

/// `bindlab rules check`: every translated catalogue built in against the
/// English one. A malformed entry is an error (exit 1); a rule not
/// translated yet is a warning, listed. The messages (the engine's
/// `parse.txt`, `cheatsheet.txt`; a challenge check's `goal.txt`; the
/// sockets crate's `sockets.txt`) and the runtimes table's sentences and
/// prose (`runtimes.txt`, `runtimes-rows.txt`) must be translated whole.
pub fn check(out: &mut dyn Write) -> Result {
    let mut bad = 0;
    for locale in Locale::ALL {
        let Some((rules_text, words)) = lang::catalogue_text(locale) else {
            continue;
        };
        let c = overlay_json::read(rules_text, words);
        for e in &c.errors {
            eprintln!("content/{locale}/rules.json: {e}");
        }
        bad += c.errors.len();
        if !c.untranslated.is_empty() {
            let ids: Vec<&str> = c.untranslated.iter().map(|r| r.as_str()).collect();
            eprintln!(
                "bindlab: warning: {}",
                lang::msg(
                    Msg::RulesUntranslated,
                    &[
                        ("n", &ids.len().to_string()),
                        ("locale", locale.tag()),
                        ("ids", &lang::list(&ids, Joint::Comma))
                    ]
                )
            );
        }
        writeln!(
            out,
            "{locale}: {} of {} rules translated, {} malformed",
            c.overlay.len(),
            RuleId::ALL.len(),
            c.errors.len()
        )?;
        if let Some((parse, cheatsheet)) = lang::messages_text(locale) {
            bad += check_messages::<ParseMsg>(out, locale, parse)?;
            bad += check_messages::<CheatsheetMsg>(out, locale, cheatsheet)?;
        }
        if let Some((sentences, rows)) = lang::runtimes_text(locale) {
            bad += check_messages::<RuntimeMsg>(out, locale, sentences)?;
            bad += check_runtime_rows(out, locale, rows)?;
        }
        if let Some((goal, sockets)) = lang::library_messages_text(locale) {
            bad += check_messages::<GoalMsg>(out, locale, goal)?;
            bad += check_messages::<SocketsMsg>(out, locale, sockets)?;
        }
    }
    if bad == 0 {
        Ok(())
    } else {
        Err(Error::Exit(1))
    }
}
