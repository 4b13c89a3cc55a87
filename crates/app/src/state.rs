//! The sandbox's state, lifted to one reducer: the scenario text (the one
//! source of truth: GUI controls write text), the OSes shown, and how many
//! steps have run. Everything else is derived from these three
//! ([`Derived`], once per change of text or OSes).

use std::rc::Rc;

use bindlab_engine::permalink::Permalink;
use bindlab_engine::{parse, run, Os, Problem, Report, Scenario};
use yew::Reducible;

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
    /// state: its scenario, OSes and step, or why the link cannot be opened.
    pub fn from_permalink(fragment: &str) -> Result<Sandbox, String> {
        match Permalink::decode(fragment) {
            Ok(p) => Ok(Sandbox {
                text: p.text,
                oses: p.oses,
                step: p.step,
                notice: None,
            }),
            Err(e) => Err(format!("The link could not be opened: {e}")),
        }
    }

    /// A state that says what went wrong and shows nothing.
    pub fn failed(mut self, message: String) -> Sandbox {
        self.text.clear();
        self.notice = Some(Notice {
            text: message,
            error: true,
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
            Action::AppendLine(line) => {
                let trimmed = s.text.trim_end_matches('\n');
                s.text = if trimmed.is_empty() {
                    format!("{line}\n")
                } else {
                    format!("{trimmed}\n{line}\n")
                };
            }
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
            Action::Step(total) => s.step = (s.step + 1).min(total),
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

/// Everything derived from the state, computed once per change of text or
/// OSes (not per step) and shared by pointer.
pub(crate) struct Derived {
    pub(crate) parsed: Result<Scenario, Vec<Problem>>,
    pub(crate) reports: Vec<Report>,
}

impl Derived {
    pub(crate) fn new(text: &str, oses: &[Os]) -> Derived {
        let parsed = parse(text);
        let reports = match &parsed {
            Ok(s) => oses.iter().map(|&os| run(s, os)).collect(),
            Err(_) => Vec::new(),
        };
        Derived { parsed, reports }
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
