//! The kernel stage's exported programs: every Linux corpus scenario
//! exported to each language (`bindlab export --lang L`), built once per
//! language, and run on this kernel in a private network namespace. Each
//! program prints `N matched, M differ[, K skipped]`; any difference (or a
//! program that does not build or run) fails the stage. Languages run side
//! by side (each one's scenarios in order), so their waits overlap.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::thread;

use crate::{ensure_apt, have, root, Result};

/// One language's tally.
#[derive(Default)]
struct Tally {
    programs: usize,
    /// Programs whose every step ran and matched.
    matched: usize,
    /// Programs that matched where they ran but stopped at a step the
    /// language cannot express (or that needs what this machine lacks).
    partial: usize,
    skipped_steps: usize,
    failed: Vec<String>,
    /// Why the language was not run at all, when it was not.
    not_run: Option<String>,
    /// What was run: "built and run", "syntax-checked", ...
    how: &'static str,
    /// Differences are reported but do not fail the stage (C# runs on
    /// Mono, which is not the .NET runtime people deploy).
    informational: bool,
}

/// A scenario to export: its file and a name safe for every toolchain
/// (cargo bins, Go packages, Java classes).
struct Scenario {
    file: String,
    ident: String,
}

/// Whether the scenario in `file` has a `datagram` step to an IPv6 group.
fn sends_to_ipv6_group(file: &str) -> bool {
    std::fs::read_to_string(file).is_ok_and(|t| {
        t.lines().any(|l| {
            let l = l.trim_start().to_ascii_lowercase();
            l.starts_with("datagram [ff")
        })
    })
}

fn scenarios(files: &[String]) -> Vec<Scenario> {
    files
        .iter()
        .map(|f| {
            let stem = Path::new(f)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let ident: String = stem
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            Scenario {
                file: f.clone(),
                ident: format!("S_{ident}"),
            }
        })
        .collect()
}

fn export(bindlab: &str, lang: &str, file: &str, out: &Path) -> Result {
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let o = Command::new(bindlab)
        .args(["export", "--lang", lang, file, "-o"])
        .arg(out)
        .current_dir(root())
        .output()
        .map_err(|e| format!("cannot run {bindlab}: {e}"))?;
    if o.status.success() {
        Ok(())
    } else {
        Err(format!(
            "bindlab export --lang {lang} {file}: {}",
            String::from_utf8_lossy(&o.stderr)
        ))
    }
}

/// Runs `cmd` (in the workspace root unless it names its own directory).
fn output(cmd: &mut Command) -> Result<Output> {
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(root());
    }
    cmd.output().map_err(|e| format!("cannot run {cmd:?}: {e}"))
}

fn check(what: &str, o: &Output) -> Result {
    if o.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed:\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ))
    }
}

/// Runs one program and counts it: its last line is the tally.
fn count(t: &mut Tally, file: &str, cmd: &mut Command) {
    t.programs += 1;
    let o = match output(cmd) {
        Ok(o) => o,
        Err(e) => {
            t.failed.push(format!("{file}: {e}"));
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&o.stdout);
    let last = stdout.lines().rev().find(|l| !l.is_empty()).unwrap_or("");
    let skipped: usize = last
        .split(", ")
        .find_map(|p| p.strip_suffix(" skipped"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    if !o.status.success() || !last.contains(" matched, 0 differ") {
        t.failed.push(format!(
            "{file}: the exported program found differences:\n{stdout}{}",
            String::from_utf8_lossy(&o.stderr)
        ));
    } else if skipped > 0 {
        t.partial += 1;
        t.skipped_steps += skipped;
    } else {
        t.matched += 1;
    }
}

fn dir(lang: &str) -> PathBuf {
    root().join("target/export").join(lang)
}

fn fresh(lang: &str) -> Result<PathBuf> {
    let d = dir(lang);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).map_err(|e| format!("{}: {e}", d.display()))?;
    Ok(d)
}

fn python(bindlab: &str, sc: &[Scenario]) -> Result<Tally> {
    let d = fresh("python")?;
    let mut t = Tally {
        how: "run with python3",
        ..Tally::default()
    };
    for s in sc {
        let p = d.join(format!("{}.py", s.ident));
        export(bindlab, "python", &s.file, &p)?;
        count(
            &mut t,
            &s.file,
            Command::new("python3").arg(&p).arg("--yes"),
        );
    }
    Ok(t)
}

fn c(bindlab: &str, sc: &[Scenario]) -> Result<Tally> {
    let d = fresh("c")?;
    let mut t = Tally {
        how: "built with cc -Wall -Werror, run",
        ..Tally::default()
    };
    for s in sc {
        let src = d.join(format!("{}.c", s.ident));
        let bin = d.join(&s.ident);
        export(bindlab, "c", &s.file, &src)?;
        let o = output(
            Command::new("cc")
                .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-o"])
                .arg(&bin)
                .arg(&src),
        )?;
        check(&format!("cc {}", src.display()), &o)?;
        count(&mut t, &s.file, Command::new(&bin).arg("--yes"));
    }
    Ok(t)
}

fn go(bindlab: &str, sc: &[Scenario]) -> Result<Tally> {
    let d = fresh("go")?;
    std::fs::write(d.join("go.mod"), "module bindlabexports\n\ngo 1.19\n")
        .map_err(|e| e.to_string())?;
    for s in sc {
        export(bindlab, "go", &s.file, &d.join(&s.ident).join("main.go"))?;
    }
    let bin = d.join("bin");
    std::fs::create_dir_all(&bin).map_err(|e| e.to_string())?;
    let gofmt = output(Command::new("gofmt").arg("-l").arg(&d))?;
    if !gofmt.stdout.is_empty() {
        return Err(format!(
            "gofmt would change these exports:\n{}",
            String::from_utf8_lossy(&gofmt.stdout)
        ));
    }
    let o = output(
        Command::new("go")
            .args(["build", "-o"])
            .arg(format!("{}/", bin.display()))
            .arg("./...")
            .current_dir(&d),
    )?;
    check("go build ./...", &o)?;
    let o = output(Command::new("go").args(["vet", "./..."]).current_dir(&d))?;
    check("go vet ./...", &o)?;
    let mut t = Tally {
        how: "gofmt-clean, vetted, built with go build, run",
        ..Tally::default()
    };
    for s in sc {
        count(
            &mut t,
            &s.file,
            Command::new(bin.join(&s.ident)).arg("--yes"),
        );
    }
    Ok(t)
}

fn rust(bindlab: &str, sc: &[Scenario]) -> Result<Tally> {
    // Kept between runs: cargo rebuilds only what changed.
    let d = dir("rust");
    let bins = d.join("src/bin");
    let _ = std::fs::remove_dir_all(&bins);
    std::fs::create_dir_all(&bins).map_err(|e| e.to_string())?;
    std::fs::write(
        d.join("Cargo.toml"),
        "[package]\nname = \"bindlab-exports\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nsocket2 = { version = \"0.5\", features = [\"all\"] }\nlibc = \"0.2\"\n\n# Not a member of bindlab's workspace.\n[workspace]\n",
    )
    .map_err(|e| e.to_string())?;
    for s in sc {
        export(
            bindlab,
            "rust",
            &s.file,
            &bins.join(format!("{}.rs", s.ident)),
        )?;
    }
    let o = output(
        Command::new("cargo")
            .args(["build", "--quiet", "--bins"])
            .current_dir(&d)
            .env_remove("CARGO_TARGET_DIR")
            .env("RUSTFLAGS", "-D warnings"),
    )?;
    check("cargo build (the Rust exports)", &o)?;
    let mut t = Tally {
        how: "one cargo project (socket2), a bin per scenario, run",
        ..Tally::default()
    };
    for s in sc {
        count(
            &mut t,
            &s.file,
            Command::new(d.join("target/debug").join(&s.ident)).arg("--yes"),
        );
    }
    Ok(t)
}

fn java(bindlab: &str, sc: &[Scenario]) -> Result<Tally> {
    let d = fresh("java")?;
    let classes = d.join("classes");
    let mut sources = Vec::new();
    for s in sc {
        let src = d.join(format!("{}.java", s.ident));
        export(bindlab, "java", &s.file, &src)?;
        sources.push(src);
    }
    let o = output(
        Command::new("javac")
            .arg("-Xlint:all")
            .arg("-d")
            .arg(&classes)
            .args(&sources),
    )?;
    check("javac (all the Java exports at once)", &o)?;
    let mut t = Tally {
        how: "javac (all at once), run",
        ..Tally::default()
    };
    for s in sc {
        count(
            &mut t,
            &s.file,
            Command::new("java")
                .arg("-cp")
                .arg(&classes)
                .arg(&s.ident)
                .arg("--yes"),
        );
    }
    Ok(t)
}

fn node(bindlab: &str, sc: &[Scenario]) -> Result<Tally> {
    let d = fresh("node")?;
    let mut t = Tally {
        how: "node --check, run (steps net cannot express are reported, not run)",
        ..Tally::default()
    };
    for s in sc {
        let p = d.join(format!("{}.mjs", s.ident));
        export(bindlab, "node", &s.file, &p)?;
        check(
            &format!("node --check {}", p.display()),
            &output(Command::new("node").arg("--check").arg(&p))?,
        )?;
        count(&mut t, &s.file, Command::new("node").arg(&p).arg("--yes"));
    }
    Ok(t)
}

fn csharp(bindlab: &str, sc: &[Scenario]) -> Result<Tally> {
    if let Err(e) = ensure_apt("mcs", "mono-mcs") {
        return Ok(Tally {
            not_run: Some(format!("no C# compiler here ({e})")),
            ..Tally::default()
        });
    }
    let d = fresh("csharp")?;
    let run = have("mono") && have("unshare");
    let mut t = Tally {
        how: if run {
            "built with Mono's mcs (the check); run with mono in `unshare -n` for information"
        } else {
            "built with Mono's mcs (no mono runtime: not run)"
        },
        informational: true,
        ..Tally::default()
    };
    for s in sc {
        let src = d.join(format!("{}.cs", s.ident));
        let exe = d.join(format!("{}.exe", s.ident));
        export(bindlab, "csharp", &s.file, &src)?;
        let o = output(
            Command::new("mcs")
                .args(["-nologo", "-warnaserror+"])
                .arg(format!("-out:{}", exe.display()))
                .arg(&src),
        )?;
        check(&format!("mcs {}", src.display()), &o)?;
        if run {
            // The C# program does not re-run itself in a namespace: this does.
            count(
                &mut t,
                &s.file,
                Command::new("unshare")
                    .args(["-n", "--", "mono"])
                    .arg(&exe)
                    .arg("--yes")
                    .env("BINDLAB_NETNS", "1"),
            );
        } else {
            t.programs += 1;
        }
    }
    Ok(t)
}

type Runner = fn(&str, &[Scenario]) -> Result<Tally>;

/// Every Linux scenario exported to each language (`only`: these languages;
/// empty: all) and run on the kernel.
pub(crate) fn exported_programs(bindlab: &str, files: &[String], only: &[&str]) -> Result {
    println!("\n== exported programs (bindlab export --lang L) on the kernel, in private network namespaces");
    for (program, package) in [
        ("python3", "python3"),
        ("cc", "gcc"),
        ("go", "golang-go"),
        ("javac", "default-jdk-headless"),
        ("node", "nodejs"),
        ("unshare", "util-linux"),
    ] {
        ensure_apt(program, package)?;
    }
    // A datagram to an IPv6 group does not loop back on the namespace's
    // loopback (`bindlab verify` reports such a step not checkable); a
    // program would count its send's ENETUNREACH as a difference.
    let (v6_groups, files): (Vec<String>, Vec<String>) =
        files.iter().cloned().partition(|f| sends_to_ipv6_group(f));
    for f in &v6_groups {
        println!("  not exported: {f} (datagrams to an IPv6 group, which this namespace's loopback does not deliver)");
    }
    if files.is_empty() {
        println!("  no scenario left to export");
        return Ok(());
    }
    let sc = scenarios(&files);
    let langs: [(&str, Runner); 7] = [
        ("c", c),
        ("python", python),
        ("go", go),
        ("rust", rust),
        ("java", java),
        ("node", node),
        ("csharp", csharp),
    ];
    let started = std::time::Instant::now();
    let results: Vec<(&str, Result<Tally>, f64)> = thread::scope(|scope| {
        let handles: Vec<_> = langs
            .iter()
            .filter(|(name, _)| only.is_empty() || only.contains(name))
            .map(|(name, f)| {
                let sc = &sc;
                (
                    *name,
                    scope.spawn(move || {
                        let t0 = std::time::Instant::now();
                        (f(bindlab, sc), t0.elapsed().as_secs_f64())
                    }),
                )
            })
            .collect();
        handles
            .into_iter()
            .map(|(name, h)| {
                let (r, secs) = h
                    .join()
                    .unwrap_or_else(|_| (Err("the runner panicked".into()), 0.0));
                (name, r, secs)
            })
            .collect()
    });
    let mut problems = Vec::new();
    println!("\nper language ({} Linux scenarios):", sc.len());
    for (name, r, secs) in &results {
        match r {
            Err(e) => {
                println!("  {name:<7} FAILED: {e}");
                problems.push(format!("{name}: {e}"));
            }
            Ok(t) => {
                if let Some(why) = &t.not_run {
                    println!("  {name:<7} not run: {why}");
                    continue;
                }
                println!(
                    "  {name:<7} {} programs: {} matched in full, {} matched up to a step the language cannot express ({} steps not run), {} differ  [{}; {secs:.0}s]",
                    t.programs, t.matched, t.partial, t.skipped_steps, t.failed.len(), t.how
                );
                if t.informational {
                    for f in &t.failed {
                        println!("{}", f.lines().next().unwrap_or(""));
                    }
                    continue;
                }
                for f in &t.failed {
                    println!("{f}");
                }
                if !t.failed.is_empty() {
                    problems.push(format!("{name}: {} programs differ", t.failed.len()));
                }
            }
        }
    }
    println!(
        "exported programs: {:.0}s in all",
        started.elapsed().as_secs_f64()
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("exported programs: {}", problems.join("; ")))
    }
}
