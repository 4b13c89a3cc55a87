//! The scenario as data: what `parse` produces and `print` writes back.
//!
//! A [`Scenario`] is the one value that lessons, the sandbox, permalinks,
//! widgets, the CLI and the tests pass around. Its text form is specified in
//! `shared/spec/scenario-format.md`; this module only holds the types.

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
