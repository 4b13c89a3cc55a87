//! A bucket's classes of owner ([`PortClass`]), each with its members, and
//! the index that finds them by local address.
//!
//! A class holds its local address, so a port whose owners sit on
//! thousands of distinct addresses has thousands of classes, and a
//! question asked of every class on each bind made a host of such
//! connections quadratic (10,000 connections on one port, each on its own
//! address, took 320 ms to run). Most questions are about one address: a
//! bind's conflicts, a SYN's candidates. Such a question asks for
//! [`Scope::Near`] and visits the classes filed under that address and the
//! wildcard ones only.
//!
//! Invariant (`Host::check_buckets`): the index holds exactly the classes
//! kept beyond the inline ones, each where [`filed_at`] says. The inline
//! ones (a few) are visited by every question.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::net::IpAddr;

use crate::addr::is_wildcard;

use super::buckets::{FxBuild, PortClass};
use super::idmap::IdMap;

/// Which of a port's classes of owner a question visits.
///
/// A caller passes `Near(addr)` only where its closure answers `None` (or
/// `false`) for every class that is not on `addr` (plain or v4-mapped, or
/// hashed under it) nor on a wildcard, and says why at the call site; in
/// doubt, `All`. The reference walks (`Host::set_reference_walks`) ignore
/// the scope, so the property tests catch a wrong one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every class of the port.
    All,
    /// The classes on this address (`a.b.c.d` and `::ffff:a.b.c.d` alike;
    /// by `ip` or by `hashed_ip`), those on a wildcard of either family or
    /// on none, and the few held inline. A wildcard `addr` visits all.
    Near(IpAddr),
}

/// An address as the index files it: IPv4 in its v4-mapped form, so a
/// socket on `a.b.c.d` and one on `::ffff:a.b.c.d` meet. `None` for a
/// wildcard (`0.0.0.0`, `::`, `::ffff:0.0.0.0`).
fn key(ip: IpAddr) -> Option<u128> {
    if is_wildcard(ip) {
        return None;
    }
    Some(match ip {
        IpAddr::V4(a) => u128::from(a.to_ipv6_mapped()),
        IpAddr::V6(a) => u128::from(a),
    })
}

/// Where the index files `c`: `None` among the wildcards (no address, a
/// wildcard, or hashed under a wildcard: every `Near` question may need
/// it), else under its address and, when it differs, the address it was
/// hashed under.
pub(super) fn filed_at(c: &PortClass) -> Option<(u128, Option<u128>)> {
    let ip = key(c.ip()?)?;
    let hashed = match c.hashed_ip() {
        None => None,
        Some(h) => Some(key(h)?).filter(|&h| h != ip),
    };
    Some((ip, hashed))
}

/// The classes of [`Classes::more`] by address (see [`filed_at`]).
#[derive(Clone, Default)]
struct ByAddr {
    /// The classes every `Near` question visits.
    wild: Vec<PortClass>,
    /// Address → the classes filed under it.
    at: HashMap<u128, Vec<PortClass>, FxBuild>,
}

/// Takes `c` out of `list` (it is there once at most).
fn take_out(list: &mut Vec<PortClass>, c: &PortClass) {
    if let Some(i) = list.iter().position(|x| x == c) {
        list.swap_remove(i);
    }
}

impl ByAddr {
    fn add(&mut self, c: PortClass) {
        match filed_at(&c) {
            None => self.wild.push(c),
            Some((ip, hashed)) => {
                for k in std::iter::once(ip).chain(hashed) {
                    self.at.entry(k).or_default().push(c);
                }
            }
        }
    }

    fn remove(&mut self, c: &PortClass) {
        match filed_at(c) {
            None => take_out(&mut self.wild, c),
            Some((ip, hashed)) => {
                for k in std::iter::once(ip).chain(hashed) {
                    if let Entry::Occupied(mut e) = self.at.entry(k) {
                        take_out(e.get_mut(), c);
                        if e.get().is_empty() {
                            e.remove();
                        }
                    }
                }
            }
        }
    }

    /// Each (address or wildcard, class) entry and how many times it is
    /// there: two indexes hold the same entries when these are equal.
    fn entries(&self) -> HashMap<(Option<u128>, PortClass), usize, FxBuild> {
        let mut n: HashMap<(Option<u128>, PortClass), usize, FxBuild> = HashMap::default();
        let wild = self.wild.iter().map(|&c| (None, c));
        let at = (self.at.iter()).flat_map(|(&k, list)| list.iter().map(move |&c| (Some(k), c)));
        for e in wild.chain(at) {
            *n.entry(e).or_default() += 1;
        }
        n
    }
}

/// The classes past the inline ones: a hash table, and its index by address.
#[derive(Clone, Default)]
struct More {
    map: HashMap<PortClass, IdMap<u64>, FxBuild>,
    by_addr: ByAddr,
}

/// How many classes a bucket holds in place before the rest go to a hash
/// table: a port's first few classes sit in the bucket itself, so a step
/// on a cold port finds them in the bucket's own cache lines instead of
/// behind a hash table's control bytes and scattered slots.
const INLINE_CLASSES: usize = 3;

/// A bucket's classes, each with its members (see `Bucket::classes`):
/// the first [`INLINE_CLASSES`] in place, any more in a hash table indexed
/// by address. A class is in one of the two, never both; the order they
/// are listed in is no part of any answer (the queries break ties by
/// position).
#[derive(Clone, Default)]
#[repr(C)]
pub(super) struct Classes {
    /// How many of `inline` are in use (the rest are placeholders).
    n: u8,
    /// How many members are connections or closed ends (accepted,
    /// TIME_WAIT, FIN_WAIT_2: `PortClass::conn`), kept by the bucket as
    /// it files them, so a question about them asks a port without any
    /// nothing (Windows' bind names the oldest; a port of thousands of
    /// listeners, each on its own address, was walked whole at every
    /// bind). In `n`'s padding, on the bucket's first cache line.
    pub(super) conns: u32,
    /// Boxed: one word in the bucket where an empty table takes four, so
    /// the classes held in place start a cache line sooner.
    more: Option<Box<More>>,
    inline: [(PortClass, IdMap<u64>); INLINE_CLASSES],
}

impl Classes {
    /// Every class and its members.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&PortClass, &IdMap<u64>)> {
        let inline = self.inline[..usize::from(self.n)]
            .iter()
            .map(|(c, m)| (c, m));
        inline.chain(self.more.iter().flat_map(|m| m.map.iter()))
    }

    /// Calls `f` with each class `scope` visits (see [`Scope`]), once, and
    /// its members. Plain loops rather than an iterator: a chain of three
    /// parts cost a bind on a port of one or two classes (where only the
    /// inline loop runs) 10-20% in the crowded bench. `f` is a `dyn`: one
    /// copy of this serves every query's closure (generic, it was 13.6 KB
    /// of the wasm, one copy per OS rule that asks).
    pub(super) fn each_in(&self, scope: Scope, f: &mut dyn FnMut(&PortClass, &IdMap<u64>)) {
        for (c, m) in &self.inline[..usize::from(self.n)] {
            f(c, m);
        }
        let Some(more) = self.more.as_deref() else {
            return;
        };
        let near = match scope {
            Scope::All => None,
            Scope::Near(ip) => key(ip),
        };
        let Some(k) = near else {
            for (c, m) in &more.map {
                f(c, m);
            }
            return;
        };
        let at = more.by_addr.at.get(&k).map_or(&[][..], Vec::as_slice);
        for c in more.by_addr.wild.iter().chain(at) {
            if let Some((c, m)) = more.map.get_key_value(c) {
                f(c, m);
            }
        }
    }

    /// Whether some classes are beyond the inline ones (in the table
    /// indexed by address): else a `Near` question visits every class.
    pub(super) fn indexed(&self) -> bool {
        self.more.is_some()
    }

    /// How many classes there are.
    pub(super) fn len(&self) -> usize {
        usize::from(self.n) + self.more.as_ref().map_or(0, |m| m.map.len())
    }

    /// `class`'s members, made empty if the class is new.
    pub(super) fn members_mut(&mut self, class: PortClass) -> &mut IdMap<u64> {
        let n = usize::from(self.n);
        if let Some(i) = self.inline[..n].iter().position(|(c, _)| *c == class) {
            return &mut self.inline[i].1;
        }
        if self
            .more
            .as_ref()
            .is_some_and(|m| m.map.contains_key(&class))
            || n == INLINE_CLASSES
        {
            let more = self.more.get_or_insert_with(Box::default);
            return match more.map.entry(class) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => {
                    more.by_addr.add(class);
                    e.insert(IdMap::default())
                }
            };
        }
        self.n += 1;
        self.inline[n] = (class, IdMap::default());
        &mut self.inline[n].1
    }

    /// Takes `pos` out of `class`, dropping the class when it empties.
    pub(super) fn remove(&mut self, class: PortClass, pos: u64) {
        let n = usize::from(self.n);
        if let Some(i) = self.inline[..n].iter().position(|(c, _)| *c == class) {
            self.inline[i].1.remove(&pos);
            if self.inline[i].1.is_empty() {
                // The last in use takes its place.
                self.inline[i..n].rotate_left(1);
                self.inline[n - 1] = Default::default();
                self.n -= 1;
            }
            return;
        }
        if let Some(m) = self.more.as_mut() {
            if let Entry::Occupied(mut e) = m.map.entry(class) {
                e.get_mut().remove(&pos);
                if e.get().is_empty() {
                    e.remove();
                    m.by_addr.remove(&class);
                }
            }
            if m.map.is_empty() {
                self.more = None;
            }
        }
    }

    /// The index's invariant: it holds exactly the classes of the table,
    /// each where [`filed_at`] says. `Err` says what differs.
    pub(super) fn check_index(&self) -> Result<(), String> {
        let Some(m) = self.more.as_deref() else {
            return Ok(());
        };
        let mut want = ByAddr::default();
        for &c in m.map.keys() {
            want.add(c);
        }
        let (have, want) = (m.by_addr.entries(), want.entries());
        if have != want {
            return Err(format!(
                "address index {have:?} but the classes give {want:?}"
            ));
        }
        Ok(())
    }
}

impl PartialEq<HashMap<PortClass, IdMap<u64>, FxBuild>> for Classes {
    fn eq(&self, other: &HashMap<PortClass, IdMap<u64>, FxBuild>) -> bool {
        self.len() == other.len() && self.iter().all(|(c, m)| other.get(c) == Some(m))
    }
}

impl std::fmt::Debug for Classes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}
