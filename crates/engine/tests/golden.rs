//! Golden reports: the JSON `bindlab run FILE --os all --json` prints for
//! every corpus scenario (`corpus/**.bindlab`), byte for byte, on every OS.
//! The reports are the spec's JSON, so any difference is a change in what
//! bindlab tells people, and must be deliberate.
//!
//! The files live in `tests/golden/<path under corpus>.json`. When a change
//! is intended, regenerate them and review the diff:
//!
//! ```text
//! BLESS=1 cargo test -p bindlab-engine --test golden
//! git diff crates/engine/tests/golden
//! ```

use std::path::{Path, PathBuf};

use bindlab_engine::{parse_for, run_all, TextOs};

mod common;
use common::{corpus_dir, corpus_files};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// What `bindlab run FILE --os all --json` prints (without the final newline).
fn report_json(text: &str, file: &Path) -> String {
    let s = parse_for(text, TextOs::All).unwrap_or_else(|p| panic!("{}: {}", file.display(), p[0]));
    serde_json::to_string_pretty(&run_all(&s)).expect("a report serialises")
}

#[test]
fn corpus_reports_are_unchanged() {
    let bless = std::env::var_os("BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    let corpus = corpus_dir();
    let files = corpus_files();
    assert!(files.len() >= 150, "only {} corpus files", files.len());
    let mut differ = Vec::new();
    let mut expected_files = std::collections::BTreeSet::new();
    for f in &files {
        let rel = f.strip_prefix(&corpus).expect("under corpus");
        let golden = golden_dir().join(rel).with_extension("json");
        expected_files.insert(golden.clone());
        let text = std::fs::read_to_string(f).expect("corpus file is readable");
        let now = report_json(&text, f) + "\n";
        if bless {
            std::fs::create_dir_all(golden.parent().expect("parent")).expect("mkdir");
            std::fs::write(&golden, &now).expect("write golden");
            continue;
        }
        match std::fs::read_to_string(&golden) {
            Ok(before) if before == now => {}
            Ok(before) => {
                let line = before
                    .lines()
                    .zip(now.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(before.lines().count().min(now.lines().count()));
                differ.push(format!(
                    "{}: differs at line {}:\n  golden: {}\n  now:    {}",
                    rel.display(),
                    line + 1,
                    before.lines().nth(line).unwrap_or("<end>"),
                    now.lines().nth(line).unwrap_or("<end>")
                ));
            }
            Err(_) => differ.push(format!(
                "{}: no golden file {}",
                rel.display(),
                golden.display()
            )),
        }
    }
    // A golden file whose scenario is gone is stale.
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut present = Vec::new();
    walk(&golden_dir(), &mut present);
    for p in present {
        if !expected_files.contains(&p) {
            if bless {
                std::fs::remove_file(&p).expect("remove stale golden");
            } else {
                differ.push(format!("{}: no corpus scenario for it", p.display()));
            }
        }
    }
    assert!(
        differ.is_empty(),
        "{} report(s) differ from tests/golden (BLESS=1 regenerates them when the change is intended):\n{}",
        differ.len(),
        differ.join("\n")
    );
}
