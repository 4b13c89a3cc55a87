//! One socket as the views show it.

use std::collections::BTreeMap;

use bindlab_engine::addr::SockAddr;
use bindlab_engine::host::{Host, Socket, State};
use bindlab_engine::Os;

use crate::i18n::{Tr, T};

/// The options a socket has on, by name; an unusual "off" in words.
pub(crate) fn opts_text(tr: &Tr, s: &Socket) -> String {
    let mut v: Vec<String> = Vec::new();
    if s.opts().reuseaddr {
        v.push("SO_REUSEADDR".into());
    }
    if s.opts().reuseport {
        v.push("SO_REUSEPORT".into());
    }
    if s.opts().reuseport_lb {
        v.push("SO_REUSEPORT_LB".into());
    }
    if s.opts().exclusive {
        v.push("SO_EXCLUSIVEADDRUSE".into());
    }
    if s.is_v6() && s.opts().v6only {
        v.push("IPV6_V6ONLY".into());
    }
    // On by default for an IPv4 socket (Linux's IP_MULTICAST_ALL): only
    // the unusual setting is worth the room.
    if s.is_udp() && !s.is_v6() && !s.opts().mc_all {
        v.push(tr.f(T::ScenarioOptionOff, &[("option", "IP_MULTICAST_ALL")]));
    }
    v.join(" ")
}

/// One socket as the views show it: small, comparable, so an unchanged
/// socket's row and card are not re-rendered when the step moves.
#[derive(Clone, PartialEq)]
pub(crate) struct SockView {
    pub(crate) id: usize,
    pub(crate) label: String,
    pub(crate) proto: &'static str,
    pub(crate) state: String,
    pub(crate) state_class: &'static str,
    pub(crate) local: Option<SockAddr>,
    pub(crate) remote: Option<SockAddr>,
    pub(crate) opts: String,
    /// The owner as the table shows it (the format's default user `root`
    /// is "the default user" on Windows).
    pub(crate) user: String,
    /// Whether the owner is the format's default user (the card names
    /// only the others).
    pub(crate) default_user: bool,
    pub(crate) listening: bool,
    pub(crate) queue: usize,
    /// Connections that wait on this listener or another: which one
    /// accepts them is undefined (Windows).
    pub(crate) queue_undefined: usize,
    /// Waiting in an accept queue: drawn as the listener's queue, not a card.
    pub(crate) queued: bool,
    /// Which address bands a wildcard binding covers.
    pub(crate) v6_wildcard_dual: bool,
    pub(crate) v6_wildcard_only: bool,
    /// Addresses the wildcard binding does not cover (Windows: an
    /// exclusive socket's, bound before it).
    pub(crate) except: Vec<std::net::IpAddr>,
    /// Clients that arrived at this listener in the last step.
    pub(crate) arrived: Option<u32>,
    /// A UDP socket.
    pub(crate) udp: bool,
    /// Multicast groups it joined.
    pub(crate) groups: Vec<std::net::IpAddr>,
    /// What the last step's datagrams did here.
    pub(crate) datagrams: Option<Got>,
}

/// One socket's share of a `datagram` step, as the report says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Got {
    /// It received n datagrams (for multicast: n copies, as every member does).
    Received { n: u32, copies: bool },
    /// It is one of the sockets the OS chooses among by a hash; the report
    /// names the set, and bindlab's stand-in for the hash gave it n.
    Hashed { n: u32 },
    /// One of the sockets that may get them where the OS leaves it undefined.
    MayGet,
}

/// The last step's datagrams: who received them, who the OS chooses among,
/// and how many no socket took. Read from the step's report only.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Deliveries {
    pub(crate) received_by: BTreeMap<String, u32>,
    pub(crate) candidates: std::sync::Arc<[String]>,
    pub(crate) undefined: bool,
    pub(crate) multicast: bool,
}

impl Deliveries {
    fn got(&self, label: &str) -> Option<Got> {
        let n = self.received_by.get(label).copied().unwrap_or(0);
        let candidate = self.candidates.iter().any(|c| c == label);
        match (candidate, self.undefined, n) {
            (true, true, _) => Some(Got::MayGet),
            (true, false, n) => Some(Got::Hashed { n }),
            (false, _, 0) => None,
            (false, _, n) => Some(Got::Received {
                n,
                copies: self.multicast,
            }),
        }
    }
}

pub(crate) fn sock_views(
    tr: &Tr,
    h: &Host,
    arrows: &BTreeMap<String, u32>,
    deliveries: &Deliveries,
) -> Vec<SockView> {
    let mut socks: Vec<&Socket> = h.sockets().collect();
    // A connection queued on several listeners (Windows' undefined sharing)
    // is in each one's queue: counted there as "may be here", not as theirs.
    let shared: std::collections::BTreeSet<usize> = socks
        .iter()
        .filter(|s| s.queued_on().len() > 1)
        .map(|s| s.id())
        .collect();
    bindlab_engine::sort::by_key(&mut socks, |s| {
        (u64::from(s.child() && !s.named()) << 63) | s.id() as u64
    });
    socks
        .into_iter()
        .map(|s| {
            let v6_any = matches!(s.local().map(|l| l.ip), Some(std::net::IpAddr::V6(a)) if a.is_unspecified());
            SockView {
                id: s.id(),
                label: s.label().to_string(),
                proto: s.proto().keyword(),
                state: match s.state() {
                    State::TimeWait { until_ms } => tr.f(T::ScenarioTimeWaitLeft, &[("s", &until_ms.saturating_sub(h.now_ms).div_ceil(1000).to_string())]),
                    State::FinWait2 { until_ms } => tr.f(T::ScenarioFinWait2Left, &[("s", &until_ms.saturating_sub(h.now_ms).div_ceil(1000).to_string())]),
                    State::Bound if !h.in_tables(s.id()) => tr.t(T::ScenarioOutOfTables).to_string(),
                    st @ (State::Bound | State::Listening) if s.pcb_narrowed().is_some() => tr.f(
                        T::ScenarioOneFamily,
                        &[("state", tr.word(st.label())), ("family", if s.pcb_narrowed() == Some(true) { "IPv4" } else { "IPv6" })],
                    ),
                    st => tr.word(st.label()).to_string(),
                },
                state_class: match s.state() {
                    State::Listening => "listening",
                    // Both are a closed end the kernel keeps: drawn alike.
                    State::TimeWait { .. } | State::FinWait2 { .. } => "time_wait",
                    State::Connected => "connected",
                    _ => "other",
                },
                local: s.local(),
                remote: s.remote(),
                opts: opts_text(tr, s),
                default_user: s.user() == "root",
                // Windows has no root: there the format's default user is
                // just the one who runs the program.
                user: if h.os == Os::Windows && s.user() == "root" {
                    tr.t(T::ScenarioDefaultUser).to_string()
                } else {
                    s.user().to_string()
                },
                listening: s.is_listening(),
                queue: s.queue().iter().filter(|c| !shared.contains(c)).count(),
                queue_undefined: s.queue().iter().filter(|c| shared.contains(c)).count(),
                queued: s.child() && !s.named() && !s.queued_on().is_empty(),
                // A PCB a connect() left in one family spans that family.
                v6_wildcard_dual: v6_any && !s.opts().v6only && s.pcb_narrowed().is_none(),
                v6_wildcard_only: v6_any && (s.opts().v6only || s.pcb_narrowed() == Some(false)),
                except: h.wildcard_exceptions(s.id()),
                arrived: arrows.get(s.label()).copied().filter(|_| s.is_listening()),
                udp: s.is_udp(),
                groups: s.groups().to_vec(),
                datagrams: if s.is_udp() { deliveries.got(s.label()) } else { None },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bindlab_engine::Os;

    fn states(tr: &Tr) -> Vec<String> {
        let text = "socket A tcp\nbind A 127.0.0.1:80\nlisten A\nsocket B tcp\nbind B 127.0.0.1:81\nsocket C tcp\n";
        let scenario = bindlab_engine::parse(text).expect("the scenario parses");
        let h = bindlab_engine::host_after(&scenario, Os::Linux, scenario.steps.len());
        sock_views(tr, &h, &BTreeMap::new(), &Deliveries::default())
            .into_iter()
            .map(|v| v.state)
            .collect()
    }

    #[test]
    fn a_sockets_state_is_said_in_the_pages_language() {
        assert_eq!(states(&Tr::english()), ["listening", "bound", "unbound"]);
        let zh = crate::test_support::zh_with_words();
        assert_eq!(states(&zh), ["监听", "已绑定", "未绑定"]);
    }
}
