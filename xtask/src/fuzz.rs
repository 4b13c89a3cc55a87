//! `cargo xtask fuzz [N] [--seconds S]`: every property test at N cases in
//! release mode, with cases/second per property, then each coverage-guided
//! target (`crates/fuzz`, cargo-fuzz on nightly) for S seconds.
//!
//! Property tests take their case count from `PROPTEST_CASES` (none of them
//! fixes `cases` in its config), so N reaches every one of them.

use std::process::Command;
use std::time::Instant;

use crate::{have, root, run, Result};

/// Every property test, as (package, cargo test target, name prefix): the
/// whole engine `properties` and course `robust` files, the progress
/// code's properties inside the course library's unit tests, and damaged
/// pasted tables (`crates/fuzz/tests/paste_mutations.rs`).
const PROPERTIES: &[(&str, &[&str], &str)] = &[
    ("bindlab-engine", &["--test", "properties"], ""),
    ("bindlab-course", &["--test", "robust"], ""),
    ("bindlab-course", &["--lib"], "progress::tests::any_"),
    ("bindlab-fuzz", &["--test", "paste_mutations"], ""),
];

/// The cargo-fuzz targets of `crates/fuzz` (its `fuzz_targets/`).
pub const TARGETS: &[&str] = &["parse", "steps", "permalink", "progress", "export", "paste"];

/// `cargo xtask fuzz [N] [--seconds S]`.
pub fn fuzz(args: &[String]) -> Result {
    let mut cases: u64 = 1_000_000;
    let mut seconds: u64 = 60;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => {
                seconds = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--seconds needs a whole number (0 skips the fuzz targets)")?;
            }
            n => {
                cases = n.replace(['_', ','], "").parse().map_err(|_| {
                    format!("usage: cargo xtask fuzz [CASES] [--seconds S] (not `{n}`)")
                })?
            }
        }
    }
    let mut failed = properties(cases).err().into_iter().collect::<Vec<_>>();
    if seconds > 0 {
        if let Err(e) = targets(seconds) {
            failed.push(e);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed.join("\n"))
    }
}

/// Builds one test target in release and returns its executable, so each
/// property is timed alone, without cargo's start-up or a rebuild.
fn test_binary(package: &str, target: &[&str]) -> Result<String> {
    let out = Command::new("cargo")
        .args([
            "test",
            "--release",
            "--no-run",
            "--message-format=json",
            "-p",
            package,
        ])
        .args(target)
        .current_dir(root())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "building the tests of {package} {} failed:\n{}",
            target.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    // One compiler-artifact line carries the test executable.
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"test\":true"))
        .filter_map(|l| l.split("\"executable\":\"").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .next_back()
        .map(str::to_string)
        .ok_or_else(|| format!("no test executable for {package} {}", target.join(" ")))
}

/// The names of one test executable's tests that start with `prefix`, but
/// its fixed examples (`examples::`: no cases to count; the unit stage runs
/// them).
fn list(binary: &str, prefix: &str) -> Result<Vec<String>> {
    let out = Command::new(binary)
        .args(["--list", "--format", "terse"])
        .output()
        .map_err(|e| format!("cannot run {binary}: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .filter(|n| n.starts_with(prefix) && !n.starts_with("examples::"))
        .map(str::to_string)
        .collect())
}

/// Every property at `cases` cases in release mode, one at a time (so each
/// has a core to itself and its rate means something), printing
/// cases/second; a failing property is reported and the others still run.
pub fn properties(cases: u64) -> Result {
    println!("\n== every property test at {cases} cases (release)");
    let n = cases.to_string();
    let mut binaries = Vec::new();
    for (package, target, prefix) in PROPERTIES {
        println!("building {package} {}", target.join(" "));
        binaries.push((*package, test_binary(package, target)?, *prefix));
    }
    let started = Instant::now();
    let mut failures = Vec::new();
    println!(
        "{:<66} {:>10} {:>9} {:>12}",
        "property", "cases", "seconds", "cases/s"
    );
    for (package, binary, prefix) in &binaries {
        for name in list(binary, prefix)? {
            let t = Instant::now();
            let out = Command::new(binary)
                .args(["--exact", &name, "--test-threads", "1"])
                .env("PROPTEST_CASES", &n)
                .current_dir(
                    root()
                        .join("crates")
                        .join(package.trim_start_matches("bindlab-")),
                )
                .output()
                .map_err(|e| format!("cannot run {binary}: {e}"))?;
            let secs = t.elapsed().as_secs_f64();
            let ok = out.status.success();
            println!(
                "{:<66} {:>10} {:>9.1} {:>12.0}{}",
                name,
                cases,
                secs,
                cases as f64 / secs.max(1e-9),
                if ok { "" } else { "  FAILED" }
            );
            if !ok {
                let text = String::from_utf8_lossy(&out.stdout);
                let detail: String = text
                    .lines()
                    .skip_while(|l| !l.contains("---- "))
                    .take(60)
                    .collect::<Vec<_>>()
                    .join("\n");
                println!("{detail}");
                failures.push(format!("{package}: {name}"));
            }
        }
    }
    println!(
        "properties: {:.0} s in all",
        started.elapsed().as_secs_f64()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} propert{} failed at {cases} cases: {}",
            failures.len(),
            if failures.len() == 1 { "y" } else { "ies" },
            failures.join(", ")
        ))
    }
}

/// Nightly and cargo-fuzz, installed by rustup and `cargo install` when missing.
fn ensure_cargo_fuzz() -> Result {
    if !have("rustup") {
        return Err(
            "rustup is missing; the fuzz targets need a nightly toolchain (https://rustup.rs)"
                .into(),
        );
    }
    let nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !nightly {
        run(
            "rustup",
            &["toolchain", "install", "nightly", "--profile", "minimal"],
            &[],
        )?;
    }
    let fuzz = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !fuzz {
        run("cargo", &["install", "cargo-fuzz", "--locked"], &[])?;
    }
    Ok(())
}

/// Each coverage-guided target for `seconds`, starting from the committed
/// seeds (`crates/fuzz/corpus/<target>`, only read) with new inputs kept in
/// `target/fuzz-corpus/<target>`; a crash is saved under
/// `crates/fuzz/artifacts/<target>/` and named at the end.
pub fn targets(seconds: u64) -> Result {
    println!("\n== coverage-guided fuzz targets, {seconds} s each (cargo-fuzz, nightly)");
    ensure_cargo_fuzz()?;
    let mut failures = Vec::new();
    for t in TARGETS {
        let work = root().join("target/fuzz-corpus").join(t);
        std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
        let seeds = root().join("crates/fuzz/corpus").join(t);
        let work = work.to_string_lossy().into_owned();
        let seeds = seeds.to_string_lossy().into_owned();
        let max_time = format!("-max_total_time={seconds}");
        // No sanitizer: the code is safe Rust, and the invariants are
        // panics; debug assertions catch arithmetic overflow as well.
        let r = run(
            "cargo",
            &[
                "+nightly",
                "fuzz",
                "run",
                "--fuzz-dir",
                "crates/fuzz",
                "--features",
                "libfuzzer",
                "--sanitizer",
                "none",
                "--debug-assertions",
                t,
                &work,
                &seeds,
                "--",
                &max_time,
                "-print_final_stats=1",
            ],
            &[],
        );
        if r.is_err() {
            failures.push(format!("{t} (input in crates/fuzz/artifacts/{t}/)"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzz targets failed: {}", failures.join(", ")))
    }
}
