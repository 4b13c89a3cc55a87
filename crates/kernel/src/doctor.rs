//! `bindlab doctor`: this host's live sockets ([`crate::live`]) as the
//! host model `bindlab-sockets` turns into a scenario and answers about.
//! Its test holds the doctor to the kernel: every answer about a port set up
//! in a private namespace is what a real bind and listen give.

use bindlab_sockets::{HostSocket, Process, State};

use crate::live::{user_name, LiveSocket, TcpState};

/// The live sockets in the host model: user names from `/etc/passwd`; a
/// TIME_WAIT's user unknown (`/proc` shows 0 for it: no socket is left).
pub fn host_sockets(live: &[LiveSocket]) -> Vec<HostSocket> {
    live.iter()
        .map(|l| {
            let state = match l.state {
                TcpState::Listen => State::Listen,
                TcpState::TimeWait => State::TimeWait,
                TcpState::Connected(n) => State::Connected(n.to_string()),
            };
            let remote = (l.state != TcpState::Listen).then_some(l.remote);
            let mut s = HostSocket::new(l.local, remote, state);
            s.v6 = l.v6;
            s.user = (l.state != TcpState::TimeWait).then(|| user_name(l.uid));
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
