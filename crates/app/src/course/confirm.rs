//! A button that asks first.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct ConfirmProps {
    pub(crate) label: AttrValue,
    pub(crate) question: AttrValue,
    pub(crate) yes: AttrValue,
    pub(crate) no: AttrValue,
    pub(crate) on_yes: Callback<()>,
    /// Focus "yes" when asking (the reader just asked for it); else "no"
    /// (the safe answer to a destructive question).
    #[prop_or_default]
    pub(crate) focus_yes: bool,
    /// The button is inactive (the app is not live yet).
    #[prop_or_default]
    pub(crate) disabled: bool,
}

/// A button that asks first, inline (no browser dialog): the question, then
/// "yes" and "no", with the focus on one of them for keyboard readers.
#[function_component(ConfirmButton)]
pub(crate) fn confirm_button(p: &ConfirmProps) -> Html {
    let open = use_state(|| false);
    let (yes_ref, no_ref, label_ref) = (use_node_ref(), use_node_ref(), use_node_ref());
    // Closed by "no" or Escape: the focus goes back to the button that
    // asked (the one it was on has just gone, and it would drop to the page).
    let back = use_mut_ref(|| false);
    {
        let target = if p.focus_yes {
            yes_ref.clone()
        } else {
            no_ref.clone()
        };
        let (label, back) = (label_ref.clone(), back.clone());
        use_effect_with(*open, move |open| {
            let to = if *open {
                target
            } else if std::mem::take(&mut *back.borrow_mut()) {
                label
            } else {
                return; // the first render, or "yes": the focus is not ours
            };
            if let Some(b) = to.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let set = |v: bool| {
        let (open, back) = (open.clone(), back.clone());
        Callback::from(move |_: MouseEvent| {
            *back.borrow_mut() = !v;
            open.set(v)
        })
    };
    if !*open {
        return html! { <button type="button" class="quiet" ref={label_ref} onclick={set(true)} disabled={p.disabled}>{ p.label.clone() }</button> };
    }
    let escape = {
        let (open, back) = (open.clone(), back.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                *back.borrow_mut() = true;
                open.set(false);
            }
        })
    };
    let yes = {
        let (open, cb) = (open.clone(), p.on_yes.clone());
        Callback::from(move |_: MouseEvent| {
            open.set(false);
            cb.emit(());
        })
    };
    html! {
        <div class="confirm" role="group" aria-label={p.question.clone()} onkeydown={escape}>
            <p>{ p.question.clone() }</p>
            <button type="button" class="primary" ref={yes_ref} onclick={yes}>{ p.yes.clone() }</button>
            {" "}<button type="button" ref={no_ref} onclick={set(false)}>{ p.no.clone() }</button>
        </div>
    }
}
