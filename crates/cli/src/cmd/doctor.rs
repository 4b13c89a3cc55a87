//! `bindlab doctor [PORT] [--bind ADDR:PORT] [--scenario]`: this host's
//! sockets on a port (read, never changed), written as a scenario, and
//! whether a bind of ADDR:PORT would succeed with each option set, naming the
//! sockets and the rule in the way, and what would make it work.

use std::io::Write;
use std::net::SocketAddr;

use crate::error::{Error, Result};

#[cfg(target_os = "linux")]
pub fn run(
    out: &mut dyn Write,
    port: Option<u16>,
    bind: Option<SocketAddr>,
    print: bool,
) -> Result {
    use bindlab_kernel::doctor::{ask, mismatches, picture, scenario, Question};
    use bindlab_kernel::live::{current_user, host_addresses, read_host, user_name, TcpState};

    let all = read_host().map_err(Error::fatal)?;
    let Some(port) = bind.map(|b| b.port()).or(port) else {
        // No port: the listening sockets, to pick one from.
        writeln!(
            out,
            "Listening TCP sockets on this host (bindlab doctor PORT tells more about one):"
        )?;
        for s in all.iter().filter(|s| s.state == TcpState::Listen) {
            let who = s
                .owner
                .as_ref()
                .map_or("(process not visible)".to_string(), |o| {
                    format!("pid {} ({})", o.pid, o.comm)
                });
            writeln!(
                out,
                "  {:<40} {who}, user {}",
                s.local.to_string(),
                user_name(s.uid)
            )?;
        }
        return Ok(());
    };
    let p = picture(&all, port, &host_addresses());
    let (_, me) = current_user();
    if print {
        if p.unknowns {
            writeln!(out, "# options bindlab could not read are written as not set; see `bindlab doctor {port}`")?;
        }
        out.write_all(scenario(&p, &user_name, false, None).as_bytes())?;
        return Ok(());
    }
    if p.sockets.is_empty() {
        writeln!(out, "No TCP socket on this host uses port {port}.")?;
    } else {
        writeln!(out, "Port {port} on this host:")?;
        for (name, s) in &p.sockets {
            let state = match s.state {
                TcpState::Listen => "LISTEN",
                TcpState::TimeWait => "TIME_WAIT",
                TcpState::Connected(n) => n,
            };
            let addr = if s.state == TcpState::Listen {
                s.local.to_string()
            } else {
                format!("{} ↔ {}", s.local, s.remote)
            };
            let who = match &s.owner {
                Some(o) => format!("pid {} ({}), user {}", o.pid, o.comm, user_name(s.uid)),
                None if s.state == TcpState::TimeWait => "no process: the kernel keeps it".into(),
                None => format!("user {}, process not visible to you", user_name(s.uid)),
            };
            let flag = |v: Option<bool>| v.map_or("unknown", |b| if b { "on" } else { "off" });
            writeln!(
                out,
                "  {name:<20} {state:<11} {addr}  {who}; SO_REUSEADDR {}, SO_REUSEPORT {}",
                flag(s.reuseaddr),
                flag(s.reuseport)
            )?;
        }
        if p.unknowns {
            writeln!(out, "  (an option marked unknown could not be read{}; each answer below is given both ways)",
                if bindlab_kernel::is_root() { ": a TIME_WAIT has no socket left to ask" } else { ": run as root to read other users' sockets" })?;
        }
        let wrong = mismatches(&scenario(&p, &user_name, false, None));
        if !wrong.is_empty() {
            writeln!(
                out,
                "  note: bindlab could not rebuild this state exactly ({}); the answers may be off",
                wrong.join("; ")
            )?;
        }
    }
    let q = Question {
        bind: bind.unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], port))),
        user: me.clone(),
    };
    writeln!(
        out,
        "\nA new socket of {me} binding {} and listening:",
        q.bind
    )?;
    let answers = ask(&p, &user_name, &q);
    for a in &answers {
        for v in &a.verdicts {
            let assumed = match v.unknowns_set {
                None => String::new(),
                Some(false) => " (unknown options not set)".into(),
                Some(true) => " (unknown options set)".into(),
            };
            let (step, o) = if v.bind.result != "ok" {
                ("bind", &v.bind)
            } else {
                ("listen", &v.listen)
            };
            if o.result == "ok" {
                writeln!(out, "  {:<28} works{assumed}", a.label)?;
            } else {
                writeln!(
                    out,
                    "  {:<28} {step} fails with {}{assumed}",
                    a.label, o.result
                )?;
                if let (Some(rule), Some(why)) = (o.rule, &o.why) {
                    writeln!(out, "  {:<28}   [{rule}] {why}", "")?;
                }
            }
        }
    }
    let blockers: Vec<String> = p
        .sockets
        .iter()
        .filter(|(_, s)| s.state != TcpState::TimeWait)
        .filter_map(|(n, s)| {
            s.owner
                .as_ref()
                .map(|o| format!("{n} (pid {}, {})", o.pid, o.comm))
        })
        .collect();
    write!(out, "\nWhat would make it work: ")?;
    match answers.iter().find(|a| a.works()) {
        Some(a) if !a.reuseaddr && !a.reuseport => writeln!(out, "nothing to change: the bind works as it is.")?,
        Some(a) => writeln!(out, "set {} on the new socket before bind().", a.label.replace(" + ", " and "))?,
        None if answers.iter().any(|a| a.verdicts.iter().any(|v| v.bind.result == "ok" && v.listen.result == "ok")) => writeln!(
            out,
            "it depends on options bindlab could not read; the old sockets' own settings decide (run as root, or wait for the TIME_WAITs to end)."
        )?,
        None if blockers.is_empty() => writeln!(out, "no option is enough: wait for the TIME_WAITs to end, or use another port.")?,
        None => writeln!(
            out,
            "no option is enough while {} {} the port: stop {}, or use another port.",
            blockers.join(", "),
            if blockers.len() == 1 { "holds" } else { "hold" },
            if blockers.len() == 1 { "it" } else { "them" }
        )?,
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
pub fn run(
    _out: &mut dyn Write,
    _port: Option<u16>,
    _bind: Option<SocketAddr>,
    _print: bool,
) -> Result {
    Err(Error::fatal(
        "doctor reads this host's sockets from Linux's /proc; this is not Linux",
    ))
}
