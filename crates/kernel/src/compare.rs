//! The engine's prediction beside the kernel's outcome, step by step.
//!
//! Results must be equal. Where a connection's listener is the kernel's own
//! choice by chance (an SO_REUSEPORT group, keyed by a per-boot secret),
//! the comparison is of sets: every listener the kernel used must be one of
//! the engine's candidates, and the totals must match. Elsewhere the counts
//! per listener must be equal.

use std::collections::BTreeMap;
use std::fmt::Write;

use bindlab_engine::print::step_text;
use bindlab_engine::{run, Os, Outcome, Scenario, StepReport};

use crate::runner::{run_on_kernel, Isolation, KernelStep};

/// One step of a verification.
#[derive(Clone, Debug)]
pub struct Row {
    pub line: u32,
    pub step: String,
    pub engine: String,
    /// `None`: the step could not be checked on the kernel (see `note`).
    pub kernel: Option<String>,
    pub agree: Option<bool>,
    pub note: Option<String>,
}

fn with_routing(result: &str, acc: &BTreeMap<String, u32>) -> String {
    let parts: Vec<String> = acc
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{k}×{n}"))
        .collect();
    if parts.is_empty() {
        result.to_string()
    } else {
        format!("{result} → {}", parts.join(" "))
    }
}

fn engine_cell(rep: &StepReport) -> String {
    let acc = rep
        .accepted_by
        .clone()
        .or_else(|| rep.received_by.clone())
        .unwrap_or_default();
    let mut s = with_routing(rep.result_name(), &acc);
    if let Some(c) = &rep.candidates {
        let _ = write!(s, " (any of {})", c.join(", "));
    }
    s
}

/// Whether the kernel's routing is one the engine allows.
fn routing_agrees(rep: &StepReport, k: &KernelStep) -> bool {
    let engine = rep.accepted_by.clone().unwrap_or_default();
    let total = |m: &BTreeMap<String, u32>| m.values().sum::<u32>();
    match &rep.candidates {
        Some(c) => {
            total(&engine) + rep.undetermined.unwrap_or(0) == total(&k.accepted_by)
                && k.accepted_by.keys().all(|l| c.contains(l))
        }
        None => {
            let nz = |m: &BTreeMap<String, u32>| {
                m.iter()
                    .filter(|(_, n)| **n > 0)
                    .map(|(a, b)| (a.clone(), *b))
                    .collect::<BTreeMap<_, _>>()
            };
            nz(&engine) == nz(&k.accepted_by)
        }
    }
}

/// Whether the datagrams the kernel's sockets received are what the engine
/// allows: the same total, and where the OS picked by hash (`candidates`)
/// every receiver one of them; every other receiver's count exact.
fn delivery_agrees(rep: &StepReport, k: &KernelStep) -> bool {
    let engine = rep.received_by.clone().unwrap_or_default();
    let total = |m: &BTreeMap<String, u32>| m.values().sum::<u32>();
    let cands = rep.candidates.clone().unwrap_or_default();
    let fixed = |m: &BTreeMap<String, u32>| {
        m.iter()
            .filter(|(n, c)| **c > 0 && !cands.contains(n))
            .map(|(a, b)| (a.clone(), *b))
            .collect::<BTreeMap<_, _>>()
    };
    total(&engine) + rep.undetermined.unwrap_or(0) == total(&k.received_by)
        && fixed(&engine) == fixed(&k.received_by)
}

pub fn compare(scenario: &Scenario, kernel: &[KernelStep]) -> Vec<Row> {
    let report = run(scenario, Os::Linux);
    scenario
        .steps
        .iter()
        .zip(&report.steps)
        .zip(kernel)
        .map(|((step, rep), k)| {
            let agree = k.result.as_ref().map(|r| {
                Outcome::from_name(Os::Linux, r) == Some(rep.result)
                    && (!matches!(step.kind.op(), "client" | "connect")
                        || !rep.is_ok()
                        || routing_agrees(rep, k))
                    && (step.kind.op() != "datagram" || delivery_agrees(rep, k))
            });
            Row {
                line: step.line,
                step: step_text(&step.kind),
                engine: engine_cell(rep),
                kernel: k.result.as_ref().map(|r| {
                    let routes = if step.kind.op() == "datagram" {
                        &k.received_by
                    } else {
                        &k.accepted_by
                    };
                    with_routing(r, routes)
                }),
                agree,
                note: k.note.clone(),
            }
        })
        .collect()
}

/// Runs `scenario` on the kernel and compares.
pub fn verify(scenario: &Scenario, iso: Isolation) -> Result<Vec<Row>, String> {
    let kernel = run_on_kernel(scenario, iso)?;
    Ok(compare(scenario, &kernel))
}

/// Whether every checked step agrees.
pub fn all_agree(rows: &[Row]) -> bool {
    rows.iter().all(|r| r.agree != Some(false))
}

/// The rows as a table for people.
pub fn render(rows: &[Row]) -> String {
    let w = rows
        .iter()
        .map(|r| r.step.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let ke = rows
        .iter()
        .map(|r| r.kernel.as_deref().unwrap_or("not checked").chars().count())
        .max()
        .unwrap_or(6)
        .max(12);
    let mut out = format!(
        "{:>5}  {:<w$}  {:<ke$}  {}\n",
        "line", "step", "Linux kernel", "bindlab (linux)"
    );
    for r in rows {
        let mark = match r.agree {
            Some(true) => "  ",
            Some(false) => "≠ ",
            None => "? ",
        };
        let _ = writeln!(
            out,
            "{:>5}  {:<w$}  {:<ke$}  {mark}{}",
            r.line,
            r.step,
            r.kernel.as_deref().unwrap_or("not checked"),
            r.engine
        );
        if let Some(n) = &r.note {
            let _ = writeln!(out, "{:>5}  {:<w$}  ({n})", "", "");
        }
    }
    let (same, diff, skipped) = rows.iter().fold((0, 0, 0), |(a, b, c), r| match r.agree {
        Some(true) => (a + 1, b, c),
        Some(false) => (a, b + 1, c),
        None => (a, b, c + 1),
    });
    let _ = writeln!(
        out,
        "\n{same} steps agree, {diff} differ (≠), {skipped} not checkable (?)"
    );
    out
}
