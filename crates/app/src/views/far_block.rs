//! A block of a long table that is far from the screen (see
//! `hooks::use_near_blocks`): one empty row as tall as its rows were, or
//! would be, so the page keeps its length and its scroll bar.

use yew::prelude::*;

/// A row's height before one is measured (a one-line row on a desktop).
const ROW_PX: u32 = 33;

#[derive(Properties, PartialEq)]
pub(crate) struct FarBlockProps {
    pub(crate) rows: usize,
    /// A built row's height, 0 until measured.
    pub(crate) row_px: u32,
    /// The table's columns, for the row's one cell.
    pub(crate) cols: usize,
}

#[function_component(FarBlock)]
pub(crate) fn far_block(p: &FarBlockProps) -> Html {
    let px = p.rows as u64 * u64::from(if p.row_px > 0 { p.row_px } else { ROW_PX });
    html! {
        <tbody class="far" aria-hidden="true"><tr><td colspan={p.cols.to_string()} style={format!("height:{px}px")}></td></tr></tbody>
    }
}
