//! Fetches a file for a page when its address changes (or "Try again").

use std::rc::Rc;

use yew::prelude::*;

use super::Preloaded;
use crate::browser::fetch::fetch_text;
use crate::i18n::use_tr;

/// A file fetched for a page: loading, failed (with a reason), or there.
pub(crate) enum Fetched<T> {
    Loading,
    Failed(String),
    Ready(Rc<T>),
}

impl<T> Clone for Fetched<T> {
    fn clone(&self) -> Self {
        match self {
            Fetched::Loading => Fetched::Loading,
            Fetched::Failed(e) => Fetched::Failed(e.clone()),
            Fetched::Ready(v) => Fetched::Ready(v.clone()),
        }
    }
}

/// Fetches `url` when `key` changes (or `attempt` is bumped by "Try again")
/// and turns the text into `T`.
#[hook]
pub(crate) fn use_fetched<T: 'static>(
    url: String,
    attempt: u32,
    make: fn(String) -> Result<T, String>,
) -> Fetched<T> {
    let preloaded = use_context::<Option<Rc<Preloaded>>>()
        .flatten()
        .filter(|p| p.url == url);
    let has_preloaded = preloaded.is_some();
    let tr = use_tr();
    let state = use_state(move || match preloaded {
        Some(p) => match make(p.text.clone()) {
            Ok(v) => Fetched::Ready(Rc::new(v)),
            Err(e) => Fetched::Failed(e),
        },
        None => Fetched::Loading,
    });
    {
        let state = state.clone();
        use_effect_with((url, attempt), move |(url, attempt)| {
            if has_preloaded && *attempt == 0 {
                return; // the page came with it
            }
            state.set(Fetched::Loading);
            let url = url.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let got = fetch_text(&tr, &url).await.and_then(make);
                state.set(match got {
                    Ok(v) => Fetched::Ready(Rc::new(v)),
                    Err(e) => Fetched::Failed(e),
                });
            });
        });
    }
    (*state).clone()
}
