//! The rule catalogue: every rule id the engine can report, with a title, a
//! paragraph of explanation and its source. It is data (`rules.json`, turned
//! into a static table and the [`RuleId`] enum by `build.rs`), so the CLI,
//! the UI and the lessons all read the same text, and the engine's code can
//! name only rules the catalogue has.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub title: &'static str,
    pub explanation: &'static str,
    /// Kernel function or document section, with the os-rules.md section.
    pub source: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/rules.rs"));

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
