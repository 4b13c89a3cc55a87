//! `bindlab doctor`: this host's live sockets ([`crate::live`]) as the
//! host model `bindlab-sockets` turns into a scenario and answers about.
//! Its test holds the doctor to the kernel: every answer about a port set up
//! in a private namespace is what a real bind and listen give.

use bindlab_sockets::{HostSocket, Process, State};

use crate::live::{user_name, LiveSocket, TcpState};

/// The live sockets in the host model: user names from `/etc/passwd`; a
/// TIME_WAIT's user unknown (`/proc` shows 0 for it: no socket is left).
/// UDP sockets keep `/proc`'s order (a port's newest bound first, which
/// `bindlab-sockets` reverses into bind order); IPv4 and IPv6 ones, listed
/// in two files, are interleaved by inode (creation order), newest first.
/// Every socket carries its inode (`HostSocket::created`): the picture
/// puts a port's TCP sockets in creation order, as near as a table comes to
/// the order of their binds, which Linux's answer can depend on (found by
/// the random hosts of the kernel test: `/proc`'s order, IPv4 file first,
/// gave the other answer).
pub fn host_sockets(live: &[LiveSocket]) -> Vec<HostSocket> {
    let tcp = live.iter().filter(|l| !l.udp);
    let mut v4 = live.iter().filter(|l| l.udp && !l.v6).peekable();
    let mut v6 = live.iter().filter(|l| l.udp && l.v6).peekable();
    let mut udp = Vec::new();
    loop {
        let take_v4 = match (v4.peek(), v6.peek()) {
            (Some(a), Some(b)) => a.inode >= b.inode,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        udp.extend(if take_v4 { v4.next() } else { v6.next() });
    }
    tcp.chain(udp)
        .map(|l| {
            if l.udp {
                let connected = l.state == TcpState::Connected("ESTABLISHED");
                let mut s = HostSocket::udp(l.local, connected.then_some(l.remote));
                s.v6 = l.v6;
                s.user = Some(user_name(l.uid));
                s.process = l.owner.as_ref().map(|o| Process {
                    also: o.also.clone(),
                    ..Process::new(o.pid, o.comm.clone())
                });
                s.reuseaddr = l.reuseaddr;
                s.reuseport = l.reuseport;
                s.v6only = l.v6only;
                s.created = Some(l.inode);
                return s;
            }
            let state = match l.state {
                TcpState::Listen => State::Listen,
                TcpState::TimeWait => State::TimeWait,
                // No socket behind it (inode 0): a closed end in a timewait
                // sock, not a connection a program holds.
                TcpState::Connected("FIN_WAIT2") if l.inode == 0 => State::FinWait2,
                TcpState::Connected(n) => State::Connected(n.to_string()),
            };
            let remote = (l.state != TcpState::Listen).then_some(l.remote);
            // /proc shows uid 0 for a timewait sock: its user is unknown.
            let user = (!state.kept_by_kernel()).then(|| user_name(l.uid));
            let mut s = HostSocket::new(l.local, remote, state);
            s.v6 = l.v6;
            s.user = user;
            s.process = l.owner.as_ref().map(|o| Process {
                also: o.also.clone(),
                ..Process::new(o.pid, o.comm.clone())
            });
            s.reuseaddr = l.reuseaddr;
            s.reuseport = l.reuseport;
            s.v6only = l.v6only;
            s.created = Some(l.inode);
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bindlab_engine::Os;
    use bindlab_sockets::{ask, mismatches, picture, scenario, Question};
    use std::net::SocketAddr;

    /// The kernel's own answer: a fresh socket with the options, bind, listen.
    fn real(bind: SocketAddr, options: &[&str]) -> (String, String) {
        let (reuseaddr, reuseport) = (
            options.contains(&"SO_REUSEADDR"),
            options.contains(&"SO_REUSEPORT"),
        );
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
        let binds = [format!("0.0.0.0:{port}"), format!("127.0.0.1:{port}")];
        let (checked, wrong) =
            doctor_against_kernel(port, Some(expect_unknowns), &binds, None, None);
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        checked
    }

    /// The doctor's answer for each of `binds` and option set, against a
    /// fresh socket's on the kernel: how many were compared, and each that
    /// the kernel's outcome is not among (with the rebuilt scenario).
    /// `expect_unknowns`: whether some option must be unknown, if that is
    /// known. The rebuild must come out as the table shows it.
    fn doctor_against_kernel(
        port: u16,
        expect_unknowns: Option<bool>,
        binds: &[String],
        only_set: Option<usize>,
        uid: Option<u32>,
    ) -> (usize, Vec<String>) {
        // The asker: root, or `uid` (its name as the doctor reads it).
        let asker = uid.map_or("root".to_string(), crate::live::user_name);
        let all = host_sockets(&crate::live::read_host().unwrap());
        let p = picture(&all, Os::Linux, port, Some(crate::live::host_addresses()));
        assert!(!p.sockets.is_empty(), "nothing on port {port}: {all:?}");
        if let Some(u) = expect_unknowns {
            assert_eq!(p.unknowns, u, "port {port}: {:?}", p.sockets);
        }
        let text = scenario(&p, "root", false, None);
        let mut wrong = Vec::new();
        let rebuilt = mismatches(&text, Os::Linux);
        if !rebuilt.is_empty() {
            let ss = std::process::Command::new("ss")
                .args(["-tanpe", &format!("sport = :{port}")])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            wrong.push(format!(
                "port {port}: the rebuild differs: {rebuilt:?}\n{text}\nSS:\n{ss}\nSOCKETS: {:#?}",
                p.sockets
            ));
        }
        let mut checked = 0;
        for bind in binds {
            let q = Question {
                bind: bind.parse().unwrap(),
                user: asker.clone(),
            };
            let answers = ask(&p, &asker, &q);
            for (i, a) in answers.iter().enumerate() {
                if only_set.is_some_and(|k| k != i) {
                    continue;
                }
                let (bind_at, options) = (q.bind, a.options);
                let (b, l) = as_uid(uid, move || real(bind_at, options));
                let said: Vec<(String, String)> = a
                    .verdicts
                    .iter()
                    .map(|v| {
                        let l = match &v.listen {
                            Some(l) if v.bind.result == "ok" => l.result.clone(),
                            _ => "ok".into(),
                        };
                        (v.bind.result.clone(), l)
                    })
                    .collect();
                if !said.contains(&(b.clone(), l.clone())) {
                    let full = scenario(&p, &asker, false, Some((&q, a.options)));
                    let full = format!(
                        "{full}\nSS:\n{}",
                        String::from_utf8_lossy(
                            &std::process::Command::new("ss")
                                .args(["-tanpeO", &format!("sport = :{port}")])
                                .output()
                                .unwrap()
                                .stdout
                        )
                    );
                    wrong.push(format!(
                        "port {port}, {bind} with {} as {asker}: the kernel says bind {b}, listen {l}; the doctor {said:?}\n{full}",
                        a.label
                    ));
                }
                checked += 1;
            }
        }
        (checked, wrong)
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
            // A server that closed its connection first and stopped while
            // the client stays open: its end waits in FIN_WAIT_2, a
            // timewait sock with no socket behind it (inode 0).
            let client = {
                let l = sys::tcp_socket(false).unwrap();
                sys::bind(l.as_raw_fd(), "127.0.0.1:6060".parse().unwrap()).unwrap();
                sys::listen(l.as_raw_fd()).unwrap();
                let c = std::net::TcpStream::connect("127.0.0.1:6060").unwrap();
                assert!(sys::wait_readable(l.as_raw_fd(), 2000));
                let (conn, _) = sys::accept(l.as_raw_fd()).unwrap();
                drop(conn);
                c
            };
            std::thread::sleep(std::time::Duration::from_millis(100));
            let all = host_sockets(&crate::live::read_host().unwrap());
            let end = all
                .iter()
                .find(|s| s.local.port() == 6060)
                .expect("the FIN_WAIT_2 end");
            assert_eq!(end.state, State::FinWait2, "{end:?}");
            assert_eq!((end.user.as_deref(), end.process.is_some()), (None, false));
            n += doctor_tells_the_truth_about(6060, true);
            drop(client);
            drop(std_server);
            assert_eq!(n, 32);
        })
        .join()
        .unwrap();
    }

    /// One step of a random host ([`random_host`]), its random choices
    /// drawn once so the host can be built again on another port.
    #[derive(Clone, Copy, Debug)]
    enum Made {
        /// A listener: IPv6?, which address, SO_REUSEADDR, SO_REUSEPORT,
        /// IPV6_V6ONLY, made by uid 1000 (else root).
        Listener(bool, usize, bool, bool, bool, bool),
        /// A client of the `n`-th listener made (modulo), accepted; with
        /// `true` its server closes first and leaves a TIME_WAIT.
        Accepted(usize, bool),
        /// A connection opened from the port (bound to 127.0.0.1 or the
        /// wildcard, SO_REUSEADDR or not) to a server of another port.
        Opened(bool, bool),
    }

    /// Runs `f` as root in a private network namespace with loopback up,
    /// on one CPU (the kernel hands out inodes in per-CPU batches,
    /// `get_next_ino`, and the picture orders sockets by inode: made in
    /// order on one CPU, the sockets test the rebuild, not the batching);
    /// skipped, and said, for another user.
    fn in_namespace_on_one_cpu(f: impl FnOnce() + Send + 'static) {
        use crate::sys;
        if !sys::is_root() {
            eprintln!("SKIPPED: needs root (a private network namespace)");
            return;
        }
        std::thread::spawn(move || {
            sys::unshare_net().unwrap();
            one_cpu();
            let up = std::process::Command::new("ip")
                .args(["link", "set", "lo", "up"])
                .status()
                .expect("ip (iproute2)");
            assert!(up.success());
            f();
        })
        .join()
        .unwrap();
    }

    /// The random hosts' draws (xorshift), from `BINDLAB_DOCTOR_SEED` or
    /// `seed`; and how many hosts, from `BINDLAB_DOCTOR_HOSTS` or `hosts`.
    fn draws(seed: u64, hosts: u16) -> (impl FnMut(u64) -> usize, u16) {
        let env = |name: &str| std::env::var(name).ok();
        let mut seed: u64 = env("BINDLAB_DOCTOR_SEED")
            .and_then(|s| s.parse().ok())
            .unwrap_or(seed);
        let hosts = env("BINDLAB_DOCTOR_HOSTS")
            .and_then(|h| h.parse().ok())
            .unwrap_or(hosts);
        let rnd = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as usize
        };
        (rnd, hosts)
    }

    /// Keeps this thread, and the threads it starts, on CPU 0.
    fn one_cpu() {
        // SAFETY: a zeroed cpu_set_t is a valid empty set; the call reads it.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(0, &mut set);
            libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
        }
    }

    /// `make` run as `uid` (in a thread of its own, which gives its
    /// privilege up for good), or here as root.
    fn as_uid<T: Send + 'static>(uid: Option<u32>, make: impl FnOnce() -> T + Send + 'static) -> T {
        match uid {
            None => make(),
            Some(uid) => std::thread::spawn(move || {
                crate::sys::become_user_this_thread(uid).unwrap();
                make()
            })
            .join()
            .unwrap(),
        }
    }

    /// Builds `host` on `port` (its servers elsewhere on `port + 20000`),
    /// keeping what it made open; a step the kernel refuses is left out, as
    /// a program's failed call would be.
    fn build_host(host: &[Made], port: u16) -> Vec<std::os::fd::OwnedFd> {
        use crate::sys;
        use std::os::fd::AsRawFd;
        fn on(fd: &std::os::fd::OwnedFd, level: i32, name: i32) {
            crate::sys::setsockopt_int(fd.as_raw_fd(), level, name, 1).unwrap();
        }
        // Each listener: where a client reaches it, its place in `kept`,
        // its owner (who accepts its connections, as the kernel runner
        // does: a scenario's `accept` is its listener's program's).
        let (mut kept, mut reach) = (Vec::new(), Vec::<(SocketAddr, usize, Option<u32>)>::new());
        let mut closed_first = false;
        for &step in host {
            match step {
                Made::Listener(v6, which, reuseaddr, reuseport, v6only, user) => {
                    let addrs: &[&str] = if v6 {
                        &["::", "::1", "::ffff:127.0.0.1"]
                    } else {
                        &["0.0.0.0", "127.0.0.1", "127.0.0.2"]
                    };
                    let ip: std::net::IpAddr = addrs[which % addrs.len()].parse().unwrap();
                    let fd = as_uid(user.then_some(1000), move || {
                        let fd = sys::tcp_socket(v6).unwrap();
                        if reuseaddr {
                            on(&fd, libc::SOL_SOCKET, libc::SO_REUSEADDR);
                        }
                        if reuseport {
                            on(&fd, libc::SOL_SOCKET, libc::SO_REUSEPORT);
                        }
                        if v6 && v6only {
                            on(&fd, libc::IPPROTO_IPV6, libc::IPV6_V6ONLY);
                        }
                        fd
                    });
                    let at = SocketAddr::new(ip, port);
                    if sys::bind(fd.as_raw_fd(), at).is_ok() && sys::listen(fd.as_raw_fd()).is_ok()
                    {
                        let to = match ip {
                            std::net::IpAddr::V4(a) if a.is_unspecified() => {
                                "127.0.0.1".parse().unwrap()
                            }
                            std::net::IpAddr::V6(a) if a.is_unspecified() => "::1".parse().unwrap(),
                            _ => ip,
                        };
                        reach.push((SocketAddr::new(to, port), kept.len(), user.then_some(1000)));
                        kept.push(fd);
                    }
                }
                Made::Accepted(n, close_first) if !reach.is_empty() => {
                    let (to, _, _) = reach[n % reach.len()];
                    let c = sys::tcp_socket(to.is_ipv6()).unwrap();
                    if sys::connect(c.as_raw_fd(), to, 2000).is_err() {
                        continue;
                    }
                    // The listener that took it: the one with a connection waiting.
                    let Some(&(_, l, owner)) = reach
                        .iter()
                        .find(|(_, l, _)| sys::wait_readable(kept[*l].as_raw_fd(), 0))
                    else {
                        continue;
                    };
                    let listener = kept[l].as_raw_fd();
                    let (srv, _) = as_uid(owner, move || sys::accept(listener).unwrap());
                    if close_first {
                        drop(srv);
                        std::thread::sleep(std::time::Duration::from_millis(10));
                        drop(c);
                        closed_first = true;
                    } else {
                        kept.push(srv);
                        kept.push(c);
                    }
                }
                Made::Accepted(..) => {}
                Made::Opened(wildcard, reuseaddr) => {
                    let server = sys::tcp_socket(false).unwrap();
                    let far = SocketAddr::new("127.0.0.1".parse().unwrap(), port + 20000);
                    if sys::bind(server.as_raw_fd(), far).is_err()
                        || sys::listen(server.as_raw_fd()).is_err()
                    {
                        continue;
                    }
                    let c = sys::tcp_socket(false).unwrap();
                    if reuseaddr {
                        on(&c, libc::SOL_SOCKET, libc::SO_REUSEADDR);
                    }
                    let from = if wildcard { "0.0.0.0" } else { "127.0.0.1" };
                    let from = SocketAddr::new(from.parse().unwrap(), port);
                    if sys::bind(c.as_raw_fd(), from).is_ok()
                        && sys::connect(c.as_raw_fd(), far, 2000).is_ok()
                    {
                        kept.push(c);
                        kept.push(server);
                    }
                }
            }
        }
        if closed_first {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        kept
    }

    /// Random hosts (60 of them; `BINDLAB_DOCTOR_HOSTS` and
    /// `BINDLAB_DOCTOR_SEED` choose others): a few TCP sockets on one port as programs
    /// make them — listeners on the wildcards, loopback addresses and a
    /// v4-mapped one, IPv6 ones with and without IPV6_V6ONLY, any of
    /// SO_REUSEADDR and SO_REUSEPORT; connections accepted from them;
    /// TIME_WAITs their servers left; connections opened from the port —
    /// and the doctor's answer for five binds under each option set against
    /// the kernel's. Each bind is tried on a copy of the host of its own:
    /// Linux keeps the SO_REUSEPORT summary of the last socket that bound
    /// the port even after it closed, so one try would change the next.
    #[test]
    fn on_the_kernel_the_doctor_answers_random_hosts_truly() {
        in_namespace_on_one_cpu(|| {
            let (mut rnd, hosts) = draws(0x9e37_79b9_7f4a_7c15, 60);
            let options = bindlab_sockets::option_sets(Os::Linux);
            let (mut checked, mut wrong, mut port) = (0, Vec::new(), 20000u16);
            for _ in 0..hosts {
                let host: Vec<Made> = (0..2 + rnd(4))
                    .map(|_| match rnd(10) {
                        0..=4 => Made::Listener(
                            rnd(2) == 1,
                            rnd(3),
                            rnd(2) == 1,
                            rnd(3) == 1,
                            rnd(2) == 1,
                            rnd(4) == 0,
                        ),
                        5..=7 => Made::Accepted(rnd(4), rnd(3) == 0),
                        _ => Made::Opened(rnd(2) == 1, rnd(2) == 1),
                    })
                    .collect();
                for addr in ["0.0.0.0", "127.0.0.1", "127.0.0.2", "[::]", "[::1]"] {
                    for set in 0..options.len() {
                        port += 1;
                        let kept = build_host(&host, port);
                        let all = host_sockets(&crate::live::read_host().unwrap());
                        if !all.iter().any(|s| s.local.port() == port) {
                            continue;
                        }
                        let bind = format!("{addr}:{port}");
                        let uid = (rnd(3) == 0).then_some(1000);
                        let (n, w) = doctor_against_kernel(port, None, &[bind], Some(set), uid);
                        checked += n;
                        wrong.extend(w.into_iter().map(|w| format!("{host:?}\n{w}")));
                        drop(kept);
                    }
                }
            }
            eprintln!(
                "random hosts: {checked} answers compared, {} differ",
                wrong.len()
            );
            assert!(checked > 300, "only {checked} answers compared");
            assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
        });
    }

    /// A fresh UDP socket with `options` bound to `bind`: the kernel's result.
    fn real_udp(bind: SocketAddr, options: &[&str]) -> (String, Option<std::os::fd::OwnedFd>) {
        use crate::sys;
        use std::os::fd::AsRawFd;
        let fd = sys::udp_socket(bind.is_ipv6()).unwrap();
        for (o, name) in [
            ("SO_REUSEADDR", libc::SO_REUSEADDR),
            ("SO_REUSEPORT", libc::SO_REUSEPORT),
        ] {
            if options.contains(&o) {
                sys::setsockopt_int(fd.as_raw_fd(), libc::SOL_SOCKET, name, 1).unwrap();
            }
        }
        match sys::bind(fd.as_raw_fd(), bind) {
            Ok(()) => ("ok".into(), Some(fd)),
            Err(e) => (sys::errno_name(e), None),
        }
    }

    /// Sends one datagram to `to` from a fresh socket (its own source port,
    /// never the port a connected socket of `fds` has for its peer: the
    /// doctor answers for a new peer, and a source the kernel happened to
    /// pick there went to that connected socket once in ~800 answers) and
    /// says which of `fds` got it, by index.
    fn who_gets(to: SocketAddr, fds: &[std::os::fd::RawFd]) -> Vec<usize> {
        use crate::sys;
        use std::os::fd::AsRawFd;
        let peers: Vec<u16> = fds
            .iter()
            .filter_map(|&fd| sys::peer_addr(fd))
            .map(|a| a.port())
            .collect();
        let any: SocketAddr = if to.is_ipv6() { "[::]:0" } else { "0.0.0.0:0" }
            .parse()
            .unwrap();
        let from = loop {
            let s = sys::udp_socket(to.is_ipv6()).unwrap();
            sys::bind(s.as_raw_fd(), any).unwrap();
            let port = sys::local_addr(s.as_raw_fd()).map_or(0, |a| a.port());
            if !peers.contains(&port) {
                break s;
            }
        };
        sys::send_to(from.as_raw_fd(), to).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fds.iter()
            .enumerate()
            .filter(|(_, fd)| sys::drain_datagrams(**fd) > 0)
            .map(|(k, _)| k)
            .collect()
    }

    /// Whether what the kernel did (`got`: indexes into `names`) is what the
    /// doctor said.
    fn delivery_holds(d: &bindlab_sockets::Delivery, names: &[String], got: &[usize]) -> bool {
        use bindlab_sockets::Choice;
        let got: Vec<&str> = got.iter().map(|k| names[*k].as_str()).collect();
        match d.choice {
            Choice::Dropped => got.is_empty(),
            Choice::One => got == [d.receivers[0].as_str()],
            Choice::Hash | Choice::Undefined => {
                got.len() == 1 && d.receivers.iter().any(|r| r == got[0])
            }
            Choice::Copies => got.len() == d.receivers.len(),
        }
    }

    /// The doctor's UDP answers against the kernel for a port whose sockets
    /// are `fds`, in bind order: who receives a datagram now, and for each
    /// address and option set, the bind and who receives once it is bound.
    fn doctor_tells_the_truth_about_udp(
        port: u16,
        fds: &[std::os::fd::RawFd],
        binds: &[&str],
    ) -> usize {
        use bindlab_sockets::{datagram_to, picture_of, receivers};
        let all = host_sockets(&crate::live::read_host().unwrap());
        let p = picture_of(
            &all,
            Os::Linux,
            port,
            Some(crate::live::host_addresses()),
            true,
        );
        assert_eq!(p.sockets.len(), fds.len(), "port {port}: {all:?}");
        assert!(
            !p.unknowns,
            "port {port}: root reads every option: {:?}",
            p.sockets
        );
        let text = scenario(&p, "root", false, None);
        assert!(mismatches(&text, Os::Linux).is_empty(), "{text}");
        let mut names: Vec<String> = p.sockets.iter().map(|(n, _)| n.clone()).collect();
        let mut checked = 0;
        for bind in binds {
            let bind: SocketAddr = bind.parse().unwrap();
            let to = datagram_to(bind).expect("a datagram can be sent there");
            // Who receives now, before any new socket.
            let d = receivers(&p, "root", false, to).unwrap();
            let got = who_gets(to, fds);
            assert!(
                delivery_holds(&d, &names, &got),
                "port {port}: a datagram to {to}: the kernel gave it to {got:?} of {names:?}; the doctor: {}\n{text}",
                d.sentence()
            );
            checked += 1;
            let q = Question {
                bind,
                user: "root".into(),
            };
            for a in ask(&p, "root", &q) {
                let v = &a.verdicts[0];
                let (b, fd) = real_udp(bind, a.options);
                assert_eq!(
                    v.bind.result, b,
                    "port {port}, {bind} with {}: the kernel says {b}\n{text}",
                    a.label
                );
                checked += 1;
                let Some(fd) = fd else { continue };
                // Bound beside them: who receives now.
                use std::os::fd::AsRawFd;
                let mut with_me = fds.to_vec();
                with_me.push(fd.as_raw_fd());
                names.push("myapp".into());
                let d = v.datagram.as_ref().unwrap();
                let got = who_gets(to, &with_me);
                assert!(
                    delivery_holds(d, &names, &got),
                    "port {port}, {bind} with {}: the kernel gave a datagram to {got:?} of {names:?}; the doctor: {}\n{text}",
                    a.label,
                    d.sentence()
                );
                names.pop();
                checked += 1;
            }
        }
        checked
    }

    /// Random UDP hosts (40; `BINDLAB_DOCTOR_HOSTS` and
    /// `BINDLAB_DOCTOR_SEED` as for TCP): two to five UDP sockets on one
    /// port, on the wildcards, loopback addresses and a v4-mapped one, IPv6
    /// ones with and without IPV6_V6ONLY, any of SO_REUSEADDR and
    /// SO_REUSEPORT, some connected to a peer; then who receives a datagram
    /// now and the doctor's bind, and who receives after it, for three
    /// addresses under each option set, against the kernel's.
    #[test]
    fn on_the_kernel_the_doctor_answers_random_udp_hosts_truly() {
        use crate::sys;
        use std::os::fd::{AsRawFd, OwnedFd};
        in_namespace_on_one_cpu(|| {
            let (mut rnd, hosts) = draws(0x2545_f491_4f6c_dd1d, 40);
            let (mut checked, mut wrong) = (0, Vec::new());
            for k in 0..hosts {
                let port = 23000 + k;
                let mut kept: Vec<OwnedFd> = Vec::new();
                let mut made = Vec::new();
                for _ in 0..2 + rnd(4) {
                    let v6 = rnd(2) == 1;
                    let addrs: &[&str] = if v6 {
                        &["::", "::1", "::ffff:127.0.0.1"]
                    } else {
                        &["0.0.0.0", "127.0.0.1", "127.0.0.2"]
                    };
                    let ip: std::net::IpAddr = addrs[rnd(3)].parse().unwrap();
                    let fd = sys::udp_socket(v6).unwrap();
                    let on =
                        |level, name| sys::setsockopt_int(fd.as_raw_fd(), level, name, 1).unwrap();
                    let (ra, rp, only, connect) =
                        (rnd(2) == 1, rnd(3) == 1, rnd(2) == 1, rnd(4) == 0);
                    if ra {
                        on(libc::SOL_SOCKET, libc::SO_REUSEADDR);
                    }
                    if rp {
                        on(libc::SOL_SOCKET, libc::SO_REUSEPORT);
                    }
                    if v6 && only {
                        on(libc::IPPROTO_IPV6, libc::IPV6_V6ONLY);
                    }
                    if sys::bind(fd.as_raw_fd(), SocketAddr::new(ip, port)).is_err() {
                        continue;
                    }
                    // Connected only where bound to an address: a table
                    // shows a wildcard-bound socket that connected at its
                    // source address, and the rebuild binds that address.
                    if connect && !ip.is_unspecified() {
                        let peer: std::net::IpAddr = if v6 && !ip.to_string().starts_with("::ffff")
                        {
                            "::1".parse().unwrap()
                        } else if v6 {
                            "::ffff:127.0.0.1".parse().unwrap()
                        } else {
                            "127.0.0.1".parse().unwrap()
                        };
                        let _ =
                            sys::connect(fd.as_raw_fd(), SocketAddr::new(peer, port + 20000), 100);
                    }
                    made.push(format!(
                        "{ip} ra={ra} rp={rp} v6only={only} connect={connect}"
                    ));
                    kept.push(fd);
                }
                if kept.is_empty() {
                    continue;
                }
                let fds: Vec<i32> = kept.iter().map(|f| f.as_raw_fd()).collect();
                let binds = [
                    format!("0.0.0.0:{port}"),
                    format!("127.0.0.1:{port}"),
                    format!("[::1]:{port}"),
                ];
                let binds: Vec<&str> = binds.iter().map(String::as_str).collect();
                match std::panic::catch_unwind(|| {
                    doctor_tells_the_truth_about_udp(port, &fds, &binds)
                }) {
                    Ok(n) => checked += n,
                    Err(e) => {
                        let msg = e
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_default();
                        wrong.push(format!("{made:#?}\n{msg}"));
                    }
                }
            }
            eprintln!(
                "random UDP hosts: {checked} answers compared, {} hosts differ",
                wrong.len()
            );
            assert!(checked > 300, "only {checked} answers compared");
            assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
        });
    }

    #[test]
    fn on_the_kernel_the_doctor_tells_the_truth_about_udp_receivers() {
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
            let udp = |addr: &str, options: &[&str]| {
                let (r, fd) = real_udp(addr.parse().unwrap(), options);
                assert_eq!(r, "ok", "{addr} {options:?}");
                fd.unwrap()
            };
            // A server as Rust's std makes it: no option, read back.
            let std_server = std::net::UdpSocket::bind("127.0.0.1:5300").unwrap();
            let all = crate::live::read_host().unwrap();
            let me = all
                .iter()
                .find(|s| s.udp && s.local.port() == 5300)
                .unwrap();
            assert_eq!(me.owner.as_ref().map(|o| o.pid), Some(std::process::id()));
            assert_eq!((me.reuseaddr, me.reuseport), (Some(false), Some(false)));
            std_server.set_nonblocking(true).unwrap();
            let mut n = doctor_tells_the_truth_about_udp(
                5300,
                &[std_server.as_raw_fd()],
                &["127.0.0.1:5300", "0.0.0.0:5300"],
            );
            // Two receivers sharing 0.0.0.0:5000 through SO_REUSEADDR: the
            // newest gets every datagram.
            let r1 = udp("0.0.0.0:5000", &["SO_REUSEADDR"]);
            let r2 = udp("0.0.0.0:5000", &["SO_REUSEADDR"]);
            n += doctor_tells_the_truth_about_udp(
                5000,
                &[r1.as_raw_fd(), r2.as_raw_fd()],
                &["0.0.0.0:5000", "127.0.0.1:5000"],
            );
            // An SO_REUSEPORT group: one member per sender, by hash.
            let w1 = udp("127.0.0.1:6000", &["SO_REUSEPORT"]);
            let w2 = udp("127.0.0.1:6000", &["SO_REUSEPORT"]);
            n += doctor_tells_the_truth_about_udp(
                6000,
                &[w1.as_raw_fd(), w2.as_raw_fd()],
                &["127.0.0.1:6000"],
            );
            // IPv4 then a dual-stack IPv6 receiver on one port (two /proc
            // files, interleaved by inode).
            let a4 = udp("0.0.0.0:7000", &["SO_REUSEADDR"]);
            let a6 = udp("[::]:7000", &["SO_REUSEADDR"]);
            n += doctor_tells_the_truth_about_udp(
                7000,
                &[a4.as_raw_fd(), a6.as_raw_fd()],
                &["0.0.0.0:7000", "[::]:7000"],
            );
            // Per address: who receives now, four binds, and who receives after
            // each that worked: 5300 (no option: none works) 2 × 5; 5000 and
            // 7000 (SO_REUSEADDR and both work) 2 × 7 each; 6000 once, 7.
            assert_eq!(n, 10 + 14 + 7 + 14, "answers checked");
        })
        .join()
        .unwrap();
    }
}
