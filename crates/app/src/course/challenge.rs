//! A challenge: the reader writes a scenario, the engine checks its goal.

use std::rc::Rc;

use bindlab_course::goal::{self, Verdict};
use bindlab_course::Challenge;
use yew::prelude::*;

use super::confirm::ConfirmButton;
use super::markdown;
use super::requirements::{check_error, describe, requirement_state};
use crate::i18n::{use_tr, T};
use crate::nav::use_store;
use crate::state::Derived;
use crate::store::{read_draft, write_draft, NotSaved, StoreAction};
use crate::views::{Editor, OsTable};

#[derive(Properties, PartialEq)]
pub(crate) struct ChallengeProps {
    pub(crate) lesson: &'static str,
    pub(crate) index: u8,
    /// How many challenges the lesson has (all met = lesson done).
    pub(crate) of: u8,
    pub(crate) challenge: Rc<Challenge>,
    pub(crate) solved: bool,
    pub(crate) shown: bool,
}

pub(crate) fn draft_key(lesson: &str, k: u8) -> String {
    format!("bindlab.draft.{lesson}.{k}")
}

#[function_component(ChallengeView)]
pub(crate) fn challenge_view(p: &ChallengeProps) -> Html {
    let store = use_store();
    let tr = use_tr();
    let c = p.challenge.clone();
    let key = draft_key(p.lesson, p.index);
    // The first render shows the start, as the prerendered page does; the
    // reader's draft and a challenge met before (another visit, another
    // tab: its checklist checked, not "not checked yet") once it is live.
    let text = use_state(|| c.start.clone());
    let verdicts = use_state(|| None);
    {
        let (text, verdicts, key, c) = (text.clone(), verdicts.clone(), key.clone(), c.clone());
        use_effect_with(p.solved, move |solved| {
            let draft = read_draft(&key);
            if let Some(d) = draft.as_ref().filter(|d| **d != *text) {
                text.set(d.clone());
            }
            if *solved && verdicts.is_none() {
                let draft = draft.unwrap_or_else(|| c.start.clone());
                verdicts.set(
                    Some(goal::check(&draft, c.os, &c.requirements))
                        .filter(|v| v.as_ref().is_ok_and(|l| l.iter().all(|r| r.met))),
                );
            }
        });
    }
    let hints = use_state(|| 0usize);
    let base = format!("{}-c{}", p.lesson, p.index);
    let derived = {
        let os = c.os;
        use_memo((*text).clone(), move |t| Derived::new(t, &[os]))
    };
    let steps = derived.parsed.as_ref().map_or(0, |s| s.steps.len());

    // Why the draft is not kept, while its last write failed.
    let unsaved = use_state(|| None::<String>);
    let on_text = {
        let (text, verdicts, key) = (text.clone(), verdicts.clone(), key.clone());
        let (unsaved, tr) = (unsaved.clone(), tr.clone());
        Callback::from(move |t: String| {
            // Without storage at all the course says so once, at the page's
            // top (the draft lasts as long as the tab); a write refused by a
            // full storage is said here, where the draft is.
            let said = match write_draft(&key, &t) {
                Err(why) if why != NotSaved::Blocked => {
                    Some(tr.f(T::LessonDraftNotSaved, &[("why", &why.why(&tr))]))
                }
                _ => None,
            };
            if *unsaved != said {
                unsaved.set(said);
            }
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
    // What takes the focus once a render has put it on the page: the last
    // hint, whose button goes as it is shown, and the solution, whose
    // confirming "Show it" goes with it (the focus fell to the page's body).
    let focus_next = use_mut_ref(|| None::<String>);
    {
        let focus_next = focus_next.clone();
        use_effect(move || {
            // Kept until a render has put it there.
            let id = focus_next.borrow().clone();
            if id.is_some_and(|id| crate::browser::dom::focus_by_id(&id)) {
                focus_next.borrow_mut().take();
            }
        });
    }
    let hint = {
        let (hints, focus_next, last) = (hints.clone(), focus_next.clone(), c.hints.len());
        let id = format!("{base}-hint-{}", *hints);
        Callback::from(move |_| {
            if *hints + 1 == last {
                *focus_next.borrow_mut() = Some(id.clone());
            }
            hints.set(*hints + 1)
        })
    };
    let show = {
        let store = store.clone();
        let (lesson, k) = (p.lesson, p.index);
        let (focus_next, id) = (focus_next.clone(), format!("{base}-solution"));
        Callback::from(move |_| {
            *focus_next.borrow_mut() = Some(id.clone());
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
        let (on_text, c, editor) = (on_text.clone(), c.clone(), format!("{base}-text"));
        Callback::from(move |()| {
            on_text.emit(c.start.clone());
            // The question's buttons go with it: the focus goes to the lines
            // that were reset, not to the page's top.
            crate::browser::dom::focus_by_id(&editor);
        })
    };
    // Starting again throws the reader's lines away (the draft too): asked
    // first, unless there is nothing of theirs to lose.
    let edited = *text != c.start;

    let results: Option<&Vec<Verdict>> = verdicts.as_ref().and_then(|v| v.as_ref().ok());
    let failing = results.map(|r| r.iter().filter(|v| !v.met).count());
    html! {
        <section class="challenge pane" aria-labelledby={format!("{base}-h")}>
            <h2 id={format!("{base}-h")}>{ tr.t(T::LessonChallenge) }
                if p.solved { <span class="status done">{" — "}{ tr.t(T::LessonMet) }</span> }</h2>
            <p class="goal">{ markdown::inline(&tr, &c.goal) }</p>
            <p class="muted">{ tr.f(T::LessonCheckedOn, &[("os", c.os.display())]) }</p>
            <h3 id={format!("{base}-req")}>{ tr.t(T::LessonRequirements) }</h3>
            <ul class="checklist" aria-labelledby={format!("{base}-req")}>
                { for c.requirements.iter().enumerate().map(|(i, r)| {
                    let v = results.and_then(|list| list.get(i));
                    let (class, mark, state) = requirement_state(&tr, v, p.solved);
                    html! {
                        <li class={class}>
                            <span class="mark" aria-hidden="true">{ mark }</span>
                            <span class="sr-only">{ tr.f(T::LessonStateLabel, &[("state", &state)]) }{" "}</span>
                            { markdown::inline(&tr, &describe(&tr, r)) }
                            if let Some(v) = v { <span class="detail">{" — "}{ markdown::inline(&tr, &tr.goal(v.msg, &v.args)) }</span> }
                        </li>
                    }
                }) }
            </ul>
            <p class="nojs-only muted small">{ tr.t(T::LessonNojsChallenge) }</p>
            <Editor id={AttrValue::from(base.clone())} label={tr.t(T::LessonYourScenario).to_string()} text={(*text).clone()}
                problems={derived.parsed.as_ref().err().cloned().unwrap_or_default()} on_change={on_text.clone()} />
            if let Some(n) = &*unsaved { <p class="notice error" role="status">{ n }</p> }
            <div class="row actions">
                <button type="button" class="primary" onclick={check}>{ tr.t(T::LessonCheck) }</button>
                if *hints < c.hints.len() {
                    <button type="button" onclick={hint}>{ tr.f(T::LessonHint, &[("n", &(*hints + 1).to_string()), ("of", &c.hints.len().to_string())]) }</button>
                }
                if edited {
                    <ConfirmButton label={tr.t(T::LessonStartAgain).to_string()} question={tr.t(T::LessonStartAgainQuestion).to_string()}
                        yes={tr.t(T::LessonStartAgainYes).to_string()} no={tr.t(T::LessonStartAgainNo).to_string()} on_yes={restart} />
                } else {
                    <button type="button" class="quiet" disabled=true>{ tr.t(T::LessonStartAgain) }</button>
                }
                if !p.shown {
                    <ConfirmButton label={tr.t(T::LessonShowSolution).to_string()} question={tr.t(T::LessonShowSolutionQuestion).to_string()}
                        yes={tr.t(T::LessonShowSolutionYes).to_string()} no={tr.t(T::LessonShowSolutionNo).to_string()} on_yes={show} focus_yes=true />
                }
            </div>
            if *hints > 0 {
                <ol class="hints" aria-label={tr.t(T::LessonHints).to_string()}>
                    { for c.hints.iter().take(*hints).enumerate().map(|(i, h)| html! { <li id={format!("{base}-hint-{i}")}>{ markdown::inline(&tr, h) }</li> }) }
                </ol>
            }
            <div class="verdict" role="status">
                { match (verdicts.as_ref(), failing) {
                    (Some(Err(e)), _) => html! { <p class="err">{ crate::views::with_code(&tr.f(T::LessonCannotCheck, &[("error", &check_error(&tr, &text, e))])) }</p> },
                    (Some(Ok(_)), Some(0)) => html! { <>
                        <p class="ok">{ tr.f(T::LessonAllMet, &[("n", &c.requirements.len().to_string())]) }</p>
                        // The chapter's last challenge met: the way on.
                        if p.index + 1 == p.of { { super::contents::next_chapter_link(&tr, p.lesson) } }
                    </> },
                    (Some(Ok(list)), Some(n)) => {
                        let first = list.iter().find(|v| !v.met);
                        html! { <p class="err">{ tr.f(T::LessonNotYet, &[("n", &n.to_string()), ("of", &list.len().to_string())]) }{" "}
                            if let Some(v) = first { { markdown::inline(&tr, &tr.f(T::LessonFirstUnmet, &[("requirement", &describe(&tr, &v.requirement)), ("detail", &tr.goal(v.msg, &v.args))])) } }
                        </p> }
                    }
                    _ => html! {},
                } }
            </div>
            if p.shown {
                <div class="solution">
                    <h3 id={format!("{base}-solution")}>{ tr.t(T::LessonReferenceSolution) }</h3>
                    <pre class="code-block"><code>{ &c.solution }</code></pre>
                    <button type="button" onclick={use_solution}>{ tr.t(T::LessonPutInEditor) }</button>
                </div>
            }
            if derived.parsed.is_ok() && steps > 0 {
                <details class="attempt">
                    <summary>{ tr.f(T::LessonWhatYoursDoes, &[("os", c.os.display())]) }</summary>
                    <OsTable derived={derived.clone()} step={steps} on_goto={Callback::noop()} />
                </details>
            }
        </section>
    }
}
