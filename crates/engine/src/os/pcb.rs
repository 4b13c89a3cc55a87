//! The protocol-control-block lookups that FreeBSD and XNU share
//! (`in_pcblookup_local`, os-rules.md §2.1 and §3), and that Windows reuses
//! for its own tables (`placed`, `space_of`, `listener_classes`). Only
//! lookups live here: they find sockets and decide nothing; the verdicts are
//! in `bsd.rs` and each OS module.

use std::net::{IpAddr, Ipv4Addr};

use crate::addr::{is_wildcard, v4_mapped, SockAddr};
use crate::host::{Host, Owner, Scope, Socket, State};

/// Which table a lookup searches: IPv4 (AF_INET sockets, v4-mapped binds,
/// and dual-stack `::` sockets) or IPv6.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Space {
    V4,
    V6,
}

/// Where a socket's binding sits in `space`, if it is there at all, and
/// whether it is an IPv6 PCB seen from the IPv4 side.
pub(crate) fn placed(space: Space, s: &impl Owner) -> Option<(IpAddr, bool)> {
    let l = s.local()?;
    match (space, l.ip) {
        (Space::V4, IpAddr::V4(a)) => Some((IpAddr::V4(a), false)),
        (Space::V4, IpAddr::V6(a)) => match v4_mapped(a) {
            Some(m) => Some((IpAddr::V4(m), true)),
            None if a.is_unspecified() && !s.opts().v6only && s.pcb_narrowed() != Some(false) => {
                Some((IpAddr::V4(Ipv4Addr::UNSPECIFIED), true))
            }
            None => None,
        },
        (Space::V6, IpAddr::V6(a)) if v4_mapped(a).is_none() && s.pcb_narrowed() != Some(true) => {
            Some((IpAddr::V6(a), false))
        }
        _ => None,
    }
}

/// An AF_INET6 socket on `::` that also takes IPv4 (IPV6_V6ONLY off): the
/// kernels' `INP_IPV4 | INP_IPV6` PCB. A socket bound to `::ffff:0.0.0.0`
/// is not one (its PCB is IPv4 only).
pub(crate) fn is_dual_stack_wildcard(s: &impl Owner) -> bool {
    s.is_v6()
        && !s.opts().v6only
        && s.local()
            .is_some_and(|l| matches!(l.ip, IpAddr::V6(a) if a.is_unspecified()))
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

/// FreeBSD's `in_pcblookup_local` charges +3 for an IPv6 PCB seen from
/// IPv4; XNU's charges nothing for it.
pub(crate) const FREEBSD_MAPPED_COST: u32 = 3;
pub(crate) const XNU_MAPPED_COST: u32 = 0;

/// `in_pcblookup_local(..., INPLOOKUP_WILDCARD)`: the best-fitting PCB on the
/// port. Cost: +1 connected, +1 when exactly one side is a wildcard,
/// `mapped_cost` for an IPv6 PCB seen from IPv4; the lowest cost wins, first
/// found on a tie (lists are newest first).
pub(crate) fn lookup_wild<'h>(
    host: &'h Host,
    space: Space,
    ip: IpAddr,
    port: u16,
    me: &Socket,
    mapped_cost: u32,
) -> Option<&'h Socket> {
    // Asked per class of owner (the cost reads the address, the family and
    // whether it is connected), newest first on a tie. Near `ip`: `placed`
    // gives an owner's own address (unmapped) or a wildcard, and a specific
    // address other than `ip` costs `None`.
    host.best_owner(port, me.id(), true, Scope::Near(ip), |t| {
        let (addr, mapped) = placed(space, t)?;
        let mut cost = u32::from(t.is_connected());
        if !is_wildcard(addr) {
            if is_wildcard(ip) {
                cost += 1;
            } else if addr != ip {
                return None;
            }
        } else if !is_wildcard(ip) {
            cost += 1;
        }
        if mapped && is_dual_stack_wildcard(t) {
            cost += mapped_cost;
        }
        Some(cost)
    })
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
    // Near `ip`: only an owner `placed` at `ip` itself (its own address,
    // unmapped, or a wildcard when `ip` is one) answers.
    host.best_owner(port, me.id(), true, Scope::Near(ip), |t| {
        (!t.is_connected() && placed(space, t).is_some_and(|(a, _)| a == ip)).then_some(0)
    })
}

/// The listeners that an incoming connection to `dst` in `space` could
/// match, split into exact-address and wildcard ones (IPv4 wildcards before
/// IPv6 dual-stack ones, which XNU and FreeBSD both try last).
pub(crate) fn listener_classes(
    host: &Host,
    space: Space,
    dst: IpAddr,
    port: u16,
) -> (Vec<&Socket>, Vec<&Socket>, Vec<&Socket>) {
    let mut exact = Vec::new();
    let mut wild = Vec::new();
    let mut wild_mapped = Vec::new();
    // Near `dst`: only a listener `placed` at `dst` or on a wildcard is
    // kept, and `placed` gives an owner's own address (unmapped) or a
    // wildcard.
    for s in host.owners_where(port, usize::MAX, Scope::Near(dst), |s| s.is_listening()) {
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

/// What an incoming SYN to `dst` can match, by class, each oldest bound
/// first. The BSD lookup
/// (`in_pcblookup_hash*` with `INPLOOKUP_WILDCARD`) walks every unconnected
/// PCB of the port and never looks at the TCP state, so a socket that is
/// bound but not listening is as much a candidate as a listener; what
/// happens when it is picked is each OS's business (FreeBSD resets, XNU
/// drops). Connected sockets and TIME_WAITs have a foreign address and
/// match only their own 4-tuple.
pub(crate) struct SynClasses<'h> {
    /// Bound to exactly `dst`.
    pub exact: Vec<&'h Socket>,
    /// Wildcard of the destination's own family (`0.0.0.0` for IPv4, `::`
    /// for IPv6).
    pub wild: Vec<&'h Socket>,
    /// Dual-stack `::` sockets seen from the IPv4 side.
    pub dual: Vec<&'h Socket>,
    /// AF_INET6 sockets bound to `::ffff:0.0.0.0`.
    pub mapped_any: Vec<&'h Socket>,
}

/// The classes a SYN to `dst` (as on the wire: IPv4 or IPv6) can match.
pub(crate) fn syn_classes(host: &Host, dst: SockAddr) -> SynClasses<'_> {
    let space = if dst.ip.is_ipv4() {
        Space::V4
    } else {
        Space::V6
    };
    classes_in(host, space, dst.ip, dst.port)
}

fn classes_in<'h>(host: &'h Host, space: Space, dst: IpAddr, port: u16) -> SynClasses<'h> {
    let mut c = SynClasses {
        exact: Vec::new(),
        wild: Vec::new(),
        dual: Vec::new(),
        mapped_any: Vec::new(),
    };
    // Near `dst`: the loop below keeps only an owner `placed` at `dst` or
    // on a wildcard (`placed` gives its own address, unmapped, or a
    // wildcard); the others, left out, would be skipped there.
    let mut owners = host.owners_where(port, usize::MAX, Scope::Near(dst), |s| {
        !s.is_connected() && matches!(s.state(), State::Bound | State::Listening)
    });
    crate::sort::by_key(&mut owners, |s| s.bound_seq());
    for s in owners {
        let Some((addr, mapped)) = placed(space, s) else {
            continue;
        };
        if addr == dst {
            c.exact.push(s);
        } else if is_wildcard(addr) {
            if !mapped {
                c.wild.push(s);
            } else if is_dual_stack_wildcard(s) {
                c.dual.push(s);
            } else {
                c.mapped_any.push(s);
            }
        }
    }
    c
}
