//! The paste page's table of the port's sockets: one row per socket read,
//! in blocks, of which a table of hundreds builds those near the screen (a
//! busy server's 30,000 connections were 30,000 rows laid out at once), as
//! the outcome table and the host's twin do.

use std::rc::Rc;

use yew::prelude::*;

use super::paste_answers::{socket_details, Read};
use crate::hooks::use_near_blocks;
use crate::i18n::{use_tr, T};
use crate::views::os_table::{ROWS, WINDOW_FROM};
use crate::views::FarBlock;

#[derive(Properties)]
pub(crate) struct PasteSocketsProps {
    pub(crate) read: Rc<Read>,
}

/// By pointer: one reading of the table is one `Read`.
impl PartialEq for PasteSocketsProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.read, &o.read)
    }
}

#[function_component(PasteSockets)]
pub(crate) fn paste_sockets(p: &PasteSocketsProps) -> Html {
    let tr = use_tr();
    let table = use_node_ref();
    let r = &p.read;
    let n = r.sockets.len();
    let windowed = n >= WINDOW_FROM;
    let version = Rc::as_ptr(&p.read) as usize;
    let near = use_near_blocks(table.clone(), n.div_ceil(ROWS), windowed, version);
    let port = r.bind.port().to_string();
    html! {
        <div class="table-wrap">
            <table class="messages paste-sockets" ref={table} aria-rowcount={windowed.then(|| (n + 1).to_string())}>
                <caption>{ tr.f(T::PasteSocketsOn, &[("port", &port)]) }</caption>
                <thead><tr aria-rowindex={windowed.then_some("1")}><th scope="col">{ tr.t(T::PasteColSocket) }</th><th scope="col">{ tr.t(T::PasteColState) }</th><th scope="col">{ tr.t(T::PasteColProgram) }</th></tr></thead>
                <>{ for (0..n).step_by(ROWS).enumerate().map(|(b, start)| {
                    let end = (start + ROWS).min(n);
                    if windowed && !near.is_built(b) {
                        return html! { <FarBlock key={format!("far-{start}")} px={near.far_px(b, end - start)} cols={3} /> };
                    }
                    html! {
                        <tbody key={start}>{ for r.sockets[start..end].iter().enumerate().map(|(k, (name, s))| html! {
                            <tr aria-rowindex={windowed.then(|| (start + k + 2).to_string())}>
                                <th scope="row"><code>{ name }</code></th>
                                <td>{ format!("{} {}{}", s.state.name(), s.local, s.remote.map(|x| format!(" ↔ {x}")).unwrap_or_default()) }</td>
                                <td>{ socket_details(&tr, r.os, s) }</td>
                            </tr>
                        }) }</tbody>
                    }
                }) }</>
            </table>
        </div>
    }
}
