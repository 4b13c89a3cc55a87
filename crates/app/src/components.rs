//! The sandbox's components. State lives in [`App`] (one reducer); the
//! others take props and send actions back through callbacks.

use std::collections::BTreeMap;
use std::rc::Rc;

use bindlab_engine::addr::SockAddr;
use bindlab_engine::host::{Host, Socket, State};
use bindlab_engine::permalink::Permalink;
use bindlab_engine::print::step_text;
use bindlab_engine::scenario::{EndpointSpec, PortSpec, Proto, Scenario, SockOpt, StepKind};
use bindlab_engine::{parse, rules, run, Os, Problem, Report};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::state::{Action, Notice, Sandbox};

/// The scenario a first visit opens with (content, not code).
const EXAMPLE: &str = include_str!("../../../content/sandbox-example.bindlab");

pub(crate) fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

pub(crate) fn location_hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// "Copy link": copies `link` and says so in the notice.
pub(crate) fn copy_link(
    d: UseReducerDispatcher<Sandbox>,
    link: String,
    message: &'static str,
) -> Callback<MouseEvent> {
    Callback::from(move |_| {
        if let Some(w) = window() {
            let _ = w.navigator().clipboard().write_text(&link);
        }
        d.dispatch(Action::Notice(Some(Notice {
            text: message.into(),
            error: false,
        })));
    })
}

/// "Run on your machine": downloads the scenario as a Python program.
pub(crate) fn export_program(
    d: UseReducerDispatcher<Sandbox>,
    scenario: Option<Scenario>,
) -> Callback<MouseEvent> {
    Callback::from(move |_| {
        let (text, error) = match &scenario {
            Some(s) => match download("bindlab-check.py", &bindlab_engine::export::python(s)) {
                Ok(()) => ("Saved bindlab-check.py. Run it with `python3 bindlab-check.py`: it performs each step as the real call on your OS and prints the real outcome beside bindlab's prediction.".to_string(), false),
                Err(e) => (format!("The download did not start ({e})."), true),
            },
            None => ("Fix the problems in the scenario first.".to_string(), true),
        };
        d.dispatch(Action::Notice(Some(Notice { text, error })));
    })
}

/// Offers `text` as a file download (a Blob URL; nothing leaves the page).
pub(crate) fn download(name: &str, text: &str) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| {
        e.as_string()
            .unwrap_or_else(|| "the browser refused".into())
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/x-python");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let doc = window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a").map_err(err)?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Reads the page's fragment: a permalink, nothing, or a damaged link.
fn initial_state() -> Sandbox {
    let hash = location_hash();
    if hash.len() <= 1 {
        return Sandbox::new(EXAMPLE.to_string());
    }
    match Permalink::decode(&hash) {
        Ok(p) => {
            let mut s = Sandbox::new(String::new());
            s.text = p.text;
            s.oses = p.oses;
            s.step = p.step;
            s
        }
        Err(e) => {
            let mut s = Sandbox::new(String::new());
            s.notice = Some(Notice {
                text: format!("The link could not be opened: {e} The sandbox below is empty."),
                error: true,
            });
            s
        }
    }
}

/// The OS a diagram shows unless the reader picks one: the scenario's own
/// when it is among those shown, else the first shown.
pub(crate) fn default_os(parsed: &Result<Scenario, Vec<Problem>>, oses: &[Os]) -> Os {
    parsed
        .as_ref()
        .ok()
        .map(|s| s.os)
        .filter(|o| oses.contains(o))
        .unwrap_or(oses[0])
}

/// Everything derived from the state, computed once per change of text or
/// OSes (not per step) and shared by pointer.
pub(crate) struct Derived {
    pub(crate) parsed: Result<Scenario, Vec<Problem>>,
    pub(crate) reports: Vec<Report>,
}

pub(crate) fn derive(text: &str, oses: &[Os]) -> Derived {
    let parsed = parse(text);
    let reports = match &parsed {
        Ok(s) => oses.iter().map(|&os| run(s, os)).collect(),
        Err(_) => Vec::new(),
    };
    Derived { parsed, reports }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);
    let derived = {
        let (text, oses) = (state.text.clone(), state.oses.clone());
        use_memo((text, oses), |(t, o)| derive(t, o))
    };
    let steps_total = derived.parsed.as_ref().map_or(0, |s| s.steps.len());
    let step = state.step.min(steps_total);

    // The tab's title (a course page may have changed it).
    use_effect_with((), |_| {
        crate::nav::set_title(
            "bindlab sandbox — what bind() does on Linux, FreeBSD, macOS and Windows",
        )
    });
    // Keep the address bar a permalink of what is on screen.
    {
        let link = state.permalink();
        let has_error = state.notice.as_ref().is_some_and(|n| n.error);
        use_effect_with((link, has_error), |(link, has_error)| {
            // A damaged link stays in the address bar until the reader acts.
            if !*has_error || !link.text.is_empty() {
                crate::nav::remember_sandbox(&link.encode());
                if let Some(h) = window().and_then(|w| w.history().ok()) {
                    let _ = h.replace_state_with_url(
                        &wasm_bindgen::JsValue::NULL,
                        "",
                        Some(&format!("#{}", link.encode())),
                    );
                }
            }
        });
    }
    // A link pasted into the address bar of an open page.
    {
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            let cb = Closure::<dyn Fn()>::new(move || {
                let hash = location_hash();
                if hash.starts_with("#/") {
                    return; // a course page: the root switches to it
                }
                match Permalink::decode(&hash) {
                    Ok(p) => dispatch.dispatch(Action::Load(p)),
                    Err(e) => dispatch.dispatch(Action::Notice(Some(Notice {
                        text: format!("The link could not be opened: {e}"),
                        error: true,
                    }))),
                }
            });
            let w = window();
            if let Some(w) = &w {
                let _ =
                    w.add_event_listener_with_callback("hashchange", cb.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = w {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        cb.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }

    // Callbacks made once, so components taking them can skip re-rendering.
    let d = state.dispatcher();
    let on_text = use_callback(d.clone(), |t: String, d| d.dispatch(Action::SetText(t)));
    let on_line = use_callback(d.clone(), |l: String, d| d.dispatch(Action::AppendLine(l)));
    let on_goto = use_callback(d.clone(), |n: usize, d| d.dispatch(Action::GoTo(n)));
    let on_toggle = use_callback(d, |os: Os, d| d.dispatch(Action::ToggleOs(os)));
    let on_copy = {
        let page = window()
            .and_then(|w| w.location().href().ok())
            .map(|h| h.split('#').next().unwrap_or("").to_string())
            .unwrap_or_default();
        copy_link(
            state.dispatcher(),
            format!("{page}#{}", state.permalink().encode()),
            "Link copied. It opens this scenario, these OSes and this step.",
        )
    };
    let on_export = export_program(state.dispatcher(), derived.parsed.as_ref().ok().cloned());
    let dismiss = {
        let d = state.dispatcher();
        Callback::from(move |_| d.dispatch(Action::Notice(None)))
    };
    let diagram_os = use_state(|| None::<Os>);
    let shown_os = diagram_os
        .filter(|o| state.oses.contains(o))
        .unwrap_or_else(|| default_os(&derived.parsed, &state.oses));
    let on_diagram_os = use_callback(diagram_os.setter(), |os: Os, set| set.set(Some(os)));

    let title = derived.parsed.as_ref().ok().and_then(|s| s.title.clone());
    html! {
        <>
        <header class="top">
            <crate::nav::SiteNav current={crate::route::Route::Sandbox} />
            <h1><span class="brand">{"bindlab"}</span>{" sandbox"}</h1>
            <p class="tagline">{"What bind(), listen() and connect() do on Linux, FreeBSD, macOS and Windows — and why. "}
                <a href={crate::route::Route::Contents.href()}>{ format!("New to this? The course explains it in {} chapters →", crate::route::CONTENTS.len()) }</a></p>
        </header>
        <main id="main">
            if let Some(n) = &state.notice {
                <div class={classes!("notice", n.error.then_some("error"))} role={if n.error { "alert" } else { "status" }}>
                    <p>{ &n.text }</p>
                    <button type="button" class="quiet" onclick={dismiss}>{"Dismiss"}</button>
                </div>
            }
            if let Some(t) = &title {
                <h2 class="scenario-title">{ t }</h2>
            }
            <div class="layout">
                <section class="pane editor-pane" aria-labelledby="h-scenario">
                    <h2 id="h-scenario">{"Scenario"}</h2>
                    <Editor text={state.text.clone()} problems={derived.parsed.as_ref().err().cloned().unwrap_or_default()} on_change={on_text} />
                    <Controls scenario={derived.parsed.as_ref().ok().cloned()} on_line={on_line} />
                </section>
                <section class="pane run-pane" aria-labelledby="h-run">
                    <h2 id="h-run">{"Run it"}</h2>
                    <Stepper step={step} total={steps_total} on_goto={on_goto.clone()} on_copy={on_copy} on_export={on_export} />
                    <OsPicker oses={state.oses.clone()} on_toggle={on_toggle} />
                    if derived.parsed.is_ok() {
                        <OsTable derived={derived.clone()} step={step} on_goto={on_goto} />
                    } else {
                        <p class="muted">{"Fix the problems in the scenario to see the outcomes."}</p>
                    }
                </section>
            </div>
            if derived.parsed.is_ok() {
                <HostView derived={derived.clone()} os={shown_os} oses={state.oses.clone()} step={step} on_os={on_diagram_os} />
            }
        </main>
        <footer class="bottom"><p>{"Linux outcomes are checked against the real kernel; FreeBSD, macOS and Windows follow their published sources. Every verdict names its rule."}</p></footer>
        </>
    }
}

// ---- editor ----------------------------------------------------------------

#[derive(Properties, PartialEq)]
pub(crate) struct EditorProps {
    /// Prefix of the element ids (several editors may share a page).
    #[prop_or(AttrValue::Static("scenario"))]
    pub(crate) id: AttrValue,
    /// The textarea's accessible name.
    #[prop_or(AttrValue::Static("Scenario text"))]
    pub(crate) label: AttrValue,
    pub(crate) text: String,
    pub(crate) problems: Vec<Problem>,
    pub(crate) on_change: Callback<String>,
}

#[function_component(Editor)]
pub(crate) fn editor(p: &EditorProps) -> Html {
    let area = use_node_ref();
    let lines = p.text.split('\n').count().max(1);
    let widest = p
        .text
        .split('\n')
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(40);
    let bad: Vec<u32> = p.problems.iter().map(|x| x.line).collect();
    let oninput = {
        let cb = p.on_change.clone();
        Callback::from(move |e: InputEvent| {
            cb.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let jump = |line: u32| {
        let area = area.clone();
        let text = p.text.clone();
        Callback::from(move |_| {
            if let Some(el) = area.cast::<HtmlTextAreaElement>() {
                let offset: usize = text
                    .split('\n')
                    .take(line as usize - 1)
                    .map(|l| l.encode_utf16().count() + 1)
                    .sum();
                let _ = el.focus();
                let _ = el.set_selection_range(offset as u32, offset as u32);
            }
        })
    };
    html! {
        <div class="editor">
            <div class="code">
                <pre class="gutter" aria-hidden="true">{
                    for (1..=lines).map(|n| html! { <span class={classes!(bad.contains(&(n as u32)).then_some("bad"))}>{ format!("{n}\n") }</span> })
                }</pre>
                <textarea ref={area.clone()} id={format!("{}-text", p.id)} aria-label={p.label.clone()} spellcheck="false" wrap="off" autocapitalize="off"
                    rows={(lines + 1).to_string()} cols={(widest + 2).to_string()} value={p.text.clone()} {oninput}
                    aria-invalid={(!p.problems.is_empty()).to_string()} aria-describedby={format!("{}-problems", p.id)} />
            </div>
            <div id={format!("{}-problems", p.id)} class="problems" aria-live="polite">
                if !p.problems.is_empty() {
                    <p class="problems-head">{ format!("{} problem{} — nothing runs until they are fixed:", p.problems.len(), if p.problems.len() == 1 { "" } else { "s" }) }</p>
                    <ul>{ for p.problems.iter().map(|pr| html! {
                        <li><button type="button" class="link" onclick={jump(pr.line)}>{ format!("line {}, column {}", pr.line, pr.col) }</button>{ format!(": {}", pr.message) }</li>
                    }) }</ul>
                }
            </div>
        </div>
    }
}

// ---- GUI controls: they write text ----------------------------------------

#[derive(Properties, PartialEq)]
struct ControlsProps {
    scenario: Option<Scenario>,
    on_line: Callback<String>,
}

/// Sockets open at the end of the scenario, with their protocol.
fn open_sockets(s: &Scenario) -> Vec<(String, Proto)> {
    let mut open: Vec<(String, Proto)> = Vec::new();
    for st in &s.steps {
        match &st.kind {
            StepKind::Socket { name, proto } => open.push((name.clone(), *proto)),
            StepKind::Accept { name, new } => {
                if let Some(p) = open.iter().find(|(n, _)| n == name).map(|(_, p)| *p) {
                    open.push((new.clone(), p));
                }
            }
            StepKind::Close { name } => open.retain(|(n, _)| n != name),
            _ => {}
        }
    }
    open
}

/// Whether the scenario leaves `opt` on for the socket named `name` (the
/// last `set` since that name was last created).
fn option_is_on(s: &Scenario, name: &str, opt: SockOpt) -> bool {
    let mut on = false;
    for st in &s.steps {
        match &st.kind {
            StepKind::Socket { name: n, .. } | StepKind::Accept { new: n, .. } if n == name => {
                on = false
            }
            StepKind::Set {
                name: n,
                opt: o,
                on: v,
            } if n == name && *o == opt => on = *v,
            _ => {}
        }
    }
    on
}

/// The port box: a number 0–65535, or `@NAME` for the port another socket
/// is bound to.
fn parse_port(text: &str) -> Result<PortSpec, String> {
    let t = text.trim();
    if let Some(n) = t.strip_prefix('@') {
        if !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Ok(PortSpec::Of(n.to_string()));
        }
    }
    match t.parse::<u32>() {
        Ok(n) if n <= 65535 => Ok(PortSpec::Num(n as u16)),
        Ok(_) => Err(format!("Port {t} is out of range: a port is a number from 0 to 65535.")),
        Err(_) if t.is_empty() => Err("Type a port first: a number from 0 to 65535, or @NAME for the port of socket NAME.".into()),
        Err(_) => Err(format!("“{t}” is not a port: type a number from 0 to 65535, or @NAME for the port of socket NAME.")),
    }
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

#[function_component(Controls)]
fn controls(p: &ControlsProps) -> Html {
    // Hooks first, unconditionally: Yew panics (in debug builds) when a
    // render calls fewer hooks than the one before, e.g. after a typo.
    let target = use_state(String::new);
    let addr = use_state(|| "0.0.0.0".to_string());
    let client_to = use_state(|| None::<String>);
    let port = use_state(|| "8080".to_string());
    let count = use_state(|| "1".to_string());
    let port_error = use_state(|| None::<String>);
    let Some(s) = &p.scenario else {
        return html! { <div class="controls"><p class="muted">{"The buttons come back when the text parses."}</p></div> };
    };
    let open = open_sockets(s);
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
    // The port box as typed: a number, or `@NAME` (another socket's port).
    let port_spec = parse_port(&port);
    let ep = |a: &str| -> Result<EndpointSpec, String> {
        let addr = a.parse().map_err(|_| format!("“{a}” is not an address."))?;
        Ok(EndpointSpec {
            addr,
            port: port_spec.clone()?,
        })
    };
    let emit = |kind: Option<StepKind>| {
        let cb = p.on_line.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(k) = &kind {
                cb.emit(step_text(k));
            }
        })
    };
    // A step that needs the port: writes it, or says what is wrong with the
    // port (a button that silently does nothing looks broken).
    let emit_ep = |kind: Result<Option<StepKind>, String>| {
        let (cb, err) = (p.on_line.clone(), port_error.clone());
        Callback::from(move |_: MouseEvent| match &kind {
            Ok(Some(k)) => {
                err.set(None);
                cb.emit(step_text(k));
            }
            Ok(None) => {}
            Err(e) => err.set(Some(e.clone())),
        })
    };
    let name = chosen.clone();
    let has = !name.is_empty();
    let mk = |f: &dyn Fn(String) -> StepKind| has.then(|| f(name.clone()));
    let options: Vec<SockOpt> = SockOpt::ALL
        .into_iter()
        .filter(|o| {
            s.os.rules().supports(*o) && (*o != SockOpt::Ipv6V6Only || chosen_proto.is_v6())
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
        <div class="controls" role="group" aria-label="Build the scenario with buttons">
            <p class="muted small">{"Each button writes a line into the text above."}</p>
            <div class="row">
                <button type="button" onclick={emit(Some(StepKind::Socket { name: next_name.clone(), proto: Proto::Tcp }))}>{ format!("socket {next_name} tcp") }</button>
                <button type="button" onclick={emit(Some(StepKind::Socket { name: next_name.clone(), proto: Proto::Tcp6 }))}>{ format!("socket {next_name} tcp6") }</button>
            </div>
            if has {
                <div class="row">
                    <label>{"Socket "}
                        <select aria-label="Socket to act on" onchange={ { let t = target.clone(); Callback::from(move |e: Event| t.set(select_value(&e))) } }>
                            { for open.iter().map(|(n, _)| html! { <option value={n.clone()} selected={*n == chosen}>{ n }</option> }) }
                        </select>
                    </label>
                    { for options.iter().map(|o| {
                        // A toggle: the socket's current setting decides on or off.
                        let on = !option_is_on(s, &name, *o);
                        html! {
                            <button type="button" aria-pressed={(!on).to_string()} onclick={emit(mk(&|n| StepKind::Set { name: n, opt: *o, on }))}>
                                { if on { format!("set {}", o.name()) } else { format!("set {} off", o.name()) } }
                            </button>
                        }
                    }) }
                </div>
                <div class="row">
                    <label>{"Address "}
                        <select aria-label="Address" onchange={ { let a = addr.clone(); Callback::from(move |e: Event| a.set(select_value(&e))) } }>
                            { for addresses.iter().map(|a| html! { <option value={a.clone()} selected={*a == bind_addr}>{ a }</option> }) }
                        </select>
                    </label>
                    <label>{"Port "}<input aria-label="Port" class="port" value={(*port).clone()} inputmode="numeric"
                        aria-invalid={port_error.is_some().then_some("true")} aria-describedby="port-error"
                        oninput={ { let (pt, err) = (port.clone(), port_error.clone()); Callback::from(move |e: InputEvent| { err.set(None); pt.set(e.target_unchecked_into::<HtmlInputElement>().value()) }) } } /></label>
                    <button type="button" onclick={emit_ep(ep(&bind_addr).map(|ep| mk(&|n| StepKind::Bind { name: n, ep: ep.clone() })))}>{"bind"}</button>
                    <button type="button" onclick={emit(mk(&|n| StepKind::Listen { name: n }))}>{"listen"}</button>
                    <button type="button" onclick={emit_ep(ep(if bind_addr.parse::<std::net::IpAddr>().is_ok_and(|a| a.is_unspecified()) { if chosen_proto.is_v6() { "::1" } else { "127.0.0.1" } } else { &bind_addr }).map(|ep| mk(&|n| StepKind::Connect { name: n, ep: ep.clone() })))}>{"connect"}</button>
                    <button type="button" onclick={emit(mk(&|n| StepKind::Accept { name: n, new: next_name.to_string() }))}>{ format!("accept → {next_name}") }</button>
                    <button type="button" onclick={emit(mk(&|n| StepKind::Close { name: n }))}>{"close"}</button>
                </div>
            }
            <div class="row">
                <label>{"Clients to "}
                    <select aria-label="Client destination address" onchange={ { let a = client_to.clone(); Callback::from(move |e: Event| a.set(Some(select_value(&e)))) } }>
                        { for client_addresses.iter().map(|a| html! { <option value={a.clone()} selected={*a == client_dest}>{ a }</option> }) }
                    </select>
                </label>
                <label>{"× "}<input aria-label="Number of clients" class="port" value={(*count).clone()} inputmode="numeric" oninput={ { let c = count.clone(); Callback::from(move |e: InputEvent| c.set(e.target_unchecked_into::<HtmlInputElement>().value())) } } /></label>
                <button type="button" onclick={emit_ep(ep(&client_dest).map(|ep| Some(StepKind::Client { ep, count: count.trim().parse().unwrap_or(1).clamp(1, 1000) })))}>{"add clients"}</button>
                <button type="button" onclick={emit(Some(StepKind::Wait { ms: 30_000 }))}>{"wait 30s"}</button>
                <button type="button" onclick={emit(Some(StepKind::Wait { ms: 61_000 }))}>{"wait 61s"}</button>
            </div>
            <p id="port-error" class="field-error" role="alert">{ (*port_error).clone().unwrap_or_default() }</p>
        </div>
    }
}

// ---- stepper and OS picker -------------------------------------------------

#[derive(Properties, PartialEq)]
pub(crate) struct StepperProps {
    pub(crate) step: usize,
    pub(crate) total: usize,
    pub(crate) on_goto: Callback<usize>,
    pub(crate) on_copy: Callback<MouseEvent>,
    pub(crate) on_export: Callback<MouseEvent>,
}

#[function_component(Stepper)]
pub(crate) fn stepper(p: &StepperProps) -> Html {
    let back_ref = use_node_ref();
    let step_ref = use_node_ref();
    // Which end the last press reached: its button is now disabled, and a
    // disabled button drops the focus to <body>; the other direction's
    // button takes it instead, so a keyboard reader stays in the toolbar.
    let pressed = use_mut_ref(|| None::<bool>);
    {
        let (back_ref, step_ref, pressed) = (back_ref.clone(), step_ref.clone(), pressed.clone());
        use_effect_with((p.step, p.total), move |(step, total)| {
            let forward = pressed.borrow_mut().take();
            let target = match forward {
                Some(true) if step >= total => back_ref.cast::<web_sys::HtmlElement>(),
                Some(false) if *step == 0 => step_ref.cast::<web_sys::HtmlElement>(),
                _ => None,
            };
            if let Some(b) = target {
                let _ = b.focus();
            }
        });
    }
    let go = |n: usize, forward: bool| {
        let (cb, pressed) = (p.on_goto.clone(), pressed.clone());
        Callback::from(move |_: MouseEvent| {
            *pressed.borrow_mut() = Some(forward);
            cb.emit(n)
        })
    };
    html! {
        <div class="stepper" role="toolbar" aria-label="Run the scenario">
            <button type="button" onclick={go(0, false)} disabled={p.step == 0}>{"Reset"}</button>
            <button type="button" ref={back_ref} onclick={go(p.step.saturating_sub(1), false)} disabled={p.step == 0}>{"◀ Back"}</button>
            <button type="button" ref={step_ref} class="primary" onclick={go((p.step + 1).min(p.total), true)} disabled={p.step >= p.total}>{"Step ▶"}</button>
            <button type="button" onclick={go(p.total, true)} disabled={p.step >= p.total}>{"Run all ▶▶"}</button>
            <span class="progress" aria-live="off">{ format!("{} of {} steps run", p.step, p.total) }</span>
            <button type="button" class="quiet" onclick={p.on_copy.clone()}>{"Copy link"}</button>
            <button type="button" class="quiet" onclick={p.on_export.clone()} title="A Python program that runs this scenario on your computer and compares with bindlab">{"Run on your machine"}</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct OsPickerProps {
    oses: Vec<Os>,
    on_toggle: Callback<Os>,
}

#[function_component(OsPicker)]
fn os_picker(p: &OsPickerProps) -> Html {
    html! {
        <fieldset class="os-picker">
            <legend>{"Compare on"}</legend>
            { for Os::ALL.iter().map(|&os| {
                let cb = p.on_toggle.clone();
                let checked = p.oses.contains(&os);
                html! {
                    <label class="check"><input type="checkbox" checked={checked} disabled={checked && p.oses.len() == 1}
                        onchange={Callback::from(move |_| cb.emit(os))} />{ os.display() }</label>
                }
            }) }
        </fieldset>
    }
}

// ---- the OS-by-OS outcome table ------------------------------------------

#[derive(Properties)]
pub(crate) struct OsTableProps {
    pub(crate) derived: Rc<Derived>,
    pub(crate) step: usize,
    pub(crate) on_goto: Callback<usize>,
}

impl PartialEq for OsTableProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.derived, &o.derived) && self.step == o.step && self.on_goto == o.on_goto
    }
}

/// A rule's "why" as the page prints it after the rule's title and a
/// period: a sentence, so it starts with a capital unless its first word is
/// a socket's name (names are case-sensitive), and without the state the
/// engine sometimes repeats after "the TIME_WAIT left by …".
pub(crate) fn why_text(why: &str, scenario: &Scenario) -> String {
    let mut w = why.to_string();
    if w.contains("the TIME_WAIT left by") {
        w = w.replace(" (TIME_WAIT)", "");
    }
    let first = w.split([' ', ',', '(']).next().unwrap_or("");
    let is_name = scenario.steps.iter().any(|st| {
        st.kind.socket() == Some(first)
            || matches!(&st.kind, StepKind::Accept { new, .. } if new == first)
    });
    let mut chars = w.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() && !is_name => c.to_uppercase().chain(chars).collect(),
        _ => w,
    }
}

/// "ok → A×3" style text for one cell: the engine's summary, the same
/// words as the CLI's.
fn outcome(rep: &bindlab_engine::StepReport) -> String {
    rep.summary()
}

#[function_component(OsTable)]
pub(crate) fn os_table(p: &OsTableProps) -> Html {
    let n = p.derived.parsed.as_ref().map_or(0, |s| s.steps.len());
    html! {
        <div class="table-wrap">
            <table class="outcomes">
                <caption class="sr-only">{"Each step's outcome on each OS; open a cell for the rule and why"}</caption>
                <thead><tr><th scope="col">{"Step"}</th>{ for p.derived.reports.iter().map(|r| html! { <th scope="col">{ r.os.display() }</th> }) }</tr></thead>
                <tbody>{ for (0..n).map(|i| html! {
                    <Row key={i} derived={p.derived.clone()} index={i} done={i < p.step} current={i + 1 == p.step} on_goto={p.on_goto.clone()} />
                }) }</tbody>
            </table>
        </div>
    }
}

#[derive(Properties)]
struct RowProps {
    derived: Rc<Derived>,
    index: usize,
    done: bool,
    current: bool,
    on_goto: Callback<usize>,
}

/// Rows compare by what they show, so a step re-renders two rows, not all.
impl PartialEq for RowProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.derived, &o.derived)
            && self.index == o.index
            && self.done == o.done
            && self.current == o.current
            && self.on_goto == o.on_goto
    }
}

#[function_component(Row)]
fn row(p: &RowProps) -> Html {
    let Ok(scenario) = &p.derived.parsed else {
        return html! {};
    };
    let i = p.index;
    let st = &scenario.steps[i];
    let reports = &p.derived.reports;
    let differs = bindlab_engine::report::differs(reports.iter(), i);
    let goto = {
        let cb = p.on_goto.clone();
        Callback::from(move |_: MouseEvent| cb.emit(i + 1))
    };
    html! {
        <tr class={classes!(differs.then_some("differs"), (!p.done).then_some("pending"), p.current.then_some("current"))}
            aria-current={p.current.then_some("step")}>
            <th scope="row" class="step">
                <button type="button" class="link" onclick={goto} title="Run up to this step">
                    <span class="ln">{ st.line }</span>{ step_text(&st.kind) }
                </button>
                if differs && p.done { <span class="differs-mark" title="The OSes differ here">{" ≠"}<span class="sr-only">{" (the OSes differ)"}</span></span> }
            </th>
            { for reports.iter().map(|r| {
                let rep = &r.steps[i];
                // data-os: the OS's name beside the outcome when the table
                // is shown as one card per step (narrow screens).
                let os = r.os.display();
                if !p.done {
                    return html! { <td class="cell pending" data-os={os}><span class="sr-only">{"not run yet"}</span>{"·"}</td> };
                }
                let ok = rep.is_ok();
                let expect = match rep.pass { Some(true) => " ✓", Some(false) => " ✗", None => "" };
                match (rep.rule, &rep.why) {
                    (Some(rule), Some(why)) => {
                        let title = rules::rule(rule).map(|r| r.title).unwrap_or_default();
                        html! {
                            <td class={classes!("cell", if ok { "ok" } else { "err" })} data-os={os}>
                                <details>
                                    <summary>{ outcome(rep) }{ expect }</summary>
                                    <p class="why"><strong>{ title }</strong>{ ". " }{ why_text(why, scenario) }</p>
                                    <p class="rule-id"><code>{ rule }</code></p>
                                </details>
                            </td>
                        }
                    }
                    _ => html! { <td class={classes!("cell", if ok { "ok" } else { "err" })} data-os={os}>{ outcome(rep) }{ expect }</td> },
                }
            }) }
        </tr>
    }
}

// ---- the host: diagram and text twin -------------------------------------

#[derive(Properties)]
pub(crate) struct HostViewProps {
    pub(crate) derived: Rc<Derived>,
    pub(crate) os: Os,
    pub(crate) oses: Vec<Os>,
    pub(crate) step: usize,
    pub(crate) on_os: Callback<Os>,
}

impl PartialEq for HostViewProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.derived, &o.derived)
            && self.os == o.os
            && self.oses == o.oses
            && self.step == o.step
            && self.on_os == o.on_os
    }
}

fn opts_text(s: &Socket) -> String {
    let mut v: Vec<&str> = Vec::new();
    if s.opts.reuseaddr {
        v.push("SO_REUSEADDR");
    }
    if s.opts.reuseport {
        v.push("SO_REUSEPORT");
    }
    if s.opts.reuseport_lb {
        v.push("SO_REUSEPORT_LB");
    }
    if s.opts.exclusive {
        v.push("SO_EXCLUSIVEADDRUSE");
    }
    if s.is_v6() && s.opts.v6only {
        v.push("IPV6_V6ONLY");
    }
    v.join(" ")
}

/// One socket as the views show it: small, comparable, so an unchanged
/// socket's row and card are not re-rendered when the step moves.
#[derive(Clone, PartialEq)]
struct SockView {
    id: usize,
    label: String,
    proto: &'static str,
    state: String,
    state_class: &'static str,
    local: Option<SockAddr>,
    remote: Option<SockAddr>,
    opts: String,
    user: String,
    listening: bool,
    queue: usize,
    /// Connections that wait on this listener or another: which one
    /// accepts them is undefined (Windows).
    queue_undefined: usize,
    /// Waiting in an accept queue: drawn as the listener's queue, not a card.
    queued: bool,
    /// Which address bands a wildcard binding covers.
    v6_wildcard_dual: bool,
    v6_wildcard_only: bool,
    /// Clients that arrived at this listener in the last step.
    arrived: Option<u32>,
}

fn sock_views(h: &Host, arrows: &BTreeMap<String, u32>) -> Vec<SockView> {
    let mut socks: Vec<&Socket> = h.sockets().collect();
    // A connection queued on several listeners (Windows' undefined sharing)
    // is in each one's queue: counted there as "may be here", not as theirs.
    let shared: std::collections::BTreeSet<usize> = socks
        .iter()
        .filter(|s| s.queued_on.len() > 1)
        .map(|s| s.id)
        .collect();
    socks.sort_by_key(|s| (s.child && !s.named, s.id));
    socks
        .into_iter()
        .map(|s| {
            let v6_any = matches!(s.local.map(|l| l.ip), Some(std::net::IpAddr::V6(a)) if a.is_unspecified());
            SockView {
                id: s.id,
                label: s.label.clone(),
                proto: s.proto.keyword(),
                state: match s.state {
                    State::TimeWait { until_ms } => format!("TIME_WAIT ({}s left)", until_ms.saturating_sub(h.now_ms).div_ceil(1000)),
                    st => st.label().to_string(),
                },
                state_class: match s.state {
                    State::Listening => "listening",
                    State::TimeWait { .. } => "time_wait",
                    State::Connected => "connected",
                    _ => "other",
                },
                local: s.local,
                remote: s.remote,
                opts: opts_text(s),
                user: s.user.clone(),
                listening: s.is_listening(),
                queue: s.queue.iter().filter(|c| !shared.contains(c)).count(),
                queue_undefined: s.queue.iter().filter(|c| shared.contains(c)).count(),
                queued: s.child && !s.named && !s.queued_on.is_empty(),
                v6_wildcard_dual: v6_any && !s.opts.v6only,
                v6_wildcard_only: v6_any && s.opts.v6only,
                arrived: arrows.get(&s.label).copied().filter(|_| s.is_listening()),
            }
        })
        .collect()
}

#[function_component(HostView)]
pub(crate) fn host_view(p: &HostViewProps) -> Html {
    let cache = use_mut_ref(HostCache::default);
    // The diagram is laid out for the width it has (see `diagram_layout`):
    // measured once drawn and again when the window is resized.
    let room_ref = use_node_ref();
    let room = use_state_eq(|| None::<i32>);
    {
        let (room_ref, room) = (room_ref.clone(), room.clone());
        use_effect_with(p.derived.parsed.is_ok(), move |_| {
            let measure = move || {
                if let Some(el) = room_ref.cast::<web_sys::Element>() {
                    let w = el.client_width();
                    if w > 0 {
                        room.set(Some(w));
                    }
                }
            };
            measure();
            let cb = Closure::<dyn Fn()>::new(measure);
            let w = window();
            if let Some(w) = &w {
                let _ = w.add_event_listener_with_callback("resize", cb.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = w {
                    let _ = w
                        .remove_event_listener_with_callback("resize", cb.as_ref().unchecked_ref());
                }
            }
        });
    }
    let Ok(scenario) = &p.derived.parsed else {
        return html! {};
    };
    let host = cache.borrow_mut().host(&p.derived, scenario, p.os, p.step);
    let computed;
    let report = match p.derived.reports.iter().find(|r| r.os == p.os) {
        Some(r) => r,
        None => {
            computed = run(scenario, p.os);
            &computed
        }
    };
    let last = p
        .step
        .checked_sub(1)
        .and_then(|i| report.steps.get(i).map(|r| (i, r)));
    let announce = match last {
        Some((i, r)) => {
            let why = r
                .why
                .as_deref()
                .map(|w| format!(" — {}", why_text(w, scenario)))
                .unwrap_or_default();
            // The table numbers steps by their line: say both.
            format!(
                "Step {} of {} (line {}): {} → {} on {}{why}",
                i + 1,
                scenario.steps.len(),
                scenario.steps[i].line,
                step_text(&scenario.steps[i].kind),
                outcome(r),
                p.os.display()
            )
        }
        None => format!("Nothing has run yet on {}. Press Step.", p.os.display()),
    };
    let arrows: BTreeMap<String, u32> = last
        .and_then(|(_, r)| r.accepted_by.clone())
        .unwrap_or_default();
    let views = sock_views(&host, &arrows);
    let mut addrs = host.local_addresses();
    addrs.sort_by_key(|a| a.is_ipv6());
    let pick = {
        let cb = p.on_os.clone();
        Callback::from(move |e: Event| {
            if let Some(os) = Os::from_key(&select_value(&e)) {
                cb.emit(os);
            }
        })
    };
    html! {
        <section class="pane host" aria-labelledby="h-host">
            <div class="host-head">
                <h2 id="h-host">{"The host after step "}{ p.step }</h2>
                <label>{"as seen on "}
                    <select aria-label="OS shown in the diagram" onchange={pick}>
                        { for p.oses.iter().map(|o| html! { <option value={o.key()} selected={*o == p.os}>{ o.display() }</option> }) }
                    </select>
                </label>
            </div>
            <p class="announce" aria-live="polite" id="announce">{ announce }</p>
            <div class="diagram-room" ref={room_ref}>
                <Diagram addrs={addrs} views={views.iter().filter(|v| !v.queued).cloned().collect::<Vec<_>>()} room={*room} />
            </div>
            <table class="twin">
                <caption>{ format!("Sockets on the host ({}), as a table", p.os.display()) }</caption>
                <thead><tr>
                    <th scope="col">{"Socket"}</th><th scope="col">{"State"}</th><th scope="col">{"Local address"}</th>
                    <th scope="col">{"Remote"}</th><th scope="col">{"Options"}</th><th scope="col">{"Owner"}</th><th scope="col">{"Waiting"}</th>
                </tr></thead>
                <tbody>
                    if views.is_empty() { <tr><td colspan="7" class="muted">{"No sockets yet."}</td></tr> }
                    { for views.into_iter().map(|v| html! { <TwinRow view={v} /> }) }
                </tbody>
            </table>
        </section>
    }
}

/// Hosts at checkpoints of one scenario on one OS, so moving one step
/// applies one step (or replays a few from the nearest checkpoint) instead
/// of the whole scenario.
#[derive(Default)]
struct HostCache {
    key: Option<(*const Derived, Os)>,
    checkpoints: Vec<(usize, Host)>,
}

impl HostCache {
    const EVERY: usize = 32;

    fn host(&mut self, derived: &Rc<Derived>, scenario: &Scenario, os: Os, step: usize) -> Host {
        let key = (Rc::as_ptr(derived), os);
        if self.key != Some(key) {
            self.key = Some(key);
            self.checkpoints = vec![(0, Host::new(os, &scenario.ifaces, scenario.seed))];
        }
        let (at, base) = self
            .checkpoints
            .iter()
            .rev()
            .find(|(n, _)| *n <= step)
            .cloned()
            .unwrap_or_else(|| (0, Host::new(os, &scenario.ifaces, scenario.seed)));
        let mut h = base;
        for n in at..step.min(scenario.steps.len()) {
            h.apply(&scenario.steps[n]);
            if (n + 1) % Self::EVERY == 0 && !self.checkpoints.iter().any(|(c, _)| *c == n + 1) {
                self.checkpoints.push((n + 1, h.clone()));
                self.checkpoints.sort_by_key(|(c, _)| *c);
            }
        }
        h
    }
}

#[derive(Properties, PartialEq)]
struct ViewProps {
    view: SockView,
}

#[function_component(TwinRow)]
fn twin_row(p: &ViewProps) -> Html {
    let v = &p.view;
    html! {
        <tr>
            <th scope="row">{ &v.label }</th>
            <td data-label="State">{ &v.state }</td>
            <td data-label="Local">{ v.local.map(|l| l.to_string()).unwrap_or_else(|| "—".into()) }</td>
            <td data-label="Remote">{ v.remote.map(|r| r.to_string()).unwrap_or_else(|| "—".into()) }</td>
            <td data-label="Options">{ &v.opts }</td>
            <td data-label="Owner">{ &v.user }</td>
            <td data-label="Waiting">{ waiting_text(v) }</td>
        </tr>
    }
}

/// A listener's queue in words: its own connections, and those it shares
/// with other listeners where the OS does not define which accepts them.
fn waiting_text(v: &SockView) -> String {
    match (v.listening, v.queue, v.queue_undefined) {
        (false, _, _) => String::new(),
        (true, n, 0) => n.to_string(),
        (true, 0, u) => format!("{u} (or on another listener: undefined)"),
        (true, n, u) => format!("{n}, and {u} more or on another listener (undefined)"),
    }
}

/// A label cut to fit a card.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max - 1).collect::<String>())
    }
}

#[derive(Properties, PartialEq)]
struct DiagramProps {
    addrs: Vec<std::net::IpAddr>,
    views: Vec<SockView>,
    /// The width (CSS px) the diagram may take; `None` until measured.
    room: Option<i32>,
}

const BAND_H: i32 = 34;
const TOP: i32 = 28;
const CARD_W: i32 = 196;
const CARD_H: i32 = 86;
const ROW_GAP: i32 = 40;
const GAP: i32 = 14;
const MAX_COLS: i32 = 4;
const X0: i32 = 16;
/// Room for the address bands' labels (an IPv6 address).
const MIN_W: i32 = 280;

/// How the diagram is laid out in `room` CSS px: as many columns of cards as
/// fit at full size (never more than there are sockets), so it is drawn at
/// 1:1 and its 12 px labels stay 12 px. `None`: not even one card fits, and
/// the table twin below stands in for it.
fn diagram_layout(room: Option<i32>, sockets: usize) -> Option<(i32, i32)> {
    let fit = room.map_or(MAX_COLS, |r| (r - 2 * X0 + GAP) / (CARD_W + GAP));
    let cols = fit.min(MAX_COLS).min(sockets.max(1) as i32);
    if cols < 1 {
        return None;
    }
    let width = (2 * X0 + cols * (CARD_W + GAP) - GAP).max(MIN_W);
    if room.is_some_and(|r| r < width) {
        return None;
    }
    Some((cols, width))
}

/// The host as an SVG: address bands (IPv4 first, then IPv6), one card per
/// socket, a line from each card to the address it is bound to (a wildcard
/// spans every band of its family), and clients arriving at listeners.
#[function_component(Diagram)]
fn diagram(p: &DiagramProps) -> Html {
    let Some((cols, width)) = diagram_layout(p.room, p.views.len()) else {
        return html! { <p class="muted small diagram-none">{"The diagram needs more width than this; the table below shows the same."}</p> };
    };
    let bands_h = p.addrs.len() as i32 * BAND_H;
    // No sockets: the bands and a word, not an empty row of card space.
    let rows = p.views.len().div_ceil(cols as usize);
    let height = TOP
        + bands_h
        + if rows == 0 {
            30
        } else {
            24 + rows as i32 * (CARD_H + ROW_GAP) + 10
        };
    html! {
        <svg class="diagram" viewBox={format!("0 0 {width} {height}")} width={width.to_string()} height={height.to_string()} role="img" aria-labelledby="diagram-title diagram-desc">
            <title id="diagram-title">{"Diagram of the host's addresses and sockets"}</title>
            <desc id="diagram-desc">{"The same information as the table below it."}</desc>
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z" class="arrowhead" />
                </marker>
            </defs>
            <text x="10" y="18" class="label">{"Local addresses"}</text>
            { for p.addrs.iter().enumerate().map(|(i, a)| html! {
                <g class="band">
                    <rect x="8" y={(TOP + i as i32 * BAND_H).to_string()} width={(width - 16).to_string()} height={(BAND_H - 6).to_string()} rx="4" class={classes!("band-bg", if a.is_ipv6() { "v6" } else { "v4" })} />
                    <text x="16" y={(TOP + i as i32 * BAND_H + 19).to_string()} class="addr">{ a.to_string() }</text>
                </g>
            }) }
            if p.views.is_empty() {
                <text x="10" y={(TOP + bands_h + 18).to_string()} class="label">{"No sockets yet."}</text>
            }
            // Two passes: every line to a band first, then the cards over
            // them, so a line from a lower row never crosses a card.
            { for [true, false].into_iter().flat_map(|links| p.views.iter().enumerate().map(move |(k, v)| {
                let x = X0 + (k as i32 % cols) * (CARD_W + GAP);
                let y = TOP + bands_h + 24 + (k as i32 / cols) * (CARD_H + ROW_GAP);
                html! { <Card view={v.clone()} addrs={p.addrs.clone()} x={x} y={y} links={links} /> }
            })) }
        </svg>
    }
}

#[derive(Properties, PartialEq)]
struct CardProps {
    view: SockView,
    addrs: Vec<std::net::IpAddr>,
    x: i32,
    y: i32,
    /// Draw only the line to the address band (else only the card).
    links: bool,
}

#[function_component(Card)]
fn card(p: &CardProps) -> Html {
    let (v, x, y) = (&p.view, p.x, p.y);
    let band_y = |i: usize| TOP + i as i32 * BAND_H;
    let cx = x + CARD_W / 2;
    let link = v.local.map(|l| {
        if bindlab_engine::addr::is_wildcard(l.ip) {
            // IPv4 for AF_INET and ::ffff:0.0.0.0, IPv6 for a v6-only `::`,
            // every band for dual stack.
            let covers = |a: &std::net::IpAddr| if v.v6_wildcard_dual { true } else if v.v6_wildcard_only { a.is_ipv6() } else { a.is_ipv4() };
            let hit: Vec<usize> = p.addrs.iter().enumerate().filter(|(_, a)| covers(a)).map(|(i, _)| i).collect();
            let (y1, y2) = (hit.first().map_or(TOP, |&i| band_y(i)), hit.last().map_or(TOP, |&i| band_y(i) + BAND_H - 6));
            html! { <g class="bind wildcard"><line x1={cx.to_string()} y1={y.to_string()} x2={cx.to_string()} y2={y2.to_string()} /><rect x={(cx - 3).to_string()} y={y1.to_string()} width="6" height={(y2 - y1).to_string()} rx="3" /></g> }
        } else if let Some(i) = p.addrs.iter().position(|a| *a == bindlab_engine::addr::unmap(l.ip)) {
            let by = band_y(i) + (BAND_H - 6) / 2;
            html! { <g class="bind"><line x1={cx.to_string()} y1={y.to_string()} x2={cx.to_string()} y2={by.to_string()} /><circle cx={cx.to_string()} cy={by.to_string()} r="4" /></g> }
        } else {
            html! {}
        }
    });
    if p.links {
        return html! { <g class={classes!("card-link", v.state_class)}>{ link.unwrap_or_default() }</g> };
    }
    html! {
        <g class={classes!("card", v.state_class)}>
            <rect x={x.to_string()} y={y.to_string()} width={CARD_W.to_string()} height={CARD_H.to_string()} rx="8" class="card-bg" />
            <text x={(x + 10).to_string()} y={(y + 20).to_string()} class="name">{ format!("{} · {}", short(&v.label, 16), v.proto) }</text>
            if v.listening && v.queue + v.queue_undefined > 0 {
                <text x={(x + CARD_W - 10).to_string()} y={(y + 38).to_string()} class="small queue" text-anchor="end">{
                    match (v.queue, v.queue_undefined) {
                        (n, 0) => format!("queue {n}"),
                        (0, u) => format!("may queue {u}"),
                        (n, u) => format!("queue {n}, may {u}"),
                    }
                }</text>
            }
            <text x={(x + 10).to_string()} y={(y + 38).to_string()} class="state">{ &v.state }</text>
            <text x={(x + 10).to_string()} y={(y + 55).to_string()} class="small">{ v.local.map(|l| l.to_string()).unwrap_or_else(|| "not bound".into()) }</text>
            <text x={(x + 10).to_string()} y={(y + 71).to_string()} class="small opts">{ short(&format!("{}{}", v.opts, if v.user != "root" { format!(" · {}", v.user) } else { String::new() }), 27) }</text>
            if let Some(n) = v.arrived {
                // Incoming clients arrive from below the card.
                <g class="flow"><line x1={(x + 24).to_string()} y1={(y + CARD_H + ROW_GAP - 4).to_string()} x2={(x + 24).to_string()} y2={(y + CARD_H + 3).to_string()} marker-end="url(#arrow)" />
                <text x={(x + 34).to_string()} y={(y + CARD_H + 22).to_string()} class="small">{ format!("{n} client{} arrived", if n == 1 { "" } else { "s" }) }</text></g>
            }
        </g>
    }
}
