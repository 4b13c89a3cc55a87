//! A live scenario: stepper, OS table, diagram and an editor behind a
//! disclosure. The same component is a `<bind-lab>` widget (with a host
//! element to send events from) and a lesson's scenario (without one).

use std::cell::RefCell;
use std::rc::Rc;

use bindlab_engine::PROBLEMS_SHOWN;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use crate::browser::dom;
use crate::hooks::use_sandbox;
use crate::i18n::T;
use crate::state::{problem_message, Action, Notice, NoticeAt, Sandbox};
use crate::views::{CodePanel, Editor, HostView, OsTable, Said, Stepper};

/// What the host page (or a lesson) asks of a lab.
pub(crate) enum Command {
    Load(String),
    Step,
    Reset,
    /// Run exactly this many steps (a lesson's "run to this step").
    GoTo(usize),
}

pub(crate) type Mailbox = Rc<RefCell<Option<Callback<Command>>>>;

#[derive(Properties, Clone)]
pub(crate) struct LabProps {
    pub(crate) initial: Sandbox,
    pub(crate) readonly: bool,
    pub(crate) compact: bool,
    /// The English sandbox of the bindlab site "Open in bindlab" links to
    /// (`sandbox_in` picks the page in the lab's language).
    pub(crate) site: String,
    /// The `<bind-lab>` element, for events; `None` inside the site.
    pub(crate) host: Option<web_sys::HtmlElement>,
    pub(crate) mailbox: Mailbox,
    /// Makes the editor's element ids unique on a page with several labs.
    pub(crate) id: AttrValue,
    /// The visible title, instead of the scenario's own (an iframe's `title=`).
    pub(crate) heading: Option<AttrValue>,
    /// A word above the stepper (a lesson: running on answers a prediction).
    pub(crate) note: Option<AttrValue>,
    /// A chapter's example: the storage key the reader's edits are kept
    /// under (as a challenge keeps its draft), with a way back to the
    /// chapter's text.
    #[prop_or_default]
    pub(crate) keep: Option<AttrValue>,
    /// A widget's place among the page's `<bind-lab>` elements (from 1):
    /// an untitled widget is named "bindlab example N", so that two of them
    /// are two landmarks a screen reader tells apart.
    #[prop_or_default]
    pub(crate) number: Option<u32>,
}

impl PartialEq for LabProps {
    fn eq(&self, o: &Self) -> bool {
        self.initial == o.initial
            && self.readonly == o.readonly
            && self.compact == o.compact
            && self.site == o.site
            && self.id == o.id
            && self.heading == o.heading
            && self.note == o.note
            && self.keep == o.keep
            && self.number == o.number
            && Rc::ptr_eq(&self.mailbox, &o.mailbox)
    }
}

#[function_component(Lab)]
pub(crate) fn lab(p: &LabProps) -> Html {
    let sb = use_sandbox({
        let initial = p.initial.clone();
        move || initial
    });
    let (state, derived, step, total) = (&sb.state, &sb.derived, sb.step, sb.total);

    // A chapter's example as the chapter wrote it; the reader's version set
    // aside (by "Back to the chapter's example" or a prediction's "run to
    // line N"), for a way back to it during this visit.
    let original = p.initial.text.clone();
    let edited = p.keep.is_some() && state.text != original;
    let aside = use_state(|| None::<String>);

    // The host page's commands arrive here.
    {
        let (mailbox, d, set_aside) = (p.mailbox.clone(), state.dispatcher(), aside.clone());
        // While the reader's version is shown, what a lesson's GoTo sets aside.
        let mine = edited.then(|| (state.text.clone(), original.clone()));
        use_effect_with((total, mine), move |(total, mine)| {
            let (d2, total, mine) = (d.clone(), *total, mine.clone());
            *mailbox.borrow_mut() = Some(Callback::from(move |c: Command| match c {
                Command::Load(text) => {
                    d2.dispatch(Action::SetText(text));
                    d2.dispatch(Action::GoTo(0));
                }
                Command::Step => d2.dispatch(Action::Step(total)),
                Command::Reset => d2.dispatch(Action::GoTo(0)),
                // A lesson's "run to line N" counts the chapter's steps: its
                // example comes back first, the reader's version set aside.
                Command::GoTo(n) => match &mine {
                    Some((text, original)) => {
                        set_aside.set(Some(text.clone()));
                        d2.dispatch(Action::SetText(original.clone()));
                        d2.dispatch(Action::GoTo(n));
                    }
                    None => d2.dispatch(Action::GoTo(n.min(total))),
                },
            }));
        });
    }
    // Events for the host page.
    {
        let host = p.host.clone();
        use_effect_with((), move |_| {
            dom::emit(&host, "bindlab-ready", &JsValue::UNDEFINED)
        });
    }
    {
        let host = p.host.clone();
        use_effect_with((step, total), move |(step, total)| {
            dom::emit(
                &host,
                "bindlab-step",
                &dom::detail(&[
                    ("step", JsValue::from(*step as u32)),
                    ("total", JsValue::from(*total as u32)),
                ]),
            );
        });
    }
    {
        let host = p.host.clone();
        let problems: Vec<String> = derived
            .parsed
            .as_ref()
            .err()
            .map(|ps| ps.iter().map(|x| x.to_string()).collect())
            .unwrap_or_default();
        use_effect_with(problems, move |problems| {
            if !problems.is_empty() {
                let arr = js_sys::Array::new();
                for x in problems {
                    arr.push(&JsValue::from_str(x));
                }
                dom::emit(
                    &host,
                    "bindlab-error",
                    &dom::detail(&[("problems", arr.into())]),
                );
            }
        });
    }

    // A chapter's example: the reader's version comes back once the page
    // is live (the prerendered page shows the chapter's), and is kept as
    // it changes; the chapter's own text is kept as nothing.
    {
        let (keep, d, original) = (p.keep.clone(), state.dispatcher(), original.clone());
        use_effect_with((), move |_| {
            let saved = keep.as_deref().and_then(crate::store::read_draft);
            if let Some(saved) = saved.filter(|t| *t != original) {
                d.dispatch(Action::SetText(saved));
            }
        });
    }
    // The notice saying the reader's version could not be stored (a full
    // storage): shown while the last write failed; the edit stays here.
    let unsaved = use_state(|| None::<String>);
    {
        let (keep, original, aside) = (p.keep.clone(), original.clone(), aside.clone());
        let (d, unsaved, tr) = (state.dispatcher(), unsaved.clone(), sb.tr.clone());
        let shown = state.notice.as_ref().map(|n| n.text.clone());
        let first = use_mut_ref(|| true);
        use_effect_with(state.text.clone(), move |text| {
            // Not on the first render: the saved version is still coming.
            if std::mem::replace(&mut *first.borrow_mut(), false) {
                return;
            }
            let Some(key) = keep.as_deref() else { return };
            let saved = if *text == original {
                // A version set aside by a prediction's run stays kept
                // (the bar offers it back; a reload brings it back).
                aside.is_none().then(|| {
                    crate::store::remove_draft(key);
                    Ok(())
                })
            } else {
                // An edit of its own: the version set aside is gone.
                if aside.is_some() {
                    aside.set(None);
                }
                Some(crate::store::write_draft(key, text).map_err(|why| why.notice(&tr)))
            };
            match saved {
                // Said again after another notice (a copied link) took its place.
                Some(Err(text)) => {
                    if shown.as_ref() != Some(&text) {
                        // At the lab's top, as an error: it is about the
                        // text, not what a button beside the stepper did.
                        let (error, at) = (true, NoticeAt::Top);
                        let n = Notice {
                            text: text.clone(),
                            error,
                            at,
                        };
                        d.dispatch(Action::Notice(Some(n)));
                    }
                    if unsaved.as_ref() != Some(&text) {
                        unsaved.set(Some(text));
                    }
                }
                Some(Ok(())) if unsaved.is_some() => {
                    if shown == *unsaved {
                        d.dispatch(Action::Notice(None));
                    }
                    unsaved.set(None);
                }
                _ => {}
            }
        });
    }
    // The reader's choice: the chapter's example, for good once they leave
    // (their version is offered back until then).
    let back = {
        let (d, original, aside, text, keep) = (
            state.dispatcher(),
            original.clone(),
            aside.clone(),
            state.text.clone(),
            p.keep.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            if let Some(key) = keep.as_deref() {
                crate::store::remove_draft(key);
            }
            aside.set(Some(text.clone()));
            d.dispatch(Action::SetText(original.clone()));
            d.dispatch(Action::GoTo(0));
        })
    };
    let to_mine = {
        let (d, aside) = (state.dispatcher(), aside.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(mine) = (*aside).clone() {
                d.dispatch(Action::SetText(mine));
                d.dispatch(Action::GoTo(0));
                aside.set(None);
            }
        })
    };

    // "Edit the scenario" opens itself on a problem, and stays as the
    // reader leaves it: it must not shut under their keys once the line
    // they are typing reads again.
    let edit_open = use_state(|| false);
    let on_edit_toggle = {
        let edit_open = edit_open.clone();
        Callback::from(move |e: Event| {
            let open = e
                .target_dyn_into::<web_sys::HtmlDetailsElement>()
                .is_some_and(|d| d.open());
            if open != *edit_open {
                edit_open.set(open);
            }
        })
    };

    // The sandbox in the widget's language: `…/` or `…/zh-CN/`.
    let open_link = format!(
        "{}#{}",
        crate::route::sandbox_in(&p.site, sb.tr.locale()),
        state.permalink().encode()
    );
    let tr = sb.tr.clone();
    let on_copy = {
        let link = open_link.clone();
        sb.on_copy(
            move || crate::browser::dom::absolute(&link),
            tr.t(T::WidgetLinkCopied).to_string(),
        )
    };
    let on_export = sb.on_export(Some(p.site.clone()));
    let said = Some(
        state
            .notice
            .as_ref()
            .filter(|n| n.at == NoticeAt::Stepper)
            .map(|n| Said {
                text: n.text.clone(),
                error: n.error,
            })
            .unwrap_or_default(),
    );
    let title = derived.title();
    // Without a heading or a title: "bindlab", numbered in a widget.
    let untitled = || match p.number {
        Some(n) => tr.f(T::WidgetUntitledNumbered, &[("n", &n.to_string())]),
        None => tr.t(T::WidgetUntitled).to_string(),
    };
    let shown_os = derived.default_os(&state.oses);
    // Names the widget (a region) and, with its own heading, its host view.
    let title_id = format!("{}-title", p.id);
    // The sandbox's stepping shortcuts, for the scenario the focus is in
    // (taken, so a chapter's own Alt+Shift+arrows do not turn the page).
    let onkeydown = {
        let goto = sb.on_goto.clone();
        // Only a scenario that can step takes them (a text that does not
        // parse, or has no step, leaves the page its keys).
        let steps = derived.parsed.is_ok() && total > 0;
        Callback::from(move |e: KeyboardEvent| {
            let to = steps
                .then(|| crate::browser::dom::shortcut_step(&e, step, total))
                .flatten();
            if let Some(to) = to {
                e.prevent_default();
                if to != step {
                    goto.emit(to);
                }
                return;
            }
            crate::browser::dom::escape_closes_disclosure(e);
        })
    };
    html! {
        <section class={classes!("bindlab-widget", p.compact.then_some("compact"))} lang={tr.tag()} aria-labelledby={title_id.clone()} {onkeydown}>
            <div class="widget-head">
                <strong class="widget-title" id={title_id.clone()}>{ p.heading.as_ref().map(|h| h.to_string()).or(title).unwrap_or_else(untitled) }</strong>
                <a class="open" href={open_link} target="_blank" rel="noopener">{ tr.t(T::WidgetOpenInBindlab) }</a>
            </div>
            if edited {
                <p class="lab-edited" role="status">{ tr.t(if unsaved.is_some() { T::WidgetEditedUnsaved } else { T::WidgetEditedKept }) }{" "}
                    <button type="button" class="quiet" onclick={back}>{ tr.t(T::WidgetBackToOriginal) }</button></p>
            } else if aside.is_some() {
                <p class="lab-edited" role="status">{ tr.t(T::WidgetOriginalShown) }{" "}
                    <button type="button" class="quiet" onclick={to_mine}>{ tr.t(T::WidgetBackToYours) }</button></p>
            }
            // A damaged `permalink=` or an edit not saved is said at the top; what the stepper's
            // buttons did, beside them (`said`).
            if let Some(n) = state.notice.as_ref().filter(|n| n.at == NoticeAt::Top) {
                <div class={classes!("notice", n.error.then_some("error"))} role="status"><p>{ crate::views::with_code(&n.text) }</p></div>
            }
            // The problems are listed once: by the editor when there is one
            // (opened, so they show), else here.
            if let (Err(problems), true) = (&derived.parsed, p.readonly) {
                <div class="problems" role="alert">
                    <p class="problems-head">{ tr.f(if problems.len() == 1 { T::WidgetProblemsOne } else { T::WidgetProblemsOther }, &[("n", &problems.len().to_string())]) }</p>
                    <ul>{ for problems.iter().take(PROBLEMS_SHOWN).map(|x| html! { <li>{ crate::views::with_code(&tr.f(T::WidgetProblemAt, &[("line", &x.line.to_string()), ("col", &x.col.to_string()), ("message", &problem_message(&tr, x))])) }</li> }) }</ul>
                    if problems.len() > PROBLEMS_SHOWN {
                        <p class="problems-more">{ tr.f(T::ScenarioProblemsMore, &[("n", &(problems.len() - PROBLEMS_SHOWN).to_string())]) }</p>
                    }
                </div>
            }
            if !p.readonly {
                <details class="widget-edit" open={*edit_open || derived.parsed.is_err()} ontoggle={on_edit_toggle}>
                    <summary>{ tr.t(T::WidgetEdit) }</summary>
                    <Editor id={p.id.clone()} text={state.text.clone()} problems={derived.parsed.as_ref().err().cloned().unwrap_or_default()} on_change={sb.on_text.clone()} on_whole={sb.on_whole.clone()} fold_long={false} />
                </details>
            }
            if let (Some(note), true) = (&p.note, derived.parsed.is_ok()) {
                <p class="lab-note">{ note.clone() }</p>
            }
            if derived.parsed.is_ok() {
                <Stepper step={step} total={total} on_goto={sb.on_goto.clone()} on_copy={on_copy} on_export={on_export} live={p.compact} keys={total > 0} {said} />
                <OsTable derived={derived.clone()} step={step} on_goto={sb.on_goto.clone()} base={p.host.is_some().then(|| AttrValue::from(p.site.clone()))} />
                if !p.compact {
                    <HostView derived={derived.clone()} os={shown_os} oses={state.oses.clone()} step={step} on_os={Callback::noop()} within={AttrValue::from(title_id.clone())} />
                }
                <CodePanel derived={derived.clone()} id={p.id.clone()} base={AttrValue::from(p.site.clone())} generators={sb.generators.clone()} />
            }
        </section>
    }
}
