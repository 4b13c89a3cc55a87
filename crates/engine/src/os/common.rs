//! What every OS decides the same way: the `common.*` rules. The host looks
//! these up and applies them; it builds no decision of its own. Each
//! function takes the facts it needs and answers with a [`Decision`] (or
//! `None` when the rule does not apply).

use std::net::IpAddr;

use crate::addr::{as_v4, unmap, v4_mapped, SockAddr};
use crate::args;
use crate::errno::Errno;
use crate::host::{Expired, Host, Owner, Socket, State};
use crate::os::{Decision, Delivery, FinWait2, Os, OsRules, Route};
use crate::rules::{render_why, Arg, Args, Name, RuleId, Slot, WhyVariant};
use crate::scenario::SockOpt;
use crate::why::Why;

/// A step names a socket that an earlier failed step never created.
pub(crate) fn no_such_socket(name: &str) -> Decision {
    Decision::fail_with(
        Errno::BadF,
        RuleId::CommonNoSuchSocket,
        args![Slot::Socket => name],
    )
}

/// A `wait` ended these TIME_WAITs and FIN_WAIT_2s (none: plain success).
/// `late`: the OS's timer may end them a few seconds after the engine does
/// ([`crate::os::OsParams::closed_end_timer_late`]), which the line says.
pub(crate) fn closed_ends_expired(gone: Expired, late: bool) -> Decision {
    let reset = !gone.reset.is_empty();
    let variant = match (gone.time_waits.is_empty(), gone.fin_waits.is_empty()) {
        (true, true) => return Decision::ok(),
        (false, true) if late => WhyVariant::Late,
        (false, true) => WhyVariant::Usual,
        (true, false) if reset => WhyVariant::FinWait2Reset,
        (true, false) if late => WhyVariant::FinWait2Late,
        (true, false) => WhyVariant::FinWait2,
        (false, false) if reset => WhyVariant::BothReset,
        (false, false) if late => WhyVariant::BothLate,
        (false, false) => WhyVariant::Both,
    };
    let rule = RuleId::CommonTimeWaitExpired;
    let args = args![
        Slot::Sockets => Arg::NamesAnd(gone.time_waits),
        Slot::Others => Arg::NamesAnd(gone.fin_waits),
        Slot::Peers => Arg::NamesAnd(gone.reset),
    ];
    Decision::ok_by(rule, Why::of(rule, variant, args))
}

/// A refusal for a privileged port (`rule`, its usual `args`), worded by
/// what the same bind would do with the privilege. `as_root`: the bind of
/// the socket as root's. `other`: the other way the line offers, for the
/// socket's own user (a capability or a sysctl; macOS: the wildcard
/// address), and the variant that says it would still fail. Where root's
/// bind fails too, the line says the port check would pass and why the bind
/// would not; where only the other way fails, it says that one's reason.
pub(crate) fn privileged_port(
    os: Os,
    rule: RuleId,
    mut args: Args,
    as_root: Decision,
    other: Option<(Decision, WhyVariant)>,
) -> Decision {
    let (variant, failed) = if !as_root.is_ok() {
        (WhyVariant::StillFails, Some(as_root))
    } else {
        match other {
            Some((d, variant)) if !d.is_ok() => (variant, Some(d)),
            _ => (WhyVariant::Usual, None),
        }
    };
    if let Some(d) = failed {
        let (result, by, why) = d.into_parts();
        if let (Err(errno), Some(by)) = (result, by) {
            args.push((Slot::Error, Arg::Word(errno.name(os))));
            args.push((Slot::Rule, Arg::Word(by.as_str())));
            args.push((
                Slot::Reason,
                why.map_or(Arg::Word(""), |w| Arg::Nested(std::rc::Rc::new(w))),
            ));
        }
    }
    Decision::fail(Errno::Access, rule, Why::of(rule, variant, args))
}

/// setsockopt() before the OS's own checks: an option the OS lacks, and
/// IPV6_V6ONLY on an IPv4 socket or after bind().
pub(crate) fn setsockopt(rules: &dyn OsRules, s: &Socket, opt: SockOpt) -> Option<Decision> {
    if !rules.supports(opt) {
        let rule = RuleId::CommonSetsockoptUnsupported;
        let variant = rules.unsupported_variant(opt);
        let args = args![
            Slot::Os => Arg::Word(rules.os().display()),
            Slot::Option => Arg::Word(opt.name()),
            Slot::Socket => s.name(),
        ];
        return Some(Decision::fail(
            Errno::NoProtoOpt,
            rule,
            Why::of(rule, variant, args),
        ));
    }
    if s.connection_dropped() && !s.is_udp() {
        if let Some(d) = rules.setsockopt_on_dropped(s, opt) {
            return Some(d);
        }
    }
    if opt == SockOpt::Ipv6V6Only {
        if !s.is_v6() {
            // Linux's ip_setsockopt answers a level other than SOL_IP with
            // ENOPROTOOPT; the BSDs' ip_ctloutput with EINVAL.
            let errno = match rules.os() {
                Os::FreeBsd | Os::MacOs => Errno::Inval,
                Os::Linux | Os::Windows => Errno::NoProtoOpt,
            };
            return Some(Decision::fail_with(
                errno,
                RuleId::CommonSetsockoptV6onlyOnIpv4,
                args![Slot::Socket => s.name()],
            ));
        }
        if s.local().is_some() {
            return Some(Decision::fail_with(
                Errno::Inval,
                RuleId::CommonSetsockoptV6onlyAfterBind,
                args![Slot::Socket => s.name()],
            ));
        }
    }
    None
}

/// listen() bound an unbound socket to the wildcard and `port` (how the
/// engine picked it: Linux's odd half first, the BSDs' lowest unused port).
pub(crate) fn listen_autobind(os: Os, name: &str, port: u16) -> Decision {
    let rule = RuleId::CommonListenAutobind;
    let variant = if os == Os::Linux {
        WhyVariant::Linux
    } else {
        WhyVariant::Usual
    };
    Decision::ok_by(
        rule,
        Why::of(
            rule,
            variant,
            args![Slot::Socket => name, Slot::Port => port],
        ),
    )
}

/// accept() on a socket that is not listening, or with nothing queued.
pub(crate) fn accept(s: &Socket) -> Option<Decision> {
    if !s.is_listening() {
        return Some(Decision::fail_with(
            Errno::Inval,
            RuleId::CommonAcceptNotListening,
            args![Slot::Socket => s.name(), Slot::State => Arg::Word(s.state().label())],
        ));
    }
    s.queue().is_empty().then(|| {
        Decision::fail_with(
            Errno::WouldBlock,
            RuleId::CommonAcceptEmptyQueue,
            args![Slot::Socket => s.name()],
        )
    })
}

/// connect() refusals every OS shares, before any address is chosen: a
/// listener (the OS words it), a socket whose earlier connect() failed
/// (where the OS refuses it), a connected socket, a v6-only socket to IPv4 (the OS words it), a socket
/// bound to a v4-mapped address to native IPv6.
pub(crate) fn connect_precheck(rules: &dyn OsRules, s: &Socket, dst: SockAddr) -> Option<Decision> {
    if s.state() == State::Listening {
        return Some(rules.connect_on_listener(s, dst));
    }
    if s.connection_dropped() && !s.is_udp() {
        if let Some(d) = rules.connect_after_failed_connect(s) {
            return Some(d);
        }
    }
    if matches!(s.state(), State::Connected | State::Reset) {
        return Some(Decision::fail_with(
            Errno::IsConn,
            RuleId::CommonConnectAlreadyConnected,
            args![Slot::Socket => s.name()],
        ));
    }
    if s.is_v6() && s.opts().v6only && as_v4(dst.ip).is_some() {
        return Some(rules.connect_v6only_to_ipv4(s, dst));
    }
    if let Some(d) = rules.connect_destination(s, dst, false) {
        return Some(d);
    }
    // The address bind() named counts when a failed connect() gave back
    // the port but kept it (Linux's `kept_ip`): `sk_v6_rcv_saddr` is still
    // v4-mapped. Found by the kernel differential (seed 779109).
    let bound_ip = s.local().map(|l| l.ip).or(s.kept_ip());
    if let (true, Some(IpAddr::V6(l)), IpAddr::V6(d)) = (s.is_v6(), bound_ip, dst.ip) {
        if v4_mapped(l).is_some() && v4_mapped(d).is_none() {
            return Some(Decision::fail_with(
                Errno::AfNoSupport,
                RuleId::CommonConnectMappedToIpv6,
                args![Slot::Socket => s.name(), Slot::Ip => IpAddr::V6(l), Slot::Dst => dst],
            ));
        }
    }
    None
}

/// A UDP connect() to a broadcast address (`addr::is_broadcast`, v4-mapped
/// too), which `rule`'s OS refuses with EACCES without SO_BROADCAST. No scenario sets
/// SO_BROADCAST, so the why-line says what would.
pub(crate) fn broadcast_needs_option(rule: RuleId, s: &Socket, dst: SockAddr) -> Option<Decision> {
    crate::addr::is_broadcast(dst.ip).then(|| {
        Decision::fail_with(
            Errno::Access,
            rule,
            args![Slot::Socket => s.name(), Slot::Dst => dst],
        )
    })
}

/// connect() to an address no interface can reach.
pub(crate) fn connect_no_route(dst: SockAddr) -> Decision {
    Decision::fail_with(
        Errno::NetUnreach,
        RuleId::CommonConnectNoRoute,
        args![Slot::Dst => dst],
    )
}

/// A connect() with no route that had bound the socket first (XNU's TCP):
/// `d`'s answer, and the port the socket keeps.
pub(crate) fn no_route_keeps_port(d: Decision, socket: &str, local: Option<SockAddr>) -> Decision {
    extend_refusal(
        d,
        RuleId::CommonConnectNoRoute,
        WhyVariant::KeepsPort,
        args![Slot::Socket => socket, Slot::Local => local],
    )
}

/// A reconnect that failed after FreeBSD's disconnect took the socket out
/// of its lookup tables (`OsRules::udp_disconnect_unhashes`): the refusal's
/// why-line says what that leaves.
pub(crate) fn out_of_tables(d: Decision, socket: &str, os: Os) -> Decision {
    extend_refusal(
        d,
        RuleId::BsdUdpConnectAlreadyConnected,
        WhyVariant::Unhashed,
        args![Slot::Socket => socket, Slot::Os => Arg::Word(os.display())],
    )
}

/// `d`'s refusal, its rule kept, with its why-line carried on by `rule`'s
/// template `variant` (whose `{why}` is `d`'s own line); anything else
/// passes through unchanged.
fn extend_refusal(d: Decision, rule: RuleId, variant: WhyVariant, mut args: Args) -> Decision {
    let (Err(errno), Some(own)) = (d.result(), d.rule()) else {
        return d;
    };
    args.push((
        Slot::Why,
        Arg::Line(d.why().unwrap_or_default().to_string()),
    ));
    Decision::fail(errno, own, render_why(rule, variant, args))
}

/// connect() found no ephemeral port for this source and destination.
pub(crate) fn connect_ephemeral_exhausted(src: IpAddr, dst: SockAddr) -> Decision {
    Decision::fail_with(
        Errno::AddrNotAvail,
        RuleId::CommonConnectEphemeralExhausted,
        args![Slot::Ip => src, Slot::Dst => dst],
    )
}

/// The new SYN ended `who`, the old other end of the same 4-tuple: its
/// TIME_WAIT (`time_wait`), or a stale end the connecting side's reset
/// closed.
pub(crate) fn connect_ended_old_end(
    who: &str,
    time_wait: bool,
    local: SockAddr,
    dst: SockAddr,
    name: &str,
) -> Decision {
    Decision::ok_with(
        if time_wait {
            RuleId::CommonConnectTimeWaitTakenOver
        } else {
            RuleId::CommonConnectStaleEndReset
        },
        args![
            Slot::Other => who,
            Slot::Local => local,
            Slot::Dst => dst,
            Slot::Socket => name,
        ],
    )
}

/// TCP simultaneous open: the socket's SYN meets itself.
pub(crate) fn connect_self(name: &str, local: SockAddr, dst: SockAddr) -> Decision {
    Decision::ok_with(
        RuleId::CommonConnectSelfConnect,
        args![Slot::Socket => name, Slot::Local => local, Slot::Dst => dst],
    )
}

/// connect() to an address off this host: a remote server is assumed.
pub(crate) fn connect_remote(dst: SockAddr, local: SockAddr) -> Decision {
    Decision::ok_with(
        RuleId::CommonConnectRemote,
        args![Slot::Dst => dst, Slot::Local => local],
    )
}

/// An active close: the socket's end stays in TIME_WAIT.
pub(crate) fn close_time_wait(s: &Socket, seconds: u64) -> Decision {
    Decision::ok_with(
        RuleId::CommonCloseTimeWait,
        args![
            Slot::Socket => s.name(),
            Slot::Local => s.local(),
            Slot::Remote => s.remote(),
            Slot::Seconds => seconds,
        ],
    )
}

/// A listener closed with connections nobody accepted: the OS resets them.
/// `tuples`: the reset connections (a long list cut, [`crate::rules::few_names`]);
/// `peers`: their client ends among the scenario's sockets.
pub(crate) fn close_queued_reset(
    s: &Socket,
    count: usize,
    tuples: Vec<Name>,
    peers: Vec<Name>,
) -> Decision {
    let rule = RuleId::CommonCloseQueuedReset;
    let variant = if peers.is_empty() {
        WhyVariant::Usual
    } else {
        WhyVariant::Local
    };
    let args = args![
        Slot::Socket => s.name(),
        Slot::Count => count as u64,
        Slot::Tuples => Arg::Names(tuples),
        Slot::Peers => Arg::NamesAnd(peers),
    ];
    Decision::ok_by(rule, Why::of(rule, variant, args))
}

/// An active close while the peer, a socket of this host, is still open:
/// the end waits in FIN_WAIT_2 for the peer's FIN. What follows that FIN is
/// TIME_WAIT (`then_time_wait`, its seconds) or nothing (FreeBSD's local
/// peer); a peer that never closes is waited for `fw.ms`.
pub(crate) fn close_fin_wait_2(
    s: &Socket,
    peer: Name,
    fw: FinWait2,
    then_time_wait: Option<u64>,
) -> Decision {
    let variant = match (then_time_wait, fw.resets_peer) {
        (None, _) => WhyVariant::NoTimeWait,
        (Some(_), true) => WhyVariant::Resets,
        (Some(_), false) => WhyVariant::Usual,
    };
    let rule = RuleId::CommonCloseFinWait2;
    Decision::ok_by(
        rule,
        Why::of(
            rule,
            variant,
            args![
                Slot::Socket => s.name(),
                Slot::Peer => peer,
                Slot::Local => s.local(),
                Slot::Remote => s.remote(),
                Slot::Seconds => fw.ms / 1000,
                Slot::TimeWait => then_time_wait.unwrap_or(0),
            ],
        ),
    )
}

/// The peer's close reaches an end waiting in FIN_WAIT_2: TIME_WAIT for
/// `then_time_wait` seconds, or (`None`) the end is gone.
pub(crate) fn peer_ends_fin_wait_2(
    waiting: &Socket,
    closing: Name,
    then_time_wait: Option<u64>,
) -> Decision {
    let variant = match then_time_wait {
        Some(_) => WhyVariant::PeerClosed,
        None => WhyVariant::PeerClosedGone,
    };
    let rule = RuleId::CommonCloseFinWait2;
    Decision::ok_by(
        rule,
        Why::of(
            rule,
            variant,
            args![
                Slot::Socket => waiting.name(),
                Slot::Peer => closing,
                Slot::Local => waiting.local(),
                Slot::Remote => waiting.remote(),
                Slot::TimeWait => then_time_wait.unwrap_or(0),
            ],
        ),
    )
}

/// A FIN_WAIT_2 as the why-lines name it ("the FIN_WAIT_2 left by A …"),
/// written only if the line naming it is.
pub(crate) fn fin_wait_2_who(socket: Name, tuple: Arg, seconds_left: u64) -> Arg {
    who(RuleId::CommonCloseFinWait2, socket, tuple, seconds_left)
}

/// A TIME_WAIT as the why-lines name it: "the TIME_WAIT left by A
/// 127.0.0.1:5555↔127.0.0.1:9000 (42s left)", written only if the line
/// naming it is (most are never read).
pub(crate) fn time_wait_who(socket: Name, tuple: Arg, seconds_left: u64) -> Arg {
    who(RuleId::CommonCloseTimeWait, socket, tuple, seconds_left)
}

fn who(rule: RuleId, socket: Name, tuple: Arg, seconds_left: u64) -> Arg {
    let args = args![Slot::Socket => socket, Slot::Tuple => tuple, Slot::Seconds => seconds_left];
    Arg::Nested(std::rc::Rc::new(Why::of(rule, WhyVariant::Who, args)))
}

/// connect() from an IPV6_V6ONLY socket to IPv4: ENETUNREACH (Linux,
/// Windows; the BSDs word their own).
pub(crate) fn connect_v6only_to_ipv4(s: &Socket, dst: SockAddr) -> Decision {
    let rule = RuleId::CommonConnectV6onlyToIpv4;
    // A specific IPv6 address made it v6-only at bind(), whatever the
    // program set: turning the option off would not help, the wildcard would
    // (with the option on too, the address alone keeps it from IPv4). An
    // address an earlier connect() chose is no bind's: the option decides.
    match s
        .local()
        .filter(|l| !l.ip.is_unspecified() && s.addr_locked())
    {
        Some(l) => {
            let args = args![Slot::Socket => s.name(), Slot::Dst => dst, Slot::Addr => l];
            Decision::fail(
                Errno::NetUnreach,
                rule,
                Why::of(rule, WhyVariant::BoundV6, args),
            )
        }
        None => Decision::fail_with(
            Errno::NetUnreach,
            rule,
            args![Slot::Socket => s.name(), Slot::Dst => dst],
        ),
    }
}

/// Nothing listens where the SYN arrives: a reset.
pub(crate) fn no_listener(dst: SockAddr) -> Route {
    let rule = RuleId::CommonRouteNoListener;
    Route::Refused {
        rule,
        why: Why::of(rule, WhyVariant::Usual, args![Slot::Dst => dst]),
    }
}

/// Nothing listens, but these sockets are bound to the port.
pub(crate) fn no_listener_but_bound(dst: SockAddr, bound: Vec<Name>) -> Route {
    let rule = RuleId::CommonRouteNoListener;
    Route::Refused {
        rule,
        why: Why::of(
            rule,
            WhyVariant::Bound,
            args![Slot::Dst => dst, Slot::Sockets => Arg::NamesAnd(bound)],
        ),
    }
}

// ---- the host's words ------------------------------------------------------
// What the host adds to a verdict or calls a socket, written from the
// catalogue's templates like every why-line (the host names no rule).

/// A refused connect() left the socket with the source address it chose
/// (Linux, a socket bound to `::ffff:0.0.0.0`).
pub(crate) fn refused_keeps_source(why: String, socket: &str, ip: IpAddr) -> String {
    render_why(
        RuleId::CommonRouteNoListener,
        WhyVariant::KeepsSource,
        args![Slot::Why => Arg::Line(why), Slot::Socket => socket, Slot::Ip => ip],
    )
}

/// A refused connect()'s SYN also ended `who`, the old other end of its
/// 4-tuple (a TIME_WAIT, or a stale end its reset closed).
pub(crate) fn refused_ended_old_end(
    why: String,
    who: &str,
    local: SockAddr,
    dst: SockAddr,
) -> String {
    render_why(
        RuleId::CommonRouteNoListener,
        WhyVariant::EndsOldEnd,
        args![Slot::Why => Arg::Line(why), Slot::Other => who, Slot::Local => local, Slot::Dst => dst],
    )
}

/// The rules one `datagram` step's received datagrams went by: how many
/// each, and the first delivery of each (a handful at most), so a step
/// whose datagrams went different ways says so beside the last one's
/// why-line.
#[derive(Default)]
pub(crate) struct DeliveryWays {
    by_rule: Vec<(RuleId, u32, Delivery)>,
}

impl DeliveryWays {
    /// One datagram was received as `d` says.
    pub(crate) fn received(&mut self, d: &Delivery) {
        let rule = d.rule();
        if let Some((_, n, _)) = self.by_rule.iter_mut().find(|(r, ..)| *r == rule) {
            *n += 1;
        } else if self.by_rule.len() < 8 {
            self.by_rule.push((rule, 1, d.clone()));
        }
    }

    /// The step's decision: `last`'s rule and why-line (the last datagram
    /// received, else the last dropped), and, when others were received by
    /// another rule, the largest such group's count and first why-line.
    pub(crate) fn decision(self, last: Delivery) -> Decision {
        let (rule, why) = last.into_rule_why();
        let other = self
            .by_rule
            .into_iter()
            .filter(|(r, ..)| *r != rule)
            .max_by_key(|&(_, n, _)| n);
        let Some((_, count, first)) = other else {
            return Decision::ok_by(rule, why);
        };
        let line = render_why(
            RuleId::CommonRouteNoListener,
            WhyVariant::Except,
            args![
                Slot::Why => Arg::Line(why.into_string()),
                Slot::Count => count,
                Slot::Reason => Arg::Line(first.into_rule_why().1.into_string()),
            ],
        );
        Decision::ok_by(rule, line)
    }
}

/// A refused bind() or listen() whose why-line names one blocker, when
/// `others` (the first few of `count` more) refuse it too: the line names
/// them and the first one's own reason, so advice that would free the call
/// from the blocker named is not read as enough.
pub(crate) fn also_refused(
    refusal: Decision,
    others: Vec<Name>,
    count: usize,
    first: Decision,
) -> Decision {
    let Some(one) = others.first().filter(|_| !refusal.is_ok()).cloned() else {
        return refusal;
    };
    // Every refusal has its rule and why-line; one without them (none
    // today) is returned as it came, never turned into a success.
    let (errno, rule, why) = match refusal.into_parts() {
        (Err(errno), Some(rule), Some(why)) => (errno, rule, why),
        (result, rule, why) => return Decision { result, rule, why },
    };
    let reason = Arg::Nested(std::rc::Rc::new(first.into_parts().2.unwrap_or_default()));
    let why = Arg::Nested(std::rc::Rc::new(why));
    let (variant, args) = if count == 1 {
        let args = args![Slot::Why => why, Slot::Other => one, Slot::Reason => reason];
        (WhyVariant::AlsoRefused, args)
    } else {
        // Connections queued on one listener share a name: said once.
        let listed = others.len();
        let mut names: Vec<Name> = Vec::with_capacity(listed + 1);
        for name in others {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        // A crowd is named by its first few, the count saying how many.
        let names = if count > listed {
            names.push(Name::from("…"));
            Arg::Names(names)
        } else {
            Arg::NamesAnd(names)
        };
        let args = args![
            Slot::Why => why,
            Slot::Count => count as u64,
            Slot::Others => names,
            Slot::Reason => reason,
        ];
        (WhyVariant::AlsoRefusedSeveral, args)
    };
    let host_words = RuleId::CommonRouteNoListener;
    Decision::fail(errno, rule, Why::of(host_words, variant, args))
}

/// A refusal naming the socket `named`, and the others among `blockers`
/// (the first few of `count`, `named` counted among them) that would refuse
/// the call too, with the first one's reason from `reason_of`.
pub(crate) fn refused_by_all<'h>(
    refusal: Decision,
    named: crate::host::SockId,
    blockers: Vec<&'h Socket>,
    count: usize,
    reason_of: impl FnOnce(&'h Socket) -> Decision,
) -> Decision {
    let others: Vec<&Socket> = blockers
        .into_iter()
        .filter(|o| o.id() != named)
        .take(crate::rules::NAMES_SHOWN)
        .collect();
    let Some(&first) = others.first() else {
        return refusal;
    };
    let names: Vec<Name> = others.iter().map(|o| o.name()).collect();
    also_refused(refusal, names, count.saturating_sub(1), reason_of(first))
}

/// A refused connect() gave back the port the kernel had picked (Linux).
pub(crate) fn refused_gives_back_port(why: String, socket: &str, port: u16) -> String {
    render_why(
        RuleId::CommonRouteNoListener,
        WhyVariant::GivesBackPort,
        args![Slot::Why => Arg::Line(why), Slot::Socket => socket, Slot::Port => port],
    )
}

/// `client ×count`: some got through (`why`), `failed` of them did not,
/// with `error` for `reason`.
pub(crate) fn clients_some_failed(
    why: String,
    failed: u32,
    count: u32,
    error: &'static str,
    reason: &str,
) -> String {
    render_why(
        RuleId::CommonRouteNoListener,
        WhyVariant::SomeFailed,
        args![
            Slot::Why => Arg::Line(why),
            Slot::Failed => failed,
            Slot::Count => count,
            Slot::Error => Arg::Word(error),
            Slot::Reason => Arg::Line(reason.to_string()),
        ],
    )
}

/// The name of a connection nobody has accepted yet: "a connection queued
/// on A" (or "A or B" where the OS leaves the listener undefined).
pub(crate) fn queued_label(listeners: Vec<Name>) -> String {
    render_why(
        RuleId::CommonAcceptEmptyQueue,
        WhyVariant::Queued,
        args![Slot::Listeners => Arg::NamesOr(listeners)],
    )
}

// ---- UDP ------------------------------------------------------------------

/// listen() on a UDP socket: a datagram socket has no connections to queue.
pub(crate) fn udp_listen(s: &Socket) -> Decision {
    Decision::fail_with(
        Errno::OpNotSupp,
        RuleId::CommonUdpListen,
        args![Slot::Socket => s.name()],
    )
}

/// accept() on a UDP socket (Linux answers as listen() does: measured).
pub(crate) fn udp_accept(s: &Socket) -> Decision {
    Decision::fail_with(
        Errno::OpNotSupp,
        RuleId::CommonUdpAccept,
        args![Slot::Socket => s.name()],
    )
}

/// `join`: a TCP socket cannot join (`not_udp` is the OS's error), and a
/// socket cannot join the same group twice.
pub(crate) fn join(s: &Socket, group: IpAddr, not_udp: Errno) -> Decision {
    if !s.is_udp() {
        return Decision::fail_with(
            not_udp,
            RuleId::CommonJoinNotUdp,
            args![Slot::Socket => s.name(), Slot::Group => group],
        );
    }
    if s.groups().contains(&group) {
        return Decision::fail_with(
            Errno::AddrInUse,
            RuleId::CommonJoinTwice,
            args![Slot::Socket => s.name(), Slot::Group => group],
        );
    }
    Decision::ok()
}

/// connect() on a UDP socket: the refusals every OS shares (a v6-only
/// socket to IPv4, a socket bound to a v4-mapped address to native IPv6).
/// A second connect() just changes the peer unless the OS says otherwise.
pub(crate) fn udp_connect_precheck(
    rules: &dyn OsRules,
    s: &Socket,
    dst: SockAddr,
) -> Option<Decision> {
    if s.is_v6() && s.opts().v6only && as_v4(dst.ip).is_some() {
        return Some(rules.connect_v6only_to_ipv4(s, dst));
    }
    if let Some(d) = rules.connect_destination(s, dst, true) {
        return Some(d);
    }
    if let (true, Some(IpAddr::V6(l)), IpAddr::V6(d)) = (s.is_v6(), s.local().map(|l| l.ip), dst.ip)
    {
        if v4_mapped(l).is_some() && v4_mapped(d).is_none() {
            return Some(Decision::fail_with(
                Errno::AfNoSupport,
                RuleId::CommonConnectMappedToIpv6,
                args![Slot::Socket => s.name(), Slot::Ip => IpAddr::V6(l), Slot::Dst => dst],
            ));
        }
    }
    None
}

/// A UDP connect() only fixes the peer: no handshake, nothing on the other side.
pub(crate) fn udp_connected(s: &Socket, local: SockAddr, dst: SockAddr) -> Decision {
    Decision::ok_with(
        RuleId::CommonUdpConnect,
        args![Slot::Socket => s.name(), Slot::Local => local, Slot::Dst => dst],
    )
}

/// Whether the host is a member of `group` with no socket's join: the
/// all-nodes groups (224.0.0.1, ff02::1), and the solicited-node group
/// ff02::1:ffXX:XXXX of each IPv6 `iface` address (RFC 4291 §2.7.1: every
/// IPv6 node joins it for neighbour discovery; Linux's
/// `addrconf_join_solict`, measured on a veth pair by an edge-case hunt).
/// `::1` sits on loopback: Linux's joins none (measured: `ip maddr`), so
/// it counts only where `loopback_joins` (XNU: lo0 has IFF_MULTICAST and
/// `in6_ifaupdate_aux` joins ff02::1:ff00:1 for ::1).
pub(crate) fn host_always_member(host: &Host, group: IpAddr, loopback_joins: bool) -> bool {
    match group {
        IpAddr::V4(g) => g == std::net::Ipv4Addr::new(224, 0, 0, 1),
        IpAddr::V6(g) => {
            g == std::net::Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1)
                || host.local_addresses().iter().any(|a| match a {
                    IpAddr::V6(a) if loopback_joins || !a.is_loopback() => solicited_node(*a) == g,
                    _ => false,
                })
        }
    }
}

/// The IPv6 multicast scopes some input paths drop before any socket is
/// looked at (RFC 4291 §2.7): interface-local (ffX1::/16) unless looped
/// back inside the host, and the reserved scope 0 (ffX0::/16).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GroupScope {
    InterfaceLocal,
    Reserved,
}

/// `Some` for an IPv6 group of a scope in `GroupScope`, else `None`.
pub(crate) fn v6_group_scope(group: IpAddr) -> Option<GroupScope> {
    match group {
        IpAddr::V6(g) if g.segments()[0] & 0xff0f == 0xff01 => Some(GroupScope::InterfaceLocal),
        IpAddr::V6(g) if g.segments()[0] & 0xff0f == 0xff00 => Some(GroupScope::Reserved),
        _ => None,
    }
}

/// The solicited-node group of `a`: ff02::1:ff00:0/104 and its last 24 bits.
fn solicited_node(a: std::net::Ipv6Addr) -> std::net::Ipv6Addr {
    let o = a.octets();
    let s = a.segments();
    std::net::Ipv6Addr::new(0xff02, 0, 0, 0, 0, 1, 0xff00 | u16::from(o[13]), s[7])
}

/// A datagram from `src` to `dst` nobody takes: the port's UDP sockets on
/// `dst`'s address (or a wildcard) connected to other peers, which are why
/// (named by the `ConnectedElsewhere` why-line), or none (the usual one:
/// a socket connected to `src` itself but bound to another address is not
/// why; found by an edge-case hunt).
pub(crate) fn connected_elsewhere(
    host: &Host,
    src: SockAddr,
    dst: SockAddr,
) -> (Vec<Name>, WhyVariant) {
    let covers = |s: &Socket| {
        s.local()
            .is_some_and(|l| crate::addr::is_wildcard(l.ip) || unmap(l.ip) == unmap(dst.ip))
    };
    let elsewhere = |s: &Socket| {
        s.remote()
            .is_some_and(|r| unmap(r.ip) != unmap(src.ip) || r.port != src.port)
    };
    let connected: Vec<Name> = host
        .udp_members_where(dst.port, |s| s.is_connected())
        .into_iter()
        .filter(|s| covers(s) && elsewhere(s))
        .map(|s| s.name())
        .collect();
    let variant = if connected.is_empty() {
        WhyVariant::Usual
    } else {
        WhyVariant::ConnectedElsewhere
    };
    (connected, variant)
}
