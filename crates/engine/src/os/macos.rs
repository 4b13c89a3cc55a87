//! macOS (XNU xnu-11417) — `bsd/netinet/in_pcb.c` `in_pcbbind`,
//! `bsd/netinet6/in6_pcb.c`. os-rules.md §3: the BSD skeleton with XNU's
//! differences.
//!
//! Choices (each also said in its rule text):
//! * Routing among wildcard listeners gives the *oldest* bound socket, as the
//!   code reads ([unverified] by experiment); exact-address ties go to the
//!   newest, which the source articles observed.
//! * A dual-stack `::` socket and an AF_INET binding of the port meet in
//!   the IPv4 lookup like any two IPv4 bindings ([derived]).

use std::net::IpAddr;

use super::bsd::{self, at, lookup_exact, lookup_wild, placed, space_of, Space};
use crate::addr::{is_wildcard, SockAddr};
use crate::errno::Errno;
use crate::host::{Host, Socket};
use crate::os::{BindAnswer, Decision, Os, OsRules, Route};
use crate::scenario::SockOpt;

pub struct MacOs;

/// `net.inet.ip.portrange.first` / `last` (`ipport_firstauto..lastauto`).
const EPHEMERAL: (u16, u16) = (49152, 65535);
/// `IPPORT_RESERVED`.
const RESERVED: u16 = 1024;
/// 2 × MSL (`net.inet.tcp.msl` = 15 s).
const TIME_WAIT_MS: u64 = 30_000;

fn any_reuse(s: &Socket) -> bool {
    s.opts.reuseaddr || s.opts.reuseport
}

impl MacOs {
    fn check_port(&self, host: &Host, s: &Socket, ip: IpAddr, port: u16) -> Decision {
        let (space, ip) = space_of(s, ip);
        let me = &s.label;
        // The different-user check: only where one side is a specific address.
        if s.uid != 0 {
            if let Some(t) = lookup_wild(host, space, ip, port, s) {
                if (!is_wildcard(ip) || !t.is_wildcard()) && t.uid != s.uid {
                    return Decision::fail(
                        Errno::AddrInUse,
                        "macos.bind.other-user",
                        format!("{} holds {} and belongs to {}, not {}; XNU refuses a different user's overlapping bind when either address is specific", t.label, at(t), t.user, s.user),
                    );
                }
            }
        }
        let found = if any_reuse(s) {
            lookup_exact(host, space, ip, port, s)
        } else {
            lookup_wild(host, space, ip, port, s)
        };
        if let Some(t) = found {
            if s.opts.reuseport && t.opts.reuseport {
                let rule = if t.uid != s.uid {
                    "macos.bind.reuseport-any-user"
                } else {
                    "bsd.bind.reuseport-both"
                };
                let extra = if t.uid != s.uid {
                    " (different users may share a wildcard on macOS)"
                } else {
                    ""
                };
                return Decision::ok_by(
                    rule,
                    format!(
                        "{me} and {} both set SO_REUSEPORT, so they may share exactly {}{extra}",
                        t.label,
                        at(t)
                    ),
                );
            }
            return bsd::refuse(host, s, t, ip, any_reuse(s));
        }
        if any_reuse(s) {
            if let Some(t) = lookup_wild(host, space, ip, port, s) {
                return bsd::allowed_by_new_flag(host, s, t, Os::MacOs);
            }
        }
        Decision::ok()
    }
}

impl OsRules for MacOs {
    fn os(&self) -> Os {
        Os::MacOs
    }
    fn ephemeral_range(&self) -> (u16, u16) {
        EPHEMERAL
    }
    fn time_wait_ms(&self) -> u64 {
        TIME_WAIT_MS
    }
    fn default_v6only(&self) -> bool {
        false
    }
    fn loopback_is_slash8(&self) -> bool {
        false
    }
    fn supports(&self, opt: SockOpt) -> bool {
        matches!(
            opt,
            SockOpt::SoReuseAddr | SockOpt::SoReusePort | SockOpt::Ipv6V6Only
        )
    }

    fn bind(&self, host: &Host, s: &Socket, addr: SockAddr) -> BindAnswer {
        if let Some(d) = bsd::bind_prelude(host, s, addr, Os::MacOs) {
            return BindAnswer::fail(d);
        }
        if addr.port != 0 && addr.port < RESERVED && s.uid != 0 && !is_wildcard(addr.ip) {
            return BindAnswer::fail(Decision::fail(Errno::Access, "macos.bind.privileged-specific", format!("port {} is below 1024 and {} is a specific address; macOS lets {} (not root) bind low ports only on the wildcard", addr.port, addr.ip, s.user)));
        }
        if addr.port == 0 {
            // Implicit binds always take an unused port (`wild = 1`).
            let (lo, hi) = EPHEMERAL;
            let (space, ip) = space_of(s, addr.ip);
            return BindAnswer::ephemeral(
                (lo..=hi)
                    .find(|&p| !host.port_in_use(p))
                    .or_else(|| (lo..=hi).find(|&p| lookup_wild(host, space, ip, p, s).is_none())),
                "bsd.bind.ephemeral-exhausted",
                EPHEMERAL,
                addr.ip,
            );
        }
        BindAnswer {
            decision: self.check_port(host, s, addr.ip, addr.port),
            port: addr.port,
        }
    }

    fn listen(&self, host: &Host, s: &Socket) -> Decision {
        bsd::listen(host, s, Os::MacOs)
    }

    fn connect_on_listener(&self) -> Decision {
        bsd::connect_on_listener("soconnectlock")
    }

    fn connect_tuple_taken(&self, host: &Host, _s: &Socket, existing: &Socket) -> Decision {
        bsd::tuple_taken(host, existing)
    }

    /// TCP ports go up one at a time (`net.inet.tcp.randomize_ports` = 0);
    /// an implicit bind always takes an unused port.
    fn connect_port(&self, host: &Host, s: &Socket, src: IpAddr, dst: SockAddr) -> Option<u16> {
        let (lo, hi) = EPHEMERAL;
        let (space, ip) = space_of(s, src);
        (lo..=hi)
            .filter(|&p| SockAddr::new(src, p) != dst)
            .find(|&p| {
                !host
                    .owners(p, s.id)
                    .iter()
                    .any(|t| placed(space, t).is_some_and(|(a, _)| a == ip || is_wildcard(a)))
            })
    }

    /// XNU's `in_pcblookup_hash` with a wildcard: the first exact-address
    /// match in the chain (newest first, so the newest bound), else the last
    /// IPv4 wildcard match (the oldest bound), else the last dual-stack one.
    /// It does not look at the state: when the socket it finds is not
    /// listening, `tcp_input` drops the SYN (`TCPS_CLOSED` → `drop`).
    fn route(&self, host: &Host, _src: SockAddr, dst: SockAddr) -> Route {
        let space = if dst.ip.is_ipv4() {
            Space::V4
        } else {
            Space::V6
        };
        let c = bsd::syn_classes(host, space, dst.ip, dst.port);
        if let Some(&s) = c.exact.last() {
            let (rule, why) = if c.exact.len() > 1 {
                ("macos.route.newest-exact", format!("{} sockets are bound to {}; XNU finds the most recently bound first and gives it every connection: {}", c.exact.len(), at(s), s.label))
            } else if !c.wild.is_empty() || !c.wild_mapped.is_empty() {
                (
                    "bsd.route.exact-before-wildcard",
                    format!(
                        "{} is bound to exactly {}; a specific address beats a wildcard one",
                        s.label,
                        at(s)
                    ),
                )
            } else {
                (
                    "bsd.route.listener",
                    format!("{} is the socket on {} that matches {dst}", s.label, at(s)),
                )
            };
            return bsd::take(s, rule, why, |s| dropped(s, dst));
        }
        for class in [&c.wild, &c.wild_mapped] {
            if let Some(&s) = class.first() {
                let (rule, why) = if class.len() > 1 {
                    ("macos.route.oldest-wildcard", format!("{} sockets are bound to {}; XNU's lookup keeps the last wildcard match of its newest-first list, the oldest bound, {}", class.len(), at(s), s.label))
                } else {
                    (
                        "bsd.route.listener",
                        format!("{} is the socket on {} that matches {dst}", s.label, at(s)),
                    )
                };
                return bsd::take(s, rule, why, |s| dropped(s, dst));
            }
        }
        Route::Refused {
            rule: "common.route.no-listener",
            why: format!("nothing is listening on {dst}"),
        }
    }

    /// `tcp_usr_connect_common`: a v4-mapped destination on a v6-only
    /// socket is EAFNOSUPPORT.
    fn connect_v6only_to_ipv4(&self, s: &Socket, dst: SockAddr) -> Decision {
        Decision::fail(
            Errno::AfNoSupport,
            "macos.connect.mapped-on-v6only",
            format!("{} is IPV6_V6ONLY, so XNU refuses the v4-mapped destination {dst} with EAFNOSUPPORT", s.label),
        )
    }

    /// `tcp_connect`: "Prevent self-connect" — the local address and the
    /// bound port equal the destination.
    fn refuse_self_connect(&self, s: &Socket, local: SockAddr) -> Option<Decision> {
        Some(Decision::fail(
            Errno::Inval,
            "macos.connect.self",
            format!("{} is bound to {local} and connects to that same address and port; XNU refuses a self-connect with EINVAL", s.label),
        ))
    }
}

/// XNU drops a SYN that its lookup hands to a socket that is not listening.
fn dropped(s: &Socket, dst: SockAddr) -> Route {
    Route::Dropped {
        rule: "macos.route.not-listening",
        why: format!("the lookup for {dst} picks {} ({}, {}), which is not listening; XNU drops the SYN without an answer, so the client's connect() times out, even if another socket listens on a wider address", s.label, s.state.label(), at(s)),
    }
}

#[cfg(test)]
mod tests {
    use crate::os::testutil::{apply, sock};
    use crate::scenario::{SockOpt, StepKind};
    use crate::{host::Host, Os};

    #[test]
    fn low_ports_only_on_specific_addresses_need_root() {
        let mut h = Host::new(Os::MacOs, &[], 1);
        apply(
            &mut h,
            StepKind::User {
                name: "alice".into(),
            },
        );
        assert_eq!(sock(&mut h, "A", &[], "0.0.0.0", 80), "ok");
        assert_eq!(sock(&mut h, "B", &[], "127.0.0.1", 81), "EACCES");
    }

    #[test]
    fn different_users_share_only_the_wildcard() {
        let mut h = Host::new(Os::MacOs, &[], 1);
        apply(
            &mut h,
            StepKind::User {
                name: "alice".into(),
            },
        );
        assert_eq!(
            sock(&mut h, "A", &[SockOpt::SoReusePort], "0.0.0.0", 8080),
            "ok"
        );
        apply(&mut h, StepKind::User { name: "bob".into() });
        assert_eq!(
            sock(&mut h, "B", &[SockOpt::SoReusePort], "0.0.0.0", 8080),
            "ok"
        );
        // The check looks at one best-fitting socket (newest first): for bob
        // that is his own wildcard, for carol it is bob's.
        assert_eq!(
            sock(&mut h, "C", &[SockOpt::SoReusePort], "127.0.0.1", 8080),
            "ok"
        );
        apply(
            &mut h,
            StepKind::User {
                name: "carol".into(),
            },
        );
        assert_eq!(
            sock(&mut h, "D", &[SockOpt::SoReusePort], "127.0.0.1", 8081),
            "ok"
        );
        assert_eq!(
            sock(&mut h, "E", &[SockOpt::SoReusePort], "127.0.0.1", 8080),
            "EADDRINUSE"
        );
    }

    #[test]
    fn only_127_0_0_1_is_on_loopback() {
        let mut h = Host::new(Os::MacOs, &[], 1);
        assert_eq!(sock(&mut h, "A", &[], "127.0.0.2", 8080), "EADDRNOTAVAIL");
    }
}
