//! The window, the document and the address bar.

use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// The window; none outside a browser (the prerenderer renders natively,
/// where any call into the browser would panic).
pub(crate) fn window() -> Option<web_sys::Window> {
    if cfg!(target_arch = "wasm32") {
        web_sys::window()
    } else {
        None
    }
}

/// `link` made absolute against the page's `<base>`: a link copied to the
/// clipboard must open from anywhere, not only from the page it was on.
pub(crate) fn absolute(link: &str) -> String {
    window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .and_then(|base| web_sys::Url::new_with_base(link, &base).ok())
        .map_or_else(|| link.to_string(), |u| u.href())
}

/// Whether the page is in a frame (the iframe embed, or a page framing
/// the site): its window is then not the reader's screen.
pub(crate) fn in_a_frame() -> bool {
    window()
        .and_then(|w| Some(!js_sys::Object::is(&w.parent().ok()??.into(), &w)))
        .unwrap_or(false)
}

pub(crate) fn location_hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The page's address without its fragment.
pub(crate) fn page_address() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or("").to_string())
        .unwrap_or_default()
}

/// Sets one property of `node`'s style object (`el.style.height = …`):
/// allowed under the site's `style-src 'self'`, which refuses a `style`
/// attribute.
pub(crate) fn set_style(node: &web_sys::Node, property: &str, value: &str) {
    if let Ok(style) = js_sys::Reflect::get(node, &"style".into()) {
        let _ = js_sys::Reflect::set(&style, &property.into(), &value.into());
    }
}

/// Makes `#fragment` the address bar's fragment without a history entry.
/// The URL is absolute: a bare `#…` would resolve against the page's
/// `<base href>` (the site's root), not the page (`zh-CN/` is a page).
pub(crate) fn replace_fragment(fragment: &str) {
    if let Some(h) = window().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{}#{fragment}", page_address())),
        );
    }
}

/// Goes to another page: `href` is relative to the site's root (the page's
/// `<base href>`), as every [`Route::href`](crate::route::Route::href) is.
pub(crate) fn go_to(href: &str) {
    if let Some(w) = window() {
        let _ = w.location().assign(href);
    }
}

/// Opens the page an old `#/…` address names, replacing it in the history
/// (`static/boot.js` does the same before the wasm loads; this catches one
/// followed inside a page), in the page's language.
pub(crate) fn redirect_old_address(locale: bindlab_course::locale::Locale, hash: &str) {
    if let Some(w) = window() {
        let _ = w.location().replace(&crate::i18n::href(
            locale,
            &crate::route::Route::from_hash(hash),
        ));
    }
}

/// The fragment without its `#`, percent-decoded: a glossary term or a rule
/// on their pages.
pub(crate) fn fragment() -> Option<String> {
    let hash = location_hash();
    let f = hash.strip_prefix('#').filter(|f| !f.is_empty())?;
    js_sys::decode_uri_component(f)
        .ok()
        .and_then(|s| s.as_string())
        .or_else(|| Some(f.to_string()))
}

/// The tab's title, so history, bookmarks and screen readers name the page.
pub(crate) fn set_title(title: &str) {
    if let Some(d) = window().and_then(|w| w.document()) {
        d.set_title(title);
    }
}

/// Focuses the page's `main h1`, so a screen reader announces the page and
/// Tab starts from its top.
pub(crate) fn focus_main_heading() {
    if let Some(h) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("main h1").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = h.focus();
    }
}

/// The element that has the keyboard's focus, if one has (not the page's
/// body, where the focus rests when nothing has it).
pub(crate) fn focused() -> Option<web_sys::HtmlElement> {
    let d = window().and_then(|w| w.document())?;
    let el = d.active_element()?;
    if d.body().is_some_and(|b| *b == el) {
        return None;
    }
    el.dyn_into::<web_sys::HtmlElement>().ok()
}

/// The page's element `id`.
fn by_id(id: &str) -> Option<web_sys::Element> {
    window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
}

/// Moves the keyboard's focus to the element `id` (made focusable by
/// script only, `tabindex="-1"`, so Tab never stops on it) and shows it: a
/// skip link's work, without writing `#id` into the address bar (the
/// sandbox's fragment is its permalink).
/// Whether the element was there.
pub(crate) fn focus_by_id(id: &str) -> bool {
    let Some(el) = by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) else {
        return false;
    };
    if !el.has_attribute("tabindex") {
        let _ = el.set_attribute("tabindex", "-1");
    }
    let _ = el.focus();
    el.scroll_into_view();
    true
}

/// Whether `#fragment` names an element of the page (`#main`, `#run`: a
/// skip link's own address), which is an anchor, not a permalink.
pub(crate) fn names_an_element(fragment: &str) -> bool {
    let id = fragment.strip_prefix('#').unwrap_or(fragment);
    !id.is_empty() && !id.contains('/') && by_id(id).is_some()
}

/// Scrolls `el` just into view (its bottom at the screen's bottom edge)
/// when part of it is off screen; leaves the page alone when it is not.
pub(crate) fn bring_into_view(el: &web_sys::Element) {
    let Some(h) = window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
    else {
        return;
    };
    let r = el.get_bounding_client_rect();
    if r.bottom() > h || r.top() < 0.0 {
        el.scroll_into_view_with_bool(r.top() < 0.0);
    }
}

pub(crate) fn scroll_to(id: &str) {
    if let Some(el) = by_id(id) {
        el.scroll_into_view();
    }
}

/// A `<select>`'s value, from its change event.
pub(crate) fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<web_sys::HtmlSelectElement>()
        .value()
}

/// `data-live` on `#app` once the app has hydrated (or rendered) the page
/// and its first effects ran: what a test waits for before it clicks (a
/// prerendered button does nothing until then).
pub(crate) fn mark_live() {
    if let Some(app) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
    {
        let _ = app.set_attribute("data-live", "");
    }
}

/// Escape closes the innermost open disclosure (`<details>`: an outcome
/// cell, *Show as code*, *Edit the scenario*, a challenge's attempt) around
/// the focus and gives the focus to its summary, as a disclosure's
/// keyboard users expect; with the focus elsewhere in an outcome table, an
/// opened cell near it (`open_outcome_near`). A text field keeps its Escape.
pub(crate) fn escape_closes_disclosure(e: KeyboardEvent) {
    if e.key() != "Escape" || e.default_prevented() {
        return;
    }
    let Some(el) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    if el.matches("textarea, input, select").unwrap_or(false) {
        return;
    }
    let details = match el.closest("details[open]") {
        Ok(Some(d)) => d,
        _ => match open_outcome_near(&el) {
            Some(d) => d,
            None => return,
        },
    };
    let _ = details.remove_attribute("open");
    if let Ok(Some(summary)) = details.query_selector(":scope > summary") {
        if let Ok(s) = summary.dyn_into::<web_sys::HtmlElement>() {
            let _ = s.focus();
        }
    }
    e.prevent_default();
}

/// The opened outcome cell an Escape from `el` closes, when `el` is in an
/// outcome table but in no open cell: the one whose explanation holds it
/// (a wide table explains a row's open cells in a row of their own, under
/// it), else the nearest one of its row, else of the rows above, else of
/// those below (a new reader's review, 2026-12-06: with the focus on the
/// explanation's rule link, or on a neighbouring cell, Escape did nothing).
fn open_outcome_near(el: &web_sys::Element) -> Option<web_sys::Element> {
    const OPEN: &str = ":scope > td > details[open]";
    let table = el.closest("table.outcomes").ok()??;
    let Some(row) = el.closest("tr").ok().flatten() else {
        return table.query_selector("details[open]").ok()?;
    };
    if row.matches(".why-row").unwrap_or(false) {
        let above = row.previous_element_sibling()?;
        // The k-th explanation is the k-th open cell's.
        let mut k = 0;
        if let Some(mut why) = el.closest(".why-os").ok().flatten() {
            while let Some(prev) = why.previous_element_sibling() {
                k += 1;
                why = prev;
            }
        }
        let mut cell = above.first_element_child();
        let mut first = None;
        while let Some(td) = cell {
            if let Some(d) = td.query_selector(":scope > details[open]").ok().flatten() {
                if k == 0 {
                    return Some(d);
                }
                k -= 1;
                first.get_or_insert(d);
            }
            cell = td.next_element_sibling();
        }
        return first;
    }
    let mut up = Some(row.clone());
    while let Some(r) = up {
        if let Some(d) = r.query_selector(OPEN).ok().flatten() {
            return Some(d);
        }
        up = r.previous_element_sibling();
    }
    let mut down = row.next_element_sibling();
    while let Some(r) = down {
        if let Some(d) = r.query_selector(OPEN).ok().flatten() {
            return Some(d);
        }
        down = r.next_element_sibling();
    }
    // Rows in other blocks of a long table.
    table.query_selector("details[open]").ok()?
}

/// The key of a site shortcut: Alt+Shift with an arrow (or any key), never
/// with Ctrl or Meta, never while typing in a field (where Alt+Shift+arrow
/// selects by word). `None`: not a shortcut.
pub(crate) fn shortcut_key(e: &KeyboardEvent) -> Option<String> {
    if !(e.alt_key() && e.shift_key()) || e.ctrl_key() || e.meta_key() {
        return None;
    }
    let typing = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|t| matches!(t.tag_name().as_str(), "TEXTAREA" | "INPUT" | "SELECT"));
    (!typing).then(|| e.key())
}

/// Where a stepping shortcut moves a scenario at `step` of `total`:
/// Alt+Shift+→/← one step forward/back, ↓ to the end, ↑ to the start.
pub(crate) fn shortcut_step(e: &KeyboardEvent, step: usize, total: usize) -> Option<usize> {
    Some(match shortcut_key(e)?.as_str() {
        "ArrowRight" => (step + 1).min(total),
        "ArrowLeft" => step.saturating_sub(1),
        "ArrowDown" => total,
        "ArrowUp" => 0,
        _ => return None,
    })
}

/// An Escape that nothing on its way up took (a disclosure, the
/// confirmation's "no"), that ends no input method's composition (typing
/// Chinese) and that is not a text field's own (a field keeps its Escape,
/// as for disclosures): one that closes the page's notice.
pub(crate) fn unclaimed_escape(e: &web_sys::Event) -> bool {
    let Some(k) = e.dyn_ref::<KeyboardEvent>() else {
        return false;
    };
    if k.key() != "Escape" || k.default_prevented() || k.is_composing() {
        return false;
    }
    !e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| el.matches("textarea, input, select").unwrap_or(false))
}

/// Sends a DOM event from the host element (bubbling, and out of the shadow root).
pub(crate) fn emit(host: &Option<web_sys::HtmlElement>, name: &str, detail: &JsValue) {
    let Some(host) = host else { return };
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(detail);
    if let Ok(ev) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(&ev);
    }
}

/// A plain object of `pairs`, an event's `detail`.
pub(crate) fn detail(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}
