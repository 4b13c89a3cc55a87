//! The sandbox's GUI controls. They write text: each button appends one
//! step line to the scenario, the one source of truth.

use bindlab_engine::print::step_text;
use bindlab_engine::scenario::{EndpointSpec, Proto, SockOpt, StepKind};
use std::net::IpAddr;
use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::browser::dom::select_value;
use crate::i18n::{use_tr, Tr, T};
use crate::state::{with_line, Derived};

use super::fields::{
    datagram_step, default_port, joined_groups, option_is_on, parse_count, parse_group, parse_port,
    Field,
};

#[derive(Properties)]
pub(crate) struct ControlsProps {
    /// The scenario (the controls wait while the text has problems).
    pub(crate) derived: Rc<Derived>,
    pub(crate) on_line: Callback<String>,
}

/// By pointer: a step re-renders the page, not the scenario, and the
/// controls then skip re-rendering without comparing (or cloning) it.
impl PartialEq for ControlsProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.derived, &o.derived) && self.on_line == o.on_line
    }
}

#[function_component(Controls)]
pub(crate) fn controls(p: &ControlsProps) -> Html {
    // Hooks first, unconditionally: Yew panics (in debug builds) when a
    // render calls fewer hooks than the one before, e.g. after a typo.
    let tr = use_tr();
    let target = use_state(String::new);
    let addr = use_state(|| "0.0.0.0".to_string());
    let client_to = use_state(|| None::<String>);
    // What the reader typed in the port box; until then it follows the
    // scenario (`default_port`).
    let typed_port = use_state(|| None::<String>);
    let clients = use_state(|| "1".to_string());
    // Why the last button wrote nothing: the row it is in (the message
    // shows under it), the box at fault if one is, and what is wrong.
    let port_error = use_state(|| None::<(Row, Option<Field>, String)>);
    let group = use_state(|| "239.1.2.3".to_string());
    let group_error = use_state(|| None::<String>);
    let dgram_to = use_state(|| None::<String>);
    let dgram_count = use_state(|| "1".to_string());
    // The line the last button wrote, said under its row (on a phone the
    // table that shows it is a screen away): while the text is the one it
    // made (its length), so an edit or an example takes it away.
    let added = use_state(|| None::<Added>);
    // A message is about the text it was refused against: a new text (an
    // edit, an example, undo) clears it, and the box it marked.
    {
        let (port_error, group_error) = (port_error.clone(), group_error.clone());
        use_effect_with(Rc::as_ptr(&p.derived) as usize, move |_| {
            port_error.set(None);
            group_error.set(None);
        });
    }
    let Ok(s) = &p.derived.parsed else {
        return html! { <div class="controls"><p class="muted">{ tr.t(T::SandboxControlsWait) }</p></div> };
    };
    // The sockets open at the end of the text, as the engine keeps them.
    let open = s.open_sockets_after(s.steps.len());
    let chosen = if open.iter().any(|(n, _)| **n == *target) {
        (*target).clone()
    } else {
        open.last().map(|(n, _)| n.clone()).unwrap_or_default()
    };
    let chosen_proto = open
        .iter()
        .find(|(n, _)| *n == chosen)
        .map(|(_, p)| *p)
        .unwrap_or(Proto::Tcp);
    let next_name = (0..)
        .map(|i| {
            if i < 26 {
                ((b'A' + i as u8) as char).to_string()
            } else {
                format!("S{i}")
            }
        })
        .find(|n| {
            !s.steps.iter().any(|st| {
                st.kind.socket() == Some(n.as_str())
                    || matches!(&st.kind, StepKind::Accept { new, .. } if new == n)
            })
        })
        .unwrap_or_default();
    let mut addresses: Vec<String> = if chosen_proto.is_v6() {
        vec!["::".into(), "::1".into()]
    } else {
        vec!["0.0.0.0".into(), "127.0.0.1".into()]
    };
    for a in &s.ifaces {
        if a.is_ipv6() == chosen_proto.is_v6() {
            addresses.push(a.to_string());
        }
    }
    let groups = joined_groups(s);
    if chosen_proto.is_udp() {
        // Binding the group itself is how a receiver filters by group.
        for g in &groups {
            if g.is_ipv6() == chosen_proto.is_v6() {
                addresses.push(g.to_string());
            }
        }
    }
    let client_addresses: Vec<String> = ["127.0.0.1".to_string(), "::1".to_string()]
        .into_iter()
        .chain(s.ifaces.iter().map(|a| a.to_string()))
        .collect();
    // What "Clients to" shows is what it writes: its own choice while the
    // scenario still offers it, else the first address listed.
    let client_dest = client_to
        .as_ref()
        .filter(|a| client_addresses.contains(a))
        .cloned()
        .unwrap_or_else(|| client_addresses[0].clone());
    // Datagrams go to the host's addresses or to a group joined so far;
    // as for clients, what the box shows is what the button writes.
    let dgram_addresses: Vec<String> = client_addresses
        .iter()
        .cloned()
        .chain(groups.iter().map(|g| g.to_string()))
        .collect();
    let dgram_dest = dgram_to
        .as_ref()
        .filter(|a| dgram_addresses.contains(a))
        .cloned()
        .unwrap_or_else(|| dgram_addresses[0].clone());
    // The port box as typed: a number, or `@NAME` (another socket's port).
    let port = (*typed_port)
        .clone()
        .unwrap_or_else(|| default_port(s).to_string());
    let port_spec = parse_port(&tr, &port);
    // The clients' and datagrams' rows take the port box's port: shown
    // after their address, so what a row shows is what it writes.
    let port_echo = html! { <span class="port-echo">{ format!("{} {}", tr.t(T::SandboxPort), port.trim()) }</span> };
    let ep = |a: &str| -> Result<EndpointSpec, (Field, String)> {
        let addr = a
            .parse()
            .map_err(|_| (Field::Port, tr.f(T::SandboxAddressBad, &[("text", a)])))?;
        Ok(EndpointSpec {
            addr,
            port: port_spec.clone().map_err(|e| (Field::Port, e))?,
        })
    };
    let invalid = |f: Field| {
        port_error
            .as_ref()
            .is_some_and(|(_, g, _)| *g == Some(f))
            .then_some("true")
    };
    // The message, under the row of the button that was refused (one
    // element, so the boxes' aria-describedby always finds it).
    let error_under = |r: Row| {
        let error = match port_error.as_ref() {
            Some((row, _, e)) if *row == r => {
                html! { <p id="port-error" class="field-error" role="alert">{ e.clone() }</p> }
            }
            _ => html! {},
        };
        // Each row's status is there from the start, empty, so a screen
        // reader announces what a button added.
        let said = added
            .as_ref()
            .filter(|a| a.row == r && *a.after == *p.derived.text)
            .map(|a| {
                tr.f(
                    T::SandboxAdded,
                    &[("line", &a.line.to_string()), ("text", &a.text)],
                )
            });
        html! { <>{ error }<p class="added muted small" role="status">{ said.unwrap_or_default() }</p></> }
    };
    let count = |text: &str, f: Field| parse_count(&tr, text).map_err(|e| (f, e));
    // A step that needs the port (or a count): writes it, or says what is
    // wrong with that box (a button that silently does nothing looks
    // broken). A line the text would not parse with (port 0 for a client)
    // is refused too, with the parser's words: written, it would take the
    // buttons away with it.
    let emit_ep = |row: Row, kind: Result<Option<StepKind>, (Field, String)>| {
        let (cb, err, added) = (p.on_line.clone(), port_error.clone(), added.clone());
        let (tr, text) = (tr.clone(), p.derived.text.clone());
        Callback::from(move |_: MouseEvent| match &kind {
            Ok(Some(k)) => match checked(&tr, &text, step_text(k)) {
                Ok(line) => {
                    err.set(None);
                    added.set(Some(Added::new(row, &text, &line)));
                    cb.emit(line);
                }
                Err(e) => {
                    // A step with an address: the port is at fault.
                    let port = matches!(
                        k,
                        StepKind::Bind { .. }
                            | StepKind::Connect { .. }
                            | StepKind::Client { .. }
                            | StepKind::Datagram { .. }
                    );
                    err.set(Some((row, port.then_some(Field::Port), e)))
                }
            },
            Ok(None) => {}
            Err((f, e)) => err.set(Some((row, Some(*f), e.clone()))),
        })
    };
    let emit = |row: Row, kind: Option<StepKind>| emit_ep(row, Ok(kind));
    let name = chosen.clone();
    let has = !name.is_empty();
    let mk = |f: &dyn Fn(String) -> StepKind| has.then(|| f(name.clone()));
    let options: Vec<SockOpt> = SockOpt::ALL
        .into_iter()
        .filter(|o| {
            s.os.rules().supports(*o)
                && (*o != SockOpt::Ipv6V6Only || chosen_proto.is_v6())
                && (*o != SockOpt::IpMulticastAll || chosen_proto == Proto::Udp)
        })
        .collect();
    let addr_ok = addresses.contains(&addr)
        || addr
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_ipv6() == chosen_proto.is_v6());
    let bind_addr = if addr_ok {
        (*addr).clone()
    } else {
        addresses[0].clone()
    };
    html! {
        <div class="controls" role="group" aria-label={tr.t(T::SandboxControlsLabel).to_string()}>
            <p class="muted small">{ tr.t(T::SandboxControlsHint) }</p>
            <div class="row">
                <button type="button" onclick={emit(Row::New, Some(StepKind::Socket { name: next_name.clone(), proto: Proto::Tcp }))}>{ format!("socket {next_name} tcp") }</button>
                <button type="button" onclick={emit(Row::New, Some(StepKind::Socket { name: next_name.clone(), proto: Proto::Tcp6 }))}>{ format!("socket {next_name} tcp6") }</button>
                <button type="button" onclick={emit(Row::New, Some(StepKind::Socket { name: next_name.clone(), proto: Proto::Udp }))}>{ format!("socket {next_name} udp") }</button>
                <button type="button" onclick={emit(Row::New, Some(StepKind::Socket { name: next_name.clone(), proto: Proto::Udp6 }))}>{ format!("socket {next_name} udp6") }</button>
            </div>
            { error_under(Row::New) }
            if has {
                <div class="row">
                    <label>{ tr.t(T::SandboxSocket) }{" "}
                        <select aria-label={tr.t(T::SandboxSocketLabel).to_string()} onchange={ { let t = target.clone(); Callback::from(move |e: Event| t.set(select_value(&e))) } }>
                            { for open.iter().map(|(n, _)| html! { <option value={n.clone()} selected={*n == chosen}>{ n }</option> }) }
                        </select>
                    </label>
                    // One node (a list), not `for`'s nodes spliced in after
                    // the select: Yew matches siblings from the end, so a
                    // socket with another number of options (a tcp6 one has
                    // IPV6_V6ONLY) rebuilt the select the reader was
                    // changing by keyboard, and the focus fell to the page.
                    { options.iter().map(|o| {
                        // A toggle: the socket's current setting decides on or off.
                        let on = !option_is_on(s, &name, *o);
                        html! {
                            <button type="button" aria-pressed={(!on).to_string()} onclick={emit(Row::Socket, mk(&|n| StepKind::Set { name: n, opt: *o, on }))}>
                                { if on { format!("set {}", o.name()) } else { format!("set {} off", o.name()) } }
                            </button>
                        }
                    }).collect::<Html>() }
                </div>
                { error_under(Row::Socket) }
                <div class="row">
                    <label>{ tr.t(T::SandboxAddress) }{" "}
                        <select aria-label={tr.t(T::SandboxAddress).to_string()} onchange={ { let a = addr.clone(); Callback::from(move |e: Event| a.set(select_value(&e))) } }>
                            { for addresses.iter().map(|a| html! { <option value={a.clone()} selected={*a == bind_addr}>{ a }</option> }) }
                        </select>
                    </label>
                    <label>{ tr.t(T::SandboxPort) }{" "}<input aria-label={tr.t(T::SandboxPort).to_string()} class="port" value={port.clone()} inputmode="numeric"
                        aria-invalid={invalid(Field::Port)} aria-describedby="port-error"
                        oninput={ { let (pt, err) = (typed_port.clone(), port_error.clone()); Callback::from(move |e: InputEvent| { err.set(None); pt.set(Some(e.target_unchecked_into::<HtmlInputElement>().value())) }) } } /></label>
                    <button type="button" onclick={emit_ep(Row::Address, ep(&bind_addr).map(|ep| mk(&|n| StepKind::Bind { name: n, ep: ep.clone() })))}>{"bind"}</button>
                    // UDP has no listen and no accept (the text may still say them).
                    if !chosen_proto.is_udp() {
                        <button type="button" onclick={emit(Row::Address, mk(&|n| StepKind::Listen { name: n }))}>{"listen"}</button>
                    }
                    <button type="button" onclick={emit_ep(Row::Address, ep(if bind_addr.parse::<IpAddr>().is_ok_and(|a| a.is_unspecified() || a.is_multicast()) { if chosen_proto.is_v6() { "::1" } else { "127.0.0.1" } } else { &bind_addr }).map(|ep| mk(&|n| StepKind::Connect { name: n, ep: ep.clone() })))}>{"connect"}</button>
                    if !chosen_proto.is_udp() {
                        <button type="button" onclick={emit(Row::Address, mk(&|n| StepKind::Accept { name: n, new: next_name.to_string() }))}>{ format!("accept → {next_name}") }</button>
                    }
                    <button type="button" onclick={emit(Row::Address, mk(&|n| StepKind::Close { name: n }))}>{"close"}</button>
                </div>
                { error_under(Row::Address) }
                if chosen_proto.is_udp() {
                    <div class="row">
                        <label>{ tr.t(T::SandboxGroup) }{" "}<input aria-label={tr.t(T::SandboxGroupLabel).to_string()} class="group" value={(*group).clone()}
                            aria-invalid={group_error.is_some().then_some("true")} aria-describedby="group-error"
                            oninput={ { let (g, err) = (group.clone(), group_error.clone()); Callback::from(move |e: InputEvent| { err.set(None); g.set(e.target_unchecked_into::<HtmlInputElement>().value()) }) } } /></label>
                        <button type="button" onclick={ {
                            let (cb, err, added, text) = (p.on_line.clone(), group_error.clone(), added.clone(), p.derived.text.clone());
                            let join = parse_group(&tr, &group, chosen_proto.is_v6()).map(|g| StepKind::Join { name: name.clone(), group: g });
                            Callback::from(move |_: MouseEvent| match &join {
                                Ok(k) => {
                                    let line = step_text(k);
                                    err.set(None);
                                    added.set(Some(Added::new(Row::Join, &text, &line)));
                                    cb.emit(line);
                                }
                                Err(e) => err.set(Some(e.clone())),
                            })
                        } }>{ format!("join {name}") }</button>
                    </div>
                    <p id="group-error" class="field-error" role="alert">{ (*group_error).clone().unwrap_or_default() }</p>
                    { error_under(Row::Join) }
                }
            }
            <div class="row">
                <label>{ tr.t(T::SandboxClientsTo) }{" "}
                    <select aria-label={tr.t(T::SandboxClientsToLabel).to_string()} onchange={ { let a = client_to.clone(); Callback::from(move |e: Event| a.set(Some(select_value(&e)))) } }>
                        { for client_addresses.iter().map(|a| html! { <option value={a.clone()} selected={*a == client_dest}>{ a }</option> }) }
                    </select>
                </label>
                { port_echo.clone() }
                <label>{"× "}<input aria-label={tr.t(T::SandboxClientsCountLabel).to_string()} class="port" value={(*clients).clone()} inputmode="numeric" aria-invalid={invalid(Field::Clients)} aria-describedby="port-error" oninput={ { let (c, err) = (clients.clone(), port_error.clone()); Callback::from(move |e: InputEvent| { err.set(None); c.set(e.target_unchecked_into::<HtmlInputElement>().value()) }) } } /></label>
                <button type="button" onclick={emit_ep(Row::Clients, ep(&client_dest).and_then(|ep| Ok(Some(StepKind::Client { ep, count: count(&clients, Field::Clients)? }))))}>{ tr.t(T::SandboxAddClients) }</button>
                <button type="button" onclick={emit(Row::Clients, Some(StepKind::Wait { ms: 30_000 }))}>{"wait 30s"}</button>
                <button type="button" onclick={emit(Row::Clients, Some(StepKind::Wait { ms: 61_000 }))}>{"wait 61s"}</button>
                // Past Windows' TIME_WAIT (120 s) too.
                <button type="button" onclick={emit(Row::Clients, Some(StepKind::Wait { ms: 121_000 }))}>{"wait 121s"}</button>
            </div>
            { error_under(Row::Clients) }
            <div class="row">
                <label>{ tr.t(T::SandboxDatagramsTo) }{" "}
                    <select aria-label={tr.t(T::SandboxDatagramsToLabel).to_string()} onchange={ { let a = dgram_to.clone(); Callback::from(move |e: Event| a.set(Some(select_value(&e)))) } }>
                        { for dgram_addresses.iter().map(|a| html! { <option value={a.clone()} selected={*a == dgram_dest}>{ a }</option> }) }
                    </select>
                </label>
                { port_echo }
                <label>{"× "}<input aria-label={tr.t(T::SandboxDatagramsCountLabel).to_string()} class="port" value={(*dgram_count).clone()} inputmode="numeric" aria-invalid={invalid(Field::Datagrams)} aria-describedby="port-error" oninput={ { let (c, err) = (dgram_count.clone(), port_error.clone()); Callback::from(move |e: InputEvent| { err.set(None); c.set(e.target_unchecked_into::<HtmlInputElement>().value()) }) } } /></label>
                <button type="button" onclick={emit_ep(Row::Datagrams, ep(&dgram_dest).and_then(|ep| { let n = count(&dgram_count, Field::Datagrams)?; datagram_step(&tr, ep, n) }))}>{ tr.t(T::SandboxSendDatagrams) }</button>
            </div>
            { error_under(Row::Datagrams) }
            // Always one element for the boxes' aria-describedby: here when
            // there is no message, or its row is not shown.
            if port_error.as_ref().is_none_or(|(r, _, _)| !has && matches!(r, Row::Socket | Row::Address)) {
                <p id="port-error" class="field-error" role="alert">{ port_error.as_ref().map(|(_, _, e)| e.clone()).unwrap_or_default() }</p>
            }
        </div>
    }
}

/// The row of buttons a click came from.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Row {
    New,
    Socket,
    Address,
    Join,
    Clients,
    Datagrams,
}

/// A line a button wrote: its number and text, and the text it made (the
/// message lasts while the text is that one: any edit takes it away, also
/// one that keeps the text's length).
#[derive(Clone, PartialEq)]
struct Added {
    row: Row,
    line: usize,
    text: String,
    after: Rc<str>,
}

impl Added {
    fn new(row: Row, before: &str, line: &str) -> Added {
        let after = with_line(before, line);
        Added {
            row,
            line: after.matches('\n').count(),
            text: line.to_string(),
            after: after.into(),
        }
    }
}

/// `line` if the text still parses with it as its last line, else what the
/// parser says is wrong with it, in `tr`'s language.
fn checked(tr: &Tr, text: &str, line: String) -> Result<String, String> {
    match bindlab_engine::parse(&with_line(text, &line)) {
        Ok(_) => Ok(line),
        // The parser's words start in lower case (they follow "line:col:"
        // elsewhere); here each is a sentence of its own.
        Err(problems) => {
            let said = problems.first().map(|p| tr.problem(p)).unwrap_or_default();
            let mut c = said.chars();
            Err(match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => said,
            })
        }
    }
}
