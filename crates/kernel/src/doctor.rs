//! `bindlab doctor`: this host's sockets on one port, written as a scenario
//! the engine runs, and the answer to "would my bind of ADDR:PORT succeed?"
//! with each combination of SO_REUSEADDR and SO_REUSEPORT, naming the
//! sockets and the rule in the way. It only reads the host ([`crate::live`]).
//!
//! An option that could not be read (a TIME_WAIT has no socket left to ask;
//! another user's process as an ordinary user) is evaluated both ways: every
//! unknown off, then every unknown on, and the answer says when they differ.

use std::net::{IpAddr, SocketAddr};

use bindlab_engine::{parse, run, Os};

use crate::live::{LiveSocket, TcpState};

/// The option sets a bind is tried with: (label, SO_REUSEADDR, SO_REUSEPORT).
pub const OPTION_SETS: &[(&str, bool, bool)] = &[
    ("no option", false, false),
    ("SO_REUSEADDR", true, false),
    ("SO_REUSEPORT", false, true),
    ("SO_REUSEADDR + SO_REUSEPORT", true, true),
];

/// One call's outcome, as the engine gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// `ok` or the error name.
    pub result: String,
    pub rule: Option<&'static str>,
    pub why: Option<String>,
}

/// The bind and the listen after it, under one assumption about the
/// options that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// `None` when every option was read; else whether the unknowns were
    /// taken as set.
    pub unknowns_set: Option<bool>,
    pub bind: Outcome,
    pub listen: Outcome,
}

/// The answer for one option set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub label: &'static str,
    pub reuseaddr: bool,
    pub reuseport: bool,
    pub verdicts: Vec<Verdict>,
}

impl Answer {
    /// Whether bind and listen succeed under every assumption.
    pub fn works(&self) -> bool {
        self.verdicts
            .iter()
            .all(|v| v.bind.result == "ok" && v.listen.result == "ok")
    }
}

/// The question: who binds what.
#[derive(Clone, Debug)]
pub struct Question {
    pub bind: SocketAddr,
    /// The user asking (the scenario's `user` for the new socket).
    pub user: String,
}

/// The host as the doctor sees it: the sockets on the port, the names they
/// get in the scenario, and what could not be reproduced.
pub struct Picture<'a> {
    pub port: u16,
    pub sockets: Vec<(String, &'a LiveSocket)>,
    pub ifaces: Vec<IpAddr>,
    /// Whether any relevant option could not be read.
    pub unknowns: bool,
}

/// A name a scenario accepts: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn ident(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

/// The sockets holding `port`, named after their programs.
pub fn picture<'a>(all: &'a [LiveSocket], port: u16, locals: &[IpAddr]) -> Picture<'a> {
    let mut sockets: Vec<(String, &LiveSocket)> = Vec::new();
    let mut taken = std::collections::HashSet::new();
    for s in all.iter().filter(|s| s.local.port() == port) {
        let base = match (&s.owner, s.state) {
            (Some(o), _) => ident(&format!("{}_{}", o.comm, o.pid)),
            (None, TcpState::TimeWait) => "tw".to_string(),
            (None, _) => "sock".to_string(),
        };
        let mut name = base.clone();
        let mut k = 2;
        while !taken.insert(name.clone()) {
            name = format!("{base}_{k}");
            k += 1;
        }
        sockets.push((name, s));
    }
    // A connection or TIME_WAIT of a listener shown here has that
    // listener's options (an accepted socket inherits them): only the others
    // are unknown.
    let listeners: Vec<&LiveSocket> = sockets
        .iter()
        .map(|(_, s)| *s)
        .filter(|s| s.state == TcpState::Listen)
        .collect();
    let unknowns = sockets.iter().any(|(_, s)| {
        let inherited = s.state != TcpState::Listen
            && listeners.iter().any(|l| {
                covers(&l.local, &s.local) && l.reuseaddr.is_some() && l.reuseport.is_some()
            });
        !inherited && (s.reuseaddr.is_none() || s.reuseport.is_none())
    });
    let mut ifaces: Vec<IpAddr> = sockets
        .iter()
        .map(|(_, s)| s.local.ip())
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified() && locals.contains(ip))
        .collect();
    ifaces.sort();
    ifaces.dedup();
    Picture {
        port,
        sockets,
        ifaces,
        unknowns,
    }
}

fn covers(listener: &SocketAddr, local: &SocketAddr) -> bool {
    let same_family = listener.is_ipv6() == local.is_ipv6();
    let mapped = |a: &SocketAddr| match a.ip() {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(a.ip()),
        ip => ip,
    };
    listener.port() == local.port()
        && (listener.ip() == local.ip()
            || mapped(listener) == mapped(local)
            || (listener.ip().is_unspecified() && (same_family || listener.is_ipv6())))
}

fn user_name(uid: u32, users: &dyn Fn(u32) -> String) -> String {
    if uid == 0 {
        "root".into()
    } else {
        ident(&users(uid))
    }
}

/// The picture as scenario text: listeners (with their connections), the
/// TIME_WAITs whose listener is gone (behind a stand-in that is closed),
/// outgoing connections; then, with a question, the new socket's bind and
/// listen. `unknowns_set` is what an option that could not be read is taken
/// to be.
pub fn scenario(
    p: &Picture,
    users: &dyn Fn(u32) -> String,
    unknowns_set: bool,
    ask: Option<(&Question, bool, bool)>,
) -> String {
    let mut out = format!(
        "title The sockets on port {} of this host (bindlab doctor)\nos linux\n",
        p.port
    );
    if !p.ifaces.is_empty() {
        let list: Vec<String> = p.ifaces.iter().map(|a| a.to_string()).collect();
        out.push_str(&format!("iface {}\n", list.join(" ")));
    }
    out.push('\n');
    let mut user = String::from("root");
    let mut set_user = |out: &mut String, name: String| {
        if name != user {
            out.push_str(&format!("user {name}\n"));
            user = name;
        }
    };
    let ep = |a: &SocketAddr| match a {
        SocketAddr::V4(_) => a.to_string(),
        SocketAddr::V6(v6) => format!("[{}]:{}", v6.ip(), v6.port()),
    };
    let opts = |out: &mut String, name: &str, s: &LiveSocket| {
        if s.reuseaddr.unwrap_or(unknowns_set) {
            out.push_str(&format!("set {name} SO_REUSEADDR\n"));
        }
        if s.reuseport.unwrap_or(unknowns_set) {
            out.push_str(&format!("set {name} SO_REUSEPORT\n"));
        }
        if let Some(v6only) = s.v6only {
            out.push_str(&format!(
                "set {name} IPV6_V6ONLY {}\n",
                if v6only { "on" } else { "off" }
            ));
        }
    };
    let proto = |s: &LiveSocket| if s.v6 { "tcp6" } else { "tcp" };
    let listeners: Vec<&(String, &LiveSocket)> = p
        .sockets
        .iter()
        .filter(|(_, s)| s.state == TcpState::Listen)
        .collect();
    let served_by = |s: &LiveSocket| {
        listeners
            .iter()
            .find(|(_, l)| covers(&l.local, &s.local))
            .map(|(n, _)| n.clone())
    };
    for (name, l) in &listeners {
        set_user(&mut out, user_name(l.uid, users));
        out.push_str(&format!("socket {name} {}\n", proto(l)));
        opts(&mut out, name, l);
        out.push_str(&format!("bind {name} {}\nlisten {name}\n", ep(&l.local)));
        // Its connections, accepted right away so they are its own.
        for (cname, c) in &p.sockets {
            if c.state == TcpState::Listen || served_by(c).as_deref() != Some(name.as_str()) {
                continue;
            }
            out.push_str(&format!("client {}\naccept {name} {cname}\n", ep(&c.local)));
            if c.state == TcpState::TimeWait {
                out.push_str(&format!("close {cname}\n"));
            }
        }
    }
    // TIME_WAITs whose listener is gone: a stand-in listener (its options
    // unknown), one connection each, closed by the server side, then gone.
    for (k, (cname, c)) in p
        .sockets
        .iter()
        .filter(|(_, c)| c.state == TcpState::TimeWait && served_by(c).is_none())
        .enumerate()
    {
        let gone = format!("gone{}", k + 1);
        set_user(&mut out, "root".into());
        out.push_str(&format!("socket {gone} {}\n", proto(c)));
        if unknowns_set {
            out.push_str(&format!(
                "set {gone} SO_REUSEADDR\nset {gone} SO_REUSEPORT\n"
            ));
        }
        out.push_str(&format!(
            "bind {gone} {a}\nlisten {gone}\nclient {a}\naccept {gone} {cname}\nclose {cname}\nclose {gone}\n",
            a = ep(&c.local)
        ));
    }
    // Connections this host opened from the port.
    for (cname, c) in &p.sockets {
        if c.state == TcpState::Listen || c.state == TcpState::TimeWait || served_by(c).is_some() {
            continue;
        }
        set_user(&mut out, user_name(c.uid, users));
        out.push_str(&format!("socket {cname} {}\n", proto(c)));
        opts(&mut out, cname, c);
        out.push_str(&format!(
            "bind {cname} {}\nconnect {cname} {}\n",
            ep(&c.local),
            ep(&c.remote)
        ));
    }
    if let Some((q, reuseaddr, reuseport)) = ask {
        let me = if p.sockets.iter().any(|(n, _)| n == "me") {
            "me_"
        } else {
            "me"
        };
        out.push_str("\n# the bind you asked about\n");
        set_user(&mut out, ident(&q.user));
        out.push_str(&format!(
            "socket {me} {}\n",
            if q.bind.is_ipv6() { "tcp6" } else { "tcp" }
        ));
        if reuseaddr {
            out.push_str(&format!("set {me} SO_REUSEADDR\n"));
        }
        if reuseport {
            out.push_str(&format!("set {me} SO_REUSEPORT\n"));
        }
        out.push_str(&format!("bind {me} {}\nlisten {me}\n", ep(&q.bind)));
    }
    out
}

/// Steps of the reconstruction (before the question) that did not give what
/// the host shows: each as `line N: step → RESULT`. Empty when the scenario
/// reproduces the host.
pub fn mismatches(text: &str) -> Vec<String> {
    let Ok(s) = parse(text) else {
        return vec!["the scenario bindlab wrote does not parse (a bug: please report it)".into()];
    };
    let rep = run(&s, Os::Linux);
    let question = text
        .lines()
        .position(|l| l == "# the bind you asked about")
        .map_or(u32::MAX, |i| i as u32 + 1);
    s.steps
        .iter()
        .zip(&rep.steps)
        .filter(|(st, r)| st.line < question && !r.is_ok())
        .map(|(st, r)| {
            format!(
                "line {}: {} → {}",
                st.line,
                bindlab_engine::print::step_text(&st.kind),
                r.result_name()
            )
        })
        .collect()
}

fn outcome(r: &bindlab_engine::StepReport) -> Outcome {
    Outcome {
        result: r.result_name().to_string(),
        rule: r.rule,
        why: r.why.clone(),
    }
}

/// The answer for every option set, under one or both assumptions.
pub fn ask(p: &Picture, users: &dyn Fn(u32) -> String, q: &Question) -> Vec<Answer> {
    let assumptions: &[Option<bool>] = if p.unknowns {
        &[Some(false), Some(true)]
    } else {
        &[None]
    };
    OPTION_SETS
        .iter()
        .map(|&(label, reuseaddr, reuseport)| Answer {
            label,
            reuseaddr,
            reuseport,
            verdicts: assumptions
                .iter()
                .filter_map(|&a| {
                    let text = scenario(
                        p,
                        users,
                        a.unwrap_or(false),
                        Some((q, reuseaddr, reuseport)),
                    );
                    let s = parse(&text).ok()?;
                    let rep = run(&s, Os::Linux);
                    let n = rep.steps.len();
                    (n >= 2).then(|| Verdict {
                        unknowns_set: a,
                        bind: outcome(&rep.steps[n - 2]),
                        listen: outcome(&rep.steps[n - 1]),
                    })
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::Owner;

    fn sock(local: &str, state: TcpState, reuseaddr: Option<bool>) -> LiveSocket {
        LiveSocket {
            v6: local.starts_with('['),
            local: local.parse().unwrap(),
            remote: "0.0.0.0:0".parse().unwrap(),
            state,
            uid: 1000,
            inode: 7,
            owner: Some(Owner {
                pid: 42,
                comm: "my-server".into(),
                fd: 3,
            }),
            reuseaddr,
            reuseport: reuseaddr.map(|_| false),
            v6only: None,
        }
    }

    fn names(uid: u32) -> String {
        format!("user{uid}")
    }

    #[test]
    fn a_listener_without_reuseaddr_blocks_every_option_set_and_is_named() {
        let all = vec![sock("0.0.0.0:8080", TcpState::Listen, Some(false))];
        let p = picture(&all, 8080, &[]);
        assert!(!p.unknowns);
        let q = Question {
            bind: "127.0.0.1:8080".parse().unwrap(),
            user: "root".into(),
        };
        let text = scenario(&p, &names, false, Some((&q, true, false)));
        assert!(text.contains("user user1000\nsocket my_server_42 tcp\nbind my_server_42 0.0.0.0:8080\nlisten my_server_42\n"), "{text}");
        assert!(text.ends_with("user root\nsocket me tcp\nset me SO_REUSEADDR\nbind me 127.0.0.1:8080\nlisten me\n"), "{text}");
        assert!(mismatches(&text).is_empty());
        let answers = ask(&p, &names, &q);
        assert_eq!(answers.len(), 4);
        for a in &answers {
            assert_eq!(a.verdicts.len(), 1);
            assert_eq!(a.verdicts[0].bind.result, "EADDRINUSE", "{a:?}");
            assert!(
                a.verdicts[0]
                    .bind
                    .why
                    .as_deref()
                    .unwrap()
                    .contains("my_server_42"),
                "{a:?}"
            );
        }
    }

    #[test]
    fn an_orphan_time_wait_is_evaluated_both_ways() {
        let mut tw = sock("127.0.0.1:8080", TcpState::TimeWait, None);
        tw.owner = None;
        tw.remote = "127.0.0.1:50000".parse().unwrap();
        let all = vec![tw];
        let p = picture(&all, 8080, &[]);
        assert!(p.unknowns);
        let q = Question {
            bind: "0.0.0.0:8080".parse().unwrap(),
            user: "root".into(),
        };
        let answers = ask(&p, &names, &q);
        let reuse = &answers[1];
        assert_eq!(reuse.label, "SO_REUSEADDR");
        let results: Vec<&str> = reuse
            .verdicts
            .iter()
            .map(|v| v.bind.result.as_str())
            .collect();
        // The old server's flag decides: unknown, so both answers are given.
        assert_eq!(results, ["EADDRINUSE", "ok"]);
        assert!(!reuse.works());
        assert!(mismatches(&scenario(&p, &names, true, None)).is_empty());
    }

    #[test]
    fn names_are_what_a_scenario_accepts() {
        assert_eq!(ident("node-server_12"), "node_server_12");
        assert_eq!(ident("1abc"), "_1abc");
        assert_eq!(ident("ünï"), "_n_");
    }

    /// The kernel's own answer: a fresh socket with the options, bind, listen.
    fn real(bind: SocketAddr, reuseaddr: bool, reuseport: bool) -> (String, String) {
        use crate::sys;
        use std::os::fd::AsRawFd;
        let fd = sys::tcp_socket(bind.is_ipv6()).unwrap();
        let set = |on: bool, name| {
            if on {
                sys::setsockopt_int(fd.as_raw_fd(), libc::SOL_SOCKET, name, 1).unwrap();
            }
        };
        set(reuseaddr, libc::SO_REUSEADDR);
        set(reuseport, libc::SO_REUSEPORT);
        let name = |r: Result<(), sys::Errno>| r.map_or_else(sys::errno_name, |_| "ok".to_string());
        let b = name(sys::bind(fd.as_raw_fd(), bind));
        let l = if b == "ok" {
            name(sys::listen(fd.as_raw_fd()))
        } else {
            "ok".to_string()
        };
        (b, l)
    }

    /// Every answer of the doctor against the kernel, for a port this
    /// process set up in a fresh network namespace: the kernel's outcome is
    /// the doctor's (or, where options were unknown, one of its two).
    fn doctor_tells_the_truth_about(port: u16, expect_unknowns: bool) -> usize {
        let all = crate::live::read_host().unwrap();
        let p = picture(&all, port, &crate::live::host_addresses());
        assert!(!p.sockets.is_empty(), "nothing on port {port}: {all:?}");
        assert_eq!(p.unknowns, expect_unknowns, "port {port}: {:?}", p.sockets);
        let text = scenario(&p, &|_| "someone".into(), false, None);
        assert!(
            mismatches(&text).is_empty(),
            "{text}\n{:?}",
            mismatches(&text)
        );
        let mut checked = 0;
        for bind in [format!("0.0.0.0:{port}"), format!("127.0.0.1:{port}")] {
            let q = Question {
                bind: bind.parse().unwrap(),
                user: "root".into(),
            };
            for a in ask(&p, &|_| "someone".into(), &q) {
                let (b, l) = real(q.bind, a.reuseaddr, a.reuseport);
                let said: Vec<(String, String)> = a
                    .verdicts
                    .iter()
                    .map(|v| {
                        let l = if v.bind.result == "ok" {
                            v.listen.result.clone()
                        } else {
                            "ok".into()
                        };
                        (v.bind.result.clone(), l)
                    })
                    .collect();
                assert!(
                    said.contains(&(b.clone(), l.clone())),
                    "port {port}, {bind} with {}: the kernel says bind {b}, listen {l}; the doctor {said:?}\n{text}",
                    a.label
                );
                checked += 1;
            }
        }
        checked
    }

    #[test]
    fn on_the_kernel_the_doctor_tells_the_truth_about_a_live_server() {
        use crate::sys;
        use std::os::fd::AsRawFd;
        if !sys::is_root() {
            eprintln!("SKIPPED: needs root (a private network namespace)");
            return;
        }
        std::thread::spawn(|| {
            sys::unshare_net().unwrap();
            let up = std::process::Command::new("ip")
                .args(["link", "set", "lo", "up"])
                .status()
                .expect("ip (iproute2)");
            assert!(up.success());
            // A server as Rust's std makes it (SO_REUSEADDR on, read back).
            let std_server = std::net::TcpListener::bind("127.0.0.1:8080").unwrap();
            let all = crate::live::read_host().unwrap();
            let me = all.iter().find(|s| s.local.port() == 8080).unwrap();
            assert_eq!(me.owner.as_ref().map(|o| o.pid), Some(std::process::id()));
            assert_eq!((me.reuseaddr, me.reuseport), (Some(true), Some(false)));
            let mut n = doctor_tells_the_truth_about(8080, false);
            // A worker of an SO_REUSEPORT group on the wildcard.
            let group = sys::tcp_socket(false).unwrap();
            sys::setsockopt_int(group.as_raw_fd(), libc::SOL_SOCKET, libc::SO_REUSEPORT, 1)
                .unwrap();
            sys::bind(group.as_raw_fd(), "0.0.0.0:9090".parse().unwrap()).unwrap();
            sys::listen(group.as_raw_fd()).unwrap();
            n += doctor_tells_the_truth_about(9090, false);
            // A server without options that served a client and stopped: its
            // TIME_WAIT outlives it, its options unknown.
            {
                let l = sys::tcp_socket(false).unwrap();
                sys::bind(l.as_raw_fd(), "127.0.0.1:7070".parse().unwrap()).unwrap();
                sys::listen(l.as_raw_fd()).unwrap();
                let c = std::net::TcpStream::connect("127.0.0.1:7070").unwrap();
                assert!(sys::wait_readable(l.as_raw_fd(), 2000));
                let (conn, _) = sys::accept(l.as_raw_fd()).unwrap();
                drop(conn); // the server closes first
                drop(c);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
            n += doctor_tells_the_truth_about(7070, true);
            drop(std_server);
            assert_eq!(n, 24);
        })
        .join()
        .unwrap();
    }
}
