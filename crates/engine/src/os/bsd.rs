//! The verdicts FreeBSD and XNU reach the same way (os-rules.md §2.1 and
//! §3): the checks before `in_pcbbind`'s lookups, the refusals after them,
//! listen() without a re-check, connect() on a listener or a taken 4-tuple,
//! and a route to the socket the lookup picked. The lookups themselves are
//! in `pcb.rs`.

use std::net::IpAddr;

use crate::addr::{is_wildcard, v4_mapped, SockAddr};
use crate::args;
use crate::errno::Errno;
use crate::host::{Host, Socket, State};
use crate::os::{Decision, Os, Route};
use crate::rules::{render_why, Arg, RuleId, Slot};

/// The route to one socket the lookup picked: a listener takes the
/// connection; anything else is the OS's `not_listening` answer.
pub(crate) fn take(
    s: &Socket,
    rule: RuleId,
    why: String,
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
                "default"
            } else {
                ""
            };
            let args = args![
                Slot::Socket => name,
                Slot::Os => Arg::Word(os.display()),
                Slot::Ip => addr.ip,
            ];
            return Some(Decision::fail(
                Errno::AddrNotAvail,
                rule,
                render_why(rule, variant, args),
            ));
        }
    }
    // A UDP socket may bind a group address: the address check is in the
    // branch group addresses never reach.
    let group = s.is_udp() && crate::addr::unmap(addr.ip).is_multicast();
    if !host.is_local(addr.ip) && !group {
        let rule = RuleId::BsdBindAddrNotLocal;
        let variant = if os.rules().params().loopback_is_slash8 {
            "slash8"
        } else {
            ""
        };
        return Some(Decision::fail(
            Errno::AddrNotAvail,
            rule,
            render_why(rule, variant, args![Slot::Ip => addr.ip]),
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
            "reuseport"
        } else {
            ""
        };
        let args = args![Slot::Other => t.label(), Slot::Addr => t.local()];
        return Decision::fail(Errno::AddrInUse, rule, render_why(rule, variant, args));
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
        args![Slot::Other => t.label(), Slot::Addr => t.local()],
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
            Slot::Socket => s.label(),
            Slot::Os => Arg::Word(os.display()),
        ],
    )
}

/// `listen()`: binds an unbound socket (done by the host) and never checks
/// addresses again.
pub(crate) fn listen(host: &Host, s: &Socket, os: Os) -> Decision {
    if matches!(
        s.state(),
        State::Connected | State::TimeWait { .. } | State::Reset
    ) {
        return Decision::fail_with(
            Errno::Inval,
            RuleId::BsdListenConnected,
            args![Slot::Socket => s.label()],
        );
    }
    let port = s.local_port().unwrap_or(0);
    let names: Vec<String> = host
        .listeners(port)
        .into_iter()
        .filter(|o| o.id() != s.id())
        .map(|o| o.label().to_string())
        .collect();
    if names.is_empty() {
        return Decision::ok();
    }
    let rule = RuleId::BsdListenNoRecheck;
    let variant = if names.len() == 1 { "" } else { "several" };
    let args = args![
        Slot::Sockets => names,
        Slot::Port => port,
        Slot::Os => Arg::Word(os.display()),
    ];
    Decision::ok_by(rule, render_why(rule, variant, args))
}

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
        args![Slot::Other => existing.who(host.now_ms), Slot::Tuple => existing.tuple()],
    )
}
