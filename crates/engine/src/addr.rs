//! Address helpers shared by every OS module.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A concrete local or remote address with a port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SockAddr {
    pub ip: IpAddr,
    pub port: u16,
}

impl SockAddr {
    pub fn new(ip: IpAddr, port: u16) -> SockAddr {
        SockAddr { ip, port }
    }
}

impl std::fmt::Display for SockAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.ip {
            IpAddr::V4(a) => write!(f, "{a}:{}", self.port),
            IpAddr::V6(a) => write!(f, "[{a}]:{}", self.port),
        }
    }
}

/// `0.0.0.0`, `::`, or the v4-mapped wildcard `::ffff:0.0.0.0`.
pub fn is_wildcard(ip: IpAddr) -> bool {
    unmap(ip).is_unspecified()
}

/// A broadcast address bindlab knows, plain or v4-mapped: the limited
/// broadcast address `255.255.255.255`, and `127.255.255.255`, the loopback
/// net's own (Linux's `lo` has it in its local table, measured; taken as
/// one on Windows too, unverified). `iface` addresses carry no prefix, so
/// there is no other.
pub fn is_broadcast(ip: IpAddr) -> bool {
    as_v4(ip).is_some_and(|a| a.is_broadcast() || a == Ipv4Addr::new(127, 255, 255, 255))
}

/// The IPv4 address inside `::ffff:a.b.c.d`, if it is one.
pub fn v4_mapped(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    match ip.segments() {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(ip.to_ipv4_mapped().unwrap_or(Ipv4Addr::UNSPECIFIED)),
        _ => None,
    }
}

/// The address as IPv4 when it is one or a v4-mapped IPv6 address; this is
/// what an IPv4 packet's destination is compared with.
pub fn as_v4(ip: IpAddr) -> Option<Ipv4Addr> {
    match ip {
        IpAddr::V4(a) => Some(a),
        IpAddr::V6(a) => v4_mapped(a),
    }
}

/// Removes the v4-mapped wrapper: `::ffff:1.2.3.4` → `1.2.3.4`.
pub fn unmap(ip: IpAddr) -> IpAddr {
    match as_v4(ip) {
        Some(v4) => IpAddr::V4(v4),
        None => ip,
    }
}
