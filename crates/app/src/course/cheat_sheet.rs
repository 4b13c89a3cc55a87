//! The cheat sheet, computed by the engine.

use bindlab_engine::cheatsheet;
use bindlab_engine::permalink::Permalink;
use bindlab_engine::{print, Os};
use yew::prelude::*;

use crate::i18n::{use_tr, Tr, T};
use crate::route::Route;
use crate::views::os_table;

/// What a cell shows: the engine's summary ("ok → first? or second? ×4"),
/// its words in `tr`'s language.
fn summary(tr: &Tr, cell: &cheatsheet::Cell) -> String {
    cell.step
        .as_ref()
        .map_or_else(|| cell.summary.clone(), |st| os_table::summary(tr, st))
}

/// A row's scenario as its link opens it in the sandbox, titled in `tr`'s
/// language (the engine titles it with the English labels, which this
/// reproduces word for word in English).
fn row_text(tr: &Tr, row: &cheatsheet::Row) -> String {
    let mut scenario = row.scenario.clone();
    scenario.title = Some(tr.f(
        T::LessonCheatTitle,
        &[
            ("situation", &tr.cheatsheet(row.situation.msg())),
            ("options", &tr.cheatsheet(row.options.msg())),
        ],
    ));
    print(&scenario)
}

/// The OS × option matrix, computed by the engine now (never typed), each
/// cell linked to the rule that decided it, each row to its scenario (in the
/// sandbox of the page's language: `#v1/…` from the site's root, as before,
/// `zh-CN/#v1/…` in zh-CN). A cell's summary is the engine's, its words
/// ("dropped", "or") in the page's language.
#[function_component(CheatSheet)]
pub(crate) fn cheat_sheet() -> Html {
    let tr = use_tr();
    let rows = use_memo((), |_| cheatsheet::matrix());
    let situations = cheatsheet::Situation::ALL;
    html! {
        <div class="cheatsheet">
        { for situations.iter().map(|sit| {
            let mine: Vec<_> = rows.iter().filter(|r| r.situation == *sit).collect();
            html! {
                <div class="table-wrap">
                <table class="outcomes cheat">
                    <caption>{ tr.cheatsheet(sit.question_msg()) }{" — "}{ tr.cheatsheet(sit.msg()) }</caption>
                    <thead><tr><th scope="col">{ tr.t(T::LessonCheatOptions) }</th>{ for Os::ALL.iter().map(|o| html! { <th scope="col">{ o.display() }</th> }) }<th scope="col"><span class="sr-only">{ tr.t(T::LessonCheatScenario) }</span></th></tr></thead>
                    <tbody>
                    { for mine.iter().map(|row| {
                        let link = Permalink { text: row_text(&tr, row), oses: Os::ALL.to_vec(), step: row.scenario.steps.len() };
                        html! {
                            <tr>
                                <th scope="row">{ tr.cheatsheet(row.options.msg()) }</th>
                                { for row.cells.iter().zip(Os::ALL).map(|(cell, os)| {
                                    let summary = summary(&tr, cell);
                                    // Named on the cell too: a narrow page shows each row as a card, one line per OS.
                                    let os = os.display();
                                    match (cell.result, cell.rule) {
                                    (None, _) => html! { <td class="cell na" data-os={os} title={tr.t(T::LessonCheatNaTitle).to_string()}>{"—"}<span class="sr-only">{" "}{ tr.t(T::LessonCheatNa) }</span></td> },
                                    (Some(r), Some(rule)) => html! {
                                        <td class={classes!("cell", if r.is_ok() { "ok" } else { "err" })} data-os={os}>
                                            <a href={tr.href(&Route::Rules(Some(rule.as_str().into())))} title={cell.why.clone().unwrap_or_default()}>{ summary }</a>
                                        </td>
                                    },
                                    (Some(r), None) => html! { <td class={classes!("cell", if r.is_ok() { "ok" } else { "err" })} data-os={os}>{ summary }</td> },
                                }}) }
                                <td><a href={format!("{}#{}", tr.prefix(), link.encode())}>{ tr.t(T::LessonCheatOpen) }<span class="sr-only">{" "}{ tr.f(T::LessonCheatOpenWhat, &[("situation", &tr.cheatsheet(sit.msg())), ("options", &tr.cheatsheet(row.options.msg()))]) }</span></a></td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                </div>
            }
        }) }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In English every cell shows the engine's summary; in zh-CN its
    /// words are Chinese (Windows leaves the choice among the receivers
    /// undefined: "or").
    /// An English row opens exactly the engine's scenario; a Chinese one
    /// the same steps under a Chinese title.
    #[test]
    fn a_rows_scenario_is_titled_in_the_pages_language() {
        let rows = cheatsheet::matrix();
        for row in &rows {
            assert_eq!(row_text(&Tr::english(), row), print(&row.scenario));
        }
        let zh = crate::course::zh_for_tests();
        let text = row_text(&zh, &rows[0]);
        let title = text.lines().next().unwrap();
        assert!(title.starts_with("title 速查表："), "{title}");
        assert!(!title.contains("Cheat sheet"), "{title}");
        let english = print(&rows[0].scenario);
        assert_eq!(
            text.lines().skip(1).collect::<Vec<_>>(),
            english.lines().skip(1).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_cells_summary_is_said_in_the_pages_language() {
        let rows = cheatsheet::matrix();
        let en = Tr::english();
        let zh = crate::test_support::zh_ui_with_words(&[("scenario.dropped", "丢弃")]);
        let mut worded = 0;
        for c in rows.iter().flat_map(|r| &r.cells) {
            assert_eq!(summary(&en, c), c.summary);
            if c.summary.contains(" or ") || c.summary.contains("dropped") {
                let said = summary(&zh, c);
                assert!(
                    !said.contains(" or ") && !said.contains("dropped"),
                    "{said}"
                );
                assert!(said.contains(" 或 ") || said.contains("丢弃"), "{said}");
                assert!(!said.contains(", "), "{said}");
                worded += 1;
            }
        }
        assert!(worded > 0, "no cell has a word to translate");
    }
}
