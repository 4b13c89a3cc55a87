//! The programming language a piece of code is shown in, as a row of tabs:
//! the code panel ("Show as code") and a guide's "the fix in code" pick the
//! same thing with the same control. ARIA tabs: the row is one Tab stop (the
//! picked tab), ←/→ pick the language before or after it (wrapping), Home
//! and End the first and the last, and the focus follows; a click picks
//! too. The row wraps on a narrow screen rather than running off it.

use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct LangTabsProps {
    /// Unique on the page: the tabs are `{id}-tab-{key}`.
    pub(crate) id: AttrValue,
    /// The row's accessible name ("Language").
    pub(crate) label: AttrValue,
    /// (key, label), one per language, in order.
    pub(crate) langs: Vec<(AttrValue, AttrValue)>,
    pub(crate) picked: usize,
    /// The id of the panel the tabs show.
    pub(crate) panel: AttrValue,
    pub(crate) on_pick: Callback<usize>,
}

/// The id of the tab of `key` in the row `id`: the panel's `aria-labelledby`.
pub(crate) fn tab_id(id: &str, key: &str) -> String {
    format!("{id}-tab-{key}")
}

/// The tab a key moves to from tab `i` of `n`, if the key moves.
fn moved(key: &str, i: usize, n: usize) -> Option<usize> {
    match key {
        _ if n == 0 => None,
        "ArrowRight" => Some((i + 1) % n),
        "ArrowLeft" => Some((i + n - 1) % n),
        "Home" => Some(0),
        "End" => Some(n - 1),
        _ => None,
    }
}

#[function_component(LangTabs)]
pub(crate) fn lang_tabs(p: &LangTabsProps) -> Html {
    let row = use_node_ref();
    let n = p.langs.len();
    html! {
        <div class="lang-tabs" role="tablist" aria-label={p.label.clone()} ref={row.clone()}>
        { for p.langs.iter().enumerate().map(|(i, (key, label))| {
            let on = i == p.picked;
            let onclick = {
                let on_pick = p.on_pick.clone();
                Callback::from(move |_: MouseEvent| on_pick.emit(i))
            };
            let onkeydown = {
                let (on_pick, row) = (p.on_pick.clone(), row.clone());
                Callback::from(move |e: KeyboardEvent| {
                    let Some(to) = moved(&e.key(), i, n) else { return };
                    e.prevent_default();
                    on_pick.emit(to);
                    if let Some(tab) = row
                        .cast::<web_sys::Element>()
                        .and_then(|r| r.children().item(to as u32))
                        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        let _ = tab.focus();
                    }
                })
            };
            html! {
                <button type="button" role="tab" id={tab_id(&p.id, key)} data-lang={key.clone()}
                    class={classes!("lang", on.then_some("on"))}
                    aria-selected={if on { "true" } else { "false" }} aria-controls={p.panel.clone()}
                    tabindex={if on { "0" } else { "-1" }} {onclick} {onkeydown}>{ label.clone() }</button>
            }
        }) }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::moved;

    #[test]
    fn arrows_wrap_and_home_end_go_to_the_ends() {
        assert_eq!(moved("ArrowRight", 6, 7), Some(0));
        assert_eq!(moved("ArrowLeft", 0, 7), Some(6));
        assert_eq!(moved("ArrowRight", 2, 7), Some(3));
        assert_eq!(moved("Home", 4, 7), Some(0));
        assert_eq!(moved("End", 1, 7), Some(6));
        assert_eq!(moved("ArrowDown", 1, 7), None);
        assert_eq!(moved("End", 0, 0), None);
    }
}
