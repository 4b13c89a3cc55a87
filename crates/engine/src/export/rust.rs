//! Rust: socket2, the crate std's networking is built on (std alone cannot
//! set an option before bind), and libc for the user switch.

use std::fmt::Write;

use super::{c_str, header, os_key, Call, ExportError, Lang, Plan, Port, Prediction};
use crate::os::Os;
use crate::scenario::SockOpt;

#[cfg(feature = "runtimes")]
const RUNTIME: &str = include_str!("runtime/rust.rs");
/// Fetched by the site from `static/export/rust.rs` instead (`Lang::runtime_file`).
#[cfg(not(feature = "runtimes"))]
const RUNTIME: &str = "";

const PRELUDE: &str = "\
//
// Cargo.toml of a project whose src/main.rs is this file (Linux, macOS, FreeBSD):
//   [dependencies]
//   socket2 = { version = \"0.5\", features = [\"all\"] }
//   libc = \"0.2\"

// The helpers at the end serve every scenario; this one may not use them all.
#![allow(dead_code)]

use std::collections::{BTreeMap, VecDeque};
use std::env;
use std::io::{self, IsTerminal, Write};
use std::net::{IpAddr, SocketAddr};
use std::process::Command;
use std::time::{Duration, Instant};

use socket2::{Domain, SockAddr, Socket, Type};
";

fn port(p: &Port) -> String {
    match p {
        Port::Num(n) => n.to_string(),
        Port::Of(name) => format!("r.port_of({})", c_str(name)),
    }
}

fn duration(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("Duration::from_secs({})", ms / 1000)
    } else {
        format!("Duration::from_millis({ms})")
    }
}

fn call(c: &Call) -> String {
    match c {
        Call::Socket { name, v6, udp } => format!(
            "r.socket({}, {}, {})",
            c_str(name),
            if *v6 { "Domain::IPV6" } else { "Domain::IPV4" },
            if *udp { "Type::DGRAM" } else { "Type::STREAM" }
        ),
        Call::Set { name, opt, on } => {
            let method = match opt {
                SockOpt::SoReuseAddr => "set_reuse_address",
                SockOpt::SoReusePort => "set_reuse_port",
                SockOpt::Ipv6V6Only => "set_only_v6",
                SockOpt::SoReusePortLb | SockOpt::SoExclusiveAddrUse | SockOpt::IpMulticastAll => {
                    return format!("r.set_other({}, {}, {on})", c_str(name), c_str(opt.name()))
                }
            };
            format!(
                "{{\n        r.sock({})?.{method}({on})?;\n        Ok(None)\n    }}",
                c_str(name)
            )
        }
        Call::Bind {
            name,
            host,
            port: p,
        } => {
            format!("r.bind({}, {}, {})", c_str(name), c_str(host), port(p))
        }
        Call::Listen { name } => format!("r.listen({})", c_str(name)),
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
        Call::Wait { ms } => format!("r.wait({})", duration(*ms)),
        Call::User { name } => format!("r.user({})", c_str(name)),
        Call::Datagram {
            host,
            port: p,
            count,
        } => format!("r.datagram({}, {}, {count})", c_str(host), port(p)),
        Call::Join { name, group, .. } => format!("r.join({}, {})", c_str(name), c_str(group)),
    }
}

fn prediction(p: &Prediction) -> String {
    format!(
        "P({}, {}, {})",
        c_str(&p.result),
        p.routes
            .as_deref()
            .map_or_else(|| "None".to_string(), |r| format!("Some({})", c_str(r))),
        c_str(&p.candidates)
    )
}

pub(crate) fn render(plan: &Plan) -> Result<String, ExportError> {
    let mut out = header(
        plan,
        "//",
        Lang::Rust,
        "Rust 1.70+, with socket2 and libc (below).",
    );
    out.push_str(PRELUDE);
    let _ = writeln!(out, "\nconst TITLE: &str = {};", c_str(&plan.title));
    let ifaces: Vec<String> = plan.ifaces.iter().map(|a| c_str(a)).collect();
    let _ = writeln!(out, "const IFACES: &[&str] = &[{}];\n", ifaces.join(", "));
    out.push_str("/// The scenario's steps, each the real call.\nfn run_scenario(r: &mut Run) {\n");
    for step in &plan.steps {
        let _ = writeln!(
            out,
            "    r.step({}, {}, |r| {});",
            step.line,
            c_str(&step.text),
            call(&step.call)
        );
    }
    out.push_str("}\n\nconst STEP_TEXTS: &[&str] = &[\n");
    for step in &plan.steps {
        let _ = writeln!(out, "    {},", c_str(&step.text));
    }
    out.push_str("];\n\n/// bindlab's prediction for one step: the result, which listener took the\n/// connections (\"A=3 B=1\"; None: not checked), the ones that may take them.\nstruct P(&'static str, Option<&'static str>, &'static str);\n\n");
    for (os, preds) in &plan.predictions {
        if *os == Os::Windows {
            continue; // this program uses Unix calls
        }
        let _ = writeln!(
            out,
            "const PREDICTED_{}: &[P] = &[",
            os_key(*os).to_ascii_uppercase()
        );
        for p in preds {
            let _ = writeln!(out, "    {},", prediction(p));
        }
        out.push_str("];\n");
    }
    out.push('\n');
    out.push_str(RUNTIME);
    Ok(out)
}
