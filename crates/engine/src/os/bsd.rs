//! The verdicts FreeBSD and XNU reach the same way (os-rules.md §2.1 and
//! §3): the checks before `in_pcbbind`'s lookups, the refusals after them,
//! listen() without a re-check, connect() on a listener or a taken 4-tuple,
//! and a route to the socket the lookup picked; and the walk of
//! `in_pcbbind` / `in6_pcbbind`'s address checks ([`check_port`]), whose
//! steps each kernel words itself ([`BindChecks`]). The lookups themselves
//! are in `pcb.rs`.

use std::net::IpAddr;

use crate::addr::{is_wildcard, v4_mapped, SockAddr};
use crate::args;
use crate::errno::Errno;
use crate::host::{Host, Owner, Scope, Socket, State};
use crate::os::pcb::{space_of, Space};
use crate::os::{common, Decision, Os, Route};
use crate::rules::{Arg, Name, RuleId, Slot, WhyVariant};
use crate::scenario::SockOpt;
use crate::why::Why;

/// The route to one socket the lookup picked: a listener takes the
/// connection; anything else is the OS's `not_listening` answer.
pub(crate) fn take(
    s: &Socket,
    rule: RuleId,
    why: Why,
    not_listening: impl FnOnce(&Socket) -> Route,
) -> Route {
    if s.is_listening() {
        Route::To {
            listener: s.id(),
            rule,
            why,
        }
    } else {
        not_listening(s)
    }
}

/// A socket whose connect() failed after its SYN went out (refused, or
/// timed out): `tcp_drop` → `tcp_close` dropped its control block (FreeBSD
/// `in_pcbdrop`, INP_DROPPED; XNU `in_pcbdetach`, INPCB_STATE_DEAD), and
/// the protocol's bind and listen entry points refuse it with EINVAL before
/// anything else. `call` is the entry point without its family prefix
/// (`usr_bind`, `usr_listen`).
fn dropped(s: &Socket, os: Os, rule: RuleId, call: &str) -> Option<Decision> {
    if !s.connection_dropped() || s.is_udp() {
        return None;
    }
    let call = if s.is_v6() {
        format!("tcp6_{call}")
    } else {
        format!("tcp_{call}")
    };
    let args = args![
        Slot::Socket => s.name(),
        Slot::Os => Arg::Word(os.display()),
        Slot::Call => call.as_str(),
    ];
    Some(Decision::fail(
        Errno::Inval,
        rule,
        Why::of(rule, dropped_variant(s), args),
    ))
}

/// How the connection was dropped, for the why-line: the usual (a failed
/// connect) or a reset from the peer.
pub(crate) fn dropped_variant(s: &Socket) -> WhyVariant {
    if s.state() == State::Reset {
        WhyVariant::Reset
    } else {
        WhyVariant::Usual
    }
}

/// connect() on a socket whose connection the stack dropped (a failed
/// connect, or the peer's reset): both kernels' `tcp_usr_connect` /
/// `tcp6_usr_connect` look at the dropped control block first; each OS
/// gives its own answer (`errno`) under its own rule.
pub(crate) fn connect_after_failed_connect(
    s: &Socket,
    errno: Errno,
    rule: RuleId,
    variant: WhyVariant,
) -> Decision {
    let call = if s.is_v6() {
        "tcp6_usr_connect"
    } else {
        "tcp_usr_connect"
    };
    Decision::fail(
        errno,
        rule,
        Why::of(
            rule,
            variant,
            args![Slot::Socket => s.name(), Slot::Call => call],
        ),
    )
}

/// setsockopt(`opt`) refused on a dropped TCP socket: each OS's own
/// errno and rule (FreeBSD's `tcp_ctloutput`, XNU's `sosetoptlock`).
pub(crate) fn setsockopt_on_dropped(
    s: &Socket,
    opt: SockOpt,
    errno: Errno,
    rule: RuleId,
) -> Decision {
    Decision::fail(
        errno,
        rule,
        Why::of(
            rule,
            dropped_variant(s),
            args![Slot::Socket => s.name(), Slot::Option => Arg::Word(opt.name())],
        ),
    )
}

/// connect() with no route: an IPv6 destination fails in source address
/// selection (`in6_selectsrc` → `selectroute`) with EHOSTUNREACH on both
/// kernels; IPv4, a v4-mapped destination included, fails in
/// `in_pcbladdr` with ENETUNREACH, as on Linux.
pub(crate) fn connect_no_route(dst: SockAddr, os: Os) -> Decision {
    match dst.ip {
        IpAddr::V6(a) if v4_mapped(a).is_none() => Decision::fail_with(
            Errno::HostUnreach,
            RuleId::BsdConnectNoRouteIpv6,
            args![Slot::Dst => dst, Slot::Os => Arg::Word(os.display())],
        ),
        _ => common::connect_no_route(dst),
    }
}

/// bind() on a socket whose connect() failed: `tcp_usr_bind` /
/// `tcp6_usr_bind` answer EINVAL first, on both kernels.
pub(crate) fn bind_after_failed_connect(s: &Socket, os: Os) -> Option<Decision> {
    dropped(s, os, RuleId::BsdBindAfterFailedConnect, "usr_bind")
}

/// The checks before any lookup, in `in_pcbbind`'s order: already bound,
/// a v4-mapped address on a v6-only socket, an address the host lacks.
pub(crate) fn bind_prelude(host: &Host, s: &Socket, addr: SockAddr, os: Os) -> Option<Decision> {
    let name = s.label();
    if s.local().is_some() {
        return Some(Decision::fail_with(
            Errno::Inval,
            RuleId::BsdBindAlreadyBound,
            args![Slot::Socket => name, Slot::Addr => s.local()],
        ));
    }
    if let IpAddr::V6(a) = addr.ip {
        if v4_mapped(a).is_some() && s.opts().v6only {
            let rule = RuleId::BsdBindMappedOnV6only;
            let variant = if os.rules().params().default_v6only {
                WhyVariant::Default
            } else {
                WhyVariant::Usual
            };
            let args = args![
                Slot::Socket => name,
                Slot::Os => Arg::Word(os.display()),
                Slot::Ip => addr.ip,
            ];
            return Some(Decision::fail(
                Errno::AddrNotAvail,
                rule,
                Why::of(rule, variant, args),
            ));
        }
    }
    // A link-local address with no zone is not the one the interface holds:
    // KAME kernels keep the zone inside a link-local address (FreeBSD 14
    // scope6.c in6_setscope; XNU with in6_embedded_scope on, the default,
    // scope6.c 88), and `sa6_embedscope` adds none for a zero scope id with
    // ip6_use_defzone off (FreeBSD scope6.c; XNU in6_src.c
    // in6_embedscope). So the lookup fails: EADDRNOTAVAIL (FreeBSD in6_pcb.c
    // 222-226, XNU in6_pcb.c 276-281).
    if let IpAddr::V6(a) = addr.ip {
        if a.is_unicast_link_local() {
            return Some(Decision::fail_with(
                Errno::AddrNotAvail,
                RuleId::BsdBindLinkLocalNeedsZone,
                args![Slot::Socket => name, Slot::Ip => addr.ip, Slot::Os => Arg::Word(os.display())],
            ));
        }
    }
    // A UDP socket may bind a group address: the address check is in the
    // branch group addresses never reach.
    let group = s.is_udp() && crate::addr::unmap(addr.ip).is_multicast();
    if !host.is_local(addr.ip) && !group {
        let rule = RuleId::BsdBindAddrNotLocal;
        let variant = if os.rules().params().loopback_is_slash8 {
            WhyVariant::Slash8
        } else {
            WhyVariant::Usual
        };
        return Some(Decision::fail(
            Errno::AddrNotAvail,
            rule,
            Why::of(rule, variant, args![Slot::Ip => addr.ip]),
        ));
    }
    None
}

/// The main check found `t` and no shared option applies.
pub(crate) fn refuse(
    host: &Host,
    s: &Socket,
    t: &Socket,
    ip: IpAddr,
    new_has_reuse: bool,
) -> Decision {
    let me = s.label();
    if new_has_reuse {
        let rule = RuleId::BsdBindExactDuplicate;
        let variant = if s.opts().reuseport || s.opts().reuseport_lb {
            WhyVariant::Reuseport
        } else {
            WhyVariant::Usual
        };
        let args = args![Slot::Other => t.name(), Slot::Addr => t.local()];
        return Decision::fail(Errno::AddrInUse, rule, Why::of(rule, variant, args));
    }
    if t.is_connected() {
        return Decision::fail_with(
            Errno::AddrInUse,
            RuleId::BsdBindConnectedHoldsPort,
            args![
                Slot::Other => t.who(host.now_ms),
                Slot::Addr => t.local(),
                Slot::Socket => me,
            ],
        );
    }
    let rule = if t.is_wildcard() != is_wildcard(ip) {
        RuleId::BsdBindWildcardOverlap
    } else {
        RuleId::BsdBindInUse
    };
    Decision::fail_with(
        Errno::AddrInUse,
        rule,
        args![Slot::Other => t.name(), Slot::Addr => t.local(), Slot::Socket => me],
    )
}

/// Success where the wildcard lookup would have found `t`: the new
/// socket's reuse option switched the check to exact mode.
pub(crate) fn allowed_by_new_flag(host: &Host, s: &Socket, t: &Socket, os: Os) -> Decision {
    Decision::ok_with(
        RuleId::BsdBindNewSocketFlag,
        args![
            Slot::Other => t.who(host.now_ms),
            Slot::Addr => t.local(),
            Slot::Socket => s.name(),
            Slot::Os => Arg::Word(os.display()),
        ],
    )
}

/// `listen()`: binds an unbound socket (done by the host) and never checks
/// addresses again.
pub(crate) fn listen(host: &Host, s: &Socket, os: Os) -> Decision {
    if let Some(d) = dropped(s, os, RuleId::BsdListenAfterFailedConnect, "usr_listen") {
        return d;
    }
    if matches!(
        s.state(),
        State::Connected | State::TimeWait { .. } | State::FinWait2 { .. } | State::Reset
    ) {
        return Decision::fail_with(
            Errno::Inval,
            RuleId::BsdListenConnected,
            args![Slot::Socket => s.name()],
        );
    }
    let port = s.local_port().unwrap_or(0);
    // A crowd of listeners is named by its first few and a count.
    // Every listener of the port is named, whatever its address.
    // The port's listeners kept in bind order: a few read, the rest
    // counted (every class of a port of thousands of addresses was asked).
    let (first, n) = if host.reference_walks() {
        host.some_owners_where(port, s.id(), NAMED, Scope::All, |o| o.is_listening())
    } else {
        host.some_listeners(port, s, NAMED)
    };
    if n == 0 {
        return Decision::ok();
    }
    let names: Vec<Name> = first.iter().map(|o| o.name()).collect();
    let rule = RuleId::BsdListenNoRecheck;
    // "a and b are", "a, b and c are"; a crowd "a, b, …, h and 56 more are".
    let (sockets, variant) = if n == 1 {
        (Arg::Names(names), WhyVariant::Usual)
    } else if n <= NAMED {
        (Arg::NamesAnd(names), WhyVariant::Several)
    } else {
        (Arg::Names(names), WhyVariant::Many)
    };
    // The count of the unnamed is read by the `Many` template only.
    let args = args![
        Slot::Sockets => sockets,
        Slot::Port => port,
        Slot::Os => Arg::Word(os.display()),
        Slot::Count => n.saturating_sub(NAMED) as u64,
    ];
    Decision::ok_by(rule, Why::of(rule, variant, args))
}

/// How many sockets a why-line names before it counts the rest.
const NAMED: usize = crate::rules::NAMES_SHOWN;

/// `connect()` on a listener; `call` names the kernel function that refuses
/// and `errno` its answer.
pub(crate) fn connect_on_listener(call: &str, errno: Errno) -> Decision {
    Decision::fail_with(
        errno,
        RuleId::BsdConnectOnListener,
        args![Slot::Call => call, Slot::Error => Arg::Word(errno.unix_name())],
    )
}

/// `in_pcbconnect` finds the 4-tuple taken.
pub(crate) fn tuple_taken(host: &Host, existing: &Socket) -> Decision {
    Decision::fail_with(
        Errno::AddrInUse,
        RuleId::BsdConnectTupleTaken,
        args![Slot::Other => existing.who(host.now_ms), Slot::Tuple => existing.tuple_arg()],
    )
}

/// One BSD kernel's address checks of a bind, each step as that kernel
/// makes it; [`check_port`] runs them in the order both kernels share.
pub(crate) trait BindChecks {
    /// Whether a bind to `ip` (in `space`) is a dual-stack `::` bind that
    /// also checks the IPv4 side, `0.0.0.0:port`.
    fn dual_any(&self, s: &Socket, space: Space, ip: IpAddr) -> bool;
    /// Another user's socket that blocks the bind.
    fn other_user(
        &self,
        host: &Host,
        s: &Socket,
        space: Space,
        ip: IpAddr,
        port: u16,
    ) -> Option<Decision>;
    /// Another user's socket on the IPv4 side of a dual-stack `::` bind.
    fn other_user_v4_side(&self, host: &Host, s: &Socket, port: u16) -> Option<Decision>;
    /// The lookup the new socket's options select, and its verdict.
    fn main_check(&self, host: &Host, s: &Socket, space: Space, ip: IpAddr, port: u16) -> Decision;
    /// The main check of the IPv4 side of a dual-stack `::` bind.
    fn main_check_v4_side(&self, host: &Host, s: &Socket, port: u16) -> Option<Decision>;
}

/// How many address checks [`check_stage`] numbers.
const STAGES: usize = 4;

/// The `k`-th address check of `in_pcbbind` / `in6_pcbbind`, in the order
/// FreeBSD and XNU share: the different-user checks (unless root; the
/// address, then the IPv4 side of a dual-stack `::`), then the main check
/// (likewise). `None` where the check does not apply or finds nothing.
fn check_stage(
    c: &impl BindChecks,
    host: &Host,
    s: &Socket,
    (space, ip): (Space, IpAddr),
    port: u16,
    k: usize,
) -> Option<Decision> {
    let dual_any = c.dual_any(s, space, ip);
    match k {
        0 if s.uid() != 0 => c.other_user(host, s, space, ip, port),
        1 if s.uid() != 0 && dual_any => c.other_user_v4_side(host, s, port),
        2 => Some(c.main_check(host, s, space, ip, port)),
        3 if dual_any => c.main_check_v4_side(host, s, port),
        _ => None,
    }
}

/// Every address check in order (see [`check_stage`]): the first refusal
/// wins, with the stage that made it; otherwise the main check's verdict.
fn first_refusal(
    c: &impl BindChecks,
    host: &Host,
    s: &Socket,
    at: (Space, IpAddr),
    port: u16,
) -> (Decision, usize) {
    let mut main = Decision::ok();
    for k in 0..STAGES {
        match check_stage(c, host, s, at, port, k) {
            Some(d) if !d.is_ok() => return (d, k),
            Some(d) if k == 2 => main = d,
            _ => {}
        }
    }
    (main, STAGES)
}

/// Every address check of `in_pcbbind` / `in6_pcbbind` (see
/// [`check_stage`]): the first refusal, else the main check's verdict.
pub(crate) fn check_port(
    c: &impl BindChecks,
    host: &Host,
    s: &Socket,
    ip: IpAddr,
    port: u16,
) -> Decision {
    first_refusal(c, host, s, space_of(s, ip), port).0
}

/// [`check_port`] for bind() itself: a refusal's why-line also names the
/// sockets the later checks would refuse the bind for (the IPv4 side of a
/// dual-stack `::`, the main check after a different user's), so advice
/// that frees the bind from the socket the first refusal names is not read
/// as enough.
pub(crate) fn check_bind(
    c: &impl BindChecks,
    host: &Host,
    s: &Socket,
    ip: IpAddr,
    port: u16,
) -> Decision {
    let at = space_of(s, ip);
    let (refusal, k) = first_refusal(c, host, s, at, port);
    if refusal.is_ok() {
        return refusal;
    }
    let named = |d: &Decision| d.why_arg(Slot::Other).map(|a| Name::from(a.to_string()));
    let Some(first) = named(&refusal) else {
        return refusal;
    };
    let mut others: Vec<Name> = Vec::new();
    let mut reason = None;
    for later in k + 1..STAGES {
        let Some(d) = check_stage(c, host, s, at, port, later).filter(|d| !d.is_ok()) else {
            continue;
        };
        match named(&d) {
            Some(n) if n != first && !others.contains(&n) => {
                others.push(n);
                reason.get_or_insert(d);
            }
            _ => {}
        }
    }
    match reason {
        Some(reason) => {
            let count = others.len();
            common::also_refused(refusal, others, count, reason)
        }
        None => refusal,
    }
}
