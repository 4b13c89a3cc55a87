//! The bind buckets: for every port, the sockets holding it in bind order and
//! a summary of them by [`PortClass`], in the manner of Linux's
//! `inet_bind_bucket` (`tb->fastreuse`, `tb->fastreuseport`, `fastuid`,
//! `fast_rcv_saddr`: what a bind check needs to know about *all* the owners
//! without walking them).
//!
//! The kernel caches one answer ("every owner allows SO_REUSEPORT for uid
//! U at address A") and falls back to the walk when it does not apply.
//! bindlab's OS modules ask richer questions (which owner a why-line names,
//! the lowest-cost owner of a BSD lookup), so the summary keeps every
//! *class* of owner — the fields a rule may read — with its members in bind
//! order. A question whose answer depends only on those fields is answered
//! per class (a handful) instead of per socket (tens of thousands).
//!
//! Invariant: a bucket's classes hold exactly its members, each under
//! `PortClass::of` its socket now. `Host::check_buckets` recomputes it by a
//! full walk; the property tests call it after every step, and run every
//! scenario a second time with `Host::set_reference_walks(true)` (the
//! per-socket walks) to compare the reports byte for byte.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::net::IpAddr;
use std::sync::Arc;

use crate::addr::{unmap, SockAddr};

use super::classes::Classes;
use super::idmap::{IdMap, Order};
use super::socket::{Opts, SockId, Socket, State};

/// What a rule may read of an owner when it is asked per class: everything
/// but the names, the peer and the times. Two sockets of one class get the
/// same answer from every class-level question the OS modules ask. UDP's
/// per-socket facts (bind order, its place in a lookup chain, SO_REUSEPORT
/// group, peer) are not class fields: UDP's buckets keep them in a
/// [`UdpIndex`] beside the classes. (Whether a UDP socket is in a group at
/// all, `grouped`, is.)
///
/// Packed into five words (from [`ClassFields`], losslessly: tested), because
/// every bind, listen and close hashes and compares classes: the fields as
/// a struct took ~80 instructions per comparison and ~125 per hash, a
/// fifth of a plain bind.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PortClass {
    /// `ip` and `hashed_ip`, each as 128 bits (an IPv4 address in the low
    /// 32), their kinds in `bits`.
    ip: [u64; 2],
    hashed_ip: [u64; 2],
    /// Every other field (where each sits: the constants below).
    bits: u64,
}

impl std::hash::Hash for PortClass {
    fn hash<H: Hasher>(&self, h: &mut H) {
        for w in [
            self.ip[0],
            self.ip[1],
            self.hashed_ip[0],
            self.hashed_ip[1],
            self.bits,
        ] {
            h.write_u64(w);
        }
    }
}

impl std::fmt::Debug for PortClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.fields().fmt(f)
    }
}

/// A [`PortClass`] unpacked: what it is made of, for building one and for
/// reading it in a failed check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ClassFields {
    pub(super) state: State,
    pub(super) opts: Opts,
    pub(super) bind_opts: Opts,
    pub(super) uid: u32,
    pub(super) v6: bool,
    pub(super) ip: Option<IpAddr>,
    pub(super) hashed_ip: Option<IpAddr>,
    pub(super) connected: bool,
    pub(super) connect_bound: bool,
    pub(super) child: bool,
    pub(super) from_exclusive: bool,
    pub(super) grouped: bool,
    pub(super) narrowed: Option<bool>,
}

/// The states a class tells apart (a TIME_WAIT's or FIN_WAIT_2's time left
/// only words the why-line), in their packed order.
const STATES: [State; 7] = [
    State::Unbound,
    State::Bound,
    State::Listening,
    State::Connected,
    State::TimeWait { until_ms: 0 },
    State::FinWait2 { until_ms: 0 },
    State::Reset,
];

fn opts_bits(o: Opts) -> u64 {
    [
        o.reuseaddr,
        o.reuseport,
        o.reuseport_lb,
        o.exclusive,
        o.v6only,
        o.mc_all,
    ]
    .iter()
    .enumerate()
    .fold(0, |acc, (i, &on)| acc | u64::from(on) << i)
}

fn opts_of(b: u64) -> Opts {
    let on = |i: u32| b >> i & 1 == 1;
    Opts {
        reuseaddr: on(0),
        reuseport: on(1),
        reuseport_lb: on(2),
        exclusive: on(3),
        v6only: on(4),
        mc_all: on(5),
    }
}

/// An address as (kind: 0 none, 1 IPv4, 2 IPv6; 128 bits as two words).
fn ip_words(ip: Option<IpAddr>) -> (u64, [u64; 2]) {
    let (kind, n) = match ip {
        None => return (0, [0; 2]),
        Some(IpAddr::V4(a)) => (1, u128::from(u32::from(a))),
        Some(IpAddr::V6(a)) => (2, u128::from(a)),
    };
    (kind, [n as u64, (n >> 64) as u64])
}

fn ip_of(kind: u64, w: [u64; 2]) -> Option<IpAddr> {
    let n = u128::from(w[0]) | u128::from(w[1]) << 64;
    match kind {
        1 => Some(IpAddr::V4((n as u32).into())),
        2 => Some(IpAddr::V6(n.into())),
        _ => None,
    }
}

// Where each field sits in `PortClass::bits` (low bit first).
const STATE: u32 = 0; // 3 bits: index in STATES
const OPTS: u32 = 3; // 6
const BIND_OPTS: u32 = 9; // 6
const IP_KIND: u32 = 15; // 2
const HASHED_KIND: u32 = 17; // 2
const NARROWED: u32 = 19; // 2: 0 None, 1 Some(false), 2 Some(true)
const FLAGS: u32 = 21; // v6, connected, connect_bound, child, from_exclusive, grouped
const UID: u32 = 32; // 32

impl ClassFields {
    pub(super) fn pack(self) -> PortClass {
        let state = match self.state {
            State::Unbound => 0,
            State::Bound => 1,
            State::Listening => 2,
            State::Connected => 3,
            State::TimeWait { .. } => 4,
            State::FinWait2 { .. } => 5,
            State::Reset => 6,
        };
        let (ip_kind, ip) = ip_words(self.ip);
        let (hashed_kind, hashed_ip) = ip_words(self.hashed_ip);
        let narrowed = self.narrowed.map_or(0, |n| 1 + u64::from(n));
        let flags = [
            self.v6,
            self.connected,
            self.connect_bound,
            self.child,
            self.from_exclusive,
            self.grouped,
        ]
        .iter()
        .enumerate()
        .fold(0, |acc, (i, &on)| acc | u64::from(on) << i);
        let bits = state << STATE
            | opts_bits(self.opts) << OPTS
            | opts_bits(self.bind_opts) << BIND_OPTS
            | ip_kind << IP_KIND
            | hashed_kind << HASHED_KIND
            | narrowed << NARROWED
            | flags << FLAGS
            | u64::from(self.uid) << UID;
        PortClass {
            ip,
            hashed_ip,
            bits,
        }
    }
}

impl PortClass {
    pub fn is_listening(&self) -> bool {
        self.bits >> STATE & 7 == 2
    }

    pub(super) fn of(s: &Socket) -> PortClass {
        ClassFields {
            // `pack` keeps the state's kind, not a TIME_WAIT's time left.
            state: s.state(),
            opts: s.opts(),
            bind_opts: s.bind_opts(),
            uid: s.uid(),
            v6: s.is_v6(),
            ip: s.local().map(|l| l.ip),
            hashed_ip: s.hashed_ip(),
            connected: s.is_connected(),
            connect_bound: s.connect_bound(),
            child: s.child(),
            from_exclusive: s.from_exclusive(),
            grouped: s.reuse_group() != 0,
            narrowed: s.pcb_narrowed(),
        }
        .pack()
    }

    // One field each, read straight from the packed words: what a
    // [`super::ClassView`] answers with, so asking a class one question
    // does not unpack the rest.
    pub(super) fn state(&self) -> State {
        STATES[(self.bits >> STATE & 7) as usize % STATES.len()]
    }
    pub(super) fn opts(&self) -> Opts {
        opts_of(self.bits >> OPTS)
    }
    pub(super) fn bind_opts(&self) -> Opts {
        opts_of(self.bits >> BIND_OPTS)
    }
    pub(super) fn uid(&self) -> u32 {
        (self.bits >> UID) as u32
    }
    pub(super) fn ip(&self) -> Option<IpAddr> {
        ip_of(self.bits >> IP_KIND & 3, self.ip)
    }
    pub(super) fn hashed_ip(&self) -> Option<IpAddr> {
        ip_of(self.bits >> HASHED_KIND & 3, self.hashed_ip)
    }
    pub(super) fn narrowed(&self) -> Option<bool> {
        match self.bits >> NARROWED & 3 {
            0 => None,
            n => Some(n == 2),
        }
    }
    fn flag(&self, i: u32) -> bool {
        self.bits >> (FLAGS + i) & 1 == 1
    }
    pub(super) fn v6(&self) -> bool {
        self.flag(0)
    }
    pub(super) fn connected(&self) -> bool {
        self.flag(1)
    }
    pub(super) fn connect_bound(&self) -> bool {
        self.flag(2)
    }
    pub(super) fn child(&self) -> bool {
        self.flag(3)
    }
    /// An accepted connection or a closed end (TIME_WAIT, FIN_WAIT_2):
    /// what `Classes::conns` counts.
    pub(super) fn conn(&self) -> bool {
        self.child()
            || matches!(
                self.state(),
                State::TimeWait { .. } | State::FinWait2 { .. }
            )
    }
    #[allow(clippy::wrong_self_convention)] // named as `Socket::from_exclusive`
    pub(super) fn from_exclusive(&self) -> bool {
        self.flag(4)
    }
    pub(super) fn grouped(&self) -> bool {
        self.flag(5)
    }

    /// The fields this class was packed from.
    pub(super) fn fields(&self) -> ClassFields {
        ClassFields {
            state: self.state(),
            opts: self.opts(),
            bind_opts: self.bind_opts(),
            uid: self.uid(),
            v6: self.v6(),
            ip: self.ip(),
            hashed_ip: self.hashed_ip(),
            connected: self.connected(),
            connect_bound: self.connect_bound(),
            child: self.child(),
            from_exclusive: self.from_exclusive(),
            grouped: self.grouped(),
            narrowed: self.narrowed(),
        }
    }
}

/// One port's owners.
///
/// Laid out (`repr(C)`, on a cache line's boundary) with what a TCP bind
/// on a cold port reads first — the bind order, then the classes held in
/// place, then the memo (Linux's alone) — so that such a bind reads the
/// bucket's first five or six lines; the listening list and UDP's index
/// come after.
#[derive(Clone, Debug, Default)]
#[repr(C, align(64))]
pub(super) struct Bucket {
    /// Position (a host-wide counter at hashing time) → socket: bind order.
    pub(super) order: Order<u64>,
    /// The summary: each class with its members, `position → socket` (the
    /// socket beside its position, so a listing reads no other map).
    pub(super) classes: Classes,
    /// What the OS remembers of the port apart from its owners, while it has
    /// any (it goes with the bucket): Linux's `tb->fastreuseport` summary.
    pub(super) memo: Option<PortMemo>,
    /// TCP's listeners in the order of Linux's listening list, last key
    /// first ([`listen_key`]), so a listen() that looks for the first
    /// listener of a SO_REUSEPORT group stops where the kernel's walk does,
    /// without sorting the port's listeners.
    pub(super) listening: IdMap<u64>,
    /// The same listeners by position (bind order), so a note that names
    /// the port's first few listeners and counts the rest (the BSDs'
    /// listen) reads a few, not every class of the port.
    pub(super) listeners: IdMap<u64>,
    /// UDP's buckets only: the per-socket orders and groups the lookups read.
    pub(super) udp: UdpIndex,
}

/// One protocol's bind buckets, by port: a port's bucket is found by
/// indexing, not hashing — a page of 256 slots per 256 ports (made when
/// one of its ports is first taken), each slot the bucket's [`Place`]
/// (0: no bucket). A hash table's lookup read its control bytes and then
/// the slot's key, at the far end of a slot the bucket's size, before the
/// bucket: a cold port cost a cache line or two more.
#[derive(Debug, Default)]
pub(super) struct Ports {
    pages: Vec<Option<Box<[Place; 256]>>>,
    /// The buckets, in chunks that are never reallocated, so no bucket
    /// moves once placed: a bucket holds its first classes and owners in
    /// place (hundreds of bytes), and one vector of them copied every
    /// bucket each time it doubled, which a host growing while stepped
    /// (each connection's ephemeral port a new bucket) paid. Chunk `k`
    /// has room for [`chunk_len`]`(k)` buckets, made when it is started
    /// (16, 16, 32, 64, …: each as many as all before it, so there are
    /// few — 13 for 65,536 ports, their list five cache lines — and no
    /// more room than a doubling vector would have).
    chunks: Vec<Vec<Bucket>>,
    /// Places left by removed buckets, reused first.
    free: Vec<Place>,
}

/// Where a bucket is: `(k + 1) << 16 | j` for chunk `k`, slot `j` (a
/// chunk has at most 32,768 slots), so never 0, and the chunk and slot
/// are read off without arithmetic on a running index.
type Place = u32;

/// How many buckets chunk `k` of [`Ports::chunks`] has room for.
fn chunk_len(k: usize) -> usize {
    16 << k.saturating_sub(1)
}

/// The chunk and slot `place` names.
fn chunk_slot(place: Place) -> (usize, usize) {
    let k = (place >> 16) as usize;
    (k.wrapping_sub(1), (place & 0xffff) as usize)
}

impl Clone for Ports {
    /// Each chunk cloned with room for all its buckets (a derived clone
    /// would give it room for only those it has, and the next bucket
    /// placed in it would move them all).
    fn clone(&self) -> Self {
        let chunks = self.chunks.iter().enumerate().map(|(k, c)| {
            let mut new = Vec::with_capacity(chunk_len(k));
            new.extend(c.iter().cloned());
            new
        });
        Ports {
            pages: self.pages.clone(),
            chunks: chunks.collect(),
            free: self.free.clone(),
        }
    }
}

impl Ports {
    /// Where `port`'s bucket is.
    fn place(&self, port: u16) -> Option<Place> {
        let page = self.pages.get(usize::from(port >> 8))?.as_ref()?;
        let place = page[usize::from(port & 0xff)];
        (place != 0).then_some(place)
    }

    fn at(&self, place: Place) -> Option<&Bucket> {
        let (k, j) = chunk_slot(place);
        self.chunks.get(k)?.get(j)
    }

    fn at_mut(&mut self, place: Place) -> Option<&mut Bucket> {
        let (k, j) = chunk_slot(place);
        self.chunks.get_mut(k)?.get_mut(j)
    }

    pub(super) fn get(&self, port: &u16) -> Option<&Bucket> {
        self.at(self.place(*port)?)
    }

    pub(super) fn get_mut(&mut self, port: &u16) -> Option<&mut Bucket> {
        self.at_mut(self.place(*port)?)
    }

    /// A new place holding an empty bucket: in the last chunk, or in a new
    /// one when that is full. No bucket moves.
    fn push(&mut self) -> Place {
        let full = |k: usize, c: &Vec<Bucket>| c.len() == chunk_len(k);
        let k = match self.chunks.len().checked_sub(1) {
            Some(k) if !full(k, &self.chunks[k]) => k,
            _ => {
                let k = self.chunks.len();
                self.chunks.push(Vec::with_capacity(chunk_len(k)));
                k
            }
        };
        let c = &mut self.chunks[k];
        c.push(Bucket::default());
        // At most 13 chunks of at most 32,768 buckets: both fit.
        let (k, j) = (k as u32 + 1, c.len() as u32 - 1);
        k << 16 | j
    }

    /// `port`'s bucket, made empty if it has none.
    pub(super) fn get_or_default(&mut self, port: u16) -> &mut Bucket {
        let place = match self.place(port) {
            Some(place) => place,
            None => {
                let place = match self.free.pop() {
                    Some(place) => place,
                    None => self.push(),
                };
                let p = usize::from(port >> 8);
                if self.pages.len() <= p {
                    self.pages.resize_with(p + 1, || None);
                }
                let page = self.pages[p].get_or_insert_with(|| Box::new([0; 256]));
                page[usize::from(port & 0xff)] = place;
                place
            }
        };
        let (k, j) = chunk_slot(place);
        &mut self.chunks[k][j]
    }

    /// Drops `port`'s bucket.
    pub(super) fn remove(&mut self, port: &u16) {
        let Some(place) = self.place(*port) else {
            return;
        };
        if let Some(Some(page)) = self.pages.get_mut(usize::from(*port >> 8)) {
            page[usize::from(*port & 0xff)] = 0;
        }
        if let Some(b) = self.at_mut(place) {
            *b = Bucket::default();
        }
        self.free.push(place);
    }

    /// Every port with a bucket, and its bucket, lowest port first.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u16, &Bucket)> {
        self.pages.iter().enumerate().flat_map(move |(p, page)| {
            page.iter().flat_map(move |page| {
                page.iter().enumerate().filter_map(move |(j, &place)| {
                    // `p` < 256 and `j` < 256: a port.
                    let b = self.at((place != 0).then_some(place)?)?;
                    Some((u16::try_from(p << 8 | j).ok()?, b))
                })
            })
        })
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &Bucket> {
        self.iter().map(|(_, b)| b)
    }
}

impl Default for PortClass {
    /// A placeholder for an unused slot of [`Classes`].
    fn default() -> Self {
        PortClass {
            ip: [0; 2],
            hashed_ip: [0; 2],
            bits: 0,
        }
    }
}

/// Where a TCP listener sits in its port's listening list
/// (`inet_hash` → `__sk_nulls_add_node_rcu` / `_tail_rcu`): newest first,
/// then the ones added at the tail (an AF_INET6 socket with SO_REUSEPORT as
/// it started listening), oldest first. The list runs from the highest key
/// down, so the usual new listener, the list's new head, is filed at the
/// end of [`Bucket::listening`] (an insert at the front of a sorted run
/// moves the whole run). `None`: not a TCP listener.
pub(super) fn listen_key(s: &Socket) -> Option<u64> {
    const HEAD: u64 = 1 << 63;
    (s.is_listening() && !s.is_udp()).then(|| {
        if s.listen_tail() {
            (HEAD - 1) - s.listen_seq()
        } else {
            HEAD | s.listen_seq()
        }
    })
}

/// A port's summary as Linux keeps it in its bind bucket (`fastreuseport`
/// with `fastuid`, `fast_rcv_saddr`, `fast_sk_family`, `fast_ipv6_only`):
/// "a socket of user `uid` with SO_REUSEPORT may bind address `ip` without
/// the owners being checked". It is written when a socket takes the port
/// (bind, listen) and never when an owner changes its options, so it can
/// say more than the owners now allow; that is the kernel's behaviour, and
/// the why-line says so. The OS module decides what it holds and when it
/// applies (`OsRules::port_memo`); the host only keeps it with the bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortMemo {
    pub uid: u32,
    /// The socket's family: IPv6 or not.
    pub v6: bool,
    pub ip: IpAddr,
    pub v6only: bool,
    /// The socket whose bind or listen wrote it, for the why-line.
    pub by: crate::rules::Name,
}

/// A UDP bucket's per-socket facts, indexed so a bind check or a
/// datagram's lookup reads a handful of entries, as the kernel's hash
/// chains do (`udp_lib_lport_inuse`, `udp4_lib_lookup2`, `in_pcblookup_hash`,
/// a reuseport group's array), instead of the port's population. Entries
/// are `(key, position)` so each set is ordered by the key, then by bind,
/// and hold the socket so a listing reads no other table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct UdpIndex {
    /// Each class's members in the two orders a lookup reads.
    pub(super) classes: HashMap<PortClass, ClassOrders, FxBuild>,
    /// SO_REUSEPORT group → its members.
    pub(super) groups: HashMap<u64, UdpGroup, FxBuild>,
    /// Peer (unmapped) → the connected members that have it.
    pub(super) peers: HashMap<SockAddr, IdMap<u64>, FxBuild>,
}

/// One SO_REUSEPORT group of a UDP bucket.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct UdpGroup {
    /// [unconnected members, connected members], `position → socket`.
    pub(super) members: [IdMap<u64>; 2],
    /// The unconnected members in bind order, listed on first use after a
    /// change: a datagram to a big group shares this list (its candidates)
    /// instead of copying the group, as the kernel's reuseport array is
    /// read in place. Emptied by every change to `members`.
    pub(super) free_list: Memo<Arc<[SockId]>>,
}

/// A value worked out from the rest of a struct on first use: not part of
/// its state, so it never makes two otherwise equal structs differ.
#[derive(Clone, Default)]
pub(super) struct Memo<T>(pub(super) OnceCell<T>);

impl<T> PartialEq for Memo<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl<T> Eq for Memo<T> {}
impl<T> std::fmt::Debug for Memo<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

/// One class's members of a UDP bucket, `(key, position) → socket`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct ClassOrders {
    /// By `Socket::bound_seq` (the primary chain's and the BSDs' "newest /
    /// oldest bound" order).
    pub(super) by_bound: IdMap<(u64, u64)>,
    /// The members in bind order (by position), listed on first use after
    /// a change: Windows' undefined choice among the sockets of one
    /// address reads this list in place. Emptied by every change to
    /// `by_bound`.
    pub(super) by_pos: Memo<Arc<[SockId]>>,
    /// By `Socket::chain_key` (a lookup chain's order).
    pub(super) by_chain: IdMap<(u64, u64)>,
}

/// What [`UdpIndex`] files a UDP socket under besides its class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct UdpKeys {
    pub(super) bound: u64,
    pub(super) chain: u64,
    pub(super) group: u64,
    pub(super) peer: Option<SockAddr>,
}

impl UdpKeys {
    /// `None` for a TCP socket.
    pub(super) fn of(s: &Socket) -> Option<UdpKeys> {
        s.is_udp().then(|| UdpKeys {
            bound: s.bound_seq(),
            chain: s.chain_key(),
            group: s.reuse_group(),
            peer: s.remote().map(|r| SockAddr::new(unmap(r.ip), r.port)),
        })
    }
}

/// Takes `item` out of `m[key]`, dropping the entry when it empties.
fn take<K: std::hash::Hash + Eq, T: Ord + Copy>(
    m: &mut HashMap<K, IdMap<T>, FxBuild>,
    key: K,
    item: &T,
) {
    if let Some(set) = m.get_mut(&key) {
        set.remove(item);
        if set.is_empty() {
            m.remove(&key);
        }
    }
}

impl UdpIndex {
    pub(super) fn add(&mut self, pos: u64, id: SockId, class: PortClass, k: UdpKeys) {
        let c = self.classes.entry(class).or_default();
        c.by_bound.insert((k.bound, pos), id);
        c.by_pos = Memo::default();
        c.by_chain.insert((k.chain, pos), id);
        self.add_group_peer(pos, id, k);
    }

    pub(super) fn remove(&mut self, pos: u64, class: PortClass, k: UdpKeys) {
        if let Some(c) = self.classes.get_mut(&class) {
            c.by_bound.remove(&(k.bound, pos));
            c.by_chain.remove(&(k.chain, pos));
            c.by_pos = Memo::default();
            if c.by_bound.is_empty() {
                self.classes.remove(&class);
            }
        }
        self.remove_group_peer(pos, k);
    }

    /// `id` moved from (`class`, `k`) to (`class2`, `k2`): only the entries
    /// whose key changed move (a bind re-chains a socket and may group it;
    /// most changes touch one map).
    pub(super) fn update(
        &mut self,
        pos: u64,
        id: SockId,
        (class, k): (PortClass, UdpKeys),
        (class2, k2): (PortClass, UdpKeys),
    ) {
        if class != class2 {
            self.remove(pos, class, k);
            self.add(pos, id, class2, k2);
            return;
        }
        if let Some(c) = self.classes.get_mut(&class) {
            if k.bound != k2.bound {
                c.by_bound.remove(&(k.bound, pos));
                c.by_bound.insert((k2.bound, pos), id);
                c.by_pos = Memo::default();
            }
            if k.chain != k2.chain {
                c.by_chain.remove(&(k.chain, pos));
                c.by_chain.insert((k2.chain, pos), id);
            }
        }
        if (k.group, k.peer) != (k2.group, k2.peer) {
            self.remove_group_peer(pos, k);
            self.add_group_peer(pos, id, k2);
        }
    }

    fn add_group_peer(&mut self, pos: u64, id: SockId, k: UdpKeys) {
        if k.group != 0 {
            let g = self.groups.entry(k.group).or_default();
            g.members[usize::from(k.peer.is_some())].insert(pos, id);
            g.free_list = Memo::default();
        }
        if let Some(p) = k.peer {
            self.peers.entry(p).or_default().insert(pos, id);
        }
    }

    fn remove_group_peer(&mut self, pos: u64, k: UdpKeys) {
        if k.group != 0 {
            if let Some(g) = self.groups.get_mut(&k.group) {
                g.members[usize::from(k.peer.is_some())].remove(&pos);
                g.free_list = Memo::default();
                if g.members.iter().all(IdMap::is_empty) {
                    self.groups.remove(&k.group);
                }
            }
        }
        if let Some(p) = k.peer {
            take(&mut self.peers, p, &pos);
        }
    }
}

/// Where a socket is hashed: its port, position and class as accounted.
#[derive(Clone, Copy, Debug)]
pub(super) struct Hashed {
    pub(super) port: u16,
    pub(super) pos: u64,
    pub(super) class: PortClass,
    /// The step in which it was hashed (see `Host::search_gen`).
    pub(super) step: u64,
    /// In UDP's buckets (`Host::udp_by_port`), not TCP's.
    pub(super) udp: bool,
    /// UDP: what its [`UdpIndex`] entries are filed under.
    pub(super) keys: Option<UdpKeys>,
    /// A TCP listener: its place in the bucket's `listening` ([`listen_key`]).
    pub(super) listen: Option<u64>,
}

impl Bucket {
    pub(super) fn add(
        &mut self,
        pos: u64,
        id: SockId,
        h: (PortClass, Option<UdpKeys>, Option<u64>),
    ) {
        let (class, keys, listen) = h;
        self.order.insert(pos, id);
        self.classes.members_mut(class).insert(pos, id);
        self.classes.conns += u32::from(class.conn());
        if let Some(k) = keys {
            self.udp.add(pos, id, class, k);
        }
        if let Some(l) = listen {
            self.listening.insert(l, id);
            self.listeners.insert(pos, id);
        }
    }

    pub(super) fn remove(&mut self, pos: u64, h: (PortClass, Option<UdpKeys>, Option<u64>)) {
        let (class, keys, listen) = h;
        self.order.remove(&pos);
        self.unclass(pos, class);
        self.classes.conns -= u32::from(class.conn());
        if let Some(k) = keys {
            self.udp.remove(pos, class, k);
        }
        if let Some(l) = listen {
            self.listening.remove(&l);
            self.listeners.remove(&pos);
        }
    }

    /// Takes `pos` out of `class` (one lookup of the class, which may go).
    pub(super) fn unclass(&mut self, pos: u64, class: PortClass) {
        self.classes.remove(class, pos);
    }

    pub(super) fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

/// The order in which an ephemeral search tries the ports of a range, by
/// index, so a search can resume at any point: `lo..=hi`, or (Linux) the
/// ports of one parity first, then the others. The real kernels start at a
/// random or hashed offset; bindlab starts at the bottom so reports are
/// stable, and says so in the rule text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PortOrder {
    pub lo: u16,
    pub hi: u16,
    /// `Some(parity)`: ports of that parity (0 even, 1 odd) first.
    pub parity_first: Option<u16>,
    /// Only the ports of `parity_first` (one of Linux's bind passes).
    pub only: bool,
}

impl PortOrder {
    /// `lo..=hi` in order.
    pub fn range(lo: u16, hi: u16) -> PortOrder {
        PortOrder {
            lo,
            hi,
            parity_first: None,
            only: false,
        }
    }

    /// The ports of `lo..=hi` of one parity (0 even, 1 odd), in order.
    pub fn one_parity(lo: u16, hi: u16, parity: u16) -> PortOrder {
        PortOrder {
            lo,
            hi,
            parity_first: Some(parity),
            only: true,
        }
    }

    pub fn len(&self) -> usize {
        match self.parity_first {
            Some(par) if self.only => self.count(par),
            _ => (self.hi as usize + 1).saturating_sub(self.lo as usize),
        }
    }

    /// The first port of parity `p` at or above `lo`.
    fn first(&self, p: u16) -> u32 {
        self.lo as u32 + ((p as u32 + 2 - self.lo as u32 % 2) % 2)
    }

    /// How many ports of parity `p` the range holds.
    fn count(&self, p: u16) -> usize {
        let f = self.first(p);
        if f > self.hi as u32 {
            0
        } else {
            ((self.hi as u32 - f) / 2 + 1) as usize
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`-th port tried.
    pub fn at(&self, i: usize) -> u16 {
        let Some(par) = self.parity_first else {
            return self.lo + i as u16;
        };
        let n1 = self.count(par);
        if i < n1 {
            (self.first(par) + 2 * i as u32) as u16
        } else {
            (self.first(1 - par) + 2 * (i - n1) as u32) as u16
        }
    }
}

/// What an ephemeral search is for: the same key over the same host state
/// finds the same port. `tag` names the search (OS and call), `src`/`dst`
/// the addresses it depends on, `extra` anything else (a family, v6only, an owner).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SearchKey {
    pub tag: &'static str,
    pub src: Option<IpAddr>,
    pub dst: Option<(IpAddr, u16)>,
    pub extra: u64,
}

/// The host's tables hash small keys (ports, 4-tuples, classes) on every
/// step; SipHash's resistance to chosen keys buys nothing in a simulation
/// and costs more than the rest of a bind. This is rustc's FxHasher.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, mut bytes: &[u8]) {
        // Whole words, then the tail gathered by shifts (a byte copy into a
        // buffer was a `memcpy` call per socket name looked up).
        while let Some((word, rest)) = bytes.split_first_chunk::<8>() {
            self.add(u64::from_le_bytes(*word));
            bytes = rest;
        }
        if !bytes.is_empty() {
            let tail = bytes
                .iter()
                .rev()
                .fold(0u64, |acc, &b| acc << 8 | u64::from(b));
            self.add(tail);
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.add(n.into());
    }
    fn write_u16(&mut self, n: u16) {
        self.add(n.into());
    }
    fn write_u32(&mut self, n: u32) {
        self.add(n.into());
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// [`FxHasher`] for a `HashMap`.
pub(super) type FxBuild = BuildHasherDefault<FxHasher>;

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::hash::Hasher;
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    use super::{ClassFields, FxHasher, Opts, PortOrder, State, STATES};

    /// Packing loses nothing: every field comes back, so two sockets share
    /// a class only if every field a rule may read is equal.
    #[test]
    fn a_port_class_unpacks_to_what_it_was_packed_from() {
        let ips = [
            None,
            Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
            Some(IpAddr::V4(Ipv4Addr::new(255, 255, 255, 255))),
            Some(IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
            // The IPv4 0.0.0.1 and the IPv6 ::1 share their 128 bits.
            Some(IpAddr::V4(Ipv4Addr::new(0, 0, 0, 1))),
            Some(IpAddr::V6(Ipv6Addr::LOCALHOST)),
            Some(IpAddr::V6(Ipv6Addr::new(0xffff, 1, 2, 3, 4, 5, 6, 0xffff))),
        ];
        let mut seen = HashSet::new();
        let mut n = 0u32;
        for &state in &STATES {
            for (i, &ip) in ips.iter().enumerate() {
                for &hashed_ip in &ips[i % 3..i % 3 + 5] {
                    for narrowed in [None, Some(false), Some(true)] {
                        for bits in [0u32, 1, 0b10_1010, 0b11_1111, 0x55, 0xfff] {
                            n = n.wrapping_mul(2_654_435_761).wrapping_add(bits);
                            let on = |i: u32| bits >> i & 1 == 1;
                            let opts = |k: u32| Opts {
                                reuseaddr: on(k),
                                reuseport: on(k + 1),
                                reuseport_lb: on(k + 2),
                                exclusive: on(k + 3),
                                v6only: on(k + 4),
                                mc_all: on(k + 5),
                            };
                            let f = ClassFields {
                                state,
                                opts: opts(0),
                                bind_opts: opts(6),
                                uid: [0, 1000, u32::MAX, n][bits as usize % 4],
                                v6: on(1),
                                ip,
                                hashed_ip,
                                connected: on(2),
                                connect_bound: on(3),
                                child: on(4),
                                from_exclusive: on(5),
                                grouped: on(7),
                                narrowed,
                            };
                            assert_eq!(f.pack().fields(), f);
                            seen.insert((format!("{f:?}"), f.pack()));
                        }
                    }
                }
            }
        }
        let classes: HashSet<_> = seen.iter().map(|(_, c)| *c).collect();
        let fields: HashSet<_> = seen.iter().map(|(f, _)| f.clone()).collect();
        assert_eq!(
            classes.len(),
            fields.len(),
            "two different field sets packed alike"
        );
    }

    /// Each field alone moves the class (the test above varies some
    /// together), and a TIME_WAIT's or FIN_WAIT_2's time left does not.
    #[test]
    fn every_field_alone_changes_the_class_and_time_left_does_not() {
        let base = ClassFields {
            state: State::Bound,
            opts: Opts::default(),
            bind_opts: Opts::default(),
            uid: 0,
            v6: false,
            ip: None,
            hashed_ip: None,
            connected: false,
            connect_bound: false,
            child: false,
            from_exclusive: false,
            grouped: false,
            narrowed: None,
        };
        let ip = Some(IpAddr::V4(Ipv4Addr::LOCALHOST));
        let opt = |i: usize| {
            let mut o = Opts::default();
            *[
                &mut o.reuseaddr,
                &mut o.reuseport,
                &mut o.reuseport_lb,
                &mut o.exclusive,
                &mut o.v6only,
                &mut o.mc_all,
            ][i] = true;
            o
        };
        let mut changed: Vec<ClassFields> = vec![
            ClassFields {
                state: State::Listening,
                ..base
            },
            ClassFields {
                uid: 1 << 31,
                ..base
            },
            ClassFields { v6: true, ..base },
            ClassFields { ip, ..base },
            ClassFields {
                hashed_ip: ip,
                ..base
            },
            ClassFields {
                connected: true,
                ..base
            },
            ClassFields {
                connect_bound: true,
                ..base
            },
            ClassFields {
                child: true,
                ..base
            },
            ClassFields {
                from_exclusive: true,
                ..base
            },
            ClassFields {
                grouped: true,
                ..base
            },
            ClassFields {
                narrowed: Some(false),
                ..base
            },
            ClassFields {
                narrowed: Some(true),
                ..base
            },
        ];
        for i in 0..6 {
            changed.push(ClassFields {
                opts: opt(i),
                ..base
            });
            changed.push(ClassFields {
                bind_opts: opt(i),
                ..base
            });
        }
        let mut all: HashSet<_> = changed.iter().map(|f| f.pack()).collect();
        all.insert(base.pack());
        assert_eq!(
            all.len(),
            changed.len() + 1,
            "a field does not move the class"
        );
        let time_wait = |t| {
            ClassFields {
                state: State::TimeWait { until_ms: t },
                ..base
            }
            .pack()
        };
        let fin_wait_2 = |t| {
            ClassFields {
                state: State::FinWait2 { until_ms: t },
                ..base
            }
            .pack()
        };
        assert_eq!(time_wait(5), time_wait(60_000));
        assert_eq!(fin_wait_2(5), fin_wait_2(60_000));
        assert_ne!(time_wait(5), fin_wait_2(5));
    }

    /// The hasher's byte path gives what it gave when each tail was copied
    /// into a zeroed word (so a hash, and the order of a map, stays put).
    #[test]
    fn the_hasher_reads_a_tail_as_a_zero_padded_word() {
        fn padded(bytes: &[u8]) -> u64 {
            let mut h = FxHasher::default();
            for chunk in bytes.chunks(8) {
                let mut word = [0u8; 8];
                word[..chunk.len()].copy_from_slice(chunk);
                h.add(u64::from_le_bytes(word));
            }
            h.finish()
        }
        let bytes: Vec<u8> = (1..=17u8).map(|b| b.wrapping_mul(37)).collect();
        for n in 0..=bytes.len() {
            let mut h = FxHasher::default();
            h.write(&bytes[..n]);
            assert_eq!(h.finish(), padded(&bytes[..n]), "{n} bytes");
        }
    }

    #[test]
    fn port_order_by_index_is_the_parity_walk() {
        for (lo, hi) in [
            (32768, 60999),
            (49152, 65535),
            (10000, 10001),
            (5, 9),
            (6, 6),
            (7, 7),
        ] {
            for par in [0u16, 1] {
                let o = PortOrder {
                    lo,
                    hi,
                    parity_first: Some(par),
                    only: false,
                };
                let want: Vec<u16> = (lo..=hi)
                    .filter(|p| p % 2 == par)
                    .chain((lo..=hi).filter(|p| p % 2 != par))
                    .collect();
                let got: Vec<u16> = (0..o.len()).map(|i| o.at(i)).collect();
                assert_eq!(got, want, "{lo}..={hi} parity {par}");
                let o = PortOrder::one_parity(lo, hi, par);
                let want: Vec<u16> = (lo..=hi).filter(|p| p % 2 == par).collect();
                let got: Vec<u16> = (0..o.len()).map(|i| o.at(i)).collect();
                assert_eq!(got, want, "{lo}..={hi} only parity {par}");
            }
            let o = PortOrder::range(lo, hi);
            let got: Vec<u16> = (0..o.len()).map(|i| o.at(i)).collect();
            assert_eq!(got, (lo..=hi).collect::<Vec<_>>());
        }
    }

    /// A bucket's classes past the few held in place: each found where it
    /// was filed, listed once, and gone when its last member goes, in any
    /// order of adds and removes.
    #[test]
    fn classes_held_in_place_and_beyond_answer_as_a_map_does() {
        use super::super::idmap::IdMap;
        use super::{Classes, FxBuild, PortClass};
        use std::collections::HashMap;
        let class = |i: u64| {
            ClassFields {
                state: State::Bound,
                opts: Opts::default(),
                bind_opts: Opts::default(),
                uid: i as u32,
                v6: false,
                ip: None,
                hashed_ip: None,
                connected: false,
                connect_bound: false,
                child: false,
                from_exclusive: false,
                grouped: false,
                narrowed: None,
            }
            .pack()
        };
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let (mut c, mut want) = (
            Classes::default(),
            HashMap::<PortClass, IdMap<u64>, FxBuild>::default(),
        );
        for _ in 0..20_000 {
            let (k, pos) = (next() % 7, next() % 5);
            if next() % 2 == 0 {
                c.members_mut(class(k)).insert(pos, pos as usize);
                want.entry(class(k)).or_default().insert(pos, pos as usize);
            } else {
                c.remove(class(k), pos);
                if let Some(m) = want.get_mut(&class(k)) {
                    m.remove(&pos);
                    if m.is_empty() {
                        want.remove(&class(k));
                    }
                }
            }
            assert!(c == want, "{c:?} against {want:?}");
            assert_eq!(c.iter().count(), want.len());
        }
    }

    /// Buckets found by port, made on first use, dropped and their places
    /// reused, listed lowest port first.
    #[test]
    fn ports_find_make_drop_and_list_buckets() {
        use super::Ports;
        let mut p = Ports::default();
        for port in [65_535_u16, 0, 8_080, 8_081, 300] {
            assert!(p.get(&port).is_none());
            p.get_or_default(port).order.insert(u64::from(port), 1);
        }
        p.remove(&8_080);
        p.remove(&8_080);
        assert!(p.get(&8_080).is_none() && p.get(&8_079).is_none());
        let listed: Vec<u16> = p.iter().map(|(port, _)| port).collect();
        assert_eq!(listed, [0, 300, 8_081, 65_535]);
        for port in listed {
            let b = p.get(&port).expect("a bucket");
            assert_eq!(b.order.iter().next(), Some((&u64::from(port), &1)));
        }
        // The dropped bucket's place is reused, empty.
        assert!(p.get_or_default(1_024).is_empty());
        assert!(p.get_mut(&1_024).is_some());
        assert_eq!(p.values().count(), 5);
    }

    /// Each chunk has room for as many buckets as all before it, so 13
    /// hold every port, and a place names its chunk and slot.
    #[test]
    fn chunks_double_and_places_name_chunk_and_slot() {
        use super::{chunk_len, chunk_slot};
        let lens: Vec<usize> = (0..13).map(chunk_len).collect();
        assert_eq!(lens[..4], [16, 16, 32, 64]);
        assert_eq!(lens.iter().sum::<usize>(), 65_536);
        assert_eq!(chunk_slot(1 << 16), (0, 0));
        assert_eq!(chunk_slot(13 << 16 | 32_767), (12, 32_767));
        assert_eq!(chunk_slot(0).0, usize::MAX, "0 names no chunk");
    }

    /// Growing past many chunks moves no bucket (a bucket is hundreds of
    /// bytes, and one vector of them copied all at each doubling); a
    /// dropped bucket's place is reused, by a clone too.
    #[test]
    fn ports_grow_over_chunks_without_moving_a_bucket() {
        use super::Ports;
        let mut p = Ports::default();
        p.get_or_default(7).order.insert(7, 7);
        let first: *const _ = p.get(&7).expect("a bucket");
        let mut held = vec![];
        for port in 1_000..3_000_u16 {
            p.get_or_default(port).order.insert(u64::from(port), 1);
            if port % 97 == 0 {
                held.push((port, std::ptr::from_ref(p.get(&port).expect("a bucket"))));
            }
        }
        assert!(p.chunks.len() > 7, "{} chunks", p.chunks.len());
        assert!(std::ptr::eq(first, p.get(&7).expect("still there")));
        for &(port, at) in &held {
            assert!(std::ptr::eq(at, p.get(&port).expect("still there")));
        }
        // Drop every third port; the places are reused before any new one.
        let places = p.chunks.iter().map(Vec::len).sum::<usize>();
        for port in (1_000..3_000_u16).step_by(3) {
            p.remove(&port);
            assert!(p.get(&port).is_none());
        }
        let mut q = p.clone();
        // In the last chunk, which the pushes below fill.
        let in_clone: *const _ = q.get(&2_501).expect("a bucket");
        for ports in [&mut p, &mut q] {
            for port in 10_000..10_667_u16 {
                assert!(ports.get_or_default(port).is_empty());
                ports.get_or_default(port).order.insert(u64::from(port), 2);
            }
            assert_eq!(ports.chunks.iter().map(Vec::len).sum::<usize>(), places);
            // Past the free places, new ones, and still nothing moves.
            ports.get_or_default(20_000).order.insert(20_000, 3);
            assert_eq!(ports.chunks.iter().map(Vec::len).sum::<usize>(), places + 1);
        }
        for ports in [&p, &q] {
            for port in (1_000..3_000_u16).filter(|p| (p - 1_000) % 3 != 0) {
                let b = ports.get(&port).expect("a bucket");
                assert_eq!(b.order.iter().next(), Some((&u64::from(port), &1)));
            }
            assert_eq!(ports.values().count(), 1 + 2_000 - 667 + 667 + 1);
            assert_eq!(ports.iter().last().map(|(port, _)| port), Some(20_000));
        }
        for &(port, at) in held.iter().filter(|(p, _)| (p - 1_000) % 3 != 0) {
            assert!(std::ptr::eq(at, p.get(&port).expect("still there")));
        }
        // A clone's chunks keep their room: its buckets stay put too.
        assert!(std::ptr::eq(in_clone, q.get(&2_501).expect("still there")));
    }
}
