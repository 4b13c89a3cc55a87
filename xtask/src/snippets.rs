//! The guides' Rust, Python and Node.js snippets, checked as a reader would
//! paste them (part of the `lessons` stage): these three languages can carry
//! their own imports in a fragment (a `use` inside a function, `import`,
//! `require`), so each snippet must, and the check supplies none of them.
//!
//! - Rust: compiled by rustc for the systems it is written for: a snippet
//!   that reaches for Winsock (`as_raw_socket`) for Windows, one that sets
//!   SO_REUSEPORT_LB for FreeBSD (for every system when that call is under
//!   `#[cfg(target_os = "freebsd")]`), every other one for Linux and
//!   Windows. `cargo check` only: the other systems' standard libraries come
//!   from `rustup target add`, no linker is needed. Each snippet becomes the
//!   body of a function returning a `Result` in a crate of its own under
//!   `target/guide-snippets/<target>/`, whose Cargo.toml has the crates a
//!   reader adds (socket2 with its "all" feature; windows-sys 0.61 on
//!   Windows) and whose source has no `use` line: a name the snippet neither
//!   defines, imports nor spells out in full fails.
//! - Python: parsed, and every name it reads must be bound in it (assigned,
//!   imported, defined), a builtin, or `s`, the socket its guide's text
//!   names (`symtable`, [`PY_CHECK`]): a snippet that calls `socket.socket`
//!   without `import socket` fails.
//! - Node.js: parsed by the acorn Node carries for itself (`node
//!   --expose-internals`), and every name it reads or assigns must be
//!   declared in it (anywhere: block scope is not followed), one of Node's
//!   globals, `require`, or `server` and `onConnection`, the names the
//!   guides' text gives — on every branch, `a ? b : c` both; then run in a
//!   `vm` context where those globals and given names are stand-ins that take
//!   any use and `require` gives one for Node's own modules only
//!   ([`NODE_CHECK`]): strict, calling back every function a stand-in is
//!   handed, so a module that is not Node's own fails too.
//!
//! Each of Python and Node.js first checks a snippet that lacks its import,
//! which must fail: a check that let everything through would say nothing.

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
        if code.contains("#[cfg(target_os = \"freebsd\")]") {
            &["linux", "windows", "freebsd"]
        } else {
            &["freebsd"]
        }
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

/// One crate for a system: each snippet a function returning the error type
/// its own `return Err(…)` or `?` needs, and no `use` line: what a snippet
/// imports, it imports itself.
fn write_crate(dir: &Path, list: &[&(String, String)]) -> Result {
    let mut main = String::from(
        "//! Written by `cargo xtask test lessons` (xtask/src/snippets.rs).\n\
         #![allow(dead_code, unused_imports, unused_variables, unused_mut)]\n",
    );
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

/// The Python check: each file given parses, and every name it reads is
/// bound in it, a builtin or one of the names in the first argument.
pub(crate) const PY_CHECK: &str = r#"# Written by `cargo xtask test lessons` (xtask/src/snippets.rs).
import builtins, symtable, sys

given = set(sys.argv[1].split(","))
bad = []
for path in sys.argv[2:]:
    src = open(path, encoding="utf-8").read()
    try:
        compile(src, path, "exec")
        top = symtable.symtable(src, path, "exec")
    except SyntaxError as e:
        bad.append(f"{path}:{e.lineno}: {e.msg}")
        continue
    bound = {s.get_name() for s in top.get_symbols()
             if s.is_assigned() or s.is_imported() or s.is_namespace()}
    read = set()
    def walk(t):
        for s in t.get_symbols():
            if (s.is_referenced() if t is top else s.is_global()):
                read.add(s.get_name())
        for c in t.get_children():
            walk(c)
    walk(top)
    missing = sorted(read - bound - set(dir(builtins)) - given)
    if missing:
        bad.append(f"{path}: reads {', '.join(missing)}, which it neither imports nor defines")
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
"#;

/// The Node.js check: each file given parses, names nothing it does not
/// declare (but Node's globals, `require` and the names in the first
/// argument), and runs, strict, against stand-ins for those (Node's own
/// modules by `require`) without an error. Needs `node --expose-internals`
/// for Node's own acorn.
pub(crate) const NODE_CHECK: &str = r#"// Written by `cargo xtask test lessons` (xtask/src/snippets.rs).
'use strict';
const fs = require('fs');
const vm = require('vm');
const { builtinModules } = require('module');

const [given, ...files] = process.argv.slice(2);
const GLOBALS = ['console', 'process', 'Buffer', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout',
  'clearInterval', 'clearImmediate', 'queueMicrotask', 'module', 'exports', '__filename', '__dirname'];
// The parser Node uses for its REPL; no package to install.
let acorn, walk;
try {
  acorn = require('internal/deps/acorn/acorn/dist/acorn');
  walk = require('internal/deps/acorn/acorn-walk/dist/walk');
} catch (e) {
  console.error(`this check reads snippets with Node's own acorn; run it as node --expose-internals (${e.message})`);
  process.exit(2);
}
const KNOWN = new Set(Object.getOwnPropertyNames(globalThis).concat(GLOBALS, given.split(','), ['require', 'arguments']));
/** The names `code` reads or assigns that it declares nowhere and that are
 *  not KNOWN, on every branch (block scope is not followed: a name declared
 *  anywhere in the snippet counts as declared). */
function unbound(code) {
  const ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script' });
  // Where names are declared: a declarator's pattern, a function's name and
  // parameters, a class's name, a catch's parameter.
  const decl = [];
  walk.full(ast, (n) => {
    if (n.type === 'VariableDeclarator') decl.push(n.id);
    else if (/Function/.test(n.type)) { if (n.id) decl.push(n.id); decl.push(...n.params); }
    else if (/^Class/.test(n.type) && n.id) decl.push(n.id);
    else if (n.type === 'CatchClause' && n.param) decl.push(n.param);
  });
  const declares = (id) => decl.some((d) => id.start >= d.start && id.end <= d.end);
  const declared = new Set();
  const used = [];
  // Property names and labels are not identifiers to the walker; a
  // pattern's name outside a declaration is an assignment, a use.
  walk.full(ast, (n, _, type) => {
    if (n.type !== 'Identifier') return;
    if (type === 'VariablePattern' && declares(n)) declared.add(n.name);
    else used.push(n.name);
  });
  return [...new Set(used)].filter((name) => !declared.has(name) && !KNOWN.has(name));
}
const standIns = new WeakSet();
let callbacks = [];
function later(args) {
  for (const a of args) if (typeof a === 'function' && !standIns.has(a)) callbacks.push(a);
}
/** Takes any use: every property, call and `new` gives another. */
function standIn() {
  const p = new Proxy(function () {}, {
    get(_, k) {
      if (k === Symbol.toPrimitive) return () => 1;
      if (typeof k === 'symbol' || k === 'then') return undefined;
      return standIn();
    },
    set() { return true; },
    apply(_, __, args) { later(args); return standIn(); },
    construct(_, args) { later(args); return standIn(); },
  });
  standIns.add(p);
  return p;
}
const bad = [];
for (const file of files) {
  const code = fs.readFileSync(file, 'utf8');
  try {
    const names = unbound(code);
    if (names.length) {
      bad.push(`${file}: uses ${names.join(', ')}, which it neither requires nor declares`);
      continue;
    }
  } catch (e) {
    bad.push(`${file}: ${e && e.name}: ${e && e.message}`);
    continue;
  }
  const context = {
    require(name) {
      if (!builtinModules.includes(String(name).replace(/^node:/, ''))) {
        throw new Error(`require(${JSON.stringify(name)}): not one of Node's own modules`);
      }
      return standIn();
    },
  };
  for (const g of GLOBALS.concat(given.split(','))) context[g] = standIn();
  vm.createContext(context);
  callbacks = [];
  try {
    // Strict, on the snippet's first line: the line numbers stay.
    vm.runInContext(`'use strict'; ${code}`, context, { filename: file });
    for (let i = 0; i < callbacks.length && i < 1000; i++) callbacks[i](standIn(), standIn());
  } catch (e) {
    bad.push(`${file}: ${e && e.name}: ${e && e.message}`);
  }
}
console.error(bad.join('\n'));
process.exit(bad.length ? 1 : 0);
"#;

/// The names a guide's text gives its Python and Node.js snippets.
const PY_GIVEN: &str = "s";
const NODE_GIVEN: &str = "server,onConnection";

/// Snippets each check must refuse: they use a module they do not import
/// (Node: also on the branch a run does not take, the stand-ins' numbers
/// being 1; or one that is not Node's own, which only the run sees).
const PY_BROKEN: &[&str] = &["s2 = socket.socket()\n"];
const NODE_BROKEN: &[&str] = &[
    "net.createServer().listen(8080);\n",
    "process.argv.length > 99 ? net.createServer().listen(8080) : server.listen(8080);\n",
    "const express = require(\"express\");\nexpress().listen(8080);\n",
];

/// The Python and Node.js snippets, written one file each into `dir`
/// (after the broken one, `broken.py` / `broken.js`) and checked by their
/// own interpreters, as the module's doc says.
fn interpreted() -> Result {
    let python: (&str, &str, &str, &[&str], _, _, _) = (
        "python",
        "py",
        "python3",
        &[],
        PY_CHECK,
        PY_GIVEN,
        PY_BROKEN,
    );
    let node = (
        "node",
        "js",
        "node",
        &["--expose-internals"][..],
        NODE_CHECK,
        NODE_GIVEN,
        NODE_BROKEN,
    );
    for (lang, ext, program, flags, check, given, broken) in [python, node] {
        let dir = root().join("target/guide-snippets").join(lang);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let checker = dir.join(format!("check.{ext}"));
        std::fs::write(&checker, check).map_err(|e| e.to_string())?;
        let comment = if lang == "python" { "#" } else { "//" };
        let run_check = |files: &[std::path::PathBuf]| -> Result<std::process::Output> {
            std::process::Command::new(program)
                .args(flags)
                .arg(&checker)
                .arg(given)
                .args(files)
                .output()
                .map_err(|e| format!("cannot run {program}: {e}"))
        };
        // First snippets without their import: the check must refuse each.
        for broken in broken {
            let bad = dir.join(format!("broken.{ext}"));
            std::fs::write(&bad, format!("{comment} lacks its import\n{broken}"))
                .map_err(|e| e.to_string())?;
            if run_check(&[bad])?.status.success() {
                return Err(format!(
                    "the {lang} check let a snippet without its import through:\n{broken}"
                ));
            }
        }
        let list = snippets_in(lang)?;
        let mut files = Vec::new();
        for (i, (file, code)) in list.iter().enumerate() {
            let path = dir.join(format!("snippet_{i}.{ext}"));
            std::fs::write(&path, format!("{comment} {file}\n{code}\n"))
                .map_err(|e| e.to_string())?;
            files.push(path);
        }
        let out = run_check(&files)?;
        if !out.status.success() {
            return Err(format!(
                "{lang} snippets of the guides fail as pasted (each file's first line names its guide):\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        println!(
            "{} {lang} snippets parse and name nothing they do not import or define",
            list.len()
        );
    }
    Ok(())
}

/// Compiles every snippet for each of its systems; says how many.
pub fn check() -> Result {
    interpreted()?;
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
        write_crate(&dir, &list)?;
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
        assert_eq!(
            systems("#[cfg(target_os = \"freebsd\")]\nsock.set_reuse_port_lb(true)?;"),
            ["linux", "windows", "freebsd"]
        );
        assert_eq!(systems("s.set_reuse_address(true)?;"), ["linux", "windows"]);
        let all = snippets().unwrap();
        // Nine guides; 02 and 05 share theirs.
        assert!(all.len() >= 8, "{}", all.len());
        assert!(all.iter().any(|(_, c)| systems(c) == ["windows"]));
    }
}
