//! The rule catalogue: every rule id the engine can report, with a title, a
//! paragraph of explanation and its source. It is data (`rules.json`, turned
//! into a static table by `build.rs`), so the CLI, the UI and the lessons all
//! read the same text.

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

/// Every rule, in catalogue order.
pub fn catalogue() -> &'static [Rule] {
    RULES
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
