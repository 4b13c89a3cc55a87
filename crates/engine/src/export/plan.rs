//! The plan every language renders, and the helpers the languages share:
//! the generators proper, left out of the site's wasm (the `export`
//! feature; the site loads them as a module of their own, `crates/export-wasm`,
//! when a reader first opens "Show as code").

use std::fmt::Write;

use super::predict::{Prediction, Predictions};
use super::Lang;
use crate::os::Os;
use crate::print::{print, step_text};
use crate::scenario::{EndpointSpec, PortSpec, Scenario, SockOpt, StepKind};

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
    /// The plan, bindlab's predictions computed here (the CLI).
    pub fn new(s: &Scenario) -> Plan {
        Plan::with(s, Predictions::new(s))
    }

    /// The plan with predictions computed elsewhere (the site's main wasm
    /// computes them, `crates/export-wasm` renders the program).
    pub fn with(s: &Scenario, predictions: Predictions) -> Plan {
        let steps = s
            .steps
            .iter()
            .map(|step| PlanStep {
                line: step.line,
                text: step_text(&step.kind),
                call: call(&step.kind),
            })
            .collect();
        Plan {
            linux_differs_with_multicast_all_off: predictions.linux_differs_with_multicast_all_off,
            title: s
                .title
                .clone()
                .unwrap_or_else(|| "bindlab scenario".to_string()),
            text: print(s),
            ifaces: s.ifaces.iter().map(|a| a.to_string()).collect(),
            steps,
            predictions: predictions.per_os,
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
