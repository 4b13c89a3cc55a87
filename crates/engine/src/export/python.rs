//! Python: the standard library's `socket`, as in the articles' examples.

use std::fmt::Write;

use super::{header, os_key, seconds, Call, ExportError, Lang, Plan, Port};

#[cfg(feature = "runtimes")]
const RUNTIME: &str = include_str!("runtime/python.py");
/// The site's wasm leaves the runtime out and fetches `static/export/python.py`.
#[cfg(not(feature = "runtimes"))]
const RUNTIME: &str = "";

/// A Python string literal.
pub(crate) fn py_str(s: &str) -> String {
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

fn port(p: &Port) -> String {
    match p {
        Port::Num(n) => n.to_string(),
        Port::Of(name) => format!("port_of({})", py_str(name)),
    }
}

fn call(c: &Call) -> String {
    match c {
        Call::Socket { name, v6, udp } => {
            let fam = if *v6 {
                "socket.AF_INET6"
            } else {
                "socket.AF_INET"
            };
            let ty = if *udp {
                "socket.SOCK_DGRAM"
            } else {
                "socket.SOCK_STREAM"
            };
            format!("do_socket({}, {fam}, {ty})", py_str(name))
        }
        Call::Set { name, opt, on } => format!(
            "do_set({}, {}, {})",
            py_str(name),
            py_str(opt.name()),
            u8::from(*on)
        ),
        Call::Bind {
            name,
            host,
            port: p,
        } => {
            format!("do_bind({}, {}, {})", py_str(name), py_str(host), port(p))
        }
        Call::Listen { name } => format!("do_listen({})", py_str(name)),
        Call::Connect {
            name,
            host,
            port: p,
        } => {
            format!(
                "do_connect({}, {}, {})",
                py_str(name),
                py_str(host),
                port(p)
            )
        }
        Call::Accept { name, new } => format!("do_accept({}, {})", py_str(name), py_str(new)),
        Call::Close { name } => format!("do_close({})", py_str(name)),
        Call::Client {
            host,
            port: p,
            count,
        } => format!("do_client({}, {}, {count})", py_str(host), port(p)),
        Call::Wait { ms } => format!("do_wait({})", seconds(*ms)),
        Call::User { name } => format!("do_user({})", py_str(name)),
        Call::Datagram {
            host,
            port: p,
            count,
        } => format!("do_datagram({}, {}, {count})", py_str(host), port(p)),
        Call::Join { name, group, .. } => {
            format!("do_join({}, {})", py_str(name), py_str(group))
        }
    }
}

/// `A=3 B=1` as a Python dict.
fn routes(r: &Option<String>) -> String {
    match r {
        None => "None".to_string(),
        Some(r) => {
            let items: Vec<String> = r
                .split_whitespace()
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| format!("{}: {v}", py_str(k)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

fn candidates(c: &str) -> String {
    if c.is_empty() {
        return "None".to_string();
    }
    let items: Vec<String> = c.split_whitespace().map(py_str).collect();
    format!("[{}]", items.join(", "))
}

pub(crate) fn render(plan: &Plan) -> Result<String, ExportError> {
    let mut out = String::from("#!/usr/bin/env python3\n");
    out.push_str(&header(
        plan,
        "#",
        Lang::Python,
        "Python 3.9+, standard library only.",
    ));
    out.push_str("\nimport socket\n\n");
    let _ = writeln!(out, "TITLE = {}", py_str(&plan.title));
    let ifaces: Vec<String> = plan.ifaces.iter().map(|a| py_str(a)).collect();
    let _ = writeln!(out, "IFACES = [{}]\n", ifaces.join(", "));
    out.push_str("# (line, step, the real call)\nSTEPS = [\n");
    for step in &plan.steps {
        let _ = writeln!(
            out,
            "    ({}, {}, lambda: {}),",
            step.line,
            py_str(&step.text),
            call(&step.call)
        );
    }
    out.push_str("]\n\n# bindlab's prediction per OS and step: (result, which listener took the connections, the possible ones)\nPREDICTIONS = {\n");
    for (os, preds) in &plan.predictions {
        let _ = writeln!(out, "    {}: [", py_str(os_key(*os)));
        for p in preds {
            let _ = writeln!(
                out,
                "        ({}, {}, {}),",
                py_str(&p.result),
                routes(&p.routes),
                candidates(&p.candidates)
            );
        }
        out.push_str("    ],\n");
    }
    out.push_str("}\n\n");
    out.push_str(RUNTIME);
    Ok(out)
}
