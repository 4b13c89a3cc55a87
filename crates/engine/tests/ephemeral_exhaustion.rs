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
