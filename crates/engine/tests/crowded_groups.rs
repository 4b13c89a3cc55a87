//! A datagram to a big group: the why-line lists a few members, the report's
//! `candidates` every one, and the list is shared from step to step until
//! the group changes (issue #15: a 10,000-member group cost the step its
//! size in names).

use std::sync::Arc;

use bindlab_engine::{parse, run, Os};

/// `n` UDP sockets sharing 127.0.0.1:8080 (SO_REUSEPORT on Linux, SO_REUSEADDR
/// on Windows), two datagrams, one more member, a third datagram.
fn scenario(os: Os, n: usize) -> String {
    let (opt, key) = match os {
        Os::Windows => ("SO_REUSEADDR", "windows"),
        _ => ("SO_REUSEPORT", "linux"),
    };
    let mut t = format!("os {key}\n");
    for i in 0..=n {
        t += &format!("socket s{i} udp\nset s{i} {opt}\n");
    }
    for i in 0..n {
        t += &format!("bind s{i} 127.0.0.1:8080\n");
    }
    t += "datagram 127.0.0.1:8080\ndatagram 127.0.0.1:8080\n";
    t += &format!("bind s{n} 127.0.0.1:8080\ndatagram 127.0.0.1:8080\n");
    t
}

#[test]
fn a_big_group_is_named_in_full_in_candidates_and_in_brief_in_the_why_line() {
    let n = 20;
    for os in [Os::Linux, Os::Windows] {
        let sc = parse(&scenario(os, n)).expect("scenario");
        let steps = run(&sc, os).steps;
        let datagrams: Vec<_> = steps.iter().filter(|r| r.op == "datagram").collect();
        assert_eq!(datagrams.len(), 3, "{os}");
        let (first, second, third) = (datagrams[0], datagrams[1], datagrams[2]);

        let c1 = first.candidates.clone().expect("candidates");
        let names: Vec<String> = (0..n).map(|i| format!("s{i}")).collect();
        assert_eq!(&c1[..], &names[..], "{os}: every member, in bind order");
        // The next datagram names the very same list: no copy.
        let c2 = second.candidates.clone().expect("candidates");
        assert!(Arc::ptr_eq(&c1, &c2), "{os}: the list is shared");
        // A new member makes a new list, with it.
        let c3 = third.candidates.clone().expect("candidates");
        assert!(!Arc::ptr_eq(&c1, &c3), "{os}");
        assert_eq!(c3.len(), n + 1, "{os}");
        assert_eq!(
            c3.last().map(String::as_str),
            Some(format!("s{n}").as_str())
        );

        let why = first.why.as_deref().expect("why");
        assert!(why.contains("s0") && why.contains("s5"), "{os}: {why}");
        assert!(
            why.contains('…') && why.contains(&format!("s{}", n - 1)),
            "{os}: {why}"
        );
        assert!(!why.contains("s6,") && !why.contains("s6 "), "{os}: {why}");
        let why3 = third.why.as_deref().expect("why");
        assert!(why3.contains(&format!("s{n}")), "{os}: {why3}");
    }
    // Windows leaves the choice open: the table cell names the candidates
    // as the why-line does, a few and the last, as a sentence would.
    let sc = parse(&scenario(Os::Windows, n)).expect("scenario");
    let steps = run(&sc, Os::Windows).steps;
    let r = steps.iter().find(|r| r.op == "datagram").expect("datagram");
    assert_eq!(r.summary(), "ok → s0, s1, s2, s3, s4, s5, … or s19? ×1");
    let zh = bindlab_engine::rules::Overlay::new(
        [],
        [(",", "、"), ("or", " 或 ")].map(|(k, v)| (k.to_string(), v.to_string())),
    );
    assert_eq!(
        r.summary_in("丢弃", &zh.lists()),
        "ok → s0、s1、s2、s3、s4、s5、… 或 s19? ×1"
    );
    let why = r.why.as_deref().expect("why");
    assert!(
        why.starts_with("s0, s1, s2, s3, s4, s5, … and s19 share"),
        "{why}"
    );
}

#[test]
fn a_small_group_is_named_in_full_in_the_why_line() {
    for os in [Os::Linux, Os::Windows] {
        let sc = parse(&scenario(os, 3)).expect("scenario");
        let steps = run(&sc, os).steps;
        let r = steps.iter().find(|r| r.op == "datagram").expect("datagram");
        let why = r.why.as_deref().expect("why");
        assert!(!why.contains('…'), "{os}: {why}");
        for s in ["s0", "s1", "s2"] {
            assert!(why.contains(s), "{os}: {why}");
        }
        if os == Os::Windows {
            assert_eq!(r.summary(), "ok → s0, s1 or s2? ×1");
        }
    }
}

/// A group's receiver is named from the group's cached names (not from its
/// socket), packed end to end: names of every length must come out whole.
#[test]
fn datagrams_to_a_group_are_counted_under_each_members_whole_name() {
    let names = ["a", "bb", "c3c", "dddddddddd", "e5", "f"];
    for (os, key, opt) in [
        (Os::Linux, "linux", "SO_REUSEPORT"),
        (Os::FreeBsd, "freebsd", "SO_REUSEPORT_LB"),
    ] {
        let mut t = format!("os {key}\n");
        for n in names {
            t += &format!("socket {n} udp\nset {n} {opt}\nbind {n} 127.0.0.1:8080\n");
        }
        t += "datagram 127.0.0.1:8080 x600\ndatagram 127.0.0.1:8080\n";
        let sc = parse(&t).expect("scenario");
        let steps = run(&sc, os).steps;
        let many = steps.iter().find(|r| r.op == "datagram").expect("datagram");
        let got = many.received_by.clone().expect("received_by");
        assert_eq!(got.values().sum::<u32>(), 600, "{os}: {got:?}");
        for (name, n) in &got {
            assert!(names.contains(&name.as_str()), "{os}: {name:?} in {got:?}");
            assert!(*n > 0, "{os}");
        }
        // 600 peers hashed over six members: each gets some.
        assert_eq!(got.len(), names.len(), "{os}: {got:?}");
        let one = steps
            .iter()
            .rfind(|r| r.op == "datagram")
            .expect("datagram");
        let got = one.received_by.clone().expect("received_by");
        assert!(
            got.len() == 1 && names.contains(&got.keys().next().map(String::as_str).unwrap_or("")),
            "{os}: {got:?}"
        );
    }
}
