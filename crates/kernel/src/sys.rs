//! Thin, safe wrappers over the socket system calls the runner makes. Every
//! call returns `Err(errno)`; nothing here panics on a failing call.

use std::mem::{size_of, zeroed};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

pub type Errno = i32;

fn last_errno() -> Errno {
    std::io::Error::last_os_error()
        .raw_os_error()
        .unwrap_or(libc::EIO)
}

fn check(ret: libc::c_int) -> Result<libc::c_int, Errno> {
    if ret < 0 {
        Err(last_errno())
    } else {
        Ok(ret)
    }
}

/// The errno's symbolic name as bindlab reports it (`EAGAIN` for EWOULDBLOCK).
pub fn errno_name(e: Errno) -> String {
    match e {
        libc::EADDRINUSE => "EADDRINUSE",
        libc::EACCES => "EACCES",
        libc::EADDRNOTAVAIL => "EADDRNOTAVAIL",
        libc::EINVAL => "EINVAL",
        libc::ECONNREFUSED => "ECONNREFUSED",
        libc::EAGAIN => "EAGAIN",
        libc::EISCONN => "EISCONN",
        libc::ENOPROTOOPT => "ENOPROTOOPT",
        libc::EAFNOSUPPORT => "EAFNOSUPPORT",
        libc::ENETUNREACH => "ENETUNREACH",
        libc::EHOSTUNREACH => "EHOSTUNREACH",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        libc::EBADF => "EBADF",
        libc::EPERM => "EPERM",
        libc::ETIMEDOUT => "ETIMEDOUT",
        libc::ECONNRESET => "ECONNRESET",
        libc::EPROTO => "EPROTO",
        libc::ENOBUFS => "ENOBUFS",
        libc::EMSGSIZE => "EMSGSIZE",
        libc::EMFILE => "EMFILE",
        libc::ENFILE => "ENFILE",
        other => return format!("errno {other}"),
    }
    .to_string()
}

/// A `sockaddr_storage` holding `addr`, and its length.
fn to_raw(addr: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: sockaddr_storage is plain old data; all-zero is a valid value.
    let mut ss: libc::sockaddr_storage = unsafe { zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from(*a.ip()).to_be(),
                },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_storage is larger than and aligned for sockaddr_in.
            unsafe { std::ptr::write(&mut ss as *mut _ as *mut libc::sockaddr_in, sin) };
            size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: 0,
                sin6_addr: libc::in6_addr {
                    s6_addr: a.ip().octets(),
                },
                // 0 for every address a scenario writes (it has no zone);
                // the runner's peers name loopback for a link-local one.
                sin6_scope_id: a.scope_id(),
            };
            // SAFETY: as above, for sockaddr_in6.
            unsafe { std::ptr::write(&mut ss as *mut _ as *mut libc::sockaddr_in6, sin6) };
            size_of::<libc::sockaddr_in6>()
        }
    };
    (ss, len as libc::socklen_t)
}

fn from_raw(ss: &libc::sockaddr_storage) -> Option<SocketAddr> {
    match ss.ss_family as libc::c_int {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in.
            let sin = unsafe { &*(ss as *const _ as *const libc::sockaddr_in) };
            Some(SocketAddr::new(
                IpAddr::V4(Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr))),
                u16::from_be(sin.sin_port),
            ))
        }
        libc::AF_INET6 => {
            // SAFETY: the family says the storage holds a sockaddr_in6.
            let sin6 = unsafe { &*(ss as *const _ as *const libc::sockaddr_in6) };
            Some(SocketAddr::new(
                IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)),
                u16::from_be(sin6.sin6_port),
            ))
        }
        _ => None,
    }
}

/// A non-blocking TCP socket.
pub fn tcp_socket(v6: bool) -> Result<OwnedFd, Errno> {
    let family = if v6 { libc::AF_INET6 } else { libc::AF_INET };
    // SAFETY: plain system call; the returned descriptor is owned below.
    let fd = check(unsafe {
        libc::socket(
            family,
            libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            0,
        )
    })?;
    // SAFETY: `fd` is a fresh descriptor nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A non-blocking UDP socket.
pub fn udp_socket(v6: bool) -> Result<OwnedFd, Errno> {
    let family = if v6 { libc::AF_INET6 } else { libc::AF_INET };
    // SAFETY: plain system call; the returned descriptor is owned below.
    let fd = check(unsafe {
        libc::socket(
            family,
            libc::SOCK_DGRAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            0,
        )
    })?;
    // SAFETY: `fd` is a fresh descriptor nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Joins `group` on interface `ifindex` (IP_ADD_MEMBERSHIP with an
/// `ip_mreqn`, or IPV6_JOIN_GROUP).
pub fn join_group(fd: RawFd, group: IpAddr, ifindex: i32) -> Result<(), Errno> {
    match group {
        IpAddr::V4(g) => {
            let mreq = libc::ip_mreqn {
                imr_multiaddr: libc::in_addr {
                    s_addr: u32::from(g).to_be(),
                },
                imr_address: libc::in_addr { s_addr: 0 },
                imr_ifindex: ifindex,
            };
            // SAFETY: passes a pointer to a live ip_mreqn and its size.
            check(unsafe {
                libc::setsockopt(
                    fd,
                    libc::IPPROTO_IP,
                    libc::IP_ADD_MEMBERSHIP,
                    &mreq as *const _ as *const libc::c_void,
                    size_of::<libc::ip_mreqn>() as libc::socklen_t,
                )
            })
            .map(|_| ())
        }
        IpAddr::V6(g) => {
            let mreq = libc::ipv6_mreq {
                ipv6mr_multiaddr: libc::in6_addr {
                    s6_addr: g.octets(),
                },
                ipv6mr_interface: ifindex as libc::c_uint,
            };
            // SAFETY: passes a pointer to a live ipv6_mreq and its size.
            check(unsafe {
                libc::setsockopt(
                    fd,
                    libc::IPPROTO_IPV6,
                    libc::IPV6_ADD_MEMBERSHIP,
                    &mreq as *const _ as *const libc::c_void,
                    size_of::<libc::ipv6_mreq>() as libc::socklen_t,
                )
            })
            .map(|_| ())
        }
    }
}

/// Sends one datagram to `to` (sendto).
pub fn send_to(fd: RawFd, to: SocketAddr) -> Result<(), Errno> {
    let (ss, len) = to_raw(to);
    let byte = [0u8; 1];
    // SAFETY: a live one-byte buffer and a valid sockaddr of length `len`.
    check(unsafe {
        libc::sendto(
            fd,
            byte.as_ptr() as *const libc::c_void,
            1,
            0,
            &ss as *const _ as *const libc::sockaddr,
            len,
        ) as libc::c_int
    })
    .map(|_| ())
}

/// Reads every datagram waiting on a non-blocking socket; how many.
pub fn drain_datagrams(fd: RawFd) -> u32 {
    let mut buf = [0u8; 64];
    let mut n = 0;
    let mut errors = 0;
    loop {
        // SAFETY: a live buffer of the given size.
        let r = unsafe {
            libc::recv(
                fd,
                buf.as_mut_ptr() as *mut libc::c_void,
                buf.len(),
                libc::MSG_DONTWAIT,
            )
        };
        if r < 0 {
            // EAGAIN: nothing more; any other error (a queued ICMP error
            // on a connected socket) is read and the loop goes on.
            errors += 1;
            if last_errno() == libc::EAGAIN || errors > 16 {
                return n;
            }
            continue;
        }
        n += 1;
    }
}

pub fn setsockopt_int(
    fd: RawFd,
    level: libc::c_int,
    name: libc::c_int,
    value: libc::c_int,
) -> Result<(), Errno> {
    // SAFETY: passes a pointer to a live c_int and its size.
    check(unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            &value as *const _ as *const libc::c_void,
            size_of::<libc::c_int>() as libc::socklen_t,
        )
    })
    .map(|_| ())
}

pub fn bind(fd: RawFd, addr: SocketAddr) -> Result<(), Errno> {
    let (ss, len) = to_raw(addr);
    // SAFETY: `ss` holds a valid sockaddr of length `len`.
    check(unsafe { libc::bind(fd, &ss as *const _ as *const libc::sockaddr, len) }).map(|_| ())
}

pub fn listen(fd: RawFd) -> Result<(), Errno> {
    // SAFETY: plain system call.
    check(unsafe { libc::listen(fd, 511) }).map(|_| ())
}

/// connect() on a non-blocking socket, waiting up to `timeout_ms` for the
/// handshake: the result a blocking connect() would give.
pub fn connect(fd: RawFd, addr: SocketAddr, timeout_ms: i32) -> Result<(), Errno> {
    let (ss, len) = to_raw(addr);
    // SAFETY: `ss` holds a valid sockaddr of length `len`.
    match check(unsafe { libc::connect(fd, &ss as *const _ as *const libc::sockaddr, len) }) {
        Ok(_) => return Ok(()),
        Err(libc::EINPROGRESS) => {}
        Err(e) => return Err(e),
    }
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLOUT,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    let n = check(unsafe { libc::poll(&mut pfd, 1, timeout_ms) })?;
    if n == 0 {
        return Err(libc::ETIMEDOUT);
    }
    // A blocking connect() finishes by looking at the socket once more: it
    // returns the handshake's error, and leaves the socket connected or back
    // to unconnected (so it may listen or connect again). Doing the same
    // here keeps later steps true to a real program.
    // SAFETY: `ss` holds a valid sockaddr of length `len`.
    match check(unsafe { libc::connect(fd, &ss as *const _ as *const libc::sockaddr, len) }) {
        Ok(_) | Err(libc::EISCONN) => Ok(()),
        Err(libc::EALREADY) => Err(libc::ETIMEDOUT),
        Err(e) => Err(e),
    }
}

/// A non-blocking accept: the new socket and the peer's address.
pub fn accept(fd: RawFd) -> Result<(OwnedFd, Option<SocketAddr>), Errno> {
    // SAFETY: storage and length are live and sized for any sockaddr.
    let mut ss: libc::sockaddr_storage = unsafe { zeroed() };
    let mut len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: as above.
    let nfd = check(unsafe {
        libc::accept4(
            fd,
            &mut ss as *mut _ as *mut libc::sockaddr,
            &mut len,
            libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
        )
    })?;
    // SAFETY: `nfd` is a fresh descriptor nobody else owns.
    Ok((unsafe { OwnedFd::from_raw_fd(nfd) }, from_raw(&ss)))
}

pub fn local_addr(fd: RawFd) -> Option<SocketAddr> {
    // SAFETY: as in accept.
    let mut ss: libc::sockaddr_storage = unsafe { zeroed() };
    let mut len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: as above.
    check(unsafe { libc::getsockname(fd, &mut ss as *mut _ as *mut libc::sockaddr, &mut len) })
        .ok()?;
    from_raw(&ss)
}

/// The peer of a connected socket (`None`: not connected).
pub fn peer_addr(fd: RawFd) -> Option<SocketAddr> {
    // SAFETY: as in local_addr.
    let mut ss: libc::sockaddr_storage = unsafe { zeroed() };
    let mut len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    // SAFETY: as above.
    check(unsafe { libc::getpeername(fd, &mut ss as *mut _ as *mut libc::sockaddr, &mut len) })
        .ok()?;
    from_raw(&ss)
}

/// Waits until `fd` is readable (a connection to accept) or the time is up.
pub fn wait_readable(fd: RawFd, timeout_ms: i32) -> bool {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    unsafe { libc::poll(&mut pfd, 1, timeout_ms) > 0 }
}

/// Closes with SO_LINGER {on, 0}: an RST, no TIME_WAIT — what the kernel does
/// to connections still queued when their listener closes.
pub fn close_with_reset(fd: OwnedFd) {
    let lg = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: pointer and size of a live linger struct.
    unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &lg as *const _ as *const libc::c_void,
            size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    drop(fd);
}

/// Gives the socket `fd` to `uid` (its inode's owner, and so `sk_uid`).
pub fn chown(fd: RawFd, uid: u32) -> Result<(), Errno> {
    // SAFETY: fchown on a descriptor this process holds; -1 keeps the group.
    if unsafe { libc::fchown(fd, uid, u32::MAX) } < 0 {
        return Err(last_errno());
    }
    Ok(())
}

/// Gives the calling thread (only) the uid and gid, dropping root's
/// capabilities. The raw system calls skip glibc's process-wide broadcast.
pub fn become_user_this_thread(uid: u32) -> Result<(), Errno> {
    // SAFETY: raw credential system calls on the calling thread.
    unsafe {
        if libc::syscall(libc::SYS_setgroups, 0, std::ptr::null::<libc::gid_t>()) < 0 {
            return Err(last_errno());
        }
        if libc::syscall(libc::SYS_setresgid, uid, uid, uid) < 0 {
            return Err(last_errno());
        }
        if libc::syscall(libc::SYS_setresuid, uid, uid, uid) < 0 {
            return Err(last_errno());
        }
    }
    Ok(())
}

/// Moves the calling thread into a new, empty network namespace.
pub fn unshare_net() -> Result<(), Errno> {
    // SAFETY: plain system call affecting the calling thread.
    check(unsafe { libc::unshare(libc::CLONE_NEWNET) }).map(|_| ())
}

/// Moves the whole (single-threaded) process into a new user and network
/// namespace where it is root: `unshare -rn`, for users who are not root.
pub fn unshare_user_and_net() -> Result<(), String> {
    // SAFETY: plain system calls.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    // SAFETY: plain system call.
    check(unsafe { libc::unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNET) })
        .map_err(|e| format!("unshare(CLONE_NEWUSER|CLONE_NEWNET): {}", errno_name(e)))?;
    let w =
        |path: &str, text: String| std::fs::write(path, text).map_err(|e| format!("{path}: {e}"));
    w("/proc/self/setgroups", "deny".into())?;
    w("/proc/self/uid_map", format!("0 {uid} 1"))?;
    w("/proc/self/gid_map", format!("0 {gid} 1"))?;
    Ok(())
}

/// listen() with a backlog of `n` (the runner's 511 would overflow when
/// a benchmark queues thousands of connections).
pub fn listen_backlog(fd: RawFd, n: i32) -> Result<(), Errno> {
    // SAFETY: plain system call.
    check(unsafe { libc::listen(fd, n) }).map(|_| ())
}

/// Raises this process's open-file limit as far as it may go (the hard
/// limit; root with CAP_SYS_RESOURCE may go to `want`). Returns the limit.
pub fn raise_fd_limit(want: u64) -> Result<u64, Errno> {
    // SAFETY: a zeroed rlimit is a valid value to be overwritten.
    let mut lim: libc::rlimit = unsafe { zeroed() };
    // SAFETY: passes a pointer to a live rlimit.
    check(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) })?;
    let raised = libc::rlimit {
        rlim_cur: want as libc::rlim_t,
        rlim_max: want as libc::rlim_t,
    };
    // SAFETY: passes a pointer to a live rlimit.
    if check(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) }).is_ok() {
        return Ok(want);
    }
    lim.rlim_cur = lim.rlim_max;
    // SAFETY: passes a pointer to a live rlimit.
    check(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) })?;
    Ok(lim.rlim_cur as u64)
}

/// This process's open-file limit (the soft one), if it can be read.
pub fn fd_limit() -> Option<u64> {
    // SAFETY: a zeroed rlimit is a valid value to be overwritten.
    let mut lim: libc::rlimit = unsafe { zeroed() };
    // SAFETY: passes a pointer to a live rlimit.
    check(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }).ok()?;
    Some(lim.rlim_cur as u64)
}

pub fn is_root() -> bool {
    // SAFETY: plain system call.
    unsafe { libc::geteuid() == 0 }
}

/// A duplicate of descriptor `fd` of process `pid` (pidfd_open +
/// pidfd_getfd, Linux 5.6+; needs ptrace rights over the process: root, or
/// the same user where Yama allows it). Only to read options: `doctor`
/// never changes another process's socket.
pub fn steal_fd(pid: u32, fd: i32) -> Result<OwnedFd, Errno> {
    // SAFETY: raw system calls; each returned descriptor is owned at once.
    unsafe {
        let pidfd = libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0);
        if pidfd < 0 {
            return Err(last_errno());
        }
        let pidfd = OwnedFd::from_raw_fd(pidfd as RawFd);
        let dup = libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), fd, 0);
        if dup < 0 {
            return Err(last_errno());
        }
        Ok(OwnedFd::from_raw_fd(dup as RawFd))
    }
}

/// An integer socket option.
pub fn getsockopt_int(fd: RawFd, level: libc::c_int, name: libc::c_int) -> Result<i32, Errno> {
    let mut value: libc::c_int = 0;
    let mut len = size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: passes a pointer to a live c_int and its size.
    check(unsafe {
        libc::getsockopt(
            fd,
            level,
            name,
            &mut value as *mut _ as *mut libc::c_void,
            &mut len,
        )
    })?;
    Ok(value)
}

/// The addresses of this network namespace's interfaces.
pub fn local_addresses() -> Vec<IpAddr> {
    let mut out = Vec::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` with a list freed below; each entry's
    // address is read according to its family.
    unsafe {
        if libc::getifaddrs(&mut head) != 0 {
            return out;
        }
        let mut p = head;
        while !p.is_null() {
            let a = (*p).ifa_addr;
            if !a.is_null() {
                match (*a).sa_family as libc::c_int {
                    libc::AF_INET => {
                        let sin = &*(a as *const libc::sockaddr_in);
                        out.push(IpAddr::V4(Ipv4Addr::from(
                            sin.sin_addr.s_addr.to_ne_bytes(),
                        )));
                    }
                    libc::AF_INET6 => {
                        let sin6 = &*(a as *const libc::sockaddr_in6);
                        out.push(IpAddr::V6(Ipv6Addr::from(sin6.sin6_addr.s6_addr)));
                    }
                    _ => {}
                }
            }
            p = (*p).ifa_next;
        }
        libc::freeifaddrs(head);
    }
    out
}

/// The real user id of this process.
pub fn uid() -> u32 {
    // SAFETY: plain system call.
    unsafe { libc::getuid() }
}
