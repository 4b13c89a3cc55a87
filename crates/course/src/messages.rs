//! The message catalogue: the sentences the tools say about content and
//! input (a page not translated yet, a check's summary, a scenario that
//! does not parse), one row per message with its text in every locale.
//! Kept here as data, never as literals at the call sites; `{name}` slots
//! are filled by [`fill`]. The parser's own problems, the damaged links and
//! the cheat sheet's labels are the engine's (`bindlab_engine::messages`,
//! translated in `content/<locale>/parse.txt` and `cheatsheet.txt`).

use crate::locale::Locale;

/// A message of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    /// Above a page shown in English for another locale.
    NotTranslated,
    /// `{file}`, `{locale}`: a content file the locale lacks (a warning of
    /// the check).
    FileUntranslated,
    /// `{n}`, `{locale}`, `{ids}`: rules the locale's catalogue lacks.
    RulesUntranslated,
    /// `{passed}`, `{failed}`: the lessons check's last line (and
    /// `bindlab check`'s).
    LessonsSummary,
    /// `{file}`: `bindlab check` on a file with no `=> RESULT` (counted
    /// neither passed nor failed).
    NothingToCheck,
    /// `bindlab run` on a scenario with no step.
    NoSteps,
    /// `{passed}`, `{failed}`, `{pending}`, `{scenarios}`, `{claims}`,
    /// `{rules}`: the guides check's last line.
    GuidesSummary,
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
    /// `{n}`: a step's line, where the OSes differ.
    LineN,
    Step,
    Result,
    /// `{os}`: above a single OS's table.
    OnOs,
    OsesDiffer,
    NoRuleNeeded,
    /// `{expected}`.
    Expected,
    AsExpected,
    /// `{source}`: `bindlab rules ID`'s last line.
    Source,
    /// `bindlab runtimes`: its first lines; a cell's source (`{probe}`,
    /// `{why}`, `{cited}`, `{unverified}`); the socket kinds; the options.
    RuntimesIntro,
    RuntimesMeasured,
    RuntimesMeasuredWhy,
    RuntimesCited,
    RuntimesCitedNotMeasured,
    RuntimesUnverified,
    RuntimesUnverifiedNotMeasured,
    RuntimesTcpListener,
    RuntimesTcpClient,
    RuntimesUdp,
    RuntimesNothing,
    RuntimesDualStack,
    /// The word of a table cell's summary (`StepReport::summary_in`) for
    /// datagrams dropped (its list of receivers is joined as the run's
    /// language joins lists: `bindlab_engine::lists`).
    Dropped,
    /// `{summary}`, `{group}`: a cell whose connections or datagrams an
    /// SO_REUSEPORT group's hash split: its counts are one split, the
    /// winners any of the group (`StepReport::hashed_among`).
    HashedAmong,
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
        "{file}: not translated yet ({locale})",
        "{file}：尚未翻译（{locale}）",
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
        Msg::NothingToCheck,
        "{file}: no `=> RESULT` expectation, nothing checked",
        "{file}：没有 `=> RESULT` 预期，没有可检查的内容",
    ),
    (
        Msg::NoSteps,
        "(no steps: the scenario is empty)",
        "（没有步骤：场景是空的）",
    ),
    (
        Msg::GuidesSummary,
        "{passed} passed, {failed} failed, {pending} pending; {scenarios} scenarios, {claims} stated outcomes and {rules} rule references checked against the engine",
        "{passed} 个通过，{failed} 个失败，{pending} 个待完成；已对照引擎检查 {scenarios} 个场景、{claims} 个写明的结果和 {rules} 处规则引用",
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
        "没有 `{id}` 这条规则（用 `bindlab rules` 查看全部规则）",
    ),
    (Msg::Line, "line", "行"),
    (Msg::LineN, "line {n}", "第 {n} 行"),
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
    (Msg::Source, "source: {source}", "来源：{source}"),
    (
        Msg::RuntimesIntro,
        "What each runtime sets on its own. Linux: measured on the kernel in CI\n(`cargo xtask test runtimes`); the other OSes: read in the runtime's source.",
        "各运行时默认设置了什么。Linux：在 CI 的内核上测量\n（`cargo xtask test runtimes`）；其他操作系统：从运行时的源码中读出。",
    ),
    (
        Msg::RuntimesMeasured,
        "measured on this kernel (probe {probe})",
        "已在这个内核上测量（探测程序 {probe}）",
    ),
    (
        Msg::RuntimesMeasuredWhy,
        "measured on this kernel (probe {probe}); {why}",
        "已在这个内核上测量（探测程序 {probe}）；{why}",
    ),
    (Msg::RuntimesCited, "cited: {cited}", "引用：{cited}"),
    (
        Msg::RuntimesCitedNotMeasured,
        "not measured here: {why}; cited: {cited}",
        "此处未测量：{why}；引用：{cited}",
    ),
    (
        Msg::RuntimesUnverified,
        "unverified: {unverified}",
        "未验证：{unverified}",
    ),
    (
        Msg::RuntimesUnverifiedNotMeasured,
        "not measured here: {why}; unverified: {unverified}",
        "此处未测量：{why}；未验证：{unverified}",
    ),
    (Msg::RuntimesTcpListener, "TCP listener", "TCP 监听套接字"),
    (Msg::RuntimesTcpClient, "TCP client", "TCP 客户端"),
    (Msg::RuntimesUdp, "UDP socket", "UDP 套接字"),
    (Msg::RuntimesNothing, "nothing", "无"),
    (
        Msg::RuntimesDualStack,
        "dual stack (IPV6_V6ONLY off)",
        "双栈（IPV6_V6ONLY 关闭）",
    ),
    (Msg::Dropped, "dropped", "丢弃"),
    (
        Msg::HashedAmong,
        "{summary} (any of {group}, by hash)",
        "{summary}（由哈希在 {group} 中任选）",
    ),
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
