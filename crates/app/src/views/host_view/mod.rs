//! The host after a step: the diagram, the announcement, and the table
//! twin that says the same in rows.

pub(crate) mod cache;
pub(crate) mod card;
pub(crate) mod diagram;
pub(crate) mod sock_view;
pub(crate) mod twin;

use cache::HostCache;
use diagram::Diagram;
use sock_view::{sock_views, Deliveries, Got, SockView};
use twin::Twin;

use std::collections::BTreeMap;
use std::rc::Rc;

use bindlab_engine::print::step_text;
use bindlab_engine::scenario::StepKind;
use bindlab_engine::{run, Os, StepReport};
use yew::prelude::*;

use crate::browser::dom::select_value;
use crate::hooks::use_window_event;
use crate::i18n::{use_tr, Tr, T};
use crate::state::Derived;
use crate::views::os_table::outcome;

#[derive(Properties)]
pub(crate) struct HostViewProps {
    pub(crate) derived: Rc<Derived>,
    pub(crate) os: Os,
    pub(crate) oses: Vec<Os>,
    pub(crate) step: usize,
    pub(crate) on_os: Callback<Os>,
    /// The id of the heading of what holds this view (a widget's title),
    /// named with the view's own, so two widgets' views have two names.
    #[prop_or_default]
    pub(crate) within: Option<AttrValue>,
}

impl PartialEq for HostViewProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.derived, &o.derived)
            && self.within == o.within
            && self.os == o.os
            && self.oses == o.oses
            && self.step == o.step
            && self.on_os == o.on_os
    }
}

#[function_component(HostView)]
pub(crate) fn host_view(p: &HostViewProps) -> Html {
    let tr = use_tr();
    let cache = use_mut_ref(HostCache::default);
    // The diagram is laid out for the width it has (see `diagram_layout`):
    // measured once drawn and again when the window is resized.
    let room_ref = use_node_ref();
    let room = use_state_eq(|| None::<i32>);
    {
        let (room_ref, room) = (room_ref.clone(), room.clone());
        let measure = move || {
            if let Some(el) = room_ref.cast::<web_sys::Element>() {
                let w = el.client_width();
                if w > 0 {
                    room.set(diagram::room_for(w));
                }
            }
        };
        // Once drawn (an effect runs after the render)...
        {
            let measure = measure.clone();
            use_effect_with(p.derived.parsed.is_ok(), move |_| measure());
        }
        // ...and on every resize.
        use_window_event("resize", p.derived.parsed.is_ok(), move |_| measure());
    }
    let Ok(scenario) = &p.derived.parsed else {
        return html! {};
    };
    // The host names its queued connections as the why-lines do: in this
    // view's language (a page may hold labs in two).
    bindlab_engine::rules::set_overlay(tr.overlay());
    let host = cache.borrow_mut().host(&p.derived, scenario, p.os, p.step);
    let computed;
    let report = match p.derived.reports.iter().find(|r| r.os == p.os) {
        Some(r) => r,
        None => {
            computed = run(scenario, p.os);
            &computed
        }
    };
    let last = p
        .step
        .checked_sub(1)
        .and_then(|i| report.steps.get(i).map(|r| (i, r)));
    let announce = match last {
        Some((i, r)) => {
            let why = r
                .why
                .as_deref()
                .map(|w| format!(" — {w}"))
                .unwrap_or_default();
            // The table numbers steps by their line: say both.
            let said = tr.f(
                T::ScenarioAnnounce,
                &[
                    ("n", &(i + 1).to_string()),
                    ("total", &scenario.steps.len().to_string()),
                    ("line", &scenario.steps[i].line.to_string()),
                    ("step", &step_text(&scenario.steps[i].kind)),
                    ("outcome", &outcome(&tr, r)),
                    ("os", p.os.display()),
                ],
            );
            (said, why)
        }
        None if scenario.steps.is_empty() => (tr.t(T::ScenarioNoSteps).to_string(), String::new()),
        None => (
            tr.f(T::ScenarioNothingYet, &[("os", p.os.display())]),
            String::new(),
        ),
    };
    // The step and its outcome stand out; the why-line after them is read
    // as text (bold, a long one was a heavy block on a phone).
    let (announce, announce_why) = announce;
    let arrows: BTreeMap<String, u32> = last
        .and_then(|(_, r)| r.accepted_by.clone())
        .unwrap_or_default();
    let deliveries = last
        .map(|(i, r)| deliveries(r, &scenario.steps[i].kind))
        .unwrap_or_default();
    let dropped = last
        .filter(|(_, r)| r.op == "datagram")
        .and_then(|(_, r)| r.dropped)
        .filter(|&n| n > 0);
    let views = sock_views(&tr, &host, &arrows, &deliveries);
    let named: Vec<&str> = last
        .map(|(i, _)| &scenario.steps[i].kind)
        .into_iter()
        .flat_map(|k| {
            let new = match k {
                StepKind::Accept { new, .. } => Some(new.as_str()),
                _ => None,
            };
            k.socket().into_iter().chain(new)
        })
        .collect();
    let drawn = drawn(&views, &named);
    let (shown, all) = (drawn.len(), views.iter().filter(|v| !v.queued).count());
    let mut addrs = host.local_addresses();
    // A multicast group a socket is bound to counts as an address of the
    // host for bind (the format's UDP section): it gets a band, so the card
    // has a line to it.
    for s in host.sockets() {
        if let Some(ip) = s.local().map(|l| bindlab_engine::addr::unmap(l.ip)) {
            if ip.is_multicast() && !addrs.contains(&ip) {
                addrs.push(ip);
            }
        }
    }
    bindlab_engine::sort::by_key(&mut addrs, |a| u64::from(a.is_ipv6()));
    let pick = {
        let cb = p.on_os.clone();
        Callback::from(move |e: Event| {
            if let Some(os) = Os::from_key(&select_value(&e)) {
                cb.emit(os);
            }
        })
    };
    // The step's number and its line, as the stepper and the table count.
    let heading = match p.step.checked_sub(1).and_then(|i| scenario.steps.get(i)) {
        Some(st) => tr.f(
            T::ScenarioHostAfter,
            &[("n", &p.step.to_string()), ("line", &st.line.to_string())],
        ),
        None => tr.t(T::ScenarioHostBefore).to_string(),
    };
    // Ids of its own inside a widget: a chapter holds several, in one
    // document (the sandbox's one view keeps the plain ids).
    let (h_id, announce_id) = match &p.within {
        Some(t) => (format!("{t}-host"), format!("{t}-announce")),
        None => ("h-host".to_string(), "announce".to_string()),
    };
    html! {
        <section class="pane host" aria-labelledby={match &p.within { Some(t) => format!("{h_id} {t}"), None => h_id.clone() }}>
            <div class="host-head">
                <h2 id={h_id.clone()}>{ heading }</h2>
                <label>{ tr.t(T::ScenarioSeenOn) }{" "}
                    <select aria-label={tr.t(T::ScenarioOsShownLabel).to_string()} onchange={pick}>
                        { for p.oses.iter().map(|o| html! { <option value={o.key()} selected={*o == p.os}>{ o.display() }</option> }) }
                    </select>
                </label>
            </div>
            <p class="announce" aria-live="polite" id={announce_id}><strong>{ crate::views::with_code(&announce) }</strong>{ crate::views::with_code(&announce_why) }</p>
            <div class="diagram-room" ref={room_ref}>
                <Diagram addrs={addrs} views={drawn} room={*room} />
            </div>
            if shown < all {
                <p class="muted small diagram-some">{ tr.f(T::ScenarioDiagramSome, &[("shown", &shown.to_string()), ("total", &all.to_string())]) }</p>
            }
            if let Some(n) = dropped {
                <p class="dropped">{ dropped_text(&tr, n, deliveries.multicast) }</p>
            }
            <Twin views={Rc::<[SockView]>::from(views)} os={p.os} />
        </section>
    }
}

/// Cards the diagram draws at most: 16 rows of four. A host of thousands
/// of sockets drew them all (25,000 SVG nodes for 2,500 sockets, seconds
/// to lay out), and a diagram that long shows nothing a reader can take in;
/// the table twin lists every socket.
const DIAGRAM_MAX: usize = 64;

/// The cards the diagram draws: every socket but the queued connections,
/// or for a crowded host [`DIAGRAM_MAX`] of them, in the host's order:
/// first those the last step names or reached (clients arrived, datagrams
/// received: the one an SO_REUSEPORT group's hash chose among thousands),
/// then those it only might have reached (the rest of that group, the
/// sockets that may get them where the OS leaves it undefined), then the
/// first ones.
fn drawn(views: &[SockView], named: &[&str]) -> Vec<SockView> {
    let open: Vec<&SockView> = views.iter().filter(|v| !v.queued).collect();
    if open.len() <= DIAGRAM_MAX {
        return open.into_iter().cloned().collect();
    }
    let rank = |v: &SockView| match v.datagrams {
        _ if named.contains(&v.label.as_str()) || v.arrived.is_some() => 0,
        Some(Got::Received { n, .. } | Got::Hashed { n }) if n > 0 => 0,
        Some(_) => 1,
        None => 2,
    };
    let mut keep = vec![false; open.len()];
    let mut left = DIAGRAM_MAX;
    for pass in 0..=2 {
        for (k, v) in open.iter().enumerate() {
            if left > 0 && !keep[k] && rank(v) <= pass {
                keep[k] = true;
                left -= 1;
            }
        }
    }
    open.into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(v, _)| v.clone())
        .collect()
}

/// The datagrams of a `datagram` step, from its report (nothing for any
/// other step): what the diagram draws under each UDP socket.
fn deliveries(r: &StepReport, kind: &StepKind) -> Deliveries {
    let StepKind::Datagram { ep, .. } = kind else {
        return Deliveries::default();
    };
    Deliveries {
        received_by: r.received_by.clone().unwrap_or_default(),
        candidates: r.candidates.clone().unwrap_or_default(),
        undefined: r.undetermined.is_some(),
        multicast: bindlab_engine::addr::unmap(ep.addr).is_multicast(),
    }
}

/// Datagrams no socket took, in words (the host's answer is the point).
fn dropped_text(tr: &Tr, n: u32, multicast: bool) -> String {
    let k = match (multicast, n == 1) {
        (true, true) => T::ScenarioDroppedGroupOne,
        (true, false) => T::ScenarioDroppedGroupOther,
        (false, true) => T::ScenarioDroppedUnicastOne,
        (false, false) => T::ScenarioDroppedUnicastOther,
    };
    tr.f(k, &[("n", &n.to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The views of the host after `n` sockets are made and bound, each to
    /// its own port.
    fn views(n: usize) -> Vec<SockView> {
        let mut text = String::new();
        for i in 0..n {
            text += &format!("socket S{i} tcp\nbind S{i} 0.0.0.0:{}\n", 1000 + i);
        }
        let sc = bindlab_engine::parse(&text).expect("scenario");
        let mut h = bindlab_engine::host::Host::new(Os::Linux, &sc.ifaces, sc.seed);
        for st in &sc.steps {
            h.apply(st);
        }
        sock_views(&Tr::english(), &h, &BTreeMap::new(), &Deliveries::default())
    }

    /// Windows has no root: the owner column calls the format's default
    /// user what it is there; another user keeps its name, and Linux's
    /// root is root.
    #[test]
    fn the_default_user_is_root_on_linux_and_the_default_user_on_windows() {
        let sc = bindlab_engine::parse("socket A tcp\nuser alice\nsocket B tcp\n").unwrap();
        for (os, want) in [(Os::Linux, "root"), (Os::Windows, "the default user")] {
            let mut h = bindlab_engine::host::Host::new(os, &sc.ifaces, sc.seed);
            for st in &sc.steps {
                h.apply(st);
            }
            let v = sock_views(&Tr::english(), &h, &BTreeMap::new(), &Deliveries::default());
            let owners: Vec<(&str, bool)> = v
                .iter()
                .map(|v| (v.user.as_str(), v.default_user))
                .collect();
            assert_eq!(owners, [(want, true), ("alice", false)], "{os:?}");
        }
    }

    fn labels(v: &[SockView]) -> Vec<&str> {
        v.iter().map(|v| v.label.as_str()).collect()
    }

    #[test]
    fn a_small_host_is_drawn_whole() {
        let v = views(DIAGRAM_MAX);
        assert_eq!(labels(&drawn(&v, &["S3"])), labels(&v));
    }

    #[test]
    fn a_crowded_host_draws_the_last_steps_socket_then_the_first_ones_in_order() {
        let v = views(300);
        let d = drawn(&v, &["S299"]);
        assert_eq!(d.len(), DIAGRAM_MAX);
        let mut want: Vec<String> = (0..DIAGRAM_MAX - 1).map(|i| format!("S{i}")).collect();
        want.push("S299".into());
        assert_eq!(labels(&d), want);
        // A step that names no socket: the first ones.
        assert_eq!(
            labels(&drawn(&v, &[]))[DIAGRAM_MAX - 1],
            format!("S{}", DIAGRAM_MAX - 1)
        );
    }

    #[test]
    fn the_socket_a_crowded_groups_hash_chose_is_drawn() {
        // 300 UDP sockets in one SO_REUSEPORT group; one datagram.
        let mut text = String::new();
        for i in 0..300 {
            text += &format!("socket U{i} udp\nset U{i} SO_REUSEPORT\nbind U{i} 0.0.0.0:5300\n");
        }
        text += "datagram 127.0.0.1:5300\n";
        let sc = bindlab_engine::parse(&text).expect("scenario");
        let report = run(&sc, Os::Linux);
        let last = sc.steps.len() - 1;
        let mut h = bindlab_engine::host::Host::new(Os::Linux, &sc.ifaces, sc.seed);
        for st in &sc.steps {
            h.apply(st);
        }
        let d = deliveries(&report.steps[last], &sc.steps[last].kind);
        let v = sock_views(&Tr::english(), &h, &BTreeMap::new(), &d);
        let chosen: Vec<&str> = v
            .iter()
            .filter(|v| matches!(v.datagrams, Some(Got::Received { n, .. } | Got::Hashed { n }) if n > 0))
            .map(|v| v.label.as_str())
            .collect();
        assert_eq!(chosen.len(), 1, "{chosen:?}");
        let drawn = drawn(&v, &[]);
        assert_eq!(drawn.len(), DIAGRAM_MAX);
        assert!(
            labels(&drawn).contains(&chosen[0]),
            "{} is not drawn",
            chosen[0]
        );
    }
}
