//! Go: `net.ListenConfig` with `Control` (syscall.SetsockoptInt) for a
//! server socket made in one go, `net.Dialer` for peers, and the `syscall`
//! package for the steps Go's `net` cannot take one at a time (a bind
//! without listen, an option after bind, …).

use std::fmt::Write;

use super::{c_str, header, os_key, Call, ExportError, Lang, Plan, PlanStep, Port, Prediction};

#[cfg(feature = "runtimes")]
const RUNTIME: &str = include_str!("runtime/go.go");
/// Fetched by the site from `static/export/go.go` instead (`Lang::runtime_file`).
#[cfg(not(feature = "runtimes"))]
const RUNTIME: &str = "";

const PRELUDE: &str = "\
package main

import (
\t\"bufio\"
\t\"context\"
\t\"errors\"
\t\"fmt\"
\t\"net\"
\t\"os\"
\t\"os/exec\"
\t\"runtime\"
\t\"sort\"
\t\"strconv\"
\t\"strings\"
\t\"syscall\"
\t\"time\"
\t\"unicode/utf8\"
)
";

fn port(p: &Port) -> String {
    match p {
        Port::Num(n) => n.to_string(),
        Port::Of(name) => format!("r.portOf({})", c_str(name)),
    }
}

fn duration(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} * time.Second", ms / 1000)
    } else {
        format!("{ms} * time.Millisecond")
    }
}

fn call(c: &Call) -> String {
    match c {
        Call::Socket { name, v6, udp } => format!(
            "r.socket({}, {}, {})",
            c_str(name),
            if *v6 {
                "syscall.AF_INET6"
            } else {
                "syscall.AF_INET"
            },
            if *udp {
                "syscall.SOCK_DGRAM"
            } else {
                "syscall.SOCK_STREAM"
            }
        ),
        Call::Set { name, opt, on } => format!(
            "r.set({}, {}, {})",
            c_str(name),
            c_str(opt.name()),
            u8::from(*on)
        ),
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
        Call::User { name } => format!("r.doUser({})", c_str(name)),
        Call::Datagram {
            host,
            port: p,
            count,
        } => format!("r.datagram({}, {}, {count})", c_str(host), port(p)),
        Call::Join { name, group, .. } => format!("r.join({}, {})", c_str(name), c_str(group)),
    }
}

/// Where steps `i..` are a server socket made in one go (socket, options
/// that every OS accepts, bind, listen, adjacent; for UDP socket, options,
/// bind), how many steps that is: the steps `net.ListenConfig.Listen`
/// (`ListenPacket`) performs in one call.
fn listen_group(plan: &Plan, i: usize) -> Option<usize> {
    let steps: &[PlanStep] = &plan.steps[i..];
    let Call::Socket { name, udp, .. } = &steps.first()?.call else {
        return None;
    };
    let mut n = 1;
    while let Some(Call::Set { name: s, .. }) = steps.get(n).map(|st| &st.call) {
        if s != name {
            return None;
        }
        n += 1;
    }
    let Some(Call::Bind { name: b, host, .. }) = steps.get(n).map(|st| &st.call) else {
        return None;
    };
    // Go's "tcp6" and "udp6" refuse an IPv4-mapped address, and
    // ListenPacket binds the wildcard when given a group: syscall instead.
    let group = host
        .parse::<std::net::IpAddr>()
        .is_ok_and(|a| a.is_multicast());
    if b != name || host.contains('.') && host.contains(':') || *udp && group {
        return None;
    }
    let len = if *udp {
        n + 1
    } else {
        let Some(Call::Listen { name: l }) = steps.get(n + 1).map(|st| &st.call) else {
            return None;
        };
        if l != name {
            return None;
        }
        n + 2
    };
    let options_ok = plan
        .predictions
        .iter()
        .all(|(_, p)| p[i..i + n].iter().all(|p| p.result == "ok"));
    options_ok.then_some(len)
}

/// `None` where `listen_group` did not find a group there.
fn group(plan: &Plan, i: usize, n: usize) -> Option<String> {
    let steps = &plan.steps[i..i + n];
    let lines: Vec<String> = steps.iter().map(|s| s.line.to_string()).collect();
    let texts: Vec<String> = steps.iter().map(|s| c_str(&s.text)).collect();
    let (name, v6, udp) = match &steps[0].call {
        Call::Socket { name, v6, udp } => (name, *v6, *udp),
        _ => return None,
    };
    let opts: Vec<String> = steps
        .iter()
        .filter_map(|s| match &s.call {
            Call::Set { opt, on, .. } => {
                Some(format!(", opt{{{}, {}}}", c_str(opt.name()), u8::from(*on)))
            }
            _ => None,
        })
        .collect();
    let bind = if udp {
        n.checked_sub(1)?
    } else {
        n.checked_sub(2)?
    };
    let (host, p) = match &steps[bind].call {
        Call::Bind { host, port: p, .. } => (host, port(p)),
        _ => return None,
    };
    let network = match (udp, v6) {
        (false, false) => "\"tcp4\"",
        (false, true) => "\"tcp6\"",
        (true, false) => "\"udp4\"",
        (true, true) => "\"udp6\"",
    };
    Some(format!(
        "\t// socket, options, bind{} in one call, the Go way:\n\tr.group([]int{{{}}}, []string{{{}}}, func() []outcome {{\n\t\treturn r.listenConfig({}, {}, {}, {p}{})\n\t}})\n",
        if udp { "" } else { " and listen" },
        lines.join(", "),
        texts.join(", "),
        c_str(name),
        network,
        c_str(host),
        opts.join("")
    ))
}

fn prediction(p: &Prediction) -> String {
    let routes = match &p.routes {
        None => "nil".to_string(),
        Some(r) => format!("ptr({})", c_str(r)),
    };
    format!(
        "{{{}, {routes}, {}}}",
        c_str(&p.result),
        c_str(&p.candidates)
    )
}

pub(crate) fn render(plan: &Plan) -> Result<String, ExportError> {
    let mut out = header(
        plan,
        "//",
        Lang::Go,
        "Go 1.19+, standard library only; Linux.",
    );
    out.push('\n');
    out.push_str(PRELUDE);
    let _ = writeln!(out, "\nconst title = {}\n", c_str(&plan.title));
    let ifaces: Vec<String> = plan.ifaces.iter().map(|a| c_str(a)).collect();
    let _ = writeln!(out, "var ifaces = []string{{{}}}\n", ifaces.join(", "));
    out.push_str("// runScenario performs the scenario's steps, each the real call.\nfunc runScenario(r *run) {\n");
    let mut i = 0;
    while i < plan.steps.len() {
        if let Some((n, g)) = listen_group(plan, i).and_then(|n| group(plan, i, n).map(|g| (n, g)))
        {
            out.push_str(&g);
            i += n;
            continue;
        }
        let step = &plan.steps[i];
        let _ = writeln!(
            out,
            "\tr.step({}, {}, func() outcome {{ return {} }})",
            step.line,
            c_str(&step.text),
            call(&step.call)
        );
        i += 1;
    }
    out.push_str("}\n\nvar stepTexts = []string{\n");
    for step in &plan.steps {
        let _ = writeln!(out, "\t{},", c_str(&step.text));
    }
    out.push_str("}\n\n// P is bindlab's prediction for one step: the result, which listener took\n// the connections (\"A=3 B=1\"; nil: not checked), the ones that may take them.\ntype P struct {\n\tresult     string\n\troutes     *string\n\tcandidates string\n}\n\nfunc ptr(s string) *string { return &s }\n\n");
    for (os, preds) in &plan.predictions {
        let key = os_key(*os);
        let _ = writeln!(
            out,
            "var predicted{}{} = []P{{",
            key[..1].to_ascii_uppercase(),
            &key[1..]
        );
        for p in preds {
            let _ = writeln!(out, "\t{},", prediction(p));
        }
        out.push_str("}\n");
    }
    out.push('\n');
    out.push_str(RUNTIME);
    Ok(out)
}
