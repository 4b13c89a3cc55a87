//! UDP's questions answered from a bucket's `UdpIndex` (`buckets.rs`): a
//! handful of entries per class, per peer or per SO_REUSEPORT group, as the
//! kernels' hash lookups read a few chains, instead of every socket of the
//! port. Each answer is the one the walk over `Host::udp_owners` gives; the
//! OS modules keep those walks for `Host::set_reference_walks`, and the
//! property tests compare the two.

use std::sync::Arc;

use crate::addr::SockAddr;
use crate::sort::{by_key, tail_order};

use super::buckets::{Bucket, ClassOrders, PortClass};
use super::classes::Scope;
use super::owner::ClassView;
use super::socket::{SockId, Socket};
use super::Host;

/// One class of a port's UDP sockets (see `PortClass`): how many, and the
/// members an order-dependent lookup can pick.
#[derive(Clone, Copy, Debug)]
pub struct UdpClass<'h> {
    /// What the class's sockets share: the one thing a class-level
    /// predicate reads.
    pub view: ClassView,
    pub count: usize,
    /// The oldest and newest bind (`Socket::bound_seq`).
    pub oldest: &'h Socket,
    pub newest: &'h Socket,
    /// The first met in its lookup chain (lowest `Socket::chain_key`).
    pub chain_first: &'h Socket,
    /// The last met in its lookup chain (highest `Socket::chain_key`).
    pub chain_last: &'h Socket,
}

impl Host {
    fn udp_bucket(&self, port: u16) -> Option<&Bucket> {
        self.udp_by_port.get(&port)
    }

    /// Every class of UDP sockets on `port`, in no particular order: a
    /// caller takes minima, maxima and sums, or sorts.
    pub fn udp_classes(&self, port: u16) -> Vec<UdpClass<'_>> {
        let Some(b) = self.udp_bucket(port) else {
            return Vec::new();
        };
        let at = |e: Option<(&(u64, u64), &SockId)>| e.map(|(_, &id)| self.socket(id));
        b.udp
            .classes
            .iter()
            .filter_map(|(class, c)| {
                Some(UdpClass {
                    view: ClassView::new(*class, port, true),
                    count: c.by_bound.len(),
                    oldest: at(c.by_bound.first_key_value())?,
                    newest: at(c.by_bound.last_key_value())?,
                    chain_first: at(c.by_chain.first_key_value())?,
                    chain_last: at(c.by_chain.last_key_value())?,
                })
            })
            .collect()
    }

    /// Calls `f` with each UDP class of `b` that `scope` visits (see
    /// [`Scope`]) and its members' orders. A port whose sockets sit on
    /// thousands of addresses has thousands of classes: a bind asked every
    /// one of them (30,000 pasted UDP sockets, each on its own address,
    /// took 20 s to rebuild); a scope of one address visits its own classes
    /// and the wildcards' through the bucket's address index.
    fn udp_classes_in(b: &Bucket, scope: Scope, f: &mut dyn FnMut(&PortClass, &ClassOrders)) {
        // A few classes, all inline, are all a `Near` question visits too:
        // read in place, without a lookup of each one's orders.
        if scope == Scope::All || !b.classes.indexed() {
            for (class, orders) in &b.udp.classes {
                f(class, orders);
            }
            return;
        }
        b.classes.each_in(scope, &mut |class, _| {
            if let Some(orders) = b.udp.classes.get(class) {
                f(class, orders);
            }
        });
    }

    /// The UDP owner of `port` (other than `except`) with the lowest `cost`,
    /// ties going to the first met in the order
    /// `tail_order(tail(s), s.bound_seq())` (Linux's primary chain: newest
    /// bound first, `tail` ones after, oldest first). `tail` and `cost` read
    /// a class's [`ClassView`]: each is asked once per class `scope` visits,
    /// for the class's first member in that order (`Scope::Near` only where
    /// `cost` is `None` for every class off that address and the wildcards).
    pub fn udp_primary_first(
        &self,
        port: u16,
        except: SockId,
        scope: Scope,
        tail: impl Fn(&ClassView) -> bool,
        mut cost: impl FnMut(&ClassView) -> Option<u32>,
    ) -> Option<&Socket> {
        let b = self.udp_bucket(port)?;
        let mut best: Option<(u32, u64, SockId)> = None;
        Self::udp_classes_in(b, scope, &mut |class, orders| {
            let set = &orders.by_bound;
            let view = ClassView::new(*class, port, true);
            let t = tail(&view);
            // `by_bound` is keyed (bind order, position): the member's
            // `bound_seq` without reading the member.
            let pick = if t {
                set.iter().find(|&(_, &id)| id != except)
            } else {
                set.iter().rev().find(|&(_, &id)| id != except)
            };
            let Some((&(bound, _), &id)) = pick else {
                return;
            };
            let Some(c) = cost(&view) else { return };
            let key = tail_order(t, bound);
            if best.is_none_or(|(bc, bk, _)| (c, key) < (bc, bk)) {
                best = Some((c, key, id));
            }
        });
        best.map(|(_, _, id)| self.socket(id))
    }

    /// The UDP owner of `port` (other than `except`) with the lowest `cost`,
    /// ties going to the first met in a lookup chain's order
    /// (`Socket::chain_key`: where a connect() re-filed a socket, at its
    /// new address's head). `cost` reads a class's [`ClassView`], asked once
    /// per class `scope` visits (as for [`Host::udp_primary_first`]) for its
    /// first member in that order.
    pub fn udp_chain_first(
        &self,
        port: u16,
        except: SockId,
        scope: Scope,
        mut cost: impl FnMut(&ClassView) -> Option<u32>,
    ) -> Option<&Socket> {
        let b = self.udp_bucket(port)?;
        let mut best: Option<(u32, u64, SockId)> = None;
        Self::udp_classes_in(b, scope, &mut |class, orders| {
            let view = ClassView::new(*class, port, true);
            let Some((&(key, _), &id)) = orders.by_chain.iter().find(|&(_, &id)| id != except)
            else {
                return;
            };
            let Some(c) = cost(&view) else { return };
            if best.is_none_or(|(bc, bk, _)| (c, key) < (bc, bk)) {
                best = Some((c, key, id));
            }
        });
        best.map(|(_, _, id)| self.socket(id))
    }

    /// The UDP sockets on `port` connected to exactly `peer` (their peer's
    /// address unmapped), in bind order.
    pub fn udp_peers(&self, port: u16, peer: SockAddr) -> Vec<&Socket> {
        let Some(b) = self.udp_bucket(port) else {
            return Vec::new();
        };
        b.udp
            .peers
            .get(&peer)
            .into_iter()
            .flat_map(|m| m.values())
            .map(|&id| self.socket(id))
            .collect()
    }

    /// SO_REUSEPORT group `group` on `port`: how many of its members are
    /// unconnected, and how many connected.
    pub fn udp_group_counts(&self, port: u16, group: u64) -> (usize, usize) {
        self.udp_bucket(port)
            .and_then(|b| b.udp.groups.get(&group))
            .map_or((0, 0), |g| (g.members[0].len(), g.members[1].len()))
    }

    /// The unconnected members of SO_REUSEPORT group `group` on `port`, in
    /// bind order: one list, shared until the group changes.
    pub fn udp_group_free(&self, port: u16, group: u64) -> Arc<[SockId]> {
        match self.udp_bucket(port).and_then(|b| b.udp.groups.get(&group)) {
            Some(g) => g
                .free_list
                .0
                .get_or_init(|| g.members[0].values().copied().collect())
                .clone(),
            None => Arc::from([]),
        }
    }

    /// Every UDP socket on `port` that `pred` accepts, in bind order;
    /// `pred` reads a class's [`ClassView`] and is asked once per class
    /// (with [`Host::set_reference_walks`]: of every socket's).
    pub fn udp_members_where(
        &self,
        port: u16,
        pred: impl FnMut(&ClassView) -> bool,
    ) -> Vec<&Socket> {
        self.udp_member_ids_where(port, pred)
            .iter()
            .map(|&id| self.socket(id))
            .collect()
    }

    /// [`Host::udp_members_where`] as ids. Where one class answers (the
    /// sockets sharing an address alike), it is that class's own list,
    /// shared until the class changes: no copy, no sort.
    pub fn udp_member_ids_where(
        &self,
        port: u16,
        mut pred: impl FnMut(&ClassView) -> bool,
    ) -> Arc<[SockId]> {
        if self.reference_walks() {
            return self
                .udp_owners(port)
                .into_iter()
                .filter(|s| pred(&ClassView::of(s, port)))
                .map(Socket::id)
                .collect();
        }
        let Some(b) = self.udp_bucket(port) else {
            return Arc::from([]);
        };
        let hits: Vec<&ClassOrders> = b
            .udp
            .classes
            .iter()
            .filter(|(class, c)| {
                !c.by_bound.is_empty() && pred(&ClassView::new(**class, port, true))
            })
            .map(|(_, c)| c)
            .collect();
        let by_pos = |classes: &[&ClassOrders]| -> Arc<[SockId]> {
            let mut found: Vec<(u64, SockId)> = classes
                .iter()
                .flat_map(|c| c.by_bound.iter().map(|(&(_, pos), &id)| (pos, id)))
                .collect();
            by_key(&mut found, |&(pos, _)| pos);
            found.into_iter().map(|(_, id)| id).collect()
        };
        match hits[..] {
            [] => Arc::from([]),
            [one] => one.by_pos.0.get_or_init(|| by_pos(&hits)).clone(),
            _ => by_pos(&hits),
        }
    }

    /// Puts UDP sockets in bind order (the order of `Host::udp_owners`).
    pub fn udp_in_bind_order(&self, v: &mut [&Socket]) {
        by_key(v, |s| {
            self.hashed
                .get(s.id())
                .copied()
                .flatten()
                .map_or(u64::MAX, |h| h.pos)
        });
    }
}
