//! "Show as code": the scenario as a program in the reader's language
//! (`bindlab_engine::export`), with copy and download. The language is
//! remembered (`localStorage`), so every panel of the site opens in it. The
//! program is only rendered while the panel is open. The site's wasm leaves
//! out the generators and the languages' runtimes: the panel loads the
//! generators' module (`browser::exporter`) when it first opens, and
//! fetches the runtime of the language it shows from `static/export/`,
//! both next to the site.

use std::cell::Cell;
use std::rc::Rc;

use bindlab_engine::export::Lang;
use yew::prelude::*;

use super::lang_tabs::{tab_id, LangTabs};
use super::runtime_note::{kinds, RuntimeNote};
use crate::browser::exporter::{self, Generators};
use crate::browser::{clipboard, download, fetch, prefs};
use crate::i18n::{use_tr, Tr, T};
use crate::state::Derived;

#[derive(Properties)]
pub(crate) struct CodePanelProps {
    pub(crate) derived: Rc<Derived>,
    /// Makes the element ids unique on a page with several panels.
    pub(crate) id: AttrValue,
    /// The bindlab page the runtimes are fetched next to (a widget's site);
    /// `None`: this page.
    #[prop_or_default]
    pub(crate) base: Option<AttrValue>,
    /// The lab's program generators (`use_sandbox`'s), loaded when first
    /// asked for and shared with its "Run on your machine".
    pub(crate) generators: exporter::Cache,
}

impl PartialEq for CodePanelProps {
    fn eq(&self, o: &Self) -> bool {
        Same(self.derived.clone()) == Same(o.derived.clone())
            && self.id == o.id
            && self.base == o.base
            && self.generators == o.generators
    }
}

/// Where a language's runtime is, resolved against the bindlab page.
fn runtime_url(base: Option<&str>, lang: Lang) -> String {
    fetch::site_url(base, &format!("static/export/{}", lang.runtime_file()))
}

/// The generators' module, as this panel last saw it.
#[derive(Clone, PartialEq)]
enum Loaded {
    Loading,
    Ready(Generators),
    Failed(String),
}

/// A runtime fetched for one language.
#[derive(Clone, PartialEq)]
enum Runtime {
    Loading(Lang),
    Ready(Lang, Rc<String>),
    Failed(Lang, String),
}

/// A `Derived` compared by identity: a new one is made per change of text.
struct Same(Rc<Derived>);

impl PartialEq for Same {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.0, &o.0)
    }
}

/// What an exported program in `lang` can and cannot say, in `tr`'s
/// language (the English is `Lang::limits`, which the CLI prints).
pub(crate) fn limits(tr: &Tr, lang: Lang) -> &str {
    tr.t(match lang {
        Lang::C => T::ScenarioLimitsC,
        Lang::Python => T::ScenarioLimitsPython,
        Lang::Go => T::ScenarioLimitsGo,
        Lang::Rust => T::ScenarioLimitsRust,
        Lang::Node => T::ScenarioLimitsNode,
        Lang::Java => T::ScenarioLimitsJava,
        Lang::CSharp => T::ScenarioLimitsCsharp,
    })
}

fn remembered() -> Lang {
    prefs::get(prefs::CODE_LANG)
        .and_then(|id| Lang::from_id(&id))
        .unwrap_or(Lang::Python)
}

#[function_component(CodePanel)]
pub(crate) fn code_panel(p: &CodePanelProps) -> Html {
    let tr = use_tr();
    let open = use_state(|| false);
    let lang = use_state(remembered);
    let status = use_state(String::new);
    let runtime = use_state(|| None::<Runtime>);
    let cache = p.generators.clone();
    let generators = use_state(|| None::<Loaded>);
    let attempt = use_state(|| 0u32);
    {
        let (generators, base, tr, cache) = (
            generators.clone(),
            p.base.clone(),
            tr.clone(),
            cache.clone(),
        );
        use_effect_with((*open, *attempt), move |(open, _)| {
            let url = exporter::url(base.as_deref());
            // Loading already, or loaded unless the lab forgot it (it
            // stopped, and the reader pressed "Try again").
            let have = match &*generators {
                Some(Loaded::Loading) => true,
                Some(Loaded::Ready(g)) => cache.loaded(&url).as_ref() == Some(g),
                _ => false,
            };
            if *open && !have {
                if let Some(g) = cache.loaded(&url) {
                    generators.set(Some(Loaded::Ready(g)));
                } else {
                    generators.set(Some(Loaded::Loading));
                    wasm_bindgen_futures::spawn_local(async move {
                        generators.set(Some(match cache.load(&tr, &url).await {
                            Ok(g) => Loaded::Ready(g),
                            Err(e) => Loaded::Failed(e),
                        }));
                    });
                }
            }
        });
    }
    {
        let (runtime, base, tr) = (runtime.clone(), p.base.clone(), tr.clone());
        use_effect_with((*lang, *open, *attempt), move |(lang, open, _)| {
            let (lang, open) = (*lang, *open);
            let have = matches!(&*runtime, Some(Runtime::Ready(l, _)) if *l == lang);
            // The generators' module never holds a runtime (it is built
            // without the engine's `runtimes`): the panel fetches it.
            // Whether the reader still wants this fetch's language: a reply
            // that lands after they picked another is dropped, else it
            // would stand in for the newer one's, which then never shows.
            let wanted = Rc::new(Cell::new(true));
            if open && !have {
                runtime.set(Some(Runtime::Loading(lang)));
                let url = runtime_url(base.as_deref(), lang);
                let wanted = wanted.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let got = fetch::fetch_text(&tr, &url).await;
                    if wanted.get() {
                        runtime.set(Some(match got {
                            Ok(t) => Runtime::Ready(lang, Rc::new(t)),
                            Err(e) => Runtime::Failed(lang, e),
                        }));
                    }
                });
            }
            move || wanted.set(false)
        });
    }
    let program = {
        let (derived, lang, open) = (p.derived.clone(), *lang, *open);
        let (rt, gens) = ((*runtime).clone(), (*generators).clone());
        use_memo(
            (
                Same(derived),
                lang,
                open,
                rt,
                gens,
                tr.clone(),
                cache.clone(),
            ),
            move |(derived, lang, open, rt, gens, tr, cache)| {
                if !*open {
                    return None;
                }
                let d = &derived.0;
                let s = d.parsed.as_ref().ok()?;
                let head = match gens {
                    Some(Loaded::Ready(g)) => match cache.program(tr, g, s, &d.text, *lang) {
                        Ok(h) => h,
                        Err(e) => return Some(Err(e)),
                    },
                    Some(Loaded::Failed(e)) => return Some(Err(e.clone())),
                    _ => return Some(Err(String::new())), // loading
                };
                Some(match rt {
                    Some(Runtime::Ready(l, t)) if l == lang => Ok(head + t),
                    Some(Runtime::Failed(l, e)) if l == lang => Err(tr.f(
                        T::ScenarioHelpersFailed,
                        &[("language", lang.label()), ("error", e)],
                    )),
                    _ => Err(String::new()), // loading
                })
            },
        )
    };
    let on_retry = {
        let attempt = attempt.clone();
        Callback::from(move |_: MouseEvent| attempt.set(*attempt + 1))
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
        Callback::from(move |i: usize| {
            if let Some(l) = Lang::ALL.get(i).copied() {
                prefs::set(prefs::CODE_LANG, l.id());
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
        let (text, status, tr) = (text.clone(), status.clone(), tr.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = &text {
                clipboard::copy_text(t);
                status.set(tr.t(T::ScenarioCopied).into());
            }
        })
    };
    let on_download = {
        let (text, status, l, tr) = (text.clone(), status.clone(), *lang, tr.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = &text {
                status.set(match download::download(&tr, l.file_name(), l.mime(), t) {
                    Ok(()) => tr.f(
                        T::ScenarioSavedProgram,
                        &[
                            ("file", l.file_name()),
                            ("command", &l.how_to_run(l.file_name())),
                        ],
                    ),
                    Err(e) => tr.f(T::ScenarioDownloadFailed, &[("error", &e)]),
                });
            }
        })
    };
    let (tabs_id, panel_id) = (format!("{}-code-lang", p.id), format!("{}-code", p.id));
    let l = *lang;
    html! {
        <details class="code-panel" ontoggle={on_toggle}>
            <summary>{ tr.t(T::ScenarioShowCode) }</summary>
            if *open {
                // The guides' code picks its language with the same tabs.
                <LangTabs id={tabs_id.clone()} label={tr.t(T::ScenarioLanguage).to_string()} picked={Lang::ALL.iter().position(|x| *x == l).unwrap_or(0)}
                    langs={Lang::ALL.iter().map(|x| (AttrValue::Static(x.id()), AttrValue::Static(x.label()))).collect::<Vec<_>>()}
                    panel={panel_id.clone()} on_pick={on_lang} />
                <div class="code-lang-panel" role="tabpanel" id={panel_id} aria-labelledby={tab_id(&tabs_id, l.id())}>
                <div class="code-tools">
                    <button type="button" onclick={on_copy} disabled={text.is_none()}>{ tr.t(T::ScenarioCopy) }</button>
                    <button type="button" onclick={on_download} disabled={text.is_none()}>{ tr.f(T::ScenarioDownload, &[("file", l.file_name())]) }</button>
                </div>
                <p class="code-status" role="status">{ (*status).clone() }</p>
                <p class="code-note">{ limits(&tr, l) }</p>
                { match program.as_ref() {
                    Some(Ok(t)) => html! {
                        <pre class="code" tabindex="0" aria-label={tr.f(T::ScenarioProgramLabel, &[("language", l.label())])}><code>{ t.clone() }</code></pre>
                    },
                    Some(Err(e)) if e.is_empty() => html! { <p class="muted">{ tr.f(T::ScenarioLoadingProgram, &[("language", l.label())]) }</p> },
                    Some(Err(e)) => html! {
                        <div class="problems" role="alert">
                            <p>{ e.clone() }</p>
                            <button type="button" onclick={on_retry}>{ tr.t(T::ScenarioTryAgain) }</button>
                        </div>
                    },
                    None => html! { <p class="muted">{ tr.t(T::ScenarioFixToSeeCode) }</p> },
                } }
                // After the program: what the language sets by itself.
                if let Ok(s) = &p.derived.parsed {
                    <RuntimeNote lang={l.id()} kinds={kinds(s)} base={p.base.clone()} />
                }
                </div>
            }
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_english_limits_are_the_exporters() {
        let en = Tr::english();
        for l in Lang::ALL {
            assert_eq!(limits(&en, l), l.limits(), "{}", l.id());
        }
    }
}
