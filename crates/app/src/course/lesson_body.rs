//! A chapter's blocks: prose, live scenarios, predictions, challenges,
//! the cheat sheet.

use std::rc::Rc;

use bindlab_course::{predict_oses, Block};
use yew::prelude::*;

use super::challenge::ChallengeView;
use super::cheat_sheet::CheatSheet;
use super::code_tabs::CodeTabs;
use super::expect::ExpectView;
use super::lesson::Loaded;
use super::markdown;
use super::messages::MessagesTable;
use super::prediction::Prediction;
use crate::browser::dom::scroll_to;
use crate::i18n::{use_tr, Tr, T};
use crate::lab::{Command, Lab};
use crate::nav::use_store;
use crate::route::Route;
use crate::state::Sandbox;

#[derive(Properties)]
pub(crate) struct LessonBodyProps {
    pub(crate) loaded: Rc<Loaded>,
    pub(crate) id: &'static str,
}

impl PartialEq for LessonBodyProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.loaded, &o.loaded) && self.id == o.id
    }
}

/// "Run the scenario to this step": through the scenario's mailbox, then
/// scrolled into view.
fn run_to(loaded: &Loaded, scenario: &str, line: u32) -> Callback<()> {
    let mailbox = loaded.mailboxes.get(scenario).cloned();
    let s = loaded.scenarios.get(scenario).cloned();
    let name = scenario.to_string();
    Callback::from(move |_| {
        let idx = s
            .as_ref()
            .and_then(|s| s.steps.iter().position(|st| st.line == line))
            .unwrap_or(0);
        if let Some(cb) = mailbox.as_ref().and_then(|m| m.borrow().clone()) {
            cb.emit(Command::GoTo(idx + 1));
        }
        let id = format!("scenario-{name}");
        scroll_to(&id);
        // Once drawn, the step asked about: on a phone it is far below the
        // scenario's top.
        gloo::timers::callback::Timeout::new(0, move || reveal_below(&id)).forget();
    })
}

/// The current step of scenario `id` scrolled up into view if it is below
/// the screen's bottom (it is at the bottom then, the steps before it
/// above), and its button focused: the keyboard goes where the page went,
/// not left on the button pressed, a screen's height below.
fn reveal_below(id: &str) {
    let Some(w) = crate::browser::dom::window() else {
        return;
    };
    let row = w.document().and_then(|d| {
        d.query_selector(&format!("#{id} tr.current"))
            .ok()
            .flatten()
    });
    let h = w.inner_height().ok().and_then(|h| h.as_f64());
    if let (Some(row), Some(h)) = (row, h) {
        if row.get_bounding_client_rect().bottom() > h {
            row.scroll_into_view_with_bool(false);
        }
        if let Some(button) = row
            .query_selector("button.link")
            .ok()
            .flatten()
            .and_then(|b| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b).ok())
        {
            let _ = button.focus();
        }
    }
}

/// The note above a live scenario that predictions are about: running it
/// to `lines` shows their answers.
fn predict_first(tr: &Tr, lines: &[String]) -> Option<String> {
    let (first, rest) = lines.split_first()?;
    let joined = rest.iter().fold(first.clone(), |a, b| {
        tr.f(T::LessonLinesOr, &[("a", &a), ("b", b)])
    });
    let k = if lines.len() == 1 {
        T::LessonPredictFirstOne
    } else {
        T::LessonPredictFirstOther
    };
    Some(tr.f(k, &[("lines", &joined)]))
}

#[function_component(LessonBody)]
pub(crate) fn lesson_body(p: &LessonBodyProps) -> Html {
    let store = use_store();
    let tr = use_tr();
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
    let (mut k_pred, mut k_chal, mut k_code, mut k_expect) = (0u8, 0u8, 0u8, 0u8);
    let blocks = p.loaded.lesson.blocks.iter().map(|b| match b {
        Block::Prose(text) => html! { <div class="prose">{ markdown::render(&tr, text) }</div> },
        Block::Scenario { name, text, .. } => {
            let mailbox = p.loaded.mailboxes.get(name).cloned().unwrap_or_default();
            let initial = Sandbox::new(text.clone());
            // Stepping a lab runs straight into the answers of the
            // predictions about it: say so before the reader does, for
            // those not answered yet (an answered one shows its answer).
            let lines: Vec<String> = p.loaded.lesson.blocks.iter()
                .filter(|b| matches!(b, Block::Predict { .. }))
                .enumerate()
                .filter_map(|(k, b)| match b {
                    Block::Predict { scenario, step_line, oses, .. } if scenario == name => {
                        let answered = p.loaded.scenarios.get(scenario).is_some_and(|s| {
                            predict_oses(oses, s).iter().all(|os| u8::try_from(k).is_ok_and(|k| mine.answers.contains_key(&(k, *os))))
                        });
                        (!answered).then(|| step_line.to_string())
                    }
                    _ => None,
                })
                .collect();
            let note = predict_first(&tr, &lines).map(AttrValue::from);
            // Named by its title too: a chapter holds several.
            let title = p.loaded.scenarios.get(name).and_then(|s| s.title.clone()).unwrap_or_else(|| name.to_string());
            let label = format!("{}{}{}", tr.t(T::LessonLiveScenario), crate::views::os_table::sep(&tr, T::ScenarioColon), title);
            html! {
                <section class="lesson-lab" id={format!("scenario-{name}")} aria-label={label}>
                    <Lab initial={initial} readonly={false} compact={false} site={Route::Sandbox.href()} host={None::<web_sys::HtmlElement>}
                        mailbox={mailbox} id={AttrValue::from(format!("{}-{name}", p.id))} heading={None::<AttrValue>} note={note}
                        keep={AttrValue::from(format!("bindlab.example.{}.{}.{name}", tr.tag(), p.id))} />
                    <crate::views::StaticRun text={AttrValue::from(text.clone())} />
                </section>
            }
        }
        Block::Predict { scenario, step_line, oses, question, answer, .. } => {
            let k = k_pred;
            k_pred += 1;
            let Some(s) = p.loaded.scenarios.get(scenario).cloned() else {
                return html! {};
            };
            let oses = predict_oses(oses, &s).to_vec();
            let saved: Vec<Option<String>> = oses.iter().map(|os| mine.answers.get(&(k, *os)).cloned()).collect();
            let on_run = run_to(&p.loaded, scenario, *step_line);
            html! {
                <Prediction lesson={p.id} index={k} question={question.clone()} answer={answer.clone()} scenario={s}
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
        Block::Expect { scenario, step_line, .. } => {
            k_expect += 1;
            match p.loaded.scenarios.get(scenario) {
                Some(s) => html! {
                    <ExpectView scenario={s.clone()} step_line={*step_line} on_run={run_to(&p.loaded, scenario, *step_line)}
                        id={AttrValue::from(format!("{}-{k_expect}", p.id))} />
                },
                None => html! {},
            }
        }
        Block::Messages(rows) => html! { <MessagesTable rows={Rc::new(rows.clone())} /> },
        // Generated from content/runtimes.toml, never written in the guide.
        Block::Runtimes(topic) => match bindlab_course::runtimes::table() {
            Ok(rows) => html! {
                <div class="prose runtime-defaults">{ markdown::render(&tr, &bindlab_course::runtimes::topic_markdown_in(&rows, *topic, &super::runtimes::texts(&tr))) }</div>
            },
            Err(_) => html! {},
        },
        Block::Code(snippets) => {
            k_code += 1;
            html! { <CodeTabs id={AttrValue::from(format!("{}-code{k_code}", p.id))} snippets={Rc::new(snippets.clone())} /> }
        }
    });
    html! { <>{ for blocks }</> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_before_a_scenario_names_its_predictions_lines() {
        let tr = Tr::english();
        assert_eq!(predict_first(&tr, &[]), None);
        assert_eq!(
            predict_first(&tr, &["5".into()]).unwrap(),
            "Predict first: running this scenario to line 5 shows the answer to the prediction below."
        );
        assert_eq!(
            predict_first(&tr, &["5".into(), "7".into(), "9".into()]).unwrap(),
            "Predict first: running this scenario to line 5 or 7 or 9 shows the answer to the predictions below."
        );
    }
}
