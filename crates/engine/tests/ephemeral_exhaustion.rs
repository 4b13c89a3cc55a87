//! Every ephemeral port taken by bind(port 0), then connect() on unbound
//! sockets: what each OS answers, and by which rule. (A scenario file would
//! be tens of thousands of lines; these are generated.)

use bindlab_engine::{parse, run, Os, StepReport};

/// A listener on [::1]:8080, then dual-stack `[::]:0` binds until one
/// fails, then connect() from a fresh socket per `connects` line.
fn steps(os: Os, key: &str, ports: usize, connects: &[&str]) -> Vec<StepReport> {
    let mut t = format!("os {key}\nsocket L tcp6\nbind L [::1]:8080\nlisten L\n");
    for i in 0..=ports {
        t += &format!("socket s{i} tcp6\nbind s{i} [::]:0\n");
    }
    for (i, c) in connects.iter().enumerate() {
        t += &format!("socket c{i} {c}\n");
    }
    let sc = parse(&t).expect("scenario");
    run(&sc, os).steps
}

/// The result and rule of the last `n` steps that are not `socket`.
fn tail(steps: &[StepReport], n: usize) -> Vec<(String, String)> {
    let mut v: Vec<_> = steps
        .iter()
        .filter(|r| r.op != "socket")
        .rev()
        .take(n)
        .map(|r| {
            (
                r.result_name().to_string(),
                r.rule.map(|id| id.as_str().to_string()).unwrap_or_default(),
            )
        })
        .collect();
    v.reverse();
    v
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// macOS: the last free port gone, an IPv6 connect() gets EAGAIN from
/// in6_pcbsetport, an IPv4 or v4-mapped one EADDRNOTAVAIL from in_pcbbind
/// (16,384 ports less 55555).
#[test]
fn macos_connect_exhaustion_depends_on_the_destination_family() {
    let got = steps(
        Os::MacOs,
        "macos",
        16_383,
        &[
            "tcp6\nconnect c0 [::1]:8080",
            "tcp6\nconnect c1 [::ffff:127.0.0.1]:8080",
            "tcp\nconnect c2 127.0.0.1:8080",
        ],
    );
    assert_eq!(
        tail(&got, 5),
        pairs(&[
            ("ok", ""),
            ("EAGAIN", "macos.bind.ephemeral-exhausted"),
            ("EAGAIN", "macos.connect.ephemeral-exhausted"),
            ("EADDRNOTAVAIL", "macos.connect.ephemeral-exhausted"),
            ("EADDRNOTAVAIL", "macos.connect.ephemeral-exhausted"),
        ])
    );
}

/// Linux: 32768–60999 taken by bind(0), connect() finds no 4-tuple either.
#[test]
fn linux_connect_exhaustion_is_eaddrnotavail() {
    let got = steps(
        Os::Linux,
        "linux",
        28_232,
        &[
            "tcp6\nconnect c0 [::1]:8080",
            "tcp\nconnect c1 127.0.0.1:8080",
        ],
    );
    assert_eq!(
        tail(&got, 3),
        pairs(&[
            ("EADDRINUSE", "linux.bind.ephemeral-exhausted"),
            ("EADDRNOTAVAIL", "common.connect.ephemeral-exhausted"),
            ("EADDRNOTAVAIL", "common.connect.ephemeral-exhausted"),
        ])
    );
}

/// Windows: the last port gone, bind(0) and connect() answer WSAENOBUFS.
#[test]
fn windows_connect_exhaustion_is_wsaenobufs() {
    let got = steps(
        Os::Windows,
        "windows",
        16_384,
        &[
            "tcp6\nconnect c0 [::1]:8080",
            "tcp\nconnect c1 127.0.0.1:8080",
        ],
    );
    assert_eq!(
        tail(&got, 3),
        pairs(&[
            ("WSAENOBUFS", "windows.bind.ephemeral-exhausted"),
            ("WSAENOBUFS", "windows.connect.ephemeral-exhausted"),
            ("WSAENOBUFS", "windows.connect.ephemeral-exhausted"),
        ])
    );
}

/// FreeBSD: 10000–65535 taken by `[::]:0` binds, an IPv6 connect() finds no
/// port; those sockets are IPv6-only by default (net.inet6.ip6.v6only), so
/// an IPv4 connect() still gets one, and is refused (L is on [::1]).
#[test]
fn freebsd_connect_exhaustion_is_per_family() {
    let got = steps(
        Os::FreeBsd,
        "freebsd",
        55_536,
        &[
            "tcp6\nconnect c0 [::1]:8080",
            "tcp\nconnect c1 127.0.0.1:8080",
        ],
    );
    assert_eq!(
        tail(&got, 3),
        pairs(&[
            ("EADDRNOTAVAIL", "bsd.bind.ephemeral-exhausted"),
            ("EADDRNOTAVAIL", "common.connect.ephemeral-exhausted"),
            ("ECONNREFUSED", "common.route.no-listener"),
        ])
    );
}

/// macOS, IPv6 with SO_REUSEADDR or SO_REUSEPORT: in6_pcbsetport looks the
/// port up without the wildcard flag, so ports held on `[::1]` only block
/// a socket without the options (found by a review, 2026-12-05).
#[test]
fn macos_v6_reuse_options_skip_only_exact_holders() {
    let mut t = String::from("os macos\nsocket L tcp6\nbind L [::1]:8080\nlisten L\n");
    for i in 0..16_383 {
        t += &format!("socket s{i} tcp6\nbind s{i} [::1]:0\n");
    }
    t += "socket a tcp6\nconnect a [::1]:8080\n";
    t += "socket b tcp6\nset b SO_REUSEADDR\nconnect b [::1]:8080\n";
    t += "socket c tcp6\nset c SO_REUSEPORT\nbind c [::]:0\n";
    t += "socket d tcp6\nset d SO_REUSEPORT\nbind d [::1]:0\n";
    let got = run(&parse(&t).expect("scenario"), Os::MacOs).steps;
    let last: Vec<_> = got
        .iter()
        .filter(|r| matches!(r.op, "connect" | "bind"))
        .rev()
        .take(4)
        .map(|r| r.result_name().to_string())
        .collect();
    assert_eq!(last, ["EAGAIN", "ok", "ok", "EAGAIN"]);
}

/// Linux scenarios that hold the whole range (28,232 ports) and then ask
/// something of it. Each was run on this machine's kernel (6.18.44, a
/// private namespace, `ip_local_port_range` 32768–60999) by the edge-case
/// hunt of 2026-12-06 with a harness of its own: `bindlab verify` cannot
/// hold more than 20,000 open descriptors here, so these are not corpus
/// scenarios.
const LINUX_RANGE: usize = 28_232;

/// `head`, then `n` sockets of `proto` each bound to `addr:0`, then `tail`;
/// the reports of `tail`'s steps that are not `socket`.
fn linux(head: &str, proto: &str, addr: &str, n: usize, tail: &str) -> Vec<StepReport> {
    let mut t = format!("os linux\n{head}");
    for i in 0..n {
        t += &format!("socket s{i} {proto}\nbind s{i} {addr}:0\n");
    }
    let first_tail_line = t.lines().count() as u32 + 1;
    t += tail;
    let sc = parse(&t).expect("scenario");
    run(&sc, Os::Linux)
        .steps
        .into_iter()
        .filter(|r| r.line >= first_tail_line && r.op != "socket")
        .collect()
}

fn results(v: &[StepReport]) -> Vec<(String, String)> {
    v.iter()
        .map(|r| {
            let rule = r.rule.map(|id| id.as_str().to_string()).unwrap_or_default();
            (r.result_name().to_string(), rule)
        })
        .collect()
}

/// `inet_dgram_connect`: a UDP connect() whose implicit bind finds no port
/// answers EAGAIN (kernel: EAGAIN for `udp` and `udp6`), where bind(port 0)
/// says EADDRINUSE.
#[test]
fn linux_udp_connect_with_no_port_left_is_eagain() {
    let got = linux(
        "",
        "udp",
        "0.0.0.0",
        LINUX_RANGE,
        "socket Y udp\nbind Y 0.0.0.0:0\nsocket Z udp\nconnect Z 127.0.0.1:9\n",
    );
    assert_eq!(
        results(&got),
        pairs(&[
            ("EADDRINUSE", "linux.bind.ephemeral-exhausted"),
            ("EAGAIN", "linux.udp.connect.no-port"),
        ])
    );
}

/// `inet_csk_find_open_port` runs one parity, then the other: 14,116
/// binds to 127.0.0.2:0 and 14,116 to 127.0.0.3:0 take the odd ports both
/// times (the kernel's picks were all odd), so a wildcard bind(0) still
/// finds an even port (kernel: ok). bindlab said EADDRINUSE when it took
/// any untouched port before a free one of the first parity.
#[test]
fn linux_bind_zero_keeps_to_one_parity_before_the_other() {
    let half = LINUX_RANGE / 2;
    let mut tail = String::new();
    for i in 0..half {
        tail += &format!("socket q{i} tcp\nbind q{i} 127.0.0.3:0\n");
    }
    tail += "socket W tcp\nbind W 0.0.0.0:0\n";
    let got = linux(
        "iface 127.0.0.2\niface 127.0.0.3\n",
        "tcp",
        "127.0.0.2",
        half,
        &tail,
    );
    let (qs, w) = got.split_at(half);
    assert!(qs.iter().all(|r| r.result_name() == "ok"));
    assert_eq!(results(w), pairs(&[("ok", "")]));
}

/// With SO_REUSEADDR the kernel searches the lower half of the range
/// first (`attempt_half`): its first 14,116 picks all fell in
/// 32768–46883. bindlab's picks fill that half before the upper one.
#[test]
fn linux_bind_zero_with_reuseaddr_fills_the_lower_half_first() {
    let half = LINUX_RANGE / 2;
    let mut t = String::from("os linux\n");
    for i in 0..=half {
        t += &format!("socket s{i} tcp\nset s{i} SO_REUSEADDR\nbind s{i} 0.0.0.0:0\n");
    }
    let sc = parse(&t).expect("scenario");
    let rep = run(&sc, Os::Linux);
    let ports: Vec<u16> = rep
        .steps
        .iter()
        .filter(|r| r.op == "bind")
        .map(|r| r.local.expect("bound").port)
        .collect();
    assert_eq!(ports.len(), half + 1);
    assert!(ports[..half].iter().all(|&p| (32768..=46883).contains(&p)));
    assert_eq!(ports[0], 32769, "odd first");
    assert_eq!(ports[half], 46885, "then the upper half, odd first");
}

/// `tcp_twsk_unique` with `tcp_tw_reuse` = 2: connect()'s own search may
/// take over a TIME_WAIT between loopback addresses once it is more than
/// 1 s old. Kernel, with the range held whole by bind(): a connect to
/// 127.0.0.1 right after the close EADDRNOTAVAIL, 2 s later ok on the
/// TIME_WAIT's port; to 192.168.0.1 EADDRNOTAVAIL both times.
#[test]
fn linux_connect_reuses_a_loopback_time_wait_after_a_second_when_no_port_is_left() {
    for (dst, later) in [
        ("127.0.0.1", ("ok", "linux.connect.time-wait-reused")),
        (
            "192.168.0.1",
            ("EADDRNOTAVAIL", "common.connect.ephemeral-exhausted"),
        ),
    ] {
        let head = format!("iface 192.168.0.1\nsocket L tcp\nbind L {dst}:5000\nlisten L\n");
        let tail = format!(
            "socket C1 tcp\nconnect C1 {dst}:5000\naccept L a1\nclose C1\nclose a1\n\
             socket C2 tcp\nconnect C2 {dst}:5000\n\
             wait 2s\n\
             socket C3 tcp\nconnect C3 {dst}:5000\n"
        );
        // All but one port held by bind(): C1 gets the last.
        let got = linux(&head, "tcp", "127.0.0.2", LINUX_RANGE - 1, &tail);
        let got: Vec<StepReport> = got.into_iter().filter(|r| r.op == "connect").collect();
        let want = pairs(&[
            ("ok", ""),
            ("EADDRNOTAVAIL", "common.connect.ephemeral-exhausted"),
            later,
        ]);
        let mut have = results(&got);
        have[0].1 = String::new();
        assert_eq!(have, want, "to {dst}");
    }
}
