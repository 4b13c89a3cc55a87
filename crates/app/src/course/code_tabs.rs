//! A guide's "the fix in code": one snippet per language, one shown at a
//! time, picked with the code panel's tabs (`views/lang_tabs.rs`: ←/→,
//! Home/End), and Copy. The
//! choice is remembered (`prefs::CODE_LANG`, shared with the code panel), so
//! every guide and the sandbox's code open in the reader's language.

use std::rc::Rc;

use bindlab_course::guide::language_label;
use yew::prelude::*;

use crate::browser::{clipboard, prefs};
use crate::i18n::{use_tr, T};
use crate::views::lang_tabs::{tab_id, LangTabs};

fn remembered() -> Option<String> {
    prefs::get(prefs::CODE_LANG)
}

fn remember(lang: &str) {
    prefs::set(prefs::CODE_LANG, lang);
}

#[derive(Properties, PartialEq)]
pub(crate) struct CodeTabsProps {
    pub(crate) id: AttrValue,
    /// (language key, snippet).
    pub(crate) snippets: Rc<Vec<(String, String)>>,
}

#[function_component(CodeTabs)]
pub(crate) fn code_tabs(p: &CodeTabsProps) -> Html {
    let tr = use_tr();
    let snippets = p.snippets.clone();
    // The first language first (as prerendered); the reader's own once the
    // page is live.
    let picked = use_state(|| 0usize);
    // "Copied.", said beside the button until another language is picked.
    let status = use_state(String::new);
    // Without JavaScript the tabs do nothing: every language's code is
    // written out after them (`.nojs-only`, shown by `static/nojs.css`), in
    // the prerendered page and the browser's first render alike, and gone
    // once the page is live.
    let live = use_state_eq(|| false);
    {
        let live = live.clone();
        use_effect_with((), move |_| live.set(true));
    }
    {
        let picked = picked.clone();
        use_effect_with((), move |_| {
            let want = remembered();
            if let Some(i) = snippets
                .iter()
                .position(|(lang, _)| Some(lang) == want.as_ref())
            {
                picked.set(i);
            }
        });
    }
    let k = (*picked).min(p.snippets.len().saturating_sub(1));
    let Some((lang, code)) = p.snippets.get(k) else {
        return html! {};
    };
    let on_copy = {
        let (code, status, tr) = (code.clone(), status.clone(), tr.clone());
        Callback::from(move |_: MouseEvent| {
            clipboard::copy_text(&code);
            status.set(tr.t(T::ScenarioCopied).into());
        })
    };
    let on_pick = {
        let (picked, status, snippets) = (picked.clone(), status.clone(), p.snippets.clone());
        Callback::from(move |i: usize| {
            if let Some((key, _)) = snippets.get(i) {
                remember(key);
                picked.set(i);
                status.set(String::new());
            }
        })
    };
    let langs: Vec<(AttrValue, AttrValue)> = p
        .snippets
        .iter()
        .map(|(l, _)| {
            (
                AttrValue::from(l.clone()),
                AttrValue::from(language_label(l).to_string()),
            )
        })
        .collect();
    let (tabs_id, panel_id) = (format!("{}-lang", p.id), format!("{}-code", p.id));
    html! {
        <section class="code-tabs pane" aria-labelledby={format!("{}-h", p.id)}>
            <h3 id={format!("{}-h", p.id)}>{ tr.t(T::LessonFixInCode) }</h3>
            <LangTabs id={tabs_id.clone()} label={tr.t(T::LessonLanguage).to_string()} picked={k} langs={langs} panel={panel_id.clone()} on_pick={on_pick} />
            <div role="tabpanel" id={panel_id} aria-labelledby={tab_id(&tabs_id, lang)}>
                <pre class="code-block" data-lang={lang.clone()} role="group" aria-label={tr.f(T::LessonLangCode, &[("lang", language_label(lang))])} tabindex="0"><code>{ code }</code></pre>
                <div class="code-tools">
                    <button type="button" onclick={on_copy}>{ tr.t(T::ScenarioCopy) }</button>
                    <span class="code-status" role="status">{ (*status).clone() }</span>
                </div>
            </div>
            if !*live {
                <div class="nojs-only code-all">
                    { for p.snippets.iter().map(|(lang, code)| html! {
                        <>
                            <h4>{ language_label(lang) }</h4>
                            <pre class="code-block" data-lang={lang.clone()}><code>{ code }</code></pre>
                        </>
                    }) }
                </div>
            }
        </section>
    }
}
