//! Properties over generated input. Their case count is `PROPTEST_CASES`:
//! CI runs 100,000 per property in release (`cargo xtask test`), `cargo xtask
//! fuzz [N]` any N (default 1,000,000).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use bindlab_engine::gen::{self, Options};
use bindlab_engine::host::Host;
use bindlab_engine::scenario::{EndpointSpec, PortSpec, Proto, SockOpt, Step, StepKind};
use bindlab_engine::{parse, print, run, Os, Scenario};
use proptest::prelude::*;

fn os_strategy() -> impl Strategy<Value = Os> {
    prop_oneof![
        Just(Os::Linux),
        Just(Os::FreeBsd),
        Just(Os::MacOs),
        Just(Os::Windows)
    ]
}

fn gen_opts(os: Os) -> Options {
    Options {
        os,
        ..Options::default()
    }
}

/// The Windows and FreeBSD generators must not use options their OS lacks;
/// scenarios for them are generated as Linux text and run with `--os`.
fn scenario_for(seed: u64) -> Scenario {
    gen::scenario(seed, &gen_opts(Os::Linux))
}

fn arb_ip() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        Just(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        Just(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        Just(IpAddr::V4(Ipv4Addr::new(192, 168, 0, 1))),
        Just(IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
        Just(IpAddr::V6(Ipv6Addr::LOCALHOST)),
        Just(IpAddr::V6(Ipv4Addr::LOCALHOST.to_ipv6_mapped())),
        Just(IpAddr::V6(Ipv4Addr::UNSPECIFIED.to_ipv6_mapped())),
        any::<u32>().prop_map(|n| IpAddr::V4(Ipv4Addr::from(n))),
        any::<u128>().prop_map(|n| IpAddr::V6(Ipv6Addr::from(n))),
        Just(IpAddr::V4(Ipv4Addr::new(239, 1, 2, 3))),
        Just(IpAddr::V6(Ipv6Addr::new(0xff05, 0, 0, 0, 0, 0, 0, 1))),
    ]
}

fn arb_port() -> impl Strategy<Value = PortSpec> {
    prop_oneof![
        4 => Just(PortSpec::Num(7000)),
        1 => Just(PortSpec::Num(0)),
        1 => any::<u16>().prop_map(PortSpec::Num),
        1 => "[A-D]".prop_map(PortSpec::Of),
    ]
}

/// Steps as code might build them, with no parser to check them: names that
/// do not exist, addresses of the wrong family, clients anywhere.
fn arb_step() -> impl Strategy<Value = StepKind> {
    let name = "[A-D]";
    let ep = || (arb_ip(), arb_port()).prop_map(|(addr, port)| EndpointSpec { addr, port });
    prop_oneof![
        (
            name,
            prop_oneof![
                Just(Proto::Tcp),
                Just(Proto::Tcp6),
                Just(Proto::Udp),
                Just(Proto::Udp6)
            ]
        )
            .prop_map(|(name, proto)| StepKind::Socket { name, proto }),
        (ep(), 1u32..5).prop_map(|(ep, count)| StepKind::Datagram { ep, count }),
        (name, arb_ip()).prop_map(|(name, group)| StepKind::Join { name, group }),
        (
            name,
            prop::sample::select(SockOpt::ALL.to_vec()),
            any::<bool>()
        )
            .prop_map(|(name, opt, on)| StepKind::Set { name, opt, on }),
        (name, ep()).prop_map(|(name, ep)| StepKind::Bind { name, ep }),
        name.prop_map(|name| StepKind::Listen { name }),
        (name, ep()).prop_map(|(name, ep)| StepKind::Connect { name, ep }),
        (name, name).prop_map(|(name, new)| StepKind::Accept { name, new }),
        name.prop_map(|name| StepKind::Close { name }),
        (ep(), 1u32..5).prop_map(|(ep, count)| StepKind::Client { ep, count }),
        (0u64..200_000).prop_map(|ms| StepKind::Wait { ms }),
        prop::sample::select(vec!["root", "alice", "bob"]).prop_map(|n| StepKind::User {
            name: n.to_string()
        }),
    ]
}

/// UDP steps that crowd one port (7000) with many classes: eight names,
/// both families, every option, the addresses a lookup chain tells apart,
/// connects to the peers the next datagrams come from (`client_source`:
/// 127.0.0.1 / ::1 port 40000 + k), datagrams from them, other users.
fn arb_udp_step() -> impl Strategy<Value = StepKind> {
    // The sharing options weigh more: classes of several members are what
    // the index orders.
    let udp_opts = || {
        let mut v = SockOpt::ALL.to_vec();
        v.extend([SockOpt::SoReuseAddr, SockOpt::SoReusePort].repeat(3));
        v
    };
    let name = "[A-H]";
    let at = |s: &'static str| -> IpAddr { s.parse().expect("literal") };
    let local = prop::sample::select(vec![
        at("0.0.0.0"),
        at("127.0.0.1"),
        at("192.168.0.1"),
        at("::"),
        at("::1"),
        at("::ffff:127.0.0.1"),
        at("::ffff:0.0.0.0"),
        at("127.0.0.1"),
        at("::1"),
    ]);
    let dst = prop::sample::select(vec![
        at("127.0.0.1"),
        at("::1"),
        at("192.168.0.1"),
        at("::ffff:127.0.0.1"),
    ]);
    let peer = (
        prop::sample::select(vec![at("127.0.0.1"), at("::1"), at("::ffff:127.0.0.1")]),
        40000u16..40012,
    );
    let ep = |addr: IpAddr, port: u16| EndpointSpec {
        addr,
        port: PortSpec::Num(port),
    };
    prop_oneof![
        2 => (name, prop_oneof![Just(Proto::Udp), Just(Proto::Udp6)])
            .prop_map(|(name, proto)| StepKind::Socket { name, proto }),
        3 => (name, prop::sample::select(udp_opts()), prop::bool::weighted(0.8))
            .prop_map(|(name, opt, on)| StepKind::Set { name, opt, on }),
        4 => (name, local, prop::bool::weighted(0.9))
            .prop_map(move |(name, ip, p)| StepKind::Bind { name, ep: ep(ip, if p { 7000 } else { 0 }) }),
        1 => (name, peer).prop_map(move |(name, (ip, port))| StepKind::Connect { name, ep: ep(ip, port) }),
        2 => (dst, 1u32..4).prop_map(move |(ip, count)| StepKind::Datagram { ep: ep(ip, 7000), count }),
        1 => name.prop_map(|name| StepKind::Close { name }),
        1 => prop::sample::select(vec!["root", "alice"]).prop_map(|n| StepKind::User { name: n.to_string() }),
    ]
}

/// The host addresses of [`arb_addr_step`]'s scenarios.
const ADDR_IFACES: [&str; 5] = [
    "192.168.0.1",
    "192.168.0.2",
    "10.0.0.1",
    "fd00::1",
    "fd00::2",
];

/// Steps that put many classes on one port (7000), each on one of many
/// local addresses, for the index that finds a port's classes by address
/// (`Scope::Near`): specific IPv4 and IPv6 addresses, their v4-mapped
/// forms, loopback (127.0.0.2 and 127.0.0.6, Linux's whole 127/8; 127.0.0.6
/// is every native IPv6 socket's IPv4 address there), both wildcards and
/// `::ffff:0.0.0.0`; TCP and UDP, every option (SO_REUSEPORT_LB members
/// that connect keep the address they were hashed under), listeners,
/// clients, connects (to remote peers too) that choose a source, closes,
/// other users.
fn arb_addr_step() -> impl Strategy<Value = StepKind> {
    let name = "[A-H]";
    let at = |s: &'static str| -> IpAddr { s.parse().expect("literal") };
    let addrs = vec![
        at("0.0.0.0"),
        at("::"),
        at("::ffff:0.0.0.0"),
        at("127.0.0.1"),
        at("127.0.0.2"),
        at("127.0.0.6"),
        at("::1"),
        at("::ffff:127.0.0.1"),
        at("::ffff:127.0.0.6"),
        at("192.168.0.1"),
        at("192.168.0.2"),
        at("::ffff:192.168.0.2"),
        at("10.0.0.1"),
        at("fd00::1"),
        at("fd00::2"),
    ];
    let local = prop::sample::select(addrs.clone());
    let dst = prop::sample::select(addrs.clone());
    // connect() also reaches remote peers: the source it chooses is a
    // socket's new address, while a bound one keeps the address it was
    // hashed under (a wildcard SO_REUSEPORT_LB member's group).
    let mut peers = addrs;
    peers.extend([at("198.51.100.7"), at("2001:db8::7")].repeat(3));
    let peer = prop::sample::select(peers);
    let ep = |addr: IpAddr, port: u16| EndpointSpec {
        addr,
        port: PortSpec::Num(port),
    };
    let opts = || {
        let mut v = SockOpt::ALL.to_vec();
        v.extend([SockOpt::SoReuseAddr, SockOpt::SoReusePort].repeat(2));
        v
    };
    prop_oneof![
        3 => (name, prop_oneof![Just(Proto::Tcp), Just(Proto::Tcp6), Just(Proto::Udp), Just(Proto::Udp6)])
            .prop_map(|(name, proto)| StepKind::Socket { name, proto }),
        3 => (name, prop::sample::select(opts()), prop::bool::weighted(0.8))
            .prop_map(|(name, opt, on)| StepKind::Set { name, opt, on }),
        5 => (name, local, prop::bool::weighted(0.9))
            .prop_map(move |(name, ip, p)| StepKind::Bind { name, ep: ep(ip, if p { 7000 } else { 0 }) }),
        2 => name.prop_map(|name| StepKind::Listen { name }),
        3 => (name, peer, prop::bool::weighted(0.5))
            .prop_map(move |(name, ip, p)| StepKind::Connect { name, ep: ep(ip, if p { 7000 } else { 9000 }) }),
        2 => (dst.clone(), 1u32..3).prop_map(move |(ip, count)| StepKind::Client { ep: ep(ip, 7000), count }),
        1 => (dst, 1u32..3).prop_map(move |(ip, count)| StepKind::Datagram { ep: ep(ip, 7000), count }),
        1 => (name, name).prop_map(|(name, new)| StepKind::Accept { name, new }),
        2 => name.prop_map(|name| StepKind::Close { name }),
        1 => (0u64..200_000).prop_map(|ms| StepKind::Wait { ms }),
        1 => prop::sample::select(vec!["root", "alice"]).prop_map(|n| StepKind::User { name: n.to_string() }),
    ]
}

/// `k` (0 to 3) sockets that stay on port 7000 beside [`arb_addr_step`]'s,
/// each a class of its own (two TCP, one UDP: each protocol has its own
/// buckets), so that some of the classes held in place are taken and the
/// steps' classes reach the indexed table sooner.
fn addr_prefix(k: usize) -> Vec<StepKind> {
    let at = |s: &str| -> IpAddr { s.parse().expect("literal") };
    let held = [
        ("P1", Proto::Tcp, "10.0.0.1", SockOpt::SoReuseAddr),
        ("P2", Proto::Tcp6, "fd00::2", SockOpt::SoReusePort),
        ("P3", Proto::Udp, "192.168.0.2", SockOpt::SoReuseAddr),
    ];
    held[..k.min(held.len())]
        .iter()
        .flat_map(|&(name, proto, ip, opt)| bound_on_7000(name, proto, &[opt], at(ip)))
        .collect()
}

/// A socket of `proto` named `name`, `opts` set, bound to `addr`:7000.
fn bound_on_7000(name: &str, proto: Proto, opts: &[SockOpt], addr: IpAddr) -> Vec<StepKind> {
    let mut steps = vec![StepKind::Socket {
        name: name.into(),
        proto,
    }];
    steps.extend(opts.iter().map(|&opt| StepKind::Set {
        name: name.into(),
        opt,
        on: true,
    }));
    steps.push(StepKind::Bind {
        name: name.into(),
        ep: EndpointSpec {
            addr,
            port: PortSpec::Num(7000),
        },
    });
    steps
}

/// A crowd of UDP sockets on port 7000, one per `(address, options,
/// connects)`: the address one of [`arb_addr_step`]'s (by index), the
/// options' bits SO_REUSEADDR, SO_REUSEPORT and IPV6_V6ONLY, and a
/// connect to a peer of its own after the bind.
fn udp_crowd(crowd: &[(usize, u8, bool)]) -> Vec<StepKind> {
    let addrs = [
        "0.0.0.0",
        "::",
        "::ffff:0.0.0.0",
        "127.0.0.1",
        "127.0.0.2",
        "127.0.0.6",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:127.0.0.6",
        "192.168.0.1",
        "192.168.0.2",
        "::ffff:192.168.0.2",
        "10.0.0.1",
        "fd00::1",
        "fd00::2",
    ];
    let mut steps = Vec::new();
    for (i, &(a, bits, connects)) in crowd.iter().enumerate() {
        let addr: IpAddr = addrs[a % addrs.len()].parse().expect("literal");
        let name = format!("U{i}");
        let proto = if addr.is_ipv4() {
            Proto::Udp
        } else {
            Proto::Udp6
        };
        let opts: Vec<SockOpt> = [
            (1, SockOpt::SoReuseAddr),
            (2, SockOpt::SoReusePort),
            (4, SockOpt::Ipv6V6Only),
        ]
        .into_iter()
        .filter(|&(bit, opt)| {
            bits & bit != 0 && (opt != SockOpt::Ipv6V6Only || proto == Proto::Udp6)
        })
        .map(|(_, opt)| opt)
        .collect();
        steps.extend(bound_on_7000(&name, proto, &opts, addr));
        if connects {
            let peer: IpAddr = if proto == Proto::Udp {
                "198.51.100.7"
            } else {
                "2001:db8::7"
            }
            .parse()
            .expect("literal");
            steps.push(StepKind::Connect {
                name,
                ep: EndpointSpec {
                    addr: peer,
                    port: PortSpec::Num(40000 + i as u16),
                },
            });
        }
    }
    steps
}

/// Runs `steps` on two hosts, one answering from the bind buckets'
/// summaries and resumed searches, one walking every owner and searching
/// from the bottom: every report must be the same, and the summaries must
/// equal a full walk's after every step. `at` says where, for a failure.
fn same_as_the_walks(
    ifaces: &[IpAddr],
    seed: u64,
    os: Os,
    steps: &[Step],
    at: impl Fn(usize, &Step) -> String,
) -> Result<(), TestCaseError> {
    let mut fast = Host::new(os, ifaces, seed);
    let mut slow = Host::new(os, ifaces, seed);
    slow.set_reference_walks(true);
    for (i, step) in steps.iter().enumerate() {
        let (a, b) = (fast.apply(step), slow.apply(step));
        prop_assert_eq!(a, b, "{}", at(i, step));
        if let Err(e) = fast.check_buckets() {
            prop_assert!(false, "{} after {}", e, at(i, step));
        }
    }
    Ok(())
}

/// Fixed examples beside the properties: the unit stage runs them; the
/// properties stage, which times cases, leaves `examples::` out.
mod examples {
    use super::*;

    /// A port of more classes than `Host::WALK_FIRST_FROM` (a connection
    /// or a binding on each of a hundred addresses), where `first_owner`
    /// of every class walks the oldest owners first: the answer found in
    /// that walk (:7001), after it (:7000, a crowd of one class in front),
    /// and none (:7002, and :7000 before its connections), against the
    /// walks. Windows' "connections
    /// are ignored" note is the query that meets such ports here; every OS
    /// runs the steps.
    #[test]
    fn ports_of_more_classes_than_the_walk_first_answer_as_the_walks_do() {
        let n = Host::WALK_FIRST_FROM + 36;
        for os in Os::ALL {
            let mut text = format!("os {}\niface", os.key());
            for i in 1..=n {
                text += &format!(" 10.1.0.{i} 10.2.0.{i}");
            }
            text += " 10.1.0.200 fd00::1\n";
            // Bindings in front: each on its own address, then a crowd of
            // one class, so the first connection is past the walk's reach.
            for i in 1..=n {
                text +=
                    &format!("socket B{i} tcp\nset B{i} SO_REUSEADDR\nbind B{i} 10.2.0.{i}:7000\n");
            }
            for i in 1..=n {
                text +=
                    &format!("socket C{i} tcp\nset C{i} SO_REUSEADDR\nbind C{i} 10.1.0.200:7000\n");
            }
            // No connection yet: every bind below asks for none.
            text += "socket Q tcp\nbind Q 10.1.0.1:7000\nclose Q\n";
            text += "socket L tcp\nset L SO_REUSEADDR\nbind L 10.1.0.1:7000\nlisten L\n";
            text += &"client 10.1.0.1:7000\n".repeat(n);
            // And a port whose first connection is right behind its
            // listener, each connection on its own address: found in the walk.
            text += "socket M tcp\nset M SO_REUSEADDR\nbind M 0.0.0.0:7001\nlisten M\n";
            for i in 1..=n {
                text += &format!("client 10.1.0.{i}:7001\n");
            }
            for i in 1..=3 {
                text += &format!("socket P{i} tcp\nset P{i} SO_REUSEADDR\nbind P{i} 10.2.0.{i}:7001\nclose P{i}\n");
            }
            // On Windows these share with M, so the note is not asked; an
            // IPv6-only socket meets no IPv4 binding and is told of the
            // oldest connection, two owners into the walk.
            text += "socket P tcp6\nset P IPV6_V6ONLY\nbind P [fd00::1]:7001\nclose P\n";
            // A port where every owner is a class of its own: a bind on a
            // further address walks them all and finds no connection.
            for i in 1..=n {
                text += &format!("socket D{i} tcp\nbind D{i} 10.2.0.{i}:7002\n");
            }
            text += "socket E tcp\nbind E 10.1.0.1:7002\nclose E\n";
            let opts: &[&str] = if os == Os::Windows {
                &["", "SO_REUSEADDR", "SO_EXCLUSIVEADDRUSE"]
            } else {
                &["", "SO_REUSEADDR"]
            };
            for (k, opt) in opts.iter().enumerate() {
                text += &format!("socket N{k} tcp\n");
                if !opt.is_empty() {
                    text += &format!("set N{k} {opt}\n");
                }
                text += &format!("bind N{k} 10.1.0.{}:7000\nclose N{k}\n", k + 2);
            }
            let s = bindlab_engine::parse(&text).unwrap_or_else(|e| panic!("{os:?}: {e:?}"));
            let at = |i: usize, st: &Step| format!("{os:?}, step {i}: {st:?}");
            if let Err(e) = same_as_the_walks(&s.ifaces, s.seed, os, &s.steps, at) {
                panic!("{e}");
            }
        }
    }

    /// Linux UDP bind(port 0) once every port of the range is touched:
    /// each search for a port free to share resumes where the last of its
    /// kind stopped (`Host::find_port`, keyed by the view, the options and
    /// the owner), and must find what a search from the bottom finds. The
    /// range is held by 127.0.0.1 sockets of four option mixes; then binds
    /// of every kind, a close (a port untouched again), a connect's
    /// implicit bind, against the walks, after each step.
    #[test]
    fn udp_port_zero_past_every_untouched_port_answers_as_the_walks_do() {
        // Root's SO_REUSEPORT sockets only late in the range, and one of
        // alice's early: a search keyed without the owner would resume
        // alice's past her port.
        let mut text = String::from("os linux\niface 127.0.0.2\n");
        for i in 0..28_232 {
            let alice = i == 10;
            if alice {
                text += "user alice\n";
            }
            text += &format!("socket s{i} udp\n");
            for (bit, opt) in [(1, "SO_REUSEADDR"), (2, "SO_REUSEPORT")] {
                if (i % 4) & bit != 0 && (bit == 1 || i >= 20_000) || (alice && bit == 2) {
                    text += &format!("set s{i} {opt}\n");
                }
            }
            text += &format!("bind s{i} 127.0.0.1:0\n");
            if alice {
                text += "user root\n";
            }
        }
        let head = parse(&text).expect("scenario").steps.len();
        text += "socket a udp\nbind a 127.0.0.1:0\n";
        for i in 0..3 {
            text += &format!("socket r{i} udp\nset r{i} SO_REUSEADDR\nbind r{i} 127.0.0.1:0\n");
            text += &format!("socket p{i} udp\nset p{i} SO_REUSEPORT\nbind p{i} 127.0.0.1:0\n");
        }
        text += "user alice\nsocket d udp\nset d SO_REUSEPORT\nbind d 127.0.0.1:0\n";
        text += "socket d2 udp\nset d2 SO_REUSEPORT\nset d2 SO_REUSEADDR\nbind d2 127.0.0.1:0\n";
        text += "user root\nsocket e udp\nbind e 127.0.0.2:0\n";
        text += "close s6\nsocket f udp\nbind f 127.0.0.1:0\nsocket f2 udp\nset f2 SO_REUSEADDR\nbind f2 127.0.0.1:0\n";
        text += "socket g udp6\nset g SO_REUSEADDR\nbind g [::]:0\n";
        text += "socket h udp\nset h SO_REUSEADDR\nconnect h 127.0.0.1:9\n";
        let tail = past_the_range_as_the_walks(Os::Linux, &text, head);
        // The tail met every case: a refusal, shared ports, another
        // user's, a port freed by the close.
        assert!(
            tail.iter().any(|r| r == "EADDRINUSE")
                && tail.iter().filter(|r| *r == "ok").count() >= 8,
            "{tail:?}"
        );
    }

    /// The same on macOS, whose range (16,384) a pasted table's connected
    /// UDP sockets exceed: IPv4 implicit binds find every port held, an
    /// IPv6 one with SO_REUSEADDR looks for its exact address only
    /// (`in6_pcbsetport`), a close frees a port.
    #[test]
    fn macos_port_zero_past_every_untouched_port_answers_as_the_walks_do() {
        let mut text = String::from("os macos\n");
        for i in 0..16_384 {
            text += &format!("socket s{i} udp\nbind s{i} 127.0.0.1:0\n");
        }
        let head = parse(&text).expect("scenario").steps.len();
        for i in 0..3 {
            text += &format!("socket a{i} udp\nbind a{i} 0.0.0.0:0\n");
            text += &format!("socket v{i} udp6\nset v{i} SO_REUSEADDR\nbind v{i} [::1]:0\n");
            text += &format!("socket w{i} udp6\nbind w{i} [::]:0\n");
        }
        text += "close s9\nsocket f udp\nbind f 127.0.0.1:0\nsocket g udp\nconnect g 127.0.0.1:9\n";
        let tail = past_the_range_as_the_walks(Os::MacOs, &text, head);
        assert!(
            tail.iter().any(|r| r == "EADDRNOTAVAIL")
                && tail.iter().filter(|r| *r == "ok").count() >= 4,
            "{tail:?}"
        );
    }

    /// Runs `text` on two hosts, the second walking from step `head` on
    /// (the range filled alike before: from the bottom, each search
    /// resumed, is what the walk finds, as the other properties hold);
    /// every report the same, the buckets checked after each step of the
    /// tail. The tail's results, but for `socket`, `set` and `user`.
    fn past_the_range_as_the_walks(os: Os, text: &str, head: usize) -> Vec<String> {
        let sc = parse(text).expect("scenario");
        let mut fast = Host::new(os, &sc.ifaces, sc.seed);
        let mut slow = Host::new(os, &sc.ifaces, sc.seed);
        let mut tail = Vec::new();
        for (i, step) in sc.steps.iter().enumerate() {
            if i == head {
                slow.set_reference_walks(true);
            }
            let (a, b) = (fast.apply(step), slow.apply(step));
            assert_eq!(a, b, "line {}", step.line);
            if i >= head {
                fast.check_buckets()
                    .unwrap_or_else(|e| panic!("{e} after line {}", step.line));
                if !["socket", "set", "user"].contains(&a.op) {
                    tail.push(a.result_name().to_string());
                }
            }
        }
        tail
    }

    /// Hand-built crowds the generated steps meet rarely: classes of many
    /// members (ties, groups with and without connected members, both
    /// families), on every OS, against the walks.
    #[test]
    fn crowded_udp_port_examples_answer_as_the_walks_do() {
        let at = |s: &str| -> IpAddr { s.parse().expect("literal") };
        let ep = |ip: &str, port: u16| EndpointSpec {
            addr: at(ip),
            port: PortSpec::Num(port),
        };
        // `n` sockets named `who`0.. with `opts`, bound to `ip`:7000; every
        // `connect_every`-th (from the second) connects to a peer the
        // datagrams below come from.
        let crowd_of = |who: &str,
                        opts: &[SockOpt],
                        proto: Proto,
                        ip: &str,
                        n: usize,
                        connect_every: usize| {
            let mut v = Vec::new();
            for i in 0..n {
                let name = format!("{who}{i}");
                v.push(StepKind::Socket {
                    name: name.clone(),
                    proto,
                });
                for &opt in opts {
                    v.push(StepKind::Set {
                        name: name.clone(),
                        opt,
                        on: true,
                    });
                }
                v.push(StepKind::Bind {
                    name: name.clone(),
                    ep: ep(ip, 7000),
                });
                if connect_every > 0 && i % connect_every == 1 {
                    let peer = if proto == Proto::Udp6 {
                        "::1"
                    } else {
                        "127.0.0.1"
                    };
                    v.push(StepKind::Connect {
                        name,
                        ep: ep(peer, 40000 + i as u16),
                    });
                }
            }
            v
        };
        let datagrams = || {
            ["127.0.0.1", "::1", "192.168.0.1"].map(|dst| StepKind::Datagram {
                ep: ep(dst, 7000),
                count: 12,
            })
        };
        let crowd = |opts: &[SockOpt], proto: Proto, ip: &str, n: usize, connect_every: usize| {
            let mut v = crowd_of("S", opts, proto, ip, n, connect_every);
            v.extend(datagrams());
            v
        };
        // Crowds on two addresses: an exact socket or group beside a wildcard
        // one, of both families.
        type Crowd<'a> = (&'a [SockOpt], Proto, &'a str, usize);
        let two = |a: Crowd, b: Crowd| {
            let mut v = crowd_of("W", a.0, a.1, a.2, a.3, 0);
            v.extend(crowd_of("E", b.0, b.1, b.2, b.3, 0));
            v.extend(datagrams());
            v
        };
        let (addr, port, lb) = (
            SockOpt::SoReuseAddr,
            SockOpt::SoReusePort,
            SockOpt::SoReusePortLb,
        );
        // Two crowds whose members connect to the same peers: a second socket
        // may not take a 4-tuple the first holds (the BSDs).
        let same_peers = |opts: &[SockOpt], proto: Proto, ip: &str| {
            let mut v = crowd_of("W", opts, proto, ip, 6, 2);
            v.extend(crowd_of("E", opts, proto, ip, 6, 2));
            v.extend(datagrams());
            v
        };
        let cases = [
            crowd(&[addr], Proto::Udp, "127.0.0.1", 20, 0),
            crowd(&[addr], Proto::Udp6, "::", 20, 0),
            crowd(&[port], Proto::Udp, "127.0.0.1", 20, 0),
            crowd(&[port], Proto::Udp, "0.0.0.0", 20, 5),
            crowd(&[port], Proto::Udp6, "::1", 20, 4),
            crowd(&[addr, port], Proto::Udp6, "::", 20, 3),
            crowd(&[lb], Proto::Udp, "127.0.0.1", 20, 6),
            two(
                (&[port], Proto::Udp, "0.0.0.0", 20),
                (&[port], Proto::Udp, "127.0.0.1", 1),
            ),
            two(
                (&[port], Proto::Udp6, "::", 20),
                (&[port], Proto::Udp, "127.0.0.1", 10),
            ),
            two(
                (&[addr], Proto::Udp, "0.0.0.0", 10),
                (&[addr], Proto::Udp6, "::", 10),
            ),
            two(
                (&[lb], Proto::Udp6, "::", 10),
                (&[addr], Proto::Udp, "0.0.0.0", 10),
            ),
            same_peers(&[port], Proto::Udp, "127.0.0.1"),
            same_peers(&[addr], Proto::Udp6, "::1"),
            same_peers(&[addr], Proto::Udp, "0.0.0.0"),
        ];
        let ifaces = [at("192.168.0.1")];
        for (k, kinds) in cases.into_iter().enumerate() {
            let steps: Vec<Step> = kinds.into_iter().map(Step::new).collect();
            for os in [Os::Linux, Os::FreeBsd, Os::MacOs, Os::Windows] {
                let at = |i: usize, st: &Step| format!("case {k}, step {i}: {:?}", st.kind);
                if let Err(e) = same_as_the_walks(&ifaces, 7, os, &steps, at) {
                    panic!("{os:?}: {e}");
                }
            }
        }
    }

    /// Crowds longer than a port's lists keep in one vector (`IdMap`: runs
    /// past 64 entries), on every OS, against the walks: 150 sockets bound,
    /// the TCP ones then listening newest first (so the listeners' class
    /// grows at its front and its runs fill past half), a span of them
    /// closed from the middle (which empties a run between two fuller
    /// ones), new ones, more closes, clients and datagrams between.
    #[test]
    fn crowds_past_one_run_answer_as_the_walks_do() {
        for (proto, share, any, traffic) in [
            (
                "tcp",
                "SO_REUSEPORT",
                "0.0.0.0",
                "client 127.0.0.1:7010 x30",
            ),
            ("tcp6", "SO_REUSEPORT", "[::]", "client 127.0.0.1:7010 x30"),
            (
                "udp",
                "SO_REUSEPORT",
                "0.0.0.0",
                "datagram 127.0.0.1:7010 x30",
            ),
        ] {
            for os in [Os::Linux, Os::FreeBsd, Os::MacOs, Os::Windows] {
                // Windows has no SO_REUSEPORT; SO_REUSEADDR shares there.
                let opt = if os == Os::Windows {
                    "SO_REUSEADDR"
                } else {
                    share
                };
                let tcp = proto != "udp";
                let open = |text: &mut String, i: usize| {
                    text.push_str(&format!(
                        "socket S{i} {proto}\nset S{i} {opt}\nbind S{i} {any}:7010\n"
                    ));
                };
                let listen = |text: &mut String, range: std::ops::Range<usize>| {
                    for i in range.rev().filter(|_| tcp) {
                        text.push_str(&format!("listen S{i}\n"));
                    }
                };
                let mut text = format!("os {}\n", os.key());
                (0..150).for_each(|i| open(&mut text, i));
                listen(&mut text, 0..150);
                text.push_str(&format!("{traffic}\n"));
                for i in 40..110 {
                    text.push_str(&format!("close S{i}\n"));
                }
                text.push_str(&format!("{traffic}\n"));
                (150..190).for_each(|i| open(&mut text, i));
                listen(&mut text, 150..190);
                for i in (0..40).chain(110..150).step_by(3) {
                    text.push_str(&format!("close S{i}\n"));
                }
                text.push_str(&format!("{traffic}\n"));
                let scenario = parse(&text).expect("a valid scenario");
                let at = |i: usize, st: &Step| format!("{proto}, step {i}: {:?}", st.kind);
                if let Err(e) = same_as_the_walks(&[], 7, os, &scenario.steps, at) {
                    panic!("{os:?}: {e}");
                }
            }
        }
    }

    /// Windows: a UDP wildcard bound after a SO_EXCLUSIVEADDRUSE socket on
    /// the datagram's address does not have that address, and one bound
    /// before it does — even when both wildcards are of one class (same
    /// options, owner and address), so that which of them may receive is
    /// not a class question. The keeper is connected elsewhere, so the
    /// wildcards are the ones asked.
    #[test]
    fn wildcards_of_one_class_either_side_of_an_exclusive_keeper_answer_as_the_walks_do() {
        let text = "os windows\n\
            socket W1 udp\nset W1 SO_REUSEADDR\nbind W1 0.0.0.0:7020\n\
            socket K udp\nset K SO_EXCLUSIVEADDRUSE\nbind K 127.0.0.1:7020\n\
            connect K 127.0.0.1:9999\n\
            socket W2 udp\nset W2 SO_REUSEADDR\nbind W2 0.0.0.0:7020\n\
            datagram 127.0.0.1:7020 x3\n";
        let scenario = parse(text).expect("a valid scenario");
        let at = |i: usize, st: &Step| format!("step {i}: {:?}", st.kind);
        if let Err(e) = same_as_the_walks(&[], 7, Os::Windows, &scenario.steps, at) {
            panic!("{e}");
        }
        let report = run(&scenario, Os::Windows).steps;
        let binds: Vec<_> = report.iter().filter(|r| r.op == "bind").collect();
        assert!(binds.iter().all(|r| r.is_ok()), "{binds:?}");
        let datagram = report.last().expect("steps");
        let got: Vec<&str> = datagram
            .received_by
            .iter()
            .flat_map(|m| m.keys())
            .map(String::as_str)
            .collect();
        assert_eq!(got, ["W1"], "{datagram:?}");
    }

    /// FreeBSD: a wildcard SO_REUSEPORT_LB member that connect()ed has a
    /// specific address now but stays in the wildcard group it was hashed
    /// under, so a SYN to another address of the port meets it: the
    /// classes near that address include those hashed under a wildcard.
    /// Three sockets on other addresses first, so the port's classes go
    /// past those held in place to the table the index covers.
    #[test]
    fn a_connected_member_hashed_under_the_wildcard_is_near_every_address() {
        let mut text = String::from(
            "os freebsd\niface 192.168.0.1\niface 192.168.0.2\niface 10.0.0.1\niface fd00::2\n\
             socket P1 tcp\nbind P1 10.0.0.1:7000\n\
             socket P2 tcp6\nbind P2 [fd00::2]:7000\n\
             socket P3 tcp\nset P3 SO_REUSEADDR\nbind P3 127.0.0.1:7000\n",
        );
        for m in ["M1", "M2", "M3"] {
            text.push_str(&format!(
                "socket {m} tcp\nset {m} SO_REUSEPORT_LB\nbind {m} 0.0.0.0:7000\nconnect {m} 198.51.100.7:9000\n"
            ));
        }
        text.push_str(
            "socket L tcp\nset L SO_REUSEPORT_LB\nbind L 0.0.0.0:7000\nlisten L\n\
             client 192.168.0.2:7000 x6\nclient 127.0.0.1:7000 x3\n",
        );
        let scenario = parse(&text).expect("a valid scenario");
        let at = |i: usize, st: &Step| format!("step {i}: {:?}", st.kind);
        if let Err(e) = same_as_the_walks(&scenario.ifaces, 7, Os::FreeBsd, &scenario.steps, at) {
            panic!("{e}");
        }
        let report = run(&scenario, Os::FreeBsd).steps;
        let rules: Vec<_> = report
            .iter()
            .filter(|r| r.op == "client")
            .filter_map(|r| r.rule)
            .collect();
        assert!(
            rules.contains(&bindlab_engine::rules::RuleId::FreebsdRouteLbConnectedMember),
            "{rules:?}"
        );
    }

    /// A Linux SO_REUSEPORT group with members at both ends of the port's
    /// listening list (A listened without the option, at the head; the
    /// AF_INET6 ones that joined it, at the tail): the route's group, merged
    /// from the list, is the walks' sorted one, before and after a member
    /// leaves.
    #[test]
    fn a_group_at_both_ends_of_the_listening_list_answers_as_the_walks_do() {
        let text = "os linux\n\
            socket A tcp6\nbind A [::1]:7008\nlisten A\nset A SO_REUSEPORT\n\
            socket B tcp6\nset B SO_REUSEPORT\nbind B [::1]:7008\nlisten B\n\
            socket C tcp6\nset C SO_REUSEPORT\nbind C [::1]:7008\nlisten C\n\
            socket D tcp6\nset D SO_REUSEPORT\nbind D [::1]:7008\nlisten D\n\
            client [::1]:7008 x40\nclose B\nclient [::1]:7008 x40\n";
        let scenario = parse(text).expect("a valid scenario");
        let at = |i: usize, st: &Step| format!("step {i}: {:?}", st.kind);
        if let Err(e) = same_as_the_walks(&[], 7, Os::Linux, &scenario.steps, at) {
            panic!("{e}");
        }
        let report = run(&scenario, Os::Linux).steps;
        let clients: Vec<_> = report.iter().filter(|r| r.op == "client").collect();
        let named = |i: usize| clients[i].candidates.as_deref().map(|c| c.join(" "));
        assert_eq!(named(0).as_deref(), Some("A B C D"));
        assert_eq!(named(1).as_deref(), Some("A C D"));
    }
}

proptest! {
    #[test]
    fn parser_never_panics_on_any_text(text in "\\PC{0,400}") {
        let _ = parse(&text);
    }

    #[test]
    fn parser_never_panics_on_near_miss_scenarios(seed: u64, cut in 0usize..2000, junk in "[ \\[\\]:@=>#%x0-9a-zA-Z_.é日-]{0,12}") {
        let mut text = print(&scenario_for(seed));
        let at = text.char_indices().map(|(i, _)| i).nth(cut % text.chars().count().max(1)).unwrap_or(0);
        text.insert_str(at, &junk);
        if let Err(problems) = parse(&text) {
            for p in problems {
                prop_assert!(p.line >= 1 && p.col >= 1, "{p}");
                // Columns count characters: never past the line's end.
                let line = text.split('\n').nth(p.line as usize - 1).unwrap_or("");
                prop_assert!(p.col as usize <= line.chars().count() + 1, "{p} in {line:?}");
            }
        }
    }

    #[test]
    fn any_generated_scenario_runs_on_every_os_without_panicking(seed: u64, os in os_strategy()) {
        let s = scenario_for(seed);
        let r = run(&s, os);
        prop_assert_eq!(r.steps.len(), s.steps.len());
    }

    #[test]
    fn any_unchecked_steps_never_panic_and_keep_five_tuples_unique(steps in prop::collection::vec(arb_step(), 0..40), os in os_strategy()) {
        let mut h = Host::new(os, &["192.168.0.1".parse().unwrap()], 7);
        for kind in steps {
            let _ = h.apply(&Step::new(kind));
            if let Err(e) = h.five_tuples_unique() {
                prop_assert!(false, "{}", e);
            }
        }
    }

    #[test]
    fn five_tuples_stay_unique(seed: u64, os in os_strategy()) {
        let s = scenario_for(seed);
        let mut h = Host::new(os, &s.ifaces, s.seed);
        for step in &s.steps {
            h.apply(step);
            if let Err(e) = h.five_tuples_unique() {
                prop_assert!(false, "{} after line {} of\n{}", e, step.line, print(&s));
            }
        }
    }

    /// The bind buckets' summaries and the resumed ephemeral searches give
    /// what walking every owner and searching from the bottom gives, step
    /// by step, and the summaries equal what a full walk computes.
    #[test]
    fn the_port_summaries_answer_as_the_walks_do(seed: u64, os in os_strategy()) {
        let s = scenario_for(seed);
        same_as_the_walks(&s.ifaces, s.seed, os, &s.steps, |_, st| format!("line {} of\n{}", st.line, print(&s)))?;
    }

    /// The same for UDP scenarios (duplicate binds with every option mix,
    /// group addresses, joins, connects that re-hash, datagrams): UDP's own
    /// buckets and the binds that ask them per class (BSD, Windows).
    #[test]
    fn the_udp_port_summaries_answer_as_the_walks_do(seed: u64, os in os_strategy()) {
        let s = gen::udp_scenario(seed, &gen_opts(Os::Linux));
        same_as_the_walks(&s.ifaces, s.seed, os, &s.steps, |_, st| format!("line {} of\n{}", st.line, print(&s)))?;
    }

    /// The same over runs of unchecked steps, TCP and UDP, on a few names
    /// and ports, so ports crowd, searches resume, and sockets come and go.
    /// Up to 64 steps a case: 160 cost CI ~200 s more at 100,000 cases.
    #[test]
    fn crowded_unchecked_steps_answer_as_the_walks_do(steps in prop::collection::vec(arb_step(), 0..64), os in os_strategy()) {
        let ifaces = ["192.168.0.1".parse().unwrap()];
        let steps: Vec<Step> = steps.into_iter().map(Step::new).collect();
        same_as_the_walks(&ifaces, 7, os, &steps, |i, st| format!("step {i}: {:?}", st.kind))?;
    }

    /// The same for one crowded UDP port: the UDP index (bind order and
    /// chain order per class, peers, SO_REUSEPORT groups) behind Linux's
    /// bind check and every OS's unicast lookup answers as the walks do.
    #[test]
    fn crowded_udp_ports_answer_as_the_walks_do(steps in prop::collection::vec(arb_udp_step(), 0..80), os in os_strategy()) {
        let ifaces = ["192.168.0.1".parse().unwrap()];
        let steps: Vec<Step> = steps.into_iter().map(Step::new).collect();
        same_as_the_walks(&ifaces, 7, os, &steps, |i, st| format!("step {i}: {:?}", st.kind))?;
    }

    /// The same for one port of many addresses: a question asked only of
    /// the classes near an address (`Scope::Near`) answers as the walk of
    /// every owner does.
    #[test]
    fn ports_of_many_addresses_answer_as_the_walks_do(k in 0usize..4, steps in prop::collection::vec(arb_addr_step(), 0..80), os in os_strategy()) {
        let ifaces: Vec<IpAddr> = ADDR_IFACES.iter().map(|a| a.parse().unwrap()).collect();
        let steps: Vec<Step> = addr_prefix(k).into_iter().chain(steps).map(Step::new).collect();
        same_as_the_walks(&ifaces, 7, os, &steps, |i, st| format!("step {i}: {:?}", st.kind))?;
    }

    /// The same for a crowded UDP port (more than ten sockets: Linux checks
    /// a specific bind by address) whose sockets sit on many addresses, so
    /// its classes are found through the address index: a crowd of 11 to
    /// 24 UDP sockets, each on one of the many addresses with its own
    /// options, some connected (re-filed under their new address), then
    /// any steps.
    #[test]
    fn crowded_udp_ports_of_many_addresses_answer_as_the_walks_do(
        crowd in prop::collection::vec((0usize..15, 0u8..8, prop::bool::weighted(0.2)), 11..24),
        steps in prop::collection::vec(arb_addr_step(), 0..48),
        os in os_strategy(),
    ) {
        let ifaces: Vec<IpAddr> = ADDR_IFACES.iter().map(|a| a.parse().unwrap()).collect();
        let steps: Vec<Step> = udp_crowd(&crowd).into_iter().chain(steps).map(Step::new).collect();
        same_as_the_walks(&ifaces, 7, os, &steps, |i, st| format!("step {i}: {:?}", st.kind))?;
    }

    #[test]
    fn any_generated_udp_scenario_runs_on_every_os_and_prints_back(seed: u64, os in os_strategy()) {
        let s = gen::udp_scenario(seed, &gen_opts(Os::Linux));
        let r = run(&s, os);
        prop_assert_eq!(r.steps.len(), s.steps.len());
        for (step, rep) in s.steps.iter().zip(&r.steps) {
            if step.kind.op() == "datagram" {
                // Every datagram is received, dropped or left undetermined;
                // a unicast one by one socket at most.
                let got: u32 = rep.received_by.as_ref().map_or(0, |m| m.values().sum());
                prop_assert!(rep.received_by.is_some() && rep.dropped.is_some());
                let StepKind::Datagram { ep, count } = &step.kind else { unreachable!() };
                if !ep.addr.is_multicast() {
                    prop_assert_eq!(got + rep.dropped.unwrap_or(0) + rep.undetermined.unwrap_or(0), *count);
                }
            }
        }
        let back = parse(&print(&s)).map_err(|p| TestCaseError::fail(format!("{p:?}")))?;
        prop_assert_eq!(back.steps.len(), s.steps.len());
    }

    #[test]
    fn the_same_scenario_gives_the_same_report(seed: u64, os in os_strategy()) {
        let s = scenario_for(seed);
        prop_assert_eq!(run(&s, os), run(&s, os));
    }

    #[test]
    fn print_then_parse_gives_the_scenario_back(seed: u64) {
        let s = scenario_for(seed);
        let mut again = parse(&print(&s)).map_err(|p| TestCaseError::fail(format!("{}\n{}", p[0], print(&s))))?;
        again.steps.iter_mut().for_each(|st| st.line = 0);
        prop_assert_eq!(again, s);
    }

    #[test]
    fn failures_always_name_a_rule_and_a_why(seed: u64, os in os_strategy()) {
        let s = scenario_for(seed);
        for st in run(&s, os).steps {
            if !st.is_ok() {
                prop_assert!(st.rule.is_some() && st.why.as_deref().is_some_and(|w| !w.is_empty()), "line {} {}", st.line, st.result_name());
            }
        }
    }
}
