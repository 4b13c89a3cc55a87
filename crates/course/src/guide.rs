//! Guides: one page per symptom ("Address already in use" after a restart,
//! Windows error 10013, …), for readers who arrive with an error rather than
//! a wish to take a course. A guide is a lesson-format file
//! (`content/guides/*.md`) with a front matter of its own and three more
//! fenced blocks:
//!
//! ````text
//! ---
//! id: address-in-use-after-restart
//! title: "Address already in use" after restarting a server
//! summary: One sentence for the index.
//! errors: EADDRINUSE · [Errno 98] · bind: address already in use
//! ---
//! ```messages
//! C (strerror), Linux | `bind: Address already in use`
//! Windows | no error: a restart binds at once
//! ```
//!
//! ```scenario broken
//! ...
//! ```
//!
//! ```expect broken 11
//! linux: EADDRINUSE [linux.bind.in-use]
//! windows: ok
//! ```
//!
//! ```code
//! c:
//!   setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
//! ```
//! ````
//!
//! A ```` ```messages ```` line's two columns are inline Markdown: what a
//! program prints is one code span, bindlab's own description prose.
//!
//! Unlike a lesson, a guide tells: an ```` ```expect ```` states what a step
//! does on every OS, and [`check_guide`] fails when the engine disagrees (the
//! page shows the engine's answer, never the written one). A guide with
//! `pending:` in its front matter waits for something the engine does not
//! model yet: it is parsed, not checked, and not listed.

use bindlab_engine::{parse, Os, Scenario};

use crate::{err, parse_doc, predict, Block, LessonError};

/// One guide.
#[derive(Clone, Debug)]
pub struct Guide {
    pub id: String,
    /// The symptom, as the reader would search for it.
    pub title: String,
    /// One sentence for the index: the cause and the fix.
    pub summary: String,
    /// The messages a reader may have seen, short, for the index.
    pub errors: String,
    /// Why the guide is not shown yet (the engine lacks what it needs).
    pub pending: Option<String>,
    pub blocks: Vec<Block>,
}

/// What a guide says one step does on one OS: `ok`, an error name, or, for a
/// `client` step, who takes the connection (as [`predict::truth`] names it);
/// optionally the rule that decides it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub os: Os,
    pub outcome: String,
    pub rule: Option<String>,
}

/// The languages a ```` ```code ```` block may show, as (key, label), in the
/// order the page offers them. `shell` is for fixes made outside the
/// program (a sysctl, a capability).
pub const LANGUAGES: &[(&str, &str)] = &[
    ("c", "C"),
    ("python", "Python"),
    ("go", "Go"),
    ("rust", "Rust"),
    ("node", "Node.js"),
    ("java", "Java"),
    ("csharp", "C#"),
    ("shell", "Shell"),
];

/// The label of a language key (`csharp` → `C#`).
pub fn language_label(key: &str) -> &str {
    LANGUAGES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |(_, label)| label)
}

/// The headings every guide has, as the page anchors them (`## Why` →
/// `why`): the cause, the fix, and how to look at one's own machine.
pub const SECTIONS: &[(&str, &str)] = &[
    ("why", "## Why"),
    (THE_FIX, "## The fix"),
    ("check-it-on-your-machine", "## Check it on your machine"),
];

/// The anchor of a guide's `## The fix` section, in every language (a
/// translation writes `## 解决方法 {#the-fix}`): the page's "jump to the fix".
pub const THE_FIX: &str = "the-fix";

/// Whether `blocks` hold a `##` heading anchored `id` (by its id, so in any
/// language; a `## ` line inside a fenced block is code, not a heading).
pub fn has_section(blocks: &[Block], id: &str) -> bool {
    blocks.iter().any(|b| match b {
        Block::Prose(text) => {
            let mut fenced = false;
            text.lines().any(|l| {
                if l.starts_with("```") {
                    fenced = !fenced;
                    return false;
                }
                !fenced
                    && crate::translation::heading(l).is_some_and(|h| h.level == 2 && h.id == id)
            })
        }
        _ => false,
    })
}

/// Reads a guide file.
pub fn parse_guide(text: &str) -> Result<Guide, Vec<LessonError>> {
    let doc = parse_doc(text, &["id", "title", "summary", "errors", "pending"]);
    let mut errors = doc.errors;
    let mut need = |key: &str| {
        doc.front
            .get(key)
            .filter(|v| !v.is_empty())
            .cloned()
            .unwrap_or_else(|| {
                errors.push(err(1, format!("the front matter needs `{key}:`")));
                String::new()
            })
    };
    let (id, title, summary, errors_seen) =
        (need("id"), need("title"), need("summary"), need("errors"));
    if errors.is_empty() {
        Ok(Guide {
            id,
            title,
            summary,
            errors: errors_seen,
            pending: doc.front.get("pending").cloned(),
            blocks: doc.blocks,
        })
    } else {
        Err(errors)
    }
}

/// `OS: OUTCOME [RULE]` lines.
pub(crate) fn parse_claims(
    lines: &[&str],
    first_line: u32,
) -> Result<Vec<Claim>, Vec<LessonError>> {
    let mut claims = Vec::new();
    let mut errors = Vec::new();
    for (k, l) in lines.iter().enumerate() {
        let n = first_line + k as u32;
        if l.trim().is_empty() {
            continue;
        }
        let parsed = l.split_once(':').and_then(|(os, rest)| {
            let os = Os::from_key(os.trim())?;
            let mut words = rest.split_whitespace();
            let outcome = words.next()?.to_string();
            let rule = match words.next() {
                None => None,
                Some(r) => Some(r.strip_prefix('[')?.strip_suffix(']')?.to_string()),
            };
            words
                .next()
                .is_none()
                .then_some(Claim { os, outcome, rule })
        });
        match parsed {
            Some(c) if claims.iter().any(|o: &Claim| o.os == c.os) => {
                errors.push(err(n, format!("{} is stated twice", c.os.display())))
            }
            Some(c) => claims.push(c),
            None => errors.push(err(
                n,
                format!("expected `OS: OUTCOME [RULE-ID]` (e.g. `linux: EADDRINUSE [linux.bind.in-use]`), found `{l}`"),
            )),
        }
    }
    if errors.is_empty() {
        Ok(claims)
    } else {
        Err(errors)
    }
}

/// `LEFT SEP RIGHT` lines (a ```` ```messages ```` block's `who | message`).
pub(crate) fn parse_pairs(
    lines: &[&str],
    first_line: u32,
    sep: &str,
) -> Result<Vec<(String, String)>, Vec<LessonError>> {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (k, l) in lines.iter().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        match l.split_once(sep) {
            Some((a, b)) if !a.trim().is_empty() && !b.trim().is_empty() => {
                rows.push((a.trim().to_string(), b.trim().to_string()))
            }
            _ => errors.push(err(
                first_line + k as u32,
                format!("expected `WHO{sep}MESSAGE`, found `{l}`"),
            )),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// `LANG:` lines, each followed by its snippet indented two spaces.
pub(crate) fn parse_code(
    lines: &[&str],
    first_line: u32,
) -> Result<Vec<(String, String)>, Vec<LessonError>> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut errors = Vec::new();
    for (k, l) in lines.iter().enumerate() {
        let n = first_line + k as u32;
        if let Some(code) = l.strip_prefix("  ") {
            match out.last_mut() {
                Some((_, text)) => {
                    text.push_str(code);
                    text.push('\n');
                }
                None => errors.push(err(n, "a snippet line before any `LANG:` line")),
            }
        } else if l.trim().is_empty() {
            if let Some((_, text)) = out.last_mut() {
                text.push('\n');
            }
        } else {
            match l.strip_suffix(':').map(str::trim) {
                Some(lang) if LANGUAGES.iter().any(|(k, _)| *k == lang) => {
                    out.push((lang.to_string(), String::new()))
                }
                _ => errors.push(err(
                    n,
                    format!(
                        "expected a language line ({}:) or an indented snippet, found `{l}`",
                        LANGUAGES
                            .iter()
                            .map(|(k, _)| *k)
                            .collect::<Vec<_>>()
                            .join(":, ")
                    ),
                )),
            }
        }
    }
    for (lang, text) in &mut out {
        let trimmed = text.trim_end().to_string();
        if trimmed.trim().is_empty() {
            errors.push(err(first_line, format!("the `{lang}:` snippet is empty")));
        }
        *text = trimmed + "\n";
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// What [`check_guide`] counted: the figures `bindlab guides check` prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    pub scenarios: usize,
    /// Claims (one OS of one ```` ```expect ````) compared with the engine.
    pub claims: usize,
    /// Rule ids named in the guide (claims and `#/rules/…` links), all found.
    pub rules: usize,
}

/// Checks a guide against the engine: it has every section, its scenarios
/// parse, every ```` ```expect ```` states all four OSes and agrees with the
/// engine (outcome and rule), every scenario is stated about, and every rule
/// it names exists. A pending guide is not checked.
pub fn check_guide(g: &Guide) -> (Checked, Vec<LessonError>) {
    let mut problems = Vec::new();
    let mut n = Checked::default();
    if g.pending.is_some() {
        return (n, problems);
    }
    let prose: String = g
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Prose(p) => Some(p.as_str()),
            _ => None,
        })
        .collect();
    for (slug, heading) in SECTIONS {
        // By id, so a translation's `## 原因 {#why}` is the `## Why` section.
        if !prose
            .lines()
            .any(|l| crate::translation::heading(l).is_some_and(|h| h.level == 2 && h.id == *slug))
        {
            problems.push(err(
                1,
                format!("a guide needs a `{heading}` section ({slug})"),
            ));
        }
    }
    let has = |f: fn(&Block) -> bool| g.blocks.iter().any(f);
    if !has(|b| matches!(b, Block::Messages(_))) {
        problems.push(err(
            1,
            "a guide needs a ```messages block: what the reader sees",
        ));
    }
    if !has(|b| matches!(b, Block::Code(_))) {
        problems.push(err(1, "a guide needs a ```code block: the fix in code"));
    }
    problems.extend(check_outline(g));
    for b in &g.blocks {
        if let Block::Predict { line, .. } | Block::Challenge(crate::Challenge { line, .. }) = b {
            problems.push(err(*line, "a guide states outcomes with ```expect; predictions and challenges belong to lessons"));
        }
    }
    for id in rule_links(&prose) {
        n.rules += 1;
        if bindlab_engine::rules::rule(id).is_none() {
            problems.push(err(1, format!("the link to #/rules/{id} names no rule")));
        }
    }
    let mut scenarios: Vec<(&str, Scenario, u32, bool)> = Vec::new();
    for b in &g.blocks {
        match b {
            Block::Scenario { name, text, line } => match parse(text) {
                Ok(s) => {
                    n.scenarios += 1;
                    scenarios.push((name, s, *line, false));
                }
                Err(ps) => problems.extend(
                    ps.iter()
                        .map(|p| err(line + p.line, format!("scenario `{name}`: {}", p.message))),
                ),
            },
            Block::Expect {
                scenario,
                step_line,
                claims,
                line,
            } => {
                let Some((_, s, _, stated)) = scenarios.iter_mut().find(|(n, ..)| n == scenario)
                else {
                    problems.push(err(
                        *line,
                        format!("no scenario named `{scenario}` before this ```expect"),
                    ));
                    continue;
                };
                *stated = true;
                if !s.steps.iter().any(|st| st.line == *step_line) {
                    problems.push(err(
                        *line,
                        format!("scenario `{scenario}` has no step on its line {step_line}"),
                    ));
                    continue;
                }
                for os in Os::ALL {
                    if !claims.iter().any(|c| c.os == os) {
                        problems.push(err(
                            *line,
                            format!(
                                "say what {} does too: a guide shows all four OSes",
                                os.display()
                            ),
                        ));
                    }
                }
                for c in claims {
                    n.claims += 1;
                    let Some(t) = predict::truth(s, *step_line, c.os) else {
                        continue;
                    };
                    if t.outcome != c.outcome {
                        problems.push(err(
                            *line,
                            format!(
                                "the guide says line {step_line} of `{scenario}` gives `{}` on {}; the engine says `{}`{}",
                                c.outcome,
                                c.os.display(),
                                t.outcome,
                                t.rule.map(|r| format!(" [{r}]")).unwrap_or_default()
                            ),
                        ));
                    }
                    if let Some(rule) = &c.rule {
                        n.rules += 1;
                        if t.rule.map(|r| r.as_str()) != Some(rule.as_str()) {
                            problems.push(err(
                                *line,
                                format!(
                                    "the guide names rule `{rule}` for line {step_line} of `{scenario}` on {}; the engine decides by {}",
                                    c.os.display(),
                                    t.rule.map_or("no rule".to_string(), |r| format!("`{r}`"))
                                ),
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if scenarios.len() < 2 {
        problems.push(err(
            1,
            "a guide needs two scenarios at least: the symptom and the fix",
        ));
    }
    for (name, _, line, stated) in &scenarios {
        if !stated {
            problems.push(err(
                *line,
                format!("scenario `{name}` has no ```expect: say what it shows"),
            ));
        }
    }
    (n, problems)
}

/// The programming languages every guide shows its fix in (every key of
/// [`LANGUAGES`] but `shell`, which only a fix outside the program needs).
pub const REQUIRED_LANGUAGES: &[&str] = &["c", "python", "go", "rust", "node", "java", "csharp"];

/// Where a guide's parts are: what a reader needs in each section, in order.
/// The symptom (its messages and a live scenario that reproduces it) before
/// `## Why`; the fixed scenario and the fix in code under `## The fix`; a
/// block of commands under `## Check it on your machine`; the fix in every
/// language of [`REQUIRED_LANGUAGES`].
fn check_outline(g: &Guide) -> Vec<LessonError> {
    /// One thing a guide holds, and the heading it sits under (0: before any).
    enum Part {
        Heading(String),
        Scenario,
        Messages,
        Code,
        Commands,
    }
    let mut parts: Vec<Part> = Vec::new();
    for b in &g.blocks {
        match b {
            Block::Prose(text) => {
                let mut fenced = false;
                for l in text.lines() {
                    if l.starts_with("```") {
                        if !fenced {
                            parts.push(Part::Commands);
                        }
                        fenced = !fenced;
                    } else if !fenced {
                        if let Some(h) = crate::translation::heading(l).filter(|h| h.level == 2) {
                            parts.push(Part::Heading(h.id));
                        }
                    }
                }
            }
            Block::Scenario { .. } => parts.push(Part::Scenario),
            Block::Messages(_) => parts.push(Part::Messages),
            Block::Code(_) => parts.push(Part::Code),
            _ => {}
        }
    }
    let mut problems = Vec::new();
    let at = |heading: &str| {
        parts
            .iter()
            .position(|p| matches!(p, Part::Heading(h) if h == heading))
    };
    let [why, fix, check] = [SECTIONS[0].0, SECTIONS[1].0, SECTIONS[2].0].map(at);
    if let (Some(why), Some(fix), Some(check)) = (why, fix, check) {
        if !(why < fix && fix < check) {
            problems.push(err(
                1,
                "a guide's sections come in this order: `## Why`, `## The fix`, `## Check it on your machine`",
            ));
        }
        // The parts between `from` and the next heading of SECTIONS (or the end).
        let section = |from: usize| {
            let end = parts[from + 1..]
                .iter()
                .position(
                    |p| matches!(p, Part::Heading(h) if SECTIONS.iter().any(|(id, _)| id == h)),
                )
                .map_or(parts.len(), |k| from + 1 + k);
            &parts[from + 1..end]
        };
        let intro = &parts[..why.min(fix).min(check)];
        if !intro.iter().any(|p| matches!(p, Part::Scenario)) {
            problems.push(err(1, "a guide opens on the symptom: a ```scenario that reproduces it comes before `## Why`"));
        }
        if !intro.iter().any(|p| matches!(p, Part::Messages)) {
            problems.push(err(
                1,
                "a guide opens on the symptom: its ```messages block comes before `## Why`",
            ));
        }
        if !section(fix).iter().any(|p| matches!(p, Part::Scenario)) {
            problems.push(err(
                1,
                "`## The fix` needs a ```scenario: the fixed scenario",
            ));
        }
        if !section(fix).iter().any(|p| matches!(p, Part::Code)) {
            problems.push(err(
                1,
                "`## The fix` needs its ```code block: the fix in code",
            ));
        }
        if !section(check).iter().any(|p| matches!(p, Part::Commands)) {
            problems.push(err(
                1,
                "`## Check it on your machine` needs a fenced block of commands to run (```sh)",
            ));
        }
    }
    let shown: Vec<&str> = g
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Code(snippets) => Some(snippets.iter().map(|(l, _)| l.as_str())),
            _ => None,
        })
        .flatten()
        .collect();
    if shown.is_empty() {
        return problems;
    }
    let missing: Vec<&str> = REQUIRED_LANGUAGES
        .iter()
        .copied()
        .filter(|l| !shown.contains(l))
        .collect();
    if !missing.is_empty() {
        problems.push(err(
            1,
            format!(
                "the fix in code needs every language the page offers; missing: {}",
                missing
                    .iter()
                    .map(|l| language_label(l))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    problems
}

/// The rule ids of `#/rules/ID` links.
pub fn rule_links(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("#/rules/").map(move |(at, m)| {
        let rest = &text[at + m.len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        rest[..end].trim_end_matches('.')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "---
id: t
title: T
summary: S
errors: EADDRINUSE
---
```messages
C, Linux | bind: Address already in use
```

```scenario broken
socket A tcp
bind A 0.0.0.0:80
listen A
socket B tcp
bind B 0.0.0.0:80
```

```expect broken 5
linux: EADDRINUSE [linux.bind.in-use]
freebsd: EADDRINUSE
macos: EADDRINUSE
windows: WSAEADDRINUSE
```

## Why

See [the rule](#/rules/linux.bind.listener-holds-port).

## The fix

```scenario fixed
socket A tcp
bind A 0.0.0.0:80
listen A
socket B tcp
bind B 0.0.0.0:81
```

```expect fixed 5
linux: ok
freebsd: ok
macos: ok
windows: ok
```

```code
c:
  bind(fd, (struct sockaddr *)&addr, sizeof addr);

python:
  s.bind((\"\", 81))
go:
  net.Listen(\"tcp\", \":81\")
rust:
  TcpListener::bind(\"0.0.0.0:81\")?;
node:
  server.listen(81);
java:
  ch.bind(new InetSocketAddress(81));
csharp:
  s.Bind(new IPEndPoint(IPAddress.Any, 81));
```

## Check it on your machine

```sh
ss -tlnp 'sport = :80'
```
";

    #[test]
    fn a_good_guide_checks_out_with_its_figures() {
        let g = parse_guide(GOOD).unwrap();
        let (n, problems) = check_guide(&g);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            n,
            Checked {
                scenarios: 2,
                claims: 8,
                rules: 2
            }
        );
        let Some(Block::Code(code)) = g.blocks.iter().find(|b| matches!(b, Block::Code(_))) else {
            panic!()
        };
        assert_eq!(code[0].0, "c");
        assert_eq!(code[1], ("python".into(), "s.bind((\"\", 81))\n".into()));
    }

    #[test]
    fn the_fix_is_found_by_its_anchor_in_any_language_and_never_in_code() {
        let has = |text: &str| has_section(&parse_guide(text).unwrap().blocks, THE_FIX);
        assert!(has(GOOD));
        assert!(has(&GOOD.replace("## The fix", "## 解决方法 {#the-fix}")));
        // Another anchor, or the heading only inside a fenced block: none.
        assert!(!has(&GOOD.replace("## The fix", "## 解决方法 {#fix}")));
        assert!(!has(&GOOD
            .replace("## The fix\n", "")
            .replace("ss -tlnp", "## The fix\nss -tlnp")));
    }

    #[test]
    fn a_wrong_claim_a_wrong_rule_and_a_missing_os_are_caught() {
        let bad = GOOD
            .replace("windows: WSAEADDRINUSE", "windows: ok")
            .replace("[linux.bind.in-use]", "[linux.bind.listener-holds-port]")
            .replace("macos: ok\n", "");
        let (_, p) = check_guide(&parse_guide(&bad).unwrap());
        let text: Vec<String> = p.iter().map(|e| e.to_string()).collect();
        assert_eq!(p.len(), 3, "{text:#?}");
        assert!(text[0].contains("the guide names rule `linux.bind.listener-holds-port` for line 5 of `broken` on Linux; the engine decides by `linux.bind.in-use`"), "{}", text[0]);
        assert!(
            text[1].contains("gives `ok` on Windows; the engine says `WSAEADDRINUSE`"),
            "{}",
            text[1]
        );
        assert!(text[2].contains("say what macOS does too"), "{}", text[2]);
    }

    #[test]
    fn missing_sections_unknown_rules_and_unstated_scenarios_are_caught() {
        let bad = GOOD
            .replace("## The fix\n", "")
            .replace("linux.bind.listener-holds-port)", "linux.bind.nope)")
            .replace(
                "```messages\nC, Linux | bind: Address already in use\n```\n",
                "",
            );
        let cut = bad.find("```expect fixed").unwrap();
        let end = cut + bad[cut..].find("```\n\n").unwrap() + 5;
        let bad = format!("{}{}", &bad[..cut], &bad[end..]);
        let (_, p) = check_guide(&parse_guide(&bad).unwrap());
        let text = p
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(text.contains("needs a `## The fix` section"), "{text}");
        assert!(
            text.contains("#/rules/linux.bind.nope names no rule"),
            "{text}"
        );
        assert!(text.contains("needs a ```messages block"), "{text}");
        assert!(text.contains("scenario `fixed` has no ```expect"), "{text}");
    }

    #[test]
    fn every_part_must_be_in_its_section() {
        let messages = |g: &str| {
            let (_, p) = check_guide(&parse_guide(g).unwrap());
            p.iter().map(|e| e.message.clone()).collect::<Vec<_>>()
        };
        // The symptom's scenario moved under `## Why`, the code under the
        // check, the commands gone and two languages dropped.
        let bad = GOOD
            .replace("## Why\n\nSee", "See")
            .replace("```scenario broken", "## Why\n\n```scenario broken")
            .replace("```sh\nss -tlnp 'sport = :80'\n```\n", "")
            .replace("go:\n  net.Listen(\"tcp\", \":81\")\n", "")
            .replace("node:\n  server.listen(81);\n", "");
        let cut = bad.find("```code").unwrap();
        let end = cut + bad[cut..].find("```\n\n").unwrap() + 5;
        let bad = format!("{}{}{}", &bad[..cut], &bad[end..], &bad[cut..end]);
        let p = messages(&bad);
        assert_eq!(
            p,
            [
                "a guide opens on the symptom: a ```scenario that reproduces it comes before `## Why`",
                "`## The fix` needs its ```code block: the fix in code",
                "`## Check it on your machine` needs a fenced block of commands to run (```sh)",
                "the fix in code needs every language the page offers; missing: Go, Node.js",
            ],
            "{bad}"
        );
        // The sections out of order; a `## ` line inside a fenced block is no heading.
        let swapped = GOOD
            .replace("## The fix\n", "## Check it on your machine\n")
            .replace(
                "## Check it on your machine\n\n```sh\n",
                "## The fix\n\n```sh\n## Why not\n",
            );
        assert!(
            messages(&swapped)
                .iter()
                .any(|m| m.starts_with("a guide's sections come in this order")),
            "{:?}",
            messages(&swapped)
        );
        // A guide without its fixed scenario under `## The fix`.
        let cut = GOOD.find("```scenario fixed").unwrap();
        let moved = GOOD[cut..GOOD.find("```code").unwrap()].to_string();
        let nofix = GOOD
            .replace(&moved, "")
            .replace("## Why\n", &format!("{moved}\n## Why\n"));
        assert_eq!(
            messages(&nofix),
            ["`## The fix` needs a ```scenario: the fixed scenario"]
        );
    }

    #[test]
    fn bad_blocks_are_reported_at_their_lines() {
        let bad = GOOD
            .replace("linux: ok\n", "linux ok\n")
            .replace("python:\n", "cobol:\n")
            .replace("C, Linux | bind", "C, Linux bind");
        let e = parse_guide(&bad).unwrap_err();
        let text = e
            .iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(text.contains("8: expected `WHO | MESSAGE`"), "{text}");
        assert!(text.contains("expected `OS: OUTCOME [RULE-ID]`"), "{text}");
        assert!(text.contains("found `cobol:`"), "{text}");
        assert!(parse_guide("---\nid: x\ntitle: X\n---\n")
            .unwrap_err()
            .iter()
            .any(|e| e.message.contains("`summary:`")));
    }

    #[test]
    fn a_pending_guide_is_parsed_but_not_checked() {
        let g = parse_guide(&GOOD.replace("errors:", "pending: waits for UDP\nerrors:")).unwrap();
        assert_eq!(g.pending.as_deref(), Some("waits for UDP"));
        assert_eq!(check_guide(&g), (Checked::default(), vec![]));
    }

    #[test]
    fn rule_links_end_at_the_id() {
        let ids: Vec<&str> =
            rule_links("see [r](#/rules/linux.bind.in-use), and #/rules/windows.bind.x.").collect();
        assert_eq!(ids, ["linux.bind.in-use", "windows.bind.x"]);
    }
}
