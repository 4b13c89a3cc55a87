//! The course as data. A lesson is a Markdown file (`content/lessons/*.md`)
//! with a small front matter and three kinds of fenced block:
//!
//! ````text
//! ---
//! id: five-tuple
//! title: The five-tuple
//! summary: What names a connection, and why two may share a port.
//! ---
//! Prose in Markdown.
//!
//! ```scenario main
//! socket A tcp
//! ...
//! ```
//!
//! ```predict main 7 linux,windows
//! What does the bind on line 7 return?
//! ---
//! The explanation, in Markdown: folded until the reader checks.
//! ```
//!
//! ```challenge
//! goal: Two listeners share 0.0.0.0:8080 on Linux.
//! os: linux
//! require: listening 0.0.0.0:8080 >= 2
//! hint: ...
//! solution:
//!   socket A tcp
//!   ...
//! ```
//! ````
//!
//! The answer to a prediction is never written in the lesson: the engine
//! computes it. What the chapter says about it goes in the block, after a
//! `---` line, not in the paragraph below, which the reader sees while
//! choosing. A challenge's goal is a list of requirements checked on the
//! final state ([`goal`]), so any valid solution passes.

#![forbid(unsafe_code)]

pub mod bundle;
pub mod goal;
pub mod guide;
pub mod locale;
pub mod messages;
pub mod predict;
pub mod progress;
pub mod runtimes;
pub mod translation;
pub mod ui;

pub use locale::Locale;

use std::fmt;

use bindlab_engine::{parse, Os, Scenario};

/// One lesson.
#[derive(Clone, Debug)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    /// One sentence for the contents page: what the chapter teaches.
    pub summary: Option<String>,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug)]
pub enum Block {
    /// Markdown prose, as written.
    Prose(String),
    /// A live scenario, named so predictions can point at it.
    Scenario {
        name: String,
        text: String,
        line: u32,
    },
    /// "What does this step return?" — answered by the engine.
    Predict {
        scenario: String,
        step_line: u32,
        oses: Vec<Os>,
        question: String,
        /// The chapter's explanation of the answer (Markdown, after `---`):
        /// folded until the reader has checked.
        answer: Option<String>,
        line: u32,
    },
    Challenge(Challenge),
    /// The OS × option matrix, computed by the engine where it is shown.
    CheatSheet,
    /// A guide's statement of what a step does, per OS (```expect SCENARIO
    /// LINE): checked against the engine, shown as the engine's answer.
    Expect {
        scenario: String,
        step_line: u32,
        claims: Vec<guide::Claim>,
        line: u32,
    },
    /// What the reader sees, as (who: an OS, a language's runtime; the
    /// message), from a ```messages block of `WHO | MESSAGE` lines.
    Messages(Vec<(String, String)>),
    /// Code in several languages (```code: `LANG:` then indented lines).
    Code(Vec<(String, String)>),
    /// Sentences generated from the runtime-defaults table
    /// (`content/runtimes.toml`) about one situation (```runtimes restart).
    Runtimes(runtimes::Topic),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    pub goal: String,
    pub os: Os,
    /// What the learner starts from.
    pub start: String,
    pub requirements: Vec<String>,
    /// Hints, from gentle to explicit.
    pub hints: Vec<String>,
    pub solution: String,
    /// Known-wrong attempts the checker must reject (checked in CI).
    pub wrong: Vec<String>,
    pub line: u32,
}

/// A problem in a lesson file, at its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    pub line: u32,
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.message)
    }
}

pub(crate) fn err(line: u32, message: impl Into<String>) -> LessonError {
    LessonError {
        line,
        message: message.into(),
    }
}

/// Reads a lesson file.
pub fn parse_lesson(text: &str) -> Result<Lesson, Vec<LessonError>> {
    let doc = parse_doc(text, &["id", "title", "summary"]);
    let mut errors = doc.errors;
    let id = doc.front.get("id").cloned().unwrap_or_else(|| {
        errors.push(err(1, "the front matter needs an `id:`"));
        String::new()
    });
    let title = doc.front.get("title").cloned().unwrap_or_else(|| {
        errors.push(err(1, "the front matter needs a `title:`"));
        String::new()
    });
    if errors.is_empty() {
        Ok(Lesson {
            id,
            title,
            summary: doc.front.get("summary").cloned(),
            blocks: doc.blocks,
        })
    } else {
        Err(errors)
    }
}

/// A lesson-format file before its kind's own checks: the front matter's
/// known keys, the blocks, and every problem of the text.
pub(crate) struct Doc {
    pub(crate) front: std::collections::BTreeMap<&'static str, String>,
    pub(crate) blocks: Vec<Block>,
    pub(crate) errors: Vec<LessonError>,
}

/// The file format lessons and guides share: a front matter of `keys`, then
/// Markdown with fenced blocks.
pub(crate) fn parse_doc(text: &str, keys: &[&'static str]) -> Doc {
    let mut errors = Vec::new();
    let mut front = std::collections::BTreeMap::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    if lines.first() == Some(&"---") {
        i = 1;
        while i < lines.len() && lines[i] != "---" {
            let known = lines[i]
                .split_once(':')
                .and_then(|(k, v)| keys.iter().find(|key| **key == k).map(|key| (*key, v)));
            match known {
                Some((k, v)) => {
                    front.insert(k, v.trim().to_string());
                }
                None => errors.push(err(
                    i as u32 + 1,
                    format!(
                        "expected {} in the front matter, found `{}`",
                        one_of(keys),
                        lines[i]
                    ),
                )),
            }
            i += 1;
        }
        i += 1;
    } else {
        errors.push(err(1, "expected a front matter starting with `---`"));
    }
    let mut blocks = Vec::new();
    let mut prose = String::new();
    while i < lines.len() {
        let line_no = i as u32 + 1;
        if let Some(info) = lines[i].strip_prefix("```") {
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && lines[end] != "```" {
                end += 1;
            }
            if end == lines.len() {
                errors.push(err(line_no, "this fenced block is never closed"));
                break;
            }
            let body = lines[start..end].join("\n") + "\n";
            let mut words = info.split_whitespace();
            let kind = words.next().unwrap_or("");
            if BLOCK_KINDS.contains(&kind) && !prose.trim().is_empty() {
                blocks.push(Block::Prose(std::mem::take(&mut prose)));
            }
            match kind {
                "scenario" => blocks.push(Block::Scenario {
                    name: words.next().unwrap_or("main").to_string(),
                    text: body,
                    line: line_no,
                }),
                "predict" => {
                    let scenario = words.next().unwrap_or("main").to_string();
                    let step_line = words.next().and_then(|w| w.parse().ok());
                    let oses: Vec<Os> = words
                        .next()
                        .map(|w| w.split(',').filter_map(Os::from_key).collect())
                        .unwrap_or_default();
                    let body = &lines[start..end];
                    let (question, answer) = match body.iter().position(|l| l.trim() == "---") {
                        Some(k) => (
                            &body[..k],
                            Some(body[k + 1..].join("\n").trim().to_string()),
                        ),
                        None => (body, None),
                    };
                    if answer.as_deref() == Some("") {
                        errors.push(err(line_no, "the prediction's answer after `---` is empty"));
                    }
                    match step_line {
                        Some(step_line) => blocks.push(Block::Predict {
                            scenario,
                            step_line,
                            oses,
                            question: question.join("\n").trim().to_string(),
                            answer: answer.filter(|a| !a.is_empty()),
                            line: line_no,
                        }),
                        None => {
                            errors.push(err(line_no, "expected ```predict SCENARIO LINE [OS,OS]"))
                        }
                    }
                }
                "expect" => {
                    let scenario = words.next().unwrap_or("main").to_string();
                    match words.next().and_then(|w| w.parse().ok()) {
                        Some(step_line) => {
                            match guide::parse_claims(&lines[start..end], start as u32 + 1) {
                                Ok(claims) => blocks.push(Block::Expect {
                                    scenario,
                                    step_line,
                                    claims,
                                    line: line_no,
                                }),
                                Err(e) => errors.extend(e),
                            }
                        }
                        None => errors.push(err(line_no, "expected ```expect SCENARIO LINE")),
                    }
                }
                "messages" => match guide::parse_pairs(&lines[start..end], start as u32 + 1, " | ")
                {
                    Ok(rows) => blocks.push(Block::Messages(rows)),
                    Err(e) => errors.extend(e),
                },
                "code" => match guide::parse_code(&lines[start..end], start as u32 + 1) {
                    Ok(snippets) => blocks.push(Block::Code(snippets)),
                    Err(e) => errors.extend(e),
                },
                "cheatsheet" => blocks.push(Block::CheatSheet),
                "runtimes" => match words.next().and_then(runtimes::Topic::parse) {
                    Some(t) => blocks.push(Block::Runtimes(t)),
                    None => errors.push(err(
                        line_no,
                        format!(
                            "expected ```runtimes TOPIC with TOPIC one of {}",
                            runtimes::Topic::NAMES.join(", ")
                        ),
                    )),
                },
                "challenge" => match parse_challenge(&lines[start..end], start as u32 + 1) {
                    Ok(c) => blocks.push(Block::Challenge(c)),
                    Err(e) => errors.extend(e),
                },
                _ => {
                    prose.push_str(&lines[i..=end].join("\n"));
                    prose.push('\n');
                }
            }
            i = end + 1;
        } else {
            prose.push_str(lines[i]);
            prose.push('\n');
            i += 1;
        }
    }
    if !prose.trim().is_empty() {
        blocks.push(Block::Prose(prose));
    }
    Doc {
        front,
        blocks,
        errors,
    }
}

/// "`id:`, `title:` or `summary:`".
fn one_of(keys: &[&str]) -> String {
    let names: Vec<String> = keys.iter().map(|k| format!("`{k}:`")).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

/// The fenced blocks that are data, not code shown as it is.
const BLOCK_KINDS: &[&str] = &[
    "scenario",
    "predict",
    "challenge",
    "cheatsheet",
    "expect",
    "messages",
    "code",
    "runtimes",
];

/// `key: value` lines; `start:`, `solution:` and `wrong:` take the indented
/// lines that follow.
fn parse_challenge(lines: &[&str], first_line: u32) -> Result<Challenge, Vec<LessonError>> {
    let mut errors = Vec::new();
    let mut c = Challenge {
        goal: String::new(),
        os: Os::Linux,
        start: String::new(),
        requirements: Vec::new(),
        hints: Vec::new(),
        solution: String::new(),
        wrong: Vec::new(),
        line: first_line,
    };
    let mut k = 0;
    while k < lines.len() {
        let n = first_line + k as u32;
        let Some((key, value)) = lines[k].split_once(':') else {
            if !lines[k].trim().is_empty() {
                errors.push(err(
                    n,
                    format!(
                        "expected `key: value` in the challenge, found `{}`",
                        lines[k]
                    ),
                ));
            }
            k += 1;
            continue;
        };
        let value = value.trim().to_string();
        let mut block = || {
            let mut text = String::new();
            while k + 1 < lines.len() && (lines[k + 1].starts_with("  ") || lines[k + 1].is_empty())
            {
                k += 1;
                text.push_str(lines[k].strip_prefix("  ").unwrap_or(""));
                text.push('\n');
            }
            text
        };
        match key.trim() {
            "goal" => c.goal = value,
            "os" => match Os::from_key(&value) {
                Some(os) => c.os = os,
                None => errors.push(err(n, format!("unknown OS `{value}`"))),
            },
            "require" => c.requirements.push(value),
            "hint" => c.hints.push(value),
            "start" => c.start = block(),
            "solution" => c.solution = block(),
            "wrong" => {
                let w = block();
                c.wrong.push(w);
            }
            other => errors.push(err(n, format!("unknown challenge field `{other}` (goal, os, require, hint, start, solution, wrong)"))),
        }
        k += 1;
    }
    if c.goal.is_empty() || c.requirements.is_empty() || c.solution.is_empty() {
        errors.push(err(
            first_line,
            "a challenge needs a goal, at least one require and a solution",
        ));
    }
    if errors.is_empty() {
        Ok(c)
    } else {
        Err(errors)
    }
}

/// Checks a lesson against the engine: every scenario parses, every
/// prediction points at a step, every challenge's requirements parse, its
/// solution meets them and every `wrong` attempt fails them.
pub fn check_lesson(lesson: &Lesson) -> Vec<LessonError> {
    let mut problems = Vec::new();
    // What the progress code can carry (see `progress`).
    let count = |f: fn(&Block) -> bool| lesson.blocks.iter().filter(|b| f(b)).count();
    let summary = lesson.summary.as_deref().map_or("", str::trim);
    if summary.is_empty() {
        problems.push(err(
            1,
            "the front matter needs a `summary:` (one sentence for the contents page)",
        ));
    }
    if count(|b| matches!(b, Block::Challenge(_))) > 3 {
        problems.push(err(1, "a lesson has at most three challenges"));
    }
    if count(|b| matches!(b, Block::Predict { .. })) > 64 {
        problems.push(err(1, "a lesson has at most 64 predictions"));
    }
    let mut scenarios: Vec<(&str, Scenario)> = Vec::new();
    for b in &lesson.blocks {
        match b {
            Block::Prose(_)
            | Block::CheatSheet
            | Block::Messages(_)
            | Block::Code(_)
            | Block::Runtimes(_) => {}
            Block::Expect { line, .. } => problems.push(err(
                *line,
                "a lesson asks before it answers: use ```predict here (```expect is for guides)",
            )),
            Block::Scenario { name, text, line } => match parse(text) {
                Ok(s) => scenarios.push((name, s)),
                Err(ps) => problems.extend(
                    ps.iter()
                        .map(|p| err(line + p.line, format!("scenario `{name}`: {}", p.message))),
                ),
            },
            Block::Predict {
                scenario,
                step_line,
                line,
                oses,
                answer,
                ..
            } => {
                if answer.is_none() {
                    problems.push(err(
                        *line,
                        "a prediction explains its answer after a `---` line (folded until the reader checks)",
                    ));
                }
                match scenarios.iter().find(|(n, _)| n == scenario) {
                    None => problems.push(err(
                        *line,
                        format!("no scenario named `{scenario}` before this prediction"),
                    )),
                    Some((_, s)) => {
                        match s.steps.iter().find(|st| st.line == *step_line) {
                        None => problems.push(err(
                            *line,
                            format!("scenario `{scenario}` has no step on its line {step_line}"),
                        )),
                        // A line number one off usually lands on a `set` or
                        // `socket` line: catch it here, not in front of a reader.
                        Some(st) if !predictable(&st.kind) => problems.push(err(
                            *line,
                            format!(
                                "line {step_line} of scenario `{scenario}` is `{}`; a prediction asks about a bind, listen, connect, accept, client or datagram step",
                                bindlab_engine::print::step_text(&st.kind)
                            ),
                        )),
                        Some(_) => {}
                    }
                        for &os in predict_oses(oses, s) {
                            let choices = predict::choices(s, *step_line, os);
                            if let Some(t) = predict::truth(s, *step_line, os) {
                                if !choices.contains(&t.outcome) {
                                    problems.push(err(
                                    *line,
                                    format!(
                                        "on {} the answer is `{}`, which is not among the choices offered ({})",
                                        os.display(),
                                        t.outcome,
                                        choices.join(", ")
                                    ),
                                ));
                                }
                            }
                        }
                    }
                }
            }
            Block::Challenge(c) => {
                let line = c.line;
                match goal::check(&c.solution, c.os, &c.requirements) {
                    Err(e) => problems.push(err(line, format!("challenge: {e}"))),
                    Ok(results) => {
                        for r in results.iter().filter(|r| !r.met) {
                            problems.push(err(
                                line,
                                format!(
                                    "challenge: the reference solution fails `{}`: {}",
                                    r.requirement, r.detail
                                ),
                            ));
                        }
                    }
                }
                for (k, w) in c.wrong.iter().enumerate() {
                    if let Ok(results) = goal::check(w, c.os, &c.requirements) {
                        if results.iter().all(|r| r.met) {
                            problems.push(err(
                                line,
                                format!(
                                    "challenge: wrong attempt {} passes every requirement",
                                    k + 1
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }
    problems
}

fn predictable(kind: &bindlab_engine::scenario::StepKind) -> bool {
    use bindlab_engine::scenario::StepKind as K;
    matches!(
        kind,
        K::Bind { .. }
            | K::Listen { .. }
            | K::Connect { .. }
            | K::Accept { .. }
            | K::Client { .. }
            | K::Datagram { .. }
    )
}

/// The anchor of a heading or glossary term, as the site names it and
/// links point to it: "TIME_WAIT" → "time-wait".
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The OSes a prediction asks about: those it names, else the scenario's own.
pub fn predict_oses<'a>(named: &'a [Os], scenario: &'a Scenario) -> &'a [Os] {
    if named.is_empty() {
        std::slice::from_ref(&scenario.os)
    } else {
        named
    }
}

/// The engine's answer to a prediction, per OS.
pub fn answer(scenario: &Scenario, step_line: u32, os: Os) -> Option<bindlab_engine::StepReport> {
    let idx = scenario.steps.iter().position(|s| s.line == step_line)?;
    bindlab_engine::run(scenario, os).steps.into_iter().nth(idx)
}
