//! C: BSD sockets (Linux, macOS, FreeBSD), one file, no library.

use std::fmt::Write;

use super::{c_str, header, os_key, seconds, Call, ExportError, Lang, Plan, Port, Prediction};
use crate::os::Os;

#[cfg(feature = "runtimes")]
const RUNTIME: &str = include_str!("runtime/c.c");
/// Fetched by the site from `static/export/c.c` instead (`Lang::runtime_file`).
#[cfg(not(feature = "runtimes"))]
const RUNTIME: &str = "";

const PRELUDE: &str = "\
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Each helper makes the real call and returns 0 or the errno it set
 * (the helpers are at the end of this file). */
int do_socket(const char *name, int family, int type);
int do_set(const char *name, const char *option, int value);
int do_bind(const char *name, const char *host, int port);
int do_listen(const char *name);
int do_connect(const char *name, const char *host, int port);
int do_accept(const char *name, const char *new_name);
int do_close(const char *name);
int do_client(const char *host, int port, int count);
int do_datagram(const char *host, int port, int count);
int do_join(const char *name, const char *group);
int do_wait(double seconds);
int do_user(const char *name);
int port_of(const char *name);
int begin_step(void);
void report(int line, const char *text, int e);
#define STEP(line, text, call) report(line, text, begin_step() ? (call) : -1)

/* bindlab's prediction for one step: the result, which listener took the
 * connections (\"A=3 B=1\", NULL: not checked), the ones that may take them. */
struct prediction {
    const char *result, *routes, *candidates;
};
";

fn port(p: &Port) -> String {
    match p {
        Port::Num(n) => n.to_string(),
        Port::Of(name) => format!("port_of({})", c_str(name)),
    }
}

fn call(c: &Call) -> String {
    match c {
        Call::Socket { name, v6, udp } => format!(
            "do_socket({}, {}, {})",
            c_str(name),
            if *v6 { "AF_INET6" } else { "AF_INET" },
            if *udp { "SOCK_DGRAM" } else { "SOCK_STREAM" }
        ),
        Call::Set { name, opt, on } => format!(
            "do_set({}, {}, {})",
            c_str(name),
            c_str(opt.name()),
            u8::from(*on)
        ),
        Call::Bind {
            name,
            host,
            port: p,
        } => {
            format!("do_bind({}, {}, {})", c_str(name), c_str(host), port(p))
        }
        Call::Listen { name } => format!("do_listen({})", c_str(name)),
        Call::Connect {
            name,
            host,
            port: p,
        } => {
            format!("do_connect({}, {}, {})", c_str(name), c_str(host), port(p))
        }
        Call::Accept { name, new } => format!("do_accept({}, {})", c_str(name), c_str(new)),
        Call::Close { name } => format!("do_close({})", c_str(name)),
        Call::Client {
            host,
            port: p,
            count,
        } => format!("do_client({}, {}, {count})", c_str(host), port(p)),
        Call::Wait { ms } => format!("do_wait({})", seconds(*ms)),
        Call::User { name } => format!("do_user({})", c_str(name)),
        Call::Datagram {
            host,
            port: p,
            count,
        } => format!("do_datagram({}, {}, {count})", c_str(host), port(p)),
        Call::Join { name, group, .. } => {
            format!("do_join({}, {})", c_str(name), c_str(group))
        }
    }
}

fn opt_str(s: Option<&str>) -> String {
    s.map_or_else(|| "NULL".to_string(), c_str)
}

fn prediction(p: &Prediction) -> String {
    format!(
        "{{{}, {}, {}}}",
        c_str(&p.result),
        opt_str(p.routes.as_deref()),
        opt_str(Some(p.candidates.as_str()).filter(|c| !c.is_empty()))
    )
}

pub(crate) fn render(plan: &Plan) -> Result<String, ExportError> {
    let mut out = header(
        plan,
        "//",
        Lang::C,
        "Build: cc -o check check.c && ./check (Linux, macOS, FreeBSD).",
    );
    out.push('\n');
    out.push_str(PRELUDE);
    let _ = writeln!(out, "\nstatic const char *TITLE = {};", c_str(&plan.title));
    let ifaces: Vec<String> = plan.ifaces.iter().map(|a| c_str(a)).collect();
    let mut ifaces = ifaces.join(", ");
    if !ifaces.is_empty() {
        ifaces.push_str(", ");
    }
    let _ = writeln!(out, "static const char *IFACES[] = {{{ifaces}NULL}};\n");
    out.push_str(
        "/* The scenario's steps, each the real call. */\nstatic void run_scenario(void) {\n",
    );
    for step in &plan.steps {
        let _ = writeln!(
            out,
            "    STEP({}, {}, {});",
            step.line,
            c_str(&step.text),
            call(&step.call)
        );
    }
    out.push_str("}\n\nstatic const char *STEP_TEXTS[] = {\n");
    for step in &plan.steps {
        let _ = writeln!(out, "    {},", c_str(&step.text));
    }
    out.push_str("    NULL,\n};\n\n/* bindlab's prediction per OS, one row per step. */\n");
    for (os, preds) in &plan.predictions {
        if *os == Os::Windows {
            continue; // this program does not build on Windows
        }
        let _ = writeln!(
            out,
            "static const struct prediction PREDICTED_{}[] = {{",
            os_key(*os).to_ascii_uppercase()
        );
        for p in preds {
            let _ = writeln!(out, "    {},", prediction(p));
        }
        out.push_str("    {NULL, NULL, NULL},\n};\n");
    }
    out.push('\n');
    out.push_str(RUNTIME);
    Ok(out)
}
