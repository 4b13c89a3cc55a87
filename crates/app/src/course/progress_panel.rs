//! The reader's progress: how far, export and import as a code, start over.

use bindlab_course::progress::Progress;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::confirm::ConfirmButton;
use crate::browser::dom::window;
use crate::nav::use_store;
use crate::route::{lesson_ids, CONTENTS};
use crate::store::StoreAction;

/// "N of M chapters done", export as a code, import a code, start over.
#[function_component(ProgressPanel)]
pub(crate) fn progress_panel() -> Html {
    let store = use_store();
    let ids = lesson_ids();
    let code = use_state(|| None::<String>);
    let message = use_state(|| None::<(bool, String)>);
    let input = use_node_ref();
    let show = {
        let (code, store, ids) = (code.clone(), store.clone(), ids.clone());
        Callback::from(move |_| code.set(Some(store.progress.encode(&ids))))
    };
    let copy = {
        let (code, message) = (code.clone(), message.clone());
        Callback::from(move |_| {
            if let (Some(c), Some(w)) = ((*code).clone(), window()) {
                let _ = w.navigator().clipboard().write_text(&c);
                message.set(Some((false, "Code copied.".into())));
            }
        })
    };
    let import = {
        let (store, message, input, ids) =
            (store.clone(), message.clone(), input.clone(), ids.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(el) = input.cast::<HtmlInputElement>() else {
                return;
            };
            match Progress::decode(&el.value(), &ids) {
                Ok(p) => {
                    let n = p.done_count();
                    store.dispatch(StoreAction::Import(p));
                    el.set_value("");
                    message.set(Some((
                        false,
                        format!(
                            "Progress imported: {n} chapter{} done.",
                            if n == 1 { "" } else { "s" }
                        ),
                    )));
                }
                Err(err) => message.set(Some((
                    true,
                    format!("That code could not be imported: {err}. Your progress is unchanged."),
                ))),
            }
        })
    };
    let start_over = {
        let (store, message) = (store.clone(), message.clone());
        Callback::from(move |_| {
            store.dispatch(StoreAction::StartOver);
            message.set(Some((false, "Progress cleared.".into())));
        })
    };
    let done = store.progress.done_count();
    html! {
        <section class="pane progress-panel" aria-labelledby="h-progress">
            <h2 id="h-progress">{"Your progress"}</h2>
            <p>{ format!("{done} of {} chapters done.", CONTENTS.len()) }
               if !store.saving { {" (Not saved: this browser blocks storage.)"} } else { {" Saved in this browser only — no account."} }</p>
            <div class="row">
                <button type="button" onclick={show}>{"Export progress"}</button>
                if code.is_some() {
                    <label class="code-out">{"Your code "}<input type="text" readonly=true value={(*code).clone().unwrap_or_default()} size="40" /></label>
                    <button type="button" class="quiet" onclick={copy}>{"Copy"}</button>
                }
            </div>
            <form class="row" onsubmit={import}>
                <label for="import-code">{"Import a code"}</label>
                <input id="import-code" ref={input} type="text" placeholder="BL1-…" size="30" autocomplete="off" spellcheck="false" />
                <button type="submit">{"Import"}</button>
            </form>
            <ConfirmButton label="Start over…" question="Forget every answer and challenge in this browser?"
                yes="Yes, start over" no="Keep my progress" on_yes={start_over} />
            <p class={classes!("message", message.as_ref().is_some_and(|m| m.0).then_some("error"))} role="status">
                { message.as_ref().map(|m| m.1.clone()).unwrap_or_default() }
            </p>
        </section>
    }
}
