//! Fetches a file for a page when its address changes (or "Try again"):
//! in the page's language (`content/zh-CN/lessons/x.md`), and, when that
//! one cannot be fetched, the English file, marked as such so the page says
//! so (never silently). English pages fetch exactly what they always did.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use super::Preloaded;
use crate::browser::fetch::fetch_text;
use crate::i18n::{use_tr, Tr};

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

/// Where a page's file comes from: its translation, else the English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Sources {
    pub(crate) translated: String,
    pub(crate) english: String,
}

impl Sources {
    /// A file under `content/` (`english`), in `tr`'s language.
    pub(crate) fn content(tr: &Tr, english: &str) -> Sources {
        Sources {
            translated: tr.content_url(english),
            english: english.to_string(),
        }
    }

    /// The file to try once `url` could not be fetched (`None`: there is
    /// nothing left to try, the failure is shown).
    pub(crate) fn after(&self, url: &str) -> Option<&str> {
        (url == self.translated && self.translated != self.english).then_some(&self.english)
    }

    /// Whether a text read from `url` is the English in place of the
    /// page's language.
    pub(crate) fn is_fallback(&self, url: &str) -> bool {
        url == self.english && self.translated != self.english
    }
}

/// What a page fetched, and whether it is the English standing in for a
/// missing translation.
pub(crate) struct Localized<T> {
    pub(crate) fetched: Fetched<T>,
    pub(crate) fallback: bool,
}

impl<T> Clone for Localized<T> {
    fn clone(&self) -> Self {
        Localized {
            fetched: self.fetched.clone(),
            fallback: self.fallback,
        }
    }
}

/// Fetches `sources` when they change (or `attempt` is bumped by "Try
/// again"), the English when the translation cannot be fetched, and turns
/// the text into `T`. Starts from the page's preloaded file, whichever of
/// the two it is.
#[hook]
pub(crate) fn use_fetched<T: 'static>(
    sources: Sources,
    attempt: u32,
    make: fn(String) -> Result<T, String>,
) -> Localized<T> {
    let preloaded = use_context::<Option<Rc<Preloaded>>>()
        .flatten()
        .filter(|p| p.url == sources.translated || p.url == sources.english);
    let has_preloaded = preloaded.is_some();
    let tr = use_tr();
    let state = {
        let sources = sources.clone();
        use_state(move || match preloaded {
            Some(p) => Localized {
                fetched: match make(p.text.clone()) {
                    Ok(v) => Fetched::Ready(Rc::new(v)),
                    Err(e) => Fetched::Failed(e),
                },
                fallback: sources.is_fallback(&p.url),
            },
            None => Localized {
                fetched: Fetched::Loading,
                fallback: false,
            },
        })
    };
    {
        let state = state.clone();
        use_effect_with((sources, attempt), move |(sources, attempt)| {
            // Whether this page still wants what the fetch brings: a reply
            // that lands after the reader went on to another page (or
            // tried again) is dropped, never shown on the newer one's.
            let wanted = Rc::new(Cell::new(true));
            let done = {
                let wanted = wanted.clone();
                move || wanted.set(false)
            };
            if has_preloaded && *attempt == 0 {
                return done; // the page came with it
            }
            state.set(Localized {
                fetched: Fetched::Loading,
                fallback: false,
            });
            let sources = sources.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let mut url = sources.translated.clone();
                let got = loop {
                    match fetch_text(&tr, &url).await {
                        Ok(text) => break Ok((text, sources.is_fallback(&url))),
                        Err(e) => match sources.after(&url) {
                            Some(next) => url = next.to_string(),
                            None => break Err(e),
                        },
                    }
                };
                if !wanted.get() {
                    return;
                }
                state.set(match got.and_then(|(t, fb)| make(t).map(|v| (v, fb))) {
                    Ok((v, fallback)) => Localized {
                        fetched: Fetched::Ready(Rc::new(v)),
                        fallback,
                    },
                    Err(e) => Localized {
                        fetched: Fetched::Failed(e),
                        fallback: false,
                    },
                });
            });
            done
        });
    }
    (*state).clone()
}
