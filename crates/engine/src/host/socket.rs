//! One socket of the simulated host: its state, options and peer.
//!
//! The fields are private. The OS modules and the views read them through
//! accessors; the host changes them only through the `pub(super)` methods at
//! the end of this file, the one place a socket's state changes. Keeping the
//! indexes (`by_port`, `ehash`, `by_name`) in step with those changes is the
//! host's job (`tables.rs`).

use std::collections::VecDeque;
use std::net::IpAddr;

use crate::addr::{is_wildcard, SockAddr};
use crate::rules::{Arg, Name};
use crate::scenario::{Proto, SockOpt};

pub type SockId = usize;

/// The socket state, as far as address reuse cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    Unbound,
    Bound,
    Listening,
    Connected,
    /// The kernel keeps the 4-tuple after an active close until `until_ms`.
    TimeWait {
        until_ms: u64,
    },
    /// An active close whose peer, a socket of this host, has not closed
    /// yet: the end waits for the peer's FIN, holding its 4-tuple and port,
    /// until the peer closes or `until_ms` (the OS's FIN_WAIT_2 limit).
    FinWait2 {
        until_ms: u64,
    },
    /// The peer reset the connection (its listener closed before accepting
    /// it). The socket can no longer send, listen or connect.
    Reset,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Unbound => "unbound",
            State::Bound => "bound",
            State::Listening => "listening",
            State::Connected => "connected",
            State::TimeWait { .. } => "TIME_WAIT",
            State::FinWait2 { .. } => "FIN_WAIT_2",
            State::Reset => "reset",
        }
    }
}

/// Socket options as booleans.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Opts {
    pub reuseaddr: bool,
    pub reuseport: bool,
    pub reuseport_lb: bool,
    pub exclusive: bool,
    pub v6only: bool,
    /// Linux's IP_MULTICAST_ALL (on for a new AF_INET socket, off for an
    /// AF_INET6 one: measured).
    pub mc_all: bool,
}

impl Opts {
    pub fn get(&self, o: SockOpt) -> bool {
        match o {
            SockOpt::SoReuseAddr => self.reuseaddr,
            SockOpt::SoReusePort => self.reuseport,
            SockOpt::SoReusePortLb => self.reuseport_lb,
            SockOpt::SoExclusiveAddrUse => self.exclusive,
            SockOpt::Ipv6V6Only => self.v6only,
            SockOpt::IpMulticastAll => self.mc_all,
        }
    }
    fn set(&mut self, o: SockOpt, on: bool) {
        match o {
            SockOpt::SoReuseAddr => self.reuseaddr = on,
            SockOpt::SoReusePort => self.reuseport = on,
            SockOpt::SoReusePortLb => self.reuseport_lb = on,
            SockOpt::SoExclusiveAddrUse => self.exclusive = on,
            SockOpt::Ipv6V6Only => self.v6only = on,
            SockOpt::IpMulticastAll => self.mc_all = on,
        }
    }
}

/// Who is at the other end of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peer {
    /// Another socket of this host (a local `connect`).
    Local(SockId),
    /// A `client` step's peer, outside the scenario (remote, or on loopback:
    /// see [`super::client_source`]); it never closes first.
    Remote,
}

/// One socket of the simulated host.
///
/// Laid out (`repr(C)`) with what a rule reads of a port's owner that a bind
/// names — its name, state, id, owner, options, address, and what it
/// inherited from its listener — first, so that on a large host such an
/// owner costs one or two cache lines, not one per field; the rest after,
/// widest alignment first, and a few flags in the first block's padding:
/// `repr(C)` keeps the order as written, so a careless order pads the
/// struct (392 bytes against 352), and every connection writes it.
#[derive(Clone, Debug)]
#[repr(C)]
pub struct Socket {
    /// The name the scenario uses, or for a connection not yet accepted a
    /// description ("a connection queued on A"). Shared with the why-lines
    /// that name it.
    label: Name,
    state: State,
    id: SockId,
    uid: u32,
    opts: Opts,
    proto: Proto,
    /// Whether the scenario holds a handle to it (false for queued
    /// connections and TIME_WAITs).
    named: bool,
    local: Option<SockAddr>,
    /// The options as they were at bind() (Windows decides by these).
    bind_opts: Opts,
    /// The port came from connect()'s autobind (Linux shares such ports
    /// between connections; bind()-owned ports it never reuses).
    connect_bound: bool,
    /// bind() named the port (not 0): Linux's SOCK_BINDPORT_LOCK. A port the
    /// kernel picked is given back when a connect fails.
    port_locked: bool,
    /// The server side of a connection: the listener it was made from, and
    /// the options it has from that listener and has not set since (a
    /// why-line must not say it set them).
    listener: Option<Name>,
    inherited: Opts,
    /// The server side of a connection (queued or accepted), not a socket
    /// the scenario created.
    child: bool,
    /// Came from a listener that had SO_EXCLUSIVEADDRUSE (Windows keeps the
    /// port from exclusive reuse while such a connection lingers).
    from_exclusive: bool,
    /// Shared with the why-lines that name it.
    user: Name,
    peer: Option<Peer>,
    /// Listeners whose accept queue holds this connection (more than one only
    /// where the OS leaves the choice undefined).
    queued_on: Vec<SockId>,
    /// Accept queue of a listener, oldest first.
    queue: VecDeque<SockId>,
    /// UDP: the multicast groups joined (IP_ADD_MEMBERSHIP), in join order.
    groups: Vec<IpAddr>,
    /// When it was filed there (the host's sequence): the 4-tuple chain
    /// is newest first (`hlist_nulls_add_head_rcu`), and its lookup takes
    /// the first that matches, so of two sockets filed under one peer and
    /// connected to it, the one filed last is found. Measured.
    udp_hash4_seq: u64,
    /// Order of bind (routing on the BSDs depends on it).
    bound_seq: u64,
    /// Order of listen (Linux's listener list and reuseport groups).
    listen_seq: u64,
    /// The SO_REUSEPORT group the socket joined (0: none): a UDP socket at
    /// bind(), a Linux TCP socket at listen().
    reuse_group: u64,
    /// UDP: where the socket stands in the kernel's lookup chain for its
    /// address (Linux: set at bind, again when connect() rehashes it);
    /// `chain_tail`: appended rather than prepended.
    chain_seq: u64,
    /// Order of socket() (the BSDs walk their PCB list newest created first).
    created_seq: u64,
    remote: Option<SockAddr>,
    /// Linux UDP: the peer of the socket's first connect(), under which its
    /// 4-tuple hash (`udp_lib_hash4`, 6.13+) files it; a later connect()
    /// does not file it again (`if (… udp_hashed4(sk)) return;`), so a
    /// datagram finds it there only while it is connected to that peer.
    /// Measured.
    udp_hash4_peer: Option<SockAddr>,
    /// The port getsockname() reports. Linux keeps reporting a port it took
    /// back after a failed connect (`inet_sport` is left as it was).
    sockname_port: u16,
    /// Linux, after a failed connect() gave back the port: the address
    /// bind() named, which the socket keeps (SOCK_BINDADDR_LOCK: the
    /// kernel's failure path resets the source address only without it) and
    /// its next connect() leaves from. Measured on this machine's kernel.
    kept_ip: Option<IpAddr>,
    /// The local address the PCB was last hashed under: set by bind(), and
    /// by a connect() that hashes the socket anew (an unbound one, TCP or
    /// UDP; a UDP one a reconnect's disconnect took out); `None` while that
    /// disconnect has it out. FreeBSD keys an SO_REUSEPORT_LB group by it, and a
    /// connect() of a bound socket only rehashes it (`in_pcbrehash`), so a
    /// connected member stays in the group it joined at bind().
    hashed_ip: Option<IpAddr>,
    /// A bind() of this socket once named an address other than 0.0.0.0 or
    /// `::` (`::ffff:0.0.0.0` counts): Linux's SOCK_BINDADDR_LOCK, which
    /// `__inet_bind` / `__inet6_bind` set and nothing clears. A failed
    /// connect() resets the source address only without it. Measured.
    addr_locked: bool,
    /// XNU: an AF_INET6 PCB left in one family (`inp_vflag`: Some(true)
    /// INP_IPV4 alone, Some(false) INP_IPV6 alone) with nothing to give the
    /// other back: by a TCP connect() (set at the call, cleared by a bind or
    /// listen's autobind), or by a UDP connect() once a reconnect's
    /// disconnect leaves the socket unconnected (see `udp6_peer_v4`).
    pcb_narrowed: Option<bool>,
    /// The family of the last peer a UDP connect() of this AF_INET6 socket
    /// reached (`Some(true)`: a v4-mapped one). The BSDs' `udp6_connect`
    /// leaves the PCB in that family, and a disconnect does not restore it.
    udp6_peer_v4: Option<bool>,
    /// A connect() of this socket sent its SYN and failed (refused, or
    /// nothing answered): Linux then refuses listen() (measured); FreeBSD
    /// and XNU dropped the control block, so listen, bind and connect fail.
    handshake_failed: bool,
    /// The peer's reset left ECONNRESET in the socket's error (`so_error`)
    /// and no call has returned it yet (XNU's connect() returns it once).
    reset_error: bool,
    /// The peer has closed or reset: closing now is a passive close (no TIME_WAIT).
    peer_closed: bool,
    /// Linux TCP: the listener went to the tail of its listening list (an
    /// AF_INET6 socket with SO_REUSEPORT on when it started listening).
    listen_tail: bool,
    chain_tail: bool,
}

/// Reading a socket: what the OS modules and the views may know.
impl Socket {
    pub fn id(&self) -> SockId {
        self.id
    }
    /// The name the scenario uses, or for a connection not yet accepted a
    /// description ("a connection queued on A").
    pub fn label(&self) -> &str {
        &self.label
    }
    /// The label as a why-line keeps it (no copy of the text).
    pub fn name(&self) -> Name {
        self.label.clone()
    }
    /// Whether the scenario holds a handle to it (false for queued
    /// connections and TIME_WAITs).
    pub fn named(&self) -> bool {
        self.named
    }
    pub fn proto(&self) -> Proto {
        self.proto
    }
    pub fn user(&self) -> &str {
        &self.user
    }
    /// The owner's name as a why-line keeps it (no copy of the text).
    pub fn user_name(&self) -> Name {
        self.user.clone()
    }
    pub fn uid(&self) -> u32 {
        self.uid
    }
    pub fn opts(&self) -> Opts {
        self.opts
    }
    /// The options as they were at bind() (Windows decides by these).
    pub fn bind_opts(&self) -> Opts {
        self.bind_opts
    }
    pub fn state(&self) -> State {
        self.state
    }
    pub fn local(&self) -> Option<SockAddr> {
        self.local
    }
    pub fn remote(&self) -> Option<SockAddr> {
        self.remote
    }
    /// The port came from connect()'s autobind.
    pub fn connect_bound(&self) -> bool {
        self.connect_bound
    }
    /// bind() named the port (not 0): Linux's SOCK_BINDPORT_LOCK.
    pub fn port_locked(&self) -> bool {
        self.port_locked
    }
    /// The port getsockname() reports.
    pub fn sockname_port(&self) -> u16 {
        self.sockname_port
    }
    /// The address a Linux socket kept when a failed connect() gave back its
    /// port (see the field).
    pub fn kept_ip(&self) -> Option<IpAddr> {
        self.kept_ip
    }
    /// See the field: an earlier bind() named an address (Linux).
    pub fn addr_locked(&self) -> bool {
        self.addr_locked
    }
    /// See the field.
    pub fn pcb_narrowed(&self) -> Option<bool> {
        self.pcb_narrowed
    }
    /// See the field: the address the PCB was last hashed under.
    pub fn hashed_ip(&self) -> Option<IpAddr> {
        self.hashed_ip
    }
    /// See the field: the peer a Linux UDP socket's 4-tuple hash holds.
    pub fn udp_hash4_peer(&self) -> Option<SockAddr> {
        self.udp_hash4_peer
    }
    /// See the field.
    pub fn udp_hash4_seq(&self) -> u64 {
        self.udp_hash4_seq
    }
    /// See the field: the family a UDP connect() left an AF_INET6 socket in.
    pub fn udp6_peer_v4(&self) -> Option<bool> {
        self.udp6_peer_v4
    }
    /// A connect() of this socket sent its SYN and failed.
    pub fn handshake_failed(&self) -> bool {
        self.handshake_failed
    }
    /// The stack dropped this TCP connection: its handshake failed, or the
    /// peer reset it. On the BSDs the control block is gone (FreeBSD's
    /// INP_DROPPED, XNU's INPCB_STATE_DEAD).
    pub fn connection_dropped(&self) -> bool {
        self.handshake_failed || self.state == State::Reset
    }
    /// The peer's reset left ECONNRESET that no call has returned yet.
    pub fn reset_error_pending(&self) -> bool {
        self.reset_error
    }
    /// Order of bind (routing on the BSDs depends on it).
    pub fn bound_seq(&self) -> u64 {
        self.bound_seq
    }
    /// Order of listen (Linux's listener list and reuseport groups).
    pub fn listen_seq(&self) -> u64 {
        self.listen_seq
    }
    pub fn peer(&self) -> Option<Peer> {
        self.peer
    }
    /// The peer has closed or reset: closing now is a passive close.
    pub fn peer_closed(&self) -> bool {
        self.peer_closed
    }
    /// Listeners whose accept queue holds this connection.
    pub fn queued_on(&self) -> &[SockId] {
        &self.queued_on
    }
    /// Accept queue of a listener, oldest first.
    pub fn queue(&self) -> &VecDeque<SockId> {
        &self.queue
    }
    /// The server side of a connection (queued or accepted).
    pub fn child(&self) -> bool {
        self.child
    }
    /// Came from a listener that had SO_EXCLUSIVEADDRUSE.
    pub fn from_exclusive(&self) -> bool {
        self.from_exclusive
    }
    /// The listener `opt` came from, when this is the server side of a
    /// connection that has it from there (accept() copies the listener's
    /// options) and has not set it since.
    pub fn inherited_from(&self, opt: SockOpt) -> Option<Name> {
        self.listener.clone().filter(|_| self.inherited.get(opt))
    }

    /// UDP: the multicast groups joined, in join order.
    pub fn groups(&self) -> &[IpAddr] {
        &self.groups
    }
    /// Order of socket(): the BSDs' PCB list is newest created first.
    pub fn created_seq(&self) -> u64 {
        self.created_seq
    }
    /// UDP: the SO_REUSEPORT group joined at bind() (0: none).
    pub fn reuse_group(&self) -> u64 {
        self.reuse_group
    }
    /// UDP: the socket's place in the lookup chain of its address: a higher
    /// key is met first (see [`Socket::chain_key`]).
    pub fn chain_seq(&self) -> u64 {
        self.chain_seq
    }
    /// Filed at the tail of its lookup chain (Linux: an AF_INET6 socket
    /// that bound with SO_REUSEPORT), so met after the others, oldest first.
    pub fn chain_tail(&self) -> bool {
        self.chain_tail
    }
    /// UDP: the order a lookup chain is walked in: prepended sockets newest
    /// first, then appended ones oldest first.
    pub fn chain_key(&self) -> u64 {
        crate::sort::tail_order(self.chain_tail, self.chain_seq)
    }
    pub fn is_udp(&self) -> bool {
        self.proto.is_udp()
    }

    pub fn is_v6(&self) -> bool {
        self.proto.is_v6()
    }
    pub fn is_listening(&self) -> bool {
        self.state == State::Listening
    }
    /// TIME_WAIT or FIN_WAIT_2: an end its program closed, which the kernel
    /// keeps. Linux holds both as one timewait sock (`sk_state` is
    /// TCP_TIME_WAIT, the FIN_WAIT_2 a substate), so its bind rules and
    /// connect()'s take-over treat them alike; the BSDs' rules look at
    /// neither; Windows' see TIME_WAITs only (it has no FIN_WAIT_2 here).
    pub fn is_closed_end(&self) -> bool {
        matches!(self.state, State::TimeWait { .. } | State::FinWait2 { .. })
    }
    /// When a closed end's TIME_WAIT or FIN_WAIT_2 ends.
    pub fn closed_end_until(&self) -> Option<u64> {
        match self.state {
            State::TimeWait { until_ms } | State::FinWait2 { until_ms } => Some(until_ms),
            _ => None,
        }
    }
    /// Connected or TIME_WAIT: it has a remote end.
    pub fn is_connected(&self) -> bool {
        self.remote.is_some()
    }
    pub fn local_port(&self) -> Option<u16> {
        self.local.map(|l| l.port)
    }
    /// Bound to 0.0.0.0 or `::`.
    pub fn is_wildcard(&self) -> bool {
        self.local.is_some_and(|l| is_wildcard(l.ip))
    }
    /// The 4-tuple as a why-line's argument, written only if the line is:
    /// "127.0.0.1:5555↔127.0.0.1:9000", or "" when not connected.
    pub fn tuple_arg(&self) -> Arg {
        match (self.local, self.remote) {
            (Some(l), Some(r)) => Arg::Tuple(l, r),
            _ => Arg::Word(""),
        }
    }

    /// A copy of the socket as root would have it (uid 0): for asking what
    /// the same call would do with the privilege, never filed in the host.
    pub fn as_root(&self) -> Socket {
        Socket {
            uid: 0,
            user: Name::from("root"),
            ..self.clone()
        }
    }

    /// "A", or for a TIME_WAIT "the TIME_WAIT left by A 127.0.0.1:5555↔…
    /// (42s left)": how why-lines name the socket (words from the catalogue).
    /// Written only if the line that names it is (the socket's own name is
    /// shared, as [`Socket::name`]).
    pub fn who(&self, now_ms: u64) -> Arg {
        let left = |until_ms: u64| until_ms.saturating_sub(now_ms).div_ceil(1000);
        match self.state {
            State::TimeWait { until_ms } => {
                crate::os::common::time_wait_who(self.name(), self.tuple_arg(), left(until_ms))
            }
            State::FinWait2 { until_ms } => {
                crate::os::common::fin_wait_2_who(self.name(), self.tuple_arg(), left(until_ms))
            }
            _ => Arg::Name(self.label.clone()),
        }
    }
}

/// Changing a socket: the only code that writes its fields. Each method is
/// one transition of the socket itself; the host keeps its indexes in step.
impl Socket {
    /// A socket the scenario created with `socket NAME PROTO`.
    pub(super) fn new(
        id: SockId,
        name: &str,
        proto: Proto,
        user: &str,
        uid: u32,
        opts: Opts,
    ) -> Socket {
        Socket {
            id,
            label: name.into(),
            named: true,
            proto,
            user: user.into(),
            uid,
            opts,
            bind_opts: opts,
            state: State::Unbound,
            local: None,
            remote: None,
            connect_bound: false,
            port_locked: false,
            sockname_port: 0,
            pcb_narrowed: None,
            udp6_peer_v4: None,
            hashed_ip: None,
            udp_hash4_peer: None,
            udp_hash4_seq: 0,
            kept_ip: None,
            addr_locked: false,
            handshake_failed: false,
            reset_error: false,
            bound_seq: 0,
            listen_seq: 0,
            peer: None,
            peer_closed: false,
            queued_on: Vec::new(),
            queue: VecDeque::new(),
            child: false,
            from_exclusive: false,
            listener: None,
            inherited: Opts::default(),
            groups: Vec::new(),
            reuse_group: 0,
            listen_tail: false,
            chain_seq: 0,
            chain_tail: false,
            created_seq: 0,
        }
    }

    /// The server side of a new connection, queued on `listeners` (the first
    /// one, `l`, gives it its protocol, owner and options). It has no local
    /// address until the host gives it one.
    pub(super) fn new_child(
        id: SockId,
        label: Name,
        l: &Socket,
        remote: SockAddr,
        peer: Peer,
        listeners: &[SockId],
    ) -> Socket {
        Socket {
            id,
            label,
            named: false,
            proto: l.proto,
            user: l.user.clone(),
            uid: l.uid,
            opts: l.opts,
            bind_opts: l.opts,
            state: State::Connected,
            local: None,
            remote: Some(remote),
            connect_bound: false,
            port_locked: false,
            sockname_port: 0,
            pcb_narrowed: None,
            udp6_peer_v4: None,
            hashed_ip: None,
            udp_hash4_peer: None,
            udp_hash4_seq: 0,
            kept_ip: None,
            addr_locked: false,
            handshake_failed: false,
            reset_error: false,
            bound_seq: 0,
            listen_seq: 0,
            peer: Some(peer),
            peer_closed: false,
            queued_on: listeners.to_vec(),
            queue: VecDeque::new(),
            child: true,
            from_exclusive: l.bind_opts.exclusive,
            listener: Some(l.name()),
            inherited: l.opts,
            groups: Vec::new(),
            reuse_group: 0,
            listen_tail: false,
            chain_seq: 0,
            chain_tail: false,
            created_seq: 0,
        }
    }

    /// setsockopt(): options set before bind() are also the bind-time ones.
    pub(super) fn set_opt(&mut self, opt: SockOpt, on: bool) {
        self.opts.set(opt, on);
        // From now on the socket has `opt` as it set it itself.
        self.inherited.set(opt, false);
        if self.local.is_none() {
            self.bind_opts = self.opts;
            self.hashed_ip = self.local.map(|l| l.ip);
        }
    }

    /// Takes the local address `local`; `seq` orders first binds.
    pub(super) fn set_local(&mut self, local: SockAddr, seq: u64) {
        if self.local.is_none() {
            self.bound_seq = seq;
        }
        self.local = Some(local);
        self.sockname_port = local.port;
        self.kept_ip = None;
    }

    /// bind() succeeded (explicitly, or listen()'s autobind): the options
    /// are now the bind-time ones.
    pub(super) fn bound(&mut self) {
        // A reset socket (Linux lets it bind again) stays unable to listen.
        if self.state != State::Reset {
            self.state = State::Bound;
        }
        self.bind_opts = self.opts;
        self.hashed_ip = self.local.map(|l| l.ip);
        if self.local.is_some_and(|l| !l.ip.is_unspecified()) {
            self.addr_locked = true;
        }
        // Linux: binding an AF_INET6 socket to a specific non-mapped address
        // makes it v6-only (`__inet6_bind`); on the other OSes the address
        // alone already keeps IPv4 out.
        if let Some(SockAddr {
            ip: IpAddr::V6(a), ..
        }) = self.local
        {
            if !a.is_unspecified() && crate::addr::v4_mapped(a).is_none() {
                self.opts.v6only = true;
            }
        }
    }

    /// bind() named the port (Linux's SOCK_BINDPORT_LOCK) or let the kernel pick.
    pub(super) fn set_port_locked(&mut self, locked: bool) {
        self.port_locked = locked;
    }

    pub(super) fn listen(&mut self, seq: u64) {
        self.state = State::Listening;
        self.listen_seq = seq;
        self.listen_tail = self.is_v6() && self.opts.reuseport;
    }

    /// See the field.
    pub fn listen_tail(&self) -> bool {
        self.listen_tail
    }

    pub(super) fn narrow_pcb(&mut self, v4: Option<bool>) {
        self.pcb_narrowed = v4;
    }

    /// A connect() sent its SYN and the handshake failed.
    pub(super) fn handshake_failed_now(&mut self) {
        self.handshake_failed = true;
    }

    /// connect()'s autobind picked the port.
    pub(super) fn autobound_by_connect(&mut self) {
        self.connect_bound = true;
    }

    /// The PCB was hashed under its local address now (see `hashed_ip`).
    pub(super) fn hashed_under_local(&mut self) {
        self.hashed_ip = self.local.map(|l| l.ip);
    }

    /// The handshake completed: connected to `remote`.
    pub(super) fn connected(&mut self, remote: SockAddr) {
        self.remote = Some(remote);
        self.state = State::Connected;
    }

    pub(super) fn set_peer(&mut self, peer: Peer) {
        self.peer = Some(peer);
    }

    /// Linux after a failed connect: the port went back, getsockname() still
    /// shows it.
    pub(super) fn set_sockname_port(&mut self, port: u16) {
        self.sockname_port = port;
    }

    /// BSD after a failed connect: the socket keeps the port connect() bound.
    pub(super) fn keep_bound(&mut self) {
        self.state = State::Bound;
    }

    /// The port went back to the kernel: unbound again (a failed connect on
    /// Linux); the host has already unhashed it. A specific address bind()
    /// named stays, for the next connect() to leave from.
    pub(super) fn unbind(&mut self) {
        self.kept_ip = self
            .local
            .map(|l| l.ip)
            .filter(|ip| !crate::addr::is_wildcard(*ip));
        self.local = None;
        self.state = State::Unbound;
    }

    /// A refused bind reset the address (see
    /// `OsParams::failed_bind_resets_address`): the next connect() or
    /// listen() leaves from the wildcard.
    pub(super) fn forget_kept_ip(&mut self) {
        self.kept_ip = None;
    }

    /// The peer reset the connection; `release` also gives back the local
    /// address (the host has already unhashed it).
    pub(super) fn reset(&mut self, release: bool) {
        self.peer_closed = true;
        self.reset_error = true;
        self.state = State::Reset;
        if release {
            self.local = None;
        }
    }

    /// A call returned the reset's pending error (and cleared it).
    pub(super) fn reset_error_returned(&mut self) {
        self.reset_error = false;
    }

    /// The peer closed (FIN): closing now is a passive close.
    pub(super) fn peer_gone(&mut self) {
        self.peer_closed = true;
    }

    /// The slot of `id`, our peer, will be reused: forget it.
    pub(super) fn forget_peer(&mut self, id: SockId) {
        if self.peer == Some(Peer::Local(id)) {
            self.peer = None;
        }
    }

    /// Active close: the handle goes, the 4-tuple stays in `state`
    /// (TIME_WAIT, or FIN_WAIT_2 while the peer has not closed).
    pub(super) fn closed_end(&mut self, state: State) {
        debug_assert!(matches!(
            state,
            State::TimeWait { .. } | State::FinWait2 { .. }
        ));
        self.named = false;
        self.state = state;
    }

    /// A listener's queue takes a new connection.
    pub(super) fn enqueue(&mut self, child: SockId) {
        self.queue.push_back(child);
    }

    /// accept(): the oldest queued connection.
    pub(super) fn dequeue(&mut self) -> Option<SockId> {
        self.queue.pop_front()
    }

    /// `child` left this listener's queue (accepted elsewhere, or gone).
    pub(super) fn unqueue(&mut self, child: SockId) {
        self.queue.retain(|&c| c != child);
    }

    /// The listener `l` no longer holds this connection; true when no
    /// listener does.
    pub(super) fn leave_listener(&mut self, l: SockId) -> bool {
        self.queued_on.retain(|&x| x != l);
        self.queued_on.is_empty()
    }

    /// socket() created it: `seq` orders creation.
    pub(super) fn created(&mut self, seq: u64) {
        self.created_seq = seq;
    }

    /// UDP: joined multicast `group`.
    pub(super) fn join(&mut self, group: IpAddr) {
        self.groups.push(group);
    }

    /// UDP: entered an SO_REUSEPORT group at bind().
    pub(super) fn set_reuse_group(&mut self, g: u64) {
        self.reuse_group = g;
    }

    /// UDP: (re)inserted into the lookup chain of its address.
    pub(super) fn rechain(&mut self, seq: u64, tail: bool) {
        self.chain_seq = seq;
        self.chain_tail = tail;
    }

    /// A BSD's disconnect before a second connect(): no peer any more.
    pub(super) fn udp_disconnected(&mut self) {
        self.remote = None;
        self.state = State::Bound;
        self.hashed_ip = None;
    }

    /// UDP connect(): the peer is fixed (no handshake), and a wildcard
    /// local address became the source address.
    /// `rehashed`: the connect() hashed the socket anew (see `hashed_ip`).
    pub(super) fn udp_connected(&mut self, remote: SockAddr, rehashed: bool, seq: u64) {
        self.remote = Some(remote);
        self.state = State::Connected;
        if self.udp_hash4_peer.is_none() {
            self.udp_hash4_peer = Some(remote);
            self.udp_hash4_seq = seq;
        }
        if rehashed {
            self.hashed_ip = self.local.map(|l| l.ip);
        }
        if self.is_v6() {
            self.udp6_peer_v4 = Some(crate::addr::as_v4(remote.ip).is_some());
        }
    }

    /// Now `user`'s (`uid`): see `OsRules::accept_takes_acceptors_user`.
    pub(super) fn set_owner(&mut self, uid: u32, user: &str) {
        self.uid = uid;
        self.user = user.into();
    }

    /// accept() handed this connection to the scenario as `name`.
    pub(super) fn accepted(&mut self, name: &str) {
        self.queued_on.clear();
        self.label = name.into();
        self.named = true;
    }
}
