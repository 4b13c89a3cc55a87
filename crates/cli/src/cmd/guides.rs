//! `bindlab guides check FILE... [--scenarios DIR]`: the guides (one page
//! per symptom, `content/guides/*.md`) against the engine — every scenario
//! parses, every stated outcome and rule is the engine's — and, with
//! `--scenarios`, every scenario that runs on Linux written for
//! `bindlab verify` (the CI kernel stage).

use std::io::Write;

use bindlab_course::guide::{check_guide, parse_guide, Checked};
use bindlab_course::Block;
use bindlab_engine::{parse_for, Os, TextOs};

use crate::error::{Error, Result};
use crate::load::write_file;

pub fn run(out: &mut dyn Write, files: &[String], dir: Option<&str>) -> Result {
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::fatal(format!("cannot create {dir}: {e}")))?;
    }
    let (mut passed, mut failed, mut pending, mut written) = (0, 0usize, 0, 0);
    let mut total = Checked::default();
    for f in files {
        let guide = match std::fs::read_to_string(f)
            .map_err(|e| format!("bindlab: cannot read {f}: {e}"))
            .and_then(|t| {
                parse_guide(&t).map_err(|es| {
                    es.iter()
                        .map(|e| format!("{f}:{e}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
            }) {
            Ok(g) => g,
            Err(e) => {
                eprintln!("{e}");
                failed += 1;
                continue;
            }
        };
        if let Some(why) = &guide.pending {
            eprintln!("bindlab: note: {f} is pending ({why}); not checked");
            pending += 1;
            continue;
        }
        let (n, problems) = check_guide(&guide);
        for p in &problems {
            eprintln!("{f}:{p}");
        }
        total.scenarios += n.scenarios;
        total.claims += n.claims;
        total.rules += n.rules;
        if problems.is_empty() {
            passed += 1;
        } else {
            failed += 1;
        }
        let Some(dir) = dir else { continue };
        // Every scenario as Linux runs it (the page shows all four OSes
        // side by side, whatever the `os` line says); one that uses another
        // OS's option is not a Linux scenario and is left out.
        for b in &guide.blocks {
            let Block::Scenario { name, text, .. } = b else {
                continue;
            };
            let Ok(mut s) = parse_for(text, TextOs::Override(Os::Linux)) else {
                continue;
            };
            s.os = Os::Linux;
            let path = format!("{dir}/guide-{}-{name}-linux.bindlab", guide.id);
            write_file(&path, &bindlab_engine::print(&s))?;
            written += 1;
        }
    }
    if let Some(dir) = dir {
        eprintln!("bindlab: wrote {written} Linux scenarios to {dir}");
    }
    let tr = crate::cmd::translations::check(crate::cmd::translations::Kind::Guides, files);
    failed += tr.failed;
    writeln!(
        out,
        "{}",
        crate::lang::msg(
            bindlab_course::messages::Msg::GuidesSummary,
            &[
                ("passed", &passed.to_string()),
                ("failed", &failed.to_string()),
                ("pending", &pending.to_string()),
                ("scenarios", &total.scenarios.to_string()),
                ("claims", &total.claims.to_string()),
                ("rules", &total.rules.to_string()),
            ]
        )
    )?;
    for line in &tr.summary {
        writeln!(out, "{line}")?;
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(Error::Exit(1))
    }
}
