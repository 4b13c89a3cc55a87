//! The translation contract: what a file of `content/<locale>/` must keep
//! from its English original so that a translation changes the words and
//! never what is asked.
//!
//! - Front matter (lessons, guides, pages): the same keys in the same
//!   order; every key but `title` and `summary` identical, except a
//!   guide's `errors:`, whose descriptions are translated
//!   (`check_errors`).
//! - Fenced blocks, in order: ```` ```scenario ```` identical except its
//!   `title …` line and its `#` comments (a step's words stay); ```` ```predict ```` headers identical, the question
//!   translated, and its answer after `---` where the English has one;
//!   ```` ```challenge ```` identical except the text after
//!   `goal:` and `hint:`; ```` ```messages ```` the same lines, each
//!   `WHERE | MESSAGE` with WHERE translated and MESSAGE identical (it is
//!   what the OS or runtime prints) unless the English MESSAGE is bindlab's
//!   own description ([`is_description`]), which is translated; every
//!   other block (cheatsheet, expect, code, shell) byte-identical.
//! - Every `##`/`###` heading ends with `{#id}`, the id of the English
//!   heading at the same place ([`heading`]), same level, same order.
//! - Links keep their targets: the same targets, as many times each.
//!
//! A translated lesson or guide is then checked exactly as the English
//! ones (`check_lesson`, `check_guide`).

use crate::{err, slug, LessonError};

/// A `##` or `###` heading: its level, the text shown (without `{#id}`)
/// and its id (the `{#id}` written, else the text's [`slug`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: usize,
    pub text: String,
    pub id: String,
    /// Whether the id was written as `{#id}`.
    pub explicit: bool,
}

/// Reads a heading line, honouring an explicit `{#id}` (in any language):
/// `## 通配地址 {#wildcard-address}` shows "通配地址" and is anchored
/// `wildcard-address`; `## Wildcard address` is `wildcard-address` too.
pub fn heading(line: &str) -> Option<Heading> {
    let level = line.bytes().take_while(|b| *b == b'#').count();
    if !(2..=3).contains(&level) || line.as_bytes().get(level) != Some(&b' ') {
        return None;
    }
    let rest = line[level..].trim();
    if let Some(open) = rest.rfind("{#") {
        if let Some(id) = rest[open + 2..].strip_suffix('}') {
            if !id.is_empty() && !id.contains(char::is_whitespace) {
                return Some(Heading {
                    level,
                    text: rest[..open].trim_end().to_string(),
                    id: id.to_string(),
                    explicit: true,
                });
            }
        }
    }
    Some(Heading {
        level,
        text: rest.to_string(),
        id: slug(rest),
        explicit: false,
    })
}

/// A fenced block: its info string, its lines and the line it opens on.
struct Fence<'a> {
    info: &'a str,
    body: Vec<&'a str>,
    line: u32,
}

/// The parts of a file the contract compares.
struct Parts<'a> {
    front: Vec<(&'a str, &'a str, u32)>,
    fences: Vec<Fence<'a>>,
    headings: Vec<(Heading, u32)>,
    links: Vec<&'a str>,
}

fn parts(text: &str) -> Parts<'_> {
    let lines: Vec<&str> = text.lines().collect();
    let mut p = Parts {
        front: Vec::new(),
        fences: Vec::new(),
        headings: Vec::new(),
        links: Vec::new(),
    };
    let mut i = 0;
    if lines.first() == Some(&"---") {
        i = 1;
        while i < lines.len() && lines[i] != "---" {
            let (k, v) = lines[i].split_once(':').unwrap_or((lines[i], ""));
            p.front.push((k.trim(), v.trim(), i as u32 + 1));
            i += 1;
        }
        i += 1;
    }
    while i < lines.len() {
        let n = i as u32 + 1;
        if let Some(info) = lines[i].strip_prefix("```") {
            let start = i + 1;
            let mut end = start;
            while end < lines.len() && lines[end] != "```" {
                end += 1;
            }
            // A prediction's answer is prose: its links count.
            if info.starts_with("predict") {
                for l in &lines[start..end.min(lines.len())] {
                    p.links.extend(link_targets(l));
                }
            }
            p.fences.push(Fence {
                info,
                body: lines[start..end.min(lines.len())].to_vec(),
                line: n,
            });
            i = end + 1;
            continue;
        }
        if let Some(h) = heading(lines[i]) {
            p.headings.push((h, n));
        }
        p.links.extend(link_targets(lines[i]));
        i += 1;
    }
    p.links.sort_unstable();
    p
}

/// The targets of the Markdown links `[text](target)` on a line.
pub fn link_targets(line: &str) -> impl Iterator<Item = &str> {
    line.split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(t, _)| t))
}

/// The front matter keys a translation translates; every other is kept.
const TEXT_KEYS: &[&str] = &["title", "summary"];

/// Checks a translation `tr` against its English original `en` (both
/// whole files, lesson, guide or page): every breach of the contract,
/// at its line in `tr`.
pub fn check(en: &str, tr: &str) -> Vec<LessonError> {
    let (e, t) = (parts(en), parts(tr));
    let mut out = Vec::new();

    // Front matter.
    let keys = |p: &Parts| {
        p.front
            .iter()
            .map(|(k, _, _)| k.to_string())
            .collect::<Vec<_>>()
    };
    if keys(&e) != keys(&t) {
        out.push(err(
            1,
            format!(
                "the front matter has keys {:?}; the English has {:?}",
                keys(&t),
                keys(&e)
            ),
        ));
    }
    for (k, v, n) in &t.front {
        match e.front.iter().find(|(ek, _, _)| ek == k) {
            Some((_, ev, _)) if *k == "errors" => {
                out.extend(check_errors(ev, v).map(|m| err(*n, m)));
            }
            Some((_, ev, _)) if !TEXT_KEYS.contains(k) && ev != v => out.push(err(
                *n,
                format!("`{k}:` must be as in English (`{ev}`), found `{v}`"),
            )),
            Some(_) if TEXT_KEYS.contains(k) && v.is_empty() => {
                out.push(err(*n, format!("`{k}:` is empty")))
            }
            _ => {}
        }
    }

    // Fenced blocks.
    if e.fences.len() != t.fences.len() {
        out.push(err(
            1,
            format!(
                "{} fenced blocks; the English has {} (a translation keeps every block)",
                t.fences.len(),
                e.fences.len()
            ),
        ));
    }
    for (ef, tf) in e.fences.iter().zip(&t.fences) {
        out.extend(check_fence(ef, tf));
    }

    // Headings.
    for (h, n) in &t.headings {
        if !h.explicit {
            out.push(err(
                *n,
                format!(
                    "the heading `{}` needs its English id: end it with {{#id}}",
                    h.text
                ),
            ));
        }
    }
    if e.headings.len() != t.headings.len() {
        out.push(err(
            1,
            format!(
                "{} headings; the English has {}",
                t.headings.len(),
                e.headings.len()
            ),
        ));
    } else if let Some(((eh, _), (th, n))) = e
        .headings
        .iter()
        .zip(&t.headings)
        .find(|((eh, _), (th, _))| th.explicit && (eh.id != th.id || eh.level != th.level))
    {
        // (A heading without `{#id}` is reported above.)
        out.push(err(
            *n,
            format!(
                "heading `{}` is {{#{}}} at level {}; the English heading here is `{}` {{#{}}} at level {}",
                th.text, th.id, th.level, eh.text, eh.id, eh.level
            ),
        ));
    }

    // Links.
    if e.links != t.links {
        let missing: Vec<&&str> = e.links.iter().filter(|l| !t.links.contains(l)).collect();
        let extra: Vec<&&str> = t.links.iter().filter(|l| !e.links.contains(l)).collect();
        out.push(err(
            1,
            format!(
                "links must keep their targets: missing {missing:?}, not in the English {extra:?} ({} links here, {} in English)",
                t.links.len(),
                e.links.len()
            ),
        ));
    }
    out
}

fn check_fence(e: &Fence, t: &Fence) -> Vec<LessonError> {
    let kind = |f: &Fence| f.info.split_whitespace().next().unwrap_or("").to_string();
    let n = t.line;
    if e.info != t.info {
        return vec![err(
            n,
            format!(
                "this block opens ```{}; the English block here opens ```{} (headers are kept)",
                t.info, e.info
            ),
        )];
    }
    let same_except = |keep: &dyn Fn(&str) -> String, what: &str| -> Vec<LessonError> {
        let strip = |b: &[&str]| -> Vec<String> { b.iter().map(|l| keep(l)).collect() };
        let (eb, tb) = (strip(&e.body), strip(&t.body));
        if eb == tb {
            return Vec::new();
        }
        let k = eb
            .iter()
            .zip(&tb)
            .position(|(a, b)| a != b)
            .unwrap_or(eb.len().min(tb.len()));
        vec![err(
            n + 1 + k as u32,
            format!(
                "this ```{} block must be the English one {what}: line {} is `{}`, the English `{}`",
                kind(t),
                k + 1,
                tb.get(k).map_or("(nothing)", String::as_str),
                eb.get(k).map_or("(nothing)", String::as_str)
            ),
        )]
    };
    match kind(e).as_str() {
        "scenario" => same_except(
            &|l: &str| {
                if l.starts_with("title ") {
                    "title…".to_string()
                } else if let Some((step, _)) = l.split_once('#') {
                    match step.trim_end() {
                        "" => "#…".to_string(),
                        step => format!("{step} #…"),
                    }
                } else {
                    l.to_string()
                }
            },
            "except its `title` line and its `#` comments",
        ),
        "predict" => {
            let answered = |b: &[&str]| b.iter().any(|l| l.trim() == "---");
            if t.body.iter().all(|l| l.trim().is_empty()) {
                vec![err(n, "the prediction's question is empty")]
            } else if answered(&t.body) != answered(&e.body) {
                vec![err(
                    n,
                    if answered(&e.body) {
                        "the English prediction has an answer after `---`: translate it too"
                    } else {
                        "the English prediction has no answer section: drop the `---` and what follows"
                    },
                )]
            } else {
                Vec::new()
            }
        }
        "challenge" => same_except(
            &|l: &str| {
                ["goal:", "hint:"]
                    .into_iter()
                    .find(|k| l.trim_start().starts_with(k))
                    .map_or_else(|| l.to_string(), |k| format!("{k}…"))
            },
            "except the text after `goal:` and `hint:`",
        ),
        "messages" => check_messages(e, t),
        _ => same_except(&|l: &str| l.to_string(), "byte for byte"),
    }
}

/// A guide's `errors:` line (what a reader arrives with, ` · ` between):
/// as many items as the English, each as printed (an OS's or runtime's
/// message, kept to be searched for; `[Errno 48] on macOS` keeps
/// `[Errno 48]`) unless the English item is bindlab's own description
/// (`no error`, `one busy worker`), which is translated.
fn check_errors(en: &str, tr: &str) -> Option<String> {
    let (e, t): (Vec<&str>, Vec<&str>) = (en.split(" · ").collect(), tr.split(" · ").collect());
    if e.len() != t.len() {
        return Some(format!(
            "`errors:` has {} items; the English has {} (`{en}`)",
            t.len(),
            e.len()
        ));
    }
    let wrong: Vec<String> = e
        .iter()
        .zip(&t)
        .filter_map(|(e, t)| {
            let message = e.split_once(" on ").map_or(*e, |(m, _)| m).trim();
            match is_description(e) {
                true if t.trim().is_empty() => Some(format!("an empty item for `{e}`")),
                false if !t.contains(message) => Some(format!("`{t}` drops `{message}`")),
                _ => None,
            }
        })
        .collect();
    (!wrong.is_empty()).then(|| {
        format!(
            "`errors:` keeps each message as printed, as in English (`{en}`): {}",
            wrong.join("; ")
        )
    })
}

/// How bindlab's own descriptions in a ```` ```messages ```` block's
/// message column open (`Windows | no error: a restart binds at once`,
/// `Monitoring | one worker at 100 % CPU, …`). What an OS or a runtime
/// prints never opens so: it starts with the failing call (`bind:`,
/// `listen tcp`), an exception's or error's name, or a number.
pub const DESCRIPTION_OPENINGS: [&str; 7] = [
    "no error",
    "the ",
    "a ",
    "one ",
    "each ",
    "strange ",
    "connections ",
];

/// Whether an English message column is bindlab's own description, which
/// a translation translates (an OS's or runtime's message is kept as it is
/// printed, to be searched for).
pub fn is_description(message: &str) -> bool {
    DESCRIPTION_OPENINGS
        .iter()
        .any(|o| message.trim_start().starts_with(o))
}

/// A ```` ```messages ```` block: line for line `WHERE | MESSAGE`, WHERE
/// translated, MESSAGE as in English unless that is a description.
fn check_messages(e: &Fence, t: &Fence) -> Vec<LessonError> {
    let lines = |f: &Fence| -> Vec<(u32, String)> {
        f.body
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(k, l)| (f.line + 1 + k as u32, l.to_string()))
            .collect()
    };
    let (el, tl) = (lines(e), lines(t));
    if el.len() != tl.len() {
        return vec![err(
            t.line,
            format!(
                "this ```messages block has {} lines; the English has {} (one translated line per English line)",
                tl.len(),
                el.len()
            ),
        )];
    }
    let mut out = Vec::new();
    for ((_, en), (n, tr)) in el.iter().zip(&tl) {
        let (Some((_, em)), Some((tw, tm))) = (en.split_once(" | "), tr.split_once(" | ")) else {
            out.push(err(
                *n,
                format!("expected `WHERE | MESSAGE` as in the English `{en}`, found `{tr}`"),
            ));
            continue;
        };
        let (em, tw, tm) = (em.trim(), tw.trim(), tm.trim());
        if tw.is_empty() || tm.is_empty() {
            out.push(err(*n, format!("`{tr}` leaves a column empty")));
        } else if !is_description(em) && em != tm {
            out.push(err(
                *n,
                format!(
                    "the message `{tm}` must be as the OS or runtime prints it, as in English: `{em}` (only the WHERE column and bindlab's own descriptions, those opening with {}, are translated)",
                    DESCRIPTION_OPENINGS
                        .iter()
                        .map(|o| format!("`{}`", o.trim_end()))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    out
}

/// Where a link of the course may point, for [`unresolved_links`].
#[derive(Clone, Debug, Default)]
pub struct Targets {
    pub glossary: Vec<String>,
    pub lessons: Vec<String>,
    pub guides: Vec<String>,
}

impl Targets {
    /// The glossary's terms from its text (the headings' ids).
    pub fn glossary_ids(text: &str) -> Vec<String> {
        parts(text)
            .headings
            .into_iter()
            .map(|(h, _)| h.id)
            .collect()
    }
}

/// Every `#/glossary/…`, `#/learn/…`, `#/guides/…` and `#/rules/…` link of
/// `text` that names nothing.
pub fn unresolved_links(text: &str, to: &Targets) -> Vec<LessonError> {
    let mut out = Vec::new();
    for (k, line) in text.lines().enumerate() {
        for target in link_targets(line) {
            let known = |list: &[String], id: &str| list.iter().any(|x| x == id);
            let bad = if let Some(id) = target.strip_prefix("#/glossary/") {
                !known(&to.glossary, id)
            } else if let Some(id) = target.strip_prefix("#/learn/") {
                !known(&to.lessons, id.split('#').next().unwrap_or(id))
            } else if let Some(id) = target.strip_prefix("#/guides/") {
                !known(&to.guides, id)
            } else if let Some(id) = target.strip_prefix("#/rules/") {
                bindlab_engine::rules::rule(id).is_none()
            } else {
                false
            };
            if bad {
                out.push(err(
                    k as u32 + 1,
                    format!("the link `{target}` names nothing"),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: &str = "---\nid: wildcard\ntitle: The wildcard\nsummary: What 0.0.0.0 means.\n---\nSee [the term](#/glossary/wildcard-address).\n\n## Why it fails\n\n```scenario main\ntitle Two binds\nos linux\nsocket A tcp\nbind A 0.0.0.0:80   # the wildcard\n```\n\n```predict main 4 linux\nWhat does the bind return?\n```\n\n### Wildcard address {#wildcard}\n\n```challenge\ngoal: Two listeners.\nos: linux\nrequire: listening 0.0.0.0:80 >= 2\nhint: Try SO_REUSEPORT.\nsolution:\n  socket A tcp\n```\n\n```messages\nPython, Linux | OSError: [Errno 98] Address already in use\nWindows | no error: a restart binds at once\n```\n\n```sh\nss -tlnp\n```\n";

    fn zh() -> String {
        EN.replace("title: The wildcard", "title: 通配地址")
            .replace("summary: What 0.0.0.0 means.", "summary: 0.0.0.0 的含义。")
            .replace("See [the term]", "参见[术语]")
            .replace("## Why it fails", "## 为什么失败 {#why-it-fails}")
            .replace("title Two binds", "title 两次绑定")
            .replace("# the wildcard", "# 通配地址")
            .replace("What does the bind return?", "bind 返回什么？")
            .replace(
                "### Wildcard address {#wildcard}",
                "### 通配地址 {#wildcard}",
            )
            .replace("goal: Two listeners.", "goal: 两个监听套接字。")
            .replace("hint: Try SO_REUSEPORT.", "hint: 试试 SO_REUSEPORT。")
            .replace("Python, Linux |", "Python，Linux |")
            .replace(
                "no error: a restart binds at once",
                "没有错误：重启立即绑定成功",
            )
    }

    fn one(tr: &str, needle: &str) {
        let p = check(EN, tr);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].message.contains(needle), "{p:?}");
    }

    #[test]
    fn a_faithful_translation_passes() {
        assert_eq!(check(EN, &zh()), vec![]);
        assert_eq!(
            check(EN, EN).len(),
            1,
            "English headings have no {{#id}}: only the first lacks one"
        );
    }

    #[test]
    fn headings_honour_explicit_ids() {
        let h = heading("## 通配地址 {#wildcard-address}").unwrap();
        assert_eq!(
            (h.text.as_str(), h.id.as_str(), h.level),
            ("通配地址", "wildcard-address", 2)
        );
        let h = heading("### TIME_WAIT").unwrap();
        assert_eq!((h.id.as_str(), h.explicit), ("time-wait", false));
        assert_eq!(heading("# Title"), None);
        assert_eq!(heading("##no space"), None);
    }

    #[test]
    fn front_matter_ids_and_keys_are_kept() {
        one(
            &zh().replace("id: wildcard", "id: tongpei"),
            "`id:` must be as in English",
        );
        one(&zh().replace("summary: 0.0.0.0 的含义。\n", ""), "keys");
    }

    #[test]
    fn a_scenario_may_change_only_its_title_and_comments() {
        one(
            &zh().replace("bind A 0.0.0.0:80", "bind A 0.0.0.0:81"),
            "except its `title` line and its `#` comments",
        );
        // A step's words are kept even beside a translated comment.
        one(
            &zh().replace("bind A 0.0.0.0:80   #", "bind B 0.0.0.0:80 #"),
            "line 4 is `bind B 0.0.0.0:80 #…`",
        );
        // A comment may not hide a step the English has.
        one(
            &zh().replace("socket A tcp\nbind", "# socket A tcp\nbind"),
            "line 3 is `#…`",
        );
    }

    #[test]
    fn a_prediction_keeps_its_header() {
        one(
            &zh().replace("```predict main 4 linux", "```predict main 4 linux,windows"),
            "headers are kept",
        );
        one(&zh().replace("bind 返回什么？", ""), "question is empty");
        one(
            &zh().replace("bind 返回什么？\n", "bind 返回什么？\n---\n失败。\n"),
            "no answer section",
        );
    }

    #[test]
    fn a_challenge_may_change_only_goal_and_hints() {
        one(&zh().replace(">= 2", ">= 1"), "goal:");
        one(
            &zh().replace("os: linux\nrequire", "os: windows\nrequire"),
            "goal:",
        );
    }

    #[test]
    fn other_blocks_are_byte_identical() {
        one(
            &zh().replace("ss -tlnp", "ss -tlnp  # 查看"),
            "byte for byte",
        );
        one(&zh().replace("```sh\nss -tlnp\n```\n", ""), "fenced blocks");
    }

    #[test]
    fn a_messages_block_translates_where_and_descriptions_only() {
        // zh() translated a WHERE column and a description: it passes (above).
        one(
            &zh().replace(
                "[Errno 98] Address already in use",
                "[Errno 98] 地址已被占用",
            ),
            "must be as the OS or runtime prints it",
        );
        one(
            &zh().replace("Windows | 没有错误：重启立即绑定成功\n", ""),
            "has 1 lines; the English has 2",
        );
        one(
            &zh().replace("Windows | 没有", "Windows 没有"),
            "expected `WHERE | MESSAGE`",
        );
        one(
            &zh().replace("Python，Linux |", " |"),
            "leaves a column empty",
        );
        // Only bindlab's own words count as a description.
        assert!(is_description("no error: bind() and listen() succeeded"));
        assert!(is_description(
            "the receiver started last gets every datagram"
        ));
        assert!(!is_description("bind: Address already in use"));
        assert!(!is_description(
            "listen tcp :8080: bind: address already in use"
        ));
        assert!(!is_description("10048 WSAEADDRINUSE"));
    }

    #[test]
    fn a_guides_errors_line_translates_its_descriptions_only() {
        let en = "no error · strange replies · [Errno 48] on macOS · bind: Address already in use";
        assert_eq!(check_errors(en, en), None);
        assert_eq!(
            check_errors(
                en,
                "没有错误 · 奇怪的回复 · macOS 上的 [Errno 48] · bind: Address already in use"
            ),
            None
        );
        let dropped = check_errors(
            en,
            "没有错误 · 奇怪的回复 · macOS 上的 [Errno 48] · bind：地址已被占用",
        );
        assert!(dropped.is_some_and(|m| m.contains("drops `bind: Address already in use`")));
        let fewer = check_errors(en, "没有错误 · 奇怪的回复");
        assert!(fewer.is_some_and(|m| m.contains("has 2 items; the English has 4")));
    }

    /// The rule holds for every block of the project's guides: each
    /// description opens as [`DESCRIPTION_OPENINGS`] says, no real message
    /// does. And the page shows them so: a message as printed is one code
    /// span (`` `bind: Address already in use` ``), a description is prose
    /// (code in it marked as in any sentence), never set wholly as code.
    #[test]
    fn the_guides_descriptions_are_the_ones_the_rule_names() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/guides");
        let one_code_span = |m: &str| {
            m.len() > 2
                && m.starts_with('`')
                && m.ends_with('`')
                && !m[1..m.len() - 1].contains('`')
        };
        let mut descriptions = Vec::new();
        for f in std::fs::read_dir(dir).unwrap().flatten() {
            let text = std::fs::read_to_string(f.path()).unwrap();
            for fence in parts(&text).fences.iter().filter(|f| f.info == "messages") {
                for l in &fence.body {
                    if let Some((_, m)) = l.split_once(" | ") {
                        let m = m.trim();
                        if is_description(m) {
                            assert!(!one_code_span(m), "a description set as code: {m}");
                            descriptions.push(m.to_string());
                        } else {
                            assert!(one_code_span(m), "a printed message not set as code: {m}");
                        }
                    }
                }
            }
        }
        descriptions.sort();
        assert_eq!(descriptions.len(), 12, "{descriptions:#?}");
        assert!(descriptions
            .iter()
            .all(|d| !d.contains("Errno") && !d.starts_with("bind")));
    }

    #[test]
    fn headings_need_the_english_ids_in_order() {
        one(&zh().replace("{#why-it-fails}", ""), "needs its English id");
        one(
            &zh().replace("{#why-it-fails}", "{#why}"),
            "the English heading here",
        );
        one(&zh().replace("### 通配地址", "## 通配地址"), "level");
    }

    #[test]
    fn links_keep_their_targets() {
        one(
            &zh().replace("#/glossary/wildcard-address", "#/glossary/tongpei"),
            "keep their targets",
        );
    }

    #[test]
    fn links_must_resolve() {
        let to = Targets {
            glossary: Targets::glossary_ids("## Wildcard address\n\n## 五元组 {#five-tuple}\n"),
            lessons: vec!["wildcard".into()],
            guides: vec![],
        };
        let text = "[a](#/glossary/wildcard-address) [b](#/glossary/five-tuple) [c](#/learn/wildcard) [d](#/rules/common.no-such-socket)\n[e](#/glossary/nope) [f](#/rules/linux.nope) [g](#/guides/x)";
        let bad: Vec<String> = unresolved_links(text, &to)
            .into_iter()
            .map(|e| e.message)
            .collect();
        assert_eq!(bad.len(), 3, "{bad:?}");
        assert!(bad[0].contains("#/glossary/nope"));
    }
}
