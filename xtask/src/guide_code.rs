//! The guides' C, Go, Java and C# snippets, compiled (part of the `lessons`
//! stage, after `snippets.rs`'s Rust, Python and Node.js). A snippet is the
//! lines a reader pastes into their own program, so each is compiled inside
//! a small program that declares what its guide's text takes as given, and
//! nothing else; and, since a fragment of statements cannot carry them in
//! these four languages, the headers and imports its calls need (Python,
//! Node.js and Rust snippets carry their own: `snippets.rs`):
//!
//! - C: `int fd, fd6` and `struct sockaddr_in addr, src, dst` (POSIX, gcc),
//!   or `SOCKET s` (Winsock: a snippet naming SO_EXCLUSIVEADDRUSE or BOOL,
//!   with MinGW-w64's gcc and `winsock2.h`); the snippet in a block of its
//!   own, so it may declare those names again;
//! - Go: `ctx context.Context`, the imports it uses, and every name it
//!   declares read once (Go refuses an unused one); type-checked by `go vet`
//!   for Linux, for FreeBSD when it sets SO_REUSEPORT_LB (with Debian's
//!   golang.org/x/sys), or for Windows when it takes a socket's Winsock
//!   handle (`syscall.Handle`: the standard library's own Windows calls, as
//!   Debian packages no golang.org/x/sys/windows; a snippet importing that
//!   fails here, by name);
//! - Java: a field `ServerSocketChannel ch` (javac);
//! - C#: fields `Socket s` and `TcpListener listener` (Mono's `mcs`). A
//!   member .NET has and Mono's class library lacks ([`DOTNET_ONLY`]) is
//!   reported as not checkable here, by name, rather than failed.
//!
//! Each language first compiles a snippet with a mistake in it, which must
//! fail: a harness that let everything through would say nothing.

use std::path::Path;
use std::process::Command;

use crate::{ensure_apt, root, snippets::snippets_in, Result};

/// Members of .NET's `Socket` and `OperatingSystem` that Mono does not
/// have; a snippet using one compiles on .NET (5 and later), not under `mcs`.
const DOTNET_ONLY: &[&str] = &["SetRawSocketOption", "IsFreeBSD", "IsLinux"];

/// Where Debian's golang-golang-x-sys-dev puts x/sys (GOPATH layout).
const GOPATH: &str = "/usr/share/gocode";

/// A language's snippets, each written into a program and compiled.
struct Lang {
    name: &'static str,
    /// The program around `code`, for snippet number `i`; its file name.
    program: fn(i: usize, code: &str) -> (String, String),
    /// The compiler's command for that file, in `dir`.
    compile: fn(dir: &Path, file: &str, code: &str) -> Command,
    /// A snippet with a mistake the compiler must catch.
    broken: &'static str,
}

const LANGS: [Lang; 4] = [
    Lang {
        name: "c",
        program: c_program,
        compile: c_compile,
        broken: "int one = 1;\nsetsockop(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);\n",
    },
    Lang {
        name: "go",
        program: go_program,
        compile: go_compile,
        broken: "ln, err := net.Listen(\"tcp\", 8080)\n",
    },
    Lang {
        name: "java",
        program: java_program,
        compile: java_compile,
        broken: "ch.bind(new InetSocketAddress(\"8080\"));\n",
    },
    Lang {
        name: "csharp",
        program: csharp_program,
        compile: csharp_compile,
        broken: "s.Bind(IPAddress.Any, 8080);\n",
    },
];

fn winsock(code: &str) -> bool {
    code.contains("SO_EXCLUSIVEADDRUSE") || code.contains("BOOL")
}

fn indent(code: &str, by: &str) -> String {
    code.lines().map(|l| format!("{by}{l}\n")).collect()
}

fn c_program(_: usize, code: &str) -> (String, String) {
    let (head, given) = if winsock(code) {
        (
            "#include <winsock2.h>\n#include <ws2tcpip.h>\n",
            "    SOCKET s = INVALID_SOCKET;\n    (void)s;\n",
        )
    } else {
        (
            "#define _GNU_SOURCE\n#include <sys/socket.h>\n#include <netinet/in.h>\n\
             #include <arpa/inet.h>\n#include <unistd.h>\n",
            "    int fd = -1, fd6 = -1;\n    struct sockaddr_in addr = {0}, src = {0}, dst = {0};\n\
             \x20   (void)fd; (void)fd6; (void)addr; (void)src; (void)dst;\n",
        )
    };
    let text = format!(
        "{head}\nvoid snippet(void) {{\n{given}    {{\n{}    }}\n}}\n",
        indent(code, "        ")
    );
    (text, "snippet.c".into())
}

fn c_compile(dir: &Path, file: &str, code: &str) -> Command {
    let gcc = if winsock(code) {
        "x86_64-w64-mingw32-gcc"
    } else {
        "gcc"
    };
    let mut c = Command::new(gcc);
    c.current_dir(dir).args([
        "-std=gnu11",
        "-fsyntax-only",
        "-Werror=implicit-function-declaration",
        "-Werror=incompatible-pointer-types",
        "-Werror=int-conversion",
        file,
    ]);
    c
}

/// The system a Go snippet is for: what it calls says.
fn go_os(code: &str) -> &'static str {
    if code.contains("syscall.Handle(") || code.contains("windows.") {
        "windows"
    } else if code.contains("SO_REUSEPORT_LB") {
        "freebsd"
    } else {
        "linux"
    }
}

/// The names a Go snippet declares with `:=` (`ln, err := …`).
fn go_declared(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in code.lines() {
        let Some((left, _)) = line.split_once(":=") else {
            continue;
        };
        for n in left.split(',').map(str::trim) {
            let ident = !n.is_empty()
                && n != "_"
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !n.starts_with(|c: char| c.is_ascii_digit());
            if ident && !names.iter().any(|m| m == n) {
                names.push(n.to_string());
            }
        }
    }
    names
}

fn go_program(_: usize, code: &str) -> (String, String) {
    // Each import with one of its names, so none is unused.
    let mut imports = vec![
        ("context", "context.Background"),
        ("net", "net.Listen"),
        ("syscall", "syscall.Getpid"),
    ];
    if code.contains("windows.") {
        imports.push(("golang.org/x/sys/windows", "windows.SOL_SOCKET"));
    }
    if code.contains("unix.") {
        imports.push(("golang.org/x/sys/unix", "unix.SOL_SOCKET"));
    }
    let mut text = String::from("package main\n\nimport (\n");
    for (path, _) in &imports {
        text.push_str(&format!("\t\"{path}\"\n"));
    }
    text.push_str(")\n\n");
    for (_, name) in &imports {
        text.push_str(&format!("var _ = {name}\n"));
    }
    let read: String = go_declared(code)
        .iter()
        .map(|n| format!("\t\t_ = {n}\n"))
        .collect();
    text.push_str(&format!(
        "\nfunc main() {{\n\tvar ctx context.Context\n\t_ = ctx\n\t{{\n{}{read}\t}}\n}}\n",
        indent(code, "\t\t")
    ));
    (text, "main.go".into())
}

fn go_compile(dir: &Path, file: &str, code: &str) -> Command {
    let mut c = Command::new("go");
    c.current_dir(dir)
        .args(["vet", file])
        .env("GOOS", go_os(code))
        .env("GO111MODULE", "off")
        .env("GOPATH", GOPATH)
        .env("GOCACHE", root().join("target/guide-snippets/go-cache"))
        .env("GOFLAGS", "");
    c
}

fn java_program(i: usize, code: &str) -> (String, String) {
    let class = format!("Snippet{i}");
    let text = format!(
        "import java.io.*;\nimport java.net.*;\nimport java.nio.channels.*;\n\n\
         class {class} {{\n    static ServerSocketChannel ch;\n\n    static void snippet() throws Exception {{\n{}    }}\n}}\n",
        indent(code, "        ")
    );
    (text, format!("{class}.java"))
}

fn java_compile(dir: &Path, file: &str, _: &str) -> Command {
    let mut c = Command::new("javac");
    c.current_dir(dir).args(["-d", "classes", file]);
    c
}

fn csharp_program(i: usize, code: &str) -> (String, String) {
    let text = format!(
        "using System;\nusing System.Net;\nusing System.Net.Sockets;\n\n\
         class Snippet{i} {{\n    static Socket s;\n    static TcpListener listener;\n\n    static void Snippet() {{\n{}    }}\n\n    static void Main() {{ }}\n}}\n",
        indent(code, "        ")
    );
    (text, format!("Snippet{i}.cs"))
}

fn csharp_compile(dir: &Path, file: &str, _: &str) -> Command {
    let mut c = Command::new("mcs");
    c.current_dir(dir)
        .args(["-nologo", "-warn:0", "-out:snippet.exe", file]);
    c
}

/// Compiles `code` as snippet `i` of `lang` in a directory of its own; the
/// compiler's complaint when it fails.
fn compile(lang: &Lang, i: usize, code: &str) -> Result<std::result::Result<(), String>> {
    let dir = root()
        .join("target/guide-snippets")
        .join(format!("{}-{i}", lang.name));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let (text, file) = (lang.program)(i, code);
    std::fs::write(dir.join(&file), text).map_err(|e| e.to_string())?;
    let mut cmd = (lang.compile)(&dir, &file, code);
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if out.status.success() {
        return Ok(Ok(()));
    }
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(Err(format!(
        "{} ({})",
        said.trim_end(),
        dir.join(file).display()
    )))
}

/// The compilers, installed from Debian when missing (as root).
fn ensure_compilers() -> Result {
    for (program, package) in [
        ("gcc", "gcc"),
        ("x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64-win32"),
        ("go", "golang-go"),
        ("javac", "default-jdk-headless"),
        ("mcs", "mono-mcs"),
    ] {
        ensure_apt(program, package)?;
    }
    if !Path::new(GOPATH).join("src/golang.org/x/sys/unix").is_dir() {
        // Not a program: ensure_apt's "is it there" is this directory.
        if !crate::is_root() {
            return Err(format!(
                "{GOPATH}/src/golang.org/x/sys is missing: install the golang-golang-x-sys-dev package"
            ));
        }
        crate::run("apt-get", &["update", "-qq"], &[])?;
        crate::run(
            "apt-get",
            &["install", "-y", "-qq", "golang-golang-x-sys-dev"],
            &[("DEBIAN_FRONTEND", "noninteractive")],
        )?;
    }
    Ok(())
}

/// Compiles every C, Go, Java and C# snippet of the guides; says how many,
/// and which could only be parsed or not be checked here.
pub fn check() -> Result {
    println!("\n== the guides' C, Go, Java and C# snippets, compiled");
    ensure_compilers()?;
    for lang in &LANGS {
        if compile(lang, 9999, lang.broken)?.is_ok() {
            return Err(format!(
                "the {} check let a broken snippet through:\n{}",
                lang.name, lang.broken
            ));
        }
        let list = snippets_in(lang.name)?;
        let mut unchecked = Vec::new();
        for (i, (file, code)) in list.iter().enumerate() {
            if let Err(said) = compile(lang, i, code)? {
                let missing: Vec<&str> = DOTNET_ONLY
                    .iter()
                    .copied()
                    .filter(|m| code.contains(m) && said.contains(m))
                    .collect();
                if lang.name == "csharp" && !missing.is_empty() && only_missing(&said, &missing) {
                    unchecked.push(format!(
                        "{file} ({}: .NET 5+, not in Mono)",
                        missing.join(", ")
                    ));
                    continue;
                }
                return Err(format!(
                    "the {} snippet of {file} does not compile:\n{said}",
                    lang.name
                ));
            }
        }
        let compiled = list.len() - unchecked.len();
        println!(
            "{compiled} of {} {} snippets compile",
            list.len(),
            lang.name
        );
        for u in &unchecked {
            println!("  not checkable under Mono: {u}");
        }
    }
    Ok(())
}

/// Whether every error `mcs` reports is a missing member of `missing`
/// (CS1061 for an instance's, CS0117 for a type's).
fn only_missing(said: &str, missing: &[&str]) -> bool {
    said.lines().filter(|l| l.contains("error CS")).all(|l| {
        (l.contains("CS1061") || l.contains("CS0117")) && missing.iter().any(|m| l.contains(m))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_reads_every_name_a_snippet_declares() {
        assert_eq!(
            go_declared("ln, err := net.Listen(\"tcp\", \":8080\")"),
            ["ln", "err"]
        );
        assert_eq!(go_declared("_, err := f()\nerr := g()"), ["err"]);
        assert_eq!(go_declared("x = 1\nif a == b {"), Vec::<String>::new());
    }

    #[test]
    fn each_snippet_goes_to_its_system() {
        assert_eq!(go_os("windows.SetsockoptInt(h, 1, 2, 3)"), "windows");
        assert_eq!(
            go_os("syscall.SetsockoptInt(syscall.Handle(fd), syscall.SOL_SOCKET, 4, 1)"),
            "windows"
        );
        assert_eq!(go_os("unix.SO_REUSEPORT_LB"), "freebsd");
        assert_eq!(go_os("net.Listen(\"tcp\", \":80\")"), "linux");
        assert!(winsock("BOOL on = TRUE;"));
        assert!(!winsock("int one = 1;"));
    }

    #[test]
    fn only_a_dotnet_member_mono_lacks_is_let_off() {
        let missing = "x.cs(3,5): error CS1061: Type `System.Net.Sockets.Socket' does not contain a definition for `SetRawSocketOption'";
        assert!(only_missing(missing, &["SetRawSocketOption"]));
        let os = "x.cs(3,21): error CS0117: `System.OperatingSystem' does not contain a definition for `IsFreeBSD'";
        assert!(only_missing(
            &format!("{missing}\n{os}"),
            &["SetRawSocketOption", "IsFreeBSD"]
        ));
        assert!(!only_missing(os, &["SetRawSocketOption"]));
        let other = format!("{missing}\nx.cs(4,1): error CS0103: The name `y' does not exist");
        assert!(!only_missing(&other, &["SetRawSocketOption"]));
    }
}
