//! The report: what a run says about each step, in the spec's JSON shape.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::addr::SockAddr;
use crate::errno::canonical_result;
use crate::os::{Decision, Os};
use crate::scenario::Step;

/// The report of one run on one OS (`bindlab run --json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub format: u32,
    pub os: Os,
    pub steps: Vec<StepReport>,
}

impl Report {
    /// Whether every expectation held (true when there are none).
    pub fn passed(&self) -> bool {
        self.steps.iter().all(|s| s.pass != Some(false))
    }
}

/// The reports of one scenario on every OS (`--os all`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MultiReport {
    pub format: u32,
    pub runs: BTreeMap<Os, Report>,
}

/// One step's entry. Field order and names follow the spec; `local`,
/// `remote`, `candidates` and `undetermined` are bindlab's additions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepReport {
    pub line: u32,
    pub op: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub socket: Option<String>,
    pub result: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pass: Option<bool>,
    /// `client` and local `connect`: listener name → connections it took.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_by: Option<BTreeMap<String, u32>>,
    /// Connections whose listener the OS leaves undefined (Windows sockets
    /// sharing an address through SO_REUSEADDR); never given a guessed winner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undetermined: Option<u32>,
    /// `client`: connections no socket accepted (refused or timed out) when
    /// others of the same step were accepted; absent when all or none were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed: Option<u32>,
    /// The listeners that may take a connection where the OS chooses among
    /// several (an SO_REUSEPORT group, or the undefined Windows case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidates: Option<Vec<String>>,
    /// The local address the step gave the socket (bind, listen, connect, accept).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ser_addr")]
    pub local: Option<SockAddr>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ser_addr")]
    pub remote: Option<SockAddr>,
}

fn ser_addr<S: serde::Serializer>(a: &Option<SockAddr>, s: S) -> Result<S::Ok, S::Error> {
    match a {
        Some(a) => s.serialize_str(&a.to_string()),
        None => s.serialize_none(),
    }
}

impl StepReport {
    /// The outcome in a few words, as a table cell shows it: "ok",
    /// "EADDRINUSE", "ok → A×2 B×1", "ok → A or B? ×3" where the OS leaves
    /// the choice open, "✗×2" for clients that failed beside others.
    /// The CLI and the site both print this.
    pub fn summary(&self) -> String {
        let mut s = self.result.clone();
        if let Some(acc) = &self.accepted_by {
            let parts: Vec<String> = acc.iter().map(|(k, v)| format!("{k}×{v}")).collect();
            if !parts.is_empty() {
                s.push_str(" → ");
                s.push_str(&parts.join(" "));
            }
        }
        if let Some(n) = self.undetermined {
            let c = self.candidates.as_deref().unwrap_or_default();
            s.push_str(&format!(" → {}? ×{n}", c.join(" or ")));
        }
        if let Some(n) = self.failed {
            s.push_str(&format!(" ✗×{n}"));
        }
        s
    }

    pub fn new(step: &Step) -> StepReport {
        StepReport {
            line: step.line,
            op: step.kind.op(),
            socket: step.kind.socket().map(str::to_string),
            result: "ok".to_string(),
            rule: None,
            why: None,
            expected: None,
            pass: None,
            accepted_by: None,
            undetermined: None,
            failed: None,
            candidates: None,
            local: None,
            remote: None,
        }
    }

    pub fn set_decision(&mut self, os: Os, d: Decision) {
        self.result = match d.result {
            Ok(()) => "ok".to_string(),
            Err(e) => e.name(os).to_string(),
        };
        self.rule = d.rule;
        self.why = d.why;
    }

    pub fn is_ok(&self) -> bool {
        self.result == "ok"
    }

    /// Fills `expected`/`pass` from a `=> RESULT`.
    pub fn check_expectation(&mut self, os: Os, expect: Option<&str>) {
        if let Some(e) = expect {
            let canon = canonical_result(os, e).unwrap_or_else(|| e.to_string());
            self.pass = Some(canon == self.result);
            self.expected = Some(canon);
        }
    }
}
