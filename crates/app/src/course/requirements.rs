//! A challenge's requirements in words: the checklist's lines and states,
//! and why a check could not run, in the page's language.

use bindlab_course::goal::Verdict;

use crate::i18n::{Tr, T};

/// A requirement as the checklist shows it, in `tr`'s language
/// (`goal::describe` in English; a requirement it cannot read is shown as
/// written).
pub(crate) fn describe(tr: &Tr, req: &str) -> String {
    let words: Vec<&str> = req.split_whitespace().collect();
    let count = |cmp: &str, n: &str, one: T, many: T| {
        let how = match cmp {
            ">=" => T::LessonCountAtLeast,
            "<=" => T::LessonCountAtMost,
            _ => T::LessonCountExactly,
        };
        let what = tr.t(if n == "1" { one } else { many });
        tr.f(how, &[("n", n), ("what", what)])
    };
    match words.as_slice() {
        ["no-errors"] => tr.t(T::LessonReqNoErrors).to_string(),
        ["listening", ep, cmp, n] => tr.f(
            T::LessonReqListening,
            &[
                (
                    "count",
                    &count(cmp, n, T::LessonSocketListens, T::LessonSocketsListen),
                ),
                ("ep", ep),
            ],
        ),
        ["connected", ep, cmp, n] => tr.f(
            T::LessonReqConnected,
            &[
                (
                    "count",
                    &count(cmp, n, T::LessonSocketIs, T::LessonSocketsAre),
                ),
                ("ep", ep),
            ],
        ),
        ["client", ep, "->", name] => {
            tr.f(T::LessonReqClientReaches, &[("ep", ep), ("name", name)])
        }
        ["client", ep, "!->", name] => tr.f(T::LessonReqClientNever, &[("ep", ep), ("name", name)]),
        ["forbid", kw] => tr.f(T::LessonReqForbid, &[("kw", kw)]),
        ["datagram", ep, "->", name] => {
            tr.f(T::LessonReqDatagramReaches, &[("ep", ep), ("name", name)])
        }
        ["datagram", ep, "!->", name] => {
            tr.f(T::LessonReqDatagramNever, &[("ep", ep), ("name", name)])
        }
        ["step", ..] => match req["step".len()..].trim().rsplit_once("=>") {
            Some((text, result)) => {
                let step = text.trim().trim_matches('"');
                match result.trim() {
                    "ok" => tr.f(T::LessonReqStepOk, &[("step", step)]),
                    "any" => tr.f(T::LessonReqStepAny, &[("step", step)]),
                    r => tr.f(T::LessonReqStepFails, &[("step", step), ("error", r)]),
                }
            }
            None => req.to_string(),
        },
        _ => req.to_string(),
    }
}

/// Why a challenge cannot be checked yet, in `tr`'s language: a scenario
/// that does not parse (`text`) points at the editor, which lists its
/// problems already (saying them again here said each one twice); a
/// malformed requirement (the lesson's own slip) is shown as it is.
pub(super) fn check_error(tr: &Tr, text: &str, e: &str) -> String {
    // The check fails first on a text that does not parse: asking the
    // parser again tells the two errors apart without reading `e`'s words.
    match bindlab_engine::parse(text) {
        Err(ps) if !ps.is_empty() => {
            let line = ps[0].line.to_string();
            match ps.len() {
                1 => tr.f(T::LessonFixProblemFirst, &[("line", &line)]),
                n => tr.f(
                    T::LessonFixProblemsFirst,
                    &[("n", &n.to_string()), ("line", &line)],
                ),
            }
        }
        _ => e.to_string(),
    }
}

/// A requirement's state as the checklist marks it: (class, mark, the words
/// a screen reader hears). `solved`: met on an earlier check.
pub(super) fn requirement_state(
    tr: &Tr,
    v: Option<&Verdict>,
    solved: bool,
) -> (&'static str, &'static str, String) {
    let (class, mark, k) = match v {
        None if solved => ("met", "✓", T::LessonReqMetBefore),
        None => ("unknown", "○", T::LessonReqUnknown),
        Some(v) if v.met => ("met", "✓", T::LessonReqMet),
        Some(_) => ("unmet", "✗", T::LessonReqUnmet),
    };
    (class, mark, tr.t(k).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bindlab_course::goal;

    /// In English the checklist says what the course crate says, for every
    /// requirement of every challenge of the course.
    #[test]
    fn requirements_in_english_read_as_the_course_crate_words_them() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../content/lessons");
        let tr = Tr::english();
        let mut seen = 0;
        for f in std::fs::read_dir(dir).unwrap().flatten() {
            let text = std::fs::read_to_string(f.path()).unwrap();
            let Ok(lesson) = bindlab_course::parse_lesson(&text) else {
                continue;
            };
            for b in &lesson.blocks {
                if let bindlab_course::Block::Challenge(c) = b {
                    for r in &c.requirements {
                        assert_eq!(describe(&tr, r), goal::describe(r), "{r}");
                        seen += 1;
                    }
                }
            }
        }
        assert!(seen > 10, "only {seen} requirements read");
        for r in [
            "listening 0.0.0.0:80 == 1",
            "connected 127.0.0.1:80 <= 3",
            "client 1.2.3.4:80 !-> B",
            "datagram 1.2.3.4:53 -> A",
            "datagram 1.2.3.4:53 !-> A",
            "forbid close",
            "step \"bind A 0.0.0.0:80\" => any",
            "step \"bind A 0.0.0.0:80\" => EADDRINUSE",
            "nonsense here",
        ] {
            assert_eq!(describe(&tr, r), goal::describe(r), "{r}");
        }
        let zh = crate::course::zh_for_tests();
        assert_eq!(
            describe(&zh, "listening 0.0.0.0:80 >= 2"),
            "在 0.0.0.0:80 上，至少 2 个套接字在监听。"
        );
    }

    #[test]
    fn a_scenario_that_does_not_parse_is_said_in_the_pages_language() {
        let reqs = ["no-errors".to_string()];
        let text = "socket A tcp\nbind A 0.0.0.0:99999\n";
        let Err(e) = goal::check(text, bindlab_engine::Os::Linux, &reqs) else {
            panic!("a port out of range parses")
        };
        assert_eq!(
            check_error(&Tr::english(), text, &e),
            "first fix the problem listed under your scenario (line 2)."
        );
        let two = "socket A tcp\nbind A 0.0.0.0:99999\nbind A 0.0.0.0:99999\n";
        let Err(e2) = goal::check(two, bindlab_engine::Os::Linux, &reqs) else {
            panic!("a port out of range parses")
        };
        assert_eq!(
            check_error(&Tr::english(), two, &e2),
            "first fix the 2 problems listed under your scenario (the first is on line 2)."
        );
        let zh = crate::test_support::zh(
            &[(
                "lesson.fix_problem_first",
                "请先修正场景下方列出的问题（第 {line} 行）。",
            )],
            &[],
        );
        assert_eq!(
            check_error(&zh, text, &e),
            "请先修正场景下方列出的问题（第 2 行）。"
        );
        // A text that parses: the error is the lesson's own (a malformed
        // requirement), shown as the check words it.
        let fine = "socket A tcp\n";
        let Err(bad) = goal::check(fine, bindlab_engine::Os::Linux, &["x".to_string()]) else {
            panic!("an unknown requirement is an error")
        };
        assert_eq!(check_error(&Tr::english(), fine, &bad), bad);
        assert!(!bad.is_empty());
    }

    /// A check's detail in the page's language: the English `detail` in
    /// English, the zh-CN template (content/zh-CN/goal.txt) filled with the
    /// same values in zh-CN.
    #[test]
    fn a_checks_detail_is_said_in_the_pages_language() {
        let text = "socket A tcp\nbind A 0.0.0.0:80\nlisten A\nsocket B tcp\nbind B 0.0.0.0:80\n";
        let reqs = [
            "no-errors".to_string(),
            "listening 0.0.0.0:80 >= 2".to_string(),
        ];
        let v = goal::check(text, bindlab_engine::Os::Linux, &reqs).unwrap();
        let en = Tr::english();
        for v in &v {
            assert_eq!(en.goal(v.msg, &v.args), v.detail);
        }
        let zh = crate::test_support::zh_with_messages("goal.txt");
        assert!(
            zh.goal(v[0].msg, &v[0].args)
                .starts_with("第 5 行：`bind B 0.0.0.0:80` 的结果是 EADDRINUSE——"),
            "{}",
            zh.goal(v[0].msg, &v[0].args)
        );
        assert_eq!(
            zh.goal(v[1].msg, &v[1].args),
            "0.0.0.0:80 上有 1 个套接字在监听：A"
        );
    }

    #[test]
    fn the_checklist_says_each_state_in_words() {
        let tr = Tr::english();
        assert_eq!(
            requirement_state(&tr, None, false),
            ("unknown", "○", "not checked yet".into())
        );
        assert_eq!(
            requirement_state(&tr, None, true),
            ("met", "✓", "met when you last checked".into())
        );
    }
}
