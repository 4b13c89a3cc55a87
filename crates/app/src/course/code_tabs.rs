//! A guide's "the fix in code": one snippet per language, one shown at a
//! time, picked with buttons (keyboard: Tab and Enter/Space), and Copy. The
//! choice is remembered (`prefs::CODE_LANG`, shared with the code panel), so
//! every guide and the sandbox's code open in the reader's language.

use std::rc::Rc;

use bindlab_course::guide::language_label;
use yew::prelude::*;

use crate::browser::{clipboard, prefs};
use crate::i18n::{use_tr, T};

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
    html! {
        <section class="code-tabs pane" aria-labelledby={format!("{}-h", p.id)}>
            <h3 id={format!("{}-h", p.id)}>{ tr.t(T::LessonFixInCode) }</h3>
            <div class="lang-picker" role="group" aria-label={tr.t(T::LessonLanguage).to_string()}>
            { for p.snippets.iter().enumerate().map(|(i, (l, _))| {
                let (picked, status) = (picked.clone(), status.clone());
                let key = l.clone();
                let onclick = Callback::from(move |_| {
                    remember(&key);
                    picked.set(i);
                    status.set(String::new());
                });
                html! {
                    <button type="button" class={classes!("lang", (i == k).then_some("on"))}
                        aria-pressed={if i == k { "true" } else { "false" }} {onclick}>{ language_label(l) }</button>
                }
            }) }
            </div>
            <pre class="code-block" data-lang={lang.clone()} role="group" aria-label={tr.f(T::LessonLangCode, &[("lang", language_label(lang))])} tabindex="0"><code>{ code }</code></pre>
            <div class="code-tools">
                <button type="button" onclick={on_copy}>{ tr.t(T::ScenarioCopy) }</button>
                <span class="code-status" role="status">{ (*status).clone() }</span>
            </div>
        </section>
    }
}
