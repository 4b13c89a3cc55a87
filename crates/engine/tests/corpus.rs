//! The scenario corpus (`corpus/`): every expectation holds, every scenario
//! survives a print/parse round trip, and the required coverage is there.

use bindlab_engine::{parse, print, run, run_all, Os};

mod common;
use common::corpus_files;

#[test]
fn corpus_is_big_enough_and_covers_the_tables() {
    let files = corpus_files();
    assert!(files.len() >= 150, "only {} corpus files", files.len());
    let win = files
        .iter()
        .filter(|p| p.to_string_lossy().contains("windows/tables/"))
        .count();
    assert_eq!(win, 72, "every cell of Microsoft's two Server 2003+ tables");
    for os in ["linux", "freebsd", "macos", "windows"] {
        assert!(
            files
                .iter()
                .any(|p| p.to_string_lossy().contains(&format!("corpus/{os}/"))),
            "no {os} scenarios"
        );
    }
}

#[test]
fn every_expectation_holds() {
    let mut failures = Vec::new();
    let mut expectations = 0;
    for f in corpus_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        let s = parse(&text).unwrap_or_else(|p| panic!("{}: {}", f.display(), p[0]));
        let r = run(&s, s.os);
        for st in &r.steps {
            if let Some(pass) = st.pass {
                expectations += 1;
                if !pass {
                    failures.push(format!(
                        "{}:{}: expected {:?}, got {} ({:?})",
                        f.display(),
                        st.line,
                        st.expected,
                        st.result_name(),
                        st.why
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(expectations > 400, "only {expectations} expectations");
}

#[test]
fn corpus_round_trips_and_runs_everywhere() {
    for f in corpus_files() {
        let s = parse(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let again = parse(&print(&s))
            .unwrap_or_else(|p| panic!("{}: printed text does not parse: {}", f.display(), p[0]));
        let strip = |mut s: bindlab_engine::Scenario| {
            s.steps.iter_mut().for_each(|st| st.line = 0);
            s
        };
        assert_eq!(strip(again), strip(s.clone()), "{}", f.display());
        // Every OS gives every step a result; failures carry a rule and a why.
        for rep in run_all(&s).runs.values() {
            for st in &rep.steps {
                if !st.is_ok() {
                    assert!(
                        st.rule.is_some() && st.why.is_some(),
                        "{}:{} {} on {}: no rule",
                        f.display(),
                        st.line,
                        st.result_name(),
                        rep.os
                    );
                }
            }
        }
    }
}

#[test]
fn the_specs_example() {
    let text = "title Two servers, one port\nos linux\niface 192.168.0.1 10.0.0.1\n\nsocket A tcp\nset A SO_REUSEADDR\nbind A 0.0.0.0:21\nlisten A\nsocket B tcp\nset B SO_REUSEADDR\nbind B 192.168.0.1:21   => EADDRINUSE   # a listener on the wildcard holds every address\nclient 192.168.0.1:21 x3\n";
    let s = parse(text).unwrap();
    let r = run(&s, Os::Linux);
    let b = &r.steps[6];
    assert_eq!(
        (b.line, b.op, b.socket.as_deref(), b.result_name()),
        (11, "bind", Some("B"), "EADDRINUSE")
    );
    assert_eq!(
        b.rule.map(|r| r.as_str()),
        Some("linux.bind.listener-holds-port")
    );
    assert!(b
        .why
        .as_deref()
        .unwrap()
        .contains("A is listening on 0.0.0.0:21"));
    assert_eq!(b.pass, Some(true));
    let c = &r.steps[7];
    assert_eq!(c.accepted_by.as_ref().unwrap().get("A"), Some(&3));
    // On the BSDs only B's flag counts, so B binds; Windows' table allows it too.
    let all = run_all(&s);
    for os in [Os::FreeBsd, Os::MacOs, Os::Windows] {
        assert!(all.runs[&os].steps[6].is_ok(), "{os}");
        assert_eq!(
            all.runs[&os].steps[6].pass, None,
            "expectations are for the scenario's own OS"
        );
    }
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["format"], 1);
    assert_eq!(json["steps"][6]["expected"], "EADDRINUSE");
    assert_eq!(json["steps"][7]["accepted_by"]["A"], 3);
}

#[test]
fn differs_compares_meaning_not_names() {
    // An empty accept queue: EAGAIN on Unix, WSAEWOULDBLOCK on Windows, the
    // same rule everywhere; a step naming a socket that was never created:
    // EBADF / WSAENOTSOCK. Neither row differs.
    let text = "os linux\nsocket A tcp\nbind A 127.0.0.1:8000\nlisten A\naccept A c\nclose c\n";
    let s = bindlab_engine::parse_for(text, bindlab_engine::TextOs::All).unwrap();
    let all = run_all(&s);
    assert_eq!(all.runs[&Os::Linux].steps[3].result_name(), "EAGAIN");
    assert_eq!(
        all.runs[&Os::Windows].steps[3].result_name(),
        "WSAEWOULDBLOCK"
    );
    assert!(!all.differs(3), "EAGAIN vs WSAEWOULDBLOCK is naming");
    assert_eq!(all.runs[&Os::MacOs].steps[4].result_name(), "EBADF");
    assert_eq!(all.runs[&Os::Windows].steps[4].result_name(), "WSAENOTSOCK");
    assert!(!all.differs(4), "EBADF vs WSAENOTSOCK is naming");
    assert!((0..s.steps.len()).all(|row| !all.differs(row)));
    // The spec's example: Linux refuses B's bind, the others allow it.
    let text = "os linux\nsocket A tcp\nset A SO_REUSEADDR\nbind A 0.0.0.0:21\nlisten A\nsocket B tcp\nset B SO_REUSEADDR\nbind B 127.0.0.1:21\n";
    let all = run_all(&parse(text).unwrap());
    assert!(all.differs(6));
    assert!(!all.differs(0));
}
