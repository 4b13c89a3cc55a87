//! The reader's progress: how far, export and import as a code, start over.

use bindlab_course::progress::{CodeError, Progress};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::confirm::ConfirmButton;
use crate::browser::dom::window;
use crate::i18n::{use_tr, Tr, T};
use crate::nav::use_store;
use crate::route::{lesson_ids, CONTENTS};
use crate::store::{Saving, StoreAction};

/// Why a code was refused, in `tr`'s language.
pub(crate) fn code_error<'a>(tr: &'a Tr, e: &CodeError) -> &'a str {
    tr.t(match e {
        CodeError::NotACode => T::CourseCodeNotACode,
        CodeError::Damaged => T::CourseCodeDamaged,
        CodeError::FromANewerCourse => T::CourseCodeNewer,
    })
}

/// "Progress imported: 1 chapter done." (the plural by `n`).
fn imported(tr: &Tr, n: usize) -> String {
    let k = if n == 1 {
        T::CourseImportedOne
    } else {
        T::CourseImportedOther
    };
    tr.f(k, &[("n", &n.to_string())])
}

/// "N of M chapters done", export as a code, import a code, start over.
#[function_component(ProgressPanel)]
pub(crate) fn progress_panel() -> Html {
    let store = use_store();
    let tr = use_tr();
    let ids = lesson_ids();
    // Whether the code is shown; the code itself is the progress now, so an
    // import or a start over cannot leave a stale one on screen.
    let shown = use_state(|| false);
    let code = shown.then(|| store.progress.encode(&ids));
    let message = use_state(|| None::<(bool, String)>);
    let input = use_node_ref();
    let show = {
        let shown = shown.clone();
        Callback::from(move |_| shown.set(true))
    };
    let copy = {
        let (code, message, tr) = (code.clone(), message.clone(), tr.clone());
        Callback::from(move |_| {
            if let (Some(c), Some(w)) = (code.clone(), window()) {
                let _ = w.navigator().clipboard().write_text(&c);
                message.set(Some((false, tr.t(T::CourseCodeCopied).into())));
            }
        })
    };
    let import = {
        let (store, message, input, ids, tr) = (
            store.clone(),
            message.clone(),
            input.clone(),
            ids.clone(),
            tr.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(el) = input.cast::<HtmlInputElement>() else {
                return;
            };
            match Progress::decode(&el.value(), &ids) {
                Ok(p) => {
                    let mut merged = store.progress.clone();
                    merged.merge(&p);
                    let n = merged.done_count();
                    store.dispatch(StoreAction::Import(p));
                    el.set_value("");
                    message.set(Some((false, imported(&tr, n))));
                }
                Err(err) => message.set(Some((
                    true,
                    tr.f(T::CourseImportFailed, &[("error", code_error(&tr, &err))]),
                ))),
            }
        })
    };
    let start_over = {
        let (store, message, tr) = (store.clone(), message.clone(), tr.clone());
        Callback::from(move |_| {
            store.dispatch(StoreAction::StartOver);
            message.set(Some((false, tr.t(T::CourseProgressCleared).into())));
        })
    };
    let done = store.progress.done_count();
    // Until storage is read (the prerendered page, and the browser's first
    // render) the panel claims nothing: no count, no word about storage, and
    // its buttons are inactive.
    let status = match store.saving {
        Saving::Unknown => {
            html! { <p class="progress-status">{ tr.t(T::CourseProgressReading) }</p> }
        }
        saving => {
            let count = tr.f(
                T::CourseChaptersDone,
                &[
                    ("n", &done.to_string()),
                    ("of", &CONTENTS.len().to_string()),
                ],
            );
            // A space after "done.", none after a full-width "。".
            let gap = if count.ends_with(|c: char| c.is_ascii()) {
                " "
            } else {
                ""
            };
            let kept = tr.t(if saving == Saving::Yes {
                T::CourseSavedHere
            } else {
                T::CourseNotSaved
            });
            html! { <p class="progress-status">{ format!("{count}{gap}{kept}") }</p> }
        }
    };
    let idle = !store.loaded();
    html! {
        <section class="pane progress-panel" aria-labelledby="h-progress">
            <h2 id="h-progress">{ tr.t(T::CourseYourProgress) }</h2>
            { status }
            <div class="row">
                <button type="button" onclick={show} disabled={idle}>{ tr.t(T::CourseExport) }</button>
                if code.is_some() {
                    <label class="code-out">{ tr.t(T::CourseYourCode) }{" "}<input type="text" readonly=true value={code.clone().unwrap_or_default()} size="40" /></label>
                    <button type="button" class="quiet" onclick={copy}>{ tr.t(T::CourseCopy) }</button>
                }
            </div>
            <form class="row" onsubmit={import}>
                <label for="import-code">{ tr.t(T::CourseImportLabel) }</label>
                <input id="import-code" ref={input} type="text" placeholder="BL1-…" size="30" autocomplete="off" spellcheck="false" disabled={idle} />
                <button type="submit" disabled={idle}>{ tr.t(T::CourseImport) }</button>
            </form>
            <ConfirmButton disabled={idle} label={tr.t(T::CourseStartOver).to_string()} question={tr.t(T::CourseStartOverQuestion).to_string()}
                yes={tr.t(T::CourseStartOverYes).to_string()} no={tr.t(T::CourseStartOverNo).to_string()} on_yes={start_over} />
            <p class={classes!("message", message.as_ref().is_some_and(|m| m.0).then_some("error"))} role="status">
                { message.as_ref().map(|m| m.1.clone()).unwrap_or_default() }
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_messages_come_from_the_catalogue() {
        let tr = Tr::english();
        assert_eq!(imported(&tr, 1), "Progress imported: 1 chapter done.");
        assert_eq!(imported(&tr, 3), "Progress imported: 3 chapters done.");
        // The same sentences the course crate's errors say in English.
        for e in [
            CodeError::NotACode,
            CodeError::Damaged,
            CodeError::FromANewerCourse,
        ] {
            assert_eq!(code_error(&tr, &e), e.to_string());
        }
    }
}
