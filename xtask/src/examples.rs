//! The sandbox's examples menu as one file the app fetches when the menu is
//! first opened (`content/examples.txt`, per language): the home page's
//! example, then `content/examples/*.bindlab` in file-name order, each a
//! whole scenario, joined by a line `%%` (which no scenario can contain: it
//! is not a statement). The app reads it back with
//! `crates/app/src/sandbox/examples.rs`'s `parse`.

use std::path::Path;

use crate::Result;

/// The line between two examples.
pub const SEPARATOR: &str = "%%";

/// The examples of one language's content directory (`content/` or
/// `content/zh-CN/`), in menu order.
pub fn files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut list = crate::files_ending(&dir.join("examples"), "bindlab")?;
    list.insert(0, dir.join("sandbox-example.bindlab"));
    Ok(list)
}

/// Joins `dir`'s examples into `to`.
pub fn write(dir: &Path, to: &Path) -> Result {
    let mut text = String::new();
    for f in files(dir)? {
        let body = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        if !text.is_empty() {
            text.push_str(SEPARATOR);
            text.push('\n');
        }
        text.push_str(body.trim_end());
        text.push('\n');
    }
    std::fs::create_dir_all(to.parent().unwrap()).map_err(|e| e.to_string())?;
    std::fs::write(to, text).map_err(|e| format!("{}: {e}", to.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bindlab_course::locale::Locale;

    /// A translation may change the title and the comments, nothing else:
    /// the menu's example is the same scenario in every language, and each
    /// English example has its translation.
    #[test]
    fn every_translated_example_is_the_same_scenario() {
        let content = crate::root().join("content");
        let strip = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| !l.starts_with("title "))
                .map(|l| l.split('#').next().unwrap_or("").trim_end().to_string())
                .collect()
        };
        let en = files(&content).unwrap();
        assert!(en.len() >= 8, "{en:?}");
        for locale in Locale::ALL.into_iter().filter(|l| *l != Locale::En) {
            let dir = locale.dir(&content);
            let names = |v: &[std::path::PathBuf]| -> Vec<String> {
                v.iter()
                    .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
                    .collect()
            };
            let there = files(&dir).unwrap();
            assert_eq!(names(&en), names(&there), "{}", locale.tag());
            for (a, b) in en.iter().zip(&there) {
                let (a_text, b_text) = (
                    std::fs::read_to_string(a).unwrap(),
                    std::fs::read_to_string(b).unwrap(),
                );
                assert_eq!(strip(&a_text), strip(&b_text), "{}", b.display());
                assert!(
                    b_text.starts_with("title ") && b_text != a_text,
                    "{} is not translated",
                    b.display()
                );
            }
        }
    }

    /// Every example opens with its title and a one-line description (the
    /// menu shows both), and none holds the separator.
    #[test]
    fn every_example_has_a_title_and_a_description() {
        let content = crate::root().join("content");
        for f in files(&content).unwrap().iter() {
            let text = std::fs::read_to_string(f).unwrap();
            let mut lines = text.lines();
            assert!(
                lines.next().is_some_and(|l| l.starts_with("title ")),
                "{}",
                f.display()
            );
            assert!(
                lines.next().is_some_and(|l| l.starts_with("# ")),
                "{}",
                f.display()
            );
            assert!(
                !text.lines().any(|l| l.trim() == SEPARATOR),
                "{}",
                f.display()
            );
        }
    }
}
