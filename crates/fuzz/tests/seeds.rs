//! The committed seed corpus (`corpus/<target>/`), replayed through each
//! target's checks on stable, so `cargo test` keeps the seeds meaningful and
//! the checks compiling without nightly or libFuzzer.

use std::path::Path;

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| {
            let p = e.path();
            (p.display().to_string(), std::fs::read(&p).expect("a seed"))
        })
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no seeds in {}", dir.display());
    v
}

#[test]
fn parse_seeds() {
    for (_, data) in seeds("parse") {
        bindlab_fuzz::parse(&data);
    }
}

#[test]
fn steps_seeds() {
    for (name, data) in seeds("steps") {
        let (os, steps) = bindlab_fuzz::decode_steps(&data);
        assert!(!steps.is_empty(), "{name} decodes to no step");
        if let Err(e) = bindlab_fuzz::check_steps(os, &steps) {
            panic!("{name}: {e}");
        }
    }
}

#[test]
fn permalink_seeds() {
    for (_, data) in seeds("permalink") {
        bindlab_fuzz::permalink(&data);
    }
}

#[test]
fn progress_seeds() {
    for (_, data) in seeds("progress") {
        bindlab_fuzz::progress(&data);
    }
}

#[test]
fn export_seeds() {
    for (_, data) in seeds("export") {
        bindlab_fuzz::export(&data);
    }
}

#[test]
fn paste_seeds() {
    for (name, data) in seeds("paste") {
        let text = String::from_utf8_lossy(&data);
        assert!(
            bindlab_sockets::paste::read_table(&text).is_ok(),
            "{name} is no table the paste page reads"
        );
        bindlab_fuzz::paste(&data);
    }
}
