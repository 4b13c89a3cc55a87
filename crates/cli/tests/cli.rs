//! The `bindlab` command as a user runs it: outputs, exit codes, messages.

use std::path::PathBuf;
use std::process::Command;

const EXAMPLE: &str = "title Two servers, one port\nos linux\niface 192.168.0.1 10.0.0.1\n\nsocket A tcp\nset A SO_REUSEADDR\nbind A 0.0.0.0:21\nlisten A\nsocket B tcp\nset B SO_REUSEADDR\nbind B 192.168.0.1:21   => EADDRINUSE\nclient 192.168.0.1:21 x3\n";

fn file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bindlab-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn bindlab(args: &[&str]) -> (i32, String, String) {
    bindlab_env(args, &[])
}

/// `bindlab` with these locale variables (and no others from the caller's
/// environment: the English tests hold in any locale).
fn bindlab_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bindlab"));
    for k in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        cmd.env_remove(k);
    }
    let out = cmd
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("bindlab runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn run_shows_the_outcome_rule_and_why() {
    let f = file("example.bindlab", EXAMPLE);
    let (code, out, _) = bindlab(&["run", f.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("EADDRINUSE  ✓ as expected"), "{out}");
    assert!(
        out.contains("[linux.bind.listener-holds-port] A is listening on 0.0.0.0:21"),
        "{out}"
    );
    assert!(out.contains("ok → A×3"), "{out}");
}

#[test]
fn run_json_is_the_specs_report() {
    let f = file("example-json.bindlab", EXAMPLE);
    let (code, out, _) = bindlab(&["run", f.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["format"], 1);
    assert_eq!(v["os"], "linux");
    let b = &v["steps"][6];
    assert_eq!(
        (b["line"].as_u64(), b["op"].as_str(), b["result"].as_str()),
        (Some(11), Some("bind"), Some("EADDRINUSE"))
    );
    assert_eq!(b["pass"], true);
    assert_eq!(v["steps"][7]["accepted_by"]["A"], 3);
    let (_, all, _) = bindlab(&["run", f.to_str().unwrap(), "--os", "all", "--json"]);
    let all: serde_json::Value = serde_json::from_str(&all).unwrap();
    let runs = all["runs"].as_object().unwrap();
    let mut keys: Vec<&str> = runs.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["freebsd", "linux", "macos", "windows"]);
    assert_eq!(runs["windows"]["steps"][6]["result"], "ok");
}

#[test]
fn side_by_side_marks_differing_cells() {
    let f = file("example-all.bindlab", EXAMPLE);
    let (code, out, _) = bindlab(&["run", f.to_str().unwrap(), "--os", "all"]);
    assert_eq!(code, 0);
    let row = out
        .lines()
        .find(|l| l.contains("bind B 192.168.0.1:21"))
        .unwrap();
    assert!(row.contains('≠') && row.contains("EADDRINUSE"), "{row}");
    assert!(
        out.contains("FreeBSD  ok             [bsd.bind.new-socket-flag]"),
        "{out}"
    );
}

/// A file that states no outcome is not a pass: `check` says it checked
/// nothing there (it counted an empty file as `1 passed`), and `run` says a
/// scenario has no steps rather than printing an empty table.
#[test]
fn a_file_with_nothing_to_check_is_said_not_passed() {
    let empty = file("empty.bindlab", "");
    let bare = file(
        "bare.bindlab",
        "# a note\nsocket A tcp\nbind A 0.0.0.0:80\n",
    );
    let (code, out, err) = bindlab(&["check", empty.to_str().unwrap(), bare.to_str().unwrap()]);
    assert_eq!((code, out.trim()), (0, "0 passed, 0 failed"));
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            format!(
                "{}: no `=> RESULT` expectation, nothing checked",
                empty.display()
            ),
            format!(
                "{}: no `=> RESULT` expectation, nothing checked",
                bare.display()
            ),
        ]
    );
    let good = file("good-too.bindlab", EXAMPLE);
    let (code, out, _) = bindlab(&["check", empty.to_str().unwrap(), good.to_str().unwrap()]);
    assert_eq!((code, out.trim()), (0, "1 passed, 0 failed"));
    for os in [&[][..], &["--os", "all"][..]] {
        let mut args = vec!["run", empty.to_str().unwrap()];
        args.extend_from_slice(os);
        let (code, out, _) = bindlab(&args);
        assert_eq!(
            (code, out.trim()),
            (0, "(no steps: the scenario is empty)"),
            "{os:?}"
        );
    }
}

#[test]
fn check_passes_and_fails_with_a_clear_diff() {
    let good = file("good.bindlab", EXAMPLE);
    let (code, out, _) = bindlab(&["check", good.to_str().unwrap()]);
    assert_eq!((code, out.trim()), (0, "1 passed, 0 failed"));
    let bad = file("bad.bindlab", &EXAMPLE.replace("=> EADDRINUSE", "=> ok"));
    let (code, out, err) = bindlab(&["check", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(out.trim(), "0 passed, 1 failed");
    assert!(
        err.contains(&format!(
            "{}:11: `bind B 192.168.0.1:21` on Linux: expected ok, got EADDRINUSE",
            bad.display()
        )),
        "{err}"
    );
    assert!(err.contains("rule linux.bind.listener-holds-port"), "{err}");
}

#[test]
fn text_problems_are_file_line_col_and_exit_2() {
    let f = file(
        "broken.bindlab",
        "socket A tcp\nbind A 0.0.0.0:99999\nlisten Q\n",
    );
    for cmd in [vec!["run"], vec!["check"], vec!["export", "--python"]] {
        let mut args = cmd.clone();
        args.push(f.to_str().unwrap());
        let (code, out, err) = bindlab(&args);
        assert_eq!(code, 2, "{cmd:?}");
        assert!(
            out.is_empty() || out.contains("0 passed"),
            "{cmd:?}: nothing runs: {out}"
        );
        assert!(
            err.contains(&format!(
                "{}:2:16: port 99999 is out of range (0–65535)",
                f.display()
            )),
            "{cmd:?}: {err}"
        );
        assert!(
            err.contains(&format!("{}:3:8: no socket named `Q`", f.display())),
            "{cmd:?}: {err}"
        );
    }
}

#[test]
fn export_writes_a_python_program() {
    let f = file("export.bindlab", EXAMPLE);
    let (code, out, _) = bindlab(&["export", "--python", f.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.starts_with("#!/usr/bin/env python3"));
    assert!(out.contains("PREDICTIONS = {") && out.contains("def main():"));
}

#[test]
fn export_lang_writes_each_language_and_python_stays_an_alias() {
    let f = file("export-lang.bindlab", EXAMPLE);
    let f = f.to_str().unwrap();
    let (_, alias, _) = bindlab(&["export", "--python", f]);
    let (code, python, _) = bindlab(&["export", "--lang", "python", f]);
    assert_eq!(code, 0);
    assert_eq!(alias, python, "--python is --lang python");
    for (lang, start) in [
        ("c", "// Run this scenario"),
        ("go", "// Run this scenario"),
        ("rust", "// Run this scenario"),
        ("node", "// Run this scenario"),
        ("java", "// Run this scenario"),
        ("csharp", "// Run this scenario"),
    ] {
        let (code, out, err) = bindlab(&["export", "--lang", lang, f]);
        assert_eq!(code, 0, "{lang}: {err}");
        assert!(out.starts_with(start), "{lang}: {out}");
        assert!(out.contains(&format!("--lang {lang}`")), "{lang}");
        // The CLI's programs carry their runtime (the site's fetch theirs).
        assert!(out.contains("How this program works"), "{lang}");
    }
    // Java's class follows the file it is written to.
    let dir = std::env::temp_dir().join(format!("bindlab-cli-java-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("Check2.java");
    let (code, _, err) = bindlab(&["export", "--lang=java", f, "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("java "), "says how to run it: {err}");
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("public class Check2 {"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_without_a_known_language_is_a_usage_error() {
    let f = file("export-bad.bindlab", EXAMPLE);
    let f = f.to_str().unwrap();
    let (code, _, err) = bindlab(&["export", f]);
    assert_eq!(code, 2);
    assert!(
        err.contains("export needs a language: --lang c|python|go|rust|node|java|csharp"),
        "{err}"
    );
    let (code, _, err) = bindlab(&["export", "--lang", "cobol", f]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "unknown language `cobol`; the languages are: c|python|go|rust|node|java|csharp"
        ),
        "{err}"
    );
}

#[test]
fn rules_explains_a_rule_and_rejects_an_unknown_one() {
    let (code, out, _) = bindlab(&["rules", "linux.listen.recheck"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("listen() sets the socket to LISTEN and re-runs the bind check"),
        "{out}"
    );
    let (code, _, err) = bindlab(&["rules", "no.such.rule"]);
    assert_eq!(code, 2);
    assert!(err.contains("no rule `no.such.rule`"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(bindlab(&[]).0, 2);
    assert_eq!(bindlab(&["frobnicate"]).0, 2);
    assert_eq!(bindlab(&["run", "x.bindlab", "--os", "solaris"]).0, 2);
}

#[test]
fn cheatsheet_is_computed_and_writes_its_scenarios() {
    let (code, out, _) = bindlab(&["cheatsheet", "--rules"]);
    assert_eq!(code, 0);
    let row = out
        .split("192.168.0.1 while the first listens on 0.0.0.0")
        .nth(1)
        .and_then(|b| {
            b.lines()
                .find(|l| l.trim_start().starts_with("SO_REUSEADDR on both"))
        })
        .unwrap();
    assert!(
        row.contains("EADDRINUSE (linux.bind.listener-holds-port)")
            && row.contains("ok (bsd.bind.new-socket-flag)"),
        "{row}"
    );
    // A UDP row: who receives the datagrams once both bound.
    let udp = out
        .split("UDP: two receivers on 192.168.0.1")
        .nth(1)
        .and_then(|b| {
            b.lines()
                .find(|l| l.trim_start().starts_with("SO_REUSEADDR on both"))
        })
        .unwrap();
    assert!(
        udp.contains("ok → second×4 (linux.udp.deliver.newest)")
            && udp.contains("EADDRINUSE (bsd.bind.exact-duplicate)"),
        "{udp}"
    );
    let dir = std::env::temp_dir().join(format!("bindlab-cheatsheet-{}", std::process::id()));
    let (code, out, _) = bindlab(&["cheatsheet", "--scenarios", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let n = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(n, 35);
    // It parses (a file that did not would exit 2); it states no outcome.
    let (code, out, err) = bindlab(&["check", dir.join("01-linux.bindlab").to_str().unwrap()]);
    assert_eq!((code, out.trim()), (0, "0 passed, 0 failed"));
    assert!(err.ends_with("nothing checked\n"), "{err}");
}

/// A scenario without an `os` line (Linux) that sets a Windows option.
const NO_OS_EXCLUSIVE: &str =
    "socket A tcp\nset A SO_EXCLUSIVEADDRUSE\nbind A 0.0.0.0:80\nsocket B tcp\nset B SO_REUSEADDR\nbind B 0.0.0.0:80\n";

#[test]
fn os_override_applies_to_the_text_checks() {
    let f = file("no-os-exclusive.bindlab", NO_OS_EXCLUSIVE);
    let path = f.to_str().unwrap();
    // Its own OS (Linux) lacks the option: a problem of the text, as before.
    let (code, _, err) = bindlab(&["run", path]);
    assert_eq!(code, 2);
    assert!(
        err.contains(":2:7: SO_EXCLUSIVEADDRUSE does not exist on Linux (a Windows option)"),
        "{err}"
    );
    // `--os windows` runs it as Windows, checks included.
    let (code, out, err) = bindlab(&["run", path, "--os", "windows", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["os"], "windows");
    assert_eq!(v["steps"][1]["result"], "ok");
    assert_eq!(v["steps"][5]["result"], "WSAEACCES");
    assert_eq!(v["steps"][5]["rule"], "windows.bind.exclusive-first");
    // `--os linux` names the OS the text is checked for.
    let (code, _, err) = bindlab(&["run", path, "--os", "linux"]);
    assert_eq!(code, 2);
    assert!(err.contains("it is run as Linux here (`--os`)"), "{err}");
}

#[test]
fn os_all_keeps_a_missing_option_a_per_os_outcome() {
    let f = file("no-os-exclusive-all.bindlab", NO_OS_EXCLUSIVE);
    let (code, out, err) = bindlab(&["run", f.to_str().unwrap(), "--os", "all", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for os in ["linux", "freebsd", "macos"] {
        assert_eq!(v["runs"][os]["steps"][1]["result"], "ENOPROTOOPT", "{os}");
        assert_eq!(
            v["runs"][os]["steps"][1]["rule"], "common.setsockopt.unsupported",
            "{os}"
        );
    }
    assert_eq!(v["runs"]["windows"]["steps"][1]["result"], "ok");
    // A Windows scenario's option on the other OSes: per-OS outcomes, as before.
    let g = file(
        "windows-exclusive-all.bindlab",
        &format!("os windows\n{NO_OS_EXCLUSIVE}"),
    );
    let (code, out, _) = bindlab(&["run", g.to_str().unwrap(), "--os", "all"]);
    assert_eq!(code, 0);
    assert!(out.contains("ENOPROTOOPT"), "{out}");
}

#[test]
fn os_override_keeps_expectations_for_the_scenarios_own_os() {
    // `=> EADDRINUSE` is a Linux expectation; run as Windows it is not compared.
    let f = file(
        "override-expect.bindlab",
        "socket A tcp\nbind A 0.0.0.0:81\nsocket B tcp\nbind B 0.0.0.0:81 => EADDRINUSE\n",
    );
    let (code, out, err) = bindlab(&["run", f.to_str().unwrap(), "--os", "windows", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["steps"][3]["result"], "WSAEADDRINUSE");
    assert!(v["steps"][3].get("pass").is_none(), "{out}");
}

#[test]
fn rules_shows_a_rules_citations() {
    let (code, out, _) = bindlab(&["rules", "windows.bind.dual-stack-exclusive"]);
    assert_eq!(code, 0);
    assert!(out.contains("cited:\n  [1] Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE — MicrosoftDocs/win32 desktop-src/WinSock/using-so-reuseaddr-and-so-exclusiveaddruse.md (ms.date 05/31/2018"), "{out}");
    assert!(
        out.contains("the bind call for the dual stack socket would fail with WSAEACCES."),
        "{out}"
    );
    // A rule without citations prints none.
    let (_, out, _) = bindlab(&["rules", "common.no-such-socket"]);
    assert!(!out.contains("cited:"), "{out}");
}

/// A scenario whose output outgrows any pipe buffer (4,000 steps).
fn big_scenario() -> PathBuf {
    let mut text = String::from("title Big\nos linux\n");
    for i in 0..2000 {
        text.push_str(&format!(
            "socket S{i} tcp\nbind S{i} 0.0.0.0:{}\n",
            1000 + i
        ));
    }
    file("big.bindlab", &text)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs bindlab with its standard output a pipe that the reader closes
/// after `lines` lines (0: at once, before bindlab writes anything).
fn into_closed_pipe(args: &[&str], lines: usize) -> (i32, String) {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_bindlab"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bindlab runs");
    let stdout = child.stdout.take().unwrap();
    if lines > 0 {
        let mut reader = BufReader::new(stdout);
        for _ in 0..lines {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
        }
    } else {
        drop(stdout);
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_command_exits_0_quietly_into_a_closed_pipe() {
    let big = big_scenario();
    let big = big.to_str().unwrap();
    let checked = file("pipe-checked.bindlab", EXAMPLE);
    let checked = checked.to_str().unwrap();
    let lessons = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../content/lessons/06-reuseport.md"
    );
    let mut commands: Vec<Vec<&str>> = vec![
        vec!["run", big],
        vec!["run", big, "--json"],
        vec!["run", big, "--os", "all"],
        vec!["run", big, "--os", "all", "--json"],
        vec!["check", checked],
        vec!["fmt", big],
        vec!["export", "--python", big],
        vec!["cheatsheet"],
        vec!["cheatsheet", "--rules"],
        vec!["rules"],
        vec!["rules", "linux.listen.recheck"],
        vec!["lessons", "check", lessons],
        vec!["guides", "check", GUIDE],
        vec!["runtimes"],
        vec!["help"],
    ];
    if is_root() {
        // As an ordinary user `verify` needs a user namespace, which test
        // machines may not allow; CI runs as root.
        commands.push(vec!["verify", big]);
    }
    for args in &commands {
        for lines in [0, 1] {
            let (code, err) = into_closed_pipe(args, lines);
            assert_eq!(code, 0, "{args:?}, closed after {lines} lines: {err}");
            assert!(
                err.is_empty(),
                "{args:?}, closed after {lines} lines: {err}"
            );
        }
    }
}

/// A scenario's problems go to standard error: a reader of both that
/// goes away (`bindlab run BAD 2>&1 | head -1`) ends it with its own exit
/// code (2), not a panic's (101).
#[test]
fn problems_into_a_closed_pipe_end_with_exit_2_not_a_panic() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let bad = file("many-problems.bindlab", &"wait\n".repeat(50_000));
    for args in [vec!["run"], vec!["check"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_bindlab"))
            .args(&args)
            .arg(&bad)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("bindlab runs");
        let mut reader = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.contains("expected a duration"), "{line}");
        drop(reader);
        let code = child.wait().unwrap().code();
        assert_eq!(code, Some(2), "{args:?}");
    }
}

#[test]
fn a_missing_option_value_is_an_error() {
    let f = file("missing-value.bindlab", EXAMPLE);
    let f = f.to_str().unwrap();
    let lesson = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../content/lessons/06-reuseport.md"
    );
    for (args, message) in [
        (
            vec!["lessons", "check", lesson, "--scenarios"],
            "bindlab: --scenarios needs a value: a directory",
        ),
        (
            vec!["run", f, "--os"],
            "bindlab: --os needs a value: linux, freebsd, macos, windows or all",
        ),
        (
            vec!["run", "--os", "--json", f],
            "bindlab: --os needs a value",
        ),
        (
            vec!["cheatsheet", "--scenarios"],
            "bindlab: --scenarios needs a value: a directory",
        ),
        (
            vec!["export", "--python", f, "-o"],
            "bindlab: -o needs a value: a file name",
        ),
        (
            vec!["lessons", "check"],
            "bindlab: lessons check needs one or more FILEs",
        ),
        (
            vec!["guides", "check"],
            "bindlab: guides check needs one or more FILEs",
        ),
        (
            vec!["guides"],
            "bindlab: usage: bindlab guides check FILE...",
        ),
    ] {
        let (code, out, err) = bindlab(&args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(err.starts_with(message), "{args:?}: {err}");
    }
}

#[test]
fn a_write_error_is_reported() {
    let Ok(full) = std::fs::File::create("/dev/full") else {
        return; // not Linux
    };
    let f = file("dev-full.bindlab", EXAMPLE);
    for args in [vec!["rules"], vec!["run", f.to_str().unwrap()]] {
        let out = Command::new(env!("CARGO_BIN_EXE_bindlab"))
            .args(&args)
            .stdout(full.try_clone().unwrap())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("bindlab: cannot write to standard output: No space left on device"),
            "{args:?}: {err}"
        );
    }
    // A failing check whose summary cannot be written reports that too.
    let bad = file(
        "dev-full-bad.bindlab",
        &EXAMPLE.replace("=> EADDRINUSE", "=> ok"),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_bindlab"))
        .args(["check", bad.to_str().unwrap()])
        .stdout(full.try_clone().unwrap())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("expected ok, got EADDRINUSE"), "{err}");
    assert!(err.contains("cannot write to standard output"), "{err}");
    // A scenario file that cannot be written is reported too.
    let lesson = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../content/lessons/06-reuseport.md"
    );
    let (code, _, err) = bindlab(&["lessons", "check", lesson, "--scenarios", "/dev/full/x"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("bindlab: cannot create /dev/full/x"), "{err}");
}

const GUIDE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../content/guides/01-address-in-use-after-restart.md"
);

#[test]
fn guides_check_prints_what_it_checked_and_writes_the_linux_scenarios() {
    let dir = std::env::temp_dir().join(format!("bindlab-guides-{}", std::process::id()));
    let (code, out, err) = bindlab(&[
        "guides",
        "check",
        GUIDE,
        "--scenarios",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("1 passed, 0 failed, 0 pending; 3 scenarios, "),
        "{out}"
    );
    assert!(err.contains("wrote 3 Linux scenarios"), "{err}");
    let broken = std::fs::read_to_string(
        dir.join("guide-address-in-use-after-restart-broken-linux.bindlab"),
    )
    .unwrap();
    assert!(broken.contains("bind new 0.0.0.0:8080"), "{broken}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_guide_that_says_what_the_engine_does_not_fails_at_its_line() {
    let text = std::fs::read_to_string(GUIDE).unwrap();
    let wrong = text.replacen(
        "windows: ok [windows.bind.connections-ignored]",
        "windows: WSAEADDRINUSE",
        1,
    );
    assert_ne!(wrong, text);
    let f = file("wrong-guide.md", &wrong);
    let (code, out, err) = bindlab(&["guides", "check", f.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("0 passed, 1 failed"), "{out}");
    assert!(
        err.contains("the guide says line 13 of `broken` gives `WSAEADDRINUSE` on Windows; the engine says `ok` [windows.bind.connections-ignored]"),
        "{err}"
    );
    // A pending guide is reported and skipped.
    let pending = text.replacen("errors:", "pending: waits for something\nerrors:", 1);
    let f = file("pending-guide.md", &pending);
    let (code, out, err) = bindlab(&["guides", "check", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("0 passed, 0 failed, 1 pending"), "{out}");
    assert!(err.contains("is pending (waits for something)"), "{err}");
}

/// `doctor --udp` on this host, about a UDP socket this test holds: the
/// socket is found and named, who receives a datagram is said, and a second
/// bind without options is refused by its rule.
#[cfg(target_os = "linux")]
#[test]
fn doctor_udp_reads_a_receiver_of_this_test() {
    let held = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let (code, out, err) = bindlab(&["doctor", &port.to_string(), "--udp"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(&format!("UDP port {port} on this host:\n")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "UNCONN      127.0.0.1:{port}  pid {}",
            std::process::id()
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("A datagram to 127.0.0.1:{port} now:\n")),
        "{out}"
    );
    assert!(
        out.contains(&format!("gets every datagram to 127.0.0.1:{port}")),
        "{out}"
    );
    assert!(out.contains("A new UDP socket of "), "{out}");
    assert!(
        out.contains("no option                    bind fails with EADDRINUSE"),
        "{out}"
    );
    assert!(out.contains("[linux.udp.bind.in-use]"), "{out}");
    // The scenario it rebuilds parses and binds the receiver.
    let (code, text, _) = bindlab(&["doctor", &port.to_string(), "--udp", "--scenario"]);
    assert_eq!(code, 0);
    assert!(text.contains(" udp\n"), "{text}");
    assert!(text.contains(&format!("127.0.0.1:{port}\n")), "{text}");
    assert!(!out.contains("only bound"), "{out}");
    drop(held);
}

/// A TCP socket that is only bound is in no table doctor reads: the
/// answer says it cannot see one (a socket this test holds, unseen).
#[test]
fn doctor_says_it_cannot_see_a_tcp_socket_that_is_only_bound() {
    use std::os::fd::FromRawFd;
    // std binds only to listen or connect: a bare bind through libc.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0) };
    assert!(fd >= 0);
    let held = unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) };
    let mut sa: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    sa.sin_family = libc::AF_INET as libc::sa_family_t;
    sa.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
    let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    let rc = unsafe { libc::bind(fd, (&raw const sa).cast(), len) };
    assert_eq!(rc, 0);
    let rc = unsafe { libc::getsockname(fd, (&raw mut sa).cast(), &mut { len }) };
    assert_eq!(rc, 0);
    let port = u16::from_be(sa.sin_port);
    let (code, out, err) = bindlab(&["doctor", &port.to_string()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(&format!("No TCP socket on this host uses port {port}.")),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "such a socket on port {port} would refuse this bind too, and doctor cannot see it"
        )),
        "{out}"
    );
    drop(held);
}

#[test]
fn doctor_refuses_what_is_not_a_port_or_an_address() {
    for (args, message) in [
        (
            vec!["doctor", "0"],
            "bindlab: `0` is not a port (1 to 65535)",
        ),
        (vec!["doctor", "http"], "bindlab: `http` is not a port"),
        (
            vec!["doctor", "--bind", "localhost"],
            "bindlab: --bind: `localhost` is not ADDR:PORT",
        ),
        (
            vec!["doctor", "80", "--bind", "0.0.0.0:81"],
            "bindlab: PORT 80 and --bind 0.0.0.0:81 name different ports",
        ),
        (vec!["doctor", "--bind"], "bindlab: --bind needs a value"),
        (
            vec!["doctor", "--udp", "http"],
            "bindlab: `http` is not a port",
        ),
    ] {
        let (code, out, err) = bindlab(&args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(err.starts_with(message), "{args:?}: {err}");
    }
}

#[test]
fn runtimes_prints_the_table_filtered_by_language_and_os() {
    let (code, out, _) = bindlab(&["runtimes"]);
    assert_eq!(code, 0);
    for runtime in [
        "BSD sockets API",
        "Python http.server.HTTPServer",
        "Go net",
        "Rust std::net",
        "Node net",
        "Java ServerSocket",
        ".NET TcpListener",
    ] {
        assert!(out.contains(&format!("\n{runtime} · ")), "{runtime}: {out}");
    }
    let (code, out, _) = bindlab(&["runtimes", "--lang", "go", "--os", "linux"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Go net · TCP listener · net.Listen(\"tcp\", \":8080\") · IPv6\n  Linux           SO_REUSEADDR, dual stack (IPV6_V6ONLY off)\n                  measured on this kernel (probe go)"),
        "{out}"
    );
    assert!(!out.contains("Windows "), "{out}");
    assert!(!out.contains("Python"), "{out}");
    let (_, out, _) = bindlab(&["runtimes", "--lang", "java", "--os", "windows"]);
    assert!(out.contains("Java ServerSocket · TCP listener · new ServerSocket(8080) · IPv6\n  Windows         SO_EXCLUSIVEADDRUSE, dual stack (IPV6_V6ONLY off)"), "{out}");
    let (_, out, _) = bindlab(&["runtimes", "--lang", "csharp", "--os", "linux"]);
    assert!(
        out.contains("not measured here: no .NET runtime here"),
        "{out}"
    );
    let (code, _, err) = bindlab(&["runtimes", "--lang", "cobol"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--lang: `cobol` is not one of c|python|go|rust|node|java|csharp"),
        "{err}"
    );
    let (code, _, err) = bindlab(&["runtimes", "--os", "beos"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--os: `beos` is not linux, freebsd, macos or windows"),
        "{err}"
    );
}

#[test]
fn zh_cn_by_flag_or_environment() {
    let f = file("example-zh.bindlab", EXAMPLE);
    let f = f.to_str().unwrap();
    let (code, out, _) = bindlab(&["--lang", "zh-CN", "run", f]);
    assert_eq!(code, 0);
    // The table's labels and the why-line, from the zh-CN catalogues.
    assert!(out.contains("符合预期"), "{out}");
    assert!(out.contains("在 Linux 上："), "{out}");
    assert!(!out.contains("as expected"), "{out}");
    let why = out
        .lines()
        .find(|l| l.contains("[linux.bind.listener-holds-port]"))
        .expect("the why-line");
    assert!(
        why.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{why}"
    );
    // LANG, and LC_ALL over it; LC_MESSAGES over LANG.
    let (_, by_lang, _) = bindlab_env(&["run", f], &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(by_lang, out);
    let (_, c, _) = bindlab_env(&["run", f], &[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "C")]);
    assert!(c.contains("✓ as expected"), "{c}");
    let (_, m, _) = bindlab_env(
        &["run", f],
        &[("LANG", "C"), ("LC_MESSAGES", "zh_CN.UTF-8")],
    );
    assert_eq!(m, out);
    // --lang wins over the environment.
    let (_, en, _) = bindlab_env(&["--lang=en", "run", f], &[("LC_ALL", "zh_CN.UTF-8")]);
    assert!(
        en.contains("[linux.bind.listener-holds-port] A is listening"),
        "{en}"
    );
}

/// Three SO_REUSEPORT listeners and two SO_REUSEPORT receivers: the
/// kernel's hash chooses among each group.
const REUSEPORT_GROUPS: &str = "os linux\n\nsocket A tcp\nset A SO_REUSEPORT\nbind A 127.0.0.1:8080\nlisten A\nsocket B tcp\nset B SO_REUSEPORT\nbind B 127.0.0.1:8080\nlisten B\nsocket C tcp\nset C SO_REUSEPORT\nbind C 127.0.0.1:8080\nlisten C\nclient 127.0.0.1:8080 x9\nsocket U1 udp\nset U1 SO_REUSEPORT\nbind U1 127.0.0.1:9000\nsocket U2 udp\nset U2 SO_REUSEPORT\nbind U2 127.0.0.1:9000\ndatagram 127.0.0.1:9000 x6\n";

/// A hash's split is one split, not a prediction: the cell says the
/// winners are any of the group, in the run's language, and a single
/// listener's cell says nothing of a hash.
#[test]
fn a_hashed_split_says_any_of_the_group() {
    let f = file("reuseport-groups.bindlab", REUSEPORT_GROUPS);
    for os in ["linux", "all"] {
        let (code, out, _) = bindlab(&["run", f.to_str().unwrap(), "--os", os]);
        assert_eq!(code, 0, "{out}");
        let line = |step: &str| out.lines().find(|l| l.contains(step)).unwrap().to_string();
        let clients = line("client 127.0.0.1:8080 x9");
        assert!(clients.contains("(any of A, B or C, by hash)"), "{clients}");
        let datagrams = line("datagram 127.0.0.1:9000 x6");
        assert!(
            datagrams.contains("(any of U1 or U2, by hash)"),
            "{datagrams}"
        );
    }
    let (_, out, _) = bindlab(&["--lang", "zh-CN", "run", f.to_str().unwrap()]);
    assert!(out.contains("（由哈希在 A、B 或 C 中任选）"), "{out}");
    assert!(out.contains("（由哈希在 U1 或 U2 中任选）"), "{out}");
    let f = file("example-hash.bindlab", EXAMPLE);
    let (_, out, _) = bindlab(&["run", f.to_str().unwrap()]);
    assert!(
        out.contains("ok → A×3") && !out.contains("by hash"),
        "{out}"
    );
}

/// A why-line names a TIME_WAIT by its remaining time in parentheses:
/// in Chinese no space follows the full-width 「）」 (TERMS.md).
#[test]
fn zh_cn_no_space_after_full_width_punctuation() {
    let f = file(
        "time-wait-zh.bindlab",
        "os linux\n\nsocket S tcp\nbind S 0.0.0.0:8000\nlisten S\nclient 127.0.0.1:8000\naccept S conn\nclose conn\nclose S\nsocket S2 tcp\nbind S2 0.0.0.0:8000\n",
    );
    let (_, out, _) = bindlab(&["--lang", "zh-CN", "run", f.to_str().unwrap(), "--os", "all"]);
    let why = out
        .lines()
        .find(|l| l.contains("[linux.bind.in-use]"))
        .expect("the why-line");
    assert!(why.contains("（剩余 60 秒）已持有"), "{why}");
    for (i, c) in why.char_indices() {
        if matches!(c, '（' | '）' | '，' | '；' | '：' | '、' | '。') {
            let around = (
                why[..i].ends_with(' '),
                why[i + c.len_utf8()..].starts_with(' '),
            );
            assert_eq!(around, (false, false), "a space beside {c}: {why}");
        }
    }
}

#[test]
fn zh_cn_side_by_side_and_rules() {
    let f = file("example-zh2.bindlab", EXAMPLE);
    let (_, out, _) = bindlab(&["--lang", "zh-CN", "run", f.to_str().unwrap(), "--os", "all"]);
    assert!(out.contains("≠ 各操作系统结果不同。原因："), "{out}");
    let (code, out, _) = bindlab(&["--lang", "zh-CN", "rules", "common.no-such-socket"]);
    assert_eq!(code, 0);
    assert!(out.contains("\n\n来源：bindlab model"), "{out}");
    assert!(!out.contains("The socket was never created"), "{out}");
    let (code, _, err) = bindlab(&["--lang", "zh-CN", "rules", "linux.nope"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("没有 `linux.nope` 这条规则"), "{err}");
    let (code, _, err) = bindlab(&["--lang", "fr", "rules"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown language `fr`"), "{err}");
}

#[test]
fn zh_cn_bad_input_says_so_in_chinese() {
    let f = file(
        "bad-zh.bindlab",
        "os linux\nsocket A tcp\nbind A 0.0.0.0:99999\n",
    );
    let (code, _, err) = bindlab(&["--lang", "zh-CN", "run", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("场景中有 1 个问题，未运行任何步骤"), "{err}");
    assert!(
        err.contains(":3:16: 端口 99999 超出范围（0–65535）"),
        "{err}"
    );
}

/// Every problem in Chinese, the messages the old pattern table did not
/// know too; what the reader wrote quoted as written.
#[test]
fn zh_cn_says_every_problem_in_chinese() {
    let f = file(
        "bad-zh-all.bindlab",
        "os linux\nos beos\nsocket A sctp\nsocket B tcp\nset B SO_REUSEADDR maybe\nwait 5y\nset B SO_EXCLUSIVEADDRUSE\nclient 10.9.9.9:80\n",
    );
    let (code, _, err) = bindlab(&["--lang", "zh-CN", "run", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 8, "{err}");
    for l in &lines {
        assert!(
            l.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "not Chinese: {l}"
        );
    }
    assert!(
        err.contains(":2:1: `os` 重复出现（第一次在第 1 行）"),
        "{err}"
    );
    assert!(
        err.contains(":3:10: 套接字名后面应为协议（tcp、tcp6、udp、udp6），却写了 `sctp`"),
        "{err}"
    );
    assert!(
        err.contains(":5:20: 应为 `on` 或 `off`，却写了 `maybe`"),
        "{err}"
    );
    assert!(
        err.contains(":7:7: SO_EXCLUSIVEADDRUSE 在 Linux 上不存在（它是 Windows 的选项）"),
        "{err}"
    );
    assert!(
        err.contains("10.9.9.9 不是本主机的地址；请在场景头加上 `iface 10.9.9.9`"),
        "{err}"
    );
    assert!(err.contains("场景中有 7 个问题"), "{err}");
    // The same file in English: the parser's own words.
    let (_, _, en) = bindlab(&["run", f.to_str().unwrap()]);
    assert!(
        en.contains(":5:20: expected `on` or `off`, found `maybe`"),
        "{en}"
    );
}

#[test]
fn zh_cn_cheat_sheet() {
    let (code, out, _) = bindlab(&["--lang", "zh-CN", "cheatsheet"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("第二次 bind() 的结果"), "{out}");
    assert!(out.contains("\n  两个套接字都设置 SO_REUSEADDR "), "{out}");
    assert!(out.contains("重启：旧服务器的连接处于 TIME_WAIT"), "{out}");
    assert!(!out.contains("on both"), "{out}");
    let (_, en, _) = bindlab(&["cheatsheet"]);
    assert!(en.contains("\n  SO_REUSEADDR on both "), "{en}");
    // A cell's words too: Windows leaves the receiver undefined.
    assert!(en.contains("ok → first or second? ×4"), "{en}");
    assert!(
        out.contains("ok → first 或 second? ×4") && !out.contains(" or "),
        "{out}"
    );
    // The columns line up in terminal columns: each OS heading where the
    // first row's cell starts.
    let table: Vec<&str> = out.lines().skip(3).take(2).collect();
    let col = |s: &str, at: &str| {
        let i = s.find(at).unwrap();
        s[..i]
            .chars()
            .map(|c| if c.is_ascii() { 1 } else { 2 })
            .sum::<usize>()
    };
    assert_eq!(
        col(table[0], "Linux"),
        col(table[1], "EADDRINUSE"),
        "{table:?}"
    );
}

#[test]
fn rules_check_reads_the_translated_catalogue() {
    let (code, out, err) = bindlab(&["rules", "check"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("zh-CN: "), "{out}");
    assert!(out.contains(" malformed"), "{out}");
    assert!(
        out.contains("messages of parse.txt translated, 0 malformed"),
        "{out}"
    );
    assert!(
        out.contains("messages of cheatsheet.txt translated, 0 malformed"),
        "{out}"
    );
    assert!(
        out.contains("messages of runtimes.txt translated, 0 malformed"),
        "{out}"
    );
    assert!(
        out.contains("texts of content/runtimes.toml translated, 0 malformed"),
        "{out}"
    );
    for file in ["goal.txt", "sockets.txt"] {
        assert!(
            out.contains(&format!("messages of {file} translated, 0 malformed")),
            "{out}"
        );
    }
}

#[test]
fn lessons_check_checks_and_lists_translations() {
    let dir = std::env::temp_dir().join(format!("bindlab-zh-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for d in ["lessons", "zh-CN/lessons"] {
        std::fs::create_dir_all(dir.join(d)).unwrap();
    }
    let en = "---\nid: a\ntitle: A\nsummary: One.\n---\n## Why\n\n```scenario main\ntitle T\nos linux\nsocket A tcp\nbind A 0.0.0.0:80\n```\n";
    std::fs::write(dir.join("lessons/a.md"), en).unwrap();
    std::fs::write(dir.join("lessons/b.md"), en.replace("id: a", "id: b")).unwrap();
    let zh = en
        .replace("title: A", "title: 甲")
        .replace("## Why", "## 原因 {#why}")
        .replace("title T", "title 场景");
    std::fs::write(dir.join("zh-CN/lessons/a.md"), &zh).unwrap();
    let files = [dir.join("lessons/a.md"), dir.join("lessons/b.md")];
    let args: Vec<&str> = ["lessons", "check"]
        .into_iter()
        .chain(files.iter().map(|p| p.to_str().unwrap()))
        .collect();
    let (code, out, err) = bindlab(&args);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("zh-CN/lessons/b.md: not translated yet"),
        "{err}"
    );
    assert!(
        out.contains("zh-CN: 1 translated (0 failing the check), 1 not translated yet"),
        "{out}"
    );
    // A translation that changes what is asked fails.
    std::fs::write(
        dir.join("zh-CN/lessons/a.md"),
        zh.replace("0.0.0.0:80", "0.0.0.0:81"),
    )
    .unwrap();
    let (code, _, err) = bindlab(&args);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("zh-CN/lessons/a.md:12: this ```scenario block must be the English one"),
        "{err}"
    );
    // The site's interface strings: an untranslated one fails the check.
    std::fs::write(dir.join("zh-CN/lessons/a.md"), &zh).unwrap();
    for d in ["ui", "zh-CN/ui"] {
        std::fs::create_dir_all(dir.join(d)).unwrap();
    }
    std::fs::write(
        dir.join("ui/nav.txt"),
        "nav.home = Home\nnav.next = Next: {title}\n",
    )
    .unwrap();
    std::fs::write(dir.join("zh-CN/ui/nav.txt"), "nav.home = 首页\n").unwrap();
    let (code, _, err) = bindlab(&args);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("zh-CN/ui/nav.txt: `nav.next` is not translated"),
        "{err}"
    );
    std::fs::write(
        dir.join("zh-CN/ui/nav.txt"),
        "nav.home = 首页\nnav.next = 下一章：{name}\n",
    )
    .unwrap();
    let (code, _, err) = bindlab(&args);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("nav.next: line 2: the slots {name} differ from the English {title}"),
        "{err}"
    );
    std::fs::write(
        dir.join("zh-CN/ui/nav.txt"),
        "nav.home = 首页\nnav.next = 下一章：{title}\n",
    )
    .unwrap();
    let (code, out, err) = bindlab(&args);
    assert_eq!(code, 0, "{out}{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn runtimes_speaks_the_runs_language() {
    let (code, out, err) = bindlab(&["--lang", "zh-CN", "runtimes", "--lang", "csharp"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("各运行时默认设置了什么。"), "{out}");
    // A column naming two OSes lists them as Chinese does.
    assert!(
        out.contains("\n  macOS、FreeBSD  ") && !out.contains("macOS, FreeBSD"),
        "{out}"
    );
    assert!(out.contains("TCP 监听套接字"), "{out}");
    assert!(out.contains("此处未测量：这里没有 .NET 运行时"), "{out}");
    assert!(out.contains("请设置 ExclusiveAddressUse = true。"), "{out}");
    // A citation's words in Chinese, its source and code as written.
    assert!(
        out.contains("dotnet/runtime@04da5a173f63")
            && out.contains("CreateNewSocketIfNeeded：只有 `if (_exclusiveAddressUse)`"),
        "{out}"
    );
    assert!(!out.contains("ExclusiveAddressUse is set only"), "{out}");
    assert!(!out.contains("Sets SO_REUSEADDR on Linux"), "{out}");
    let (_, en, _) = bindlab(&["runtimes", "--lang", "csharp"]);
    assert!(en.contains("Sets SO_REUSEADDR on Linux"), "{en}");
}

/// A file name is any bytes on Unix: one that is not UTF-8 gets a usage
/// error that names it, not a panic (exit 101).
#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_is_a_usage_error() {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::OsStr::from_bytes(b"\xffscenario.bindlab");
    let out = Command::new(env!("CARGO_BIN_EXE_bindlab"))
        .arg("run")
        .arg(name)
        .output()
        .expect("bindlab runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("`\u{fffd}scenario.bindlab` is not valid UTF-8"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

/// The READMEs show what `bindlab run --os all` prints for their example
/// scenario: this keeps that output true when a rule or its words change.
#[test]
fn the_readmes_example_output_is_what_bindlab_prints() {
    let trimmed = |s: &str| -> Vec<String> {
        s.trim_matches('\n')
            .lines()
            .map(|l| l.trim_end().to_string())
            .collect()
    };
    for readme in ["README.md", "README.zh-CN.md"] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(readme);
        let text = std::fs::read_to_string(&path).unwrap();
        // Between fences: the odd pieces are code blocks.
        let pieces: Vec<&str> = text.split("```").collect();
        let at = (1..pieces.len())
            .step_by(2)
            .find(|&i| pieces[i].starts_with("\ntitle Two servers, one port"))
            .unwrap_or_else(|| panic!("{readme}: no example scenario"));
        let f = file(&format!("readme-{readme}.bindlab"), &pieces[at][1..]);
        let (_, out, err) = bindlab(&["run", f.to_str().unwrap(), "--os", "all"]);
        assert_eq!(
            trimmed(pieces[at + 2]),
            trimmed(&out),
            "{readme}'s example output is not what bindlab prints (stderr: {err}); paste this:\n{out}"
        );
    }
}

/// A list of names in a zh-CN sentence: 「、」 between them and 「和」 before
/// the last, never English's ", "; the English as it was.
#[test]
fn zh_cn_lists_names_as_chinese_does() {
    let group: String = ["A", "B", "C"]
        .map(|n| format!("socket {n} udp\nset {n} SO_REUSEPORT\nbind {n} 127.0.0.1:5000\n"))
        .concat();
    let f = file(
        "three-zh.bindlab",
        &format!("title three\nos linux\n{group}datagram 127.0.0.1:5000\n"),
    );
    let (code, out, err) = bindlab(&["--lang", "zh-CN", "run", f.to_str().unwrap(), "--os", "all"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("] A、B 和 C 在 127.0.0.1:5000 上组成"),
        "{out}"
    );
    assert!(
        out.contains("\n  第 12 行 `datagram 127.0.0.1:5000`\n"),
        "{out}"
    );
    let (_, en, _) = bindlab(&["run", f.to_str().unwrap(), "--os", "all"]);
    assert!(
        en.contains("] A, B and C form an SO_REUSEPORT group"),
        "{en}"
    );
    assert!(
        en.contains("\n  line 12 `datagram 127.0.0.1:5000`\n"),
        "{en}"
    );
    // The parser's list of the sockets open.
    let f = file(
        "open-zh.bindlab",
        "os linux\nsocket B tcp\nsocket C tcp\nsocket D tcp\nlisten A\n",
    );
    let (code, _, err) = bindlab(&["--lang", "zh-CN", "run", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("（此时已打开的套接字：B、C、D）"), "{err}");
    let (_, _, en) = bindlab(&["run", f.to_str().unwrap()]);
    assert!(en.contains("(sockets open here: B, C, D)"), "{en}");
    for said in [out, err] {
        for line in said
            .lines()
            .filter(|l| l.contains('和') || l.contains('：'))
        {
            assert!(!line.contains("A, B") && !line.contains("B, C"), "{line}");
        }
    }
}

/// The checks' summaries are the run's language (they were English in a
/// zh-CN run); the English is as it was.
#[test]
fn zh_cn_check_summaries() {
    let f = file(
        "check-zh.bindlab",
        "os linux\nsocket A tcp\nbind A 0.0.0.0:80 => ok\n",
    );
    let (code, out, err) = bindlab(&["--lang", "zh-CN", "check", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim_end(), "1 个通过，0 个失败");
    let (_, en, _) = bindlab(&["check", f.to_str().unwrap()]);
    assert_eq!(en.trim_end(), "1 passed, 0 failed");
}

/// `fmt` keeps a reader's comments (it printed the parsed steps alone, and
/// `fmt F > G` lost every note): a comment line where it was, a step's own
/// comment after it, the headers first.
#[test]
fn fmt_keeps_the_comments() {
    let f = file(
        "fmt-comments.bindlab",
        "title  Two   servers\n# the wildcard first\nos linux\n\nsocket A tcp   # the old server\nbind A 0.0.0.0:80=>ok\n\n\n# then B\nsocket B tcp\n",
    );
    let (code, out, err) = bindlab(&["fmt", f.to_str().unwrap()]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        "title Two   servers\nos linux\n\n# the wildcard first\n\nsocket A tcp  # the old server\nbind A 0.0.0.0:80  => ok\n\n# then B\nsocket B tcp\n"
    );
}
