//! A step's why-line, written when it is first read.
//!
//! Every step decides a rule and its arguments, but not every line is read:
//! a page writes a row's lines when it shows the row, a benchmark never. Filling a template was a third of a crowded BSD `listen`, so a
//! [`Why`] keeps the rule, the template variant, the arguments and the
//! language in force when the step ran ([`crate::rules::set_overlay`]), and
//! writes the text once, on first read. The text is the one
//! [`render_why`](crate::rules::render_why) would have written at the step:
//! the language is the step's, not the reader's (a page may hold labs in two
//! languages, each setting its own before it runs).

use std::cell::OnceCell;
use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

use crate::rules::{overlay, render_in, Args, Overlay, RuleId, WhyVariant};

/// A why-line: text already written, or a template to fill when read.
/// Reads as a `str` (`Deref`), compares and serialises as its text.
#[derive(Clone)]
pub struct Why {
    text: OnceCell<String>,
    /// What to fill `text` from; `None` once there is nothing left to write.
    pending: Option<Pending>,
}

#[derive(Clone)]
struct Pending {
    rule: RuleId,
    variant: WhyVariant,
    args: Args,
    overlay: Option<Rc<Overlay>>,
}

impl Why {
    /// `rule`'s template `variant` filled from `args` in the language in
    /// force now, written when first read.
    pub fn of(rule: RuleId, variant: WhyVariant, args: Args) -> Why {
        Why {
            text: OnceCell::new(),
            pending: Some(Pending {
                rule,
                variant,
                args,
                overlay: overlay(),
            }),
        }
    }

    /// The line as text, written now if it was not yet.
    pub fn as_str(&self) -> &str {
        self.text.get_or_init(|| match &self.pending {
            Some(p) => render_in(p.overlay.as_deref(), p.rule, p.variant, &p.args),
            None => String::new(),
        })
    }

    /// The argument of `slot` the line was made with, if it is still a
    /// template (what a refusal names, without writing the line).
    pub(crate) fn arg(&self, slot: crate::rules::Slot) -> Option<&crate::rules::Arg> {
        let p = self.pending.as_ref()?;
        p.args.iter().find(|(s, _)| *s == slot).map(|(_, a)| a)
    }

    /// The line as an owned `String`.
    pub fn into_string(self) -> String {
        self.as_str();
        self.text.into_inner().unwrap_or_default()
    }
}

/// The empty line.
impl Default for Why {
    fn default() -> Why {
        Why::from(String::new())
    }
}

impl From<String> for Why {
    fn from(text: String) -> Why {
        Why {
            text: OnceCell::from(text),
            pending: None,
        }
    }
}

impl From<&str> for Why {
    fn from(text: &str) -> Why {
        Why::from(text.to_string())
    }
}

impl Deref for Why {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Why {
    fn eq(&self, other: &Why) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Why {}

impl PartialEq<str> for Why {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Why {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for Why {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args;
    use crate::rules::{render_why, set_overlay, Slot};

    /// A line read later reads as one written at the step, whatever the
    /// language is by then.
    #[test]
    fn a_line_is_written_in_the_language_of_its_step() {
        let rule = RuleId::BsdListenNoRecheck;
        let args = || args![Slot::Sockets => "A", Slot::Port => 80u16, Slot::Os => "FreeBSD"];
        let english = render_why(rule, WhyVariant::Usual, args());
        let why = Why::of(rule, WhyVariant::Usual, args());
        let words = Overlay::new([], [("and".to_string(), "和".to_string())]);
        set_overlay(Some(Rc::new(words)));
        assert_eq!(why.as_str(), english);
        let in_overlay = Why::of(rule, WhyVariant::Several, {
            let mut a = args();
            a[0].1 = crate::rules::Arg::NamesAnd(vec!["A".into(), "B".into()]);
            a
        });
        set_overlay(None);
        assert!(in_overlay.contains("A和B"), "{in_overlay}");
        assert_eq!(Why::from(english.clone()), why);
        assert_eq!(why.clone().into_string(), english);
    }
}
