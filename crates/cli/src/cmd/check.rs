//! `bindlab check FILE...`: every `=> RESULT` expectation; exit 1 on a
//! mismatch, 2 when a file does not parse.

use std::io::Write;

use crate::error::{Error, Result};
use crate::load::load;

pub fn run(out: &mut dyn Write, files: &[String]) -> Result {
    let (mut passed, mut failed, mut broken) = (0usize, 0usize, 0usize);
    for file in files {
        let scenario = match load(file) {
            Ok(s) => s,
            Err(Error::Exit(_)) => {
                broken += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        // A file that states no outcome has nothing to pass: said, and
        // counted neither way (`1 passed` for an empty file misled).
        if scenario.steps.iter().all(|st| st.expect.is_none()) {
            eprintln!(
                "{}",
                crate::lang::msg(
                    bindlab_course::messages::Msg::NothingToCheck,
                    &[("file", file)]
                )
            );
            continue;
        }
        let report = bindlab_engine::run(&scenario, scenario.os);
        let mut ok = true;
        for (step, rep) in scenario.steps.iter().zip(&report.steps) {
            if rep.pass == Some(false) {
                ok = false;
                let text = bindlab_engine::print::step_text(&step.kind);
                eprintln!(
                    "{file}:{}: `{text}` on {}: expected {}, got {}",
                    rep.line,
                    report.os,
                    rep.expected.as_deref().unwrap_or("?"),
                    rep.result_name()
                );
                if let (Some(rule), Some(why)) = (rep.rule, &rep.why) {
                    eprintln!("    rule {rule}: {why}");
                }
            }
        }
        if ok {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    if broken > 0 {
        eprintln!(
            "bindlab: {broken} file{} did not parse",
            if broken == 1 { "" } else { "s" }
        );
    }
    writeln!(
        out,
        "{}",
        crate::lang::msg(
            bindlab_course::messages::Msg::LessonsSummary,
            &[
                ("passed", &passed.to_string()),
                ("failed", &failed.to_string())
            ]
        )
    )?;
    if broken > 0 {
        Err(Error::Exit(2))
    } else if failed > 0 {
        Err(Error::Exit(1))
    } else {
        Ok(())
    }
}
