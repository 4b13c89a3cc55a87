//! The guides' Rust snippets, compiled by rustc for the systems they are
//! written for (part of the `lessons` stage), and their Python and Node.js
//! snippets parsed by their interpreters. Rust: a snippet that reaches for
//! Winsock (`as_raw_socket`) for Windows, one that sets SO_REUSEPORT_LB for
//! FreeBSD, every other one for Linux and Windows. `cargo check` only: the
//! other systems' standard libraries come from `rustup target add`, no
//! linker is needed. Each snippet becomes the body of a function in a crate
//! of its own under `target/guide-snippets/<target>/`, with the imports a
//! reader adds (socket2 with its "all" feature; windows-sys 0.61 on
//! Windows) and no other help: a name the snippet does not define fails.

use std::collections::BTreeSet;
use std::path::Path;

use bindlab_course::Block;

use crate::{root, run, Result};

/// The systems, their Rust target and which snippets are theirs.
const TARGETS: [(&str, &str); 3] = [
    ("linux", "x86_64-unknown-linux-gnu"),
    ("windows", "x86_64-pc-windows-gnu"),
    ("freebsd", "x86_64-unknown-freebsd"),
];

/// The systems a snippet is written for, by what it calls.
fn systems(code: &str) -> &'static [&'static str] {
    if code.contains("as_raw_socket") {
        &["windows"]
    } else if code.contains("set_reuse_port_lb") {
        &["freebsd"]
    } else {
        &["linux", "windows"]
    }
}

/// Every distinct Rust snippet of the guides, in every language (a
/// translation keeps the code, but is read too), with where it is from.
fn snippets() -> Result<Vec<(String, String)>> {
    snippets_in("rust")
}

/// Every distinct snippet of `lang` in the guides, with where it is from.
pub(crate) fn snippets_in(want: &str) -> Result<Vec<(String, String)>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for dir in ["content/guides", "content/zh-CN/guides"] {
        for file in crate::scenario_files_ext(&root().join(dir), "md") {
            let text =
                std::fs::read_to_string(root().join(&file)).map_err(|e| format!("{file}: {e}"))?;
            let guide = bindlab_course::guide::parse_guide(&text)
                .map_err(|e| format!("{file}: {} problems", e.len()))?;
            for block in &guide.blocks {
                let Block::Code(tabs) = block else { continue };
                for (lang, code) in tabs {
                    if lang == want && seen.insert(code.clone()) {
                        out.push((file.clone(), code.clone()));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// One crate for `system`: each snippet a function returning the error type
/// its own `return Err(…)` or `?` needs.
fn write_crate(dir: &Path, system: &str, list: &[&(String, String)]) -> Result {
    let mut main = String::from(
        "//! Written by `cargo xtask test lessons` (xtask/src/snippets.rs).\n\
         #![allow(dead_code, unused_imports, unused_variables, unused_mut)]\n",
    );
    if system == "windows" {
        main.push_str(
            "use std::os::windows::io::AsRawSocket;\n\
             use windows_sys::Win32::Networking::WinSock::{setsockopt, SOL_SOCKET, SO_EXCLUSIVEADDRUSE};\n",
        );
    }
    for (i, (file, code)) in list.iter().enumerate() {
        let err = if code.contains("return Err(std::io::Error") {
            "std::io::Error"
        } else {
            "Box<dyn std::error::Error>"
        };
        main.push_str(&format!(
            "\n// {file}\nfn snippet_{i}() -> Result<(), {err}> {{\n{code}\n    Ok(())\n}}\n"
        ));
    }
    main.push_str("\nfn main() {}\n");
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"guide-snippets\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         # Not part of bindlab's workspace.\n[workspace]\n\n\
         [dependencies]\nsocket2 = { version = \"0.5\", features = [\"all\"] }\n\n\
         [target.'cfg(windows)'.dependencies]\n\
         windows-sys = { version = \"0.61\", features = [\"Win32_Networking_WinSock\"] }\n",
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/main.rs"), main).map_err(|e| e.to_string())
}

/// The Python and Node.js snippets, parsed by their own interpreters
/// (`python3 -m py_compile`, `node --check`): syntax only, since a snippet
/// uses names (`s`, `server`) its guide's text introduces.
fn syntax() -> Result {
    for (lang, ext, program, args) in [
        ("python", "py", "python3", &["-m", "py_compile"][..]),
        ("node", "js", "node", &["--check"][..]),
    ] {
        let dir = root().join("target/guide-snippets").join(lang);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let list = snippets_in(lang)?;
        for (i, (file, code)) in list.iter().enumerate() {
            let path = dir.join(format!("snippet_{i}.{ext}"));
            let comment = if lang == "python" { "#" } else { "//" };
            std::fs::write(&path, format!("{comment} {file}\n{code}\n"))
                .map_err(|e| e.to_string())?;
            // Quietly, one file at a time (node checks one per run).
            let out = std::process::Command::new(program)
                .args(args)
                .arg(&path)
                .output()
                .map_err(|e| format!("cannot run {program}: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "the {lang} snippet of {file} does not parse ({}):\n{}",
                    path.display(),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
        println!("{} {lang} snippets parse", list.len());
    }
    Ok(())
}

/// Compiles every snippet for each of its systems; says how many.
pub fn check() -> Result {
    syntax()?;
    println!("\n== the guides' Rust snippets, compiled for their systems");
    let all = snippets()?;
    for (system, target) in TARGETS {
        let list: Vec<_> = all
            .iter()
            .filter(|(_, code)| systems(code).contains(&system))
            .collect();
        if list.is_empty() {
            continue;
        }
        if target != "x86_64-unknown-linux-gnu" {
            run("rustup", &["target", "add", target], &[])?;
        }
        let dir = root().join("target/guide-snippets").join(system);
        write_crate(&dir, system, &list)?;
        let manifest = dir.join("Cargo.toml");
        run(
            "cargo",
            &[
                "check",
                "--quiet",
                "--manifest-path",
                &manifest.to_string_lossy(),
                "--target",
                target,
            ],
            // Its own target directory: not bindlab's build cache.
            &[("CARGO_TARGET_DIR", &dir.join("target").to_string_lossy())],
        )?;
        let n = list.len();
        let (s, verb) = if n == 1 {
            ("", "compiles")
        } else {
            ("s", "compile")
        };
        println!("{n} snippet{s} {verb} for {system} ({target})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Winsock code is checked for Windows only, SO_REUSEPORT_LB for
    /// FreeBSD only, the rest everywhere a reader may run it.
    #[test]
    fn each_snippet_goes_to_the_systems_it_is_written_for() {
        assert_eq!(systems("sock.as_raw_socket() as _"), ["windows"]);
        assert_eq!(systems("sock.set_reuse_port_lb(true)?;"), ["freebsd"]);
        assert_eq!(systems("s.set_reuse_address(true)?;"), ["linux", "windows"]);
        let all = snippets().unwrap();
        // Nine guides; 02 and 05 share theirs.
        assert!(all.len() >= 8, "{}", all.len());
        assert!(all.iter().any(|(_, c)| systems(c) == ["windows"]));
    }
}
