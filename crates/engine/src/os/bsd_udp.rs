//! UDP on FreeBSD 14 and XNU: `udp_input` / `udp6_input` (unicast through
//! the PCB hash, multicast through the whole PCB list with the early stop)
//! and `udp_connect`. The two kernels differ in which wildcard socket the
//! unicast lookup keeps, in FreeBSD's SO_REUSEPORT_LB groups, and in their
//! multicast filters; each difference is a parameter here and a rule of its
//! own. Read from FreeBSD stable/14 and XNU xnu-11417.121.6 (cited in
//! rules.json); no FreeBSD or macOS kernel runs here.
//!
//! The unicast lookup and connect()'s taken 4-tuple read the port's UDP
//! index (`host/udp_lookup.rs`: per class, per peer), not its every socket;
//! the walks kept beside them are the reference that
//! `Host::set_reference_walks` runs and the property tests compare.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use crate::addr::{unmap, v4_mapped, SockAddr};
use crate::args;
use crate::errno::Errno;
use crate::host::{ClassView, Host, Owner, SockId, Socket, UdpClass};
use crate::os::{Decision, Delivery, Os};
use crate::rules::{Arg, Name, RuleId, Slot, WhyVariant};
use crate::why::Why;

/// A socket's local address as the IPv4 side sees it (`Some(0.0.0.0)` for a
/// dual-stack `[::]` or `[::ffff:0.0.0.0]`), or `None` when it takes no IPv4
/// (IPV6_V6ONLY, or an XNU PCB an earlier connect() left IPv6 only).
pub(crate) fn v4_view(s: &(impl Owner + ?Sized)) -> Option<Ipv4Addr> {
    let l = s.local()?;
    match l.ip {
        IpAddr::V4(a) if !s.is_v6() => Some(a),
        IpAddr::V4(_) => None,
        IpAddr::V6(a) if a.is_unspecified() => {
            (!s.opts().v6only && s.pcb_narrowed() != Some(false)).then_some(Ipv4Addr::UNSPECIFIED)
        }
        IpAddr::V6(a) => v4_mapped(a).filter(|_| !s.opts().v6only),
    }
}

/// A socket's local IPv6 address, if it is a native-IPv6 binding (`::` or a
/// specific IPv6 address) that still takes IPv6 (not an XNU PCB an earlier
/// connect() left IPv4 only).
pub(crate) fn v6_view(s: &(impl Owner + ?Sized)) -> Option<Ipv6Addr> {
    match s.local()?.ip {
        IpAddr::V6(a) if s.is_v6() && v4_mapped(a).is_none() && s.pcb_narrowed() != Some(true) => {
            Some(a)
        }
        _ => None,
    }
}

/// Connected to exactly `src`.
pub(crate) fn connected_to(s: &Socket, src: SockAddr) -> bool {
    s.remote()
        .is_some_and(|r| unmap(r.ip) == src.ip && r.port == src.port)
}

/// Whether `s` is bound to exactly `dst`'s address (as the family sees it).
fn exact(s: &(impl Owner + ?Sized), dst: IpAddr) -> bool {
    match dst {
        IpAddr::V4(d) => v4_view(s) == Some(d),
        IpAddr::V6(d) => v6_view(s) == Some(d),
    }
}

fn wildcard(s: &impl Owner, dst: IpAddr) -> bool {
    match dst {
        IpAddr::V4(_) => v4_view(s).is_some_and(|a| a.is_unspecified()),
        IpAddr::V6(_) => v6_view(s).is_some_and(|a| a.is_unspecified()),
    }
}

fn names(host: &Host, ids: &[SockId]) -> Vec<Name> {
    ids.iter().map(|&i| host.socket(i).name()).collect()
}

/// Unicast delivery (`in_pcblookup_hash*` on the UDP table): a socket
/// connected to the sender first, then (FreeBSD) an SO_REUSEPORT_LB group,
/// then an exact-address socket (the newest bound), then a wildcard one
/// (FreeBSD: the newest bound, or the oldest AF_INET one on the locked
/// path; XNU: the oldest AF_INET one, then the oldest AF_INET6 one, dual-stack
/// or `[::ffff:0.0.0.0]`).
pub(crate) fn deliver_unicast(host: &Host, os: Os, src: SockAddr, dst: SockAddr) -> Delivery {
    if host.reference_walks() {
        return deliver_unicast_walk(host, os, src, dst);
    }
    let to = |s: &Socket, rule: RuleId, variant: WhyVariant| to(os, s, rule, variant, src, dst);
    // The exact 4-tuple: connected sockets live in the exact hash only.
    if let Some(s) = host
        .udp_peers(dst.port, src)
        .into_iter()
        .filter(|s| exact(*s, dst.ip))
        .max_by_key(|s| s.chain_seq())
    {
        return to(s, RuleId::BsdUdpDeliverConnectedPeer, WhyVariant::Usual);
    }
    // Everything below reads unconnected sockets by class: address, family,
    // options are class fields; bind order is each class's oldest/newest.
    let classes: Vec<UdpClass> = host
        .udp_classes(dst.port)
        .into_iter()
        .filter(|c| !c.view.is_connected())
        .collect();
    if os == Os::FreeBsd {
        for pick_exact in [true, false] {
            let members = host.udp_members_where(dst.port, |s| lb_member(s, dst.ip, pick_exact));
            if let Some(d) = lb_group(host, &members, src, dst, &to) {
                return d;
            }
        }
    }
    let exacts = Pool::of(&classes, |s| exact(s, dst.ip));
    if let Some(s) = exacts.newest {
        return to(
            s,
            exact_rule(os, exacts.count).0,
            exact_rule(os, exacts.count).1,
        );
    }
    let wilds = Pool::of(&classes, |s| wildcard(s, dst.ip));
    if wilds.count == 0 {
        return none_on(host, classes.iter().map(|c| c.oldest), os, src, dst);
    }
    let inet = Pool::of(&classes, |s| wildcard(s, dst.ip) && !s.is_v6());
    let dual = Pool::of(&classes, |s| {
        wildcard(s, dst.ip) && s.is_v6() && !mapped_wild(s)
    });
    match os {
        Os::MacOs => {
            // Every AF_INET6 wildcard (dual-stack `[::]` and
            // `[::ffff:0.0.0.0]` alike) fills the one `local_wild_mapped`.
            let pool = if inet.count > 0 { &inet } else { &wilds };
            // The last in the chain: the oldest bound, unless a failed
            // reconnect filed an older one again at the head.
            let s = pool.chain_last.expect("not empty");
            to(
                s,
                macos_wild_rule(wilds.count),
                macos_wild_variant(s, pool.oldest),
            )
        }
        _ => {
            // The chain: AF_INET and dual-stack wildcards newest first, then
            // the `[::ffff:0.0.0.0]` ones, each appended at the tail
            // (`_in_pcbinshash_wild`). The fast path takes the first match;
            // the locked one the last AF_INET match, else the last AF_INET6.
            let mapped = Pool::of(&classes, |s| wildcard(s, dst.ip) && mapped_wild(s));
            let first = inet.join(dual).newest.or(mapped.oldest).expect("not empty");
            freebsd_wild(first, wilds.count, &to)
        }
    }
}

/// How many unconnected sockets of a port fit, and the oldest and newest
/// bound of them: from the classes, not the sockets.
#[derive(Clone, Copy)]
struct Pool<'h> {
    count: usize,
    oldest: Option<&'h Socket>,
    newest: Option<&'h Socket>,
    /// Met last in the lookup chain (XNU's `local_wild`).
    chain_last: Option<&'h Socket>,
}

impl<'h> Pool<'h> {
    fn of(classes: &[UdpClass<'h>], fits: impl Fn(&ClassView) -> bool) -> Pool<'h> {
        let mut p = Pool {
            count: 0,
            oldest: None,
            newest: None,
            chain_last: None,
        };
        for c in classes.iter().filter(|c| fits(&c.view)) {
            p = p.join(Pool {
                count: c.count,
                oldest: Some(c.oldest),
                newest: Some(c.newest),
                chain_last: Some(c.chain_last),
            });
        }
        p
    }

    fn join(self, o: Pool<'h>) -> Pool<'h> {
        let pick = |a: Option<&'h Socket>, b: Option<&'h Socket>, newer: bool| match (a, b) {
            (Some(x), Some(y)) => Some(if (y.bound_seq() > x.bound_seq()) == newer {
                y
            } else {
                x
            }),
            (x, y) => x.or(y),
        };
        let last = match (self.chain_last, o.chain_last) {
            (Some(x), Some(y)) => Some(if y.chain_key() > x.chain_key() { y } else { x }),
            (x, y) => x.or(y),
        };
        Pool {
            count: self.count + o.count,
            oldest: pick(self.oldest, o.oldest, false),
            newest: pick(self.newest, o.newest, true),
            chain_last: last,
        }
    }
}

/// Whether `s` is in FreeBSD's SO_REUSEPORT_LB group that a datagram to
/// `dst` searches (`exact`: the group on exactly `dst`'s address, else the
/// wildcard group). A socket joins the group of the address it was hashed
/// under (`Socket::hashed_ip`) and stays in it once connected: a connect()
/// only rehashes it, and `in_pcblookup_lbgroup` looks at no peer
/// (in_pcb.c 2152-2160), so the locked lookup hands it datagrams from any
/// sender. `in_pcbinslbgrouphash` files no AF_INET6 socket whose PCB takes
/// IPv4 on the wildcard (a dual-stack `[::]`, a `[::ffff:0.0.0.0]`) in any
/// group (359-367); an IPv6-only `[::]` joins the IPv6 one.
pub(super) fn lb_member(s: &impl Owner, dst: IpAddr, exact: bool) -> bool {
    if !s.bind_opts().reuseport_lb {
        return false;
    }
    let Some(ip) = s.hashed_ip() else {
        return false;
    };
    let view = match (dst, ip) {
        (IpAddr::V4(_), IpAddr::V4(a)) if !s.is_v6() => Some(IpAddr::V4(a)),
        (IpAddr::V4(_), IpAddr::V6(a)) if !s.opts().v6only => {
            if a.is_unspecified() {
                Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
            } else {
                v4_mapped(a).map(IpAddr::V4)
            }
        }
        (IpAddr::V6(_), IpAddr::V6(a)) if s.is_v6() && v4_mapped(a).is_none() => Some(ip),
        _ => None,
    };
    match view {
        Some(v) if exact => v == dst,
        Some(v) if v.is_unspecified() => !s.is_v6() || (dst.is_ipv6() && s.opts().v6only),
        _ => false,
    }
}

/// An AF_INET6 socket bound to a v4-mapped address (specific or
/// `[::ffff:0.0.0.0]`): its PCB is IPv4 only.
fn bound_v4_mapped(s: &Socket) -> bool {
    s.is_v6()
        && s.local()
            .is_some_and(|l| matches!(l.ip, IpAddr::V6(a) if v4_mapped(a).is_some()))
}

/// A `[::ffff:0.0.0.0]` binding (met after the other wildcards).
fn mapped_wild(s: &impl Owner) -> bool {
    s.local()
        .is_some_and(|l| matches!(l.ip, IpAddr::V6(a) if v4_mapped(a).is_some()))
}

/// The delivery to `s` by `rule`.
fn to(
    os: Os,
    s: &Socket,
    rule: RuleId,
    variant: WhyVariant,
    src: SockAddr,
    dst: SockAddr,
) -> Delivery {
    Delivery::To {
        sock: s.id(),
        rule,
        why: Why::of(
            rule,
            variant,
            args![
                Slot::Socket => s.name(),
                Slot::Addr => s.local(),
                Slot::Dst => dst,
                Slot::Remote => src,
                Slot::Os => Arg::Word(os.display()),
            ],
        ),
    }
}

/// FreeBSD's SO_REUSEPORT_LB group of `members` (bind order), if any.
fn lb_group(
    host: &Host,
    members: &[&Socket],
    src: SockAddr,
    dst: SockAddr,
    to: &dyn Fn(&Socket, RuleId, WhyVariant) -> Delivery,
) -> Option<Delivery> {
    let first = members.first()?;
    let ids: Arc<[SockId]> = members.iter().map(|s| s.id()).collect();
    if ids.len() == 1 {
        return Some(to(
            first,
            RuleId::FreebsdUdpDeliverLbGroup,
            WhyVariant::Usual,
        ));
    }
    let idx = ((host.tuple_hash(src, dst) as u64 * ids.len() as u64) >> 32) as usize;
    Some(Delivery::Group {
        at: idx.min(ids.len() - 1),
        rule: RuleId::FreebsdUdpDeliverLbGroup,
        why: Why::of(
            RuleId::FreebsdUdpDeliverLbGroup,
            WhyVariant::Group,
            args![Slot::Sockets => Arg::NamesAnd(host.few_labels(&ids)), Slot::Addr => first.local()],
        ),
        members: ids,
    })
}

/// The rule for the newest of `n` exact-address sockets.
fn exact_rule(os: Os, n: usize) -> (RuleId, WhyVariant) {
    match (os, n > 1) {
        (_, false) => (RuleId::BsdUdpDeliverBound, WhyVariant::Usual),
        (Os::MacOs, true) => (
            RuleId::MacosUdpDeliverNewestExactOldestWildcard,
            WhyVariant::Exact,
        ),
        _ => (RuleId::FreebsdUdpDeliverNewestBound, WhyVariant::Usual),
    }
}

/// The why-line of macOS's wildcard pick: `Refiled` when the socket last
/// in the chain is not the oldest bound.
fn macos_wild_variant(picked: &Socket, oldest: Option<&Socket>) -> WhyVariant {
    if oldest.is_some_and(|o| o.id() != picked.id()) {
        WhyVariant::Refiled
    } else {
        WhyVariant::Usual
    }
}

fn macos_wild_rule(wilds: usize) -> RuleId {
    if wilds > 1 {
        RuleId::MacosUdpDeliverNewestExactOldestWildcard
    } else {
        RuleId::BsdUdpDeliverBound
    }
}

/// Nobody takes the datagram. When an XNU socket on the port would have,
/// but for the one family its last connect() left it in (see
/// `Socket::pcb_narrowed`), the why-line names it.
/// `open`: the port's unconnected sockets (or a socket of each class).
fn none_on<'h>(
    host: &Host,
    mut open: impl Iterator<Item = &'h Socket>,
    os: Os,
    src: SockAddr,
    dst: SockAddr,
) -> Delivery {
    let to_v4 = dst.ip.is_ipv4();
    let kept = open.find(|s| {
        s.pcb_narrowed() == Some(!to_v4) && s.local().is_some_and(|l| l.ip.is_unspecified())
    });
    let Some(s) = kept else {
        return none(host, os, src, dst);
    };
    let rule = RuleId::BsdUdpConnectFamilyKept;
    let family = if to_v4 { "IPv6" } else { "IPv4" };
    Delivery::Dropped {
        rule,
        why: Why::of(
            rule,
            WhyVariant::Datagram,
            args![
                Slot::Socket => s.name(),
                Slot::Addr => s.local(),
                Slot::Family => Arg::Word(family),
                Slot::Dst => dst,
                Slot::Os => Arg::Word(os.display()),
            ],
        ),
    }
}

/// Nobody takes the datagram; the port's connected sockets, connected to
/// other peers, are named where there are any (they are why it is dropped).
fn none(host: &Host, os: Os, src: SockAddr, dst: SockAddr) -> Delivery {
    let (connected, variant) = super::common::connected_elsewhere(host, src, dst);
    Delivery::Dropped {
        rule: RuleId::BsdUdpDeliverNone,
        why: Why::of(
            RuleId::BsdUdpDeliverNone,
            variant,
            args![
                Slot::Dst => dst,
                Slot::Os => Arg::Word(os.display()),
                Slot::Remote => src,
                Slot::Sockets => connected,
            ],
        ),
    }
}

/// FreeBSD's wildcard: the first match of the chain, `first`, which the SMR
/// fast path returns (it waits for a busy lock; the locked lookup runs only
/// for a PCB being freed: `_inp_smr_lock`).
fn freebsd_wild(
    first: &Socket,
    wilds: usize,
    to: &dyn Fn(&Socket, RuleId, WhyVariant) -> Delivery,
) -> Delivery {
    let rule = if wilds > 1 {
        RuleId::FreebsdUdpDeliverFastOrLockedPath
    } else {
        RuleId::BsdUdpDeliverBound
    };
    to(first, rule, WhyVariant::Usual)
}

/// [`deliver_unicast`] by walking every socket of the port: the reference.
fn deliver_unicast_walk(host: &Host, os: Os, src: SockAddr, dst: SockAddr) -> Delivery {
    let all = host.udp_owners(dst.port);
    let to = |s: &Socket, rule: RuleId, variant: WhyVariant| to(os, s, rule, variant, src, dst);
    // The exact 4-tuple: connected sockets live in the exact hash only.
    if let Some(s) = all
        .iter()
        .filter(|s| connected_to(s, src) && exact(**s, dst.ip))
        .max_by_key(|s| s.chain_seq())
    {
        return to(s, RuleId::BsdUdpDeliverConnectedPeer, WhyVariant::Usual);
    }
    let open: Vec<&Socket> = all
        .iter()
        .copied()
        .filter(|s| s.remote().is_none())
        .collect();
    if os == Os::FreeBsd {
        // SO_REUSEPORT_LB groups: exact address first, then the wildcard.
        // A dual-stack `[::]` socket joins no group.
        for pick_exact in [true, false] {
            let members: Vec<&Socket> = all
                .iter()
                .copied()
                .filter(|s| lb_member(*s, dst.ip, pick_exact))
                .collect();
            if let Some(first) = members.first() {
                let ids: Arc<[SockId]> = members.iter().map(|s| s.id()).collect();
                if ids.len() == 1 {
                    return to(first, RuleId::FreebsdUdpDeliverLbGroup, WhyVariant::Usual);
                }
                let idx = ((host.tuple_hash(src, dst) as u64 * ids.len() as u64) >> 32) as usize;
                return Delivery::Group {
                    at: idx.min(ids.len() - 1),
                    rule: RuleId::FreebsdUdpDeliverLbGroup,
                    why: Why::of(
                        RuleId::FreebsdUdpDeliverLbGroup,
                        WhyVariant::Group,
                        args![Slot::Sockets => Arg::NamesAnd(host.few_labels(&ids)), Slot::Addr => first.local()],
                    ),
                    members: ids,
                };
            }
        }
    }
    let exacts: Vec<&Socket> = open.iter().copied().filter(|s| exact(*s, dst.ip)).collect();
    if let Some(s) = exacts.iter().max_by_key(|s| s.bound_seq()) {
        let (rule, variant) = match (os, exacts.len() > 1) {
            (_, false) => (RuleId::BsdUdpDeliverBound, WhyVariant::Usual),
            (Os::MacOs, true) => (
                RuleId::MacosUdpDeliverNewestExactOldestWildcard,
                WhyVariant::Exact,
            ),
            _ => (RuleId::FreebsdUdpDeliverNewestBound, WhyVariant::Usual),
        };
        return to(s, rule, variant);
    }
    let wilds: Vec<&Socket> = open
        .iter()
        .copied()
        .filter(|s| wildcard(*s, dst.ip))
        .collect();
    if wilds.is_empty() {
        return none_on(host, open.iter().copied(), os, src, dst);
    }
    // AF_INET first for an IPv4 datagram; a `[::ffff:0.0.0.0]` binding last.
    let inet: Vec<&Socket> = wilds.iter().copied().filter(|s| !s.is_v6()).collect();
    let mapped_wild = |s: &Socket| {
        s.local()
            .is_some_and(|l| matches!(l.ip, IpAddr::V6(a) if v4_mapped(a).is_some()))
    };
    let dual: Vec<&Socket> = wilds
        .iter()
        .copied()
        .filter(|s| s.is_v6() && !mapped_wild(s))
        .collect();
    match os {
        Os::MacOs => {
            let pool = if inet.is_empty() { &wilds } else { &inet };
            let s = pool
                .iter()
                .max_by_key(|s| s.chain_key())
                .expect("not empty");
            let variant = macos_wild_variant(s, pool.iter().min_by_key(|s| s.bound_seq()).copied());
            let rule = if wilds.len() > 1 {
                RuleId::MacosUdpDeliverNewestExactOldestWildcard
            } else {
                RuleId::BsdUdpDeliverBound
            };
            to(s, rule, variant)
        }
        _ => {
            // The chain's first match: the newest of the AF_INET and
            // dual-stack wildcards, else the oldest `[::ffff:0.0.0.0]` one
            // (appended at the chain's tail).
            let mapped: Vec<&Socket> = wilds.iter().copied().filter(|s| mapped_wild(s)).collect();
            let first = inet
                .iter()
                .chain(dual.iter())
                .max_by_key(|s| s.bound_seq())
                .or_else(|| mapped.iter().min_by_key(|s| s.bound_seq()))
                .expect("not empty");
            let rule = if wilds.len() > 1 {
                RuleId::FreebsdUdpDeliverFastOrLockedPath
            } else {
                RuleId::BsdUdpDeliverBound
            };
            to(first, rule, WhyVariant::Usual)
        }
    }
}

/// Multicast delivery (`udp_multi_input` / XNU `udp_input`): every socket of
/// the port on the wildcard or the group (XNU IPv6: any address), not
/// connected elsewhere, that passes the OS's membership filter, walked
/// newest created first; the walk stops after a receiver with no reuse
/// option.
pub(crate) fn deliver_multicast(host: &Host, os: Os, src: SockAddr, dst: SockAddr) -> Delivery {
    let g = dst.ip;
    let all_hosts = g == IpAddr::V4(Ipv4Addr::new(224, 0, 0, 1))
        || g == IpAddr::V6(Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1));
    let os_word = Arg::Word(os.display());
    // `ip6_input` drops an interface-local group arriving from outside
    // (both), and FreeBSD's a group of the reserved scope 0 (XNU has no
    // such check), before any socket is looked at.
    use crate::os::common::GroupScope;
    let bad_scope = match (crate::os::common::v6_group_scope(g), os) {
        (Some(GroupScope::InterfaceLocal), Os::FreeBsd) => {
            Some((RuleId::FreebsdUdpMcastBadScope, WhyVariant::Usual))
        }
        (Some(GroupScope::Reserved), Os::FreeBsd) => {
            Some((RuleId::FreebsdUdpMcastBadScope, WhyVariant::ReservedScope))
        }
        (Some(GroupScope::InterfaceLocal), Os::MacOs) => {
            Some((RuleId::MacosUdpMcastInterfaceLocal, WhyVariant::Usual))
        }
        _ => None,
    };
    if let Some((rule, variant)) = bad_scope {
        return Delivery::Dropped {
            rule,
            why: Why::of(rule, variant, args![Slot::Group => g]),
        };
    }
    // XNU's ip_input / ip6_input drop a group nobody on the host joined
    // (lo0 joins ::1's solicited-node group, so `loopback_joins`).
    if os == Os::MacOs
        && !crate::os::common::host_always_member(host, g, true)
        && !host.group_joined(g)
    {
        return Delivery::Dropped {
            rule: RuleId::MacosUdpMcastHostMembership,
            why: Why::of(
                RuleId::MacosUdpMcastHostMembership,
                WhyVariant::Usual,
                args![Slot::Group => g],
            ),
        };
    }
    let mut socks: Vec<&Socket> = host.udp_owners(dst.port);
    crate::sort::by_key(&mut socks, |s| u64::MAX - s.created_seq());
    let mut got: Vec<SockId> = Vec::new();
    let mut not_joined: Vec<Name> = Vec::new();
    let mut stopper: Option<(Name, Vec<Name>)> = None;
    for (i, s) in socks.iter().enumerate() {
        if s.remote().is_some() && !connected_to(s, src) {
            continue;
        }
        let addr_ok = match g {
            IpAddr::V4(g4) => v4_view(*s).is_some_and(|a| a.is_unspecified() || a == g4),
            // XNU's IPv6 loop never compares the local address, but skips
            // a PCB without INP_IPV6: one bound to a v4-mapped address
            // (`udp6_bind` clears the flag).
            IpAddr::V6(g6) => match os {
                Os::MacOs => s.is_v6() && !bound_v4_mapped(s),
                _ => v6_view(*s).is_some_and(|a| a.is_unspecified() || a == g6),
            },
        };
        if !addr_ok {
            continue;
        }
        let joined = s.groups().contains(&g);
        let passes = match g {
            IpAddr::V4(_) => joined || (os == Os::MacOs && all_hosts),
            // A socket with no IPv6 multicast option is not filtered.
            IpAddr::V6(_) => joined || !s.groups().iter().any(IpAddr::is_ipv6),
        };
        if !passes {
            not_joined.push(s.name());
            continue;
        }
        got.push(s.id());
        let o = s.opts();
        if !(o.reuseaddr || o.reuseport || o.reuseport_lb) {
            let skipped: Vec<Name> = socks[i + 1..].iter().map(|x| x.name()).collect();
            if !skipped.is_empty() {
                stopper = Some((s.name(), skipped));
            }
            break;
        }
    }
    let (stop_rule, every_rule, must_join) = match os {
        Os::MacOs => (
            RuleId::MacosUdpMcastEarlyStop,
            RuleId::MacosUdpMcastEveryMember,
            RuleId::MacosUdpMcastEveryMember,
        ),
        _ => (
            RuleId::FreebsdUdpMcastEarlyStop,
            RuleId::FreebsdUdpMcastEveryMember,
            RuleId::FreebsdUdpMcastMustJoin,
        ),
    };
    if got.is_empty() {
        return Delivery::Dropped {
            rule: must_join,
            why: Why::of(
                must_join,
                if not_joined.is_empty() {
                    WhyVariant::Nobody
                } else {
                    WhyVariant::None
                },
                args![
                    Slot::Group => g,
                    Slot::Port => dst.port,
                    Slot::Sockets => Arg::NamesAnd(not_joined),
                    Slot::Os => os_word,
                ],
            ),
        };
    }
    let (rule, variant, args) = match stopper {
        Some((stop, skipped)) => (
            stop_rule,
            WhyVariant::Usual,
            args![
                Slot::Socket => stop,
                Slot::Sockets => Arg::NamesAnd(skipped),
                Slot::Os => os_word,
                Slot::Group => g,
            ],
        ),
        None => (
            every_rule,
            if not_joined.is_empty() || g.is_ipv6() {
                WhyVariant::Usual
            } else {
                WhyVariant::NotJoined
            },
            args![
                Slot::Sockets => Arg::NamesAnd(names(host, &got)),
                Slot::Group => g,
                Slot::Dst => dst,
                Slot::Others => Arg::NamesAnd(not_joined),
                Slot::Os => os_word,
            ],
        ),
    };
    Delivery::Copies {
        socks: got,
        rule,
        why: Why::of(rule, variant, args),
    }
}

/// A UDP connect() of an AF_INET6 socket to the family other than the one
/// its last connect() left it in (`Socket::udp6_peer_v4`): both kernels'
/// `udp6_connect` moved the PCB to the peer's family and `udp6_disconnect`
/// does not move it back, so the new destination's family is refused
/// (`error`: FreeBSD EAFNOSUPPORT, XNU EINVAL).
pub(crate) fn connect_family_kept(
    s: &Socket,
    dst: SockAddr,
    os: Os,
    error: Errno,
) -> Option<Decision> {
    // An IPv6-only socket never reached a v4-mapped peer; its own check
    // answers for one.
    if s.opts().v6only {
        return None;
    }
    let was_v4 = s.udp6_peer_v4()?;
    let to_v4 = crate::addr::as_v4(dst.ip).is_some();
    if was_v4 == to_v4 || (!to_v4 && dst.ip.is_unspecified()) {
        return None;
    }
    let rule = RuleId::BsdUdpConnectFamilyKept;
    Some(Decision::fail(
        error,
        rule,
        Why::of(
            rule,
            if was_v4 {
                WhyVariant::Usual
            } else {
                WhyVariant::V6
            },
            args![
                Slot::Socket => s.name(),
                Slot::Dst => dst,
                Slot::Os => Arg::Word(os.display()),
                Slot::Error => Arg::Word(error.name(os)),
            ],
        ),
    ))
}

/// `join` on the BSDs: `join` means IP_ADD_MEMBERSHIP for an IPv4 group,
/// which an AF_INET6 socket refuses (EINVAL: `ip6_ctloutput` takes only
/// IPPROTO_IPV6).
pub(crate) fn join(s: &Socket, group: IpAddr, os: Os) -> Decision {
    if s.is_udp() && s.is_v6() && group.is_ipv4() {
        return Decision::fail_with(
            Errno::Inval,
            RuleId::BsdUdpJoinFamily,
            args![Slot::Socket => s.name(), Slot::Group => group, Slot::Os => Arg::Word(os.display())],
        );
    }
    crate::os::common::join(s, group, Errno::OpNotSupp)
}

/// A second connect() on a UDP socket: `soconnectlock` (XNU) and
/// `soconnectat` (FreeBSD) disconnect it first, then connect it to `dst`.
pub(crate) fn reconnected(
    s: &Socket,
    before: SockAddr,
    local: SockAddr,
    dst: SockAddr,
    os: Os,
) -> Decision {
    Decision::ok_with(
        RuleId::BsdUdpConnectAlreadyConnected,
        args![
            Slot::Socket => s.name(),
            Slot::Remote => before,
            Slot::Dst => dst,
            Slot::Local => local,
            Slot::Os => Arg::Word(os.display()),
        ],
    )
}

/// connect() would give a second socket the same 4-tuple.
pub(crate) fn connect_tuple(
    host: &Host,
    s: &Socket,
    local: SockAddr,
    dst: SockAddr,
) -> Option<Decision> {
    let wire = |a: SockAddr| SockAddr::new(unmap(a.ip), a.port);
    let taken = |t: &Socket| {
        t.id() != s.id()
            && t.local().map(wire) == Some(wire(local))
            && t.remote().map(wire) == Some(wire(dst))
    };
    // The sockets already connected to `dst` are the port's index's peers.
    let t = if host.reference_walks() {
        host.udp_owners(local.port).into_iter().find(|t| taken(t))
    } else {
        host.udp_peers(local.port, wire(dst))
            .into_iter()
            .find(|t| taken(t))
    }?;
    Some(Decision::fail_with(
        Errno::AddrInUse,
        RuleId::BsdUdpConnectTupleTaken,
        args![Slot::Other => t.name(), Slot::Addr => t.local(), Slot::Remote => dst],
    ))
}

/// listen() (both BSDs) and accept() (XNU) on a UDP socket.
pub(crate) fn not_supported(s: &Socket) -> Decision {
    Decision::fail_with(
        Errno::OpNotSupp,
        RuleId::BsdUdpListenNotSupported,
        args![Slot::Socket => s.name()],
    )
}
