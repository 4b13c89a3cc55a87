//! The translations of what `lessons check` / `guides check` were given:
//! for each English file `content/lessons/X.md`, its `content/<locale>/
//! lessons/X.md` is checked against the contract
//! (`bindlab_course::translation`), then exactly as the English one, and
//! its links must resolve; a file with no translation is listed as a
//! warning (it is shown in English, marked). The pages beside the kind's
//! folder (`glossary.md` and `course.md` for lessons; `guides.md`,
//! `paste.md`, `runtimes.md` for guides) are checked the same way.

use std::path::{Path, PathBuf};

use bindlab_course::guide::{check_guide, parse_guide};
use bindlab_course::messages::Msg;
use bindlab_course::translation::{self, Targets};
use bindlab_course::{check_lesson, parse_lesson, LessonError, Locale};

use crate::lang::msg;

/// Which check is asking.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Lessons,
    Guides,
}

/// What the translations of one check came to.
#[derive(Default)]
pub struct Tally {
    pub translated: usize,
    pub untranslated: usize,
    /// Files with a problem (each printed as `FILE:LINE: message`).
    pub failed: usize,
    /// One line per locale, for the command's output.
    pub summary: Vec<String>,
}

/// `content/` for `content/lessons/X.md` (None for a file elsewhere, or a
/// translation itself).
fn content_root(file: &Path) -> Option<PathBuf> {
    let dir = file.parent()?;
    let root = dir.parent()?;
    let is_locale = root
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| Locale::parse(n).is_some());
    (!is_locale).then(|| root.to_path_buf())
}

/// Where the course's links may point: from the English content.
fn targets(root: &Path) -> Targets {
    let ids = |dir: &str| -> Vec<String> {
        let Ok(rd) = std::fs::read_dir(root.join(dir)) else {
            return Vec::new();
        };
        rd.flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .filter_map(|t| {
                t.lines()
                    .find_map(|l| l.strip_prefix("id:").map(|v| v.trim().to_string()))
            })
            .collect()
    };
    Targets {
        glossary: std::fs::read_to_string(root.join("glossary.md"))
            .map(|t| Targets::glossary_ids(&t))
            .unwrap_or_default(),
        lessons: ids("lessons"),
        guides: ids("guides"),
    }
}

fn report(path: &Path, problems: &[LessonError]) {
    for p in problems {
        eprintln!("{}:{p}", path.display());
    }
}

/// Checks every locale's translation of `files` (and the kind's pages).
pub fn check(kind: Kind, files: &[String]) -> Tally {
    let mut tally = Tally::default();
    // (English path, path relative to content/) of every file to mirror.
    let mut mirror: Vec<(PathBuf, PathBuf, String)> = Vec::new();
    for f in files {
        let p = PathBuf::from(f);
        let Some(root) = content_root(&p) else {
            continue;
        };
        let (Some(dir), Some(name)) = (p.parent().and_then(Path::file_name), p.file_name()) else {
            continue;
        };
        let rel = Path::new(dir).join(name);
        mirror.push((root, rel, String::new()));
    }
    let pages: &[&str] = match kind {
        Kind::Lessons => &["glossary.md", "course.md"],
        Kind::Guides => &["guides.md", "paste.md", "runtimes.md"],
    };
    let mut roots: Vec<PathBuf> = mirror.iter().map(|(r, _, _)| r.clone()).collect();
    roots.dedup();
    for root in &roots {
        for page in pages {
            if root.join(page).exists() {
                mirror.push((root.clone(), PathBuf::from(page), "page".to_string()));
            }
        }
    }
    for locale in Locale::ALL.into_iter().filter(|l| *l != Locale::En) {
        for root in &roots {
            let to = targets(root);
            for (_, rel, what) in mirror.iter().filter(|(r, _, _)| r == root) {
                let en_path = root.join(rel);
                let tr_path = locale.dir(root).join(rel);
                let Ok(tr) = std::fs::read_to_string(&tr_path) else {
                    eprintln!(
                        "bindlab: warning: {}",
                        msg(
                            Msg::FileUntranslated,
                            &[
                                ("file", &tr_path.display().to_string()),
                                ("locale", &locale.to_string())
                            ]
                        )
                    );
                    tally.untranslated += 1;
                    continue;
                };
                let en = std::fs::read_to_string(&en_path).unwrap_or_default();
                let mut problems = translation::check(&en, &tr);
                problems.extend(translation::unresolved_links(&tr, &to));
                if what.is_empty() {
                    problems.extend(match kind {
                        Kind::Lessons => match parse_lesson(&tr) {
                            Ok(l) => check_lesson(&l),
                            Err(e) => e,
                        },
                        Kind::Guides => match parse_guide(&tr) {
                            Ok(g) if g.pending.is_some() => Vec::new(),
                            Ok(g) => check_guide(&g).1,
                            Err(e) => e,
                        },
                    });
                }
                report(&tr_path, &problems);
                tally.translated += 1;
                if !problems.is_empty() {
                    tally.failed += 1;
                }
            }
            // The site's interface strings (`ui/*.txt`), with the lessons:
            // an untranslated one fails (a page never shows one in English).
            if kind == Kind::Lessons && root.join("ui").is_dir() {
                tally.failed += check_ui(&root.join("ui"), &locale.dir(root).join("ui"));
            }
            // A translation with no English original is a stray.
            for (dir, _) in mirror
                .iter()
                .filter(|(r, _, w)| r == root && w.is_empty())
                .filter_map(|(_, rel, _)| rel.parent().map(|d| (d.to_path_buf(), ())))
                .collect::<std::collections::BTreeMap<_, _>>()
            {
                let Ok(rd) = std::fs::read_dir(locale.dir(root).join(&dir)) else {
                    continue;
                };
                for e in rd.flatten() {
                    let rel = dir.join(e.file_name());
                    if !root.join(&rel).exists() {
                        eprintln!(
                            "{}:1: no English original {} (a translation mirrors a file of content/)",
                            e.path().display(),
                            root.join(&rel).display()
                        );
                        tally.failed += 1;
                    }
                }
            }
        }
        if !roots.is_empty() {
            tally.summary.push(msg(
                Msg::TranslatedSummary,
                &[
                    ("locale", locale.tag()),
                    ("done", &tally.translated.to_string()),
                    ("missing", &tally.untranslated.to_string()),
                    ("failed", &tally.failed.to_string()),
                ],
            ));
        }
    }
    tally
}

/// Checks a locale's interface strings against the English ones: each
/// untranslated key and each broken one is printed; returns how many.
fn check_ui(en_dir: &Path, tr_dir: &Path) -> usize {
    let read = |d: &Path| {
        bindlab_course::ui::read_dir(d).map_err(|errs| {
            for e in &errs {
                eprintln!("{e}");
            }
            errs.len()
        })
    };
    let (en, tr) = match (read(en_dir), read(tr_dir)) {
        (Ok(en), Ok(tr)) => (en, tr),
        (a, b) => return a.err().unwrap_or(0) + b.err().unwrap_or(0),
    };
    let c = bindlab_course::ui::check(&en, &tr);
    for k in &c.untranslated {
        let area = k.split('.').next().unwrap_or("");
        eprintln!(
            "{}: `{k}` is not translated (every interface string must be)",
            tr_dir.join(format!("{area}.txt")).display()
        );
    }
    for e in &c.errors {
        eprintln!("{}: {e}", tr_dir.display());
    }
    c.untranslated.len() + c.errors.len()
}
