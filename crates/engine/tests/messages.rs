//! The messages about bad input as data: every message of `src/parse.txt`
//! is one the parser or the permalink reader really says (one input each
//! here), its slots are filled from the input as written, and the zh-CN
//! translation (`content/zh-CN/parse.txt`, `cheatsheet.txt`) has every key,
//! no other, the same slots, and renders each of them in Chinese.

use bindlab_engine::cheatsheet::{Options, Situation};
use bindlab_engine::messages::{CheatsheetMsg, ParseMsg, Translation};
use bindlab_engine::permalink::Permalink;
use bindlab_engine::{parse_for, Os, Problem, TextOs};

const O: TextOs = TextOs::Own;

/// (message, scenario, the OS its text checks are for): one input that
/// gives each parser message.
const INPUTS: &[(ParseMsg, &str, TextOs)] = &[
    (ParseMsg::NameMissing, "listen", O),
    (ParseMsg::NameInvalid, "listen 9A", O),
    (ParseMsg::NameUnknownNoneOpen, "listen A", O),
    (ParseMsg::NameUnknown, "socket B tcp\nlisten A", O),
    (
        ParseMsg::NameUnknownMany,
        "socket S1 tcp\nsocket S2 tcp\nsocket S3 tcp\nsocket S4 tcp\nsocket S5 tcp\nsocket S6 tcp\nsocket S7 tcp\nsocket S8 tcp\nsocket S9 tcp\nlisten A",
        O,
    ),
    (ParseMsg::NewNameMissing, "socket", O),
    (
        ParseMsg::NewNameMissingAfterListener,
        "socket A tcp\naccept A",
        O,
    ),
    (ParseMsg::NewNameInvalid, "socket 9A tcp", O),
    (ParseMsg::NewNameExists, "socket A tcp\nsocket A tcp", O),
    (ParseMsg::EndpointMissing, "client", O),
    (
        ParseMsg::EndpointMissingAfterName,
        "socket A tcp\nbind A",
        O,
    ),
    (
        ParseMsg::EndpointUnclosedBracket,
        "socket A tcp6\nbind A [::1",
        O,
    ),
    (
        ParseMsg::EndpointBracketPortMissing,
        "socket A tcp6\nbind A [::1]",
        O,
    ),
    (
        ParseMsg::EndpointBracketPortInvalid,
        "socket A tcp6\nbind A [::1]x",
        O,
    ),
    (ParseMsg::EndpointNoPort, "socket A tcp\nbind A 1.2.3.4", O),
    (
        ParseMsg::EndpointIpv6NeedsBrackets,
        "socket A tcp6\nbind A ::1:80",
        O,
    ),
    (
        ParseMsg::EndpointBracketsOnIpv4,
        "socket A tcp\nbind A [1.2.3.4]:80",
        O,
    ),
    (
        ParseMsg::EndpointPortOfNoSocket,
        "socket A tcp\nbind A 0.0.0.0:@Q",
        O,
    ),
    (
        ParseMsg::EndpointPortOutOfRange,
        "socket A tcp\nbind A 0.0.0.0:99999",
        O,
    ),
    (
        ParseMsg::EndpointPortInvalid,
        "socket A tcp\nbind A 0.0.0.0:http",
        O,
    ),
    (
        ParseMsg::EndpointPortMissing,
        "socket A tcp\nbind A 0.0.0.0:",
        O,
    ),
    (ParseMsg::AddressInvalid, "socket A tcp\nbind A 1.2.3:80", O),
    (ParseMsg::AddressMissing, "socket A tcp\nbind A :80", O),
    (
        ParseMsg::AddressZone,
        "socket A tcp6\nbind A [fe80::1%eth0]:80",
        O,
    ),
    (ParseMsg::CountOutOfRange, "client 127.0.0.1:80 x0", O),
    (ParseMsg::CountInvalid, "client 127.0.0.1:80 y3", O),
    (
        ParseMsg::FamilyIpv6OnIpv4Socket,
        "socket A tcp\nbind A [::1]:80",
        O,
    ),
    (
        ParseMsg::FamilyIpv4OnIpv6Socket,
        "socket A tcp6\nbind A 127.0.0.1:80",
        O,
    ),
    (ParseMsg::HeaderAfterSteps, "socket A tcp\nos linux", O),
    (ParseMsg::HeaderTwice, "seed 1\nseed 2", O),
    (ParseMsg::TitleMissing, "title", O),
    (ParseMsg::OsUnknown, "os beos", O),
    (ParseMsg::OsMissing, "os", O),
    (ParseMsg::OsExtra, "os linux extra", O),
    (ParseMsg::IfaceMissing, "iface", O),
    (ParseMsg::IfaceWildcard, "iface 0.0.0.0", O),
    (ParseMsg::IfaceMulticast, "iface 239.1.1.1", O),
    (ParseMsg::IfaceBroadcast, "iface ::ffff:255.255.255.255", O),
    (ParseMsg::SeedInvalid, "seed -3", O),
    (ParseMsg::SeedMissing, "seed", O),
    (ParseMsg::StepUnknown, "frob A", O),
    (ParseMsg::StepUnknownNear, "bnd A 0.0.0.0:80", O),
    (ParseMsg::StepExtra, "socket A tcp extra", O),
    (ParseMsg::SocketProtocolMissing, "socket A", O),
    (ParseMsg::SocketProtocolInvalid, "socket A sctp", O),
    (ParseMsg::SetOptionMissing, "socket A tcp\nset A", O),
    (ParseMsg::SetOptionUnknown, "socket A tcp\nset A SO_NOPE", O),
    (
        ParseMsg::SetOptionUnknownNear,
        "socket A tcp\nset A SO_REUSEADR",
        O,
    ),
    (
        ParseMsg::SetOptionNotOnOs,
        "os windows\nsocket A tcp\nset A SO_REUSEPORT",
        O,
    ),
    (
        ParseMsg::SetOptionNotOnOsOwned,
        "socket A tcp\nset A SO_EXCLUSIVEADDRUSE",
        O,
    ),
    (
        ParseMsg::SetOptionNotOnRunOs,
        "socket A tcp\nset A SO_REUSEPORT",
        TextOs::Override(Os::Windows),
    ),
    (
        ParseMsg::SetOptionNotOnRunOsOwned,
        "socket A udp\nset A IP_MULTICAST_ALL",
        TextOs::Override(Os::FreeBsd),
    ),
    (
        ParseMsg::SetOnOff,
        "socket A tcp\nset A SO_REUSEADDR maybe",
        O,
    ),
    (
        ParseMsg::ConnectWildcard,
        "socket A tcp\nconnect A 0.0.0.0:80",
        O,
    ),
    (
        ParseMsg::ConnectPortZero,
        "socket A tcp\nconnect A 127.0.0.1:0",
        O,
    ),
    (ParseMsg::ClientWildcard, "client 0.0.0.0:80", O),
    (ParseMsg::ClientNotLocal, "client [::ffff:8.8.8.8]:80", O),
    (ParseMsg::ClientBroadcast, "client 127.255.255.255:80", O),
    (ParseMsg::ClientPortZero, "client 127.0.0.1:0", O),
    (ParseMsg::DatagramWildcard, "datagram 0.0.0.0:80", O),
    (ParseMsg::DatagramNotLocal, "datagram 8.8.8.8:80", O),
    (
        ParseMsg::DatagramBroadcast,
        "datagram [::ffff:255.255.255.255]:80",
        O,
    ),
    (ParseMsg::DatagramPortZero, "datagram 127.0.0.1:0", O),
    (ParseMsg::JoinGroupMissing, "socket A udp\njoin A", O),
    (
        ParseMsg::JoinNotMulticast,
        "socket A udp\njoin A 10.0.0.1",
        O,
    ),
    (ParseMsg::JoinGroupInvalid, "socket A udp\njoin A zz", O),
    (
        ParseMsg::JoinIpv6GroupOnIpv4Socket,
        "socket A udp\njoin A ff05::1",
        O,
    ),
    (ParseMsg::WaitMissing, "wait", O),
    (ParseMsg::WaitInvalid, "wait 5y", O),
    (ParseMsg::WaitTooLong, "wait 5124095576030431h", O),
    (ParseMsg::UserMissing, "user", O),
    (ParseMsg::UserInvalid, "user 9?", O),
    (ParseMsg::ExpectWithoutStep, "=> ok", O),
    (ParseMsg::ExpectAfterHeader, "os linux => ok", O),
    (ParseMsg::ExpectMissing, "socket A tcp =>", O),
    (ParseMsg::ExpectExtra, "socket A tcp => ok ok", O),
    (
        ParseMsg::ExpectUnknown,
        "os windows\nsocket A tcp => EADDRINUSE",
        O,
    ),
];

/// (message, fragment): one link that gives each link message.
const LINKS: &[(ParseMsg, &str)] = &[
    (ParseMsg::LinkFutureVersion, "#v2/linux/0/AA"),
    (ParseMsg::LinkNoVersion, "#hello/world"),
    (ParseMsg::LinkPartsMissing, "#v1/linux"),
    (ParseMsg::LinkUnknownOs, "#v1/solaris/0/AA"),
    (ParseMsg::LinkNoOs, "#v1//0/AA"),
    (ParseMsg::LinkStepNotNumber, "#v1/linux/x/AA"),
    (ParseMsg::LinkNotBase64, "#v1/linux/0/@@@"),
    (ParseMsg::LinkNotUtf8, "#v1/linux/0/_w"),
    (ParseMsg::LinkLengthNotNumber, "#v1/linux/0/x.AAAA"),
    (ParseMsg::LinkCutShort, "#v1/linux/0/12.c29ja2V0"),
    (ParseMsg::LinkTooLong, "#v1/linux/0/3.c29ja2V0"),
];

/// No scenario can give it: every option exists on some OS. It stays so a
/// future option of no OS still gets a message.
const UNREACHABLE: &[ParseMsg] = &[ParseMsg::SetOptionOnNoOs];

fn problem_of(msg: ParseMsg, text: &str, text_os: TextOs) -> Problem {
    let problems = parse_for(text, text_os).expect_err(text);
    problems
        .iter()
        .find(|p| p.msg == msg)
        .unwrap_or_else(|| panic!("{msg:?}: `{text}` gives {problems:#?}"))
        .clone()
}

fn content(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../content/zh-CN")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The zh-CN fixed words (`words.json`: the list's 「、」, 「和」, 「或」) in
/// force on this thread, as the CLI's `--lang zh-CN` and a zh-CN page set
/// them.
fn zh_words_in_force() {
    let words: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&content("words.json")).expect("words.json");
    bindlab_engine::rules::set_overlay(Some(std::rc::Rc::new(
        bindlab_engine::rules::Overlay::new([], words),
    )));
}

fn is_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn every_message_is_said_with_its_slots_filled() {
    for m in ParseMsg::ALL {
        let said = INPUTS.iter().any(|(x, ..)| *x == m)
            || LINKS.iter().any(|(x, _)| *x == m)
            || UNREACHABLE.contains(&m);
        assert!(said, "{m:?} (`{}`) has no input in this test", m.key());
    }
    for &(msg, text, text_os) in INPUTS {
        let p = problem_of(msg, text, text_os);
        let mut names: Vec<&str> = p.args.iter().map(|(k, _)| *k).collect();
        let mut slots = msg.slots().to_vec();
        names.sort_unstable();
        slots.sort_unstable();
        assert_eq!(names, slots, "{msg:?}");
        assert!(!p.message.contains('{'), "{msg:?}: {}", p.message);
        assert_eq!(p.render(None), p.message);
    }
    for &(msg, fragment) in LINKS {
        let e = Permalink::decode(fragment).expect_err(fragment);
        assert_eq!(e.msg(), msg, "{fragment}");
        assert_eq!(e.render(None), e.to_string());
    }
}

#[test]
fn input_is_quoted_as_written() {
    let p = problem_of(ParseMsg::OsUnknown, "os BeOS", O);
    assert_eq!(p.args, vec![("found", "BeOS".to_string())]);
    let p = problem_of(ParseMsg::ClientNotLocal, "client [::ffff:8.8.8.8]:80", O);
    assert_eq!(
        p.message,
        "::ffff:8.8.8.8 is not an address of this host; add it with `iface 8.8.8.8` in the header"
    );
}

#[test]
fn zh_cn_translates_every_message_with_the_same_slots() {
    let c = Translation::<ParseMsg>::read(&content("parse.txt"));
    assert_eq!(c.errors, Vec::<String>::new());
    assert_eq!(c.untranslated, Vec::<ParseMsg>::new(), "not translated");
    assert_eq!(c.translation.len(), ParseMsg::ALL.len());
    let zh = &c.translation;
    zh_words_in_force();
    for &(msg, text, text_os) in INPUTS {
        let p = problem_of(msg, text, text_os);
        let s = p.render(Some(zh));
        assert!(is_cjk(&s) && !s.contains('{'), "{msg:?}: {s}");
        // What the reader wrote is quoted as written (the sockets open are
        // the parser's list, joined in the sentence's language).
        for (_, v) in p.args.iter().filter(|(k, _)| *k != "open") {
            assert!(s.contains(v.as_str()), "{msg:?}: {s} lacks {v}");
        }
    }
    let p = problem_of(
        ParseMsg::EndpointPortOutOfRange,
        "socket A tcp\nbind A 0.0.0.0:99999",
        O,
    );
    assert_eq!(p.render(Some(zh)), "端口 99999 超出范围（0–65535）");
    // A list of names takes the language's comma; the English keeps its own.
    let p = problem_of(
        ParseMsg::NameUnknown,
        "socket B tcp\nsocket C tcp\nsocket D tcp\nlisten A",
        O,
    );
    assert_eq!(
        p.render(Some(zh)),
        "此时没有名为 `A` 的套接字（此时已打开的套接字：B、C、D）"
    );
    assert!(
        p.message.ends_with("(sockets open here: B, C, D)"),
        "{}",
        p.message
    );
    for &(_, fragment) in LINKS {
        let e = Permalink::decode(fragment).expect_err(fragment);
        let s = e.render(Some(zh));
        assert!(is_cjk(&s) && !s.contains('{'), "{fragment}: {s}");
    }
    let e = Permalink::decode("#v1/solaris/0/AA").unwrap_err();
    assert_eq!(
        e.render(Some(zh)),
        "这个链接里的操作系统 `solaris` bindlab 不认识；它认识的是：linux、freebsd、macos 和 windows。"
    );
    // The English is as it was, and without the words in force the
    // Chinese sentence falls back to English's commas, never a raw list.
    assert!(
        e.to_string()
            .ends_with("are linux, freebsd, macos, windows."),
        "{e}"
    );
    bindlab_engine::rules::set_overlay(None);
    let s = e.render(Some(zh));
    assert!(
        s.contains("linux, freebsd, macos, windows") && !s.contains('\u{1f}'),
        "{s}"
    );
}

#[test]
fn zh_cn_translates_the_cheat_sheet() {
    let c = Translation::<CheatsheetMsg>::read(&content("cheatsheet.txt"));
    assert_eq!(c.errors, Vec::<String>::new());
    assert_eq!(
        c.untranslated,
        Vec::<CheatsheetMsg>::new(),
        "not translated"
    );
    let zh = &c.translation;
    for m in CheatsheetMsg::ALL {
        assert!(
            is_cjk(&zh.render(m, &[("n", "3".into()), ("dir", "d".into())])),
            "{m:?}"
        );
    }
    // Technical names and addresses stay as written.
    for s in Situation::ALL {
        for part in s.label().split([' ', ',', ':']) {
            if part.contains('.') || part == "TIME_WAIT" || part == "UDP" {
                assert!(zh.render(s.msg(), &[]).contains(part), "{s:?}: {part}");
            }
        }
    }
    for o in Options::ALL {
        let opt = o.label().split(' ').next().unwrap_or("");
        if opt.starts_with("SO_") {
            assert!(zh.render(o.msg(), &[]).contains(opt), "{o:?}");
        }
    }
}
