//! What the sandbox's controls read: the options the scenario leaves on,
//! the groups it joins, and the boxes the reader types in (port, group,
//! how many), each refused with a reason in the page's language.

use bindlab_engine::parse::MAX_CLIENTS;
use bindlab_engine::scenario::{EndpointSpec, PortSpec, Proto, Scenario, SockOpt, StepKind};
use std::net::IpAddr;

use crate::i18n::{Tr, T};

/// Whether the scenario leaves `opt` on for the socket named `name` (the
/// last `set` since that name was last created, else the option's default
/// for a new socket: IPV6_V6ONLY as the OS sets it, IP_MULTICAST_ALL on for
/// AF_INET, as the engine's host creates them).
pub(crate) fn option_is_on(s: &Scenario, name: &str, opt: SockOpt) -> bool {
    let default = |proto: Proto| match opt {
        SockOpt::Ipv6V6Only => proto.is_v6() && s.os.rules().params().default_v6only,
        SockOpt::IpMulticastAll => !proto.is_v6(),
        _ => false,
    };
    let mut on = false;
    for st in &s.steps {
        match &st.kind {
            StepKind::Socket { name: n, proto } if n == name => on = default(*proto),
            StepKind::Accept { new: n, .. } if n == name => on = false,
            StepKind::Set {
                name: n,
                opt: o,
                on: v,
            } if n == name && *o == opt => on = *v,
            _ => {}
        }
    }
    on
}

/// The port box: a number 0–65535, or `@NAME` for the port another socket
/// is bound to; what is wrong, in `tr`'s language.
pub(crate) fn parse_port(tr: &Tr, text: &str) -> Result<PortSpec, String> {
    let t = text.trim();
    if let Some(n) = t.strip_prefix('@') {
        if !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Ok(PortSpec::Of(n.to_string()));
        }
    }
    match t.parse::<u32>() {
        Ok(n) if n <= 65535 => Ok(PortSpec::Num(n as u16)),
        Ok(_) => Err(tr.f(T::SandboxPortOutOfRange, &[("port", t)])),
        Err(_) if t.is_empty() => Err(tr.t(T::SandboxPortMissing).into()),
        Err(_) => Err(tr.f(T::SandboxPortBad, &[("text", t)])),
    }
}

/// What the port box shows until the reader types in it: the port of the
/// scenario's last bind to a numbered port, so "add clients" reaches the
/// servers the scenario has (an example's :21 or :8000), else 8080.
pub(crate) fn default_port(s: &Scenario) -> u16 {
    s.steps
        .iter()
        .rev()
        .find_map(|st| match &st.kind {
            StepKind::Bind {
                ep:
                    EndpointSpec {
                        port: PortSpec::Num(n),
                        ..
                    },
                ..
            } if *n != 0 => Some(*n),
            _ => None,
        })
        .unwrap_or(8080)
}

/// The group box of "join": a multicast address of the socket's family;
/// what is wrong, in `tr`'s language.
pub(crate) fn parse_group(tr: &Tr, text: &str, v6: bool) -> Result<IpAddr, String> {
    let t = text.trim().trim_start_matches('[').trim_end_matches(']');
    match t.parse::<IpAddr>() {
        Ok(a) if !a.is_multicast() => Err(tr.f(T::SandboxGroupNotMulticast, &[("group", t)])),
        Ok(a) if a.is_ipv6() && !v6 => Err(tr.f(T::SandboxGroupV6OnV4, &[("group", t)])),
        Ok(a) => Ok(a),
        Err(_) if t.is_empty() => Err(tr.t(T::SandboxGroupMissing).into()),
        Err(_) => Err(tr.f(T::SandboxGroupBad, &[("text", t)])),
    }
}

/// Every multicast group the scenario joins, in order of first join: where
/// datagrams can be sent and what a UDP socket can bind.
pub(crate) fn joined_groups(s: &Scenario) -> Vec<IpAddr> {
    let mut groups: Vec<IpAddr> = Vec::new();
    for st in &s.steps {
        if let StepKind::Join { group, .. } = &st.kind {
            if !groups.contains(group) {
                groups.push(*group);
            }
        }
    }
    groups
}

/// A "×" box (how many clients or datagrams): 1 to the scenario format's
/// limit, `x3` read as 3; what is wrong, in `tr`'s language (it used to
/// write one client for "0" or "x" and a thousand for "100000", silently).
pub(crate) fn parse_count(tr: &Tr, text: &str) -> Result<u32, String> {
    let t = text.trim();
    let max = MAX_CLIENTS.to_string();
    let digits = t.strip_prefix(['x', '×']).unwrap_or(t);
    // "-1" and "99999999999999999999" are numbers, only out of range.
    let unsigned = digits.strip_prefix('-').unwrap_or(digits);
    let a_number = !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit());
    match digits.parse::<u64>() {
        Ok(n) if (1..=u64::from(MAX_CLIENTS)).contains(&n) => Ok(n as u32),
        _ if a_number => Err(tr.f(T::SandboxCountOutOfRange, &[("count", t), ("max", &max)])),
        Err(_) if t.is_empty() => Err(tr.f(T::SandboxCountMissing, &[("max", &max)])),
        _ => Err(tr.f(T::SandboxCountBad, &[("text", t), ("max", &max)])),
    }
}

/// "send datagrams": the step, or why not (a datagram needs a real port).
pub(super) fn datagram_step(
    tr: &Tr,
    ep: EndpointSpec,
    count: u32,
) -> Result<Option<StepKind>, (Field, String)> {
    if ep.port == PortSpec::Num(0) {
        return Err((Field::Port, tr.t(T::SandboxDatagramNeedsPort).into()));
    }
    Ok(Some(StepKind::Datagram { ep, count }))
}

/// The boxes a button reads, for the one its message is about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Field {
    Port,
    Clients,
    Datagrams,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The last bind to a numbered port, not port 0 or another socket's.
    #[test]
    fn the_port_box_starts_at_the_scenarios_last_bound_port() {
        let port = |text: &str| default_port(&bindlab_engine::parse(text).unwrap());
        assert_eq!(port("socket A tcp\n"), 8080);
        assert_eq!(
            port("socket A tcp\nbind A 0.0.0.0:21\nsocket B tcp\nbind B 127.0.0.1:0\n"),
            21
        );
        assert_eq!(
            port("socket A tcp\nbind A 0.0.0.0:21\nsocket B tcp\nbind B 127.0.0.1:8000\nsocket C tcp\nbind C 0.0.0.0:@B\n"),
            8000
        );
    }

    /// A count is 1 to the format's limit; anything else says why, never a
    /// silent one client (for "0", "-3", "x") or a silent thousand.
    #[test]
    fn a_count_is_read_or_refused_with_its_reason() {
        let tr = Tr::english();
        assert_eq!(parse_count(&tr, " 3 "), Ok(3));
        assert_eq!(parse_count(&tr, "x20"), Ok(20));
        assert_eq!(parse_count(&tr, "10000"), Ok(MAX_CLIENTS));
        for (text, says) in [
            (
                "0",
                "0 is out of range: how many is a number from 1 to 10000.",
            ),
            ("100000", "100000 is out of range"),
            (
                "99999999999999999999999",
                "99999999999999999999999 is out of range",
            ),
            (
                "-3",
                "-3 is out of range: how many is a number from 1 to 10000.",
            ),
            ("x-3", "x-3 is out of range"),
            ("--3", "“--3” is not a number"),
            ("3a", "“3a” is not a number"),
            ("x", "“x” is not a number"),
            ("", "Type how many first: a number from 1 to 10000."),
        ] {
            let e = parse_count(&tr, text).unwrap_err();
            assert!(e.starts_with(says), "{text:?}: {e}");
        }
    }
}
