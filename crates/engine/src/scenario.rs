//! The scenario as data: what `parse` produces and `print` writes back.
//!
//! A [`Scenario`] is the one value that lessons, the sandbox, permalinks,
//! widgets, the CLI and the tests pass around. Its text form is specified in
//! `shared/spec/scenario-format.md`; this module only holds the types.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;

use serde::Serialize;

use crate::os::Os;

/// A whole scenario: header plus steps, in text order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Scenario {
    pub title: Option<String>,
    pub os: Os,
    /// Local addresses besides 127.0.0.1 and ::1 (which are always local).
    pub ifaces: Vec<IpAddr>,
    /// Seed of the hash that spreads connections over an SO_REUSEPORT group
    /// (a bindlab extension: `seed N`). The real kernels key this hash with a
    /// per-boot secret; a fixed seed makes every report reproducible.
    pub seed: u64,
    pub steps: Vec<Step>,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            title: None,
            os: Os::Linux,
            ifaces: Vec::new(),
            seed: DEFAULT_SEED,
            steps: Vec::new(),
        }
    }
}

pub const DEFAULT_SEED: u64 = 1;

impl Scenario {
    /// The sockets the scenario holds open after its first `n` steps, in
    /// the order they were opened: what `socket` and `accept` named and no
    /// `close` has ended, with their protocol. The same table the parser
    /// keeps to check names ([`OpenSockets`]); the sandbox's controls offer
    /// these names.
    pub fn open_sockets_after(&self, n: usize) -> Vec<(String, Proto)> {
        let mut open = OpenSockets::default();
        for step in self.steps.iter().take(n) {
            open.follow(step);
        }
        open.list()
    }
}

/// The socket names a scenario's text holds open at one point: `socket`
/// and `accept` open one, `close` ends it. A name is that socket's until it
/// is closed, whatever the OS answered (a step that failed on one OS may
/// work on another).
#[derive(Clone, Debug, Default)]
pub struct OpenSockets {
    /// Name → (the line that opened it, protocol, order of opening).
    names: HashMap<String, (u32, Proto, u64)>,
    opened: u64,
}

impl OpenSockets {
    /// `name` is open from `line` on (a name opened again moves to the end).
    pub fn open(&mut self, name: &str, line: u32, proto: Proto) {
        self.opened += 1;
        self.names
            .insert(name.to_string(), (line, proto, self.opened));
    }
    pub fn close(&mut self, name: &str) {
        self.names.remove(name);
    }
    /// The line that opened `name` and its protocol, if it is open.
    pub fn get(&self, name: &str) -> Option<(u32, Proto)> {
        self.names.get(name).map(|&(line, proto, _)| (line, proto))
    }
    pub fn contains(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
    /// One step: a `socket` or `accept` opens a name (an accept's new
    /// socket has its listener's protocol, and needs the listener open), a
    /// `close` ends one.
    pub fn follow(&mut self, step: &Step) {
        match &step.kind {
            StepKind::Socket { name, proto } => self.open(name, step.line, *proto),
            StepKind::Accept { name, new } => {
                if let Some((_, proto)) = self.get(name) {
                    self.open(new, step.line, proto);
                }
            }
            StepKind::Close { name } => self.close(name),
            _ => {}
        }
    }
    /// What changes whenever a name opens or closes: how many were ever
    /// opened (only grows) and how many are open now.
    pub fn version(&self) -> (u64, usize) {
        (self.opened, self.names.len())
    }
    /// The first `k` open names in byte order, and how many are open: one
    /// pass, however many there are (a message names a few of thousands).
    pub fn first_names(&self, k: usize) -> (Vec<String>, usize) {
        let mut first: Vec<&String> = Vec::with_capacity(k + 1);
        for name in self.names.keys() {
            if first.len() == k && first.last().is_none_or(|last| name >= *last) {
                continue;
            }
            let at = first.partition_point(|n| *n < name);
            first.insert(at, name);
            first.truncate(k);
        }
        (first.into_iter().cloned().collect(), self.names.len())
    }
    /// The open names with their protocol, in the order they were opened.
    pub fn list(&self) -> Vec<(String, Proto)> {
        let mut v: Vec<(&String, &(u32, Proto, u64))> = self.names.iter().collect();
        crate::sort::by_key(&mut v, |(_, &(_, _, order))| order);
        v.into_iter()
            .map(|(name, &(_, proto, _))| (name.clone(), proto))
            .collect()
    }
}

/// One step of the text, with where it stood and what the author expects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// 1-based line of the text the step came from (0 for steps built in code).
    pub line: u32,
    pub kind: StepKind,
    /// `=> RESULT`: `ok` or an error name of the scenario's OS.
    pub expect: Option<String>,
}

impl Step {
    pub fn new(kind: StepKind) -> Step {
        Step {
            line: 0,
            kind,
            expect: None,
        }
    }
}

/// The protocol and address family a socket is created with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    Tcp,
    Udp,
    Tcp6,
    Udp6,
}

impl Proto {
    pub fn is_v6(self) -> bool {
        matches!(self, Proto::Tcp6 | Proto::Udp6)
    }
    pub fn is_udp(self) -> bool {
        matches!(self, Proto::Udp | Proto::Udp6)
    }
    pub fn keyword(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::Tcp6 => "tcp6",
            Proto::Udp6 => "udp6",
        }
    }
}

/// Socket options a scenario can set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum SockOpt {
    SoReuseAddr,
    SoReusePort,
    /// FreeBSD only: load-balancing groups.
    SoReusePortLb,
    /// Windows only.
    SoExclusiveAddrUse,
    Ipv6V6Only,
    /// Linux only (`IP_MULTICAST_ALL`, on by default): a socket bound to a
    /// wildcard or the group receives groups other sockets joined.
    IpMulticastAll,
}

impl SockOpt {
    pub const ALL: [SockOpt; 6] = [
        SockOpt::SoReuseAddr,
        SockOpt::SoReusePort,
        SockOpt::SoReusePortLb,
        SockOpt::SoExclusiveAddrUse,
        SockOpt::Ipv6V6Only,
        SockOpt::IpMulticastAll,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SockOpt::SoReuseAddr => "SO_REUSEADDR",
            SockOpt::SoReusePort => "SO_REUSEPORT",
            SockOpt::SoReusePortLb => "SO_REUSEPORT_LB",
            SockOpt::SoExclusiveAddrUse => "SO_EXCLUSIVEADDRUSE",
            SockOpt::Ipv6V6Only => "IPV6_V6ONLY",
            SockOpt::IpMulticastAll => "IP_MULTICAST_ALL",
        }
    }

    pub fn from_name(s: &str) -> Option<SockOpt> {
        SockOpt::ALL
            .into_iter()
            .find(|o| o.name().eq_ignore_ascii_case(s))
    }
}

/// The port part of an endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum PortSpec {
    Num(u16),
    /// `@NAME`: the port socket NAME is bound to when the step runs.
    Of(String),
}

/// `ADDR:PORT` as written in a step.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct EndpointSpec {
    pub addr: IpAddr,
    pub port: PortSpec,
}

impl fmt::Display for EndpointSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.addr {
            IpAddr::V4(a) => write!(f, "{a}:")?,
            IpAddr::V6(a) => write!(f, "[{a}]:")?,
        }
        match &self.port {
            PortSpec::Num(n) => write!(f, "{n}"),
            PortSpec::Of(name) => write!(f, "@{name}"),
        }
    }
}

/// One step. The variants mirror the real calls named in the spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum StepKind {
    Socket {
        name: String,
        proto: Proto,
    },
    Set {
        name: String,
        opt: SockOpt,
        on: bool,
    },
    Bind {
        name: String,
        ep: EndpointSpec,
    },
    Listen {
        name: String,
    },
    Connect {
        name: String,
        ep: EndpointSpec,
    },
    Accept {
        name: String,
        new: String,
    },
    Close {
        name: String,
    },
    Client {
        ep: EndpointSpec,
        count: u32,
    },
    /// Milliseconds the clock advances.
    Wait {
        ms: u64,
    },
    User {
        name: String,
    },
    /// `datagram ENDPOINT [xN]`: N remote peers each send one UDP datagram.
    Datagram {
        ep: EndpointSpec,
        count: u32,
    },
    /// `join NAME GROUP`: IP_ADD_MEMBERSHIP / IPV6_JOIN_GROUP on loopback.
    Join {
        name: String,
        group: IpAddr,
    },
}

impl StepKind {
    /// The step's keyword, as in the text and the report's `op`.
    pub fn op(&self) -> &'static str {
        match self {
            StepKind::Socket { .. } => "socket",
            StepKind::Set { .. } => "set",
            StepKind::Bind { .. } => "bind",
            StepKind::Listen { .. } => "listen",
            StepKind::Connect { .. } => "connect",
            StepKind::Accept { .. } => "accept",
            StepKind::Close { .. } => "close",
            StepKind::Client { .. } => "client",
            StepKind::Wait { .. } => "wait",
            StepKind::User { .. } => "user",
            StepKind::Datagram { .. } => "datagram",
            StepKind::Join { .. } => "join",
        }
    }

    /// The socket the step acts on, if it names one.
    pub fn socket(&self) -> Option<&str> {
        match self {
            StepKind::Socket { name, .. }
            | StepKind::Set { name, .. }
            | StepKind::Bind { name, .. }
            | StepKind::Listen { name }
            | StepKind::Connect { name, .. }
            | StepKind::Accept { name, .. }
            | StepKind::Close { name }
            | StepKind::Join { name, .. } => Some(name),
            StepKind::Client { .. }
            | StepKind::Wait { .. }
            | StepKind::User { .. }
            | StepKind::Datagram { .. } => None,
        }
    }
}

/// Formats milliseconds the way the text writes durations (`2m`, `30s`, `500ms`).
pub fn format_duration(ms: u64) -> String {
    if ms != 0 && ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms != 0 && ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_sockets_follow_socket_accept_and_close_in_opening_order() {
        let s = crate::parse(
            "socket L tcp6\nbind L [::1]:9000\nlisten L\nsocket C tcp\nclose C\nsocket B tcp\n\
             socket C tcp\naccept L a\nclose B\n",
        )
        .expect("a valid scenario");
        let names = |n: usize| -> Vec<(String, Proto)> { s.open_sockets_after(n) };
        assert_eq!(names(0), []);
        assert_eq!(
            names(4),
            [
                ("L".to_string(), Proto::Tcp6),
                ("C".to_string(), Proto::Tcp)
            ]
        );
        assert_eq!(names(5), [("L".to_string(), Proto::Tcp6)]);
        // A name opened again comes last; an accepted socket has its
        // listener's protocol, whatever the OS answered.
        assert_eq!(
            names(s.steps.len()),
            [
                ("L".to_string(), Proto::Tcp6),
                ("C".to_string(), Proto::Tcp),
                ("a".to_string(), Proto::Tcp6),
            ]
        );
    }
}
