//! The OS-by-OS outcome table: one memoised [`Row`] per step, and the
//! words a cell is made of (shared with the host view's announcement).

mod row;

use row::Row;

use std::rc::Rc;

use bindlab_engine::scenario::{Scenario, StepKind};
use yew::prelude::*;

use crate::state::Derived;

#[derive(Properties)]
pub(crate) struct OsTableProps {
    pub(crate) derived: Rc<Derived>,
    pub(crate) step: usize,
    pub(crate) on_goto: Callback<usize>,
}

impl PartialEq for OsTableProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.derived, &o.derived) && self.step == o.step && self.on_goto == o.on_goto
    }
}

/// A rule's "why" as the page prints it after the rule's title and a
/// period: a sentence, so it starts with a capital unless its first word is
/// a socket's name (names are case-sensitive), and without the state the
/// engine sometimes repeats after "the TIME_WAIT left by …".
pub(crate) fn why_text(why: &str, scenario: &Scenario) -> String {
    let mut w = why.to_string();
    if w.contains("the TIME_WAIT left by") {
        w = w.replace(" (TIME_WAIT)", "");
    }
    let first = w.split([' ', ',', '(']).next().unwrap_or("");
    let is_name = scenario.steps.iter().any(|st| {
        st.kind.socket() == Some(first)
            || matches!(&st.kind, StepKind::Accept { new, .. } if new == first)
    });
    let mut chars = w.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() && !is_name => c.to_uppercase().chain(chars).collect(),
        _ => w,
    }
}

/// "ok → A×3" style text for one cell.
pub(crate) fn outcome(rep: &bindlab_engine::StepReport) -> String {
    rep.summary()
}

#[function_component(OsTable)]
pub(crate) fn os_table(p: &OsTableProps) -> Html {
    let n = p.derived.parsed.as_ref().map_or(0, |s| s.steps.len());
    html! {
        <div class="table-wrap">
            <table class="outcomes">
                <caption class="sr-only">{"Each step's outcome on each OS; open a cell for the rule and why"}</caption>
                <thead><tr><th scope="col">{"Step"}</th>{ for p.derived.reports.iter().map(|r| html! { <th scope="col">{ r.os.display() }</th> }) }</tr></thead>
                <tbody>{ for (0..n).map(|i| html! {
                    <Row key={i} derived={p.derived.clone()} index={i} done={i < p.step} current={i + 1 == p.step} on_goto={p.on_goto.clone()} />
                }) }</tbody>
            </table>
        </div>
    }
}
