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
    // Its height goes through the cell's style object, not a `style`
    // attribute: the site runs under `style-src 'self'`, which refuses an
    // inline style attribute, so every far block was 0 px tall there (the
    // page's length and scroll bar wrong) with a CSP error each.
    let cell = use_node_ref();
    {
        let cell = cell.clone();
        use_effect_with(p.px, move |px| {
            if let Some(el) = cell.get() {
                crate::browser::dom::set_style(&el, "height", &format!("{px}px"));
            }
        });
    }
    html! {
        <tbody class="far" aria-hidden="true"><tr><td ref={cell} colspan={p.cols.to_string()}></td></tr></tbody>
    }
}
