//! The step machine: one scenario step → the OS's decision, applied.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::addr::SockAddr;
use crate::args;
use crate::os::common;
use crate::os::Decision;
use crate::report::StepReport;
use crate::rules::{Slot, WhyVariant};
use crate::scenario::{EndpointSpec, PortSpec, Step, StepKind};
use crate::why::Why;
use crate::Errno;

use super::socket::{Opts, SockId, Socket, State};
use super::Host;

impl Host {
    /// Runs one step and reports its outcome.
    pub fn apply(&mut self, step: &Step) -> StepReport {
        self.step += 1;
        let mut rep = StepReport::new(self.os, step);
        let d = self.apply_kind(&step.kind, &mut rep);
        rep.set_decision(d);
        rep
    }

    pub(super) fn missing(&self, name: &str) -> Decision {
        common::no_such_socket(name)
    }

    pub(super) fn apply_kind(&mut self, kind: &StepKind, rep: &mut StepReport) -> Decision {
        let rules = self.rules();
        match kind {
            StepKind::User { name } => {
                let n = self.users.len() as u32;
                self.users
                    .entry(name.clone())
                    .or_insert(if name == "root" { 0 } else { 1000 + n });
                self.user = name.clone();
                Decision::ok()
            }
            StepKind::Wait { ms } => {
                self.now_ms = self.now_ms.saturating_add(*ms);
                // Time alone can make a port an ephemeral search refused
                // acceptable (a TIME_WAIT old enough to reuse).
                self.search_gen += 1;
                common::closed_ends_expired(
                    self.expire_closed_ends(),
                    rules.params().closed_end_timer_late,
                )
            }
            StepKind::Socket { name, proto } => {
                let id = self.next_id();
                let v6only = proto.is_v6() && rules.params().default_v6only;
                let uid = self.uid_of(&self.user);
                let opts = Opts {
                    v6only,
                    mc_all: !proto.is_v6(),
                    ..Opts::default()
                };
                self.insert(Socket::new(id, name, *proto, &self.user, uid, opts));
                let seq = self.next_seq();
                self.sock_mut(id).created(seq);
                Decision::ok()
            }
            StepKind::Set { name, opt, on } => {
                let Some(s) = self.by_name(name) else {
                    return self.missing(name);
                };
                if let Some(d) = common::setsockopt(rules, s, *opt) {
                    return d;
                }
                let d = rules.setsockopt(self, s, *opt, *on);
                if d.is_ok() {
                    let id = s.id();
                    self.sock_mut(id).set_opt(*opt, *on);
                }
                d
            }
            StepKind::Bind { name, ep } => {
                let Some(s) = self.by_name(name) else {
                    return self.missing(name);
                };
                let addr = self.resolve(ep);
                let ans = rules.bind(self, s, addr);
                if ans.decision.is_ok() {
                    let id = s.id();
                    self.do_bind(id, SockAddr::new(addr.ip, ans.port), |s| {
                        s.set_port_locked(addr.port != 0);
                        // tcp6_usr_bind 334-338 derives inp_vflag afresh.
                        s.narrow_pcb(None);
                    });
                    self.update_port_memo(id);
                    rep.local = self.socket(id).local();
                } else if ans.decision.result() == Err(Errno::AddrInUse)
                    && rules.params().failed_bind_resets_address
                {
                    let id = s.id();
                    self.sock_mut(id).forget_kept_ip();
                }
                ans.decision
            }
            StepKind::Listen { name } => {
                let Some(s) = self.by_name(name) else {
                    return self.missing(name);
                };
                if s.is_udp() {
                    return rules.udp_listen(s);
                }
                let id = s.id();
                let mut autobind_note = None;
                if s.state() == State::Unbound {
                    if !rules.listen_autobinds() {
                        return rules.listen(self, s);
                    }
                    // The wildcard address, or the one a Linux socket kept
                    // when a failed connect() gave back its port (the
                    // kernel autobinds only the port: `inet_rcv_saddr`
                    // stays). Measured on this machine's kernel.
                    let addr = s.kept_ip().unwrap_or(if s.is_v6() {
                        IpAddr::V6(Ipv6Addr::UNSPECIFIED)
                    } else {
                        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
                    });
                    let ans = rules.bind(self, s, SockAddr::new(addr, 0));
                    if !ans.decision.is_ok() {
                        return ans.decision;
                    }
                    let at = SockAddr::new(addr, ans.port);
                    // tcp6_usr_listen 418-420 derives inp_vflag afresh.
                    self.do_bind(id, at, |s| s.narrow_pcb(None));
                    self.update_port_memo(id);
                    autobind_note = Some(at);
                }
                let d = rules.listen(self, self.socket(id));
                if d.is_ok() && !self.socket(id).is_listening() {
                    let seq = self.next_seq();
                    let answer = rules.tcp_listen_group(self, self.socket(id));
                    let group = self.enter_group(answer);
                    let mut s = self.sock_mut(id);
                    s.listen(seq);
                    s.set_reuse_group(group);
                    drop(s);
                    // Linux's listen() takes the port again (`get_port`).
                    self.update_port_memo(id);
                } else if d
                    .rule()
                    .is_some_and(|r| rules.listen_refused_after_get_port(r))
                {
                    self.update_port_memo(id);
                }
                rep.local = self.socket(id).local();
                match (autobind_note, d.result(), d.rule()) {
                    (Some(at), Ok(()), None) => common::listen_autobind(rules.os(), name, at.port),
                    // Refused after the autobind (Linux binds before it
                    // checks): the port stays held, and a rule with an
                    // `autobound` wording says so.
                    (Some(at), Err(e), Some(rule)) if rule.has_why(WhyVariant::Autobound) => {
                        Decision::fail(
                            e,
                            rule,
                            Why::of(
                                rule,
                                WhyVariant::Autobound,
                                args![Slot::Socket => name.as_str(), Slot::Addr => at],
                            ),
                        )
                    }
                    _ => d,
                }
            }
            StepKind::Connect { name, ep } => {
                let Some(s) = self.by_name(name) else {
                    return self.missing(name);
                };
                let id = s.id();
                let dst = self.resolve(ep);
                if s.is_udp() {
                    return self.udp_connect(id, dst, rep);
                }
                self.connect(id, dst, rep)
            }
            StepKind::Accept { name, new } => {
                let Some(s) = self.by_name(name) else {
                    return self.missing(name);
                };
                if s.is_udp() {
                    return rules.udp_accept(s);
                }
                let id = s.id();
                if let Some(d) = common::accept(s) {
                    return d;
                }
                let Some(child) = self.sock_mut(id).dequeue() else {
                    return Decision::ok(); // common::accept saw a connection queued
                };
                let others: Vec<SockId> = self
                    .socket(child)
                    .queued_on()
                    .iter()
                    .copied()
                    .filter(|&l| l != id)
                    .collect();
                for l in others {
                    self.sock_mut(l).unqueue(child);
                }
                self.sock_mut(child).accepted(new);
                if rules.accept_takes_acceptors_user() {
                    let (uid, user) = (self.uid_of(&self.user), self.user.clone());
                    self.sock_mut(child).set_owner(uid, &user);
                }
                self.by_name.insert(self.socket(child).name(), child);
                let c = self.socket(child);
                rep.local = c.local();
                rep.remote = c.remote();
                // Reset while it waited (`OsRules::reset_child_stays_queued`).
                if c.state() == State::Reset {
                    return rules.accepted_reset(new, self.socket(id).name());
                }
                Decision::ok()
            }
            StepKind::Close { name } => {
                let Some(s) = self.by_name(name) else {
                    return self.missing(name);
                };
                let id = s.id();
                if s.is_udp() {
                    // No handshake to end and no TIME_WAIT: the port is free.
                    self.destroy(id);
                    return Decision::ok();
                }
                self.close(id)
            }
            StepKind::Client { ep, count } => {
                let dst = self.resolve(ep);
                self.clients(dst, *count, rep)
            }
            StepKind::Datagram { ep, count } => {
                let dst = self.resolve(ep);
                self.datagrams(dst, *count, rep)
            }
            StepKind::Join { name, group } => {
                let Some(s) = self.by_name(name) else {
                    return self.missing(name);
                };
                let id = s.id();
                let d = rules.join(self, s, *group);
                if d.is_ok() {
                    self.sock_mut(id).join(*group);
                }
                d
            }
        }
    }

    /// bind() succeeded (or listen()'s or connect()'s autobind): `local`
    /// is the address. `then` makes the call's own changes to the socket
    /// before it is filed, so its bucket entry is written once.
    pub(super) fn do_bind(&mut self, id: SockId, local: SockAddr, then: impl FnOnce(&mut Socket)) {
        if !self.socket(id).is_udp() {
            self.set_local_then(id, local, |s, _| {
                s.bound();
                then(s);
            });
            return;
        }
        // A UDP socket enters its lookup chain and its SO_REUSEPORT group
        // as it is hashed (one index entry, not one re-filed), taking the
        // sequence number after its bind's. The group is found among the
        // port's other sockets, before this one is filed among them.
        let tail = self.rules().udp_chain_tail(self.socket(id));
        let moved = self.place(id, local, |s, seq| {
            s.bound();
            *seq += 1;
            s.rechain(*seq, tail);
        });
        let group = self.udp_group(id);
        if let Some(s) = self.sock_unfiled(id) {
            s.set_reuse_group(group);
            then(s);
        }
        self.file(id, moved);
    }

    pub(super) fn resolve(&self, ep: &EndpointSpec) -> SockAddr {
        let port = match &ep.port {
            PortSpec::Num(n) => *n,
            // A socket with no port yet answers getsockname() with port 0,
            // which is what the real program would pass on.
            PortSpec::Of(name) => self
                .by_name(name)
                .map_or(0, |s| s.local_port().unwrap_or(s.sockname_port())),
        };
        SockAddr::new(ep.addr, port)
    }
}
