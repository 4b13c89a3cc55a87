//! The BSD protocol-control-block lookups that FreeBSD and XNU share
//! (`in_pcblookup_local`, os-rules.md §2.1 and §3). Only the lookups live
//! here; each OS module decides what to do with what they find.

use std::net::{IpAddr, Ipv4Addr};

use crate::addr::{is_wildcard, v4_mapped};
use crate::host::{Host, Socket};

/// Which table a lookup searches: IPv4 (AF_INET sockets, v4-mapped binds,
/// and dual-stack `::` sockets) or IPv6.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Space {
    V4,
    V6,
}

/// Where a socket's binding sits in `space`, if it is there at all, and
/// whether it is an IPv6 PCB seen from the IPv4 side.
pub(crate) fn placed(space: Space, s: &Socket) -> Option<(IpAddr, bool)> {
    let l = s.local?;
    match (space, l.ip) {
        (Space::V4, IpAddr::V4(a)) => Some((IpAddr::V4(a), false)),
        (Space::V4, IpAddr::V6(a)) => match v4_mapped(a) {
            Some(m) => Some((IpAddr::V4(m), true)),
            None if a.is_unspecified() && !s.opts.v6only => {
                Some((IpAddr::V4(Ipv4Addr::UNSPECIFIED), true))
            }
            None => None,
        },
        (Space::V6, IpAddr::V6(a)) if v4_mapped(a).is_none() => Some((IpAddr::V6(a), false)),
        _ => None,
    }
}

/// The space and address a new binding of `s` to `ip` lives at.
pub(crate) fn space_of(s: &Socket, ip: IpAddr) -> (Space, IpAddr) {
    match ip {
        IpAddr::V4(_) => (Space::V4, ip),
        IpAddr::V6(a) => match v4_mapped(a) {
            Some(m) if s.is_v6() => (Space::V4, IpAddr::V4(m)),
            _ => (Space::V6, ip),
        },
    }
}

/// `in_pcblookup_local(..., INPLOOKUP_WILDCARD)`: the best-fitting PCB on the
/// port. Cost: +1 connected, +1 when exactly one side is a wildcard, +3 for
/// an IPv6 PCB seen from IPv4; the lowest cost wins, first found on a tie
/// (lists are newest first).
pub(crate) fn lookup_wild<'h>(
    host: &'h Host,
    space: Space,
    ip: IpAddr,
    port: u16,
    me: &Socket,
) -> Option<&'h Socket> {
    let owners = host.owners_iter(port, me.id).rev();
    let mut best: Option<(&Socket, u32)> = None;
    for t in owners {
        let Some((addr, mapped)) = placed(space, t) else {
            continue;
        };
        let mut cost = u32::from(t.is_connected());
        if !is_wildcard(addr) {
            if is_wildcard(ip) {
                cost += 1;
            } else if addr != ip {
                continue;
            }
        } else if !is_wildcard(ip) {
            cost += 1;
        }
        if mapped {
            cost += 3;
        }
        if best.is_none_or(|(_, c)| cost < c) {
            best = Some((t, cost));
            if cost == 0 {
                break;
            }
        }
    }
    best.map(|(t, _)| t)
}

/// `in_pcblookup_local` without the wildcard flag: an unconnected PCB bound
/// to exactly this address. Connected PCBs and TIME_WAITs are invisible.
pub(crate) fn lookup_exact<'h>(
    host: &'h Host,
    space: Space,
    ip: IpAddr,
    port: u16,
    me: &Socket,
) -> Option<&'h Socket> {
    let mut owners = host.owners(port, me.id);
    owners.reverse();
    owners
        .into_iter()
        .find(|t| !t.is_connected() && placed(space, t).is_some_and(|(a, _)| a == ip))
}

/// The listeners that an incoming connection to `dst` in `space` could
/// match, split into exact-address and wildcard ones (IPv4 wildcards before
/// IPv6 dual-stack ones, which XNU and FreeBSD both try last).
pub(crate) fn listener_classes<'h>(
    host: &'h Host,
    space: Space,
    dst: IpAddr,
    port: u16,
) -> (Vec<&'h Socket>, Vec<&'h Socket>, Vec<&'h Socket>) {
    let mut exact = Vec::new();
    let mut wild = Vec::new();
    let mut wild_mapped = Vec::new();
    for s in host.listeners(port) {
        let Some((addr, mapped)) = placed(space, s) else {
            continue;
        };
        if addr == dst {
            exact.push(s);
        } else if is_wildcard(addr) {
            if mapped {
                wild_mapped.push(s);
            } else {
                wild.push(s);
            }
        }
    }
    (exact, wild, wild_mapped)
}

/// "B (bound on 0.0.0.0:21)" style summary for explanations.
pub(crate) fn at(s: &Socket) -> String {
    s.local.map(|l| l.to_string()).unwrap_or_default()
}
