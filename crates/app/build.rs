//! The course's table of contents and its front page, read at build time
//! from `content/` with the same parser the page and `bindlab lessons check`
//! use: the first page knows every chapter's id, title and summary without
//! carrying any lesson (lessons are fetched one at a time), and a lesson that
//! does not parse stops the build with its problems.

use std::fmt::Write;
use std::path::Path;

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

fn main() {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let dir = content.join("lessons");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("content/lessons")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();

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

    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("contents.rs");
    std::fs::write(dest, out).unwrap();
}
