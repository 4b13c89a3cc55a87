//! The paste page's answer: what was read, the sockets of the port (unknowns
//! marked), the outcome of the bind with each option set; the advice first.

use std::net::SocketAddr;
use std::rc::Rc;

use bindlab_engine::Os;
use bindlab_sockets::{Answer, Delivery, HostSocket, SocketsMsg};
use yew::prelude::*;

use crate::i18n::{use_tr, Tr, T};
use crate::route::Route;

/// What the page read and computed.
#[derive(PartialEq)]
pub(crate) struct Read {
    pub(crate) os: Os,
    pub(crate) tool: &'static str,
    pub(crate) detected: Os,
    /// TCP and UDP sockets read.
    pub(crate) tcp: usize,
    pub(crate) udp_total: usize,
    /// The question is about UDP.
    pub(crate) udp: bool,
    /// UDP: who receives a datagram to the address now (per assumption
    /// about the unknown options, `None` when all were known).
    pub(crate) now: Vec<(Option<bool>, Delivery)>,
    pub(crate) skipped: usize,
    /// The lines that could not be read, as the reader's language says
    /// them (left out; the rest is answered).
    pub(crate) unreadable: Vec<String>,
    pub(crate) bind: SocketAddr,
    pub(crate) sockets: Vec<(String, HostSocket)>,
    pub(crate) unknowns: bool,
    /// Where the rebuilt host differs from the table, per assumption about
    /// the unknown options, as the reader's language says each step.
    pub(crate) rebuilt: Vec<(Option<bool>, Vec<String>)>,
    /// The table shows some unknown option on: with them all off its
    /// listeners or UDP sockets could not have shared the port.
    pub(crate) needs_options: bool,
    /// The `[::]` sockets taken to set IPV6_V6ONLY, which the table does
    /// not show (`bindlab_sockets::Picture::v6only_taken`).
    pub(crate) v6only_taken: Vec<String>,
    /// Some connection is rebuilt from a stand-in client, whose peer the
    /// answers name (`bindlab_sockets::stand_in_peers`).
    pub(crate) stand_in_peers: bool,
    pub(crate) answers: Vec<Answer>,
    pub(crate) advice: String,
    pub(crate) scenario: String,
}

#[derive(Properties, PartialEq)]
pub(crate) struct AnswersProps {
    pub(crate) read: Rc<Read>,
}

/// "7 TCP sockets", "3 TCP and 2 UDP sockets", "1 UDP socket".
fn counted(tr: &Tr, tcp: usize, udp: usize) -> String {
    let k = match (tcp, udp) {
        (1, 0) => T::PasteCountTcpOne,
        (_, 0) => T::PasteCountTcpOther,
        (0, 1) => T::PasteCountUdpOne,
        (0, _) => T::PasteCountUdpOther,
        _ => T::PasteCountBoth,
    };
    tr.f(k, &[("tcp", &tcp.to_string()), ("udp", &udp.to_string())])
}

fn known(tr: &Tr, v: Option<bool>) -> &str {
    tr.t(match v {
        Some(true) => T::PasteOptOn,
        Some(false) => T::PasteOptOff,
        None => T::PasteUnknown,
    })
}

/// "Read 2 TCP sockets from ss (Linux); 1 other line left out …."
fn read_line(tr: &Tr, r: &Read) -> String {
    let skipped = match r.skipped {
        0 => String::new(),
        1 => tr.f(T::PasteSkippedOne, &[("n", "1")]),
        n => tr.f(T::PasteSkippedOther, &[("n", &n.to_string())]),
    };
    let answering = if r.os != r.detected {
        tr.f(T::PasteAnsweringFor, &[("os", r.os.display())])
    } else {
        String::new()
    };
    tr.f(
        T::PasteRead,
        &[
            ("sockets", &counted(tr, r.tcp, r.udp_total)),
            ("tool", r.tool),
            ("os", r.detected.display()),
            ("skipped", &skipped),
            ("answering", &answering),
        ],
    )
}

/// The lines left out because they could not be read: the first five, and
/// how many more.
fn unreadable(tr: &Tr, lines: &[String]) -> Html {
    const SHOWN: usize = 5;
    let n = lines.len().to_string();
    let head = if lines.len() == 1 {
        tr.f(T::PasteUnreadableOne, &[("n", &n)])
    } else {
        tr.f(T::PasteUnreadableOther, &[("n", &n)])
    };
    html! {
        <div class="paste-unreadable">
            <p>{ head }</p>
            <ul>
                { for lines.iter().take(SHOWN).map(|l| html! { <li>{ crate::views::with_code(l) }</li> }) }
                if lines.len() > SHOWN {
                    <li>{ tr.f(T::PasteUnreadableMore, &[("n", &(lines.len() - SHOWN).to_string())]) }</li>
                }
            </ul>
        </div>
    }
}

/// Where the rebuilt host differs from the table: a sentence per
/// assumption and its steps; `needs_options` when the table itself says
/// some unknown option is on.
fn rebuilt(tr: &Tr, rebuilt: &[(Option<bool>, Vec<String>)], needs_options: bool) -> Html {
    html! {
        for (a, steps) in rebuilt.iter() {
            <div class="paste-unreadable paste-rebuilt">
                <p>{ tr.t(match a {
                    _ if needs_options => T::PasteRebuildNeedsOptions,
                    None => T::PasteRebuild,
                    Some(false) => T::PasteRebuildOff,
                    Some(true) => T::PasteRebuildOn,
                }) }</p>
                <ul>{ for steps.iter().map(|l| html! { <li>{ crate::views::with_code(l) }</li> }) }</ul>
            </div>
        }
    }
}

/// A socket's program, user and options, as its table row shows them.
pub(super) fn socket_details(tr: &Tr, os: Os, s: &HostSocket) -> String {
    let program = match &s.process {
        Some(pr) if !pr.also.is_empty() && pr.name.is_empty() => {
            tr.f(T::PastePids, &[("pids", &pr.pids())])
        }
        Some(pr) if !pr.also.is_empty() => tr.f(
            T::PasteProgramPids,
            &[("name", &pr.name), ("pids", &pr.pids())],
        ),
        Some(pr) if pr.name.is_empty() => tr.f(T::PastePid, &[("pid", &pr.pid.to_string())]),
        Some(pr) => tr.f(
            T::PasteProgramPid,
            &[("name", &pr.name), ("pid", &pr.pid.to_string())],
        ),
        None => tr.t(T::PasteNoProgram).to_string(),
    };
    let reuseport = if os == Os::Windows {
        String::new()
    } else {
        tr.f(T::PasteReuseport, &[("value", known(tr, s.reuseport))])
    };
    tr.f(
        T::PasteSocketRow,
        &[
            ("program", &program),
            ("user", s.user.as_deref().unwrap_or(known(tr, None))),
            ("reuseaddr", known(tr, s.reuseaddr)),
            ("reuseport", &reuseport),
        ],
    )
}

/// An option set's name ("no option" is words; the others are option names).
fn option_set<'a>(tr: &'a Tr, label: &'a str) -> &'a str {
    if label == "no option" {
        tr.t(T::PasteNoOption)
    } else {
        label
    }
}

#[function_component(Answers)]
pub(crate) fn answers(p: &AnswersProps) -> Html {
    let tr = use_tr();
    let say = |m: SocketsMsg, a: &[(&str, String)]| tr.sockets(m, a);
    let r = &p.read;
    let port = r.bind.port().to_string();
    let question = if r.udp {
        T::PasteQuestionUdp
    } else {
        T::PasteQuestionTcp
    };
    html! {
        <section class="paste-answer" aria-labelledby="paste-answer-h">
            <p class="paste-read" role="status">{ read_line(&tr, r) }</p>
            if !r.unreadable.is_empty() {
                { unreadable(&tr, &r.unreadable) }
            }
            <h2 id="paste-answer-h">{ tr.f(question, &[("addr", &r.bind.to_string()), ("os", r.os.display())]) }</h2>
            // The answer first, the evidence after: the verdicts run to
            // screens on a phone, and the reader came for what to do (a
            // developer's review, 2026-12-08).
            <p class="advice"><strong>{ tr.t(T::PasteAdviceLabel) }{" "}</strong>{ r.advice.clone() }</p>
            if r.sockets.is_empty() {
                <p>{ tr.f(T::PasteNoSocket, &[("proto", if r.udp { "UDP" } else { "TCP" }), ("port", &port)]) }</p>
            } else {
                <super::paste_sockets::PasteSockets read={p.read.clone()} />
            }
            if r.unknowns {
                <p class="muted">{ tr.t(T::PasteUnknownsNote) }</p>
            }
            if !r.v6only_taken.is_empty() {
                <p class="muted paste-v6only">{ crate::views::with_code(&tr.f(T::PasteV6onlyTaken, &[("names", &tr.list(&r.v6only_taken, bindlab_engine::lists::Joint::And))])) }</p>
            }
            if r.stand_in_peers {
                <p class="muted paste-stand-ins">{ tr.t(T::PasteStandInPeers) }</p>
            }
            { rebuilt(&tr, &r.rebuilt, r.needs_options) }
            if !r.now.is_empty() {
                <ul class="truths paste-now" aria-label={tr.t(T::PasteNowLabel).to_string()}>
                { for r.now.iter().map(|(a, d)| html! {
                    <li class="truth">
                        <strong>{ tr.t(match a { None => T::PasteNow, Some(false) => T::PasteNowOff, Some(true) => T::PasteNowOn }) }{" "}</strong>
                        { tr.f(T::PasteSentence, &[("sentence", &d.sentence_in(&say))]) }
                        if let Some(rule) = d.rule {
                            {" "}<a class="rule-link" href={tr.href(&Route::Rules(Some(rule.as_str().into())))}><code>{ rule.as_str() }</code></a>
                        }
                    </li>
                }) }
                </ul>
            }
            <ul class="truths paste-verdicts">
            { for r.answers.iter().flat_map(|a| a.verdicts.iter().map(move |v| (a, v))).map(|(a, v)| {
                let label = match v.unknowns_set {
                    None => option_set(&tr, a.label).to_string(),
                    Some(false) => tr.f(T::PasteAssumedOff, &[("options", option_set(&tr, a.label))]),
                    Some(true) => tr.f(T::PasteAssumedOn, &[("options", option_set(&tr, a.label))]),
                };
                let label = tr.f(T::PasteLabel, &[("label", &label)]);
                match v.failure() {
                    None => html! { <li class="truth succeeds"><strong>{ label }{" "}</strong>
                        { tr.t(if v.listen.is_some() { T::PasteBindListenWork } else { T::PasteBindWorks }) }
                        if let Some(d) = &v.datagram { {" "}{ tr.f(T::PasteThen, &[("sentence", &d.sentence_in(&say))]) } }
                    </li> },
                    Some((call, o)) => html! {
                        <li class="truth fails">
                            <strong>{ label }{" "}</strong>
                            { tr.f(if o.why.is_some() { T::PasteFailsBecause } else { T::PasteFails }, &[("call", call), ("result", &o.result.to_string())]) }
                            if let Some(why) = &o.why { <span class="why">{ if tr.t(T::PasteFailsBecause).ends_with(|c: char| c.is_ascii()) { " " } else { "" } }{ why.clone() }</span> }
                            if let Some(rule) = o.rule {
                                {" "}<a class="rule-link" href={tr.href(&Route::Rules(Some(rule.as_str().into())))}><code>{ rule.as_str() }</code></a>
                            }
                        </li>
                    },
                }
            }) }
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_options_in_words() {
        let tr = Tr::english();
        assert_eq!(counted(&tr, 7, 0), "7 TCP sockets");
        assert_eq!(counted(&tr, 1, 0), "1 TCP socket");
        assert_eq!(counted(&tr, 0, 1), "1 UDP socket");
        assert_eq!(counted(&tr, 3, 2), "3 TCP and 2 UDP sockets");
        assert_eq!(known(&tr, None), "unknown");
        assert_eq!(option_set(&tr, "no option"), "no option");
        assert_eq!(option_set(&tr, "SO_REUSEADDR"), "SO_REUSEADDR");
    }
}
