//! `bindlab fmt`'s printer keeps a scenario's comments: over every example
//! and corpus scenario, the printed text parses to the same steps and
//! expectations, holds every comment of the original, and prints the same
//! again.

use std::path::Path;

use bindlab_engine::parse;
use bindlab_engine::print::{print, print_keeping_comments};

fn scenarios() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut dirs = vec![root.join("content/examples")];
    for os in ["linux", "freebsd", "macos", "windows"] {
        dirs.push(root.join("corpus").join(os));
    }
    let mut out = Vec::new();
    for dir in dirs {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "bindlab") {
                out.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }
    out
}

#[test]
fn fmt_keeps_every_comment_and_every_step() {
    let all = scenarios();
    assert!(all.len() > 300, "{} scenarios", all.len());
    let mut comments = 0;
    for (path, text) in all {
        let s = parse(&text).unwrap_or_else(|_| panic!("{path} parses"));
        let printed = print_keeping_comments(&s, &text);
        let again =
            parse(&printed).unwrap_or_else(|_| panic!("{path}: printed text parses:\n{printed}"));
        // The same scenario: what `print` makes of each is the same text.
        assert_eq!(print(&again), print(&s), "{path}:\n{printed}");
        for line in text.lines() {
            if let Some(at) = line.find('#') {
                let c = line[at..].trim_end();
                comments += 1;
                assert!(printed.contains(c), "{path}: `{c}` is lost:\n{printed}");
            }
        }
        assert_eq!(
            print_keeping_comments(&again, &printed),
            printed,
            "{path}: printed twice"
        );
        assert!(
            !printed.contains("\n\n\n") && !printed.ends_with("\n\n"),
            "{path}:\n{printed}"
        );
    }
    assert!(comments > 100, "{comments} comments seen");
}
