//! The scenario text → [`Scenario`], with every problem found reported as
//! `LINE:COLUMN: message` (what was expected, what was found).
//!
//! Parsing is one pass over the lines. Besides the grammar it checks what
//! the spec calls problems of the text: a step naming a socket that does not
//! exist, an option the scenario's OS lacks, an address of the wrong family.

use std::fmt;
use std::net::IpAddr;

use crate::errno::canonical_result;
use crate::os::Os;
use crate::scenario::{
    EndpointSpec, OpenSockets, PortSpec, Proto, Scenario, SockOpt, Step, StepKind,
};

/// Most connections one `client` step may open (keeps a typo like `x1000000`
/// from freezing a page).
pub const MAX_CLIENTS: u32 = 10_000;

/// One problem of the text, 1-based line and column (in characters).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

/// A word of a line and the column it starts at.
#[derive(Clone, Copy, Debug)]
struct Tok<'a> {
    col: u32,
    text: &'a str,
}

fn tokens(line: &str, start_col: u32) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut start: Option<(usize, u32)> = None;
    for (col, (i, ch)) in (start_col..).zip(line.char_indices()) {
        if ch.is_whitespace() {
            if let Some((s, c)) = start.take() {
                out.push(Tok {
                    col: c,
                    text: &line[s..i],
                });
            }
        } else if start.is_none() {
            start = Some((i, col));
        }
    }
    if let Some((s, c)) = start {
        out.push(Tok {
            col: c,
            text: &line[s..],
        });
    }
    out
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_user_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A short quote of what was found, for messages.
fn found(t: Option<&Tok>) -> String {
    match t {
        Some(t) => format!("`{}`", t.text),
        None => "the end of the line".to_string(),
    }
}

const STEP_WORDS: &str =
    "socket, set, bind, listen, connect, accept, close, client, datagram, join, wait, user";

/// Which OS the text checks (an option the OS lacks) are made for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TextOs {
    /// The scenario's own `os` line (Linux without one): what `parse` does.
    #[default]
    Own,
    /// The OS it will run on instead (`bindlab run --os NAME`): the `os`
    /// line is overridden for the checks too, so a file without one that
    /// sets SO_EXCLUSIVEADDRUSE runs as Windows.
    Override(Os),
    /// Every OS side by side (`--os all`): an option is a problem of the text
    /// only when no OS has it; an OS that lacks it answers ENOPROTOOPT in its
    /// own column.
    All,
}

struct Parser {
    text_os: TextOs,
    problems: Vec<Problem>,
    scenario: Scenario,
    seen_os: Option<u32>,
    seen_title: Option<u32>,
    seen_seed: Option<u32>,
    /// Live socket names → the line that created them.
    live: OpenSockets,
}

impl Parser {
    fn problem(&mut self, line: u32, col: u32, message: impl Into<String>) {
        self.problems.push(Problem {
            line,
            col,
            message: message.into(),
        });
    }

    /// A socket name that must exist now.
    fn existing(&mut self, line: u32, t: Option<&Tok>, after: &str) -> Option<(String, Proto)> {
        let Some(t) = t else {
            self.problem(
                line,
                0,
                format!("expected a socket name after `{after}`, found the end of the line"),
            );
            return None;
        };
        if !is_name(t.text) {
            self.problem(
                line,
                t.col,
                format!(
                    "expected a socket name (letters, digits, _), found `{}`",
                    t.text
                ),
            );
            return None;
        }
        match self.live.get(t.text) {
            Some((_, proto)) => Some((t.text.to_string(), proto)),
            None => {
                let hint = if self.live.is_empty() {
                    " (create it first with `socket NAME tcp`)".to_string()
                } else {
                    let mut names: Vec<String> =
                        self.live.list().into_iter().map(|(n, _)| n).collect();
                    names.sort_unstable();
                    format!(" (sockets open here: {})", names.join(", "))
                };
                self.problem(
                    line,
                    t.col,
                    format!("no socket named `{}` exists at this point{hint}", t.text),
                );
                None
            }
        }
    }

    /// A name for a socket this step creates.
    fn fresh(&mut self, line: u32, t: Option<&Tok>, after: &str) -> Option<String> {
        let Some(t) = t else {
            self.problem(
                line,
                0,
                format!("expected a new socket name after `{after}`, found the end of the line"),
            );
            return None;
        };
        if !is_name(t.text) {
            self.problem(
                line,
                t.col,
                format!(
                    "expected a socket name matching [A-Za-z_][A-Za-z0-9_]*, found `{}`",
                    t.text
                ),
            );
            return None;
        }
        if let Some((l, _)) = self.live.get(t.text) {
            self.problem(line, t.col, format!("socket `{}` already exists (created on line {l}); close it first or choose another name", t.text));
            return None;
        }
        Some(t.text.to_string())
    }

    fn endpoint(&mut self, line: u32, t: Option<&Tok>, after: &str) -> Option<EndpointSpec> {
        let Some(t) = t else {
            self.problem(line, 0, format!("expected ADDR:PORT after `{after}` (e.g. 0.0.0.0:8080 or [::1]:80), found the end of the line"));
            return None;
        };
        let s = t.text;
        let (addr_s, port_s, port_col) = if let Some(rest) = s.strip_prefix('[') {
            let Some(close) = rest.find(']') else {
                self.problem(
                    line,
                    t.col,
                    format!("expected `]` closing the IPv6 address in `{s}`"),
                );
                return None;
            };
            let after_br = &rest[close + 1..];
            let Some(port) = after_br.strip_prefix(':') else {
                self.problem(
                    line,
                    t.col + close as u32 + 2,
                    format!(
                        "expected `:PORT` after `[{}]`, found {}",
                        &rest[..close],
                        if after_br.is_empty() {
                            "nothing".to_string()
                        } else {
                            format!("`{after_br}`")
                        }
                    ),
                );
                return None;
            };
            (&rest[..close], port, t.col + close as u32 + 3)
        } else {
            let Some(colon) = s.rfind(':') else {
                self.problem(
                    line,
                    t.col,
                    format!("expected ADDR:PORT, found `{s}` (no port)"),
                );
                return None;
            };
            if s[..colon].contains(':') {
                self.problem(
                    line,
                    t.col,
                    format!("an IPv6 address needs brackets: `[{}]:PORT`", &s[..colon]),
                );
                return None;
            }
            (&s[..colon], &s[colon + 1..], t.col + colon as u32 + 1)
        };
        let addr_col = if s.starts_with('[') { t.col + 1 } else { t.col };
        let addr: IpAddr = match addr_s.parse() {
            Ok(a) => a,
            Err(_) => {
                self.problem(
                    line,
                    addr_col,
                    format!("expected an IP address, found `{addr_s}`"),
                );
                return None;
            }
        };
        if s.starts_with('[') && addr.is_ipv4() {
            self.problem(
                line,
                addr_col,
                format!("brackets are for IPv6 addresses; write {addr_s}:PORT"),
            );
            return None;
        }
        let port = if let Some(name) = port_s.strip_prefix('@') {
            if !self.live.contains(name) {
                self.problem(line, port_col + 1, format!("`@{name}` names no open socket (it means \"the port socket {name} is bound to\")"));
                return None;
            }
            PortSpec::Of(name.to_string())
        } else {
            match port_s.parse::<u32>() {
                Ok(n) if n <= 65535 => PortSpec::Num(n as u16),
                Ok(n) => {
                    self.problem(
                        line,
                        port_col,
                        format!("port {n} is out of range (0–65535)"),
                    );
                    return None;
                }
                Err(_) => {
                    self.problem(
                        line,
                        port_col,
                        format!("expected a port number (0–65535) or @NAME, found `{port_s}`"),
                    );
                    return None;
                }
            }
        };
        Some(EndpointSpec { addr, port })
    }

    /// `xN` after a `client` or `datagram` endpoint (1 when left out).
    fn count(&mut self, line: u32, t: Option<&Tok>, kw: &str) -> Option<u32> {
        let Some(c) = t else { return Some(1) };
        match c.text.strip_prefix(['x', 'X']).map(str::parse::<u32>) {
            Some(Ok(n)) if (1..=MAX_CLIENTS).contains(&n) => Some(n),
            Some(Ok(n)) => {
                self.problem(
                    line,
                    c.col,
                    format!("{kw} count must be 1–{MAX_CLIENTS}, found {n}"),
                );
                None
            }
            _ => {
                self.problem(
                    line,
                    c.col,
                    format!("expected a count like `x3`, found `{}`", c.text),
                );
                None
            }
        }
    }

    /// An endpoint's family must suit the socket's.
    fn check_family(
        &mut self,
        line: u32,
        t: &Tok,
        proto: Proto,
        name: &str,
        ep: &EndpointSpec,
    ) -> bool {
        match (proto.is_v6(), ep.addr) {
            (false, IpAddr::V6(_)) => {
                self.problem(
                    line,
                    t.col,
                    format!(
                        "`{name}` is an IPv4 socket ({}); use an IPv4 address, or create it as {}6",
                        proto.keyword(),
                        proto.keyword()
                    ),
                );
                false
            }
            (true, IpAddr::V4(a)) => {
                self.problem(
                    line,
                    t.col,
                    format!(
                        "`{name}` is an IPv6 socket ({}); write the IPv4 address as [::ffff:{a}]",
                        proto.keyword()
                    ),
                );
                false
            }
            _ => true,
        }
    }

    fn is_local(&self, ip: IpAddr) -> bool {
        let ip = crate::addr::unmap(ip);
        ip.is_loopback() || self.scenario.ifaces.contains(&ip)
    }

    fn header(&mut self, line: u32, kw: &str, toks: &[Tok], rest: &str) {
        if !self.scenario.steps.is_empty() {
            self.problem(
                line,
                toks[0].col,
                format!("`{kw}` belongs to the header, before the first step"),
            );
            return;
        }
        match kw {
            "title" => {
                if let Some(prev) = self.seen_title.replace(line) {
                    self.problem(
                        line,
                        toks[0].col,
                        format!("a second `title` (the first is on line {prev})"),
                    );
                }
                let text = rest.trim();
                if text.is_empty() {
                    self.problem(
                        line,
                        toks[0].col + 5,
                        "expected the title text after `title`",
                    );
                } else {
                    self.scenario.title = Some(text.to_string());
                }
            }
            "os" => {
                if let Some(prev) = self.seen_os.replace(line) {
                    self.problem(
                        line,
                        toks[0].col,
                        format!("a second `os` (the first is on line {prev})"),
                    );
                }
                match toks.get(1) {
                    Some(t) => match Os::from_key(t.text) {
                        Some(os) => self.scenario.os = os,
                        None => self.problem(line, t.col, format!("expected an OS (linux, freebsd, macos, windows), found `{}`", t.text)),
                    },
                    None => self.problem(line, 0, "expected an OS after `os` (linux, freebsd, macos, windows), found the end of the line"),
                }
                if let Some(t) = toks.get(2) {
                    self.problem(
                        line,
                        t.col,
                        format!(
                            "expected the end of the line after the OS, found `{}`",
                            t.text
                        ),
                    );
                }
            }
            "iface" => {
                if toks.len() < 2 {
                    self.problem(
                        line,
                        0,
                        "expected one or more addresses after `iface`, found the end of the line",
                    );
                }
                for t in &toks[1..] {
                    match t
                        .text
                        .trim_start_matches('[')
                        .trim_end_matches(']')
                        .parse::<IpAddr>()
                    {
                        Ok(a) if a.is_unspecified() => self.problem(
                            line,
                            t.col,
                            format!("`{}` is the wildcard, not an interface address", t.text),
                        ),
                        Ok(a) if a.is_multicast() => self.problem(
                            line,
                            t.col,
                            format!(
                                "`{}` is a multicast address; an interface needs a unicast one",
                                t.text
                            ),
                        ),
                        Ok(a) => {
                            let a = crate::addr::unmap(a);
                            if !self.scenario.ifaces.contains(&a) {
                                self.scenario.ifaces.push(a);
                            }
                        }
                        Err(_) => self.problem(
                            line,
                            t.col,
                            format!("expected an IP address, found `{}`", t.text),
                        ),
                    }
                }
            }
            "seed" => {
                if let Some(prev) = self.seen_seed.replace(line) {
                    self.problem(
                        line,
                        toks[0].col,
                        format!("a second `seed` (the first is on line {prev})"),
                    );
                }
                match toks.get(1).map(|t| (t, t.text.parse::<u64>())) {
                    Some((_, Ok(n))) => self.scenario.seed = n,
                    Some((t, Err(_))) => self.problem(
                        line,
                        t.col,
                        format!("expected a whole number after `seed`, found `{}`", t.text),
                    ),
                    None => self.problem(
                        line,
                        0,
                        "expected a number after `seed`, found the end of the line",
                    ),
                }
            }
            _ => unreachable!("header keywords are matched by the caller"),
        }
    }

    fn step(&mut self, line: u32, kw: &str, toks: &[Tok]) -> Option<StepKind> {
        let t = |i: usize| toks.get(i);
        let max_args = |p: &mut Parser, n: usize| {
            if let Some(extra) = toks.get(n + 1) {
                p.problem(line, extra.col, format!("expected the end of the `{kw}` step, found `{}` (an expectation is written `=> RESULT`)", extra.text));
            }
        };
        let kind = match kw {
            "socket" => {
                let name = self.fresh(line, t(1), "socket");
                let proto = match t(2).map(|p| p.text.to_ascii_lowercase()) {
                    Some(p) if p == "tcp" => Some(Proto::Tcp),
                    Some(p) if p == "tcp6" => Some(Proto::Tcp6),
                    Some(p) if p == "udp" => Some(Proto::Udp),
                    Some(p) if p == "udp6" => Some(Proto::Udp6),
                    _ => {
                        self.problem(line, t(2).map_or(0, |x| x.col), format!("expected a protocol (tcp, tcp6, udp, udp6) after the socket name, found {}", found(t(2))));
                        None
                    }
                };
                max_args(self, 2);
                let (name, proto) = (name?, proto?);
                self.live.open(&name, line, proto);
                StepKind::Socket { name, proto }
            }
            "set" => {
                let name = self.existing(line, t(1), "set").map(|(n, _)| n);
                let opt = match t(2) {
                    None => {
                        self.problem(line, 0, "expected an option after the socket name (SO_REUSEADDR, SO_REUSEPORT, SO_EXCLUSIVEADDRUSE, IPV6_V6ONLY), found the end of the line");
                        None
                    }
                    Some(o) => match SockOpt::from_name(o.text) {
                        None => {
                            self.problem(line, o.col, format!("expected an option (SO_REUSEADDR, SO_REUSEPORT, SO_EXCLUSIVEADDRUSE, IPV6_V6ONLY, SO_REUSEPORT_LB, IP_MULTICAST_ALL), found `{}`", o.text));
                            None
                        }
                        Some(opt) => {
                            let owner = match opt {
                                SockOpt::SoExclusiveAddrUse => " (a Windows option)",
                                SockOpt::SoReusePortLb => " (a FreeBSD option)",
                                SockOpt::IpMulticastAll => " (a Linux option)",
                                _ => "",
                            };
                            let missing = match self.text_os {
                                TextOs::Own => {
                                    let os = self.scenario.os;
                                    (!os.rules().supports(opt)).then(|| format!("{} does not exist on {os}{owner}; this scenario is for {os} (change `os` to use it)", opt.name()))
                                }
                                TextOs::Override(os) => (!os.rules().supports(opt)).then(|| format!("{} does not exist on {os}{owner}; it is run as {os} here (`--os`)", opt.name())),
                                TextOs::All => (!Os::ALL.iter().any(|os| os.rules().supports(opt))).then(|| format!("{} exists on none of the OSes", opt.name())),
                            };
                            if let Some(message) = missing {
                                self.problem(line, o.col, message);
                                None
                            } else {
                                Some(opt)
                            }
                        }
                    },
                };
                let on = match t(3).map(|x| x.text.to_ascii_lowercase()) {
                    None => Some(true),
                    Some(v) if v == "on" => Some(true),
                    Some(v) if v == "off" => Some(false),
                    Some(_) => {
                        self.problem(
                            line,
                            t(3)?.col,
                            format!("expected `on` or `off`, found {}", found(t(3))),
                        );
                        None
                    }
                };
                max_args(self, 3);
                StepKind::Set {
                    name: name?,
                    opt: opt?,
                    on: on?,
                }
            }
            "bind" | "connect" => {
                let target = self.existing(line, t(1), kw);
                let ep = self.endpoint(line, t(2), "the socket name");
                max_args(self, 2);
                let ((name, proto), ep) = (target?, ep?);
                if !self.check_family(line, t(2)?, proto, &name, &ep) {
                    return None;
                }
                if kw == "connect" && crate::addr::unmap(ep.addr).is_unspecified() {
                    self.problem(
                        line,
                        t(2)?.col,
                        format!(
                            "connect() needs a specific destination, not the wildcard {}",
                            ep.addr
                        ),
                    );
                    return None;
                }
                if kw == "connect" && ep.port == PortSpec::Num(0) {
                    self.problem(
                        line,
                        t(2)?.col,
                        "connect() needs a destination port other than 0",
                    );
                    return None;
                }
                if kw == "bind" {
                    StepKind::Bind { name, ep }
                } else {
                    StepKind::Connect { name, ep }
                }
            }
            "listen" | "close" => {
                let target = self.existing(line, t(1), kw);
                max_args(self, 1);
                let (name, _) = target?;
                if kw == "close" {
                    self.live.close(&name);
                    StepKind::Close { name }
                } else {
                    StepKind::Listen { name }
                }
            }
            "accept" => {
                let target = self.existing(line, t(1), kw);
                let new = self.fresh(line, t(2), "the listener's name");
                max_args(self, 2);
                let ((name, proto), new) = (target?, new?);
                self.live.open(&new, line, proto);
                StepKind::Accept { name, new }
            }
            "client" => {
                let ep = self.endpoint(line, t(1), "client");
                let count = self.count(line, t(2), "client");
                max_args(self, 2);
                let ep = ep?;
                if crate::addr::unmap(ep.addr).is_unspecified() {
                    self.problem(line, t(1)?.col, format!("a client connects to a specific address of this host, not the wildcard {}", ep.addr));
                    return None;
                }
                if !self.is_local(ep.addr) {
                    self.problem(line, t(1)?.col, format!("{} is not an address of this host; add it with `iface {}` in the header", ep.addr, crate::addr::unmap(ep.addr)));
                    return None;
                }
                if ep.port == PortSpec::Num(0) {
                    self.problem(
                        line,
                        t(1)?.col,
                        "a client needs a destination port other than 0",
                    );
                    return None;
                }
                StepKind::Client { ep, count: count? }
            }
            "datagram" => {
                let ep = self.endpoint(line, t(1), "datagram");
                let count = self.count(line, t(2), "datagram");
                max_args(self, 2);
                let ep = ep?;
                let addr = crate::addr::unmap(ep.addr);
                if addr.is_unspecified() {
                    self.problem(line, t(1)?.col, format!("a datagram goes to a specific address of this host or a multicast group, not the wildcard {}", ep.addr));
                    return None;
                }
                if !addr.is_multicast() && !self.is_local(ep.addr) {
                    self.problem(line, t(1)?.col, format!("{} is not an address of this host or a multicast group; add it with `iface {addr}` in the header", ep.addr));
                    return None;
                }
                if ep.port == PortSpec::Num(0) {
                    self.problem(
                        line,
                        t(1)?.col,
                        "a datagram needs a destination port other than 0",
                    );
                    return None;
                }
                StepKind::Datagram { ep, count: count? }
            }
            "join" => {
                let target = self.existing(line, t(1), kw);
                let group = match t(2) {
                    None => {
                        self.problem(line, 0, "expected a multicast group after the socket name (e.g. 239.1.2.3 or ff05::1), found the end of the line");
                        None
                    }
                    Some(g) => match g
                        .text
                        .trim_start_matches('[')
                        .trim_end_matches(']')
                        .parse::<IpAddr>()
                    {
                        Ok(a) if a.is_multicast() => Some((g, a)),
                        Ok(_) => {
                            self.problem(
                                line,
                                g.col,
                                format!(
                                    "`{}` is not a multicast group (224.0.0.0/4 or ff00::/8)",
                                    g.text
                                ),
                            );
                            None
                        }
                        Err(_) => {
                            self.problem(
                                line,
                                g.col,
                                format!("expected a multicast group address, found `{}`", g.text),
                            );
                            None
                        }
                    },
                };
                max_args(self, 2);
                let ((name, proto), (g, group)) = (target?, group?);
                if !proto.is_v6() && group.is_ipv6() {
                    self.problem(
                        line,
                        g.col,
                        format!(
                            "`{name}` is an IPv4 socket ({}); an IPv6 group needs a {}6 socket",
                            proto.keyword(),
                            proto.keyword()
                        ),
                    );
                    return None;
                }
                StepKind::Join { name, group }
            }
            "wait" => {
                let ms = match t(1) {
                    None => {
                        self.problem(line, 0, "expected a duration after `wait` (500ms, 30s, 2m), found the end of the line");
                        None
                    }
                    Some(d) => parse_duration(d.text).or_else(|| {
                        self.problem(
                            line,
                            d.col,
                            format!(
                                "expected a duration like 500ms, 30s or 2m, found `{}`",
                                d.text
                            ),
                        );
                        None
                    }),
                };
                max_args(self, 1);
                StepKind::Wait { ms: ms? }
            }
            "user" => {
                let name = match t(1) {
                    Some(u) if is_user_name(u.text) => Some(u.text.to_string()),
                    other => {
                        self.problem(
                            line,
                            other.map_or(0, |x| x.col),
                            format!("expected a user name after `user`, found {}", found(other)),
                        );
                        None
                    }
                };
                max_args(self, 1);
                StepKind::User { name: name? }
            }
            _ => {
                self.problem(line, toks[0].col, format!("expected a step ({STEP_WORDS}) or a header line (title, os, iface), found `{}`", toks[0].text));
                return None;
            }
        };
        Some(kind)
    }

    fn line(&mut self, line_no: u32, raw: &str) {
        let text = match raw.find('#') {
            Some(i) => &raw[..i],
            None => raw,
        };
        // `=> RESULT` splits off the expectation.
        let (body, expect) = match text.find("=>") {
            Some(i) => (&text[..i], Some((i, &text[i + 2..]))),
            None => (text, None),
        };
        let toks = tokens(body, 1);
        let Some(first) = toks.first() else {
            if let Some((i, _)) = expect {
                self.problem(
                    line_no,
                    text[..i].chars().count() as u32 + 1,
                    "`=>` must follow a step",
                );
            }
            return;
        };
        let kw = first.text.to_ascii_lowercase();
        if matches!(kw.as_str(), "title" | "os" | "iface" | "seed") {
            if kw == "title" {
                // The title keeps `=>` as text.
                let start = body.find(first.text).unwrap_or(0) + first.text.len();
                self.header(line_no, &kw, &toks, &text[start..]);
            } else {
                if let Some((i, _)) = expect {
                    self.problem(
                        line_no,
                        text[..i].chars().count() as u32 + 1,
                        "an expectation `=>` can only follow a step",
                    );
                }
                self.header(line_no, &kw, &toks, "");
            }
            return;
        }
        let expect = expect.and_then(|(i, rest)| {
            let col0 = text[..i].chars().count() as u32 + 3;
            let rtoks = tokens(rest, col0);
            match rtoks.as_slice() {
                [] => {
                    self.problem(line_no, col0, "expected a result after `=>` (ok, or an error name such as EADDRINUSE)");
                    None
                }
                [r, extra @ ..] => {
                    if let Some(x) = extra.first() {
                        self.problem(line_no, x.col, format!("expected one result after `=>`, found also `{}`", x.text));
                    }
                    let os = self.scenario.os;
                    match canonical_result(os, r.text) {
                        Some(c) => Some(c),
                        None => {
                            let example = if os == Os::Windows { "WSAEADDRINUSE" } else { "EADDRINUSE" };
                            self.problem(line_no, r.col, format!("expected `ok` or a {os} error name such as {example}, found `{}`", r.text));
                            None
                        }
                    }
                }
            }
        });
        if let Some(kind) = self.step(line_no, &kw, &toks) {
            self.scenario.steps.push(Step {
                line: line_no,
                kind,
                expect,
            });
        }
    }
}

/// `500ms`, `30s`, `2m` → milliseconds.
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.to_ascii_lowercase();
    let (num, mult) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000)
    } else if let Some(n) = s.strip_suffix('h') {
        (n, 3_600_000)
    } else {
        return None;
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    num.parse::<u64>().ok()?.checked_mul(mult)
}

/// Parses a scenario. On failure returns every problem, in line order.
pub fn parse(text: &str) -> Result<Scenario, Vec<Problem>> {
    parse_for(text, TextOs::Own)
}

/// Parses a scenario whose text checks are made for `text_os` rather than
/// (only) its own `os` line. The scenario's `os` is kept as written: it is
/// still the OS its `=> RESULT` expectations are about.
pub fn parse_for(text: &str, text_os: TextOs) -> Result<Scenario, Vec<Problem>> {
    let mut p = Parser {
        text_os,
        problems: Vec::new(),
        scenario: Scenario::default(),
        seen_os: None,
        seen_title: None,
        seen_seed: None,
        live: OpenSockets::default(),
    };
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        p.line(line_no, raw.strip_suffix('\r').unwrap_or(raw));
    }
    if p.problems.is_empty() {
        Ok(p.scenario)
    } else {
        // Problems without a column (end of line) point just past the text.
        for pr in &mut p.problems {
            if pr.col == 0 {
                let line = text.split('\n').nth(pr.line as usize - 1).unwrap_or("");
                let line = line.split('#').next().unwrap_or("").trim_end();
                pr.col = line.chars().count() as u32 + 1;
            }
        }
        crate::sort::by_key(&mut p.problems, |p| {
            (u64::from(p.line) << 32) | u64::from(p.col)
        });
        Err(p.problems)
    }
}
