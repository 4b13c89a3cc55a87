//! Every rule of an OS whose rules are read from its source (not checked
//! against a running kernel) cites that source precisely, in `rules.json`:
//!
//! ```json
//! "cite": [{
//!   "title": "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE",
//!   "repo": "MicrosoftDocs/win32",                      // or "url": "https://…"
//!   "path": "desktop-src/WinSock/using-so-reuseaddr-and-so-exclusiveaddruse.md",
//!   "version": "ms.date 05/31/2018, commit 08f5ed2…",   // a date, tag/release or commit
//!   "at": "Table 2, row …, column …",                   // optional: where in the file
//!   "quote": "the deciding sentence"                     // or "lines": "L120-L134"
//! }]
//! ```
//!
//! A `quote` is the source's own words, laid out as one line: its lines
//! joined by single spaces, a C comment's continuation ` * ` left out,
//! and `…` where words between are skipped. Nothing else is changed.
//!
//! The catalogue the engine compiles in (`build.rs`) reads only id, title,
//! explanation and source, so `cite` changes no report and no page.

use serde_json::Value;

/// The rule-id prefixes whose rules must carry a `cite`: every OS read from
/// its source rather than run here (Linux is checked against the kernel).
const CITED_PREFIXES: &[&str] = &["windows.", "freebsd.", "macos.", "bsd."];

/// What is wrong with one citation, if anything.
fn cite_problem(c: &Value) -> Option<String> {
    let text = |k: &str| {
        c.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("")
    };
    if text("title").is_empty() {
        return Some("no `title` (the document's or file's name)".into());
    }
    let file = !text("repo").is_empty() && !text("path").is_empty();
    let url = text("url").starts_with("https://") || text("url").starts_with("http://");
    if !file && !url {
        return Some("neither `repo` + `path` nor an http(s) `url`".into());
    }
    if !text("repo").is_empty() && !text("repo").contains('/') {
        return Some(format!("`repo` {:?} is not owner/name", text("repo")));
    }
    let version = text("version");
    let has_digit_run = |n: usize| {
        version
            .split(|ch: char| !ch.is_ascii_alphanumeric())
            .any(|w| w.len() >= n && w.chars().all(|ch| ch.is_ascii_hexdigit()))
    };
    // A date (05/31/2018, 2018-05-31), a release or tag with a number in it
    // (releng/14.1, xnu-11417.101.15), or a commit hash.
    let dated = version.contains('/') || version.contains('-') || version.contains('.');
    if version.is_empty()
        || !(has_digit_run(7) || (dated && version.chars().any(|ch| ch.is_ascii_digit())))
    {
        return Some(format!(
            "`version` {version:?} names no date, release, tag or commit"
        ));
    }
    let quote = text("quote");
    let lines = text("lines");
    let lines_ok = !lines.is_empty() && lines.chars().any(|ch| ch.is_ascii_digit());
    if quote.chars().count() < 10 && !lines_ok {
        return Some(
            "no `quote` of the deciding text (10 characters or more) and no `lines` range".into(),
        );
    }
    None
}

#[test]
fn every_source_read_rule_cites_its_source() {
    let rules: Vec<Value> =
        serde_json::from_str(include_str!("../src/rules.json")).expect("rules.json parses");
    let mut problems = Vec::new();
    let mut checked = 0;
    for r in &rules {
        let id = r.get("id").and_then(Value::as_str).unwrap_or("?");
        if !CITED_PREFIXES.iter().any(|p| id.starts_with(p)) {
            continue;
        }
        checked += 1;
        match r.get("cite").and_then(Value::as_array) {
            None => problems.push(format!("{id}: no `cite` list")),
            Some(list) if list.is_empty() => problems.push(format!("{id}: `cite` is empty")),
            Some(list) => {
                for (i, c) in list.iter().enumerate() {
                    if let Some(p) = cite_problem(c) {
                        problems.push(format!("{id}: cite {}: {p}", i + 1));
                    }
                }
            }
        }
    }
    // No rule, of any OS, sends a reader to os-rules.md: the site shows the
    // source line, and that reference is the team's, not published.
    for r in rules.iter() {
        let id = r.get("id").and_then(Value::as_str).unwrap_or("?");
        for field in ["source", "explanation"] {
            let text = r.get(field).and_then(Value::as_str).unwrap_or("");
            if text.contains("os-rules.md") {
                problems.push(format!(
                    "{id}: `{field}` cites os-rules.md; name the primary source instead"
                ));
            }
        }
    }
    assert!(checked > 0, "no rule matches {CITED_PREFIXES:?}");
    assert!(
        problems.is_empty(),
        "{} rule citation problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn a_citation_without_a_version_or_quote_is_refused() {
    let good = serde_json::json!({
        "title": "T", "repo": "o/r", "path": "p.md",
        "version": "ms.date 05/31/2018", "quote": "the deciding sentence"
    });
    assert_eq!(cite_problem(&good), None);
    for (k, v) in [
        ("version", ""),
        ("version", "latest"),
        ("quote", "short"),
        ("repo", ""),
        ("title", ""),
    ] {
        let mut bad = good.clone();
        bad[k] = Value::String(v.into());
        assert!(cite_problem(&bad).is_some(), "{k} = {v:?} was accepted");
    }
    let mut by_lines = good.clone();
    by_lines["quote"] = Value::String(String::new());
    by_lines["lines"] = Value::String("L120-L134".into());
    assert_eq!(cite_problem(&by_lines), None);
}
