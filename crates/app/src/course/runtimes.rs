//! "What your runtime does by default" (`runtimes/`, `runtimes/<lang>/`):
//! `content/runtimes.toml` as a table — each runtime's usual call, the
//! socket options it sets on its own per OS, and where each cell comes from
//! (measured on Linux in CI, or cited from the runtime's source). On a
//! phone the table becomes one card per row (the stylesheet).

use bindlab_course::guide::language_label;
use bindlab_course::runtimes::{self, Column, Row, ALL_LANGUAGES, FILTER_LABEL, HEADERS};
use yew::prelude::*;

use super::focus_heading;
use super::markdown;
use crate::browser::dom::set_title;
use crate::nav::use_navigated;
use crate::route::{Route, RUNTIMES_INTRO, RUNTIMES_TITLE};

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

fn cell(row: &Row, c: Column) -> Html {
    let cell = row.cell(c);
    let (short, long) = runtimes::source_text(cell);
    let class = classes!("rt-cell", short.replace([' ', ','], "-"));
    html! {
        <td class={class} data-os={c.label()}>
            <span class="rt-opts">{ cell.summary() }</span>
            <details class="rt-source">
                <summary>{ short }</summary>
                <p>{ markdown::inline(&long) }</p>
            </details>
        </td>
    }
}

#[function_component(RuntimesPage)]
pub(crate) fn runtimes_page(p: &RuntimesProps) -> Html {
    let navigated = use_navigated();
    use_effect_with(p.lang.clone(), move |_| {
        set_title(&format!("{RUNTIMES_TITLE} — bindlab"));
        focus_heading(navigated);
    });
    let rows = match runtimes::table() {
        Ok(r) => r,
        Err(problems) => {
            return html! {
                <article class="contents-page runtimes-page">
                    <h1 tabindex="-1">{ RUNTIMES_TITLE }</h1>
                    <div class="problems" role="alert">
                        { for problems.iter().map(|p| html! { <p>{ p.to_string() }</p> }) }
                    </div>
                </article>
            };
        }
    };
    let langs = languages(&rows);
    let chosen = p.lang.clone().filter(|l| langs.contains(l));
    let shown: Vec<&Row> = rows
        .iter()
        .filter(|r| chosen.as_ref().is_none_or(|l| &r.lang == l))
        .collect();
    let filter_link = |lang: Option<&String>, label: String| {
        let current = lang == chosen.as_ref();
        html! {
            <li>
                <a href={Route::Runtimes(lang.cloned()).href()}
                   class={classes!("lang", current.then_some("on"))}
                   aria-current={current.then_some("page")}>{ label }</a>
            </li>
        }
    };
    html! {
        <article class="contents-page runtimes-page">
            <h1 tabindex="-1">{ RUNTIMES_TITLE }</h1>
            <div class="lede">{ markdown::render(RUNTIMES_INTRO) }</div>
            <nav aria-label={FILTER_LABEL}>
                <ul class="lang-picker rt-langs">
                    { filter_link(None, ALL_LANGUAGES.to_string()) }
                    { for langs.iter().map(|l| filter_link(Some(l), language_label(l).to_string())) }
                </ul>
            </nav>
            <div class="table-wrap">
                <table class="runtimes">
                    <caption>{ match &chosen {
                        Some(l) => format!("{RUNTIMES_TITLE}: {}", language_label(l)),
                        None => RUNTIMES_TITLE.to_string(),
                    } }</caption>
                    <thead>
                        <tr>
                            { for HEADERS.iter().map(|h| html! { <th scope="col">{ *h }</th> }) }
                            { for Column::ALL.iter().map(|c| html! { <th scope="col">{ c.label() }</th> }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for shown.iter().map(|r| html! {
                            <tr id={format!("rt-{}", r.id)}>
                                <th scope="row">
                                    <span class="rt-runtime">{ r.runtime.clone() }</span>
                                    <code class="rt-api">{ r.api.clone() }</code>
                                    if let Some(n) = &r.note {
                                        <span class="rt-note">{ markdown::inline(n) }</span>
                                    }
                                </th>
                                <td class="rt-socket">{ r.socket.label() }</td>
                                { for Column::ALL.iter().map(|c| cell(r, *c)) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </article>
    }
}
