//! Node.js: `net` (server.listen, net.connect). Node makes, binds and
//! listens or connects a socket in one call, and libuv always sets
//! SO_REUSEADDR when it binds: what that cannot express is said at the step.

use std::fmt::Write;

use super::{c_str, header, os_key, Call, ExportError, Lang, Plan, Port, Prediction};
use crate::scenario::SockOpt;

#[cfg(feature = "runtimes")]
const RUNTIME: &str = include_str!("runtime/node.mjs");
/// Fetched by the site from `static/export/node.mjs` instead (`Lang::runtime_file`).
#[cfg(not(feature = "runtimes"))]
const RUNTIME: &str = "";

const IMPORTS: &str = "\
import dgram from \"node:dgram\";
import net from \"node:net\";
import readline from \"node:readline\";
import { spawnSync } from \"node:child_process\";
";

fn port(p: &Port) -> String {
    match p {
        Port::Num(n) => n.to_string(),
        Port::Of(name) => format!("r.portOf({})", c_str(name)),
    }
}

fn not_expressible(why: &str) -> String {
    format!("r.notExpressible({})", c_str(why))
}

fn call(plan: &Plan, i: usize) -> String {
    match &plan.steps[i].call {
        Call::Socket { name, v6, udp } => format!(
            "r.socket({}, {}{})",
            c_str(name),
            if *v6 { 6 } else { 4 },
            if *udp { ", true" } else { "" }
        ),
        Call::Set { name, opt, on } => match opt {
            SockOpt::SoReuseAddr => format!("r.reuseAddr({}, {on})", c_str(name)),
            SockOpt::Ipv6V6Only => format!("r.v6only({}, {on})", c_str(name)),
            SockOpt::SoReusePort if !on => "undefined".to_string(),
            SockOpt::SoReusePort => not_expressible(
                "SO_REUSEPORT (net.Server's reusePort option needs Node 22.12+ and Linux)",
            ),
            _ => not_expressible(&format!("{} has no Node option", opt.name())),
        },
        Call::Bind { name, .. } if !plan.is_udp_at(i, name) => {
            not_expressible("net binds a socket only inside listen() or connect()")
        }
        // dgram binds in a call of its own.
        Call::Bind {
            name,
            host,
            port: p,
        } => format!("r.bind({}, {}, {})", c_str(name), c_str(host), port(p)),
        Call::Listen { name } => format!("r.listen({}, undefined, 0)", c_str(name)),
        Call::Connect {
            name,
            host,
            port: p,
        } => {
            format!("r.connect({}, {}, {})", c_str(name), c_str(host), port(p))
        }
        Call::Accept { name, new } => format!("r.accept({}, {})", c_str(name), c_str(new)),
        Call::Close { name } => format!("r.close({})", c_str(name)),
        Call::Client {
            host,
            port: p,
            count,
        } => format!("r.client({}, {}, {count})", c_str(host), port(p)),
        Call::Wait { ms } => format!("r.wait({ms})"),
        Call::User { name } if name == "root" => "undefined".to_string(),
        Call::User { .. } => not_expressible("a Node program cannot act as another user"),
        Call::Datagram {
            host,
            port: p,
            count,
        } => format!("r.datagram({}, {}, {count})", c_str(host), port(p)),
        Call::Join { name, group, .. } => format!("r.join({}, {})", c_str(name), c_str(group)),
    }
}

/// `bind S …` followed by `listen S` or `connect S …`: one Node call.
fn bind_with_next(plan: &Plan, i: usize) -> Option<String> {
    let Call::Bind {
        name,
        host,
        port: p,
    } = &plan.steps[i].call
    else {
        return None;
    };
    if plan.is_udp_at(i, name) {
        return None; // dgram binds in a call of its own
    }
    match &plan.steps.get(i + 1)?.call {
        Call::Listen { name: l } if l == name => Some(format!(
            "r.listen({}, {}, {})",
            c_str(name),
            c_str(host),
            port(p)
        )),
        Call::Connect {
            name: l,
            host: to,
            port: to_port,
        } if l == name => Some(format!(
            "r.connect({}, {}, {}, {}, {})",
            c_str(name),
            c_str(to),
            port(to_port),
            c_str(host),
            port(p)
        )),
        _ => None,
    }
}

fn prediction(p: &Prediction) -> String {
    format!(
        "{{ result: {}, routes: {}, candidates: {} }}",
        c_str(&p.result),
        p.routes
            .as_deref()
            .map_or_else(|| "null".to_string(), c_str),
        c_str(&p.candidates)
    )
}

pub(crate) fn render(plan: &Plan) -> Result<String, ExportError> {
    let mut out = header(plan, "//", Lang::Node, "Node.js 18+: node this-file.mjs");
    out.push('\n');
    out.push_str(IMPORTS);
    let _ = writeln!(out, "\nconst TITLE = {};", c_str(&plan.title));
    let ifaces: Vec<String> = plan.ifaces.iter().map(|a| c_str(a)).collect();
    let _ = writeln!(out, "const IFACES = [{}];\n", ifaces.join(", "));
    out.push_str(
        "/** The scenario's steps, each the real call. */\nasync function runScenario(r) {\n",
    );
    let mut i = 0;
    while i < plan.steps.len() {
        let step = &plan.steps[i];
        if let Some(both) = bind_with_next(plan, i) {
            let next = &plan.steps[i + 1];
            let _ = writeln!(
                out,
                "  // one call binds and {}:\n  await r.group([{}, {}], [{}, {}], () => {both});",
                if both.starts_with("r.listen") {
                    "listens"
                } else {
                    "connects"
                },
                step.line,
                next.line,
                c_str(&step.text),
                c_str(&next.text)
            );
            i += 2;
            continue;
        }
        let _ = writeln!(
            out,
            "  await r.step({}, {}, () => {});",
            step.line,
            c_str(&step.text),
            call(plan, i)
        );
        i += 1;
    }
    out.push_str("}\n\nconst STEP_TEXTS = [\n");
    for step in &plan.steps {
        let _ = writeln!(out, "  {},", c_str(&step.text));
    }
    out.push_str("];\n\n// bindlab's prediction per OS and step: the result, which listener took the\n// connections (\"A=3 B=1\"; null: not checked), the ones that may take them.\nconst PREDICTED = {\n");
    for (os, preds) in &plan.predictions {
        let _ = writeln!(out, "  {}: [", os_key(*os));
        for p in preds {
            let _ = writeln!(out, "    {},", prediction(p));
        }
        out.push_str("  ],\n");
    }
    out.push_str("};\n\n");
    out.push_str(RUNTIME);
    Ok(out)
}
