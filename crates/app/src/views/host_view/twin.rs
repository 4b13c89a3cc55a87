//! The diagram's table twin: one row per socket.

use yew::prelude::*;

use crate::i18n::{use_tr, Tr, T};
use crate::views::host_view::card::got_text;
use crate::views::host_view::sock_view::SockView;

#[derive(Properties, PartialEq)]
pub(crate) struct ViewProps {
    pub(crate) view: SockView,
    /// Show the datagram column (the host has a UDP socket).
    pub(crate) datagrams: bool,
}

#[function_component(TwinRow)]
pub(crate) fn twin_row(p: &ViewProps) -> Html {
    let tr = use_tr();
    let v = &p.view;
    html! {
        <tr>
            <th scope="row">{ &v.label }</th>
            <td data-label={tr.t(T::ScenarioColState).to_string()}>{ state_text(&tr, v) }</td>
            <td data-label={tr.t(T::ScenarioCellLocal).to_string()}>{ v.local.map(|l| l.to_string()).unwrap_or_else(|| "—".into()) }</td>
            <td data-label={tr.t(T::ScenarioColRemote).to_string()}>{ v.remote.map(|r| r.to_string()).unwrap_or_else(|| "—".into()) }</td>
            <td data-label={tr.t(T::ScenarioColOptions).to_string()}>{ &v.opts }</td>
            <td data-label={tr.t(T::ScenarioColOwner).to_string()}>{ &v.user }</td>
            if p.datagrams {
                <td data-label={tr.t(T::ScenarioCellDatagrams).to_string()}>{ v.datagrams.map(|g| got_text(&tr, g)).unwrap_or_default() }</td>
            }
            <td data-label={tr.t(T::ScenarioColWaiting).to_string()}>{ waiting_text(&tr, v) }</td>
        </tr>
    }
}

/// A listener's queue in words: its own connections, and those it shares
/// with other listeners where the OS does not define which accepts them.
pub(crate) fn waiting_text(tr: &Tr, v: &SockView) -> String {
    let (n, u) = (v.queue.to_string(), v.queue_undefined.to_string());
    match (v.listening, v.queue, v.queue_undefined) {
        (false, _, _) => String::new(),
        (true, _, 0) => n,
        (true, 0, _) => tr.f(T::ScenarioWaitingUndefined, &[("u", &u)]),
        (true, _, _) => tr.f(T::ScenarioWaitingMore, &[("n", &n), ("u", &u)]),
    }
}

/// The state, and the multicast groups a UDP socket joined.
fn state_text(tr: &Tr, v: &SockView) -> String {
    if v.groups.is_empty() {
        return v.state.clone();
    }
    let gs: Vec<String> = v.groups.iter().map(|g| g.to_string()).collect();
    tr.f(
        T::ScenarioJoined,
        &[("state", &v.state), ("groups", &gs.join(", "))],
    )
}
