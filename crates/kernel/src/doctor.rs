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
                    pid: o.pid,
                    name: o.comm.clone(),
                });
                s.reuseaddr = l.reuseaddr;
                s.reuseport = l.reuseport;
                s.v6only = l.v6only;
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
                pid: o.pid,
                name: o.comm.clone(),
            });
            s.reuseaddr = l.reuseaddr;
            s.reuseport = l.reuseport;
            s.v6only = l.v6only;
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
        let all = host_sockets(&crate::live::read_host().unwrap());
        let p = picture(&all, Os::Linux, port, Some(crate::live::host_addresses()));
        assert!(!p.sockets.is_empty(), "nothing on port {port}: {all:?}");
        assert_eq!(p.unknowns, expect_unknowns, "port {port}: {:?}", p.sockets);
        let text = scenario(&p, "root", false, None);
        assert!(
            mismatches(&text, Os::Linux).is_empty(),
            "{text}\n{:?}",
            mismatches(&text, Os::Linux)
        );
        let mut checked = 0;
        for bind in [format!("0.0.0.0:{port}"), format!("127.0.0.1:{port}")] {
            let q = Question {
                bind: bind.parse().unwrap(),
                user: "root".into(),
            };
            for a in ask(&p, "root", &q) {
                let (b, l) = real(q.bind, a.options);
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

    /// Sends one datagram to `to` from a fresh socket (its own source port)
    /// and says which of `fds` got it, by index.
    fn who_gets(to: SocketAddr, fds: &[std::os::fd::RawFd]) -> Vec<usize> {
        use crate::sys;
        use std::os::fd::AsRawFd;
        let from = sys::udp_socket(to.is_ipv6()).unwrap();
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
