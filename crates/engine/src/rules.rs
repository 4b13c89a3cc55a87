//! The rule catalogue: every rule id the engine can report, with a title, a
//! paragraph of explanation and its source. It is data (`rules.json`, turned
//! into a static table and the [`RuleId`] enum by `build.rs`), so the CLI,
//! the UI and the lessons all read the same text, and the engine's code can
//! name only rules the catalogue has.

use std::fmt::{self, Write};
use std::net::IpAddr;
use std::str::FromStr;

use serde::Serialize;

use crate::addr::SockAddr;

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub title: &'static str,
    pub explanation: &'static str,
    /// Kernel function or document section, with the os-rules.md section.
    pub source: &'static str,
    /// The why-line templates: (variant, text with `{slot}`s);
    /// [`WhyVariant::Usual`] is the usual one. Rendered by [`render_why`].
    #[serde(skip)]
    pub why: &'static [(WhyVariant, &'static str)],
}

/// A typed value for a why-line slot. Rendered only by [`render_why`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A name from the scenario: a socket, a user.
    Name(String),
    /// Several names, written "A, B".
    Names(Vec<String>),
    /// Several names, written "A and B".
    NamesAnd(Vec<String>),
    /// Several names, written "A or B".
    NamesOr(Vec<String>),
    /// A why-line already rendered, that another one extends.
    Line(String),
    /// An address and port.
    Addr(SockAddr),
    /// An address.
    Ip(IpAddr),
    /// A port, a count, a number of seconds.
    Num(u64),
    /// A fixed word of bindlab's (an option's name, a state, an OS).
    Word(&'static str),
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Name(s) => f.write_str(s),
            Arg::Names(v) => f.write_str(&v.join(", ")),
            Arg::NamesAnd(v) => f.write_str(&v.join(" and ")),
            Arg::NamesOr(v) => f.write_str(&v.join(" or ")),
            Arg::Line(s) => f.write_str(s),
            Arg::Addr(a) => write!(f, "{a}"),
            Arg::Ip(ip) => write!(f, "{ip}"),
            Arg::Num(n) => write!(f, "{n}"),
            Arg::Word(w) => f.write_str(w),
        }
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Name(s.to_string())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Name(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Name(s.clone())
    }
}
impl From<Vec<String>> for Arg {
    fn from(v: Vec<String>) -> Arg {
        Arg::Names(v)
    }
}
impl From<SockAddr> for Arg {
    fn from(a: SockAddr) -> Arg {
        Arg::Addr(a)
    }
}
/// An address that may be missing (written as nothing, as before).
impl From<Option<SockAddr>> for Arg {
    fn from(a: Option<SockAddr>) -> Arg {
        a.map_or(Arg::Word(""), Arg::Addr)
    }
}
impl From<IpAddr> for Arg {
    fn from(ip: IpAddr) -> Arg {
        Arg::Ip(ip)
    }
}
impl From<u16> for Arg {
    fn from(n: u16) -> Arg {
        Arg::Num(n.into())
    }
}
impl From<u32> for Arg {
    fn from(n: u32) -> Arg {
        Arg::Num(n.into())
    }
}
impl From<u64> for Arg {
    fn from(n: u64) -> Arg {
        Arg::Num(n)
    }
}

/// The slots of one why-line: `args![Slot::Socket => name, Slot::Port => port]`.
pub type Args = Vec<(Slot, Arg)>;

/// `args![Slot::Socket => name, …]`: a why-line's typed arguments.
#[macro_export]
macro_rules! args {
    ($($slot:expr => $val:expr),* $(,)?) => {
        vec![$(($slot, $crate::rules::Arg::from($val))),*]
    };
}

/// The one function that writes a why-line: `rule`'s template `variant`
/// ([`WhyVariant::Usual`]: the usual one) with its slots filled from `args`. A slot without
/// an argument is left as `{name}` (a test checks none is), never a panic.
pub fn render_why(rule: RuleId, variant: WhyVariant, args: Args) -> String {
    let template = rule
        .rule()
        .why
        .iter()
        .find(|(v, _)| *v == variant)
        .map(|(_, t)| *t)
        .unwrap_or("");
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(j) = after.find('}') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let name = &after[..j];
        match args.iter().find(|(s, _)| s.name() == name) {
            Some((_, a)) => {
                let _ = write!(out, "{a}");
            }
            None => {
                out.push('{');
                out.push_str(name);
                out.push('}');
            }
        }
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    out
}

include!(concat!(env!("OUT_DIR"), "/rules.rs"));

/// `rules.json` as written, with what the compiled table leaves out (each
/// rule's `cite` list: document or file, version, place and quote). For tools
/// that show citations (`bindlab rules ID`); the app does not use it, so the
/// text stays out of the wasm.
pub const RULES_JSON: &str = include_str!("rules.json");

impl RuleId {
    /// The catalogue's entry for this rule.
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RuleId {
    type Err = String;
    fn from_str(s: &str) -> Result<RuleId, String> {
        RuleId::from_id(s).ok_or_else(|| format!("no rule `{s}` in the catalogue"))
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Every rule, in catalogue order.
pub fn catalogue() -> &'static [Rule] {
    RULES
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RuleId::from_id(id).map(RuleId::rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_table_agree() {
        assert_eq!(RuleId::ALL.len(), RULES.len());
        for (i, r) in RuleId::ALL.iter().enumerate() {
            assert_eq!(r.rule().id, r.as_str());
            assert_eq!(*r as usize, i);
            assert_eq!(r.as_str().parse::<RuleId>(), Ok(*r));
        }
        assert!("linux.bind.nope".parse::<RuleId>().is_err());
    }
}
