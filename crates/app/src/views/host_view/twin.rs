//! The diagram's table twin: one row per socket.

use yew::prelude::*;

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
    let v = &p.view;
    html! {
        <tr>
            <th scope="row">{ &v.label }</th>
            <td data-label="State">{ state_text(v) }</td>
            <td data-label="Local">{ v.local.map(|l| l.to_string()).unwrap_or_else(|| "—".into()) }</td>
            <td data-label="Remote">{ v.remote.map(|r| r.to_string()).unwrap_or_else(|| "—".into()) }</td>
            <td data-label="Options">{ &v.opts }</td>
            <td data-label="Owner">{ &v.user }</td>
            if p.datagrams {
                <td data-label="Datagrams">{ v.datagrams.map(got_text).unwrap_or_default() }</td>
            }
            <td data-label="Waiting">{ waiting_text(v) }</td>
        </tr>
    }
}

/// A listener's queue in words: its own connections, and those it shares
/// with other listeners where the OS does not define which accepts them.
pub(crate) fn waiting_text(v: &SockView) -> String {
    match (v.listening, v.queue, v.queue_undefined) {
        (false, _, _) => String::new(),
        (true, n, 0) => n.to_string(),
        (true, 0, u) => format!("{u} (or on another listener: undefined)"),
        (true, n, u) => format!("{n}, and {u} more or on another listener (undefined)"),
    }
}

/// The state, and the multicast groups a UDP socket joined.
fn state_text(v: &SockView) -> String {
    if v.groups.is_empty() {
        return v.state.clone();
    }
    let gs: Vec<String> = v.groups.iter().map(|g| g.to_string()).collect();
    format!("{}, joined {}", v.state, gs.join(", "))
}
