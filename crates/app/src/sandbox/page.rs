//! The sandbox page: the editor and its controls, the stepper, the OS
//! table and the host view, with the address bar kept a permalink of what
//! is on screen.

use bindlab_engine::permalink::Permalink;
use bindlab_engine::Os;
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::controls::Controls;
use super::examples::ExamplesMenu;
use super::step_bar::StepBar;
use crate::browser::dom::{location_hash, page_address, replace_fragment, set_title};
use crate::hooks::{is_long, use_sandbox, use_window_event, SETTLE_MS};
use crate::i18n::{use_tr, Tr, T};
use crate::state::{Action, NoticeAt, Sandbox};
use crate::views::{CodePanel, Editor, HostView, NoticeView, OsPicker, OsTable, Stepper};

/// The scenario a first visit opens with (content, not code).
const EXAMPLE: &str = include_str!("../../../../content/sandbox-example.bindlab");

/// Reads the page's fragment: a permalink, nothing, or a damaged link.
fn initial_state(tr: &Tr) -> Sandbox {
    let hash = location_hash();
    if hash.len() <= 1 || crate::browser::dom::names_an_element(&hash) {
        // In the page's language: the title and comments translated (bundle text).
        return Sandbox::new(tr.text("sandbox.example", EXAMPLE).to_string());
    }
    Sandbox::from_permalink(tr, &hash).unwrap_or_else(|e| {
        Sandbox::damaged(&hash, tr.f(T::SandboxLinkFailedEmpty, &[("error", &e)]))
    })
}

#[function_component(SandboxPage)]
pub(crate) fn sandbox_page() -> Html {
    let tr = use_tr();
    let sb = use_sandbox({
        let tr = tr.clone();
        move || initial_state(&tr)
    });
    let state = &sb.state;

    // The tab's title (a course page may have changed it).
    {
        let title = tr.t(T::PageSandboxTitle).to_string();
        use_effect_with(title, |title| set_title(title));
    }
    // Keep the address bar a permalink of what is on screen.
    {
        let link = state.permalink();
        let has_error = state.notice.as_ref().is_some_and(|n| n.error);
        // The address not written yet: leaving the page before its task
        // runs (a long scenario's pause, or a click on another page's link
        // right after a step: the browser serves input before timers)
        // still leaves the tab's memory of it (the Sandbox link's), though
        // not the address bar, which is then another page's.
        let pending = use_mut_ref(|| None::<Permalink>);
        let flush = {
            let pending = pending.clone();
            move || {
                if let Some(link) = pending.borrow_mut().take() {
                    crate::nav::remember_sandbox(&link.encode());
                }
            }
        };
        {
            let flush = flush.clone();
            use_effect_with((), move |_| flush);
        }
        // Another page's link is a new document: the app is not unmounted,
        // and the browser may commit the navigation before the task below
        // runs (a CI run under load did).
        use_window_event("pagehide", (), move |_| flush());
        use_effect_with((link, has_error), move |(link, has_error)| {
            pending.borrow_mut().take();
            // A damaged link stays in the address bar until the reader acts.
            let write = (!*has_error || !link.text.is_empty()).then(|| {
                // The address bar and the tab's memory of it in a task of
                // their own, after the render: the browser's cost of a new
                // address grows with the page (some milliseconds for a long
                // scenario's table), and a step's rows should not wait for
                // it; nor should the page's first render wait for its first
                // storage access. A newer state cancels it: a run of quick
                // steps writes the address once.
                // A long scenario's address (~60 ms to encode, set and
                // store for 5,000 lines) waits for a pause in the stepping,
                // as its parse waits for a pause in the typing, and is
                // encoded only then (or when the page is left).
                let long = is_long(&link.text);
                let link = link.clone();
                let pending = pending.clone();
                *pending.borrow_mut() = Some(link.clone());
                Timeout::new(if long { SETTLE_MS } else { 0 }, move || {
                    let fragment = pending.borrow_mut().take().unwrap_or(link).encode();
                    crate::nav::remember_sandbox(&fragment);
                    // A page opened at its link has that address already.
                    if location_hash().strip_prefix('#') != Some(fragment.as_str()) {
                        replace_fragment(&fragment);
                    }
                })
            });
            move || drop(write)
        });
    }
    // The example just chosen from the menu, as its permalink: its
    // navigation is the next `hashchange`, which says so.
    let picked = use_mut_ref(|| None::<String>);
    let on_pick = {
        let picked = picked.clone();
        Callback::from(move |link: String| *picked.borrow_mut() = Some(link))
    };
    // A link pasted into the address bar of an open page, an example
    // chosen, the browser's Back or Forward.
    {
        let (d, tr) = (state.dispatcher(), tr.clone());
        use_window_event("hashchange", tr.clone(), move |_| {
            let hash = location_hash();
            if hash.starts_with("#/") {
                return; // a course page: the root switches to it
            }
            if crate::browser::dom::names_an_element(&hash) {
                return; // an anchor of the page: the browser scrolls to it
            }
            let example = picked
                .borrow_mut()
                .take()
                .is_some_and(|link| hash.strip_prefix('#') == Some(link.as_str()));
            match Sandbox::from_permalink(&tr, &hash) {
                Ok(s) => {
                    d.dispatch(Action::Load(s));
                    // What was said about the page before (a damaged link)
                    // is stale. The reader's own scenario is gone from the
                    // editor: say where it is (the history holds it, as the
                    // page writes each edit into the address).
                    let text = tr.t(if example {
                        T::SandboxOpenedExample
                    } else {
                        T::SandboxOpenedFromAddress
                    });
                    d.dispatch(Action::Notice(Some(crate::state::Notice {
                        text: text.to_string(),
                        error: false,
                        at: NoticeAt::Top,
                    })));
                }
                Err(e) => d.dispatch(Action::Notice(Some(crate::state::Notice {
                    text: e,
                    error: true,
                    at: NoticeAt::Top,
                }))),
            }
        });
    }
    // The keyboard: Escape closes the notice, as its Dismiss button does;
    // the stepper's shortcuts, with modifiers only as the course's are:
    // Alt+Shift+→/← one step forward/back, Alt+Shift+↓ run all, Alt+Shift+↑
    // back to the start, never while typing. (One listener: each costs the
    // first load its own copy of the effect's code.)
    {
        let (d, shown) = (state.dispatcher(), state.notice.is_some());
        // The step the page shows, written at each render: the listener is
        // set up again by an effect, which Yew may run after the browser
        // has handled a key (it yields after 16 ms of work), so a step
        // captured in the listener could be one render old.
        let at = use_mut_ref(|| (0, 0));
        *at.borrow_mut() = (sb.step, sb.total);
        let goto = sb.on_goto.clone();
        use_window_event("keydown", shown, move |e| {
            if shown && crate::browser::dom::unclaimed_escape(e) {
                d.dispatch(Action::Notice(None));
                return;
            }
            let (step, total) = *at.borrow();
            let Some(to) = e
                .dyn_ref::<web_sys::KeyboardEvent>()
                .and_then(|k| crate::browser::dom::shortcut_step(k, step, total))
            else {
                return;
            };
            e.prevent_default();
            if to != step {
                goto.emit(to);
            }
        });
    }
    let diagram_os = use_state(|| None::<Os>);
    let on_diagram_os = use_callback(diagram_os.setter(), |os: Os, set| set.set(Some(os)));

    let derived = &sb.derived;
    let on_copy = {
        let link = state.permalink();
        sb.on_copy(
            move || format!("{}#{}", page_address(), link.encode()),
            tr.t(T::SandboxLinkCopied).to_string(),
        )
    };
    let shown_os = diagram_os
        .filter(|o| state.oses.contains(o))
        .unwrap_or_else(|| derived.default_os(&state.oses));
    let title = derived.title();
    html! {
        <>
        <header class="top">
            <crate::nav::SiteNav current={crate::route::Route::Sandbox} />
            <h1><span class="brand">{"bindlab"}</span>{" "}{ tr.t(T::SandboxHeading) }</h1>
            <p class="tagline">{ tr.t(T::SandboxTagline) }</p>
            // The three ways in, each its own item: run together on one line
            // they read as one sentence ("… 12 chapters → Got an error? …").
            <ul class="ways-in">
                <li><a href={tr.href(&crate::route::Route::Contents)}>{ tr.f(T::SandboxToCourse, &[("n", &crate::route::CONTENTS.len().to_string())]) }</a></li>
                <li><a class="got-error" href={tr.href(&crate::route::Route::Guides(None))}>{ tr.f(T::SandboxToGuides, &[("n", &crate::route::GUIDES.len().to_string())]) }</a></li>
                <li><a href={tr.href(&crate::route::Route::Paste)}>{ tr.t(T::SandboxToPaste) }</a></li>
            </ul>
        </header>
        <main id="main" onkeydown={crate::browser::dom::escape_closes_disclosure}>
            if let Some(n) = state.notice.as_ref().filter(|n| n.at == NoticeAt::Top) {
                <NoticeView notice={n.clone()} on_dismiss={sb.on_dismiss()} />
            }
            if let Some(t) = &title {
                <h2 class="scenario-title">{ t }</h2>
            }
            <div class="layout">
                <section class="pane editor-pane" aria-labelledby="h-scenario">
                    <div class="pane-head">
                        <h2 id="h-scenario">{ tr.t(T::SandboxScenario) }</h2>
                        <ExamplesMenu {on_pick} />
                    </div>
                    <Editor text={state.text.clone()} problems={derived.parsed.as_ref().err().cloned().unwrap_or_default()} on_change={sb.on_text.clone()} on_whole={sb.on_whole.clone()} />
                    // An empty editor (a damaged link, or all of it deleted)
                    // is one click from the example.
                    if state.text.trim().is_empty() {
                        <p class="load-example"><button type="button" onclick={
                            let (on_text, text) = (sb.on_text.clone(), tr.text("sandbox.example", EXAMPLE).to_string());
                            Callback::from(move |_: MouseEvent| on_text.emit(text.clone()))
                        }>{ tr.t(T::SandboxLoadExample) }</button></p>
                    }
                </section>
                <section id="run" class="pane run-pane" aria-labelledby="h-run">
                    <h2 id="h-run">{ tr.t(T::SandboxRunIt) }</h2>
                    <Stepper step={sb.step} total={sb.total} on_goto={sb.on_goto.clone()} on_copy={on_copy} on_export={sb.on_export(None)} keys=true />
                    if let Some(n) = state.notice.as_ref().filter(|n| n.at == NoticeAt::Stepper) {
                        <NoticeView notice={n.clone()} on_dismiss={sb.on_dismiss()} />
                    }
                    <OsPicker oses={state.oses.clone()} on_toggle={sb.on_toggle.clone()} />
                    <crate::views::StaticRun text={AttrValue::from(state.text.clone())} />
                    if derived.parsed.is_ok() {
                        <OsTable derived={derived.clone()} step={sb.step} on_goto={sb.on_goto.clone()} />
                    } else {
                        <p class="muted">{ tr.t(T::SandboxFixToSeeOutcomes) }</p>
                    }
                </section>
                // Right after the run in the text: on a phone what the step
                // did and why (the host's announcement) comes under its
                // outcomes, not a screen further down past the buttons; a
                // wide screen puts it under both columns (the grid's areas).
                if derived.parsed.is_ok() {
                    <HostView derived={derived.clone()} os={shown_os} oses={state.oses.clone()} step={sb.step} on_os={on_diagram_os} />
                }
                // After the run and the host in the text: on a phone the moves
                // come right under the editor, the buttons that write lines
                // after what they did; a wide screen puts them under the editor.
                <section class="pane controls-pane" aria-labelledby="h-controls">
                    <h2 id="h-controls">{ tr.t(T::SandboxAddStep) }</h2>
                    <Controls derived={derived.clone()} on_line={sb.on_line.clone()} />
                </section>
            </div>
            // Outside the panes, whose containment would hold a fixed box.
            <StepBar step={sb.step} total={sb.total} on_goto={sb.on_goto.clone()} watch={derived.parsed.is_ok()} />
            if derived.parsed.is_ok() {
                <CodePanel derived={derived.clone()} id="sandbox" generators={sb.generators.clone()} />
            }
        </main>
        <footer class="bottom"><p><span class="shortcuts">{ tr.t(T::SandboxFooterKeys) }</span>{" "}{ tr.t(T::SandboxFooter) }</p></footer>
        </>
    }
}
