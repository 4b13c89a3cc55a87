//! Windows running out of ephemeral ports (Microsoft's pages, cited in
//! `rules.json`): bind(0) and connect() answer WSAENOBUFS, and connect()
//! without bind() shares a port with other connections (SO_REUSE_UNICASTPORT
//! is on by default there) as long as the 4-tuple is new.

use bindlab_engine::rules::RuleId;
use bindlab_engine::{parse, run, Os, StepReport};

/// Windows' dynamic client port range, 49152–65535.
const RANGE: usize = 16_384;

fn last_steps(text: &str, n: usize) -> Vec<StepReport> {
    let scenario = parse(text).expect("the scenario parses");
    let mut steps = run(&scenario, Os::Windows).steps;
    steps.split_off(steps.len() - n)
}

/// `n` unbound sockets connected to 127.0.0.1:9000, after a listener there.
fn clients(n: usize) -> String {
    let mut t = String::from("os windows\nsocket L tcp\nbind L 127.0.0.1:9000\nlisten L\n");
    for i in 0..n {
        t.push_str(&format!("socket c{i} tcp\nconnect c{i} 127.0.0.1:9000\n"));
    }
    t
}

#[test]
fn connect_runs_out_with_wsaenobufs_and_says_so() {
    let text = clients(RANGE + 1);
    let last = last_steps(&text, 3);
    assert_eq!(
        last[0].result_name(),
        "ok",
        "the range's last port is still free"
    );
    assert_eq!(last[2].result_name(), "WSAENOBUFS");
    assert_eq!(last[2].rule, Some(RuleId::WindowsConnectEphemeralExhausted));
}

#[test]
fn connect_without_bind_shares_a_port_with_another_destination() {
    let mut text = clients(RANGE);
    text.push_str("socket M tcp\nbind M 127.0.0.1:9001\nlisten M\n");
    text.push_str("socket x tcp\nconnect x 127.0.0.1:9001\n");
    let last = last_steps(&text, 1);
    assert_eq!(last[0].result_name(), "ok", "{:?}", last[0].rule);
}

#[test]
fn bind_port_zero_runs_out_with_wsaenobufs() {
    let mut text = String::from("os windows\n");
    for i in 0..=RANGE {
        text.push_str(&format!("socket s{i} tcp\nbind s{i} 0.0.0.0:0\n"));
    }
    let last = last_steps(&text, 3);
    assert_eq!(last[0].result_name(), "ok");
    assert_eq!(last[2].result_name(), "WSAENOBUFS");
    assert_eq!(last[2].rule, Some(RuleId::WindowsBindEphemeralExhausted));
}
