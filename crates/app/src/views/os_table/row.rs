//! One step of the outcome table: the step, then one cell per OS; under it,
//! while any cell is open, a row that spans the table with the open cells'
//! explanations (a wide table's OS columns are too narrow to read them in;
//! the card layout of a narrow one shows them in the cell instead).

use std::rc::Rc;

use bindlab_engine::print::step_text;
use bindlab_engine::Os;
use yew::prelude::*;

use crate::i18n::{use_tr, T};
use crate::state::Derived;
use crate::views::os_table::{breakable, outcome, sep};

#[derive(Properties)]
pub(crate) struct RowProps {
    pub(crate) derived: Rc<Derived>,
    pub(crate) index: usize,
    pub(crate) done: bool,
    pub(crate) current: bool,
    pub(crate) on_goto: Callback<usize>,
    /// In a table that builds only some blocks: the row says its index.
    pub(crate) windowed: bool,
    /// Where the rules page is (see [`super::OsTableProps::base`]).
    pub(crate) base: Option<AttrValue>,
    /// This row holds the table's Tab stop ([`super::Stop`]): on the
    /// step's button (`Some(None)`) or on an OS's toggle.
    pub(crate) stop: Option<Option<Os>>,
}

/// Rows compare by what they show, so a step re-renders two rows, not all.
impl PartialEq for RowProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.derived, &o.derived)
            && self.index == o.index
            && self.done == o.done
            && self.current == o.current
            && self.on_goto == o.on_goto
            && self.windowed == o.windowed
            && self.base == o.base
            && self.stop == o.stop
    }
}

#[function_component(Row)]
pub(crate) fn row(p: &RowProps) -> Html {
    let tr = use_tr();
    // Every verdict's rule is one click from its explanation.
    let rule_href = |id: &str| {
        let path = tr.href(&crate::route::Route::Rules(Some(id.to_string())));
        crate::browser::fetch::site_url(p.base.as_deref(), &path)
    };
    // In a widget (the only table given a base) the rules page is another
    // site's: a new tab, as "Open in bindlab" does, so the reader's article
    // (or the iframe) stays.
    let elsewhere = p.base.is_some();
    let target = elsewhere.then_some("_blank");
    let rel = elsewhere.then_some("noopener");
    // Which OSes' cells are open, one bit each, by OS rather than by column:
    // hiding a column must not hand its open explanation to the next OS.
    // The cells' `open` follows it, so a column shown again, or a step run
    // again, shows the same cells open as the row below explains.
    let open = use_state_eq(|| 0u32);
    let bit = |os: Os| 1u32 << os as u32;
    let Ok(scenario) = &p.derived.parsed else {
        return html! {};
    };
    let i = p.index;
    let st = &scenario.steps[i];
    let reports = &p.derived.reports;
    let differs = bindlab_engine::report::differs(reports.iter(), i);
    // The stop's toggle, if the row has it (a step not run has none, nor an
    // outcome without an explanation): else the step's button holds it.
    let has_toggle = |os: Os| {
        p.done
            && reports
                .iter()
                .any(|r| r.os == os && r.steps[i].rule.is_some() && r.steps[i].why.is_some())
    };
    let stop_os = p.stop.flatten().filter(|&os| has_toggle(os));
    let tabindex = |here: bool| if here { "0" } else { "-1" };
    let button_tab = tabindex(p.stop.is_some() && stop_os.is_none());
    let goto = {
        let cb = p.on_goto.clone();
        Callback::from(move |_: MouseEvent| cb.emit(i + 1))
    };
    let on_toggle = |os: Os| {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let now = e
                .target_dyn_into::<web_sys::HtmlDetailsElement>()
                .is_some_and(|d| d.open());
            let b = bit(os);
            open.set(if now { *open | b } else { *open & !b });
        })
    };
    let explained: Vec<_> = if p.done && *open != 0 {
        reports
            .iter()
            .filter(|r| *open & bit(r.os) != 0)
            .filter_map(|r| {
                let rep = &r.steps[i];
                Some((r.os.display(), rep.rule?, rep.why.as_ref()?))
            })
            .collect()
    } else {
        Vec::new()
    };
    html! {
        <>
        <tr class={classes!(differs.then_some("differs"), (!p.done).then_some("pending"), p.current.then_some("current"))}
            aria-current={p.current.then_some("step")} aria-rowindex={p.windowed.then(|| (i + 2).to_string())}>
            <th scope="row" class="step">
                <button type="button" class="link" tabindex={button_tab} onclick={goto} title={tr.t(T::ScenarioRunToStep).to_string()}>
                    // The scenario's line (not the step's number, which the
                    // progress counts): under the column's "Line and step" heading,
                    // and said in words (shown on a card, which has no heading).
                    <span class="ln" aria-hidden="true">{ st.line }</span><span class="ln-label sr-only">{ crate::i18n::Tr::labelled(tr.f(T::ScenarioLineOf, &[("line", &st.line.to_string())])) }</span>{ step_text(&st.kind) }
                </button>
                if differs && p.done { <span class="differs-mark" title={tr.t(T::ScenarioOsesDifferTitle).to_string()}>{" ≠"}<span class="sr-only">{" "}{ tr.t(T::ScenarioOsesDiffer) }</span></span> }
            </th>
            { for reports.iter().map(|r| {
                let rep = &r.steps[i];
                // data-os: the OS's name beside the outcome when the table
                // is shown as one card per step (narrow screens).
                let os = r.os.display();
                if !p.done {
                    return html! { <td class="cell pending" data-os={os}><span class="sr-only">{ tr.t(T::ScenarioNotRun) }</span>{"·"}</td> };
                }
                let ok = rep.is_ok();
                // The mark says itself to a hover and to a screen reader;
                // the line under the table says it to everyone.
                let expect = rep.pass.map(|pass| {
                    let (mark, what) = if pass {
                        ("✓", tr.t(T::ScenarioExpectMet).to_string())
                    } else {
                        ("✗", tr.f(T::ScenarioExpectMissed, &[("expected", rep.expected.as_deref().unwrap_or(""))]))
                    };
                    html! { <>{" "}<span class="expect-mark" title={what.clone()}>{ mark }<span class="sr-only">{" "}{ what }</span></span></> }
                });
                match (rep.rule, &rep.why) {
                    (Some(rule), Some(why)) => {
                        let title = tr.rule_title(rule.as_str(), rule.rule().title);
                        html! {
                            <td class={classes!("cell", if ok { "ok" } else { "err" })} data-os={os}>
                                <details open={*open & bit(r.os) != 0} ontoggle={on_toggle(r.os)}>
                                    <summary tabindex={tabindex(stop_os == Some(r.os))}>{ breakable(&outcome(&tr, rep)) }{ expect }</summary>
                                    <p class="why"><strong>{ title }</strong>{ sep(&tr, T::ScenarioTitleStop) }{ breakable(why) }</p>
                                    <p class="rule-id"><a class="rule-link" href={rule_href(rule.as_str())} {target} {rel}><code>{ breakable(rule.as_str()) }</code></a></p>
                                </details>
                            </td>
                        }
                    }
                    // One child, so the card layout's grid keeps the mark
                    // on the outcome's line.
                    _ => html! { <td class={classes!("cell", if ok { "ok" } else { "err" })} data-os={os}><span>{ breakable(&outcome(&tr, rep)) }{ expect }</span></td> },
                }
            }) }
        </tr>
        if !explained.is_empty() {
            <tr class={classes!("why-row", differs.then_some("differs"), p.current.then_some("current"))}>
                <td colspan={(reports.len() + 1).to_string()}>
                    { for explained.into_iter().map(|(os, rule, why)| {
                        let title = tr.rule_title(rule.as_str(), rule.rule().title);
                        // An OS's own rule names it already ("FreeBSD: …").
                        let named = title.starts_with(os);
                        html! {
                            <div class="why-os">
                                <p class="why">
                                    if !named { <span class="why-os-name">{ os }</span>{" "} }
                                    <strong>{ title }</strong>{ sep(&tr, T::ScenarioTitleStop) }{ why.clone() }
                                </p>
                                <p class="rule-id"><a class="rule-link" href={rule_href(rule.as_str())} {target} {rel}><code>{ rule.as_str() }</code></a></p>
                            </div>
                        }
                    }) }
                </td>
            </tr>
        }
        </>
    }
}
