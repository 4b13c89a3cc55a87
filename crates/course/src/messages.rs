//! The message catalogue: the sentences the tools say about content and
//! input (a page not translated yet, a check's summary, a scenario that
//! does not parse), one row per message with its text in every locale.
//! Kept here as data, never as literals at the call sites; `{name}` slots
//! are filled by [`fill`].

use crate::locale::Locale;

/// A message of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    /// Above a page shown in English for another locale.
    NotTranslated,
    /// `{file}`: a content file the locale lacks (a warning of the check).
    FileUntranslated,
    /// `{n}`, `{locale}`, `{ids}`: rules the locale's catalogue lacks.
    RulesUntranslated,
    /// `{passed}`, `{failed}`: the lessons check's last line.
    LessonsSummary,
    /// `{n}`, `{locale}`: how many files a locale has translated / lacks.
    TranslatedSummary,
    /// `{path}`, `{n}`: a scenario with text problems was not run.
    ScenarioProblems,
    /// `{path}`: the same, for one problem.
    ScenarioProblem,
    /// `{path}`, `{error}`: a file that cannot be read.
    CannotRead,
    /// `{id}`: `bindlab rules ID` for an id not in the catalogue.
    NoSuchRule,
    /// Column headings and labels of `bindlab run`'s tables.
    Line,
    Step,
    Result,
    /// `{os}`: above a single OS's table.
    OnOs,
    OsesDiffer,
    NoRuleNeeded,
    /// `{expected}`.
    Expected,
    AsExpected,
    Source,
}

/// (message, English, 简体中文).
const CATALOGUE: &[(Msg, &str, &str)] = &[
    (
        Msg::NotTranslated,
        "This page is not translated yet; it is shown in English.",
        "本页尚未翻译，以下为英文原文。",
    ),
    (
        Msg::FileUntranslated,
        "{file}: not translated yet",
        "{file}：尚未翻译",
    ),
    (
        Msg::RulesUntranslated,
        "{n} rules not translated yet into {locale}: {ids}",
        "{n} 条规则尚未翻译为 {locale}：{ids}",
    ),
    (
        Msg::LessonsSummary,
        "{passed} passed, {failed} failed",
        "{passed} 个通过，{failed} 个失败",
    ),
    (
        Msg::TranslatedSummary,
        "{locale}: {done} translated ({failed} failing the check), {missing} not translated yet (shown in English)",
        "{locale}：已翻译 {done} 个（{failed} 个未通过检查），尚未翻译 {missing} 个（显示英文原文）",
    ),
    (
        Msg::ScenarioProblems,
        "{path}: {n} problems in the scenario; nothing was run",
        "{path}：场景中有 {n} 个问题，未运行任何步骤",
    ),
    (
        Msg::ScenarioProblem,
        "{path}: 1 problem in the scenario; nothing was run",
        "{path}：场景中有 1 个问题，未运行任何步骤",
    ),
    (
        Msg::CannotRead,
        "cannot read {path}: {error}",
        "无法读取 {path}：{error}",
    ),
    (
        Msg::NoSuchRule,
        "no rule `{id}` (see `bindlab rules` for the list)",
        "没有规则 `{id}`（用 `bindlab rules` 查看全部规则）",
    ),
    (Msg::Line, "line", "行"),
    (Msg::Step, "step", "步骤"),
    (Msg::Result, "result", "结果"),
    (Msg::OnOs, "on {os}:", "在 {os} 上："),
    (
        Msg::OsesDiffer,
        "≠ the OSes differ. Why:",
        "≠ 各操作系统结果不同。原因：",
    ),
    (Msg::NoRuleNeeded, "no rule needed", "无需规则"),
    (
        Msg::Expected,
        "✗ expected {expected}",
        "✗ 预期为 {expected}",
    ),
    (Msg::AsExpected, "✓ as expected", "✓ 符合预期"),
    (Msg::Source, "source", "来源"),
];

/// The message's text in `locale` (its slots unfilled).
pub fn text(locale: Locale, msg: Msg) -> &'static str {
    CATALOGUE
        .iter()
        .find(|(m, _, _)| *m == msg)
        .map_or("", |(_, en, zh)| match locale {
            Locale::En => en,
            Locale::ZhCn => zh,
        })
}

/// The message in `locale` with its `{name}` slots filled from `args`.
pub fn fill(locale: Locale, msg: Msg, args: &[(&str, &str)]) -> String {
    let mut s = text(locale, msg).to_string();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// The scenario parser's problems in other languages: (the English
/// message as `bindlab_engine::parse` words it, with `{0}`, `{1}`… for what
/// varies; 简体中文 with the same slots). A message no pattern matches is
/// shown as it is (English); a test runs a scenario for every pattern, so
/// a change of wording in the parser fails here, not in front of a reader.
pub const PROBLEMS: &[(&str, &str)] = &[
    (
        "expected a step ({0}) or a header line (title, os, iface), found `{1}`",
        "这里应为一个步骤（{0}）或头部行（title、os、iface），实际是 `{1}`",
    ),
    ("port {0} is out of range (0–65535)", "端口 {0} 超出范围（0–65535）"),
    (
        "no socket named `{0}` exists at this point (create it first with `socket NAME tcp`)",
        "此处不存在名为 `{0}` 的套接字（请先用 `socket NAME tcp` 创建）",
    ),
    (
        "no socket named `{0}` exists at this point (sockets open here: {1})",
        "此处不存在名为 `{0}` 的套接字（此处打开的套接字：{1}）",
    ),
    (
        "socket `{0}` already exists (created on line {1}); close it first or choose another name",
        "套接字 `{0}` 已存在（创建于第 {1} 行）；请先关闭它，或换一个名字",
    ),
    ("expected an IP address, found `{0}`", "这里应为 IP 地址，实际是 `{0}`"),
    (
        "expected ADDR:PORT, found `{0}` (no port)",
        "这里应为 ADDR:PORT，实际是 `{0}`（缺少端口）",
    ),
    (
        "expected an OS (linux, freebsd, macos, windows), found `{0}`",
        "这里应为操作系统（linux、freebsd、macos、windows），实际是 `{0}`",
    ),
    (
        "expected an option (SO_REUSEADDR, SO_REUSEPORT, SO_EXCLUSIVEADDRUSE, IPV6_V6ONLY, SO_REUSEPORT_LB, IP_MULTICAST_ALL), found `{0}`",
        "这里应为选项（SO_REUSEADDR、SO_REUSEPORT、SO_EXCLUSIVEADDRUSE、IPV6_V6ONLY、SO_REUSEPORT_LB、IP_MULTICAST_ALL），实际是 `{0}`",
    ),
    (
        "{0} is not an address of this host; add it with `iface {1}` in the header",
        "{0} 不是本主机的地址；请在头部用 `iface {1}` 添加它",
    ),
    (
        "expected a port number (0–65535) or @NAME, found `{0}`",
        "这里应为端口号（0–65535）或 @NAME，实际是 `{0}`",
    ),
    (
        "expected a protocol (tcp, tcp6, udp, udp6) after the socket name, found {0}",
        "套接字名之后应为协议（tcp、tcp6、udp、udp6），实际是 {0}",
    ),
    (
        "expected a socket name after `{0}`, found the end of the line",
        "`{0}` 之后应为套接字名，但这一行已结束",
    ),
    (
        "expected ADDR:PORT after `{0}` (e.g. 0.0.0.0:8080 or [::1]:80), found the end of the line",
        "`{0}` 之后应为 ADDR:PORT（例如 0.0.0.0:8080 或 [::1]:80），但这一行已结束",
    ),
    (
        "expected `ok` or a {0} error name such as {1}, found `{2}`",
        "这里应为 `ok` 或 {0} 的错误名（例如 {1}），实际是 `{2}`",
    ),
    (
        "connect() needs a specific destination, not the wildcard {0}",
        "connect() 需要具体的目标地址，而不是通配地址 {0}",
    ),
    (
        "{0} does not exist on {1}; this scenario is for {2} (change `os` to use it)",
        "{0} 在 {1} 上不存在；这个场景是 {2} 的（要使用它，请修改 `os`）",
    ),
];

/// Matches `message` against `pattern`: the texts of its `{n}` slots.
fn captures(pattern: &str, message: &str) -> Option<Vec<(usize, String)>> {
    // The pattern's literal parts and the slot after each.
    let mut parts: Vec<(&str, Option<usize>)> = Vec::new();
    let mut rest = pattern;
    while let Some(i) = rest.find('{') {
        let j = rest[i..].find('}')? + i;
        let n: usize = rest[i + 1..j].parse().ok()?;
        parts.push((&rest[..i], Some(n)));
        rest = &rest[j + 1..];
    }
    parts.push((rest, None));
    let mut out = Vec::new();
    let mut m = message.strip_prefix(parts[0].0)?;
    for k in 0..parts.len() - 1 {
        let slot = parts[k].1?;
        let next = parts[k + 1].0;
        let end = if k + 1 == parts.len() - 1 {
            // The last literal ends the message.
            m.len()
                .checked_sub(next.len())
                .filter(|&e| m.is_char_boundary(e) && m[e..] == *next)?
        } else if next.is_empty() {
            return None;
        } else {
            m.find(next)?
        };
        out.push((slot, m[..end].to_string()));
        m = &m[end + next.len()..];
    }
    m.is_empty().then_some(out)
}

/// A parse problem's message in `locale` (as it is where no pattern fits).
pub fn problem(locale: Locale, message: &str) -> String {
    if locale == Locale::En {
        return message.to_string();
    }
    for (en, zh) in PROBLEMS {
        if let Some(caps) = captures(en, message) {
            let mut s = zh.to_string();
            for (n, v) in caps {
                s = s.replace(&format!("{{{n}}}"), &v);
            }
            return s;
        }
    }
    message.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_every_locale_with_the_same_slots() {
        let slots = |t: &str| {
            let mut v: Vec<String> = t
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect();
            v.sort();
            v
        };
        for (m, en, zh) in CATALOGUE {
            assert!(!en.is_empty() && !zh.is_empty(), "{m:?}");
            assert_eq!(slots(en), slots(zh), "{m:?}");
            assert_eq!(
                CATALOGUE.iter().filter(|(o, _, _)| o == m).count(),
                1,
                "{m:?} twice"
            );
        }
        assert_eq!(
            fill(
                Locale::ZhCn,
                Msg::LessonsSummary,
                &[("passed", "3"), ("failed", "0")]
            ),
            "3 个通过，0 个失败"
        );
    }
}
