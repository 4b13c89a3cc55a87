//! Random scenarios for property tests and the kernel differential test.
//!
//! Biased toward conflicts on one port: a few addresses (wildcard, loopback,
//! one interface, IPv6 and v4-mapped forms), one main port, reuse options
//! switched on and off, listen/connect/accept/close in any order, rebinding
//! after close, and sometimes another user. Every scenario it makes parses.

use std::net::IpAddr;

use crate::os::Os;
use crate::scenario::{EndpointSpec, PortSpec, Proto, Scenario, SockOpt, Step, StepKind};

/// A small deterministic PRNG (SplitMix64): the same seed, the same scenario.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What the generator may produce.
#[derive(Clone, Debug)]
pub struct Options {
    pub os: Os,
    pub max_steps: usize,
    /// Waits long enough to end a TIME_WAIT (a kernel run cannot sleep them).
    pub long_waits: bool,
    /// `accept` on SO_REUSEPORT listeners, whose queues the kernel fills by
    /// chance (a kernel run can only compare such outcomes as sets).
    pub accept_on_reuseport: bool,
    pub other_users: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            os: Os::Linux,
            max_steps: 24,
            long_waits: true,
            accept_on_reuseport: true,
            other_users: true,
        }
    }
}

const IFACE: &str = "192.168.0.1";
const MAIN_PORT: u16 = 7000;

struct Live {
    name: String,
    proto: Proto,
    reuseport: bool,
}

/// The host's own IPv6 address in a third of the scenarios.
const IFACE6: &str = "fd00::1";

/// The addresses an IPv6 socket binds and connects to. A third of the
/// scenarios also give the host `IFACE6` and use it and the v4-mapped form of
/// `IFACE`; the last entry is always a local unicast address to send to.
fn v6_addresses(rng: &mut Rng, sc: &mut Scenario) -> Vec<&'static str> {
    let mut v6 = vec!["::", "::1", "::ffff:127.0.0.1", "::", "::ffff:0.0.0.0"];
    if rng.chance(33) {
        sc.ifaces.push(IFACE6.parse().expect("literal address"));
        v6.extend(["::ffff:192.168.0.1", IFACE6]);
    } else {
        v6.push("::1");
    }
    v6
}

/// A random scenario from `seed`.
pub fn scenario(seed: u64, opts: &Options) -> Scenario {
    let mut rng = Rng::new(seed);
    let mut sc = Scenario {
        os: opts.os,
        ifaces: vec![IFACE.parse().expect("literal address")],
        ..Scenario::default()
    };
    let mut live: Vec<Live> = Vec::new();
    let mut counter = 0;
    let n = 1 + rng.below(opts.max_steps.max(1));
    let v4: [&str; 4] = ["0.0.0.0", "127.0.0.1", IFACE, "127.0.0.1"];
    let v6 = v6_addresses(&mut rng, &mut sc);
    let push = |sc: &mut Scenario, kind: StepKind| {
        sc.steps.push(Step {
            line: 0,
            kind,
            expect: None,
        })
    };
    while sc.steps.len() < n {
        let roll = rng.below(100);
        if live.is_empty() || roll < 14 {
            counter += 1;
            let name = format!("S{counter}");
            let proto = if rng.chance(30) {
                Proto::Tcp6
            } else {
                Proto::Tcp
            };
            live.push(Live {
                name: name.clone(),
                proto,
                reuseport: false,
            });
            push(&mut sc, StepKind::Socket { name, proto });
            continue;
        }
        let i = rng.below(live.len());
        let (name, proto) = (live[i].name.clone(), live[i].proto);
        let addr = |rng: &mut Rng| -> IpAddr {
            let s = if proto.is_v6() {
                *rng.pick(&v6)
            } else {
                *rng.pick(&v4)
            };
            s.parse().expect("literal address")
        };
        let port = |rng: &mut Rng, live: &[Live]| -> PortSpec {
            match rng.below(20) {
                0 => PortSpec::Num(0),
                1 if opts.other_users => PortSpec::Num(80),
                2 => PortSpec::Num(MAIN_PORT + 1),
                3 => PortSpec::Of(rng.pick(live).name.clone()),
                _ => PortSpec::Num(MAIN_PORT),
            }
        };
        let kind = match roll {
            14..=29 => {
                let opt = if proto.is_v6() && rng.chance(20) {
                    SockOpt::Ipv6V6Only
                } else if rng.chance(50) {
                    SockOpt::SoReuseAddr
                } else {
                    SockOpt::SoReusePort
                };
                let on = rng.chance(85);
                if opt == SockOpt::SoReusePort && on {
                    live[i].reuseport = true;
                }
                StepKind::Set { name, opt, on }
            }
            30..=49 => StepKind::Bind {
                name,
                ep: EndpointSpec {
                    addr: addr(&mut rng),
                    port: port(&mut rng, &live),
                },
            },
            50..=61 => StepKind::Listen { name },
            62..=69 => {
                let mut a = addr(&mut rng);
                if crate::addr::unmap(a).is_unspecified() {
                    a = if proto.is_v6() {
                        "::1".parse().expect("literal")
                    } else {
                        "127.0.0.1".parse().expect("literal")
                    };
                }
                let p = match port(&mut rng, &live) {
                    PortSpec::Num(0) => PortSpec::Num(MAIN_PORT),
                    p => p,
                };
                StepKind::Connect {
                    name,
                    ep: EndpointSpec { addr: a, port: p },
                }
            }
            70..=77 => {
                if live[i].reuseport && !opts.accept_on_reuseport {
                    continue;
                }
                counter += 1;
                let new = format!("C{counter}");
                live.push(Live {
                    name: new.clone(),
                    proto,
                    reuseport: false,
                });
                StepKind::Accept { name, new }
            }
            78..=87 => {
                live.remove(i);
                StepKind::Close { name }
            }
            88..=93 => {
                let dst = *rng.pick(&["127.0.0.1", IFACE, "::1", "127.0.0.1", v6[v6.len() - 1]]);
                StepKind::Client {
                    ep: EndpointSpec {
                        addr: dst.parse().expect("literal"),
                        port: PortSpec::Num(MAIN_PORT),
                    },
                    count: 1 + rng.below(3) as u32,
                }
            }
            94..=96 => {
                let ms = if opts.long_waits && rng.chance(50) {
                    61_000
                } else {
                    10 * (1 + rng.below(5)) as u64
                };
                StepKind::Wait { ms }
            }
            _ => {
                if !opts.other_users {
                    continue;
                }
                StepKind::User {
                    name: rng.pick(&["root", "alice", "bob"]).to_string(),
                }
            }
        };
        push(&mut sc, kind);
    }
    sc
}

/// The multicast group the UDP generator uses.
const GROUP: &str = "239.1.2.3";

/// A random UDP scenario from `seed`: duplicate binds with every option mix
/// on wildcard, specific, v4-mapped and group addresses; joins; connected
/// sockets (some to the very peer a later `datagram` sends from); datagrams
/// to every kind of destination; now and then a TCP socket on the same port,
/// a `listen`/`accept` on a UDP socket, another user. Every scenario parses.
pub fn udp_scenario(seed: u64, opts: &Options) -> Scenario {
    let mut rng = Rng::new(seed);
    let mut sc = Scenario {
        os: opts.os,
        ifaces: vec![IFACE.parse().expect("literal address")],
        ..Scenario::default()
    };
    let mut live: Vec<Live> = Vec::new();
    let mut counter = 0;
    // Peers are numbered across `datagram` steps (host::client_source), so a
    // connect can name the peer a later datagram comes from.
    let mut sent: u32 = 0;
    let n = 1 + rng.below(opts.max_steps.max(1));
    let v4: [&str; 5] = ["0.0.0.0", "127.0.0.1", IFACE, GROUP, "0.0.0.0"];
    let v6 = v6_addresses(&mut rng, &mut sc);
    let lit = |s: &str| -> IpAddr { s.parse().expect("literal address") };
    let push = |sc: &mut Scenario, kind: StepKind| {
        sc.steps.push(Step {
            line: 0,
            kind,
            expect: None,
        })
    };
    while sc.steps.len() < n {
        let roll = rng.below(100);
        if live.is_empty() || roll < 16 {
            counter += 1;
            let name = format!("U{counter}");
            let proto = match rng.below(20) {
                0 => Proto::Tcp,
                1..=6 => Proto::Udp6,
                _ => Proto::Udp,
            };
            live.push(Live {
                name: name.clone(),
                proto,
                reuseport: false,
            });
            push(&mut sc, StepKind::Socket { name, proto });
            continue;
        }
        let i = rng.below(live.len());
        let (name, proto) = (live[i].name.clone(), live[i].proto);
        let port = |rng: &mut Rng, live: &[Live]| -> PortSpec {
            match rng.below(20) {
                0 => PortSpec::Num(0),
                1 if opts.other_users => PortSpec::Num(80),
                2 | 3 => PortSpec::Num(MAIN_PORT + 1),
                4 => PortSpec::Of(rng.pick(live).name.clone()),
                _ => PortSpec::Num(MAIN_PORT),
            }
        };
        let kind = match roll {
            16..=33 => {
                let opt = match rng.below(10) {
                    0 if proto.is_v6() => SockOpt::Ipv6V6Only,
                    1 if opts.os == Os::Linux => SockOpt::IpMulticastAll,
                    2..=5 => SockOpt::SoReuseAddr,
                    _ => SockOpt::SoReusePort,
                };
                let on = if opt == SockOpt::IpMulticastAll {
                    rng.chance(30)
                } else {
                    rng.chance(85)
                };
                if opt == SockOpt::SoReusePort && on {
                    live[i].reuseport = true;
                }
                StepKind::Set { name, opt, on }
            }
            34..=51 => {
                let a = if proto.is_v6() {
                    *rng.pick(&v6)
                } else if proto.is_udp() {
                    *rng.pick(&v4)
                } else {
                    // A TCP socket only shows the separate port spaces.
                    *rng.pick(&v4[..3])
                };
                StepKind::Bind {
                    name,
                    ep: EndpointSpec {
                        addr: lit(a),
                        port: port(&mut rng, &live),
                    },
                }
            }
            52..=59 => StepKind::Join {
                name,
                group: lit(GROUP),
            },
            60..=67 => {
                // A local address, or the peer of one of the next datagrams.
                let (a, p) = match rng.below(3) {
                    0 => {
                        // An IPv6 socket may wait for an IPv6 peer instead.
                        let toward = if proto.is_v6() && rng.chance(40) {
                            "::1"
                        } else {
                            "127.0.0.1"
                        };
                        let k = sent + rng.below(3) as u32;
                        let src = crate::host::client_source(k, lit(toward));
                        (src.ip, PortSpec::Num(src.port))
                    }
                    1 => (lit("127.0.0.1"), PortSpec::Num(MAIN_PORT)),
                    // Now and then the broadcast address (refused without
                    // SO_BROADCAST on Linux once routed).
                    _ if rng.chance(10) => (lit("255.255.255.255"), PortSpec::Num(MAIN_PORT)),
                    _ => (lit(IFACE), port(&mut rng, &live)),
                };
                let p = match p {
                    PortSpec::Num(0) => PortSpec::Num(MAIN_PORT),
                    p => p,
                };
                let a = match (proto.is_v6(), a) {
                    (true, IpAddr::V4(v4)) => IpAddr::V6(v4.to_ipv6_mapped()),
                    (_, a) => a,
                };
                StepKind::Connect {
                    name,
                    ep: EndpointSpec { addr: a, port: p },
                }
            }
            68..=71 => {
                if rng.chance(50) {
                    StepKind::Listen { name }
                } else {
                    counter += 1;
                    StepKind::Accept {
                        name,
                        new: format!("C{counter}"),
                    }
                }
            }
            72..=79 => {
                live.remove(i);
                StepKind::Close { name }
            }
            80..=97 => {
                let dst = *rng.pick(&[
                    "127.0.0.1",
                    IFACE,
                    GROUP,
                    GROUP,
                    "::1",
                    "::ffff:127.0.0.1",
                    v6[v6.len() - 1],
                ]);
                let count = 1 + rng.below(4) as u32;
                sent += count;
                let port = match port(&mut rng, &live) {
                    PortSpec::Num(0) => PortSpec::Num(MAIN_PORT),
                    p => p,
                };
                StepKind::Datagram {
                    ep: EndpointSpec {
                        addr: lit(dst),
                        port,
                    },
                    count,
                }
            }
            _ => {
                if !opts.other_users {
                    continue;
                }
                StepKind::User {
                    name: rng.pick(&["root", "alice", "bob"]).to_string(),
                }
            }
        };
        push(&mut sc, kind);
    }
    sc
}
