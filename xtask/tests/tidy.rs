//! Tidy: the invariants of ARCHITECTURE.md that a machine can check, read
//! from the source tree as text (after rust-analyzer's `xtask/src/tidy.rs`).
//! It lives in the xtask because it is about the tree as a whole, not one
//! crate's behaviour, and it runs with `cargo test --workspace` (the `unit`
//! stage of `cargo xtask test`). Every failure names `FILE:LINE`.
//!
//! Each allow-list names today's offenders, with the work that removes them
//! (issue #13); an entry that no longer offends fails the test too, so the
//! lists only shrink.
//!
//! "Every component calls its hooks unconditionally" is
//! `crates/app/tests/hooks.rs` (it parses components, which this file does
//! not duplicate); here only the check that it reads every file holding a
//! component.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every `.rs` file under `dir` (relative to the root), sorted.
fn rust_files(dir: &str) -> Vec<String> {
    let mut files: Vec<String> = files_ending(dir, "rs")
        .iter()
        .map(|p| {
            p.strip_prefix(root())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

/// Every file under `dir` (relative to the root) whose extension is `ext`.
fn files_ending(dir: &str, ext: &str) -> Vec<PathBuf> {
    fn walk(d: &Path, ext: &str, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(d) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, ext, out);
            } else if p.extension().is_some_and(|x| x == ext) {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join(dir), ext, &mut files);
    files
}

fn read(file: &str) -> String {
    std::fs::read_to_string(root().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Fails with every problem, then every allow-list entry that no longer
/// applies.
fn report(what: &str, problems: Vec<String>, stale: Vec<String>) {
    let mut msg = String::new();
    if !problems.is_empty() {
        msg += &format!("{what}:\n  {}\n", problems.join("\n  "));
    }
    if !stale.is_empty() {
        msg += &format!(
            "allow-listed but no longer offending (remove them from the list in xtask/tests/tidy.rs):\n  {}\n",
            stale.join("\n  ")
        );
    }
    assert!(msg.is_empty(), "{msg}");
}

/// Files of `crates/app/src` over the limit today: `crates/app` is being
/// split one component per file (issue #13, item 4).
const LONG_APP_FILES: &[&str] = &[];
const MAX_APP_LINES: usize = 400;

#[test]
fn no_app_file_is_over_400_lines() {
    let (mut problems, mut stale) = (Vec::new(), Vec::new());
    for f in rust_files("crates/app/src") {
        let n = read(&f).lines().count();
        let listed = LONG_APP_FILES.contains(&f.as_str());
        if n > MAX_APP_LINES && !listed {
            problems.push(format!(
                "{f}:{}: {n} lines (at most {MAX_APP_LINES}: split it)",
                MAX_APP_LINES + 1
            ));
        } else if n <= MAX_APP_LINES && listed {
            stale.push(format!("{f}: {n} lines"));
        }
    }
    for f in LONG_APP_FILES {
        if !root().join(f).exists() {
            stale.push(format!("{f}: gone"));
        }
    }
    report("files of crates/app/src over the limit", problems, stale);
}

#[test]
fn the_hooks_check_reads_every_component() {
    // crates/app/tests/hooks.rs reads the sources through the scan shared
    // with tidy.rs (`tests/common/mod.rs`); a component in a folder is seen
    // only if that scan walks folders.
    let recursive = read("crates/app/tests/common/mod.rs").contains("walk(&path");
    let mut problems = Vec::new();
    let mut components = 0;
    for f in rust_files("crates/app/src") {
        let src = read(&f);
        let nested = !recursive && Path::new(&f).parent() != Some(Path::new("crates/app/src"));
        for (i, line) in src.lines().enumerate() {
            if line.contains("#[function_component") {
                components += 1;
                if nested {
                    problems.push(format!(
                        "{f}:{}: a component that crates/app/tests/hooks.rs does not read (its scan in tests/common/mod.rs reads only src/*.rs): make it recursive",
                        i + 1
                    ));
                }
            }
        }
    }
    assert!(components >= 20, "found only {components} components");
    report(
        "components the hooks check does not see",
        problems,
        Vec::new(),
    );
}

/// The engine's `Socket` fields that may be `pub`: none. The host owns a
/// socket's state (`crates/engine/src/host/socket.rs`: private fields,
/// accessors, and the methods through which every change goes).
const PUB_SOCKET_FIELDS: &[&str] = &[];

#[test]
fn the_engines_socket_has_no_pub_field() {
    let (mut problems, mut found) = (Vec::new(), None);
    let mut seen = BTreeSet::new();
    for f in rust_files("crates/engine/src") {
        let src = read(&f);
        let lines: Vec<&str> = src.lines().collect();
        let Some(start) = lines
            .iter()
            .position(|l| l.trim_start().starts_with("pub struct Socket {"))
        else {
            continue;
        };
        found = Some(f.clone());
        for (i, line) in lines.iter().enumerate().skip(start + 1) {
            let t = line.trim();
            if t == "}" {
                break;
            }
            // `pub`, `pub(crate)`, `pub(super)`, `pub(in …)`: all of them.
            let Some(rest) = t.strip_prefix("pub") else {
                continue;
            };
            let rest = match rest.strip_prefix('(') {
                Some(r) => r.split_once(')').map_or("", |(_, r)| r),
                None => rest,
            };
            let name = rest.split(':').next().unwrap_or("").trim();
            seen.insert(name.to_string());
            if !PUB_SOCKET_FIELDS.contains(&name) {
                problems.push(format!(
                    "{f}:{}: `Socket::{name}` is pub: keep the socket's state private to the host",
                    i + 1
                ));
            }
        }
    }
    assert!(
        found.is_some(),
        "no `pub struct Socket {{` under crates/engine/src"
    );
    let stale = PUB_SOCKET_FIELDS
        .iter()
        .filter(|f| !seen.contains(**f))
        .map(|f| format!("Socket::{f}"))
        .collect();
    report("pub fields on the engine's Socket", problems, stale);
}

/// The host looks up and applies: no file under `crates/engine/src/host/`
/// names a rule or builds a decision of its own (`Decision::fail`
/// passing on an OS module's route is applying it).
#[test]
fn the_host_decides_nothing() {
    let files = rust_files("crates/engine/src/host");
    assert!(
        files.len() >= 5,
        "crates/engine/src/host/ has only {} files",
        files.len()
    );
    let mut problems = Vec::new();
    for f in &files {
        for (i, line) in read(f).lines().enumerate() {
            for bad in ["RuleId", "fail_with(", "ok_with("] {
                if line.contains(bad) {
                    problems.push(format!(
                        "{f}:{}: `{bad}` in the host: decide it in crates/engine/src/os/",
                        i + 1
                    ));
                }
            }
        }
    }
    report("decisions in the host", problems, Vec::new());
}

/// Where a rule id may be written: the OS modules decide, the catalogue
/// describes.
fn may_name_rules(file: &str) -> bool {
    file.starts_with("crates/engine/src/os/") || file == "crates/engine/src/rules.rs"
}

/// Files outside the OS modules allowed to name rules: none since the
/// host's `common.*` decisions moved to `os/common.rs` (issue #13); an
/// entry no file needs any more fails the test.
const RULE_IDS_ELSEWHERE: &[&str] = &[];

/// Every rule id of `crates/engine/src/rules.json`.
fn catalogue_ids() -> BTreeSet<String> {
    let json = read("crates/engine/src/rules.json");
    let ids: BTreeSet<String> = json
        .split("\"id\"")
        .skip(1)
        .filter_map(|s| s.split('"').nth(1))
        .map(str::to_string)
        .collect();
    assert!(ids.len() >= 50, "found only {} rule ids", ids.len());
    ids
}

/// The string literals of one line of Rust, roughly: what stands between
/// unescaped double quotes, up to a `//` comment.
fn literals(line: &str) -> Vec<&str> {
    let (mut out, mut start, mut escaped) = (Vec::new(), None, false);
    let b = line.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match (start, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some(_), b'\\') => escaped = true,
            (Some(s), b'"') => {
                out.push(&line[s..i]);
                start = None;
            }
            (None, b'"') => start = Some(i + 1),
            (None, b'/') if b.get(i + 1) == Some(&b'/') => break,
            _ => {}
        }
    }
    out
}

#[test]
fn no_rule_id_outside_the_os_modules_and_the_catalogue() {
    let ids = catalogue_ids();
    let (mut problems, mut used) = (Vec::new(), BTreeSet::new());
    // The code that ships; tests name rules to check them, and may.
    let mut files = Vec::new();
    for dir in [
        "crates/engine/src",
        "crates/course/src",
        "crates/cli/src",
        "crates/app/src",
        "crates/kernel/src",
        "crates/sockets/src",
        "crates/export-wasm/src",
        "crates/fuzz/src",
        "crates/fuzz/fuzz_targets",
    ] {
        files.extend(rust_files(dir));
    }
    for f in files.iter().filter(|f| !may_name_rules(f)) {
        let src = read(f);
        for (i, line) in src.lines().enumerate() {
            if line.trim_start().starts_with("#[cfg(test)]") {
                break; // a file's unit tests come last
            }
            for lit in literals(line) {
                if ids.contains(lit) {
                    if RULE_IDS_ELSEWHERE.contains(&f.as_str()) {
                        used.insert(f.clone());
                    } else {
                        problems.push(format!(
                            "{f}:{}: rule id \"{lit}\" outside crates/engine/src/os/: decide it in an OS module",
                            i + 1
                        ));
                    }
                }
            }
        }
    }
    let stale = RULE_IDS_ELSEWHERE
        .iter()
        .filter(|f| !used.contains(**f))
        .map(|f| f.to_string())
        .collect();
    report("rule ids outside the OS modules", problems, stale);
}

#[test]
fn the_checks_name_file_and_line() {
    assert_eq!(literals(r#"let a = "x.y"; // "not.this""#), ["x.y"]);
    assert_eq!(literals(r#"// "comment""#), Vec::<&str>::new());
    assert_eq!(literals(r#"f("a", "b")"#), ["a", "b"]);
    assert_eq!(literals(r#"f("a\"b // c", 'x')"#), [r#"a\"b // c"#]);
}

/// Words a literal in the app's markup may hold without being prose: the
/// names bindlab never translates (TERMS.md's list).
const TECHNICAL_WORDS: &[&str] = &[
    "bindlab", "Linux", "FreeBSD", "macOS", "Windows", "XNU", "Winsock", "TCP", "UDP", "IPv4",
    "IPv6", "English", "Python", "Rust", "Java", "Node", "Go", "C#",
    // The scenario language's keywords, on the sandbox's buttons as written.
    "socket", "set", "bind", "listen", "connect", "accept", "close", "wait", "client", "datagram",
    "join",
];

/// Whether a literal reads as English prose: a sentence (a capitalised word
/// then lowercase words), or, as markup text or a human-facing attribute,
/// any word that is not a technical name, an option or a state
/// (`SO_REUSEADDR`, `TIME_WAIT`), code or a symbol.
fn is_prose(lit: &str, in_markup: bool) -> bool {
    let words: Vec<&str> = lit
        .split(|c: char| !(c.is_ascii_alphabetic() || c == '_' || c == '\''))
        .filter(|w| w.len() >= 2)
        .collect();
    let sentence = words.len() >= 2
        && words[0]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_uppercase())
        && words[0][1..].chars().all(|c| c.is_ascii_lowercase())
        && words[1..]
            .iter()
            .all(|w| w.chars().all(|c| c.is_ascii_lowercase()))
        && lit.contains(' ')
        && !lit.contains('{')
        && !TECHNICAL_WORDS.contains(&words[0]);
    let english_word = |w: &&str| {
        w.len() >= 3
            && !TECHNICAL_WORDS.contains(w)
            && !w.contains('_')
            && !w.chars().all(|c| c.is_ascii_uppercase())
    };
    sentence || (in_markup && words.iter().any(english_word))
}

#[test]
fn no_prose_in_the_apps_markup() {
    // Attributes a reader sees or hears.
    const HUMAN: &[&str] = &[
        "aria-label=",
        "title=",
        "placeholder=",
        "alt=",
        "aria-roledescription=",
    ];
    let mut problems = Vec::new();
    for file in rust_files("crates/app/src") {
        if file.ends_with("/bin/prerender.rs") {
            continue; // writes the HTML around the app, from page.txt's strings
        }
        for (n, line) in read(&file).lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with("mod tests") || t.starts_with("#[cfg(test)]") {
                break; // tests may say what they like
            }
            if t.starts_with("//")
                || t.starts_with("#[")
                || t.contains("expect(")
                || t.contains("console::")
            {
                continue;
            }
            for lit in literals(line) {
                let at = line.find(&format!("\"{lit}\"")).unwrap_or(0);
                let before = &line[..at];
                let in_markup = before.ends_with('{') || HUMAN.iter().any(|a| before.ends_with(a));
                if is_prose(lit, in_markup) {
                    problems.push(format!(
                        "{file}:{}: \"{lit}\" (an interface string belongs in content/ui/*.txt)",
                        n + 1
                    ));
                }
            }
        }
    }
    report("English prose in the app's code", problems, Vec::new());
}

#[test]
fn every_interface_string_is_used() {
    let mut sources = String::new();
    for file in rust_files("crates/app/src") {
        sources.push_str(&read(&file));
    }
    let mut problems = Vec::new();
    let dir = root().join("content/ui");
    let entries = bindlab_course::ui::read_dir(&dir).unwrap_or_else(|e| panic!("{}", e.join("\n")));
    for e in entries {
        let variant: String = e
            .key
            .split(['.', '_'])
            .map(|w| {
                let mut c = w.chars();
                c.next().map_or(String::new(), |f| {
                    f.to_ascii_uppercase().to_string() + c.as_str()
                })
            })
            .collect();
        if !sources.contains(&format!("T::{variant}")) {
            problems.push(format!(
                "content/ui/{}.txt:{}: `{}` (T::{variant}) is used nowhere",
                e.key.split('.').next().unwrap_or(""),
                e.line,
                e.key
            ));
        }
    }
    report("interface strings no code uses", problems, Vec::new());
}

/// The README's count of the corpus is the tree's: "The corpus is N
/// scenarios under `corpus/`, by OS, U of them UDP (… L Linux ones …".
#[test]
fn the_readme_counts_the_corpus_as_it_is() {
    let files = files_ending("corpus", "bindlab");
    let udp = |p: &&PathBuf| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("udp-"))
    };
    let all = files.len();
    let all_udp = files.iter().filter(udp).count();
    let linux_udp = files
        .iter()
        .filter(udp)
        .filter(|p| p.parent().is_some_and(|d| d.ends_with("linux")))
        .count();
    // The first three numbers after the sentence's opening, in each README:
    // "The corpus is N scenarios under `corpus/`, by OS, U of them UDP
    // (`corpus/<os>/udp-*.bindlab`: L Linux ones …", and its translation.
    let tree = vec![all, all_udp, linux_udp];
    for (file, opening) in [
        ("README.md", "The corpus is "),
        ("README.zh-CN.md", "语料库共有 "),
    ] {
        let text = read(file);
        let at = text
            .find(opening)
            .unwrap_or_else(|| panic!("{file}: no sentence opening \"{opening}\""));
        let stated: Vec<usize> = text[at..]
            .split(|c: char| !c.is_ascii_digit() && c != ',')
            .map(|w| w.trim_matches(','))
            .filter(|w| !w.is_empty())
            .filter_map(|w| w.replace(',', "").parse().ok())
            .take(3)
            .collect();
        assert_eq!(
            stated,
            tree,
            "{file}: the corpus sentence says {stated:?}; corpus/ has {all} scenarios, {all_udp} UDP, {linux_udp} of those Linux"
        );
    }
}

/// The READMEs' count of what `bindlab guides check` checks is what it
/// checks today: "(today: G guides, S scenarios, C stated outcomes and R
/// rule references)", and its Chinese.
#[test]
fn the_readme_counts_the_guides_as_they_are() {
    let (mut guides, mut scenarios, mut claims, mut rules) = (0, 0, 0, 0);
    let mut files = files_ending("content/guides", "md");
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let guide = bindlab_course::guide::parse_guide(&text)
            .unwrap_or_else(|e| panic!("{}: {} problems", f.display(), e.len()));
        if guide.pending.is_some() {
            continue;
        }
        let (n, _) = bindlab_course::guide::check_guide(&guide);
        guides += 1;
        scenarios += n.scenarios;
        claims += n.claims;
        rules += n.rules;
    }
    let tree = vec![guides, scenarios, claims, rules];
    for (file, opening) in [("README.md", "(today: "), ("README.zh-CN.md", "（目前：")] {
        let text = read(file);
        let at = text
            .find(opening)
            .unwrap_or_else(|| panic!("{file}: no count opening \"{opening}\""));
        let stated: Vec<usize> = text[at..]
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| !w.is_empty())
            .filter_map(|w| w.parse().ok())
            .take(4)
            .collect();
        assert_eq!(
            stated,
            tree,
            "{file}: the guides' count says {stated:?}; `bindlab guides check` counts {guides} guides, {scenarios} scenarios, {claims} stated outcomes and {rules} rule references"
        );
    }
}
