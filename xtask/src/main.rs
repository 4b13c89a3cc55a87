//! bindlab's build chores, in Rust (see ARCHITECTURE.md):
//!
//! ```text
//! cargo xtask serve     build the site and serve it at http://127.0.0.1:8080, rebuilding on change
//! cargo xtask dist [--base-url URL]
//!                       write the complete static site to dist/, every page prerendered
//! cargo xtask test [STAGE…]  every test of the project, engine to browser (what CI
//!                       runs), or the named stages; `--list` names them
//! cargo xtask smoke     the dev build (what `serve` serves) through the browser smoke tests
//! cargo xtask bench [engine|site]  the benchmarks, printing figures: the
//!                       engine's, the same crowded-port workloads on this kernel
//!                       and the ratio of the two, then the site's; `engine` or
//!                       `site` runs only that half
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
mod examples;
mod export;
mod fuzz;
mod guide_code;
mod locales;
mod prerender;
mod runtimes;
mod site;
mod snippets;
mod test;

pub(crate) type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let r = match args.first().map(String::as_str) {
        Some("serve") => site::serve(),
        Some("dist") => prerender::take_base_url(&args[1..]).and_then(|()| site::dist().map(|_| ())),
        Some("test") => test::test(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("screenshots") => screenshots(),
        Some("smoke") => smoke(),
        Some("exports") => test::exports(&args[1..]),
        _ => Err(
            "usage: cargo xtask serve | dist | test [STAGE…|--list] | smoke | bench [engine|site] | screenshots | fuzz [N] [--seconds S] | exports [--lang L,…] [NAME-PART]"
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

/// The files of `dir` whose names end in `.ext`, in file-name order (the
/// order a menu or a bundle lists them in).
pub(crate) fn files_ending(dir: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    Ok(v)
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

/// `cargo xtask bench [engine|site]`: the engine's figures (and the kernel's
/// beside them), then the site's (`web/bench.mjs` against a fresh `dist/`);
/// `engine` or `site` runs only that half.
fn bench(args: &[String]) -> Result {
    let only = args.first().map(String::as_str);
    if only != Some("site") {
        run("cargo", &["bench", "--quiet", "-p", "bindlab-engine"], &[])?;
        kernel_bench()?;
        print_ratios()?;
    }
    if only == Some("engine") {
        return Ok(());
    }
    ensure_apt("chromium", "chromium")?;
    site::ensure_node_packages()?;
    site::dist()?;
    run("node", &["web/bench.mjs"], &[])
}

/// The engine's crowded-port workloads as real system calls
/// (`crates/kernel/src/bench.rs`), as root in a private network namespace;
/// the program itself says why when it cannot run.
fn kernel_bench() -> Result {
    if !cfg!(target_os = "linux") {
        println!("\nkernel benchmark skipped: the kernel runner is Linux only");
        return Ok(());
    }
    let _ = std::fs::remove_file(root().join("target/bench/kernel.tsv"));
    run(
        "cargo",
        &[
            "build",
            "--quiet",
            "--release",
            "-p",
            "bindlab-kernel",
            "--bin",
            "kernel-bench",
        ],
        &[],
    )?;
    let bin = root().join("target/release/kernel-bench");
    run(&bin.to_string_lossy(), &[], &[])
}

/// Engine per step over kernel per call, per workload, the engine's
/// 65,536 : 64 ratio and each one's growth from its own 64 sockets, from
/// `target/bench/{engine,kernel}.tsv`. The kernel is
/// this machine's Linux: the other OSes' engine figures are set against it
/// too (their kernels are not here to measure).
fn print_ratios() -> Result {
    let read = |name: &str| -> Vec<(String, String, u64, f64)> {
        std::fs::read_to_string(root().join("target/bench").join(name))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                Some((
                    f.first()?.to_string(),
                    f.get(1)?.to_string(),
                    f.get(2)?.parse().ok()?,
                    f.get(3)?.parse().ok()?,
                ))
            })
            .collect()
    };
    let engine = read("engine.tsv");
    let kernel = read("kernel.tsv");
    if engine.is_empty() {
        return Err("target/bench/engine.tsv is missing: the engine benchmark did not run".into());
    }
    println!("\nengine per step ÷ Linux kernel per call (goal ≤ 1.0), and each against its own 64 (the engine's 65,536 : 64: goal ≤ 1.5)\n");
    println!(
        "{:<8} {:<8} {:>7} {:>11} {:>11} {:>7} {:>9} {:>12}",
        "os", "workload", "sockets", "engine ns", "kernel ns", "ratio", "vs 64", "kernel vs 64"
    );
    for (os, w, n, ns) in &engine {
        let k = kernel
            .iter()
            .find(|(_, kw, kn, _)| kw == w && kn == n)
            .map(|k| k.3);
        let small = engine
            .iter()
            .find(|(o, ew, en, _)| o == os && ew == w && *en == 64)
            .map(|e| e.3);
        let k_small = kernel
            .iter()
            .find(|(_, kw, kn, _)| kw == w && *kn == 64)
            .map(|k| k.3);
        let kcell = k.map_or("—".to_string(), |k| format!("{k:.0}"));
        let ratio = k.map_or("—".to_string(), |k| format!("{:.2}", ns / k));
        let vs = small.map_or("—".to_string(), |s| format!("{:.2}", ns / s));
        let k_vs = match (k, k_small) {
            (Some(k), Some(s)) => format!("{:.2}", k / s),
            _ => "—".to_string(),
        };
        println!("{os:<8} {w:<8} {n:>7} {ns:>11.0} {kcell:>11} {ratio:>7} {vs:>9} {k_vs:>12}");
    }
    if kernel.is_empty() {
        println!("\n(no kernel figures: see the kernel benchmark's note above)");
    }
    Ok(())
}
