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
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        libc::EBADF => "EBADF",
        libc::EPERM => "EPERM",
        libc::ETIMEDOUT => "ETIMEDOUT",
        libc::ECONNRESET => "ECONNRESET",
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
                sin6_scope_id: 0,
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

pub fn is_root() -> bool {
    // SAFETY: plain system call.
    unsafe { libc::geteuid() == 0 }
}
