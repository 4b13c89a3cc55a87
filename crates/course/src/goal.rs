//! Challenge goals: requirements checked on the final state of the learner's
//! scenario, so any valid solution passes. Each failure says which
//! requirement failed and shows the step or client that shows it.
//!
//! ```text
//! no-errors                          every step succeeds
//! listening 0.0.0.0:8080 >= 2        listeners bound exactly there (>=, ==, <=)
//! client 127.0.0.1:8888 -> server    a new client now reaches `server` (and only it)
//! client 127.0.0.1:8888 !-> tool     a new client can never reach `tool`
//! step "bind B 127.0.0.1:80" => ok   that step (as printed) gives that result
//! step "bind T 127.0.0.1:80" => any  that step is still there, whatever it gives
//! connected 127.0.0.1:5555 >= 2      connected sockets with that local address
//! datagram 239.1.2.3:5353 -> A       a new datagram surely reaches `A` (alone, or a copy)
//! datagram 127.0.0.1:5353 !-> B      a new datagram can never reach `B`
//! forbid wait                        no step of that kind (e.g. no waiting it out)
//! ```

use std::net::IpAddr;

use bindlab_engine::addr::SockAddr;
use bindlab_engine::host::{Host, State};
use bindlab_engine::lists::{self, Joint};
use bindlab_engine::messages;
use bindlab_engine::os::{Delivery, Route};
use bindlab_engine::print::step_text;
use bindlab_engine::{host_after, parse, run, Os, Outcome};

include!(concat!(env!("OUT_DIR"), "/goal.rs"));

/// One requirement's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub requirement: String,
    pub met: bool,
    /// Why, naming the concrete step or client, in English: `msg` filled
    /// with `args`.
    pub detail: String,
    /// The message (`src/goal.txt`) and its slots' values, for a
    /// translated `detail` (`messages::render`).
    pub msg: GoalMsg,
    pub args: Vec<(&'static str, String)>,
}

/// A verdict's message and slot values.
type Said = (GoalMsg, Vec<(&'static str, String)>);

fn say(msg: GoalMsg, args: &[(&'static str, &dyn std::fmt::Display)]) -> Said {
    (msg, args.iter().map(|(k, v)| (*k, v.to_string())).collect())
}

fn endpoint(s: &str) -> Result<SockAddr, String> {
    let (a, p) = s
        .rsplit_once(':')
        .ok_or_else(|| format!("expected ADDR:PORT, found `{s}`"))?;
    let ip: IpAddr = a
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .map_err(|_| format!("`{a}` is not an address"))?;
    let port: u16 = p.parse().map_err(|_| format!("`{p}` is not a port"))?;
    Ok(SockAddr::new(ip, port))
}

/// "At least 2 sockets listen": a count requirement in words.
fn how_many(cmp: &str, n: &str, one: &str, many: &str) -> String {
    let how = match cmp {
        ">=" => "At least",
        "<=" => "At most",
        _ => "Exactly",
    };
    format!("{how} {n} {}", if n == "1" { one } else { many })
}

/// A requirement as the checklist shows it, in words.
pub fn describe(req: &str) -> String {
    let words: Vec<&str> = req.split_whitespace().collect();
    match words.as_slice() {
        ["no-errors"] => "Every step succeeds.".into(),
        ["listening", ep, cmp, n] => {
            format!(
                "{} on {ep}.",
                how_many(cmp, n, "socket listens", "sockets listen")
            )
        }
        ["client", ep, "->", name] => {
            format!("A new client of {ep} reaches {name}, and only {name}.")
        }
        ["client", ep, "!->", name] => format!("A new client of {ep} can never reach {name}."),
        ["connected", ep, cmp, n] => format!(
            "{} connected from {ep}.",
            how_many(cmp, n, "socket is", "sockets are")
        ),
        ["forbid", kw] => format!("No `{kw}` step."),
        ["datagram", ep, "->", name] => {
            format!("A new datagram to {ep} is sure to reach {name}.")
        }
        ["datagram", ep, "!->", name] => {
            format!("A new datagram to {ep} can never reach {name}.")
        }
        ["step", ..] => match req["step".len()..].trim().rsplit_once("=>") {
            Some((text, result)) => {
                let text = text.trim().trim_matches('"');
                match result.trim() {
                    "ok" => format!("`{text}` succeeds."),
                    "any" => format!("`{text}` is still there (whatever it returns)."),
                    r => format!("`{text}` fails with {r}."),
                }
            }
            None => req.to_string(),
        },
        _ => req.to_string(),
    }
}

/// Checks `text` (the learner's scenario) on `os` against `requirements`.
/// `Err` means the text does not parse or a requirement is malformed.
pub fn check(text: &str, os: Os, requirements: &[String]) -> Result<Vec<Verdict>, String> {
    let scenario = parse(text).map_err(|ps| format!("the scenario does not parse: {}", ps[0]))?;
    let report = run(&scenario, os);
    let host: Host = host_after(&scenario, os, scenario.steps.len());
    let mut out = Vec::new();
    for req in requirements {
        let words: Vec<&str> = req.split_whitespace().collect();
        let verdict = match words.as_slice() {
            ["no-errors"] => match scenario
                .steps
                .iter()
                .zip(&report.steps)
                .find(|(_, r)| !r.is_ok())
            {
                None => (true, say(GoalMsg::NoErrorsMet, &[])),
                Some((st, r)) => {
                    let (line, step) = (&st.line, &step_text(&st.kind));
                    let said = match &r.why {
                        Some(why) => say(
                            GoalMsg::NoErrorsFailedWhy,
                            &[
                                ("line", line),
                                ("step", step),
                                ("result", &r.result_name()),
                                ("why", why),
                            ],
                        ),
                        None => say(
                            GoalMsg::NoErrorsFailed,
                            &[("line", line), ("step", step), ("result", &r.result_name())],
                        ),
                    };
                    (false, said)
                }
            },
            [kind @ ("listening" | "connected"), ep, cmp, n] => {
                let ep = endpoint(ep)?;
                let n: usize = n.parse().map_err(|_| format!("`{n}` is not a number"))?;
                let names: Vec<&str> = if *kind == "listening" {
                    host.listeners(ep.port)
                        .into_iter()
                        .filter(|s| s.local() == Some(ep))
                        .map(|s| s.label())
                        .collect()
                } else {
                    host.sockets()
                        .filter(|s| s.state() == State::Connected && s.local() == Some(ep))
                        .map(|s| s.label())
                        .collect()
                };
                let ok = match *cmp {
                    ">=" => names.len() >= n,
                    "==" => names.len() == n,
                    "<=" => names.len() <= n,
                    other => return Err(format!("expected >=, == or <=, found `{other}`")),
                };
                let msg = match (*kind == "listening", names.is_empty()) {
                    (true, true) => GoalMsg::ListeningNone,
                    (true, false) => GoalMsg::ListeningSome,
                    (false, true) => GoalMsg::ConnectedNone,
                    (false, false) => GoalMsg::ConnectedSome,
                };
                (
                    ok,
                    say(
                        msg,
                        &[
                            ("n", &names.len()),
                            ("ep", &ep),
                            ("names", &lists::value(&names, Joint::And)),
                        ],
                    ),
                )
            }
            ["client", ep, arrow @ ("->" | "!->"), name] => {
                let ep = endpoint(ep)?;
                let src = SockAddr::new("203.0.113.200".parse().map_err(|_| "literal")?, 45000);
                let route = os.rules().route(&host, src, ep);
                let (takers, undefined): (Vec<String>, bool) = match &route {
                    Route::To { listener, .. } => {
                        (vec![host.socket(*listener).label().to_string()], false)
                    }
                    Route::Group { members, .. } => (
                        members
                            .iter()
                            .map(|m| host.socket(*m).label().to_string())
                            .collect(),
                        false,
                    ),
                    Route::Undefined { candidates, .. } => (
                        candidates
                            .iter()
                            .map(|m| host.socket(*m).label().to_string())
                            .collect(),
                        true,
                    ),
                    Route::Refused { .. } | Route::Dropped { .. } => (Vec::new(), false),
                };
                let can_reach = takers.iter().any(|t| t == name);
                let msg = match (&route, undefined) {
                    (Route::Refused { .. }, _) => GoalMsg::ClientRefused,
                    (Route::Dropped { .. }, _) => GoalMsg::ClientDropped,
                    (_, true) => GoalMsg::ClientUndefined,
                    _ if takers.len() > 1 => GoalMsg::ClientAnyOf,
                    _ => GoalMsg::ClientReaches,
                };
                let shown = say(
                    msg,
                    &[("ep", &ep), ("names", &lists::value(&takers, Joint::And))],
                );
                let ok = if *arrow == "->" {
                    can_reach && takers.len() == 1
                } else {
                    !can_reach
                };
                (ok, shown)
            }
            ["datagram", ep, arrow @ ("->" | "!->"), name] => {
                let ep = endpoint(ep)?;
                // As the host delivers it: a v4-mapped address is its IPv4 form.
                let ep = SockAddr::new(bindlab_engine::addr::unmap(ep.ip), ep.port);
                let src = SockAddr::new("203.0.113.200".parse().map_err(|_| "literal")?, 45000);
                let label = |id| host.socket(id).label().to_string();
                // Who is sure to get it, and who may.
                let dropped = || say(GoalMsg::DatagramDropped, &[("ep", &ep)]);
                let among = |msg, names: &[String]| {
                    say(msg, &[("ep", &ep), ("names", &lists::value(names, Joint::And))])
                };
                let (sure, may, shown): (Vec<String>, Vec<String>, Said) =
                    match os.rules().deliver(&host, src, ep) {
                        Delivery::To { sock, .. } => {
                            let n = label(sock);
                            let shown = say(GoalMsg::DatagramReaches, &[("ep", &ep), ("name", &n)]);
                            (vec![n.clone()], vec![n], shown)
                        }
                        Delivery::Copies { socks, .. } if socks.is_empty() => {
                            (Vec::new(), Vec::new(), dropped())
                        }
                        Delivery::Copies { socks, .. } => {
                            let names: Vec<String> = socks.into_iter().map(label).collect();
                            let shown = among(GoalMsg::DatagramCopies, &names);
                            (names.clone(), names, shown)
                        }
                        Delivery::Group { members, .. } => {
                            let names: Vec<String> = members.iter().copied().map(label).collect();
                            let shown = among(GoalMsg::DatagramHash, &names);
                            (Vec::new(), names, shown)
                        }
                        Delivery::Undefined { candidates, .. } => {
                            let names: Vec<String> = candidates.iter().copied().map(label).collect();
                            let shown = among(GoalMsg::DatagramUndefined, &names);
                            (Vec::new(), names, shown)
                        }
                        Delivery::Dropped { .. } => (Vec::new(), Vec::new(), dropped()),
                    };
                let ok = if *arrow == "->" {
                    sure.iter().any(|n| n == name)
                } else {
                    !may.iter().any(|n| n == name)
                };
                (ok, shown)
            }
            ["step", ..] => {
                let (quoted, result) = req["step".len()..]
                    .trim()
                    .rsplit_once("=>")
                    .ok_or("expected step \"TEXT\" => RESULT")?;
                let want_text = quoted.trim().trim_matches('"');
                let want = result.trim();
                match scenario
                    .steps
                    .iter()
                    .zip(&report.steps)
                    .rev()
                    .find(|(st, _)| step_text(&st.kind) == want_text)
                {
                    None => (false, say(GoalMsg::StepMissing, &[("step", &want_text)])),
                    Some((st, r)) => (
                        want == "any" || Outcome::from_name(os, want) == Some(r.result),
                        say(
                            GoalMsg::StepGives,
                            &[
                                ("line", &st.line),
                                ("step", &want_text),
                                ("result", &r.result_name()),
                            ],
                        ),
                    ),
                }
            }
            ["forbid", kw] => match scenario
                .steps
                .iter()
                .find(|st| step_text(&st.kind).split_whitespace().next() == Some(*kw))
            {
                None => (true, say(GoalMsg::ForbidMet, &[("kw", kw)])),
                Some(st) => (
                    false,
                    say(
                        GoalMsg::ForbidFound,
                        &[("line", &st.line), ("step", &step_text(&st.kind))],
                    ),
                ),
            },
            _ => {
                return Err(format!(
                    "unknown requirement `{req}` (no-errors, listening, connected, client, datagram, step, forbid)"
                ))
            }
        };
        let (met, (msg, args)) = verdict;
        out.push(Verdict {
            requirement: req.clone(),
            met,
            detail: messages::english(msg, &args),
            msg,
            args,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reqs(r: &[&str]) -> Vec<String> {
        r.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn two_different_valid_solutions_pass_and_a_wrong_one_names_its_failure() {
        let goal = reqs(&["listening 0.0.0.0:8080 >= 2", "no-errors"]);
        let a = "socket A tcp\nset A SO_REUSEPORT\nbind A 0.0.0.0:8080\nlisten A\nsocket B tcp\nset B SO_REUSEPORT\nbind B 0.0.0.0:8080\nlisten B\n";
        let b = "user web\nsocket X tcp6\nset X IPV6_V6ONLY\nsocket Y tcp\nset X SO_REUSEPORT\nset Y SO_REUSEPORT\nbind Y 0.0.0.0:8080\nlisten Y\nsocket Z tcp\nset Z SO_REUSEPORT\nbind Z 0.0.0.0:8080\nlisten Z\n";
        for sol in [a, b] {
            assert!(
                check(sol, Os::Linux, &goal).unwrap().iter().all(|v| v.met),
                "{sol}"
            );
        }
        let wrong = "socket A tcp\nset A SO_REUSEADDR\nbind A 0.0.0.0:8080\nlisten A\nsocket B tcp\nset B SO_REUSEADDR\nbind B 0.0.0.0:8080\nlisten B\n";
        let v = check(wrong, Os::Linux, &goal).unwrap();
        assert!(
            !v[0].met && v[0].detail == "1 listening on 0.0.0.0:8080: A",
            "{v:?}"
        );
        assert!(
            !v[1].met
                && v[1]
                    .detail
                    .starts_with("line 7: `bind B 0.0.0.0:8080` gives EADDRINUSE"),
            "{v:?}"
        );
    }

    #[test]
    fn windows_undefined_routing_does_not_count_as_reaching() {
        let goal = reqs(&["client 127.0.0.1:8888 -> server"]);
        let shared = "os windows\nsocket server tcp\nset server SO_REUSEADDR\nbind server 127.0.0.1:8888\nlisten server\nsocket tool tcp\nset tool SO_REUSEADDR\nbind tool 127.0.0.1:8888\nlisten tool\n";
        let v = &check(shared, Os::Windows, &goal).unwrap()[0];
        assert!(!v.met && v.detail.contains("undefined"), "{v:?}");
        let exclusive = shared.replace("set server SO_REUSEADDR", "set server SO_EXCLUSIVEADDRUSE");
        assert!(check(&exclusive, Os::Windows, &goal).unwrap()[0].met);
    }

    #[test]
    fn connected_forbid_and_any() {
        let text = "socket S tcp\nbind S 127.0.0.1:9000\nlisten S\nsocket T tcp\nbind T 127.0.0.1:9001\nlisten T\nsocket C1 tcp\nset C1 SO_REUSEADDR\nbind C1 127.0.0.1:5555\nsocket C2 tcp\nset C2 SO_REUSEADDR\nbind C2 127.0.0.1:5555\nconnect C1 127.0.0.1:9000\nconnect C2 127.0.0.1:9001\n";
        let goal = reqs(&[
            "connected 127.0.0.1:5555 >= 2",
            "forbid wait",
            "step \"bind C2 127.0.0.1:5555\" => any",
        ]);
        let v = check(text, Os::Linux, &goal).unwrap();
        assert!(v.iter().all(|v| v.met), "{v:?}");
        let same_server = text.replace("connect C2 127.0.0.1:9001", "connect C2 127.0.0.1:9000");
        let v = check(&same_server, Os::Linux, &goal).unwrap();
        assert_eq!(v[0].detail, "1 connected on 127.0.0.1:5555: C1");
        let waited = format!("{text}wait 1s\n");
        let v = check(&waited, Os::Linux, &goal).unwrap();
        assert!(!v[1].met && v[1].detail == "line 15: `wait 1s`", "{v:?}");
        let gone = text.replace("bind C2 127.0.0.1:5555\n", "");
        assert!(!check(&gone, Os::Linux, &goal).unwrap()[2].met);
    }

    #[test]
    fn requirements_read_as_sentences() {
        assert_eq!(
            describe("listening 0.0.0.0:8080 >= 2"),
            "At least 2 sockets listen on 0.0.0.0:8080."
        );
        assert_eq!(
            describe("listening 127.0.0.1:80 == 1"),
            "Exactly 1 socket listens on 127.0.0.1:80."
        );
        assert_eq!(
            describe("client 127.0.0.1:8888 !-> tool"),
            "A new client of 127.0.0.1:8888 can never reach tool."
        );
        assert_eq!(
            describe("step \"accept S a\" => ok"),
            "`accept S a` succeeds."
        );
        assert_eq!(
            describe("step \"bind B 0.0.0.0:80\" => EADDRINUSE"),
            "`bind B 0.0.0.0:80` fails with EADDRINUSE."
        );
    }

    /// Every kind of detail, from real scenarios, in zh-CN (the
    /// translation in content/zh-CN/goal.txt): every slot filled, no
    /// English left; the English is the `detail`.
    #[test]
    fn every_detail_renders_in_zh_cn() {
        let zh =
            messages::Translation::<GoalMsg>::read(include_str!("../../../content/zh-CN/goal.txt"));
        assert_eq!(zh.errors, Vec::<String>::new());
        assert_eq!(zh.untranslated, Vec::<GoalMsg>::new());
        let zh = zh.translation;
        // The zh-CN words in force, as on a zh-CN page: a list's 「、」 and 「和」.
        let words = bindlab_engine::overlay_json::read(
            "[]",
            include_str!("../../../content/zh-CN/words.json"),
        );
        bindlab_engine::rules::set_overlay(Some(std::rc::Rc::new(words.overlay)));
        let listen = "socket A tcp\nbind A 127.0.0.1:80\nlisten A\n";
        let udp = "socket A udp\nbind A 127.0.0.1:53\nsocket B udp\nbind B 127.0.0.1:53\n";
        let cases: &[(&str, Os, &str, GoalMsg, &str)] = &[
            (
                listen,
                Os::Linux,
                "no-errors",
                GoalMsg::NoErrorsMet,
                "每一步都成功了",
            ),
            (
                udp,
                Os::Linux,
                "no-errors",
                GoalMsg::NoErrorsFailedWhy,
                "第 4 行：`bind B 127.0.0.1:53` 的结果是 EADDRINUSE——",
            ),
            (
                listen,
                Os::Linux,
                "listening 127.0.0.1:80 >= 1",
                GoalMsg::ListeningSome,
                "127.0.0.1:80 上有 1 个套接字在监听：A",
            ),
            (
                listen,
                Os::Linux,
                "listening 127.0.0.1:81 == 0",
                GoalMsg::ListeningNone,
                "127.0.0.1:81 上有 0 个套接字在监听",
            ),
            (
                listen,
                Os::Linux,
                "connected 127.0.0.1:80 >= 1",
                GoalMsg::ConnectedNone,
                "127.0.0.1:80 上有 0 个已连接的套接字",
            ),
            (
                listen,
                Os::Linux,
                "client 127.0.0.1:80 -> A",
                GoalMsg::ClientReaches,
                "连接 127.0.0.1:80 的客户端到达 A",
            ),
            (
                listen,
                Os::Linux,
                "client 127.0.0.1:81 -> A",
                GoalMsg::ClientRefused,
                "连接 127.0.0.1:81 的客户端被拒绝：没有监听套接字接受它",
            ),
            (
                "socket A udp\nbind A 127.0.0.1:53\n",
                Os::Linux,
                "datagram 127.0.0.1:53 -> A",
                GoalMsg::DatagramReaches,
                "发往 127.0.0.1:53 的数据报到达 A",
            ),
            (
                listen,
                Os::Linux,
                "datagram 127.0.0.1:53 !-> A",
                GoalMsg::DatagramDropped,
                "发往 127.0.0.1:53 的数据报被丢弃：没有套接字接收它",
            ),
            (
                listen,
                Os::Linux,
                "step \"bind A 127.0.0.1:80\" => ok",
                GoalMsg::StepGives,
                "第 2 行：`bind A 127.0.0.1:80` 的结果是 ok",
            ),
            (
                listen,
                Os::Linux,
                "step \"bind B 127.0.0.1:80\" => ok",
                GoalMsg::StepMissing,
                "场景里没有 `bind B 127.0.0.1:80` 这一步",
            ),
            (
                listen,
                Os::Linux,
                "forbid wait",
                GoalMsg::ForbidMet,
                "没有 `wait` 步骤",
            ),
            (
                listen,
                Os::Linux,
                "forbid listen",
                GoalMsg::ForbidFound,
                "第 3 行：`listen A`",
            ),
        ];
        for (text, os, req, msg, says) in cases {
            let v = &check(text, *os, &reqs(&[req])).unwrap()[0];
            assert_eq!(v.msg, *msg, "{req}: {v:?}");
            assert_eq!(v.detail, messages::english(v.msg, &v.args));
            let said = zh.render(v.msg, &v.args);
            assert!(said.starts_with(says), "{req}: {said}");
            assert!(!said.contains('{'), "{said}");
        }
        // Windows: two SO_REUSEADDR listeners, the choice undefined.
        let shared = "os windows\nsocket server tcp\nset server SO_REUSEADDR\nbind server 127.0.0.1:8888\nlisten server\nsocket tool tcp\nset tool SO_REUSEADDR\nbind tool 127.0.0.1:8888\nlisten tool\n";
        let v = &check(
            shared,
            Os::Windows,
            &reqs(&["client 127.0.0.1:8888 -> server"]),
        )
        .unwrap()[0];
        assert_eq!(v.msg, GoalMsg::ClientUndefined);
        assert_eq!(
            zh.render(v.msg, &v.args),
            "连接 127.0.0.1:8888 的客户端可能到达 server 和 tool 中的任意一个（操作系统未定义到达哪一个）"
        );
        assert_eq!(
            v.detail,
            "a client to 127.0.0.1:8888 may reach any of server, tool (the OS leaves it undefined)"
        );
        // Multicast: a copy each.
        let group = "socket A udp\nset A SO_REUSEADDR\nbind A 239.1.2.3:5000\njoin A 239.1.2.3\nsocket B udp\nset B SO_REUSEADDR\nbind B 239.1.2.3:5000\njoin B 239.1.2.3\n";
        let v = &check(group, Os::Linux, &reqs(&["datagram 239.1.2.3:5000 -> A"])).unwrap()[0];
        assert_eq!(v.msg, GoalMsg::DatagramCopies, "{v:?}");
        assert_eq!(
            zh.render(v.msg, &v.args),
            "发往 239.1.2.3:5000 的数据报，B 和 A 各收到一份副本"
        );
        // Three listeners: 「、」 between them, 「和」 before the last.
        let three: String = ["A", "B", "C"]
            .map(|n| {
                format!("socket {n} tcp\nset {n} SO_REUSEPORT\nbind {n} 127.0.0.1:80\nlisten {n}\n")
            })
            .concat();
        let v = &check(&three, Os::Linux, &reqs(&["listening 127.0.0.1:80 >= 3"])).unwrap()[0];
        assert_eq!(v.detail, "3 listening on 127.0.0.1:80: A, B, C", "{v:?}");
        assert_eq!(
            zh.render(v.msg, &v.args),
            "127.0.0.1:80 上有 3 个套接字在监听：A、B 和 C"
        );
    }

    #[test]
    fn malformed_requirements_are_errors() {
        assert!(check("socket A tcp\n", Os::Linux, &reqs(&["frobnicate"])).is_err());
        assert!(check(
            "socket A tcp\n",
            Os::Linux,
            &reqs(&["listening nowhere >= 1"])
        )
        .is_err());
        assert!(check("socket A sctp\n", Os::Linux, &reqs(&["no-errors"])).is_err());
    }
}
