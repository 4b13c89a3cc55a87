//! A scenario as a Python program that runs it on the reader's own machine
//! and checks bindlab's prediction (`bindlab export --python`).
//!
//! The program is the scenario (as a comment), its steps as real calls, and
//! bindlab's prediction for each OS, followed by `runtime.py` — one readable
//! file of standard-library Python that every export shares.

use std::fmt::Write;

use crate::os::Os;
use crate::print::{print, step_text};
use crate::scenario::{EndpointSpec, PortSpec, Scenario, StepKind};
use crate::{run, StepReport};

#[cfg(feature = "runtimes")]
const RUNTIME: &str = include_str!("runtime.py");
/// The site's wasm leaves the runtime out: the site fetches
/// `static/export/python.py` (a copy of `runtime.py` made by `cargo xtask
/// dist`) and appends it ([`RUNTIME_INCLUDED`], [`RUNTIME_FILE`]).
#[cfg(not(feature = "runtimes"))]
const RUNTIME: &str = "";

/// Whether [`python`] appends `runtime.py` itself (the `runtimes` feature,
/// on for the CLI); without it the program ends before the runtime.
pub const RUNTIME_INCLUDED: bool = cfg!(feature = "runtimes");
/// The runtime's file in the site, under `static/export/`.
pub const RUNTIME_FILE: &str = "python.py";

/// A Python string literal.
fn py_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn port_expr(ep: &EndpointSpec) -> String {
    match &ep.port {
        PortSpec::Num(n) => n.to_string(),
        PortSpec::Of(name) => format!("port_of({})", py_str(name)),
    }
}

fn host(ep: &EndpointSpec) -> String {
    py_str(&ep.addr.to_string())
}

/// The real call a step stands for.
fn call(kind: &StepKind) -> String {
    match kind {
        StepKind::Socket { name, proto } => {
            let fam = if proto.is_v6() {
                "socket.AF_INET6"
            } else {
                "socket.AF_INET"
            };
            if proto.is_udp() {
                format!("do_socket({}, {fam}, socket.SOCK_DGRAM)", py_str(name))
            } else {
                format!("do_socket({}, {fam})", py_str(name))
            }
        }
        StepKind::Set { name, opt, on } => format!(
            "do_set({}, {}, {})",
            py_str(name),
            py_str(opt.name()),
            u8::from(*on)
        ),
        StepKind::Bind { name, ep } => {
            format!("do_bind({}, {}, {})", py_str(name), host(ep), port_expr(ep))
        }
        StepKind::Listen { name } => format!("do_listen({})", py_str(name)),
        StepKind::Connect { name, ep } => format!(
            "do_connect({}, {}, {})",
            py_str(name),
            host(ep),
            port_expr(ep)
        ),
        StepKind::Accept { name, new } => format!("do_accept({}, {})", py_str(name), py_str(new)),
        StepKind::Close { name } => format!("do_close({})", py_str(name)),
        StepKind::Client { ep, count } => {
            format!("do_client({}, {}, {count})", host(ep), port_expr(ep))
        }
        StepKind::Wait { ms } => format!("do_wait({})", seconds(*ms)),
        StepKind::User { name } => format!("do_user({})", py_str(name)),
        StepKind::Datagram { ep, count } => {
            format!("do_datagram({}, {}, {count})", host(ep), port_expr(ep))
        }
        StepKind::Join { name, group } => {
            format!("do_join({}, {})", py_str(name), py_str(&group.to_string()))
        }
    }
}

/// `(result, routes or None, candidates or None)` for one step.
fn prediction(rep: &StepReport) -> String {
    // A `datagram` step's receivers are compared as a `client`'s listeners.
    let taken = rep.accepted_by.as_ref().or(rep.received_by.as_ref());
    let routes = match (taken, rep.undetermined) {
        (Some(_), Some(_)) => "None".to_string(),
        (Some(m), None) if rep.is_ok() => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {v}", py_str(k)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        _ => "None".to_string(),
    };
    let cands = match &rep.candidates {
        Some(c) => format!(
            "[{}]",
            c.iter().map(|x| py_str(x)).collect::<Vec<_>>().join(", ")
        ),
        None => "None".to_string(),
    };
    format!("({}, {routes}, {cands})", py_str(rep.result_name()))
}

/// The whole program (without the `runtimes` feature: all but its runtime).
pub fn python(s: &Scenario) -> String {
    let mut out = String::from("#!/usr/bin/env python3\n");
    out.push_str(
        "# Run this scenario on your own machine and compare with bindlab's prediction.\n",
    );
    out.push_str("# Made by `bindlab export --python`. Python 3.9+, standard library only.\n#\n");
    for line in print(s).lines() {
        let _ = writeln!(out, "# | {line}");
    }
    out.push_str("\nimport socket\n\n");
    let _ = writeln!(
        out,
        "TITLE = {}",
        py_str(s.title.as_deref().unwrap_or("bindlab scenario"))
    );
    let ifaces: Vec<String> = s.ifaces.iter().map(|a| py_str(&a.to_string())).collect();
    let _ = writeln!(out, "IFACES = [{}]\n", ifaces.join(", "));
    out.push_str("# (line, step, the real call)\nSTEPS = [\n");
    for step in &s.steps {
        let _ = writeln!(
            out,
            "    ({}, {}, lambda: {}),",
            step.line,
            py_str(&step_text(&step.kind)),
            call(&step.kind)
        );
    }
    out.push_str("]\n\n# bindlab's prediction per OS and step: (result, which listener took the connections, the possible ones)\nPREDICTIONS = {\n");
    let py_os = |os: Os| match os {
        Os::Linux => "linux",
        Os::FreeBsd => "freebsd",
        Os::MacOs => "macos",
        Os::Windows => "windows",
    };
    for os in Os::ALL {
        let rep = run(s, os);
        let _ = writeln!(out, "    {}: [", py_str(py_os(os)));
        for st in &rep.steps {
            let _ = writeln!(out, "        {},", prediction(st));
        }
        out.push_str("    ],\n");
    }
    out.push_str("}\n\n");
    out.push_str(RUNTIME);
    out
}

/// Milliseconds as Python seconds (`70`, `1.5`), in integers: formatting an
/// f64 would pull float printing (~20 KB) into the site's wasm.
fn seconds(ms: u64) -> String {
    match ms % 1000 {
        0 => (ms / 1000).to_string(),
        rest => {
            let frac = format!("{rest:03}");
            format!("{}.{}", ms / 1000, frac.trim_end_matches('0'))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_program_carries_text_calls_and_predictions() {
        let s = crate::parse("title It's \"quoted\"\nos linux\niface 192.168.0.1\nsocket A tcp\nset A SO_REUSEADDR\nbind A 0.0.0.0:21\nlisten A\nsocket B tcp\nset B SO_REUSEADDR\nbind B 192.168.0.1:21\nclient 192.168.0.1:21 x3\n").unwrap();
        let py = python(&s);
        assert!(py.contains("# | title It's \"quoted\""));
        assert!(py.contains("TITLE = \"It's \\\"quoted\\\"\""));
        assert!(py.contains(
            "(10, \"bind B 192.168.0.1:21\", lambda: do_bind(\"B\", \"192.168.0.1\", 21)),"
        ));
        // Linux predicts the listening exception; FreeBSD does not.
        let linux = &py[py.find("\"linux\": [").unwrap()..py.find("\"freebsd\": [").unwrap()];
        assert!(linux.contains("(\"EADDRINUSE\", None, None)"));
        assert!(linux.contains("(\"ok\", {\"A\": 3}, None)"));
        let freebsd = &py[py.find("\"freebsd\": [").unwrap()..py.find("\"macos\": [").unwrap()];
        assert!(!freebsd.contains("EADDRINUSE"));
        assert!(py.contains("def main():"));
    }

    #[test]
    fn strings_are_escaped_for_python() {
        assert_eq!(py_str("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\x01\"");
    }

    #[test]
    fn milliseconds_read_as_python_seconds() {
        assert_eq!(seconds(70_000), "70");
        assert_eq!(seconds(1_500), "1.5");
        assert_eq!(seconds(5), "0.005");
        assert_eq!(seconds(0), "0");
    }
}
