//! The sandbox page: the editor and its controls, the stepper, the OS
//! table and the host view, with the address bar kept a permalink of what
//! is on screen.

use bindlab_engine::Os;
use yew::prelude::*;

use super::controls::Controls;
use crate::browser::dom::{location_hash, page_address, replace_fragment, set_title};
use crate::hooks::{use_sandbox, use_window_event};
use crate::state::{Action, Sandbox};
use crate::views::{CodePanel, Editor, HostView, OsPicker, OsTable, Stepper};

/// The scenario a first visit opens with (content, not code).
const EXAMPLE: &str = include_str!("../../../../content/sandbox-example.bindlab");

/// Reads the page's fragment: a permalink, nothing, or a damaged link.
fn initial_state() -> Sandbox {
    let hash = location_hash();
    if hash.len() <= 1 {
        return Sandbox::new(EXAMPLE.to_string());
    }
    Sandbox::from_permalink(&hash).unwrap_or_else(|e| {
        Sandbox::new(String::new()).failed(format!("{e} The sandbox below is empty."))
    })
}

#[function_component(SandboxPage)]
pub(crate) fn sandbox_page() -> Html {
    let sb = use_sandbox(initial_state);
    let state = &sb.state;

    // The tab's title (a course page may have changed it).
    use_effect_with((), |_| {
        set_title("bindlab sandbox — what bind() does on Linux, FreeBSD, macOS and Windows")
    });
    // Keep the address bar a permalink of what is on screen.
    {
        let link = state.permalink();
        let has_error = state.notice.as_ref().is_some_and(|n| n.error);
        use_effect_with((link, has_error), |(link, has_error)| {
            // A damaged link stays in the address bar until the reader acts.
            if !*has_error || !link.text.is_empty() {
                crate::nav::remember_sandbox(&link.encode());
                replace_fragment(&link.encode());
            }
        });
    }
    // A link pasted into the address bar of an open page.
    {
        let d = state.dispatcher();
        use_window_event("hashchange", (), move |_| {
            let hash = location_hash();
            if hash.starts_with("#/") {
                return; // a course page: the root switches to it
            }
            match Sandbox::from_permalink(&hash) {
                Ok(s) => d.dispatch(Action::Load(s)),
                Err(e) => d.dispatch(Action::Notice(Some(crate::state::Notice {
                    text: e,
                    error: true,
                }))),
            }
        });
    }
    let diagram_os = use_state(|| None::<Os>);
    let on_diagram_os = use_callback(diagram_os.setter(), |os: Os, set| set.set(Some(os)));

    let derived = &sb.derived;
    let on_copy = sb.on_copy(
        format!("{}#{}", page_address(), state.permalink().encode()),
        "Link copied. It opens this scenario, these OSes and this step.",
    );
    let shown_os = diagram_os
        .filter(|o| state.oses.contains(o))
        .unwrap_or_else(|| derived.default_os(&state.oses));
    let title = derived.parsed.as_ref().ok().and_then(|s| s.title.clone());
    html! {
        <>
        <header class="top">
            <crate::nav::SiteNav current={crate::route::Route::Sandbox} />
            <h1><span class="brand">{"bindlab"}</span>{" sandbox"}</h1>
            <p class="tagline">{"What bind(), listen() and connect() do on Linux, FreeBSD, macOS and Windows — and why. "}
                <a href={crate::route::Route::Contents.href()}>{ format!("New to this? The course explains it in {} chapters →", crate::route::CONTENTS.len()) }</a>
                {" "}<a class="got-error" href={crate::route::Route::Guides(None).href()}>{ format!("Got an error? {} guides start from the message →", crate::route::GUIDES.len()) }</a></p>
        </header>
        <main id="main">
            if let Some(n) = &state.notice {
                <div class={classes!("notice", n.error.then_some("error"))} role={if n.error { "alert" } else { "status" }}>
                    <p>{ &n.text }</p>
                    <button type="button" class="quiet" onclick={sb.on_dismiss()}>{"Dismiss"}</button>
                </div>
            }
            if let Some(t) = &title {
                <h2 class="scenario-title">{ t }</h2>
            }
            <div class="layout">
                <section class="pane editor-pane" aria-labelledby="h-scenario">
                    <h2 id="h-scenario">{"Scenario"}</h2>
                    <Editor text={state.text.clone()} problems={derived.parsed.as_ref().err().cloned().unwrap_or_default()} on_change={sb.on_text.clone()} />
                    <Controls scenario={derived.parsed.as_ref().ok().cloned()} on_line={sb.on_line.clone()} />
                </section>
                <section class="pane run-pane" aria-labelledby="h-run">
                    <h2 id="h-run">{"Run it"}</h2>
                    <Stepper step={sb.step} total={sb.total} on_goto={sb.on_goto.clone()} on_copy={on_copy} on_export={sb.on_export(None)} />
                    <OsPicker oses={state.oses.clone()} on_toggle={sb.on_toggle.clone()} />
                    <crate::views::StaticRun text={AttrValue::from(state.text.clone())} />
                    if derived.parsed.is_ok() {
                        <OsTable derived={derived.clone()} step={sb.step} on_goto={sb.on_goto.clone()} />
                    } else {
                        <p class="muted">{"Fix the problems in the scenario to see the outcomes."}</p>
                    }
                </section>
            </div>
            if derived.parsed.is_ok() {
                <HostView derived={derived.clone()} os={shown_os} oses={state.oses.clone()} step={sb.step} on_os={on_diagram_os} />
                <CodePanel derived={derived.clone()} id="sandbox" />
            }
        </main>
        <footer class="bottom"><p>{"Linux outcomes are checked against the real kernel; FreeBSD, macOS and Windows follow their published sources. Every verdict names its rule."}</p></footer>
        </>
    }
}
