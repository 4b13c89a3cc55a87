//! UDP on the host: the datagram side of the five-tuple. The host applies,
//! the OS decides: `OsRules::deliver` says who receives a datagram,
//! `udp_reuse_group` which SO_REUSEPORT group a socket enters at bind().
//!
//! UDP keeps its own port table (`udp_by_port`), no 4-tuple table and no
//! TIME_WAIT; a connect() only fixes the peer.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::addr::{is_wildcard, unmap, SockAddr};
use crate::os::{common, Decision, Delivery, ReuseGroup};
use crate::report::StepReport;

use super::socket::{SockId, Socket};
use super::{client_source, Host};

impl Host {
    /// The SO_REUSEPORT group a UDP socket getting its port (bind, or
    /// connect's autobind: `do_bind`) enters: 0 for none, an existing
    /// group, or a new number.
    pub(super) fn udp_group(&mut self, id: SockId) -> u64 {
        let rules = self.rules();
        let answer = rules.udp_reuse_group(self, self.socket(id));
        self.enter_group(answer)
    }

    /// The group number for an OS's answer: 0 for none, an existing
    /// group's, or a new one (also for a socket joined that had none).
    pub(super) fn enter_group(&mut self, answer: ReuseGroup) -> u64 {
        let existing = match answer {
            ReuseGroup::None => Some(0),
            ReuseGroup::Join(other) => match self.get(other).map(Socket::reuse_group) {
                Some(0) => {
                    // `other` turned SO_REUSEPORT on after its own bind, so
                    // it is in no group: Linux makes one for it now
                    // (`reuseport_add_sock` → `reuseport_alloc(sk2)`), and
                    // this socket joins it. Found by the UDP differential.
                    self.next_group += 1;
                    let g = self.next_group;
                    self.sock_mut(other).set_reuse_group(g);
                    Some(g)
                }
                g => g,
            },
            ReuseGroup::New => None,
        };
        existing.unwrap_or_else(|| {
            self.next_group += 1;
            self.next_group
        })
    }

    /// Whether a member's connect() has marked SO_REUSEPORT group `group`
    /// (`OsRules::udp_connect_group`).
    pub fn group_marked(&self, group: u64) -> bool {
        self.marked_groups.contains(&group)
    }

    /// connect() on a UDP socket: autobind, source address, peer. Nothing
    /// is sent, so nothing happens on the other side.
    pub(super) fn udp_connect(
        &mut self,
        id: SockId,
        dst: SockAddr,
        rep: &mut StepReport,
    ) -> Decision {
        let rules = self.rules();
        let was_unbound = self.socket(id).local().is_none();
        // The BSDs disconnect a connected socket first: no peer, and the
        // wildcard address again on the same port (`in_pcbdisconnect`,
        // XNU's `udp_disconnect`), whatever happens next.
        let reconnected_from = self
            .socket(id)
            .remote()
            .filter(|_| rules.udp_reconnect_disconnects());
        if reconnected_from.is_some() {
            let s = self.socket(id);
            if let Some(local) = s.local() {
                let wildcard = super::connect::wildcard_of(s);
                // FreeBSD takes it out of the tables (below); XNU's
                // in_pcbdisconnect → in_pcbrehash files it again at the head
                // of the wildcard chain (in_pcb.c 1991, 2933), so it is no
                // longer the oldest there (`bsd_udp::deliver_unicast`).
                let rehash = !rules.udp_disconnect_unhashes();
                self.set_local_then(id, SockAddr::new(wildcard, local.port), |s, seq| {
                    s.udp_disconnected();
                    if rehash {
                        *seq += 1;
                        s.rechain(*seq, false);
                        // udp6_connect left the PCB in its peer's family and
                        // the disconnect gives the other back no more
                        // (udp6_usrreq.c 974-976, 1029-1031): unconnected,
                        // it takes that family's datagrams and ports only.
                        if s.is_v6() {
                            s.narrow_pcb(s.udp6_peer_v4());
                        }
                    }
                });
                if rules.udp_disconnect_unhashes() {
                    self.unhash_port(id, local.port);
                }
            }
        }
        let d = self.udp_connect_after_disconnect(id, dst, rep, was_unbound, reconnected_from);
        // Only this connect()'s own disconnect is "the disconnect before it".
        if d.is_ok() || reconnected_from.is_none() || self.is_hashed(id) {
            return d;
        }
        common::out_of_tables(d, self.socket(id).label(), rules.os())
    }

    /// [`Host::udp_connect`] once a BSD reconnect has disconnected the socket.
    fn udp_connect_after_disconnect(
        &mut self,
        id: SockId,
        dst: SockAddr,
        rep: &mut StepReport,
        was_unbound: bool,
        reconnected_from: Option<SockAddr>,
    ) -> Decision {
        let rules = self.rules();
        // An unbound socket is bound to an ephemeral port. Linux does it
        // first (`inet_dgram_connect` → `inet_autobind`), before the
        // protocol looks at the destination, so a connect that fails keeps
        // the port; the BSDs do it last (`OsRules::binds_before_route`).
        let binds_first = rules.binds_before_route(true);
        if binds_first && self.socket(id).local().is_none() {
            if let Some(d) = self.autobind(id) {
                return rules.udp_connect_autobind_failed(self.socket(id), d);
            }
        }
        let s = self.socket(id);
        if let Some(d) = rules.udp_connect_precheck(self, s, dst) {
            return d;
        }
        let s = self.socket(id);
        let local_ip = s
            .local()
            .map_or_else(|| super::connect::wildcard_of(s), |l| l.ip);
        let src_ip = match self.source_for(s, dst) {
            Some(ip) => ip,
            // A multicast destination with no interface address to send
            // from: the OS says whether it connects anyway, and from where.
            None if unmap(dst.ip).is_multicast() => {
                match rules.udp_connect_group_no_source(s, dst, local_ip) {
                    Ok(ip) => ip,
                    Err(d) => return d,
                }
            }
            None => return rules.connect_no_route(dst),
        };
        if let Some(d) = rules.udp_connect_routed(self.socket(id), dst) {
            return d;
        }
        if self.socket(id).local().is_none() {
            if let Some(d) = self.autobind(id) {
                return rules.udp_connect_autobind_failed(self.socket(id), d);
            }
        }
        let local = self.socket(id).local().expect("bound above");
        let chosen = SockAddr::new(
            if is_wildcard(local.ip) {
                src_ip
            } else {
                local.ip
            },
            local.port,
        );
        if let Some(d) = rules.udp_connect_tuple(self, self.socket(id), chosen, dst) {
            return d;
        }
        if is_wildcard(local.ip) && src_ip != local.ip {
            // The wildcard binding turns into the source address (on Linux
            // a dual-stack socket's `::` may turn into `::ffff:0.0.0.0`),
            // and the socket is re-hashed under it (at the head of its new
            // chain).
            let new_local = SockAddr::new(src_ip, local.port);
            self.set_local(id, new_local);
            let seq = self.next_seq();
            self.sock_mut(id).rechain(seq, false);
        }
        // FreeBSD's connect() files a socket its disconnect took out again.
        if let Some(port) = self.socket(id).local_port() {
            if !self.is_hashed(id) {
                self.hash_port(id, port);
            }
        }
        // Its SO_REUSEPORT group, before the peer is set (Linux asks
        // whether this is the socket's first connect()).
        let group = self.socket(id).reuse_group();
        if group != 0 {
            let on = rules.udp_connect_group(self.socket(id), is_wildcard(local.ip));
            if on.mark {
                self.marked_groups.insert(group);
            }
            if on.leave {
                self.sock_mut(id).set_reuse_group(0);
            }
        }
        let rehashed = was_unbound || reconnected_from.is_some();
        let seq = self.next_seq();
        self.sock_mut(id).udp_connected(dst, rehashed, seq);
        let s = self.socket(id);
        rep.local = s.local();
        rep.remote = s.remote();
        let now = s.local().unwrap_or(local);
        match reconnected_from {
            Some(before) => rules.udp_reconnected(s, before, now, dst),
            None => common::udp_connected(s, now, dst),
        }
    }

    /// `datagram ENDPOINT xN`: N remote peers each send one datagram.
    pub(super) fn datagrams(
        &mut self,
        dst: SockAddr,
        count: u32,
        rep: &mut StepReport,
    ) -> Decision {
        let rules = self.rules();
        let mut received: BTreeMap<String, u32> = BTreeMap::new();
        let mut dropped = 0;
        let mut undetermined = 0;
        let mut last_received = None;
        let mut last_dropped = None;
        let mut ways = common::DeliveryWays::default();
        let mut candidates: Option<Arc<[SockId]>> = None;
        let dst = SockAddr::new(unmap(dst.ip), dst.port);
        for _ in 0..count {
            let k = self.next_client;
            self.next_client += 1;
            let src = client_source(k, dst.ip);
            let d = rules.deliver(self, src, dst);
            let label = |id: SockId| self.socket(id).label().to_string();
            match &d {
                Delivery::To { sock, .. } => *received.entry(label(*sock)).or_default() += 1,
                // The group's labels are built once for the step's report
                // anyway; reading one there spares a read of a socket
                // picked at random among the group's (a cache miss each
                // on a crowded port).
                Delivery::Group { members, at, .. } => {
                    let name = self.label_at(members, *at);
                    *received.entry(name).or_default() += 1;
                }
                Delivery::Undefined { .. } => undetermined += 1,
                Delivery::Copies { socks, .. } => {
                    if socks.is_empty() {
                        dropped += 1;
                    }
                    for &x in socks {
                        *received.entry(label(x)).or_default() += 1;
                    }
                }
                Delivery::Dropped { .. } => dropped += 1,
            }
            if let Delivery::Group { members, .. }
            | Delivery::Undefined {
                candidates: members,
                ..
            } = &d
            {
                // Named once, after the last datagram: only its list is kept.
                candidates = Some(members.clone());
            }
            match d {
                Delivery::Dropped { .. } => last_dropped = Some(d),
                Delivery::Copies { ref socks, .. } if socks.is_empty() => last_dropped = Some(d),
                _ => {
                    ways.received(&d);
                    last_received = Some(d);
                }
            }
        }
        if let Some(members) = candidates {
            rep.candidates = Some(self.labels(&members));
        }
        rep.received_by = Some(received);
        rep.dropped = Some(dropped);
        if undetermined > 0 {
            rep.undetermined = Some(undetermined);
        }
        match last_received.or(last_dropped) {
            Some(d) => ways.decision(d),
            None => Decision::ok(),
        }
    }
}
