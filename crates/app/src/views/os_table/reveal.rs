//! Showing the row a step reached: scrolled into view when it is off the
//! screen, and in a long table whose row's block is not built yet, its
//! placeholder first and the row once the block is built.

use yew::prelude::*;

use super::ROWS;

/// How long after a step its row, in a block not built then, is still
/// scrolled to once built.
pub(super) const REVEAL_WAIT_MS: f64 = 2000.0;

/// What [`reveal_current`] did.
#[derive(PartialEq)]
pub(super) enum Reveal {
    /// The row is on the screen now, or was, or is not to be shown.
    Done,
    /// The row's block of a long table is not built: the placeholder was
    /// scrolled to, and the row is to be shown once the block is built.
    Pending,
}

/// Scrolls the table's current row (`step`'s, the step done last) into
/// view when it is off screen: to the top when it is above (under the
/// stepper's `scroll-margin-top`), to the bottom when below; not while the
/// sandbox's step bar shows the host. In a long table whose row's block is
/// not built, the block's placeholder instead (its half that holds the row).
pub(super) fn reveal_current(table: &NodeRef, step: usize) -> Reveal {
    let Some(t) = table.cast::<web_sys::Element>() else {
        return Reveal::Done;
    };
    let Some(h) = crate::browser::dom::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
    else {
        return Reveal::Done;
    };
    // The sandbox's step bar shown (sandbox/step_bar.rs) and the table
    // wholly above the screen or under the bar: the reader is looking at
    // the host, under the table in one column, and pressed the bar's Step
    // to see it change there; a step does not take them from it (nor
    // to a long table's placeholder).
    let bar = t
        .owner_document()
        .and_then(|d| d.query_selector(".step-bar.shown").ok().flatten())
        .map_or(0.0, |b| b.get_bounding_client_rect().bottom());
    if bar > 0.0 && t.get_bounding_client_rect().bottom() <= bar {
        return Reveal::Done;
    }
    let Ok(Some(row)) = t.query_selector("tr.current") else {
        let Some(i) = step.checked_sub(1) else {
            return Reveal::Done;
        };
        let block = t
            .query_selector_all(":scope > tbody")
            .ok()
            .and_then(|blocks| blocks.item((i / ROWS) as u32))
            .and_then(|b| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(b).ok())
            .filter(|b| b.matches(".far").unwrap_or(false));
        return match block {
            Some(b) => {
                b.scroll_into_view_with_bool(i % ROWS < ROWS / 2);
                Reveal::Pending
            }
            None => Reveal::Done,
        };
    };
    // A stepper stuck to the top of the screen (a phone) covers what is
    // under it, and a host page's header above it (`--bindlab-sticky-top`):
    // stuck, it lies over what follows it.
    let covered = t
        .closest(".run-pane, .bindlab-widget")
        .ok()
        .flatten()
        .and_then(|p| p.query_selector(":scope > .stepper").ok().flatten())
        .map(|s| {
            (
                s.get_bounding_client_rect().bottom(),
                s.next_element_sibling(),
            )
        })
        .filter(|(bottom, next)| {
            next.as_ref()
                .is_some_and(|n| n.get_bounding_client_rect().top() < bottom - 1.0)
        })
        .map_or(0.0, |(bottom, _)| bottom);
    let r = row.get_bounding_client_rect();
    if r.bottom() > h {
        row.scroll_into_view_with_bool(r.height() > h - covered);
    } else if r.top() < covered {
        row.scroll_into_view();
    }
    Reveal::Done
}
