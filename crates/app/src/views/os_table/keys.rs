//! The keyboard in the outcome table: with the focus on a step's button (or
//! on an outcome's toggle), ↓ and ↑ move it to the next and the previous
//! step's, Home and End to the first and the last step's — a list's keys —
//! and → and ← along the step's row, from its button to its toggles. The
//! table is one Tab stop ([`super::Stop`]: the control focused last), so
//! Tab leaves it; only those two kinds of control take the keys, so a
//! field, a select or a rule's link keeps its own. From an outcome's
//! toggle the focus goes to the same OS's toggle of the step it reaches,
//! where there is one (a step not run yet has none: then its button).
//!
//! A long table builds only the blocks near the screen: a step in a block
//! that is not built (Home or End in a table of thousands) is scrolled to,
//! and the focus given once its block is built ([`Pending`]).

use std::cell::RefCell;
use std::rc::Rc;

use bindlab_engine::Os;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::Stop;

/// How long a step waits for its block to be built, ms: a focus given
/// later than that would come out of nowhere.
const WAIT_MS: f64 = 2000.0;

/// Where a key moves the focus from step `i` of `n`; `None`: the key is
/// not one of the table's (or there is no step). At either end ↓ and ↑
/// stay where they are: a list does not wrap.
pub(super) fn moved(key: &str, i: usize, n: usize) -> Option<usize> {
    match key {
        _ if n == 0 => None,
        "ArrowDown" => Some((i + 1).min(n - 1)),
        "ArrowUp" => Some(i.saturating_sub(1)),
        "Home" => Some(0),
        "End" => Some(n - 1),
        _ => None,
    }
}

/// A step to focus once its block is built: its index, the OS whose toggle
/// had the focus, and when it was asked for.
struct Pending {
    index: usize,
    os: Option<String>,
    at: f64,
}

type PendingFocus = Rc<RefCell<Option<Pending>>>;

/// The control a key may move from: a step's button (`None`) or an OS's
/// outcome toggle (`Some(os)`), with its row.
fn control(el: &Element) -> Option<(Element, Option<String>)> {
    if el.matches("th.step > button.link").ok()? {
        return Some((el.closest("tr").ok()??, None));
    }
    if el.matches("td.cell > details > summary").ok()? {
        let cell = el.closest("td.cell").ok()??;
        return Some((cell.closest("tr").ok()??, cell.get_attribute("data-os")));
    }
    None
}

fn is_step_row(el: &Element) -> bool {
    el.matches("tr:not(.why-row)").unwrap_or(false)
}

/// What the walk from a row finds: the step's row, or the placeholder of
/// a block that is not built.
enum Found {
    Row(Element),
    Far(Element),
}

/// The step row after `row` (before it, `!down`) in the table's bodies,
/// those of `body` and the bodies after (before) it next; from no row,
/// the first (last) of `body`'s and so on.
fn walk(row: Option<&Element>, mut body: Option<Element>, down: bool) -> Option<Found> {
    let next = |e: &Element| {
        if down {
            e.next_element_sibling()
        } else {
            e.previous_element_sibling()
        }
    };
    let mut cur = row.and_then(next);
    loop {
        while let Some(r) = cur {
            if is_step_row(&r) {
                return Some(Found::Row(r));
            }
            cur = next(&r);
        }
        // The head, the caption: no more bodies that way.
        let b = body.filter(|b| b.tag_name() == "TBODY")?;
        if b.matches(".far").unwrap_or(false) {
            return Some(Found::Far(b));
        }
        cur = if down {
            b.first_element_child()
        } else {
            b.last_element_child()
        };
        body = next(&b);
    }
}

/// Gives the focus to the row's step button, or to `os`'s toggle there.
fn focus_in(row: &Element, os: Option<&str>) {
    let toggle = os.and_then(|os| {
        row.query_selector(&format!("td.cell[data-os=\"{os}\"] > details > summary"))
            .ok()
            .flatten()
    });
    let target = toggle.or_else(|| row.query_selector("th.step > button.link").ok().flatten());
    if let Some(t) = target.and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
        let _ = t.focus();
    }
}

/// The step index a row of a long table says it is (`aria-rowindex`,
/// the heading's row being 1).
fn index_of(row: &Element) -> Option<usize> {
    row.get_attribute("aria-rowindex")?
        .parse::<usize>()
        .ok()?
        .checked_sub(2)
}

/// The step index of a row: as it says, in a long table; else its place
/// among the step rows (a table that builds every row has at most
/// [`super::WINDOW_FROM`] of them).
fn step_index(row: &Element) -> Option<usize> {
    if let Some(i) = index_of(row) {
        return Some(i);
    }
    let table = row.closest("table").ok()??;
    let rows = table
        .query_selector_all(":scope > tbody > tr:not(.why-row)")
        .ok()?;
    (0..rows.length()).position(|k| {
        rows.item(k)
            .and_then(|r| r.dyn_into::<Element>().ok())
            .is_some_and(|r| &r == row)
    })
}

/// The control a focus event reached, as the table's Tab stop.
pub(super) fn stop_of_event(e: &FocusEvent) -> Option<Stop> {
    let el = e.target()?.dyn_into::<Element>().ok()?;
    let (row, os) = control(&el)?;
    Some(Stop {
        index: step_index(&row)?,
        os: os.and_then(|name| Os::ALL.into_iter().find(|o| o.display() == name)),
    })
}

/// → and ←: the next and the previous control of the row (its button,
/// then each OS's toggle in the columns' order); at either end, none.
fn along(row: &Element, from: &Element, right: bool) -> Option<HtmlElement> {
    let all = row
        .query_selector_all("th.step > button.link, td.cell > details > summary")
        .ok()?;
    let items: Vec<Element> = (0..all.length())
        .filter_map(|k| all.item(k)?.dyn_into::<Element>().ok())
        .collect();
    let at = items.iter().position(|c| c == from)?;
    let to = if right { at + 1 } else { at.checked_sub(1)? };
    items.get(to)?.clone().dyn_into::<HtmlElement>().ok()
}

/// The table's keydown: moves the focus as [`moved`] says, or asks for a
/// step whose block is not built.
fn on_key(e: &KeyboardEvent, table: &Element, n: usize, pending: &PendingFocus) {
    if e.default_prevented() || e.alt_key() || e.ctrl_key() || e.meta_key() || e.shift_key() {
        return;
    }
    let key = e.key();
    if let "ArrowRight" | "ArrowLeft" = key.as_str() {
        let Some(from) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        if let Some((row, _)) = control(&from) {
            e.prevent_default();
            if let Some(to) = along(&row, &from, key == "ArrowRight") {
                let _ = to.focus();
            }
        }
        return;
    }
    if moved(&key, 0, n).is_none() {
        return;
    }
    let Some((row, os)) = e
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|el| control(&el))
    else {
        return;
    };
    e.prevent_default();
    let body = row.parent_element();
    let found = match key.as_str() {
        "ArrowDown" => walk(
            Some(&row),
            body.and_then(|b| b.next_element_sibling()),
            true,
        ),
        "ArrowUp" => walk(
            Some(&row),
            body.and_then(|b| b.previous_element_sibling()),
            false,
        ),
        "Home" => walk(
            None,
            table.query_selector(":scope > tbody").ok().flatten(),
            true,
        ),
        _ => walk(None, table.last_element_child(), false),
    };
    match found {
        Some(Found::Row(r)) => focus_in(&r, os.as_deref()),
        Some(Found::Far(block)) => {
            // Only a long table has such blocks, and its rows say their index.
            let Some(to) = index_of(&row).and_then(|i| moved(&key, i, n)) else {
                return;
            };
            *pending.borrow_mut() = Some(Pending {
                index: to,
                os,
                at: js_sys::Date::now(),
            });
            block.scroll_into_view_with_bool(matches!(key.as_str(), "ArrowDown" | "Home"));
        }
        None => {}
    }
}

/// After a render: the step asked for, if its block is built now.
fn settle(table: &Element, pending: &PendingFocus) {
    let Some(p) = pending.borrow_mut().take() else {
        return;
    };
    if js_sys::Date::now() - p.at > WAIT_MS {
        return;
    }
    let row = table
        .query_selector(&format!("tr[aria-rowindex=\"{}\"]", p.index + 2))
        .ok()
        .flatten();
    match row {
        Some(r) => focus_in(&r, p.os.as_deref()),
        None => *pending.borrow_mut() = Some(p),
    }
}

/// The table's keydown listener (the table is `table`, of `n` steps);
/// after each render, the focus a key asked for in a block not built then.
#[hook]
pub(super) fn use_row_keys(table: NodeRef, n: usize) -> Callback<KeyboardEvent> {
    let pending: PendingFocus = use_mut_ref(|| None);
    {
        let (table, pending) = (table.clone(), pending.clone());
        use_effect(move || {
            if let Some(t) = table.cast::<Element>() {
                settle(&t, &pending);
            }
        });
    }
    Callback::from(move |e: KeyboardEvent| {
        if let Some(t) = table.cast::<Element>() {
            on_key(&e, &t, n, &pending);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::moved;

    #[test]
    fn the_keys_move_as_a_lists_do_and_stop_at_its_ends() {
        assert_eq!(moved("ArrowDown", 0, 5), Some(1));
        assert_eq!(moved("ArrowDown", 4, 5), Some(4));
        assert_eq!(moved("ArrowUp", 3, 5), Some(2));
        assert_eq!(moved("ArrowUp", 0, 5), Some(0));
        assert_eq!(moved("Home", 3, 5), Some(0));
        assert_eq!(moved("End", 1, 5), Some(4));
        assert_eq!(moved("ArrowRight", 1, 5), None);
        assert_eq!(moved("Enter", 1, 5), None);
        assert_eq!(moved("ArrowDown", 0, 0), None);
    }
}
