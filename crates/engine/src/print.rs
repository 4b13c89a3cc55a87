//! [`Scenario`] → text. `parse(print(s))` gives `s` back (line numbers aside).

use std::fmt::Write;
use std::net::IpAddr;

use crate::scenario::{format_duration, Scenario, Step, StepKind, DEFAULT_SEED};

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

/// The scenario in its canonical text form, with the comments of `text`
/// (the text `s` was parsed from) kept: a comment line and a blank line
/// where they were among the steps (runs of blank lines as one), a step's
/// own comment after it; the header lines' come first, after the headers
/// (a comment between `title` and `os` moves below them). `bindlab fmt`
/// prints this: a formatter that dropped a reader's notes lost their work.
pub fn print_keeping_comments(s: &Scenario, text: &str) -> String {
    let head = print(s);
    let (headers, _) = head.split_once("\n\n").unwrap_or((&head, ""));
    let mut out = format!("{headers}\n\n");
    let mut steps = s.steps.iter().peekable();
    let mut blank = true;
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let trimmed = line.trim();
        let comment = line.find('#').map(|at| line[at..].trim_end());
        if trimmed.is_empty() {
            if !blank {
                out.push('\n');
                blank = true;
            }
            continue;
        }
        let step = steps.next_if(|st| st.line == n);
        let text = match step {
            Some(step) => {
                let mut t = step_line(step);
                if let Some(c) = comment {
                    let _ = write!(t, "  {c}");
                }
                t
            }
            // A header line: printed above; only its comment stays here.
            // (A title's `#` is its comment too: the title keeps what
            // precedes it.)
            None if !trimmed.starts_with('#') => match comment {
                Some(c) => c.to_string(),
                None => continue,
            },
            None => trimmed.to_string(),
        };
        out.push_str(&text);
        out.push('\n');
        blank = false;
    }
    // Steps without a line of their own (built in code): at the end.
    for step in steps {
        out.push_str(&step_line(step));
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
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
        out.push_str(&step_line(step));
        out.push('\n');
    }
    out
}

/// A step's line as [`print`] writes it: its text, and its expectation.
fn step_line(step: &Step) -> String {
    let mut t = step_text(&step.kind);
    if let Some(e) = &step.expect {
        let _ = write!(t, "  => {e}");
    }
    t
}
