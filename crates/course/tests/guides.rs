//! Every guide under content/guides parses and checks out against the
//! engine (sections, stated outcomes and rules on all four OSes), and every
//! link in a guide leads somewhere.

use std::path::{Path, PathBuf};

use bindlab_course::guide::{check_guide, parse_guide, Guide};
use bindlab_course::{check_lesson, parse_lesson, slug, Block};

fn guides() -> Vec<(PathBuf, Guide)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/guides");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            let g = parse_guide(&text).unwrap_or_else(|e| panic!("{}:{}", f.display(), e[0]));
            (f, g)
        })
        .collect()
}

#[test]
fn every_guide_checks_out_against_the_engine() {
    let all = guides();
    let live: Vec<_> = all.iter().filter(|(_, g)| g.pending.is_none()).collect();
    assert!(
        live.len() >= 9,
        "{} guides that are not pending",
        live.len()
    );
    let mut claims = 0;
    for (f, g) in &live {
        let (n, problems) = check_guide(g);
        assert!(problems.is_empty(), "{}:{}", f.display(), problems[0]);
        assert!(n.scenarios >= 2 && n.claims >= 8, "{}: {n:?}", f.display());
        claims += n.claims;
    }
    assert!(claims >= 100, "{claims} stated outcomes");
    let mut ids: Vec<&str> = all.iter().map(|(_, g)| g.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "two guides share an id");
}

#[test]
fn every_guide_has_code_in_several_languages() {
    for (f, g) in guides().iter().filter(|(_, g)| g.pending.is_none()) {
        let langs: usize = g
            .blocks
            .iter()
            .map(|b| match b {
                Block::Code(s) => s.len(),
                _ => 0,
            })
            .sum();
        assert!(langs >= 6, "{}: {langs} snippets", f.display());
    }
}

#[test]
fn links_in_the_guides_lead_somewhere() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let glossary = std::fs::read_to_string(root.join("glossary.md")).unwrap();
    let terms: Vec<String> = glossary
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(slug)
        .collect();
    let all = guides();
    let mut links = 0;
    for (f, g) in &all {
        for b in &g.blocks {
            let Block::Prose(text) = b else { continue };
            for part in text.split("](#/").skip(1) {
                let target = &part[..part.find(')').unwrap()];
                links += 1;
                match target.split_once('/') {
                    Some(("glossary", t)) => {
                        assert!(
                            terms.iter().any(|x| x == t),
                            "{}: no term `{t}`",
                            f.display()
                        )
                    }
                    Some(("rules", r)) => assert!(
                        bindlab_engine::rules::rule(r).is_some(),
                        "{}: no rule `{r}`",
                        f.display()
                    ),
                    Some(("guides", id)) => assert!(
                        all.iter().any(|(_, g)| g.id == id && g.pending.is_none()),
                        "{}: no guide `{id}`",
                        f.display()
                    ),
                    // A section's own page (the paste page, the index).
                    None if matches!(
                        target,
                        "paste" | "guides" | "learn" | "glossary" | "rules"
                    ) => {}
                    _ => panic!("{}: a link to `#/{target}`", f.display()),
                }
            }
        }
    }
    assert!(links >= 30, "{links} links");
}

#[test]
fn a_lesson_may_not_state_its_answers() {
    let text = "---\nid: x\ntitle: X\nsummary: S\n---\n```scenario main\nsocket A tcp\nbind A 0.0.0.0:80\n```\n```expect main 2\nlinux: ok\n```\n";
    let p = check_lesson(&parse_lesson(text).unwrap());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].message.contains("a lesson asks before it answers"),
        "{}",
        p[0]
    );
}
