//! The rule catalogue: every rule id the engine can report, with a title, a
//! paragraph of explanation and its source. It is data (`rules.json`) so the
//! UI and the lessons read the same text the CLI prints.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub explanation: String,
    /// Kernel function or document section, with the os-rules.md section.
    pub source: String,
}

static CATALOGUE: OnceLock<Vec<Rule>> = OnceLock::new();

/// The raw catalogue text (JSON), for the web app to ship as-is.
pub const CATALOGUE_JSON: &str = include_str!("rules.json");

/// Every rule, in catalogue order.
pub fn catalogue() -> &'static [Rule] {
    // The file is part of the crate and checked by a test; an error here is
    // a build defect, so an empty catalogue (and failing tests) is the answer.
    CATALOGUE.get_or_init(|| serde_json::from_str(CATALOGUE_JSON).unwrap_or_default())
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    catalogue().iter().find(|r| r.id == id)
}
