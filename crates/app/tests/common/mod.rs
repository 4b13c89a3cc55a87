//! What the source-reading tests share: the app's sources.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `crates/app/src`, in its subdirectories too,
/// with its text, in path order.
pub fn app_sources() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    files.sort();
    assert!(files.len() > 20, "is the scan reading the sources?");
    files
        .into_iter()
        .map(|f| {
            let src = std::fs::read_to_string(&f).unwrap();
            (f, src)
        })
        .collect()
}
