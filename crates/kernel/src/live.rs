//! This host's live TCP and UDP sockets, read, never changed:
//! `/proc/thread-self/net/tcp`, `tcp6`, `udp` and `udp6` (the calling
//! thread's network namespace), their processes (from
//! `/proc/PID/fd` links) and, where this process may, their reuse options
//! (a duplicate through `pidfd_getfd`, then `getsockopt`). What cannot be read
//! stays `None`: `doctor` evaluates both values rather than guess.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::AsRawFd;

use crate::sys;

/// A TCP state as `/proc/net/tcp` numbers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpState {
    Listen,
    TimeWait,
    /// Any other state: a connection (established, closing, …), named.
    Connected(&'static str),
}

/// The process that has a socket open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub pid: u32,
    /// `/proc/PID/comm`.
    pub comm: String,
    pub fd: i32,
    /// The other processes that have the socket open (a forked server's
    /// workers hold its listener too): stopping `pid` alone frees nothing.
    pub also: Vec<u32>,
}

/// One live socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveSocket {
    /// From `/proc/net/udp{,6}`: its `state` is then ESTABLISHED when
    /// connected, CLOSE when only bound (how the kernel numbers UDP's).
    pub udp: bool,
    pub v6: bool,
    pub local: SocketAddr,
    pub remote: SocketAddr,
    pub state: TcpState,
    pub uid: u32,
    pub inode: u64,
    pub owner: Option<Owner>,
    pub reuseaddr: Option<bool>,
    pub reuseport: Option<bool>,
    pub v6only: Option<bool>,
}

fn state(code: u8) -> TcpState {
    match code {
        0x0A => TcpState::Listen,
        0x06 => TcpState::TimeWait,
        0x01 => TcpState::Connected("ESTABLISHED"),
        0x02 => TcpState::Connected("SYN_SENT"),
        0x03 => TcpState::Connected("SYN_RECV"),
        0x04 => TcpState::Connected("FIN_WAIT1"),
        0x05 => TcpState::Connected("FIN_WAIT2"),
        0x07 => TcpState::Connected("CLOSE"),
        0x08 => TcpState::Connected("CLOSE_WAIT"),
        0x09 => TcpState::Connected("LAST_ACK"),
        0x0B => TcpState::Connected("CLOSING"),
        _ => TcpState::Connected("UNKNOWN"),
    }
}

/// `0100007F:1F90` → 127.0.0.1:8080 (each 32-bit word as the kernel printed
/// it from memory: in this machine's byte order).
fn endpoint(s: &str) -> Option<SocketAddr> {
    let (addr, port) = s.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let words: Vec<u32> = (0..addr.len() / 8)
        .map(|k| u32::from_str_radix(addr.get(k * 8..k * 8 + 8)?, 16).ok())
        .collect::<Option<_>>()?;
    let ip = match words.len() {
        1 => IpAddr::V4(Ipv4Addr::from(words[0].to_ne_bytes())),
        4 => {
            let mut b = [0u8; 16];
            for (k, w) in words.iter().enumerate() {
                b[k * 4..k * 4 + 4].copy_from_slice(&w.to_ne_bytes());
            }
            IpAddr::V6(Ipv6Addr::from(b))
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

/// Parses the text of `/proc/net/tcp` or `tcp6`; a line that does not read
/// is an error naming it (never a panic).
pub fn parse_proc_net(text: &str, v6: bool) -> Result<Vec<LiveSocket>, String> {
    parse_table(text, v6, false)
}

/// Parses the text of `/proc/net/udp` or `udp6` (the same columns, and a
/// `drops` one at the end); like [`parse_proc_net`]. A port's sockets are
/// listed newest bound first, as the kernel's chain holds them.
pub fn parse_proc_net_udp(text: &str, v6: bool) -> Result<Vec<LiveSocket>, String> {
    parse_table(text, v6, true)
}

fn parse_table(text: &str, v6: bool, udp: bool) -> Result<Vec<LiveSocket>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let bad = || format!("line {}: cannot read `{}`", n + 1, line.trim());
        if f.len() < 10 {
            return Err(bad());
        }
        let (Some(local), Some(remote)) = (endpoint(f[1]), endpoint(f[2])) else {
            return Err(bad());
        };
        let code = u8::from_str_radix(f[3], 16).map_err(|_| bad())?;
        let uid = f[7].parse().map_err(|_| bad())?;
        let inode = f[9].parse().map_err(|_| bad())?;
        out.push(LiveSocket {
            udp,
            v6,
            local,
            remote,
            state: state(code),
            uid,
            inode,
            owner: None,
            reuseaddr: None,
            reuseport: None,
            v6only: None,
        });
    }
    Ok(out)
}

/// Every socket inode open in a process: inode → (pid, fd, comm).
fn owners() -> std::collections::HashMap<u64, Owner> {
    let mut map = std::collections::HashMap::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return map;
    };
    for p in procs.flatten() {
        let Some(pid) = p.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(p.path().join("fd")) else {
            continue; // another user's process, as an ordinary user
        };
        let comm = std::fs::read_to_string(p.path().join("comm"))
            .map(|c| c.trim().to_string())
            .unwrap_or_default();
        for fd in fds.flatten() {
            let Ok(target) = std::fs::read_link(fd.path()) else {
                continue;
            };
            let t = target.to_string_lossy();
            let Some(inode) = t
                .strip_prefix("socket:[")
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|i| i.parse().ok())
            else {
                continue;
            };
            let Some(fd) = fd.file_name().to_str().and_then(|s| s.parse().ok()) else {
                continue;
            };
            let owner = map.entry(inode).or_insert(Owner {
                pid,
                comm: comm.clone(),
                fd,
                also: Vec::new(),
            });
            if owner.pid != pid && !owner.also.contains(&pid) {
                owner.also.push(pid);
            }
        }
    }
    map
}

/// This namespace's TCP and UDP sockets, with owners and, where readable,
/// options.
pub fn read_host() -> Result<Vec<LiveSocket>, String> {
    let mut all = Vec::new();
    for (file, v6, udp) in [
        ("tcp", false, false),
        ("tcp6", true, false),
        ("udp", false, true),
        ("udp6", true, true),
    ] {
        let path = format!("/proc/thread-self/net/{file}");
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                all.extend(parse_table(&text, v6, udp).map_err(|e| format!("{path}: {e}"))?)
            }
            // No IPv6 in this kernel: no tcp6 file.
            Err(_) if v6 => {}
            Err(e) => return Err(format!("cannot read {path}: {e}")),
        }
    }
    let owners = owners();
    for s in &mut all {
        if s.inode == 0 {
            continue; // TIME_WAIT: no socket left to ask
        }
        let Some(o) = owners.get(&s.inode) else {
            continue;
        };
        s.owner = Some(o.clone());
        if let Ok(fd) = sys::steal_fd(o.pid, o.fd) {
            let get = |level, name| {
                sys::getsockopt_int(fd.as_raw_fd(), level, name)
                    .ok()
                    .map(|v| v != 0)
            };
            s.reuseaddr = get(libc::SOL_SOCKET, libc::SO_REUSEADDR);
            s.reuseport = get(libc::SOL_SOCKET, libc::SO_REUSEPORT);
            if s.v6 {
                s.v6only = get(libc::IPPROTO_IPV6, libc::IPV6_V6ONLY);
            }
        }
    }
    Ok(all)
}

/// The addresses of this namespace's interfaces.
pub fn host_addresses() -> Vec<IpAddr> {
    sys::local_addresses()
}

/// The user running this process: its uid and name.
pub fn current_user() -> (u32, String) {
    let uid = sys::uid();
    (uid, user_name(uid))
}

/// A uid's name from `/etc/passwd`, else `uid1000`.
pub fn user_name(uid: u32) -> String {
    if uid == 0 {
        return "root".into();
    }
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                let f: Vec<&str> = l.split(':').collect();
                (f.len() > 2 && f[2].parse() == Ok(uid)).then(|| f[0].to_string())
            })
        })
        .unwrap_or_else(|| format!("uid{uid}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Captured on this machine (x86-64, little-endian) in a fresh network
    /// namespace: Python's listener on 127.0.0.1:8080 with one accepted
    /// connection (both ends) and one TIME_WAIT; listeners on [::]:8081 and
    /// [::1]:8082.
    const TCP: &str = include_str!("testdata/proc-net-tcp.txt");
    const TCP6: &str = include_str!("testdata/proc-net-tcp6.txt");

    #[test]
    fn proc_net_tcp_reads_as_the_kernel_wrote_it() {
        if cfg!(target_endian = "big") {
            return; // the captures are little-endian
        }
        let v4 = parse_proc_net(TCP, false).unwrap();
        assert_eq!(v4.len(), 4);
        assert_eq!(v4[0].local, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(v4[0].state, TcpState::Listen);
        assert_eq!((v4[0].uid, v4[0].inode), (0, 1684019));
        assert_eq!((v4[1].state, v4[1].inode), (TcpState::TimeWait, 0));
        assert_eq!(v4[1].remote, "127.0.0.1:58498".parse().unwrap());
        assert_eq!(v4[2].state, TcpState::Connected("ESTABLISHED"));
        assert_eq!(v4[3].local, "127.0.0.1:58494".parse().unwrap());
        let v6 = parse_proc_net(TCP6, true).unwrap();
        assert_eq!(v6[0].local, "[::1]:8082".parse().unwrap());
        assert_eq!(v6[1].local, "[::]:8081".parse().unwrap());
    }

    /// Captured on this machine in a fresh namespace, with the `ss -uanpe`
    /// of `bindlab-sockets`' testdata: two SO_REUSEADDR receivers on
    /// 0.0.0.0:5000 (inode 3458984 bound first), two SO_REUSEPORT ones on
    /// 127.0.0.1:6000, a socket connected to 127.0.0.1:5000, nobody's on
    /// 127.0.0.1:8000; [::]:5353 and [::1]:7000.
    const UDP: &str = include_str!("testdata/proc-net-udp.txt");
    const UDP6: &str = include_str!("testdata/proc-net-udp6.txt");

    #[test]
    fn proc_net_udp_reads_as_the_kernel_wrote_it() {
        if cfg!(target_endian = "big") {
            return; // the captures are little-endian
        }
        let v4 = parse_proc_net_udp(UDP, false).unwrap();
        assert_eq!(v4.len(), 6);
        assert!(v4.iter().all(|s| s.udp && !s.v6));
        // Connected: state 01, the peer given.
        assert_eq!(v4[0].state, TcpState::Connected("ESTABLISHED"));
        assert_eq!(
            (v4[0].local, v4[0].remote),
            (
                "127.0.0.1:53701".parse().unwrap(),
                "127.0.0.1:5000".parse().unwrap()
            )
        );
        // Bound only: state 07; a port's sockets newest first.
        assert_eq!(v4[1].state, TcpState::Connected("CLOSE"));
        assert_eq!(v4[1].local, "0.0.0.0:5000".parse().unwrap());
        assert_eq!((v4[1].inode, v4[2].inode), (3458985, 3458984));
        assert_eq!(
            (v4[5].uid, v4[5].local),
            (65534, "127.0.0.1:8000".parse().unwrap())
        );
        let v6 = parse_proc_net_udp(UDP6, true).unwrap();
        assert_eq!(v6[0].local, "[::]:5353".parse().unwrap());
        assert_eq!(v6[1].local, "[::1]:7000".parse().unwrap());
        assert!(v6.iter().all(|s| s.udp && s.v6));
        assert!(
            parse_proc_net_udp("header\n 1: 00000000:1388 garbage\n", false)
                .unwrap_err()
                .starts_with("line 2: cannot read")
        );
    }

    #[test]
    fn garbage_is_a_message_never_a_panic() {
        for bad in [
            "header\nnonsense\n",
            "header\n 0: 0100007F 00000000:0000 0A a b c d e f\n",
            "header\n 0: 0100007G:1F90 00000000:0000 0A 0 0 0 x 0 1\n",
            "header\n 0: 0100007F:1F90 00000000:0000 ZZ 0 0 0 0 0 1\n",
            "header\n 0: 01000:1F90 00000000:0000 0A 0 0 0 0 0 1\n",
            "header\n 0: é:ü 00000000:0000 0A 0 0 0 0 0 1\n",
        ] {
            let e = parse_proc_net(bad, false).unwrap_err();
            assert!(e.starts_with("line 2: cannot read"), "{e}");
        }
        assert_eq!(parse_proc_net("header only\n", true), Ok(vec![]));
    }
}

/// One socket of one process, as `process_sockets` reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessSocket {
    pub udp: bool,
    pub fd: i32,
    pub sock: LiveSocket,
}

/// Every TCP and UDP socket process `pid` holds, read in *its* network
/// namespace (`/proc/PID/net/…`), with SO_REUSEADDR, SO_REUSEPORT and (on an
/// IPv6 socket) IPV6_V6ONLY read back from the live socket through
/// `pidfd_getfd` (root, or ptrace rights over the process). What the
/// runtime-defaults check of `cargo xtask test runtimes` compares with
/// `content/runtimes.toml`; an option that cannot be read is an error, never
/// a guess.
pub fn process_sockets(pid: u32) -> Result<Vec<ProcessSocket>, String> {
    let mut fds = std::collections::HashMap::new();
    let dir = format!("/proc/{pid}/fd");
    for fd in std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {dir}: {e}"))?
        .flatten()
    {
        let Ok(target) = std::fs::read_link(fd.path()) else {
            continue;
        };
        let t = target.to_string_lossy();
        let inode: Option<u64> = t
            .strip_prefix("socket:[")
            .and_then(|r| r.strip_suffix(']'))
            .and_then(|i| i.parse().ok());
        let num: Option<i32> = fd.file_name().to_str().and_then(|s| s.parse().ok());
        if let (Some(inode), Some(num)) = (inode, num) {
            fds.insert(inode, num);
        }
    }
    let mut out = Vec::new();
    for (file, v6, udp) in [
        ("tcp", false, false),
        ("tcp6", true, false),
        ("udp", false, true),
        ("udp6", true, true),
    ] {
        let path = format!("/proc/{pid}/net/{file}");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(_) if v6 => continue, // no IPv6 in this kernel
            Err(e) => return Err(format!("cannot read {path}: {e}")),
        };
        for mut s in parse_proc_net(&text, v6).map_err(|e| format!("{path}: {e}"))? {
            let Some(&fd) = fds.get(&s.inode) else {
                continue;
            };
            let dup = sys::steal_fd(pid, fd).map_err(|e| {
                format!(
                    "pidfd_getfd of fd {fd} of process {pid}: {}",
                    sys::errno_name(e)
                )
            })?;
            let get = |level, name, what: &str| {
                sys::getsockopt_int(dup.as_raw_fd(), level, name)
                    .map(|v| v != 0)
                    .map_err(|e| format!("getsockopt {what} on fd {fd}: {}", sys::errno_name(e)))
            };
            s.reuseaddr = Some(get(libc::SOL_SOCKET, libc::SO_REUSEADDR, "SO_REUSEADDR")?);
            s.reuseport = Some(get(libc::SOL_SOCKET, libc::SO_REUSEPORT, "SO_REUSEPORT")?);
            if v6 {
                s.v6only = Some(get(libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, "IPV6_V6ONLY")?);
            }
            out.push(ProcessSocket { udp, fd, sock: s });
        }
    }
    Ok(out)
}
