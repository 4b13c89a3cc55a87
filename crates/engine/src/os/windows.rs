//! Windows (Server 2003 and later, "enhanced socket security"), from
//! Microsoft's own pages (each rule in `rules.json` cites its page, version
//! and sentence or table cell):
//! * "Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE" (MicrosoftDocs/win32
//!   `desktop-src/WinSock/using-so-reuseaddr-and-so-exclusiveaddruse.md`,
//!   ms.date 05/31/2018): its two tables for Server 2003 and later (the
//!   page numbers no table; bindlab calls them the same-user and the
//!   different-user table), the dual-stack paragraph, the
//!   lingering connections;
//! * "SO_EXCLUSIVEADDRUSE socket option" (`so-exclusiveaddruse.md`): its own
//!   table (rows = the second bind, no user distinction) disagrees with
//!   the same-user table in default cells; it matches the pre-2003 table,
//!   so the two Server 2003 tables stay the reference and the rules say so;
//! * "Dual-Stack Sockets" and the `bind`, `connect`, `listen` reference pages
//!   (MicrosoftDocs/sdk-api) for the error codes and the ephemeral range.
//!
//! bind() is decided by the tables, kept below as data: the same-user table (both
//! binds by the same user) and the different-user table. Rows are the first bind,
//! columns the second, each as (option, wildcard/specific). One case is decided
//! by the prose instead: an exclusive dual-stack wildcard bind that meets a
//! specific IPv4 binding on its IPv4 side fails with WSAEACCES, Microsoft's
//! own example (the same-user table would say WSAEADDRINUSE).
//!
//! Choices Microsoft does not settle (each also said in its rule text):
//! * Connections and TIME_WAITs do not block a bind, except that a
//!   connection accepted by an SO_EXCLUSIVEADDRUSE listener keeps the port
//!   from another exclusive bind while it lingers (WSAEADDRINUSE).
//! * SO_REUSEADDR together with SO_EXCLUSIVEADDRUSE on one socket is refused
//!   with WSAEINVAL at setsockopt(). [widely reported, not in the documents]
//! * A v4-mapped bind on a v6-only socket: WSAEADDRNOTAVAIL.
//! * TIME_WAIT lasts 120 s, the default of `TcpTimedWaitDelay` on the
//!   Microsoft page that covers Windows Server 2012 R2 / 8.1 and later (the
//!   older KB 314053: 120 s for IPv4 since XP/2003, 240 s for Windows 2000
//!   and IPv6 there; bindlab keeps one length for both families).
//! * Which of several sockets sharing one address takes a connection is
//!   reported as undefined, with the candidates; a specific address takes its
//!   traffic before a wildcard.
//! * connect() of a TCP socket bound to the wildcard without SO_REUSEADDR
//!   binds its source address then and is refused with WSAEADDRINUSE when
//!   the table refuses it beside the socket holding exactly that address
//!   (the connect page: the error "could be delayed until the connect
//!   function"; that the same table decides is bindlab's reading). A
//!   socket with SO_REUSEADDR, and UDP, are not checked there: the page
//!   says no more.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use super::pcb::{listener_classes, placed, space_of, Space};
use crate::addr::{is_wildcard, SockAddr};
use crate::args;
use crate::errno::Errno;
use crate::host::{
    ClassView, Host, Opts, Owner, PortOrder, Scope, SearchKey, SockId, Socket, State,
};
use crate::os::{common, BindAnswer, Decision, Delivery, Os, OsParams, OsRules, Route};
use crate::rules::{few_names, Arg, Args, Name, RuleId, Slot, WhyVariant};
use crate::scenario::SockOpt;
use crate::why::Why;

pub struct Windows;

/// Microsoft: when an SO_EXCLUSIVEADDRUSE socket is bound to a specific
/// address and a second socket then binds the wildcard on its port, "the
/// second caller is bound to all interfaces except the specific address to
/// which the first caller is bound". Whether `s` is such a first socket for
/// `ip` (still bound, not listening: a listener takes its traffic itself,
/// and an accepted connection was never bound).
fn keeps_from_later_wildcards(s: &impl Owner, space: Space, ip: IpAddr) -> bool {
    s.opts().exclusive
        && !s.child()
        && matches!(s.state(), State::Bound | State::Connected)
        && placed(space, s).is_some_and(|(a, _)| a == ip)
}

/// The why-line's words of `windows.route.exclusive-kept`.
fn kept_args(keeper: &Socket, kept: Vec<Name>, dst: SockAddr) -> Args {
    args![
        Slot::Socket => keeper.name(),
        Slot::Addr => keeper.local(),
        Slot::Sockets => Arg::NamesAnd(kept),
        Slot::Dst => dst,
    ]
}

const EPHEMERAL: (u16, u16) = (49152, 65535);
const TIME_WAIT_MS: u64 = 120_000;

/// A table cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Success,
    /// WSAEADDRINUSE (10048).
    InUse,
    /// WSAEACCES (10013).
    Access,
}

use Cell::{Access as A, InUse as U, Success as S};

/// Columns and rows: Default W, Default S, REUSEADDR W, REUSEADDR S,
/// EXCLUSIVE W, EXCLUSIVE S.
pub const SAME_USER: [[Cell; 6]; 6] = [
    [U, S, A, S, U, S],
    [S, U, S, A, U, U],
    [U, S, S, S, U, S],
    [S, U, S, S, U, U],
    [U, A, A, A, U, A],
    [S, U, S, A, U, U],
];

pub const OTHER_USER: [[Cell; 6]; 6] = [
    [U, A, A, A, U, A],
    [S, U, S, A, U, U],
    [U, A, S, S, U, A],
    [S, U, S, S, U, U],
    [U, A, A, A, U, A],
    [S, U, S, A, U, U],
];

/// The option column of a socket: 0 default, 1 SO_REUSEADDR, 2 SO_EXCLUSIVEADDRUSE.
fn option_class(o: &Opts) -> usize {
    if o.exclusive {
        2
    } else if o.reuseaddr {
        1
    } else {
        0
    }
}

/// The slots that name a table row or column: the option class and
/// whether the address is a wildcard.
fn class_args(o: &Opts, wildcard: bool, option: Slot, place: Slot) -> [(Slot, Arg); 2] {
    let opt = ["no option", "SO_REUSEADDR", "SO_EXCLUSIVEADDRUSE"][option_class(o)];
    let at = if wildcard { "wildcard" } else { "specific" };
    [(option, Arg::Word(opt)), (place, Arg::Word(at))]
}

/// The table cell for `first` (already bound) and `second`.
pub fn cell(
    same_user: bool,
    first: &Opts,
    first_wild: bool,
    second: &Opts,
    second_wild: bool,
) -> Cell {
    let row = option_class(first) * 2 + usize::from(!first_wild);
    let col = option_class(second) * 2 + usize::from(!second_wild);
    if same_user {
        SAME_USER[row][col]
    } else {
        OTHER_USER[row][col]
    }
}

/// The stacks a binding occupies: a dual-stack `::` socket reserves the port
/// on IPv4 too (Vista and later).
fn stacks(s: &Socket, ip: IpAddr) -> Vec<(Space, IpAddr)> {
    let (space, ip) = space_of(s, ip);
    let mut v = vec![(space, ip)];
    if space == Space::V6 && is_wildcard(ip) && !s.opts().v6only {
        v.push((Space::V4, IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
    }
    v
}

/// Microsoft's dual-stack example: an SO_EXCLUSIVEADDRUSE dual-stack
/// wildcard bind fails with WSAEACCES when an IPv4 socket already holds a
/// specific address of the port ("if an IPv4 TCP socket was previously bound
/// to the loopback address on port 5000, the bind call for the dual stack
/// socket would fail with WSAEACCES"). The prose wins over the same-user table's
/// WSAEADDRINUSE for this case only: the IPv4 side of the check, a specific
/// IPv4 binding. Elsewhere the tables decide.
fn dual_stack_v4_side(s: &Socket, space: Space, taddr: IpAddr) -> bool {
    s.opts().exclusive && s.is_v6() && !s.opts().v6only && space == Space::V4 && !is_wildcard(taddr)
}

impl Windows {
    /// The bind check. Conflicts and the owner a success names are asked of
    /// the port's bucket per class of owner (`Host::first_owner`: the cell
    /// depends on the owner's bind-time options, user, address and whether
    /// it is a connection), so only the named owner's why-line is rendered.
    fn check(&self, host: &Host, s: &Socket, ip: IpAddr, port: u16) -> Decision {
        let stacks = stacks(s, ip);
        // A conflict on any stack, the first stack first, in bind order.
        for &(space, addr) in &stacks {
            // Near `addr`: `table_cell` is `None` for an owner on another
            // specific address (different interfaces never conflict).
            let clash = host.first_owner(port, s.id(), Scope::Near(addr), |t| {
                table_cell(s, space, addr, t).is_some_and(|c| c != Cell::Success)
            });
            if let Some(t) = clash {
                let c = table_cell(s, space, addr, t).unwrap_or(Cell::InUse);
                let refusal = pair_decision(s, space, addr, port, t, c);
                return others_in_the_way(host, s, &stacks, port, t, refusal);
            }
        }
        // Microsoft's lingering case is about the port once the exclusive
        // listener has closed; while a binding remains, the tables decide
        // first (above), and this answers only if they allow the bind.
        if s.opts().exclusive {
            if let Some(refusal) = lingering(host, s, port) {
                return refusal;
            }
        }
        for &(space, addr) in &stacks {
            // Near `addr`, as above: `table_cell` is `None` off it.
            let shared = host.first_owner(port, s.id(), Scope::Near(addr), |t| {
                table_cell(s, space, addr, t).is_some()
            });
            if let Some(t) = shared {
                return pair_decision(s, space, addr, port, t, Cell::Success);
            }
        }
        // Connections and TIME_WAITs are not bindings (see module doc).
        // The oldest connection of the port, whatever its address: every
        // class. A port without any (UDP has none: no accept, no TIME_WAIT)
        // is not walked: thousands of addresses made that walk every bind's.
        if !host.reference_walks() && !host.has_conns(port, s) {
            return Decision::ok();
        }
        match host.first_owner(port, s.id(), Scope::All, |t| t.child() || t.is_closed_end()) {
            Some(t) => Decision::ok_with(
                RuleId::WindowsBindConnectionsIgnored,
                args![Slot::Other => t.who(host.now_ms), Slot::Port => port],
            ),
            None => Decision::ok(),
        }
    }
}

/// Microsoft's lingering case: the connections an SO_EXCLUSIVEADDRUSE
/// listener left on `port` keep another exclusive socket out. Every one of
/// them is named (the first few, with the count): the port is free only
/// once the last has ended.
fn lingering(host: &Host, s: &Socket, port: u16) -> Option<Decision> {
    let limit: usize = crate::rules::NAMES_SHOWN;
    // The listener's connections on every address: every class.
    let (found, n) = host.some_owners_where(port, s.id(), limit, Scope::All, |t| {
        t.from_exclusive() && (t.child() || t.is_closed_end())
    });
    let rule = RuleId::WindowsBindExclusiveLingering;
    let why = match found.as_slice() {
        [] => return None,
        [t] => Why::of(
            rule,
            WhyVariant::Usual,
            args![Slot::Other => t.who(host.now_ms), Slot::Port => port],
        ),
        several => {
            let mut names: Vec<Name> = several.iter().map(|t| t.name()).collect();
            // Connections of one listener may share a name: said once.
            names.dedup();
            let names = if n > several.len() {
                names.push(Name::from("…"));
                Arg::Names(names)
            } else {
                Arg::NamesAnd(names)
            };
            let args = args![Slot::Count => n as u64, Slot::Others => names, Slot::Port => port];
            Why::of(rule, WhyVariant::Several, args)
        }
    };
    Some(Decision::fail(Errno::AddrInUse, rule, why))
}

/// The table's refusal naming `t`, and any other binding the tables refuse
/// `s` beside on one of its `stacks`: what would let `s` share the port
/// with `t` alone does not make the bind work while they hold it.
fn others_in_the_way(
    host: &Host,
    s: &Socket,
    stacks: &[(Space, IpAddr)],
    port: u16,
    t: &Socket,
    refusal: Decision,
) -> Decision {
    let clashes = |space: Space, addr: IpAddr, o: &ClassView| {
        table_cell(s, space, addr, o).is_some_and(|c| c != Cell::Success)
    };
    let limit: usize = crate::rules::NAMES_SHOWN;
    // Near the address when there is one stack (a specific address):
    // `table_cell` is `None` off it. Two stacks are a wildcard's.
    let scope = match stacks {
        [(_, addr)] => Scope::Near(*addr),
        _ => Scope::All,
    };
    let (blockers, n) = host.some_owners_where(port, s.id(), limit + 1, scope, |o| {
        stacks.iter().any(|&(space, addr)| clashes(space, addr, o))
    });
    common::refused_by_all(refusal, t.id(), blockers, n, |first| {
        // The first one's reason, on the first stack where it refuses.
        stacks
            .iter()
            .find_map(|&(space, addr)| {
                let c = table_cell(s, space, addr, first).filter(|&c| c != Cell::Success)?;
                Some(pair_decision(s, space, addr, port, first, c))
            })
            .unwrap_or_else(Decision::ok)
    })
}

/// connect() of the TCP socket `s`, bound to the wildcard, from the specific
/// `local` it binds then: refused when `s` did not set SO_REUSEADDR, another
/// socket holds exactly that address, and the table refuses the pair with
/// `s` as the specific second. Microsoft's connect page: WSAEADDRINUSE when
/// the address is "already in use and the socket was not marked to allow
/// address reuse with SO_REUSEADDR", which "could be delayed until the
/// connect function if the bind was to a wildcard address". Only holders of
/// that very address count: a wildcard beside `s` was weighed at its bind().
fn delayed_in_use(host: &Host, s: &Socket, local: SockAddr) -> Option<Decision> {
    if s.opts().reuseaddr {
        return None; // the page's condition does not hold; it says no more
    }
    for (space, addr) in stacks(s, local.ip) {
        let held = |t: &ClassView| placed(space, t).is_some_and(|(a, _)| !is_wildcard(a));
        // Near `addr`: `table_cell` is `None` for an owner on another
        // specific address.
        let clash = host.first_owner(local.port, s.id(), Scope::Near(addr), |t| {
            held(t) && table_cell(s, space, addr, t).is_some_and(|c| c != Cell::Success)
        });
        if let Some(t) = clash {
            let c = table_cell(s, space, addr, t).unwrap_or(Cell::InUse);
            let mut why = pair_args(s, space, addr, t);
            let table_says = if c == Cell::InUse {
                Errno::AddrInUse
            } else {
                Errno::Access
            };
            why.push((Slot::Error, Arg::Word(table_says.windows_name())));
            return Some(Decision::fail_with(
                Errno::AddrInUse,
                RuleId::WindowsConnectDelayedInUse,
                why,
            ));
        }
    }
    None
}

/// The table's cell for `s` binding `addr` in `space` beside the binding
/// `t`, or `None` when the two do not meet (a connection or TIME_WAIT, the
/// other stack, another interface).
fn table_cell(s: &Socket, space: Space, addr: IpAddr, t: &impl Owner) -> Option<Cell> {
    if t.child() || t.is_closed_end() {
        return None;
    }
    let (taddr, _) = placed(space, t)?;
    let (tw, sw) = (is_wildcard(taddr), is_wildcard(addr));
    if !tw && !sw && taddr != addr {
        return None; // different interfaces never conflict
    }
    Some(cell(t.uid() == s.uid(), &t.bind_opts(), tw, &s.opts(), sw))
}

/// Which of Microsoft's two tables answers for `s` beside `t`.
fn table_name(s: &Socket, t: &Socket) -> &'static str {
    if t.uid() == s.uid() {
        "Microsoft's same-user table"
    } else {
        "Microsoft's different-user table"
    }
}

/// The pair, the table and the address: every table rule's slots, for `s`
/// at `addr` in `space` beside `t`.
fn pair_args(s: &Socket, space: Space, addr: IpAddr, t: &Socket) -> Args {
    let taddr = placed(space, t).map_or(addr, |(a, _)| a);
    let (tw, sw) = (is_wildcard(taddr), is_wildcard(addr));
    // Room for the nine below and the error a refusal adds: one
    // allocation, where growing the vector took three.
    let mut pair: Args = Vec::with_capacity(10);
    // The port, not either socket's address: "on 0.0.0.0:8080" after a
    // specific second socket read as that socket's address (a reader's
    // review, 2026-12-08); the places say wildcard or specific.
    let port = t.local().map_or(0, |l| l.port);
    pair.extend([
        (Slot::Other, Arg::from(t.name())),
        (Slot::Socket, Arg::from(s.name())),
        (Slot::Table, Arg::Word(table_name(s, t))),
        (Slot::Addr, Arg::from(t.local())),
        (Slot::Port, Arg::from(port)),
    ]);
    pair.extend(class_args(
        &t.bind_opts(),
        tw,
        Slot::OtherOption,
        Slot::OtherPlace,
    ));
    if !tw && t.is_connected() {
        // connect() bound it to this address (the rules' texts say whose
        // reading that is).
        for (slot, arg) in pair.iter_mut() {
            if *slot == Slot::OtherPlace {
                *arg = Arg::Word("connected, so specific");
            }
        }
    }
    pair.extend(class_args(&s.opts(), sw, Slot::Option, Slot::Place));
    pair
}

/// The decision the table's cell `c` makes for `s` beside `t`, its why-line
/// naming both.
fn pair_decision(
    s: &Socket,
    space: Space,
    addr: IpAddr,
    port: u16,
    t: &Socket,
    c: Cell,
) -> Decision {
    let me = s.label();
    let Some((taddr, _)) = placed(space, t) else {
        return Decision::ok();
    };
    let (tw, sw) = (is_wildcard(taddr), is_wildcard(addr));
    let same = t.uid() == s.uid();
    let table = table_name(s, t);
    let mut pair = pair_args(s, space, addr, t);
    if c == Cell::Success {
        // Only sockets on the same address share it; a wildcard and a
        // specific one divide the port.
        let rule = if tw == sw {
            RuleId::WindowsBindReuseaddrShared
        } else if !tw && sw {
            RuleId::WindowsBindWildcardAroundSpecific
        } else {
            RuleId::WindowsBindSpecificUnderWildcard
        };
        return Decision::ok_with(rule, pair);
    }
    if dual_stack_v4_side(s, space, taddr) {
        let table_says = if c == Cell::InUse {
            Errno::AddrInUse
        } else {
            Errno::Access
        };
        return Decision::fail_with(
            Errno::Access,
            RuleId::WindowsBindDualStackExclusive,
            args![
                Slot::Socket => me,
                Slot::Port => port,
                Slot::Other => t.name(),
                Slot::Addr => t.local(),
                Slot::Table => Arg::Word(table),
                Slot::Error => Arg::Word(table_says.windows_name()),
            ],
        );
    }
    let errno = if c == Cell::InUse {
        Errno::AddrInUse
    } else {
        Errno::Access
    };
    let rule = if option_class(&t.bind_opts()) == 2 {
        RuleId::WindowsBindExclusiveFirst
    } else if option_class(&s.opts()) == 2 {
        RuleId::WindowsBindExclusiveNeedsSoleOwner
    } else if c == Cell::Access && !same {
        RuleId::WindowsBindOtherUser
    } else if c == Cell::Access {
        RuleId::WindowsBindReuseaddrNeedsFirst
    } else {
        RuleId::WindowsBindInUse
    };
    pair.push((Slot::Error, Arg::Word(errno.windows_name())));
    Decision::fail_with(errno, rule, pair)
}

/// Windows's constants.
const PARAMS: OsParams = OsParams {
    ephemeral: EPHEMERAL,
    time_wait_ms: TIME_WAIT_MS,
    // Microsoft documents no FIN_WAIT_2 limit: straight to TIME_WAIT.
    fin_wait_2: None,
    default_v6only: true,
    loopback_is_slash8: true,
    // Unverified: Microsoft names no source for 127/8; bindlab keeps
    // the destination, as before.
    slash8_from_localhost: false,
    closed_end_timer_late: false,
    failed_bind_resets_address: false,
};

impl OsRules for Windows {
    fn os(&self) -> Os {
        Os::Windows
    }
    fn params(&self) -> &'static OsParams {
        &PARAMS
    }
    fn supports(&self, opt: SockOpt) -> bool {
        matches!(
            opt,
            SockOpt::SoReuseAddr | SockOpt::SoExclusiveAddrUse | SockOpt::Ipv6V6Only
        )
    }

    /// SO_REUSEPORT's reader is pointed to SO_REUSEADDR, which shares a
    /// port here.
    fn unsupported_variant(&self, opt: SockOpt) -> WhyVariant {
        if opt == SockOpt::SoReusePort {
            WhyVariant::WindowsReuseport
        } else {
            WhyVariant::Usual
        }
    }

    fn setsockopt(&self, _host: &Host, s: &Socket, opt: SockOpt, on: bool) -> Decision {
        let clash = match opt {
            SockOpt::SoReuseAddr => s.opts().exclusive,
            SockOpt::SoExclusiveAddrUse => s.opts().reuseaddr,
            _ => false,
        };
        if on && clash {
            let has = if s.opts().exclusive {
                "SO_EXCLUSIVEADDRUSE"
            } else {
                "SO_REUSEADDR"
            };
            return Decision::fail_with(
                Errno::Inval,
                RuleId::WindowsSetsockoptReuseaddrWithExclusive,
                args![Slot::Socket => s.name(), Slot::Option => Arg::Word(has)],
            );
        }
        if s.local().is_some() && matches!(opt, SockOpt::SoReuseAddr | SockOpt::SoExclusiveAddrUse)
        {
            return Decision::ok_with(
                RuleId::WindowsSetsockoptAfterBind,
                args![Slot::Socket => s.name(), Slot::Option => Arg::Word(opt.name())],
            );
        }
        Decision::ok()
    }

    fn bind(&self, host: &Host, s: &Socket, addr: SockAddr) -> BindAnswer {
        if s.local().is_some() {
            return BindAnswer::fail(Decision::fail_with(
                Errno::Inval,
                RuleId::WindowsBindAlreadyBound,
                args![Slot::Socket => s.name(), Slot::Addr => s.local()],
            ));
        }
        if let IpAddr::V6(a) = addr.ip {
            if crate::addr::v4_mapped(a).is_some() && s.opts().v6only {
                return BindAnswer::fail(Decision::fail_with(
                    Errno::AddrNotAvail,
                    RuleId::WindowsBindMappedOnV6only,
                    args![Slot::Socket => s.name(), Slot::Ip => addr.ip],
                ));
            }
            // "If you are binding to a scoped address, then the
            // sin6_scope_id member … must contain a nonzero value" (link-local
            // fe80::/10, site-local fec0::/10); a scenario's has none. The
            // error is not documented: bindlab's choice.
            if a.is_unicast_link_local() || a.segments()[0] & 0xffc0 == 0xfec0 {
                return BindAnswer::fail(Decision::fail_with(
                    Errno::AddrNotAvail,
                    RuleId::WindowsBindScopedNeedsScopeId,
                    args![Slot::Socket => s.name(), Slot::Ip => addr.ip],
                ));
            }
        }
        if s.is_udp() && crate::addr::unmap(addr.ip).is_multicast() {
            return BindAnswer::fail(Decision::fail_with(
                Errno::AddrNotAvail,
                RuleId::WindowsUdpBindGroupAddress,
                args![Slot::Addr => addr],
            ));
        }
        if !host.is_local(addr.ip) {
            // A group is no interface's address: `iface` cannot add one.
            let rule = RuleId::WindowsBindAddrNotLocal;
            let variant = if crate::addr::unmap(addr.ip).is_multicast() {
                WhyVariant::Multicast
            } else {
                WhyVariant::Usual
            };
            let why = Why::of(rule, variant, args![Slot::Ip => addr.ip]);
            return BindAnswer::fail(Decision::fail(Errno::AddrNotAvail, rule, why));
        }
        if addr.port == 0 {
            let (lo, hi) = PARAMS.ephemeral;
            let key = SearchKey {
                tag: "windows.bind",
                src: None,
                dst: None,
                extra: 0,
            };
            return BindAnswer::ephemeral(
                host.find_port(key, PortOrder::range(lo, hi), |p| !host.port_in_use(p)),
                Errno::NoBufs,
                RuleId::WindowsBindEphemeralExhausted,
                PARAMS.ephemeral,
                addr.ip,
            );
        }
        BindAnswer {
            decision: self.check(host, s, addr.ip, addr.port),
            port: addr.port,
        }
    }

    fn listen_autobinds(&self) -> bool {
        false
    }

    fn listen(&self, _host: &Host, s: &Socket) -> Decision {
        match s.state() {
            State::Unbound => Decision::fail_with(
                Errno::Inval,
                RuleId::WindowsListenUnbound,
                args![Slot::Socket => s.name()],
            ),
            State::Connected | State::TimeWait { .. } | State::FinWait2 { .. } | State::Reset => {
                Decision::fail_with(
                    Errno::IsConn,
                    RuleId::WindowsListenConnected,
                    args![Slot::Socket => s.name()],
                )
            }
            _ => Decision::ok(),
        }
    }

    fn connect_binds_source(&self, host: &Host, s: &Socket, local: SockAddr) -> Option<Decision> {
        delayed_in_use(host, s, local)
    }

    /// "to connect to a broadcast address, a socket must use setsockopt
    /// to enable the SO_BROADCAST option. Otherwise, connect will fail with
    /// the error code WSAEACCES" (connect function, Remarks): the page puts
    /// no condition of a route on it, so bindlab asks for none (its
    /// reading, unverified). An
    /// unbound socket is bound first and keeps its port (Linux's order,
    /// `OsRules::binds_before_route`): Microsoft does not say.
    fn connect_destination(&self, s: &Socket, dst: SockAddr, udp: bool) -> Option<Decision> {
        udp.then(|| common::broadcast_needs_option(RuleId::WindowsUdpConnectBroadcast, s, dst))
            .flatten()
    }

    /// Microsoft documents no source choice for a UDP connect() to a
    /// group; bindlab keeps the wildcard there (unverified: the only text,
    /// "Multicast destination addresses", is about sending).
    fn udp_connect_group_no_source(
        &self,
        _s: &Socket,
        _dst: SockAddr,
        wildcard: IpAddr,
    ) -> Result<IpAddr, Decision> {
        Ok(wildcard)
    }

    fn connect_on_listener(&self, _s: &Socket, _dst: SockAddr) -> Decision {
        Decision::fail_with(Errno::Inval, RuleId::WindowsConnectOnListener, args![])
    }

    fn connect_tuple_taken(&self, host: &Host, _s: &Socket, existing: &Socket) -> Decision {
        Decision::fail_with(
            Errno::AddrInUse,
            RuleId::WindowsConnectTupleTaken,
            args![Slot::Other => existing.who(host.now_ms), Slot::Tuple => existing.tuple_arg()],
        )
    }

    /// A free port of the range first. When none is left, a port that only
    /// other connect()-bound sockets hold, if this 4-tuple is new on it:
    /// connect() without bind() has SO_REUSE_UNICASTPORT set by default
    /// ("SOL_SOCKET Socket Options"). Which port, and that free ports come
    /// first, is bindlab's choice; Microsoft says only that reuse happens.
    fn connect_port(&self, host: &Host, _s: &Socket, src: IpAddr, dst: SockAddr) -> Option<u16> {
        let (lo, hi) = PARAMS.ephemeral;
        let key = |extra| SearchKey {
            tag: "windows.connect",
            src: Some(src),
            dst: Some((dst.ip, dst.port)),
            extra,
        };
        host.find_port(key(0), PortOrder::range(lo, hi), |p| {
            SockAddr::new(src, p) != dst && !host.port_in_use(p)
        })
        .or_else(|| {
            host.find_port(key(1), PortOrder::range(lo, hi), |p| {
                host.connect_may_share(src, p, dst)
            })
        })
    }

    /// WSAENOBUFS: the connect page's error for "The socket cannot be
    /// connected", the error Microsoft's KB 196271 names for running out of
    /// ephemeral ports.
    fn connect_exhausted(&self, src: IpAddr, dst: SockAddr) -> Decision {
        Decision::fail_with(
            Errno::NoBufs,
            RuleId::WindowsConnectEphemeralExhausted,
            args![Slot::Ip => src, Slot::Dst => dst],
        )
    }

    /// The exclusive specific sockets bound before `s` on its port (asked
    /// per class of owner: a crowded port costs a handful of questions).
    fn wildcard_exceptions(&self, host: &Host, s: &Socket) -> Vec<IpAddr> {
        let Some(local) = s.local().filter(|l| is_wildcard(l.ip)) else {
            return Vec::new();
        };
        let spaces: &[Space] = match local.ip {
            IpAddr::V4(_) => &[Space::V4],
            IpAddr::V6(_) if s.opts().v6only => &[Space::V6],
            IpAddr::V6(_) => &[Space::V4, Space::V6],
        };
        // Asked of the port's classes, then of the owners they give.
        fn kept(spaces: &[Space], t: &impl Owner) -> Option<IpAddr> {
            spaces.iter().find_map(|&space| {
                let (ip, _) = placed(space, t)?;
                (!is_wildcard(ip) && keeps_from_later_wildcards(t, space, ip)).then_some(ip)
            })
        }
        // The specific addresses beside a wildcard: every class.
        host.owners_where(local.port, s.id(), Scope::All, |t| {
            kept(spaces, t).is_some()
        })
        .into_iter()
        .filter(|t| t.bound_seq() < s.bound_seq())
        .filter_map(|t| kept(spaces, t))
        .collect()
    }

    /// A specific address beats a wildcard; several sockets at the same
    /// level (sharing through SO_REUSEADDR) make the choice undefined.
    fn route(&self, host: &Host, _src: SockAddr, dst: SockAddr) -> Route {
        let space = if dst.ip.is_ipv4() {
            Space::V4
        } else {
            Space::V6
        };
        let (exact, mut wild, wild_mapped) = listener_classes(host, space, dst.ip, dst.port);
        wild.extend(wild_mapped);
        if exact.is_empty() && !wild.is_empty() {
            // Near `dst`: a keeper is `placed` at `dst` itself.
            let keeper = host.first_owner(dst.port, usize::MAX, Scope::Near(dst.ip), |s| {
                keeps_from_later_wildcards(s, space, dst.ip)
            });
            if let Some(k) = keeper {
                let (kept, left): (Vec<&Socket>, Vec<&Socket>) = wild
                    .into_iter()
                    .partition(|w| w.bound_seq() > k.bound_seq());
                if left.is_empty() {
                    let rule = RuleId::WindowsRouteExclusiveKept;
                    let names = few_names(kept.len(), |i| kept[i].name());
                    return Route::Refused {
                        rule,
                        why: Why::of(rule, WhyVariant::Usual, kept_args(k, names, dst)),
                    };
                }
                wild = left;
            }
        }
        for (class, wildcard) in [(exact, false), (wild, true)] {
            match class.len() {
                0 => continue,
                1 => {
                    let s = class[0];
                    let rule = RuleId::WindowsRouteListener;
                    let args =
                        args![Slot::Socket => s.name(), Slot::Addr => s.local(), Slot::Dst => dst];
                    return Route::To {
                        listener: s.id(),
                        rule,
                        why: Why::of(
                            rule,
                            if wildcard {
                                WhyVariant::Wildcard
                            } else {
                                WhyVariant::Usual
                            },
                            args,
                        ),
                    };
                }
                _ => {
                    let names = few_names(class.len(), |i| class[i].name());
                    let rule = RuleId::WindowsRouteUndefined;
                    let args = args![
                        Slot::Sockets => Arg::NamesAnd(names),
                        Slot::Addr => class[0].local(),
                    ];
                    return Route::Undefined {
                        candidates: class.iter().map(|s| s.id()).collect(),
                        rule,
                        why: Why::of(rule, WhyVariant::Usual, args),
                    };
                }
            }
        }
        common::no_listener(dst)
    }

    /// Unicast: a specific binding before the wildcard; several sockets on
    /// one address (SO_REUSEADDR) leave the receiver undefined, as
    /// Microsoft documents. A socket connected to another peer discards the
    /// datagram.
    fn deliver(&self, host: &Host, src: SockAddr, dst: SockAddr) -> Delivery {
        use super::bsd_udp::{connected_to, v4_view, v6_view};
        let view = |s: &dyn Owner| -> Option<IpAddr> {
            match dst.ip {
                IpAddr::V4(_) => v4_view(s).map(IpAddr::V4),
                IpAddr::V6(_) => v6_view(s).map(IpAddr::V6),
            }
        };
        // Unicast answers from the port's index: the unconnected sockets by
        // class (the address is a class field), the connected ones by peer.
        let fast = !host.reference_walks() && !dst.ip.is_multicast();
        let socks: Vec<&Socket> = if fast {
            Vec::new()
        } else {
            host.udp_owners(dst.port)
                .into_iter()
                .filter(|s| s.remote().is_none() || connected_to(s, src))
                .collect()
        };
        // The sockets that may receive, in bind order: one address's
        // unconnected sockets are the port index's own list (shared, not
        // copied: the common case of a crowded port).
        let among = |fits: &dyn Fn(&dyn Owner) -> bool| -> Arc<[SockId]> {
            if !fast {
                return socks.iter().filter(|&&s| fits(s)).map(|s| s.id()).collect();
            }
            let v = host.udp_member_ids_where(dst.port, |c| !c.is_connected() && fits(c));
            let peers: Vec<&Socket> = host
                .udp_peers(dst.port, src)
                .into_iter()
                .filter(|&s| fits(s))
                .collect();
            if peers.is_empty() {
                return v;
            }
            let mut all: Vec<&Socket> = v.iter().map(|&id| host.socket(id)).collect();
            all.extend(peers);
            host.udp_in_bind_order(&mut all);
            all.iter().map(|s| s.id()).collect()
        };
        let name_list = |v: &[&Socket]| -> Vec<Name> { v.iter().map(|s| s.name()).collect() };
        if dst.ip.is_multicast() {
            let at_port: Vec<&Socket> = socks
                .iter()
                .copied()
                .filter(|s| view(*s).is_some())
                .collect();
            let (members, others): (Vec<&Socket>, Vec<&Socket>) = at_port
                .into_iter()
                .partition(|s| s.groups().contains(&dst.ip));
            let rule = RuleId::WindowsUdpMcastEveryMember;
            if members.is_empty() {
                return Delivery::Dropped {
                    rule,
                    why: Why::of(
                        rule,
                        WhyVariant::None,
                        args![Slot::Group => dst.ip, Slot::Port => dst.port],
                    ),
                };
            }
            // One member reads "A is bound …", several "A and B are bound …".
            let variant = match (members.len() == 1, others.is_empty()) {
                (false, true) => WhyVariant::Usual,
                (false, false) => WhyVariant::Others,
                (true, true) => WhyVariant::One,
                (true, false) => WhyVariant::OneOthers,
            };
            return Delivery::Copies {
                socks: members.iter().map(|s| s.id()).collect(),
                rule,
                why: Why::of(
                    rule,
                    variant,
                    args![
                        Slot::Sockets => Arg::NamesAnd(name_list(&members)),
                        Slot::Group => dst.ip,
                        Slot::Port => dst.port,
                        Slot::Others => Arg::NamesAnd(name_list(&others)),
                    ],
                ),
            };
        }
        // Microsoft: a wildcard bound after an exclusive socket on `dst`'s
        // address does not have that address (see `route`).
        let space = if dst.ip.is_ipv4() {
            Space::V4
        } else {
            Space::V6
        };
        let keeper = host
            .udp_members_where(dst.port, |s| keeps_from_later_wildcards(s, space, dst.ip))
            .first()
            .copied();
        let kept_after = keeper.map_or(u64::MAX, Socket::bound_seq);
        // The wildcard's sockets are listed only when no exact one is.
        for wildcard in [false, true] {
            let class = if wildcard {
                let all = among(&|s| view(s).is_some_and(|a| a.is_unspecified()));
                // When a bind happened is the socket's own, not its class's:
                // two wildcards of one class may lie either side of the keeper.
                if keeper.is_some() {
                    all.iter()
                        .copied()
                        .filter(|&id| host.socket(id).bound_seq() < kept_after)
                        .collect()
                } else {
                    all
                }
            } else {
                among(&|s| view(s) == Some(dst.ip))
            };
            if wildcard && class.is_empty() {
                if let Some(k) = keeper {
                    let kept = host.udp_members_where(dst.port, |s| {
                        !s.is_connected() && view(s).is_some_and(|a| a.is_unspecified())
                    });
                    let kept: Vec<&Socket> = kept
                        .into_iter()
                        .filter(|s| s.bound_seq() > kept_after)
                        .collect();
                    if !kept.is_empty() {
                        let rule = RuleId::WindowsRouteExclusiveKept;
                        let names = few_names(kept.len(), |i| kept[i].name());
                        return Delivery::Dropped {
                            rule,
                            why: Why::of(rule, WhyVariant::Udp, kept_args(k, names, dst)),
                        };
                    }
                }
            }
            match class.len() {
                0 => continue,
                1 => {
                    let s = host.socket(class[0]);
                    let rule = if s.remote().is_some() {
                        RuleId::WindowsUdpDeliverConnectedPeer
                    } else {
                        RuleId::WindowsUdpDeliverBound
                    };
                    let args = args![Slot::Socket => s.name(), Slot::Addr => s.local(), Slot::Dst => dst, Slot::Remote => src];
                    return Delivery::To {
                        sock: s.id(),
                        rule,
                        why: Why::of(
                            rule,
                            if wildcard && rule == RuleId::WindowsUdpDeliverBound {
                                WhyVariant::Wildcard
                            } else {
                                WhyVariant::Usual
                            },
                            args,
                        ),
                    };
                }
                _ => {
                    let rule = RuleId::WindowsUdpDeliverUndefined;
                    return Delivery::Undefined {
                        rule,
                        why: Why::of(
                            rule,
                            WhyVariant::Usual,
                            args![Slot::Sockets => Arg::NamesAnd(host.few_labels(&class)), Slot::Addr => host.socket(class[0]).local()],
                        ),
                        candidates: class,
                    };
                }
            }
        }
        let connected: Vec<Name> = host
            .udp_members_where(dst.port, |s| s.is_connected())
            .iter()
            .map(|s| s.name())
            .collect();
        let rule = RuleId::WindowsUdpDeliverNone;
        Delivery::Dropped {
            rule,
            why: Why::of(
                rule,
                if connected.is_empty() {
                    WhyVariant::Usual
                } else {
                    WhyVariant::Connected
                },
                args![Slot::Dst => dst, Slot::Sockets => connected, Slot::Remote => src],
            ),
        }
    }

    fn udp_listen(&self, s: &Socket) -> Decision {
        Decision::fail_with(
            Errno::OpNotSupp,
            RuleId::WindowsUdpListenNotSupported,
            args![Slot::Socket => s.name()],
        )
    }

    fn udp_accept(&self, s: &Socket) -> Decision {
        Decision::fail_with(
            Errno::OpNotSupp,
            RuleId::WindowsUdpAcceptNotSupported,
            args![Slot::Socket => s.name()],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(class: usize) -> Opts {
        Opts {
            reuseaddr: class == 1,
            exclusive: class == 2,
            ..Opts::default()
        }
    }

    fn rules_of(text: &str) -> Vec<(String, Option<RuleId>)> {
        let s = crate::parse(text).expect("a valid scenario");
        crate::run(&s, Os::Windows)
            .steps
            .into_iter()
            .map(|st| (st.result_name().to_string(), st.rule))
            .collect()
    }

    /// A wildcard bound after an exclusive specific socket lacks its
    /// address; one bound before it, and any on Linux, lack nothing.
    #[test]
    fn a_later_wildcard_lacks_the_exclusive_address() {
        let text = "os windows\nsocket W tcp\nbind W 0.0.0.0:5001\nsocket A tcp\nset A SO_EXCLUSIVEADDRUSE\nbind A 127.0.0.1:5000\nsocket B tcp\nbind B 0.0.0.0:5000\nsocket C udp\nbind C 0.0.0.0:5000\n";
        let s = crate::parse(text).expect("a valid scenario");
        let h = crate::host_after(&s, Os::Windows, s.steps.len());
        let id = |n: &str| h.by_name(n).expect("a socket").id();
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(h.wildcard_exceptions(id("B")), vec![local]);
        assert!(h.wildcard_exceptions(id("W")).is_empty());
        assert!(
            h.wildcard_exceptions(id("C")).is_empty(),
            "UDP's port is another"
        );
        assert!(h.wildcard_exceptions(id("A")).is_empty(), "not a wildcard");
        let h = crate::host_after(&s, Os::Linux, s.steps.len());
        assert!(h
            .wildcard_exceptions(h.by_name("B").unwrap().id())
            .is_empty());
    }

    #[test]
    fn a_listener_still_bound_is_decided_by_the_table_not_by_lingering() {
        let r = rules_of("os windows\nsocket S tcp\nset S SO_EXCLUSIVEADDRUSE\nbind S 0.0.0.0:8000\nlisten S\nclient 127.0.0.1:8000\naccept S c\nsocket T tcp\nset T SO_EXCLUSIVEADDRUSE\nbind T 0.0.0.0:8000\n");
        assert_eq!(
            r[8],
            (
                "WSAEADDRINUSE".into(),
                Some(RuleId::WindowsBindExclusiveFirst)
            )
        );
        // Once S is closed, its accepted connection still holds the port.
        let r = rules_of("os windows\nsocket S tcp\nset S SO_EXCLUSIVEADDRUSE\nbind S 0.0.0.0:8000\nlisten S\nclient 127.0.0.1:8000\naccept S c\nclose S\nsocket T tcp\nset T SO_EXCLUSIVEADDRUSE\nbind T 0.0.0.0:8000\n");
        assert_eq!(
            r[9],
            (
                "WSAEADDRINUSE".into(),
                Some(RuleId::WindowsBindExclusiveLingering)
            )
        );
    }

    #[test]
    fn the_dual_stack_example_is_wsaeacces_and_only_for_a_specific_ipv4_binding() {
        let ds =
            "socket B tcp6\nset B IPV6_V6ONLY off\nset B SO_EXCLUSIVEADDRUSE\nbind B [::]:5000\n";
        let r = rules_of(&format!(
            "os windows\nsocket A tcp\nbind A 127.0.0.1:5000\n{ds}"
        ));
        assert_eq!(
            r[5],
            (
                "WSAEACCES".into(),
                Some(RuleId::WindowsBindDualStackExclusive)
            )
        );
        let r = rules_of(&format!(
            "os windows\nsocket A tcp\nbind A 0.0.0.0:5000\n{ds}"
        ));
        assert_eq!(
            r[5],
            (
                "WSAEADDRINUSE".into(),
                Some(RuleId::WindowsBindExclusiveNeedsSoleOwner)
            )
        );
        // Not exclusive: the same-user table (default specific, default wildcard) allows it.
        let r = rules_of("os windows\nsocket A tcp\nbind A 127.0.0.1:5000\nsocket B tcp6\nset B IPV6_V6ONLY off\nbind B [::]:5000\n");
        assert_eq!(r[4].0, "ok");
    }

    #[test]
    fn documented_cells() {
        // "If the first caller does not set any options and binds to the
        // wildcard, the second cannot set SO_REUSEADDR and bind the port."
        assert_eq!(cell(true, &o(0), true, &o(1), true), Cell::Access);
        // Exclusive specific first, wildcard second succeeds (the doc's own example).
        assert_eq!(cell(true, &o(2), false, &o(0), true), Cell::Success);
        // Same user, both default, same address.
        assert_eq!(cell(true, &o(0), false, &o(0), false), Cell::InUse);
        // Different user: a specific bind under someone else's wildcard.
        assert_eq!(cell(false, &o(0), true, &o(0), false), Cell::Access);
    }
}
