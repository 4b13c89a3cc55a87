//! The checks behind bindlab's coverage-guided fuzz targets. Each takes the
//! fuzzer's bytes and panics only when an invariant breaks (libFuzzer
//! reports the panic and saves the input). They are plain functions so the
//! targets (`fuzz_targets/`, nightly + cargo-fuzz) stay one line each and the
//! committed seed corpus is replayed on stable by `tests/seeds.rs`.
//!
//! Invariants (ARCHITECTURE.md): the engine and the course never panic on
//! any input; no two connections share a five-tuple; every failure names a
//! rule and a why; what is printed or encoded reads back as the same value.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use bindlab_course::progress::Progress;
use bindlab_engine::host::Host;
use bindlab_engine::permalink::Permalink;
use bindlab_engine::scenario::{EndpointSpec, PortSpec, Proto, SockOpt, Step, StepKind};
use bindlab_engine::{parse_for, print, run, Os, TextOs};

/// The course's lesson ids, in order (what the progress code indexes).
pub const LESSON_IDS: &[&str] = &[
    "five-tuple",
    "wildcard",
    "reuseaddr-bsd",
    "time-wait",
    "linux-both",
    "reuseport",
    "windows",
    "client-routing",
    "client-side",
    "dual-stack",
    "cheat-sheet",
];

/// Scenario text: parsing never panics, whatever OS the text checks are made
/// for; a scenario that parses prints and reads back as itself, and runs on
/// every OS with every failure naming a rule and a why.
pub fn parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for text_os in [
        TextOs::Override(Os::Linux),
        TextOs::Override(Os::Windows),
        TextOs::All,
    ] {
        let _ = parse_for(&text, text_os);
    }
    let Ok(s) = bindlab_engine::parse(&text) else {
        return;
    };
    let printed = print(&s);
    let mut again = match bindlab_engine::parse(&printed) {
        Ok(a) => a,
        Err(p) => panic!("printed scenario does not parse: {}\n{printed}", p[0]),
    };
    let mut lineless = s.clone();
    lineless.steps.iter_mut().for_each(|st| st.line = 0);
    again.steps.iter_mut().for_each(|st| st.line = 0);
    assert_eq!(
        again, lineless,
        "print → parse changed the scenario:\n{printed}"
    );
    if s.steps.len() > 200 {
        return; // long texts: the parser was the point
    }
    for os in Os::ALL {
        let r = run(&s, os);
        assert_eq!(r.steps.len(), s.steps.len());
        for st in &r.steps {
            assert!(
                st.is_ok() || (st.rule.is_some() && st.why.is_some()),
                "line {} on {os}: {} without a rule and a why",
                st.line,
                st.result_name()
            );
        }
    }
}

/// Reads the fuzzer's bytes one at a time; zeros once they run out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }
    fn name(&mut self) -> String {
        ["A", "B", "C", "D"][usize::from(self.byte() % 4)].to_string()
    }
    fn ip(&mut self) -> IpAddr {
        match self.byte() % 12 {
            10 => IpAddr::V4(Ipv4Addr::new(239, 1, 2, 3)),
            11 => IpAddr::V6(Ipv6Addr::new(0xff05, 0, 0, 0, 0, 0, 0, 1)),
            0 => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            1 => IpAddr::V4(Ipv4Addr::LOCALHOST),
            2 => IpAddr::V4(Ipv4Addr::new(192, 168, 0, 1)),
            3 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
            4 => IpAddr::V6(Ipv6Addr::LOCALHOST),
            5 => IpAddr::V6(Ipv4Addr::LOCALHOST.to_ipv6_mapped()),
            6 => IpAddr::V6(Ipv4Addr::UNSPECIFIED.to_ipv6_mapped()),
            7 => IpAddr::V6(Ipv4Addr::new(192, 168, 0, 1).to_ipv6_mapped()),
            8 => IpAddr::V4(Ipv4Addr::from(
                u32::from(self.u16()) << 16 | u32::from(self.u16()),
            )),
            _ => IpAddr::V4(Ipv4Addr::new(203, 0, 113, self.byte())),
        }
    }
    fn port(&mut self) -> PortSpec {
        match self.byte() % 8 {
            0..=3 => PortSpec::Num(7000),
            4 => PortSpec::Num(0),
            5 => PortSpec::Num(self.u16()),
            _ => PortSpec::Of(self.name()),
        }
    }
    fn endpoint(&mut self) -> EndpointSpec {
        EndpointSpec {
            addr: self.ip(),
            port: self.port(),
        }
    }
    fn step(&mut self) -> StepKind {
        match self.byte() % 12 {
            0 => StepKind::Socket {
                name: self.name(),
                proto: [Proto::Tcp, Proto::Tcp6, Proto::Udp, Proto::Udp6]
                    [usize::from(self.byte() % 4)],
            },
            1 => StepKind::Set {
                name: self.name(),
                opt: SockOpt::ALL[usize::from(self.byte()) % SockOpt::ALL.len()],
                on: self.byte() & 3 != 0,
            },
            2 => StepKind::Bind {
                name: self.name(),
                ep: self.endpoint(),
            },
            3 => StepKind::Listen { name: self.name() },
            4 => StepKind::Connect {
                name: self.name(),
                ep: self.endpoint(),
            },
            5 => StepKind::Accept {
                name: self.name(),
                new: self.name(),
            },
            6 => StepKind::Close { name: self.name() },
            7 => StepKind::Client {
                ep: self.endpoint(),
                count: u32::from(self.byte() % 4) + 1,
            },
            8 => StepKind::Wait {
                ms: [
                    0,
                    500,
                    30_000,
                    60_000,
                    120_000,
                    240_000,
                    u64::from(self.u16()) * 10,
                ][usize::from(self.byte() % 7)],
            },
            9 => StepKind::User {
                name: ["root", "alice", "bob"][usize::from(self.byte() % 3)].to_string(),
            },
            10 => StepKind::Datagram {
                ep: self.endpoint(),
                count: u32::from(self.byte() % 4) + 1,
            },
            _ => StepKind::Join {
                name: self.name(),
                group: match self.byte() % 4 {
                    0 => IpAddr::V4(Ipv4Addr::new(239, 1, 2, 3)),
                    1 => IpAddr::V4(Ipv4Addr::new(224, 0, 0, 1)),
                    2 => IpAddr::V6(Ipv6Addr::new(0xff05, 0, 0, 0, 0, 0, 0, 1)),
                    _ => self.ip(),
                },
            },
        }
    }
}

/// The steps the fuzzer's bytes stand for: the first byte picks the OS, the
/// rest are steps as code might build them, unchecked by any parser (names
/// that do not exist, addresses of the wrong family, clients anywhere).
pub fn decode_steps(data: &[u8]) -> (Os, Vec<StepKind>) {
    let mut b = Bytes(data);
    let os = Os::ALL[usize::from(b.byte() % 4)];
    let mut steps = Vec::new();
    while !b.0.is_empty() && steps.len() < 64 {
        steps.push(b.step());
    }
    (os, steps)
}

/// Step sequences on every OS: never a panic, no shared five-tuple after any
/// step, every failure names a rule and a why.
pub fn steps(data: &[u8]) {
    let (os, steps) = decode_steps(data);
    if let Err(e) = check_steps(os, &steps) {
        panic!("{e}");
    }
}

/// `steps` as a result: the first broken invariant, with the steps so far.
pub fn check_steps(os: Os, steps: &[StepKind]) -> Result<(), String> {
    let mut h = Host::new(os, &["192.168.0.1".parse().expect("an address")], 7);
    for (i, kind) in steps.iter().enumerate() {
        let r = h.apply(&Step::new(kind.clone()));
        if !r.is_ok() && (r.rule.is_none() || r.why.is_none()) {
            return Err(format!(
                "{os}: step {} {kind:?} gave {} without a rule and a why",
                i + 1,
                r.result_name()
            ));
        }
        if let Err(e) = h.five_tuples_unique() {
            return Err(format!(
                "{os}: {e} after step {}; steps: {:#?}",
                i + 1,
                &steps[..=i]
            ));
        }
    }
    Ok(())
}

/// Permalink fragments: decoding never panics; a decoded link encodes and
/// decodes to itself, and its scenario text goes through the parser.
pub fn permalink(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(link) = Permalink::decode(&text) else {
        return;
    };
    let again = Permalink::decode(&link.encode());
    assert_eq!(
        again.as_ref(),
        Ok(&link),
        "{text:?} does not survive a round trip"
    );
    let _ = bindlab_engine::parse(&link.text);
}

/// Requests to the program generators' module (`crates/export-wasm`):
/// any bytes get an answer, never a panic (a panic there traps the module);
/// a scenario's real request answers as `bindlab export` writes it.
pub fn export(data: &[u8]) {
    use bindlab_engine::export::{answer, export, request, Lang, Options, Predictions};
    let text = String::from_utf8_lossy(data);
    let _ = answer(&text);
    let Ok(s) = bindlab_engine::parse(&text) else {
        return;
    };
    let predictions = Predictions::new(&s).encode();
    for lang in Lang::ALL {
        let opts = Options {
            file_name: Some(lang.file_name().to_string()),
        };
        let want = export(&s, lang, &opts).map_err(|e| e.to_string());
        assert_eq!(
            answer(&request(lang, &text, &predictions)),
            want,
            "{}: {text:?}",
            lang.id()
        );
    }
}

/// Progress codes: decoding never panics; a record that decodes gives a code
/// that reads back, stable after one round (encoding drops what carries
/// nothing, such as an untouched lesson).
pub fn progress(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for code in [text.to_string(), format!("BL1-{text}")] {
        if let Ok(p) = Progress::decode(&code, LESSON_IDS) {
            let once = p.encode(LESSON_IDS);
            let again = Progress::decode(&once, LESSON_IDS)
                .unwrap_or_else(|e| panic!("{once} (from {code:?}) does not read back: {e:?}"));
            assert_eq!(again.encode(LESSON_IDS), once, "from {code:?}");
        }
    }
}

/// A pasted socket table, as the paste page (`course/paste_read.rs`) and
/// `bindlab doctor` read it: reading never panics, and for a table that
/// reads, neither does anything the page does next — the port's picture, the
/// answers for each option set, who receives a datagram, the check of the
/// rebuilt host, the advice — every option set gets a verdict, and the
/// scenario the page offers to open parses. Each input is asked four ways:
/// as the page asks by default (the table's OS and protocol, the wildcard
/// of its first port); on another OS, the other protocol and the first
/// socket's own address; as `doctor` asks, with the host's addresses known
/// (the table's own); and at an address a reader might type (port 0, a
/// broadcast address, a group, a v4-mapped or unknown address), each
/// input its own by its length.
pub fn paste(data: &[u8]) {
    use bindlab_sockets::paste::read_table;
    use bindlab_sockets::State;
    use std::net::SocketAddr;

    let text = String::from_utf8_lossy(data);
    let Ok(pasted) = read_table(&text) else {
        return;
    };
    let Some(first) = pasted.sockets.first() else {
        panic!("a table read with no socket: {text:?}");
    };
    let other = Os::ALL[data.len() % 4];
    let all_udp = pasted.sockets.iter().all(|s| s.udp);
    // The page's default question: the first listening or bound socket's
    // port of the protocol asked about, on the wildcard.
    let port = pasted
        .sockets
        .iter()
        .find(|s| s.udp == all_udp && matches!(s.state, State::Listen | State::Bound))
        .or_else(|| pasted.sockets.iter().find(|s| s.udp == all_udp))
        .unwrap_or(first)
        .local
        .port();
    let typed: [IpAddr; 8] = [
        Ipv4Addr::UNSPECIFIED.into(),
        Ipv4Addr::BROADCAST.into(),
        Ipv4Addr::new(239, 1, 2, 3).into(),
        Ipv6Addr::new(0xff05, 0, 0, 0, 0, 0, 0, 1).into(),
        Ipv4Addr::new(10, 9, 9, 9).to_ipv6_mapped().into(),
        Ipv4Addr::UNSPECIFIED.to_ipv6_mapped().into(),
        Ipv4Addr::new(10, 9, 9, 9).into(),
        Ipv6Addr::UNSPECIFIED.into(),
    ];
    let pick = data.len() / 4;
    let typed_port = if pick.is_multiple_of(3) { 0 } else { port };
    let locals: Vec<IpAddr> = pasted.sockets.iter().map(|s| s.local.ip()).collect();
    let asks = [
        (
            pasted.os,
            all_udp,
            SocketAddr::from(([0, 0, 0, 0], port)),
            None,
        ),
        (other, !all_udp, first.local, None),
        (pasted.os, all_udp, first.local, Some(locals)),
        (
            other,
            all_udp,
            SocketAddr::new(typed[pick % 8], typed_port),
            None,
        ),
    ];
    for (i, (os, udp, bind, locals)) in asks.into_iter().enumerate() {
        paste_ask(&pasted.sockets, os, udp, bind, locals, &text, i == 0);
    }
}

/// One question of [`paste`]'s.
fn paste_ask(
    sockets: &[bindlab_sockets::HostSocket],
    os: Os,
    udp: bool,
    bind: std::net::SocketAddr,
    locals: Option<Vec<IpAddr>>,
    text: &str,
    whole: bool,
) {
    use bindlab_sockets::{
        advice, ask_in, datagram_to, english, option_sets, options_shown_on, picture_of,
        rebuild_mismatches_in, receivers, receivers_in, scenario, stand_in_peers, Question, Tables,
    };
    let user = "me";
    let p = picture_of(sockets, os, bind.port(), locals, udp);
    let q = Question {
        bind,
        user: user.to_string(),
    };
    // First: the scenario the page offers parses (an answer is built from
    // the same text).
    for set in [false, true] {
        let with_question = scenario(&p, user, set, Some((&q, option_sets(os)[0].1)));
        if let Err(e) = bindlab_engine::parse(&with_question) {
            panic!(
                "{os}: the paste page's scenario for {bind} does not parse ({}):\n{with_question}\n-- from the table --\n{text}",
                e[0]
            );
        }
    }
    let tables = Tables::new(&p, user);
    let answers = ask_in(&tables, &q);
    // An option set without a verdict is a question the page cannot answer,
    // and its advice would be about nothing.
    if let Some(a) = answers.iter().find(|a| a.verdicts.is_empty()) {
        panic!(
            "{os}: no verdict for {bind} with {}\n-- from the table --\n{text}",
            a.label
        );
    }
    // `whole`: each verdict as the whole scenario's own run gives it (the
    // answers share one build of the table's host between option sets).
    for a in answers.iter().filter(|_| whole) {
        for v in &a.verdicts {
            let set = v.unknowns_set.unwrap_or(false);
            let text = scenario(&p, user, set, Some((&q, a.options)));
            let s = bindlab_engine::parse(&text).expect("parsed above");
            let r = run(&s, os);
            let at = r
                .steps
                .iter()
                .rposition(|st| st.op == "bind")
                .expect("a bind");
            let got = (r.steps[at].result_name(), r.steps[at].rule);
            assert_eq!(
                (v.bind.result.as_str(), v.bind.rule),
                got,
                "{os}: {bind} with {} ({set}): the answer is not the scenario's own run\n{text}",
                a.label
            );
            if let (Some(listen), Some(next)) = (&v.listen, r.steps.get(at + 1)) {
                assert_eq!(listen.result, next.result_name(), "{os}: listen\n{text}");
            }
        }
    }
    if let Some(to) = datagram_to(bind).filter(|_| udp && !p.sockets.is_empty()) {
        for set in [false, true] {
            // The page's answer, from the build it shares with the
            // verdicts, is the whole scenario's own run.
            let shared = receivers_in(&tables, set, to);
            assert_eq!(
                shared,
                receivers(&p, user, set, to),
                "who receives a datagram to {to} (unknown options set: {set})"
            );
            if let Some(d) = shared {
                let _ = d.sentence();
            }
        }
    }
    for (_, wrong) in rebuild_mismatches_in(&tables) {
        let _ = options_shown_on(&p, &wrong);
        wrong.iter().for_each(|m| drop(m.said(&english)));
    }
    drop(tables);
    let _ = advice(&p, &answers);
    let _ = stand_in_peers(&p);
}
