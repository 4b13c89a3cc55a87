//! "Paste a socket table" (`#/paste`): a table from `ss`, `netstat`, `lsof`
//! or `sockstat`, read by `bindlab-sockets` in the page (nothing pasted
//! leaves it), the sockets of the asked port as a scenario for that OS, and
//! what a bind of ADDR:PORT would do with each option set; for UDP, who
//! receives a datagram to it, now and after the bind.

use std::rc::Rc;

use bindlab_engine::Os;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::focus_heading;
use super::markdown;
use super::paste_answers::{Answers, Read};
use super::paste_read::{read, sentence};
use crate::browser::dom::{select_value, set_title};
use crate::browser::prefs::tab_get;
use crate::hooks::{is_long, use_after_paint, use_settled, use_tab_kept};
use crate::i18n::{use_tr, T};
use crate::lab::Lab;
use crate::nav::use_navigated;
use crate::route::{Route, PASTE_INTRO, PASTE_TITLE};

/// What "Try a sample table" pastes: `ss -tanpe` as captured on a Linux host.
const SAMPLE: &str = include_str!("../../../../content/paste-sample.txt");
use crate::state::Sandbox;

#[function_component(PastePage)]
pub(crate) fn paste_page() -> Html {
    let tr = use_tr();
    let navigated = use_navigated();
    let text = use_state(String::new);
    let os = use_state(|| None::<Os>);
    let proto = use_state(|| None::<bool>);
    let bind = use_state(String::new);
    let user = use_state(|| "me".to_string());
    // The table and the question survive a reload, Back from a rule and the
    // language switch: kept in this tab's sessionStorage (the prerendered
    // page starts empty, so they come back once live), never sent.
    {
        let (text, bind, user) = (text.clone(), bind.clone(), user.clone());
        use_effect_with((), move |_| {
            for (key, field) in [(KEPT_TABLE, text), (KEPT_BIND, bind), (KEPT_USER, user)] {
                if let Some(v) = tab_get(key) {
                    field.set(v);
                }
            }
        });
    }
    // Each kept as it changes: a key in the bind box does not write a
    // pasted table of 30,000 lines again.
    use_tab_kept(KEPT_TABLE, &text);
    use_tab_kept(KEPT_BIND, &bind);
    use_tab_kept(KEPT_USER, &user);
    let title = tr.text("paste.title", PASTE_TITLE);
    // The introduction's first paragraph says what the page does; the rest
    // (how a table is read, what none shows) follows the form, so a phone
    // reaches the box first.
    let intro = tr.text("paste.intro", PASTE_INTRO);
    let (lede, more) = intro.split_once("\n\n").unwrap_or((intro, ""));
    {
        let page = tr.f(T::PageSiteTitle, &[("title", title)]);
        use_effect_with(page, move |page| {
            set_title(page);
            focus_heading(navigated);
        });
    }
    // A long table is read and asked again once the typing in the table,
    // bind or user box pauses (30,000 connections were ~0.7 s a key
    // natively), or at Enter or leaving the box; a short one at every key.
    let typed = ((*text).clone(), (*bind).clone(), (*user).clone());
    let settled = use_settled(&typed, is_long(&text));
    // A long table is read once the page has said so (it takes seconds
    // at 30,000 connections); the answers shown till then are marked old.
    let long = is_long(&settled.value.0);
    let lines = settled.value.0.lines().count();
    let (taken, busy) = use_after_paint(&(settled.value, *os, *proto), long);
    let ((t, b, u), o, pr) = taken;
    let result = use_memo((tr.clone(), t, o, pr, b, u), |(tr, t, o, pr, b, u)| {
        read(tr, t, *o, *pr, b, u)
    });
    // An empty bind box shows the address the answers are about (the
    // table's first listening port), not an example that is not asked.
    let placeholder = match &*result {
        Ok(r) => r.bind.to_string(),
        Err(_) => "0.0.0.0:8080".to_string(),
    };
    let settle_now = settled.now.reform(|_: Event| ());
    let enter_settles = {
        let now = settled.now.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                now.emit(());
            }
        })
    };
    // A table pasted or dropped in is whole: it is read at once, not after
    // the pause that waits for typing to stop (250 ms more on every long
    // paste).
    let on_text = {
        let (text, now) = (text.clone(), settled.now.clone());
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlTextAreaElement>().value());
            if crate::views::came_whole(&e) {
                now.emit(());
            }
        })
    };
    // An empty box offers a real table (`ss -tanpe` on a Linux host) and
    // a bind to ask about.
    let on_sample = {
        let (text, bind) = (text.clone(), bind.clone());
        Callback::from(move |_: MouseEvent| {
            text.set(SAMPLE.to_string());
            bind.set("0.0.0.0:8080".into());
        })
    };
    let on_bind = {
        let bind = bind.clone();
        Callback::from(move |e: InputEvent| {
            bind.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_user = {
        let user = user.clone();
        Callback::from(move |e: InputEvent| {
            user.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_os = {
        let os = os.clone();
        Callback::from(move |e: Event| os.set(Os::from_key(&select_value(&e))))
    };
    let on_proto = {
        let proto = proto.clone();
        Callback::from(move |e: Event| {
            proto.set(match select_value(&e).as_str() {
                "tcp" => Some(false),
                "udp" => Some(true),
                _ => None,
            })
        })
    };
    html! {
        <article class="paste-page">
            <h1 tabindex="-1">{ title }</h1>
            <div class="lede">{ markdown::render(&tr, lede) }</div>
            <p class="nojs-only notice">{ crate::views::with_code(tr.t(T::PasteNojs)) }</p>
            <div class="paste-form pane">
                <label for="paste-table">{ tr.t(T::PasteYourTable) }</label>
                <textarea id="paste-table" class="paste-table" rows="10" spellcheck="false" autocomplete="off"
                    value={(*text).clone()} oninput={on_text} onchange={settle_now.clone()} />
                // Under the box the table was pasted in, where the reader
                // looks (the answers are a screen below on a phone). There
                // from the start, empty, so a screen reader announces it;
                // in one grid cell with the line below, so empty it adds no gap.
                <div class="paste-under">
                    <p class="paste-busy" role="status">{ busy.then(|| tr.f(if result.is_ok() { T::PasteReadingAgain } else { T::PasteReading }, &[("lines", &lines.to_string())])) }</p>
                    if text.trim().is_empty() {
                        <p><button type="button" class="quiet" onclick={on_sample}>{ tr.t(T::PasteTrySample) }</button></p>
                    } else {
                        <p class="paste-kept">{ tr.t(T::PasteKeptInTab) }</p>
                    }
                </div>
                <div class="paste-fields">
                    <label>{ tr.t(T::PasteWhatIfBind) }{" "}
                        <select id="paste-proto" onchange={on_proto}>
                            <option value="" selected={proto.is_none()}>{ tr.t(T::PasteProtoAuto) }</option>
                            <option value="tcp" selected={*proto == Some(false)}>{"TCP"}</option>
                            <option value="udp" selected={*proto == Some(true)}>{"UDP"}</option>
                        </select></label>
                    <label>{" "}{ tr.t(T::PasteSocketTo) }{" "}
                        <input type="text" id="paste-bind" inputmode="url" {placeholder} value={(*bind).clone()} oninput={on_bind} onchange={settle_now.clone()} onkeydown={enter_settles.clone()} /></label>
                    <label>{ tr.t(T::PasteAsUser) }{" "}
                        <input type="text" id="paste-user" value={(*user).clone()} oninput={on_user} onchange={settle_now} onkeydown={enter_settles} /></label>
                    <label>{ tr.t(T::PasteOn) }{" "}
                        <select id="paste-os" onchange={on_os}>
                            <option value="" selected={os.is_none()}>{ tr.t(T::PasteTablesOs) }</option>
                            { for Os::ALL.iter().map(|o| html! {
                                <option value={o.key()} selected={*os == Some(*o)}>{ o.display() }</option>
                            }) }
                        </select></label>
                </div>
            </div>
            if !more.is_empty() {
                <details class="paste-more">
                    <summary>{ tr.t(T::PasteHowItReads) }</summary>
                    { markdown::render(&tr, more) }
                </details>
            }
            <div class={classes!("paste-results", busy.then_some("stale"))} aria-busy={busy.then_some("true")}>
            { match &*result {
                // An address asked about before any table: say what is missing.
                Err(e) if e.is_empty() && !bind.trim().is_empty() => html! {
                    <p class="muted" role="status">{ tr.t(T::PasteNoTableYet) }</p>
                },
                Err(e) if e.is_empty() => html! {},
                // A sentence, with its commands as code.
                Err(e) => html! { <p class="notice error" role="alert"><span>{ crate::views::with_code(&sentence(e)) }</span></p> },
                Ok(r) => html! {
                    <>
                    <Answers read={r.clone()} />
                    <section class="lesson-lab" aria-label={tr.t(T::PasteHostLabel).to_string()}>
                        <Lab key={r.scenario.clone()} initial={lab_state(r)} readonly={false} compact={false}
                            site={Route::Sandbox.href()} host={None::<web_sys::HtmlElement>} mailbox={Rc::default()} id={AttrValue::from("paste")}
                            heading={Some(AttrValue::from(tr.t(T::PasteHostHeading).to_string()))} note={is_long(&r.scenario).then(|| AttrValue::from(tr.f(T::PasteOneOs, &[("os", r.os.display())])))} />
                    </section>
                    </>
                },
            } }
            </div>
        </article>
    }
}

const KEPT_TABLE: &str = "bindlab.paste.table";
const KEPT_BIND: &str = "bindlab.paste.bind";
const KEPT_USER: &str = "bindlab.paste.user";

/// The host as a live scenario: on every OS, or for a long table on the
/// table's OS only, which its note says: each OS runs every socket's
/// steps, and at 30,000 connections the three more runs were a second of
/// the page's wait.
fn lab_state(r: &Read) -> Sandbox {
    let mut s = Sandbox::new(r.scenario.clone());
    if is_long(&r.scenario) {
        s.oses = vec![r.os];
    }
    s
}
