//! What a rule may read of a port's owner when it is asked once per class.
//!
//! A bind bucket answers `best_owner`, `first_owner`, `owners_where` and
//! `some_owners_where` per [`PortClass`] (a handful) rather than per socket
//! (tens of thousands). That is only the same answer if the question reads
//! nothing a class does not hold. [`Owner`] is that set of fields, and those
//! queries hand their closures a [`ClassView`] — the class itself, its port
//! and protocol — so a closure that reads a name, a peer or a queue does
//! not compile. The rule helpers such closures call take `&impl Owner`, so
//! the same helper also reads a real [`Socket`].
//!
//! A view is read from the class's packed words, which the bucket's table
//! already holds: asking a class costs no read of its members' sockets
//! (on a host of 65,536 sockets spread over ports, those reads were the
//! largest share of a bind's cache misses). The one exception is
//! `Host::first_owner` of every class on a port of many classes, which
//! asks the oldest owners' views (`ClassView::of`) first.
//!
//! `Host::check_buckets` (after every step of the property tests) checks
//! that every owner's view answers every method as the socket does.

use std::net::IpAddr;

use crate::addr::{is_wildcard, SockAddr};
use crate::scenario::Proto;

use super::buckets::PortClass;
use super::socket::{Opts, Socket, State};

/// The fields of an owner a class keeps, and what follows from them.
pub trait Owner {
    fn proto(&self) -> Proto;
    fn uid(&self) -> u32;
    fn opts(&self) -> Opts;
    /// The options as they were at bind() (Windows decides by these).
    fn bind_opts(&self) -> Opts;
    /// The state; a class does not keep a TIME_WAIT's or FIN_WAIT_2's
    /// time left, so a view's is 0 (compare kinds, never times).
    fn state(&self) -> State;
    fn local(&self) -> Option<SockAddr>;
    fn hashed_ip(&self) -> Option<IpAddr>;
    /// Connected or TIME_WAIT: it has a remote end (which one is not kept).
    fn is_connected(&self) -> bool;
    fn connect_bound(&self) -> bool;
    fn child(&self) -> bool;
    /// Came from a listener that had SO_EXCLUSIVEADDRUSE (named as
    /// [`Socket::from_exclusive`]).
    #[allow(clippy::wrong_self_convention)]
    fn from_exclusive(&self) -> bool;
    /// UDP: in a SO_REUSEPORT group (which one is not kept).
    fn grouped(&self) -> bool;
    fn pcb_narrowed(&self) -> Option<bool>;

    fn is_udp(&self) -> bool {
        self.proto().is_udp()
    }
    fn is_v6(&self) -> bool {
        self.proto().is_v6()
    }
    fn is_listening(&self) -> bool {
        self.state() == State::Listening
    }
    /// TIME_WAIT or FIN_WAIT_2 (see [`Socket::is_closed_end`]).
    fn is_closed_end(&self) -> bool {
        matches!(
            self.state(),
            State::TimeWait { .. } | State::FinWait2 { .. }
        )
    }
    fn local_port(&self) -> Option<u16> {
        self.local().map(|l| l.port)
    }
    /// Bound to 0.0.0.0 or `::`.
    fn is_wildcard(&self) -> bool {
        self.local().is_some_and(|l| is_wildcard(l.ip))
    }
}

impl Owner for Socket {
    fn proto(&self) -> Proto {
        Socket::proto(self)
    }
    fn uid(&self) -> u32 {
        Socket::uid(self)
    }
    fn opts(&self) -> Opts {
        Socket::opts(self)
    }
    fn bind_opts(&self) -> Opts {
        Socket::bind_opts(self)
    }
    fn state(&self) -> State {
        Socket::state(self)
    }
    fn local(&self) -> Option<SockAddr> {
        Socket::local(self)
    }
    fn hashed_ip(&self) -> Option<IpAddr> {
        Socket::hashed_ip(self)
    }
    fn is_connected(&self) -> bool {
        Socket::is_connected(self)
    }
    fn connect_bound(&self) -> bool {
        Socket::connect_bound(self)
    }
    fn child(&self) -> bool {
        Socket::child(self)
    }
    fn from_exclusive(&self) -> bool {
        Socket::from_exclusive(self)
    }
    fn grouped(&self) -> bool {
        self.reuse_group() != 0
    }
    fn pcb_narrowed(&self) -> Option<bool> {
        Socket::pcb_narrowed(self)
    }
}

/// One class of a port's owners, as a class-level question sees it.
#[derive(Clone, Copy, Debug)]
pub struct ClassView {
    class: PortClass,
    port: u16,
    udp: bool,
}

impl ClassView {
    pub(super) fn new(class: PortClass, port: u16, udp: bool) -> ClassView {
        ClassView { class, port, udp }
    }

    /// The view of `s`'s class, as the bucket of `port` files it. For the
    /// reference walks and the checks: kept out of line, so the per-class
    /// queries (one copy per closure) do not each carry `PortClass::of`.
    #[inline(never)]
    pub(super) fn of(s: &Socket, port: u16) -> ClassView {
        ClassView::new(PortClass::of(s), port, s.is_udp())
    }

    /// The first method `s` and its view answer differently, if any
    /// (a state's time left aside).
    pub(super) fn differs_from(&self, s: &Socket) -> Option<&'static str> {
        let kind = |st: State| match st {
            State::TimeWait { .. } => State::TimeWait { until_ms: 0 },
            State::FinWait2 { .. } => State::FinWait2 { until_ms: 0 },
            other => other,
        };
        let v: &dyn Owner = self;
        let checks = [
            ("proto", v.proto() == s.proto()),
            ("uid", v.uid() == s.uid()),
            ("opts", v.opts() == s.opts()),
            ("bind_opts", v.bind_opts() == s.bind_opts()),
            ("state", v.state() == kind(s.state())),
            ("local", v.local() == s.local()),
            ("hashed_ip", v.hashed_ip() == s.hashed_ip()),
            ("is_connected", v.is_connected() == s.is_connected()),
            ("connect_bound", v.connect_bound() == s.connect_bound()),
            ("child", v.child() == s.child()),
            ("from_exclusive", v.from_exclusive() == s.from_exclusive()),
            ("grouped", v.grouped() == Owner::grouped(s)),
            ("pcb_narrowed", v.pcb_narrowed() == s.pcb_narrowed()),
            ("is_udp", v.is_udp() == s.is_udp()),
            ("is_v6", v.is_v6() == s.is_v6()),
            ("is_listening", v.is_listening() == s.is_listening()),
            ("is_closed_end", v.is_closed_end() == s.is_closed_end()),
            ("local_port", v.local_port() == s.local_port()),
            ("is_wildcard", v.is_wildcard() == s.is_wildcard()),
        ];
        checks
            .into_iter()
            .find(|&(_, same)| !same)
            .map(|(what, _)| what)
    }
}

impl Owner for ClassView {
    fn proto(&self) -> Proto {
        match (self.udp, self.class.v6()) {
            (false, false) => Proto::Tcp,
            (false, true) => Proto::Tcp6,
            (true, false) => Proto::Udp,
            (true, true) => Proto::Udp6,
        }
    }
    fn uid(&self) -> u32 {
        self.class.uid()
    }
    fn opts(&self) -> Opts {
        self.class.opts()
    }
    fn bind_opts(&self) -> Opts {
        self.class.bind_opts()
    }
    fn state(&self) -> State {
        self.class.state()
    }
    fn local(&self) -> Option<SockAddr> {
        self.class.ip().map(|ip| SockAddr {
            ip,
            port: self.port,
        })
    }
    fn hashed_ip(&self) -> Option<IpAddr> {
        self.class.hashed_ip()
    }
    fn is_connected(&self) -> bool {
        self.class.connected()
    }
    fn connect_bound(&self) -> bool {
        self.class.connect_bound()
    }
    fn child(&self) -> bool {
        self.class.child()
    }
    fn from_exclusive(&self) -> bool {
        self.class.from_exclusive()
    }
    fn grouped(&self) -> bool {
        self.class.grouped()
    }
    fn pcb_narrowed(&self) -> Option<bool> {
        self.class.narrowed()
    }
    fn is_listening(&self) -> bool {
        self.class.is_listening()
    }
}
