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
