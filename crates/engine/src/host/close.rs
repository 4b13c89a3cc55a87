//! close() and what follows it: TIME_WAIT, the peer's FIN or reset, and
//! TIME_WAITs expiring as the clock moves.

use crate::os::common;
use crate::os::Decision;
use crate::rules::Name;

use crate::addr::SockAddr;

use super::socket::{Peer, SockId, State};
use super::{wire, Host};

impl Host {
    pub(super) fn close(&mut self, id: SockId) -> Decision {
        let s = self.socket(id).clone();
        if s.is_listening() {
            // Connections nobody accepted are reset, unless another listener
            // may still take them (Windows' undefined sharing).
            for c in s.queue().iter().copied() {
                if self.sock_mut(c).leave_listener(id) {
                    self.reset_peer(c);
                    self.destroy(c);
                }
            }
        }
        if s.state() == State::Connected && !s.peer_closed() {
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
            if s.named() {
                self.by_name.remove(s.label());
            }
            self.sock_mut(id).time_wait(until);
            return common::close_time_wait(&s, self.rules().params().time_wait_ms / 1000);
        }
        if s.state() == State::Connected {
            self.mark_peer_closed(id);
        }
        self.destroy(id);
        Decision::ok()
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
        if ps.state() != State::Connected || p == id {
            return;
        }
        let (local, remote, locked) = (ps.local(), ps.remote(), ps.port_locked());
        if let (Some(l), Some(r)) = (local, remote) {
            if self.ehash.get(&wire(l, r)) == Some(&p) {
                self.ehash_remove(&wire(l, r));
            }
        }
        let release = self.rules().release_port_on_failed_connect() && !locked;
        self.drop_reset(p, local, release);
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

    pub(super) fn expire_time_waits(&mut self) -> Vec<Name> {
        let now = self.now_ms;
        let done: Vec<SockId> = self
            .sockets()
            .filter(|s| matches!(s.state(), State::TimeWait { until_ms } if until_ms <= now))
            .map(|s| s.id())
            .collect();
        let mut gone = Vec::new();
        for id in done {
            let s = self.socket(id);
            gone.push(match (s.local(), s.remote()) {
                (Some(l), Some(r)) => format!("{} {l}↔{r}", s.label()).into(),
                _ => s.name(),
            });
            self.destroy(id);
        }
        gone
    }
}
