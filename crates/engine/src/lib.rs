//! bindlab's bind-rule engine.
//!
//! A scenario (text, see `shared/spec/scenario-format.md`) is parsed into a
//! [`Scenario`], then run on a simulated [`host::Host`] whose calls follow
//! one OS's rules ([`os`]). Each step yields a [`report::StepReport`] naming
//! the rule that decided it ([`rules`]).
//!
//! The engine is pure Rust with no I/O and never panics on any input: the
//! same wasm instance serves every widget of a page.

#![forbid(unsafe_code)]

pub mod addr;
pub mod cheatsheet;
pub mod errno;
pub mod export;
pub mod gen;
pub mod host;
pub mod keytext;
pub mod lists;
pub mod messages;
pub mod near;
pub mod os;
#[cfg(feature = "locales")]
pub mod overlay_json;
pub mod parse;
pub mod permalink;
pub mod print;
pub mod report;
pub mod rule_texts;
pub mod rules;
pub mod scenario;
pub mod sort;
pub mod why;

pub use errno::{Errno, Outcome};
pub use os::Os;
pub use parse::{parse, parse_for, Problem, TextOs, PROBLEMS_SHOWN};
pub use print::print;
pub use report::{MultiReport, Report, StepReport};
pub use scenario::Scenario;

/// Version of the report format (`"format"` in the JSON).
pub const REPORT_FORMAT: u32 = 1;

/// Runs `scenario` on `os`. Expectations (`=> RESULT`) are checked only when
/// `os` is the scenario's own OS, since they are written for it.
pub fn run(scenario: &Scenario, os: Os) -> Report {
    let (_, mut steps) = host::run_steps(scenario, os);
    if os == scenario.os {
        for (rep, step) in steps.iter_mut().zip(&scenario.steps) {
            rep.check_expectation(os, step.expect.as_deref());
        }
    }
    Report {
        format: REPORT_FORMAT,
        os,
        steps,
    }
}

/// Runs `scenario` on every OS.
pub fn run_all(scenario: &Scenario) -> MultiReport {
    MultiReport {
        format: REPORT_FORMAT,
        runs: Os::ALL.iter().map(|&os| (os, run(scenario, os))).collect(),
    }
}

/// The host after the first `n` steps on `os`, for views that show state
/// (the diagram) at any step.
pub fn host_after(scenario: &Scenario, os: Os, n: usize) -> host::Host {
    let mut h = host::Host::new(os, &scenario.ifaces, scenario.seed);
    for step in scenario.steps.iter().take(n) {
        h.apply(step);
    }
    h
}
