//! connect() and `client`: the source address and port, the route of the
//! SYN, and the connection queued on the listener it reaches.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::rc::Rc;

use crate::addr::{as_v4, is_wildcard, unmap, SockAddr};
use crate::os::common;
use crate::os::{Decision, Route};
use crate::report::StepReport;
use crate::rules::{Name, Overlay};

use super::socket::{Peer, SockId, Socket, State};
use super::{client_source, wire, Host};

impl Host {
    pub(super) fn connect(&mut self, id: SockId, dst: SockAddr, rep: &mut StepReport) -> Decision {
        let rules = self.rules();
        let s = self.socket(id);
        let name = s.label().to_string();
        // Every connect() clears an error a peer's reset left: XNU's
        // returns it (`tcp_usr_connect` on a dead control block),
        // FreeBSD's `soconnectat` zeroes it first.
        let pending = s.reset_error_pending();
        let refused = common::connect_precheck(rules, s, dst);
        if pending {
            self.sock_mut(id).reset_error_returned();
        }
        if let Some(d) = refused {
            return d;
        }
        let s = self.socket(id);
        if let Some(d) = rules.connect_precheck(self, s, dst) {
            return d;
        }
        if self.socket(id).is_v6() && rules.connect_narrows_v6_pcb() {
            self.sock_mut(id)
                .narrow_pcb(Some(crate::addr::as_v4(dst.ip).is_some()));
        }
        let s = self.socket(id);
        let Some(src_ip) = self.source_for(s, dst) else {
            // XNU's tcp_connect binds the port before it looks for a
            // route: the failed connect leaves it bound.
            if rules.binds_before_route(false) && s.local().is_none() {
                if let Some(d) = self.autobind(id) {
                    return d;
                }
                let local = self.socket(id).local();
                let d = rules.connect_no_route(dst);
                return common::no_route_keeps_port(d, &name, local);
            }
            return rules.connect_no_route(dst);
        };
        // The port: the bound one, or an ephemeral one picked by connect().
        let (port, autobound) = match s.local_port() {
            Some(p) => (p, false),
            None => match rules.connect_port(self, s, src_ip, dst) {
                Some(p) => (p, true),
                None => return rules.connect_exhausted(src_ip, dst),
            },
        };
        let local = SockAddr::new(src_ip, port);
        // A socket bound to the wildcard gets its specific address now.
        if !autobound && s.local().is_some_and(|l| is_wildcard(l.ip)) {
            if let Some(d) = rules.connect_binds_source(self, s, local) {
                return d;
            }
        }
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
                // Linux moved a wildcard-bound socket to its source first
                // (`inet_bhash2_update_saddr`) and puts it back only
                // without SOCK_BINDADDR_LOCK, as after a refusal (found by
                // an edge-case hunt: `::ffff:0.0.0.0` keeps the source).
                if let Some(ip) = rules.address_after_refused_connect(self.socket(id), src_ip) {
                    let port = self.socket(id).local_port().unwrap_or(0);
                    self.set_local(id, SockAddr::new(ip, port));
                    // A refusal always has its rule; one without (none
                    // today) is returned as it came, never as a success.
                    if let (Err(errno), Some(rule)) = (d.result(), d.rule()) {
                        let why = d
                            .into_parts()
                            .2
                            .map(|w| w.into_string())
                            .unwrap_or_default();
                        let why = common::refused_keeps_source(why, &name, ip);
                        return Decision::fail(errno, rule, why);
                    }
                    return d;
                }
                return d;
            }
            let tw = existing.id();
            self.destroy(tw);
            allowed = Some(d);
        }
        // The other end of this 4-tuple may still be held on this host by an
        // old connection: in TIME_WAIT, which a newer SYN ends (RFC 1122
        // §4.2.2.13), or one whose peer went away without a TIME_WAIT
        // (FreeBSD's local connections), where the SYN draws a challenge
        // ACK, the connecting side answers with a reset that closes the old
        // end, and its retransmitted SYN connects (RFC 5961 §4 on every
        // kernel here). Either way the old end is gone, refused or not.
        let mut ended: Option<String> = None;
        if !to_self {
            if let Some(old) = self.tuple(dst, local).map(|o| o.id()) {
                if old != id {
                    let who = self.socket(old).label().to_string();
                    let time_wait = matches!(self.socket(old).state(), State::TimeWait { .. });
                    self.drop_stale_end(old);
                    allowed = Some(common::connect_ended_old_end(
                        &who, time_wait, local, dst, &name,
                    ));
                    ended = Some(who);
                }
            }
        }
        // TCP simultaneous open: a socket whose source is its own destination
        // meets its own SYN and connects to itself, listener or not.
        if to_self {
            if autobound {
                self.sock_mut(id).autobound_by_connect();
            }
            self.set_local(id, local);
            {
                let mut s = self.sock_mut(id);
                s.connected(dst);
                s.set_peer(Peer::Local(id));
            }
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
            let (route, resets) = self.syn_route(src_wire, dst_wire);
            Some(rules.explain_resets(self, &resets, route))
        } else {
            None
        };
        let listener = match &route {
            None => None,
            Some(r @ (Route::Refused { .. } | Route::Dropped { .. })) => {
                let (errno, rule, why) = r.failure().expect("a failing route");
                let (rule, mut why) = (rule, why.to_string());
                if let Some(who) = &ended {
                    why = common::refused_ended_old_end(why, who, local, dst);
                }
                self.sock_mut(id).handshake_failed_now();
                if let Some(ip) = rules.address_after_refused_connect(self.socket(id), src_ip) {
                    let port = self.socket(id).local_port().unwrap_or(0);
                    self.set_local(id, SockAddr::new(ip, port));
                    why = common::refused_keeps_source(why, &name, ip);
                }
                if autobound {
                    if rules.release_port_on_failed_connect() {
                        // Linux: the port goes back, getsockname() still shows it.
                        self.sock_mut(id).set_sockname_port(port);
                    } else {
                        // BSD: connect() bound the port before sending the SYN,
                        // and the socket keeps it (getsockname() shows it; the
                        // lookups let go of it just below).
                        self.set_local(id, local);
                        self.sock_mut(id).keep_bound();
                    }
                    self.unhash_dropped(id);
                    return Decision::fail(errno, rule, why);
                }
                let s = self.socket(id);
                if rules.release_port_on_failed_connect() && s.local().is_some() && !s.port_locked()
                {
                    // The failed handshake closes the socket, which gives back
                    // a port the kernel picked (no SOCK_BINDPORT_LOCK).
                    let port = s.local_port().unwrap_or(0);
                    self.unhash_port(id, port);
                    self.sock_mut(id).unbind();
                    why = common::refused_gives_back_port(why, &name, port);
                }
                self.unhash_dropped(id);
                return Decision::fail(errno, rule, why);
            }
            Some(Route::To { listener, .. }) => Some(vec![*listener]),
            Some(Route::Group { chosen, .. }) => Some(vec![*chosen]),
            Some(Route::Undefined { candidates, .. }) => Some(candidates.clone()),
        };
        // Commit: our side.
        if autobound {
            self.set_local(id, local);
            let mut s = self.sock_mut(id);
            s.autobound_by_connect();
            // Hashed for the first time, under the source address: FreeBSD's
            // `in_pcbconnect` → `in_pcbinshash` (an SO_REUSEPORT_LB socket
            // joins that address's group, `connected_lb` in os/freebsd.rs).
            s.hashed_under_local();
        } else {
            // A wildcard binding turns into the chosen source address.
            self.set_local(id, local);
        }
        self.sock_mut(id).connected(dst);
        self.ehash.insert(wire(local, dst), id);
        rep.local = Some(local);
        rep.remote = Some(dst);
        // The other side: a connection queued on the listener.
        if let Some(listeners) = listener {
            let child = self.spawn_child(&listeners, dst_wire, src_wire, Peer::Local(id));
            self.sock_mut(id).set_peer(Peer::Local(child));
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
                        .map(|&m| self.socket(m).label().to_string())
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
                self.socket(listeners[0]).label().to_string(),
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

    /// After a failed handshake, where the OS takes the control block out of
    /// its lookups (FreeBSD's `in_pcbdrop`, XNU's `in_pcbdetach`): the port
    /// is free for other sockets; the socket keeps its address for
    /// getsockname().
    fn unhash_dropped(&mut self, id: SockId) {
        if !self.rules().failed_connect_unhashes() {
            return;
        }
        if let Some(port) = self.socket(id).local_port() {
            self.unhash_port(id, port);
        }
    }

    /// connect()'s implicit bind (TCP and UDP): binds an unbound socket to the wildcard and an ephemeral port, as
    /// bind(port 0) would (`None`), or says why it cannot.
    pub(super) fn autobind(&mut self, id: SockId) -> Option<Decision> {
        let rules = self.rules();
        let s = self.socket(id);
        let wildcard = wildcard_of(s);
        let ans = rules.bind(self, s, SockAddr::new(wildcard, 0));
        if !ans.decision.is_ok() {
            return Some(ans.decision);
        }
        self.do_bind(
            id,
            SockAddr::new(wildcard, ans.port),
            Socket::autobound_by_connect,
        );
        None
    }

    /// The source address for a connection to `dst` from a socket bound to
    /// `bound` (or unbound).
    pub(super) fn source_for(&self, s: &Socket, dst: SockAddr) -> Option<IpAddr> {
        if let Some(l) = s.local() {
            if !is_wildcard(l.ip) && !self.rules().bound_address_is_not_source(s) {
                return Some(l.ip);
            }
        }
        if let Some(ip) = s.kept_ip() {
            return Some(ip);
        }
        let want_v4 = as_v4(dst.ip).is_some();
        let wrap = |ip: IpAddr| -> IpAddr {
            match (s.is_v6(), ip) {
                (true, IpAddr::V4(a)) => IpAddr::V6(a.to_ipv6_mapped()),
                _ => ip,
            }
        };
        if self.is_local(dst.ip) {
            // Traffic to one of our own addresses leaves from that address;
            // on Linux, the rest of 127/8 is reached through lo's route
            // `local 127.0.0.0/8 … src 127.0.0.1`, whose preferred source is
            // 127.0.0.1 (measured: from 0.0.0.0:P to 127.0.0.2:P is no
            // self-connect).
            let ip = match unmap(dst.ip) {
                IpAddr::V4(a)
                    if a.is_loopback()
                        && self.rules().params().slash8_from_localhost
                        && !self.has_iface(IpAddr::V4(a)) =>
                {
                    IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)
                }
                ip => ip,
            };
            return Some(wrap(ip));
        }
        self.ifaces
            .iter()
            .copied()
            .find(|a| !a.is_loopback() && as_v4(*a).is_some() == want_v4)
            .map(wrap)
    }

    /// A new connection on the listener(s), server side.
    pub(super) fn spawn_child(
        &mut self,
        listeners: &[SockId],
        local: SockAddr,
        remote: SockAddr,
        peer: Peer,
    ) -> SockId {
        // (Not a clone of the listener: its accept queue may hold thousands.)
        let l = self.socket(listeners[0]);
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
        let label = self.queued_label(listeners);
        let child = Socket::new_child(
            id,
            label,
            self.socket(listeners[0]),
            remote,
            peer,
            listeners,
        );
        self.insert(child);
        self.set_local(id, local);
        self.ehash.insert(wire(local, remote), id);
        for &x in listeners {
            self.sock_mut(x).enqueue(id);
        }
        id
    }

    /// "a connection queued on A": written once for a run of connections to
    /// the same listeners in the same language, and shared (writing it took
    /// a sixth of a connect).
    fn queued_label(&mut self, listeners: &[SockId]) -> Name {
        let overlay = crate::rules::overlay();
        if let Some(q) = &self.last_queued {
            let same_overlay = match (&q.overlay, &overlay) {
                (None, None) => true,
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                _ => false,
            };
            if same_overlay
                && q.names.len() == listeners.len()
                && (q.names.iter().zip(listeners)).all(|(n, &x)| **n == *self.socket(x).label())
            {
                return q.label.clone();
            }
        }
        let names: Vec<Name> = listeners.iter().map(|&x| self.socket(x).name()).collect();
        let label: Name = common::queued_label(names.clone()).into();
        self.last_queued = Some(QueuedLabel {
            names,
            overlay,
            label: label.clone(),
        });
        label
    }

    /// An old connection reset by a new one on the same 4-tuple: a queued
    /// one disappears from its listener (on Linux it stays queued, reset,
    /// `OsRules::reset_child_stays_queued`), an accepted one is left reset.
    pub(super) fn drop_stale_end(&mut self, id: SockId) {
        let s = self.socket(id);
        if s.child() && !s.queued_on().is_empty() && !self.rules().reset_child_stays_queued() {
            self.destroy(id);
            return;
        }
        let local = s.local();
        // As any reset connection: on Linux a port the socket did not bind
        // itself goes back (a child never holds SOCK_BINDPORT_LOCK; measured).
        let release = self.rules().release_port_on_failed_connect() && !s.port_locked();
        let peer = s.peer();
        if let (Some(l), Some(r)) = (local, s.remote()) {
            if self.ehash.get(&wire(l, r)) == Some(&id) {
                self.ehash_remove(&wire(l, r));
            }
        }
        // Its peer is gone (its slot may be reused).
        if let Some(Peer::Local(p)) = peer {
            self.sock_mut(id).forget_peer(p);
        }
        self.drop_reset(id, local, release);
    }

    /// Where a SYN from `src` to `dst` goes (`OsRules::route`), with what
    /// it did on the way applied: the connections it reset
    /// (`OsRules::syn_resets`: FreeBSD's connected SO_REUSEPORT_LB members).
    /// Also gives the connections it reset, for `OsRules::explain_resets`.
    fn syn_route(&mut self, src: SockAddr, dst: SockAddr) -> (Route, Vec<SockId>) {
        let rules = self.rules();
        let route = rules.route(self, src, dst);
        let resets = rules.syn_resets(self, src, dst);
        for &id in &resets {
            self.reset_connection(id);
        }
        (route, resets)
    }

    pub(super) fn clients(&mut self, dst: SockAddr, count: u32, rep: &mut StepReport) -> Decision {
        let mut accepted: BTreeMap<String, u32> = BTreeMap::new();
        let mut undetermined = 0;
        let mut failed = 0;
        let mut last_failure = None;
        let mut last_success = None;
        // Connections the step's SYNs reset on their way, every client's:
        // the step's line says so, whichever client's route it explains.
        let mut reset_all: Vec<SockId> = Vec::new();
        let mut last_candidates: Option<Vec<SockId>> = None;
        for _ in 0..count {
            let k = self.next_client;
            self.next_client += 1;
            let src = client_source(k, dst.ip);
            let dst4 = SockAddr::new(unmap(dst.ip), dst.port);
            let (mut route, resets) = self.syn_route(src, dst4);
            reset_all.extend(resets);
            match &route {
                Route::Refused { .. } | Route::Dropped { .. } => failed += 1,
                Route::To { listener, .. }
                | Route::Group {
                    chosen: listener, ..
                } => {
                    *accepted
                        .entry(self.socket(*listener).label().to_string())
                        .or_default() += 1;
                    self.spawn_child(&[*listener], dst4, src, Peer::Remote);
                }
                Route::Undefined { candidates, .. } => {
                    undetermined += 1;
                    self.spawn_child(candidates, dst4, src, Peer::Remote);
                }
            }
            // The report names the candidates of the step's last choice
            // among several: kept as ids, named once after the loop (naming
            // a big group at every client was most of a crowded step).
            if let Route::Group { members, .. }
            | Route::Undefined {
                candidates: members,
                ..
            } = &mut route
            {
                last_candidates = Some(std::mem::take(members));
            }
            if route.failure().is_some() {
                last_failure = Some(route);
            } else {
                last_success = Some(route);
            }
        }
        rep.candidates = last_candidates.map(|members| {
            members
                .iter()
                .map(|&m| self.socket(m).label().to_string())
                .collect()
        });
        rep.accepted_by = Some(accepted);
        if undetermined > 0 {
            rep.undetermined = Some(undetermined);
        }
        if !reset_all.is_empty() {
            let rules = self.rules();
            match last_success {
                Some(r) => last_success = Some(rules.explain_resets(self, &reset_all, r)),
                None => {
                    last_failure = last_failure.map(|r| rules.explain_resets(self, &reset_all, r))
                }
            }
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
                        common::clients_some_failed(why.into_string(), failed, count, name, fwhy),
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

/// The wildcard address of `s`'s family.
pub(super) fn wildcard_of(s: &Socket) -> IpAddr {
    if s.is_v6() {
        IpAddr::V6(Ipv6Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    }
}

/// The label [`Host::queued_label`] last wrote, with what it was written
/// from: the listeners' names and the language.
#[derive(Clone, Debug)]
pub(super) struct QueuedLabel {
    names: Vec<Name>,
    overlay: Option<Rc<Overlay>>,
    label: Name,
}
