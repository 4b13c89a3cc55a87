//! The course's table of contents and its front page, read at build time
//! from `content/` with the same parser the page and `bindlab lessons check`
//! use: the first page knows every chapter's id, title and summary without
//! carrying any lesson (lessons are fetched one at a time), and a lesson that
//! does not parse stops the build with its problems.

use std::fmt::Write;
use std::path::Path;

use bindlab_course::guide::parse_guide;
use bindlab_course::{parse_lesson, Block, Lesson};

fn read(path: &Path) -> Lesson {
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse_lesson(&text).unwrap_or_else(|errs| {
        let list: Vec<String> = errs
            .iter()
            .map(|e| format!("{}:{e}", path.display()))
            .collect();
        panic!("the course content has problems:\n{}", list.join("\n"))
    })
}

/// The `.md` files of `dir`, sorted by name.
fn md_files(dir: &Path) -> Vec<std::path::PathBuf> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    files
}

/// Whether this is the build with the course's pages (the `course` feature).
/// Without it (the sandbox and the widgets) the contents carry only what the
/// sandbox shows: a chapter's id and title, and how many guides there are.
fn course_build() -> bool {
    std::env::var_os("CARGO_FEATURE_COURSE").is_some()
}

/// The guides' index (content/guides/*.md, pending ones left out) and the
/// index page's text (content/guides.md).
fn guides(content: &Path, out: &mut String) {
    out.push_str("/// The guides, in order (generated from content/guides; pending ones left out).\npub const GUIDES: &[GuideEntry] = &[\n");
    for f in md_files(&content.join("guides")) {
        println!("cargo:rerun-if-changed={}", f.display());
        let text = std::fs::read_to_string(&f).unwrap();
        let g = parse_guide(&text).unwrap_or_else(|errs| {
            let list: Vec<String> = errs
                .iter()
                .map(|e| format!("{}:{e}", f.display()))
                .collect();
            panic!("the guides have problems:\n{}", list.join("\n"))
        });
        if g.pending.is_some() {
            continue;
        }
        // The sandbox build counts the guides and shows none of them.
        if !course_build() {
            writeln!(out, "    GuideEntry {{ id: {:?} }},", g.id).unwrap();
            continue;
        }
        writeln!(
            out,
            "    GuideEntry {{ id: {:?}, title: {:?}, summary: {:?}, errors: {:?}, file: {:?} }},",
            g.id,
            g.title,
            g.summary,
            g.errors,
            f.file_name().unwrap().to_string_lossy(),
        )
        .unwrap();
    }
    out.push_str("];\n");
    let index = read(&content.join("guides.md"));
    let intro: String = index
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Prose(p) => Some(p.as_str()),
            _ => None,
        })
        .collect();
    writeln!(
        out,
        "/// The guides' index title (content/guides.md).\npub const GUIDES_TITLE: &str = {:?};\n/// Its introduction, Markdown.\npub const GUIDES_INTRO: &str = {:?};",
        index.title, intro
    )
    .unwrap();
}

/// The areas of `content/ui/` (a key's first word) that only the course's
/// pages (`src/course/`) show: the sandbox build keeps their keys, so `T`
/// and the bundles are the same in both builds, but not their English
/// texts (~11 KB; `tests/tidy.rs` checks that no view outside `src/course/`
/// names one of these keys).
const COURSE_AREAS: &[&str] = &["course", "glossary", "guide", "lesson", "paste", "rules"];

/// For a wasm build, every `T::Name` its sources name: the files under
/// `src/` it compiles (not `src/course/` without the `course` feature, never
/// `src/prerender.rs` or `src/bin/`, the prerenderer's, which runs natively).
/// A key no such file names keeps its key but not its English text in that
/// wasm: the page descriptions, the not-found page and the boot messages are
/// written into the HTML by the prerenderer and never shown by the wasm
/// (`tests/tidy.rs` keeps them so). `None` for a native build (the
/// prerenderer, tests, the CLI's checks), which keeps every text.
fn named_in_wasm(course: bool) -> Option<std::collections::BTreeSet<String>> {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() != Ok("wasm32") {
        return None;
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    println!("cargo:rerun-if-changed={}", src.display());
    let mut named = std::collections::BTreeSet::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            let name = entry.file_name();
            if p.is_dir() {
                if name != "bin" && (course || name != "course") {
                    dirs.push(p);
                }
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs")
                || (dir == src && (name == "prerender.rs" || name == "test_support.rs"))
            {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for word in text.split("T::").skip(1) {
                let name: String = word
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                named.insert(name);
            }
        }
    }
    Some(named)
}

/// `nav.sandbox` → `NavSandbox`: a key's variant of `T`.
fn variant(key: &str) -> String {
    key.split(['.', '_'])
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |f| {
                f.to_ascii_uppercase().to_string() + c.as_str()
            })
        })
        .collect()
}

/// The interface strings (`content/ui/*.txt`, English): the typed key `T`,
/// one variant per key (`nav.sandbox` → `T::NavSandbox`), and their English
/// texts. A translation is fetched per locale, never compiled in.
fn ui_strings(content: &Path) -> String {
    let dir = content.join("ui");
    println!("cargo:rerun-if-changed={}", dir.display());
    for f in std::fs::read_dir(&dir).unwrap().flatten() {
        println!("cargo:rerun-if-changed={}", f.path().display());
    }
    let entries = bindlab_course::ui::read_dir(&dir)
        .unwrap_or_else(|errs| panic!("the interface strings have problems:\n{}", errs.join("\n")));
    let mut out = String::from(
        "/// An interface string (generated from content/ui/*.txt).\n#[derive(Clone, Copy, Debug, PartialEq, Eq)]\n// Some strings belong to one build only (the course's, the sandbox's); tidy checks that every key is used.\n#[allow(dead_code)]\npub enum T {\n",
    );
    for e in &entries {
        writeln!(out, "    /// {:?}\n    {},", e.text, variant(&e.key)).unwrap();
    }
    writeln!(
        out,
        "}}\n/// The keys' fingerprint: a bundle whose `uiorder` is this one lists its strings in `T`'s order.\npub const UI_FINGERPRINT: u64 = {:#x};",
        bindlab_course::ui::fingerprint(entries.iter().map(|e| e.key.as_str()))
    )
    .unwrap();
    out.push_str("/// Each key as written in the files, in `T`'s order (tests only: the wasm carries no key).\n#[cfg(test)]\npub const KEYS: &[&str] = &[\n");
    for e in &entries {
        writeln!(out, "    {:?},", e.key).unwrap();
    }
    out.push_str("];\n/// Each English text, in `T`'s order (the sandbox build: empty for the course's areas; a wasm build: empty for a key none of its sources names).\npub const EN: &[&str] = &[\n");
    let course = course_build();
    let named = named_in_wasm(course);
    for e in &entries {
        let area = e.key.split('.').next().unwrap_or_default();
        let shown = named.as_ref().is_none_or(|n| n.contains(&variant(&e.key)));
        let text = if shown && (course || !COURSE_AREAS.contains(&area)) {
            e.text.as_str()
        } else {
            ""
        };
        writeln!(out, "    {text:?},").unwrap();
    }
    out.push_str("];\n");
    out
}

fn main() {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("ui.rs");
    std::fs::write(dest, ui_strings(&content)).unwrap();
    let files = md_files(&content.join("lessons"));

    let mut out = String::from(
        "/// The chapters, in order (generated from content/lessons).\npub const CONTENTS: &[Chapter] = &[\n",
    );
    for f in &files {
        let lesson = read(f);
        let predictions = lesson
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Predict { .. }))
            .count();
        // The sandbox build names a chapter ("Continue: …") and shows no more.
        if !course_build() {
            writeln!(
                out,
                "    Chapter {{ id: {:?}, title: {:?} }},",
                lesson.id, lesson.title
            )
            .unwrap();
            continue;
        }
        writeln!(
            out,
            "    Chapter {{ id: {:?}, title: {:?}, summary: {:?}, file: {:?}, predictions: {predictions} }},",
            lesson.id,
            lesson.title,
            lesson.summary.unwrap_or_default(),
            f.file_name().unwrap().to_string_lossy(),
        )
        .unwrap();
    }
    out.push_str("];\n");

    // The contents page's heading and introduction (content/course.md).
    let course = read(&content.join("course.md"));
    let intro: String = course
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Prose(p) => Some(p.as_str()),
            _ => None,
        })
        .collect();
    writeln!(
        out,
        "/// The course's title (content/course.md).\npub const COURSE_TITLE: &str = {:?};\n/// Its introduction, Markdown (content/course.md).\npub const COURSE_INTRO: &str = {:?};",
        course.title, intro
    )
    .unwrap();

    guides(&content, &mut out);
    let paste = read(&content.join("paste.md"));
    let intro: String = paste
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Prose(p) => Some(p.as_str()),
            _ => None,
        })
        .collect();
    writeln!(
        out,
        "/// The paste page's title (content/paste.md).\npub const PASTE_TITLE: &str = {:?};\n/// Its introduction, Markdown.\npub const PASTE_INTRO: &str = {:?};",
        paste.title, intro
    )
    .unwrap();

    let runtimes = read(&content.join("runtimes.md"));
    let intro: String = runtimes
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Prose(p) => Some(p.as_str()),
            _ => None,
        })
        .collect();
    writeln!(
        out,
        "/// The runtime-defaults page's title (content/runtimes.md).\npub const RUNTIMES_TITLE: &str = {:?};\n/// Its introduction, Markdown.\npub const RUNTIMES_INTRO: &str = {:?};",
        runtimes.title, intro
    )
    .unwrap();
    // The table itself is compiled into bindlab-course (runtimes::SOURCE).
    println!(
        "cargo:rerun-if-changed={}",
        content.join("runtimes.toml").display()
    );

    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("contents.rs");
    std::fs::write(dest, out).unwrap();
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("panel_lines.rs");
    std::fs::write(dest, panel_lines()).unwrap();
}

/// The code panel's note for every (language, kind of socket), worked out
/// here with `runtimes::panel_lines` so the wasm carries these few lines and
/// neither the table's text (cites, notes) nor its parser (the sandbox build
/// has no runtimes page). A table that does not parse gives no lines, as
/// `runtimes::table()` failing did at run time; its test names the problem.
fn panel_lines() -> String {
    use bindlab_course::runtimes::{self, SocketKind};
    let rows = runtimes::table().unwrap_or_default();
    let mut out = String::from(
        "/// (language, kind, the note's line) for the first row of each language\n/// and kind in content/runtimes.toml (generated by build.rs).\nconst PANEL_LINES: &[(&str, SocketKind, PanelLineRef)] = &[\n",
    );
    for (i, r) in rows.iter().enumerate() {
        if rows[..i]
            .iter()
            .any(|e| e.lang == r.lang && e.socket == r.socket)
        {
            continue;
        }
        let name = match r.socket {
            SocketKind::TcpListener => "TcpListener",
            SocketKind::TcpClient => "TcpClient",
            SocketKind::Udp => "Udp",
        };
        for l in runtimes::panel_lines(&rows, &r.lang, &[r.socket]) {
            let cells: Vec<String> = l
                .cells
                .iter()
                .map(|(o, s)| format!("({o:?}, {s:?})"))
                .collect();
            writeln!(
                out,
                "    ({:?}, SocketKind::{name}, PanelLineRef {{ api: {:?}, cells: &[{}] }}),",
                r.lang,
                l.api,
                cells.join(", ")
            )
            .unwrap();
        }
    }
    out.push_str("];\n");
    out
}
