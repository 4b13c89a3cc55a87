//! Linux (6.x) — `net/ipv4/inet_connection_sock.c`, `inet_hashtables.c`,
//! `af_inet.c`, `net/ipv6/af_inet6.c`. References are to
//! `shared/reference/os-rules.md` §1 and are checked against this machine's
//! kernel by `bindlab verify` and the differential test.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::addr::{unmap, v4_mapped, SockAddr};
use crate::args;
use crate::errno::Errno;
use crate::host::{Host, Owner, PortMemo, PortOrder, Scope, SearchKey, SockId, Socket, State};
use crate::os::{
    common, BindAnswer, Decision, Delivery, FinWait2, GroupOnConnect, Os, OsParams, OsRules,
    ReuseGroup, Route,
};
use crate::rules::{Arg, Args, Name, RuleId, Slot, WhyVariant};
use crate::scenario::SockOpt;
use crate::why::Why;

mod udp;

pub struct Linux;

/// `net.ipv4.ip_local_port_range` default (§1.6).
const EPHEMERAL: (u16, u16) = (32768, 60999);
/// `net.ipv4.ip_unprivileged_port_start` default.
const PROT_SOCK: u16 = 1024;
/// `TCP_TIMEWAIT_LEN`.
const TIME_WAIT_MS: u64 = 60_000;

/// A socket's address as the kernel compares it: family, the IPv6 address,
/// `sk_rcv_saddr` (the IPv4 view) and v6only.
#[derive(Clone, Copy, Debug)]
struct View {
    family6: bool,
    v6: Ipv6Addr,
    /// `sk_rcv_saddr`: the IPv4 address, 0 for a wildcard, and 127.0.0.6
    /// (`LOOPBACK4_IPV6`) for a specific IPv6 address so it never matches.
    rcv4: Ipv4Addr,
    v6only: bool,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum AddrType {
    Any,
    Mapped,
    Other,
}

impl View {
    fn new(is_v6: bool, ip: IpAddr, v6only: bool) -> View {
        match ip {
            IpAddr::V4(a) => View {
                family6: is_v6,
                v6: a.to_ipv6_mapped(),
                rcv4: a,
                v6only,
            },
            IpAddr::V6(a) => {
                let rcv4 = if a.is_unspecified() {
                    Ipv4Addr::UNSPECIFIED
                } else {
                    v4_mapped(a).unwrap_or(Ipv4Addr::new(127, 0, 0, 6))
                };
                View {
                    family6: is_v6,
                    v6: a,
                    rcv4,
                    v6only,
                }
            }
        }
    }

    fn of(s: &impl Owner) -> Option<View> {
        s.local()
            .map(|l| View::new(s.is_v6(), l.ip, s.opts().v6only))
    }

    fn addr_type(&self) -> AddrType {
        if !self.family6 || v4_mapped(self.v6).is_some() {
            AddrType::Mapped
        } else if self.v6.is_unspecified() {
            AddrType::Any
        } else {
            AddrType::Other
        }
    }
}

/// `__ipv6_addr_needs_scope_id`: an address of link or interface scope —
/// link-local unicast (fe80::/10), a group of scope 1 or 2 — names no
/// interface by itself; a scenario's addresses carry no scope id.
fn needs_scope_id(a: Ipv6Addr) -> bool {
    a.is_unicast_link_local() || (a.is_multicast() && matches!(a.segments()[0] & 0x000f, 1 | 2))
}

/// connect() from an AF_INET6 socket bound to the v4-mapped form of a group
/// or a broadcast address: `__inet6_bind` keeps that address as the source,
/// which the route lookup refuses (`ip_route_output_key_hash_rcu`: a
/// multicast or limited-broadcast source is EINVAL; 127.255.255.255 is no
/// interface's address, ENETUNREACH). Measured, TCP and UDP.
fn mapped_source_refused(s: &Socket) -> Option<Decision> {
    let IpAddr::V6(l) = s.local()?.ip else {
        return None;
    };
    let a = v4_mapped(l)?;
    let errno = if a.is_multicast() || a.is_broadcast() {
        Errno::Inval
    } else if crate::addr::is_broadcast(IpAddr::V4(a)) {
        Errno::NetUnreach
    } else {
        return None;
    };
    Some(Decision::fail_with(
        errno,
        RuleId::LinuxConnectMappedGroupSource,
        args![Slot::Socket => s.name(), Slot::Ip => IpAddr::V6(l)],
    ))
}

/// connect() to a link-local unicast address with no interface: EINVAL
/// (`tcp_v6_connect`, `__ip6_datagram_connect`; groups have their own rule).
fn link_local_connect(s: &Socket, dst: SockAddr) -> Option<Decision> {
    let IpAddr::V6(a) = dst.ip else { return None };
    (needs_scope_id(a) && !a.is_multicast()).then(|| {
        let rule = RuleId::LinuxLinkLocalNeedsInterface;
        let args = args![Slot::Socket => s.name(), Slot::Dst => dst];
        Decision::fail(Errno::Inval, rule, Why::of(rule, WhyVariant::Connect, args))
    })
}

/// `inet_rcv_saddr_equal(sk, sk2, match_wildcard = true)`: do the two
/// bindings overlap? (§1.2, including the dual-stack cases.)
fn overlap(sk: View, sk2: View) -> bool {
    saddr_equal(sk, sk2, true, true)
}

/// The overlap TCP's bind() checks. A bind to a specific address looks only
/// at the owners filed under that address and under the wildcards (the
/// port-and-address buckets, `inet_use_bhash2_on_bind`, `inet_bhash2_conflict`):
/// an IPv6 socket on a native IPv6 address, whose `sk_rcv_saddr` is
/// 127.0.0.6, is never among them for a bind of 127.0.0.6 itself. A
/// wildcard bind still walks every owner, and UDP compares as `overlap`
/// does. Measured (Linux 6.18).
fn tcp_overlap(sk: View, sk2: View) -> bool {
    let specific_v4 = !sk.family6 && !sk.rcv4.is_unspecified();
    overlap(sk, sk2) && !(specific_v4 && sk2.family6 && sk2.addr_type() == AddrType::Other)
}

/// Whether an IPv4 binding overlaps `sk2` only through the IPv4 address
/// Linux gives a dual-stack socket on a native IPv6 address: a socket whose
/// address connect() chose (`tcp_v6_connect`, `ip6_datagram_connect`) has
/// `sk_rcv_saddr` 127.0.0.6 (`LOOPBACK4_IPV6`) and stays dual-stack, where
/// `__inet6_bind` to the same address would have made it v6-only. Only such
/// a socket can be on a native address without v6only (the option cannot
/// change after bind). Measured: `kernel-found-connect-chosen-ipv6-address-blocks-ipv4.bindlab`.
fn via_placeholder(asked_v4: bool, sk2: View) -> bool {
    asked_v4 && sk2.family6 && sk2.addr_type() == AddrType::Other && !sk2.v6only
}

/// The classes an overlap question about binding `view` must ask
/// ([`Scope`]). [`overlap`] (so [`tcp_overlap`]) of a specific address
/// holds only for an owner on the same address (plain or v4-mapped: both
/// compare `rcv4`, or `v6` for native IPv6) or on a wildcard of either
/// family — except for an AF_INET bind of 127.0.0.6, whose `rcv4` is the
/// `sk_rcv_saddr` of every native IPv6 owner (`LOOPBACK4_IPV6`), which
/// `ipv4_rcv_saddr_equal` compares: then every class. (An AF_INET6 bind
/// compares native addresses by `v6`, and `rcv4` only between two
/// v4-mapped ones.)
fn overlap_scope(view: View) -> Scope {
    if !view.family6 && view.rcv4 == Ipv4Addr::new(127, 0, 0, 6) {
        return Scope::All;
    }
    Scope::Near(IpAddr::V6(view.v6))
}

/// `ipv4_rcv_saddr_equal` / `ipv6_rcv_saddr_equal` (by `sk1`'s family):
/// does `sk1`'s address cover `sk2`'s? A wildcard on a side counts as
/// every address only where its `match_wildcard` flag says so.
fn saddr_equal(sk1: View, sk2: View, match1_wild: bool, match2_wild: bool) -> bool {
    let v4_equal = |a: Ipv4Addr, b: Ipv4Addr| {
        a == b || (match1_wild && a.is_unspecified()) || (match2_wild && b.is_unspecified())
    };
    if !sk1.family6 {
        // ipv4_rcv_saddr_equal: a v6-only sk2 never overlaps an IPv4 binding.
        return !sk2.v6only && v4_equal(sk1.rcv4, sk2.rcv4);
    }
    let (t1, t2) = (sk1.addr_type(), sk2.addr_type());
    if t1 == AddrType::Mapped && t2 == AddrType::Mapped {
        return !sk2.v6only && v4_equal(sk1.rcv4, sk2.rcv4);
    }
    if t1 == AddrType::Any && t2 == AddrType::Any {
        // `::` vs `::` overlap whatever IPV6_V6ONLY says.
        return true;
    }
    if match2_wild && t2 == AddrType::Any && !(sk2.v6only && t1 == AddrType::Mapped) {
        return true;
    }
    if match1_wild && t1 == AddrType::Any && !(sk1.v6only && t2 == AddrType::Mapped) {
        return true;
    }
    sk2.family6 && sk1.v6 == sk2.v6
}

/// `sk_reuseport_match(tb, sk)`: may `sk` (binding as `view`) skip the
/// check of the port's owners, on the port's summary alone? Only with
/// SO_REUSEPORT, as the user that wrote it, at an address its address
/// covers (its wildcard covers every address; a wildcard bind is not
/// covered by a specific one).
fn memo_lets_in(memo: &PortMemo, sk: &Socket, view: View) -> bool {
    sk.opts().reuseport
        && memo.uid == sk.uid()
        && saddr_equal(View::new(memo.v6, memo.ip, memo.v6only), view, true, false)
}

/// Why `inet_bind_conflict()` (relax, reuseport_ok) let two overlapping
/// sockets coexist, or which of its cases refused. Decided from what
/// [`crate::host::PortClass`] holds (options, state, owner), so a crowded
/// port is decided per class of owner; the why-line is rendered only for
/// the owner the answer names ([`Verdict::decision`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    SharedByReuseAddr,
    SharedByReusePort,
    SharedByReusePortTimeWait,
    ReusePortOtherUser,
    ListenerHoldsPort,
    TimeWaitNeedsBoth,
    ReuseAddrNeedsBoth,
    ReuseAddrOtherSetIt,
    ReusePortNeedsBoth,
    InUse,
}

/// §1.3: the conflict predicate for an explicit bind() or listen() re-check.
fn bind_conflict(sk: &Socket, sk2: &impl Owner) -> Verdict {
    let (a, b) = (sk.opts(), sk2.opts());
    if a.reuseaddr && b.reuseaddr && !sk2.is_listening() {
        return Verdict::SharedByReuseAddr;
    }
    if a.reuseport && b.reuseport {
        if sk2.is_closed_end() {
            return Verdict::SharedByReusePortTimeWait;
        }
        if sk.uid() == sk2.uid() {
            return Verdict::SharedByReusePort;
        }
        return Verdict::ReusePortOtherUser;
    }
    // A listener holds its address against SO_REUSEADDR whether or not it
    // set it: the line (and its rule id) must not suggest setting it there.
    if a.reuseaddr && sk2.is_listening() {
        return Verdict::ListenerHoldsPort;
    }
    if sk2.is_closed_end() && a.reuseaddr && !b.reuseaddr {
        return Verdict::TimeWaitNeedsBoth;
    }
    if a.reuseaddr && !b.reuseaddr {
        return Verdict::ReuseAddrNeedsBoth;
    }
    if !a.reuseaddr && b.reuseaddr && !sk2.is_listening() {
        return Verdict::ReuseAddrOtherSetIt;
    }
    if a.reuseport != b.reuseport {
        return Verdict::ReusePortNeedsBoth;
    }
    Verdict::InUse
}

impl Verdict {
    fn allows(self) -> bool {
        matches!(
            self,
            Verdict::SharedByReuseAddr
                | Verdict::SharedByReusePort
                | Verdict::SharedByReusePortTimeWait
        )
    }

    /// The decision, its why-line naming `sk2`.
    fn decision(self, host: &Host, sk: &Socket, sk2: &Socket, listening_now: bool) -> Decision {
        let who2 = sk2.who(host.now_ms);
        let at2 = sk2.local();
        let me = sk.name();
        let fail = |rule: RuleId, variant: WhyVariant, args: Args| {
            Decision::fail(Errno::AddrInUse, rule, Why::of(rule, variant, args))
        };
        // An accepted connection did not set its options: it has them
        // from its listener, and the line says so.
        let inherited = |opt: SockOpt, usual: WhyVariant, from_listener: WhyVariant| {
            let listener = sk2.inherited_from(opt);
            let variant = if listener.is_some() {
                from_listener
            } else {
                usual
            };
            (variant, listener.map_or(Arg::Word(""), Arg::Name))
        };
        match self {
            Verdict::SharedByReuseAddr => {
                let rule = RuleId::LinuxBindReuseaddrBoth;
                let (variant, listener) = inherited(
                    SockOpt::SoReuseAddr,
                    WhyVariant::Usual,
                    WhyVariant::Inherited,
                );
                let args = args![
                    Slot::Socket => me,
                    Slot::Other => who2,
                    Slot::Addr => at2,
                    Slot::Listener => listener,
                ];
                Decision::ok_by(rule, Why::of(rule, variant, args))
            }
            Verdict::SharedByReusePort => {
                let rule = RuleId::LinuxBindReuseportSameUser;
                let (variant, listener) = inherited(
                    SockOpt::SoReusePort,
                    WhyVariant::Usual,
                    WhyVariant::Inherited,
                );
                let args = args![
                    Slot::Socket => me,
                    Slot::Other => who2,
                    Slot::Addr => at2,
                    Slot::User => sk.user_name(),
                    Slot::Listener => listener,
                ];
                Decision::ok_by(rule, Why::of(rule, variant, args))
            }
            Verdict::SharedByReusePortTimeWait => Decision::ok_with(
                RuleId::LinuxBindReuseportTimeWait,
                args![Slot::Other => who2, Slot::Socket => me],
            ),
            Verdict::ReusePortOtherUser => fail(
                RuleId::LinuxBindReuseportOtherUser,
                // SO_REUSEADDR is no way out where one of them listens; and
                // an IPv4 bind meets a native IPv6 address only through the
                // placeholder connect() gave it, which the line must say.
                if !listening_now
                    && View::of(sk2).is_some_and(|v2| via_placeholder(!sk.is_v6(), v2))
                {
                    WhyVariant::ConnectChose
                } else if listening_now || sk2.is_listening() {
                    WhyVariant::Listening
                } else {
                    WhyVariant::Usual
                },
                args![
                    Slot::Other => who2,
                    Slot::Addr => at2,
                    Slot::OtherUser => sk2.user(),
                    Slot::Socket => me,
                    Slot::User => sk.user_name(),
                ],
            ),
            Verdict::ListenerHoldsPort => {
                let (rule, variant) = if listening_now {
                    (RuleId::LinuxListenRecheck, WhyVariant::Listener)
                } else {
                    (RuleId::LinuxBindListenerHoldsPort, WhyVariant::Usual)
                };
                fail(
                    rule,
                    variant,
                    args![Slot::Other => who2, Slot::Addr => at2, Slot::Socket => me],
                )
            }
            Verdict::TimeWaitNeedsBoth => {
                // What would have let the bind through depends on where the
                // closed end came from: an accepted connection has its
                // listener's flags, a connect()ed socket its own; a
                // FIN_WAIT_2 waits for its peer before its TIME_WAIT starts.
                let rule = RuleId::LinuxBindTimeWaitNeedsBoth;
                let fin_wait_2 = matches!(sk2.state(), State::FinWait2 { .. });
                let variant = match (sk2.child(), fin_wait_2) {
                    (true, false) => WhyVariant::Usual,
                    (true, true) => WhyVariant::FinWait2,
                    (false, false) => WhyVariant::Connected,
                    (false, true) => WhyVariant::ConnectedFinWait2,
                };
                let origin = sk2.name();
                let why = Why::of(
                    rule,
                    variant,
                    args![Slot::Other => who2, Slot::Origin => origin.clone()],
                );
                // A closed end that kept SO_REUSEPORT shares with any user's
                // SO_REUSEPORT socket (`linux.bind.reuseport-time-wait`).
                if sk2.opts().reuseport {
                    let args = args![
                        Slot::Why => Arg::Nested(std::rc::Rc::new(why)),
                        Slot::Origin => origin,
                        Slot::Socket => me,
                    ];
                    Decision::fail(
                        Errno::AddrInUse,
                        rule,
                        Why::of(rule, WhyVariant::Reuseport, args),
                    )
                } else {
                    Decision::fail(Errno::AddrInUse, rule, why)
                }
            }
            // A listener would block even with SO_REUSEADDR on both: its
            // why-line says so, and what does work.
            Verdict::ReuseAddrNeedsBoth => fail(
                RuleId::LinuxBindReuseaddrNeedsBoth,
                WhyVariant::Usual,
                args![Slot::Other => who2, Slot::Addr => at2],
            ),
            Verdict::ReuseAddrOtherSetIt => {
                let (variant, listener) = inherited(
                    SockOpt::SoReuseAddr,
                    WhyVariant::OtherSetIt,
                    WhyVariant::OtherInherited,
                );
                fail(
                    RuleId::LinuxBindReuseaddrNeedsBoth,
                    variant,
                    args![
                        Slot::Other => who2,
                        Slot::Addr => at2,
                        Slot::Socket => me,
                        Slot::Listener => listener,
                    ],
                )
            }
            Verdict::ReusePortNeedsBoth => {
                let (variant, listener) = if sk.opts().reuseport {
                    (WhyVariant::Usual, Arg::Word(""))
                } else {
                    inherited(
                        SockOpt::SoReusePort,
                        WhyVariant::OtherSetIt,
                        WhyVariant::OtherInherited,
                    )
                };
                fail(
                    RuleId::LinuxBindReuseportNeedsBoth,
                    variant,
                    args![
                        Slot::Socket => me,
                        Slot::Other => who2,
                        Slot::Addr => at2,
                        Slot::Listener => listener,
                    ],
                )
            }
            Verdict::InUse => fail(
                if listening_now {
                    RuleId::LinuxListenRecheck
                } else {
                    RuleId::LinuxBindInUse
                },
                // A TIME_WAIT's name already says its state.
                if !listening_now
                    && View::of(sk2).is_some_and(|v2| via_placeholder(!sk.is_v6(), v2))
                {
                    WhyVariant::ConnectChose
                } else if sk2.is_closed_end() {
                    WhyVariant::TimeWait
                } else {
                    WhyVariant::Usual
                },
                args![
                    Slot::Other => who2,
                    Slot::State => Arg::Word(sk2.state().label()),
                    Slot::Addr => at2,
                ],
            ),
        }
    }
}

impl Linux {
    /// bind(), with the privileged-port check skipped where `privileged`
    /// (the socket's own user given CAP_NET_BIND_SERVICE, or the sysctl
    /// lowered): how a refusal for the port asks what the bind would do
    /// without it.
    fn bind_as(&self, host: &Host, s: &Socket, addr: SockAddr, privileged: bool) -> BindAnswer {
        let name = s.label();

        let not_local = || {
            Decision::fail_with(
                Errno::AddrNotAvail,
                RuleId::LinuxBindAddrNotLocal,
                args![Slot::Ip => addr.ip],
            )
        };
        // The refusal says what the same bind would do as root, and as the
        // same user with the capability or the sysctl.
        let refuse_privileged = || {
            common::privileged_port(
                Os::Linux,
                RuleId::LinuxBindPrivilegedPort,
                args![Slot::Port => addr.port, Slot::Socket => name, Slot::User => s.user_name()],
                self.bind(host, &s.as_root(), addr).decision,
                Some((
                    self.bind_as(host, s, addr, true).decision,
                    WhyVariant::OnlyAsRoot,
                )),
            )
        };
        let already = || {
            Decision::fail_with(
                Errno::Inval,
                RuleId::LinuxBindAlreadyBound,
                args![Slot::Socket => name, Slot::Addr => s.local()],
            )
        };
        let needs_priv = !privileged && addr.port != 0 && addr.port < PROT_SOCK && s.uid() != 0;
        // A multicast group counts as an address of the host for bind() (TCP
        // too, measured), and so does a broadcast address
        // (`inet_addr_valid_or_nonlocal` accepts RTN_MULTICAST and
        // RTN_BROADCAST; 255.255.255.255 measured, TCP and UDP, with and
        // without an address of the host).
        let is_local = |ip: IpAddr| {
            host.is_local(ip)
                || crate::addr::unmap(ip).is_multicast()
                || crate::addr::is_broadcast(ip)
        };
        let bound = s.local().is_some();
        let mut v6only = s.opts().v6only;
        if !s.is_v6() {
            if !is_local(addr.ip) {
                return BindAnswer::fail(not_local());
            }
            if needs_priv {
                return BindAnswer::fail(refuse_privileged());
            }
            if bound {
                return BindAnswer::fail(already());
            }
        } else {
            // `__inet6_bind` refuses an IPv6 group on a stream socket first.
            if !s.is_udp() && matches!(addr.ip, IpAddr::V6(a) if a.is_multicast()) {
                return BindAnswer::fail(Decision::fail_with(
                    Errno::Inval,
                    RuleId::LinuxTcpMulticast,
                    args![Slot::Ip => addr.ip],
                ));
            }
            if needs_priv {
                return BindAnswer::fail(refuse_privileged());
            }
            if bound {
                return BindAnswer::fail(already());
            }
            let IpAddr::V6(a6) = addr.ip else {
                return BindAnswer::fail(Decision::fail_with(
                    Errno::AfNoSupport,
                    RuleId::LinuxBindFamily,
                    args![],
                ));
            };
            if v4_mapped(a6).is_some() && v6only {
                return BindAnswer::fail(Decision::fail_with(
                    Errno::Inval,
                    RuleId::LinuxBindMappedOnV6only,
                    args![Slot::Socket => name, Slot::Ip => addr.ip],
                ));
            }
            if needs_scope_id(a6) {
                let rule = RuleId::LinuxLinkLocalNeedsInterface;
                let variant = if a6.is_multicast() {
                    WhyVariant::Group
                } else {
                    WhyVariant::Usual
                };
                let args = args![Slot::Socket => name, Slot::Ip => addr.ip];
                return BindAnswer::fail(Decision::fail(
                    Errno::Inval,
                    rule,
                    Why::of(rule, variant, args),
                ));
            }
            if !is_local(addr.ip) {
                return BindAnswer::fail(not_local());
            }
            if !a6.is_unspecified() && v4_mapped(a6).is_none() {
                // A specific IPv6 address makes the socket v6-only.
                v6only = true;
            }
        }
        let view = View::new(s.is_v6(), addr.ip, v6only);
        if s.is_udp() {
            if addr.port == 0 {
                return udp::ephemeral(host, s, view, addr.ip);
            }
            return BindAnswer {
                decision: udp::bind_port(host, s, view, addr),
                port: addr.port,
            };
        }
        if addr.port == 0 {
            return BindAnswer::ephemeral(
                self.find_open_port(host, s, view),
                Errno::AddrInUse,
                RuleId::LinuxBindEphemeralExhausted,
                PARAMS.ephemeral,
                addr.ip,
            );
        }
        // `view` carries the v6only the bind would set; the conflict rule reads
        // only the reuse flags, owner and name from `s`.
        BindAnswer {
            decision: self.get_port(host, s, view, addr.port, false),
            port: addr.port,
        }
    }

    /// `inet_csk_get_port` for an explicit port: checks `sk` (with its
    /// proposed address) against every overlapping owner of the port. The
    /// walk stops at the first owner that conflicts; otherwise the first
    /// overlapping owner names the rule that shared the port. Both are
    /// asked of the port's bucket per class of owner, in one walk (`Host::best_owner`),
    /// as the kernel's `tb->fastreuse`/`fastreuseport` spare it the walk.
    fn get_port(
        &self,
        host: &Host,
        sk: &Socket,
        view: View,
        port: u16,
        listening_now: bool,
    ) -> Decision {
        // One walk finds both owners a decision may name: the oldest
        // overlapping owner that does not let `sk` share the port (the
        // clash, cost 0) or, failing that, the oldest overlapping one.
        // Near the address: the cost is `None` for an owner `tcp_overlap`
        // leaves out, and it leaves out every class off the address and
        // off the wildcards (`overlap_scope`).
        let named = host.best_owner(port, sk.id(), false, overlap_scope(view), |sk2| {
            View::of(sk2).filter(|&v2| tcp_overlap(view, v2))?;
            Some(u32::from(bind_conflict(sk, sk2).allows()))
        });
        let clash = named.filter(|&sk2| !bind_conflict(sk, sk2).allows());
        // `sk_reuseport_match`: the port's summary lets `sk` in unchecked.
        // Only the answer that differs from the walk's needs its own words.
        if let (Some(sk2), Some(memo)) = (clash, host.port_memo(port)) {
            if memo_lets_in(memo, sk, view) {
                let rule = RuleId::LinuxBindReuseportSummary;
                let variant = if listening_now {
                    WhyVariant::Listener
                } else {
                    WhyVariant::Usual
                };
                let args = args![
                    Slot::Socket => sk.name(),
                    Slot::User => sk.user_name(),
                    Slot::Ip => memo.ip,
                    Slot::Writer => memo.by.clone(),
                    Slot::Other => sk2.who(host.now_ms),
                    Slot::Addr => sk2.local(),
                ];
                return Decision::ok_by(rule, Why::of(rule, variant, args));
            }
        }
        // listen() keeps only a refusal: it names no owner that shares.
        if clash.is_none() && listening_now {
            return Decision::ok();
        }
        match (named, clash) {
            (Some(sk2), Some(_)) => self.refusal(host, sk, view, port, sk2, listening_now),
            (Some(sk2), None) => bind_conflict(sk, sk2).decision(host, sk, sk2, listening_now),
            (None, _) => Decision::ok(),
        }
    }

    /// The refusal naming `sk2`, the oldest owner in the way, and any other
    /// owner that would refuse `sk` too: advice that frees the port from
    /// `sk2` alone would not make the call work while they hold it.
    fn refusal(
        &self,
        host: &Host,
        sk: &Socket,
        view: View,
        port: u16,
        sk2: &Socket,
        listening_now: bool,
    ) -> Decision {
        let refusal = bind_conflict(sk, sk2).decision(host, sk, sk2, listening_now);
        let limit: usize = crate::rules::NAMES_SHOWN;
        // Near the address: only an owner `tcp_overlap` keeps is counted
        // (`overlap_scope`).
        let scope = overlap_scope(view);
        let (blockers, n) = host.some_owners_where(port, sk.id(), limit + 1, scope, |o| {
            View::of(o).is_some_and(|v2| tcp_overlap(view, v2)) && !bind_conflict(sk, o).allows()
        });
        common::refused_by_all(refusal, sk2.id(), blockers, n, |first| {
            bind_conflict(sk, first).decision(host, sk, first, listening_now)
        })
    }

    /// `inet_csk_find_open_port`: the first port no overlapping owner holds
    /// (`relax = false`: reuse flags do not share an ephemeral port). The
    /// kernel's passes, each from a random offset: the parity opposite to
    /// `low` (odd with the default range), then the other; a socket with
    /// SO_REUSEADDR (`attempt_half`) runs both over the lower half of the
    /// range, then over the upper. Within a pass bindlab takes an untouched
    /// port first, so its fixed choice does not invent the coincidences a
    /// random offset makes unlikely, then any free one: a port another
    /// address's sockets hold is taken before the other parity is tried, as
    /// on the kernel (measured: 14,116 binds to 127.0.0.2:0, then 14,116 to
    /// 127.0.0.3:0, all odd ports both times, leave a wildcard bind the even
    /// ones).
    fn find_open_port(&self, host: &Host, sk: &Socket, view: View) -> Option<u16> {
        let (lo, hi) = PARAMS.ephemeral;
        let half = lo + (((hi - lo + 1) >> 2) << 1);
        let halves = if sk.opts().reuseaddr {
            [(lo, half - 1), (half, hi)]
        } else {
            [(lo, hi), (1, 0)]
        };
        let passes = halves
            .into_iter()
            .filter(|&(a, b)| a <= b)
            .flat_map(|(a, b)| [1 - a % 2, a % 2].map(|p| PortOrder::one_parity(a, b, p)));
        for (pass, order) in passes.enumerate() {
            let untouched = SearchKey {
                tag: "linux.bind.untouched",
                src: None,
                dst: None,
                extra: pass as u64,
            };
            let free = SearchKey {
                tag: "linux.bind.free",
                src: Some(IpAddr::V6(view.v6)),
                dst: None,
                extra: u64::from(view.family6) | u64::from(view.v6only) << 1 | (pass as u64) << 2,
            };
            let found = host
                .find_port(untouched, order, |p| !host.port_in_use(p))
                .or_else(|| {
                    host.find_port(free, order, |p| {
                        // Near the address: only an overlapping owner
                        // counts (`overlap_scope`).
                        host.first_owner(p, sk.id(), overlap_scope(view), |sk2| {
                            View::of(sk2).is_some_and(|v2| tcp_overlap(view, v2))
                        })
                        .is_none()
                    })
                });
            if found.is_some() {
                return found;
            }
        }
        None
    }
}

/// `tcp_twsk_unique` for connect()'s own port search (`twp` set): with
/// `net.ipv4.tcp_tw_reuse` at its default, 2, a TIME_WAIT (not a FIN_WAIT_2)
/// whose addresses are both loopback may be taken over once more than
/// `tcp_tw_reuse_delay` (1,000 ms) has passed since its last segment.
/// bindlab's search takes it only where no other port is left (measured on
/// 6.18: with the range held whole by bind(), a connect to 127.0.0.1 right
/// after the close is EADDRNOTAVAIL, 2 s later it takes the TIME_WAIT's
/// port; to 192.168.0.1 EADDRNOTAVAIL both times).
fn tw_reusable(host: &Host, tw: &Socket) -> bool {
    let State::TimeWait { until_ms } = tw.state() else {
        return false;
    };
    let loopback = |a: Option<SockAddr>| a.is_some_and(|a| unmap(a.ip).is_loopback());
    let since = until_ms.saturating_sub(TIME_WAIT_MS);
    loopback(tw.local()) && loopback(tw.remote()) && host.now_ms > since + 1_000
}

/// Linux's constants.
const PARAMS: OsParams = OsParams {
    ephemeral: EPHEMERAL,
    time_wait_ms: TIME_WAIT_MS,
    // tcp_rcv_state_process, FIN_WAIT1 acked on an orphan: tcp_time_wait(sk,
    // TCP_FIN_WAIT2, tcp_fin_time(sk)), tcp_fin_timeout 60 s; expires quietly.
    fin_wait_2: Some(FinWait2 {
        ms: 60_000,
        resets_peer: false,
    }),
    default_v6only: false,
    loopback_is_slash8: true,
    slash8_from_localhost: true,
    closed_end_timer_late: true,
    failed_bind_resets_address: true,
};

impl OsRules for Linux {
    fn os(&self) -> Os {
        Os::Linux
    }
    fn params(&self) -> &'static OsParams {
        &PARAMS
    }
    fn supports(&self, opt: SockOpt) -> bool {
        matches!(
            opt,
            SockOpt::SoReuseAddr
                | SockOpt::SoReusePort
                | SockOpt::Ipv6V6Only
                | SockOpt::IpMulticastAll
        )
    }

    /// §1.5: the bind() error order differs between IPv4 and IPv6.
    fn bind(&self, host: &Host, s: &Socket, addr: SockAddr) -> BindAnswer {
        self.bind_as(host, s, addr, false)
    }

    /// §1.4: listen() sets LISTEN and runs the bind check again.
    fn listen(&self, host: &Host, s: &Socket) -> Decision {
        match s.state() {
            State::Listening => return Decision::ok(),
            State::Connected | State::TimeWait { .. } | State::FinWait2 { .. } | State::Reset => {
                return Decision::fail_with(
                    Errno::Inval,
                    RuleId::LinuxListenConnected,
                    args![Slot::Socket => s.name()],
                )
            }
            State::Unbound | State::Bound => {}
        }
        // `get_port` answers a listen() with a plain ok, a refusal, or the
        // summary's ok (which names the owner it did not check).
        let d = match (View::of(s), s.local_port()) {
            (Some(view), Some(port)) => self.get_port(host, s, view, port, true),
            _ => Decision::ok(),
        };
        // Measured on Linux 6.18.44, this project's kernel: once a
        // connect() has sent its SYN and failed, listen() answers EINVAL
        // (a connect() that failed before sending, ENETUNREACH or
        // EADDRNOTAVAIL, leaves the socket able to listen). It answers so
        // only after taking the port again: a conflict answers EADDRINUSE,
        // and a success rewrites the port's summary, which the host applies
        // (`listen_refused_after_get_port`). Measured:
        // `corpus/linux/kernel-found-refused-listen-*`. The kernel this was
        // first checked on, in 2026-11 (another build also calling itself
        // 6.18.44), let it listen.
        if d.is_ok() && s.handshake_failed() {
            return Decision::fail_with(
                Errno::Inval,
                RuleId::LinuxListenAfterFailedConnect,
                args![Slot::Socket => s.name()],
            );
        }
        d
    }

    fn listen_refused_after_get_port(&self, rule: RuleId) -> bool {
        rule == RuleId::LinuxListenAfterFailedConnect
    }

    fn keeps_port_memo(&self) -> bool {
        true
    }

    /// `inet_csk_update_fastreuse`, as this machine's kernel (6.18) behaves:
    /// a socket with SO_REUSEPORT that the summary does not already let in
    /// writes its own user and address; one without clears it. Measured
    /// (`corpus/linux/kernel-found-reuseport-summary-*`): the summary is
    /// always the strict kind, compared by address (the first owner does not
    /// write `FASTREUSEPORT_ANY`, which would let any address in), and
    /// SO_REUSEADDR's `fastreuse` never skips the check. The 6.18 source
    /// says why (`net/ipv4/inet_connection_sock.c`, read in
    /// ColtPlus/linux-6.18.y at c94f088): `inet_csk_get_port` creates the
    /// port-and-address bucket (`tb2`, on `tb->bhash2`) before it calls
    /// `inet_csk_update_fastreuse`, whose `hlist_empty(&tb->bhash2)`
    /// first-owner branch therefore does not run.
    fn port_memo(&self, memo: Option<PortMemo>, s: &Socket) -> Option<PortMemo> {
        if !s.opts().reuseport {
            return None;
        }
        let view = View::of(s)?;
        match memo {
            Some(m) if memo_lets_in(&m, s, view) => Some(m),
            _ => Some(PortMemo {
                uid: s.uid(),
                v6: s.is_v6(),
                ip: s.local()?.ip,
                v6only: view.v6only,
                by: s.name(),
            }),
        }
    }

    /// `tcp_v6_connect` (and `tcp_v4_connect`, for IPv4 and v4-mapped
    /// destinations): no connection to a group or to broadcast
    /// (ENETUNREACH), then none to a link-local address without an
    /// interface (EINVAL); `__ip6_datagram_connect`: a link-local address or
    /// a group of link or interface scope wants an interface (EINVAL). All
    /// before the source address is looked at (a v4-mapped bound address is
    /// refused later, in `ip6_dst_lookup_tail`). Measured.
    fn connect_destination(&self, s: &Socket, dst: SockAddr, udp: bool) -> Option<Decision> {
        let ip = crate::addr::unmap(dst.ip);
        if !udp && (ip.is_multicast() || crate::addr::is_broadcast(ip)) {
            let rule = RuleId::LinuxTcpMulticast;
            return Some(Decision::fail(
                Errno::NetUnreach,
                rule,
                Why::of(rule, WhyVariant::Connect, args![Slot::Ip => dst.ip]),
            ));
        }
        if let Some(d) = link_local_connect(s, dst) {
            return Some(d);
        }
        match dst.ip {
            IpAddr::V6(group) if udp && group.is_multicast() && needs_scope_id(group) => {
                Some(Decision::fail_with(
                    Errno::Inval,
                    RuleId::LinuxUdpConnectGroupNeedsInterface,
                    args![Slot::Socket => s.name(), Slot::Dst => dst],
                ))
            }
            _ => None,
        }
    }

    /// A socket that once connected through the v4-mapped path and was
    /// refused connects to a native IPv6 address afterwards as any other
    /// (measured on this machine's kernel, 6.18.44-fc-v1300). The build
    /// this project was checked against until 2026-12-06 left it in IPv4
    /// mode (`icsk_af_ops = &ipv6_mapped` not undone after a SYN went out),
    /// and such a connect timed out; bindlab follows the kernel it is
    /// checked against
    /// (`corpus/linux/kernel-found-ipv6-connect-after-failed-mapped-connect.bindlab`).
    fn connect_precheck(&self, _host: &Host, s: &Socket, _dst: SockAddr) -> Option<Decision> {
        mapped_source_refused(s)
    }

    fn release_port_on_failed_connect(&self) -> bool {
        true
    }

    /// Then an IPv6 group needs a route whatever the socket is bound to:
    /// every interface but loopback has `multicast ff00::/8`
    /// (`addrconf_add_mroute`), so a host with no IPv6 address but ::1 has
    /// none (`ip6_dst_lookup_flow`: ENETUNREACH, measured for a socket bound
    /// to `[::1]` as for an unbound one; found by an edge-case hunt).
    fn udp_connect_precheck(&self, host: &Host, s: &Socket, dst: SockAddr) -> Option<Decision> {
        common::udp_connect_precheck(self, s, dst)
            .or_else(|| mapped_source_refused(s))
            .or_else(|| {
                let IpAddr::V6(g) = dst.ip else { return None };
                let routed = host
                    .local_addresses()
                    .iter()
                    .any(|a| a.is_ipv6() && !a.is_loopback());
                (g.is_multicast() && !routed).then(|| self.connect_no_route(dst))
            })
    }

    fn reset_child_stays_queued(&self) -> bool {
        true
    }

    /// `sock_graft` (include/net/sock.h, 6.18): `sk->sk_uid =
    /// SOCK_INODE(parent)->i_uid`, the accepting process's; measured here
    /// (`corpus/linux/kernel-found-accept-gives-the-connection-to-its-acceptor.bindlab`).
    fn accept_takes_acceptors_user(&self) -> bool {
        true
    }

    fn accepted_reset(&self, socket: &str, listener: Name) -> Decision {
        Decision::ok_with(
            RuleId::LinuxAcceptResetWhileQueued,
            args![Slot::Socket => socket, Slot::Listener => listener],
        )
    }

    /// `inet_dgram_connect`: EAGAIN when `inet_autobind` finds no port
    /// (measured, a UDP range held whole), where bind(port 0) says
    /// EADDRINUSE.
    fn udp_connect_autobind_failed(&self, s: &Socket, _refusal: Decision) -> Decision {
        let (lo, hi) = PARAMS.ephemeral;
        Decision::fail_with(
            Errno::WouldBlock,
            RuleId::LinuxUdpConnectNoPort,
            args![Slot::Socket => s.name(), Slot::Low => lo, Slot::High => hi],
        )
    }

    /// `__ip4_datagram_connect`: a route of type broadcast (to
    /// 255.255.255.255 or 127.255.255.255, v4-mapped too) without
    /// SOCK_BROADCAST is EACCES,
    /// after the route is found (no route: ENETUNREACH) and after
    /// `inet_dgram_connect`'s autobind, so the socket keeps its port.
    /// Measured.
    fn udp_connect_routed(&self, s: &Socket, dst: SockAddr) -> Option<Decision> {
        common::broadcast_needs_option(RuleId::LinuxUdpConnectBroadcast, s, dst)
    }

    /// An IPv4 group (v4-mapped too) is sent through the route to
    /// 224.0.0.0/4, which bindlab's kernel check puts on loopback: the
    /// socket keeps its wildcard, an AF_INET6 socket as `::ffff:0.0.0.0`
    /// (`__ip6_datagram_connect`'s v4-mapped branch sets its IPv6 address
    /// from the IPv4 one, so it no longer holds the port's IPv6 side; both
    /// measured there). An IPv6 group gets the usual no-route answer
    /// (ENETUNREACH; measured).
    fn udp_connect_group_no_source(
        &self,
        s: &Socket,
        dst: SockAddr,
        wildcard: IpAddr,
    ) -> Result<IpAddr, Decision> {
        match (crate::addr::as_v4(dst.ip), s.is_v6()) {
            (None, _) => Err(self.connect_no_route(dst)),
            (Some(_), true) => Ok(IpAddr::V6(Ipv4Addr::UNSPECIFIED.to_ipv6_mapped())),
            (Some(_), false) => Ok(wildcard),
        }
    }

    /// A failed connect() resets the source address only without
    /// SOCK_BINDADDR_LOCK, which a bind() to any address but 0.0.0.0 and
    /// `::` sets for the socket's life (`__inet_bind`, `__inet6_bind`). So
    /// a socket bound to a wildcard keeps the source address connect() chose
    /// when it is bound to `::ffff:0.0.0.0`, or when an earlier bind() named
    /// an address (measured, both).
    fn address_after_refused_connect(&self, s: &Socket, src: IpAddr) -> Option<IpAddr> {
        let l = s.local()?;
        let wildcard = crate::addr::is_wildcard(l.ip) || self.bound_address_is_not_source(s);
        (wildcard && s.addr_locked()).then_some(src)
    }

    /// `__inet_bind` sets `inet_saddr` to 0 ("use device") for a group or
    /// broadcast address, and `tcp_v4_connect` then takes the route's source
    /// and files the socket under it (measured: bound to 127.255.255.255:P,
    /// a connect() to 127.0.0.1:P connects to itself; bound to
    /// 255.255.255.255:P, it then holds 127.0.0.1:P and leaves
    /// 255.255.255.255:P free). A UDP socket keeps its bound address; an
    /// AF_INET6 socket's v4-mapped one is its source (`__inet6_bind`).
    fn bound_address_is_not_source(&self, s: &Socket) -> bool {
        !s.is_udp()
            && !s.is_v6()
            && s.local()
                .is_some_and(|l| l.ip.is_multicast() || crate::addr::is_broadcast(l.ip))
    }

    fn connect_on_listener(&self, _s: &Socket, _dst: SockAddr) -> Decision {
        Decision::fail_with(Errno::IsConn, RuleId::LinuxConnectOnListener, args![])
    }

    /// §1.7: Linux answers EADDRNOTAVAIL, and recycles a TIME_WAIT for an
    /// explicitly bound socket (TCP timestamps are on by default).
    fn connect_tuple_taken(&self, host: &Host, s: &Socket, existing: &Socket) -> Decision {
        let tuple = existing.tuple_arg();
        if existing.is_closed_end() {
            let rule = RuleId::LinuxConnectTimeWaitReused;
            // No port yet: connect()'s own search chose this one
            // ([`tw_reusable`]).
            let variant = if s.local_port().is_none() {
                WhyVariant::Ephemeral
            } else {
                WhyVariant::Usual
            };
            let args = args![
                Slot::Socket => s.name(),
                Slot::Tuple => tuple,
                Slot::Other => existing.who(host.now_ms),
            ];
            return Decision::ok_by(rule, Why::of(rule, variant, args));
        }
        Decision::fail_with(
            Errno::AddrNotAvail,
            RuleId::LinuxConnectTupleTaken,
            args![Slot::Other => existing.name(), Slot::Tuple => tuple],
        )
    }

    /// §1.6: `__inet_hash_connect` — same parity as `low` first, never a
    /// port held by bind()/listen(), share a connect()-owned port when the
    /// 4-tuple is unique.
    fn connect_port(&self, host: &Host, _s: &Socket, src: IpAddr, dst: SockAddr) -> Option<u16> {
        let (lo, hi) = PARAMS.ephemeral;
        let order = PortOrder {
            lo,
            hi,
            parity_first: Some(lo % 2),
            only: false,
        };
        let key = SearchKey {
            tag: "linux.connect",
            src: Some(src),
            dst: Some((dst.ip, dst.port)),
            extra: 0,
        };
        host.find_port(key, order, |p| {
            host.connect_may_share_past(src, p, dst, |tw| tw_reusable(host, tw))
        })
    }

    /// §1.8: `__inet_lookup_listener` — exact address first, then wildcard;
    /// score prefers AF_INET; the first reuseport listener that sets a new
    /// high score answers with its group's hash pick.
    fn route(&self, host: &Host, src: SockAddr, dst: SockAddr) -> Route {
        let is_v4 = matches!(dst.ip, IpAddr::V4(_));
        let list = listening_list(host, dst.port);
        let matches = |s: &Socket, want_exact: bool| -> bool {
            let Some(v) = View::of(s) else { return false };
            if is_v4 {
                let IpAddr::V4(d) = dst.ip else { return false };
                if v.v6only {
                    return false;
                }
                if want_exact {
                    v.rcv4 == d
                } else {
                    v.rcv4.is_unspecified()
                }
            } else {
                let IpAddr::V6(d) = dst.ip else { return false };
                if !s.is_v6() || v.addr_type() == AddrType::Mapped {
                    return false;
                }
                if want_exact {
                    v.v6 == d
                } else {
                    v.v6.is_unspecified()
                }
            }
        };
        let wild_exists = list.iter().any(|s| matches(s, false));
        for (pass, exact) in [(1, true), (2, false)] {
            let mut hiscore = 0;
            let mut result: Option<&Socket> = None;
            for s in list.iter().copied().filter(|s| matches(s, exact)) {
                let score = 1 + u32::from(is_v4 && !s.is_v6());
                if score > hiscore {
                    if s.opts().reuseport {
                        let group = reuseport_group(host, &list, s);
                        if group.len() > 1 {
                            let n = group.len() as u64;
                            let idx = ((host.tuple_hash(src, dst) as u64 * n) >> 32) as usize;
                            let names = host.few_labels(&group);
                            return Route::Group {
                                chosen: group[idx],
                                members: group.clone(),
                                rule: RuleId::LinuxRouteReuseportHash,
                                why: Why::of(
                                    RuleId::LinuxRouteReuseportHash,
                                    WhyVariant::Usual,
                                    args![Slot::Sockets => Arg::NamesAnd(names), Slot::Addr => s.local()],
                                ),
                            };
                        }
                    }
                    result = Some(s);
                    hiscore = score;
                }
            }
            if let Some(s) = result {
                // The AF_INET6 listener it beat: on the exact pass it can only
                // be bound to the v4-mapped form of the address.
                let beaten =
                    is_v4 && !s.is_v6() && list.iter().any(|o| o.is_v6() && matches(o, exact));
                let rule = if pass == 1 && wild_exists {
                    RuleId::LinuxRouteExactBeforeWildcard
                } else if beaten {
                    RuleId::LinuxRouteInetBeatsDualStack
                } else {
                    RuleId::LinuxRouteListener
                };
                let variant = if beaten && exact && rule == RuleId::LinuxRouteInetBeatsDualStack {
                    WhyVariant::Mapped
                } else {
                    WhyVariant::Usual
                };
                let why = Why::of(
                    rule,
                    variant,
                    args![Slot::Socket => s.name(), Slot::Addr => s.local(), Slot::Dst => dst],
                );
                return Route::To {
                    listener: s.id(),
                    rule,
                    why,
                };
            }
        }
        refused(host, dst)
    }

    fn deliver(&self, host: &Host, src: SockAddr, dst: SockAddr) -> Delivery {
        self.udp_deliver(host, src, dst)
    }

    /// `do_ip_setsockopt`: a TCP socket cannot join (EPROTO, measured).
    fn join(&self, _host: &Host, s: &Socket, group: IpAddr) -> Decision {
        common::join(s, group, Errno::Proto)
    }

    fn udp_reuse_group(&self, host: &Host, s: &Socket) -> ReuseGroup {
        udp::reuse_group(host, s)
    }

    fn udp_connect_group(&self, s: &Socket, was_wildcard: bool) -> GroupOnConnect {
        udp::connect_group(s, was_wildcard)
    }

    /// `__inet_hash` → `inet_reuseport_add_sock`: a socket with SO_REUSEPORT
    /// on as it starts listening joins the group of the first listener of
    /// its listening list that has SO_REUSEPORT on now, the same family,
    /// v6only, owner, port and exact address; else a group of its own.
    fn tcp_listen_group(&self, host: &Host, s: &Socket) -> ReuseGroup {
        if !s.opts().reuseport {
            return ReuseGroup::None;
        }
        // Class fields only (what a listener must share with `s`).
        let fits_class = |o: &dyn Owner| {
            o.is_listening()
                && o.opts().reuseport
                && o.is_v6() == s.is_v6()
                && o.opts().v6only == s.opts().v6only
                && o.uid() == s.uid()
                && o.local().map(|l| l.ip) == s.local().map(|l| l.ip)
        };
        let fits = |o: &Socket| o.id() != s.id() && fits_class(o);
        let port = s.local_port().unwrap_or(0);
        // A few listeners that fit (on `s`'s own address: Near it), the
        // first in the listening list among them; many, the list walked as
        // the kernel's walk does, stopping at the first that fits (a port of
        // thousands of listeners on other addresses was walked whole at
        // every listen).
        const FEW: usize = 16;
        let few = match s.local() {
            Some(at) if !host.reference_walks() => {
                // Counted first (no member read): a crowd is walked. (`s`
                // counted, if it listens already, only moves the threshold:
                // both ways leave it out.)
                let near = Scope::Near(at.ip);
                let n = host.tcp_count_where(port, near, |o| fits_class(o));
                (n <= FEW).then(|| {
                    host.some_owners_where(port, s.id(), FEW, near, |o| fits_class(o))
                        .0
                })
            }
            _ => None,
        };
        let first = if host.reference_walks() {
            listening_list(host, port).into_iter().find(|o| fits(o))
        } else if let Some(few) = few {
            few.into_iter().max_by_key(|o| host.listening_place(o))
        } else {
            host.listening_first(port, fits)
        };
        first.map_or(ReuseGroup::New, |o| ReuseGroup::Join(o.id()))
    }

    /// `udp_lib_get_port`: an AF_INET6 SO_REUSEPORT socket is appended to
    /// its secondary-hash chain (`hlist_add_tail_rcu`), others prepended.
    fn udp_chain_tail(&self, s: &Socket) -> bool {
        s.is_v6() && s.opts().reuseport
    }
}

impl Linux {
    /// UDP's answers, in `linux/udp.rs`.
    fn udp_deliver(&self, host: &Host, src: SockAddr, dst: SockAddr) -> Delivery {
        if dst.ip.is_multicast() {
            udp::deliver_multicast(host, src, dst)
        } else {
            udp::deliver_unicast(host, src, dst)
        }
    }
}

/// The SO_REUSEPORT group `s` belongs to, in join order (listen order):
/// the listeners that entered its group at listen() (`tcp_listen_group`),
/// whatever their SO_REUSEPORT is now; `s` alone without a group (its
/// SO_REUSEPORT was off when it started listening).
fn reuseport_group(host: &Host, list: &[&Socket], s: &Socket) -> Vec<SockId> {
    if s.reuse_group() == 0 {
        return vec![s.id()];
    }
    let members = list
        .iter()
        .copied()
        .filter(|o| o.reuse_group() == s.reuse_group());
    if host.reference_walks() {
        let mut g: Vec<&Socket> = members.collect();
        crate::sort::by_key(&mut g, |o| o.listen_seq());
        return g.into_iter().map(Socket::id).collect();
    }
    // `list` is in listening-list order (`listening_list`): the head part
    // newest first, the tail part oldest first. Reversing the first and
    // merging the two gives the oldest first without a sort.
    let (mut head, tail): (Vec<&Socket>, Vec<&Socket>) = members.partition(|o| !o.listen_tail());
    head.reverse();
    let mut g = Vec::with_capacity(head.len() + tail.len());
    let (mut a, mut b) = (head.into_iter().peekable(), tail.into_iter().peekable());
    while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
        let next = if x.listen_seq() < y.listen_seq() {
            a.next()
        } else {
            b.next()
        };
        g.extend(next.map(Socket::id));
    }
    g.extend(a.chain(b).map(Socket::id));
    g
}

/// `port`'s TCP listeners in the order of the kernel's listening list
/// (`inet_hash`: newest first, the ones added at the tail — an AF_INET6
/// socket with SO_REUSEPORT as it started listening — oldest first after
/// them). The host keeps the port's listeners in that order; with the
/// reference walks (`Host::set_reference_walks`) the order is worked out
/// here from every listener instead, for the property tests to compare.
fn listening_list(host: &Host, port: u16) -> Vec<&Socket> {
    if !host.reference_walks() {
        return host.listening_in_order(port).collect();
    }
    let mut list = host.listeners(port);
    // Worked out here on its own, ascending, not with the bucket's
    // `listen_key` (which runs the other way so a new listener is filed
    // last): the property tests compare the two.
    const TAIL: u64 = 1 << 63;
    crate::sort::by_key(&mut list, |o| {
        if o.listen_tail() {
            TAIL | o.listen_seq()
        } else {
            (TAIL - 1) - o.listen_seq()
        }
    });
    list
}

/// No listener: a reset. The why-line names the sockets bound (not
/// listening) to an address that covers `dst`, the likely mistake.
fn refused(host: &Host, dst: SockAddr) -> Route {
    let ip = crate::addr::unmap(dst.ip);
    let space = if ip.is_ipv4() {
        super::pcb::Space::V4
    } else {
        super::pcb::Space::V6
    };
    // Near `dst`: `placed` gives an owner's own address (unmapped) or a
    // wildcard, and only `ip` itself or a wildcard is kept.
    let bound: Vec<Name> = host
        .owners_where(dst.port, usize::MAX, Scope::Near(ip), |s| {
            s.state() == State::Bound
                && super::pcb::placed(space, s)
                    .is_some_and(|(a, _)| a == ip || crate::addr::is_wildcard(a))
        })
        .iter()
        .map(|s| s.name())
        .collect();
    if bound.is_empty() {
        common::no_listener(dst)
    } else {
        common::no_listener_but_bound(dst, bound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(is6: bool, ip: &str, v6only: bool) -> View {
        View::new(is6, ip.parse().unwrap(), v6only)
    }

    #[test]
    fn dual_stack_matrix_of_the_reference() {
        // §1.2 table, A bound first, B second.
        assert!(overlap(v(true, "::", false), v(false, "0.0.0.0", false)));
        assert!(!overlap(v(true, "::", true), v(false, "0.0.0.0", false)));
        assert!(overlap(v(false, "0.0.0.0", false), v(true, "::", false)));
        assert!(overlap(v(false, "1.2.3.4", false), v(true, "::", false)));
        assert!(!overlap(v(false, "1.2.3.4", false), v(true, "::", true)));
        assert!(overlap(v(true, "::", false), v(true, "::", true)));
        assert!(overlap(v(true, "::", true), v(true, "::", false)));
        assert!(!overlap(
            v(true, "::ffff:1.2.3.4", false),
            v(true, "::", true)
        ));
        // A specific IPv6 address is v6-only and never meets IPv4.
        assert!(!overlap(
            v(false, "0.0.0.0", false),
            v(true, "2001:db8::1", true)
        ));
    }

    #[test]
    fn ipv4_wildcard_overlaps_every_address_but_not_other_addresses() {
        assert!(overlap(
            v(false, "192.168.0.1", false),
            v(false, "0.0.0.0", false)
        ));
        assert!(overlap(
            v(false, "0.0.0.0", false),
            v(false, "192.168.0.1", false)
        ));
        assert!(!overlap(
            v(false, "10.0.0.1", false),
            v(false, "192.168.0.1", false)
        ));
    }
}
