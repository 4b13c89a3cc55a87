//! "Paste a socket table" (`#/paste`): a table from `ss`, `netstat`, `lsof`
//! or `sockstat`, read by `bindlab-sockets` in the page (nothing pasted
//! leaves it), the sockets of the asked port as a scenario for that OS, and
//! what a bind of ADDR:PORT would do with each option set; for UDP, who
//! receives a datagram to it, now and after the bind.

use std::net::SocketAddr;
use std::rc::Rc;

use bindlab_engine::Os;
use bindlab_sockets::paste::{read_table, Pasted};
use bindlab_sockets::{
    ask, datagram_to, options_shown_on, picture_of, rebuild_mismatches, receivers, scenario, title,
    Question, SocketsMsg, State,
};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::focus_heading;
use super::markdown;
use super::paste_answers::{Answers, Read};
use crate::browser::dom::{select_value, set_title};
use crate::browser::prefs::tab_get;
use crate::hooks::{is_long, use_after_paint, use_settled, use_tab_kept};
use crate::i18n::{use_tr, Tr, T};
use crate::lab::Lab;
use crate::nav::use_navigated;
use crate::route::{Route, PASTE_INTRO, PASTE_TITLE};

/// What "Try a sample table" pastes: `ss -tanpe` as captured on a Linux host.
const SAMPLE: &str = include_str!("../../../../content/paste-sample.txt");
use crate::state::Sandbox;

/// Everything the page shows, from the five inputs. `udp`: the protocol
/// asked about; `None` is TCP unless the table has only UDP sockets.
fn read(
    tr: &Tr,
    text: &str,
    os: Option<Os>,
    udp: Option<bool>,
    bind: &str,
    user: &str,
) -> Result<Rc<Read>, String> {
    if text.trim().is_empty() {
        return Err(String::new());
    }
    let say = |m: SocketsMsg, a: &[(&str, String)]| tr.sockets(m, a);
    let pasted: Pasted = read_table(text).map_err(|p| p.said(&say))?;
    let os = os.unwrap_or(pasted.os);
    let udp = udp.unwrap_or_else(|| pasted.sockets.iter().all(|s| s.udp));
    let bind: SocketAddr = if bind.trim().is_empty() {
        let port = pasted
            .sockets
            .iter()
            .find(|s| s.udp == udp && matches!(s.state, State::Listen | State::Bound))
            .or_else(|| pasted.sockets.iter().find(|s| s.udp == udp))
            .unwrap_or(&pasted.sockets[0])
            .local
            .port();
        SocketAddr::from(([0, 0, 0, 0], port))
    } else {
        bind.trim()
            .parse()
            .map_err(|_| tr.f(T::PasteNotAnAddress, &[("bind", bind.trim())]))?
    };
    let user = if user.trim().is_empty() {
        "me"
    } else {
        user.trim()
    };
    let p = picture_of(&pasted.sockets, os, bind.port(), None, udp);
    let q = Question {
        bind,
        user: user.to_string(),
    };
    let answers = ask(&p, user, &q);
    // UDP: who receives a datagram to the address now, each assumption.
    let now = if udp && !p.sockets.is_empty() {
        let sets: &[Option<bool>] = if p.unknowns {
            &[Some(false), Some(true)]
        } else {
            &[None]
        };
        sets.iter()
            .filter_map(|a| {
                receivers(&p, user, a.unwrap_or(false), datagram_to(bind)).map(|d| (*a, d))
            })
            .collect()
    } else {
        Vec::new()
    };
    let wrong = rebuild_mismatches(&p, user);
    // Only "options off" failed, and the failures show options were on.
    let needs_options = matches!(&wrong[..], [(Some(false), m)] if options_shown_on(&p, m));
    let rebuilt = wrong
        .into_iter()
        .map(|(a, wrong)| (a, wrong.iter().map(|m| sentence(&m.said(&say))).collect()))
        .collect();
    let advice = bindlab_sockets::advice_in(&p, &answers, &say);
    let first = bindlab_sockets::option_sets(os)[0].1;
    // The scenario's title in the page's language (a translated scenario
    // changes its title only).
    let text = scenario(&p, user, false, Some((&q, first))).replacen(
        &title(bind.port(), &bindlab_sockets::english),
        &title(bind.port(), &say),
        1,
    );
    let sockets = p
        .sockets
        .iter()
        .map(|(n, s)| (n.clone(), (*s).clone()))
        .collect();
    Ok(Rc::new(Read {
        os,
        tool: pasted.tool,
        detected: pasted.os,
        tcp: pasted.sockets.iter().filter(|s| !s.udp).count(),
        udp_total: pasted.sockets.iter().filter(|s| s.udp).count(),
        udp,
        now,
        skipped: pasted.skipped,
        unreadable: pasted
            .unreadable
            .iter()
            .map(|p| sentence(&p.said(&say)))
            .collect(),
        bind,
        sockets,
        unknowns: p.unknowns,
        rebuilt,
        needs_options,
        v6only_taken: p.v6only_taken.clone(),
        stand_in_peers: bindlab_sockets::stand_in_peers(&p),
        answers,
        advice,
        scenario: text,
    }))
}

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
    let on_text = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
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
                // looks (the answers are a screen below on a phone).
                if busy {
                    <p class="paste-busy" role="status">{ tr.f(if result.is_ok() { T::PasteReadingAgain } else { T::PasteReading }, &[("lines", &lines.to_string())]) }</p>
                } else if text.trim().is_empty() {
                    <p><button type="button" class="quiet" onclick={on_sample}>{ tr.t(T::PasteTrySample) }</button></p>
                } else {
                    <p class="paste-kept">{ tr.t(T::PasteKeptInTab) }</p>
                }
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
                Err(e) if e.is_empty() => html! {},
                // A sentence, with its commands as code.
                Err(e) => html! { <p class="notice error" role="alert"><span>{ crate::views::with_code(&sentence(e)) }</span></p> },
                Ok(r) => html! {
                    <>
                    <Answers read={r.clone()} />
                    <section class="lesson-lab" aria-label={tr.t(T::PasteHostLabel).to_string()}>
                        <Lab key={r.scenario.clone()} initial={Sandbox::new(r.scenario.clone())} readonly={false} compact={false}
                            site={Route::Sandbox.href()} host={None::<web_sys::HtmlElement>} mailbox={Rc::default()} id={AttrValue::from("paste")}
                            heading={Some(AttrValue::from(tr.t(T::PasteHostHeading).to_string()))} note={None::<AttrValue>} />
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

/// `e` with an ASCII capital first (the reader's errors are the CLI's,
/// which start in lower case after `bindlab: `).
fn sentence(e: &str) -> String {
    let mut s = e.to_string();
    if let Some(first) = s.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const SS: &str = "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0      4096   0.0.0.0:8080       0.0.0.0:*\n";

    #[test]
    fn a_bad_address_is_said_in_the_pages_language() {
        let tr = Tr::english();
        assert!(matches!(read(&tr, "  ", None, None, "", "me"), Err(e) if e.is_empty()));
        let e = read(&tr, SS, None, None, "8080", "me").err();
        assert_eq!(
            e.as_deref(),
            Some("“8080” is not an address and port: write it as 0.0.0.0:8080 or [::]:8080")
        );
        let port = read(&tr, SS, None, None, "", "me").map(|r| r.bind.port());
        assert_eq!(port.ok(), Some(8080));
    }

    /// The sentences of `bindlab-sockets` in the page's language: a table
    /// that cannot be read, the advice, the scenario's title; the English
    /// as the crate says it.
    #[test]
    fn the_tables_sentences_are_said_in_the_pages_language() {
        let en = Tr::english();
        let zh = crate::test_support::zh_with_messages("sockets.txt");
        assert_eq!(
            read(&zh, "hello", None, None, "", "me").err().as_deref(),
            Some("这看起来不像套接字表：请粘贴 `ss -tanpe`（Linux）、`netstat -ano`（Windows）、`lsof -nP -i` 或 `netstat -an`（macOS）、`sockstat -46`（FreeBSD）的输出，包括表头那一行")
        );
        assert_eq!(
            read(&en, "hello", None, None, "", "me").err(),
            bindlab_sockets::paste::parse_table("hello").err()
        );
        let (Ok(e), Ok(z)) = (
            read(&en, SS, Some(Os::Linux), None, "0.0.0.0:8080", "me"),
            read(&zh, SS, Some(Os::Linux), None, "0.0.0.0:8080", "me"),
        ) else {
            panic!("the table reads")
        };
        assert!(
            e.advice.starts_with("set SO_REUSEPORT on the new socket before bind(): that is enough only if sock set it too"),
            "{}",
            e.advice
        );
        assert_eq!(
            z.advice,
            "在新套接字上 bind() 之前设置 SO_REUSEPORT：只有 sock 也设置了它才够（任何表都显示不出来）。否则就停止占着端口的程序，或者换一个端口。"
        );
        assert!(e
            .scenario
            .starts_with("title The sockets on port 8080 of this host\n"));
        assert!(z
            .scenario
            .starts_with("title 这台主机端口 8080 上的套接字\n"));
        assert_eq!(
            e.scenario.lines().skip(1).collect::<Vec<_>>(),
            z.scenario.lines().skip(1).collect::<Vec<_>>()
        );
    }
}
