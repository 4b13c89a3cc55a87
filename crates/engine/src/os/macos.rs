//! macOS (XNU `xnu-11417.121.6`) — `bsd/netinet/in_pcb.c` `in_pcbbind` and
//! `in_pcblookup_hash`, `bsd/netinet6/in6_pcb.c` `in6_pcbbind`,
//! `bsd/netinet/tcp_usrreq.c`, `tcp_input.c`: the BSD skeleton with XNU's
//! differences. Every rule cites its deciding lines in `rules.json`.
//!
//! Choices (each also said in its rule text):
//! * Routing among wildcard sockets gives the *oldest* bound one, as the code
//!   reads (not yet seen in a run); exact-address ties go to the newest,
//!   which the source articles observed.
//! * Ephemeral ports come from the bottom of the range; XNU's TCP goes up
//!   from the last one it handed out, its UDP starts each search at a random
//!   port (`udp_use_randomport`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::bsd;
use super::bsd_udp;
use super::pcb::{self, lookup_exact, lookup_wild, placed, space_of, Space};
use crate::addr::{is_wildcard, v4_mapped, SockAddr};
use crate::args;
use crate::errno::Errno;
use crate::host::{Host, Owner, PortOrder, Scope, SearchKey, Socket, State};
use crate::os::bsd::BindChecks;
use crate::os::{common, BindAnswer, Decision, Delivery, FinWait2, Os, OsParams, OsRules, Route};
use crate::rules::{Arg, Args, RuleId, Slot, WhyVariant};
use crate::scenario::SockOpt;
use crate::why::Why;

pub struct MacOs;

/// `net.inet.ip.portrange.first` / `last` (`ipport_firstauto..lastauto`).
const EPHEMERAL: (u16, u16) = (49152, 65535);
/// `IPPORT_RESERVED`.
const RESERVED: u16 = 1024;
/// 2 × MSL (`net.inet.tcp.msl` = 15 s).
const TIME_WAIT_MS: u64 = 30_000;
/// `bsd/net/restricted_in_port.c`: TCP 55555 needs an Apple-private
/// entitlement on macOS.
const RESTRICTED_TCP_PORT: u16 = 55555;

fn any_reuse(s: &Socket) -> bool {
    s.opts().reuseaddr || s.opts().reuseport
}

fn wild<'h>(host: &'h Host, s: &Socket, space: Space, ip: IpAddr, port: u16) -> Option<&'h Socket> {
    lookup_wild(host, space, ip, port, s, pcb::XNU_MAPPED_COST)
}

/// A listener on `dst`'s port that would have taken it but for a failed
/// connect() that left it in the other family (`tcp_usr_connect_common`
/// 576-577, 606-607): the refusal names it.
fn narrowed_listener(host: &Host, dst: SockAddr) -> Option<Route> {
    let to_v4 = crate::addr::as_v4(dst.ip).is_some();
    // Near `dst`: only an owner on a wildcard or on `dst` itself (unmapped
    // alike) is kept.
    let s = host.first_owner(dst.port, usize::MAX, Scope::Near(dst.ip), |s| {
        s.state() == State::Listening
            && s.pcb_narrowed() == Some(!to_v4)
            && !(to_v4 && s.opts().v6only)
            && s.local().is_some_and(|l| {
                is_wildcard(l.ip) || crate::addr::unmap(l.ip) == crate::addr::unmap(dst.ip)
            })
    })?;
    let rule = RuleId::MacosConnectFamilyNarrowed;
    let family = if to_v4 { "IPv6" } else { "IPv4" };
    Some(Route::Refused {
        rule,
        why: Why::of(
            rule,
            WhyVariant::Listener,
            args![
                Slot::Socket => s.name(),
                Slot::Addr => s.local(),
                Slot::Family => Arg::Word(family),
                Slot::Dst => dst,
            ],
        ),
    })
}

/// `in6_pcbsetport` (in6_src.c 1681-1683): the ephemeral search is a
/// wildcard one only when the socket sets neither SO_REUSEADDR nor
/// SO_REUSEPORT.
fn v6_search_is_exact(s: &Socket) -> bool {
    let o = s.opts();
    o.reuseaddr || o.reuseport
}

/// `in6_pcblookup_local` without the wildcard flag (in6_pcb.c 1242-1265):
/// an unconnected IPv6 socket bound to exactly `ip` and `port`.
fn v6_exact_holder<'h>(host: &'h Host, s: &Socket, ip: IpAddr, port: u16) -> Option<&'h Socket> {
    // Near `ip`: only an owner on `ip` itself answers.
    host.first_owner(port, s.id(), Scope::Near(ip), |t| {
        t.is_v6() && !t.is_connected() && t.local().is_some_and(|l| l.ip == ip)
    })
}

/// A multicast or broadcast address, which TCP refuses outright; for an
/// IPv6 socket also their v4-mapped and v4-compatible (`::a.b.c.d`) forms
/// (`tcp6_usr_bind` 324-331, `tcp_usr_connect_common` 584-594).
fn multicast_or_broadcast(ip: IpAddr) -> bool {
    let v4 = match ip {
        IpAddr::V4(a) => Some(a),
        IpAddr::V6(a) if a.is_multicast() => return true,
        // `to_ipv4` reads both forms; `::` and `::1` give neither kind.
        IpAddr::V6(a) => a.to_ipv4(),
    };
    v4.is_some_and(|a| a.is_multicast() || a.is_broadcast())
}

/// `in_pcbbind` / `in6_pcbbind` (XNU): the steps of [`bsd::check_port`].
impl BindChecks for MacOs {
    /// A dual-stack `[::]` bind of an AF_INET6 socket (IPV6_V6ONLY off).
    fn dual_any(&self, s: &Socket, space: Space, ip: IpAddr) -> bool {
        space == Space::V6 && is_wildcard(ip) && s.is_v6() && !s.opts().v6only
    }

    /// The different-user check (`in_pcbbind` 1056-1086, `in6_pcbbind`
    /// 398-416): another user's best-fitting socket blocks the bind. IPv4
    /// skips it when both addresses are wildcards; IPv6 only when `t` also
    /// set SO_REUSEPORT.
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
        let t = wild(host, s, space, ip, port)?;
        let one_specific = !is_wildcard(ip) || !t.is_wildcard();
        let applies = match space {
            Space::V4 => one_specific,
            Space::V6 => one_specific || !t.opts().reuseport,
        };
        (applies && t.uid() != s.uid()).then(|| {
            Decision::fail_with(
                Errno::AddrInUse,
                RuleId::MacosBindOtherUser,
                args![
                    Slot::Other => t.name(),
                    Slot::Addr => t.local(),
                    Slot::OtherUser => t.user(),
                    Slot::User => s.user_name(),
                ],
            )
        })
    }

    /// The main check (`in_pcbbind` 1087-1111, `in6_pcbbind` 460-474).
    fn main_check(&self, host: &Host, s: &Socket, space: Space, ip: IpAddr, port: u16) -> Decision {
        let me = s.label();
        let found = if any_reuse(s) {
            lookup_exact(host, space, ip, port, s)
        } else {
            wild(host, s, space, ip, port)
        };
        if let Some(t) = found {
            // `in_pcbbind` 927-937: on a group address SO_REUSEADDR counts as
            // SO_REUSEPORT (only SO_REUSEADDR is promoted).
            if ip.is_multicast()
                && s.opts().reuseaddr
                && (t.opts().reuseaddr || t.opts().reuseport)
                && !(s.opts().reuseport && t.opts().reuseport)
            {
                return Decision::ok_with(
                    RuleId::MacosUdpBindGroupReuseaddr,
                    args![Slot::Other => t.name(), Slot::Socket => me, Slot::Addr => t.local()],
                );
            }
            if s.opts().reuseport && t.opts().reuseport {
                let rule = if t.uid() != s.uid() {
                    RuleId::MacosBindReuseportAnyUser
                } else {
                    RuleId::BsdBindReuseportBoth
                };
                return Decision::ok_with(
                    rule,
                    args![
                        Slot::Socket => me,
                        Slot::Other => t.name(),
                        Slot::Option => Arg::Word("SO_REUSEPORT"),
                        Slot::Addr => t.local(),
                    ],
                );
            }
            // `in_pcbbind` 1094-1097: two AF_INET6 sockets may both hold the
            // IPv4 wildcard (a dual-stack `[::]`, then `[::ffff:0.0.0.0]`).
            if space == Space::V4 && is_wildcard(ip) && t.is_wildcard() && s.is_v6() && t.is_v6() {
                return Decision::ok_with(
                    RuleId::MacosBindV6WildcardsShareIpv4,
                    args![Slot::Other => t.name(), Slot::Port => port, Slot::Addr => t.local()],
                );
            }
            return bsd::refuse(host, s, t, ip, any_reuse(s));
        }
        if any_reuse(s) {
            if let Some(t) = wild(host, s, space, ip, port) {
                return bsd::allowed_by_new_flag(host, s, t, Os::MacOs);
            }
        }
        Decision::ok()
    }

    fn other_user_v4_side(&self, host: &Host, s: &Socket, port: u16) -> Option<Decision> {
        self.ipv4_side(host, s, port, true)
    }

    fn main_check_v4_side(&self, host: &Host, s: &Socket, port: u16) -> Option<Decision> {
        self.ipv4_side(host, s, port, false)
    }
}

impl MacOs {
    /// A dual-stack `[::]` bind also looks at the IPv4 side, `0.0.0.0:port`
    /// (`in6_pcbbind` 417-438 for another user, 475-496 for the main
    /// check): an IPv4 specific binding, or another AF_INET6 socket there,
    /// blocks it unless both set SO_REUSEPORT (another user's, unless that
    /// one set SO_REUSEPORT); a plain AF_INET `0.0.0.0` does not.
    fn ipv4_side(&self, host: &Host, s: &Socket, port: u16, user_check: bool) -> Option<Decision> {
        let any = IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);
        let blocks = |t: &Socket| !t.is_wildcard() || t.is_v6();
        if user_check {
            let t = wild(host, s, Space::V4, any, port)?;
            return (!t.opts().reuseport && t.uid() != s.uid() && blocks(t)).then(|| {
                Decision::fail_with(
                    Errno::AddrInUse,
                    RuleId::MacosBindDualStackOtherUser,
                    args![
                        Slot::Socket => s.name(),
                        Slot::Port => port,
                        Slot::Other => t.name(),
                        Slot::Addr => t.local(),
                        Slot::OtherUser => t.user(),
                        Slot::User => s.user_name(),
                    ],
                )
            });
        }
        let t = if any_reuse(s) {
            lookup_exact(host, Space::V4, any, port, s)
        } else {
            wild(host, s, Space::V4, any, port)
        }?;
        // Found by the wildcard lookup, a specific address would not be
        // found by the exact one SO_REUSEADDR makes: the why-line says so.
        let variant = if !any_reuse(s) && !t.is_wildcard() {
            WhyVariant::Specific
        } else {
            WhyVariant::Usual
        };
        (!(s.opts().reuseport && t.opts().reuseport) && blocks(t)).then(|| {
            let rule = RuleId::MacosBindDualStackIpv4Side;
            let args = args![
                Slot::Socket => s.name(),
                Slot::Port => port,
                Slot::Other => t.name(),
                Slot::Addr => t.local(),
            ];
            Decision::fail(Errno::AddrInUse, rule, Why::of(rule, variant, args))
        })
    }
}

/// MacOs's constants.
const PARAMS: OsParams = OsParams {
    ephemeral: EPHEMERAL,
    time_wait_ms: TIME_WAIT_MS,
    // tcp_set_finwait_timeout: tcp_fin_timeout (60 s); tcp_timers TCPT_2MSL
    // in FIN_WAIT_2 then tcp_drop()s, which resets the peer.
    fin_wait_2: Some(FinWait2 {
        ms: 60_000,
        resets_peer: true,
    }),
    default_v6only: false,
    loopback_is_slash8: false,
    slash8_from_localhost: false,
    closed_end_timer_late: false,
    failed_bind_resets_address: false,
};

impl OsRules for MacOs {
    fn os(&self) -> Os {
        Os::MacOs
    }
    fn params(&self) -> &'static OsParams {
        &PARAMS
    }
    fn supports(&self, opt: SockOpt) -> bool {
        matches!(
            opt,
            SockOpt::SoReuseAddr | SockOpt::SoReusePort | SockOpt::Ipv6V6Only
        )
    }

    fn bind(&self, host: &Host, s: &Socket, addr: SockAddr) -> BindAnswer {
        // `COMMON_START_ALLOW_FLOW_DIVERT`: a dead control block first.
        if let Some(d) = bsd::bind_after_failed_connect(s, Os::MacOs) {
            return BindAnswer::fail(d);
        }
        // `tcp_usr_bind` / `tcp6_usr_bind` refuse these before `in_pcbbind`.
        if !s.is_udp() && multicast_or_broadcast(addr.ip) {
            return BindAnswer::fail(Decision::fail_with(
                Errno::AfNoSupport,
                RuleId::MacosTcpMulticast,
                args![Slot::Ip => addr.ip],
            ));
        }
        if let Some(d) = bsd::bind_prelude(host, s, addr, Os::MacOs) {
            return BindAnswer::fail(d);
        }
        if addr.port != 0 && addr.port < RESERVED && s.uid() != 0 && !is_wildcard(addr.ip) {
            // The refusal says what the same bind would do as root, and
            // what the wildcard of the address's family would do as the
            // same user.
            let wildcard = SockAddr {
                ip: match addr.ip {
                    IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                    IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
                },
                port: addr.port,
            };
            return BindAnswer::fail(common::privileged_port(
                Os::MacOs,
                RuleId::MacosBindPrivilegedSpecific,
                args![Slot::Port => addr.port, Slot::Ip => addr.ip, Slot::User => s.user_name()],
                self.bind(host, &s.as_root(), addr).decision,
                Some((
                    self.bind(host, s, wildcard).decision,
                    WhyVariant::WildcardFails,
                )),
            ));
        }
        // The table's entry is TCP only (`RPE_FLAG_TCP`): UDP binds 55555.
        if addr.port == RESTRICTED_TCP_PORT && !s.is_udp() {
            return BindAnswer::fail(Decision::fail_with(
                Errno::AddrInUse,
                RuleId::MacosBindRestrictedPort,
                args![Slot::Port => RESTRICTED_TCP_PORT],
            ));
        }
        if addr.port == 0 {
            // An IPv4 implicit bind takes a port no socket of the family
            // holds on any address (`in_pcbbind` forces `wild = 1`); an
            // IPv6 one with SO_REUSEADDR or SO_REUSEPORT only skips ports
            // bound to exactly its address (`in6_pcbsetport`).
            let (lo, hi) = PARAMS.ephemeral;
            let (space, ip) = space_of(s, addr.ip);
            let exact = space == Space::V6 && v6_search_is_exact(s);
            let untouched = SearchKey {
                tag: "macos.bind.untouched",
                src: None,
                dst: None,
                extra: 0,
            };
            let found = host
                .find_port(untouched, PortOrder::range(lo, hi), |p| {
                    p != RESTRICTED_TCP_PORT && !host.port_in_use(p)
                })
                .or_else(|| {
                    // Past the untouched ports (the range is 16,384: a
                    // pasted table's 30,000 connected UDP sockets), each
                    // search resumes where the last of its kind stopped;
                    // `wild` and `v6_exact_holder` read only the space and
                    // the address (and the port's owners), all in the key.
                    let free = SearchKey {
                        tag: "macos.bind.free",
                        src: Some(ip),
                        dst: None,
                        extra: u64::from(space == Space::V6) | u64::from(exact) << 1,
                    };
                    host.find_port(free, PortOrder::range(lo, hi), |p| {
                        p != RESTRICTED_TCP_PORT
                            && if exact {
                                v6_exact_holder(host, s, ip, p).is_none()
                            } else {
                                wild(host, s, space, ip, p).is_none()
                            }
                    })
                });
            return match found {
                Some(port) => BindAnswer {
                    decision: Decision::ok(),
                    port,
                },
                // `in_pcbbind` 1277-1281: EADDRNOTAVAIL; `in6_pcbsetport`
                // 1739-1756: EAGAIN.
                None => BindAnswer::fail(Decision::fail_with(
                    if space == Space::V4 {
                        Errno::AddrNotAvail
                    } else {
                        Errno::WouldBlock
                    },
                    RuleId::MacosBindEphemeralExhausted,
                    args![Slot::Low => lo, Slot::High => hi, Slot::Ip => addr.ip],
                )),
            };
        }
        BindAnswer {
            decision: bsd::check_bind(self, host, s, addr.ip, addr.port),
            port: addr.port,
        }
    }

    fn listen(&self, host: &Host, s: &Socket) -> Decision {
        bsd::listen(host, s, Os::MacOs)
    }

    /// `soconnectlock`: `if ((so->so_options & SO_ACCEPTCONN) ...)
    /// error = EOPNOTSUPP;`, whatever the family.
    fn connect_on_listener(&self, _s: &Socket, _dst: SockAddr) -> Decision {
        bsd::connect_on_listener("soconnectlock", Errno::OpNotSupp)
    }

    fn connect_tuple_taken(&self, host: &Host, _s: &Socket, existing: &Socket) -> Decision {
        bsd::tuple_taken(host, existing)
    }

    /// `sosetoptlock`: a socket with both SS_CANTRCVMORE and
    /// SS_CANTSENDMORE takes no option ("the socket has been shutdown"),
    /// EINVAL, socket-level ones included; `tcp_close` set both through
    /// `soisdisconnected` when it dropped the connection.
    fn setsockopt_on_dropped(&self, s: &Socket, opt: SockOpt) -> Option<Decision> {
        Some(bsd::setsockopt_on_dropped(
            s,
            opt,
            Errno::Inval,
            RuleId::MacosSetsockoptDropped,
        ))
    }

    /// `tcp_usr_connect` / `tcp6_usr_connect` on a dead control block:
    /// `so_error` if one is left, else EINVAL. The failed (blocking)
    /// connect already returned and cleared its error (`connectit`); a
    /// peer's reset left ECONNRESET that nothing has returned yet
    /// (`tcp_input`: RST in ESTABLISHED sets it, then `tcp_close`).
    fn connect_after_failed_connect(&self, s: &Socket) -> Option<Decision> {
        let rule = RuleId::MacosConnectAfterFailedConnect;
        Some(if s.state() == State::Reset && s.reset_error_pending() {
            bsd::connect_after_failed_connect(s, Errno::ConnReset, rule, WhyVariant::ResetPending)
        } else {
            bsd::connect_after_failed_connect(s, Errno::Inval, rule, bsd::dropped_variant(s))
        })
    }

    /// `tcp_close` → `in_pcbdetach` sets `inp->inp_vflag = 0`: the lookups
    /// (`in_pcblookup_local`, `in_pcblookup_hash_locked`: `if
    /// (!(inp->inp_vflag & INP_IPV4)) continue;`) pass the dead control
    /// block by, so its address and port are free.
    fn failed_connect_unhashes(&self) -> bool {
        true
    }

    /// connect()'s implicit bind (`tcp_connect` → `in_pcbbind(inp, NULL…)`)
    /// looks the port up at the wildcard address in wildcard mode, so a port
    /// any socket of the family holds, on any address, is skipped. (XNU
    /// goes up from the last port it handed out; bindlab starts at the
    /// bottom of the range, so the ports differ, not the outcomes.)
    fn connect_port(&self, host: &Host, s: &Socket, src: IpAddr, dst: SockAddr) -> Option<u16> {
        let (lo, hi) = PARAMS.ephemeral;
        let (space, _) = space_of(s, src);
        // IPv6 with SO_REUSEADDR or SO_REUSEPORT: `tcp6_connect` →
        // `in6_pcbbind` → `in6_pcbsetport` looks the port up at `::`
        // without the wildcard flag: only a socket bound to exactly `::`
        // holds it.
        let exact = space == Space::V6 && v6_search_is_exact(s);
        let key = SearchKey {
            tag: if exact {
                "macos.connect.v6-exact"
            } else {
                "macos.connect"
            },
            src: Some(src),
            dst: Some((dst.ip, dst.port)),
            extra: u64::from(s.is_v6()),
        };
        let any6 = IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED);
        host.find_port(key, PortOrder::range(lo, hi), |p| {
            p != RESTRICTED_TCP_PORT
                && SockAddr::new(src, p) != dst
                && if exact {
                    v6_exact_holder(host, s, any6, p).is_none()
                } else {
                    // Any address of the space holds the port: every class.
                    host.first_owner(p, s.id(), Scope::All, |t| placed(space, t).is_some())
                        .is_none()
                }
        })
    }

    /// No port left for connect()'s implicit bind: `tcp_connect` →
    /// `in_pcbbind` answers EADDRNOTAVAIL (a v4-mapped destination takes
    /// this IPv4 path), `tcp6_connect` → `in6_pcbbind` → `in6_pcbsetport`
    /// EAGAIN.
    fn connect_exhausted(&self, src: IpAddr, dst: SockAddr) -> Decision {
        let (lo, hi) = PARAMS.ephemeral;
        let v6 = dst.ip.is_ipv6() && crate::addr::as_v4(dst.ip).is_none();
        Decision::fail_with(
            if v6 {
                Errno::WouldBlock
            } else {
                Errno::AddrNotAvail
            },
            RuleId::MacosConnectEphemeralExhausted,
            args![Slot::Low => lo, Slot::High => hi, Slot::Ip => src, Slot::Dst => dst],
        )
    }

    /// tcp_usr_connect_common 576-577, 606-607: no restore on failure.
    fn connect_narrows_v6_pcb(&self) -> bool {
        true
    }

    /// tcp_usr_connect_common 515-519, 539-544, 584-594: TCP refuses a
    /// multicast or broadcast destination before it looks at the socket's
    /// own address. (Its v6-only test, 549-553, comes after those; the
    /// engine asks it first, and both answer EAFNOSUPPORT.)
    fn connect_destination(&self, _s: &Socket, dst: SockAddr, udp: bool) -> Option<Decision> {
        (!udp && multicast_or_broadcast(dst.ip)).then(|| {
            let rule = RuleId::MacosTcpMulticast;
            Decision::fail(
                Errno::AfNoSupport,
                rule,
                Why::of(rule, WhyVariant::Connect, args![Slot::Ip => dst.ip]),
            )
        })
    }

    fn connect_precheck(&self, _host: &Host, s: &Socket, dst: SockAddr) -> Option<Decision> {
        // tcp_usr_connect_common 600-604, after the multicast tests: a PCB
        // an earlier connect() narrowed to IPv4 refuses an IPv6 peer.
        let native_v6 = dst.ip.is_ipv6() && crate::addr::as_v4(dst.ip).is_none();
        (s.is_v6() && s.pcb_narrowed() == Some(true) && native_v6).then(|| {
            Decision::fail_with(
                Errno::AfNoSupport,
                RuleId::MacosConnectFamilyNarrowed,
                args![Slot::Socket => s.name(), Slot::Dst => dst],
            )
        })
    }

    /// XNU's `in_pcblookup_hash` with a wildcard: the first exact-address
    /// match in the chain (newest first, so the newest bound), else the last
    /// IPv4 wildcard match (the oldest bound), else the last dual-stack one.
    /// It does not look at the state: when the socket it finds is not
    /// listening, `tcp_input` drops the SYN (`TCPS_CLOSED` → `drop`).
    fn route(&self, host: &Host, _src: SockAddr, dst: SockAddr) -> Route {
        let c = pcb::syn_classes(host, dst);
        if let Some(&s) = c.exact.last() {
            let rule = if c.exact.len() > 1 {
                RuleId::MacosRouteNewestExact
            } else if !c.wild.is_empty() || !c.dual.is_empty() || !c.mapped_any.is_empty() {
                RuleId::BsdRouteExactBeforeWildcard
            } else {
                RuleId::BsdRouteListener
            };
            let why = Why::of(rule, WhyVariant::Usual, route_args(c.exact.len(), s, dst));
            return bsd::take(s, rule, why, |s| dropped(s, dst));
        }
        // Every AF_INET6 wildcard (dual-stack `::` or `::ffff:0.0.0.0`) is
        // XNU's `local_wild_mapped`.
        let mut inet6: Vec<&Socket> = c.dual.iter().chain(&c.mapped_any).copied().collect();
        crate::sort::by_key(&mut inet6, |s| s.bound_seq());
        for class in [&c.wild, &inet6] {
            if let Some(&s) = class.first() {
                let rule = if class.len() > 1 {
                    RuleId::MacosRouteOldestWildcard
                } else {
                    RuleId::BsdRouteListener
                };
                let why = Why::of(rule, WhyVariant::Usual, route_args(class.len(), s, dst));
                return bsd::take(s, rule, why, |s| dropped(s, dst));
            }
        }
        narrowed_listener(host, dst).unwrap_or_else(|| common::no_listener(dst))
    }

    /// TCP binds first: `tcp_connect` / `tcp6_connect` call `in_pcbbind`
    /// / `in6_pcbbind` (tcp_usrreq.c 1493-1494, 1626-1627) before
    /// `in_pcbladdr` / `in6_pcbladdr` look for a route (1505, 1642), so a
    /// connect with no route keeps the port. UDP looks first: `in_pcbconnect`
    /// (in_pcb.c 1885, bind at 1909-1910) and `in6_pcbconnect` (in6_pcb.c
    /// 752, bind at 780-781).
    fn binds_before_route(&self, udp: bool) -> bool {
        !udp
    }

    fn connect_no_route(&self, dst: SockAddr) -> Decision {
        bsd::connect_no_route(dst, Os::MacOs)
    }

    /// `tcp_usr_connect_common`: a v4-mapped destination on a v6-only
    /// socket is EAFNOSUPPORT.
    fn connect_v6only_to_ipv4(&self, s: &Socket, dst: SockAddr) -> Decision {
        Decision::fail_with(
            Errno::AfNoSupport,
            RuleId::MacosConnectMappedOnV6only,
            args![Slot::Socket => s.name(), Slot::Dst => dst],
        )
    }

    /// `tcp_connect`: "Prevent self-connect" — the local address and the
    /// bound port equal the destination.
    /// Only the IPv4 path (`tcp_connect`, also taken for a v4-mapped
    /// destination) has the check; `tcp6_connect` lets an IPv6 socket meet
    /// its own SYN.
    fn refuse_self_connect(&self, s: &Socket, local: SockAddr) -> Option<Decision> {
        crate::addr::as_v4(local.ip)?;
        Some(Decision::fail_with(
            Errno::Inval,
            RuleId::MacosConnectSelf,
            args![Slot::Socket => s.name(), Slot::Local => local],
        ))
    }

    fn deliver(&self, host: &Host, src: SockAddr, dst: SockAddr) -> Delivery {
        if dst.ip.is_multicast() {
            bsd_udp::deliver_multicast(host, Os::MacOs, src, dst)
        } else {
            bsd_udp::deliver_unicast(host, Os::MacOs, src, dst)
        }
    }

    fn udp_listen(&self, s: &Socket) -> Decision {
        bsd_udp::not_supported(s)
    }

    fn udp_accept(&self, s: &Socket) -> Decision {
        bsd_udp::not_supported(s)
    }

    fn join(&self, _host: &Host, s: &Socket, group: IpAddr) -> Decision {
        bsd_udp::join(s, group, Os::MacOs)
    }

    /// `udp6_connect` keeps an AF_INET6 socket bound to one family in that
    /// family, with EINVAL (TCP's `tcp_usr_connect_common` says
    /// EAFNOSUPPORT): a v4-mapped binding (INP_V4MAPPEDV6) to a native IPv6
    /// destination (udp6_usrreq.c 934-941), a specific IPv6 binding
    /// (`inp_vflag == INP_IPV6`) to a v4-mapped one (958-960).
    fn udp_connect_precheck(&self, _host: &Host, s: &Socket, dst: SockAddr) -> Option<Decision> {
        if let Some(d) = bsd_udp::connect_family_kept(s, dst, Os::MacOs, Errno::Inval) {
            return Some(d);
        }
        if let (true, Some(IpAddr::V6(l)), IpAddr::V6(d)) =
            (s.is_v6(), s.local().map(|l| l.ip), dst.ip)
        {
            let (l_mapped, d_mapped) = (v4_mapped(l).is_some(), v4_mapped(d).is_some());
            let variant = if l_mapped && !d_mapped && !d.is_unspecified() {
                Some(WhyVariant::Usual)
            } else if !s.bind_opts().v6only && !l_mapped && !l.is_unspecified() && d_mapped {
                Some(WhyVariant::V6)
            } else {
                None
            };
            if let Some(variant) = variant {
                let rule = RuleId::MacosUdpConnectFamily;
                return Some(Decision::fail(
                    Errno::Inval,
                    rule,
                    Why::of(
                        rule,
                        variant,
                        args![Slot::Socket => s.name(), Slot::Ip => IpAddr::V6(l), Slot::Dst => dst],
                    ),
                ));
            }
        }
        common::udp_connect_precheck(self, s, dst)
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
        bsd_udp::reconnected(s, before, local, dst, Os::MacOs)
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

/// The slots of a route's why: how many share the class, the one picked.
fn route_args(count: usize, s: &Socket, dst: SockAddr) -> Args {
    args![
        Slot::Count => count as u64,
        Slot::Addr => s.local(),
        Slot::Socket => s.name(),
        Slot::Dst => dst,
    ]
}

/// XNU drops a SYN that its lookup hands to a socket that is not listening.
fn dropped(s: &Socket, dst: SockAddr) -> Route {
    let rule = RuleId::MacosRouteNotListening;
    let args = args![
        Slot::Dst => dst,
        Slot::Socket => s.name(),
        Slot::State => Arg::Word(s.state().label()),
        Slot::Addr => s.local(),
    ];
    Route::Dropped {
        rule,
        why: Why::of(rule, WhyVariant::Usual, args),
    }
}

#[cfg(test)]
mod tests {
    use crate::os::testutil::{apply, sock};
    use crate::scenario::{SockOpt, StepKind};
    use crate::{host::Host, Os};

    #[test]
    fn low_ports_only_on_specific_addresses_need_root() {
        let mut h = Host::new(Os::MacOs, &[], 1);
        apply(
            &mut h,
            StepKind::User {
                name: "alice".into(),
            },
        );
        assert_eq!(sock(&mut h, "A", &[], "0.0.0.0", 80), "ok");
        assert_eq!(sock(&mut h, "B", &[], "127.0.0.1", 81), "EACCES");
    }

    #[test]
    fn different_users_share_only_the_wildcard() {
        let mut h = Host::new(Os::MacOs, &[], 1);
        apply(
            &mut h,
            StepKind::User {
                name: "alice".into(),
            },
        );
        assert_eq!(
            sock(&mut h, "A", &[SockOpt::SoReusePort], "0.0.0.0", 8080),
            "ok"
        );
        apply(&mut h, StepKind::User { name: "bob".into() });
        assert_eq!(
            sock(&mut h, "B", &[SockOpt::SoReusePort], "0.0.0.0", 8080),
            "ok"
        );
        // The check looks at one best-fitting socket (newest first): for bob
        // that is his own wildcard, for carol it is bob's.
        assert_eq!(
            sock(&mut h, "C", &[SockOpt::SoReusePort], "127.0.0.1", 8080),
            "ok"
        );
        apply(
            &mut h,
            StepKind::User {
                name: "carol".into(),
            },
        );
        assert_eq!(
            sock(&mut h, "D", &[SockOpt::SoReusePort], "127.0.0.1", 8081),
            "ok"
        );
        assert_eq!(
            sock(&mut h, "E", &[SockOpt::SoReusePort], "127.0.0.1", 8080),
            "EADDRINUSE"
        );
    }

    #[test]
    fn only_127_0_0_1_is_on_loopback() {
        let mut h = Host::new(Os::MacOs, &[], 1);
        assert_eq!(sock(&mut h, "A", &[], "127.0.0.2", 8080), "EADDRNOTAVAIL");
    }
}
