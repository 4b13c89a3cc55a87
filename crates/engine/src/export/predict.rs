//! bindlab's predictions for a program: every OS's answer to every step.
//! Always built, so the site's main wasm, which has the engine, computes
//! them and hands them as text ([`Predictions::encode`]) to the generators'
//! module (`crates/export-wasm`), which has no OS rules.

use super::Lang;
use crate::os::Os;
use crate::scenario::{Scenario, SockOpt, Step, StepKind};
use crate::{run, StepReport};

/// bindlab's prediction for one step on one OS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prediction {
    /// `ok` or the OS's error name.
    pub result: String,
    /// Which listener took how many connections (`A=3 B=1`, by name; empty:
    /// none), when one answer is predicted; `None` when not checked.
    pub routes: Option<String>,
    /// The listeners that may take them when the OS chooses by hash
    /// (`A B`); empty when one answer is predicted.
    pub candidates: String,
}

/// What a program checks, per OS and step: computed once per scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Predictions {
    /// Per OS (in `Os::ALL` order): the prediction for each step.
    pub per_os: Vec<(Os, Vec<Prediction>)>,
    /// Per step: whether Linux would answer it differently if every UDP
    /// socket had IP_MULTICAST_ALL off from the start (what the JDK does to
    /// each DatagramChannel), so Java can say so at that step.
    pub linux_differs_with_multicast_all_off: Vec<bool>,
}

impl Predictions {
    /// Runs `s` on every OS.
    pub fn new(s: &Scenario) -> Predictions {
        Predictions {
            per_os: Os::ALL
                .into_iter()
                .map(|os| (os, run(s, os).steps.iter().map(prediction).collect()))
                .collect(),
            linux_differs_with_multicast_all_off: multicast_all_off_differs(s),
        }
    }

    /// As text, one line each: `differs` and a 0/1 per step; then per OS
    /// `os <key>` and per step `result<TAB>routes<TAB>candidates` (routes
    /// `-` when not checked). Names, error names and counts hold no tab or
    /// newline, and no socket is called `-`.
    pub fn encode(&self) -> String {
        let mut out = String::from("differs ");
        for &d in &self.linux_differs_with_multicast_all_off {
            out.push(if d { '1' } else { '0' });
        }
        out.push('\n');
        for (os, preds) in &self.per_os {
            out.push_str("os ");
            out.push_str(os.key());
            out.push('\n');
            for p in preds {
                out.push_str(&p.result);
                out.push('\t');
                out.push_str(p.routes.as_deref().unwrap_or("-"));
                out.push('\t');
                out.push_str(&p.candidates);
                out.push('\n');
            }
        }
        out
    }

    /// Reads [`Predictions::encode`]'s text back; what is wrong with it.
    pub fn decode(text: &str) -> Result<Predictions, String> {
        let mut lines = text.lines();
        let differs = lines
            .next()
            .and_then(|l| l.strip_prefix("differs "))
            .ok_or("the predictions do not start with `differs`")?;
        let mut out = Predictions {
            per_os: Vec::new(),
            linux_differs_with_multicast_all_off: differs.chars().map(|c| c == '1').collect(),
        };
        for line in lines {
            if let Some(key) = line.strip_prefix("os ") {
                let os = Os::from_key(key).ok_or_else(|| format!("no OS called `{key}`"))?;
                out.per_os.push((os, Vec::new()));
                continue;
            }
            let Some((_, preds)) = out.per_os.last_mut() else {
                return Err("a prediction before any `os` line".into());
            };
            let mut f = line.split('\t');
            let (Some(result), Some(routes), Some(candidates), None) =
                (f.next(), f.next(), f.next(), f.next())
            else {
                return Err(format!("a prediction is not three fields: `{line}`"));
            };
            preds.push(Prediction {
                result: result.to_string(),
                routes: (routes != "-").then(|| routes.to_string()),
                candidates: candidates.to_string(),
            });
        }
        Ok(out)
    }
}

/// The first line of every request: the page's wasm and the generators'
/// module are built together, but a browser may hold an older copy of one.
/// A change of the request's form changes it.
pub const REQUEST_VERSION: &str = "bindlab-export 1";

/// A request for a program, as the generators' module reads it
/// ([`super::answer`]): [`REQUEST_VERSION`], then
/// `<lang id>\n<text's length in bytes>\n<text><predictions>`, the
/// predictions [`Predictions::encode`]'s text.
pub fn request(lang: Lang, text: &str, predictions: &str) -> String {
    format!(
        "{REQUEST_VERSION}\n{}\n{}\n{text}{predictions}",
        lang.id(),
        text.len()
    )
}

/// Per step of `s`: whether Linux's prediction changes when every UDP
/// socket turns IP_MULTICAST_ALL off right after it is made.
fn multicast_all_off_differs(s: &Scenario) -> Vec<bool> {
    let has_datagram = s
        .steps
        .iter()
        .any(|st| matches!(st.kind, StepKind::Datagram { .. }));
    if !has_datagram {
        return vec![false; s.steps.len()];
    }
    let mut off = s.clone();
    off.os = Os::Linux;
    off.steps.clear();
    // Where each original step lands in `off`.
    let mut at = Vec::with_capacity(s.steps.len());
    for st in &s.steps {
        at.push(off.steps.len());
        off.steps.push(st.clone());
        if let StepKind::Socket { name, proto } = &st.kind {
            if proto.is_udp() {
                off.steps.push(Step {
                    line: st.line,
                    kind: StepKind::Set {
                        name: name.clone(),
                        opt: SockOpt::IpMulticastAll,
                        on: false,
                    },
                    expect: None,
                });
            }
        }
    }
    let usual = run(s, Os::Linux);
    let changed = run(&off, Os::Linux);
    usual
        .steps
        .iter()
        .zip(&at)
        .map(|(u, &j)| {
            changed
                .steps
                .get(j)
                .is_none_or(|c| prediction(c) != prediction(u))
        })
        .collect()
}

fn prediction(rep: &StepReport) -> Prediction {
    // A `datagram` step's receivers are compared as a `client`'s listeners:
    // who received how many (the rest were dropped).
    let taken = rep.accepted_by.as_ref().or(rep.received_by.as_ref());
    let routes = match (taken, rep.undetermined) {
        (Some(m), None) if rep.is_ok() => Some(
            m.iter()
                .filter(|(_, v)| **v > 0)
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    };
    let candidates = rep
        .candidates
        .as_ref()
        .map(|c| c.join(" "))
        .unwrap_or_default();
    Prediction {
        result: rep.result_name().to_string(),
        routes,
        candidates,
    }
}
