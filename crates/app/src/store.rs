//! The learner's progress in the browser's storage (gloo-storage's
//! `LocalStorage`), as the same code the reader can export
//! ([`Progress::encode`]): one format, one parser. Values are stored as
//! plain text through `LocalStorage::raw()`, not as JSON: the code is text
//! already, and it keeps serde_json out of the wasm. Storage that is blocked, full or holds something unreadable gives
//! a notice and a clean start, never a blank page; an unreadable record is
//! set aside (not deleted), so nothing is lost.

use std::rc::Rc;

use bindlab_course::progress::{CodeError, LessonProgress, Progress};
use bindlab_engine::Os;
use gloo::storage::{LocalStorage, Storage};
use yew::Reducible;

use crate::i18n::{Tr, T};
use crate::route::lesson_ids;

const KEY: &str = "bindlab.progress";
const SET_ASIDE: &str = "bindlab.progress.unreadable";

/// What the store may have to tell the reader, in the page's language
/// (the reducer runs outside components: the root hands them over).
#[derive(Clone, Debug, PartialEq)]
pub struct StoreTexts {
    no_storage: String,
    /// A write of the progress failed (a full storage, most often).
    not_saved: String,
    /// With `{why}` and `{key}` slots.
    unreadable: String,
    read_refused: String,
    /// Why a stored code was refused, in `CODE_ERRORS`' order (the
    /// course's own texts, as its import form says them).
    code_errors: [String; 3],
}

impl StoreTexts {
    pub(crate) fn new(tr: &Tr) -> StoreTexts {
        StoreTexts {
            no_storage: tr.t(T::StoreNoStorage).to_string(),
            not_saved: tr.t(T::StoreNotSaved).to_string(),
            unreadable: tr.t(T::StoreUnreadable).to_string(),
            read_refused: tr.t(T::StoreReadRefused).to_string(),
            code_errors: CODE_ERRORS.map(|e| code_error(tr, &e)),
        }
    }

    fn code_error(&self, e: &CodeError) -> String {
        let [not_a_code, damaged, newer] = &self.code_errors;
        match e {
            CodeError::NotACode => not_a_code,
            CodeError::Damaged => damaged,
            CodeError::FromANewerCourse => newer,
        }
        .clone()
    }
}

const CODE_ERRORS: [CodeError; 3] = [
    CodeError::NotACode,
    CodeError::Damaged,
    CodeError::FromANewerCourse,
];

/// A refused code's reason in `tr`'s language. Only the course shows it: the
/// sandbox build, which leaves the course's texts out, keeps English.
fn code_error(tr: &Tr, e: &CodeError) -> String {
    #[cfg(feature = "course")]
    return crate::course::code_error(tr, e).to_string();
    #[cfg(not(feature = "course"))]
    {
        let _ = tr;
        e.to_string()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Store {
    pub progress: Progress,
    /// Something the reader should know about their saved progress.
    pub notice: Option<String>,
    /// Whether progress is written to storage; [`Saving::Unknown`] until
    /// storage was read ([`StoreAction::Load`], dispatched by the root once
    /// the page is hydrated): the first render shows no progress and claims
    /// nothing about storage, as the prerendered page does.
    pub saving: Saving,
    /// Its notices' words.
    texts: StoreTexts,
}

/// Whether the reader's progress is kept in this browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saving {
    /// Storage has not been read yet: the prerendered page and the first
    /// render in the browser, before the app is live.
    Unknown,
    /// Written to `localStorage` at every change.
    Yes,
    /// Not written: the browser refuses storage (progress then lasts as
    /// long as the tab), or the sandbox build met a record it leaves to the
    /// course.
    No,
}

/// `window.localStorage` itself throws when storage is blocked; gloo would
/// turn that into an exception, so it is asked first, here. A read is the
/// probe: a full storage is there and holds the reader's progress (a write
/// probe called it blocked and showed none of it); a write that fails later
/// is said by `save`.
fn storage_available() -> bool {
    local().is_some_and(|s| s.get_item("bindlab.probe").is_ok())
}

impl Store {
    /// The store before storage is read: what the prerenderer renders with,
    /// and so the browser's first render too.
    pub(crate) fn unloaded(tr: &Tr) -> Store {
        Store {
            progress: Progress::default(),
            notice: None,
            saving: Saving::Unknown,
            texts: StoreTexts::new(tr),
        }
    }

    /// Whether storage was read: the app is live and the progress is the
    /// reader's.
    pub fn loaded(&self) -> bool {
        self.saving != Saving::Unknown
    }

    /// The store as storage holds it, saying things in `texts`' language.
    fn load(texts: StoreTexts) -> Store {
        if !storage_available() {
            return Store {
                progress: Progress::default(),
                notice: Some(texts.no_storage.clone()),
                saving: Saving::No,
                texts,
            };
        }
        let ids = lesson_ids();
        let read = match LocalStorage::raw().get_item(KEY) {
            Ok(None) => {
                return Store {
                    progress: Progress::default(),
                    notice: None,
                    saving: Saving::Yes,
                    texts,
                }
            }
            Err(_) => Err(texts.read_refused.clone()),
            Ok(Some(code)) => Progress::decode(&code, &ids).map_err(|e| texts.code_error(&e)),
        };
        match read {
            Ok(progress) => Store {
                progress,
                notice: None,
                saving: Saving::Yes,
                texts,
            },
            // The sandbox-only build never writes progress and shows no
            // course notices: it leaves an unreadable record where it is, for
            // the course to report and set aside when the reader gets there.
            Err(_) if !cfg!(feature = "course") => Store {
                progress: Progress::default(),
                notice: None,
                saving: Saving::No,
                texts,
            },
            Err(why) => {
                if let Ok(Some(raw)) = LocalStorage::raw().get_item(KEY) {
                    let _ = LocalStorage::raw().set_item(SET_ASIDE, &raw);
                }
                // Said once: the next visit starts from the clean record.
                let _ = LocalStorage::raw().remove_item(KEY);
                Store {
                    progress: Progress::default(),
                    notice: Some(bindlab_course::ui::fill(
                        &texts.unreadable,
                        &[("why", &why), ("key", SET_ASIDE)],
                    )),
                    saving: Saving::Yes,
                    texts,
                }
            }
        }
    }

    /// What storage holds now, if it is readable progress (another tab may
    /// have written since this one read it).
    fn stored() -> Option<Progress> {
        let code = LocalStorage::raw().get_item(KEY).ok().flatten()?;
        Progress::decode(&code, &lesson_ids()).ok()
    }

    /// Writes the progress; a write the browser refuses (its storage full)
    /// is said in the notice, which the next write that works takes back.
    fn save(&mut self) {
        if self.saving != Saving::Yes {
            return;
        }
        let code = self.progress.encode(&lesson_ids());
        let written = local().is_some_and(|st| st.set_item(KEY, &code).is_ok());
        if !written {
            self.notice = Some(self.texts.not_saved.clone());
        } else if self.notice.as_ref() == Some(&self.texts.not_saved) {
            self.notice = None;
        }
    }
}

/// Follows what other tabs write (a `storage` event at the window): every
/// write there is a merge with storage, so storage holds everything every
/// tab did; a tab adopts it. (The event fires only in the other tabs.)
pub fn other_tab_wrote(d: &yew::UseReducerDispatcher<Store>, e: &web_sys::Event) {
    let key = js_sys::Reflect::get(e, &"key".into())
        .ok()
        .and_then(|k| k.as_string());
    // `key` is null when another tab cleared all of storage.
    if key.as_deref().is_none_or(|k| k == KEY) {
        d.dispatch(StoreAction::Sync);
    }
}

/// This site's `localStorage`, unless the browser blocks it (web-sys
/// catches what `window.localStorage` throws then). A full one is there:
/// it reads and removes, only a write fails.
fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// A challenge's draft (or a chapter's edited example), if storage is
/// there and holds one.
pub fn read_draft(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

/// Why the browser did not store a draft.
#[derive(Clone, Debug, PartialEq)]
pub enum NotSaved {
    /// The site's storage is full (`QuotaExceededError`).
    Full,
    /// There is no storage: blocked by a setting or a sandboxed frame.
    Blocked,
    /// Another refusal, by its exception's name.
    Refused(String),
}

impl NotSaved {
    /// The notice a chapter's example shows, in `tr`'s language: not
    /// saved, why, and that the edit stays on the page.
    pub(crate) fn notice(&self, tr: &Tr) -> String {
        let copy = tr.t(T::ScenarioCopyLink);
        tr.f(T::WidgetNotSaved, &[("why", &self.why(tr)), ("copy", copy)])
    }

    /// Why, in `tr`'s language ("this browser's storage for this site is
    /// full").
    pub(crate) fn why(&self, tr: &Tr) -> String {
        match self {
            NotSaved::Full => tr.t(T::WidgetStorageFull).to_string(),
            NotSaved::Blocked => tr.t(T::WidgetStorageBlocked).to_string(),
            NotSaved::Refused(name) => tr.f(T::WidgetStorageRefused, &[("error", name)]),
        }
    }
}

/// Keeps a challenge's draft or a chapter's edited example, or says why
/// the browser would not: a full storage refuses the write, and a chapter
/// tells the reader (a challenge's draft then lasts as long as the tab).
pub fn write_draft(key: &str, text: &str) -> Result<(), NotSaved> {
    let storage = local().ok_or(NotSaved::Blocked)?;
    storage.set_item(key, text).map_err(|e| {
        let name = js_sys::Reflect::get(&e, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "Error".into());
        match name.as_str() {
            // Firefox before 2020 named it so.
            "QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED" => NotSaved::Full,
            "SecurityError" => NotSaved::Blocked,
            _ => NotSaved::Refused(name),
        }
    })
}

/// Forgets a draft (a chapter's example back as the chapter wrote it).
pub fn remove_draft(key: &str) {
    if let Some(s) = local() {
        let _ = s.remove_item(key);
    }
}

pub enum StoreAction {
    Visit(String),
    Answer {
        lesson: String,
        prediction: u8,
        os: Os,
        choice: String,
    },
    /// Prediction `.1` of lesson `.0` tried again: its answers forgotten.
    Forget(String, u8),
    /// Challenge `k` of `of` in the lesson was met.
    Solved {
        lesson: String,
        k: u8,
        of: u8,
    },
    Shown {
        lesson: String,
        k: u8,
    },
    Import(Progress),
    StartOver,
    Dismiss,
    /// Another tab wrote the progress: read it again.
    Sync,
    /// Read storage (once, after the first render).
    Load,
}

impl Reducible for Store {
    type Action = StoreAction;

    fn reduce(self: Rc<Self>, action: StoreAction) -> Rc<Self> {
        // Nothing is written before storage was read: an action that comes
        // first (a lesson's visit, from a child's effect) reads it now.
        let mut s = if self.loaded() {
            (*self).clone()
        } else {
            Store::load(self.texts.clone())
        };
        if matches!(action, StoreAction::Load) {
            return Rc::new(s);
        }
        if matches!(action, StoreAction::Sync) {
            if s.saving == Saving::Yes {
                if let Some(p) = Store::stored() {
                    s.progress = p;
                }
            }
            return Rc::new(s);
        }
        // Another tab may have written since this one last read: start from
        // what storage holds now, plus anything only this tab has, so a
        // write never drops another tab's work. Start over replaces the
        // record on purpose (an import merges too, below).
        let replaces = matches!(action, StoreAction::StartOver);
        if s.saving == Saving::Yes && !replaces {
            if let Some(stored) = Store::stored() {
                let mine = std::mem::replace(&mut s.progress, stored);
                s.progress.merge(&mine);
            }
        }
        match action {
            StoreAction::Visit(id) => s.progress.last = Some(id),
            StoreAction::Answer {
                lesson,
                prediction,
                os,
                choice,
            } => {
                s.progress
                    .lesson_mut(&lesson)
                    .answers
                    .insert((prediction, os), choice);
            }
            StoreAction::Forget(lesson, k) => s.progress.lesson_mut(&lesson).forget_prediction(k),
            StoreAction::Solved { lesson, k, of } => {
                let l: &mut LessonProgress = s.progress.lesson_mut(&lesson);
                l.solved |= 1 << k;
                let all = if of >= 8 { u8::MAX } else { (1u8 << of) - 1 };
                l.done = l.solved & all == all;
            }
            StoreAction::Shown { lesson, k } => s.progress.lesson_mut(&lesson).shown |= 1 << k,
            // A code adds to this browser's progress, never takes from it
            // (found by a reader on 2026-12-05: importing an older code
            // silently threw chapters away); Start over empties it first.
            StoreAction::Import(p) => {
                s.progress.merge(&p);
                s.notice = None;
            }
            StoreAction::StartOver => s.progress = Progress::default(),
            StoreAction::Dismiss => s.notice = None,
            StoreAction::Sync | StoreAction::Load => {}
        }
        if s.progress != self.progress {
            s.save();
        }
        Rc::new(s)
    }
}
