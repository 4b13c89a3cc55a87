//! The engine benchmark's crowded-port workloads as real system calls
//! (`crates/engine/benches/crowded.rs` describes them; the two are kept the
//! same by name and shape): N sockets on one port, then one timed call.
//!
//! Runs in a private network namespace (root: `unshare(CLONE_NEWNET)`),
//! with loopback up, 203.0.113.0/24 local (the clients' addresses), the
//! accept backlog and TIME_WAIT limit raised so the population fits.
//! Differences the kernel forces, stated here: a timed connect is a
//! non-blocking connect() + poll() + the completing connect() (what a
//! blocking connect() costs on loopback, handshake included); the
//! population's connections come from 203.0.113.x with bound ports (the
//! engine's `client` steps use the same addresses) and wait in the accept
//! queue; each timed connection is accepted and closed after it is timed.
//! UDP (`udp-bind`, `datagram`): N SO_REUSEPORT UDP sockets on
//! 127.0.0.1:P; a timed datagram is one sendto() from a new socket bound to
//! 127.0.0.1 (a new source port, as the engine's new peer each time; on
//! loopback the kernel delivers it within the call), and every population
//! socket is drained after each batch, untimed. `spread`: N listeners
//! with SO_REUSEADDR, two on each of N/2 ports from 1024 (10.0.0.1 and
//! 10.0.0.2); on a port picked as the engine picks it, seven calls timed
//! together — socket(), SO_REUSEADDR, bind(10.0.0.1) (refused: the
//! listener there), close(), socket(), bind(10.0.0.3), close() — and the
//! figure is per call.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::os::fd::{AsRawFd, OwnedFd};
use std::process::Command;
use std::time::Instant;

use crate::sys;

const PORT: u16 = 8080;

/// The workloads, by the engine benchmark's names.
pub const WORKLOADS: [&str; 7] = [
    "bind", "listen", "connect", "tw-bind", "udp-bind", "datagram", "spread",
];

/// `spread`'s first port and its three addresses (the engine's).
const SPREAD_BASE: u16 = 1024;
const SPREAD_AT: [Ipv4Addr; 3] = [
    Ipv4Addr::new(10, 0, 0, 1),
    Ipv4Addr::new(10, 0, 0, 2),
    Ipv4Addr::new(10, 0, 0, 3),
];

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run `ip` (install iproute2): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Enters a fresh network namespace set up for the workloads, and returns
/// how many files the process may open. Call it while the process has one
/// thread.
pub fn enter_namespace() -> Result<u64, String> {
    if !sys::is_root() {
        return Err("needs root for a private network namespace".into());
    }
    sys::unshare_net().map_err(|e| format!("unshare(CLONE_NEWNET): {}", sys::errno_name(e)))?;
    ip(&["link", "set", "lo", "up"])?;
    ip(&["route", "add", "local", "203.0.113.0/24", "dev", "lo"])?;
    ip(&["route", "add", "local", "10.0.0.0/24", "dev", "lo"])?;
    let w = |path: &str, v: &str| std::fs::write(path, v).map_err(|e| format!("{path}: {e}"));
    w("/proc/sys/net/core/somaxconn", "262144")?;
    w("/proc/sys/net/ipv4/tcp_max_tw_buckets", "1000000")?;
    w("/proc/sys/net/ipv4/tcp_max_syn_backlog", "262144")?;
    sys::raise_fd_limit(400_000).map_err(|e| format!("RLIMIT_NOFILE: {}", sys::errno_name(e)))
}

fn err(what: &str, e: sys::Errno) -> String {
    format!("{what}: {}", sys::errno_name(e))
}

fn sock(reuseaddr: bool, reuseport: bool) -> Result<OwnedFd, String> {
    let s = sys::tcp_socket(false).map_err(|e| err("socket", e))?;
    let fd = s.as_raw_fd();
    if reuseaddr {
        sys::setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1)
            .map_err(|e| err("SO_REUSEADDR", e))?;
    }
    if reuseport {
        sys::setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_REUSEPORT, 1)
            .map_err(|e| err("SO_REUSEPORT", e))?;
    }
    Ok(s)
}

fn udp_sock(reuseport: bool) -> Result<OwnedFd, String> {
    let s = sys::udp_socket(false).map_err(|e| err("socket", e))?;
    if reuseport {
        sys::setsockopt_int(s.as_raw_fd(), libc::SOL_SOCKET, libc::SO_REUSEPORT, 1)
            .map_err(|e| err("SO_REUSEPORT", e))?;
    }
    Ok(s)
}

fn at(a: Ipv4Addr, port: u16) -> SocketAddr {
    SocketAddr::new(IpAddr::V4(a), port)
}

/// The `k`-th client's address: 203.0.113.x, as the engine's `client`.
fn client_addr(k: usize) -> SocketAddr {
    at(
        Ipv4Addr::new(203, 0, 113, (k % 250 + 1) as u8),
        40000 + (k / 250) as u16,
    )
}

/// One connection to `dst` from the `k`-th client, left in the listener's
/// accept queue (a queued connection holds the port as an accepted one
/// does, without a file descriptor).
fn connection(dst: SocketAddr, k: usize) -> Result<OwnedFd, String> {
    let c = sock(false, false)?;
    sys::bind(c.as_raw_fd(), client_addr(k)).map_err(|e| err("client bind", e))?;
    sys::connect(c.as_raw_fd(), dst, 2000).map_err(|e| err("client connect", e))?;
    Ok(c)
}

fn accept_wait(lst: &OwnedFd) -> Result<(OwnedFd, Option<SocketAddr>), String> {
    for _ in 0..100 {
        match sys::accept(lst.as_raw_fd()) {
            Ok(x) => return Ok(x),
            Err(libc::EAGAIN) => {
                sys::wait_readable(lst.as_raw_fd(), 20);
            }
            Err(e) => return Err(err("accept", e)),
        }
    }
    Err("accept: nothing queued".into())
}

/// What a workload keeps open while its timed calls run.
#[derive(Default)]
struct Population {
    fds: Vec<OwnedFd>,
    listener: Option<OwnedFd>,
    /// `spread`: how many ports, and the rounds so far (which port is next).
    ports: usize,
    round: usize,
}

/// Builds the population; `files` is the open-file limit. Bound sockets
/// and listeners need a descriptor each, so `bind` and `listen` cannot be
/// larger than the limit; a `connect` population larger than it closes its
/// clients (the queued server ends stay, in CLOSE_WAIT, on the port).
fn populate(workload: &str, n: usize, files: u64) -> Result<Population, String> {
    let lo = Ipv4Addr::LOCALHOST;
    let mut p = Population::default();
    let room = (files as usize).saturating_sub(1_500);
    match workload {
        "bind" | "listen" => {
            if n > room {
                return Err(format!(
                    "{n} sockets need {n} open files; this process may open {files} (RLIMIT_NOFILE's hard limit, and no CAP_SYS_RESOURCE to raise it)"
                ));
            }
            for i in 0..n {
                let s = sock(false, true)?;
                sys::bind(s.as_raw_fd(), at(lo, PORT))
                    .map_err(|e| err(&format!("population bind {i}"), e))?;
                if workload == "listen" {
                    sys::listen_backlog(s.as_raw_fd(), 16)
                        .map_err(|e| err(&format!("population listen {i}"), e))?;
                }
                p.fds.push(s);
            }
        }
        "spread" => {
            if n > room {
                return Err(format!(
                    "{n} sockets need {n} open files; this process may open {files}"
                ));
            }
            for i in 0..n {
                let s = sock(true, false)?;
                let at = at(SPREAD_AT[i % 2], SPREAD_BASE + (i / 2) as u16);
                sys::bind(s.as_raw_fd(), at)
                    .map_err(|e| err(&format!("population bind {i}"), e))?;
                sys::listen_backlog(s.as_raw_fd(), 16)
                    .map_err(|e| err(&format!("population listen {i}"), e))?;
                p.fds.push(s);
            }
            p.ports = (n / 2).max(1);
        }
        "udp-bind" | "datagram" => {
            if n > room {
                return Err(format!(
                    "{n} sockets need {n} open files; this process may open {files}"
                ));
            }
            for i in 0..n {
                let s = udp_sock(true)?;
                sys::bind(s.as_raw_fd(), at(lo, PORT))
                    .map_err(|e| err(&format!("population UDP bind {i}"), e))?;
                p.fds.push(s);
            }
        }
        "connect" => {
            let l = sock(true, false)?;
            sys::bind(l.as_raw_fd(), at(Ipv4Addr::UNSPECIFIED, PORT))
                .map_err(|e| err("bind", e))?;
            sys::listen_backlog(l.as_raw_fd(), 262_144).map_err(|e| err("listen", e))?;
            let dst = at(lo, PORT);
            for k in 0..n {
                let c = connection(dst, k)?;
                if n <= room {
                    p.fds.push(c);
                }
            }
            p.listener = Some(l);
        }
        _ => {
            let l = sock(true, false)?;
            sys::bind(l.as_raw_fd(), at(Ipv4Addr::UNSPECIFIED, PORT))
                .map_err(|e| err("bind", e))?;
            sys::listen_backlog(l.as_raw_fd(), 262_144).map_err(|e| err("listen", e))?;
            let dst = at(lo, PORT);
            for k in 0..n {
                let c = connection(dst, k)?;
                // The server closes first: its end becomes the TIME_WAIT.
                let (a, _) = accept_wait(&l)?;
                drop(a);
                drop(c);
            }
        }
    }
    Ok(p)
}

/// Nanoseconds per timed call over `rounds` rounds.
fn timed(p: &mut Population, workload: &str, rounds: usize) -> Result<f64, String> {
    let lo = Ipv4Addr::LOCALHOST;
    let mut total = 0u128;
    if workload == "spread" {
        for _ in 0..rounds {
            p.round += 1;
            let port = SPREAD_BASE + ((p.round * 7919) % p.ports) as u16;
            total += spread_cycle(port)?;
        }
        return Ok(total as f64 / (rounds * 7) as f64);
    }
    for _ in 0..rounds {
        match workload {
            "bind" => {
                let s = sock(false, true)?;
                let t = Instant::now();
                let r = sys::bind(s.as_raw_fd(), at(lo, PORT));
                total += t.elapsed().as_nanos();
                r.map_err(|e| err("timed bind", e))?;
            }
            "listen" => {
                let s = sock(false, true)?;
                sys::bind(s.as_raw_fd(), at(lo, PORT)).map_err(|e| err("bind", e))?;
                let t = Instant::now();
                let r = sys::listen_backlog(s.as_raw_fd(), 16);
                total += t.elapsed().as_nanos();
                r.map_err(|e| err("timed listen", e))?;
            }
            "udp-bind" => {
                let s = udp_sock(true)?;
                let t = Instant::now();
                let r = sys::bind(s.as_raw_fd(), at(lo, PORT));
                total += t.elapsed().as_nanos();
                r.map_err(|e| err("timed UDP bind", e))?;
            }
            "datagram" => {
                let s = udp_sock(false)?;
                sys::bind(s.as_raw_fd(), at(lo, 0)).map_err(|e| err("peer bind", e))?;
                let t = Instant::now();
                let r = sys::send_to(s.as_raw_fd(), at(lo, PORT));
                total += t.elapsed().as_nanos();
                r.map_err(|e| err("timed sendto", e))?;
            }
            "connect" => {
                let s = sock(false, false)?;
                let t = Instant::now();
                let r = sys::connect(s.as_raw_fd(), at(lo, PORT), 2000);
                total += t.elapsed().as_nanos();
                r.map_err(|e| err("timed connect", e))?;
                // Accepted and closed, so the queue keeps the population's size.
                let l = p.listener.as_ref().ok_or("no listener")?;
                drop(accept_wait(l)?);
                drop(s);
            }
            _ => {
                let s = sock(true, false)?;
                let t = Instant::now();
                let r = sys::bind(s.as_raw_fd(), at(Ipv4Addr::UNSPECIFIED, PORT));
                total += t.elapsed().as_nanos();
                r.map_err(|e| err("timed bind beside TIME_WAITs", e))?;
            }
        }
    }
    if workload == "datagram" {
        // Every datagram was received by some member: none is left to fill
        // a receive queue in the next batch.
        let got: u32 = p
            .fds
            .iter()
            .map(|f| sys::drain_datagrams(f.as_raw_fd()))
            .sum();
        if got as usize != rounds {
            return Err(format!("{rounds} datagrams sent, {got} received"));
        }
    }
    Ok(total as f64 / rounds as f64)
}

/// `spread`'s seven calls on `port`, timed together: nanoseconds in all.
fn spread_cycle(port: u16) -> Result<u128, String> {
    let t = Instant::now();
    let x = sys::tcp_socket(false).map_err(|e| err("socket", e))?;
    let set = sys::setsockopt_int(x.as_raw_fd(), libc::SOL_SOCKET, libc::SO_REUSEADDR, 1);
    let refused = sys::bind(x.as_raw_fd(), at(SPREAD_AT[0], port));
    drop(x);
    let y = sys::tcp_socket(false).map_err(|e| err("socket", e))?;
    let beside = sys::bind(y.as_raw_fd(), at(SPREAD_AT[2], port));
    drop(y);
    let ns = t.elapsed().as_nanos();
    set.map_err(|e| err("SO_REUSEADDR", e))?;
    match refused {
        Err(libc::EADDRINUSE) => {}
        other => {
            return Err(format!(
                "bind beside a listener on port {port}: {other:?}, not EADDRINUSE"
            ))
        }
    }
    beside.map_err(|e| err("bind beside both listeners", e))?;
    Ok(ns)
}

/// One workload at `n` sockets: nanoseconds per timed call (the median of
/// five batches of 200), and how long the population took to build.
pub fn run(workload: &str, n: usize, files: u64) -> Result<(f64, f64), String> {
    let t = Instant::now();
    let mut p = populate(workload, n, files)?;
    let pop_ms = t.elapsed().as_secs_f64() * 1e3;
    timed(&mut p, workload, 50)?;
    let mut batches = (0..5)
        .map(|_| timed(&mut p, workload, 200))
        .collect::<Result<Vec<f64>, String>>()?;
    batches.sort_by(|a, b| a.total_cmp(b));
    Ok((batches[2], pop_ms))
}
