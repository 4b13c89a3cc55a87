//! `bindlab doctor [PORT] [--bind ADDR:PORT] [--udp] [--scenario]`: this
//! host's sockets on a port (read, never changed), written as a scenario, and
//! whether a bind of ADDR:PORT would succeed with each option set, naming the
//! sockets and the rule in the way, and what would make it work. With
//! `--udp`, the port's UDP sockets, a UDP bind, and who receives a datagram
//! sent to ADDR:PORT, now and once the new socket is bound.

use std::io::Write;
use std::net::SocketAddr;

use crate::error::{Error, Result};

#[cfg(target_os = "linux")]
pub fn run(
    out: &mut dyn Write,
    port: Option<u16>,
    bind: Option<SocketAddr>,
    udp: bool,
    print: bool,
) -> Result {
    use bindlab_engine::Os;
    use bindlab_kernel::doctor::host_sockets;
    use bindlab_kernel::live::{current_user, host_addresses, read_host};
    use bindlab_sockets::{
        advice, ask_in, datagram_to, english, picture_of, rebuild_mismatches_in, receivers,
        scenario, Question, State, Tables,
    };

    let proto = if udp { "UDP" } else { "TCP" };
    let all = host_sockets(&read_host().map_err(Error::fatal)?);
    let Some(port) = bind.map(|b| b.port()).or(port) else {
        // No port: the listening sockets (UDP: the bound ones), to pick one from.
        let (what, flag) = if udp {
            ("UDP sockets", " --udp")
        } else {
            ("Listening TCP sockets", "")
        };
        writeln!(
            out,
            "{what} on this host (bindlab doctor PORT{flag} tells more about one):"
        )?;
        let shown = all.iter().filter(|s| {
            s.udp == udp
                && if udp {
                    s.state == State::Bound
                } else {
                    s.state == State::Listen
                }
        });
        for s in shown {
            let who = s
                .process
                .as_ref()
                .map_or("(process not visible)".to_string(), |p| {
                    format!("{} ({})", pids(p), p.name)
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
    let p = picture_of(&all, Os::Linux, port, Some(host_addresses()), udp);
    let (_, me) = current_user();
    // The host after the table, built once for the check and the answers.
    let tables = Tables::new(&p, &me);
    if print {
        if p.unknowns {
            writeln!(
                out,
                "# options bindlab could not read are written as not set; see `bindlab doctor {port}{}`",
                if udp { " --udp" } else { "" }
            )?;
        }
        out.write_all(scenario(&p, &me, false, None).as_bytes())?;
        return Ok(());
    }
    let q = Question {
        bind: bind.unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], port))),
        user: me.clone(),
    };
    if p.sockets.is_empty() {
        writeln!(out, "No {proto} socket on this host uses port {port}.")?;
    } else {
        writeln!(out, "{proto} port {port} on this host:")?;
        for (name, s) in &p.sockets {
            let addr = match s.remote {
                Some(r) => format!("{} ↔ {r}", s.local),
                None => s.local.to_string(),
            };
            let who = match (&s.process, &s.state) {
                (Some(pr), _) => format!(
                    "{} ({}), user {}",
                    pids(pr),
                    pr.name,
                    s.user.as_deref().unwrap_or("?")
                ),
                (None, s) if s.kept_by_kernel() => "no process: the kernel keeps it".into(),
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
                "  (an option marked unknown could not be read: {}; each answer below is given both ways)",
                why_unknown(&p, bindlab_kernel::is_root())
            )?;
        }
        for (assumed, wrong) in rebuild_mismatches_in(&tables) {
            let steps: Vec<String> = wrong.iter().map(|m| m.said(&english)).collect();
            writeln!(
                out,
                "  note: bindlab could not rebuild this state exactly{} ({}); those answers may be off",
                match assumed {
                    None => "",
                    Some(false) => " with unknown options off",
                    Some(true) => " with unknown options on",
                },
                steps.join("; ")
            )?;
        }
        // (No datagram to port 0 or a broadcast address: none is modelled.)
        if let Some(to) = datagram_to(q.bind).filter(|_| udp) {
            writeln!(out, "\nA datagram to {to} now:")?;
            let assumptions: &[(bool, &str)] = if p.unknowns {
                &[
                    (false, " (unknown options not set)"),
                    (true, " (unknown options set)"),
                ]
            } else {
                &[(false, "")]
            };
            for (set, assumed) in assumptions {
                if let Some(d) = receivers(&p, &me, *set, to) {
                    writeln!(out, "  {}{assumed}", d.sentence())?;
                    if let (Some(rule), Some(why)) = (d.rule, &d.why) {
                        writeln!(out, "    [{rule}] {why}")?;
                    }
                }
            }
            writeln!(
                out,
                "  (group memberships are not read: `ip maddr show` lists the groups joined; a datagram to a group reaches every member)"
            )?;
        }
    }
    writeln!(
        out,
        "\nA new {proto} socket of {me} binding {}{}:",
        q.bind,
        if udp { "" } else { " and listening" }
    )?;
    let answers = ask_in(&tables, &q);
    for a in &answers {
        for v in &a.verdicts {
            let assumed = match v.unknowns_set {
                None => "",
                Some(false) => " (unknown options not set)",
                Some(true) => " (unknown options set)",
            };
            match v.failure() {
                None => {
                    writeln!(out, "  {:<28} works{assumed}", a.label)?;
                    if let Some(d) = &v.datagram {
                        writeln!(out, "  {:<28}   then {}", "", d.sentence())?;
                    }
                }
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
    if !udp {
        // Checked here (2026-12-05): a socket bound and left so is in
        // neither /proc/net/tcp nor `ss -tan`, yet the kernel refuses an
        // overlapping bind for it (found by an audit of the advice).
        writeln!(
            out,
            "(/proc/net/tcp lists no TCP socket that is only bound, neither listening nor connected: such a socket on port {port} would refuse this bind too, and doctor cannot see it)"
        )?;
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
pub fn run(
    _out: &mut dyn Write,
    _port: Option<u16>,
    _bind: Option<SocketAddr>,
    _udp: bool,
    _print: bool,
) -> Result {
    Err(Error::fatal(
        "doctor reads this host's sockets from Linux's /proc; this is not Linux",
    ))
}

/// "pid 1234", or every process holding the socket: "pids 1234, 1235
/// (each holds it)" (stopping one of a forked server's frees nothing).
fn pids(p: &bindlab_sockets::Process) -> String {
    if p.also.is_empty() {
        format!("pid {}", p.pid)
    } else {
        format!("pids {} (each holds it)", p.pids())
    }
}

/// Why some socket's options could not be read, by what the unknown ones
/// are: a closed end has no socket left to ask; another's socket needs root,
/// and as root a process this one cannot see (another PID namespace, a
/// container) cannot be asked either. (It said "a TIME_WAIT has no socket
/// left" to root about a listener in a container.)
fn why_unknown(p: &bindlab_sockets::Picture, root: bool) -> String {
    // The sockets `p.unknowns` counts: a TIME_WAIT of a listener shown
    // with its options read has them (inherited), and is no reason.
    let unknown: Vec<&bindlab_sockets::HostSocket> = p.unknown_sockets().collect();
    let mut why = Vec::new();
    if unknown.iter().any(|s| s.state.kept_by_kernel()) {
        why.push("a TIME_WAIT or FIN_WAIT_2 has no socket left to ask");
    }
    if unknown.iter().any(|s| !s.state.kept_by_kernel()) {
        why.push(if root {
            "a socket whose process is not visible here (another PID namespace or a container) cannot be asked"
        } else {
            "run as root to read other users' sockets"
        });
    }
    why.join("; ")
}

#[cfg(test)]
mod tests {
    use super::why_unknown;
    use bindlab_engine::Os;
    use bindlab_sockets::{picture_of, HostSocket, State};

    /// The reason matches what is unknown: a closed end, or a socket whose
    /// process cannot be asked (as root: not visible; else another user's).
    #[test]
    fn why_an_option_is_unknown_is_what_is_unknown() {
        let listener = HostSocket::new("0.0.0.0:2024".parse().unwrap(), None, State::Listen);
        let tw = HostSocket::new(
            "127.0.0.1:7070".parse().unwrap(),
            Some("127.0.0.1:50000".parse().unwrap()),
            State::TimeWait,
        );
        let all = [listener, tw];
        let at = |port| picture_of(&all, Os::Linux, port, None, false);
        assert_eq!(
            why_unknown(&at(2024), true),
            "a socket whose process is not visible here (another PID namespace or a container) cannot be asked"
        );
        assert_eq!(
            why_unknown(&at(2024), false),
            "run as root to read other users' sockets"
        );
        assert_eq!(
            why_unknown(&at(7070), true),
            "a TIME_WAIT or FIN_WAIT_2 has no socket left to ask"
        );
    }

    /// A TIME_WAIT a listener shown with its options read accepted has
    /// them (inherited): only the socket that counts as unknown is a reason.
    #[test]
    fn an_inherited_time_wait_is_no_reason() {
        let mut mine = HostSocket::new("10.0.0.1:8080".parse().unwrap(), None, State::Listen);
        (mine.reuseaddr, mine.reuseport) = (Some(true), Some(false));
        let tw = HostSocket::new(
            "10.0.0.1:8080".parse().unwrap(),
            Some("10.0.0.9:50000".parse().unwrap()),
            State::TimeWait,
        );
        // Another's listener on the port's other address, options unread.
        let theirs = HostSocket::new("10.0.0.2:8080".parse().unwrap(), None, State::Listen);
        let all = [mine, tw, theirs];
        let p = picture_of(&all, Os::Linux, 8080, None, false);
        assert!(p.unknowns);
        assert_eq!(p.unknown_sockets().count(), 1);
        assert_eq!(
            why_unknown(&p, true),
            "a socket whose process is not visible here (another PID namespace or a container) cannot be asked"
        );
    }
}
