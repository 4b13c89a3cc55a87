//! The course code runs in the same wasm instance as every widget of a page,
//! so like the engine it must never panic: not on a lesson file being
//! written, not on a learner's challenge text, not on a requirement typo.
//! CI runs 100,000 cases per property in release (`PROPTEST_CASES`, set by
//! `cargo xtask test`; `cargo xtask fuzz [N]` runs any N).

use bindlab_course::{check_lesson, goal, parse_lesson, predict};
use bindlab_engine::{parse, Os};
use proptest::prelude::*;

/// Lines that look like lesson syntax, so the generator reaches the block
/// parsers and the checks behind them, not only the front-matter error.
fn lesson_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("---".to_string()),
        Just("id: x".to_string()),
        Just("title: T".to_string()),
        Just("summary: S".to_string()),
        Just("```".to_string()),
        Just("```scenario main".to_string()),
        Just("```predict main 3 linux,windows".to_string()),
        Just("```predict nowhere 99".to_string()),
        Just("```challenge".to_string()),
        Just("```cheatsheet".to_string()),
        Just("goal: g".to_string()),
        Just("os: linux".to_string()),
        Just("os: plan9".to_string()),
        Just("require: no-errors".to_string()),
        Just("require: listening 0.0.0.0:80 >= 2".to_string()),
        Just("require: client 127.0.0.1:80 -> A".to_string()),
        Just("hint: h".to_string()),
        Just("solution:".to_string()),
        Just("start:".to_string()),
        Just("wrong:".to_string()),
        Just("  socket A tcp".to_string()),
        Just("  bind A 0.0.0.0:80".to_string()),
        Just("  listen A".to_string()),
        Just("socket A tcp".to_string()),
        Just("bind A 127.0.0.1:80".to_string()),
        Just("listen A".to_string()),
        "\\PC{0,30}",
    ]
}

fn requirement() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("no-errors".to_string()),
        "listening [0-9.:\\[\\]a-f]{0,20} (>=|==|<=|>|<) [0-9]{0,4}",
        "connected [0-9.:]{0,20} >= [0-9]{0,3}",
        "client [0-9.:\\[\\]]{0,20} (->|!->) [A-Za-z]{0,4}",
        "step \"[a-z0-9. :]{0,24}\" => [A-Za-z]{0,12}",
        "forbid [a-z]{0,8}",
        "\\PC{0,40}",
    ]
}

fn os() -> impl Strategy<Value = Os> {
    prop_oneof![
        Just(Os::Linux),
        Just(Os::FreeBsd),
        Just(Os::MacOs),
        Just(Os::Windows)
    ]
}

proptest! {
    #[test]
    fn any_lesson_text_parses_and_checks_without_panic(
        lines in prop::collection::vec(lesson_line(), 0..40),
        with_front_matter: bool,
    ) {
        // Half the cases start with a good front matter, so the blocks and
        // the checks behind them are reached, not only the first error.
        let front = if with_front_matter { "---\nid: x\ntitle: T\nsummary: S\n---\n" } else { "" };
        let text = format!("{front}{}", lines.join("\n"));
        if let Ok(lesson) = parse_lesson(&text) {
            let _ = check_lesson(&lesson);
        }
    }

    #[test]
    fn any_challenge_text_and_requirements_check_without_panic(
        text in "(socket [AB] tcp6?\n|bind [AB] (0.0.0.0|127.0.0.1|\\[::\\]):80\n|listen [AB]\n|set [AB] SO_REUSE(ADDR|PORT)\n|client 127.0.0.1:80\n|\\PC{0,12}\n){0,12}",
        reqs in prop::collection::vec(requirement(), 0..6),
        os in os(),
    ) {
        if let Ok(verdicts) = goal::check(&text, os, &reqs) {
            prop_assert_eq!(verdicts.len(), reqs.len());
        }
        for r in &reqs {
            let _ = goal::describe(r);
        }
    }

    #[test]
    fn predictions_at_any_line_answer_without_panic(
        text in "(socket [AB] tcp\n|bind [AB] 127.0.0.1:80\n|listen [AB]\n|connect [AB] 127.0.0.1:80\n|close [AB]\n){1,10}",
        line in 0u32..14,
        os in os(),
    ) {
        if let Ok(s) = parse(&text) {
            let choices = predict::choices(&s, line, os);
            let truth = predict::truth(&s, line, os);
            // A line with a step has both an answer and choices; one without has neither.
            prop_assert_eq!(truth.is_some(), !choices.is_empty());
        }
    }
}
