//! "What your runtime does by default" (`runtimes/`, `runtimes/<lang>/`):
//! `content/runtimes.toml` as a table — each runtime's usual call, the
//! socket options it sets on its own per OS, and where each cell comes from
//! (measured on Linux in CI, or cited from the runtime's source). On a
//! phone the table becomes one card per row (the stylesheet).

use bindlab_course::guide::language_label;
use bindlab_course::runtimes::{self, Cell, Column, Prose, Row, SocketKind, Source};
use yew::prelude::*;

use super::focus_heading;
use super::markdown;
use crate::browser::dom::set_title;
use crate::i18n::{use_tr, Tr, T};
use crate::nav::use_navigated;
use crate::route::{Route, RUNTIMES_INTRO, RUNTIMES_TITLE};
use crate::views::runtime_note::{list, names};

#[derive(Properties, PartialEq)]
pub(crate) struct RuntimesProps {
    /// Only this language's rows (`runtimes/go/`).
    pub(crate) lang: Option<String>,
}

/// The languages of the table, in its order, without repeats.
fn languages(rows: &[Row]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in rows {
        if !out.contains(&r.lang) {
            out.push(r.lang.clone());
        }
    }
    out
}

/// A socket kind in `tr`'s language ("TCP listener").
fn socket_kind(tr: &Tr, k: SocketKind) -> &str {
    tr.t(match k {
        SocketKind::TcpListener => T::RuntimesTcpListener,
        SocketKind::TcpClient => T::RuntimesTcpClient,
        SocketKind::Udp => T::RuntimesUdpSocket,
    })
}

/// The options a cell sets, as `Cell::summary` says them, in `tr`'s
/// language (option names stay as they are).
fn summary(tr: &Tr, cell: &Cell) -> String {
    list(
        tr,
        cell.summary_parts(tr.t(T::RuntimesNothing), tr.t(T::RuntimesDualStack)),
    )
}

/// The table's translated texts (`runtimes.<key>` in the bundle: the
/// sentences of `crates/course/src/runtimes.txt` and the rows' prose,
/// `row.<row-id>.<field>`), as `bindlab_course::runtimes::Texts` asks.
pub(crate) fn texts(tr: &Tr) -> impl Fn(&str) -> Option<String> + '_ {
    move |key: &str| {
        Some(tr.text(&format!("runtimes.{key}"), ""))
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    }
}

/// A cell's source, as `runtimes::source_text` says it, in `tr`'s language:
/// a word or two for the table, and the whole of it (why a cell is not
/// measured or unverified translated, and a citation's words where the
/// locale translates them, its sources as written).
fn source_text(tr: &Tr, row: &Row, c: Column) -> (String, String) {
    let cell = row.cell(c);
    let texts = texts(tr);
    let prose =
        |p: Prose, english: &String| row.prose_in(&texts, p).unwrap_or_else(|| english.clone());
    let not_measured = cell
        .not_measured
        .as_ref()
        .map(|n| prose(Prose::LinuxNotMeasured, n));
    let unverified = match &cell.source {
        Source::Unverified(u) => prose(Prose::Unverified(c), u),
        _ => String::new(),
    };
    // A citation in the page's language where it is translated, its
    // sources as written.
    let cited = match (&cell.source, &cell.why) {
        (Source::Cited(cite), _) | (Source::Measured { .. }, Some(cite)) => {
            prose(Prose::Cite(c), cite)
        }
        _ => String::new(),
    };
    let short = |k: T| tr.t(k).to_string();
    match (&cell.source, &cell.why, &not_measured) {
        (Source::Measured { probe }, Some(_), _) => (
            short(T::RuntimesMeasured),
            tr.f(T::RuntimesMeasuredWhy, &[("probe", probe), ("why", &cited)]),
        ),
        (Source::Measured { probe }, None, _) => (
            short(T::RuntimesMeasured),
            tr.f(T::RuntimesMeasuredLong, &[("probe", probe)]),
        ),
        (Source::Cited(_), _, Some(n)) => (
            short(T::RuntimesCitedNotMeasured),
            tr.f(
                T::RuntimesCitedNotMeasuredLong,
                &[("why", n), ("cited", &cited)],
            ),
        ),
        (Source::Cited(_), _, None) => (
            short(T::RuntimesCited),
            tr.f(T::RuntimesCitedLong, &[("cited", &cited)]),
        ),
        (Source::Unverified(_), _, Some(n)) => (
            short(T::RuntimesUnverified),
            tr.f(
                T::RuntimesUnverifiedNotMeasuredLong,
                &[("why", n), ("unverified", &unverified)],
            ),
        ),
        (Source::Unverified(_), _, None) => (
            short(T::RuntimesUnverified),
            tr.f(T::RuntimesUnverifiedLong, &[("unverified", &unverified)]),
        ),
    }
}

fn cell(tr: &Tr, row: &Row, c: Column) -> Html {
    let cell = row.cell(c);
    // The class is the English word (the stylesheet's), whatever the language.
    let (english, _) = runtimes::source_text(cell);
    let (short, long) = source_text(tr, row, c);
    let class = classes!("rt-cell", english.replace([' ', ','], "-"));
    html! {
        <td class={class} data-os={names(tr, c.label())}>
            <span class="rt-opts">{ summary(tr, cell) }</span>
            <details class="rt-source">
                <summary>{ short }</summary>
                <p>{ markdown::inline(tr, &long) }</p>
            </details>
        </td>
    }
}

#[function_component(RuntimesPage)]
pub(crate) fn runtimes_page(p: &RuntimesProps) -> Html {
    let tr = use_tr();
    let navigated = use_navigated();
    let title = tr.text("runtimes.title", RUNTIMES_TITLE);
    let table = runtimes::table();
    // The language's own page keeps the title it was served with (its tab,
    // bookmark and history entry name the language).
    let chosen = p.lang.clone().filter(|l| {
        table
            .as_ref()
            .is_ok_and(|rows| rows.iter().any(|r| &r.lang == l))
    });
    {
        let page = match &chosen {
            Some(l) => tr.f(T::PageRuntimesLangTitle, &[("lang", language_label(l))]),
            None => tr.f(T::PageSiteTitle, &[("title", title)]),
        };
        use_effect_with((p.lang.clone(), page), move |(_, page)| {
            set_title(page);
            focus_heading(navigated);
        });
    }
    let rows = match table {
        Ok(r) => r,
        Err(problems) => {
            return html! {
                <article class="contents-page runtimes-page">
                    <h1 tabindex="-1">{ title }</h1>
                    <div class="problems" role="alert">
                        { for problems.iter().map(|p| html! { <p>{ p.to_string() }</p> }) }
                    </div>
                </article>
            };
        }
    };
    let langs = languages(&rows);
    let shown: Vec<&Row> = rows
        .iter()
        .filter(|r| chosen.as_ref().is_none_or(|l| &r.lang == l))
        .collect();
    let filter_link = |lang: Option<&String>, label: String| {
        let current = lang == chosen.as_ref();
        html! {
            <li>
                <a href={tr.href(&Route::Runtimes(lang.cloned()))}
                   class={classes!("lang", current.then_some("on"))}
                   aria-current={current.then_some("page")}>{ label }</a>
            </li>
        }
    };
    html! {
        <article class="contents-page runtimes-page">
            <h1 tabindex="-1">{ title }</h1>
            <div class="lede">{ markdown::render(&tr, tr.text("runtimes.intro", RUNTIMES_INTRO)) }</div>
            <nav aria-label={tr.t(T::RuntimesFilterLabel).to_string()}>
                <ul class="lang-picker rt-langs">
                    { filter_link(None, tr.t(T::RuntimesAllLanguages).to_string()) }
                    { for langs.iter().map(|l| filter_link(Some(l), language_label(l).to_string())) }
                </ul>
            </nav>
            <div class="table-wrap">
                <table class="runtimes">
                    // Named for screen readers; shown only when it says more
                    // than the page's heading just above it (the language).
                    <caption class={classes!(chosen.is_none().then_some("sr-only"))}>{ match &chosen {
                        Some(l) => tr.f(T::RuntimesCaptionLang, &[("title", title), ("lang", language_label(l))]),
                        None => title.to_string(),
                    } }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ tr.t(T::RuntimesColRuntime) }</th>
                            <th scope="col">{ tr.t(T::RuntimesColSocket) }</th>
                            { for Column::ALL.iter().map(|c| html! { <th scope="col">{ names(&tr, c.label()) }</th> }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for shown.iter().map(|r| html! {
                            <tr id={format!("rt-{}", r.id)}>
                                <th scope="row">
                                    <span class="rt-runtime">{ r.runtime.clone() }</span>
                                    <code class="rt-api">{ r.api.clone() }</code>
                                    if let Some(n) = r.prose_in(&texts(&tr), Prose::Note) {
                                        <span class="rt-note">{ markdown::inline(&tr, &n) }</span>
                                    }
                                </th>
                                <td class="rt-socket">{ socket_kind(&tr, r.socket) }</td>
                                { for Column::ALL.iter().map(|c| cell(&tr, r, *c)) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In English the page says exactly what the course crate's table says.
    #[test]
    fn english_cells_say_what_the_table_says() {
        let tr = Tr::english();
        let rows = runtimes::table().expect("content/runtimes.toml reads");
        for r in &rows {
            assert_eq!(socket_kind(&tr, r.socket), r.socket.label());
            for c in Column::ALL {
                let cell = r.cell(c);
                assert_eq!(summary(&tr, cell), cell.summary(), "{}", r.id);
                let (short, long) = runtimes::source_text(cell);
                assert_eq!(
                    source_text(&tr, r, c),
                    (short.to_string(), long),
                    "{}",
                    r.id
                );
            }
        }
        assert_eq!(
            [tr.t(T::RuntimesColRuntime), tr.t(T::RuntimesColSocket)],
            runtimes::HEADERS
        );
        assert_eq!(tr.t(T::RuntimesAllLanguages), runtimes::ALL_LANGUAGES);
        assert_eq!(tr.t(T::RuntimesFilterLabel), runtimes::FILTER_LABEL);
    }

    /// On a zh-CN page the rows' prose and the guides' sentences come from
    /// the bundle (`runtimes.row.<row-id>.<field>`, `runtimes.<key>`); what
    /// it lacks stays English; the citations stay as written.
    #[test]
    fn zh_cn_prose_and_sentences_come_from_the_bundle() {
        use crate::i18n::{EN, KEYS, UI_FINGERPRINT};
        use bindlab_course::bundle::Bundle;
        use bindlab_course::locale::Locale;
        let mut b = Bundle {
            ui_order: UI_FINGERPRINT,
            ..Bundle::default()
        };
        for (k, en) in KEYS.iter().zip(EN) {
            b.ui.push((k.to_string(), en.to_string()));
        }
        for (k, t) in [
            (
                "runtimes.row.dotnet-listener.linux_not_measured",
                "这里没有 .NET 运行时",
            ),
            ("runtimes.row.go-listener.note", "设置 SO_REUSEADDR。"),
            ("runtimes.link-text", "各运行时默认设置了什么"),
        ] {
            b.text.push((k.to_string(), t.to_string()));
        }
        let tr = Tr::from_bundle(Locale::ZhCn, &b.write()).unwrap();
        let rows = runtimes::table().unwrap();
        let row = |id: &str| rows.iter().find(|r| r.id == id).unwrap();
        let (_, long) = source_text(&tr, row("dotnet-listener"), Column::Linux);
        // The reason is translated; the citation stays as written.
        assert!(
            long.contains("这里没有 .NET 运行时") && long.contains("SystemNative_Bind"),
            "{long}"
        );
        assert!(!long.contains("no .NET runtime here"), "{long}");
        let texts = texts(&tr);
        assert_eq!(
            row("go-listener").prose_in(&texts, Prose::Note).as_deref(),
            Some("设置 SO_REUSEADDR。")
        );
        // Not in this bundle: the English.
        assert_eq!(
            row("rust-listener").prose_in(&texts, Prose::Note),
            row("rust-listener").note
        );
        // A cited cell keeps its citation.
        let (_, long) = source_text(&tr, row("c-listener"), Column::Bsd);
        assert!(long.contains("your program's own calls"), "{long}");
        let md = runtimes::topic_markdown_in(&rows, runtimes::Topic::Restart, &texts);
        assert!(md.contains("[各运行时默认设置了什么](#/runtimes)"), "{md}");
    }
}
