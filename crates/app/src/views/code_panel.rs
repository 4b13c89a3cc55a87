//! "Show as code": the scenario as a program in the reader's language
//! (`bindlab_engine::export`), with copy and download. The language is
//! remembered (`localStorage`), so every panel of the site opens in it. The
//! program is only rendered while the panel is open.

use std::rc::Rc;

use bindlab_engine::export::{export, Lang, Options};
use yew::prelude::*;

use crate::browser::{clipboard, dom, download, prefs};
use crate::state::Derived;

/// Where the chosen language is remembered.
const LANG_KEY: &str = "bindlab.code-lang";

#[derive(Properties)]
pub(crate) struct CodePanelProps {
    pub(crate) derived: Rc<Derived>,
    /// Makes the element ids unique on a page with several panels.
    pub(crate) id: AttrValue,
}

impl PartialEq for CodePanelProps {
    fn eq(&self, o: &Self) -> bool {
        Same(self.derived.clone()) == Same(o.derived.clone()) && self.id == o.id
    }
}

/// A `Derived` compared by identity: a new one is made per change of text.
struct Same(Rc<Derived>);

impl PartialEq for Same {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.0, &o.0)
    }
}

fn remembered() -> Lang {
    prefs::get(LANG_KEY)
        .and_then(|id| Lang::from_id(&id))
        .unwrap_or(Lang::Python)
}

#[function_component(CodePanel)]
pub(crate) fn code_panel(p: &CodePanelProps) -> Html {
    let open = use_state(|| false);
    let lang = use_state(remembered);
    let status = use_state(String::new);
    let program = {
        let (derived, lang, open) = (p.derived.clone(), *lang, *open);
        use_memo((Same(derived), lang, open), move |(derived, lang, open)| {
            if !*open {
                return None;
            }
            let s = derived.0.parsed.as_ref().ok()?;
            let opts = Options {
                file_name: Some(lang.file_name().to_string()),
            };
            Some(export(s, *lang, &opts).map_err(|e| e.to_string()))
        })
    };
    let on_toggle = {
        let (open, lang) = (open.clone(), lang.clone());
        Callback::from(move |e: Event| {
            let now = e
                .target_dyn_into::<web_sys::HtmlDetailsElement>()
                .is_some_and(|d| d.open());
            if now {
                // Another panel may have changed the language meanwhile.
                lang.set(remembered());
            }
            open.set(now);
        })
    };
    let on_lang = {
        let (lang, status) = (lang.clone(), status.clone());
        Callback::from(move |e: Event| {
            if let Some(l) = Lang::from_id(&dom::select_value(&e)) {
                prefs::set(LANG_KEY, l.id());
                lang.set(l);
                status.set(String::new());
            }
        })
    };
    let text = match program.as_ref() {
        Some(Ok(t)) => Some(t.clone()),
        _ => None,
    };
    let on_copy = {
        let (text, status) = (text.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = &text {
                clipboard::copy_text(t);
                status.set("Copied.".into());
            }
        })
    };
    let on_download = {
        let (text, status, l) = (text.clone(), status.clone(), *lang);
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = &text {
                status.set(match download::download(l.file_name(), l.mime(), t) {
                    Ok(()) => format!(
                        "Saved {}. Run it with: {}",
                        l.file_name(),
                        l.how_to_run(l.file_name())
                    ),
                    Err(e) => format!("The download did not start ({e})."),
                });
            }
        })
    };
    let select_id = format!("{}-code-lang", p.id);
    let l = *lang;
    html! {
        <details class="code-panel" ontoggle={on_toggle}>
            <summary>{"Show as code"}</summary>
            if *open {
                <div class="code-tools">
                    <label for={select_id.clone()}>{"Language"}</label>
                    <select id={select_id} onchange={on_lang}>
                        { for Lang::ALL.iter().map(|x| html! {
                            <option value={x.id()} selected={*x == l}>{ x.label() }</option>
                        }) }
                    </select>
                    <button type="button" onclick={on_copy} disabled={text.is_none()}>{"Copy"}</button>
                    <button type="button" onclick={on_download} disabled={text.is_none()}>{ format!("Download {}", l.file_name()) }</button>
                </div>
                <p class="code-status" role="status">{ (*status).clone() }</p>
                <p class="code-note">{ l.limits() }</p>
                { match program.as_ref() {
                    Some(Ok(t)) => html! {
                        <pre class="code" tabindex="0" aria-label={format!("The scenario as a {} program", l.label())}><code>{ t.clone() }</code></pre>
                    },
                    Some(Err(e)) => html! { <p class="problems" role="alert">{ e.clone() }</p> },
                    None => html! { <p class="muted">{"Fix the problems in the scenario to see it as code."}</p> },
                } }
            }
        </details>
    }
}
