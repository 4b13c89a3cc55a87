//! Error results, named the way each OS names them.

use crate::os::Os;

/// The error a simulated call returns. One value per meaning; [`Errno::name`]
/// gives the name the real OS reports (`EADDRINUSE` on Unix,
/// `WSAEADDRINUSE` on Windows).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Errno {
    AddrInUse,
    Access,
    AddrNotAvail,
    Inval,
    ConnRefused,
    /// Non-blocking call with nothing to do: EAGAIN / WSAEWOULDBLOCK.
    WouldBlock,
    IsConn,
    NoProtoOpt,
    AfNoSupport,
    NetUnreach,
    OpNotSupp,
    TimedOut,
    /// The step names a socket that an earlier failed step never created.
    BadF,
    /// A protocol error: Linux's answer to a multicast join on a TCP socket.
    Proto,
    /// No buffer space: Windows' answer when the ephemeral ports run out.
    NoBufs,
    /// No route to host: the BSDs' answer to an IPv6 connect() with no route.
    HostUnreach,
    /// Connection reset by peer: the error a peer's reset leaves pending
    /// (XNU's connect() on the dropped socket returns it once).
    ConnReset,
}

impl Errno {
    pub const ALL: [Errno; 17] = [
        Errno::AddrInUse,
        Errno::Access,
        Errno::AddrNotAvail,
        Errno::Inval,
        Errno::ConnRefused,
        Errno::WouldBlock,
        Errno::IsConn,
        Errno::NoProtoOpt,
        Errno::AfNoSupport,
        Errno::NetUnreach,
        Errno::OpNotSupp,
        Errno::TimedOut,
        Errno::BadF,
        Errno::Proto,
        Errno::NoBufs,
        Errno::HostUnreach,
        Errno::ConnReset,
    ];

    /// The Unix name (Linux, FreeBSD and macOS share these).
    pub fn unix_name(self) -> &'static str {
        match self {
            Errno::AddrInUse => "EADDRINUSE",
            Errno::Access => "EACCES",
            Errno::AddrNotAvail => "EADDRNOTAVAIL",
            Errno::Inval => "EINVAL",
            Errno::ConnRefused => "ECONNREFUSED",
            Errno::WouldBlock => "EAGAIN",
            Errno::IsConn => "EISCONN",
            Errno::NoProtoOpt => "ENOPROTOOPT",
            Errno::AfNoSupport => "EAFNOSUPPORT",
            Errno::NetUnreach => "ENETUNREACH",
            Errno::OpNotSupp => "EOPNOTSUPP",
            Errno::TimedOut => "ETIMEDOUT",
            Errno::BadF => "EBADF",
            Errno::Proto => "EPROTO",
            Errno::NoBufs => "ENOBUFS",
            Errno::HostUnreach => "EHOSTUNREACH",
            Errno::ConnReset => "ECONNRESET",
        }
    }

    /// The Winsock name.
    pub fn windows_name(self) -> &'static str {
        match self {
            Errno::AddrInUse => "WSAEADDRINUSE",
            Errno::Access => "WSAEACCES",
            Errno::AddrNotAvail => "WSAEADDRNOTAVAIL",
            Errno::Inval => "WSAEINVAL",
            Errno::ConnRefused => "WSAECONNREFUSED",
            Errno::WouldBlock => "WSAEWOULDBLOCK",
            Errno::IsConn => "WSAEISCONN",
            Errno::NoProtoOpt => "WSAENOPROTOOPT",
            Errno::AfNoSupport => "WSAEAFNOSUPPORT",
            Errno::NetUnreach => "WSAENETUNREACH",
            Errno::OpNotSupp => "WSAEOPNOTSUPP",
            Errno::TimedOut => "WSAETIMEDOUT",
            Errno::BadF => "WSAENOTSOCK",
            // Winsock has no EPROTO; no Windows rule answers it.
            Errno::Proto => "WSAEPROTOTYPE",
            Errno::NoBufs => "WSAENOBUFS",
            Errno::HostUnreach => "WSAEHOSTUNREACH",
            Errno::ConnReset => "WSAECONNRESET",
        }
    }

    /// Windows' numeric code (what Python prints as `[WinError 10048]`).
    pub fn windows_code(self) -> u32 {
        match self {
            Errno::AddrInUse => 10048,
            Errno::Access => 10013,
            Errno::AddrNotAvail => 10049,
            Errno::Inval => 10022,
            Errno::ConnRefused => 10061,
            Errno::WouldBlock => 10035,
            Errno::IsConn => 10056,
            Errno::NoProtoOpt => 10042,
            Errno::AfNoSupport => 10047,
            Errno::NetUnreach => 10051,
            Errno::OpNotSupp => 10045,
            Errno::TimedOut => 10060,
            Errno::BadF => 10038,
            Errno::Proto => 10041,
            Errno::NoBufs => 10055,
            Errno::HostUnreach => 10065,
            Errno::ConnReset => 10054,
        }
    }

    pub fn name(self, os: Os) -> &'static str {
        match os {
            Os::Windows => self.windows_name(),
            Os::Linux | Os::FreeBsd | Os::MacOs => self.unix_name(),
        }
    }

    /// Reads an error name as `os` writes it (`EWOULDBLOCK` is accepted for
    /// EAGAIN on Unix, as the two are the same number there).
    pub fn from_name(os: Os, s: &str) -> Option<Errno> {
        let s = s.to_ascii_uppercase();
        if os != Os::Windows && s == "EWOULDBLOCK" {
            return Some(Errno::WouldBlock);
        }
        Errno::ALL.into_iter().find(|e| e.name(os) == s)
    }
}

/// Normalises an expectation so `ewouldblock` and `EAGAIN` compare equal.
pub fn canonical_result(os: Os, s: &str) -> Option<String> {
    if s.eq_ignore_ascii_case("ok") {
        return Some("ok".to_string());
    }
    Errno::from_name(os, s).map(|e| e.name(os).to_string())
}

/// What a call returned, by meaning: success or an error. The OS's name for
/// it (`ok`, `EAGAIN`, `WSAEWOULDBLOCK`) exists only when it is printed or
/// serialised ([`Outcome::name`]), so two OSes that agree compare equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Outcome {
    #[default]
    Ok,
    Err(Errno),
}

impl Outcome {
    /// The name `os` gives it: `ok`, or the error's name on that OS.
    pub fn name(self, os: Os) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Err(e) => e.name(os),
        }
    }

    pub fn is_ok(self) -> bool {
        self == Outcome::Ok
    }

    pub fn errno(self) -> Option<Errno> {
        match self {
            Outcome::Ok => None,
            Outcome::Err(e) => Some(e),
        }
    }

    /// Reads `ok` or an error name as `os` writes it (any case).
    pub fn from_name(os: Os, s: &str) -> Option<Outcome> {
        if s.eq_ignore_ascii_case("ok") {
            return Some(Outcome::Ok);
        }
        Errno::from_name(os, s).map(Outcome::Err)
    }

    /// Reads an error name as any OS writes it (`EAGAIN`, `EWOULDBLOCK`,
    /// `WSAEWOULDBLOCK`); `None` for anything else, `ok` included.
    pub fn error_named(s: &str) -> Option<Errno> {
        Os::ALL.into_iter().find_map(|os| Errno::from_name(os, s))
    }
}

impl From<Result<(), Errno>> for Outcome {
    fn from(r: Result<(), Errno>) -> Outcome {
        match r {
            Ok(()) => Outcome::Ok,
            Err(e) => Outcome::Err(e),
        }
    }
}
