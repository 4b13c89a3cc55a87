//! `bindlab lessons check FILE... [--scenarios DIR]`: course lessons against
//! the engine; with `--scenarios`, every scenario, challenge start, solution
//! and wrong attempt written for `bindlab verify`.

use std::io::Write;

use bindlab_course::{check_lesson, parse_lesson, Block};

use crate::cmd::translations;
use crate::error::{Error, Result};
use crate::lang::msg;
use crate::load::write_file;
use bindlab_course::messages::Msg;

pub fn run(out: &mut dyn Write, files: &[String], dir: Option<&str>) -> Result {
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::fatal(format!("cannot create {dir}: {e}")))?;
    }
    let (mut passed, mut failed, mut written) = (0, 0usize, 0);
    for f in files {
        let lesson = match std::fs::read_to_string(f)
            .map_err(|e| format!("bindlab: cannot read {f}: {e}"))
            .and_then(|t| {
                parse_lesson(&t).map_err(|es| {
                    es.iter()
                        .map(|e| format!("{f}:{e}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
            }) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("{e}");
                failed += 1;
                continue;
            }
        };
        let problems = check_lesson(&lesson);
        for p in &problems {
            eprintln!("{f}:{p}");
        }
        if problems.is_empty() {
            passed += 1;
        } else {
            failed += 1;
        }
        // Every scenario and reference solution, for `bindlab verify`.
        let Some(dir) = dir else { continue };
        for (k, b) in lesson.blocks.iter().enumerate() {
            // (name, text): a challenge gives its start, its solution and
            // its known-wrong attempts, so the kernel sees what fails too.
            let texts: Vec<(String, &str)> = match b {
                Block::Scenario { text, .. } => vec![(String::new(), text.as_str())],
                Block::Challenge(c) => {
                    let mut v = vec![
                        ("-solution".to_string(), c.solution.as_str()),
                        ("-start".to_string(), c.start.as_str()),
                    ];
                    v.extend(
                        c.wrong
                            .iter()
                            .enumerate()
                            .map(|(w, t)| (format!("-wrong{}", w + 1), t.as_str())),
                    );
                    v
                }
                _ => continue,
            };
            for (suffix, text) in texts {
                let Ok(s) = bindlab_engine::parse(text) else {
                    continue;
                };
                if s.steps.is_empty() {
                    continue;
                }
                let path = format!("{dir}/{}-{k:02}{suffix}-{}.bindlab", lesson.id, s.os.key());
                write_file(&path, &bindlab_engine::print(&s))?;
                written += 1;
            }
        }
    }
    if let Some(dir) = dir {
        eprintln!("bindlab: wrote {written} scenarios to {dir}");
    }
    // The translations: the same questions, the English checks, links
    // that resolve; what is missing is listed, not failed.
    let tr = translations::check(translations::Kind::Lessons, files);
    failed += tr.failed;
    let (passed, failed) = (passed.to_string(), failed.to_string());
    writeln!(
        out,
        "{}",
        msg(
            Msg::LessonsSummary,
            &[("passed", &passed), ("failed", &failed)]
        )
    )?;
    for line in &tr.summary {
        writeln!(out, "{line}")?;
    }
    let failed: usize = failed.parse().unwrap_or(1);
    if failed == 0 {
        Ok(())
    } else {
        Err(Error::Exit(1))
    }
}
