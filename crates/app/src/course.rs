//! The course's pages: contents, lessons (prose, live scenarios,
//! predictions, challenges, the cheat sheet), glossary and rule catalogue.
//!
//! Lessons are data (`content/lessons/*.md`), fetched one at a time when
//! opened and read by `bindlab-course`; nothing a lesson says is written
//! here. Predictions are answered and challenges checked by the engine, in
//! the page. Progress lives in [`Store`], provided by the root component.

use std::collections::HashMap;
use std::rc::Rc;

use bindlab_course::goal::{self, Verdict};
use bindlab_course::predict::{self, choice_label, outcome_sentence};
use bindlab_course::progress::Progress;
use bindlab_course::{parse_lesson, predict_oses, Block, Challenge, Lesson};
use bindlab_engine::cheatsheet;
use bindlab_engine::permalink::Permalink;
use bindlab_engine::print::step_text;
use bindlab_engine::{parse, print, rules, Os, Scenario};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::{derive, window, Editor, OsTable};
use crate::lab::{Command, Lab, Mailbox};
use crate::markdown;
use crate::nav::{set_title, use_store, SiteNav, NAVIGATED};
use crate::route::{chapter, lesson_ids, Route, CONTENTS, COURSE_INTRO, COURSE_TITLE};
use crate::state::Sandbox;
use crate::store::{read_draft, write_draft, StoreAction};

/// GETs a text file next to the page (lessons, glossary).
async fn fetch_text(url: &str) -> Result<String, String> {
    let js = |e: wasm_bindgen::JsValue| {
        e.as_string()
            .or_else(|| js_sys::JSON::stringify(&e).ok().and_then(|s| s.as_string()))
            .unwrap_or_else(|| "the network request failed".into())
    };
    let w = window().ok_or("no window")?;
    let resp: web_sys::Response = JsFuture::from(w.fetch_with_str(url))
        .await
        .map_err(|_| "the network request failed (are you offline?)".to_string())?
        .dyn_into()
        .map_err(js)?;
    if !resp.ok() {
        return Err(format!("the server answered {} for {url}", resp.status()));
    }
    let text = JsFuture::from(resp.text().map_err(js)?).await.map_err(js)?;
    text.as_string()
        .ok_or_else(|| "the file is not text".into())
}

/// A file fetched for a page: loading, failed (with a reason), or there.
enum Fetched<T> {
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
fn use_fetched<T: 'static>(
    url: String,
    attempt: u32,
    make: fn(String) -> Result<T, String>,
) -> Fetched<T> {
    let state = use_state(|| Fetched::Loading);
    {
        let state = state.clone();
        use_effect_with((url, attempt), move |(url, _)| {
            state.set(Fetched::Loading);
            let url = url.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let got = fetch_text(&url).await.and_then(make);
                state.set(match got {
                    Ok(v) => Fetched::Ready(Rc::new(v)),
                    Err(e) => Fetched::Failed(e),
                });
            });
        });
    }
    (*state).clone()
}

/// Focuses the page's heading when the reader moves to another page, so a
/// screen reader announces it and Tab starts from the top of the new page.
/// (Not on arrival: the browser's own start is right there.)
fn focus_heading() {
    if !NAVIGATED.with(|n| n.get()) {
        return;
    }
    if let Some(h) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("main h1").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = h.focus();
    }
}

fn scroll_to(id: &str) {
    if let Some(el) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        el.scroll_into_view();
    }
}

fn navigate(route: &Route) {
    if let Some(w) = window() {
        let _ = w.location().set_hash(&route.href());
    }
}

// ---- the frame: navigation, shortcuts, notices ---------------------------

#[derive(Properties, PartialEq)]
pub struct CoursePageProps {
    pub route: Route,
}

/// Every course page: navigation, the storage notice, keyboard shortcuts.
#[function_component(CoursePage)]
pub fn course_page(p: &CoursePageProps) -> Html {
    let store = use_store();
    // Shortcuts, with modifiers only: Alt+Shift+→/← next/previous chapter,
    // Alt+Shift+↑ the contents. Never while typing.
    {
        let route = p.route.clone();
        use_effect_with(route, |route| {
            let route = route.clone();
            let cb =
                Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                    if !(e.alt_key() && e.shift_key()) || e.ctrl_key() || e.meta_key() {
                        return;
                    }
                    let typing = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|t| {
                            matches!(t.tag_name().as_str(), "TEXTAREA" | "INPUT" | "SELECT")
                        });
                    if typing {
                        return;
                    }
                    let here = match &route {
                        Route::Lesson(id) => chapter(id).map(|(n, _)| n),
                        _ => None,
                    };
                    let target = match (e.key().as_str(), here) {
                        ("ArrowRight", Some(n)) => CONTENTS.get(n + 1),
                        ("ArrowRight", None) => CONTENTS.first(),
                        ("ArrowLeft", Some(n)) if n > 0 => CONTENTS.get(n - 1),
                        ("ArrowUp", _) => {
                            e.prevent_default();
                            navigate(&Route::Contents);
                            return;
                        }
                        _ => None,
                    };
                    if let Some(c) = target {
                        e.prevent_default();
                        navigate(&Route::Lesson(c.id.into()));
                    }
                });
            let w = window();
            if let Some(w) = &w {
                let _ = w.add_event_listener_with_callback("keydown", cb.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = w {
                    let _ = w.remove_event_listener_with_callback(
                        "keydown",
                        cb.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    let dismiss = {
        let store = store.clone();
        Callback::from(move |_| store.dispatch(StoreAction::Dismiss))
    };
    html! {
        <>
        <header class="top">
            <SiteNav current={p.route.clone()} />
        </header>
        <main id="main" class="course">
            if let Some(n) = &store.notice {
                <div class="notice error" role="alert">
                    <p>{ n }</p>
                    <button type="button" class="quiet" onclick={dismiss}>{"Dismiss"}</button>
                </div>
            }
            { match &p.route {
                Route::Lesson(id) => html! { <LessonPage key={id.clone()} id={id.clone()} /> },
                Route::Glossary(term) => html! { <GlossaryPage term={term.clone()} /> },
                Route::Rules(rule) => html! { <RulesPage rule={rule.clone()} /> },
                _ => html! { <Contents /> },
            } }
        </main>
        <footer class="bottom"><p>{"Keyboard: Alt+Shift+→ next chapter, Alt+Shift+← previous, Alt+Shift+↑ contents. Linux answers are checked against the real kernel; FreeBSD, macOS and Windows follow their published sources."}</p></footer>
        </>
    }
}

// ---- contents and progress -------------------------------------------------

#[function_component(Contents)]
fn contents() -> Html {
    let store = use_store();
    use_effect_with((), |_| {
        set_title("The course — bindlab");
        focus_heading();
    });
    let progress = &store.progress;
    let cont = crate::nav::continue_at(progress);
    let first = &CONTENTS[0];
    html! {
        <article class="contents-page">
            <h1 tabindex="-1">{ COURSE_TITLE }</h1>
            <div class="lede">{ markdown::render(COURSE_INTRO) }</div>
            <p class="start">
                if let Some((n, c)) = cont {
                    <a class="button primary" href={Route::Lesson(c.id.into()).href()}>{ format!("Continue with chapter {}: {}", n + 1, c.title) }</a>
                } else {
                    <a class="button primary" href={Route::Lesson(first.id.into()).href()}>{ format!("Start with chapter 1: {}", first.title) }</a>
                }
            </p>
            <ol class="chapters">
                { for CONTENTS.iter().map(|c| {
                    let l = progress.lessons.get(c.id);
                    let answered = |l: &bindlab_course::progress::LessonProgress| {
                        let mut k: Vec<u8> = l.answers.keys().map(|(k, _)| *k).collect();
                        k.dedup();
                        k.len()
                    };
                    let status = match l {
                        Some(l) if l.done => Some(("done", "done ✓".to_string())),
                        Some(l) => Some(("started", format!("started: {} of {} predictions", answered(l), c.predictions))),
                        None => None,
                    };
                    html! {
                        <li>
                            <a href={Route::Lesson(c.id.into()).href()}>{ c.title }</a>
                            if let Some((class, text)) = status {
                                <span class={classes!("status", class)}>{ format!(" — {text}") }</span>
                            }
                            <p class="summary">{ markdown::inline(c.summary) }</p>
                        </li>
                    }
                }) }
            </ol>
            <ProgressPanel />
        </article>
    }
}

/// "N of M chapters done", export as a code, import a code, start over.
#[function_component(ProgressPanel)]
fn progress_panel() -> Html {
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

// ---- a lesson ----------------------------------------------------------------

/// A lesson as the page uses it: parsed once, scenarios parsed once, and a
/// mailbox per live scenario so a prediction can run it to its step.
struct Loaded {
    lesson: Lesson,
    scenarios: HashMap<String, Rc<Scenario>>,
    mailboxes: HashMap<String, Mailbox>,
}

fn load_lesson(text: String) -> Result<Loaded, String> {
    let lesson = parse_lesson(&text).map_err(|errs| {
        let list: Vec<String> = errs.iter().map(|e| format!("line {e}")).collect();
        format!("the lesson file has problems: {}", list.join("; "))
    })?;
    let mut scenarios = HashMap::new();
    let mut mailboxes = HashMap::new();
    for b in &lesson.blocks {
        if let Block::Scenario { name, text, .. } = b {
            if let Ok(s) = parse(text) {
                scenarios.insert(name.clone(), Rc::new(s));
            }
            mailboxes.insert(name.clone(), Rc::default());
        }
    }
    Ok(Loaded {
        lesson,
        scenarios,
        mailboxes,
    })
}

#[derive(Properties, PartialEq)]
struct LessonPageProps {
    id: String,
}

#[function_component(LessonPage)]
fn lesson_page(p: &LessonPageProps) -> Html {
    let store = use_store();
    let attempt = use_state(|| 0u32);
    let found = chapter(&p.id);
    let url = found
        .map(|(_, c)| format!("content/lessons/{}", c.file))
        .unwrap_or_default();
    let fetched = use_fetched(url, *attempt, load_lesson);
    {
        let (store, known) = (store.clone(), found.is_some());
        use_effect_with(p.id.clone(), move |id| {
            if known && store.progress.last.as_deref() != Some(id) {
                store.dispatch(StoreAction::Visit(id.clone()));
            }
        });
    }
    let ready = matches!(fetched, Fetched::Ready(_));
    use_effect_with((p.id.clone(), ready), move |_| {
        match found {
            Some((n, c)) => set_title(&format!("{}. {} — the bindlab course", n + 1, c.title)),
            None => set_title("No such chapter — bindlab"),
        }
        focus_heading();
    });
    let Some((n, ch)) = found else {
        return html! {
            <article>
                <h1 tabindex="-1">{"No such chapter"}</h1>
                <p>{ format!("There is no chapter called “{}”. ", p.id) }<a href="#/learn">{"See the contents."}</a></p>
            </article>
        };
    };
    let prev = n.checked_sub(1).and_then(|k| CONTENTS.get(k));
    let next = CONTENTS.get(n + 1);
    let pager = html! {
        <nav class="pager" aria-label="Chapters">
            if let Some(c) = prev {
                <a rel="prev" href={Route::Lesson(c.id.into()).href()} aria-keyshortcuts="Alt+Shift+ArrowLeft">{ format!("← {}. {}", n, c.title) }</a>
            } else { <span /> }
            <a href="#/learn" aria-keyshortcuts="Alt+Shift+ArrowUp">{"Contents"}</a>
            if let Some(c) = next {
                <a rel="next" href={Route::Lesson(c.id.into()).href()} aria-keyshortcuts="Alt+Shift+ArrowRight">{ format!("{}. {} →", n + 2, c.title) }</a>
            } else { <span /> }
        </nav>
    };
    let done = store.progress.lessons.get(ch.id).is_some_and(|l| l.done);
    let body = match &fetched {
        Fetched::Loading => html! { <p class="loading" role="status">{"Loading the chapter…"}</p> },
        Fetched::Failed(e) => {
            let retry = {
                let attempt = attempt.clone();
                Callback::from(move |_| attempt.set(*attempt + 1))
            };
            html! {
                <div class="notice error" role="alert">
                    <p>{ format!("The chapter could not be loaded: {e}.") }</p>
                    <button type="button" onclick={retry}>{"Try again"}</button>
                </div>
            }
        }
        Fetched::Ready(l) => html! { <LessonBody loaded={l.clone()} id={ch.id} /> },
    };
    html! {
        <article class="lesson">
            <p class="chapter-no">{ format!("Chapter {} of {}", n + 1, CONTENTS.len()) }
                if done { <span class="status done">{" — done ✓"}</span> }</p>
            <h1 tabindex="-1">{ ch.title }</h1>
            <p class="lede">{ markdown::inline(ch.summary) }</p>
            { body }
            { pager }
        </article>
    }
}

#[derive(Properties)]
struct LessonBodyProps {
    loaded: Rc<Loaded>,
    id: &'static str,
}

impl PartialEq for LessonBodyProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.loaded, &o.loaded) && self.id == o.id
    }
}

#[function_component(LessonBody)]
fn lesson_body(p: &LessonBodyProps) -> Html {
    let store = use_store();
    let mine = store
        .progress
        .lessons
        .get(p.id)
        .cloned()
        .unwrap_or_default();
    let challenges = p
        .loaded
        .lesson
        .blocks
        .iter()
        .filter(|b| matches!(b, Block::Challenge(_)))
        .count() as u8;
    let (mut k_pred, mut k_chal) = (0u8, 0u8);
    let blocks = p.loaded.lesson.blocks.iter().map(|b| match b {
        Block::Prose(text) => html! { <div class="prose">{ markdown::render(text) }</div> },
        Block::Scenario { name, text, .. } => {
            let mailbox = p.loaded.mailboxes.get(name).cloned().unwrap_or_default();
            let initial = Sandbox::new(text.clone());
            // Stepping a lab runs straight into the answers of the
            // predictions about it: say so before the reader does.
            let lines: Vec<String> = p.loaded.lesson.blocks.iter().filter_map(|b| match b {
                Block::Predict { scenario, step_line, .. } if scenario == name => Some(step_line.to_string()),
                _ => None,
            }).collect();
            let note = (!lines.is_empty()).then(|| AttrValue::from(format!(
                "Predict first: running this scenario to line {} shows the answer to {} below.",
                lines.join(" or "),
                if lines.len() == 1 { "the prediction" } else { "the predictions" },
            )));
            html! {
                <section class="lesson-lab" id={format!("scenario-{name}")} aria-label="Live scenario">
                    <Lab initial={initial} readonly={false} compact={false} site="./" host={None::<web_sys::HtmlElement>}
                        mailbox={mailbox} id={AttrValue::from(format!("{}-{name}", p.id))} heading={None::<AttrValue>} note={note} />
                </section>
            }
        }
        Block::Predict { scenario, step_line, oses, question, .. } => {
            let k = k_pred;
            k_pred += 1;
            let Some(s) = p.loaded.scenarios.get(scenario).cloned() else {
                return html! {};
            };
            let oses = predict_oses(oses, &s).to_vec();
            let saved: Vec<Option<String>> = oses.iter().map(|os| mine.answers.get(&(k, *os)).cloned()).collect();
            let on_run = {
                let mailbox = p.loaded.mailboxes.get(scenario).cloned();
                let (name, line, s) = (scenario.clone(), *step_line, s.clone());
                Callback::from(move |_| {
                    let idx = s.steps.iter().position(|st| st.line == line).unwrap_or(0);
                    if let Some(cb) = mailbox.as_ref().and_then(|m| m.borrow().clone()) {
                        cb.emit(Command::GoTo(idx + 1));
                    }
                    scroll_to(&format!("scenario-{name}"));
                })
            };
            html! {
                <Prediction lesson={p.id} index={k} question={question.clone()} scenario={s}
                    step_line={*step_line} oses={oses} saved={saved} on_run={on_run} />
            }
        }
        Block::Challenge(c) => {
            let k = k_chal;
            k_chal += 1;
            html! {
                <ChallengeView lesson={p.id} index={k} of={challenges} challenge={Rc::new(c.clone())}
                    solved={mine.solved & (1 << k) != 0} shown={mine.shown & (1 << k) != 0} />
            }
        }
        Block::CheatSheet => html! { <CheatSheet /> },
    });
    html! { <>{ for blocks }</> }
}

// ---- predict, then run ---------------------------------------------------------

#[derive(Properties, PartialEq)]
struct PredictionProps {
    lesson: &'static str,
    index: u8,
    question: String,
    scenario: Rc<Scenario>,
    step_line: u32,
    oses: Vec<Os>,
    /// The answers already given, per OS in `oses`.
    saved: Vec<Option<String>>,
    on_run: Callback<()>,
}

#[function_component(Prediction)]
fn prediction(p: &PredictionProps) -> Html {
    let store = use_store();
    let picks = use_state(|| p.saved.clone());
    let revealed = p.saved.iter().all(Option::is_some);
    // "Check my prediction" goes away once answered; the focus moves to the
    // answers it revealed instead of dropping to <body>.
    let truths_ref = use_node_ref();
    let checked = use_mut_ref(|| false);
    {
        let (truths_ref, checked) = (truths_ref.clone(), checked.clone());
        use_effect_with(revealed, move |revealed| {
            if *revealed && std::mem::take(&mut *checked.borrow_mut()) {
                if let Some(el) = truths_ref.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    let step = p.scenario.steps.iter().find(|s| s.line == p.step_line);
    let step_shown = step.map(|s| step_text(&s.kind)).unwrap_or_default();
    let base = format!("{}-p{}", p.lesson, p.index);
    let check = {
        let (store, picks, p_oses, lesson, index) = (
            store.clone(),
            picks.clone(),
            p.oses.clone(),
            p.lesson,
            p.index,
        );
        let checked = checked.clone();
        Callback::from(move |_| {
            *checked.borrow_mut() = true;
            for (os, pick) in p_oses.iter().zip(picks.iter()) {
                if let Some(choice) = pick {
                    store.dispatch(StoreAction::Answer {
                        lesson: lesson.into(),
                        prediction: index,
                        os: *os,
                        choice: choice.clone(),
                    });
                }
            }
        })
    };
    let all_picked = picks.iter().all(Option::is_some);
    let on_run = {
        let cb = p.on_run.clone();
        Callback::from(move |_| cb.emit(()))
    };
    html! {
        <section class="predict pane" aria-labelledby={format!("{base}-h")}>
            <h2 id={format!("{base}-h")}>{"Predict"}</h2>
            <p class="question">{ markdown::inline(&p.question) }</p>
            <p class="the-step">{"The step: "}<code>{ format!("line {}: {step_shown}", p.step_line) }</code></p>
            <div class="choices">
            { for p.oses.iter().enumerate().map(|(i, os)| {
                let choices = predict::choices(&p.scenario, p.step_line, *os);
                let picked = picks.get(i).cloned().flatten();
                html! {
                    <fieldset class="choice-group" disabled={revealed}>
                        <legend>{ format!("On {}", os.display()) }</legend>
                        { for choices.into_iter().map(|c| {
                            let picks = picks.clone();
                            let value = c.clone();
                            let onchange = Callback::from(move |_: Event| {
                                let mut v = (*picks).clone();
                                if let Some(slot) = v.get_mut(i) {
                                    *slot = Some(value.clone());
                                }
                                picks.set(v);
                            });
                            html! {
                                <label class="choice">
                                    <input type="radio" name={format!("{base}-{}", os.key())} value={c.clone()}
                                        checked={picked.as_deref() == Some(c.as_str())} {onchange} />
                                    { choice_label(&c) }
                                </label>
                            }
                        }) }
                    </fieldset>
                }
            }) }
            </div>
            if !revealed {
                <button type="button" class="primary" onclick={check} disabled={!all_picked}>{"Check my prediction"}</button>
                if !all_picked && p.oses.len() > 1 { <span class="muted small">{" Pick an outcome for each OS."}</span> }
            }
            <div class="reveal" role="status">
                if revealed {
                    <ul class="truths" tabindex="-1" ref={truths_ref} aria-label="The answers">
                    { for p.oses.iter().zip(&p.saved).map(|(os, said)| {
                        let Some(t) = predict::truth(&p.scenario, p.step_line, *os) else { return html! {} };
                        let right = said.as_deref() == Some(t.outcome.as_str());
                        let title = t.rule.and_then(rules::rule).map(|r| r.title).unwrap_or_default();
                        html! {
                            <li class={classes!("truth", if right { "right" } else { "wrong" })}>
                                <strong>{ format!("{}: ", os.display()) }</strong>
                                { if right {
                                    format!("✓ Right: {}.", outcome_sentence(&t.outcome))
                                } else {
                                    format!("✗ Not quite: you picked “{}”, but {}.", choice_label(said.as_deref().unwrap_or("")), outcome_sentence(&t.outcome))
                                } }
                                if let Some(why) = &t.why {
                                    <span class="why">{" "}<strong>{ title }</strong>{ ". " }{ crate::components::why_text(why, &p.scenario) }</span>
                                }
                                if let Some(rule) = t.rule {
                                    {" "}<a class="rule-link" href={Route::Rules(Some(rule.into())).href()}><code>{ rule }</code></a>
                                }
                            </li>
                        }
                    }) }
                    </ul>
                    <button type="button" onclick={on_run}>{"Run the scenario to this step"}</button>
                }
            </div>
        </section>
    }
}

// ---- challenges ------------------------------------------------------------

#[derive(Properties, PartialEq)]
struct ChallengeProps {
    lesson: &'static str,
    index: u8,
    /// How many challenges the lesson has (all met = lesson done).
    of: u8,
    challenge: Rc<Challenge>,
    solved: bool,
    shown: bool,
}

fn draft_key(lesson: &str, k: u8) -> String {
    format!("bindlab.draft.{lesson}.{k}")
}

#[function_component(ChallengeView)]
fn challenge_view(p: &ChallengeProps) -> Html {
    let store = use_store();
    let c = p.challenge.clone();
    let key = draft_key(p.lesson, p.index);
    let text = use_state(|| read_draft(&key).unwrap_or_else(|| c.start.clone()));
    // A challenge met before (another visit, another tab) shows its
    // checklist checked, not "not checked yet".
    let verdicts = use_state(|| {
        let draft = read_draft(&key).unwrap_or_else(|| c.start.clone());
        p.solved
            .then(|| goal::check(&draft, c.os, &c.requirements))
            .filter(|v| v.as_ref().is_ok_and(|l| l.iter().all(|r| r.met)))
    });
    let hints = use_state(|| 0usize);
    let base = format!("{}-c{}", p.lesson, p.index);
    let derived = {
        let os = c.os;
        use_memo((*text).clone(), move |t| derive(t, &[os]))
    };
    let steps = derived.parsed.as_ref().map_or(0, |s| s.steps.len());

    let on_text = {
        let (text, verdicts, key) = (text.clone(), verdicts.clone(), key.clone());
        Callback::from(move |t: String| {
            write_draft(&key, &t);
            text.set(t);
            verdicts.set(None);
        })
    };
    let check = {
        let (text, verdicts, store, c) = (text.clone(), verdicts.clone(), store.clone(), c.clone());
        let (lesson, k, of) = (p.lesson, p.index, p.of);
        Callback::from(move |_| {
            let v = goal::check(&text, c.os, &c.requirements);
            if let Ok(list) = &v {
                if list.iter().all(|r| r.met) {
                    store.dispatch(StoreAction::Solved {
                        lesson: lesson.into(),
                        k,
                        of,
                    });
                }
            }
            verdicts.set(Some(v));
        })
    };
    let hint = {
        let hints = hints.clone();
        Callback::from(move |_| hints.set(*hints + 1))
    };
    let show = {
        let store = store.clone();
        let (lesson, k) = (p.lesson, p.index);
        Callback::from(move |_| {
            store.dispatch(StoreAction::Shown {
                lesson: lesson.into(),
                k,
            })
        })
    };
    let use_solution = {
        let (on_text, c) = (on_text.clone(), c.clone());
        Callback::from(move |_| on_text.emit(c.solution.clone()))
    };
    let restart = {
        let (on_text, c) = (on_text.clone(), c.clone());
        Callback::from(move |_| on_text.emit(c.start.clone()))
    };

    let results: Option<&Vec<Verdict>> = verdicts.as_ref().and_then(|v| v.as_ref().ok());
    let failing = results.map(|r| r.iter().filter(|v| !v.met).count());
    html! {
        <section class="challenge pane" aria-labelledby={format!("{base}-h")}>
            <h2 id={format!("{base}-h")}>{"Challenge"}
                if p.solved { <span class="status done">{" — met ✓"}</span> }</h2>
            <p class="goal">{ markdown::inline(&c.goal) }</p>
            <p class="muted">{ format!("Checked on {}. Any scenario that meets every requirement passes.", c.os.display()) }</p>
            <h3 id={format!("{base}-req")}>{"Requirements"}</h3>
            <ul class="checklist" aria-labelledby={format!("{base}-req")}>
                { for c.requirements.iter().enumerate().map(|(i, r)| {
                    let v = results.and_then(|list| list.get(i));
                    let (class, mark, state) = match v {
                        None if p.solved => ("met", "✓", "met when you last checked"),
                        None => ("unknown", "○", "not checked yet"),
                        Some(v) if v.met => ("met", "✓", "met"),
                        Some(_) => ("unmet", "✗", "not met"),
                    };
                    html! {
                        <li class={class}>
                            <span class="mark" aria-hidden="true">{ mark }</span>
                            <span class="sr-only">{ format!("{state}: ") }</span>
                            { markdown::inline(&goal::describe(r)) }
                            if let Some(v) = v { <span class="detail">{" — "}{ markdown::inline(&v.detail) }</span> }
                        </li>
                    }
                }) }
            </ul>
            <Editor id={AttrValue::from(base.clone())} label="Your scenario for this challenge" text={(*text).clone()}
                problems={derived.parsed.as_ref().err().cloned().unwrap_or_default()} on_change={on_text.clone()} />
            <div class="row actions">
                <button type="button" class="primary" onclick={check}>{"Check"}</button>
                if *hints < c.hints.len() {
                    <button type="button" onclick={hint}>{ format!("Hint ({} of {})", *hints + 1, c.hints.len()) }</button>
                }
                <button type="button" class="quiet" onclick={restart}>{"Start again"}</button>
                if !p.shown {
                    <ConfirmButton label="Show the solution…" question="Show the reference solution? It is worth trying the hints first."
                        yes="Show it" no="Not yet" on_yes={show} focus_yes=true />
                }
            </div>
            if *hints > 0 {
                <ol class="hints" aria-label="Hints">
                    { for c.hints.iter().take(*hints).map(|h| html! { <li>{ markdown::inline(h) }</li> }) }
                </ol>
            }
            <div class="verdict" role="status">
                { match (verdicts.as_ref(), failing) {
                    (Some(Err(e)), _) => html! { <p class="err">{ format!("Cannot check yet: {e}") }</p> },
                    (Some(Ok(_)), Some(0)) => html! { <p class="ok">{ format!("All {} requirements are met — challenge complete.", c.requirements.len()) }</p> },
                    (Some(Ok(list)), Some(n)) => {
                        let first = list.iter().find(|v| !v.met);
                        html! { <p class="err">{ format!("Not yet: {n} of {} requirements not met. ", list.len()) }
                            if let Some(v) = first { { markdown::inline(&goal::describe(&v.requirement)) }{" ("}{ markdown::inline(&v.detail) }{")"} }
                        </p> }
                    }
                    _ => html! {},
                } }
            </div>
            if p.shown {
                <div class="solution">
                    <h3>{"Reference solution"}</h3>
                    <pre class="code-block"><code>{ &c.solution }</code></pre>
                    <button type="button" onclick={use_solution}>{"Put it in the editor"}</button>
                </div>
            }
            if derived.parsed.is_ok() && steps > 0 {
                <details class="attempt">
                    <summary>{ format!("What your scenario does on {}", c.os.display()) }</summary>
                    <OsTable derived={derived.clone()} step={steps} on_goto={Callback::noop()} />
                </details>
            }
        </section>
    }
}

// ---- asking before acting ------------------------------------------------------

#[derive(Properties, PartialEq)]
struct ConfirmProps {
    label: AttrValue,
    question: AttrValue,
    yes: AttrValue,
    no: AttrValue,
    on_yes: Callback<()>,
    /// Focus "yes" when asking (the reader just asked for it); else "no"
    /// (the safe answer to a destructive question).
    #[prop_or_default]
    focus_yes: bool,
}

/// A button that asks first, inline (no browser dialog): the question, then
/// "yes" and "no", with the focus on one of them for keyboard readers.
#[function_component(ConfirmButton)]
fn confirm_button(p: &ConfirmProps) -> Html {
    let open = use_state(|| false);
    let (yes_ref, no_ref) = (use_node_ref(), use_node_ref());
    {
        let target = if p.focus_yes {
            yes_ref.clone()
        } else {
            no_ref.clone()
        };
        use_effect_with(*open, move |open| {
            if *open {
                if let Some(b) = target.cast::<web_sys::HtmlElement>() {
                    let _ = b.focus();
                }
            }
        });
    }
    let set = |v: bool| {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(v))
    };
    if !*open {
        return html! { <button type="button" class="quiet" onclick={set(true)}>{ p.label.clone() }</button> };
    }
    let yes = {
        let (open, cb) = (open.clone(), p.on_yes.clone());
        Callback::from(move |_: MouseEvent| {
            open.set(false);
            cb.emit(());
        })
    };
    html! {
        <div class="confirm" role="group" aria-label={p.question.clone()}>
            <p>{ p.question.clone() }</p>
            <button type="button" class="primary" ref={yes_ref} onclick={yes}>{ p.yes.clone() }</button>
            {" "}<button type="button" ref={no_ref} onclick={set(false)}>{ p.no.clone() }</button>
        </div>
    }
}

// ---- the cheat sheet ---------------------------------------------------------

/// The OS × option matrix, computed by the engine now (never typed), each
/// cell linked to the rule that decided it, each row to its scenario.
#[function_component(CheatSheet)]
fn cheat_sheet() -> Html {
    let rows = use_memo((), |_| cheatsheet::matrix());
    let situations = cheatsheet::Situation::ALL;
    html! {
        <div class="cheatsheet">
        { for situations.iter().map(|sit| {
            let mine: Vec<_> = rows.iter().filter(|r| r.situation == *sit).collect();
            html! {
                <div class="table-wrap">
                <table class="outcomes cheat">
                    <caption>{ format!("What the second bind() returns — {}", sit.label()) }</caption>
                    <thead><tr><th scope="col">{"Options"}</th>{ for Os::ALL.iter().map(|o| html! { <th scope="col">{ o.display() }</th> }) }<th scope="col"><span class="sr-only">{"Scenario"}</span></th></tr></thead>
                    <tbody>
                    { for mine.iter().map(|row| {
                        let link = Permalink { text: print(&row.scenario), oses: Os::ALL.to_vec(), step: row.scenario.steps.len() };
                        html! {
                            <tr>
                                <th scope="row">{ row.options.label() }</th>
                                { for row.cells.iter().map(|cell| match (cell.result, cell.rule) {
                                    (None, _) => html! { <td class="cell na" title="the option does not exist on this OS">{"—"}<span class="sr-only">{" (no such option)"}</span></td> },
                                    (Some(r), Some(rule)) => html! {
                                        <td class={classes!("cell", if r.is_ok() { "ok" } else { "err" })}>
                                            <a href={Route::Rules(Some(rule.into())).href()} title={cell.why.clone().unwrap_or_default()}>{ r.name(cell.os) }</a>
                                        </td>
                                    },
                                    (Some(r), None) => html! { <td class={classes!("cell", if r.is_ok() { "ok" } else { "err" })}>{ r.name(cell.os) }</td> },
                                }) }
                                <td><a href={format!("#{}", link.encode())}>{"open"}<span class="sr-only">{ format!(" the scenario: {}, {}", sit.label(), row.options.label()) }</span></a></td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                </div>
            }
        }) }
        </div>
    }
}

// ---- glossary and rules ----------------------------------------------------------

#[derive(Properties, PartialEq)]
struct GlossaryProps {
    term: Option<String>,
}

#[function_component(GlossaryPage)]
fn glossary_page(p: &GlossaryProps) -> Html {
    let attempt = use_state(|| 0u32);
    let fetched = use_fetched("content/glossary.md".into(), *attempt, Ok);
    let ready = matches!(fetched, Fetched::Ready(_));
    use_effect_with((p.term.clone(), ready), |(term, ready)| {
        set_title("Glossary — bindlab");
        match term {
            Some(t) if *ready => scroll_to(t),
            _ => focus_heading(),
        }
    });
    html! {
        <article class="glossary">
            <h1 tabindex="-1">{"Glossary"}</h1>
            { match &fetched {
                Fetched::Loading => html! { <p class="loading" role="status">{"Loading…"}</p> },
                Fetched::Failed(e) => html! { <p class="notice error" role="alert">{ format!("The glossary could not be loaded: {e}.") }</p> },
                Fetched::Ready(text) => {
                    // A link to a term the glossary no longer has still opens it, with a word.
                    let known = |t: &str| text.lines().filter_map(|l| l.strip_prefix("## ")).any(|h| markdown::slug(h) == t);
                    html! {
                        <>
                        if let Some(t) = p.term.as_deref().filter(|t| !known(t)) {
                            <p class="notice" role="status">{ format!("The glossary has no entry “{t}”. Here are all of them.") }</p>
                        }
                        <div class="prose">{ markdown::render(text) }</div>
                        </>
                    }
                }
            } }
        </article>
    }
}

#[derive(Properties, PartialEq)]
struct RulesProps {
    rule: Option<String>,
}

/// The rule catalogue's groups: a rule id's first part names its OS module.
const RULE_GROUPS: &[(&str, &str)] = &[
    ("common", "Every OS"),
    ("linux", "Linux"),
    ("bsd", "FreeBSD and macOS (shared BSD code)"),
    ("freebsd", "FreeBSD"),
    ("macos", "macOS"),
    ("windows", "Windows"),
];

fn rule_group(id: &str) -> &str {
    id.split('.').next().unwrap_or("")
}

/// `#/rules/linux` opens at a group rather than at one rule.
fn is_rule_group(key: &str) -> bool {
    RULE_GROUPS.iter().any(|(k, _)| *k == key)
}

/// Every rule the engine decides by, as the verdicts name them, grouped by
/// OS, with a filter over id, title and text.
#[function_component(RulesPage)]
fn rules_page(p: &RulesProps) -> Html {
    let filter = use_state(String::new);
    use_effect_with(p.rule.clone(), |rule| {
        set_title("The rules — bindlab");
        match rule {
            Some(g) if is_rule_group(g) => scroll_to(&format!("rules-{g}")),
            Some(r) => scroll_to(&format!("rule-{r}")),
            None => focus_heading(),
        }
    });
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e.target_dyn_into::<HtmlInputElement>() {
                filter.set(el.value());
            }
        })
    };
    let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
    let matches = |r: &rules::Rule| {
        let hay = format!("{} {} {} {}", r.id, r.title, r.explanation, r.source).to_lowercase();
        words.iter().all(|w| hay.contains(w.as_str()))
    };
    let all = rules::catalogue();
    let shown: Vec<&rules::Rule> = all.iter().filter(|r| matches(r)).collect();
    let groups: Vec<(&str, &str, Vec<&rules::Rule>)> = RULE_GROUPS
        .iter()
        .map(|&(key, label)| {
            let in_group = shown.iter().copied().filter(|r| rule_group(r.id) == key);
            (key, label, in_group.collect())
        })
        .collect();
    let unknown = p
        .rule
        .as_deref()
        .filter(|id| rules::rule(id).is_none() && !is_rule_group(id));
    html! {
        <article class="rules">
            <h1 tabindex="-1">{"The rules"}</h1>
            <p class="lede">{"Every verdict bindlab gives names one of these rules. Each says where it comes from: the kernel source, the OS's documentation, or an experiment on the real system."}</p>
            if let Some(id) = unknown {
                <p class="notice" role="status">{ format!("There is no rule “{id}”. Here are all of them.") }</p>
            }
            <div class="rules-tools">
                <label for="rule-filter">{"Filter"}</label>
                <input id="rule-filter" type="search" placeholder="e.g. TIME_WAIT, listen, windows" autocomplete="off"
                    value={(*filter).clone()} oninput={on_filter} />
                <span class="muted small" role="status">{ format!("{} of {} rules", shown.len(), all.len()) }</span>
            </div>
            <nav class="rule-groups" aria-label="Rules by OS">
                { for groups.iter().map(|(key, label, in_group)| html! {
                    <a href={format!("#/rules/{key}")} onclick={jump(format!("rules-{key}"))}>{ format!("{label} ({})", in_group.len()) }</a>
                }) }
            </nav>
            { for groups.iter().filter(|(_, _, in_group)| !in_group.is_empty()).map(|(key, label, in_group)| {
                html! {
                    <section class="rule-group" aria-labelledby={format!("rules-{key}")}>
                        <h2 id={format!("rules-{key}")}>{ *label }</h2>
                        { for in_group.iter().map(|r| {
                            let current = p.rule.as_deref() == Some(r.id);
                            html! {
                                <section id={format!("rule-{}", r.id)} class={classes!("rule", current.then_some("current"))}>
                                    <h3>{ r.title }</h3>
                                    <p><code>{ r.id }</code></p>
                                    <p>{ r.explanation }</p>
                                    <p class="muted small">{"Source: "}{ r.source }</p>
                                </section>
                            }
                        }) }
                    </section>
                }
            }) }
            if shown.is_empty() {
                <p>{"No rule matches every word of the filter."}</p>
            }
        </article>
    }
}

/// A link within the page that scrolls instead of changing the route.
fn jump(id: String) -> Callback<MouseEvent> {
    Callback::from(move |e: MouseEvent| {
        e.prevent_default();
        scroll_to(&id);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_in_a_group_of_the_rules_page() {
        for r in rules::catalogue() {
            assert!(
                is_rule_group(rule_group(r.id)),
                "{} has no group on the rules page",
                r.id
            );
        }
    }
}
