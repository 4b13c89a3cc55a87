//! Linux UDP: `udp_lib_get_port` / `udp_lib_lport_inuse` (bind),
//! `udp_reuseport_add_sock` (groups at bind), `__udp4_lib_lookup` /
//! `udp4_lib_lookup2` / `compute_score` and their IPv6 twins (unicast),
//! `__udp4_lib_mcast_deliver` / `__udp_is_mcast_sock` / `ip_mc_sf_allow`
//! (multicast), all in `net/ipv4/udp.c` and `net/ipv6/udp.c`. Checked
//! against this machine's kernel (6.18) by `bindlab verify` and
//! `kernel-diff`.
//!
//! The bind check and the unicast lookups read the port's UDP index
//! (`host/udp_lookup.rs`: per class, per peer, per group), not its every
//! socket; the walks kept beside them (`*_walk`) are the reference that
//! `Host::set_reference_walks` runs and the property tests compare.
//!
//! The secondary-hash bind check the kernel switches to when more than ten
//! sockets share a port's primary slot (`udp_lib_lport_inuse2`) is not a
//! path of its own here: on this machine's kernel it answered as the walk
//! in every case tried (`corpus/linux/udp-crowded-port-bind.bindlab`,
//! `kernel-diff --udp --steps 400`). Not modelled: the +1 a connected
//! socket's score gets when its last datagram came in on the same CPU.

use std::cmp::Ordering;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use crate::addr::{unmap, v4_mapped, SockAddr};
use crate::args;
use crate::errno::Errno;
use crate::host::{ClassView, Host, Owner, PortOrder, Scope, SearchKey, SockId, Socket};
use crate::os::{BindAnswer, Decision, Delivery, GroupOnConnect, ReuseGroup};
use crate::rules::{few_names, Arg, Name, RuleId, Slot, WhyVariant};
use crate::why::Why;

use super::{overlap, overlap_scope, via_placeholder, View, PARAMS};

/// The primary (per-port) chain: newest first, except AF_INET6 SO_REUSEPORT
/// sockets, which are appended (measured: such a socket bound last is met
/// last by the next bind's check).
fn primary_chain(mut v: Vec<&Socket>) -> Vec<&Socket> {
    crate::sort::by_key(&mut v, |s| {
        crate::sort::tail_order(primary_tail(*s), s.bound_seq())
    });
    v
}

/// Whether a socket sits at the tail of the primary chain.
fn primary_tail(s: &impl Owner) -> bool {
    s.is_v6() && s.bind_opts().reuseport
}

/// Whether `sk2`, overlapping `sk` (binding `ip`, as `view`), lets the
/// bind through at once, ending the walk: it shares through SO_REUSEPORT
/// (same user), is of the same family and IPV6_V6ONLY, on exactly that
/// address, and neither socket has SO_REUSEADDR — the pair
/// `udp_reuseport_add_sock` would put in one group. Any other sharer is
/// passed over. Measured on this machine's kernel (6.18.44-fc-v1300) in two
/// edge-case hunts; a wider rule (any same-address sharer, wherever in the
/// walk) was refuted by a socket met before it that refused, and the
/// family, v6only and both-SO_REUSEADDR conditions by a socket met after:
/// `corpus/linux/udp-same-address-sharer-decides.bindlab`.
fn ends_walk(sk: &Socket, view: View, ip: IpAddr, sk2: &impl Owner) -> bool {
    let (a, b) = (sk.opts(), sk2.opts());
    !b.reuseaddr
        && !a.reuseaddr
        && view.v6only == b.v6only
        && a.reuseport
        && b.reuseport
        && sk.uid() == sk2.uid()
        && sk.is_v6() == sk2.is_v6()
        // The same `IpAddr` (an IPv4 socket's is never a V6 one): a
        // dual-stack `[::]` does not end the walk for `0.0.0.0`.
        && sk2.local().is_some_and(|l| l.ip == ip)
}

/// Whether `sk2`, overlapping `sk`, shares the address with it: both have
/// SO_REUSEADDR, or both SO_REUSEPORT as the same user.
fn shares(sk: &Socket, sk2: &impl Owner) -> bool {
    let (a, b) = (sk.opts(), sk2.opts());
    (a.reuseaddr && b.reuseaddr) || (a.reuseport && b.reuseport && sk.uid() == sk2.uid())
}

/// What `sk2`, overlapping `sk`, makes of the bind: an ok that names it
/// (it shares: the walk goes on, and names the first such socket if no
/// other refuses), or the refusal.
fn against(host: &Host, sk: &Socket, view: View, ip: IpAddr, sk2: &Socket) -> Decision {
    let me = sk.label();
    let (a, b) = (sk.opts(), sk2.opts());
    let at2 = sk2.local();
    if a.reuseaddr && b.reuseaddr {
        return Decision::ok_with(
            RuleId::LinuxUdpBindReuseaddrBoth,
            args![Slot::Socket => me, Slot::Other => sk2.who(host.now_ms), Slot::Addr => at2],
        );
    }
    if a.reuseport && b.reuseport && sk.uid() == sk2.uid() {
        let rule = RuleId::LinuxUdpBindReuseportSameUser;
        let variant = if ends_walk(sk, view, ip, sk2) {
            WhyVariant::SameAddress
        } else {
            WhyVariant::Usual
        };
        return Decision::ok_by(
            rule,
            Why::of(
                rule,
                variant,
                args![Slot::Socket => me, Slot::Other => sk2.name(), Slot::Addr => at2],
            ),
        );
    }
    let placeholder = View::of(sk2).is_some_and(|v2| via_placeholder(!sk.is_v6(), v2));
    let variant = if a.reuseport && b.reuseport && placeholder {
        WhyVariant::OtherUserConnectChose
    } else if a.reuseport && b.reuseport {
        WhyVariant::OtherUser
    } else if placeholder {
        WhyVariant::ConnectChose
    } else {
        WhyVariant::Usual
    };
    Decision::fail(
        Errno::AddrInUse,
        RuleId::LinuxUdpBindInUse,
        Why::of(
            RuleId::LinuxUdpBindInUse,
            variant,
            args![
                Slot::Other => sk2.name(),
                Slot::Addr => at2,
                Slot::Socket => me,
                Slot::User => sk.user_name(),
                Slot::OtherUser => sk2.user(),
            ],
        ),
    )
}

/// `udp_lib_lport_inuse` for an explicit port, as this machine's kernel
/// (6.18.44-fc-v1300) answers: in the chain's order, the first overlapping
/// socket that does not share refuses the bind, and one that shares and
/// [`ends_walk`] lets it through; other sharers are passed over, and the
/// first of them is named if nothing decides. (The build of 6.18.44 this project
/// was checked against until 2026-12-06, and the torvalds/linux snapshot
/// read, stop at the first overlapping socket with SO_REUSEPORT of the same
/// user and let the bind through, `return 0`: measured then,
/// `corpus/linux/udp-reuseport-share-does-not-hide-a-conflict.bindlab`
/// now.) On a crowded port a bind to a specific address asks two slots of
/// the port-and-address table instead ([`by_address`]). Asked per class:
/// the first such socket in the chain is the earliest of each class's first
/// (see `Host::udp_primary_first`), and only its decision is rendered.
pub(super) fn bind_port(host: &Host, sk: &Socket, view: View, at: SockAddr) -> Decision {
    let crowded = by_address(host, view, at.port);
    // What the socket that decides a walk (`decider`) makes of the bind.
    let decide = |decides: Option<&Socket>| {
        let Some(sk2) = decides else {
            return Decision::ok();
        };
        let decision = against(host, sk, view, at.ip, sk2);
        if decision.is_ok() {
            return decision;
        }
        with_other_blockers(host, sk, view, at, crowded, sk2, decision)
    };
    if !crowded {
        return decide(decider(host, sk, view, at, None));
    }
    // `udp_lib_lport_inuse2` on the address's own slot, then, if that let
    // the bind through, on the wildcard's.
    let exact_decides = decider(host, sk, view, at, Some(slot_key(view)));
    let exact = decide(exact_decides);
    if !exact.is_ok() {
        return exact;
    }
    let wildcard = Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let wild = decide(decider(host, sk, view, at, wildcard));
    if !wild.is_ok() {
        return wild;
    }
    // The walk would have met a socket that refuses, filed elsewhere.
    if let Some(sk2) = decider(host, sk, view, at, None).filter(|&sk2| !shares(sk, sk2)) {
        let rule = RuleId::LinuxUdpBindCrowdedPort;
        return Decision::ok_by(
            rule,
            Why::of(
                rule,
                WhyVariant::Usual,
                args![
                    Slot::Port => at.port,
                    Slot::Ip => at.ip,
                    Slot::Other => sk2.name(),
                    Slot::Addr => sk2.local(),
                ],
            ),
        );
    }
    // A same-address sharer ended the check of its address's sockets, but
    // not the wildcard's.
    match exact_decides {
        Some(sk2) if ends_walk(sk, view, at.ip, sk2) => {
            let rule = RuleId::LinuxUdpBindReuseportSameUser;
            let args = args![
                Slot::Socket => sk.label(),
                Slot::Other => sk2.name(),
                Slot::Addr => sk2.local(),
                Slot::Port => at.port,
            ];
            Decision::ok_by(rule, Why::of(rule, WhyVariant::SameAddressCrowded, args))
        }
        _ if exact.rule.is_some() => exact,
        _ => wild,
    }
}

/// A refusal by `sk2` that also names the other sockets that would refuse
/// the bind (those the check can meet: on a crowded port, the address's
/// and the wildcard's): the walk stops at the first, but advice that frees
/// the bind from `sk2` alone would not make it work while they hold the
/// port.
fn with_other_blockers(
    host: &Host,
    sk: &Socket,
    view: View,
    at: SockAddr,
    crowded: bool,
    sk2: &Socket,
    refusal: Decision,
) -> Decision {
    let limit = crate::rules::NAMES_SHOWN;
    let seen = |v2: View| {
        !crowded || {
            let k = slot_key(v2);
            k == slot_key(view) || k == IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        }
    };
    // Near the address: only an owner `overlap` keeps is counted
    // (`overlap_scope`).
    let scope = overlap_scope(view);
    let (blockers, n) = host.some_owners_where(at.port, sk.id(), limit + 1, scope, |o| {
        View::of(o).is_some_and(|v2| overlap(view, v2) && seen(v2)) && !shares(sk, o)
    });
    crate::os::common::refused_by_all(refusal, sk2.id(), blockers, n, |first| {
        against(host, sk, view, at.ip, first)
    })
}

/// Whether `udp_lib_get_port` checks a bind by address
/// (`udp_lib_lport_inuse2`): more than ten sockets on the port's slot
/// (`hslot->count > 10`) and an address that is not a wildcard
/// (`inet_use_hash2_on_bind`: a wildcard bind walks every socket of the
/// port since "udp: Fix wildcard bind conflict check when using hash2",
/// upstream e537dd15d0d4, in 6.18.y). Measured: a crowded specific bind
/// does not see a socket filed under another address
/// (`corpus/linux/udp-crowded-port-checks-two-slots.bindlab`).
fn by_address(host: &Host, view: View, port: u16) -> bool {
    slot_key(view) != IpAddr::V4(Ipv4Addr::UNSPECIFIED) && host.udp_count(port) > 10
}

/// The address a socket is filed under in the port-and-address table
/// (`udp_portaddr_hash`: `ipv6_portaddr_hash` hashes a v4-mapped address
/// and `::` as `ipv4_portaddr_hash` does the IPv4 one): IPv4 and v4-mapped
/// addresses as IPv4, both wildcards as 0.0.0.0, any other IPv6 address as
/// itself (so a socket whose IPv4 address is 127.0.0.6 is filed under its
/// IPv6 one).
fn slot_key(v: View) -> IpAddr {
    if !v.family6 || v4_mapped(v.v6).is_some() {
        IpAddr::V4(v.rcv4)
    } else if v.v6.is_unspecified() {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V6(v.v6)
    }
}

/// The socket that decides [`bind_port`]'s walk over the port's chain (or
/// only the sockets filed under `slot`, in that slot's order: a connect()
/// that re-filed a socket under its new address put it at the head,
/// `udp_lib_rehash`, measured): the first overlapping one that does not
/// share or [`ends_walk`], else the first that shares.
fn decider<'h>(
    host: &'h Host,
    sk: &Socket,
    view: View,
    at: SockAddr,
    slot: Option<IpAddr>,
) -> Option<&'h Socket> {
    let counts = |v2: View| overlap(view, v2) && slot.is_none_or(|k| slot_key(v2) == k);
    if host.reference_walks() {
        let mut chain = primary_chain(host.owners(at.port, sk.id()));
        if slot.is_some() {
            crate::sort::by_key(&mut chain, |s| s.chain_key());
        }
        let mut shared = None;
        for sk2 in chain {
            if !View::of(sk2).is_some_and(counts) {
                continue;
            }
            if !shares(sk, sk2) || ends_walk(sk, view, at.ip, sk2) {
                return Some(sk2);
            }
            shared.get_or_insert(sk2);
        }
        return shared;
    }
    let cost = |sk2: &ClassView| {
        View::of(sk2).filter(|&v2| counts(v2))?;
        Some(u32::from(
            shares(sk, sk2) && !ends_walk(sk, view, at.ip, sk2),
        ))
    };
    // Near the address: `counts` keeps only owners `overlap` keeps
    // (`overlap_scope`), whichever slot is asked.
    let scope = overlap_scope(view);
    match slot {
        None => host.udp_primary_first(at.port, sk.id(), scope, primary_tail, cost),
        Some(_) => host.udp_chain_first(at.port, sk.id(), scope, cost),
    }
}

/// `udp_lib_get_port(sk, 0)`: a port where no overlapping socket conflicts
/// (sharing through both SO_REUSEADDR or a same-user SO_REUSEPORT does not
/// make a port busy). Untouched ports first, as for TCP.
pub(super) fn ephemeral(host: &Host, sk: &Socket, view: View, ip: IpAddr) -> BindAnswer {
    let (lo, hi) = PARAMS.ephemeral;
    let (a, uid) = (sk.opts(), sk.uid());
    // Asked per class of owner (the options, owner and address are
    // class fields).
    let free = |p: u16| {
        // Near the address: an owner `overlap` leaves out is never a
        // conflict (`overlap_scope`).
        host.first_owner(p, sk.id(), overlap_scope(view), |sk2| {
            let b = sk2.opts();
            !(View::of(sk2).is_none_or(|v2| !overlap(view, v2))
                || (a.reuseaddr && b.reuseaddr)
                || (a.reuseport && b.reuseport && uid == sk2.uid()))
        })
        .is_none()
    };
    // Each search resumes where the last one of its key stopped
    // (`Host::find_port`): scanned from the bottom every time, 30,000
    // autobinds were quadratic (a pasted table's connected UDP sockets).
    // `free` depends on the view, the options and the owner: all in its key.
    let order = PortOrder::range(lo, hi);
    let untouched = SearchKey {
        tag: "linux.udp.bind.untouched",
        src: None,
        dst: None,
        extra: 0,
    };
    let free_key = SearchKey {
        tag: "linux.udp.bind.free",
        src: Some(IpAddr::V6(view.v6)),
        dst: None,
        // The options, and the owner for a same-user SO_REUSEPORT share.
        extra: u64::from(view.family6)
            | u64::from(view.v6only) << 1
            | u64::from(a.reuseaddr) << 2
            | u64::from(a.reuseport) << 3
            | u64::from(uid) << 32,
    };
    let found = host
        .find_port(untouched, order, |p| !host.port_in_use(p))
        .or_else(|| host.find_port(free_key, order, free));
    BindAnswer::ephemeral(
        found,
        Errno::AddrInUse,
        RuleId::LinuxBindEphemeralExhausted,
        PARAMS.ephemeral,
        ip,
    )
}

/// `udp_reuseport_add_sock`: join the group of the first socket on the
/// port with the same family, v6only, owner and exact address that has
/// SO_REUSEPORT now (one that turned it on after its bind, or left its
/// group by connect()ing, has no group: the host makes it one, as
/// `reuseport_add_sock` does); else a group of its own.
pub(super) fn reuse_group(host: &Host, s: &Socket) -> ReuseGroup {
    if !s.opts().reuseport {
        return ReuseGroup::None;
    }
    let addr = s.local().map(|l| l.ip);
    let port = s.local_port().unwrap_or(0);
    // Class fields only (`PortClass` holds whether a socket is grouped).
    let fits = |o: &dyn Owner| {
        o.opts().reuseport
            && o.is_v6() == s.is_v6()
            && o.opts().v6only == s.opts().v6only
            && o.uid() == s.uid()
            && o.local().map(|l| l.ip) == addr
    };
    let first = if host.reference_walks() {
        primary_chain(host.owners(port, s.id()))
            .into_iter()
            .find(|&o| fits(o))
    } else {
        // On its own address only (`fits`); unbound, any.
        let scope = addr.map_or(Scope::All, Scope::Near);
        host.udp_primary_first(port, s.id(), scope, primary_tail, |o| fits(o).then_some(0))
    };
    first.map_or(ReuseGroup::New, |o| ReuseGroup::Join(o.id()))
}

/// The address whose secondary-hash chain holds `s` ([`slot_key`]).
fn slot_of(s: &Socket) -> Option<IpAddr> {
    View::of(s).map(slot_key)
}

/// `compute_score` (IPv4) or its IPv6 twin; `None` is −1.
fn score(s: &Socket, src: SockAddr, daddr: IpAddr) -> Option<i32> {
    let v = View::of(s)?;
    let mut score = match daddr {
        IpAddr::V4(d) => {
            if v.v6only || v.rcv4 != d {
                return None;
            }
            if s.is_v6() {
                1
            } else {
                2
            }
        }
        IpAddr::V6(d) => {
            if !s.is_v6() || v.v6 != d {
                return None;
            }
            0
        }
    };
    let step = if daddr.is_ipv4() { 4 } else { 1 };
    if let Some(r) = s.remote() {
        if unmap(r.ip) != src.ip || r.port != src.port {
            return None;
        }
        score += 2 * step;
    }
    Some(score)
}

/// What one `udp4_lib_lookup2` walk found.
enum Found {
    One(SockId),
    /// A reuseport group's hash pick among these (unconnected) members.
    Pick(Arc<[SockId]>),
}

/// The unconnected members of `s`'s SO_REUSEPORT group, and whether the
/// group is marked as having a connected member (see [`connect_group`]).
fn group_of(host: &Host, s: &Socket) -> Option<(Arc<[SockId]>, bool)> {
    if !s.opts().reuseport || s.reuse_group() == 0 || s.remote().is_some() {
        return None;
    }
    let port = s.local_port()?;
    let free: Arc<[SockId]> = host
        .udp_owners(port)
        .into_iter()
        .filter(|o| o.reuse_group() == s.reuse_group() && o.remote().is_none())
        .map(|o| o.id())
        .collect();
    Some((free, host.group_marked(s.reuse_group())))
}

/// What a successful connect() does to the socket's SO_REUSEPORT group
/// (6.13+). `__ip4_datagram_connect` (and `__ip6_datagram_connect`)
/// re-hashes a socket bound to the wildcard under its new source address,
/// and `udp_lib_rehash` detaches it from its group; then
/// `reuseport_has_conns_set` marks the group the socket is in *now* as
/// having a connected member, so only a socket on a specific address (or
/// one already connected, a later connect()) marks it. Then
/// `udp_lib_hash4` files a socket under its 4-tuple on its first connect()
/// and detaches it too. The mark is never cleared; a socket that binds
/// later with SO_REUSEPORT may meet the detached one first in the primary
/// chain and form a new, unmarked group with it (`udp_reuseport_add_sock`
/// → `reuseport_add_sock` → `reuseport_alloc(sk2)`; [`reuse_group`]).
/// Measured on this machine's kernel:
/// `corpus/linux/udp-kernel-found-connected-member-leaves-group.bindlab`,
/// `udp-kernel-found-group-mark-outlives-member.bindlab`.
pub(super) fn connect_group(s: &Socket, was_wildcard: bool) -> GroupOnConnect {
    GroupOnConnect {
        mark: !was_wildcard,
        leave: was_wildcard || s.udp_hash4_peer().is_none(),
    }
}

/// `udp4_lib_lookup2` / `udp6_lib_lookup2` over the chain of `slot`: the
/// found socket or group pick, the socket a walk that went on would have
/// found instead (a reuseport socket whose group is not marked as having a
/// connected member, [`connect_group`], ends the walk at once — `inet_lookup_reuseport`, then `if
/// (!reuseport_has_conns(sk)) return result;` — a group of one included,
/// since every socket that bound with SO_REUSEPORT has one), and how many
/// sockets share the best score.
fn lookup2(
    host: &Host,
    src: SockAddr,
    slot: IpAddr,
    daddr: IpAddr,
    port: u16,
) -> Option<(Found, Option<SockId>, usize)> {
    if host.reference_walks() {
        return lookup2_walk(host, src, slot, daddr, port);
    }
    // The chain's sockets that score: an unconnected socket's score is its
    // class's, so each class is met first at its `chain_first` and the rest
    // of it only adds ties; a connected one scores only from its own peer.
    // (chain key, socket, score, sockets it stands for)
    let mut met: Vec<(u64, &Socket, i32, usize)> = Vec::new();
    for c in host.udp_classes(port) {
        let s = c.chain_first;
        if c.view.is_connected() || slot_of(s) != Some(slot) {
            continue;
        }
        if let Some(sc) = score(s, src, daddr) {
            met.push((s.chain_key(), s, sc, c.count));
        }
    }
    for s in host.udp_peers(port, src) {
        if slot_of(s) != Some(slot) {
            continue;
        }
        if let Some(sc) = score(s, src, daddr) {
            met.push((s.chain_key(), s, sc, 1));
        }
    }
    crate::sort::by_key(&mut met, |m| m.0);
    // The walk in chain order over the first of each class: a socket that
    // beats all before it is the first of its class, and all before it
    // were met at their classes' firsts.
    let mut badness = if daddr.is_ipv4() { 0 } else { -1 };
    let mut result: Option<&Socket> = None;
    for (i, &(_, s, sc, _)) in met.iter().enumerate() {
        if sc <= badness {
            continue;
        }
        badness = sc;
        result = Some(s);
        if let Some((free, marked)) = group_counts(host, s) {
            if !marked {
                let found = if free > 1 {
                    Found::Pick(group_free(host, s))
                } else {
                    Found::One(s.id())
                };
                let rest = met[i + 1..].iter().map(|&(_, o, osc, _)| (o, osc));
                // Ties as the whole walk counts them: they name why this
                // socket came first (the newest of equals), not who won.
                let ties = met.iter().filter(|m| m.2 == sc).map(|m| m.3).sum();
                return Some((found, passed_over(rest, sc), ties));
            }
        }
    }
    let s = result?;
    let ties = met.iter().filter(|m| m.2 == badness).map(|m| m.3).sum();
    let found = match group_counts(host, s) {
        Some((free, _)) if free > 1 => Found::Pick(group_free(host, s)),
        _ => Found::One(s.id()),
    };
    Some((found, None, ties))
}

/// The socket the walk would have gone on to find after an early end at a
/// score of `badness`: the first of the rest with the best higher score.
fn passed_over<'h>(
    rest: impl Iterator<Item = (&'h Socket, i32)>,
    mut badness: i32,
) -> Option<SockId> {
    let mut found = None;
    for (o, sc) in rest {
        if sc > badness {
            badness = sc;
            found = Some(o.id());
        }
    }
    found
}

/// Whether [`lookup2`] over the chain of `slot` finds anything: some
/// socket there scores (every score beats the starting badness), without
/// listing a group it would pick.
fn scores_any(host: &Host, src: SockAddr, slot: IpAddr, daddr: IpAddr, port: u16) -> bool {
    if host.reference_walks() {
        return lookup2_walk(host, src, slot, daddr, port).is_some();
    }
    let takes = |s: &Socket| slot_of(s) == Some(slot) && score(s, src, daddr).is_some();
    host.udp_classes(port)
        .iter()
        .any(|c| !c.view.is_connected() && takes(c.oldest))
        || host.udp_peers(port, src).iter().any(|s| takes(s))
}

/// [`group_of`] from the port's index: how many members are unconnected,
/// and whether the group is marked.
fn group_counts(host: &Host, s: &Socket) -> Option<(usize, bool)> {
    if !s.opts().reuseport || s.reuse_group() == 0 || s.remote().is_some() {
        return None;
    }
    let (free, _) = host.udp_group_counts(s.local_port()?, s.reuse_group());
    Some((free, host.group_marked(s.reuse_group())))
}

/// The unconnected members of `s`'s group, in bind order.
fn group_free(host: &Host, s: &Socket) -> Arc<[SockId]> {
    host.udp_group_free(s.local_port().unwrap_or(0), s.reuse_group())
}

/// [`lookup2`] by walking every socket of the port: the reference.
fn lookup2_walk(
    host: &Host,
    src: SockAddr,
    slot: IpAddr,
    daddr: IpAddr,
    port: u16,
) -> Option<(Found, Option<SockId>, usize)> {
    let mut chain: Vec<&Socket> = host
        .udp_owners(port)
        .into_iter()
        .filter(|s| slot_of(s) == Some(slot))
        .collect();
    crate::sort::by_key(&mut chain, |s| s.chain_key());
    let mut badness = if daddr.is_ipv4() { 0 } else { -1 };
    let mut result: Option<Found> = None;
    let mut ties = 0;
    for (i, &s) in chain.iter().enumerate() {
        let Some(sc) = score(s, src, daddr) else {
            continue;
        };
        match sc.cmp(&badness) {
            Ordering::Greater => {
                ties = 1;
                badness = sc;
                match group_of(host, s) {
                    Some((members, marked)) => {
                        let found = if members.len() > 1 {
                            Found::Pick(members)
                        } else {
                            Found::One(s.id())
                        };
                        if !marked {
                            let rest = chain[i + 1..]
                                .iter()
                                .filter_map(|&o| score(o, src, daddr).map(|osc| (o, osc)));
                            let ties = chain
                                .iter()
                                .filter(|&&o| score(o, src, daddr) == Some(sc))
                                .count();
                            return Some((found, passed_over(rest, sc), ties));
                        }
                        result = Some(found);
                    }
                    None => result = Some(Found::One(s.id())),
                }
            }
            Ordering::Equal => ties += 1,
            Ordering::Less => {}
        }
    }
    result.map(|r| (r, None, ties))
}

/// Unicast: the exact address's chain first; a connected or any result
/// there is final; else the wildcard chain.
pub(super) fn deliver_unicast(host: &Host, src: SockAddr, dst: SockAddr) -> Delivery {
    if let Some((s, others)) = by_hash4(host, src, dst) {
        let rule = RuleId::LinuxUdpDeliverConnectedPeer;
        if others.is_empty() {
            return to(rule, s, src, dst, None);
        }
        let names = few_names(others.len() + 1, |i| match i {
            0 => s.name(),
            i => others[i - 1].name(),
        });
        return Delivery::To {
            sock: s.id(),
            rule,
            why: Why::of(
                rule,
                WhyVariant::FiledLast,
                args![
                    Slot::Socket => s.name(),
                    Slot::Sockets => Arg::NamesAnd(names),
                    Slot::Remote => src,
                ],
            ),
        };
    }
    let wild = match dst.ip {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
    };
    let slot_wild = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
    let exact = lookup2(host, src, dst.ip, dst.ip, dst.port);
    let wild_exists = scores_any(host, src, slot_wild, wild, dst.port);
    let (found, passed, pass_exact, ties) = match exact {
        Some((f, p, t)) => (f, p, true, t),
        None => match lookup2(host, src, slot_wild, wild, dst.port) {
            Some((f, p, t)) => (f, p, false, t),
            None => {
                return lookup1(host, src, dst).unwrap_or_else(|| dropped(host, src, dst));
            }
        },
    };
    match found {
        Found::Pick(members) => {
            let idx = ((host.tuple_hash(src, dst) as u64 * members.len() as u64) >> 32) as usize;
            let names = host.few_labels(&members);
            let first = host.socket(members[0]);
            Delivery::Group {
                at: idx.min(members.len() - 1),
                rule: RuleId::LinuxUdpDeliverReuseportHash,
                why: Why::of(
                    RuleId::LinuxUdpDeliverReuseportHash,
                    WhyVariant::Usual,
                    args![Slot::Sockets => Arg::NamesAnd(names), Slot::Addr => first.local()],
                ),
                members,
            }
        }
        Found::One(id) => {
            let s = host.socket(id);
            if let Some(other) = passed.map(|o| host.socket(o)) {
                let rule = RuleId::LinuxUdpDeliverReuseportEndsLookup;
                return to(rule, s, src, dst, Some(other));
            }
            let rule = if s.remote().is_some() {
                RuleId::LinuxUdpDeliverConnectedPeer
            } else if ties > 1 && (s.chain_tail() || tail_bound_later(host, s, src, dst)) {
                // Met first as the oldest of the chain's tail, or before a
                // tail bound later: not the newest.
                let args = args![
                    Slot::Socket => s.name(),
                    Slot::Addr => s.local(),
                    Slot::Dst => dst,
                    Slot::Remote => src,
                ];
                let rule = RuleId::LinuxUdpDeliverNewest;
                let variant = if s.chain_tail() {
                    WhyVariant::ChainTail
                } else {
                    WhyVariant::BeforeTail
                };
                return Delivery::To {
                    sock: s.id(),
                    rule,
                    why: Why::of(rule, variant, args),
                };
            } else if ties > 1 {
                RuleId::LinuxUdpDeliverNewest
            } else if pass_exact && wild_exists {
                RuleId::LinuxUdpDeliverExactBeforeWildcard
            } else if dst.ip.is_ipv4() && !s.is_v6() && dual_stack_scores(host, s, src, dst) {
                RuleId::LinuxUdpDeliverInetBeatsDualStack
            } else {
                RuleId::LinuxUdpDeliverBound
            };
            to(rule, s, src, dst, None)
        }
    }
}

/// The datagram from `src` to `dst` goes to `s`, by `rule` (`other`: the
/// socket its why-line names beside it).
fn to(rule: RuleId, s: &Socket, src: SockAddr, dst: SockAddr, other: Option<&Socket>) -> Delivery {
    let mut args = args![
        Slot::Socket => s.name(),
        Slot::Addr => s.local(),
        Slot::Dst => dst,
        Slot::Remote => src,
    ];
    // The socket passed over is connected to the sender, or an unconnected
    // one that outscores `s` (an IPv4 socket beside a dual-stack one).
    let mut variant = WhyVariant::Usual;
    if let Some(o) = other {
        args.push((Slot::Other, o.label().into()));
        if o.remote().is_none() {
            variant = WhyVariant::ScoresHigher;
        }
    }
    Delivery::To {
        sock: s.id(),
        rule,
        why: Why::of(rule, variant, args),
    }
}

/// `udp4_lib_lookup1`, asked when neither the address's chain nor the
/// wildcard's has a taker (a fallback for a socket whose address changed
/// before it was re-hashed, "udp: Deal with race between UDP socket
/// address change and rehash"): every socket of the port, in the primary
/// chain's order, scored as `compute_score` does, the best (first of
/// equals) taking the datagram, SO_REUSEPORT groups not asked. It finds
/// only a socket filed under another address than the one it is compared
/// by: an AF_INET6 socket whose address connect() chose, whose IPv4
/// address is 127.0.0.6 ([`via_placeholder`]). Its IPv4 peer address is 0
/// unless it connected to a v4-mapped peer, so only the peer's port must
/// match the sender's. Measured (an edge-case hunt, with any source
/// address): `corpus/linux/udp-kernel-found-last-resort-walk.bindlab`.
fn lookup1(host: &Host, src: SockAddr, dst: SockAddr) -> Option<Delivery> {
    let IpAddr::V4(d) = dst.ip else { return None };
    let score = |s: &Socket| -> Option<u32> {
        View::of(s).filter(|&v| via_placeholder(true, v) && v.rcv4 == d)?;
        let mut score = 1;
        if let Some(r) = s.remote() {
            if let Some(peer4) = crate::addr::as_v4(r.ip) {
                if IpAddr::V4(peer4) != src.ip {
                    return None;
                }
                score += 4;
            }
            if r.port != src.port {
                return None;
            }
            score += 4;
        }
        Some(score)
    };
    let mut best: Option<(u32, &Socket)> = None;
    for s in primary_chain(host.udp_owners(dst.port)) {
        if let Some(sc) = score(s) {
            if best.is_none_or(|(b, _)| sc > b) {
                best = Some((sc, s));
            }
        }
    }
    let (_, s) = best?;
    Some(to(RuleId::LinuxUdpDeliverLastResortWalk, s, src, dst, None))
}

/// `udp4_lib_lookup4` / `udp6_lib_lookup4` (Linux 6.13+), asked before
/// the chains: the connected socket filed under the datagram's 4-tuple.
/// A socket is filed once, under its first connect()'s peer
/// (`Socket::udp_hash4_peer`), and found there only while connected to
/// that peer on the destination address; any other connected socket is
/// left to the chain walk, where a reuseport socket met first can end the
/// walk before it (measured). Of two or more such sockets the one filed
/// last is found: the chain is newest first and the lookup takes the first
/// that matches, without scoring (measured: a dual-stack socket filed
/// after an IPv4 one wins, though it scores less).
/// Returns the socket found and the others filed there for this 4-tuple.
fn by_hash4(host: &Host, src: SockAddr, dst: SockAddr) -> Option<(&Socket, Vec<&Socket>)> {
    let mut filed: Vec<&Socket> = host
        .udp_peers(dst.port, src)
        .into_iter()
        .filter(|s| {
            s.udp_hash4_peer()
                .is_some_and(|p| unmap(p.ip) == src.ip && p.port == src.port)
                && s.local().is_some_and(|l| unmap(l.ip) == unmap(dst.ip))
                && score(s, src, dst.ip).is_some()
        })
        .collect();
    crate::sort::by_key(&mut filed, |s| u64::MAX - s.udp_hash4_seq());
    let mut rest = filed.into_iter();
    Some((rest.next()?, rest.collect()))
}

/// Whether an AF_INET6 socket in `s`'s chain would also take the datagram
/// (it lost to `s` on score). Per class for unconnected sockets; a
/// connected one scores only from its own peer.
fn dual_stack_scores(host: &Host, s: &Socket, src: SockAddr, dst: SockAddr) -> bool {
    let takes =
        |o: &Socket| o.is_v6() && slot_of(o) == slot_of(s) && score(o, src, dst.ip).is_some();
    if host.reference_walks() {
        return host.udp_owners(dst.port).iter().any(|o| takes(o));
    }
    host.udp_classes(dst.port)
        .iter()
        .any(|c| !c.view.is_connected() && takes(c.oldest))
        || host.udp_peers(dst.port, src).iter().any(|o| takes(o))
}

/// Whether a socket at the tail of `s`'s lookup chain, bound after `s`,
/// scores as `s` does: `s` is then met first without being the newest
/// (found by an edge-case hunt: an IPv6 socket that bound with
/// SO_REUSEPORT and turned it off).
fn tail_bound_later(host: &Host, s: &Socket, src: SockAddr, dst: SockAddr) -> bool {
    let ties = |t: &Socket| {
        t.chain_tail()
            && t.bound_seq() > s.bound_seq()
            && slot_of(t) == slot_of(s)
            && score(t, src, dst.ip) == score(s, src, dst.ip)
    };
    if host.reference_walks() {
        return host.udp_owners(dst.port).into_iter().any(ties);
    }
    host.udp_classes(dst.port)
        .iter()
        .any(|c| ties(c.chain_last))
}

fn dropped(host: &Host, src: SockAddr, dst: SockAddr) -> Delivery {
    let (connected, variant) = crate::os::common::connected_elsewhere(host, src, dst);
    Delivery::Dropped {
        rule: RuleId::LinuxUdpDeliverNone,
        why: Why::of(
            RuleId::LinuxUdpDeliverNone,
            variant,
            args![Slot::Dst => dst, Slot::Remote => src, Slot::Sockets => connected],
        ),
    }
}

/// `__udp4_lib_mcast_deliver` / `__udp6_lib_mcast_deliver`: a copy to
/// every socket of the port that matches, if the host joined the group.
pub(super) fn deliver_multicast(host: &Host, src: SockAddr, dst: SockAddr) -> Delivery {
    // An interface-local group (ff01::/16) never arrives from another
    // host, and a group of the reserved scope 0 is never received:
    // `ip6_rcv_core` drops both, whoever joined them (RFC 4291 §2.7).
    let scope = crate::os::common::v6_group_scope(dst.ip);
    let variant = match scope {
        Some(crate::os::common::GroupScope::InterfaceLocal) => Some(WhyVariant::InterfaceLocal),
        Some(crate::os::common::GroupScope::Reserved) => Some(WhyVariant::ReservedScope),
        _ => None,
    };
    let member =
        crate::os::common::host_always_member(host, dst.ip, false) || host.group_joined(dst.ip);
    if variant.is_some() || !member {
        return Delivery::Dropped {
            rule: RuleId::LinuxUdpMcastNotJoined,
            why: Why::of(
                RuleId::LinuxUdpMcastNotJoined,
                variant.unwrap_or(WhyVariant::Usual),
                args![Slot::Group => dst.ip],
            ),
        };
    }
    let mut receivers: Vec<SockId> = Vec::new();
    let mut by_mc_all: Vec<Name> = Vec::new();
    for s in primary_chain(host.udp_owners(dst.port)) {
        let Some(v) = View::of(s) else { continue };
        if let Some(r) = s.remote() {
            if unmap(r.ip) != src.ip || r.port != src.port {
                continue;
            }
        }
        let addr_ok = match dst.ip {
            IpAddr::V4(g) => !v.v6only && (v.rcv4.is_unspecified() || v.rcv4 == g),
            IpAddr::V6(g) => s.is_v6() && (v.v6.is_unspecified() || v.v6 == g),
        };
        if !addr_ok {
            continue;
        }
        let joined = s.groups().contains(&dst.ip);
        // IPv4: IP_MULTICAST_ALL (off on AF_INET6 sockets); IPv6:
        // IPV6_MULTICAST_ALL, on by default and not settable here.
        let all = if dst.ip.is_ipv4() {
            s.opts().mc_all
        } else {
            true
        };
        if joined || all {
            receivers.push(s.id());
            if !joined {
                by_mc_all.push(s.name());
            }
        }
    }
    if receivers.is_empty() {
        return Delivery::Dropped {
            rule: RuleId::LinuxUdpMcastNoReceiver,
            why: Why::of(
                RuleId::LinuxUdpMcastNoReceiver,
                WhyVariant::Usual,
                args![Slot::Group => dst.ip, Slot::Port => dst.port],
            ),
        };
    }
    let names: Vec<Name> = receivers.iter().map(|&r| host.socket(r).name()).collect();
    let variant = if by_mc_all.is_empty() || dst.ip.is_ipv6() {
        WhyVariant::Usual
    } else {
        WhyVariant::McAll
    };
    Delivery::Copies {
        socks: receivers,
        rule: RuleId::LinuxUdpMcastCopies,
        why: Why::of(
            RuleId::LinuxUdpMcastCopies,
            variant,
            args![
                Slot::Sockets => Arg::NamesAnd(names),
                Slot::Group => dst.ip,
                Slot::Dst => dst,
                Slot::Others => Arg::NamesAnd(by_mc_all),
                Slot::Option => Arg::Word("IP_MULTICAST_ALL"),
            ],
        ),
    }
}
