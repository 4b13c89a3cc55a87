//! Predict-then-run: the choices a learner picks from, and the truth the
//! engine gives. A `client` step is predicted by *who* takes the connection,
//! a `datagram` step by who receives it; every other step by its result
//! (`ok` or the OS's error name).

use bindlab_engine::scenario::StepKind;
use bindlab_engine::why::Why;
use bindlab_engine::{run, Os, Outcome, Scenario};

/// A client reached no listener.
pub const REFUSED: &str = "refused";
/// The OS chooses among several listeners (an SO_REUSEPORT group, or
/// Windows' undefined case): no bind order decides it.
pub const SEVERAL: &str = "several";

/// Every outcome a prediction can have, besides socket names. Its order is
/// part of the progress code ([`crate::progress`]): append, never reorder.
pub const OUTCOMES: &[&str] = &[
    "ok",
    "EADDRINUSE",
    "EADDRNOTAVAIL",
    "EACCES",
    "ECONNREFUSED",
    "EAGAIN",
    "EINVAL",
    "EISCONN",
    "ETIMEDOUT",
    "ENETUNREACH",
    "EAFNOSUPPORT",
    "ENOPROTOOPT",
    "EOPNOTSUPP",
    "EWOULDBLOCK",
    "WSAEADDRINUSE",
    "WSAEACCES",
    "WSAEADDRNOTAVAIL",
    "WSAECONNREFUSED",
    "WSAEINVAL",
    "WSAEWOULDBLOCK",
    REFUSED,
    SEVERAL,
    DROPPED,
    COPIES,
];

/// A datagram no socket received (the host answers ICMP port unreachable
/// for unicast).
pub const DROPPED: &str = "dropped";
/// A multicast datagram that several sockets each receive a copy of.
pub const COPIES: &str = "copies";

/// The engine's answer to one prediction on one OS, with its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Truth {
    pub outcome: String,
    pub rule: Option<bindlab_engine::rules::RuleId>,
    pub why: Option<String>,
}

fn step_kind(scenario: &Scenario, step_line: u32) -> Option<&StepKind> {
    scenario
        .steps
        .iter()
        .find(|s| s.line == step_line)
        .map(|s| &s.kind)
}

/// Whether the step on `step_line` is a bind or a listen: one that
/// succeeds under no rule met nothing on its port (a page says so, where it
/// would otherwise give no reason).
pub fn checks_the_port(scenario: &Scenario, step_line: u32) -> bool {
    matches!(
        step_kind(scenario, step_line),
        Some(StepKind::Bind { .. } | StepKind::Listen { .. })
    )
}

/// What the learner chooses from for the step on `step_line` on `os`.
/// The same list whatever the answer, so the list gives nothing away;
/// `check_lesson` makes sure the truth is always among them.
pub fn choices(scenario: &Scenario, step_line: u32, os: Os) -> Vec<String> {
    let Some(step) = scenario.steps.iter().find(|s| s.line == step_line) else {
        return Vec::new();
    };
    let win = os == Os::Windows;
    let list: &[&str] = match (&step.kind, win) {
        (StepKind::Client { .. }, _) => {
            // Every socket that listens at some point, then the two others.
            let mut names: Vec<String> = Vec::new();
            for s in &scenario.steps {
                if let StepKind::Listen { name } = &s.kind {
                    if !names.contains(name) {
                        names.push(name.clone());
                    }
                }
            }
            names.push(SEVERAL.into());
            names.push(REFUSED.into());
            return names;
        }
        (StepKind::Datagram { .. }, _) => {
            // Every UDP socket of the scenario, then the four other answers.
            let mut names: Vec<String> = Vec::new();
            for s in &scenario.steps {
                if let StepKind::Socket { name, proto } = &s.kind {
                    if proto.is_udp() && !names.contains(name) {
                        names.push(name.clone());
                    }
                }
            }
            names.extend([COPIES, SEVERAL, DROPPED].map(String::from));
            return names;
        }
        (StepKind::Connect { .. }, false) => &["ok", "ECONNREFUSED", "EADDRINUSE", "EADDRNOTAVAIL"],
        (StepKind::Connect { .. }, true) => {
            &["ok", "WSAECONNREFUSED", "WSAEADDRINUSE", "WSAEADDRNOTAVAIL"]
        }
        (StepKind::Accept { .. }, false) => &["ok", "EAGAIN", "EINVAL"],
        (StepKind::Accept { .. }, true) => &["ok", "WSAEWOULDBLOCK", "WSAEINVAL"],
        (_, false) => &["ok", "EADDRINUSE", "EADDRNOTAVAIL", "EACCES"],
        (_, true) => &["ok", "WSAEADDRINUSE", "WSAEACCES", "WSAEADDRNOTAVAIL"],
    };
    list.iter().map(|s| s.to_string()).collect()
}

/// The engine's answer for the step on `step_line` on `os`.
pub fn truth(scenario: &Scenario, step_line: u32, os: Os) -> Option<Truth> {
    let idx = scenario.steps.iter().position(|s| s.line == step_line)?;
    let rep = run(scenario, os).steps.into_iter().nth(idx)?;
    let outcome = if let Some(StepKind::Datagram { .. }) = step_kind(scenario, step_line) {
        let got: Vec<&String> = rep
            .received_by
            .as_ref()
            .map(|m| m.iter().filter(|(_, n)| **n > 0).map(|(k, _)| k).collect())
            .unwrap_or_default();
        if rep.undetermined.unwrap_or(0) > 0 || rep.candidates.as_ref().is_some_and(|c| c.len() > 1)
        {
            SEVERAL.to_string()
        } else if got.len() > 1 {
            // No choice was made, so several sockets each got a copy.
            COPIES.to_string()
        } else if let Some(t) = got.first() {
            t.to_string()
        } else {
            DROPPED.to_string()
        }
    } else if matches!(
        step_kind(scenario, step_line),
        Some(StepKind::Client { .. })
    ) {
        let takers: Vec<&String> = rep
            .accepted_by
            .as_ref()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        if rep.undetermined.unwrap_or(0) > 0
            || rep.candidates.as_ref().is_some_and(|c| c.len() > 1)
            || takers.len() > 1
        {
            SEVERAL.to_string()
        } else if let Some(t) = takers.first() {
            t.to_string()
        } else {
            REFUSED.to_string()
        }
    } else {
        rep.result_name().to_string()
    };
    Some(Truth {
        outcome,
        rule: rep.rule,
        why: rep.why.map(Why::into_string),
    })
}

/// How a choice reads on a button: error names stay as the OS spells them.
/// An error is told from a socket name by the error table, never by its
/// first letter: a listener named `Edge` "takes it".
pub fn choice_label(choice: &str) -> String {
    match choice {
        "ok" => "succeeds".into(),
        REFUSED => "refused: nobody takes it".into(),
        SEVERAL => "several: the OS picks among them".into(),
        DROPPED => "dropped: no socket gets it".into(),
        COPIES => "several each get a copy".into(),
        c if Outcome::error_named(c).is_some() => format!("fails with {c}"),
        name => format!("{name} takes it"),
    }
}

/// The truth as a sentence: "it fails with EADDRINUSE", "tool takes it".
pub fn outcome_sentence(outcome: &str) -> String {
    match outcome {
        "ok" => "it succeeds".into(),
        REFUSED => "it is refused: nothing listens there".into(),
        SEVERAL => "the OS picks among several sockets: no single one is sure to get it".into(),
        DROPPED => "it is dropped: no socket receives it".into(),
        COPIES => "several sockets each receive a copy".into(),
        c if Outcome::error_named(c).is_some() => format!("it fails with {c}"),
        name => format!("{name} takes it"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_name_starting_with_e_is_a_socket_not_an_error() {
        assert_eq!(choice_label("Edge"), "Edge takes it");
        assert_eq!(outcome_sentence("Edge"), "Edge takes it");
        assert_eq!(choice_label("EADDRINUSE"), "fails with EADDRINUSE");
        assert_eq!(
            outcome_sentence("WSAEWOULDBLOCK"),
            "it fails with WSAEWOULDBLOCK"
        );
        // Every error of the progress table still reads as an error.
        for o in OUTCOMES {
            if !["ok", REFUSED, SEVERAL, DROPPED, COPIES].contains(o) {
                assert!(choice_label(o).starts_with("fails with"), "{o}");
            }
        }
    }
}
