//! Every lesson under content/lessons parses, and its scenarios,
//! predictions and challenges (solutions pass, wrong attempts fail) check
//! out against the engine.

use std::path::Path;

use bindlab_course::{answer, check_lesson, parse_lesson, Block};
use bindlab_engine::{parse, Os};

/// Every chapter file of `content/lessons`, in order.
fn lesson_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/lessons");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_lesson_checks_out() {
    let files = lesson_files();
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
    assert_eq!(
        answer(&s, line, Os::Linux).unwrap().result_name(),
        "EADDRNOTAVAIL"
    );
    assert_eq!(
        answer(&s, line, Os::FreeBsd).unwrap().result_name(),
        "EADDRINUSE"
    );
    assert_eq!(
        answer(&s, line, Os::Windows).unwrap().result_name(),
        "WSAEADDRINUSE"
    );
}

#[test]
fn a_broken_lesson_is_reported_at_its_line() {
    let bad = "---\nid: x\ntitle: X\nsummary: S\n---\n```challenge\ngoal: g\nrequire: no-errors\nsolution:\n  socket A tcp\n  bind A 10.9.9.9:80\n```\n";
    let lesson = parse_lesson(bad).unwrap();
    let p = check_lesson(&lesson);
    assert_eq!(p.len(), 1);
    assert!(p[0].message.contains("the reference solution fails `no-errors`: line 2: `bind A 10.9.9.9:80` gives EADDRNOTAVAIL"), "{}", p[0]);
    assert!(parse_lesson("no front matter\n").is_err());
    // A prediction one line off, on a `set` step.
    let off_by_one = "---\nid: x\ntitle: X\nsummary: S\n---\n```scenario main\nsocket A tcp\nset A SO_REUSEADDR\nbind A 127.0.0.1:80\n```\n```predict main 2\nWhat happens?\n---\nWhy.\n```\n";
    let p = check_lesson(&parse_lesson(off_by_one).unwrap());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.contains("is `set A SO_REUSEADDR`"), "{}", p[0]);
    // The contents page shows every chapter's summary, so it is required.
    let p = check_lesson(&parse_lesson("---\nid: x\ntitle: X\n---\nProse.\n").unwrap());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.contains("needs a `summary:`"), "{}", p[0]);
}

#[test]
fn a_finished_course_fits_in_a_short_code() {
    use bindlab_course::predict::truth;
    use bindlab_course::predict_oses;
    use bindlab_course::progress::Progress;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/lessons");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let lessons: Vec<_> = files
        .iter()
        .map(|f| parse_lesson(&std::fs::read_to_string(f).unwrap()).unwrap())
        .collect();
    let ids: Vec<&str> = lessons.iter().map(|l| l.id.as_str()).collect();
    let mut p = Progress::default();
    for l in &lessons {
        let mut scenarios = std::collections::HashMap::new();
        let mut k = 0u8;
        let entry = p.lesson_mut(&l.id);
        entry.done = true;
        entry.solved = 1;
        for b in &l.blocks {
            match b {
                Block::Scenario { name, text, .. } => {
                    scenarios.insert(name.clone(), parse(text).unwrap());
                }
                Block::Predict {
                    scenario,
                    step_line,
                    oses,
                    ..
                } => {
                    let s = &scenarios[scenario];
                    for &os in predict_oses(oses, s) {
                        let t = truth(s, *step_line, os).unwrap();
                        entry.answers.insert((k, os), t.outcome);
                    }
                    k += 1;
                }
                _ => {}
            }
        }
    }
    p.last = Some(ids[ids.len() - 1].to_string());
    let code = p.encode(&ids);
    println!("a finished course: {} characters", code.len());
    // 250 for the eleven TCP chapters; chapter 12 (UDP) adds its answers,
    // and FreeBSD's wildcard answers name a socket since 2026-12-04 (303).
    assert!(code.len() < 320, "{code}");
    assert_eq!(Progress::decode(&code, &ids), Ok(p));
}

#[test]
fn links_in_the_content_lead_somewhere() {
    use bindlab_course::slug;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let glossary = std::fs::read_to_string(root.join("glossary.md")).unwrap();
    let terms: Vec<String> = glossary
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(slug)
        .collect();
    assert_eq!(slug("TIME_WAIT"), "time-wait");
    assert!(terms.len() >= 10, "{terms:?}");
    let mut texts = vec![("glossary.md".to_string(), glossary.clone())];
    let mut ids = Vec::new();
    for e in std::fs::read_dir(root.join("lessons")).unwrap().flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap();
        ids.push(parse_lesson(&text).unwrap().id);
        texts.push((e.file_name().to_string_lossy().into_owned(), text));
    }
    let mut links = 0;
    for (file, text) in &texts {
        for part in text.split("](#/").skip(1) {
            let target = &part[..part.find(')').unwrap()];
            links += 1;
            match target.split_once('/') {
                Some(("glossary", t)) => assert!(
                    terms.iter().any(|x| x == t),
                    "{file}: no glossary term `{t}`"
                ),
                Some(("learn", id)) => {
                    assert!(ids.iter().any(|x| x == id), "{file}: no chapter `{id}`")
                }
                Some(("rules", id)) => assert!(
                    bindlab_engine::rules::rule(id).is_some(),
                    "{file}: no rule `{id}`"
                ),
                _ => panic!("{file}: a link to `#/{target}`"),
            }
        }
    }
    assert!(links >= 20, "{links} links");
    // Every chapter the glossary names is a link, as its first line
    // promises ("each with the chapter that shows it"): "(chapter 7)" in
    // plain text left a reader to find it.
    for zh in [false, true] {
        let text = if zh {
            std::fs::read_to_string(root.join("zh-CN/glossary.md")).unwrap()
        } else {
            glossary.clone()
        };
        // "chapter 7" / 「第 7 章」 not just after a link's "[".
        let word = if zh { "第 " } else { "chapter " };
        let plain: Vec<&str> = text
            .lines()
            .filter(|l| {
                l.match_indices(word).any(|(i, w)| {
                    let after = &l[i + w.len()..];
                    after.starts_with(|c: char| c.is_ascii_digit()) && !l[..i].ends_with('[')
                })
            })
            .collect();
        assert!(
            plain.is_empty(),
            "a chapter named without a link: {plain:?}"
        );
    }
}

/// The names and the usual wording of the errors a prediction can answer.
const SAID_AS: &[(&str, &[&str])] = &[
    (
        "EADDRINUSE",
        &["EADDRINUSE", "already in use", "cannot bind"],
    ),
    (
        "EADDRNOTAVAIL",
        &["EADDRNOTAVAIL", "not available", "cannot assign"],
    ),
    ("ECONNREFUSED", &["ECONNREFUSED", "connection refused"]),
    ("EACCES", &["EACCES", "permission denied"]),
];

/// For a `datagram` prediction, what prose would say to give its answer
/// away (lower case): the receiver "gets"/"receives" it, copies for each,
/// the hash, or the drop.
fn datagram_said_as(
    s: &bindlab_engine::Scenario,
    step_line: u32,
    os: bindlab_engine::Os,
) -> Vec<String> {
    use bindlab_course::predict::{truth, COPIES, DROPPED, SEVERAL};
    let is_datagram = s.steps.iter().any(|st| {
        st.line == step_line
            && matches!(st.kind, bindlab_engine::scenario::StepKind::Datagram { .. })
    });
    let Some(t) = truth(s, step_line, os).filter(|_| is_datagram) else {
        return Vec::new();
    };
    let words: Vec<String> = match t.outcome.as_str() {
        COPIES => vec![
            "a copy each".into(),
            "each get a copy".into(),
            "both get".into(),
            "all get".into(),
        ],
        SEVERAL => vec!["by a hash".into(), "hash of".into(), "spread".into()],
        DROPPED => vec!["dropped".into()],
        name => vec![
            format!("{name} gets"),
            format!("{name} receives"),
            format!("to {name}"),
        ],
    };
    words.into_iter().map(|w| w.to_lowercase()).collect()
}

/// What in `prose` (lower case) would give away the answer to the
/// prediction about `step_line` on `os`: each phrase found, with the answer.
fn giveaways(
    prose: &str,
    s: &bindlab_engine::Scenario,
    step_line: u32,
    os: Os,
) -> Vec<(String, String)> {
    let Some(a) = answer(s, step_line, os) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    // Who receives a datagram: the words that would say it.
    for w in datagram_said_as(s, step_line, os) {
        if prose.contains(&w) {
            found.push((w, a.result_name().to_string()));
        }
    }
    // SAID_AS is keyed by the Unix name: the meaning, whatever the OS.
    let err = a.result.errno().map(|e| e.unix_name()).unwrap_or("ok");
    for (name, words) in SAID_AS {
        if *name == err {
            for w in *words {
                if prose.contains(&w.to_lowercase()) {
                    found.push((w.to_string(), a.result_name().to_string()));
                }
            }
        }
    }
    found
}

/// A lesson's prediction with the prose a reader sees around it (lower case).
struct Asked {
    scenario: String,
    parsed: bindlab_engine::Scenario,
    step_line: u32,
    oses: Vec<Os>,
    /// Since the chapter's start (its summary included) or the previous prediction.
    before: String,
    /// The prose right under it, up to the next heading.
    after: String,
}

fn predictions(lesson: &bindlab_course::Lesson) -> Vec<Asked> {
    let mut out = Vec::new();
    // The summary heads the chapter's page: it is read first.
    let mut before = lesson.summary.clone().unwrap_or_default().to_lowercase();
    let mut scenarios = std::collections::HashMap::new();
    for (k, b) in lesson.blocks.iter().enumerate() {
        match b {
            Block::Prose(t) => before.push_str(&t.to_lowercase()),
            Block::Scenario { name, text, .. } => {
                if let Ok(s) = parse(text) {
                    scenarios.insert(name.clone(), s);
                }
            }
            Block::Predict {
                scenario,
                step_line,
                oses,
                ..
            } => {
                let Some(s) = scenarios.get(scenario) else {
                    continue;
                };
                let after = match lesson.blocks.get(k + 1) {
                    Some(Block::Prose(next)) => next
                        .lines()
                        .take_while(|l| !l.starts_with('#'))
                        .collect::<Vec<_>>()
                        .join("\n")
                        .to_lowercase(),
                    _ => String::new(),
                };
                out.push(Asked {
                    scenario: scenario.clone(),
                    parsed: s.clone(),
                    step_line: *step_line,
                    oses: bindlab_course::predict_oses(oses, s).to_vec(),
                    before: std::mem::take(&mut before),
                    after,
                });
            }
            _ => {}
        }
    }
    out
}

/// Every giveaway in the prose `which` picks, one line each.
fn giveaways_in(which: fn(&Asked) -> &str, says: &str) -> Vec<String> {
    let mut found = Vec::new();
    for f in &lesson_files() {
        let lesson = parse_lesson(&std::fs::read_to_string(f).unwrap()).unwrap();
        for q in predictions(&lesson) {
            for &os in &q.oses {
                for (w, a) in giveaways(which(&q), &q.parsed, q.step_line, os) {
                    found.push(format!(
                        "{}: the prediction on line {} of `{}` ({}: {a}) {says} “{w}”",
                        f.display(),
                        q.step_line,
                        q.scenario,
                        os.display(),
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn no_prediction_is_answered_by_the_prose_before_it() {
    // The reader is asked to predict; the text leading up to the question
    // must not have told them. A guard on error names and their usual
    // wording only: a reviewer still reads for answers given in other words.
    let found = giveaways_in(|q| &q.before, "follows prose that says");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn no_prediction_is_answered_by_the_paragraph_after_it() {
    // The paragraph under a question is in view while the reader picks:
    // the answer belongs in the prediction's own `---` section, folded
    // until they check. The same guard, on the prose right after it.
    let found = giveaways_in(|q| &q.after, "is followed by prose that says");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn a_prediction_carries_its_explanation_after_a_rule_line() {
    let lesson = |predict: &str| {
        format!("---\nid: x\ntitle: T\nsummary: S\n---\n```scenario main\nsocket A tcp\nbind A 0.0.0.0:80\n```\n\n{predict}\n")
    };
    let l = parse_lesson(&lesson(
        "```predict main 2 linux\nWhat does the bind return?\n---\nIt *works*.\n\nA second paragraph.\n```",
    ))
    .unwrap();
    let Some(Block::Predict {
        question, answer, ..
    }) = l.blocks.last()
    else {
        panic!("{:?}", l.blocks)
    };
    assert_eq!(question, "What does the bind return?");
    assert_eq!(
        answer.as_deref(),
        Some("It *works*.\n\nA second paragraph.")
    );
    assert!(check_lesson(&l).is_empty(), "{:?}", check_lesson(&l));
    // Without the rule: no answer, the whole body is the question, and the
    // lesson check asks for the explanation.
    let l = parse_lesson(&lesson("```predict main 2 linux\nWhat now?\n```")).unwrap();
    assert!(matches!(
        l.blocks.last(),
        Some(Block::Predict { answer: None, .. })
    ));
    let problems = check_lesson(&l);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, 11);
    assert!(problems[0]
        .message
        .contains("explains its answer after a `---` line"));
    // A rule with nothing after it is a mistake, said at the block's line.
    let e = parse_lesson(&lesson("```predict main 2 linux\nWhat now?\n---\n\n```")).unwrap_err();
    assert_eq!(e[0].line, 11);
    assert!(
        e[0].message.contains("answer after `---` is empty"),
        "{e:?}"
    );
}
