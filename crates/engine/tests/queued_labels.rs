//! What the host calls a connection nobody has accepted yet ("a connection
//! queued on L"): written once for a run of connections and shared, so the
//! sharing must never outlive what the label was written from.

use std::rc::Rc;

use bindlab_engine::host::socket::Socket;
use bindlab_engine::host::{run_steps, Host};
use bindlab_engine::parse;
use bindlab_engine::rules::{set_overlay, Overlay, RuleId, Translated, WhyVariant};

/// The label written once for a run of connections is written again
/// when the listeners' names or the language differ: each connection
/// reads as one named at its step.
#[test]
fn a_shared_queued_label_follows_the_listeners_and_the_language() {
    let s = parse(
        "os linux\nsocket L tcp\nbind L 127.0.0.1:9000\nlisten L\n\
         socket M tcp\nbind M 127.0.0.1:9001\nlisten M\n",
    )
    .expect("a valid scenario");
    let (mut host, _) = run_steps(&s, s.os);
    let client = |host: &mut Host, port: u16| {
        let st = parse(&format!("os linux\nclient 127.0.0.1:{port}\n"))
            .expect("a client step")
            .steps
            .remove(0);
        assert!(host.apply(&st).is_ok());
    };
    let queued = |host: &Host| -> Vec<String> {
        let mut v: Vec<&Socket> = host.sockets().filter(|s| s.child()).collect();
        v.sort_by_key(|s| s.id());
        v.iter().map(|s| s.label().to_string()).collect()
    };
    client(&mut host, 9000);
    client(&mut host, 9000);
    client(&mut host, 9001);
    let chinese = Overlay::new(
        [(
            RuleId::CommonAcceptEmptyQueue,
            Translated {
                why: vec![(WhyVariant::Queued, "在{listeners}上排队的连接".into())],
                ..Translated::default()
            },
        )],
        [],
    );
    set_overlay(Some(Rc::new(chinese)));
    client(&mut host, 9001);
    set_overlay(None);
    client(&mut host, 9001);
    assert_eq!(
        queued(&host),
        [
            "a connection queued on L",
            "a connection queued on L",
            "a connection queued on M",
            "在M上排队的连接",
            "a connection queued on M",
        ]
    );
}

/// A listener that takes the place (the id) of one closed before it is
/// named by its own name, not by the one the shared label was written for.
#[test]
fn a_listener_in_a_closed_ones_place_names_its_own_connections() {
    let s = parse(
        "os linux\nsocket L tcp\nbind L 127.0.0.1:9000\nlisten L\nclient 127.0.0.1:9000\n\
         close L\nsocket N tcp\nbind N 127.0.0.1:9000\nlisten N\nclient 127.0.0.1:9000\n",
    )
    .expect("a valid scenario");
    let mut host = Host::new(s.os, &s.ifaces, s.seed);
    let id_of = |host: &Host, name: &str| {
        host.sockets()
            .find(|s| s.label() == name)
            .map(Socket::id)
            .expect("a socket of that name")
    };
    for st in &s.steps[..4] {
        assert!(host.apply(st).is_ok());
    }
    let l = id_of(&host, "L");
    for st in &s.steps[4..] {
        assert!(host.apply(st).is_ok());
    }
    // The case this checks: N took L's id.
    assert_eq!(id_of(&host, "N"), l);
    let queued: Vec<&str> = host
        .sockets()
        .filter(|s| s.child())
        .map(Socket::label)
        .collect();
    assert_eq!(queued, ["a connection queued on N"]);
}
