//! The sandbox's state, lifted to one reducer: the scenario text (the one
//! source of truth: GUI controls write text), the OSes shown, and how many
//! steps have run. Everything else is derived from these three
//! ([`Derived`], once per change of text or OSes).

use std::rc::Rc;

use bindlab_engine::permalink::{LinkError, Permalink};
use bindlab_engine::{parse, run, Os, Problem, Report, Scenario};
use yew::Reducible;

use crate::i18n::{Tr, T};

#[derive(Clone, Debug, PartialEq)]
pub struct Sandbox {
    pub text: String,
    pub oses: Vec<Os>,
    /// Steps run so far (0 = none).
    pub step: usize,
    /// A message for the reader (a damaged link, a copied link).
    pub notice: Option<Notice>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
    pub at: NoticeAt,
}

/// Where the sandbox shows a notice (a widget has one place for it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeAt {
    /// At the top of the page: what is wrong with the link it was opened at.
    Top,
    /// Under the Run it buttons, which answer there: on a phone the top of
    /// the page is a screen or more above the button just pressed.
    Stepper,
}

pub enum Action {
    SetText(String),
    /// Appends one step line (from the GUI controls).
    AppendLine(String),
    ToggleOs(Os),
    GoTo(usize),
    /// One more step, up to the given number of steps.
    Step(usize),
    /// Another scenario, its OSes and step (an opened permalink).
    Load(Sandbox),
    Notice(Option<Notice>),
}

/// `text` with `line` as its last line (what a control's button writes).
pub(crate) fn with_line(text: &str, line: &str) -> String {
    let trimmed = text.trim_end_matches('\n');
    if trimmed.is_empty() {
        format!("{line}\n")
    } else {
        format!("{trimmed}\n{line}\n")
    }
}

impl Sandbox {
    pub fn new(text: String) -> Sandbox {
        Sandbox {
            text,
            oses: Os::ALL.to_vec(),
            step: 0,
            notice: None,
        }
    }

    /// The one way a permalink (`v1/…`, with or without its `#`) becomes a
    /// state: its scenario, OSes and step, or why the link cannot be opened
    /// (in `tr`'s language).
    pub(crate) fn from_permalink(tr: &Tr, fragment: &str) -> Result<Sandbox, String> {
        match Permalink::decode(fragment) {
            Ok(p) => Ok(Sandbox {
                text: p.text,
                oses: p.oses,
                step: p.step,
                notice: None,
            }),
            Err(e) => Err(tr.f(T::ScenarioLinkFailed, &[("error", &link_error(tr, &e))])),
        }
    }

    /// An empty sandbox saying why the link `fragment` could not be opened,
    /// with the columns the link names where that part of it reads (a link
    /// cut short keeps its reader's OSes).
    pub(crate) fn damaged(fragment: &str, message: String) -> Sandbox {
        let mut s = Sandbox::new(String::new()).failed(message);
        if let Some(oses) = Permalink::oses_of(fragment) {
            s.oses = oses;
        }
        s
    }

    /// A state that says what went wrong and shows nothing.
    pub fn failed(mut self, message: String) -> Sandbox {
        self.text.clear();
        self.notice = Some(Notice {
            text: message,
            error: true,
            at: NoticeAt::Top,
        });
        self
    }

    pub fn permalink(&self) -> Permalink {
        Permalink {
            text: self.text.clone(),
            oses: self.oses.clone(),
            step: self.step,
        }
    }
}

impl Reducible for Sandbox {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::SetText(t) => s.text = t,
            Action::AppendLine(line) => s.text = with_line(&s.text, &line),
            Action::ToggleOs(os) => {
                if s.oses.contains(&os) {
                    if s.oses.len() > 1 {
                        s.oses.retain(|o| *o != os);
                    }
                } else {
                    s.oses.push(os);
                    bindlab_engine::sort::by_key(&mut s.oses, |o| *o as u64);
                }
            }
            Action::GoTo(n) => s.step = n,
            // A link or a widget's attribute may start past the end (even at
            // usize::MAX): saturating, so Step never overflows.
            Action::Step(total) => s.step = s.step.saturating_add(1).min(total),
            Action::Load(p) => {
                s.text = p.text;
                s.oses = p.oses;
                s.step = p.step;
            }
            Action::Notice(n) => s.notice = n,
        }
        Rc::new(s)
    }
}

/// Why a link cannot be opened, in `tr`'s language (the engine's keyed
/// message, with the locale's template from its bundle).
pub(crate) fn link_error(tr: &Tr, e: &LinkError) -> String {
    tr.link_error(e)
}

/// A scenario problem's message in `tr`'s language: the one place the
/// editor and the widgets word it.
pub(crate) fn problem_message(tr: &Tr, p: &Problem) -> String {
    tr.problem(p)
}

/// Everything derived from the state, computed once per change of text or
/// OSes (not per step) and shared by pointer.
pub(crate) struct Derived {
    /// The text parsed: what the generators' module reads again for a
    /// program (`browser::exporter`).
    pub(crate) text: Rc<str>,
    pub(crate) parsed: Result<Scenario, Vec<Problem>>,
    pub(crate) reports: Vec<Report>,
}

impl Derived {
    /// The scenario's title, also while its text has problems (a typo
    /// further down must not take the heading away and move the editor).
    pub(crate) fn title(&self) -> Option<String> {
        match &self.parsed {
            Ok(s) => s.title.clone(),
            Err(_) => bindlab_engine::parse::title_of(&self.text),
        }
    }

    /// [`Derived::new`] with `tr`'s why-lines: the engine writes them as it
    /// runs, and one page may hold labs in two languages, so each sets its
    /// own right before.
    pub(crate) fn new_in(tr: &Tr, text: &str, oses: &[Os]) -> Derived {
        bindlab_engine::rules::set_overlay(tr.overlay());
        Derived::new(text, oses)
    }

    /// Parsed and run in the language in force (see [`Derived::new_in`]).
    pub(crate) fn new(text: &str, oses: &[Os]) -> Derived {
        let parsed = parse(text);
        let reports = match &parsed {
            Ok(s) => oses.iter().map(|&os| run(s, os)).collect(),
            Err(_) => Vec::new(),
        };
        Derived {
            text: text.into(),
            parsed,
            reports,
        }
    }

    /// The number of steps (0 while the text has problems).
    pub(crate) fn total(&self) -> usize {
        self.parsed.as_ref().map_or(0, |s| s.steps.len())
    }

    /// The OS a diagram shows unless the reader picks one: the scenario's own
    /// when it is among those shown, else the first shown.
    pub(crate) fn default_os(&self, oses: &[Os]) -> Os {
        self.parsed
            .as_ref()
            .ok()
            .map(|s| s.os)
            .filter(|o| oses.contains(o))
            .unwrap_or(oses[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::zh;

    #[test]
    fn a_link_error_reads_as_the_engine_says_it_in_english_and_translates() {
        let en = Tr::english();
        for bad in ["v9/linux/0/x", "#nonsense", "v1/linux", "v1/plan9/0/x"] {
            let e = Permalink::decode(bad).unwrap_err();
            assert_eq!(link_error(&en, &e), e.to_string(), "{bad}");
            let msg = Sandbox::from_permalink(&en, bad).unwrap_err();
            assert_eq!(msg, format!("The link could not be opened: {e}"));
        }
        let zh = crate::test_support::zh_with_parse(&[(
            "link.future-version",
            "此链接来自更新版本的 bindlab（格式 {version}）。",
        )]);
        let e = Permalink::decode("v9/linux/0/x").unwrap_err();
        assert_eq!(
            link_error(&zh, &e),
            "此链接来自更新版本的 bindlab（格式 v9）。"
        );
        // A message the bundle lacks stays the engine's English.
        let e = Permalink::decode("v1/plan9/0/x").unwrap_err();
        assert_eq!(link_error(&zh, &e), e.to_string());
    }

    /// A link cut short keeps the OSes it names (a new reader's review,
    /// 2026-12-06: it opened with all four); one whose OS part does not
    /// read gets them all.
    #[test]
    fn a_damaged_link_keeps_the_columns_it_names() {
        let s = Sandbox::damaged("#v1/linux,windows/0/364.dGl0bGUg", "cut".into());
        assert_eq!(s.oses, vec![Os::Linux, Os::Windows]);
        assert!(s.text.is_empty() && s.notice.is_some());
        let s = Sandbox::damaged("#v1/solaris/0/AA", "unknown".into());
        assert_eq!(s.oses, Os::ALL.to_vec());
    }

    /// A link (or a widget's `step` attribute) may start anywhere, even at
    /// usize::MAX: the next Step lands on the last step, no overflow.
    #[test]
    fn a_step_past_the_end_steps_to_the_end() {
        let link = format!("v1/linux/{}/c29ja2V0IEEgdGNwCg", usize::MAX);
        let s = Sandbox::from_permalink(&Tr::english(), &link).expect("the link opens");
        assert_eq!(s.step, usize::MAX);
        assert_eq!(Rc::new(s).reduce(Action::Step(1)).step, 1);
        let mut s = Sandbox::new(String::new());
        s.step = 3;
        assert_eq!(Rc::new(s).reduce(Action::Step(9)).step, 4);
    }

    #[test]
    fn derived_new_in_writes_the_why_lines_in_its_language() {
        let text = "os linux\nsocket A tcp\nbind A 0.0.0.0:80\nsocket B tcp\nbind B 0.0.0.0:80\n";
        let en = Derived::new_in(&Tr::english(), text, &[Os::Linux]);
        let why = |d: &Derived| d.reports[0].steps[3].why.clone().unwrap_or_default();
        let (rule, english) = (en.reports[0].steps[3].rule.unwrap(), why(&en));
        assert!(!english.is_empty());
        let why_zh: Vec<(&str, &str, &str)> = bindlab_engine::rules::ALL_WHY_VARIANTS
            .iter()
            .map(|v| (rule.as_str(), v.name(), "中文原因"))
            .collect();
        let zh = zh(&[], &why_zh);
        assert_eq!(why(&Derived::new_in(&zh, text, &[Os::Linux])), "中文原因");
        // Back to English for the next lab, whatever ran before.
        assert_eq!(
            why(&Derived::new_in(&Tr::english(), text, &[Os::Linux])),
            english
        );
    }
}
