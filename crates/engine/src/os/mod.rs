//! The OS profiles. Each module holds one OS's rules and nothing else; the
//! [`OsRules`] trait is the only door between them and the host model.
//!
//! A rule module answers questions ("may this socket bind here?", "which
//! listener takes this SYN?") from a read-only [`Host`]; the host applies the
//! answer. Every answer carries the rule id that decided it (see
//! `rules.json`) and a one-line why naming the sockets.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use serde::Serialize;

use crate::addr::SockAddr;
use crate::args;
use crate::errno::Errno;
use crate::host::{Host, PortMemo, SockId, Socket};
use crate::rules::{Args, Name, RuleId, Slot, WhyVariant};
use crate::scenario::SockOpt;
use crate::why::Why;

mod bsd;
mod bsd_udp;
pub(crate) mod common;
pub mod freebsd;
pub mod linux;
pub mod macos;
mod pcb;
pub mod windows;

/// The OSes bindlab models.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    Linux,
    #[serde(rename = "freebsd")]
    FreeBsd,
    #[serde(rename = "macos")]
    MacOs,
    Windows,
}

impl Os {
    pub const ALL: [Os; 4] = [Os::Linux, Os::FreeBsd, Os::MacOs, Os::Windows];

    /// The name used in the text and the report.
    pub fn key(self) -> &'static str {
        match self {
            Os::Linux => "linux",
            Os::FreeBsd => "freebsd",
            Os::MacOs => "macos",
            Os::Windows => "windows",
        }
    }

    /// The name a person reads.
    pub fn display(self) -> &'static str {
        match self {
            Os::Linux => "Linux",
            Os::FreeBsd => "FreeBSD",
            Os::MacOs => "macOS",
            Os::Windows => "Windows",
        }
    }

    pub fn from_key(s: &str) -> Option<Os> {
        Os::ALL
            .into_iter()
            .find(|o| o.key().eq_ignore_ascii_case(s))
    }

    /// The rules of this OS.
    pub fn rules(self) -> &'static dyn OsRules {
        match self {
            Os::Linux => &linux::Linux,
            Os::FreeBsd => &freebsd::FreeBsd,
            Os::MacOs => &macos::MacOs,
            Os::Windows => &windows::Windows,
        }
    }
}

impl fmt::Display for Os {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display())
    }
}

/// A rule's answer: the result, the rule that decided it, and why. Built
/// only by [`Decision::ok`], [`Decision::ok_by`] and [`Decision::fail`], so
/// a failure always names its rule and says why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    result: Result<(), Errno>,
    rule: Option<RuleId>,
    why: Option<Why>,
}

impl Decision {
    /// Plain success: no rule had to allow it.
    pub fn ok() -> Decision {
        Decision {
            result: Ok(()),
            rule: None,
            why: None,
        }
    }
    /// Success that a named rule allowed.
    pub fn ok_by(rule: RuleId, why: impl Into<Why>) -> Decision {
        Decision {
            result: Ok(()),
            rule: Some(rule),
            why: Some(why.into()),
        }
    }
    /// A failure: always a rule and a why.
    pub fn fail(errno: Errno, rule: RuleId, why: impl Into<Why>) -> Decision {
        Decision {
            result: Err(errno),
            rule: Some(rule),
            why: Some(why.into()),
        }
    }
    /// Success that a named rule allowed, its why the rule's template
    /// (variant `""`) filled from `args`.
    pub fn ok_with(rule: RuleId, args: Args) -> Decision {
        Decision::ok_by(rule, Why::of(rule, WhyVariant::Usual, args))
    }
    /// A failure, its why the rule's template filled from `args`.
    pub fn fail_with(errno: Errno, rule: RuleId, args: Args) -> Decision {
        Decision::fail(errno, rule, Why::of(rule, WhyVariant::Usual, args))
    }
    pub fn is_ok(&self) -> bool {
        self.result.is_ok()
    }
    pub fn result(&self) -> Result<(), Errno> {
        self.result
    }
    /// The rule that decided; always `Some` for a failure.
    pub fn rule(&self) -> Option<RuleId> {
        self.rule
    }
    pub fn why(&self) -> Option<&str> {
        self.why.as_deref()
    }
    /// The argument of `slot` its why-line was made with (see [`Why::arg`]).
    pub(crate) fn why_arg(&self, slot: crate::rules::Slot) -> Option<&crate::rules::Arg> {
        self.why.as_ref()?.arg(slot)
    }
    /// The result, the rule and the why, for a report.
    pub fn into_parts(self) -> (Result<(), Errno>, Option<RuleId>, Option<Why>) {
        (self.result, self.rule, self.why)
    }
}

/// The answer to bind(): the decision, and on success the port actually taken
/// (differs from the request for port 0).
#[derive(Clone, Debug)]
pub struct BindAnswer {
    pub decision: Decision,
    pub port: u16,
}

impl BindAnswer {
    pub fn fail(d: Decision) -> BindAnswer {
        BindAnswer {
            decision: d,
            port: 0,
        }
    }

    /// The answer to bind(port 0): the port an ephemeral search found, or
    /// `errno` under `rule` when the range `lo..=hi` is exhausted.
    pub fn ephemeral(
        found: Option<u16>,
        errno: Errno,
        rule: RuleId,
        (lo, hi): (u16, u16),
        ip: IpAddr,
    ) -> BindAnswer {
        match found {
            Some(port) => BindAnswer {
                decision: Decision::ok(),
                port,
            },
            None => BindAnswer::fail(Decision::fail_with(
                errno,
                rule,
                args![Slot::Low => lo, Slot::High => hi, Slot::Ip => ip],
            )),
        }
    }
}

/// Where an incoming connection goes.
#[derive(Clone, Debug)]
pub enum Route {
    /// One listener takes it.
    To {
        listener: SockId,
        rule: RuleId,
        why: Why,
    },
    /// A group of listeners shares the address and the kernel spreads
    /// connections by a hash of the 4-tuple; `chosen` is what bindlab's seeded
    /// stand-in for that hash picks, `members` what the kernel may pick.
    Group {
        members: Vec<SockId>,
        chosen: SockId,
        rule: RuleId,
        why: Why,
    },
    /// The OS documents the choice as undefined; these are the candidates.
    Undefined {
        candidates: Vec<SockId>,
        rule: RuleId,
        why: Why,
    },
    /// No listener: the connection is refused (a reset: ECONNREFUSED).
    Refused { rule: RuleId, why: Why },
    /// The SYN is dropped without an answer: the client's connect() gives up
    /// with ETIMEDOUT (XNU, when its lookup finds a socket that is not
    /// listening).
    Dropped { rule: RuleId, why: Why },
}

impl Route {
    /// The same outcome, explained by `rule` and `why` instead.
    pub fn explained_by(self, rule: RuleId, why: Why) -> Route {
        match self {
            Route::To { listener, .. } => Route::To {
                listener,
                rule,
                why,
            },
            Route::Group {
                members, chosen, ..
            } => Route::Group {
                members,
                chosen,
                rule,
                why,
            },
            Route::Undefined { candidates, .. } => Route::Undefined {
                candidates,
                rule,
                why,
            },
            Route::Refused { .. } => Route::Refused { rule, why },
            Route::Dropped { .. } => Route::Dropped { rule, why },
        }
    }

    /// The line that explains it.
    pub fn why(&self) -> &Why {
        match self {
            Route::To { why, .. }
            | Route::Group { why, .. }
            | Route::Undefined { why, .. }
            | Route::Refused { why, .. }
            | Route::Dropped { why, .. } => why,
        }
    }

    /// The client's error when no socket accepts: ECONNREFUSED or ETIMEDOUT.
    pub fn failure(&self) -> Option<(Errno, RuleId, &str)> {
        match self {
            Route::Refused { rule, why } => Some((Errno::ConnRefused, *rule, why)),
            Route::Dropped { rule, why } => Some((Errno::TimedOut, *rule, why)),
            _ => None,
        }
    }
}

/// Where one incoming UDP datagram goes.
#[derive(Clone, Debug)]
pub enum Delivery {
    /// One socket receives it.
    To {
        sock: SockId,
        rule: RuleId,
        why: Why,
    },
    /// An SO_REUSEPORT group shares the address and the kernel picks a
    /// member by a hash of the 4-tuple; `chosen` is bindlab's seeded
    /// stand-in's pick, `members` what the kernel may pick.
    Group {
        /// Shared with the port's index while the group is unchanged.
        members: Arc<[SockId]>,
        /// The chosen member's place in `members` (the step names it from
        /// the group's cached labels, without reading its socket).
        at: usize,
        rule: RuleId,
        why: Why,
    },
    /// The OS documents no choice; these are the candidates.
    Undefined {
        candidates: Arc<[SockId]>,
        rule: RuleId,
        why: Why,
    },
    /// Multicast: every one of these sockets receives a copy.
    Copies {
        socks: Vec<SockId>,
        rule: RuleId,
        why: Why,
    },
    /// No socket receives it (unicast: the host answers ICMP port unreachable).
    Dropped { rule: RuleId, why: Why },
}

impl Delivery {
    /// The rule that decided.
    pub fn rule(&self) -> RuleId {
        match self {
            Delivery::To { rule, .. }
            | Delivery::Group { rule, .. }
            | Delivery::Undefined { rule, .. }
            | Delivery::Copies { rule, .. }
            | Delivery::Dropped { rule, .. } => *rule,
        }
    }

    /// The rule that decided and its why (not yet written: see [`Why`]).
    pub fn into_rule_why(self) -> (RuleId, Why) {
        match self {
            Delivery::To { rule, why, .. }
            | Delivery::Group { rule, why, .. }
            | Delivery::Undefined { rule, why, .. }
            | Delivery::Copies { rule, why, .. }
            | Delivery::Dropped { rule, why } => (rule, why),
        }
    }
}

/// Which SO_REUSEPORT group a UDP socket enters at bind(), or a Linux TCP
/// socket at listen().
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReuseGroup {
    /// None (no SO_REUSEPORT, or the OS forms no UDP groups).
    None,
    /// A new group of its own.
    New,
    /// The group of this socket.
    Join(SockId),
}

/// What a UDP connect() that succeeds does to the socket's SO_REUSEPORT
/// group (asked only of a socket in one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupOnConnect {
    /// The group is marked as having a connected member, for the rest of
    /// its life (Linux's `reuse->has_conns`, never cleared).
    pub mark: bool,
    /// The socket leaves the group (Linux: `reuseport_detach_sock`).
    pub leave: bool,
}

/// FIN_WAIT_2 after close(): the limit on waiting for a peer that never
/// closes, and what the OS does when it is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FinWait2 {
    pub ms: u64,
    /// The limit drops the connection with a reset to the peer (XNU's
    /// `tcp_drop`) rather than closing it quietly.
    pub resets_peer: bool,
}

/// One OS's constants, one `const PARAMS` in each OS module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OsParams {
    /// The ephemeral port range, inclusive (bind to port 0, connect).
    pub ephemeral: (u16, u16),
    /// How long a TIME_WAIT lasts.
    pub time_wait_ms: u64,
    /// A closed end whose peer on this host has not closed: how long it
    /// waits in FIN_WAIT_2 (`None`: no source says; the end goes straight
    /// to TIME_WAIT, as the scenario format's simple model has it).
    pub fin_wait_2: Option<FinWait2>,
    /// IPV6_V6ONLY on a new AF_INET6 socket.
    pub default_v6only: bool,
    /// Whether the whole of 127.0.0.0/8 is local (Linux, Windows) or only
    /// 127.0.0.1 (BSD loopback carries one address unless aliased).
    pub loopback_is_slash8: bool,
    /// Whether a connection to a 127/8 address that is not one of the
    /// host's own leaves from 127.0.0.1 (Linux: lo's route names that
    /// source) rather than from the address itself.
    pub slash8_from_localhost: bool,
    /// The timer that ends a TIME_WAIT or FIN_WAIT_2 may fire late (Linux's
    /// timer wheel: up to 12.5% of the 60 s; measured once at 62 s). The
    /// engine still frees the port on time; the why-line of the `wait` says
    /// the kernel may hold it a few seconds longer.
    pub closed_end_timer_late: bool,
    /// A bind refused because the port is taken (EADDRINUSE) leaves the
    /// socket on the wildcard, even the address a failed connect() had let
    /// it keep: Linux's `__inet_bind` / `__inet6_bind` write the address
    /// before `get_port` and reset it when that fails (`inet_reset_saddr`).
    /// Found by `kernel-diff` (seed 1796570430).
    pub failed_bind_resets_address: bool,
}

/// One OS's rules. Methods take the host read-only and return answers; the
/// host changes its own state.
pub trait OsRules: Sync {
    fn os(&self) -> Os;

    /// The OS's constants: ephemeral range, TIME_WAIT, defaults.
    fn params(&self) -> &'static OsParams;

    /// Whether `setsockopt(opt)` exists on this OS.
    fn supports(&self, opt: SockOpt) -> bool;

    /// The why-line of `common.setsockopt.unsupported` for `opt`: the usual
    /// one, or one that names this OS's own way to the same end.
    fn unsupported_variant(&self, _opt: SockOpt) -> WhyVariant {
        WhyVariant::Usual
    }

    /// setsockopt on a TCP socket whose connection the stack dropped (a
    /// failed connect, a peer's reset), before the option is looked at:
    /// `Some` refuses it (FreeBSD's `tcp_ctloutput`, XNU's `sosetoptlock`).
    fn setsockopt_on_dropped(&self, _s: &Socket, _opt: SockOpt) -> Option<Decision> {
        None
    }

    /// setsockopt beyond "does the option exist": OS-specific refusals.
    fn setsockopt(&self, _host: &Host, _s: &Socket, _opt: SockOpt, _on: bool) -> Decision {
        Decision::ok()
    }

    /// bind(s, addr), the whole check in the OS's own error order. `addr.port`
    /// may be 0.
    fn bind(&self, host: &Host, s: &Socket, addr: SockAddr) -> BindAnswer;

    /// listen(s) on a bound socket (the host has already autobound an unbound
    /// one where the OS does that; see [`OsRules::listen_autobinds`]).
    fn listen(&self, host: &Host, s: &Socket) -> Decision;

    /// Whether a listen() refused with `rule` had taken the port again first,
    /// so the port's summary ([`OsRules::port_memo`]) is rewritten although
    /// the socket does not listen: Linux after a failed connect().
    fn listen_refused_after_get_port(&self, _rule: RuleId) -> bool {
        false
    }

    /// The summary a TCP port keeps once `s` has taken it (a bind, or the
    /// check a listen runs again), given the one it had: only Linux keeps
    /// one ([`PortMemo`]), and its bind reads it.
    fn port_memo(&self, _memo: Option<PortMemo>, _s: &Socket) -> Option<PortMemo> {
        None
    }

    /// Whether [`OsRules::port_memo`] ever returns one (the host skips the
    /// bucket's lookup for an OS that keeps none).
    fn keeps_port_memo(&self) -> bool {
        false
    }

    /// Whether listen() on an unbound socket picks an ephemeral port (Unix)
    /// or fails (Windows).
    fn listen_autobinds(&self) -> bool {
        true
    }

    /// Whether a connection that fails or is reset gives back a port the
    /// kernel picked (Linux: `tcp_set_state(TCP_CLOSE)` → `inet_put_port`
    /// unless bind() named the port). The BSDs keep it on the socket (but free
    /// it for other sockets: [`OsRules::failed_connect_unhashes`]).
    fn release_port_on_failed_connect(&self) -> bool {
        false
    }

    /// Whether a connection reset while it waits in its listener's accept
    /// queue stays there, to be accepted already reset (Linux: `tcp_reset`
    /// closes the child but leaves it on the queue; measured). Elsewhere
    /// bindlab takes it off the queue.
    fn reset_child_stays_queued(&self) -> bool {
        false
    }

    /// Whether accept() gives the connection to the accepting user (the
    /// scenario's `user` at the `accept` step), as Linux does: `sock_graft`
    /// sets `sk_uid` from the accepting socket's inode, and a bind's
    /// SO_REUSEPORT test compares it (measured: after an accept by uid 33
    /// only uid 33 shares the port with the connection). Elsewhere the
    /// connection keeps its listener's owner: the BSDs copy the listener's
    /// credentials when the connection arrives and accept() leaves them
    /// (FreeBSD stable/14 `sys/kern/uipc_socket.c` `solisten_clone`: `so->
    /// so_cred = crhold(head->so_cred)`, and `solisten_dequeue` touches no
    /// credential; XNU `xnu-11417.121.6` `bsd/kern/uipc_socket2.c` 381-382,
    /// `sonewconn_internal`), and their bind checks read the PCB's
    /// credentials; Microsoft documents nothing, and bindlab keeps the
    /// listener's.
    fn accept_takes_acceptors_user(&self) -> bool {
        false
    }

    /// accept() gave `socket`, a connection `listener` kept queued after
    /// it was reset: the answer, and why.
    fn accepted_reset(&self, _socket: &str, _listener: Name) -> Decision {
        Decision::ok()
    }

    /// Whether `s` is bound to an address it does not send from, so that
    /// connect() picks its source as for the wildcard and re-files the
    /// socket under it (Linux: an IPv4 TCP socket bound to a group or a
    /// broadcast address, whose `inet_saddr` `__inet_bind` leaves 0).
    fn bound_address_is_not_source(&self, _s: &Socket) -> bool {
        false
    }

    /// The local address a socket keeps after a refused connect() that chose
    /// `src` as its source, if it changes.
    fn address_after_refused_connect(&self, _s: &Socket, _src: IpAddr) -> Option<IpAddr> {
        None
    }

    /// An active close that leaves no TIME_WAIT behind (FreeBSD, for a
    /// connection whose peer is on this host): the rule that says so. `None`
    /// keeps the usual TIME_WAIT.
    fn close_without_time_wait(&self, _host: &Host, _s: &Socket) -> Option<Decision> {
        None
    }

    /// connect() from an IPV6_V6ONLY socket to an IPv4 (v4-mapped)
    /// destination. Linux answers ENETUNREACH (measured); the BSDs differ.
    fn connect_v6only_to_ipv4(&self, s: &Socket, dst: SockAddr) -> Decision {
        common::connect_v6only_to_ipv4(s, dst)
    }

    /// connect() from a bound socket to its own address and port: `Some`
    /// refuses it (XNU); `None` lets the SYN meet itself (TCP simultaneous
    /// open, Linux and FreeBSD).
    fn refuse_self_connect(&self, _s: &Socket, _local: SockAddr) -> Option<Decision> {
        None
    }

    /// connect() on a TCP socket whose earlier connect() failed after its
    /// SYN went out (refused, or timed out): `Some` refuses it (the BSDs,
    /// whose failed handshake dropped the control block); `None` lets it
    /// connect again (Linux, Windows).
    fn connect_after_failed_connect(&self, _s: &Socket) -> Option<Decision> {
        None
    }

    /// Whether a failed handshake takes the socket out of the lookups
    /// (FreeBSD's `in_pcbdrop` unhashes it; XNU's `in_pcbdetach` clears
    /// `inp_vflag`, which every lookup tests): its address and port are free
    /// for other sockets, while getsockname() still shows them.
    fn failed_connect_unhashes(&self) -> bool {
        false
    }

    /// Whether a TCP connect() of an AF_INET6 socket narrows its PCB to the
    /// destination's family, and a connect() that fails at once leaves it
    /// so (XNU `tcp_usr_connect_common`; see `Socket::pcb_narrowed`).
    fn connect_narrows_v6_pcb(&self) -> bool {
        false
    }

    /// A refusal of connect() (TCP, or UDP with `udp`) for its destination
    /// alone (a group, a link-local address), where the OS looks at it
    /// before the socket's own address: after a v6-only socket's IPv4
    /// destination is refused, before a socket bound to a v4-mapped address
    /// is refused a native IPv6 one.
    fn connect_destination(&self, _s: &Socket, _dst: SockAddr, _udp: bool) -> Option<Decision> {
        None
    }

    /// An OS-specific refusal of connect() before any address is chosen.
    fn connect_precheck(&self, _host: &Host, _s: &Socket, _dst: SockAddr) -> Option<Decision> {
        None
    }

    /// connect() of a TCP socket bound to a wildcard address, once its
    /// source address is chosen (`local`): `Some` refuses the specific
    /// address it binds then (Windows, whose bind conflict may be "delayed
    /// until the connect function").
    fn connect_binds_source(
        &self,
        _host: &Host,
        _s: &Socket,
        _local: SockAddr,
    ) -> Option<Decision> {
        None
    }

    /// The error connect() to `dst` gives on a listening socket (an OS may
    /// refuse the destination itself first).
    fn connect_on_listener(&self, s: &Socket, dst: SockAddr) -> Decision;

    /// connect() from `local` (already bound) to `remote` when `existing`
    /// holds that 4-tuple. `Ok` means the existing entry (a TIME_WAIT) is
    /// recycled.
    fn connect_tuple_taken(&self, host: &Host, s: &Socket, existing: &Socket) -> Decision;

    /// The local port connect() picks for an unbound socket, or None when
    /// the range is exhausted.
    fn connect_port(&self, host: &Host, s: &Socket, src: IpAddr, dst: SockAddr) -> Option<u16>;

    /// Whether connect() on an unbound socket binds it to an ephemeral port
    /// before it looks for a route and at the destination, so that a
    /// connect failing there leaves the port bound. Linux UDP does
    /// (`inet_dgram_connect` → `inet_autobind`); Linux TCP does not
    /// (`ip_route_connect` before `inet_hash_connect`). The BSDs override.
    /// Windows keeps Linux's order: no source says otherwise.
    fn binds_before_route(&self, udp: bool) -> bool {
        udp
    }

    /// connect() to an address no interface can reach (no `iface` address
    /// of its family): ENETUNREACH unless the OS says otherwise.
    fn connect_no_route(&self, dst: SockAddr) -> Decision {
        common::connect_no_route(dst)
    }

    /// connect() found no ephemeral port ([`OsRules::connect_port`] gave
    /// none): Unix's EADDRNOTAVAIL unless the OS says otherwise.
    fn connect_exhausted(&self, src: IpAddr, dst: SockAddr) -> Decision {
        common::connect_ephemeral_exhausted(src, dst)
    }

    /// Which listener an incoming connection from `src` to `dst` reaches.
    fn route(&self, host: &Host, src: SockAddr, dst: SockAddr) -> Route;

    /// The connections that the same SYN (and its retransmissions) resets
    /// on its way to where [`OsRules::route`] says it goes, in order: FreeBSD's
    /// SO_REUSEPORT_LB members that have connect()ed
    /// (`freebsd.route.lb-connected-member`). The host applies them once
    /// it has the route, and has [`OsRules::explain_resets`] say so; `route`
    /// alone stays a question that changes nothing.
    fn syn_resets(&self, _host: &Host, _src: SockAddr, _dst: SockAddr) -> Vec<SockId> {
        Vec::new()
    }

    /// `route`, explained by the connections the step's SYNs reset on their
    /// way ([`OsRules::syn_resets`], every client's), once they are reset.
    fn explain_resets(&self, _host: &Host, _resets: &[SockId], route: Route) -> Route {
        route
    }

    // ---- UDP ---------------------------------------------------------------

    /// Which socket(s) a datagram from `src` to `dst` (an address of the
    /// host or a multicast group, as on the wire: never v4-mapped) reaches.
    fn deliver(&self, host: &Host, src: SockAddr, dst: SockAddr) -> Delivery;

    /// listen() on a UDP socket.
    fn udp_listen(&self, s: &Socket) -> Decision {
        common::udp_listen(s)
    }

    /// accept() on a UDP socket.
    fn udp_accept(&self, s: &Socket) -> Decision {
        common::udp_accept(s)
    }

    /// `join NAME GROUP`: IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP on loopback.
    fn join(&self, _host: &Host, s: &Socket, group: IpAddr) -> Decision {
        common::join(s, group, Errno::OpNotSupp)
    }

    /// A UDP connect() to a multicast group with no interface address to
    /// send from (an unbound or wildcard socket, no `iface` address of the
    /// family): the OS's no-route answer, as for any destination, unless it
    /// connects anyway, from the address it gives (the socket's `wildcard`,
    /// or another). FreeBSD's in_pcbladdr never
    /// leaves the source unspecified (in_pcb.c 1259-1260, EHOSTUNREACH
    /// after ENETUNREACH at 1104-1116 with no route), nor does XNU's
    /// (in_pcb.c 1681-1689); both IPv6 paths fail in selectroute (FreeBSD
    /// in6_src.c 742-745, XNU 1319-1325).
    fn udp_connect_group_no_source(
        &self,
        _s: &Socket,
        dst: SockAddr,
        _wildcard: IpAddr,
    ) -> Result<IpAddr, Decision> {
        Err(self.connect_no_route(dst))
    }

    /// connect() on a UDP socket before any address is chosen (a second
    /// connect, a v6-only socket to IPv4, …); `None` goes on.
    fn udp_connect_precheck(&self, _host: &Host, s: &Socket, dst: SockAddr) -> Option<Decision> {
        common::udp_connect_precheck(self.os().rules(), s, dst)
    }

    /// Whether connect() on a connected UDP socket disconnects it first and
    /// connects it again (the BSDs' `soconnectlock` / `soconnectat` call
    /// `sodisconnect` for a protocol without PR_CONNREQUIRED; the disconnect
    /// puts the local address back to the wildcard, keeping the port).
    /// Linux and Windows just change the peer.
    fn udp_reconnect_disconnects(&self) -> bool {
        false
    }

    /// The addresses a socket bound to the wildcard does not have
    /// (Windows: those an SO_EXCLUSIVEADDRUSE socket bound first, see
    /// `windows.route.exclusive-kept`); the diagram leaves them out of its
    /// wildcard bar.
    fn wildcard_exceptions(&self, _host: &Host, _s: &Socket) -> Vec<IpAddr> {
        Vec::new()
    }

    /// Whether that disconnect also takes the socket out of the lookup
    /// tables until a connect() succeeds and files it again (FreeBSD's
    /// `in_pcbdisconnect` → `in_pcbremhash_locked`): meanwhile it holds no
    /// port for bind() and receives nothing. XNU rehashes it instead.
    fn udp_disconnect_unhashes(&self) -> bool {
        false
    }

    /// The answer to a second connect() that [`OsRules::udp_reconnect_disconnects`]
    /// made a disconnect and a connect: from the peer `before` to `dst`, now
    /// from `local`.
    fn udp_reconnected(
        &self,
        s: &Socket,
        _before: SockAddr,
        local: SockAddr,
        dst: SockAddr,
    ) -> Decision {
        common::udp_connected(s, local, dst)
    }

    /// connect() on a UDP socket once a route to `dst` is known (where the
    /// OS binds an unbound socket only now, before its port is chosen):
    /// `Some` refuses the destination itself (Linux: the broadcast address
    /// without SO_BROADCAST, which needs a route first).
    fn udp_connect_routed(&self, _s: &Socket, _dst: SockAddr) -> Option<Decision> {
        None
    }

    /// connect()'s implicit bind of an unbound UDP socket failed with
    /// `refusal` (no ephemeral port left): what connect() answers.
    fn udp_connect_autobind_failed(&self, _s: &Socket, refusal: Decision) -> Decision {
        refusal
    }

    /// connect() on a UDP socket, once the local address is known: `Some`
    /// refuses a 4-tuple another socket already has (the BSDs).
    fn udp_connect_tuple(
        &self,
        _host: &Host,
        _s: &Socket,
        _local: SockAddr,
        _dst: SockAddr,
    ) -> Option<Decision> {
        None
    }

    /// The SO_REUSEPORT group a UDP socket enters when bind() succeeds.
    /// The SO_REUSEPORT group a TCP socket enters as it starts listening
    /// (Linux's `inet_reuseport_add_sock` in `__inet_hash`): it keeps it
    /// while it listens, whatever its SO_REUSEPORT becomes. None elsewhere.
    fn tcp_listen_group(&self, _host: &Host, _s: &Socket) -> ReuseGroup {
        ReuseGroup::None
    }

    fn udp_reuse_group(&self, _host: &Host, _s: &Socket) -> ReuseGroup {
        ReuseGroup::None
    }

    /// What a successful UDP connect() does to the socket's SO_REUSEPORT
    /// group; `was_wildcard`: the socket was bound to a wildcard address
    /// before it. Nothing, unless the OS says.
    fn udp_connect_group(&self, _s: &Socket, _was_wildcard: bool) -> GroupOnConnect {
        GroupOnConnect::default()
    }

    /// Whether a UDP socket just hashed goes to the tail of its lookup chain
    /// (Linux: an AF_INET6 SO_REUSEPORT socket) rather than the head.
    fn udp_chain_tail(&self, _s: &Socket) -> bool {
        false
    }
}

/// Helpers for the OS modules' unit tests.
#[cfg(test)]
pub(crate) mod testutil {
    use crate::host::Host;
    use crate::scenario::{EndpointSpec, PortSpec, Proto, SockOpt, Step, StepKind};

    pub fn apply(h: &mut Host, k: StepKind) -> String {
        h.apply(&Step::new(k)).result_name().to_string()
    }

    /// Creates socket `n` (tcp6 for an IPv6 address), sets `opts`, binds it;
    /// returns the bind's result.
    pub fn sock(h: &mut Host, n: &str, opts: &[SockOpt], addr: &str, port: u16) -> String {
        let proto = if addr.contains(':') {
            Proto::Tcp6
        } else {
            Proto::Tcp
        };
        apply(
            h,
            StepKind::Socket {
                name: n.into(),
                proto,
            },
        );
        for o in opts {
            apply(
                h,
                StepKind::Set {
                    name: n.into(),
                    opt: *o,
                    on: true,
                },
            );
        }
        let ep = EndpointSpec {
            addr: addr.parse().expect("test address"),
            port: PortSpec::Num(port),
        };
        apply(h, StepKind::Bind { name: n.into(), ep })
    }
}
