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

/// `rules.json` as written, with what the compiled table leaves out (each
/// rule's `cite` list: document or file, version, place and quote). For tools
/// that show citations (`bindlab rules ID`); the app does not use it, so the
/// text stays out of the wasm.
pub const RULES_JSON: &str = include_str!("rules.json");

/// Every rule, in catalogue order.
pub fn catalogue() -> &'static [Rule] {
    RULES
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
