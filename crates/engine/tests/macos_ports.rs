//! macOS's ephemeral ports never include TCP 55555: XNU's allocators skip
//! every port of the restricted-port bitmap (`IS_RESTRICTED_IN_PORT`, one
//! bitmap for TCP and UDP: `in_pcbbind`, `in6_pcbsetport`), and a TCP bind
//! of it needs an Apple-private entitlement (`macos.bind.restricted-port`).

use bindlab_engine::{parse, run, Os, StepReport};

/// The ports bind(0) and connect() hand out below 55555: 49152–55554.
const BELOW: usize = 55_555 - 49_152;

fn last_steps(text: &str, n: usize) -> Vec<StepReport> {
    let scenario = parse(text).expect("the scenario parses");
    let mut steps = run(&scenario, Os::MacOs).steps;
    steps.split_off(steps.len() - n)
}

/// `n` sockets of `proto` each bound to port 0, then one more, `x`.
fn binds(proto: &str, n: usize) -> String {
    let mut t = String::from("os macos\n");
    for i in 0..=n {
        let name = if i == n {
            "x".to_string()
        } else {
            format!("s{i}")
        };
        t.push_str(&format!("socket {name} {proto}\nbind {name} 0.0.0.0:0\n"));
    }
    t
}

fn port(rep: &StepReport) -> Option<u16> {
    rep.local.map(|l| l.port)
}

#[test]
fn bind_port_zero_skips_the_restricted_port_for_tcp_and_udp() {
    for proto in ["tcp", "udp"] {
        let last = last_steps(&binds(proto, BELOW), 3);
        assert_eq!(port(&last[0]), Some(55_554), "{proto}: the port below");
        assert_eq!(port(&last[2]), Some(55_556), "{proto}: 55555 skipped");
    }
}

#[test]
fn connect_skips_the_restricted_port() {
    let mut t = String::from("os macos\nsocket L tcp\nbind L 127.0.0.1:9000\nlisten L\n");
    for i in 0..=BELOW {
        t.push_str(&format!("socket c{i} tcp\nconnect c{i} 127.0.0.1:9000\n"));
    }
    let last = last_steps(&t, 3);
    assert_eq!(port(&last[0]), Some(55_554));
    assert_eq!(port(&last[2]), Some(55_556));
}
