//! The report: what a run says about each step, in the spec's JSON shape.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::ser::SerializeStruct;
use serde::Serialize;

use crate::addr::SockAddr;
use crate::errno::{canonical_result, Outcome};
use crate::os::{Decision, Os};
use crate::rules::RuleId;
use crate::scenario::Step;
use crate::why::Why;

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

impl MultiReport {
    /// Whether the OSes disagree on step `row` by meaning: its outcome
    /// ([`StepReport::meaning`]) differs. A difference of naming only
    /// (`EAGAIN` / `WSAEWOULDBLOCK`, `EBADF` / `WSAENOTSOCK`) is no difference.
    pub fn differs(&self, row: usize) -> bool {
        differs(self.runs.values(), row)
    }
}

/// [`MultiReport::differs`] over any set of reports (the site keeps a `Vec`).
pub fn differs<'a>(reports: impl IntoIterator<Item = &'a Report>, row: usize) -> bool {
    let mut it = reports
        .into_iter()
        .filter_map(|r| r.steps.get(row))
        .map(StepReport::meaning);
    match it.next() {
        Some(first) => it.any(|m| m != first),
        None => false,
    }
}

/// One step's entry. Field order and names follow the spec; `local`,
/// `remote`, `candidates` and `undetermined` are bindlab's additions.
/// `result` is typed; it is named for `os` only when serialised
/// ([`StepReport::result_name`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepReport {
    /// The OS that ran the step: it names the result. Not serialised (the
    /// report carries it once).
    pub os: Os,
    pub line: u32,
    pub op: &'static str,
    pub socket: Option<String>,
    pub result: Outcome,
    /// The rule that decided the step; serialised as its id.
    pub rule: Option<RuleId>,
    /// Written when first read ([`Why`]).
    pub why: Option<Why>,
    pub expected: Option<String>,
    pub pass: Option<bool>,
    /// `client` and local `connect`: listener name → connections it took.
    pub accepted_by: Option<BTreeMap<String, u32>>,
    /// Connections whose listener the OS leaves undefined (Windows sockets
    /// sharing an address through SO_REUSEADDR); never given a guessed winner.
    pub undetermined: Option<u32>,
    /// `client`: connections no socket accepted (refused or timed out) when
    /// others of the same step were accepted; absent when all or none were.
    pub failed: Option<u32>,
    /// The listeners that may take a connection where the OS chooses among
    /// several (an SO_REUSEPORT group, or the undefined Windows case); for a
    /// `datagram`, the sockets that may receive one.
    /// Shared (`Arc`): a datagram to a big group names the same list step
    /// after step.
    pub candidates: Option<Arc<[String]>>,
    /// `datagram`: socket name → datagrams it received (a multicast datagram
    /// counts once for every socket that gets a copy).
    pub received_by: Option<BTreeMap<String, u32>>,
    /// `datagram`: datagrams no socket received.
    pub dropped: Option<u32>,
    /// The local address the step gave the socket (bind, listen, connect, accept).
    pub local: Option<SockAddr>,
    pub remote: Option<SockAddr>,
}

/// What a step's outcome means, whatever the OS calls it: the result and
/// where connections went. Two OSes agree on a step when these are equal.
/// Where the OS chooses among listeners, the candidates are the meaning, not
/// the one bindlab's seeded stand-in for the kernel's hash happened to pick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meaning<'a> {
    pub result: Outcome,
    /// Who took the connections, when one listener decides.
    pub accepted_by: Option<&'a BTreeMap<String, u32>>,
    /// Who may take them, when the OS chooses (by hash or undefined).
    pub candidates: Option<&'a [String]>,
    /// Whether the OS leaves the choice undefined (not a hash).
    pub undefined: bool,
    pub failed: Option<u32>,
    /// Who received datagrams, when no choice was made by chance.
    pub received_by: Option<&'a BTreeMap<String, u32>>,
    pub dropped: Option<u32>,
}

/// The spec's JSON: absent fields are left out, `result` is the OS's name.
impl Serialize for StepReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("StepReport", 16)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("op", self.op)?;
        if let Some(v) = &self.socket {
            st.serialize_field("socket", v)?;
        }
        st.serialize_field("result", self.result_name())?;
        if let Some(v) = self.rule {
            st.serialize_field("rule", v.as_str())?;
        }
        if let Some(v) = &self.why {
            st.serialize_field("why", v)?;
        }
        if let Some(v) = &self.expected {
            st.serialize_field("expected", v)?;
        }
        if let Some(v) = &self.pass {
            st.serialize_field("pass", v)?;
        }
        if let Some(v) = &self.accepted_by {
            st.serialize_field("accepted_by", v)?;
        }
        if let Some(v) = &self.received_by {
            st.serialize_field("received_by", v)?;
        }
        if let Some(v) = &self.dropped {
            st.serialize_field("dropped", v)?;
        }
        if let Some(v) = &self.undetermined {
            st.serialize_field("undetermined", v)?;
        }
        if let Some(v) = &self.failed {
            st.serialize_field("failed", v)?;
        }
        if let Some(v) = &self.candidates {
            st.serialize_field("candidates", &v[..])?;
        }
        if let Some(v) = &self.local {
            st.serialize_field("local", &v.to_string())?;
        }
        if let Some(v) = &self.remote {
            st.serialize_field("remote", &v.to_string())?;
        }
        st.end()
    }
}

impl StepReport {
    /// The result as this report's OS names it: `ok`, `EAGAIN`, `WSAEWOULDBLOCK`.
    pub fn result_name(&self) -> &'static str {
        self.result.name(self.os)
    }

    /// The outcome by meaning (see [`MultiReport::differs`]).
    pub fn meaning(&self) -> Meaning<'_> {
        let candidates = self.candidates.as_deref();
        Meaning {
            result: self.result,
            accepted_by: self.accepted_by.as_ref().filter(|_| candidates.is_none()),
            candidates,
            undefined: self.undetermined.is_some(),
            failed: self.failed,
            received_by: self.received_by.as_ref().filter(|_| candidates.is_none()),
            dropped: self.dropped,
        }
    }

    /// The outcome in a few words, as a table cell shows it: "ok",
    /// "EADDRINUSE", "ok → A×2 B×1", "ok → A or B? ×3" where the OS leaves
    /// the choice open ("A, B or C", at most [`crate::rules::NAMES_SHOWN`]
    /// names), "✗×2" for clients that failed beside others.
    /// The CLI and the site both print this, so an undefined route reads
    /// the same in both.
    pub fn summary(&self) -> String {
        self.summary_in("dropped", &crate::lists::Lists::ENGLISH)
    }

    /// [`StepReport::summary`] with its word "dropped" and its lists in
    /// another language (the site's and the CLI's zh-CN: "丢弃", and
    /// 「A、B或C」 from the language's [`crate::lists::Lists`]).
    pub fn summary_in(&self, dropped: &str, lists: &crate::lists::Lists) -> String {
        let mut s = self.result_name().to_string();
        if let Some(acc) = &self.accepted_by {
            let parts: Vec<String> = acc.iter().map(|(k, v)| format!("{k}×{v}")).collect();
            if !parts.is_empty() {
                s.push_str(" → ");
                s.push_str(&parts.join(" "));
            }
        }
        if let Some(rec) = &self.received_by {
            let parts: Vec<String> = rec.iter().map(|(k, v)| format!("{k}×{v}")).collect();
            if !parts.is_empty() {
                s.push_str(" → ");
                s.push_str(&parts.join(" "));
            }
        }
        if let Some(n) = self.dropped.filter(|&n| n > 0) {
            s.push_str(&format!(" {dropped}×{n}"));
        }
        if let Some(n) = self.undetermined {
            let list = self.candidates_list(lists);
            s.push_str(&format!(" → {list}? ×{n}"));
        }
        if let Some(n) = self.failed {
            s.push_str(&format!(" ✗×{n}"));
        }
        s
    }

    /// The group the OS chose among by a hash (an SO_REUSEPORT group), as
    /// a cell lists it ("A, B or C"), when the step's connections or
    /// datagrams went so: the summary's counts are then one split that
    /// bindlab's seeded stand-in for the kernel's hash made, and a view
    /// says the winners are any of the group. `None` for a choice the OS
    /// leaves undefined (the summary already says "A or B?") or none.
    pub fn hashed_among(&self, lists: &crate::lists::Lists) -> Option<String> {
        (self.candidates.is_some() && self.undetermined.is_none())
            .then(|| self.candidates_list(lists))
    }

    /// The candidates as a why-line lists them: "A or B", "A, B or C", a
    /// crowd cut to its first names and its last.
    fn candidates_list(&self, lists: &crate::lists::Lists) -> String {
        let c = self.candidates.as_deref().unwrap_or_default();
        let shown = crate::rules::few_names(c.len(), |i| crate::rules::Name::from(c[i].as_str()));
        lists.join(&shown, crate::lists::Joint::Or)
    }

    pub fn new(os: Os, step: &Step) -> StepReport {
        StepReport {
            os,
            line: step.line,
            op: step.kind.op(),
            socket: step.kind.socket().map(str::to_string),
            result: Outcome::Ok,
            rule: None,
            why: None,
            expected: None,
            pass: None,
            accepted_by: None,
            undetermined: None,
            failed: None,
            candidates: None,
            received_by: None,
            dropped: None,
            local: None,
            remote: None,
        }
    }

    pub fn set_decision(&mut self, d: Decision) {
        let (result, rule, why) = d.into_parts();
        self.result = result.into();
        self.rule = rule;
        self.why = why;
    }

    pub fn is_ok(&self) -> bool {
        self.result.is_ok()
    }

    /// Fills `expected`/`pass` from a `=> RESULT`.
    pub fn check_expectation(&mut self, os: Os, expect: Option<&str>) {
        if let Some(e) = expect {
            let canon = canonical_result(os, e).unwrap_or_else(|| e.to_string());
            self.pass = Some(Outcome::from_name(os, e) == Some(self.result));
            self.expected = Some(canon);
        }
    }
}
