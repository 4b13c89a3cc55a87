//! close() and what follows it: TIME_WAIT, the peer's FIN or reset, and
//! TIME_WAITs expiring as the clock moves.

use crate::os::common;
use crate::os::Decision;
use crate::rules::Name;

use crate::addr::SockAddr;

use super::socket::{Peer, SockId, Socket, State};
use super::{wire, Host};

/// What a `wait` ended: TIME_WAITs and FIN_WAIT_2s by their 4-tuples, and
/// the peers an ending FIN_WAIT_2 reset (macOS).
#[derive(Default)]
pub(crate) struct Expired {
    pub(crate) time_waits: Vec<Name>,
    pub(crate) fin_waits: Vec<Name>,
    pub(crate) reset: Vec<Name>,
}

impl Host {
    pub(super) fn close(&mut self, id: SockId) -> Decision {
        let s = self.socket(id).clone();
        let mut queued_reset = None;
        if s.is_listening() {
            // Connections nobody accepted are reset, unless another listener
            // may still take them (Windows' undefined sharing).
            let (mut count, mut tuples, mut peers, mut local_peers) =
                (0, Vec::new(), Vec::new(), 0);
            for c in s.queue().iter().copied() {
                if self.sock_mut(c).leave_listener(id) {
                    count += 1;
                    let child = self.socket(c);
                    if tuples.len() < crate::rules::NAMES_SHOWN {
                        if let (Some(l), Some(r)) = (child.local(), child.remote()) {
                            tuples.push(Name::from(format!("{l}↔{r}")));
                        }
                    }
                    if let Some(Peer::Local(p)) = child.peer() {
                        if let Some(ps) = self.get(p).filter(|_| p != c) {
                            local_peers += 1;
                            if peers.len() < crate::rules::NAMES_SHOWN {
                                peers.push(ps.name());
                            }
                        }
                    }
                    self.reset_peer(c);
                    self.destroy(c);
                }
            }
            if count > 0 {
                if count > tuples.len() {
                    tuples.push(Name::from("…"));
                }
                if local_peers > peers.len() {
                    peers.push(Name::from("…"));
                }
                queued_reset = Some(common::close_queued_reset(&s, count, tuples, peers));
            }
        }
        if s.state() == State::Connected && !s.peer_closed() {
            if let Some(d) = self.close_to_fin_wait_2(&s) {
                return d;
            }
            if let Some(d) = self.rules().close_without_time_wait(self, &s) {
                self.mark_peer_closed(id);
                self.destroy(id);
                return d;
            }
            // Active close: this side keeps the 4-tuple in TIME_WAIT.
            let until = self
                .now_ms
                .saturating_add(self.rules().params().time_wait_ms);
            self.keep_closed_end(&s, State::TimeWait { until_ms: until });
            return common::close_time_wait(&s, self.rules().params().time_wait_ms / 1000);
        }
        let mut d = queued_reset.unwrap_or_else(Decision::ok);
        if s.state() == State::Connected {
            self.mark_peer_closed(id);
            d = self.peer_fin(&s).unwrap_or(d);
        }
        self.destroy(id);
        d
    }

    /// Active close while the peer, a socket of this host, is still open:
    /// our FIN is acknowledged but none comes back, so the end waits in
    /// FIN_WAIT_2 (holding its 4-tuple and port) until the peer closes or
    /// the OS's limit. `None` where the peer is gone or outside the
    /// scenario (a `client`'s peer closes with us), or the OS has no limit
    /// on record (Windows).
    fn close_to_fin_wait_2(&mut self, s: &Socket) -> Option<Decision> {
        let fw = self.rules().params().fin_wait_2?;
        // A self-connection receives its own FIN: a simultaneous close,
        // straight to TIME_WAIT.
        let Some(Peer::Local(p)) = s.peer().filter(|&p| p != Peer::Local(s.id())) else {
            return None;
        };
        let peer = self.get(p).filter(|ps| ps.state() == State::Connected)?;
        let peer = peer.name();
        let then = self.time_wait_after_fin(s);
        let until = self.now_ms.saturating_add(fw.ms);
        self.keep_closed_end(s, State::FinWait2 { until_ms: until });
        Some(common::close_fin_wait_2(s, peer, fw, then))
    }

    /// An active close the kernel keeps an end of (`state`: TIME_WAIT or
    /// FIN_WAIT_2): the FIN goes to the peer, the name is free for a new
    /// socket, the end stays in the tables.
    fn keep_closed_end(&mut self, s: &Socket, state: State) {
        self.mark_peer_closed(s.id());
        if s.named() {
            self.by_name.remove(s.label());
        }
        self.sock_mut(s.id()).closed_end(state);
    }

    /// The seconds of TIME_WAIT that follow the peer's FIN for `s`, or
    /// `None` where the OS keeps none (FreeBSD, a local peer).
    fn time_wait_after_fin(&self, s: &Socket) -> Option<u64> {
        if self.rules().close_without_time_wait(self, s).is_some() {
            None
        } else {
            Some(self.rules().params().time_wait_ms / 1000)
        }
    }

    /// `closing`, whose peer closed first, closes now: its FIN reaches the
    /// peer's end waiting in FIN_WAIT_2, which enters TIME_WAIT (counted
    /// from now) or, FreeBSD's local peer, goes.
    fn peer_fin(&mut self, closing: &Socket) -> Option<Decision> {
        let Some(Peer::Local(p)) = closing.peer() else {
            return None;
        };
        let waiting = self.get(p)?.clone();
        if !matches!(waiting.state(), State::FinWait2 { .. }) {
            return None;
        }
        let then = self.time_wait_after_fin(&waiting);
        match then {
            Some(secs) => {
                let until = self.now_ms.saturating_add(secs * 1000);
                self.sock_mut(p)
                    .closed_end(State::TimeWait { until_ms: until });
            }
            None => self.destroy(p),
        }
        Some(common::peer_ends_fin_wait_2(&waiting, closing.name(), then))
    }

    /// A connection's peer closed it (FIN): closing now is a passive close.
    pub(super) fn mark_peer_closed(&mut self, id: SockId) {
        if let Some(Peer::Local(p)) = self.socket(id).peer() {
            if let Some(Some(ps)) = self.socks.get_mut(p) {
                ps.peer_gone();
            }
        }
    }

    /// A connection's peer reset it (RST): the other end drops the 4-tuple
    /// and, on Linux, gives back a port the kernel picked.
    pub(super) fn reset_peer(&mut self, id: SockId) {
        let Some(Peer::Local(p)) = self.socket(id).peer() else {
            return;
        };
        let Some(ps) = self.get(p) else { return };
        if p == id {
            return;
        }
        // An end waiting in FIN_WAIT_2 for this peer's FIN gets a reset
        // instead and is gone (every OS closes it on the RST).
        if matches!(ps.state(), State::FinWait2 { .. }) {
            self.destroy(p);
            return;
        }
        self.reset_connection(p);
    }

    /// A reset ended `id`'s connection (its peer's, or, on FreeBSD, a
    /// client's answer to the challenge ACK of an SO_REUSEPORT_LB member
    /// that had connect()ed): its 4-tuple leaves the tables, and its port
    /// as [`Host::drop_reset`] says. Anything but an established
    /// connection is left as it is.
    pub(super) fn reset_connection(&mut self, id: SockId) {
        let s = self.socket(id);
        if s.state() != State::Connected {
            return;
        }
        let (local, remote, locked) = (s.local(), s.remote(), s.port_locked());
        if let (Some(l), Some(r)) = (local, remote) {
            if self.ehash.get(&wire(l, r)) == Some(&id) {
                self.ehash_remove(&wire(l, r));
            }
        }
        let release = self.rules().release_port_on_failed_connect() && !locked;
        self.drop_reset(id, local, release);
    }

    /// A connection reset by its peer leaves the tables: `release` gives
    /// back its port (Linux, a port the kernel picked: the socket forgets
    /// it); the BSDs take the dropped control block out of their lookups
    /// (the socket still shows the address). Its 4-tuple is already gone
    /// from `ehash`.
    pub(super) fn drop_reset(&mut self, id: SockId, local: Option<SockAddr>, release: bool) {
        if let Some(l) = local {
            if release || self.rules().failed_connect_unhashes() {
                self.unhash_port(id, l.port);
            }
        }
        self.sock_mut(id).reset(release);
    }

    /// The clock moved: the TIME_WAITs and FIN_WAIT_2s that are over go.
    /// A FIN_WAIT_2 that ends on macOS resets its peer (`tcp_drop`).
    pub(super) fn expire_closed_ends(&mut self) -> Expired {
        let now = self.now_ms;
        let done: Vec<SockId> = self
            .sockets()
            .filter(|s| s.closed_end_until().is_some_and(|until| until <= now))
            .map(|s| s.id())
            .collect();
        let resets = self
            .rules()
            .params()
            .fin_wait_2
            .is_some_and(|f| f.resets_peer);
        let mut gone = Expired::default();
        for id in done {
            let s = self.socket(id);
            let name = match (s.local(), s.remote()) {
                (Some(l), Some(r)) => format!("{} {l}↔{r}", s.label()).into(),
                _ => s.name(),
            };
            if matches!(s.state(), State::FinWait2 { .. }) {
                gone.fin_waits.push(name);
                if resets {
                    if let Some(Peer::Local(p)) = s.peer() {
                        if let Some(ps) = self.get(p) {
                            gone.reset.push(ps.name());
                        }
                    }
                    self.reset_peer(id);
                }
            } else {
                gone.time_waits.push(name);
            }
            self.destroy(id);
        }
        gone
    }
}
