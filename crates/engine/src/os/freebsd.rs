//! FreeBSD 14 (stable/14) — `sys/netinet/in_pcb.c` `in_pcbbind_setup` and
//! the SYN lookup, `sys/netinet6/in6_pcb.c` `in6_pcbbind`, `tcp_usrreq.c`,
//! `tcp_timewait.c`. Every rule cites its deciding lines in `rules.json`.
//!
//! Choices where the sources leave room (each also said in its rule text):
//! * The SMR fast path and the locked fallback of the SYN lookup pick
//!   different wildcard sockets; where they differ, both are candidates.
//! * Ephemeral ports come from the bottom of the range, not a random start,
//!   so reports are stable.
//! * A SO_REUSEPORT_LB member that has connect()ed stays in its group
//!   (`in_pcbrehash`), and a SYN hashed to it resets its connection before
//!   the client's retransmission goes on (`lb_pick`,
//!   `freebsd.route.lb-connected-member`); bindlab's steps take no time, so
//!   the retransmission's second is not shown. One whose connection has
//!   closed (FIN_WAIT_2, TIME_WAIT) is left out of the group.

use std::net::{IpAddr, Ipv4Addr};

use super::bsd;
use super::bsd_udp;
use super::pcb::{self, lookup_wild, placed, space_of, Space};
use crate::addr::{is_wildcard, SockAddr};
use crate::args;
use crate::errno::Errno;
use crate::host::{ClassView, Host, Owner, PortOrder, Scope, SearchKey, SockId, Socket, State};
use crate::os::bsd::BindChecks;
use crate::os::{common, BindAnswer, Decision, Delivery, FinWait2, Os, OsParams, OsRules, Route};
use crate::rules::{Arg, Name, RuleId, Slot, WhyVariant};
use crate::scenario::SockOpt;
use crate::why::Why;

pub struct FreeBsd;

/// `net.inet.ip.portrange.first` / `last`.
const EPHEMERAL: (u16, u16) = (10000, 65535);
/// `net.inet.ip.portrange.reservedhigh`.
const RESERVED_HIGH: u16 = 1023;
/// 2 × MSL (`net.inet.tcp.msl` = 30 s).
const TIME_WAIT_MS: u64 = 60_000;

fn any_reuse(s: &Socket) -> bool {
    s.opts().reuseaddr || s.opts().reuseport || s.opts().reuseport_lb
}

impl FreeBsd {
    /// bind(), with the reserved-port check skipped where `privileged` (the
    /// socket's own user with reservedhigh lowered): how a refusal for the
    /// port asks what the bind would do without it.
    fn bind_as(&self, host: &Host, s: &Socket, addr: SockAddr, privileged: bool) -> BindAnswer {
        let name = s.label();
        // `tcp_usr_bind` / `tcp6_usr_bind` refuse a multicast address (a
        // v4-mapped one too) before anything else.
        // (A v4-mapped one is looked at only with IPV6_V6ONLY off; on a
        // v6-only socket in6_pcbbind refuses it as any v4-mapped address.)
        let mapped_multicast = !s.opts().v6only && crate::addr::unmap(addr.ip).is_multicast();
        if !s.is_udp() && (addr.ip.is_multicast() || mapped_multicast) {
            return BindAnswer::fail(Decision::fail_with(
                Errno::AfNoSupport,
                RuleId::FreebsdTcpMulticast,
                args![Slot::Ip => addr.ip],
            ));
        }
        if let Some(d) = bsd::bind_after_failed_connect(s, Os::FreeBsd) {
            return BindAnswer::fail(d);
        }
        if let Some(d) = bsd::bind_prelude(host, s, addr, Os::FreeBsd) {
            return BindAnswer::fail(d);
        }
        if !privileged && addr.port != 0 && addr.port <= RESERVED_HIGH && s.uid() != 0 {
            // The refusal says what the same bind would do as root, and as
            // the same user with reservedhigh lowered.
            return BindAnswer::fail(common::privileged_port(
                Os::FreeBsd,
                RuleId::FreebsdBindReservedPort,
                args![Slot::Port => addr.port, Slot::Socket => name, Slot::User => s.user_name()],
                self.bind(host, &s.as_root(), addr).decision,
                Some((
                    self.bind_as(host, s, addr, true).decision,
                    WhyVariant::OnlyAsRoot,
                )),
            ));
        }
        if addr.port == 0 {
            // in_pcb_lport_dest: the first port the new socket's own lookup finds free.
            let (lo, hi) = PARAMS.ephemeral;
            let (space, ip) = space_of(s, addr.ip);
            let free = |p: u16| {
                self.lookup(host, s, space, ip, p).is_none()
                    && bsd::check_port(self, host, s, addr.ip, p).is_ok()
            };
            // An untouched port first: the kernel's random start makes a shared one unlikely.
            let untouched = SearchKey {
                tag: "freebsd.bind.untouched",
                src: None,
                dst: None,
                extra: 0,
            };
            return BindAnswer::ephemeral(
                host.find_port(untouched, PortOrder::range(lo, hi), |p| {
                    !host.port_in_use(p)
                })
                .or_else(|| (lo..=hi).find(|&p| free(p))),
                Errno::AddrNotAvail,
                RuleId::BsdBindEphemeralExhausted,
                PARAMS.ephemeral,
                addr.ip,
            );
        }
        BindAnswer {
            decision: bsd::check_bind(self, host, s, addr.ip, addr.port),
            port: addr.port,
        }
    }

    /// The lookup the new socket's own options select (Step 1 of §2.1).
    fn lookup<'h>(
        &self,
        host: &'h Host,
        s: &Socket,
        space: Space,
        ip: IpAddr,
        port: u16,
    ) -> Option<&'h Socket> {
        if any_reuse(s) {
            lookup_exact_chain(host, space, ip, port, s)
        } else {
            lookup_wild(host, space, ip, port, s, pcb::FREEBSD_MAPPED_COST)
        }
    }
}

/// `in_pcblookup_local` without the wildcard flag: the first PCB bound to
/// exactly `ip` in the port's wildcard hash chain. `_in_pcbinshash_wild`
/// (in_pcb.c 2509-2517) appends a `[::ffff:0.0.0.0]` PCB at the chain's
/// tail, so every other match (newest first) comes before it, and among
/// such PCBs the oldest comes first.
fn lookup_exact_chain<'h>(
    host: &'h Host,
    space: Space,
    ip: IpAddr,
    port: u16,
    me: &Socket,
) -> Option<&'h Socket> {
    let at_tail = |t: &ClassView| {
        space == Space::V4
            && t.local()
                .is_some_and(|l| l.ip == IpAddr::V6(Ipv4Addr::UNSPECIFIED.to_ipv6_mapped()))
    };
    let fits = |t: &ClassView| !t.is_connected() && placed(space, t).is_some_and(|(a, _)| a == ip);
    // Near `ip`: `fits` holds only for an owner `placed` at `ip` itself
    // (its own address, unmapped, or a wildcard when `ip` is one).
    host.best_owner(port, me.id(), true, Scope::Near(ip), |t| {
        (fits(t) && !at_tail(t)).then_some(0)
    })
    .or_else(|| host.first_owner(port, me.id(), Scope::Near(ip), |t| fits(t) && at_tail(t)))
}

/// `in_pcbbind_setup` / `in6_pcbbind`: the steps of [`bsd::check_port`].
impl BindChecks for FreeBsd {
    /// A dual-stack `::` bind (IPV6_V6ONLY off).
    fn dual_any(&self, s: &Socket, space: Space, ip: IpAddr) -> bool {
        space == Space::V6 && is_wildcard(ip) && !s.opts().v6only
    }

    /// The different-user check of `in_pcbbind_setup` / `in6_pcbbind`:
    /// another user's unconnected socket on an overlapping address blocks
    /// the bind (root is exempt: PRIV_NETINET_REUSEPORT), except a wildcard
    /// SO_REUSEPORT_LB group seen from a wildcard bind.
    fn other_user(
        &self,
        host: &Host,
        s: &Socket,
        space: Space,
        ip: IpAddr,
        port: u16,
    ) -> Option<Decision> {
        // No different-user check for a group address (`!IN_MULTICAST(…) &&`).
        if ip.is_multicast() {
            return None;
        }
        let t = lookup_wild(host, space, ip, port, s, pcb::FREEBSD_MAPPED_COST)?;
        let lb_exception =
            is_wildcard(ip) && t.is_wildcard() && !t.opts().reuseport && t.opts().reuseport_lb;
        // A connected `t` is exempt for SOCK_STREAM only.
        let connected_exempt = t.is_connected() && !s.is_udp();
        if !connected_exempt
            && !lb_exception
            && t.uid() != s.uid()
            && s.is_udp()
            && t.is_connected()
        {
            return Some(Decision::fail_with(
                Errno::AddrInUse,
                RuleId::FreebsdUdpBindOtherUserConnected,
                args![
                    Slot::Other => t.name(),
                    Slot::Addr => t.local(),
                    Slot::Remote => t.remote(),
                ],
            ));
        }
        (!connected_exempt && !lb_exception && t.uid() != s.uid()).then(|| {
            let rule = RuleId::FreebsdBindOtherUser;
            // "as root or as root" said nothing twice.
            let variant = if t.uid() == 0 {
                WhyVariant::RootOwner
            } else {
                WhyVariant::Usual
            };
            Decision::fail(
                Errno::AddrInUse,
                rule,
                Why::of(
                    rule,
                    variant,
                    args![
                        Slot::Other => t.name(),
                        Slot::State => Arg::Word(t.state().label()),
                        Slot::Addr => t.local(),
                        Slot::OtherUser => t.user(),
                        Slot::User => s.user_name(),
                    ],
                ),
            )
        })
    }

    /// The main check: the lookup the new socket's own options select, then
    /// "both set SO_REUSEPORT" or "both set SO_REUSEPORT_LB".
    fn main_check(&self, host: &Host, s: &Socket, space: Space, ip: IpAddr, port: u16) -> Decision {
        let me = s.label();
        if let Some(t) = self.lookup(host, s, space, ip, port) {
            let shared_port = s.opts().reuseport && t.opts().reuseport;
            let shared_lb = s.opts().reuseport_lb && t.opts().reuseport_lb;
            // `in_pcbbind_setup`: on a group address SO_REUSEADDR counts as
            // SO_REUSEPORT (and as SO_REUSEPORT_LB).
            if !(shared_port || shared_lb) && ip.is_multicast() {
                let (a, b) = (s.opts(), t.opts());
                let port_mask = a.reuseaddr || a.reuseport;
                let lb_mask = a.reuseaddr || a.reuseport_lb;
                let shares = (port_mask && (b.reuseaddr || b.reuseport))
                    || (lb_mask && (b.reuseaddr || b.reuseport_lb));
                if shares {
                    return Decision::ok_with(
                        RuleId::FreebsdUdpBindGroupReuseaddr,
                        args![
                            Slot::Other => t.name(),
                            Slot::Socket => me,
                            Slot::Addr => t.local(),
                        ],
                    );
                }
            }
            if shared_port || shared_lb {
                let (rule, opt) = if shared_port {
                    (RuleId::BsdBindReuseportBoth, "SO_REUSEPORT")
                } else {
                    (RuleId::FreebsdBindReuseportLbBoth, "SO_REUSEPORT_LB")
                };
                return Decision::ok_with(
                    rule,
                    args![
                        Slot::Socket => me,
                        Slot::Other => t.name(),
                        Slot::Option => Arg::Word(opt),
                        Slot::Addr => t.local(),
                    ],
                );
            }
            // `in_pcbbind_setup`'s `#ifdef INET6` exception: two AF_INET6
            // sockets (INP_IPV6PROTO) both on the IPv4 wildcard do not
            // conflict (a dual-stack `[::]`, then `[::ffff:0.0.0.0]`).
            let t_on_v4_wildcard = pcb::placed(Space::V4, t).is_some_and(|(a, _)| is_wildcard(a));
            if space == Space::V4 && is_wildcard(ip) && t_on_v4_wildcard && s.is_v6() && t.is_v6() {
                return Decision::ok_with(
                    RuleId::FreebsdBindV6WildcardsShareIpv4,
                    args![Slot::Other => t.name(), Slot::Port => port, Slot::Addr => t.local()],
                );
            }
            return bsd::refuse(host, s, t, ip, any_reuse(s));
        }
        if any_reuse(s) {
            if let Some(t) = lookup_wild(host, space, ip, port, s, pcb::FREEBSD_MAPPED_COST) {
                return bsd::allowed_by_new_flag(host, s, t, Os::FreeBsd);
            }
        }
        Decision::ok()
    }

    /// `in6_pcbbind`'s different-user check of the IPv4 side of a dual-stack
    /// `::` bind: no exemption for reuse options or LB groups, only for
    /// connected sockets.
    fn other_user_v4_side(&self, host: &Host, s: &Socket, port: u16) -> Option<Decision> {
        let any = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
        let t = lookup_wild(host, Space::V4, any, port, s, pcb::FREEBSD_MAPPED_COST)?;
        // A connected `t` is exempt for SOCK_STREAM only (`so->so_type !=
        // SOCK_STREAM || t->inp_faddr == INADDR_ANY`), as in `other_user`.
        let connected_exempt = t.is_connected() && !s.is_udp();
        (!connected_exempt && t.uid() != s.uid()).then(|| {
            Decision::fail_with(
                Errno::AddrInUse,
                RuleId::FreebsdBindDualStackOtherUser,
                args![
                    Slot::Socket => s.name(),
                    Slot::Port => port,
                    Slot::Other => t.name(),
                    Slot::Addr => t.local(),
                    Slot::OtherUser => t.user(),
                    Slot::User => s.user_name(),
                ],
            )
        })
    }

    /// `in6_pcbbind`'s main check of the IPv4 side of a dual-stack `::`
    /// bind: an IPv4 specific binding or another IPv6 socket on the IPv4
    /// wildcard blocks it; a plain AF_INET `0.0.0.0` does not.
    fn main_check_v4_side(&self, host: &Host, s: &Socket, port: u16) -> Option<Decision> {
        let any = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
        if let Some(t) = self.lookup(host, s, Space::V4, any, port) {
            let shared = (s.opts().reuseport && t.opts().reuseport)
                || (s.opts().reuseport_lb && t.opts().reuseport_lb);
            if !shared && (!t.is_wildcard() || t.is_v6()) {
                return Some(Decision::fail_with(
                    Errno::AddrInUse,
                    RuleId::FreebsdBindDualStackV4Side,
                    args![
                        Slot::Socket => s.name(),
                        Slot::Port => port,
                        Slot::Other => t.name(),
                        Slot::Addr => t.local(),
                    ],
                ));
            }
        }
        None
    }
}

/// FreeBsd's constants.
const PARAMS: OsParams = OsParams {
    ephemeral: EPHEMERAL,
    time_wait_ms: TIME_WAIT_MS,
    // tcp_input FIN_WAIT_1 acked with SBS_CANTRCVMORE: TT_2MSL at TP_MAXIDLE
    // (8 × 75 s), hardclock-aligned from the ACK's tick, which is also
    // t_rcvtime. Fired on time, tcp_timer_2msl's idle test
    // (`ticks - t_rcvtime <= TP_MAXIDLE`) holds and re-arms it for
    // TP_KEEPINTVL (75 s); only then tcp_close(), no reset. (A callout fired
    // late within its allowed deviation closes it between 600 and 675 s.)
    fin_wait_2: Some(FinWait2 {
        ms: 675_000,
        resets_peer: false,
    }),
    // `net.inet6.ip6.v6only` = 1.
    default_v6only: true,
    loopback_is_slash8: false,
    slash8_from_localhost: false,
    closed_end_timer_late: false,
    failed_bind_resets_address: false,
};

impl OsRules for FreeBsd {
    fn os(&self) -> Os {
        Os::FreeBsd
    }
    fn params(&self) -> &'static OsParams {
        &PARAMS
    }
    fn supports(&self, opt: SockOpt) -> bool {
        !matches!(opt, SockOpt::SoExclusiveAddrUse | SockOpt::IpMulticastAll)
    }

    fn bind(&self, host: &Host, s: &Socket, addr: SockAddr) -> BindAnswer {
        self.bind_as(host, s, addr, false)
    }

    /// `tcp_usr_listen` binds only an unbound socket; there is no re-check.
    fn listen(&self, host: &Host, s: &Socket) -> Decision {
        bsd::listen(host, s, Os::FreeBsd)
    }

    /// `tcp_usr_connect`: `if (SOLISTENING(so)) { error = EOPNOTSUPP;`;
    /// `tcp6_usr_connect`: `if (SOLISTENING(so)) { error = EINVAL;`. Both
    /// refuse a multicast (and IPv4 a broadcast) destination first; an
    /// AF_INET6 socket checks a v4-mapped one only after SOLISTENING.
    fn connect_on_listener(&self, s: &Socket, dst: SockAddr) -> Decision {
        let checked_first = !s.is_v6() || matches!(dst.ip, IpAddr::V6(a) if a.is_multicast());
        if let Some(d) = checked_first.then(|| tcp_connect_refusal(dst)).flatten() {
            return d;
        }
        if s.is_v6() {
            bsd::connect_on_listener("tcp6_usr_connect", Errno::Inval)
        } else {
            bsd::connect_on_listener("tcp_usr_connect", Errno::OpNotSupp)
        }
    }

    fn connect_tuple_taken(&self, host: &Host, _s: &Socket, existing: &Socket) -> Decision {
        bsd::tuple_taken(host, existing)
    }

    /// `tcp_usr_connect` / `tcp6_usr_connect`: no TCP "connection" to a
    /// multicast address (EAFNOSUPPORT) or to 255.255.255.255 (EACCES). A
    /// listener's connect() asks it too, in the kernel's order
    /// ([`OsRules::connect_on_listener`]).
    /// Then source selection: a link-local destination meets the standard
    /// reject route ([`link_local_rejected`]).
    fn connect_precheck(&self, _host: &Host, s: &Socket, dst: SockAddr) -> Option<Decision> {
        tcp_connect_refusal(dst).or_else(|| link_local_rejected(s, dst))
    }

    /// `tcp_ctloutput`: `if (inp->inp_flags & INP_DROPPED) { … return
    /// (ECONNRESET); }` before the option is looked at. A socket-level
    /// option never gets there first: `sosetopt` sets it itself and ignores
    /// what `pr_ctloutput` answers afterwards.
    fn setsockopt_on_dropped(&self, s: &Socket, opt: SockOpt) -> Option<Decision> {
        let socket_level = matches!(
            opt,
            SockOpt::SoReuseAddr
                | SockOpt::SoReusePort
                | SockOpt::SoReusePortLb
                | SockOpt::SoExclusiveAddrUse
        );
        if socket_level {
            return None;
        }
        Some(bsd::setsockopt_on_dropped(
            s,
            opt,
            Errno::ConnReset,
            RuleId::FreebsdSetsockoptDropped,
        ))
    }

    /// `tcp_usr_connect` / `tcp6_usr_connect`: `if (inp->inp_flags &
    /// INP_DROPPED) { … return (ECONNREFUSED); }`, before any other check.
    /// A reset drops the connection the same way (`tcp_do_segment`: RST in
    /// ESTABLISHED → `tcp_close`), and `soconnectat` lets the call through
    /// because `soisdisconnected` cleared SS_ISCONNECTED.
    fn connect_after_failed_connect(&self, s: &Socket) -> Option<Decision> {
        Some(bsd::connect_after_failed_connect(
            s,
            Errno::ConnRefused,
            RuleId::FreebsdConnectAfterFailedConnect,
            bsd::dropped_variant(s),
        ))
    }

    /// `tcp_close` → `in_pcbdrop` → `in_pcbremhash`: the dropped control
    /// block leaves the bind hash, so its address and port are free.
    fn failed_connect_unhashes(&self) -> bool {
        true
    }

    /// connect()'s autobind skips a port whose 4-tuple exists or that a
    /// listener or unconnected socket holds for the source address.
    fn connect_port(&self, host: &Host, s: &Socket, src: IpAddr, dst: SockAddr) -> Option<u16> {
        let (lo, hi) = PARAMS.ephemeral;
        let (space, ip) = space_of(s, src);
        let key = SearchKey {
            tag: "freebsd.connect",
            src: Some(src),
            dst: Some((dst.ip, dst.port)),
            extra: u64::from(s.is_v6()),
        };
        host.find_port(key, PortOrder::range(lo, hi), |p| {
            // The reverse check keeps away from a port whose old server end
            // is still on the host (no local TIME_WAIT held it): the kernel's
            // random start makes that reuse improbable.
            SockAddr::new(src, p) != dst
                && host.tuple(SockAddr::new(src, p), dst).is_none()
                && host.tuple(dst, SockAddr::new(src, p)).is_none()
                && host
                    // Near the source: only an owner `placed` at `ip` or on
                    // a wildcard holds the port for it.
                    .first_owner(p, s.id(), Scope::Near(ip), |t| {
                        !t.is_connected()
                            && placed(space, t).is_some_and(|(a, _)| a == ip || is_wildcard(a))
                    })
                    .is_none()
        })
    }

    /// The SYN lookup of FreeBSD 14 (`in_pcblookup_hash_smr`): LB groups
    /// first (exact address, then wildcard), then the wildcard hash chain.
    /// The lookup does not check the state: a bound socket that is not
    /// listening answers with a reset (`tcp_input`, `TCPS_CLOSED`).
    fn route(&self, host: &Host, src: SockAddr, dst: SockAddr) -> Route {
        let c = pcb::syn_classes(host, dst);
        let pick = lb_pick(host, &c, src, dst);
        lb_route(host, &pick).unwrap_or_else(|| chain_route(&c, dst))
    }

    fn syn_resets(&self, host: &Host, src: SockAddr, dst: SockAddr) -> Vec<SockId> {
        if connected_lb(host, dst).is_empty() {
            return Vec::new();
        }
        let c = pcb::syn_classes(host, dst);
        lb_pick(host, &c, src, dst)
            .resets
            .iter()
            .map(|s| s.id())
            .collect()
    }

    fn explain_resets(&self, host: &Host, resets: &[SockId], route: Route) -> Route {
        through_resets(host, resets, route)
    }

    /// `tcp_twstart`: with `net.inet.tcp.nolocaltimewait` (on by default
    /// since 14.0) a connection whose foreign address is local is closed at
    /// once instead of entering TIME_WAIT.
    fn close_without_time_wait(&self, host: &Host, s: &Socket) -> Option<Decision> {
        let r = s.remote()?;
        host.is_local(r.ip).then(|| {
            Decision::ok_with(
                RuleId::FreebsdCloseNoLocalTimeWait,
                args![Slot::Socket => s.name(), Slot::Remote => r, Slot::Addr => s.local()],
            )
        })
    }

    /// Route and 4-tuple first, port last, TCP and UDP alike:
    /// `in_pcbconnect_setup` → `in_pcbladdr` (in_pcb.c 1335) before
    /// `in_pcb_lport_dest` (1380), `in6_pcbconnect` → `in6_pcbladdr`
    /// (in6_pcb.c 462-464) and the 4-tuple lookup before
    /// `in_pcb_lport_dest` (472-476). A failed connect leaves an unbound
    /// socket unbound.
    fn binds_before_route(&self, _udp: bool) -> bool {
        false
    }

    fn connect_no_route(&self, dst: SockAddr) -> Decision {
        bsd::connect_no_route(dst, Os::FreeBsd)
    }

    /// `tcp6_usr_connect` with a v4-mapped destination: EINVAL on an
    /// IPV6_V6ONLY socket; EAFNOSUPPORT on a dual-stack socket that bound a
    /// specific IPv6 address (its PCB lost INP_IPV4 at bind).
    fn connect_v6only_to_ipv4(&self, s: &Socket, dst: SockAddr) -> Decision {
        // The flag as the program set it: the host marks any specific IPv6
        // bind v6-only, which FreeBSD does not.
        let flag = if s.local().is_some() {
            s.bind_opts().v6only
        } else {
            s.opts().v6only
        };
        if flag {
            let rule = RuleId::FreebsdConnectMappedOnV6only;
            match s
                .local()
                .filter(|l| !l.ip.is_unspecified() && s.addr_locked())
            {
                // Bound to a specific IPv6 address: turning the flag off
                // would meet the EAFNOSUPPORT below.
                Some(l) => Decision::fail(
                    Errno::Inval,
                    rule,
                    Why::of(
                        rule,
                        WhyVariant::BoundV6,
                        args![Slot::Socket => s.name(), Slot::Dst => dst, Slot::Addr => l],
                    ),
                ),
                None => Decision::fail_with(
                    Errno::Inval,
                    rule,
                    args![Slot::Socket => s.name(), Slot::Dst => dst],
                ),
            }
        } else {
            Decision::fail_with(
                Errno::AfNoSupport,
                RuleId::FreebsdConnectMappedFromV6Bound,
                args![Slot::Socket => s.name(), Slot::Addr => s.local(), Slot::Dst => dst],
            )
        }
    }

    fn deliver(&self, host: &Host, src: SockAddr, dst: SockAddr) -> Delivery {
        if dst.ip.is_multicast() {
            bsd_udp::deliver_multicast(host, Os::FreeBsd, src, dst)
        } else {
            bsd_udp::deliver_unicast(host, Os::FreeBsd, src, dst)
        }
    }

    fn udp_listen(&self, s: &Socket) -> Decision {
        bsd_udp::not_supported(s)
    }

    fn udp_accept(&self, s: &Socket) -> Decision {
        Decision::fail_with(
            Errno::Inval,
            RuleId::FreebsdUdpAcceptNotListening,
            args![Slot::Socket => s.name()],
        )
    }

    fn join(&self, _host: &Host, s: &Socket, group: IpAddr) -> Decision {
        bsd_udp::join(s, group, Os::FreeBsd)
    }

    /// `udp6_connect` (udp6_usrreq.c 1175-1176, 1207-1208): the family
    /// an earlier connect() left the socket in.
    fn udp_connect_precheck(&self, _host: &Host, s: &Socket, dst: SockAddr) -> Option<Decision> {
        common::udp_connect_precheck(self, s, dst)
            .or_else(|| bsd_udp::connect_family_kept(s, dst, Os::FreeBsd, Errno::AfNoSupport))
            .or_else(|| link_local_group_rejected(s, dst))
            .or_else(|| link_local_rejected(s, dst))
    }

    /// in_pcb.c in_pcbdisconnect 1394-1409: `in_pcbremhash_locked(inp)`;
    /// in_pcbconnect files it again only on success (1039-1045).
    fn udp_disconnect_unhashes(&self) -> bool {
        true
    }

    fn udp_reconnect_disconnects(&self) -> bool {
        true
    }

    fn udp_reconnected(
        &self,
        s: &Socket,
        before: SockAddr,
        local: SockAddr,
        dst: SockAddr,
    ) -> Decision {
        bsd_udp::reconnected(s, before, local, dst, Os::FreeBsd)
    }

    fn udp_connect_tuple(
        &self,
        host: &Host,
        s: &Socket,
        local: SockAddr,
        dst: SockAddr,
    ) -> Option<Decision> {
        bsd_udp::connect_tuple(host, s, local, dst)
    }
}

/// The wildcard hash chain, when no LB group takes the SYN.
fn chain_route(c: &pcb::SynClasses<'_>, dst: SockAddr) -> Route {
    // The wildcard hash chain keeps exact-address PCBs first, then the
    // IPv4 and dual-stack wildcards, newest first (`_in_pcbinshash_wild`,
    // `_in6_pcbinshash_wild`), and AF_INET6 sockets on `::ffff:0.0.0.0`
    // at the tail, oldest first. The SMR fast path takes the first match
    // and waits for its lock when it is busy (`_inp_smr_lock`); it falls
    // back to the locked lookup only for a PCB being freed or dropped,
    // which a scenario's one-at-a-time steps never meet.
    let exact = !c.exact.is_empty();
    let first = match c.exact.last().copied() {
        Some(e) => e,
        None => {
            let mut front: Vec<&Socket> = c.wild.iter().chain(&c.dual).copied().collect();
            crate::sort::by_key(&mut front, |s| s.bound_seq());
            let Some(first) = front.last().or(c.mapped_any.first()).copied() else {
                return common::no_listener(dst);
            };
            first
        }
    };
    let class_len = if exact {
        c.exact.len()
    } else {
        c.wild.len() + c.dual.len() + c.mapped_any.len()
    };
    let rule = match (class_len > 1, exact) {
        (true, true) => RuleId::FreebsdRouteNewestBound,
        (true, false) => RuleId::FreebsdRouteFastOrLockedPath,
        (false, true) if !c.wild.is_empty() || !c.dual.is_empty() || !c.mapped_any.is_empty() => {
            RuleId::BsdRouteExactBeforeWildcard
        }
        (false, _) => RuleId::BsdRouteListener,
    };
    let args = args![
        Slot::Count => class_len as u64,
        Slot::Addr => first.local(),
        Slot::Socket => first.name(),
        Slot::Dst => dst,
        Slot::Port => dst.port,
    ];
    let why = Why::of(rule, WhyVariant::Usual, args);
    bsd::take(first, rule, why, |s| not_listening(s, dst))
}

/// The reset a non-listening socket sends when the lookup picks it.
fn not_listening(s: &Socket, dst: SockAddr) -> Route {
    Route::Refused {
        rule: RuleId::FreebsdRouteNotListening,
        why: Why::of(
            RuleId::FreebsdRouteNotListening,
            WhyVariant::Usual,
            args![
                Slot::Dst => dst,
                Slot::Socket => s.name(),
                Slot::State => Arg::Word(s.state().label()),
                Slot::Addr => s.local(),
            ],
        ),
    }
}

/// The connected sockets of `dst`'s port that joined an SO_REUSEPORT_LB
/// group at bind(): `in_pcbconnect` only rehashes a bound socket
/// (in_pcb.c 1040-1045), so it stays in the group until its connection is
/// dropped (`in_pcbremhash_locked`, 2718-2723). An accepted connection
/// joins none (`sonewconn` does not pass SO_REUSEPORT_LB on).
///
/// Only those near `dst` are listed: the members a SYN to `dst` can meet
/// ([`bsd_udp::lb_member`]: hashed under `dst` itself or under a
/// wildcard), which are all `lb_pick` keeps of them, and so all that the
/// resets `syn_resets` asks about can be.
fn connected_lb(host: &Host, dst: SockAddr) -> Vec<&Socket> {
    // Near `dst`: the index files a class under its `hashed_ip` too, and
    // with the wildcards when that is a wildcard.
    let near = Scope::Near(dst.ip);
    if host
        .first_owner(dst.port, usize::MAX, near, connected_lb_member)
        .is_none()
    {
        // The usual case, answered without collecting anything.
        return Vec::new();
    }
    host.owners_where(dst.port, usize::MAX, near, connected_lb_member)
}

fn connected_lb_member(s: &impl Owner) -> bool {
    s.state() == State::Connected
        && !s.child()
        && s.bind_opts().reuseport_lb
        && s.hashed_ip().is_some()
}

/// What FreeBSD's SO_REUSEPORT_LB groups do with a SYN from `src` to
/// `dst` (`in_pcblookup_lbgroup`: the exact-address group, else the
/// wildcard one; a member by the 4-tuple's hash, its state unchecked).
struct LbPick<'h> {
    /// Members that had connect()ed, picked by the SYN and then by each
    /// retransmission: each answered with a challenge ACK, the client's
    /// reset dropped it, and it left the group, so the next SYN (the same
    /// 4-tuple) was hashed among one member fewer.
    resets: Vec<&'h Socket>,
    /// The group that took the SYN in the end, oldest bound first, the
    /// index of the member that did (never a connected one), its kind.
    group: Option<(Vec<&'h Socket>, usize, WhyVariant)>,
}

fn lb_pick<'h>(
    host: &'h Host,
    c: &pcb::SynClasses<'h>,
    src: SockAddr,
    dst: SockAddr,
) -> LbPick<'h> {
    let connected = connected_lb(host, dst);
    let hash = host.tuple_hash(src, dst) as usize;
    let mut resets: Vec<&Socket> = Vec::new();
    for (class, variant, exact) in [
        (&c.exact, WhyVariant::Exact, true),
        (&c.wild, WhyVariant::Usual, false),
    ] {
        // A dual-stack wildcard socket joins no group.
        let mut members: Vec<&Socket> = class
            .iter()
            .copied()
            .filter(|s| {
                s.bind_opts().reuseport_lb && !(s.is_v6() && s.is_wildcard() && !s.opts().v6only)
            })
            .collect();
        let before = members.len();
        members.extend(
            connected
                .iter()
                .copied()
                .filter(|s| bsd_udp::lb_member(*s, dst.ip, exact))
                .filter(|s| !resets.iter().any(|r| r.id() == s.id())),
        );
        if members.len() > before {
            crate::sort::by_key(&mut members, |s| s.bound_seq());
        }
        while !members.is_empty() {
            let k = hash % members.len();
            if members[k].state() != State::Connected {
                return LbPick {
                    resets,
                    group: Some((members, k, variant)),
                };
            }
            resets.push(members.remove(k));
        }
    }
    LbPick {
        resets,
        group: None,
    }
}

/// The connection an LB group gives the SYN, if one does. A socket joins
/// its group at bind() (the group lookup does not check its state), a
/// dual-stack wildcard socket joins none, and an exact-address group comes
/// before a wildcard one.
fn lb_route(host: &Host, pick: &LbPick<'_>) -> Option<Route> {
    let (members, k, variant) = pick.group.as_ref()?;
    let (chosen, variant) = (members[*k], *variant);
    // A member that has connect()ed is in the hash's list but never takes
    // the connection: the candidates, and the names, are the others.
    let ids: Vec<SockId> = members
        .iter()
        .filter(|s| s.state() != State::Connected)
        .map(|s| s.id())
        .collect();
    let names = host.few_labels(&ids);
    if !chosen.is_listening() {
        let rule = RuleId::FreebsdRouteLbMemberNotListening;
        let args = args![
            Slot::Sockets => Arg::NamesAnd(names),
            Slot::Addr => chosen.local(),
            Slot::Socket => chosen.name(),
        ];
        return Some(Route::Refused {
            rule,
            why: Why::of(rule, variant, args),
        });
    }
    // The group's address as bound: the oldest member that has not
    // connect()ed (a connected one shows its source address now).
    let addr = members
        .iter()
        .find(|s| s.state() != State::Connected)
        .map_or(chosen.local(), |s| s.local());
    let why = Why::of(
        RuleId::FreebsdRouteLbGroup,
        variant,
        args![Slot::Sockets => Arg::NamesAnd(names), Slot::Addr => addr],
    );
    Some(if ids.len() == 1 {
        Route::To {
            listener: chosen.id(),
            rule: RuleId::FreebsdRouteLbGroup,
            why,
        }
    } else {
        Route::Group {
            members: ids,
            chosen: chosen.id(),
            rule: RuleId::FreebsdRouteLbGroup,
            why,
        }
    })
}

/// `route`, explained by the connected LB members that SYNs of the step
/// reset before they got there (`freebsd.route.lb-connected-member`);
/// unchanged when none. The members are read after their reset (their
/// names and the address their group is keyed by stay).
fn through_resets(host: &Host, resets: &[SockId], route: Route) -> Route {
    let socks: Vec<&Socket> = resets.iter().filter_map(|&id| host.get(id)).collect();
    let Some(first) = socks.first() else {
        return route;
    };
    let rule = RuleId::FreebsdRouteLbConnectedMember;
    let mut groups: Vec<Name> = Vec::new();
    for s in &socks {
        let port = s.local_port().unwrap_or(0);
        let group: Name = match s.hashed_ip() {
            Some(ip) => SockAddr::new(ip, port).to_string().into(),
            None => continue,
        };
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    let inner = Arg::Line(route.why().to_string());
    let why = if socks.len() == 1 {
        Why::of(
            rule,
            WhyVariant::Usual,
            args![
                Slot::Socket => first.name(),
                Slot::Groups => Arg::NamesAnd(groups),
                Slot::Why => inner,
            ],
        )
    } else {
        let variant = if groups.len() > 1 {
            WhyVariant::Groups
        } else {
            WhyVariant::Several
        };
        Why::of(
            rule,
            variant,
            args![
                Slot::Sockets => Arg::NamesAnd(socks.iter().map(|s| s.name()).collect()),
                Slot::Groups => Arg::NamesAnd(groups),
                Slot::Why => inner,
            ],
        )
    };
    route.explained_by(rule, why)
}

/// `tcp_usr_connect` / `tcp6_usr_connect`: `Must disallow TCP
/// ``connections'' to multicast addresses` (EAFNOSUPPORT), and
/// `INADDR_BROADCAST` (EACCES).
fn tcp_connect_refusal(dst: SockAddr) -> Option<Decision> {
    let rule = RuleId::FreebsdTcpMulticast;
    let (errno, variant) = match crate::addr::unmap(dst.ip) {
        ip if ip.is_multicast() => (Errno::AfNoSupport, WhyVariant::Connect),
        IpAddr::V4(a) if a.is_broadcast() => (Errno::Access, WhyVariant::Broadcast),
        _ => return None,
    };
    Some(Decision::fail(
        errno,
        rule,
        Why::of(rule, variant, args![Slot::Ip => dst.ip]),
    ))
}

/// A UDP connect() to ff02::/16 from a socket with no specific address:
/// in6_selectsrc looks for an interface (in6_src.c 270-277 return a bound
/// address first), and in6_selectif refuses the reject route the standard
/// rc.d/routing installs for ff02::/16 (routing 229; in6_src.c 815-817).
fn link_local_group_rejected(s: &Socket, dst: SockAddr) -> Option<Decision> {
    let IpAddr::V6(group) = dst.ip else {
        return None;
    };
    let unbound = s.local().is_none_or(|l| is_wildcard(l.ip));
    (unbound && group.segments()[0] == 0xff02).then(|| {
        Decision::fail_with(
            Errno::NetUnreach,
            RuleId::FreebsdUdpConnectLinkLocalGroupRejected,
            args![Slot::Socket => s.name(), Slot::Dst => dst],
        )
    })
}

/// A connect() (TCP or UDP) to a link-local unicast address (fe80::/10)
/// from a socket with no specific address: as for ff02::/16, the standard
/// rc.d/routing installs a reject route for fe80::/10 (routing 228), which
/// a destination with no scope id meets in in6_selectif (in6_src.c 815-817):
/// ENETUNREACH. (A bound address is used without that lookup, 270-277;
/// what follows then is not modelled.)
fn link_local_rejected(s: &Socket, dst: SockAddr) -> Option<Decision> {
    let IpAddr::V6(a) = dst.ip else {
        return None;
    };
    let unbound = s.local().is_none_or(|l| is_wildcard(l.ip));
    (unbound && a.is_unicast_link_local()).then(|| {
        Decision::fail_with(
            Errno::NetUnreach,
            RuleId::FreebsdConnectLinkLocalRejected,
            args![Slot::Socket => s.name(), Slot::Dst => dst],
        )
    })
}

#[cfg(test)]
mod tests {
    use crate::os::testutil::sock;
    use crate::scenario::SockOpt;
    use crate::{host::Host, Os};

    fn host() -> Host {
        Host::new(Os::FreeBsd, &["192.168.0.1".parse().unwrap()], 1)
    }

    #[test]
    fn only_the_new_sockets_flag_counts() {
        let mut h = host();
        assert_eq!(sock(&mut h, "A", &[], "0.0.0.0", 21), "ok");
        assert_eq!(
            sock(&mut h, "B", &[SockOpt::SoReuseAddr], "192.168.0.1", 21),
            "ok"
        );
        assert_eq!(sock(&mut h, "C", &[], "192.168.0.1", 22), "ok");
        assert_eq!(
            sock(&mut h, "D", &[SockOpt::SoReuseAddr], "192.168.0.1", 22),
            "EADDRINUSE",
            "exact duplicate"
        );
    }

    #[test]
    fn lb_and_plain_reuseport_do_not_mix_but_lb_pairs_do() {
        let mut h = host();
        assert_eq!(
            sock(&mut h, "A", &[SockOpt::SoReusePortLb], "127.0.0.1", 80),
            "ok"
        );
        assert_eq!(
            sock(&mut h, "B", &[SockOpt::SoReusePort], "127.0.0.1", 80),
            "EADDRINUSE"
        );
        assert_eq!(
            sock(&mut h, "C", &[SockOpt::SoReusePortLb], "127.0.0.1", 80),
            "ok"
        );
    }

    #[test]
    fn v6only_by_default() {
        let mut h = host();
        assert_eq!(sock(&mut h, "A", &[], "0.0.0.0", 80), "ok");
        assert_eq!(sock(&mut h, "B", &[], "::", 80), "ok");
    }
}
