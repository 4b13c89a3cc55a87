//! bindlab's build chores, in Rust (see ARCHITECTURE.md):
//!
//! ```text
//! cargo xtask serve     build the site and serve it at http://127.0.0.1:8080, rebuilding on change
//! cargo xtask dist      write the complete static site to dist/
//! cargo xtask test [STAGE…]  every test of the project, engine to browser (what CI
//!                       runs), or the named stages; `--list` names them
//! cargo xtask smoke     the dev build (what `serve` serves) through the browser smoke tests
//! cargo xtask bench [site]  the benchmarks, printing figures (`site`: the site's only)
//! cargo xtask fuzz [N] [--seconds S]
//!                       every property test at N cases in release (default
//!                       1,000,000), then each cargo-fuzz target for S seconds
//! cargo xtask screenshots  PNGs of the sandbox, a chapter and a widget (wide and phone,
//!                       light and dark) into web/screenshots/
//! ```
//! Each command installs what it needs on a fresh machine, or says exactly
//! what to install when it cannot.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod compress;
mod fuzz;
mod site;
mod test;

pub(crate) type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let r = match args.first().map(String::as_str) {
        Some("serve") => site::serve(),
        Some("dist") => site::dist().map(|_| ()),
        Some("test") => test::test(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("screenshots") => screenshots(),
        Some("smoke") => smoke(),
        _ => Err(
            "usage: cargo xtask serve | dist | test [STAGE…|--list] | smoke | bench [site] | screenshots | fuzz [N] [--seconds S]"
                .to_string(),
        ),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Runs a command in the workspace root, echoing it; fails on a non-zero exit.
pub(crate) fn run(program: &str, args: &[&str], env: &[(&str, &str)]) -> Result {
    let shown = if args.len() > 8 {
        format!("{} … ({} arguments)", args[..3].join(" "), args.len())
    } else {
        args.join(" ")
    };
    println!("\n$ {program} {shown}");
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

pub(crate) fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Installs a Debian package when its program is missing (as root), or
/// says what to install.
pub(crate) fn ensure_apt(program: &str, package: &str) -> Result {
    if have(program) {
        return Ok(());
    }
    if !is_root() || !have("apt-get") {
        return Err(format!("`{program}` is missing: install the `{package}` package (e.g. sudo apt-get install -y {package})"));
    }
    run("apt-get", &["update", "-qq"], &[])?;
    run(
        "apt-get",
        &["install", "-y", "-qq", package],
        &[("DEBIAN_FRONTEND", "noninteractive")],
    )
}

pub(crate) fn ensure_wasm_target() -> Result {
    if !have("rustup") {
        return Err(
            "rustup is missing; the wasm32-unknown-unknown target needs it (https://rustup.rs)"
                .into(),
        );
    }
    run("rustup", &["target", "add", "wasm32-unknown-unknown"], &[])
}

/// Every `.bindlab` file under `dir`, sorted.
pub(crate) fn scenario_files(dir: &Path) -> Vec<String> {
    scenario_files_ext(dir, "bindlab")
}

/// Every file with extension `ext` under `dir`, sorted, relative to the root.
pub(crate) fn scenario_files_ext(dir: &Path, ext: &str) -> Vec<String> {
    fn walk(d: &Path, ext: &str, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(d) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, ext, out);
            } else if p.extension().is_some_and(|x| x == ext) {
                out.push(
                    p.strip_prefix(root())
                        .unwrap_or(&p)
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, ext, &mut v);
    v.sort();
    v
}

/// Every Linux scenario exported as a Python program and run with python3
/// (each re-runs itself in a private network namespace): all must match.
pub(crate) fn exported_programs(bindlab: &str, files: &[String]) -> Result {
    println!("\n== exported Python programs (bindlab export --python) on the kernel");
    if !have("python3") {
        return Err("python3 is missing: install it (e.g. apt-get install -y python3)".into());
    }
    let dir = root().join("target/export");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let (mut passed, mut failed) = (0, 0);
    for f in files {
        let stem = Path::new(f)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let py = dir
            .join(format!("{stem}.py"))
            .to_string_lossy()
            .into_owned();
        let exported = Command::new(bindlab)
            .args(["export", "--python", f, "-o", &py])
            .current_dir(root())
            .output()
            .is_ok_and(|o| o.status.success());
        let matched = exported
            && Command::new("python3")
                .args([&py, "--yes"])
                .current_dir(root())
                .output()
                .is_ok_and(|o| {
                    if !o.status.success() {
                        println!(
                            "{f}: the exported program found differences:\n{}",
                            String::from_utf8_lossy(&o.stdout)
                        );
                    }
                    o.status.success()
                });
        if matched {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        return Err(format!(
            "{failed} exported programs did not match the kernel"
        ));
    }
    Ok(())
}

/// `cargo xtask smoke`: the dev build (what `cargo xtask serve` serves) in
/// the browser. Yew checks some rules (hooks called in the same order on
/// every render) only in debug builds, by panicking: this run makes a
/// debug-only panic fail the tests, not a newcomer's first typo.
pub(crate) fn smoke() -> Result {
    println!("\n== the dev build (what `cargo xtask serve` serves) in the browser");
    ensure_apt("chromium", "chromium")?;
    site::ensure_node_packages()?;
    let dev = root().join("target/site");
    site::build(&dev, site::Mode::Dev)?;
    run(
        "node",
        &["--test", "web/smoke/"],
        &[("BINDLAB_DIST", &dev.to_string_lossy())],
    )
}

/// `cargo xtask screenshots`: the release site photographed by
/// `web/screenshots.mjs` into web/screenshots/, for reviewers.
fn screenshots() -> Result {
    ensure_apt("chromium", "chromium")?;
    site::ensure_node_packages()?;
    site::dist()?;
    run("node", &["web/screenshots.mjs"], &[])
}

/// `cargo xtask bench [site]`: the engine's figures, then the site's
/// (`web/bench.mjs` against a fresh `dist/`); `site` runs only the second.
fn bench(args: &[String]) -> Result {
    if args.first().map(String::as_str) != Some("site") {
        run("cargo", &["bench", "--quiet", "-p", "bindlab-engine"], &[])?;
    }
    ensure_apt("chromium", "chromium")?;
    site::ensure_node_packages()?;
    site::dist()?;
    run("node", &["web/bench.mjs"], &[])
}
