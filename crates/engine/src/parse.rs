//! The scenario text → [`Scenario`], with every problem found reported as
//! `LINE:COLUMN: message` (what was expected, what was found).
//!
//! Parsing is one pass over the lines. Besides the grammar it checks what
//! the spec calls problems of the text: a step naming a socket that does not
//! exist, an option the scenario's OS lacks, an address of the wrong family.

use std::fmt;
use std::net::IpAddr;

use crate::errno::canonical_result;
use crate::messages::ParseMsg;
use crate::os::Os;
use crate::rules::NAMES_SHOWN;
use crate::scenario::{
    EndpointSpec, OpenSockets, PortSpec, Proto, Scenario, SockOpt, Step, StepKind,
};

/// Most connections one `client` step may open (keeps a typo like `x1000000`
/// from freezing a page).
pub const MAX_CLIENTS: u32 = 10_000;

/// Every word a line may start with: the steps, then the header's (what a
/// mistyped first word is compared with, for "did you mean …?").
const KEYWORDS: [&str; 16] = [
    "socket", "set", "bind", "listen", "connect", "accept", "close", "client", "datagram", "join",
    "wait", "user", "title", "os", "iface", "seed",
];

/// How many problems a page lists before it counts the rest (the editor's
/// list, which can then list them all): a pasted table with one mistake on
/// every line gives thousands of the same problem, and the first few say
/// what to fix. The CLI prints every one, as compilers do.
pub const PROBLEMS_SHOWN: usize = 20;

/// One problem of the text, 1-based line and column (in characters).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub line: u32,
    pub col: u32,
    /// In English: `msg`'s template filled from `args`.
    pub message: String,
    /// Which message, so a page can say it in another language
    /// ([`Problem::render`]).
    #[serde(skip)]
    pub msg: ParseMsg,
    /// The values of `msg`'s slots: what the reader wrote, as written, and
    /// what the parser worked out (a line number, the sockets open).
    #[serde(skip)]
    pub args: Vec<(&'static str, String)>,
}

impl Problem {
    /// The message in `translation` (a locale's `parse.txt`, read by
    /// [`crate::messages::Translation::read`]), in English where it has
    /// none or there is none. A list of names (the sockets open) is joined
    /// as the message's language does ([`crate::messages::render`]).
    pub fn render(&self, translation: Option<&crate::messages::Translation<ParseMsg>>) -> String {
        match translation {
            Some(t) => t.render(self.msg, &self.args),
            None => self.message.clone(),
        }
    }
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

/// The column of byte `at` of token `t` (an index `find` gave): columns
/// count characters, as a person and the editor do, never bytes.
fn col_at(t: &Tok, at: usize) -> u32 {
    let within = t.text.get(..at).map_or(at, |s| s.chars().count());
    t.col
        .saturating_add(u32::try_from(within).unwrap_or(u32::MAX))
}

/// `fe80::1%eth0` → the IPv6 address and the zone after `%` (RFC 4007's
/// written form, which the format does not have), both as written.
fn zoned(s: &str) -> Option<(&str, &str)> {
    let (addr, zone) = s.split_once('%')?;
    addr.parse::<std::net::Ipv6Addr>().ok()?;
    Some((addr, zone))
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
    /// The open names a message lists ([`NAMES_SHOWN`] of them) and how
    /// many are open, for the [`OpenSockets::version`] they were read at.
    open_names: Option<((u64, usize), String, usize)>,
}

impl Parser {
    fn new(text_os: TextOs) -> Parser {
        Parser {
            text_os,
            problems: Vec::new(),
            scenario: Scenario::default(),
            seen_os: None,
            seen_title: None,
            seen_seed: None,
            live: OpenSockets::default(),
            open_names: None,
        }
    }

    /// Records `msg` at `line`:`col` with its slots' values.
    fn problem(
        &mut self,
        line: u32,
        col: u32,
        msg: ParseMsg,
        args: &[(&'static str, &dyn fmt::Display)],
    ) {
        let args: Vec<(&'static str, String)> = args
            .iter()
            .map(|(k, v)| {
                let v = v.to_string();
                let v = match *k {
                    "found" | "zone" => shortened(visible(&v), FOUND_MAX),
                    // A socket name or an address as written: a 1 MB name
                    // is valid, and was quoted whole.
                    "name" | "addr" => shortened(visible(&v), QUOTED_MAX),
                    _ => v,
                };
                (*k, v)
            })
            .collect();
        debug_assert!(
            msg.slots().iter().all(|s| args.iter().any(|(k, _)| k == s))
                && args.iter().all(|(k, _)| msg.slots().contains(k)),
            "{msg:?}: slots {:?}, args {args:?}",
            msg.slots()
        );
        self.problems.push(Problem {
            line,
            col,
            message: crate::messages::english(msg, &args),
            msg,
            args,
        });
    }

    /// A socket name that must exist now.
    fn existing(&mut self, line: u32, t: Option<&Tok>, after: &str) -> Option<(String, Proto)> {
        let Some(t) = t else {
            self.problem(line, 0, ParseMsg::NameMissing, &[("keyword", &after)]);
            return None;
        };
        if !is_name(t.text) {
            self.problem(line, t.col, ParseMsg::NameInvalid, &[("found", &t.text)]);
            return None;
        }
        match self.live.get(t.text) {
            Some((_, proto)) => Some((t.text.to_string(), proto)),
            None => {
                if self.live.is_empty() {
                    self.problem(
                        line,
                        t.col,
                        ParseMsg::NameUnknownNoneOpen,
                        &[("name", &t.text)],
                    );
                } else {
                    // The first names only, worked out once while the open
                    // sockets stay the same: a scenario of thousands of
                    // sockets whose name was changed has thousands of these
                    // (all of them listed each time took 29 s and 690 MB
                    // for 10,000).
                    let version = self.live.version();
                    if self.open_names.as_ref().is_none_or(|(v, ..)| *v != version) {
                        let (names, count) = self.live.first_names(NAMES_SHOWN);
                        let names: Vec<String> = names
                            .into_iter()
                            .map(|n| shortened(n, QUOTED_MAX))
                            .collect();
                        self.open_names = Some((
                            version,
                            crate::lists::value(&names, crate::lists::Joint::Comma),
                            count,
                        ));
                    }
                    let (_, names, count) = self.open_names.clone().unwrap_or_default();
                    if count > NAMES_SHOWN {
                        self.problem(
                            line,
                            t.col,
                            ParseMsg::NameUnknownMany,
                            &[("name", &t.text), ("open", &names), ("count", &count)],
                        );
                    } else {
                        self.problem(
                            line,
                            t.col,
                            ParseMsg::NameUnknown,
                            &[("name", &t.text), ("open", &names)],
                        );
                    }
                }
                None
            }
        }
    }

    /// A name for a socket this step creates.
    /// `after`: the keyword before the name, or `None` after a listener's
    /// name (`accept`).
    fn fresh(&mut self, line: u32, t: Option<&Tok>, after: Option<&str>) -> Option<String> {
        let Some(t) = t else {
            match after {
                Some(kw) => self.problem(line, 0, ParseMsg::NewNameMissing, &[("keyword", &kw)]),
                None => self.problem(line, 0, ParseMsg::NewNameMissingAfterListener, &[]),
            }
            return None;
        };
        if !is_name(t.text) {
            self.problem(line, t.col, ParseMsg::NewNameInvalid, &[("found", &t.text)]);
            return None;
        }
        if let Some((l, _)) = self.live.get(t.text) {
            self.problem(
                line,
                t.col,
                ParseMsg::NewNameExists,
                &[("name", &t.text), ("line", &l)],
            );
            return None;
        }
        Some(t.text.to_string())
    }

    /// `after`: the keyword before the endpoint, or `None` after a socket
    /// name (`bind`, `connect`).
    fn endpoint(
        &mut self,
        line: u32,
        t: Option<&Tok>,
        after: Option<&str>,
    ) -> Option<EndpointSpec> {
        let Some(t) = t else {
            match after {
                Some(kw) => self.problem(line, 0, ParseMsg::EndpointMissing, &[("keyword", &kw)]),
                None => self.problem(line, 0, ParseMsg::EndpointMissingAfterName, &[]),
            }
            return None;
        };
        let s = t.text;
        let (addr_s, port_s, port_col) = if let Some(rest) = s.strip_prefix('[') {
            let Some(close) = rest.find(']') else {
                self.problem(
                    line,
                    t.col,
                    ParseMsg::EndpointUnclosedBracket,
                    &[("found", &s)],
                );
                return None;
            };
            let after_br = &rest[close + 1..];
            let Some(port) = after_br.strip_prefix(':') else {
                let col = col_at(t, close + 2);
                let addr = &rest[..close];
                if after_br.is_empty() {
                    self.problem(
                        line,
                        col,
                        ParseMsg::EndpointBracketPortMissing,
                        &[("addr", &addr)],
                    );
                } else {
                    self.problem(
                        line,
                        col,
                        ParseMsg::EndpointBracketPortInvalid,
                        &[("addr", &addr), ("found", &after_br)],
                    );
                }
                return None;
            };
            (&rest[..close], port, col_at(t, close + 3))
        } else {
            let Some(colon) = s.rfind(':') else {
                self.problem(line, t.col, ParseMsg::EndpointNoPort, &[("found", &s)]);
                return None;
            };
            if let Some((addr, zone)) = zoned(&s[..colon]) {
                self.zone_problem(line, t.col, addr, zone);
                return None;
            }
            if s[..colon].contains(':') {
                self.problem(
                    line,
                    t.col,
                    ParseMsg::EndpointIpv6NeedsBrackets,
                    &[("addr", &&s[..colon])],
                );
                return None;
            }
            (&s[..colon], &s[colon + 1..], col_at(t, colon + 1))
        };
        let addr_col = if s.starts_with('[') { t.col + 1 } else { t.col };
        let addr: IpAddr = match addr_s.parse() {
            Ok(a) => a,
            Err(_) => {
                self.address_problem(line, addr_col, addr_s);
                return None;
            }
        };
        if s.starts_with('[') && addr.is_ipv4() {
            self.problem(
                line,
                addr_col,
                ParseMsg::EndpointBracketsOnIpv4,
                &[("addr", &addr_s)],
            );
            return None;
        }
        let port = if let Some(name) = port_s.strip_prefix('@') {
            if !self.live.contains(name) {
                self.problem(
                    line,
                    port_col + 1,
                    ParseMsg::EndpointPortOfNoSocket,
                    &[("name", &name)],
                );
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
                        ParseMsg::EndpointPortOutOfRange,
                        &[("port", &n)],
                    );
                    return None;
                }
                Err(_) if port_s.is_empty() => {
                    // As written: `[::]:`, not `:::`.
                    let written = if s.starts_with('[') {
                        format!("[{addr_s}]")
                    } else {
                        addr_s.to_string()
                    };
                    self.problem(
                        line,
                        port_col,
                        ParseMsg::EndpointPortMissing,
                        &[("addr", &written)],
                    );
                    return None;
                }
                Err(_) => {
                    self.problem(
                        line,
                        port_col,
                        ParseMsg::EndpointPortInvalid,
                        &[("found", &port_s)],
                    );
                    return None;
                }
            }
        };
        Some(EndpointSpec { addr, port })
    }

    /// An address that does not read: one with a scope id (`fe80::1%eth0`,
    /// `[fe80::1%2]`) says what the format does without one, anything else
    /// that an IP address was expected.
    fn address_problem(&mut self, line: u32, col: u32, text: &str) {
        match zoned(text.trim_start_matches('[').trim_end_matches(']')) {
            Some((addr, zone)) => self.zone_problem(line, col, addr, zone),
            None if text.is_empty() => self.problem(line, col, ParseMsg::AddressMissing, &[]),
            None => self.problem(line, col, ParseMsg::AddressInvalid, &[("found", &text)]),
        }
    }

    fn zone_problem(&mut self, line: u32, col: u32, addr: &str, zone: &str) {
        self.problem(
            line,
            col,
            ParseMsg::AddressZone,
            &[("addr", &addr), ("zone", &zone)],
        );
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
                    ParseMsg::CountOutOfRange,
                    &[("keyword", &kw), ("max", &MAX_CLIENTS), ("count", &n)],
                );
                None
            }
            _ => {
                self.problem(line, c.col, ParseMsg::CountInvalid, &[("found", &c.text)]);
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
                    ParseMsg::FamilyIpv6OnIpv4Socket,
                    &[("name", &name), ("protocol", &proto.keyword())],
                );
                false
            }
            (true, IpAddr::V4(a)) => {
                self.problem(
                    line,
                    t.col,
                    ParseMsg::FamilyIpv4OnIpv6Socket,
                    &[
                        ("name", &name),
                        ("protocol", &proto.keyword()),
                        ("addr", &a),
                    ],
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
                ParseMsg::HeaderAfterSteps,
                &[("keyword", &kw)],
            );
            return;
        }
        match kw {
            "title" => {
                if let Some(prev) = self.seen_title.replace(line) {
                    self.problem(
                        line,
                        toks[0].col,
                        ParseMsg::HeaderTwice,
                        &[("keyword", &"title"), ("line", &prev)],
                    );
                }
                let text = rest.trim();
                if text.is_empty() {
                    self.problem(line, toks[0].col + 5, ParseMsg::TitleMissing, &[]);
                } else {
                    self.scenario.title = Some(text.to_string());
                }
            }
            "os" => {
                if let Some(prev) = self.seen_os.replace(line) {
                    self.problem(
                        line,
                        toks[0].col,
                        ParseMsg::HeaderTwice,
                        &[("keyword", &"os"), ("line", &prev)],
                    );
                }
                match toks.get(1) {
                    Some(t) => match Os::from_key(t.text) {
                        Some(os) => self.scenario.os = os,
                        None => {
                            self.problem(line, t.col, ParseMsg::OsUnknown, &[("found", &t.text)])
                        }
                    },
                    None => self.problem(line, 0, ParseMsg::OsMissing, &[]),
                }
                if let Some(t) = toks.get(2) {
                    self.problem(line, t.col, ParseMsg::OsExtra, &[("found", &t.text)]);
                }
            }
            "iface" => {
                if toks.len() < 2 {
                    self.problem(line, 0, ParseMsg::IfaceMissing, &[]);
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
                            ParseMsg::IfaceWildcard,
                            &[("found", &t.text)],
                        ),
                        Ok(a) if a.is_multicast() => self.problem(
                            line,
                            t.col,
                            ParseMsg::IfaceMulticast,
                            &[("found", &t.text)],
                        ),
                        // A host has no such address (an `iface` of it made
                        // up answers no kernel gives).
                        Ok(a) if crate::addr::is_broadcast(a) => self.problem(
                            line,
                            t.col,
                            ParseMsg::IfaceBroadcast,
                            &[("found", &t.text)],
                        ),
                        Ok(a) => {
                            let a = crate::addr::unmap(a);
                            if !self.scenario.ifaces.contains(&a) {
                                self.scenario.ifaces.push(a);
                            }
                        }
                        Err(_) => self.address_problem(line, t.col, t.text),
                    }
                }
            }
            "seed" => {
                if let Some(prev) = self.seen_seed.replace(line) {
                    self.problem(
                        line,
                        toks[0].col,
                        ParseMsg::HeaderTwice,
                        &[("keyword", &"seed"), ("line", &prev)],
                    );
                }
                match toks.get(1).map(|t| (t, t.text.parse::<u64>())) {
                    Some((_, Ok(n))) => self.scenario.seed = n,
                    Some((t, Err(_))) => {
                        self.problem(line, t.col, ParseMsg::SeedInvalid, &[("found", &t.text)])
                    }
                    None => self.problem(line, 0, ParseMsg::SeedMissing, &[]),
                }
            }
            _ => unreachable!("header keywords are matched by the caller"),
        }
    }

    fn step(&mut self, line: u32, kw: &str, toks: &[Tok]) -> Option<StepKind> {
        let t = |i: usize| toks.get(i);
        let max_args = |p: &mut Parser, n: usize| {
            if let Some(extra) = toks.get(n + 1) {
                p.problem(
                    line,
                    extra.col,
                    ParseMsg::StepExtra,
                    &[("keyword", &kw), ("found", &extra.text)],
                );
            }
        };
        let kind = match kw {
            "socket" => {
                let name = self.fresh(line, t(1), Some("socket"));
                let proto = match t(2).map(|p| p.text.to_ascii_lowercase()) {
                    Some(p) if p == "tcp" => Some(Proto::Tcp),
                    Some(p) if p == "tcp6" => Some(Proto::Tcp6),
                    Some(p) if p == "udp" => Some(Proto::Udp),
                    Some(p) if p == "udp6" => Some(Proto::Udp6),
                    _ => {
                        match t(2) {
                            Some(x) => self.problem(
                                line,
                                x.col,
                                ParseMsg::SocketProtocolInvalid,
                                &[("found", &x.text)],
                            ),
                            None => self.problem(line, 0, ParseMsg::SocketProtocolMissing, &[]),
                        }
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
                        self.problem(line, 0, ParseMsg::SetOptionMissing, &[]);
                        None
                    }
                    Some(o) => match SockOpt::from_name(o.text) {
                        None => {
                            let names = SockOpt::ALL.map(|o| o.name());
                            match crate::near::nearest(o.text, &names) {
                                Some(near) => self.problem(
                                    line,
                                    o.col,
                                    ParseMsg::SetOptionUnknownNear,
                                    &[("found", &o.text), ("near", &near)],
                                ),
                                None => self.problem(
                                    line,
                                    o.col,
                                    ParseMsg::SetOptionUnknown,
                                    &[("found", &o.text)],
                                ),
                            }
                            None
                        }
                        Some(opt) => {
                            // The OS an option of one OS belongs to.
                            let owner = match opt {
                                SockOpt::SoExclusiveAddrUse => Some(Os::Windows),
                                SockOpt::SoReusePortLb => Some(Os::FreeBsd),
                                SockOpt::IpMulticastAll => Some(Os::Linux),
                                _ => None,
                            };
                            let missing = match self.text_os {
                                TextOs::Own => {
                                    (!self.scenario.os.rules().supports(opt)).then(|| {
                                        let msg = if owner.is_some() {
                                            ParseMsg::SetOptionNotOnOsOwned
                                        } else {
                                            ParseMsg::SetOptionNotOnOs
                                        };
                                        (msg, Some(self.scenario.os))
                                    })
                                }
                                TextOs::Override(os) => (!os.rules().supports(opt)).then(|| {
                                    let msg = if owner.is_some() {
                                        ParseMsg::SetOptionNotOnRunOsOwned
                                    } else {
                                        ParseMsg::SetOptionNotOnRunOs
                                    };
                                    (msg, Some(os))
                                }),
                                TextOs::All => (!Os::ALL.iter().any(|os| os.rules().supports(opt)))
                                    .then_some((ParseMsg::SetOptionOnNoOs, None)),
                            };
                            if let Some((msg, os)) = missing {
                                let name = opt.name();
                                let mut args: Vec<(&'static str, &dyn fmt::Display)> =
                                    vec![("option", &name)];
                                let (os, owner) = (os.map(Os::display), owner.map(Os::display));
                                if let Some(os) = &os {
                                    args.push(("os", os));
                                }
                                if let (Some(owner), true) =
                                    (&owner, msg.slots().contains(&"owner"))
                                {
                                    args.push(("owner", owner));
                                }
                                self.problem(line, o.col, msg, &args);
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
                        let v = t(3)?;
                        self.problem(line, v.col, ParseMsg::SetOnOff, &[("found", &v.text)]);
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
                let ep = self.endpoint(line, t(2), None);
                max_args(self, 2);
                let ((name, proto), ep) = (target?, ep?);
                if !self.check_family(line, t(2)?, proto, &name, &ep) {
                    return None;
                }
                if kw == "connect" && crate::addr::unmap(ep.addr).is_unspecified() {
                    self.problem(
                        line,
                        t(2)?.col,
                        ParseMsg::ConnectWildcard,
                        &[("addr", &ep.addr)],
                    );
                    return None;
                }
                if kw == "connect" && ep.port == PortSpec::Num(0) {
                    self.problem(line, t(2)?.col, ParseMsg::ConnectPortZero, &[]);
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
                let new = self.fresh(line, t(2), None);
                max_args(self, 2);
                let ((name, proto), new) = (target?, new?);
                self.live.open(&new, line, proto);
                StepKind::Accept { name, new }
            }
            "client" => {
                let ep = self.endpoint(line, t(1), Some("client"));
                let count = self.count(line, t(2), "client");
                max_args(self, 2);
                let ep = ep?;
                if crate::addr::unmap(ep.addr).is_unspecified() {
                    self.problem(
                        line,
                        t(1)?.col,
                        ParseMsg::ClientWildcard,
                        &[("addr", &ep.addr)],
                    );
                    return None;
                }
                // A broadcast address first: 127.255.255.255 is in 127/8,
                // which counts as local, and a host has no 255.255.255.255
                // to add with `iface`.
                if crate::addr::is_broadcast(ep.addr) {
                    let col = t(1)?.col;
                    self.problem(line, col, ParseMsg::ClientBroadcast, &[("addr", &ep.addr)]);
                    return None;
                }
                if !self.is_local(ep.addr) {
                    let col = t(1)?.col;
                    let ip = crate::addr::unmap(ep.addr);
                    let args: &[(&str, &dyn std::fmt::Display)] =
                        &[("addr", &ep.addr), ("ip", &ip)];
                    self.problem(line, col, ParseMsg::ClientNotLocal, args);
                    return None;
                }
                if ep.port == PortSpec::Num(0) {
                    self.problem(line, t(1)?.col, ParseMsg::ClientPortZero, &[]);
                    return None;
                }
                StepKind::Client { ep, count: count? }
            }
            "datagram" => {
                let ep = self.endpoint(line, t(1), Some("datagram"));
                let count = self.count(line, t(2), "datagram");
                max_args(self, 2);
                let ep = ep?;
                let addr = crate::addr::unmap(ep.addr);
                if addr.is_unspecified() {
                    self.problem(
                        line,
                        t(1)?.col,
                        ParseMsg::DatagramWildcard,
                        &[("addr", &ep.addr)],
                    );
                    return None;
                }
                // (A broadcast address first, as for `client`.)
                if crate::addr::is_broadcast(addr) {
                    let col = t(1)?.col;
                    self.problem(
                        line,
                        col,
                        ParseMsg::DatagramBroadcast,
                        &[("addr", &ep.addr)],
                    );
                    return None;
                }
                if !addr.is_multicast() && !self.is_local(ep.addr) {
                    let col = t(1)?.col;
                    let args: &[(&str, &dyn std::fmt::Display)] =
                        &[("addr", &ep.addr), ("ip", &addr)];
                    self.problem(line, col, ParseMsg::DatagramNotLocal, args);
                    return None;
                }
                if ep.port == PortSpec::Num(0) {
                    self.problem(line, t(1)?.col, ParseMsg::DatagramPortZero, &[]);
                    return None;
                }
                StepKind::Datagram { ep, count: count? }
            }
            "join" => {
                let target = self.existing(line, t(1), kw);
                let group = match t(2) {
                    None => {
                        self.problem(line, 0, ParseMsg::JoinGroupMissing, &[]);
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
                                ParseMsg::JoinNotMulticast,
                                &[("found", &g.text)],
                            );
                            None
                        }
                        Err(_) => {
                            let bare = g.text.trim_start_matches('[').trim_end_matches(']');
                            match zoned(bare) {
                                Some((addr, zone)) => self.zone_problem(line, g.col, addr, zone),
                                None => self.problem(
                                    line,
                                    g.col,
                                    ParseMsg::JoinGroupInvalid,
                                    &[("found", &g.text)],
                                ),
                            }
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
                        ParseMsg::JoinIpv6GroupOnIpv4Socket,
                        &[("name", &name), ("protocol", &proto.keyword())],
                    );
                    return None;
                }
                StepKind::Join { name, group }
            }
            "wait" => {
                let ms = match t(1) {
                    None => {
                        self.problem(line, 0, ParseMsg::WaitMissing, &[]);
                        None
                    }
                    Some(d) => match parse_duration(d.text) {
                        Ok(ms) => Some(ms),
                        Err(DurationError::Invalid) => {
                            self.problem(line, d.col, ParseMsg::WaitInvalid, &[("found", &d.text)]);
                            None
                        }
                        Err(DurationError::TooLong) => {
                            self.problem(
                                line,
                                d.col,
                                ParseMsg::WaitTooLong,
                                &[("found", &d.text), ("max", &MAX_WAIT)],
                            );
                            None
                        }
                    },
                };
                max_args(self, 1);
                StepKind::Wait { ms: ms? }
            }
            "user" => {
                let name = match t(1) {
                    Some(u) if is_user_name(u.text) => Some(u.text.to_string()),
                    Some(u) => {
                        self.problem(line, u.col, ParseMsg::UserInvalid, &[("found", &u.text)]);
                        None
                    }
                    None => {
                        self.problem(line, 0, ParseMsg::UserMissing, &[]);
                        None
                    }
                };
                max_args(self, 1);
                StepKind::User { name: name? }
            }
            _ => {
                let found = toks[0].text;
                match crate::near::nearest(found, &KEYWORDS) {
                    Some(near) => self.problem(
                        line,
                        toks[0].col,
                        ParseMsg::StepUnknownNear,
                        &[("found", &found), ("near", &near)],
                    ),
                    None => self.problem(
                        line,
                        toks[0].col,
                        ParseMsg::StepUnknown,
                        &[("found", &found)],
                    ),
                }
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
                    ParseMsg::ExpectWithoutStep,
                    &[],
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
                        ParseMsg::ExpectAfterHeader,
                        &[],
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
                    self.problem(line_no, col0, ParseMsg::ExpectMissing, &[]);
                    None
                }
                [r, extra @ ..] => {
                    if let Some(x) = extra.first() {
                        self.problem(line_no, x.col, ParseMsg::ExpectExtra, &[("found", &x.text)]);
                    }
                    let os = self.scenario.os;
                    match canonical_result(os, r.text) {
                        Some(c) => Some(c),
                        None => {
                            let example = if os == Os::Windows {
                                "WSAEADDRINUSE"
                            } else {
                                "EADDRINUSE"
                            };
                            self.problem(
                                line_no,
                                r.col,
                                ParseMsg::ExpectUnknown,
                                &[("os", &os), ("example", &example), ("found", &r.text)],
                            );
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

/// The longest `wait`, far past every timer bindlab models (the longest,
/// FreeBSD's FIN_WAIT_2 limit, is 675 s): a longer one is a slip (a pasted
/// number, a unit too many), and one whose milliseconds overflow a `u64`
/// used to be refused as if it were no duration at all.
pub const MAX_WAIT_MS: u64 = 24 * 3_600_000;
/// [`MAX_WAIT_MS`] as the text writes it (what the message names).
pub const MAX_WAIT: &str = "24h";

/// Why a word is not a `wait`'s duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationError {
    /// Not a number and a unit (`5y`, `ms`, `1.5s`).
    Invalid,
    /// A duration, longer than [`MAX_WAIT_MS`] (or past any number).
    TooLong,
}

/// `500ms`, `30s`, `2m`, `1h` → milliseconds, at most [`MAX_WAIT_MS`].
pub fn parse_duration(s: &str) -> Result<u64, DurationError> {
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
        return Err(DurationError::Invalid);
    };
    if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DurationError::Invalid);
    }
    // Digits only, so the one way `parse` fails is a number past `u64`.
    num.parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .filter(|ms| *ms <= MAX_WAIT_MS)
        .ok_or(DurationError::TooLong)
}

/// Parses a scenario. On failure returns every problem, in line order.
pub fn parse(text: &str) -> Result<Scenario, Vec<Problem>> {
    parse_for(text, TextOs::Own)
}

/// The title a text gives itself, read as `parse` reads it, even when the
/// text has problems elsewhere: a page keeps the scenario's heading while
/// its reader is mid-edit. The header comes before the first step, so the
/// reading stops there.
pub fn title_of(text: &str) -> Option<String> {
    let mut p = Parser::new(TextOs::Own);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, raw) in text.split('\n').enumerate() {
        if !p.scenario.steps.is_empty() {
            break;
        }
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        p.line(line_no, raw.strip_suffix('\r').unwrap_or(raw));
    }
    p.scenario.title
}

/// Parses a scenario whose text checks are made for `text_os` rather than
/// (only) its own `os` line. The scenario's `os` is kept as written: it is
/// still the OS its `=> RESULT` expectations are about.
pub fn parse_for(text: &str, text_os: TextOs) -> Result<Scenario, Vec<Problem>> {
    let mut p = Parser::new(text_os);
    // A byte-order mark before the text (Notepad's "UTF-8 with BOM") is the
    // file's, not the scenario's: read as a blank, so columns stay.
    let unmarked = text.strip_prefix('\u{feff}').map(|rest| format!(" {rest}"));
    let text = unmarked.as_deref().unwrap_or(text);
    for (i, raw) in text.split('\n').enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        p.line(line_no, raw.strip_suffix('\r').unwrap_or(raw));
    }
    if p.problems.is_empty() {
        Ok(p.scenario)
    } else {
        // Problems without a column (end of line) point just past the text.
        // The lines are split once: looking each one up from the top made
        // 20,000 `wait`s without a duration take seconds.
        let lines: Vec<&str> = if p.problems.iter().any(|pr| pr.col == 0) {
            text.split('\n').collect()
        } else {
            Vec::new()
        };
        for pr in &mut p.problems {
            if pr.col == 0 {
                let line = (pr.line as usize)
                    .checked_sub(1)
                    .and_then(|i| lines.get(i))
                    .unwrap_or(&"");
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

/// What a message quotes of the text, cut to [`FOUND_MAX`] characters: a
/// pasted 5,000-digit port is still named, but does not run off the page.
const FOUND_MAX: usize = 40;

/// The same for a socket name or an address, which a message may repeat
/// as a suggestion (`[{addr}]:PORT`): room for the longest IPv6 address.
const QUOTED_MAX: usize = 64;

fn shortened(found: String, max: usize) -> String {
    if found.chars().count() <= max {
        return found;
    }
    let mut cut: String = found.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// `text` with the characters that show as nothing (controls, NUL, a
/// zero-width space, a byte-order mark, direction marks) written as
/// `[U+200B]`: "found `C`" with an invisible letter after the C named
/// nothing the reader could see.
fn visible(text: &str) -> String {
    let invisible = |c: char| {
        c.is_control()
            || matches!(c, '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
    };
    if !text.chars().any(invisible) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if invisible(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text with a problem after its header keeps its title; one whose
    /// title is the problem, or that has none, has none.
    #[test]
    fn a_title_is_read_from_a_text_with_problems() {
        let broken = "# two servers\ntitle Two servers, one port # a comment\nos linux\nsocket A tcp\nbind A 0.0.0.0:99999\ntitle Later\n";
        assert!(parse(broken).is_err());
        assert_eq!(title_of(broken).as_deref(), Some("Two servers, one port"));
        assert_eq!(
            title_of("\u{feff}title T\r\nsocket A tcp\r\nlisten Ax\r\n").as_deref(),
            Some("T")
        );
        let whole = "title Same as parse\nsocket A tcp\n";
        assert_eq!(title_of(whole), parse(whole).unwrap().title);
        assert_eq!(title_of("title\nsocket A tcp\n"), None);
        assert_eq!(title_of("socket A tcp\nlisten Ax\n"), None);
    }

    /// `KEYWORDS` is written apart from the parser's match: every word in it
    /// must be one the parser knows, or "did you mean" would offer a word
    /// that fails in its turn.
    #[test]
    fn every_suggested_keyword_is_one_the_parser_knows() {
        for kw in KEYWORDS {
            let problems = parse(&format!("{kw}\n")).err().unwrap_or_default();
            assert!(
                !problems
                    .iter()
                    .any(|p| matches!(p.msg, ParseMsg::StepUnknown | ParseMsg::StepUnknownNear)),
                "`{kw}`: {problems:?}"
            );
        }
    }

    /// A name unknown among thousands of open sockets (a crowded port's
    /// scenario whose `socket` lines were renamed) names the first few, by
    /// name, and how many there are: every socket on every such line was
    /// 690 MB of messages and 29 s for 10,000.
    #[test]
    fn an_unknown_name_among_thousands_names_the_first_few() {
        let n = 3_000;
        let mut text = String::new();
        for i in 0..n {
            text += &format!("socket S{i} tcp\n");
        }
        text += &"bind X 0.0.0.0:1\n".repeat(n);
        text += "close S1\nsocket A tcp\nlisten X\n";
        let problems = parse(&text).unwrap_err();
        assert_eq!(problems.len(), n + 1);
        assert!(problems.iter().all(|p| p.msg == ParseMsg::NameUnknownMany));
        assert_eq!(
            problems[0].message,
            "no socket named `X` exists at this point (3000 sockets open here, the first by name: S0, S1, S10, S100, S1000, S1001, S1002, S1003)"
        );
        // The list follows the sockets opened and closed since.
        assert!(
            problems[n]
                .message
                .ends_with("(3000 sockets open here, the first by name: A, S0, S10, S100, S1000, S1001, S1002, S1003)"),
            "{}",
            problems[n].message
        );
        // Eight or fewer are all listed, as before.
        let few = parse("socket B tcp\nsocket A tcp\nlisten X\n").unwrap_err();
        assert_eq!(few[0].msg, ParseMsg::NameUnknown);
        assert!(few[0].message.ends_with("(sockets open here: A, B)"));
    }

    /// A file saved with a byte-order mark reads as without one (it was
    /// "found `socket`: did you mean `socket`?", the mark unseen), and its
    /// columns stay where the editor has them.
    #[test]
    fn a_byte_order_mark_is_not_part_of_the_scenario() {
        let marked = parse("\u{feff}title T\r\nsocket A tcp\r\nbind A 0.0.0.0:80\r\n").unwrap();
        assert_eq!(
            marked,
            parse("title T\nsocket A tcp\nbind A 0.0.0.0:80\n").unwrap()
        );
        let p = parse("\u{feff}socket 9A tcp").unwrap_err();
        assert_eq!((p[0].line, p[0].col), (1, 9));
    }

    /// What a message quotes shows the characters that show as nothing
    /// (a NUL, a zero-width space, a direction mark), and a name or an
    /// address as long as a line is cut like any quote.
    #[test]
    fn quotes_show_invisible_characters_and_stay_short() {
        let p = parse(
            "socket C\u{200b} tcp\nsocket D tcp\u{0}\nsocket \u{202e}E tcp\nsoc\u{feff}ket F tcp\n",
        )
        .unwrap_err();
        let m: Vec<&str> = p.iter().map(|p| p.message.as_str()).collect();
        assert!(m[0].ends_with("found `C[U+200B]`"), "{}", m[0]);
        assert!(m[1].ends_with("found `tcp[U+0000]`"), "{}", m[1]);
        assert!(m[2].ends_with("found `[U+202E]E`"), "{}", m[2]);
        assert!(
            m[3].contains("found `soc[U+FEFF]ket`: did you mean `socket`?"),
            "{}",
            m[3]
        );
        let long = "A".repeat(100_000);
        for text in [
            format!("socket {long} tcp\nsocket {long} tcp\n"),
            format!("socket {long} tcp\nlisten {long}B\n"),
            format!("socket A udp\ndatagram {}\n", ":".repeat(100_000)),
        ] {
            let p = parse(&text).unwrap_err();
            assert!(p[0].message.len() < 300, "{}", p[0].message);
        }
        // The longest IPv6 address is still suggested whole.
        let p = parse("socket A tcp6\nbind A ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255:80\n")
            .unwrap_err();
        assert!(
            p[0].message
                .ends_with("`[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:PORT`"),
            "{}",
            p[0].message
        );
    }

    /// The longest `wait` is far past every timer an OS of bindlab runs
    /// (its doc says so): no scenario needs a longer one to see a port
    /// come free.
    #[test]
    fn the_longest_wait_is_far_past_every_timer() {
        for os in Os::ALL {
            let p = os.rules().params();
            let longest = p.time_wait_ms.max(p.fin_wait_2.map_or(0, |f| f.ms));
            assert!(longest <= 675_000 && MAX_WAIT_MS >= 100 * longest, "{os:?}");
        }
    }

    /// A problem at the end of its line finds that line once: 40,000
    /// `wait`s without a duration (a pasted table with one slip a line)
    /// looked each line up from the top, seconds of a frozen page.
    #[test]
    fn problems_at_the_ends_of_many_lines_are_placed_in_one_pass() {
        let n = 40_000;
        let text = format!("socket A tcp\n{}", "wait   # no duration\n".repeat(n));
        // How fast is the bench's to print; this checks the placing.
        let problems = parse(&text).unwrap_err();
        assert_eq!(problems.len(), n);
        assert!(problems
            .iter()
            .enumerate()
            .all(|(i, p)| p.line as usize == i + 2
                && p.col == 5
                && p.msg == ParseMsg::WaitMissing));
    }
}
