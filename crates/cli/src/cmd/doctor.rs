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
    use bindlab_engine::Os;
    use bindlab_kernel::doctor::host_sockets;
    use bindlab_kernel::live::{current_user, host_addresses, read_host};
    use bindlab_sockets::{advice, ask, mismatches, picture, scenario, Question, State};

    let all = host_sockets(&read_host().map_err(Error::fatal)?);
    let Some(port) = bind.map(|b| b.port()).or(port) else {
        // No port: the listening sockets, to pick one from.
        writeln!(
            out,
            "Listening TCP sockets on this host (bindlab doctor PORT tells more about one):"
        )?;
        for s in all.iter().filter(|s| s.state == State::Listen) {
            let who = s
                .process
                .as_ref()
                .map_or("(process not visible)".to_string(), |p| {
                    format!("pid {} ({})", p.pid, p.name)
                });
            writeln!(
                out,
                "  {:<40} {who}, user {}",
                s.local.to_string(),
                s.user.as_deref().unwrap_or("?")
            )?;
        }
        return Ok(());
    };
    let p = picture(&all, Os::Linux, port, Some(host_addresses()));
    let (_, me) = current_user();
    if print {
        if p.unknowns {
            writeln!(
                out,
                "# options bindlab could not read are written as not set; see `bindlab doctor {port}`"
            )?;
        }
        out.write_all(scenario(&p, &me, false, None).as_bytes())?;
        return Ok(());
    }
    if p.sockets.is_empty() {
        writeln!(out, "No TCP socket on this host uses port {port}.")?;
    } else {
        writeln!(out, "Port {port} on this host:")?;
        for (name, s) in &p.sockets {
            let addr = match s.remote {
                Some(r) => format!("{} ↔ {r}", s.local),
                None => s.local.to_string(),
            };
            let who = match (&s.process, &s.state) {
                (Some(pr), _) => format!(
                    "pid {} ({}), user {}",
                    pr.pid,
                    pr.name,
                    s.user.as_deref().unwrap_or("?")
                ),
                (None, State::TimeWait) => "no process: the kernel keeps it".into(),
                (None, _) => format!(
                    "user {}, process not visible to you",
                    s.user.as_deref().unwrap_or("?")
                ),
            };
            let flag = |v: Option<bool>| v.map_or("unknown", |b| if b { "on" } else { "off" });
            writeln!(
                out,
                "  {name:<20} {:<11} {addr}  {who}; SO_REUSEADDR {}, SO_REUSEPORT {}",
                s.state.name(),
                flag(s.reuseaddr),
                flag(s.reuseport)
            )?;
        }
        if p.unknowns {
            writeln!(
                out,
                "  (an option marked unknown could not be read{}; each answer below is given both ways)",
                if bindlab_kernel::is_root() {
                    ": a TIME_WAIT has no socket left to ask"
                } else {
                    ": run as root to read other users' sockets"
                }
            )?;
        }
        let wrong = mismatches(&scenario(&p, &me, false, None), Os::Linux);
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
    let answers = ask(&p, &me, &q);
    for a in &answers {
        for v in &a.verdicts {
            let assumed = match v.unknowns_set {
                None => "",
                Some(false) => " (unknown options not set)",
                Some(true) => " (unknown options set)",
            };
            match v.failure() {
                None => writeln!(out, "  {:<28} works{assumed}", a.label)?,
                Some((step, o)) => {
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
    }
    writeln!(out, "\nWhat would make it work: {}", advice(&p, &answers))?;
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
