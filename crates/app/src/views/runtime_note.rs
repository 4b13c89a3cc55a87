//! The code panel's note: what the chosen language's runtime sets on its own
//! for the kinds of socket the scenario uses (a listener, a client, a UDP
//! socket), from `content/runtimes.toml`, with a link to the whole table.
//! The lines are worked out at build time (build.rs): the sandbox build
//! carries neither the table's text nor its parser.

use bindlab_course::runtimes::SocketKind;
use bindlab_engine::scenario::{Scenario, StepKind};
use yew::prelude::*;

use crate::i18n::{use_tr, Tr, T};
use crate::views::os_table::sep;

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
/// (Its kind of socket is the table's key, worded in the page's language.)
struct PanelLineRef {
    api: &'static str,
    cells: &'static [(&'static str, &'static str)],
}

include!(concat!(env!("OUT_DIR"), "/panel_lines.rs"));

/// What `runtimes::panel_lines(&runtimes::table()?, lang, kinds)` gives,
/// with each line's kind of socket.
fn panel_lines(lang: &str, kinds: &[SocketKind]) -> Vec<(SocketKind, &'static PanelLineRef)> {
    kinds
        .iter()
        .filter_map(|k| {
            PANEL_LINES
                .iter()
                .find(|(l, kind, _)| *l == lang && kind == k)
                .map(|(_, kind, line)| (*kind, line))
        })
        .collect()
}

/// A kind of socket in `tr`'s language (`SocketKind::label` in English).
fn kind_text(tr: &Tr, k: SocketKind) -> &str {
    tr.t(match k {
        SocketKind::TcpListener => T::ScenarioKindTcpListener,
        SocketKind::TcpClient => T::ScenarioKindTcpClient,
        SocketKind::Udp => T::ScenarioKindUdp,
    })
}

/// A cell's summary (`runtimes::Cell::summary`: option names, "nothing",
/// "dual stack (IPV6_V6ONLY off)") with its words in `tr`'s language.
fn set_text(tr: &Tr, summary: &str) -> String {
    list(
        tr,
        summary.split(", ").map(|part| {
            match part {
                "nothing" => tr.t(T::ScenarioSetsNothing),
                "dual stack (IPV6_V6ONLY off)" => tr.t(T::ScenarioDualStack),
                name => name,
            }
            .to_string()
        }),
    )
}

/// Names as a list in `tr`'s language ("macOS, FreeBSD", "macOS、FreeBSD":
/// `Tr::list`).
pub(crate) fn list(tr: &Tr, parts: impl IntoIterator<Item = String>) -> String {
    let parts: Vec<String> = parts.into_iter().collect();
    tr.list(&parts, bindlab_engine::lists::Joint::Comma)
}

/// An English list of names (`Column::label`, a panel line's OSes) in
/// `tr`'s language.
pub(crate) fn names(tr: &Tr, english: &str) -> String {
    list(tr, english.split(", ").map(str::to_string))
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
    let tr = use_tr();
    let lines = panel_lines(p.lang, &p.kinds);
    if lines.is_empty() {
        return html! {};
    }
    let path = tr.href(&crate::route::Route::Runtimes(Some(p.lang.to_string())));
    let href = match &p.base {
        Some(b) => web_sys::Url::new_with_base(&path, b)
            .map(|u| u.href())
            .unwrap_or(path),
        None => path,
    };
    html! {
        <div class="code-defaults">
            <p class="code-defaults-head">{ tr.f(T::ScenarioRuntimeHeading, &[("language", bindlab_course::guide::language_label(p.lang))]) }</p>
            <ul>
                { for lines.iter().map(|(kind, l)| html! {
                    <li>
                        { kind_text(&tr, *kind) }{ sep(&tr, T::ScenarioComma) }<code>{ l.api }</code>{ sep(&tr, T::ScenarioColon) }
                        { l.cells.iter().map(|(oses, set)| tr.f(T::ScenarioSetOn, &[("set", &set_text(&tr, set)), ("oses", &names(&tr, oses))])).collect::<Vec<_>>().join(&sep(&tr, T::ScenarioSemicolon)) }
                    </li>
                }) }
            </ul>
            <p><a href={href}>{ tr.t(T::ScenarioRuntimeLink) }</a></p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bindlab_course::runtimes;

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
            for ((k, g), w) in got.iter().zip(&want) {
                assert_eq!(kind_text(&Tr::english(), *k), w.kind);
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

    #[test]
    fn the_english_words_are_the_tables() {
        let en = Tr::english();
        assert_eq!(
            en.f(
                T::ScenarioRuntimeHeading,
                &[("language", bindlab_course::guide::language_label("python"))]
            ),
            runtimes::panel_heading("python")
        );
        assert_eq!(en.t(T::ScenarioRuntimeLink), runtimes::link_text());
        // Every word of every summary the table gives is an option's name or
        // one of the two this note translates.
        let rows = runtimes::table().expect("content/runtimes.toml parses");
        let words = [en.t(T::ScenarioSetsNothing), en.t(T::ScenarioDualStack)];
        let mut seen = [false, false];
        for r in &rows {
            for c in [&r.linux, &r.bsd, &r.windows] {
                for part in c.summary().split(", ") {
                    match words.iter().position(|w| *w == part) {
                        Some(i) => seen[i] = true,
                        None => assert!(
                            ["SO_", "IPV6_", "IP_"].iter().any(|p| part.starts_with(p)),
                            "an untranslated word in a runtime's summary: {part}"
                        ),
                    }
                }
            }
        }
        assert_eq!(seen, [true, true]);
        let zh =
            crate::test_support::zh_ui_with_words(&[("scenario.sets_nothing", "不设置任何选项")]);
        assert_eq!(set_text(&zh, "nothing"), "不设置任何选项");
        // Lists with the language's separator; English keeps its commas.
        assert_eq!(
            set_text(&zh, "SO_REUSEADDR, SO_REUSEPORT"),
            "SO_REUSEADDR、SO_REUSEPORT"
        );
        assert_eq!(names(&zh, "Linux, macOS, FreeBSD"), "Linux、macOS、FreeBSD");
        assert_eq!(
            set_text(&en, "SO_REUSEADDR, SO_REUSEPORT"),
            "SO_REUSEADDR, SO_REUSEPORT"
        );
        assert_eq!(names(&en, "Linux, macOS, FreeBSD"), "Linux, macOS, FreeBSD");
    }
}
