//! `bindlab`: run and check bindlab scenarios from the command line.
//!
//! ```text
//! bindlab run FILE [--os NAME|all] [--json]
//! bindlab check FILE...
//! bindlab fmt FILE
//! bindlab rules [ID]
//! ```
//! FILE may be `-` for standard input. Text problems go to standard error
//! as `FILE:LINE:COL: message` and exit 2.

mod table;

use std::io::Read;
use std::process::ExitCode;

use bindlab_engine::{parse_for, rules, run, run_all, Os, Scenario, TextOs};

const USAGE: &str = "\
bindlab — what bind(), listen() and connect() do on Linux, FreeBSD, macOS and Windows

usage:
  bindlab run FILE [--os NAME|all] [--json]   run a scenario and show each step's outcome
  bindlab check FILE...                        check every `=> RESULT` expectation; exit 1 on a mismatch
  bindlab export --python FILE [-o OUT]        a Python program that runs the scenario on your machine
                                               and checks bindlab's prediction for your OS
  bindlab cheatsheet [--rules] [--scenarios DIR]
                                               the OS × option matrix, computed by the engine
  bindlab lessons check FILE... [--scenarios DIR]
                                               check course lessons against the engine; write their scenarios
  bindlab fmt FILE                             print the scenario in canonical form
  bindlab rules [ID]                           list the rule catalogue, or explain one rule
  bindlab verify FILE...                       run each scenario on this machine's Linux kernel and
                                               compare each step with bindlab's prediction; exit 1 on a difference

FILE may be - for standard input. OS names: linux, freebsd, macos, windows, all.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => cmd_run(&args[1..]),
        Some("check") => cmd_check(&args[1..]),
        Some("fmt") => cmd_fmt(&args[1..]),
        Some("rules") => cmd_rules(&args[1..]),
        Some("verify") => cmd_verify(&args[1..]),
        Some("export") => cmd_export(&args[1..]),
        Some("cheatsheet") => cmd_cheatsheet(&args[1..]),
        Some("lessons") => cmd_lessons(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage_error(&format!("unknown command `{other}`")),
        None => usage_error("no command given"),
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("bindlab: {msg}\n\n{USAGE}");
    ExitCode::from(2)
}

/// Reads and parses FILE, printing problems as `FILE:LINE:COL: message`.
fn load(path: &str) -> Result<Scenario, ExitCode> {
    load_for(path, TextOs::Own)
}

/// `load`, with the text checks made for the OS(es) it will run on.
fn load_for(path: &str, text_os: TextOs) -> Result<Scenario, ExitCode> {
    let text = if path == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    } else {
        std::fs::read_to_string(path)
    };
    let text = text.map_err(|e| {
        eprintln!("bindlab: cannot read {path}: {e}");
        ExitCode::from(2)
    })?;
    parse_for(&text, text_os).map_err(|problems| {
        for p in &problems {
            eprintln!("{path}:{p}");
        }
        let n = problems.len();
        eprintln!(
            "bindlab: {path}: {n} problem{} in the scenario; nothing was run",
            if n == 1 { "" } else { "s" }
        );
        ExitCode::from(2)
    })
}

fn cmd_run(args: &[String]) -> ExitCode {
    let mut file = None;
    let mut os_arg = None;
    let mut json = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--os" => match it.next() {
                Some(v) => os_arg = Some(v.clone()),
                None => {
                    return usage_error("--os needs a value: linux, freebsd, macos, windows or all")
                }
            },
            s if s.starts_with("--os=") => os_arg = Some(s["--os=".len()..].to_string()),
            s if s.starts_with("--") => return usage_error(&format!("unknown option `{s}`")),
            s => {
                if file.replace(s.to_string()).is_some() {
                    return usage_error("run takes one FILE");
                }
            }
        }
    }
    let Some(file) = file else {
        return usage_error("run needs a FILE");
    };
    // The OS(es) it runs on decide the text checks too (an option the
    // scenario's own OS lacks is fine when `--os` names one that has it).
    let target = match os_arg.as_deref() {
        None => None,
        Some(o) if o.eq_ignore_ascii_case("all") => Some(TextOs::All),
        Some(name) => match Os::from_key(name) {
            Some(os) => Some(TextOs::Override(os)),
            None => {
                return usage_error(&format!(
                    "unknown OS `{name}` (linux, freebsd, macos, windows, all)"
                ))
            }
        },
    };
    let scenario = match load_for(&file, target.unwrap_or_default()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match target {
        Some(TextOs::All) => {
            let multi = run_all(&scenario);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&multi).unwrap_or_default()
                );
            } else {
                print!("{}", table::side_by_side(&scenario, &multi));
            }
        }
        other => {
            let os = match other {
                Some(TextOs::Override(os)) => os,
                _ => scenario.os,
            };
            let report = run(&scenario, os);
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else {
                print!("{}", table::single(&scenario, &report));
            }
        }
    }
    ExitCode::SUCCESS
}

fn cmd_check(args: &[String]) -> ExitCode {
    if args.is_empty() {
        return usage_error("check needs one or more FILEs");
    }
    let (mut passed, mut failed, mut broken) = (0usize, 0usize, 0usize);
    for file in args {
        let scenario = match load(file) {
            Ok(s) => s,
            Err(_) => {
                broken += 1;
                continue;
            }
        };
        let report = run(&scenario, scenario.os);
        let mut ok = true;
        for (step, rep) in scenario.steps.iter().zip(&report.steps) {
            if rep.pass == Some(false) {
                ok = false;
                let text = bindlab_engine::print::step_text(&step.kind);
                eprintln!(
                    "{file}:{}: `{text}` on {}: expected {}, got {}",
                    rep.line,
                    report.os,
                    rep.expected.as_deref().unwrap_or("?"),
                    rep.result_name()
                );
                if let (Some(rule), Some(why)) = (rep.rule, &rep.why) {
                    eprintln!("    rule {rule}: {why}");
                }
            }
        }
        if ok {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    if broken > 0 {
        eprintln!(
            "bindlab: {broken} file{} did not parse",
            if broken == 1 { "" } else { "s" }
        );
    }
    println!("{passed} passed, {failed} failed");
    if broken > 0 {
        ExitCode::from(2)
    } else if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn cmd_export(args: &[String]) -> ExitCode {
    let mut file = None;
    let mut out = None;
    let mut python = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--python" => python = true,
            "-o" | "--output" => match it.next() {
                Some(o) => out = Some(o.clone()),
                None => return usage_error("-o needs a file name"),
            },
            s if s.starts_with('-') && s != "-" => {
                return usage_error(&format!("unknown option `{s}`"))
            }
            s => {
                if file.replace(s.to_string()).is_some() {
                    return usage_error("export takes one FILE");
                }
            }
        }
    }
    if !python {
        return usage_error("export needs a format: --python");
    }
    let Some(file) = file else {
        return usage_error("export needs a FILE");
    };
    let scenario = match load(&file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let program = bindlab_engine::export::python(&scenario);
    match out {
        None => print!("{program}"),
        Some(path) => {
            if let Err(e) = std::fs::write(&path, program) {
                eprintln!("bindlab: cannot write {path}: {e}");
                return ExitCode::from(2);
            }
            eprintln!("bindlab: wrote {path}; run it with `python3 {path}`");
        }
    }
    ExitCode::SUCCESS
}

fn cmd_cheatsheet(args: &[String]) -> ExitCode {
    use bindlab_engine::cheatsheet::matrix;
    let mut rules = false;
    let mut dir = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rules" => rules = true,
            "--scenarios" => match it.next() {
                Some(d) => dir = Some(d.clone()),
                None => return usage_error("--scenarios needs a directory"),
            },
            other => return usage_error(&format!("unknown option `{other}`")),
        }
    }
    let rows = matrix();
    if let Some(dir) = dir {
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("bindlab: cannot create {dir}: {e}");
            return ExitCode::from(2);
        }
        for (i, r) in rows.iter().enumerate() {
            let path = format!("{dir}/{:02}-{}.bindlab", i + 1, r.scenario.os.key());
            if let Err(e) = std::fs::write(&path, bindlab_engine::print(&r.scenario)) {
                eprintln!("bindlab: cannot write {path}: {e}");
                return ExitCode::from(2);
            }
        }
        println!("wrote {} scenarios to {dir}", rows.len());
        return ExitCode::SUCCESS;
    }
    print!("{}", table::cheatsheet(&rows, rules));
    ExitCode::SUCCESS
}

fn cmd_lessons(args: &[String]) -> ExitCode {
    use bindlab_course::{check_lesson, parse_lesson, Block};
    let Some(("check", rest)) = args.split_first().map(|(a, r)| (a.as_str(), r)) else {
        return usage_error("usage: bindlab lessons check FILE... [--scenarios DIR]");
    };
    let mut files = Vec::new();
    let mut dir = None;
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        if a == "--scenarios" {
            dir = it.next().cloned();
        } else {
            files.push(a.clone());
        }
    }
    let (mut passed, mut failed, mut written) = (0, 0, 0);
    for f in &files {
        let lesson = match std::fs::read_to_string(f)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                parse_lesson(&t).map_err(|es| {
                    es.iter()
                        .map(|e| format!("{f}:{e}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                })
            }) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("{e}");
                failed += 1;
                continue;
            }
        };
        let problems = check_lesson(&lesson);
        for p in &problems {
            eprintln!("{f}:{p}");
        }
        if problems.is_empty() {
            passed += 1;
        } else {
            failed += 1;
        }
        // Every scenario and reference solution, for `bindlab verify`.
        if let Some(dir) = &dir {
            let _ = std::fs::create_dir_all(dir);
            for (k, b) in lesson.blocks.iter().enumerate() {
                // (name, text): a challenge gives its start, its solution and
                // its known-wrong attempts, so the kernel sees what fails too.
                let texts: Vec<(String, &str)> = match b {
                    Block::Scenario { text, .. } => vec![(String::new(), text.as_str())],
                    Block::Challenge(c) => {
                        let mut v = vec![
                            ("-solution".to_string(), c.solution.as_str()),
                            ("-start".to_string(), c.start.as_str()),
                        ];
                        v.extend(
                            c.wrong
                                .iter()
                                .enumerate()
                                .map(|(w, t)| (format!("-wrong{}", w + 1), t.as_str())),
                        );
                        v
                    }
                    _ => continue,
                };
                for (suffix, text) in texts {
                    let Ok(s) = bindlab_engine::parse(text) else {
                        continue;
                    };
                    if s.steps.is_empty() {
                        continue;
                    }
                    let path = format!("{dir}/{}-{k:02}{suffix}-{}.bindlab", lesson.id, s.os.key());
                    if std::fs::write(&path, bindlab_engine::print(&s)).is_ok() {
                        written += 1;
                    }
                }
            }
        }
    }
    if let Some(dir) = &dir {
        eprintln!("bindlab: wrote {written} scenarios to {dir}");
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn cmd_fmt(args: &[String]) -> ExitCode {
    let [file] = args else {
        return usage_error("fmt takes one FILE");
    };
    match load(file) {
        Ok(s) => {
            print!("{}", bindlab_engine::print(&s));
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

fn cmd_rules(args: &[String]) -> ExitCode {
    match args {
        [] => {
            for r in rules::catalogue() {
                println!("{:<48} {}", r.id, r.title);
            }
            ExitCode::SUCCESS
        }
        [id] => match rules::rule(id) {
            Some(r) => {
                println!(
                    "{}\n{}\n\n{}\n\nsource: {}",
                    r.id,
                    r.title,
                    table::wrap(r.explanation, 78),
                    r.source
                );
                print!("{}", citations(id));
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("bindlab: no rule `{id}` (see `bindlab rules` for the list)");
                ExitCode::from(2)
            }
        },
        _ => usage_error("rules takes at most one ID"),
    }
}

/// The rule's `cite` list from `rules.json`, one block per citation (empty
/// for a rule without one).
fn citations(id: &str) -> String {
    use std::fmt::Write;
    let all: Vec<serde_json::Value> = serde_json::from_str(rules::RULES_JSON).unwrap_or_default();
    let Some(list) = all
        .iter()
        .find(|r| r["id"] == id)
        .and_then(|r| r["cite"].as_array())
    else {
        return String::new();
    };
    let mut out = String::from("cited:\n");
    for (i, c) in list.iter().enumerate() {
        let text = |k: &str| c[k].as_str().unwrap_or("");
        let place = match (text("repo"), text("path"), text("url")) {
            (repo, path, _) if !repo.is_empty() => format!("{repo} {path}"),
            (_, _, url) => url.to_string(),
        };
        let _ = writeln!(
            out,
            "  [{}] {} — {place} ({})",
            i + 1,
            text("title"),
            text("version")
        );
        for k in ["at", "lines"] {
            if !text(k).is_empty() {
                let _ = writeln!(out, "      {}", text(k));
            }
        }
        if !text("quote").is_empty() {
            let _ = writeln!(out, "      “{}”", text("quote"));
        }
    }
    out
}

/// `bindlab verify FILE`: the real kernel beside the engine's Linux prediction.
#[cfg(target_os = "linux")]
fn cmd_verify(args: &[String]) -> ExitCode {
    use bindlab_kernel::{compare, runner};
    if args.is_empty() {
        return usage_error("verify needs one or more FILEs");
    }
    let mut scenarios = Vec::new();
    for file in args {
        match load(file) {
            Ok(s) => {
                if s.os != Os::Linux {
                    eprintln!("bindlab: note: {file} is a {} scenario; this machine can only check the Linux prediction", s.os);
                }
                scenarios.push((file, s));
            }
            Err(code) => return code,
        }
    }
    let iso = match runner::isolate() {
        Ok(i) => i,
        Err(e) => {
            eprintln!("bindlab: {e}");
            return ExitCode::from(2);
        }
    };
    if iso == runner::Isolation::AlreadyIsolated && scenarios.len() > 1 {
        eprintln!("bindlab: as an ordinary user all scenarios would share one namespace; verify one FILE at a time, or run as root");
        return ExitCode::from(2);
    }
    let (mut passed, mut failed) = (0, 0);
    for (file, scenario) in &scenarios {
        match compare::verify(scenario, iso) {
            Ok(rows) => {
                let agree = compare::all_agree(&rows);
                if scenarios.len() == 1 || !agree {
                    if scenarios.len() > 1 {
                        println!("{file}:");
                    }
                    print!("{}", compare::render(&rows));
                }
                if agree {
                    passed += 1;
                } else {
                    failed += 1;
                }
            }
            Err(e) => {
                eprintln!("bindlab: {file}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if scenarios.len() > 1 {
        println!("{passed} passed, {failed} failed");
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

#[cfg(not(target_os = "linux"))]
fn cmd_verify(_args: &[String]) -> ExitCode {
    eprintln!("bindlab: verify runs scenarios on the Linux kernel; this is not Linux");
    ExitCode::from(2)
}
