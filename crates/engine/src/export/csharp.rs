//! C#: `System.Net.Sockets.Socket` with `SetSocketOption`; one file, built
//! with `mcs` (Mono) or in a `dotnet new console` project.

use std::fmt::Write;

use super::{c_str, header, os_key, Call, ExportError, Lang, Plan, Port, Prediction};
use crate::scenario::SockOpt;

#[cfg(feature = "runtimes")]
const RUNTIME: &str = include_str!("runtime/csharp.cs");
/// Fetched by the site from `static/export/csharp.cs` instead (`Lang::runtime_file`).
#[cfg(not(feature = "runtimes"))]
const RUNTIME: &str = "";

const USINGS: &str = "\
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
";

fn port(p: &Port) -> String {
    match p {
        Port::Num(n) => n.to_string(),
        Port::Of(name) => format!("r.PortOf({})", c_str(name)),
    }
}

fn not_expressible(why: &str) -> String {
    format!("r.NotExpressible({})", c_str(why))
}

fn call(c: &Call) -> String {
    match c {
        Call::Socket { name, v6, udp } => format!(
            "r.NewSocket({}, AddressFamily.{}{})",
            c_str(name),
            if *v6 {
                "InterNetworkV6"
            } else {
                "InterNetwork"
            },
            if *udp { ", true" } else { "" }
        ),
        Call::Set { name, opt, on } => {
            let (level, option) = match opt {
                SockOpt::SoReuseAddr => ("Socket", "ReuseAddress"),
                SockOpt::SoExclusiveAddrUse => ("Socket", "ExclusiveAddressUse"),
                SockOpt::Ipv6V6Only => ("IPv6", "IPv6Only"),
                SockOpt::SoReusePort | SockOpt::SoReusePortLb | SockOpt::IpMulticastAll => {
                    return not_expressible(&format!("SocketOptionName has no {}", opt.name()))
                }
            };
            format!(
                "r.Set({}, SocketOptionLevel.{level}, SocketOptionName.{option}, {on})",
                c_str(name)
            )
        }
        Call::Bind {
            name,
            host,
            port: p,
        } => {
            format!("r.Bind({}, {}, {})", c_str(name), c_str(host), port(p))
        }
        Call::Listen { name } => format!("r.Listen({})", c_str(name)),
        Call::Connect {
            name,
            host,
            port: p,
        } => {
            format!("r.Connect({}, {}, {})", c_str(name), c_str(host), port(p))
        }
        Call::Accept { name, new } => format!("r.Accept({}, {})", c_str(name), c_str(new)),
        Call::Close { name } => format!("r.Close({})", c_str(name)),
        Call::Client {
            host,
            port: p,
            count,
        } => format!("r.Client({}, {}, {count})", c_str(host), port(p)),
        Call::Wait { ms } => format!("r.Wait(TimeSpan.FromMilliseconds({ms}))"),
        Call::User { name } if name == "root" => "null".to_string(),
        Call::User { .. } => not_expressible("a .NET program cannot act as another user"),
        Call::Datagram {
            host,
            port: p,
            count,
        } => format!("r.Datagram({}, {}, {count})", c_str(host), port(p)),
        Call::Join { name, group, .. } => format!("r.Join({}, {})", c_str(name), c_str(group)),
    }
}

fn prediction(p: &Prediction) -> String {
    format!(
        "new Prediction({}, {}, {})",
        c_str(&p.result),
        p.routes
            .as_deref()
            .map_or_else(|| "null".to_string(), c_str),
        c_str(&p.candidates)
    )
}

pub(crate) fn render(plan: &Plan) -> Result<String, ExportError> {
    let mut out = header(
        plan,
        "//",
        Lang::CSharp,
        "C# 7+: mcs Check.cs && mono Check.exe, or a dotnet console project.",
    );
    out.push('\n');
    out.push_str(USINGS);
    out.push_str("\npublic static class BindlabCheck\n{\n");
    let _ = writeln!(out, "    const string TITLE = {};", c_str(&plan.title));
    let ifaces: Vec<String> = plan.ifaces.iter().map(|a| c_str(a)).collect();
    let _ = writeln!(
        out,
        "    static readonly string[] IFACES = {{ {} }};\n",
        ifaces.join(", ")
    );
    out.push_str("    // The scenario's steps, each the real call.\n    static void RunScenario(Run r)\n    {\n");
    for step in &plan.steps {
        let _ = writeln!(
            out,
            "        r.Step({}, {}, () => {});",
            step.line,
            c_str(&step.text),
            call(&step.call)
        );
    }
    out.push_str("    }\n\n    static readonly string[] STEP_TEXTS = {\n");
    for step in &plan.steps {
        let _ = writeln!(out, "        {},", c_str(&step.text));
    }
    out.push_str("    };\n\n    // bindlab's prediction for one step: the result, which listener took the\n    // connections (\"A=3 B=1\"; null: not checked), the ones that may take them.\n    class Prediction\n    {\n        public readonly string Result, Routes, Candidates;\n        public Prediction(string result, string routes, string candidates) { Result = result; Routes = routes; Candidates = candidates; }\n    }\n\n");
    for (os, preds) in &plan.predictions {
        let _ = writeln!(
            out,
            "    static readonly Prediction[] PREDICTED_{} = {{",
            os_key(*os).to_ascii_uppercase()
        );
        for p in preds {
            let _ = writeln!(out, "        {},", prediction(p));
        }
        out.push_str("    };\n");
    }
    out.push('\n');
    out.push_str(RUNTIME);
    Ok(out)
}
