//! The host's indexes kept in step with its sockets: adding a socket,
//! giving it a local address, removing it from every table, and the bind
//! buckets' summaries kept in step with every change of a socket
//! ([`SockMut`]).

use std::ops::{Deref, DerefMut};

use crate::addr::SockAddr;

use super::buckets::{self, Hashed, PortClass, Ports, UdpKeys};
use super::socket::{Peer, SockId, Socket};
use super::{wire, Host};

/// A socket being changed. When it is dropped, the socket's class in its
/// bind bucket is brought up to date: every change of a socket goes through
/// `Host::sock_mut`, so the buckets' summaries cannot fall behind.
pub(super) struct SockMut<'h> {
    host: &'h mut Host,
    id: SockId,
}

impl Deref for SockMut<'_> {
    type Target = Socket;
    fn deref(&self) -> &Socket {
        self.host.socket(self.id)
    }
}

impl DerefMut for SockMut<'_> {
    fn deref_mut(&mut self) -> &mut Socket {
        self.host.socks[self.id].as_mut().expect("live socket id")
    }
}

impl Drop for SockMut<'_> {
    fn drop(&mut self) {
        self.host.reclass(self.id);
    }
}

impl Host {
    pub(super) fn insert(&mut self, s: Socket) -> SockId {
        let id = s.id();
        if s.named() {
            self.by_name.insert(s.name(), id);
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

    /// The socket `id`, to change; its bucket's summary follows on drop.
    pub(super) fn sock_mut(&mut self, id: SockId) -> SockMut<'_> {
        assert!(self.get(id).is_some(), "live socket id");
        SockMut { host: self, id }
    }

    /// Gives `id` the local address `local`, keeping the bind hash in step.
    pub(super) fn set_local(&mut self, id: SockId, local: SockAddr) {
        self.set_local_then(id, local, |_, _| {});
    }

    /// [`Host::set_local`], with `then` changing the socket further before
    /// it is hashed (bind(): one class change, not two). `then` is handed
    /// the host's sequence counter, for a change that takes the next one.
    pub(super) fn set_local_then(
        &mut self,
        id: SockId,
        local: SockAddr,
        then: impl FnOnce(&mut Socket, &mut u64),
    ) {
        let moved = self.place(id, local, then);
        self.file(id, moved);
    }

    /// The first half of [`Host::set_local_then`]: the socket takes `local`
    /// and `then`'s changes, and leaves its old port's bucket if it moves.
    /// Until [`Host::file`] its bucket entry is not brought up to date, so a
    /// caller may ask the buckets a question (UDP's group at bind) first
    /// and file the socket once, under its final class. Whether the port
    /// changed.
    pub(super) fn place(
        &mut self,
        id: SockId,
        local: SockAddr,
        then: impl FnOnce(&mut Socket, &mut u64),
    ) -> bool {
        let old = self.socket(id).local();
        if let Some(old) = old {
            if old.port != local.port {
                self.unhash_port(id, old.port);
            }
        }
        let seq = self.next_seq();
        // The socket first, so it is hashed under its final class.
        if let Some(s) = self.socks[id].as_mut() {
            s.set_local(local, seq);
            then(s, &mut self.seq);
        }
        old.map(|o| o.port) != Some(local.port)
    }

    /// The second half of [`Host::set_local_then`]: `id` hashed on its new
    /// port (`moved`), or its class brought up to date.
    pub(super) fn file(&mut self, id: SockId, moved: bool) {
        match self.socket(id).local_port() {
            Some(port) if moved => self.hash_port(id, port),
            _ => self.reclass(id),
        }
    }

    /// Changes `id` without bringing its bucket entry up to date: only
    /// between [`Host::place`] and [`Host::file`], which files it.
    pub(super) fn sock_unfiled(&mut self, id: SockId) -> Option<&mut Socket> {
        self.socks.get_mut(id).and_then(Option::as_mut)
    }

    /// Appends `id` to `port`'s bucket (it is in no other).
    pub(super) fn hash_port(&mut self, id: SockId, port: u16) {
        if let Some(h) = self.hashed.get(id).copied().flatten() {
            self.unhash_port(id, h.port);
        }
        let s = self.socket(id);
        let (class, udp, keys) = (PortClass::of(s), s.is_udp(), UdpKeys::of(s));
        let listen = buckets::listen_key(s);
        let pos = self.next_pos;
        self.next_pos += 1;
        self.buckets_mut(udp)
            .get_or_default(port)
            .add(pos, id, (class, keys, listen));
        if self.hashed.len() <= id {
            self.hashed.resize(id + 1, None);
        }
        self.hashed[id] = Some(Hashed {
            port,
            pos,
            class,
            step: self.step,
            udp,
            keys,
            listen,
        });
    }

    /// UDP's bind buckets or TCP's.
    fn buckets_mut(&mut self, udp: bool) -> &mut Ports {
        if udp {
            &mut self.udp_by_port
        } else {
            &mut self.by_port
        }
    }

    /// Whether `id` is in its port's bucket (FreeBSD's disconnect can take
    /// a bound UDP socket out: `OsRules::udp_disconnect_unhashes`).
    pub(super) fn is_hashed(&self, id: SockId) -> bool {
        self.hashed.get(id).copied().flatten().is_some()
    }

    /// Takes `id` off `port` (in whichever protocol's table holds it).
    pub(super) fn unhash_port(&mut self, id: SockId, port: u16) {
        let Some(h) = self.hashed.get(id).copied().flatten() else {
            return;
        };
        if h.port != port {
            return;
        }
        if let Some(b) = self.buckets_mut(h.udp).get_mut(&port) {
            b.remove(h.pos, (h.class, h.keys, h.listen));
            if b.is_empty() {
                self.buckets_mut(h.udp).remove(&port);
            }
        }
        self.hashed[id] = None;
        self.search_gen += 1;
    }

    /// Brings `id`'s class in its bucket up to date.
    fn reclass(&mut self, id: SockId) {
        let Some(h) = self.hashed.get(id).copied().flatten() else {
            return;
        };
        let Some(s) = self.get(id) else { return };
        let (class, keys) = (PortClass::of(s), UdpKeys::of(s));
        let listen = buckets::listen_key(s);
        if class == h.class && keys == h.keys && listen == h.listen {
            return;
        }
        if let Some(b) = self.buckets_mut(h.udp).get_mut(&h.port) {
            if listen != h.listen {
                if let Some(l) = h.listen {
                    b.listening.remove(&l);
                    b.listeners.remove(&h.pos);
                }
                if let Some(l) = listen {
                    b.listening.insert(l, id);
                    b.listeners.insert(h.pos, id);
                }
            }
            if class != h.class {
                b.unclass(h.pos, h.class);
                b.classes.members_mut(class).insert(h.pos, id);
                b.classes.conns =
                    b.classes.conns + u32::from(class.conn()) - u32::from(h.class.conn());
            }
            match (h.keys, keys) {
                (Some(k), Some(k2)) => b.udp.update(h.pos, id, (h.class, k), (class, k2)),
                (Some(k), None) => b.udp.remove(h.pos, h.class, k),
                (None, Some(k2)) => b.udp.add(h.pos, id, class, k2),
                (None, None) => {}
            }
        }
        self.hashed[id] = Some(Hashed {
            class,
            keys,
            listen,
            ..h
        });
        if class == h.class {
            // Only UDP's per-socket keys moved: no class-level answer changed.
            return;
        }
        // A socket hashed in an earlier step changed: a port a search
        // skipped may have become eligible. (One hashed in this step is, with
        // its final class, only an addition.)
        if h.step != self.step {
            self.search_gen += 1;
        }
    }

    /// Forgets a 4-tuple.
    pub(super) fn ehash_remove(&mut self, key: &(SockAddr, SockAddr)) {
        if self.ehash.remove(key).is_some() {
            self.search_gen += 1;
        }
    }

    /// Removes a socket from every table.
    pub(super) fn destroy(&mut self, id: SockId) {
        if let Some(h) = self.hashed.get(id).copied().flatten() {
            self.unhash_port(id, h.port);
        }
        let s = self.socks[id].take().expect("live socket id");
        if let Some(l) = s.local() {
            if let Some(r) = s.remote() {
                if self.ehash.get(&wire(l, r)) == Some(&id) {
                    self.ehash_remove(&wire(l, r));
                }
            }
        }
        if s.named() && self.by_name.get(s.label()) == Some(&id) {
            self.by_name.remove(s.label());
        }
        for &l in s.queued_on() {
            if self.get(l).is_some() {
                self.sock_mut(l).unqueue(id);
            }
        }
        // The slot will be reused: the peer must not keep pointing at it.
        if let Some(Peer::Local(p)) = s.peer() {
            if self.get(p).is_some() {
                self.sock_mut(p).forget_peer(id);
            }
        }
        self.free.push(id);
    }
}
