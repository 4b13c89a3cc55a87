//! A block of a long table that is far from the screen (see
//! `hooks::use_near_blocks`): one empty row as tall as its rows were, or
//! would be, so the page keeps its length and its scroll bar.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct FarBlockProps {
    /// Its height, px (`Near::far_px`).
    pub(crate) px: u64,
    /// The table's columns, for the row's one cell.
    pub(crate) cols: usize,
}

#[function_component(FarBlock)]
pub(crate) fn far_block(p: &FarBlockProps) -> Html {
    let px = p.px;
    html! {
        <tbody class="far" aria-hidden="true"><tr><td colspan={p.cols.to_string()} style={format!("height:{px}px")}></td></tr></tbody>
    }
}
