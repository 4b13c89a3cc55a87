use super::*;
use crate::os::Os;
use crate::parse;

const TWO_SERVERS: &str = "title It's \"quoted\"\nos linux\niface 192.168.0.1\nsocket A tcp\nset A SO_REUSEADDR\nbind A 0.0.0.0:21\nlisten A\nsocket B tcp\nset B SO_REUSEADDR\nbind B 192.168.0.1:21\nclient 192.168.0.1:21 x3\n";

fn all(text: &str) -> Vec<(Lang, Result<String, ExportError>)> {
    let s = crate::parse(text).unwrap();
    Lang::ALL
        .into_iter()
        .map(|l| (l, export(&s, l, &Options::default())))
        .collect()
}

#[test]
fn the_plan_holds_calls_and_every_oss_prediction() {
    let plan = Plan::new(&crate::parse(TWO_SERVERS).unwrap());
    assert_eq!(plan.title, "It's \"quoted\"");
    assert_eq!(plan.ifaces, ["192.168.0.1"]);
    assert_eq!(
        plan.steps[6].call,
        Call::Bind {
            name: "B".into(),
            host: "192.168.0.1".into(),
            port: Port::Num(21)
        }
    );
    let os: Vec<Os> = plan.predictions.iter().map(|(os, _)| *os).collect();
    assert_eq!(os, Os::ALL);
    let (_, linux) = &plan.predictions[0];
    // Linux: the listening exception; FreeBSD binds.
    assert_eq!(linux[6].result, "EADDRINUSE");
    assert_eq!(linux[7].routes.as_deref(), Some("A=3"));
    assert_eq!(linux[7].candidates, "");
    let (_, freebsd) = &plan.predictions[1];
    assert_eq!(freebsd[6].result, "ok");
    let (_, windows) = &plan.predictions[3];
    assert!(windows
        .iter()
        .all(|p| p.result == "ok" || p.result.starts_with("WSA")));
}

#[test]
fn every_language_writes_the_scenario_on_top_and_each_step_as_a_call() {
    for (lang, program) in all(TWO_SERVERS) {
        let program = program.unwrap_or_else(|e| panic!("{lang}: {e}"));
        let comment = if lang == Lang::Python { "#" } else { "//" };
        assert!(
            program.contains(&format!("{comment} | bind B 192.168.0.1:21\n")),
            "{lang}: the scenario as a comment"
        );
        assert!(
            program.contains(&format!("--lang {}`", lang.id())),
            "{lang}: names its command"
        );
        assert!(
            !program.contains(" | \n"),
            "{lang}: no trailing blanks in the comment"
        );
        // Every step is in the program, in order.
        let mut at = ["STEPS = [", "run_scenario(", "runScenario(", "RunScenario("]
            .iter()
            .find_map(|f| program.find(f))
            .unwrap();
        for step in [
            "socket A tcp",
            "listen A",
            "bind B 192.168.0.1:21",
            "client 192.168.0.1:21 x3",
        ] {
            let needle = c_str(step);
            let found = program[at..]
                .find(&needle)
                .unwrap_or_else(|| panic!("{lang}: step {step}"));
            at += found;
        }
        assert!(program.contains("matched"), "{lang}: prints the tally");
    }
}

#[test]
fn each_language_uses_its_ecosystems_api() {
    let programs: Vec<(Lang, String)> = all(TWO_SERVERS)
        .into_iter()
        .map(|(l, p)| (l, p.unwrap()))
        .collect();
    let get = |l: Lang| &programs.iter().find(|(x, _)| *x == l).unwrap().1;
    assert!(get(Lang::C).contains("#include <sys/socket.h>"));
    assert!(get(Lang::C).contains("setsockopt(s->fd, level, opt, &value, sizeof value)"));
    assert!(get(Lang::Python).contains("lambda: do_bind(\"B\", \"192.168.0.1\", 21)"));
    // A server made in one go is one net.ListenConfig.Listen.
    assert!(get(Lang::Go)
        .contains("r.listenConfig(\"A\", \"tcp4\", \"0.0.0.0\", 21, opt{\"SO_REUSEADDR\", 1})"));
    assert!(get(Lang::Go).contains("net.ListenConfig{"));
    assert!(get(Lang::Rust).contains("r.sock(\"A\")?.set_reuse_address(true)?;"));
    assert!(get(Lang::Node).contains("r.listen(\"A\", \"0.0.0.0\", 21)"));
    assert!(get(Lang::Java).contains("r.serverSocket(\"A\", StandardProtocolFamily.INET)"));
    assert!(get(Lang::Java).contains("StandardSocketOptions.SO_REUSEADDR, true"));
    assert!(get(Lang::CSharp)
        .contains("r.Set(\"A\", SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true)"));
}

#[test]
fn steps_a_language_cannot_express_say_so_at_the_step() {
    let text = "os linux\nsocket A tcp\nbind A 127.0.0.1:80\nsocket B tcp\nset B SO_REUSEPORT\nuser alice\nsocket C tcp6\nset C IPV6_V6ONLY\n";
    let programs: Vec<(Lang, String)> = all(text)
        .into_iter()
        .map(|(l, p)| (l, p.unwrap()))
        .collect();
    let get = |l: Lang| &programs.iter().find(|(x, _)| *x == l).unwrap().1;
    // Node binds only in listen() or connect(), and has no SO_REUSEPORT.
    assert!(get(Lang::Node)
        .contains("r.notExpressible(\"net binds a socket only inside listen() or connect()\")"));
    assert!(get(Lang::Node).contains("r.notExpressible(\"SO_REUSEPORT"));
    assert!(get(Lang::Node).contains("`not expressible in Node: ${why}`"));
    assert!(get(Lang::Java)
        .contains("r.notExpressible(\"IPV6_V6ONLY is not among StandardSocketOptions\")"));
    assert!(
        get(Lang::Java).contains("r.notExpressible(\"a Java program cannot act as another user\")")
    );
    assert!(
        get(Lang::CSharp).contains("r.NotExpressible(\"SocketOptionName has no SO_REUSEPORT\")")
    );
    // C, Python, Go and Rust express every step.
    for l in [Lang::C, Lang::Python, Lang::Go, Lang::Rust] {
        assert!(!get(l).contains("otExpressible("), "{l}");
    }
}

#[test]
fn udp_datagrams_and_joins_in_every_language() {
    let text = "os linux\nsocket A udp\nset A SO_REUSEADDR\nbind A 0.0.0.0:7003\nsocket B udp\nset B SO_REUSEADDR\nbind B 239.1.2.3:7003\njoin A 239.1.2.3\njoin B 239.1.2.3\ndatagram 239.1.2.3:7003 x3\nsocket C udp6\njoin C ff02::1:3\n";
    let s = crate::parse(text).unwrap();
    let plan = Plan::new(&s);
    // The datagram step's prediction: who received how many, the same for every language.
    let linux = &plan.predictions[0].1;
    assert_eq!(linux[8].routes.as_deref(), Some("A=3 B=3"));
    assert!(matches!(plan.steps[10].call, Call::Join { v6: true, .. }));
    let want: [(Lang, &[&str]); 7] = [
        (
            Lang::C,
            &[
                "do_datagram(\"239.1.2.3\", 7003, 3)",
                "do_join(\"A\", \"239.1.2.3\")",
                "IP_ADD_MEMBERSHIP",
                "IPV6_JOIN_GROUP",
                "sendto(",
                "{\"ok\", \"A=3 B=3\", NULL}",
            ],
        ),
        (
            Lang::Python,
            &[
                "do_datagram(\"239.1.2.3\", 7003, 3)",
                "do_join(\"C\", \"ff02::1:3\")",
                "socket.IP_ADD_MEMBERSHIP",
                "(\"ok\", {\"A\": 3, \"B\": 3}, None)",
            ],
        ),
        // A wildcard receiver made in one go is ListenPacket; the one bound to the group is not (Go would bind the wildcard).
        (
            Lang::Go,
            &[
                "r.listenConfig(\"A\", \"udp4\", \"0.0.0.0\", 7003, opt{\"SO_REUSEADDR\", 1})",
                "r.bind(\"B\", \"239.1.2.3\", 7003)",
                "r.datagram(\"239.1.2.3\", 7003, 3)",
                "SetsockoptIPMreq",
                "ptr(\"A=3 B=3\")",
            ],
        ),
        (
            Lang::Rust,
            &[
                "r.datagram(\"239.1.2.3\", 7003, 3)",
                "r.join(\"A\", \"239.1.2.3\")",
                "join_multicast_v4",
                "join_multicast_v6",
                "send_to(",
            ],
        ),
        (
            Lang::Node,
            &[
                "import dgram from \"node:dgram\";",
                "r.socket(\"A\", 4, true)",
                "r.bind(\"A\", \"0.0.0.0\", 7003)",
                "r.datagram(\"239.1.2.3\", 7003, 3)",
                "addMembership(",
            ],
        ),
        (
            Lang::Java,
            &[
                "r.datagramSocket(\"A\", StandardProtocolFamily.INET)",
                "r.datagram(\"239.1.2.3\", 7003, 3, false)",
                "r.join(\"B\", \"239.1.2.3\")",
                "DatagramChannel.open(",
                "MembershipKey",
            ],
        ),
        (
            Lang::CSharp,
            &[
                "r.NewSocket(\"A\", AddressFamily.InterNetwork, true)",
                "r.Datagram(\"239.1.2.3\", 7003, 3)",
                "SocketOptionName.AddMembership",
                "IPv6MulticastOption",
            ],
        ),
    ];
    for (lang, parts) in want {
        let program = export(&s, lang, &Options::default()).unwrap();
        for part in parts {
            assert!(program.contains(part), "{lang} lacks {part}");
        }
    }
}

#[test]
fn ip_multicast_all_where_a_language_has_it_and_said_where_not() {
    // B is on the wildcard and did not join: with IP_MULTICAST_ALL on (Linux's
    // default) it still gets the group's datagrams; the JDK turns it off.
    let text = "os linux\nsocket A udp\nset A SO_REUSEADDR\nbind A 0.0.0.0:7002\njoin A 239.1.2.3\nsocket B udp\nset B SO_REUSEADDR\nbind B 0.0.0.0:7002\ndatagram 239.1.2.3:7002 x2\nset B IP_MULTICAST_ALL off\ndatagram 127.0.0.1:7002\n";
    let s = crate::parse(text).unwrap();
    let plan = Plan::new(&s);
    assert_eq!(
        plan.linux_differs_with_multicast_all_off,
        vec![false, false, false, false, false, false, false, true, false, false]
    );
    let get = |l: Lang| export(&s, l, &Options::default()).unwrap();
    assert!(get(Lang::C).contains("do_set(\"B\", \"IP_MULTICAST_ALL\", 0)"));
    assert!(get(Lang::Go).contains("\"IP_MULTICAST_ALL\": {syscall.IPPROTO_IP, 49}"));
    assert!(get(Lang::Rust).contains("r.set_other(\"B\", \"IP_MULTICAST_ALL\", false)"));
    assert!(get(Lang::Rust).contains("set_multicast_all_v4(on)"));
    let java = get(Lang::Java);
    assert!(java.contains("r.datagram(\"239.1.2.3\", 7002, 2, true)"));
    assert!(java.contains("r.datagram(\"127.0.0.1\", 7002, 1, false)"));
    assert!(java.contains("r.notExpressible(\"IP_MULTICAST_ALL is not among StandardSocketOptions"));
    assert!(get(Lang::Node).contains("r.notExpressible(\"IP_MULTICAST_ALL has no Node option\")"));
    assert!(get(Lang::CSharp)
        .contains("r.NotExpressible(\"SocketOptionName has no IP_MULTICAST_ALL\")"));
}

#[test]
fn language_names_and_java_class_names() {
    for l in Lang::ALL {
        assert_eq!(Lang::from_id(l.id()), Some(l));
        assert_eq!(Lang::from_id(&l.id().to_uppercase()), Some(l));
    }
    assert_eq!(Lang::from_id("js"), Some(Lang::Node));
    assert_eq!(Lang::from_id("c#"), Some(Lang::CSharp));
    assert_eq!(Lang::from_id("cobol"), None);
    assert_eq!(java::class_name(Some("out/Check_1.java")), "Check_1");
    assert_eq!(java::class_name(Some("my-check.java")), "BindlabCheck");
    assert_eq!(java::class_name(Some("1st.java")), "BindlabCheck");
    assert_eq!(java::class_name(None), "BindlabCheck");
    let s = crate::parse("socket A tcp\n").unwrap();
    let opts = Options {
        file_name: Some("Check_1.java".into()),
    };
    assert!(export(&s, Lang::Java, &opts)
        .unwrap()
        .contains("public class Check_1 {"));
}

#[test]
fn go_groups_only_a_server_made_in_one_go() {
    // bind A, bind B, then listen: the listening exception needs them apart.
    let text = "os linux\nsocket A tcp\nsocket B tcp\nbind A 127.0.0.1:80\nbind B 127.0.0.1:81\nlisten A\nlisten B\nsocket C tcp\nbind C 127.0.0.1:82\nlisten C\n";
    let go = export(&crate::parse(text).unwrap(), Lang::Go, &Options::default()).unwrap();
    assert!(go.contains("r.step(4, \"bind A 127.0.0.1:80\", func() outcome { return r.bind(\"A\", \"127.0.0.1\", 80) })"));
    assert!(go.contains("r.group([]int{8, 9, 10}, []string{\"socket C tcp\", \"bind C 127.0.0.1:82\", \"listen C\"}"));
    assert!(go.contains("r.listenConfig(\"C\", \"tcp4\", \"127.0.0.1\", 82)"));
}

#[test]
fn strings_are_escaped_for_every_language() {
    assert_eq!(c_str("a\"b\\c\nd\u{1}é"), "\"a\\\"b\\\\c\\nd\\x01é\"");
    assert_eq!(
        python::py_str("a\"b\\c\nd\u{1}"),
        "\"a\\\"b\\\\c\\nd\\x01\""
    );
    // A title cannot end a comment or a string early in any language.
    let s = crate::parse("title */ \" \\ `${x}`\nsocket A tcp\n").unwrap();
    for l in Lang::ALL {
        let p = export(&s, l, &Options::default()).unwrap();
        assert!(p.contains("*/ \\\" \\\\ `${x}`\""), "{l}");
    }
}

#[test]
fn milliseconds_read_as_seconds() {
    assert_eq!(seconds(70_000), "70");
    assert_eq!(seconds(1_500), "1.5");
    assert_eq!(seconds(5), "0.005");
    assert_eq!(seconds(0), "0");
}

#[test]
fn predictions_read_back_as_written() {
    let udp = "os linux\nsocket A udp\nset A SO_REUSEADDR\nbind A 0.0.0.0:5000\nsocket B udp\nset B SO_REUSEADDR\nbind B 0.0.0.0:5000\njoin A 239.1.2.3\ndatagram 239.1.2.3:5000 x2\n";
    for text in [TWO_SERVERS, udp] {
        let s = parse(text).unwrap();
        let p = Predictions::new(&s);
        assert_eq!(Predictions::decode(&p.encode()), Ok(p.clone()), "{text}");
        // What the generators' module gets is what the CLI computes.
        assert_eq!(Plan::with(&s, p), Plan::new(&s));
    }
    // Some prediction is checked with no routes, one has none checked.
    let p = Predictions::new(&parse(TWO_SERVERS).unwrap());
    let routes: Vec<_> = p.per_os[0].1.iter().map(|x| x.routes.clone()).collect();
    assert!(
        routes.contains(&None)
            && routes
                .iter()
                .any(|r| r.as_deref().is_some_and(|r| !r.is_empty())),
        "{routes:?}"
    );
}

#[test]
fn damaged_predictions_say_why() {
    assert!(Predictions::decode("").unwrap_err().contains("differs"));
    assert!(Predictions::decode("differs 0\nos plan9\n")
        .unwrap_err()
        .contains("plan9"));
    assert!(Predictions::decode("differs 0\nok\t-\t\n")
        .unwrap_err()
        .contains("before any"));
    assert!(Predictions::decode("differs 0\nos linux\nok\t-\n")
        .unwrap_err()
        .contains("three fields"));
}
