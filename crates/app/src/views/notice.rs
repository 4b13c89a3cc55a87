//! A notice for the reader in the sandbox: a damaged link, a copied link, a
//! saved program. Its text may name a command in backticks, shown as code
//! (the texts are data, `content/ui/`; a notice is one plain sentence).

use yew::prelude::*;

use crate::i18n::{use_tr, T};
use crate::state::Notice;

#[derive(Properties, PartialEq)]
pub(crate) struct NoticeViewProps {
    pub(crate) notice: Notice,
    pub(crate) on_dismiss: Callback<MouseEvent>,
}

#[function_component(NoticeView)]
pub(crate) fn notice_view(p: &NoticeViewProps) -> Html {
    let tr = use_tr();
    let n = &p.notice;
    // Shown where it was asked for, on screen: a button near the screen's
    // bottom edge (a phone) puts its notice under it, past that edge.
    let node = use_node_ref();
    // What had the keyboard's focus when the notice came (the button that
    // asked for it): Dismiss gives the focus back there, not to the page's
    // top, where removing the focused Dismiss button would leave it.
    let opener = use_mut_ref(|| None::<web_sys::HtmlElement>);
    {
        let (node, opener) = (node.clone(), opener.clone());
        use_effect_with(n.text.clone(), move |_| {
            *opener.borrow_mut() = crate::browser::dom::focused();
            if let Some(el) = node.cast::<web_sys::Element>() {
                crate::browser::dom::bring_into_view(&el);
            }
        });
    }
    let on_dismiss = {
        let (dismiss, opener) = (p.on_dismiss.clone(), opener.clone());
        Callback::from(move |e: MouseEvent| {
            match opener.borrow_mut().take().filter(|el| el.is_connected()) {
                Some(el) => {
                    let _ = el.focus();
                }
                // A notice nothing asked for (a damaged link, on arrival).
                None => {
                    crate::browser::dom::focus_by_id("main");
                }
            }
            dismiss.emit(e);
        })
    };
    html! {
        <div ref={node} class={classes!("notice", n.error.then_some("error"))} role={if n.error { "alert" } else { "status" }}>
            <p>{ with_code(&n.text) }</p>
            <button type="button" class="quiet" onclick={on_dismiss}>{ tr.t(T::SandboxDismiss) }</button>
        </div>
    }
}

/// `text` with each span between two backticks as code; a text with an
/// unpaired backtick as it is.
pub(crate) fn with_code(text: &str) -> Html {
    if text.matches('`').count() % 2 == 1 {
        return html! { { text.to_string() } };
    }
    text.split('`')
        .enumerate()
        .map(|(i, part)| match i % 2 {
            1 => html! { <code>{ part.to_string() }</code> },
            _ => html! { { part.to_string() } },
        })
        .collect()
}
