//! The simulated host: addresses, users, a clock, and the socket tables.
//!
//! Like a real stack it keeps three indexes:
//! * `by_port` — the bind hash: every socket that holds a local port
//!   (bound, listening, connected, TIME_WAIT), so a bind check looks only at
//!   its own port, whatever the number of sockets; UDP has its own
//!   (`udp_by_port`), of the same buckets;
//! * `ehash` — connected sockets and TIME_WAITs by 4-tuple;
//! * `by_name` — the scenario's handles.
//!
//! The host never decides a rule: it asks the OS module ([`OsRules`]) and
//! applies the answer. See `ARCHITECTURE.md`.
//!
//! * `mod.rs` — the host, its tables and the queries the OS modules ask;
//! * [`socket`] — one socket, with private fields: the one place its state changes;
//! * `tables.rs` — the indexes kept in step as sockets change;
//! * `apply.rs` — the step machine (`Host::apply`);
//! * `connect.rs` — connect() and `client`: source, route, queued connection;
//! * `close.rs` — close(), the peer's FIN or reset, TIME_WAIT expiry;
//! * `udp.rs` — UDP: groups at bind, connect(), datagram delivery applied;
//! * `buckets.rs` — a port's owners in bind order and by class.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use crate::addr::{unmap, SockAddr};
use crate::os::{Os, OsRules};
use crate::report::StepReport;
use crate::rules::{few_names, Name, NAMES_SHOWN};
use crate::scenario::Scenario;

mod apply;
mod buckets;
mod classes;
mod close;
mod connect;
mod idmap;
mod owner;
pub mod socket;
mod tables;
mod udp;
mod udp_lookup;

pub use buckets::{PortClass, PortMemo, PortOrder, SearchKey};
pub use classes::Scope;
pub(crate) use close::Expired;
pub use owner::{ClassView, Owner};
pub use socket::{Opts, Peer, SockId, Socket, State};
pub use udp_lookup::UdpClass;

use buckets::{FxBuild, Hashed, Ports};
use idmap::IdMap;

/// A list of sockets and their names, as [`Host::labels`] last gave them.
#[derive(Clone, Debug)]
struct Labelled {
    ids: Arc<[SockId]>,
    names: Arc<[String]>,
    /// The names again, end to end (`ends[i]`: where name `i` ends), so
    /// that naming one member picked at random reads a few hundred
    /// kilobytes, not one of 65,536 separate allocations.
    text: String,
    ends: Vec<u32>,
}

impl Labelled {
    fn of(ids: &Arc<[SockId]>, names: Arc<[String]>) -> Self {
        let mut text = String::new();
        let mut ends = Vec::with_capacity(names.len());
        for n in names.iter() {
            text.push_str(n);
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Labelled {
            ids: ids.clone(),
            names,
            text,
            ends,
        }
    }

    fn at(&self, i: usize) -> &str {
        let end = |j: usize| self.ends.get(j).map(|&e| e as usize);
        let start = i.checked_sub(1).map_or(Some(0), end);
        let range = start.zip(end(i));
        range
            .and_then(|(a, b)| self.text.get(a..b))
            .unwrap_or_default()
    }
}

/// Where each ephemeral search stopped (see `Host::searches`).
type Searches = HashMap<(SearchKey, PortOrder), (u64, usize), FxBuild>;

/// The simulated host.
#[derive(Clone, Debug)]
pub struct Host {
    pub os: Os,
    pub now_ms: u64,
    pub seed: u64,
    ifaces: Vec<IpAddr>,
    /// The same, sorted: [`Host::has_iface`] searches it, as a host of
    /// thousands of addresses asks on every bind and connect (a scan of
    /// 12,000 was most of a bind once the port's classes were indexed).
    ifaces_sorted: Vec<IpAddr>,
    users: BTreeMap<String, u32>,
    user: String,
    socks: Vec<Option<Socket>>,
    /// Slots of destroyed sockets, reused first (keeps the slab small and warm).
    free: Vec<SockId>,
    /// Keyed by the socket's own label (shared, not copied: a host of
    /// 30,000 connections is cloned per option set by the paste page).
    by_name: HashMap<Name, SockId, FxBuild>,
    /// The bind buckets (`buckets.rs`): owners in bind order and by class.
    by_port: Ports,
    /// Where each socket is hashed, by id (`None`: in no bucket).
    hashed: Vec<Option<Hashed>>,
    /// Hands out bucket positions (bind order).
    next_pos: u64,
    /// UDP's bind buckets: UDP has its own port space.
    udp_by_port: Ports,
    /// Next SO_REUSEPORT group number for UDP (0 means none).
    next_group: u64,
    /// The UDP SO_REUSEPORT groups a member's connect() has marked
    /// (`OsRules::udp_connect_group`): Linux's `reuse->has_conns`, kept
    /// for the group's life, whoever is in it now.
    marked_groups: BTreeSet<u64>,
    ehash: HashMap<(SockAddr, SockAddr), SockId, FxBuild>,
    seq: u64,
    next_client: u32,
    /// Steps applied so far.
    step: u64,
    /// Bumped by any change that can make a port an ephemeral search
    /// skipped eligible again: a socket leaving a bucket or `ehash`, or an
    /// owner hashed in an earlier step changing class. Additions only ever
    /// make ports less eligible, so a search may resume where the last one
    /// with the same key stopped while this is unchanged.
    search_gen: u64,
    /// Where each ephemeral search stopped: (key, order) → (search_gen,
    /// index): an index means something only in its own order. The
    /// kernel keeps a per-namespace offset for the same purpose
    /// (`__inet_hash_connect`'s `table_perturb`); this one changes no answer.
    searches: RefCell<Searches>,
    /// The last list [`Host::labels`] named, and its names.
    last_labels: RefCell<Option<Labelled>>,
    /// The label the last queued connection was given (`spawn_child`).
    last_queued: Option<connect::QueuedLabel>,
    /// Answer every question by walking each owner (the code before the
    /// buckets' summaries); the property tests compare the two.
    reference_walks: bool,
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
            ifaces_sorted: {
                let mut v = ifaces.to_vec();
                v.sort_unstable();
                v
            },
            users,
            user: "root".to_string(),
            socks: Vec::new(),
            free: Vec::new(),
            by_name: HashMap::default(),
            by_port: Ports::default(),
            hashed: Vec::new(),
            next_pos: 0,
            udp_by_port: Ports::default(),
            next_group: 0,
            marked_groups: BTreeSet::new(),
            ehash: HashMap::default(),
            seq: 0,
            next_client: 0,
            step: 0,
            search_gen: 0,
            searches: RefCell::default(),
            last_labels: RefCell::new(None),
            last_queued: None,
            reference_walks: false,
        }
    }

    /// The invariant every step keeps: no two connections (or TIME_WAITs)
    /// hold the same five-tuple, compared as on the wire (`::ffff:a.b.c.d`
    /// is `a.b.c.d`). The property tests, the regressions and the fuzz
    /// targets all check this one.
    pub fn five_tuples_unique(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        // UDP keeps no 4-tuple table: two sockets sharing a port may connect
        // to the same peer.
        for s in self.sockets().filter(|s| !s.is_udp()) {
            if s.state() == State::Connected || s.is_closed_end() {
                if let (Some(l), Some(r)) = (s.local(), s.remote()) {
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
        self.has_iface(ip)
    }

    /// Whether `ip` is one of the `iface` addresses, as written.
    fn has_iface(&self, ip: IpAddr) -> bool {
        self.ifaces_sorted.binary_search(&ip).is_ok()
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

    /// The names a why-line lists for `ids` ([`few_names`]: a long list is
    /// cut to its first few and its last).
    pub fn few_labels(&self, ids: &[SockId]) -> Vec<Name> {
        few_names(ids.len(), |i| self.socket(ids[i]).name())
    }

    /// Every name of `ids`, for a report's `candidates`. The same list as
    /// the last call's (the very allocation: a big SO_REUSEPORT group's
    /// members, shared by the port's index until the group changes, so the
    /// same sockets under the same names) gives the same names back, so a
    /// datagram to such a group builds no strings.
    pub fn labels(&self, ids: &Arc<[SockId]>) -> Arc<[String]> {
        if let Some(last) = &*self.last_labels.borrow() {
            if Arc::ptr_eq(&last.ids, ids) {
                return last.names.clone();
            }
        }
        let names: Arc<[String]> = ids
            .iter()
            .map(|&id| self.socket(id).label().to_string())
            .collect();
        *self.last_labels.borrow_mut() = Some(Labelled::of(ids, names.clone()));
        names
    }

    /// The name of `ids[at]`, from the same cache as [`Host::labels`]: a
    /// datagram's receiver in a big group, named without reading its
    /// socket (a random one of thousands, a cache miss each time).
    /// A list the cache does not hold is not named in full for one name (a
    /// FreeBSD group is a new list at each datagram): its socket is read.
    pub(crate) fn label_at(&self, ids: &Arc<[SockId]>, at: usize) -> String {
        if let Some(last) = &*self.last_labels.borrow() {
            if Arc::ptr_eq(&last.ids, ids) {
                return last.at(at).to_string();
            }
        }
        ids.get(at)
            .and_then(|&id| self.get(id))
            .map(|s| s.label().to_string())
            .unwrap_or_default()
    }

    pub fn get(&self, id: SockId) -> Option<&Socket> {
        self.socks.get(id).and_then(|s| s.as_ref())
    }

    /// Every live socket, TIME_WAITs and queued connections included.
    pub fn sockets(&self) -> impl Iterator<Item = &Socket> {
        self.socks.iter().flatten()
    }

    /// Whether the socket is in its port's lookup tables. A bound socket is
    /// not only after FreeBSD's disconnect took it out and no connect()
    /// filed it again (`OsRules::udp_disconnect_unhashes`): it holds no
    /// port for bind() and receives nothing.
    pub fn in_tables(&self, id: SockId) -> bool {
        self.is_hashed(id)
    }

    /// The addresses the wildcard binding of `id` does not cover (see
    /// `OsRules::wildcard_exceptions`).
    pub fn wildcard_exceptions(&self, id: SockId) -> Vec<IpAddr> {
        self.get(id)
            .map(|s| self.rules().wildcard_exceptions(self, s))
            .unwrap_or_default()
    }

    pub fn by_name(&self, name: &str) -> Option<&Socket> {
        self.by_name.get(name).map(|&id| self.socket(id))
    }

    /// Every socket holding `port`, other than `except`, oldest bind first
    /// (a bucket is in bind order). The port space is `except`'s
    /// protocol's: UDP when `except` is a UDP socket, else TCP.
    pub fn owners(&self, port: u16, except: SockId) -> Vec<&Socket> {
        self.owners_iter(port, except).collect()
    }

    /// The bind buckets of `except`'s protocol: UDP's when it is a UDP
    /// socket, else TCP's (`usize::MAX`, no socket: TCP's).
    fn buckets_for(&self, except: SockId) -> &Ports {
        if self.udp_except(except) {
            &self.udp_by_port
        } else {
            &self.by_port
        }
    }

    /// Whether [`Host::buckets_for`] gives UDP's buckets.
    fn udp_except(&self, except: SockId) -> bool {
        self.get(except).is_some_and(Socket::is_udp)
    }

    /// [`Host::owners`] without collecting; `.rev()` walks newest first, as
    /// the BSD hash chains do.
    pub fn owners_iter(
        &self,
        port: u16,
        except: SockId,
    ) -> impl DoubleEndedIterator<Item = &Socket> {
        self.buckets_for(except)
            .get(&port)
            .into_iter()
            .flat_map(|b| b.order.values())
            .filter(move |&&id| id != except)
            .map(|&id| self.socket(id))
    }

    /// The owner of `port` (other than `except`) with the lowest `cost`,
    /// ties going to the oldest bind (`newest_first`: the newest); `None`
    /// from `cost` skips the owner. `cost` reads an owner's [`ClassView`]
    /// (state, options, owner, family, address, …: what [`PortClass`]
    /// holds): it is asked once per class of owner, not once per socket,
    /// so a crowded port costs what a handful of sockets would. `scope`
    /// says which classes are asked ([`Scope`]): `Near(addr)` only where
    /// `cost` is `None` for every class not on `addr` or a wildcard, so a
    /// port of thousands of addresses costs what one address does. With
    /// [`Host::set_reference_walks`] every owner is walked instead, whatever
    /// the scope.
    pub fn best_owner(
        &self,
        port: u16,
        except: SockId,
        newest_first: bool,
        scope: Scope,
        mut cost: impl FnMut(&ClassView) -> Option<u32>,
    ) -> Option<&Socket> {
        self.best_owner_dyn(port, except, newest_first, scope, &mut cost)
    }

    /// [`Host::best_owner`] with its closure as a `dyn`: one copy of the
    /// walk serves every rule that asks (as a generic it was one copy per
    /// asking closure, some 10 KB of the wasm in all).
    fn best_owner_dyn(
        &self,
        port: u16,
        except: SockId,
        newest_first: bool,
        scope: Scope,
        cost: &mut dyn FnMut(&ClassView) -> Option<u32>,
    ) -> Option<&Socket> {
        let bucket = self.buckets_for(except).get(&port)?;
        let udp = self.udp_except(except);
        if self.reference_walks() {
            let walk: Box<dyn Iterator<Item = &Socket>> = if newest_first {
                Box::new(self.owners_iter(port, except).rev())
            } else {
                Box::new(self.owners_iter(port, except))
            };
            let mut best: Option<(&Socket, u32)> = None;
            for s in walk {
                if let Some(c) = cost(&ClassView::of(s, port)) {
                    if best.is_none_or(|(_, b)| c < b) {
                        best = Some((s, c));
                        if c == 0 {
                            break;
                        }
                    }
                }
            }
            return best.map(|(s, _)| s);
        }
        // (cost, position, socket) of the best member of each class.
        let mut best: Option<(u32, u64, SockId)> = None;
        bucket.classes.each_in(scope, &mut |class, members| {
            let found = if newest_first {
                members.iter().rev().find(|&(_, &id)| id != except)
            } else {
                members.iter().find(|&(_, &id)| id != except)
            };
            let found = found.map(|(&pos, &id)| (pos, id));
            let Some((pos, id)) = found else { return };
            let Some(c) = cost(&ClassView::new(*class, port, udp)) else {
                return;
            };
            let better = match best {
                None => true,
                Some((bc, bp, _)) => c < bc || (c == bc && (pos > bp) == newest_first),
            };
            if better {
                best = Some((c, pos, id));
            }
        });
        best.map(|(_, _, id)| self.socket(id))
    }

    /// From how many classes on a port [`Host::first_owner`] of every
    /// class walks the port's oldest owners first.
    pub const WALK_FIRST_FROM: usize = 64;

    /// The oldest owner of `port` (other than `except`) that `pred` accepts;
    /// `pred` reads the owner's [`ClassView`], asked of the classes `scope`
    /// visits (see [`Host::best_owner`]).
    pub fn first_owner(
        &self,
        port: u16,
        except: SockId,
        scope: Scope,
        mut pred: impl FnMut(&ClassView) -> bool,
    ) -> Option<&Socket> {
        self.first_owner_dyn(port, except, scope, &mut pred)
    }

    /// [`Host::first_owner`] with its closure as a `dyn` (see
    /// [`Host::best_owner_dyn`]).
    fn first_owner_dyn(
        &self,
        port: u16,
        except: SockId,
        scope: Scope,
        pred: &mut dyn FnMut(&ClassView) -> bool,
    ) -> Option<&Socket> {
        // A port of many classes (an owner on each of thousands of
        // addresses) asked of all of them: its oldest owners first, as many
        // as it has classes, so an answer near the front (Windows' oldest
        // connection, behind one listener) costs a few reads, not a class
        // walk, and no answer costs at most twice the walk. The same answer:
        // the oldest owner whose view `pred` accepts (a socket's view is its
        // class's, `check_buckets`). A port of a few classes, or a scope of
        // one address, asks its classes at once.
        if scope == Scope::All && !self.reference_walks() {
            let classes = self
                .buckets_for(except)
                .get(&port)
                .map_or(0, |b| b.classes.len());
            if classes >= Self::WALK_FIRST_FROM {
                for s in self.owners_iter(port, except).take(classes) {
                    if pred(&ClassView::of(s, port)) {
                        return Some(s);
                    }
                }
            }
        }
        self.best_owner_dyn(port, except, false, scope, &mut |s| pred(s).then_some(0))
    }

    /// Every owner of `port` (other than `except`) that `pred` accepts, in
    /// bind order; `pred` reads the owner's [`ClassView`] and is asked once
    /// per class `scope` visits (see [`Host::best_owner`]).
    pub fn owners_where(
        &self,
        port: u16,
        except: SockId,
        scope: Scope,
        pred: impl FnMut(&ClassView) -> bool,
    ) -> Vec<&Socket> {
        self.some_owners_where(port, except, usize::MAX, scope, pred)
            .0
    }

    /// The oldest `limit` owners [`Host::owners_where`] would give, and how
    /// many it would give in all: a why-line that names a few of a crowd
    /// costs a few, not the crowd.
    pub fn some_owners_where(
        &self,
        port: u16,
        except: SockId,
        limit: usize,
        scope: Scope,
        mut pred: impl FnMut(&ClassView) -> bool,
    ) -> (Vec<&Socket>, usize) {
        self.some_owners_where_dyn(port, except, limit, scope, &mut pred)
    }

    /// [`Host::some_owners_where`] with its closure as a `dyn` (see
    /// [`Host::best_owner_dyn`]).
    fn some_owners_where_dyn(
        &self,
        port: u16,
        except: SockId,
        limit: usize,
        scope: Scope,
        pred: &mut dyn FnMut(&ClassView) -> bool,
    ) -> (Vec<&Socket>, usize) {
        if self.reference_walks() {
            let all: Vec<&Socket> = self
                .owners_iter(port, except)
                .filter(|s| pred(&ClassView::of(s, port)))
                .collect();
            let n = all.len();
            return (all.into_iter().take(limit).collect(), n);
        }
        let Some(bucket) = self.buckets_for(except).get(&port) else {
            return (Vec::new(), 0);
        };
        let udp = self.udp_except(except);
        // The class `except` is filed under in this bucket, if it is in it:
        // found once, so a class's count needs no search for it. `hashed`
        // is exact (`check_buckets`), and its entry is in `except`'s own
        // protocol's table, so the port alone says it is this bucket.
        let mine = self
            .hashed
            .get(except)
            .copied()
            .flatten()
            .filter(|h| h.port == port)
            .map(|h| h.class);
        let mut found: Vec<(u64, SockId)> = Vec::with_capacity(limit.min(NAMES_SHOWN) + 1);
        let mut first: Vec<(u64, SockId)> = Vec::with_capacity(limit.min(NAMES_SHOWN));
        // A few named (a why-line's crowd) are kept in order as they come;
        // every owner (`owners_where`) is sorted once at the end.
        let bounded = limit <= 4 * NAMES_SHOWN;
        let (mut total, mut classes) = (0, 0);
        bucket.classes.each_in(scope, &mut |class, members| {
            let count = members.len() - usize::from(mine == Some(*class));
            if count == 0 || !pred(&ClassView::new(*class, port, udp)) {
                return;
            }
            total += count;
            classes += 1;
            // `found` is the first `limit` by position so far, in order: a
            // port of thousands of classes (a listener on each of thousands
            // of addresses) sorted every class's firsts at every listen.
            // A class's members come in position order, so one past the
            // last kept ends the class.
            if !bounded {
                members.first_except(limit, except, &mut found);
                return;
            }
            first.clear();
            members.first_except(limit, except, &mut first);
            for &(pos, id) in &first {
                if found.len() == limit && found.last().is_some_and(|&(last, _)| pos > last) {
                    break;
                }
                let at = found.partition_point(|&(p, _)| p < pos);
                found.insert(at, (pos, id));
                found.truncate(limit);
            }
        });
        // One class's members are in position order already.
        if !bounded && classes > 1 {
            found.sort_unstable_by_key(|&(pos, _)| pos);
        }
        let owners = found.into_iter().map(|(_, id)| self.socket(id)).collect();
        (owners, total)
    }

    /// Every UDP socket holding `port`, oldest bind first.
    /// How many UDP sockets are on `port` (Linux's `hslot->count` for the
    /// port's slot, less other ports that share the slot: not modelled).
    pub fn udp_count(&self, port: u16) -> usize {
        self.udp_by_port.get(&port).map_or(0, |b| b.order.len())
    }

    pub fn udp_owners(&self, port: u16) -> Vec<&Socket> {
        self.udp_by_port
            .get(&port)
            .into_iter()
            .flat_map(|b| b.order.values())
            .map(|&id| self.socket(id))
            .collect()
    }

    /// Whether any socket on the host has joined `group` (the interface
    /// accepts the group's datagrams only then).
    pub fn group_joined(&self, group: IpAddr) -> bool {
        self.sockets().any(|s| s.groups().contains(&group))
    }

    /// Listening sockets on `port`, in bind order.
    pub fn listeners(&self, port: u16) -> Vec<&Socket> {
        self.owners_where(port, usize::MAX, Scope::All, |s| s.is_listening())
    }

    /// The first of TCP `port`'s listeners, in the order of Linux's
    /// listening list (newest first, then those added at the tail, oldest
    /// first), for which `pred` holds: a walk that stops where the kernel's
    /// does.
    pub fn listening_first(&self, port: u16, pred: impl Fn(&Socket) -> bool) -> Option<&Socket> {
        self.listening_in_order(port).find(|s| pred(s))
    }

    /// Where a TCP listener sits in its port's listening list: the list
    /// reads the highest first (see [`Host::listening_first`]); `None` for
    /// a socket not listening.
    pub fn listening_place(&self, s: &Socket) -> Option<u64> {
        buckets::listen_key(s)
    }

    /// Every TCP listener of `port`, in the order of Linux's listening list
    /// (see [`Host::listening_first`]).
    pub fn listening_in_order(&self, port: u16) -> impl Iterator<Item = &Socket> {
        self.by_port
            .get(&port)
            .into_iter()
            .flat_map(|b| b.listening.values().rev())
            .map(|&id| self.socket(id))
    }

    /// How many TCP owners of `port` are of a class `pred` accepts, among
    /// the classes `scope` visits: counted per class, no member read, no
    /// socket left out (a caller whose own socket may be one counts it).
    pub fn tcp_count_where(
        &self,
        port: u16,
        scope: Scope,
        mut pred: impl FnMut(&ClassView) -> bool,
    ) -> usize {
        let Some(b) = self.by_port.get(&port) else {
            return 0;
        };
        let mut n = 0;
        b.classes.each_in(scope, &mut |class, members| {
            if pred(&ClassView::new(*class, port, false)) {
                n += members.len();
            }
        });
        n
    }

    /// TCP `port`'s first `limit` listeners by bind order, other than
    /// `me`, and how many there are: read from the listeners kept in bind
    /// order, never a walk of the port.
    pub fn some_listeners(&self, port: u16, me: &Socket, limit: usize) -> (Vec<&Socket>, usize) {
        let Some(b) = self.by_port.get(&port) else {
            return (Vec::new(), 0);
        };
        let mut first = Vec::new();
        b.listeners.first_except(limit, me.id(), &mut first);
        // `me` is among them when it listens on this TCP port (a listener
        // is filed where it is bound: `check_buckets`).
        let mine = buckets::listen_key(me).is_some() && me.local_port() == Some(port);
        let n = b.listeners.len() - usize::from(mine);
        (
            first.into_iter().map(|(_, id)| self.socket(id)).collect(),
            n,
        )
    }

    /// Whether `port` (of `me`'s protocol) has an owner that is an accepted
    /// connection or a closed end (TIME_WAIT, FIN_WAIT_2), other than `me`:
    /// counted, never walked.
    pub fn has_conns(&self, port: u16, me: &Socket) -> bool {
        let ports = if me.is_udp() {
            &self.udp_by_port
        } else {
            &self.by_port
        };
        let Some(b) = ports.get(&port) else {
            return false;
        };
        // `me` is counted when it is one on this port (such an end is
        // filed where it is bound: `check_buckets`).
        let mine = (me.child() || me.is_closed_end()) && me.local_port() == Some(port);
        b.classes.conns > u32::from(mine)
    }

    /// TCP `port`'s summary ([`PortMemo`]), while the port has owners.
    pub fn port_memo(&self, port: u16) -> Option<&PortMemo> {
        self.by_port.get(&port).and_then(|b| b.memo.as_ref())
    }

    /// After `id` took (bind, listen) its TCP port: the OS writes the
    /// port's summary, if it keeps one (one lookup of the bucket).
    pub(super) fn update_port_memo(&mut self, id: SockId) {
        let rules = self.rules();
        if !rules.keeps_port_memo() {
            return;
        }
        let Some(s) = self.socks.get(id).and_then(Option::as_ref) else {
            return;
        };
        let Some(port) = s.local_port().filter(|_| !s.is_udp()) else {
            return;
        };
        if let Some(b) = self.by_port.get_mut(&port) {
            b.memo = rules.port_memo(b.memo.take(), s);
        }
    }

    /// Whether any socket, TCP or UDP, holds `port` (ephemeral searches
    /// prefer untouched ports).
    pub fn port_in_use(&self, port: u16) -> bool {
        self.by_port.get(&port).is_some_and(|b| !b.is_empty())
            || self.udp_by_port.get(&port).is_some_and(|b| !b.is_empty())
    }

    /// Whether connect() from `src` to `dst` may take port `p` beside the
    /// sockets already there: none of them bound it with bind() or listen()
    /// (only connect() did), and the 4-tuple is new. Linux's
    /// `__inet_hash_connect` shares ports so; Windows does for connect()
    /// without bind() (SO_REUSE_UNICASTPORT).
    pub fn connect_may_share(&self, src: IpAddr, p: u16, dst: SockAddr) -> bool {
        self.connect_may_share_past(src, p, dst, |_| false)
    }

    /// [`Host::connect_may_share`], where a closed end holding the 4-tuple
    /// that `reusable` accepts does not make it taken (Linux's
    /// `tcp_twsk_unique` for a loopback TIME_WAIT). `reusable` may depend on
    /// the clock: a `wait` starts the ephemeral searches afresh.
    pub fn connect_may_share_past(
        &self,
        src: IpAddr,
        p: u16,
        dst: SockAddr,
        reusable: impl Fn(&Socket) -> bool,
    ) -> bool {
        SockAddr::new(src, p) != dst
            && self
                // Any owner's bind() or listen() keeps the port: every class.
                .first_owner(p, usize::MAX, Scope::All, |o| !o.connect_bound())
                .is_none()
            && self
                .tuple(SockAddr::new(src, p), dst)
                .is_none_or(|tw| tw.is_closed_end() && reusable(tw))
    }

    /// The first port of `order` that `ok` accepts, resuming where the last
    /// search with `key` stopped when nothing since can have made a port it
    /// skipped eligible again (see `search_gen`). `ok` must depend only on
    /// the key and on the buckets and `ehash`, and adding a socket must
    /// never make a port it refused acceptable: then resuming finds the
    /// same port as searching from the start. With
    /// [`Host::set_reference_walks`] every search starts at the bottom.
    pub fn find_port(
        &self,
        key: SearchKey,
        order: PortOrder,
        mut ok: impl FnMut(u16) -> bool,
    ) -> Option<u16> {
        let start = if self.reference_walks() {
            0
        } else {
            match self.searches.borrow().get(&(key, order)) {
                Some(&(gen, i)) if gen == self.search_gen => i,
                _ => 0,
            }
        };
        let n = order.len();
        let found = (start..n).find(|&i| ok(order.at(i)));
        if !self.reference_walks() {
            self.searches
                .borrow_mut()
                .insert((key, order), (self.search_gen, found.unwrap_or(n)));
        }
        found.map(|i| order.at(i))
    }

    /// Answer every owner question by walking each socket, and every
    /// ephemeral search from the bottom: the engine as it was before the
    /// bind buckets' summaries. The property tests run scenarios both ways
    /// and compare the reports. Only with the `reference-walks` feature.
    #[cfg(feature = "reference-walks")]
    pub fn set_reference_walks(&mut self, on: bool) {
        self.reference_walks = on;
    }

    /// Whether [`Host::set_reference_walks`] is on: an OS module whose fast
    /// answer has its own shape (UDP's lookups) runs its walk instead.
    /// Always false without the `reference-walks` feature, so the walks'
    /// branches are compiled out.
    #[inline]
    pub fn reference_walks(&self) -> bool {
        cfg!(feature = "reference-walks") && self.reference_walks
    }

    /// The buckets' invariant, checked by a full walk: every bucket's
    /// classes hold exactly its members, each under its class now, their
    /// address index holds exactly the classes (`classes.rs`), and each
    /// socket is hashed where the host says. `Err` says what differs.
    pub fn check_buckets(&self) -> Result<(), String> {
        let tables = [(false, &self.by_port), (true, &self.udp_by_port)];
        for (port, b, udp) in tables
            .into_iter()
            .flat_map(|(udp, t)| t.iter().map(move |(p, b)| (p, b, udp)))
        {
            let mut want: HashMap<PortClass, IdMap<u64>, FxBuild> = HashMap::default();
            let mut want_udp = buckets::UdpIndex::default();
            let mut want_listening = IdMap::default();
            for (&pos, &id) in b.order.iter() {
                let Some(s) = self.get(id) else {
                    return Err(format!(
                        "port {port}: position {pos} holds a dead socket {id}"
                    ));
                };
                if s.is_udp() != udp {
                    return Err(format!(
                        "port {port}: socket {id} in the other protocol's bucket"
                    ));
                }
                if let Some(what) = ClassView::of(s, port).differs_from(s) {
                    return Err(format!(
                        "port {port}: socket {id}'s class answers `{what}` otherwise"
                    ));
                }
                want.entry(PortClass::of(s)).or_default().insert(pos, id);
                if let Some(k) = buckets::UdpKeys::of(s) {
                    want_udp.add(pos, id, PortClass::of(s), k);
                }
                if let Some(l) = buckets::listen_key(s) {
                    if let Some(other) = want_listening.insert(l, id) {
                        return Err(format!(
                            "port {port}: sockets {other} and {id} share a place in the listening list"
                        ));
                    }
                }
                // Filed under what the socket is now: its class, its UDP
                // keys, its place in the listening list.
                match self.hashed.get(id).copied().flatten() {
                    Some(h)
                        if h.port == port
                            && h.pos == pos
                            && h.class == PortClass::of(s)
                            && h.keys == buckets::UdpKeys::of(s)
                            && h.listen == buckets::listen_key(s) => {}
                    other => {
                        return Err(format!("port {port}: socket {id} accounted as {other:?}"))
                    }
                }
            }
            if let Err(e) = b.classes.check_index() {
                return Err(format!("port {port}: {e}"));
            }
            if b.classes != want {
                return Err(format!(
                    "port {port}: summary {:?} but a walk gives {want:?}",
                    b.classes
                ));
            }
            if want_udp != b.udp {
                return Err(format!(
                    "port {port}: UDP index {:?} but a walk gives {want_udp:?}",
                    b.udp
                ));
            }
            let conns = b
                .order
                .iter()
                .filter(|&(_, &id)| self.get(id).is_some_and(|s| s.child() || s.is_closed_end()));
            if conns.count() != b.classes.conns as usize {
                return Err(format!(
                    "port {port}: {} connections and closed ends counted, a walk gives more or fewer",
                    b.classes.conns
                ));
            }
            let by_pos: Vec<SockId> = b.listeners.values().copied().collect();
            let mut want_by_pos: Vec<(u64, SockId)> = b
                .order
                .iter()
                .filter(|&(_, &id)| {
                    self.get(id)
                        .is_some_and(|s| buckets::listen_key(s).is_some())
                })
                .map(|(&pos, &id)| (pos, id))
                .collect();
            want_by_pos.sort_unstable();
            if by_pos != want_by_pos.iter().map(|&(_, id)| id).collect::<Vec<_>>() {
                return Err(format!(
                    "port {port}: listeners by position {by_pos:?} but a walk gives {want_by_pos:?}"
                ));
            }
            if want_listening != b.listening {
                return Err(format!(
                    "port {port}: listening list {:?} but a walk gives {want_listening:?}",
                    b.listening
                ));
            }
            if b.is_empty() {
                return Err(format!("port {port}: an empty bucket is kept"));
            }
        }
        let n = self.hashed.iter().flatten().count();
        let m: usize = (self.by_port.values())
            .chain(self.udp_by_port.values())
            .map(|b| b.order.len())
            .sum();
        if n != m {
            return Err(format!("{n} sockets accounted as hashed, {m} in buckets"));
        }
        Ok(())
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
}

/// Where the `k`-th `client` of a scenario connects from (the kernel runner
/// uses the same addresses, so the two agree on every 4-tuple).
///
/// A client of a loopback address comes from the host itself: from
/// 127.0.0.1 or ::1, a peer the OS knows to be local (FreeBSD keeps no
/// TIME_WAIT for such a connection). Any other destination gets a remote peer
/// from the documentation ranges 203.0.113.x / 2001:db8::x. Ports start at
/// 40000; a source address uses one again only after every other: after
/// 25,000 loopback peers, or 25,536 × 250 = 6,384,000 remote ones (a
/// scenario can hold more: its steps have no total limit).
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
    SockAddr::new(ip, 40000 + (k / 250 % REMOTE_PORTS) as u16)
}

/// The ports 40000..=65535 a remote peer's address comes from.
const REMOTE_PORTS: u32 = 65536 - 40000;

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

#[cfg(test)]
mod tests {
    use super::*;

    /// Any peer number has a source, never an overflow (a scenario's
    /// steps have no total limit: 640 lines of `client … x10000` passed
    /// the last remote port), and a source repeats only after every
    /// address and port was used.
    #[test]
    fn every_peer_number_has_a_source_port() {
        let remote: IpAddr = "192.168.0.1".parse().unwrap();
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let six: IpAddr = "2001:db8::1".parse().unwrap();
        for k in [0, 249, 250, 6_383_999, 6_384_000, u32::MAX] {
            for dst in [remote, local, six] {
                let src = client_source(k, dst);
                assert!(src.port >= 40000, "{k} {dst}: {src:?}");
            }
        }
        let last = client_source(6_383_999, remote);
        assert_eq!(
            (last.ip.to_string(), last.port),
            ("203.0.113.250".into(), 65535)
        );
        assert_eq!(client_source(6_384_000, remote), client_source(0, remote));
        assert_eq!(client_source(25_000, local), client_source(0, local));
    }

    fn labels(text: &str) -> Vec<String> {
        let s = crate::parse(text).expect("a valid scenario");
        let (host, _) = run_steps(&s, s.os);
        host.sockets().map(|s| s.label().to_string()).collect()
    }

    #[test]
    fn a_queued_connection_is_named_after_its_listeners() {
        let one = labels(
            "os linux\nsocket L tcp\nbind L 127.0.0.1:9000\nlisten L\nsocket C tcp\nconnect C 127.0.0.1:9000\n",
        );
        assert!(
            one.contains(&"a connection queued on L".to_string()),
            "{one:?}"
        );
        // Windows leaves the listener undefined between two SO_REUSEADDR ones.
        let two = labels(
            "os windows\nsocket A tcp\nset A SO_REUSEADDR\nbind A 127.0.0.1:8888\nlisten A\n\
             socket B tcp\nset B SO_REUSEADDR\nbind B 127.0.0.1:8888\nlisten B\nclient 127.0.0.1:8888\n",
        );
        assert!(
            two.contains(&"a connection queued on A or B".to_string()),
            "{two:?}"
        );
    }
}
