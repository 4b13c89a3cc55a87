//! The paste page's answer: what was read, the sockets of the port (unknowns
//! marked), the outcome of the bind with each option set, and the advice.

use std::net::SocketAddr;
use std::rc::Rc;

use bindlab_engine::Os;
use bindlab_sockets::{Answer, Delivery, HostSocket};
use yew::prelude::*;

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
    pub(crate) bind: SocketAddr,
    pub(crate) sockets: Vec<(String, HostSocket)>,
    pub(crate) unknowns: bool,
    pub(crate) answers: Vec<Answer>,
    pub(crate) advice: String,
    pub(crate) scenario: String,
}

#[derive(Properties, PartialEq)]
pub(crate) struct AnswersProps {
    pub(crate) read: Rc<Read>,
}

/// "7 TCP sockets", "3 TCP and 2 UDP sockets", "1 UDP socket".
fn counted(tcp: usize, udp: usize) -> String {
    let n = tcp + udp;
    let what = match (tcp, udp) {
        (_, 0) => format!("{tcp} TCP"),
        (0, _) => format!("{udp} UDP"),
        _ => format!("{tcp} TCP and {udp} UDP"),
    };
    format!("{what} socket{}", if n == 1 { "" } else { "s" })
}

fn known(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "on",
        Some(false) => "off",
        None => "unknown",
    }
}

#[function_component(Answers)]
pub(crate) fn answers(p: &AnswersProps) -> Html {
    let r = &p.read;
    let port = r.bind.port();
    html! {
        <section class="paste-answer" aria-labelledby="paste-answer-h">
            <p class="paste-read" role="status">{ format!(
                "Read {} from {} ({}){}{}.",
                counted(r.tcp, r.udp_total), r.tool, r.detected.display(),
                if r.skipped > 0 { format!("; {} other line{} left out (bindlab models TCP and UDP)", r.skipped, if r.skipped == 1 { "" } else { "s" }) } else { String::new() },
                if r.os != r.detected { format!("; answering for {}", r.os.display()) } else { String::new() },
            ) }</p>
            <h2 id="paste-answer-h">{ format!("What if I bind {}{} on {}?", if r.udp { "UDP " } else { "" }, r.bind, r.os.display()) }</h2>
            if r.sockets.is_empty() {
                <p>{ format!("No {} socket in the table uses port {port}.", if r.udp { "UDP" } else { "TCP" }) }</p>
            } else {
                <div class="table-wrap">
                    <table class="messages paste-sockets">
                        <caption>{ format!("The sockets on port {port}") }</caption>
                        <thead><tr><th scope="col">{"Socket"}</th><th scope="col">{"State and addresses"}</th><th scope="col">{"Program, user, options"}</th></tr></thead>
                        <tbody>
                        { for r.sockets.iter().map(|(n, s)| html! {
                            <tr>
                                <th scope="row"><code>{ n }</code></th>
                                <td>{ format!("{} {}{}", s.state.name(), s.local, s.remote.map(|x| format!(" ↔ {x}")).unwrap_or_default()) }</td>
                                <td>{ format!("{}; user {}; SO_REUSEADDR {}{}",
                                    s.process.as_ref().map(|pr| if pr.name.is_empty() { format!("pid {}", pr.pid) } else { format!("{} (pid {})", pr.name, pr.pid) }).unwrap_or_else(|| "no program shown".into()),
                                    s.user.as_deref().unwrap_or("unknown"),
                                    known(s.reuseaddr),
                                    if r.os == Os::Windows { String::new() } else { format!(", SO_REUSEPORT {}", known(s.reuseport)) }) }</td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                </div>
            }
            if r.unknowns {
                <p class="muted">{"The table does not show the sockets' options: each answer is given as if every unknown option were off, and as if every one were on."}</p>
            }
            if !r.now.is_empty() {
                <ul class="truths paste-now" aria-label="Who receives a datagram now">
                { for r.now.iter().map(|(a, d)| html! {
                    <li class="truth">
                        <strong>{ match a { None => "Now: ", Some(false) => "Now (unknown options off): ", Some(true) => "Now (unknown options on): " } }</strong>
                        { format!("{}.", d.sentence()) }
                        if let Some(rule) = d.rule {
                            {" "}<a class="rule-link" href={Route::Rules(Some(rule.as_str().into())).href()}><code>{ rule.as_str() }</code></a>
                        }
                    </li>
                }) }
                </ul>
            }
            <ul class="truths paste-verdicts">
            { for r.answers.iter().flat_map(|a| a.verdicts.iter().map(move |v| (a, v))).map(|(a, v)| {
                let assumed = match v.unknowns_set {
                    None => "",
                    Some(false) => " (unknown options off)",
                    Some(true) => " (unknown options on)",
                };
                match v.failure() {
                    None => html! { <li class="truth succeeds"><strong>{ format!("{}{assumed}: ", a.label) }</strong>
                        { if v.listen.is_some() { "bind and listen work.".to_string() } else { "bind works.".to_string() } }
                        if let Some(d) = &v.datagram { { format!(" Then {}.", d.sentence()) } }
                    </li> },
                    Some((call, o)) => html! {
                        <li class="truth fails">
                            <strong>{ format!("{}{assumed}: ", a.label) }</strong>{ format!("{call} fails with {}.", o.result) }
                            if let Some(why) = &o.why { <span class="why">{" "}{ why.clone() }</span> }
                            if let Some(rule) = o.rule {
                                {" "}<a class="rule-link" href={Route::Rules(Some(rule.as_str().into())).href()}><code>{ rule.as_str() }</code></a>
                            }
                        </li>
                    },
                }
            }) }
            </ul>
            <p class="advice"><strong>{"What would make it work: "}</strong>{ r.advice.clone() }</p>
        </section>
    }
}
