//! The host after a step: the diagram, the announcement, and the table
//! twin that says the same in rows.

pub(crate) mod cache;
pub(crate) mod card;
pub(crate) mod diagram;
pub(crate) mod sock_view;
pub(crate) mod twin;

use cache::HostCache;
use diagram::Diagram;
use sock_view::{sock_views, Deliveries};
use twin::TwinRow;

use std::collections::BTreeMap;
use std::rc::Rc;

use bindlab_engine::print::step_text;
use bindlab_engine::scenario::StepKind;
use bindlab_engine::{run, Os, StepReport};
use yew::prelude::*;

use crate::browser::dom::select_value;
use crate::hooks::use_window_event;
use crate::state::Derived;
use crate::views::os_table::{outcome, why_text};

#[derive(Properties)]
pub(crate) struct HostViewProps {
    pub(crate) derived: Rc<Derived>,
    pub(crate) os: Os,
    pub(crate) oses: Vec<Os>,
    pub(crate) step: usize,
    pub(crate) on_os: Callback<Os>,
}

impl PartialEq for HostViewProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.derived, &o.derived)
            && self.os == o.os
            && self.oses == o.oses
            && self.step == o.step
            && self.on_os == o.on_os
    }
}

#[function_component(HostView)]
pub(crate) fn host_view(p: &HostViewProps) -> Html {
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
                    room.set(Some(w));
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
                .map(|w| format!(" — {}", why_text(w, scenario)))
                .unwrap_or_default();
            // The table numbers steps by their line: say both.
            format!(
                "Step {} of {} (line {}): {} → {} on {}{why}",
                i + 1,
                scenario.steps.len(),
                scenario.steps[i].line,
                step_text(&scenario.steps[i].kind),
                outcome(r),
                p.os.display()
            )
        }
        None => format!("Nothing has run yet on {}. Press Step.", p.os.display()),
    };
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
    let views = sock_views(&host, &arrows, &deliveries);
    let udp_col = views.iter().any(|v| v.udp);
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
    html! {
        <section class="pane host" aria-labelledby="h-host">
            <div class="host-head">
                <h2 id="h-host">{"The host after step "}{ p.step }</h2>
                <label>{"as seen on "}
                    <select aria-label="OS shown in the diagram" onchange={pick}>
                        { for p.oses.iter().map(|o| html! { <option value={o.key()} selected={*o == p.os}>{ o.display() }</option> }) }
                    </select>
                </label>
            </div>
            <p class="announce" aria-live="polite" id="announce">{ announce }</p>
            <div class="diagram-room" ref={room_ref}>
                <Diagram addrs={addrs} views={views.iter().filter(|v| !v.queued).cloned().collect::<Vec<_>>()} room={*room} />
            </div>
            if let Some(n) = dropped {
                <p class="dropped">{ dropped_text(n, deliveries.multicast) }</p>
            }
            <table class="twin">
                <caption>{ format!("Sockets on the host ({}), as a table", p.os.display()) }</caption>
                <thead><tr>
                    <th scope="col">{"Socket"}</th><th scope="col">{"State"}</th><th scope="col">{"Local address"}</th>
                    <th scope="col">{"Remote"}</th><th scope="col">{"Options"}</th><th scope="col">{"Owner"}</th>
                    if udp_col { <th scope="col">{"Datagrams (this step)"}</th> }
                    <th scope="col">{"Waiting"}</th>
                </tr></thead>
                <tbody>
                    if views.is_empty() { <tr><td colspan="7" class="muted">{"No sockets yet."}</td></tr> }
                    { for views.into_iter().map(|v| html! { <TwinRow view={v} datagrams={udp_col} /> }) }
                </tbody>
            </table>
        </section>
    }
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
fn dropped_text(n: u32, multicast: bool) -> String {
    let what = if n == 1 {
        "1 datagram".to_string()
    } else {
        format!("{n} datagrams")
    };
    if multicast {
        format!("{what} dropped: no socket here receives this group on this port.")
    } else {
        format!("{what} dropped: no socket takes this address and port, so the host answers ICMP port unreachable.")
    }
}
