//! The sandbox's state, lifted to one reducer: the scenario text (the one
//! source of truth: GUI controls write text), the OSes shown, and how many
//! steps have run. Everything else is derived from these three.

use std::rc::Rc;

use bindlab_engine::permalink::Permalink;
use bindlab_engine::Os;
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
    Load(Permalink),
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
                    s.oses.sort();
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
