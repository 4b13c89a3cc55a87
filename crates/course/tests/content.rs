//! Every lesson under content/lessons parses, and its scenarios,
//! predictions and challenges (solutions pass, wrong attempts fail) check
//! out against the engine.

use std::path::Path;

use bindlab_course::{answer, check_lesson, parse_lesson, Block};
use bindlab_engine::{parse, Os};

#[test]
fn every_lesson_checks_out() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/lessons");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "lessons: {files:?}");
    let mut challenges = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let lesson = parse_lesson(&text).unwrap_or_else(|e| panic!("{}:{}", f.display(), e[0]));
        let problems = check_lesson(&lesson);
        assert!(problems.is_empty(), "{}:{}", f.display(), problems[0]);
        challenges += lesson
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Challenge(_)))
            .count();
    }
    assert!(challenges >= files.len(), "every lesson has a challenge");
}

#[test]
fn predictions_are_answered_by_the_engine() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/lessons/01-five-tuple.md"),
    )
    .unwrap();
    let lesson = parse_lesson(&text).unwrap();
    let Some(Block::Scenario { text, .. }) = lesson
        .blocks
        .iter()
        .find(|b| matches!(b, Block::Scenario { name, .. } if name == "collision"))
    else {
        panic!()
    };
    let s = parse(text).unwrap();
    let line = s.steps.last().unwrap().line;
    assert_eq!(answer(&s, line, Os::Linux).unwrap().result, "EADDRNOTAVAIL");
    assert_eq!(answer(&s, line, Os::FreeBsd).unwrap().result, "EADDRINUSE");
    assert_eq!(
        answer(&s, line, Os::Windows).unwrap().result,
        "WSAEADDRINUSE"
    );
}

#[test]
fn a_broken_lesson_is_reported_at_its_line() {
    let bad = "---\nid: x\ntitle: X\n---\n```challenge\ngoal: g\nrequire: no-errors\nsolution:\n  socket A tcp\n  bind A 10.9.9.9:80\n```\n";
    let lesson = parse_lesson(bad).unwrap();
    let p = check_lesson(&lesson);
    assert_eq!(p.len(), 1);
    assert!(p[0].message.contains("the reference solution fails `no-errors`: line 2: `bind A 10.9.9.9:80` gives EADDRNOTAVAIL"), "{}", p[0]);
    assert!(parse_lesson("no front matter\n").is_err());
    // A prediction one line off, on a `set` step.
    let off_by_one = "---\nid: x\ntitle: X\n---\n```scenario main\nsocket A tcp\nset A SO_REUSEADDR\nbind A 127.0.0.1:80\n```\n```predict main 2\nWhat happens?\n```\n";
    let p = check_lesson(&parse_lesson(off_by_one).unwrap());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.contains("is `set A SO_REUSEADDR`"), "{}", p[0]);
}
