//! The diagram's table twin: one row per socket (in blocks, of which a
//! host of hundreds of sockets builds those near the screen, as the outcome
//! table does).

use std::rc::Rc;

use bindlab_engine::lists::Joint;
use bindlab_engine::Os;
use yew::prelude::*;

use crate::hooks::use_near_blocks;
use crate::i18n::{use_tr, Tr, T};
use crate::views::host_view::card::got_text;
use crate::views::host_view::sock_view::SockView;
use crate::views::os_table::{ROWS, WINDOW_FROM};
use crate::views::FarBlock;

#[derive(Properties, PartialEq)]
pub(crate) struct TwinProps {
    pub(crate) views: Rc<[SockView]>,
    pub(crate) os: Os,
}

#[function_component(Twin)]
pub(crate) fn twin(p: &TwinProps) -> Html {
    let tr = use_tr();
    let table = use_node_ref();
    let n = p.views.len();
    let windowed = n >= WINDOW_FROM;
    // A new host each step: measure again.
    let version = Rc::as_ptr(&p.views) as *const u8 as usize;
    let near = use_near_blocks(table.clone(), n.div_ceil(ROWS), windowed, version);
    let udp_col = p.views.iter().any(|v| v.udp);
    let cols = if udp_col { 8 } else { 7 };
    html! {
        <table class="twin" ref={table} aria-rowcount={windowed.then(|| (n + 1).to_string())}>
            <caption>{ tr.f(T::ScenarioTwinCaption, &[("os", p.os.display())]) }</caption>
            <thead><tr aria-rowindex={windowed.then_some("1")}>
                <th scope="col">{ tr.t(T::ScenarioColSocket) }</th><th scope="col">{ tr.t(T::ScenarioColState) }</th><th scope="col">{ tr.t(T::ScenarioColLocal) }</th>
                <th scope="col">{ tr.t(T::ScenarioColRemote) }</th><th scope="col">{ tr.t(T::ScenarioColOptions) }</th><th scope="col">{ tr.t(T::ScenarioColOwner) }</th>
                if udp_col { <th scope="col">{ tr.t(T::ScenarioColDatagrams) }</th> }
                <th scope="col">{ tr.t(T::ScenarioColWaiting) }</th>
            </tr></thead>
            if n == 0 { <tbody><tr><td colspan="7" class="muted">{ tr.t(T::ScenarioNoSockets) }</td></tr></tbody> }
            // Blocks keyed by their first row, rows keyed by socket (see
            // the diagram's cards).
            <>{ for (0..n).step_by(ROWS).enumerate().map(|(b, start)| {
                let end = (start + ROWS).min(n);
                if windowed && !near.is_built(b) {
                    return html! { <FarBlock key={format!("far-{start}")} px={near.far_px(b, end - start)} {cols} /> };
                }
                html! {
                    <tbody key={start}>{ for p.views[start..end].iter().enumerate().map(|(k, v)| {
                        let index = windowed.then(|| start + k + 2);
                        html! { <TwinRow key={v.id} view={v.clone()} datagrams={udp_col} {index} /> }
                    }) }</tbody>
                }
            }) }</>
        </table>
    }
}

#[derive(Properties, PartialEq)]
pub(crate) struct ViewProps {
    pub(crate) view: SockView,
    /// Show the datagram column (the host has a UDP socket).
    pub(crate) datagrams: bool,
    /// The row's place in a table that builds only some blocks.
    pub(crate) index: Option<usize>,
}

#[function_component(TwinRow)]
pub(crate) fn twin_row(p: &ViewProps) -> Html {
    let tr = use_tr();
    let v = &p.view;
    html! {
        <tr aria-rowindex={p.index.map(|i| i.to_string())}>
            <th scope="row">{ &v.label }</th>
            <td data-label={tr.t(T::ScenarioColState).to_string()}>{ state_text(&tr, v) }</td>
            <td data-label={tr.t(T::ScenarioCellLocal).to_string()}>{ v.local.map(|l| l.to_string()).unwrap_or_else(|| "—".into()) }
                if !v.except.is_empty() {
                    { " " }{ tr.f(T::ScenarioWildcardExcept, &[("addrs", &tr.list(&v.except.iter().map(|a| a.to_string()).collect::<Vec<_>>(), Joint::And))]) }
                }
            </td>
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
        &[("state", &v.state), ("groups", &tr.list(&gs, Joint::And))],
    )
}
