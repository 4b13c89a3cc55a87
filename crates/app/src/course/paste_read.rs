//! What the paste page shows, read from its five inputs: the table read by
//! `bindlab-sockets`, the port's sockets as a picture, the answers for each
//! option set, the advice and the scenario (`course/paste.rs` shows it).

use std::net::SocketAddr;
use std::rc::Rc;

use bindlab_engine::Os;
use bindlab_sockets::paste::{read_table, Pasted};
use bindlab_sockets::{
    ask_in, datagram_to, options_shown_on, picture_of, rebuild_mismatches_in, receivers_in,
    scenario, title, Question, SocketsMsg, State, Tables,
};

use super::paste_answers::Read;
use crate::i18n::{Tr, T};

/// Everything the page shows, from the five inputs. `udp`: the protocol
/// asked about; `None` is TCP unless the table has only UDP sockets.
/// The address the reader asks about: `ADDR:PORT` or `[V6]:PORT`, and the
/// shorthands people type, a bare port or `:PORT` (the IPv4 wildcard, as
/// an empty box asks) and `localhost:PORT` (127.0.0.1).
fn asked_address(text: &str) -> Option<SocketAddr> {
    let t = text.trim();
    if let Ok(a) = t.parse() {
        return Some(a);
    }
    let port = |p: &str| p.parse::<u16>().ok();
    if let Some(p) = port(t.strip_prefix(':').unwrap_or(t)) {
        return Some(SocketAddr::from(([0, 0, 0, 0], p)));
    }
    let p = t.strip_prefix("localhost:").and_then(port)?;
    Some(SocketAddr::from(([127, 0, 0, 1], p)))
}

pub(super) fn read(
    tr: &Tr,
    text: &str,
    os: Option<Os>,
    udp: Option<bool>,
    bind: &str,
    user: &str,
) -> Result<Rc<Read>, String> {
    if text.trim().is_empty() {
        return Err(String::new());
    }
    let say = |m: SocketsMsg, a: &[(&str, String)]| tr.sockets(m, a);
    let pasted: Pasted = read_table(text).map_err(|p| p.said(&say))?;
    let os = os.unwrap_or(pasted.os);
    let udp = udp.unwrap_or_else(|| pasted.sockets.iter().all(|s| s.udp));
    let bind: SocketAddr = if bind.trim().is_empty() {
        let port = pasted
            .sockets
            .iter()
            .find(|s| s.udp == udp && matches!(s.state, State::Listen | State::Bound))
            .or_else(|| pasted.sockets.iter().find(|s| s.udp == udp))
            .unwrap_or(&pasted.sockets[0])
            .local
            .port();
        SocketAddr::from(([0, 0, 0, 0], port))
    } else {
        asked_address(bind).ok_or_else(|| tr.f(T::PasteNotAnAddress, &[("bind", bind.trim())]))?
    };
    let user = if user.trim().is_empty() {
        "me"
    } else {
        user.trim()
    };
    let p = picture_of(&pasted.sockets, os, bind.port(), None, udp);
    let q = Question {
        bind,
        user: user.to_string(),
    };
    // The host after the table, built once for the answers and the check.
    let tables = Tables::new(&p, user);
    let answers = ask_in(&tables, &q);
    // UDP: who receives a datagram to the address now, each assumption.
    let now = match datagram_to(bind).filter(|_| udp && !p.sockets.is_empty()) {
        Some(to) => {
            let sets: &[Option<bool>] = if p.unknowns {
                &[Some(false), Some(true)]
            } else {
                &[None]
            };
            sets.iter()
                .filter_map(|a| receivers_in(&tables, a.unwrap_or(false), to).map(|d| (*a, d)))
                .collect()
        }
        None => Vec::new(),
    };
    let wrong = rebuild_mismatches_in(&tables);
    drop(tables);
    // Only "options off" failed, and the failures show options were on.
    let needs_options = matches!(&wrong[..], [(Some(false), m)] if options_shown_on(&p, m));
    let rebuilt = wrong
        .into_iter()
        .map(|(a, wrong)| (a, wrong.iter().map(|m| sentence(&m.said(&say))).collect()))
        .collect();
    let advice = bindlab_sockets::advice_in(&p, &answers, &say);
    let first = bindlab_sockets::option_sets(os)[0].1;
    // The scenario's title in the page's language (a translated scenario
    // changes its title only).
    let text = scenario(&p, user, false, Some((&q, first))).replacen(
        &title(bind.port(), &bindlab_sockets::english),
        &title(bind.port(), &say),
        1,
    );
    let sockets = p
        .sockets
        .iter()
        .map(|(n, s)| (n.clone(), (*s).clone()))
        .collect();
    Ok(Rc::new(Read {
        os,
        tool: pasted.tool,
        detected: pasted.os,
        tcp: pasted.sockets.iter().filter(|s| !s.udp).count(),
        udp_total: pasted.sockets.iter().filter(|s| s.udp).count(),
        udp,
        now,
        skipped: pasted.skipped,
        unreadable: pasted
            .unreadable
            .iter()
            .map(|p| sentence(&p.said(&say)))
            .collect(),
        bind,
        sockets,
        unknowns: p.unknowns,
        rebuilt,
        needs_options,
        v6only_taken: p.v6only_taken.clone(),
        stand_in_peers: bindlab_sockets::stand_in_peers(&p),
        answers,
        advice,
        scenario: text,
    }))
}

/// `e` with an ASCII capital first (the reader's errors are the CLI's,
/// which start in lower case after `bindlab: `).
pub(super) fn sentence(e: &str) -> String {
    let mut s = e.to_string();
    if let Some(first) = s.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const SS: &str = "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0      4096   0.0.0.0:8080       0.0.0.0:*\n";

    /// A UDP bind to port 0 or a broadcast address is answered (the page
    /// had no verdict for it and advised waiting for TIME_WAITs).
    #[test]
    fn a_udp_bind_with_no_datagram_to_send_is_answered() {
        let tr = Tr::english();
        let table = "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nUNCONN 0 0 0.0.0.0:5000 0.0.0.0:* users:((\"dns\",pid=7,fd=3))\n";
        for bind in ["0.0.0.0:0", "255.255.255.255:7777"] {
            let Ok(r) = read(&tr, table, Some(Os::Linux), None, bind, "me") else {
                panic!("the table reads")
            };
            assert!(r.udp);
            assert!(r.now.is_empty(), "{bind}: no datagram to ask about");
            assert!(
                r.answers.iter().all(|a| a.works()),
                "{bind}: {:?}",
                r.answers
            );
            assert_eq!(r.advice, "nothing to change: the bind works as it is.");
        }
    }

    #[test]
    fn a_bad_address_is_said_in_the_pages_language() {
        let tr = Tr::english();
        assert!(matches!(read(&tr, "  ", None, None, "", "me"), Err(e) if e.is_empty()));
        let e = read(&tr, SS, None, None, "80800", "me").err();
        assert_eq!(
            e.as_deref(),
            Some("“80800” is not an address and port: write it as 0.0.0.0:8080 or [::]:8080")
        );
        // What people type: a bare port, `:PORT`, `localhost:PORT`.
        for (typed, asked) in [
            ("8080", "0.0.0.0:8080"),
            (" :8080 ", "0.0.0.0:8080"),
            ("localhost:8080", "127.0.0.1:8080"),
            ("[::1]:8080", "[::1]:8080"),
        ] {
            let r = read(&tr, SS, None, None, typed, "me").map(|r| r.bind.to_string());
            assert_eq!(r.ok().as_deref(), Some(asked), "{typed}");
        }
        for typed in ["localhost", "host:8080", "8080:", "localhost:99999"] {
            assert!(read(&tr, SS, None, None, typed, "me").is_err(), "{typed}");
        }
        let port = read(&tr, SS, None, None, "", "me").map(|r| r.bind.port());
        assert_eq!(port.ok(), Some(8080));
    }

    /// The sentences of `bindlab-sockets` in the page's language: a table
    /// that cannot be read, the advice, the scenario's title; the English
    /// as the crate says it.
    #[test]
    fn the_tables_sentences_are_said_in_the_pages_language() {
        let en = Tr::english();
        let zh = crate::test_support::zh_with_messages("sockets.txt");
        assert_eq!(
            read(&zh, "hello", None, None, "", "me").err().as_deref(),
            Some("这看起来不像套接字表：请粘贴 `ss -tanpe`（Linux）、`netstat -ano`（Windows）、`lsof -nP -i` 或 `netstat -an`（macOS）、`sockstat -46`（FreeBSD）的输出，包括表头那一行")
        );
        assert_eq!(
            read(&en, "hello", None, None, "", "me").err(),
            bindlab_sockets::paste::parse_table("hello").err()
        );
        let (Ok(e), Ok(z)) = (
            read(&en, SS, Some(Os::Linux), None, "0.0.0.0:8080", "me"),
            read(&zh, SS, Some(Os::Linux), None, "0.0.0.0:8080", "me"),
        ) else {
            panic!("the table reads")
        };
        assert!(
            e.advice.starts_with("sock is a running server on this port: stop it, or use another port. (SO_REUSEPORT on the new socket would let it bind only if that server set it too"),
            "{}",
            e.advice
        );
        assert_eq!(
            z.advice,
            "sock 是这个端口上正在运行的服务器：停止它，或者换一个端口。（只有那个服务器也设置了 SO_REUSEPORT，新套接字设置 SO_REUSEPORT 才能绑定成功，而任何表都显示不出它设置了没有；那样的话两者还会分摊这个端口的客户端。）"
        );
        assert!(e
            .scenario
            .starts_with("title The sockets on port 8080 of this host\n"));
        assert!(z
            .scenario
            .starts_with("title 这台主机端口 8080 上的套接字\n"));
        assert_eq!(
            e.scenario.lines().skip(1).collect::<Vec<_>>(),
            z.scenario.lines().skip(1).collect::<Vec<_>>()
        );
    }
}
