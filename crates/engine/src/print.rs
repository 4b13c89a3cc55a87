//! [`Scenario`] → text. `parse(print(s))` gives `s` back (line numbers aside).

use std::fmt::Write;
use std::net::IpAddr;

use crate::scenario::{format_duration, Scenario, StepKind, DEFAULT_SEED};

fn addr(a: &IpAddr) -> String {
    a.to_string()
}

/// One step as a line of text, without its expectation.
pub fn step_text(kind: &StepKind) -> String {
    match kind {
        StepKind::Socket { name, proto } => format!("socket {name} {}", proto.keyword()),
        StepKind::Set { name, opt, on } => {
            if *on {
                format!("set {name} {}", opt.name())
            } else {
                format!("set {name} {} off", opt.name())
            }
        }
        StepKind::Bind { name, ep } => format!("bind {name} {ep}"),
        StepKind::Listen { name } => format!("listen {name}"),
        StepKind::Connect { name, ep } => format!("connect {name} {ep}"),
        StepKind::Accept { name, new } => format!("accept {name} {new}"),
        StepKind::Close { name } => format!("close {name}"),
        StepKind::Client { ep, count } => {
            if *count == 1 {
                format!("client {ep}")
            } else {
                format!("client {ep} x{count}")
            }
        }
        StepKind::Wait { ms } => format!("wait {}", format_duration(*ms)),
        StepKind::User { name } => format!("user {name}"),
        StepKind::Datagram { ep, count } => {
            if *count == 1 {
                format!("datagram {ep}")
            } else {
                format!("datagram {ep} x{count}")
            }
        }
        StepKind::Join { name, group } => format!("join {name} {group}"),
    }
}

/// The scenario in its canonical text form.
pub fn print(s: &Scenario) -> String {
    let mut out = String::new();
    if let Some(t) = &s.title {
        // A `#` would start a comment; the title keeps what precedes it.
        let _ = writeln!(out, "title {}", t.split('#').next().unwrap_or("").trim());
    }
    let _ = writeln!(out, "os {}", s.os.key());
    if !s.ifaces.is_empty() {
        let list: Vec<String> = s.ifaces.iter().map(addr).collect();
        let _ = writeln!(out, "iface {}", list.join(" "));
    }
    if s.seed != DEFAULT_SEED {
        let _ = writeln!(out, "seed {}", s.seed);
    }
    out.push('\n');
    for step in &s.steps {
        out.push_str(&step_text(&step.kind));
        if let Some(e) = &step.expect {
            let _ = write!(out, "  => {e}");
        }
        out.push('\n');
    }
    out
}
