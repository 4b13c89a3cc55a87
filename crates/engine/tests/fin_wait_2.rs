//! An end that closes first while its peer on the host is open: the state it
//! is kept in and when that ends, on every OS, step by step (the corpus pins
//! the outcomes; this pins the host's own state between them).

use bindlab_engine::host::{Host, State};
use bindlab_engine::{host_after, parse, Os};

const SCENARIO: &str = "socket L tcp
bind L 127.0.0.1:8080
listen L
socket S tcp
bind S 127.0.0.1:5555
connect S 127.0.0.1:8080
accept L C
close S
wait 30s
close C
";

/// The state of the host's one closed end (TIME_WAIT or FIN_WAIT_2), if any.
fn end_of_s(h: &Host) -> Option<State> {
    let mut ends = h.sockets().filter(|s| s.is_closed_end());
    let end = ends.next().map(|s| s.state());
    assert!(ends.next().is_none(), "one closed end");
    end
}

#[test]
fn the_peers_close_starts_the_time_wait() {
    let sc = parse(SCENARIO).unwrap();
    // (OS, FIN_WAIT_2 limit after S's close, TIME_WAIT after C's close at 30 s)
    let cases = [
        (Os::Linux, Some(60_000), Some(30_000 + 60_000)),
        (Os::MacOs, Some(60_000), Some(30_000 + 30_000)),
        (Os::FreeBsd, Some(675_000), None),
    ];
    for (os, fin_wait, time_wait) in cases {
        let after_close = end_of_s(&host_after(&sc, os, 8));
        assert_eq!(
            after_close,
            fin_wait.map(|until_ms| State::FinWait2 { until_ms }),
            "{os:?}"
        );
        let after_peer = end_of_s(&host_after(&sc, os, 10));
        assert_eq!(
            after_peer,
            time_wait.map(|until_ms| State::TimeWait { until_ms }),
            "{os:?}: the TIME_WAIT counts from the peer's close (FreeBSD: none, a local peer)"
        );
        let h = host_after(&sc, os, 10);
        h.five_tuples_unique().unwrap();
    }
    // Windows keeps the simple model: TIME_WAIT from S's own close.
    assert_eq!(
        end_of_s(&host_after(&sc, Os::Windows, 8)),
        Some(State::TimeWait { until_ms: 120_000 })
    );
}

#[test]
fn a_self_connection_and_a_client_peer_go_straight_to_time_wait() {
    let own =
        parse("socket S tcp\nbind S 0.0.0.0:5555\nconnect S 127.0.0.1:5555\nclose S\n").unwrap();
    let remote = parse(
        "iface 192.168.0.1\nsocket L tcp\nbind L 0.0.0.0:5555\nlisten L\nclient 192.168.0.1:5555\naccept L C\nclose C\n",
    )
    .unwrap();
    // A self-connection exists on Linux only (XNU refuses it, EINVAL).
    assert!(matches!(
        end_of_s(&host_after(&own, Os::Linux, 4)),
        Some(State::TimeWait { .. })
    ));
    for os in [Os::Linux, Os::MacOs] {
        assert!(
            matches!(
                end_of_s(&host_after(&remote, os, 6)),
                Some(State::TimeWait { .. })
            ),
            "{os:?}"
        );
    }
}
