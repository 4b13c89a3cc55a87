//! A scenario as a program in a real language that runs it on the reader's
//! own machine and checks bindlab's prediction (`bindlab export --lang L`).
//!
//! Every language renders the same [`Plan`]: the scenario's text (a comment
//! at the top), its steps as calls with resolved arguments, and bindlab's
//! prediction for every OS, computed once here. A language module only
//! writes that plan in its own syntax and appends its runtime
//! (`runtime/<lang>.*`: readable helpers that make the real calls, record each
//! outcome by its error name and print it beside the prediction). All
//! programs print the same table and the same last line
//! (`N matched, M differ, K skipped`), so one comparator checks them all.

use std::fmt;
use std::fmt::Write;

use crate::os::Os;
use crate::print::{print, step_text};
use crate::scenario::{EndpointSpec, PortSpec, Scenario, SockOpt, Step, StepKind};
use crate::{run, StepReport};

mod c;
mod csharp;
mod go;
mod java;
mod node;
mod python;
mod rust;

/// A language bindlab exports to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    C,
    Python,
    Go,
    Rust,
    Node,
    Java,
    CSharp,
}

impl Lang {
    pub const ALL: [Lang; 7] = [
        Lang::C,
        Lang::Python,
        Lang::Go,
        Lang::Rust,
        Lang::Node,
        Lang::Java,
        Lang::CSharp,
    ];

    /// The name on the command line (`--lang NAME`) and in the site's picker's storage.
    pub fn id(self) -> &'static str {
        match self {
            Lang::C => "c",
            Lang::Python => "python",
            Lang::Go => "go",
            Lang::Rust => "rust",
            Lang::Node => "node",
            Lang::Java => "java",
            Lang::CSharp => "csharp",
        }
    }

    /// The name people call it by.
    pub fn label(self) -> &'static str {
        match self {
            Lang::C => "C",
            Lang::Python => "Python",
            Lang::Go => "Go",
            Lang::Rust => "Rust",
            Lang::Node => "Node.js",
            Lang::Java => "Java",
            Lang::CSharp => "C#",
        }
    }

    pub fn from_id(s: &str) -> Option<Lang> {
        let s = s.to_ascii_lowercase();
        let s = match s.as_str() {
            "py" | "python3" => "python",
            "golang" => "go",
            "rs" => "rust",
            "js" | "javascript" | "nodejs" => "node",
            "cs" | "c#" | "dotnet" => "csharp",
            other => other,
        };
        Lang::ALL.into_iter().find(|l| l.id() == s)
    }

    /// The file a download of the program is called (Java's public class
    /// must match it).
    pub fn file_name(self) -> &'static str {
        match self {
            Lang::C => "bindlab_check.c",
            Lang::Python => "bindlab_check.py",
            Lang::Go => "bindlab_check.go",
            Lang::Rust => "bindlab_check.rs",
            Lang::Node => "bindlab_check.mjs",
            Lang::Java => "BindlabCheck.java",
            Lang::CSharp => "BindlabCheck.cs",
        }
    }

    /// How to build and run the program saved as `file`.
    pub fn how_to_run(self, file: &str) -> String {
        let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
        match self {
            Lang::C => {
                let run = if stem.contains('/') {
                    stem.to_string()
                } else {
                    format!("./{stem}")
                };
                format!("cc -o {stem} {file} && {run}")
            }
            Lang::Python => format!("python3 {file}"),
            Lang::Go => format!("go run {file}"),
            Lang::Rust => format!(
                "put it in a cargo project's src/main.rs with socket2 = {{ version = \"0.5\", features = [\"all\"] }} and libc = \"0.2\", then cargo run (see the comment at the top of {file})"
            ),
            Lang::Node => format!("node {file}"),
            Lang::Java => format!("java {file}"),
            Lang::CSharp => {
                format!("mcs {file} && mono {stem}.exe (or a `dotnet new console` project)")
            }
        }
    }
}

impl Lang {
    /// What the program needs, and what the language's API cannot say (the
    /// program stops at such a step and says so): the site shows it beside
    /// the code, the README lists it.
    pub fn limits(self) -> &'static str {
        match self {
            Lang::C => "BSD sockets on Linux, macOS and FreeBSD; every step is expressible, UDP included (sendto/recv, IP_ADD_MEMBERSHIP, IP_MULTICAST_ALL). Other users need root (the program switches its effective uid).",
            Lang::Python => "The standard library's socket module, on Linux, macOS, FreeBSD and Windows; every step is expressible, UDP included. Other users need root on Linux.",
            Lang::Go => "Linux. A server socket made in one go uses net.ListenConfig with Control (Listen for TCP, ListenPacket for UDP; Go turns SO_REUSEADDR on for listeners, Control sets the scenario's value); peers use net.Dialer; steps Go's net cannot take one at a time (and joins) use the syscall package.",
            Lang::Rust => "socket2 and libc (Linux, macOS, FreeBSD); every step is expressible, UDP included (send_to, join_multicast_v4/v6, set_multicast_all_v4). std::net alone could not set an option before bind.",
            Lang::Node => "net creates, binds and listens (or connects) in one call, and libuv turns SO_REUSEADDR on for every TCP socket it binds; UDP is dgram (createSocket, bind, addMembership). Node 20 has no SO_REUSEPORT and no IP_MULTICAST_ALL, a dgram socket cannot connect twice, and a process cannot act as another user. Such steps print \"not expressible in Node\".",
            Lang::Java => "A ServerSocketChannel binds and listens in one call and cannot bind alone; UDP is DatagramChannel (MulticastChannel.join). IPV6_V6ONLY and IP_MULTICAST_ALL are not standard options, and the JDK turns IP_MULTICAST_ALL off on Linux (a datagram step that this changes is not run); Java closes a SocketChannel whose connect failed; a connected DatagramChannel cannot connect again; no other users. Such steps print \"not expressible in Java\".",
            Lang::CSharp => "System.Net.Sockets has no SO_REUSEPORT and no IP_MULTICAST_ALL (on Linux and macOS its ReuseAddress sets SO_REUSEPORT too, which spreads UDP datagrams) and cannot act as another user. Run it in a network namespace on Linux (see the comment in the program).",
        }
    }

    /// The runtime appended to every program: `runtime/<file>`, and in the
    /// site `static/export/<file>`.
    pub fn runtime_file(self) -> &'static str {
        match self {
            Lang::C => "c.c",
            Lang::Python => "python.py",
            Lang::Go => "go.go",
            Lang::Rust => "rust.rs",
            Lang::Node => "node.mjs",
            Lang::Java => "java.java",
            Lang::CSharp => "csharp.cs",
        }
    }

    /// Whether [`export`] appends the runtime itself: only with the
    /// `runtimes` feature (the CLI); the site's wasm leaves every runtime
    /// out and fetches the one it needs from `static/export/`.
    pub fn runtime_included(self) -> bool {
        cfg!(feature = "runtimes")
    }

    /// The MIME type of a download.
    pub fn mime(self) -> &'static str {
        match self {
            Lang::C => "text/x-c",
            Lang::Python => "text/x-python",
            Lang::Go => "text/x-go",
            Lang::Rust => "text/x-rust",
            Lang::Node => "text/javascript",
            Lang::Java => "text/x-java",
            Lang::CSharp => "text/x-csharp",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why a scenario cannot be exported to a language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportError {
    pub lang: Lang,
    pub line: u32,
    pub message: String,
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: {} export: {}",
            self.line, self.lang, self.message
        )
    }
}

impl std::error::Error for ExportError {}

/// Export options.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The file the program will be saved as: Java names its class after it.
    pub file_name: Option<String>,
}

/// A port as a call takes it: a number, or the port a named socket holds now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Port {
    Num(u16),
    Of(String),
}

/// One real call, its arguments resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    Socket {
        name: String,
        v6: bool,
        udp: bool,
    },
    Set {
        name: String,
        opt: SockOpt,
        on: bool,
    },
    Bind {
        name: String,
        host: String,
        port: Port,
    },
    Listen {
        name: String,
    },
    Connect {
        name: String,
        host: String,
        port: Port,
    },
    Accept {
        name: String,
        new: String,
    },
    Close {
        name: String,
    },
    Client {
        host: String,
        port: Port,
        count: u32,
    },
    Wait {
        ms: u64,
    },
    User {
        name: String,
    },
    /// `count` peers each send one UDP datagram to host:port; the program
    /// then counts what each of its UDP sockets received.
    Datagram {
        host: String,
        port: Port,
        count: u32,
    },
    /// IP_ADD_MEMBERSHIP (IPV6_JOIN_GROUP for a v6 group) on loopback.
    Join {
        name: String,
        group: String,
        v6: bool,
    },
}

/// bindlab's prediction for one step on one OS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prediction {
    /// `ok` or the OS's error name.
    pub result: String,
    /// Which listener took how many connections (`A=3 B=1`, by name; empty:
    /// none), when one answer is predicted; `None` when not checked.
    pub routes: Option<String>,
    /// The listeners that may take them when the OS chooses by hash
    /// (`A B`); empty when one answer is predicted.
    pub candidates: String,
}

/// One step of the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanStep {
    pub line: u32,
    /// The step as the scenario writes it.
    pub text: String,
    pub call: Call,
}

/// What every language renders: computed once per scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub title: String,
    /// The scenario's canonical text, for the comment at the top.
    pub text: String,
    pub ifaces: Vec<String>,
    pub steps: Vec<PlanStep>,
    /// Per OS (in `Os::ALL` order): the prediction for each step.
    pub predictions: Vec<(Os, Vec<Prediction>)>,
    /// Per step: whether Linux would answer it differently if every UDP
    /// socket had IP_MULTICAST_ALL off from the start (what the JDK does to
    /// each DatagramChannel), so Java can say so at that step.
    pub linux_differs_with_multicast_all_off: Vec<bool>,
}

impl Plan {
    pub fn new(s: &Scenario) -> Plan {
        let steps = s
            .steps
            .iter()
            .map(|step| PlanStep {
                line: step.line,
                text: step_text(&step.kind),
                call: call(&step.kind),
            })
            .collect();
        let predictions = Os::ALL
            .into_iter()
            .map(|os| (os, run(s, os).steps.iter().map(prediction).collect()))
            .collect();
        let linux_differs_with_multicast_all_off = multicast_all_off_differs(s);
        Plan {
            linux_differs_with_multicast_all_off,
            title: s
                .title
                .clone()
                .unwrap_or_else(|| "bindlab scenario".to_string()),
            text: print(s),
            ifaces: s.ifaces.iter().map(|a| a.to_string()).collect(),
            steps,
            predictions,
        }
    }

    /// Whether any socket of the scenario is UDP.
    pub fn has_udp(&self) -> Option<u32> {
        self.steps.iter().find_map(|st| match st.call {
            Call::Socket { udp: true, .. } => Some(st.line),
            _ => None,
        })
    }

    /// The line of the first `datagram` or `join` step.
    pub fn datagram_step(&self) -> Option<u32> {
        self.steps.iter().find_map(|st| match st.call {
            Call::Datagram { .. } | Call::Join { .. } => Some(st.line),
            _ => None,
        })
    }

    /// Whether the socket called `name` at step `i` is a UDP socket.
    pub fn is_udp_at(&self, i: usize, name: &str) -> bool {
        self.steps[..i.min(self.steps.len())]
            .iter()
            .rev()
            .find_map(|st| match &st.call {
                Call::Socket { name: n, udp, .. } if n == name => Some(*udp),
                Call::Accept { new, .. } if new == name => Some(false),
                _ => None,
            })
            .unwrap_or(false)
    }

    /// Whether `name` is ever put in the listening state.
    pub fn listens(&self, name: &str) -> bool {
        self.steps
            .iter()
            .any(|st| matches!(&st.call, Call::Listen { name: n } if n == name))
    }
}

/// Per step of `s`: whether Linux's prediction changes when every UDP
/// socket turns IP_MULTICAST_ALL off right after it is made.
fn multicast_all_off_differs(s: &Scenario) -> Vec<bool> {
    let has_datagram = s
        .steps
        .iter()
        .any(|st| matches!(st.kind, StepKind::Datagram { .. }));
    if !has_datagram {
        return vec![false; s.steps.len()];
    }
    let mut off = s.clone();
    off.os = Os::Linux;
    off.steps.clear();
    // Where each original step lands in `off`.
    let mut at = Vec::with_capacity(s.steps.len());
    for st in &s.steps {
        at.push(off.steps.len());
        off.steps.push(st.clone());
        if let StepKind::Socket { name, proto } = &st.kind {
            if proto.is_udp() {
                off.steps.push(Step {
                    line: st.line,
                    kind: StepKind::Set {
                        name: name.clone(),
                        opt: SockOpt::IpMulticastAll,
                        on: false,
                    },
                    expect: None,
                });
            }
        }
    }
    let usual = run(s, Os::Linux);
    let changed = run(&off, Os::Linux);
    usual
        .steps
        .iter()
        .zip(&at)
        .map(|(u, &j)| {
            changed
                .steps
                .get(j)
                .is_none_or(|c| prediction(c) != prediction(u))
        })
        .collect()
}

fn port(ep: &EndpointSpec) -> Port {
    match &ep.port {
        PortSpec::Num(n) => Port::Num(*n),
        PortSpec::Of(name) => Port::Of(name.clone()),
    }
}

fn call(kind: &StepKind) -> Call {
    match kind.clone() {
        StepKind::Socket { name, proto } => Call::Socket {
            name,
            v6: proto.is_v6(),
            udp: proto.is_udp(),
        },
        StepKind::Set { name, opt, on } => Call::Set { name, opt, on },
        StepKind::Bind { name, ep } => Call::Bind {
            name,
            host: ep.addr.to_string(),
            port: port(&ep),
        },
        StepKind::Listen { name } => Call::Listen { name },
        StepKind::Connect { name, ep } => Call::Connect {
            name,
            host: ep.addr.to_string(),
            port: port(&ep),
        },
        StepKind::Accept { name, new } => Call::Accept { name, new },
        StepKind::Close { name } => Call::Close { name },
        StepKind::Client { ep, count } => Call::Client {
            host: ep.addr.to_string(),
            port: port(&ep),
            count,
        },
        StepKind::Wait { ms } => Call::Wait { ms },
        StepKind::User { name } => Call::User { name },
        StepKind::Datagram { ep, count } => Call::Datagram {
            host: ep.addr.to_string(),
            port: port(&ep),
            count,
        },
        StepKind::Join { name, group } => Call::Join {
            name,
            v6: group.is_ipv6(),
            group: group.to_string(),
        },
    }
}

fn prediction(rep: &StepReport) -> Prediction {
    // A `datagram` step's receivers are compared as a `client`'s listeners:
    // who received how many (the rest were dropped).
    let taken = rep.accepted_by.as_ref().or(rep.received_by.as_ref());
    let routes = match (taken, rep.undetermined) {
        (Some(m), None) if rep.is_ok() => Some(
            m.iter()
                .filter(|(_, v)| **v > 0)
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    };
    let candidates = rep
        .candidates
        .as_ref()
        .map(|c| c.join(" "))
        .unwrap_or_default();
    Prediction {
        result: rep.result_name().to_string(),
        routes,
        candidates,
    }
}

/// The scenario as a program in `lang`. Without the `runtimes` feature the
/// program ends before its runtime unless [`Lang::runtime_included`].
pub fn export(s: &Scenario, lang: Lang, opts: &Options) -> Result<String, ExportError> {
    let plan = Plan::new(s);
    match lang {
        Lang::C => c::render(&plan),
        Lang::Python => python::render(&plan),
        Lang::Go => go::render(&plan),
        Lang::Rust => rust::render(&plan),
        Lang::Node => node::render(&plan),
        Lang::Java => java::render(&plan, &java::class_name(opts.file_name.as_deref())),
        Lang::CSharp => csharp::render(&plan),
    }
}

/// The Python program (what `bindlab export --python` wrote before `--lang`).
pub fn python(s: &Scenario) -> String {
    python::render(&Plan::new(s)).unwrap_or_else(|e| format!("# {e}\n"))
}

/// A string literal in the C family's syntax (C, Go, Rust, Java, C#, JS):
/// backslash escapes, and `\u` escapes nowhere (non-ASCII is written as it
/// is: every language here reads UTF-8 sources).
pub(crate) fn c_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The scenario's text as line comments (`prefix` is `//` or `#`).
pub(crate) fn header(plan: &Plan, prefix: &str, lang: Lang, needs: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{prefix} Run this scenario on your own machine and compare with bindlab's prediction."
    );
    let _ = writeln!(
        out,
        "{prefix} Made by `bindlab export --lang {}`. {needs}",
        lang.id()
    );
    let _ = writeln!(out, "{prefix}");
    for line in plan.text.lines() {
        let _ = writeln!(out, "{prefix} | {line}");
    }
    // No trailing blanks (gofmt, rustfmt and linters remove them).
    out.replace(" | \n", " |\n")
}

/// Milliseconds as decimal seconds (`70`, `1.5`), in integers: formatting an
/// f64 would pull float printing (~20 KB) into the site's wasm.
pub(crate) fn seconds(ms: u64) -> String {
    match ms % 1000 {
        0 => (ms / 1000).to_string(),
        rest => {
            let frac = format!("{rest:03}");
            format!("{}.{}", ms / 1000, frac.trim_end_matches('0'))
        }
    }
}

/// The OS names the runtimes use for the prediction tables.
pub(crate) fn os_key(os: Os) -> &'static str {
    match os {
        Os::Linux => "linux",
        Os::FreeBsd => "freebsd",
        Os::MacOs => "macos",
        Os::Windows => "windows",
    }
}

#[cfg(test)]
mod tests;
