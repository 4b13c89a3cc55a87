//! `cargo xtask test [STAGE…]`: every test of the project in named stages,
//! run in this order. No argument runs them all (what CI runs); `--list`
//! prints them. Each stage builds what it needs, so any one runs alone.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crate::{
    ensure_apt, ensure_wasm_target, export::exported_programs, fuzz, is_root, root, run,
    runtimes::runtime_defaults, scenario_files, scenario_files_ext, site, smoke, Result,
};

/// Cases per property in CI (`cargo xtask test`), in release mode.
const CI_PROPERTY_CASES: u64 = 100_000;

/// The toolchain `msrv` checks with: the workspace's `rust-version`.
pub const MSRV: &str = "1.88";

/// (name, what it runs, the stage, whether a run of every stage includes it).
type Stage = (&'static str, &'static str, fn() -> Result, bool);

pub const STAGES: &[Stage] = &[
    ("fmt", "cargo fmt --check", fmt, true),
    (
        "clippy",
        "cargo clippy --workspace --all-targets -- -D warnings, and the app's sandbox build (no default features) and prerenderer (feature ssr)",
        clippy,
        true,
    ),
    (
        "msrv",
        "cargo +1.88 check --workspace --all-targets (the workspace's rust-version)",
        msrv,
        false,
    ),
    (
        "wasm",
        "the engine builds for wasm32-unknown-unknown",
        wasm,
        true,
    ),
    (
        "unit",
        "cargo test --workspace (property tests at 1,000 cases, debug)",
        unit,
        true,
    ),
    (
        "properties",
        "every property test at 100,000 cases in release, timed",
        properties,
        true,
    ),
    ("corpus", "bindlab check over the corpus", corpus, true),
    (
        "lessons",
        "bindlab lessons check over the course, bindlab guides check over the guides",
        lessons,
        true,
    ),
    (
        "kernel",
        "as root: corpus, kernel-diff, exported programs, cheat sheet, course and guides on the Linux kernel",
        kernel,
        true,
    ),
    (
        "runtimes",
        "as root: each runtime's default sockets on the kernel, compared with content/runtimes.toml (also the end of `kernel`)",
        runtimes,
        false,
    ),
    (
        "browser",
        "cargo xtask dist, then the browser tests (web/tests/) in Chromium",
        browser,
        true,
    ),
    (
        "smoke",
        "the dev build (what `serve` serves) through web/smoke/",
        smoke,
        true,
    ),
];

fn list() -> String {
    STAGES
        .iter()
        .map(|(name, what, _, all)| {
            format!(
                "  {name:<11} {what}{}",
                if *all { "" } else { " [only by name]" }
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Which stages `args` names, in the project's order; an unknown name is an
/// error listing the valid ones.
pub fn select(args: &[String]) -> Result<Vec<&'static Stage>> {
    for a in args {
        if !STAGES.iter().any(|(name, ..)| name == a) {
            return Err(format!("unknown stage `{a}`; the stages are:\n{}", list()));
        }
    }
    Ok(STAGES
        .iter()
        .filter(|(name, _, _, all)| {
            if args.is_empty() {
                *all
            } else {
                args.iter().any(|a| a == name)
            }
        })
        .collect())
}

pub fn test(args: &[String]) -> Result {
    if args.iter().any(|a| a == "--list") {
        println!(
            "cargo xtask test [STAGE…] runs these in this order (no STAGE: all but those marked):\n{}",
            list()
        );
        return Ok(());
    }
    let stages = select(args)?;
    let started = Instant::now();
    for (name, what, stage, _) in &stages {
        println!("\n== {name}: {what}");
        stage().map_err(|e| format!("stage `{name}` failed: {e}"))?;
    }
    let names: Vec<&str> = stages.iter().map(|(name, ..)| *name).collect();
    println!(
        "\nall tests passed ({}) in {:.0}s",
        names.join(" "),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn fmt() -> Result {
    run("cargo", &["fmt", "--all", "--", "--check"], &[])
}

fn clippy() -> Result {
    clippy_with(&["--workspace"])?;
    // The sandbox's build (the app without its course) has code and tests
    // of its own: checked as the site builds it.
    clippy_with(&["-p", "bindlab-app", "--no-default-features"])?;
    crate::prerender::clippy()
}

/// `cargo clippy --quiet ARGS --all-targets -- -D warnings`.
fn clippy_with(what: &[&str]) -> Result {
    let mut args = vec!["clippy", "--quiet"];
    args.extend_from_slice(what);
    args.extend(["--all-targets", "--", "-D", "warnings"]);
    run("cargo", &args, &[])
}

/// The workspace checked with the toolchain its `rust-version` names, in a
/// target directory of its own (installed on first use when rustup is there).
fn msrv() -> Result {
    let toolchain = format!("+{MSRV}");
    run(
        "rustup",
        &["toolchain", "install", MSRV, "--profile", "minimal"],
        &[],
    )?;
    let target = root().join("target/msrv").to_string_lossy().into_owned();
    run(
        "cargo",
        &[
            &toolchain,
            "check",
            "--quiet",
            "--workspace",
            "--all-targets",
        ],
        &[("CARGO_TARGET_DIR", &target)],
    )
}

fn wasm() -> Result {
    ensure_wasm_target()?;
    run(
        "cargo",
        &[
            "build",
            "--quiet",
            "-p",
            "bindlab-engine",
            "--target",
            "wasm32-unknown-unknown",
        ],
        &[],
    )
}

/// Debug build first (overflow checks on), with few cases: the
/// `properties` stage gives every property its 100,000.
fn unit() -> Result {
    // The kernel crate's tests (and `bindlab verify` in the CLI's) use `ip`.
    ensure_apt("ip", "iproute2")?;
    run(
        "cargo",
        &["test", "--workspace", "--quiet"],
        &[("PROPTEST_CASES", "1000")],
    )
}

fn properties() -> Result {
    fuzz::properties(CI_PROPERTY_CASES)
}

/// The release `bindlab` (and `kernel-diff`), built when stale.
fn bindlab() -> Result<String> {
    run(
        "cargo",
        &[
            "build",
            "--quiet",
            "--release",
            "-p",
            "bindlab-cli",
            "-p",
            "bindlab-kernel",
        ],
        &[],
    )?;
    Ok(root()
        .join("target/release/bindlab")
        .to_string_lossy()
        .into_owned())
}

fn corpus() -> Result {
    let bindlab = bindlab()?;
    let mut corpus = scenario_files(&root().join("corpus"));
    // The sandbox's first scenario is content too.
    corpus.push("content/sandbox-example.bindlab".to_string());
    corpus.push("content/zh-CN/sandbox-example.bindlab".to_string());
    // And the examples menu's, in every language.
    corpus.extend(scenario_files(&root().join("content/examples")));
    corpus.extend(scenario_files(&root().join("content/zh-CN/examples")));
    let files: Vec<&str> = corpus.iter().map(String::as_str).collect();
    run(&bindlab, &[&["check"], files.as_slice()].concat(), &[])
}

/// Whether `lessons` has written `lesson_dir()` in this run.
static LESSONS_WRITTEN: AtomicBool = AtomicBool::new(false);

/// Where `lessons` writes the course's scenarios for `kernel`.
fn lesson_dir() -> String {
    root().join("target/lessons").to_string_lossy().into_owned()
}

/// `bindlab lessons check` over the course, writing its scenarios, challenge
/// starts, solutions and wrong attempts to `lesson_dir()`; `bindlab guides
/// check` over the guides, writing their Linux scenarios beside them (both
/// check the translations too, and list what is untranslated); `bindlab
/// rules check` over the translated rule catalogues.
fn lessons() -> Result {
    let bindlab = bindlab()?;
    let lessons = scenario_files_ext(&root().join("content/lessons"), "md");
    let lesson_args: Vec<&str> = lessons.iter().map(String::as_str).collect();
    let dir = lesson_dir();
    let _ = std::fs::remove_dir_all(&dir);
    run(
        &bindlab,
        &[
            &["lessons", "check"],
            lesson_args.as_slice(),
            &["--scenarios", &dir],
        ]
        .concat(),
        &[],
    )?;
    let guides = scenario_files_ext(&root().join("content/guides"), "md");
    let guide_args: Vec<&str> = guides.iter().map(String::as_str).collect();
    run(
        &bindlab,
        &[
            &["guides", "check"],
            guide_args.as_slice(),
            &["--scenarios", &dir],
        ]
        .concat(),
        &[],
    )?;
    // The translated rule catalogues: the same ids, why variants and slots.
    run(&bindlab, &["rules", "check"], &[])?;
    crate::snippets::check()?;
    crate::guide_code::check()?;
    LESSONS_WRITTEN.store(true, Ordering::Relaxed);
    Ok(())
}

/// `cargo xtask exports [--lang c,go] [NAME-PART]` (as root): the kernel
/// stage's exported programs alone, for some languages and the Linux corpus
/// files whose name contains NAME-PART.
pub(crate) fn exports(args: &[String]) -> Result {
    if !is_root() {
        return Err("the exported programs run in network namespaces: run as root".into());
    }
    let mut langs: Vec<String> = Vec::new();
    let mut part = String::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--lang" => {
                let v = it.next().ok_or("--lang needs a list, e.g. c,go")?;
                langs.extend(v.split(',').map(str::to_string));
            }
            other => part = other.to_string(),
        }
    }
    ensure_apt("ip", "iproute2")?;
    let bindlab = bindlab()?;
    let linux: Vec<String> = scenario_files(&root().join("corpus/linux"))
        .into_iter()
        .filter(|f| f.contains(&part))
        .collect();
    let langs: Vec<&str> = langs.iter().map(String::as_str).collect();
    exported_programs(&bindlab, &linux, &langs)
}

fn kernel() -> Result {
    if !is_root() {
        // `bindlab verify` works for ordinary users (one file at a time, in a
        // user namespace); the corpus and the random differential need root.
        println!("SKIPPED: the kernel checks need root (a network namespace per scenario). CI runs as root.");
        return Ok(());
    }
    ensure_apt("ip", "iproute2")?;
    // Which kernel answered: two builds that both call themselves 6.18.44
    // have differed (listen() after a refused connect()), so the log names
    // the build.
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let version = std::fs::read_to_string("/proc/sys/kernel/version").unwrap_or_default();
    println!("kernel: {} {}", release.trim(), version.trim());
    let bindlab = bindlab()?;
    let linux = scenario_files(&root().join("corpus/linux"));
    // And the sandbox's examples: the Linux column the sandbox shows for
    // each (zh-CN's are the same scenarios) is the kernel's.
    let mut examples = scenario_files(&root().join("content/examples"));
    examples.push("content/sandbox-example.bindlab".to_string());
    let files: Vec<&str> = linux.iter().chain(&examples).map(String::as_str).collect();
    run(&bindlab, &[&["verify"], files.as_slice()].concat(), &[])?;
    let diff = root()
        .join("target/release/kernel-diff")
        .to_string_lossy()
        .into_owned();
    run(&diff, &["--count", "1000"], &[])?;
    run(&diff, &["--count", "1000", "--udp"], &[])?;
    // Crowded ports: a few hundred steps put tens of sockets, connections
    // and TIME_WAITs on one port, which 24 steps seldom do.
    run(&diff, &["--count", "100", "--steps", "300"], &[])?;
    run(&diff, &["--count", "100", "--steps", "300", "--udp"], &[])?;
    past_the_fd_limit(&bindlab)?;
    exported_programs(&bindlab, &linux, &[])?;
    runtime_defaults()?;
    println!("\n== the cheat sheet's Linux cells on the kernel");
    let sheet = root().join("target/cheatsheet");
    let _ = std::fs::remove_dir_all(&sheet);
    run(
        &bindlab,
        &["cheatsheet", "--scenarios", &sheet.to_string_lossy()],
        &[],
    )?;
    let rows: Vec<String> = scenario_files(&sheet)
        .into_iter()
        .filter(|f| f.ends_with("-linux.bindlab"))
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    run(&bindlab, &[&["verify"], rows.as_slice()].concat(), &[])?;
    println!("\n== the course's and the guides' Linux scenarios and solutions on the kernel");
    if !LESSONS_WRITTEN.load(Ordering::Relaxed) {
        // Run without the `lessons` stage: write them now, not stale ones.
        lessons()?;
    }
    let lesson_linux: Vec<String> = scenario_files(Path::new(&lesson_dir()))
        .into_iter()
        .filter(|f| f.ends_with("-linux.bindlab"))
        .collect();
    let lesson_linux: Vec<&str> = lesson_linux.iter().map(String::as_str).collect();
    run(
        &bindlab,
        &[&["verify"], lesson_linux.as_slice()].concat(),
        &[],
    )
}

/// A scenario with more sockets than the runner may hold (this machine's
/// hard RLIMIT_NOFILE, 20,000 here): the steps past it are "not
/// checkable", never differences, and `verify` passes. Skipped where the
/// limit is too high to reach quickly.
fn past_the_fd_limit(bindlab: &str) -> Result {
    let out = std::process::Command::new("sh")
        .args(["-c", "ulimit -Hn"])
        .output()
        .map_err(|e| format!("ulimit: {e}"))?;
    let hard: u64 = match String::from_utf8_lossy(&out.stdout).trim().parse() {
        Ok(n) if n <= 100_000 => n,
        _ => {
            println!(
                "
(the open-file limit is above 100,000: its check is skipped)"
            );
            return Ok(());
        }
    };
    let mut text = String::from("title More sockets than the kernel runner may hold\nos linux\n");
    for i in 0..hard + 10 {
        text += &format!("socket s{i} udp\n");
    }
    text += "socket last tcp\nbind last 127.0.0.1:80\n";
    let file = root().join("target/past-the-fd-limit.bindlab");
    std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    let out = std::process::Command::new(bindlab)
        .args(["verify", &file.to_string_lossy()])
        .output()
        .map_err(|e| format!("cannot run {bindlab}: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or_default();
    println!("\n== past the open-file limit ({hard}): {last}");
    if !out.status.success()
        || !text.contains("ran out of file descriptors")
        || !last.contains(" 0 differ")
    {
        return Err(format!("a scenario past the open-file limit: {last}"));
    }
    Ok(())
}

/// Only the runtime-defaults part of `kernel` (`xtask/src/runtimes.rs`).
fn runtimes() -> Result {
    runtime_defaults()
}

fn browser() -> Result {
    ensure_apt("chromium", "chromium")?;
    site::ensure_node_packages()?;
    site::dist()?;
    run("node", &["--test", "web/tests/"], &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(args: &[&str]) -> Result<Vec<&'static str>> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        select(&args).map(|v| v.iter().map(|(name, ..)| *name).collect())
    }

    #[test]
    fn no_stage_means_every_default_stage_in_order() {
        assert_eq!(
            names(&[]).unwrap(),
            [
                "fmt",
                "clippy",
                "wasm",
                "unit",
                "properties",
                "corpus",
                "lessons",
                "kernel",
                "browser",
                "smoke"
            ]
        );
    }

    #[test]
    fn named_stages_run_in_the_projects_order() {
        assert_eq!(
            names(&["unit", "fmt", "msrv"]).unwrap(),
            ["fmt", "msrv", "unit"]
        );
    }

    #[test]
    fn msrv_is_the_workspaces_rust_version() {
        let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains(&format!("\nrust-version = \"{MSRV}\"\n")),
            "xtask/src/test.rs MSRV {MSRV} is not the rust-version of Cargo.toml"
        );
        let (_, what, ..) = STAGES.iter().find(|(n, ..)| *n == "msrv").unwrap();
        assert!(what.contains(&format!("+{MSRV} ")), "{what}");
    }

    #[test]
    fn an_unknown_stage_lists_the_valid_ones() {
        let e = names(&["fmt", "lint"]).unwrap_err();
        assert!(
            e.starts_with("unknown stage `lint`; the stages are:"),
            "{e}"
        );
        for (name, ..) in STAGES {
            assert!(e.contains(&format!("\n  {name} ")), "{name}: {e}");
        }
    }
}
