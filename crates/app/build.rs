//! The course's table of contents, read from the lessons' front matter at
//! build time: the first page knows every chapter's id and title without
//! carrying any lesson (lessons are fetched one at a time).

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/lessons");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("content/lessons")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    let mut out = String::from("/// The chapters, in order (generated from content/lessons).\npub const CONTENTS: &[Chapter] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let text = std::fs::read_to_string(f).expect("lesson");
        let field = |k: &str| {
            text.lines()
                .skip(1)
                .take_while(|l| *l != "---")
                .find_map(|l| l.strip_prefix(k))
                .map(|v| v.trim().to_string())
                .unwrap_or_else(|| panic!("{}: no `{k}` in the front matter", f.display()))
        };
        let file = f.file_name().unwrap().to_string_lossy();
        let predictions = text.lines().filter(|l| l.starts_with("```predict")).count();
        writeln!(
            out,
            "    Chapter {{ id: {:?}, title: {:?}, file: {:?}, predictions: {predictions} }},",
            field("id:"),
            field("title:"),
            file
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("contents.rs");
    std::fs::write(dest, out).unwrap();
}
