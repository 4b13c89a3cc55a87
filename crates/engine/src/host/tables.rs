//! The host's indexes kept in step with its sockets: adding a socket,
//! giving it a local address, removing it from every table.

use crate::addr::SockAddr;

use super::socket::{Peer, SockId, Socket};
use super::{wire, Host};

impl Host {
    pub(super) fn insert(&mut self, s: Socket) -> SockId {
        let id = s.id();
        if s.named() {
            self.by_name.insert(s.label().to_string(), id);
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

    pub(super) fn next_id(&self) -> SockId {
        self.free.last().copied().unwrap_or(self.socks.len())
    }

    pub(super) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    pub(super) fn sock_mut(&mut self, id: SockId) -> &mut Socket {
        self.socks[id].as_mut().expect("live socket id")
    }

    /// Gives `id` the local address `local`, keeping the bind hash in step.
    pub(super) fn set_local(&mut self, id: SockId, local: SockAddr) {
        let old = self.socket(id).local();
        if let Some(old) = old {
            if old.port != local.port {
                self.unhash_port(id, old.port);
            }
        }
        if old.map(|o| o.port) != Some(local.port) {
            let table = if self.socket(id).is_udp() {
                &mut self.udp_by_port
            } else {
                &mut self.by_port
            };
            table.entry(local.port).or_default().push(id);
        }
        let seq = self.next_seq();
        self.sock_mut(id).set_local(local, seq);
    }

    /// Takes `id` off `port` (in whichever protocol's table holds it).
    pub(super) fn unhash_port(&mut self, id: SockId, port: u16) {
        for table in [&mut self.by_port, &mut self.udp_by_port] {
            if let Some(v) = table.get_mut(&port) {
                v.retain(|&x| x != id);
                if v.is_empty() {
                    table.remove(&port);
                }
            }
        }
    }

    /// Removes a socket from every table.
    pub(super) fn destroy(&mut self, id: SockId) {
        let s = self.socks[id].take().expect("live socket id");
        if let Some(l) = s.local() {
            self.unhash_port(id, l.port);
            if let Some(r) = s.remote() {
                if self.ehash.get(&wire(l, r)) == Some(&id) {
                    self.ehash.remove(&wire(l, r));
                }
            }
        }
        if s.named() && self.by_name.get(s.label()) == Some(&id) {
            self.by_name.remove(s.label());
        }
        for &l in s.queued_on() {
            if let Some(Some(lst)) = self.socks.get_mut(l) {
                lst.unqueue(id);
            }
        }
        // The slot will be reused: the peer must not keep pointing at it.
        if let Some(Peer::Local(p)) = s.peer() {
            if let Some(Some(ps)) = self.socks.get_mut(p) {
                ps.forget_peer(id);
            }
        }
        self.free.push(id);
    }
}
