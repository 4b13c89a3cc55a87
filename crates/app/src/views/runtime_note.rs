//! The code panel's note: what the chosen language's runtime sets on its own
//! for the kinds of socket the scenario uses (a listener, a client, a UDP
//! socket), from `content/runtimes.toml`, with a link to the whole table.

use bindlab_course::runtimes::{self, SocketKind, LINK_TEXT};
use bindlab_engine::scenario::{Scenario, StepKind};
use yew::prelude::*;

/// The kinds of socket `s` makes: a TCP listener (a `listen`), a TCP client
/// (a `connect` of a TCP socket), a UDP socket.
pub(crate) fn kinds(s: &Scenario) -> Vec<SocketKind> {
    let mut udp_names: Vec<&str> = Vec::new();
    let (mut listener, mut client, mut udp) = (false, false, false);
    for step in &s.steps {
        match &step.kind {
            StepKind::Socket { name, proto } if proto.is_udp() => {
                udp = true;
                udp_names.push(name);
            }
            StepKind::Listen { .. } => listener = true,
            StepKind::Connect { name, .. } if !udp_names.contains(&name.as_str()) => client = true,
            _ => {}
        }
    }
    [
        (listener, SocketKind::TcpListener),
        (client, SocketKind::TcpClient),
        (udp, SocketKind::Udp),
    ]
    .into_iter()
    .filter_map(|(on, k)| on.then_some(k))
    .collect()
}

#[derive(Properties, PartialEq)]
pub(crate) struct RuntimeNoteProps {
    /// The `export --lang` id of the chosen language.
    pub(crate) lang: &'static str,
    pub(crate) kinds: Vec<SocketKind>,
    /// Where the table page is (a widget's bindlab site); `None`: this page.
    pub(crate) base: Option<AttrValue>,
}

#[function_component(RuntimeNote)]
pub(crate) fn runtime_note(p: &RuntimeNoteProps) -> Html {
    let Ok(rows) = runtimes::table() else {
        return html! {};
    };
    let lines = runtimes::panel_lines(&rows, p.lang, &p.kinds);
    if lines.is_empty() {
        return html! {};
    }
    let path = crate::route::Route::Runtimes(Some(p.lang.to_string())).href();
    let href = match &p.base {
        Some(b) => web_sys::Url::new_with_base(&path, b)
            .map(|u| u.href())
            .unwrap_or(path),
        None => path,
    };
    html! {
        <div class="code-defaults">
            <p class="code-defaults-head">{ runtimes::panel_heading(p.lang) }</p>
            <ul>
                { for lines.iter().map(|l| html! {
                    <li>
                        { format!("{}, ", l.kind) }<code>{ l.api.clone() }</code>{ ": " }
                        { l.cells.iter().map(|(oses, set)| format!("{set} on {oses}")).collect::<Vec<_>>().join("; ") }
                    </li>
                }) }
            </ul>
            <p><a href={href}>{ LINK_TEXT }</a></p>
        </div>
    }
}
