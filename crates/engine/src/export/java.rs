//! Java: `ServerSocketChannel` for a socket the scenario listens on,
//! `SocketChannel` for the others, `StandardSocketOptions`; one file, run
//! with `java File.java` (Java 17+) or compiled with javac.

use std::fmt::Write;

use super::{c_str, header, os_key, Call, ExportError, Lang, Plan, Port, Prediction};
use crate::scenario::SockOpt;

#[cfg(feature = "runtimes")]
const RUNTIME: &str = include_str!("runtime/java.java");
/// Fetched by the site from `static/export/java.java` instead (`Lang::runtime_file`).
#[cfg(not(feature = "runtimes"))]
const RUNTIME: &str = "";

const IMPORTS: &str = "\
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.MulticastChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
";

/// The public class's name: the file's name when it is a Java identifier
/// (javac wants them equal), else `BindlabCheck`.
pub(crate) fn class_name(file: Option<&str>) -> String {
    let stem = file
        .map(|f| f.rsplit(['/', '\\']).next().unwrap_or(f))
        .map(|f| f.strip_suffix(".java").unwrap_or(f))
        .unwrap_or("");
    let ok = !stem.is_empty()
        && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !stem.starts_with(|c: char| c.is_ascii_digit());
    if ok {
        stem.to_string()
    } else {
        "BindlabCheck".to_string()
    }
}

fn port(p: &Port) -> String {
    match p {
        Port::Num(n) => n.to_string(),
        Port::Of(name) => format!("r.portOf({})", c_str(name)),
    }
}

/// Whether the socket created at step `i` as `name` is ever listened on
/// (before the name is given to another socket).
fn is_server(plan: &Plan, i: usize, name: &str) -> bool {
    for st in &plan.steps[i + 1..] {
        match &st.call {
            Call::Listen { name: n } if n == name => return true,
            Call::Socket { name: n, .. } | Call::Accept { new: n, .. } if n == name => {
                return false
            }
            _ => {}
        }
    }
    false
}

fn not_expressible(why: &str) -> String {
    format!("r.notExpressible({})", c_str(why))
}

fn call(plan: &Plan, i: usize) -> String {
    match &plan.steps[i].call {
        Call::Socket { name, v6, udp } => format!(
            "r.{}({}, StandardProtocolFamily.{})",
            if *udp {
                "datagramSocket"
            } else if is_server(plan, i, name) {
                "serverSocket"
            } else {
                "socket"
            },
            c_str(name),
            if *v6 { "INET6" } else { "INET" }
        ),
        Call::Set { name, opt, on } => match opt {
            SockOpt::SoReuseAddr | SockOpt::SoReusePort => format!(
                "r.option({}, StandardSocketOptions.{}, {on})",
                c_str(name),
                opt.name()
            ),
            SockOpt::Ipv6V6Only => {
                not_expressible("IPV6_V6ONLY is not among StandardSocketOptions")
            }
            SockOpt::IpMulticastAll => not_expressible(
                "IP_MULTICAST_ALL is not among StandardSocketOptions (the JDK turns it off on every DatagramChannel on Linux)",
            ),
            _ => not_expressible(&format!(
                "{} is not among StandardSocketOptions",
                opt.name()
            )),
        },
        Call::Bind { host, .. } | Call::Connect { host, .. } if host == "::ffff:0.0.0.0" => {
            not_expressible(
                "Java reads ::ffff:0.0.0.0 as 0.0.0.0, the IPv6 wildcard on an IPv6 socket",
            )
        }
        // The JDK fills in a zero scope id of a link-local address itself
        // (with the default interface once java.net.NetworkInterface is
        // loaded): bind() then works where a C program's fails (seen).
        Call::Bind { host, .. }
        | Call::Connect { host, .. }
        | Call::Client { host, .. }
        | Call::Datagram { host, .. }
            if link_local(host) =>
        {
            not_expressible("the JDK gives a link-local address without a scope id one of its own")
        }
        // The JDK's NET_Bind refuses an IPv4 socket's bind() to any address
        // `(a & 0x7f0000ff) == 0x7f0000ff` — 127.x.y.255 and 255.x.y.255,
        // the broadcast addresses among them — before the kernel sees it
        // (BindException, "Cannot assign requested address"; seen for
        // 255.255.255.255 and 127.255.255.255, TCP and UDP, and no bind()
        // call under strace). An IPv6 socket's v4-mapped form reaches the
        // kernel.
        Call::Bind { host, .. }
            if host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|a| u32::from(a) & 0x7f00_00ff == 0x7f00_00ff) =>
        {
            not_expressible("the JDK refuses to bind an IPv4 socket to 127.x.y.255 or 255.x.y.255 itself")
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
        Call::Wait { ms } => {
            if ms.is_multiple_of(1000) {
                format!("r.waitFor(Duration.ofSeconds({}))", ms / 1000)
            } else {
                format!("r.waitFor(Duration.ofMillis({ms}))")
            }
        }
        Call::User { name } if name == "root" => "Outcome.OK".to_string(),
        Call::User { .. } => not_expressible("a Java program cannot act as another user"),
        Call::Datagram {
            host,
            port: p,
            count,
        } => format!(
            "r.datagram({}, {}, {count}, {})",
            c_str(host),
            port(p),
            plan.linux_differs_with_multicast_all_off[i]
        ),
        Call::Join { name, group, .. } => format!("r.join({}, {})", c_str(name), c_str(group)),
    }
}

/// Steps `i` and `i + 1` are `bind S …` and `listen S` of a server socket:
/// one `ServerSocketChannel.bind` call.
fn bind_and_listen(plan: &Plan, i: usize) -> Option<String> {
    let Call::Bind {
        name,
        host,
        port: p,
    } = &plan.steps[i].call
    else {
        return None;
    };
    if host == "::ffff:0.0.0.0" || plan.is_udp_at(i, name) {
        return None;
    }
    let Some(Call::Listen { name: l }) = plan.steps.get(i + 1).map(|s| &s.call) else {
        return None;
    };
    (l == name).then(|| {
        format!(
            "r.bindAndListen({}, {}, {})",
            c_str(name),
            c_str(host),
            port(p)
        )
    })
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

pub(crate) fn render(plan: &Plan, class: &str) -> Result<String, ExportError> {
    let mut out = header(
        plan,
        "//",
        Lang::Java,
        "Java 17+: java ThisFile.java (or javac, then java ClassName).",
    );
    out.push('\n');
    out.push_str(IMPORTS);
    let _ = writeln!(out, "\npublic class {class} {{");
    let _ = writeln!(
        out,
        "    static final String TITLE = {};",
        c_str(&plan.title)
    );
    let ifaces: Vec<String> = plan.ifaces.iter().map(|a| c_str(a)).collect();
    let _ = writeln!(
        out,
        "    static final String[] IFACES = {{{}}};\n",
        ifaces.join(", ")
    );
    out.push_str("    /** The scenario's steps, each the real call. */\n    static void runScenario(Run r) {\n");
    let mut i = 0;
    while i < plan.steps.len() {
        let step = &plan.steps[i];
        if let Some(both) = bind_and_listen(plan, i) {
            let next = &plan.steps[i + 1];
            let _ = writeln!(
                out,
                "        // ServerSocketChannel.bind binds and listens in one call:\n        r.group(new int[] {{{}, {}}}, new String[] {{{}, {}}}, () -> {both});",
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
            "        r.step({}, {}, () -> {});",
            step.line,
            c_str(&step.text),
            call(plan, i)
        );
        i += 1;
    }
    out.push_str("    }\n\n    static final String[] STEP_TEXTS = {\n");
    for step in &plan.steps {
        let _ = writeln!(out, "        {},", c_str(&step.text));
    }
    out.push_str("    };\n\n    /** bindlab's prediction for one step: the result, which listener took the connections (\"A=3 B=1\"; null: not checked), the ones that may take them. */\n    record Prediction(String result, String routes, String candidates) {}\n\n");
    for (os, preds) in &plan.predictions {
        let _ = writeln!(
            out,
            "    static final Prediction[] PREDICTED_{} = {{",
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

/// fe80::/10: a link-local unicast address (it names no interface by itself).
fn link_local(host: &str) -> bool {
    host.parse::<std::net::Ipv6Addr>()
        .is_ok_and(|a| a.is_unicast_link_local())
}
