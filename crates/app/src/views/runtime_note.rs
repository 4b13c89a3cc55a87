//! The code panel's note: what the chosen language's runtime sets on its own
//! for the kinds of socket the scenario uses (a listener, a client, a UDP
//! socket), from `content/runtimes.toml`, with a link to the whole table.
//! The lines are worked out at build time (build.rs): the sandbox build
//! carries neither the table's text nor its parser.

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

/// `runtimes::PanelLine`, as build.rs writes it.
struct PanelLineRef {
    kind: &'static str,
    api: &'static str,
    cells: &'static [(&'static str, &'static str)],
}

include!(concat!(env!("OUT_DIR"), "/panel_lines.rs"));

/// What `runtimes::panel_lines(&runtimes::table()?, lang, kinds)` gives.
fn panel_lines(lang: &str, kinds: &[SocketKind]) -> Vec<&'static PanelLineRef> {
    kinds
        .iter()
        .filter_map(|k| {
            PANEL_LINES
                .iter()
                .find(|(l, kind, _)| *l == lang && kind == k)
                .map(|(.., line)| line)
        })
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
    let lines = panel_lines(p.lang, &p.kinds);
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
                        { format!("{}, ", l.kind) }<code>{ l.api }</code>{ ": " }
                        { l.cells.iter().map(|(oses, set)| format!("{set} on {oses}")).collect::<Vec<_>>().join("; ") }
                    </li>
                }) }
            </ul>
            <p><a href={href}>{ LINK_TEXT }</a></p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_lines_are_those_of_the_table() {
        let rows = runtimes::table().expect("content/runtimes.toml parses");
        let all = [
            SocketKind::TcpListener,
            SocketKind::TcpClient,
            SocketKind::Udp,
        ];
        for lang in ["c", "python", "go", "rust", "node", "java", "csharp"] {
            let want = runtimes::panel_lines(&rows, lang, &all);
            let got = panel_lines(lang, &all);
            assert!(!want.is_empty(), "{lang} has rows");
            assert_eq!(got.len(), want.len(), "{lang}");
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.kind, w.kind);
                assert_eq!(g.api, w.api);
                let cells: Vec<(String, String)> = g
                    .cells
                    .iter()
                    .map(|(o, s)| (o.to_string(), s.to_string()))
                    .collect();
                assert_eq!(cells, w.cells, "{lang} {}", w.kind);
            }
        }
    }
}
