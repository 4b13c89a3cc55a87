//! The simulated host: addresses, users, a clock, and the socket tables.
//!
//! Like a real stack it keeps three indexes:
//! * `by_port` — the bind hash: every socket that holds a local port
//!   (bound, listening, connected, TIME_WAIT), so a bind check looks only at
//!   its own port, whatever the number of sockets;
//! * `ehash` — connected sockets and TIME_WAITs by 4-tuple;
//! * `by_name` — the scenario's handles.
//!
//! The host never decides a rule: it asks the OS module ([`OsRules`]) and
//! applies the answer. See `ARCHITECTURE.md`.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::addr::{as_v4, is_wildcard, unmap, SockAddr};
use crate::os::common;
use crate::os::{Decision, Os, OsRules, Route};
use crate::report::StepReport;
use crate::scenario::{EndpointSpec, PortSpec, Proto, Scenario, SockOpt, Step, StepKind};

pub type SockId = usize;

/// The socket state, as far as address reuse cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Unbound,
    Bound,
    Listening,
    Connected,
    /// The kernel keeps the 4-tuple after an active close until `until_ms`.
    TimeWait {
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
            State::Reset => "reset",
        }
    }
}

/// Socket options as booleans.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Opts {
    pub reuseaddr: bool,
    pub reuseport: bool,
    pub reuseport_lb: bool,
    pub exclusive: bool,
    pub v6only: bool,
}

impl Opts {
    pub fn get(&self, o: SockOpt) -> bool {
        match o {
            SockOpt::SoReuseAddr => self.reuseaddr,
            SockOpt::SoReusePort => self.reuseport,
            SockOpt::SoReusePortLb => self.reuseport_lb,
            SockOpt::SoExclusiveAddrUse => self.exclusive,
            SockOpt::Ipv6V6Only => self.v6only,
        }
    }
    fn set(&mut self, o: SockOpt, on: bool) {
        match o {
            SockOpt::SoReuseAddr => self.reuseaddr = on,
            SockOpt::SoReusePort => self.reuseport = on,
            SockOpt::SoReusePortLb => self.reuseport_lb = on,
            SockOpt::SoExclusiveAddrUse => self.exclusive = on,
            SockOpt::Ipv6V6Only => self.v6only = on,
        }
    }
    /// The reuse options that are on, for explanations: "SO_REUSEADDR, SO_REUSEPORT".
    pub fn describe(&self) -> String {
        let names: Vec<&str> = [
            SockOpt::SoReuseAddr,
            SockOpt::SoReusePort,
            SockOpt::SoReusePortLb,
            SockOpt::SoExclusiveAddrUse,
        ]
        .into_iter()
        .filter(|o| self.get(*o))
        .map(|o| o.name())
        .collect();
        if names.is_empty() {
            "no reuse option".to_string()
        } else {
            names.join(" + ")
        }
    }
}

/// Who is at the other end of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peer {
    /// Another socket of this host (a local `connect`).
    Local(SockId),
    /// A `client` step's peer, outside the scenario (remote, or on loopback:
    /// see [`client_source`]); it never closes first.
    Remote,
}

/// One socket of the simulated host.
#[derive(Clone, Debug)]
pub struct Socket {
    pub id: SockId,
    /// The name the scenario uses, or for a connection not yet accepted a
    /// description ("a connection queued on A").
    pub label: String,
    /// Whether the scenario holds a handle to it (false for queued
    /// connections and TIME_WAITs).
    pub named: bool,
    pub proto: Proto,
    pub user: String,
    pub uid: u32,
    pub opts: Opts,
    /// The options as they were at bind() (Windows decides by these).
    pub bind_opts: Opts,
    pub state: State,
    pub local: Option<SockAddr>,
    pub remote: Option<SockAddr>,
    /// The port came from connect()'s autobind (Linux shares such ports
    /// between connections; bind()-owned ports it never reuses).
    pub connect_bound: bool,
    /// bind() named the port (not 0): Linux's SOCK_BINDPORT_LOCK. A port the
    /// kernel picked is given back when a connect fails.
    pub port_locked: bool,
    /// The port getsockname() reports. Linux keeps reporting a port it took
    /// back after a failed connect (`inet_sport` is left as it was).
    pub sockname_port: u16,
    /// An AF_INET6 socket that has tried to connect to a v4-mapped address
    /// (Linux switches it to IPv4 operations for good).
    pub tried_v4_mapped: bool,
    /// Order of bind (routing on the BSDs depends on it).
    pub bound_seq: u64,
    /// Order of listen (Linux's listener list and reuseport groups).
    pub listen_seq: u64,
    pub peer: Option<Peer>,
    /// The peer has closed or reset: closing now is a passive close (no TIME_WAIT).
    pub peer_closed: bool,
    /// Listeners whose accept queue holds this connection (more than one only
    /// where the OS leaves the choice undefined).
    pub queued_on: Vec<SockId>,
    /// Accept queue of a listener, oldest first.
    pub queue: VecDeque<SockId>,
    /// The server side of a connection (queued or accepted), not a socket
    /// the scenario created.
    pub child: bool,
    /// Came from a listener that had SO_EXCLUSIVEADDRUSE (Windows keeps the
    /// port from exclusive reuse while such a connection lingers).
    pub from_exclusive: bool,
}

impl Socket {
    pub fn is_v6(&self) -> bool {
        self.proto.is_v6()
    }
    pub fn is_listening(&self) -> bool {
        self.state == State::Listening
    }
    pub fn is_time_wait(&self) -> bool {
        matches!(self.state, State::TimeWait { .. })
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
    /// "127.0.0.1:5555↔127.0.0.1:9000", or "" when not connected.
    pub fn tuple(&self) -> String {
        match (self.local, self.remote) {
            (Some(l), Some(r)) => format!("{l}↔{r}"),
            _ => String::new(),
        }
    }

    /// "A" or "A (TIME_WAIT, 42s left)", for explanations.
    pub fn who(&self, now_ms: u64) -> String {
        match self.state {
            State::TimeWait { until_ms } => {
                let left = until_ms.saturating_sub(now_ms).div_ceil(1000);
                let tuple = if self.remote.is_some() {
                    format!(" {}", self.tuple())
                } else {
                    String::new()
                };
                format!("the TIME_WAIT left by {}{tuple} ({left}s left)", self.label)
            }
            _ => self.label.clone(),
        }
    }
    /// "A (listening on 0.0.0.0:21, SO_REUSEADDR)".
    pub fn describe(&self, now_ms: u64) -> String {
        let at = self.local.map(|l| format!(" on {l}")).unwrap_or_default();
        match self.state {
            State::TimeWait { .. } => format!("{}, {}", self.who(now_ms), self.opts.describe()),
            st => format!(
                "{} ({}{at}, {})",
                self.label,
                st.label(),
                self.opts.describe()
            ),
        }
    }
}

/// The simulated host.
#[derive(Clone, Debug)]
pub struct Host {
    pub os: Os,
    pub now_ms: u64,
    pub seed: u64,
    ifaces: Vec<IpAddr>,
    users: BTreeMap<String, u32>,
    user: String,
    socks: Vec<Option<Socket>>,
    /// Slots of destroyed sockets, reused first (keeps the slab small and warm).
    free: Vec<SockId>,
    by_name: HashMap<String, SockId>,
    by_port: HashMap<u16, Vec<SockId>>,
    ehash: HashMap<(SockAddr, SockAddr), SockId>,
    seq: u64,
    next_client: u32,
}

impl Host {
    pub fn new(os: Os, ifaces: &[IpAddr], seed: u64) -> Host {
        let mut users = BTreeMap::new();
        users.insert("root".to_string(), 0);
        Host {
            os,
            now_ms: 0,
            seed,
            ifaces: ifaces.to_vec(),
            users,
            user: "root".to_string(),
            socks: Vec::new(),
            free: Vec::new(),
            by_name: HashMap::new(),
            by_port: HashMap::new(),
            ehash: HashMap::new(),
            seq: 0,
            next_client: 0,
        }
    }

    /// The invariant every step keeps: no two connections (or TIME_WAITs)
    /// hold the same five-tuple, compared as on the wire (`::ffff:a.b.c.d`
    /// is `a.b.c.d`). The property tests, the regressions and the fuzz
    /// targets all check this one.
    pub fn five_tuples_unique(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for s in self.sockets() {
            if matches!(s.state, State::Connected | State::TimeWait { .. }) {
                if let (Some(l), Some(r)) = (s.local, s.remote) {
                    if !seen.insert(wire(l, r)) {
                        return Err(format!("two sockets share {l} ↔ {r}"));
                    }
                }
            }
        }
        Ok(())
    }

    pub fn rules(&self) -> &'static dyn OsRules {
        self.os.rules()
    }

    /// The addresses a socket may bind: 127.0.0.1, ::1 and the `iface` ones
    /// (all of 127/8 where the OS routes it to loopback).
    pub fn is_local(&self, ip: IpAddr) -> bool {
        let ip = unmap(ip);
        if ip.is_unspecified()
            || ip == IpAddr::V4(Ipv4Addr::LOCALHOST)
            || ip == IpAddr::V6(Ipv6Addr::LOCALHOST)
        {
            return true;
        }
        if let IpAddr::V4(v4) = ip {
            if v4.is_loopback() && self.rules().params().loopback_is_slash8 {
                return true;
            }
        }
        self.ifaces.contains(&ip)
    }

    /// The interface addresses, loopback first.
    pub fn local_addresses(&self) -> Vec<IpAddr> {
        let mut v = vec![
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ];
        for a in &self.ifaces {
            if !v.contains(a) {
                v.push(*a);
            }
        }
        v
    }

    pub fn uid_of(&self, user: &str) -> u32 {
        self.users.get(user).copied().unwrap_or(u32::MAX)
    }

    pub fn socket(&self, id: SockId) -> &Socket {
        self.socks[id].as_ref().expect("live socket id")
    }

    pub fn get(&self, id: SockId) -> Option<&Socket> {
        self.socks.get(id).and_then(|s| s.as_ref())
    }

    /// Every live socket, TIME_WAITs and queued connections included.
    pub fn sockets(&self) -> impl Iterator<Item = &Socket> {
        self.socks.iter().flatten()
    }

    pub fn by_name(&self, name: &str) -> Option<&Socket> {
        self.by_name.get(name).map(|&id| self.socket(id))
    }

    /// Every socket holding `port`, other than `except`, oldest bind first
    /// (a bucket is appended to as sockets bind, so it is in bind order).
    pub fn owners(&self, port: u16, except: SockId) -> Vec<&Socket> {
        self.owners_iter(port, except).collect()
    }

    /// [`Host::owners`] without collecting; `.rev()` walks newest first, as
    /// the BSD hash chains do.
    pub fn owners_iter(
        &self,
        port: u16,
        except: SockId,
    ) -> impl DoubleEndedIterator<Item = &Socket> {
        self.by_port
            .get(&port)
            .into_iter()
            .flatten()
            .filter(move |&&id| id != except)
            .map(|&id| self.socket(id))
    }

    /// Listening sockets on `port`.
    pub fn listeners(&self, port: u16) -> Vec<&Socket> {
        self.owners(port, usize::MAX)
            .into_iter()
            .filter(|s| s.is_listening())
            .collect()
    }

    pub fn port_in_use(&self, port: u16) -> bool {
        self.by_port.get(&port).is_some_and(|v| !v.is_empty())
    }

    pub fn tuple(&self, local: SockAddr, remote: SockAddr) -> Option<&Socket> {
        self.ehash
            .get(&wire(local, remote))
            .map(|&id| self.socket(id))
    }

    /// A stable stand-in for the kernel's keyed 4-tuple hash (splitmix64 over
    /// the seed and the tuple). Real kernels key it with a per-boot secret, so
    /// only the *set* of possible receivers is comparable with a real run.
    pub fn tuple_hash(&self, src: SockAddr, dst: SockAddr) -> u32 {
        fn mix(mut z: u64) -> u64 {
            z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
        let bits = |ip: IpAddr| -> u64 {
            match ip {
                IpAddr::V4(a) => u32::from(a) as u64,
                IpAddr::V6(a) => {
                    let n = u128::from(a);
                    (n as u64) ^ ((n >> 64) as u64)
                }
            }
        };
        let mut h = mix(self.seed);
        for part in [bits(src.ip), src.port as u64, bits(dst.ip), dst.port as u64] {
            h = mix(h ^ part);
        }
        (h >> 32) as u32
    }

    // ---- changes -----------------------------------------------------------

    fn insert(&mut self, s: Socket) -> SockId {
        let id = s.id;
        if s.named {
            self.by_name.insert(s.label.clone(), id);
        }
        if self.free.last() == Some(&id) {
            self.free.pop();
        }
        if id == self.socks.len() {
            self.socks.push(Some(s));
        } else {
            self.socks[id] = Some(s);
        }
        id
    }

    fn next_id(&self) -> SockId {
        self.free.last().copied().unwrap_or(self.socks.len())
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn sock_mut(&mut self, id: SockId) -> &mut Socket {
        self.socks[id].as_mut().expect("live socket id")
    }

    /// Gives `id` the local address `local`, keeping the bind hash in step.
    fn set_local(&mut self, id: SockId, local: SockAddr) {
        let old = self.socket(id).local;
        if let Some(old) = old {
            if old.port != local.port {
                self.unhash_port(id, old.port);
            }
        }
        if old.map(|o| o.port) != Some(local.port) {
            self.by_port.entry(local.port).or_default().push(id);
        }
        let seq = self.next_seq();
        let s = self.sock_mut(id);
        if s.local.is_none() {
            s.bound_seq = seq;
        }
        s.local = Some(local);
        s.sockname_port = local.port;
    }

    fn unhash_port(&mut self, id: SockId, port: u16) {
        if let Some(v) = self.by_port.get_mut(&port) {
            v.retain(|&x| x != id);
            if v.is_empty() {
                self.by_port.remove(&port);
            }
        }
    }

    /// Removes a socket from every table.
    fn destroy(&mut self, id: SockId) {
        let s = self.socks[id].take().expect("live socket id");
        if let Some(l) = s.local {
            self.unhash_port(id, l.port);
            if let Some(r) = s.remote {
                if self.ehash.get(&wire(l, r)) == Some(&id) {
                    self.ehash.remove(&wire(l, r));
                }
            }
        }
        if s.named && self.by_name.get(&s.label) == Some(&id) {
            self.by_name.remove(&s.label);
        }
        for l in s.queued_on {
            if let Some(Some(lst)) = self.socks.get_mut(l) {
                lst.queue.retain(|&c| c != id);
            }
        }
        // The slot will be reused: the peer must not keep pointing at it.
        if let Some(Peer::Local(p)) = s.peer {
            if let Some(Some(ps)) = self.socks.get_mut(p) {
                if ps.peer == Some(Peer::Local(id)) {
                    ps.peer = None;
                }
            }
        }
        self.free.push(id);
    }

    /// An old connection reset by a new one on the same 4-tuple: a queued
    /// one disappears from its listener, an accepted one is left reset.
    fn drop_stale_end(&mut self, id: SockId) {
        let s = self.socket(id);
        if s.child && !s.queued_on.is_empty() {
            self.destroy(id);
            return;
        }
        if let (Some(l), Some(r)) = (s.local, s.remote) {
            if self.ehash.get(&wire(l, r)) == Some(&id) {
                self.ehash.remove(&wire(l, r));
            }
        }
        let sm = self.sock_mut(id);
        sm.peer_closed = true;
        sm.state = State::Reset;
    }

    /// A connection's peer closed it (FIN): closing now is a passive close.
    fn mark_peer_closed(&mut self, id: SockId) {
        if let Some(Peer::Local(p)) = self.socket(id).peer {
            if let Some(Some(ps)) = self.socks.get_mut(p) {
                ps.peer_closed = true;
            }
        }
    }

    /// A connection's peer reset it (RST): the other end drops the 4-tuple
    /// and, on Linux, gives back a port the kernel picked.
    fn reset_peer(&mut self, id: SockId) {
        let Some(Peer::Local(p)) = self.socket(id).peer else {
            return;
        };
        let Some(ps) = self.get(p) else { return };
        if ps.state != State::Connected || p == id {
            return;
        }
        let (local, remote, locked) = (ps.local, ps.remote, ps.port_locked);
        if let (Some(l), Some(r)) = (local, remote) {
            if self.ehash.get(&wire(l, r)) == Some(&p) {
                self.ehash.remove(&wire(l, r));
            }
        }
        let release = self.rules().release_port_on_failed_connect() && !locked;
        if release {
            if let Some(l) = local {
                self.unhash_port(p, l.port);
            }
        }
        let ps = self.sock_mut(p);
        ps.peer_closed = true;
        ps.state = State::Reset;
        if release {
            ps.local = None;
        }
    }

    fn expire_time_waits(&mut self) -> Vec<String> {
        let now = self.now_ms;
        let done: Vec<SockId> = self
            .sockets()
            .filter(|s| matches!(s.state, State::TimeWait { until_ms } if until_ms <= now))
            .map(|s| s.id)
            .collect();
        let mut gone = Vec::new();
        for id in done {
            let s = self.socket(id);
            gone.push(match (s.local, s.remote) {
                (Some(l), Some(r)) => format!("{} {l}↔{r}", s.label),
                _ => s.label.clone(),
            });
            self.destroy(id);
        }
        gone
    }

    fn resolve(&self, ep: &EndpointSpec) -> SockAddr {
        let port = match &ep.port {
            PortSpec::Num(n) => *n,
            // A socket with no port yet answers getsockname() with port 0,
            // which is what the real program would pass on.
            PortSpec::Of(name) => self
                .by_name(name)
                .map_or(0, |s| s.local_port().unwrap_or(s.sockname_port)),
        };
        SockAddr::new(ep.addr, port)
    }

    // ---- steps -------------------------------------------------------------

    /// Runs one step and reports its outcome.
    pub fn apply(&mut self, step: &Step) -> StepReport {
        let mut rep = StepReport::new(self.os, step);
        let d = self.apply_kind(&step.kind, &mut rep);
        rep.set_decision(d);
        rep
    }

    fn missing(&self, name: &str) -> Decision {
        common::no_such_socket(name)
    }

    fn apply_kind(&mut self, kind: &StepKind, rep: &mut StepReport) -> Decision {
        let rules = self.rules();
        match kind {
            StepKind::User { name } => {
                let n = self.users.len() as u32;
                self.users
                    .entry(name.clone())
                    .or_insert(if name == "root" { 0 } else { 1000 + n });
                self.user = name.clone();
                Decision::ok()
            }
            StepKind::Wait { ms } => {
                self.now_ms = self.now_ms.saturating_add(*ms);
                let gone = self.expire_time_waits();
                common::time_wait_expired(gone)
            }
            StepKind::Socket { name, proto } => {
                let id = self.next_id();
                let v6only = proto.is_v6() && rules.params().default_v6only;
                let uid = self.uid_of(&self.user);
                let opts = Opts {
                    v6only,
                    ..Opts::default()
                };
                self.insert(Socket {
                    id,
                    label: name.clone(),
                    named: true,
                    proto: *proto,
                    user: self.user.clone(),
                    uid,
                    opts,
                    bind_opts: opts,
                    state: State::Unbound,
                    local: None,
                    remote: None,
                    connect_bound: false,
                    port_locked: false,
                    sockname_port: 0,
                    tried_v4_mapped: false,
                    bound_seq: 0,
                    listen_seq: 0,
                    peer: None,
                    peer_closed: false,
                    queued_on: Vec::new(),
                    queue: VecDeque::new(),
                    child: false,
                    from_exclusive: false,
                });
                Decision::ok()
            }
            StepKind::Set { name, opt, on } => {
                let Some(s) = self.by_name(name) else {
                    return self.missing(name);
                };
                if let Some(d) = common::setsockopt(rules, s, *opt) {
                    return d;
                }
                let d = rules.setsockopt(self, s, *opt, *on);
                if d.is_ok() {
                    let id = s.id;
                    let unbound = s.local.is_none();
                    let sm = self.sock_mut(id);
                    sm.opts.set(*opt, *on);
                    if unbound {
                        sm.bind_opts = sm.opts;
                    }
                }
                d
            }
            StepKind::Bind { name, ep } => {
                let Some(s) = self.by_name(name) else {
                    return self.missing(name);
                };
                let addr = self.resolve(ep);
                let ans = rules.bind(self, s, addr);
                if ans.decision.is_ok() {
                    let id = s.id;
                    self.do_bind(id, SockAddr::new(addr.ip, ans.port));
                    self.sock_mut(id).port_locked = addr.port != 0;
                    rep.local = self.socket(id).local;
                }
                ans.decision
            }
            StepKind::Listen { name } => {
                let Some(s) = self.by_name(name) else {
                    return self.missing(name);
                };
                let id = s.id;
                let mut autobind_note = None;
                if s.state == State::Unbound {
                    if !rules.listen_autobinds() {
                        return rules.listen(self, s);
                    }
                    let wildcard = if s.is_v6() {
                        IpAddr::V6(Ipv6Addr::UNSPECIFIED)
                    } else {
                        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
                    };
                    let ans = rules.bind(self, s, SockAddr::new(wildcard, 0));
                    if !ans.decision.is_ok() {
                        return ans.decision;
                    }
                    self.do_bind(id, SockAddr::new(wildcard, ans.port));
                    autobind_note = Some(ans.port);
                }
                let d = rules.listen(self, self.socket(id));
                if d.is_ok() && !self.socket(id).is_listening() {
                    let seq = self.next_seq();
                    let sm = self.sock_mut(id);
                    sm.state = State::Listening;
                    sm.listen_seq = seq;
                }
                rep.local = self.socket(id).local;
                match (autobind_note, d.is_ok(), d.rule()) {
                    (Some(port), true, None) => common::listen_autobind(name, port),
                    _ => d,
                }
            }
            StepKind::Connect { name, ep } => {
                let Some(s) = self.by_name(name) else {
                    return self.missing(name);
                };
                let id = s.id;
                let dst = self.resolve(ep);
                self.connect(id, dst, rep)
            }
            StepKind::Accept { name, new } => {
                let Some(s) = self.by_name(name) else {
                    return self.missing(name);
                };
                let id = s.id;
                if let Some(d) = common::accept(s) {
                    return d;
                }
                let Some(child) = self.sock_mut(id).queue.pop_front() else {
                    return Decision::ok(); // common::accept saw a connection queued
                };
                let others: Vec<SockId> = self
                    .socket(child)
                    .queued_on
                    .iter()
                    .copied()
                    .filter(|&l| l != id)
                    .collect();
                for l in others {
                    self.sock_mut(l).queue.retain(|&c| c != child);
                }
                let c = self.sock_mut(child);
                c.queued_on.clear();
                c.label = new.clone();
                c.named = true;
                self.by_name.insert(new.clone(), child);
                let c = self.socket(child);
                rep.local = c.local;
                rep.remote = c.remote;
                Decision::ok()
            }
            StepKind::Close { name } => {
                let Some(s) = self.by_name(name) else {
                    return self.missing(name);
                };
                let id = s.id;
                self.close(id)
            }
            StepKind::Client { ep, count } => {
                let dst = self.resolve(ep);
                self.clients(dst, *count, rep)
            }
        }
    }

    fn do_bind(&mut self, id: SockId, local: SockAddr) {
        self.set_local(id, local);
        let s = self.sock_mut(id);
        // A reset socket (Linux lets it bind again) stays unable to listen.
        if s.state != State::Reset {
            s.state = State::Bound;
        }
        s.bind_opts = s.opts;
        // Linux: binding an AF_INET6 socket to a specific non-mapped address
        // makes it v6-only (`__inet6_bind`); on the other OSes the address
        // alone already keeps IPv4 out.
        if let IpAddr::V6(a) = local.ip {
            if !a.is_unspecified() && crate::addr::v4_mapped(a).is_none() {
                s.opts.v6only = true;
            }
        }
    }

    /// The source address for a connection to `dst` from a socket bound to
    /// `bound` (or unbound).
    fn source_for(&self, s: &Socket, dst: SockAddr) -> Option<IpAddr> {
        if let Some(l) = s.local {
            if !is_wildcard(l.ip) {
                return Some(l.ip);
            }
        }
        let want_v4 = as_v4(dst.ip).is_some();
        let wrap = |ip: IpAddr| -> IpAddr {
            match (s.is_v6(), ip) {
                (true, IpAddr::V4(a)) => IpAddr::V6(a.to_ipv6_mapped()),
                _ => ip,
            }
        };
        if self.is_local(dst.ip) {
            // Traffic to one of our own addresses leaves from that address.
            return Some(wrap(unmap(dst.ip)));
        }
        self.ifaces
            .iter()
            .copied()
            .find(|a| !a.is_loopback() && as_v4(*a).is_some() == want_v4)
            .map(wrap)
    }

    fn connect(&mut self, id: SockId, dst: SockAddr, rep: &mut StepReport) -> Decision {
        let rules = self.rules();
        let s = self.socket(id);
        let name = s.label.clone();
        if let Some(d) = common::connect_precheck(rules, s, dst) {
            return d;
        }
        if let Some(d) = rules.connect_precheck(self, s, dst) {
            return d;
        }
        if s.is_v6() && crate::addr::as_v4(dst.ip).is_some() {
            self.sock_mut(id).tried_v4_mapped = true;
        }
        let s = self.socket(id);
        let Some(src_ip) = self.source_for(s, dst) else {
            return common::connect_no_route(dst);
        };
        // The port: the bound one, or an ephemeral one picked by connect().
        let (port, autobound) = match s.local_port() {
            Some(p) => (p, false),
            None => match rules.connect_port(self, s, src_ip, dst) {
                Some(p) => (p, true),
                None => return common::connect_ephemeral_exhausted(src_ip, dst),
            },
        };
        let local = SockAddr::new(src_ip, port);
        // Compared as on the wire: `::ffff:127.0.0.1:p` is `127.0.0.1:p`, so
        // a socket whose source is its own (mapped) destination meets itself.
        let to_self = wire(local, dst).0 == wire(local, dst).1;
        if to_self && !autobound {
            if let Some(d) = rules.refuse_self_connect(s, local) {
                return d;
            }
        }
        let mut allowed = None;
        if let Some(existing) = self.tuple(local, dst) {
            let d = rules.connect_tuple_taken(self, s, existing);
            if !d.is_ok() {
                return d;
            }
            let tw = existing.id;
            self.destroy(tw);
            allowed = Some(d);
        }
        // The other end of this 4-tuple may still be held on this host by an
        // old connection whose peer went away without a TIME_WAIT (FreeBSD's
        // local connections). The SYN draws a challenge ACK, the connecting
        // side answers with a reset that closes the old end, and its
        // retransmitted SYN connects (RFC 5961 §4 on every kernel here).
        if !to_self {
            if let Some(old) = self.tuple(dst, local).map(|o| o.id) {
                if old != id {
                    let who = self.socket(old).label.clone();
                    self.drop_stale_end(old);
                    allowed = Some(common::connect_stale_end_reset(&who, local, dst, &name));
                }
            }
        }
        // TCP simultaneous open: a socket whose source is its own destination
        // meets its own SYN and connects to itself, listener or not.
        if to_self {
            if autobound {
                self.sock_mut(id).connect_bound = true;
            }
            self.set_local(id, local);
            let s = self.sock_mut(id);
            s.remote = Some(dst);
            s.state = State::Connected;
            s.peer = Some(Peer::Local(id));
            self.ehash.insert(wire(local, dst), id);
            rep.local = Some(local);
            rep.remote = Some(dst);
            return common::connect_self(&name, local, dst);
        }
        // Where does the SYN land?
        // A v4-mapped destination is an IPv4 packet on the wire.
        let (src_wire, dst_wire) = (
            SockAddr::new(unmap(local.ip), local.port),
            SockAddr::new(unmap(dst.ip), dst.port),
        );
        let route = if self.is_local(dst.ip) {
            Some(rules.route(self, src_wire, dst_wire))
        } else {
            None
        };
        let listener = match &route {
            None => None,
            Some(r @ (Route::Refused { .. } | Route::Dropped { .. })) => {
                let (errno, rule, why) = r.failure().expect("a failing route");
                let (rule, mut why) = (rule, why.to_string());
                if let Some(ip) = rules.address_after_refused_connect(self.socket(id), src_ip) {
                    let port = self.socket(id).local_port().unwrap_or(0);
                    self.set_local(id, SockAddr::new(ip, port));
                    why.push_str(&format!(
                        "; {name} keeps the source address {ip} that connect() chose"
                    ));
                }
                if autobound {
                    if rules.release_port_on_failed_connect() {
                        // Linux: the port goes back, getsockname() still shows it.
                        self.sock_mut(id).sockname_port = port;
                    } else {
                        // BSD: connect() bound the port before sending the SYN,
                        // and the socket keeps it.
                        self.set_local(id, local);
                        self.sock_mut(id).state = State::Bound;
                    }
                    return Decision::fail(errno, rule, why);
                }
                let s = self.socket(id);
                if rules.release_port_on_failed_connect() && s.local.is_some() && !s.port_locked {
                    // The failed handshake closes the socket, which gives back
                    // a port the kernel picked (no SOCK_BINDPORT_LOCK).
                    let port = s.local_port().unwrap_or(0);
                    self.unhash_port(id, port);
                    let sm = self.sock_mut(id);
                    sm.local = None;
                    sm.state = State::Unbound;
                    why.push_str(&format!("; {name} gives back port {port}, which the kernel had picked, and may bind again"));
                }
                return Decision::fail(errno, rule, why);
            }
            Some(Route::To { listener, .. }) => Some(vec![*listener]),
            Some(Route::Group { chosen, .. }) => Some(vec![*chosen]),
            Some(Route::Undefined { candidates, .. }) => Some(candidates.clone()),
        };
        // Commit: our side.
        if autobound {
            self.set_local(id, local);
            self.sock_mut(id).connect_bound = true;
        } else {
            // A wildcard binding turns into the chosen source address.
            self.set_local(id, local);
        }
        {
            let s = self.sock_mut(id);
            s.remote = Some(dst);
            s.state = State::Connected;
        }
        self.ehash.insert(wire(local, dst), id);
        rep.local = Some(local);
        rep.remote = Some(dst);
        // The other side: a connection queued on the listener.
        if let Some(listeners) = listener {
            let child = self.spawn_child(&listeners, dst_wire, src_wire, Peer::Local(id));
            self.sock_mut(id).peer = Some(Peer::Local(child));
            if let Some(
                Route::Group { members, .. }
                | Route::Undefined {
                    candidates: members,
                    ..
                },
            ) = &route
            {
                rep.candidates = Some(
                    members
                        .iter()
                        .map(|&m| self.socket(m).label.clone())
                        .collect(),
                );
            }
            let (rule, why) = match route.expect("local route") {
                Route::To { rule, why, .. }
                | Route::Group { rule, why, .. }
                | Route::Undefined { rule, why, .. } => (rule, why),
                Route::Refused { .. } | Route::Dropped { .. } => {
                    unreachable!("failing routes returned above")
                }
            };
            rep.accepted_by = Some(BTreeMap::from([(
                self.socket(listeners[0]).label.clone(),
                1,
            )]));
            if listeners.len() > 1 {
                rep.accepted_by = Some(BTreeMap::new());
                rep.undetermined = Some(1);
            }
            return allowed.unwrap_or_else(|| Decision::ok_by(rule, why));
        }
        allowed.unwrap_or_else(|| common::connect_remote(dst, local))
    }

    /// A new connection on the listener(s), server side.
    fn spawn_child(
        &mut self,
        listeners: &[SockId],
        local: SockAddr,
        remote: SockAddr,
        peer: Peer,
    ) -> SockId {
        let l = self.socket(listeners[0]).clone();
        // The server side of an IPv4 connection to a dual-stack listener has
        // a v4-mapped local address.
        let local = match (l.is_v6(), local.ip) {
            (true, IpAddr::V4(a)) => SockAddr::new(IpAddr::V6(a.to_ipv6_mapped()), local.port),
            _ => local,
        };
        let remote = match (l.is_v6(), remote.ip) {
            (true, IpAddr::V4(a)) => SockAddr::new(IpAddr::V6(a.to_ipv6_mapped()), remote.port),
            _ => remote,
        };
        let id = self.next_id();
        let label = if listeners.len() == 1 {
            format!("a connection queued on {}", l.label)
        } else {
            let names: Vec<String> = listeners
                .iter()
                .map(|&x| self.socket(x).label.clone())
                .collect();
            format!("a connection queued on {}", names.join(" or "))
        };
        self.insert(Socket {
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
            tried_v4_mapped: false,
            bound_seq: 0,
            listen_seq: 0,
            peer: Some(peer),
            peer_closed: false,
            queued_on: listeners.to_vec(),
            queue: VecDeque::new(),
            child: true,
            from_exclusive: l.bind_opts.exclusive,
        });
        self.set_local(id, local);
        self.ehash.insert(wire(local, remote), id);
        for &x in listeners {
            self.sock_mut(x).queue.push_back(id);
        }
        id
    }

    fn close(&mut self, id: SockId) -> Decision {
        let s = self.socket(id).clone();
        if s.is_listening() {
            // Connections nobody accepted are reset, unless another listener
            // may still take them (Windows' undefined sharing).
            for c in s.queue.iter().copied() {
                let cs = self.sock_mut(c);
                cs.queued_on.retain(|&l| l != id);
                if cs.queued_on.is_empty() {
                    self.reset_peer(c);
                    self.destroy(c);
                }
            }
        }
        if s.state == State::Connected && !s.peer_closed {
            if let Some(d) = self.rules().close_without_time_wait(self, &s) {
                self.mark_peer_closed(id);
                self.destroy(id);
                return d;
            }
            // Active close: this side keeps the 4-tuple in TIME_WAIT.
            self.mark_peer_closed(id);
            let until = self
                .now_ms
                .saturating_add(self.rules().params().time_wait_ms);
            if s.named {
                self.by_name.remove(&s.label);
            }
            let sm = self.sock_mut(id);
            sm.named = false;
            sm.state = State::TimeWait { until_ms: until };
            return common::close_time_wait(&s, self.rules().params().time_wait_ms / 1000);
        }
        if s.state == State::Connected {
            self.mark_peer_closed(id);
        }
        self.destroy(id);
        Decision::ok()
    }

    fn clients(&mut self, dst: SockAddr, count: u32, rep: &mut StepReport) -> Decision {
        let mut accepted: BTreeMap<String, u32> = BTreeMap::new();
        let mut undetermined = 0;
        let mut failed = 0;
        let mut last_failure = None;
        let mut last_success = None;
        for _ in 0..count {
            let k = self.next_client;
            self.next_client += 1;
            let src = client_source(k, dst.ip);
            let dst4 = SockAddr::new(unmap(dst.ip), dst.port);
            let route = self.rules().route(self, src, dst4);
            match &route {
                Route::Refused { .. } | Route::Dropped { .. } => failed += 1,
                Route::To { listener, .. }
                | Route::Group {
                    chosen: listener, ..
                } => {
                    *accepted
                        .entry(self.socket(*listener).label.clone())
                        .or_default() += 1;
                    self.spawn_child(&[*listener], dst4, src, Peer::Remote);
                }
                Route::Undefined { candidates, .. } => {
                    undetermined += 1;
                    self.spawn_child(candidates, dst4, src, Peer::Remote);
                }
            }
            if let Route::Group { members, .. }
            | Route::Undefined {
                candidates: members,
                ..
            } = &route
            {
                rep.candidates = Some(
                    members
                        .iter()
                        .map(|&m| self.socket(m).label.clone())
                        .collect(),
                );
            }
            if route.failure().is_some() {
                last_failure = Some(route);
            } else {
                last_success = Some(route);
            }
        }
        rep.accepted_by = Some(accepted);
        if undetermined > 0 {
            rep.undetermined = Some(undetermined);
        }
        match (last_success, last_failure) {
            (None, None) => Decision::ok(),
            (None, Some(r)) => {
                let (errno, rule, why) = r.failure().expect("a failing route");
                Decision::fail(errno, rule, why.to_string())
            }
            (
                Some(
                    Route::To { rule, why, .. }
                    | Route::Group { rule, why, .. }
                    | Route::Undefined { rule, why, .. },
                ),
                failure,
            ) => match failure.as_ref().and_then(Route::failure) {
                // Some clients got through, others did not: the step is
                // ok, and the report counts the ones that failed.
                Some((errno, _, fwhy)) => {
                    rep.failed = Some(failed);
                    let name = errno.name(self.os);
                    Decision::ok_by(
                        rule,
                        format!("{why}; {failed} of {count} failed with {name}: {fwhy}"),
                    )
                }
                None => Decision::ok_by(rule, why),
            },
            (Some(Route::Refused { .. } | Route::Dropped { .. }), _) => {
                unreachable!("a success is not a failing route")
            }
        }
    }
}

/// Where the `k`-th `client` of a scenario connects from (the kernel runner
/// uses the same addresses, so the two agree on every 4-tuple).
///
/// A client of a loopback address comes from the host itself: from
/// 127.0.0.1 or ::1, a peer the OS knows to be local (FreeBSD keeps no
/// TIME_WAIT for such a connection). Any other destination gets a remote peer
/// from the documentation ranges 203.0.113.x / 2001:db8::x. Ports start at
/// 40000 and never repeat for one source address.
pub fn client_source(k: u32, dst: IpAddr) -> SockAddr {
    let dst = unmap(dst);
    if dst.is_loopback() {
        let ip = match dst {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        };
        return SockAddr::new(ip, 40000 + (k % 25000) as u16);
    }
    let n = (k % 250 + 1) as u16;
    let ip = match dst {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::new(203, 0, 113, n as u8)),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, n)),
    };
    SockAddr::new(ip, 40000 + (k / 250) as u16)
}

/// A 4-tuple as it appears on the wire: an IPv6 socket talking to an IPv4
/// peer through v4-mapped addresses shares the IPv4 tuple space.
fn wire(local: SockAddr, remote: SockAddr) -> (SockAddr, SockAddr) {
    (
        SockAddr::new(unmap(local.ip), local.port),
        SockAddr::new(unmap(remote.ip), remote.port),
    )
}

/// Runs a whole scenario on `os`; the building block of [`crate::run`].
pub fn run_steps(scenario: &Scenario, os: Os) -> (Host, Vec<StepReport>) {
    let mut host = Host::new(os, &scenario.ifaces, scenario.seed);
    let reports = scenario.steps.iter().map(|s| host.apply(s)).collect();
    (host, reports)
}
