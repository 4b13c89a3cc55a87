//! The parser's messages: every problem, at its line and column, naming what
//! was expected and what was found.

use bindlab_engine::{parse, print, Problem};

fn problems(text: &str) -> Vec<String> {
    parse(text)
        .err()
        .unwrap_or_default()
        .iter()
        .map(Problem::to_string)
        .collect()
}

#[test]
fn reports_every_problem_with_line_and_column() {
    let text = "os linux\nsocket A tcp\nbind A 0.0.0.0:99999\nlisten B\nfrobnicate A\n";
    let p = problems(text);
    assert_eq!(p.len(), 3, "{p:?}");
    assert_eq!(p[0], "3:16: port 99999 is out of range (0–65535)");
    assert!(
        p[1].starts_with("4:8: no socket named `B` exists at this point (sockets open here: A)"),
        "{}",
        p[1]
    );
    assert!(
        p[2].starts_with("5:1: expected a step (socket, set, bind,"),
        "{}",
        p[2]
    );
}

#[test]
fn option_of_another_os_is_a_text_problem() {
    let p = problems("os linux\nsocket A tcp\nset A SO_EXCLUSIVEADDRUSE\n");
    assert_eq!(p, vec!["3:7: SO_EXCLUSIVEADDRUSE does not exist on Linux (a Windows option); this scenario is for Linux (change `os` to use it)"]);
    assert!(parse("os windows\nsocket A tcp\nset A SO_EXCLUSIVEADDRUSE\n").is_ok());
    assert!(!problems("os windows\nsocket A tcp\nset A SO_REUSEPORT\n").is_empty());
}

#[test]
fn family_and_address_mistakes() {
    let p = problems(
        "socket A tcp\nbind A [::1]:80\nsocket B tcp6\nbind B 127.0.0.1:80\nbind B ::1:80\n",
    );
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(p[0].starts_with("2:8: `A` is an IPv4 socket"), "{}", p[0]);
    assert!(p[1].contains("[::ffff:127.0.0.1]"), "{}", p[1]);
    assert!(p[2].contains("needs brackets"), "{}", p[2]);
}

/// A missing port names the address as written: `[::]:`, never `:::` (a
/// reader's review, 2026-12-08).
#[test]
fn a_missing_port_quotes_the_address_as_written() {
    let p = problems("socket A tcp6\nbind A [::]:\nsocket B tcp\nbind B 0.0.0.0:\n");
    assert_eq!(
        p,
        vec![
            "2:13: expected a port number (0–65535) or @NAME after `[::]:`, found nothing",
            "4:16: expected a port number (0–65535) or @NAME after `0.0.0.0:`, found nothing",
        ]
    );
}

#[test]
fn expectations_use_the_scenarios_os_names() {
    assert!(parse("socket A tcp\nbind A 127.0.0.1:80 => EADDRINUSE\n").is_ok());
    let p = problems("os windows\nsocket A tcp\nbind A 127.0.0.1:80 => EADDRINUSE\n");
    assert_eq!(
        p,
        vec![
            "3:24: expected `ok` or a Windows error name such as WSAEADDRINUSE, found `EADDRINUSE`"
        ]
    );
    // EWOULDBLOCK is EAGAIN on Unix.
    let s =
        parse("socket A tcp\nbind A 127.0.0.1:80\nlisten A\naccept A B => ewouldblock\n").unwrap();
    assert_eq!(s.steps[3].expect.as_deref(), Some("EAGAIN"));
}

#[test]
fn header_after_steps_and_duplicates() {
    let p = problems("os linux\nsocket A tcp\nos macos\n");
    assert_eq!(
        p,
        vec!["3:1: `os` belongs to the header, before the first step"]
    );
    let p = problems("os linux\nos macos\n");
    assert_eq!(p, vec!["2:1: a second `os` (the first is on line 1)"]);
}

#[test]
fn names_live_from_creation_to_close() {
    let p = problems("socket A tcp\nclose A\nlisten A\nsocket A tcp\nsocket A tcp\n");
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p[0].starts_with("3:8: no socket named `A`"));
    assert!(p[1].starts_with("5:8: socket `A` already exists (created on line 4)"));
}

#[test]
fn missing_arguments_point_past_the_text() {
    assert_eq!(problems("socket A tcp\nbind A\n"), vec!["2:7: expected ADDR:PORT after the socket name (e.g. 0.0.0.0:8080 or [::1]:80), found the end of the line"]);
}

#[test]
fn udp_statements_parse_and_print_back() {
    let text = "os linux\n\nsocket U udp\nsocket V udp6\njoin U 239.1.2.3\njoin V ff05::1\njoin V 239.1.2.3\nset U IP_MULTICAST_ALL off\nbind U 0.0.0.0:5000\ndatagram 239.1.2.3:5000 x3\ndatagram 127.0.0.1:@U\n";
    let s = parse(text).expect("valid UDP text");
    assert_eq!(bindlab_engine::print::print(&s), text);
}

#[test]
fn udp_statements_report_their_problems() {
    let p = problems(
        "socket U udp\njoin U 10.0.0.1\njoin U ff05::1\njoin X 239.1.2.3\ndatagram 10.9.9.9:53\ndatagram 0.0.0.0:53\ndatagram 239.1.2.3:0\ndatagram 127.0.0.1:53 x0\njoin U\n",
    );
    assert_eq!(p.len(), 8, "{p:?}");
    assert!(
        p[0].starts_with("2:8: `10.0.0.1` is not a multicast group"),
        "{}",
        p[0]
    );
    assert!(
        p[1].contains("an IPv6 group needs a udp6 socket"),
        "{}",
        p[1]
    );
    assert!(p[2].starts_with("4:6: no socket named `X`"), "{}", p[2]);
    assert!(p[3].contains("add it with `iface 10.9.9.9`"), "{}", p[3]);
    assert!(p[4].contains("not the wildcard"), "{}", p[4]);
    assert!(p[5].contains("port other than 0"), "{}", p[5]);
    assert!(
        p[6].contains("datagram count must be 1–10000, found 0"),
        "{}",
        p[6]
    );
    assert!(
        p[7].starts_with("9:7: expected a multicast group"),
        "{}",
        p[7]
    );
}

#[test]
fn ip_multicast_all_is_a_linux_option() {
    let p = problems("os freebsd\nsocket U udp\nset U IP_MULTICAST_ALL\n");
    assert_eq!(p, vec!["3:7: IP_MULTICAST_ALL does not exist on FreeBSD (a Linux option); this scenario is for FreeBSD (change `os` to use it)"]);
}

#[test]
fn clients_need_a_local_address() {
    let p = problems("client 10.1.2.3:80\nclient 0.0.0.0:80\n");
    assert!(p[0].contains("add it with `iface 10.1.2.3`"), "{}", p[0]);
    assert!(p[1].contains("not the wildcard"), "{}", p[1]);
}

/// Linux does connect() to a wildcard (to this host: measured), so the
/// parser says bindlab does not model it, where it goes, and what to
/// write, rather than that connect() needs a specific address.
#[test]
fn a_connect_to_the_wildcard_says_bindlab_does_not_model_it() {
    let p = problems("socket A tcp\nconnect A 0.0.0.0:80\nsocket B tcp6\nconnect B [::]:80\n");
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].starts_with("2:11: bindlab does not model connect() to the wildcard 0.0.0.0; Linux sends it to this host"),
        "{}",
        p[0]
    );
    assert!(
        p[1].starts_with("4:11: bindlab does not model connect() to the wildcard ::;"),
        "{}",
        p[1]
    );
    assert!(p[1].contains("for [::] to ::1"), "{}", p[1]);
    assert!(p[1].contains("write that address instead"), "{}", p[1]);
    assert!(!p[1].contains("needs a specific destination"), "{}", p[1]);
}

#[test]
fn comments_titles_and_case() {
    let s = parse("TITLE Two servers => one port   # why not\nOS Linux\nSOCKET A TCP  # a comment\nSET A so_reuseaddr OFF\n").unwrap();
    assert_eq!(s.title.as_deref(), Some("Two servers => one port"));
    assert_eq!(s.steps.len(), 2);
    let again = parse(&print(&s)).unwrap();
    assert_eq!(again.title, s.title);
}

#[test]
fn windows_line_endings_and_blank_text() {
    assert!(parse("socket A tcp\r\nbind A 0.0.0.0:80\r\n").is_ok());
    assert_eq!(parse("").map(|s| s.steps.len()), Ok(0));
}

#[test]
fn the_text_checks_follow_the_os_it_runs_on() {
    use bindlab_engine::{parse_for, Os, TextOs};
    let text = "socket A tcp\nset A SO_EXCLUSIVEADDRUSE\n";
    assert!(parse_for(text, TextOs::Own).is_err());
    assert!(parse_for(text, TextOs::Override(Os::Linux)).is_err());
    let s = parse_for(text, TextOs::Override(Os::Windows)).expect("runs as Windows");
    // The scenario keeps its own OS: expectations are about it.
    assert_eq!(s.os, Os::Linux);
    assert!(parse_for(text, TextOs::All).is_ok());
    // A Windows scenario run as Linux: SO_EXCLUSIVEADDRUSE is a problem there.
    let win = "os windows\nsocket A tcp\nset A SO_EXCLUSIVEADDRUSE\n";
    assert!(parse_for(win, TextOs::Own).is_ok());
    let p = parse_for(win, TextOs::Override(Os::Linux)).unwrap_err();
    assert_eq!((p[0].line, p[0].col), (3, 7));
}

#[test]
fn a_long_token_is_quoted_shortened() {
    let nines = "9".repeat(5000);
    let p = problems(&format!("os linux\nsocket A tcp\nbind A 0.0.0.0:{nines}\n"));
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains(&format!("`{}…`", "9".repeat(39))), "{}", p[0]);
    assert!(p[0].chars().count() < 200, "{}", p[0]);
}

/// A wait longer than the longest one (or past any number of
/// milliseconds) says so and names the longest, instead of asking for a
/// duration it was given; the longest itself is a wait.
#[test]
fn a_wait_too_long_names_the_longest() {
    use bindlab_engine::parse::{parse_duration, DurationError, MAX_WAIT, MAX_WAIT_MS};
    let p = problems("wait 5124095576030431h\nwait 25h\nwait 99999999999999999999999ms\nwait 5y\n");
    assert_eq!(
        p,
        vec![
            "1:6: `5124095576030431h` is too long for a wait: the longest is 24h",
            "2:6: `25h` is too long for a wait: the longest is 24h",
            "3:6: `99999999999999999999999ms` is too long for a wait: the longest is 24h",
            "4:6: expected a duration like 500ms, 30s or 2m, found `5y`",
        ]
    );
    assert_eq!(parse_duration(MAX_WAIT), Ok(MAX_WAIT_MS));
    assert_eq!(parse_duration("1440m"), Ok(MAX_WAIT_MS));
    assert_eq!(parse_duration("86400001ms"), Err(DurationError::TooLong));
    assert!(parse("wait 24h\nwait 1h\nwait 121s\n").is_ok());
}

/// Columns count characters, as a person and the editor do: text that is
/// not ASCII before a problem (a Chinese title, comment or address) moves
/// it by one column a character, not by its UTF-8 bytes.
#[test]
fn columns_count_characters_not_bytes() {
    let text = "title 中文标题\n# 一条注释\nsocket A tcp6 # 注释\nbind A [日本]x # 端口\nbind A [日本]\nbind A [é]:80\nlisten A => 错误\n";
    let p = problems(text);
    assert_eq!(
        p,
        vec![
            "4:12: expected `:PORT` after `[日本]`, found `x`",
            "5:12: expected `:PORT` after `[日本]`, found nothing",
            "6:9: expected an IP address, found `é`",
            "7:13: expected `ok` or a Linux error name such as EADDRINUSE, found `错误`",
        ]
    );
    // The column of a name's problem after a name that is not ASCII.
    let p = problems("socket 名 tcp\nsocket B tcp\nbind B 名:80\n");
    assert_eq!(
        p[0],
        "1:8: expected a socket name matching [A-Za-z_][A-Za-z0-9_]*, found `名`"
    );
    assert_eq!(p[1], "3:8: expected an IP address, found `名`");
}

/// An address with a scope id (zone) is named as such, in every place an
/// address is written, with the address to write instead; what was
/// written is quoted as written.
#[test]
fn a_scope_id_is_named_with_the_address_to_write() {
    let p = problems(
        "iface fe80::1%lo\nsocket s tcp6\nsocket u udp6\nbind s [fe80::1%eth0]:80\nconnect s [FE80::1%2]:80\nconnect s fe80::1%2:80\njoin u ff02::1%eth0\nclient [fe80::1%]:80\n",
    );
    let starts: Vec<&str> = p
        .iter()
        .map(|m| &m[..m.find(". Without").unwrap_or(m.len())])
        .collect();
    assert_eq!(
        starts,
        vec![
            "1:7: the format has no scope id (zone): write `fe80::1` without `%lo`",
            "4:9: the format has no scope id (zone): write `fe80::1` without `%eth0`",
            "5:12: the format has no scope id (zone): write `FE80::1` without `%2`",
            "6:11: the format has no scope id (zone): write `fe80::1` without `%2`",
            "7:8: the format has no scope id (zone): write `ff02::1` without `%eth0`",
            "8:9: the format has no scope id (zone): write `fe80::1` without `%`",
        ]
    );
    assert!(p[1].ends_with("Without one, bindlab treats a link-local address as a program that gives none: a bind of it fails, and so may a connect to it (Linux, FreeBSD); a client or datagram reaches it as any other. To model a server on one interface, use a global or unique local address (fd00::/8)"), "{}", p[1]);
    // Not every `%` is a zone: an IPv4 address or a word is no address.
    let p = problems("socket a tcp\nbind a 1.2.3.4%eth0:80\n");
    assert_eq!(p, vec!["2:8: expected an IP address, found `1.2.3.4%eth0`"]);
}
