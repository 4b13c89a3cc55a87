//! The hints at the end of the why-lines hold when followed.
//!
//! Many failing steps' why-lines end with what would make them work ("SO_REUSEPORT
//! on both sockets would let them share it", "IPV6_V6ONLY off before bind() would
//! let it"). For each such rule, every corpus step it refuses (on every OS) is
//! run again with the hint followed: the option set on every socket as it is
//! created, on the refused socket as it is created or just before the step, or
//! every socket root's. Then the rule must not
//! refuse that step any more (most then succeed; some meet another rule, whose
//! why-line says what that one needs). A hint that stops being true fails here.

mod common;

use bindlab_engine::rules::RuleId;
use bindlab_engine::scenario::{SockOpt, Step, StepKind};
use bindlab_engine::{parse, run, Os, Scenario};
use common::corpus_files;

/// How a hint is followed.
#[derive(Clone, Copy, Debug)]
enum Follow {
    /// The option on every socket, set as each is created ("on both").
    OnEvery(SockOpt, bool),
    /// The option on the refused step's socket, just before the step.
    OnItBefore(SockOpt, bool),
    /// The option on the refused step's socket as it is created ("set before
    /// bind()").
    OnItAtCreation(SockOpt, bool),
    /// Every socket root's ("as root").
    AsRoot,
}

/// (`HINTS_DEBUG=1` prints each followed step that met another rule.)
///
/// The rules whose why-lines end with a hint that a scenario can follow, and
/// how. (Hints that need a judgement, such as another address or port, are
/// not here: the audits that wrote them followed them by hand.)
const HINTS: &[(RuleId, Follow)] = &[
    (
        RuleId::LinuxBindListenerHoldsPort,
        Follow::OnEvery(SockOpt::SoReusePort, true),
    ),
    (
        RuleId::BsdBindInUse,
        Follow::OnEvery(SockOpt::SoReusePort, true),
    ),
    (
        RuleId::BsdBindExactDuplicate,
        Follow::OnEvery(SockOpt::SoReusePort, true),
    ),
    (
        RuleId::WindowsBindInUse,
        Follow::OnEvery(SockOpt::SoReuseAddr, true),
    ),
    (
        RuleId::WindowsBindOtherUser,
        Follow::OnEvery(SockOpt::SoReuseAddr, true),
    ),
    (
        RuleId::WindowsBindReuseaddrNeedsFirst,
        Follow::OnEvery(SockOpt::SoReuseAddr, true),
    ),
    (
        RuleId::BsdBindWildcardOverlap,
        Follow::OnItBefore(SockOpt::SoReuseAddr, true),
    ),
    (
        RuleId::BsdBindConnectedHoldsPort,
        Follow::OnItBefore(SockOpt::SoReuseAddr, true),
    ),
    (
        RuleId::LinuxBindMappedOnV6only,
        Follow::OnItBefore(SockOpt::Ipv6V6Only, false),
    ),
    (
        RuleId::BsdBindMappedOnV6only,
        Follow::OnItBefore(SockOpt::Ipv6V6Only, false),
    ),
    (
        RuleId::WindowsBindMappedOnV6only,
        Follow::OnItBefore(SockOpt::Ipv6V6Only, false),
    ),
    (
        RuleId::CommonConnectV6onlyToIpv4,
        Follow::OnItAtCreation(SockOpt::Ipv6V6Only, false),
    ),
    (
        RuleId::FreebsdConnectMappedOnV6only,
        Follow::OnItAtCreation(SockOpt::Ipv6V6Only, false),
    ),
    (
        RuleId::LinuxBindTimeWaitNeedsBoth,
        Follow::OnItBefore(SockOpt::SoReusePort, true),
    ),
    (RuleId::LinuxBindPrivilegedPort, Follow::AsRoot),
    (RuleId::FreebsdBindReservedPort, Follow::AsRoot),
    (RuleId::MacosBindPrivilegedSpecific, Follow::AsRoot),
];

/// For a rule whose why-line has variants with different hints, the words of
/// the hint a [`Follow`] stands for: a refused step whose line does not say
/// them has another hint (common.connect.v6only-to-ipv4 bound to a specific
/// IPv6 address says to bind the wildcard instead).
const ONLY_WHERE_IT_SAYS: &[(RuleId, &str)] = &[
    (
        RuleId::LinuxBindTimeWaitNeedsBoth,
        "would get it past this one",
    ),
    (
        RuleId::CommonConnectV6onlyToIpv4,
        "with IPV6_V6ONLY off (set before bind()) it could",
    ),
    (
        RuleId::FreebsdConnectMappedOnV6only,
        "with IPV6_V6ONLY off (set before bind()) it could",
    ),
];

/// `scenario` with the hint followed for the step at `at`, and where that
/// step is now; `None` where it cannot be followed as written (the
/// scenario turns the option back itself, or the step has no socket).
fn followed(scenario: &Scenario, at: usize, how: Follow, os: Os) -> Option<(Scenario, usize)> {
    let set = |name: &str, opt: SockOpt, on: bool| Step {
        line: 0,
        kind: StepKind::Set {
            name: name.to_string(),
            opt,
            on,
        },
        expect: None,
    };
    let (opt, on) = match how {
        Follow::OnEvery(o, on) | Follow::OnItBefore(o, on) | Follow::OnItAtCreation(o, on) => {
            (o, on)
        }
        Follow::AsRoot => {
            // `user root` in place of every `user` line: the steps stay where
            // they were.
            let mut out = scenario.clone();
            for s in &mut out.steps {
                if let StepKind::User { name } = &mut s.kind {
                    *name = "root".to_string();
                }
            }
            return Some((out, at));
        }
    };
    if !os.rules().supports(opt) {
        return None;
    }
    // A scenario that turns the option the other way itself decides it,
    // where the hint is followed at each socket's creation: left alone.
    // (Just before the step, the hint has the last word.)
    if matches!(how, Follow::OnEvery(..))
        && scenario.steps.iter().any(
            |s| matches!(&s.kind, StepKind::Set { opt: o, on: v, .. } if *o == opt && *v != on),
        )
    {
        return None;
    }
    let mut out = scenario.clone();
    out.steps.clear();
    let mut moved = at;
    match how {
        Follow::OnEvery(..) => {
            for (i, s) in scenario.steps.iter().enumerate() {
                out.steps.push(s.clone());
                if let StepKind::Socket { name, proto } = &s.kind {
                    if opt == SockOpt::Ipv6V6Only && !proto.is_v6() {
                        continue;
                    }
                    out.steps.push(set(name, opt, on));
                    if i < at {
                        moved += 1;
                    }
                }
            }
        }
        Follow::OnItBefore(..) => {
            let name = scenario.steps[at].kind.socket()?.to_string();
            for (i, s) in scenario.steps.iter().enumerate() {
                if i == at {
                    out.steps.push(set(&name, opt, on));
                    moved += 1;
                }
                out.steps.push(s.clone());
            }
        }
        Follow::OnItAtCreation(..) => {
            let name = scenario.steps[at].kind.socket()?.to_string();
            for (i, s) in scenario.steps.iter().enumerate() {
                // The scenario's own setting the other way on that socket
                // before the step is what the hint replaces.
                let contrary = matches!(&s.kind, StepKind::Set { name: n, opt: o, on: v }
                    if *n == name && *o == opt && *v != on);
                if contrary && i < at {
                    moved -= 1;
                    continue;
                }
                out.steps.push(s.clone());
                if matches!(&s.kind, StepKind::Socket { name: n, .. } if *n == name) && i < at {
                    out.steps.push(set(&name, opt, on));
                    moved += 1;
                }
            }
        }
        Follow::AsRoot => unreachable!("returned above"),
    }
    Some((out, moved))
}

#[test]
fn every_followable_hint_lifts_its_rule() {
    // rule → (steps it refused, of them followed, then ok, then another rule)
    let mut seen: Vec<(RuleId, usize, usize, usize)> = Vec::new();
    let mut wrong: Vec<String> = Vec::new();
    for f in corpus_files() {
        let text = std::fs::read_to_string(&f).expect("corpus file");
        let Ok(scenario) = parse(&text) else { continue };
        for os in Os::ALL {
            let report = run(&scenario, os);
            for (at, rep) in report.steps.iter().enumerate() {
                let Some(rule) = rep.rule else { continue };
                if rep.is_ok() {
                    continue;
                }
                let Some(&(_, how)) = HINTS.iter().find(|(r, _)| *r == rule) else {
                    continue;
                };
                if let Some((_, words)) = ONLY_WHERE_IT_SAYS.iter().find(|(r, _)| *r == rule) {
                    if !rep.why.as_ref().is_some_and(|w| w.contains(words)) {
                        continue;
                    }
                }
                let entry = match seen.iter_mut().find(|e| e.0 == rule) {
                    Some(e) => e,
                    None => {
                        seen.push((rule, 0, 0, 0));
                        seen.last_mut().unwrap()
                    }
                };
                let Some((changed, moved)) = followed(&scenario, at, how, os) else {
                    continue;
                };
                entry.1 += 1;
                let again = &run(&changed, os).steps[moved];
                if again.is_ok() {
                    entry.2 += 1;
                } else if again.rule == Some(rule) {
                    wrong.push(format!(
                        "{} on {os:?}, line {}: {} still refused by {} after {how:?}",
                        f.display(),
                        rep.line,
                        rep.op,
                        rule.as_str()
                    ));
                } else {
                    if std::env::var_os("HINTS_DEBUG").is_some() {
                        eprintln!(
                            "{} {os:?} line {}: {} -> {:?} {:?}",
                            f.display(),
                            rep.line,
                            rule.as_str(),
                            again.rule.map(|r| r.as_str()),
                            again.why.as_ref().map(|w| w.to_string())
                        );
                    }
                    entry.3 += 1;
                }
            }
        }
    }
    assert_eq!(wrong, Vec::<String>::new(), "hints that do not hold");
    for (rule, how) in HINTS {
        let (_, followed, ok, other) = seen
            .iter()
            .find(|e| e.0 == *rule)
            .copied()
            .unwrap_or((*rule, 0, 0, 0));
        // Every hint is tried on the corpus, and most of the time following
        // it is all the step needed.
        assert!(
            followed > 0,
            "{}: no corpus step to follow its hint on",
            rule.as_str()
        );
        // Most of the corpus's privileged-port steps are there to pin the
        // order of errors (EACCES before the address's own), so as root the
        // next check answers: there, once is enough.
        let enough = match how {
            Follow::AsRoot => ok > 0,
            _ => ok * 2 > followed,
        };
        assert!(
            enough,
            "{}: followed {followed} times, ok {ok}, another rule {other}",
            rule.as_str()
        );
    }
}

/// A privileged-port refusal promises the bind as root only where root's
/// bind works: followed as root, a step whose line says "as root the port
/// check would pass, but the bind would still fail" still fails, and every
/// other such step binds.
#[test]
fn a_privileged_port_line_says_what_root_would_get() {
    let privileged = [
        RuleId::LinuxBindPrivilegedPort,
        RuleId::FreebsdBindReservedPort,
        RuleId::MacosBindPrivilegedSpecific,
    ];
    let mut wrong: Vec<String> = Vec::new();
    let (mut promised, mut refused) = (0, 0);
    for f in corpus_files() {
        let text = std::fs::read_to_string(&f).expect("corpus file");
        let Ok(scenario) = parse(&text) else { continue };
        for os in Os::ALL {
            let report = run(&scenario, os);
            for (at, rep) in report.steps.iter().enumerate() {
                if rep.is_ok() || !rep.rule.is_some_and(|r| privileged.contains(&r)) {
                    continue;
                }
                let why = rep.why.as_ref().map(|w| w.to_string()).unwrap_or_default();
                let still_fails = why.contains("as root the port check would pass");
                let (changed, moved) =
                    followed(&scenario, at, Follow::AsRoot, os).expect("as root");
                let again = &run(&changed, os).steps[moved];
                if still_fails {
                    refused += 1;
                } else {
                    promised += 1;
                }
                if again.is_ok() == still_fails {
                    wrong.push(format!(
                        "{} on {os:?}, line {}: {} says {why:?}, but as root: {}",
                        f.display(),
                        rep.line,
                        rep.op,
                        again.result_name()
                    ));
                }
            }
        }
    }
    assert_eq!(
        wrong,
        Vec::<String>::new(),
        "privileged-port lines that mislead"
    );
    assert!(
        promised > 0 && refused > 0,
        "{promised} promised, {refused} refused"
    );
}
