//! The language switch, on every page: the same page in each language
//! bindlab speaks. A plain link (it works without JavaScript, and each
//! language's pages are prerendered); with JavaScript the choice is
//! remembered and the page's fragment (a sandbox permalink, a glossary
//! term) comes along.

use bindlab_course::locale::Locale;
use yew::prelude::*;

use crate::browser::{dom, prefs};
use crate::i18n::{href, use_tr, T};
use crate::route::Route;

/// Where the reader's choice is kept (`static/boot.js` reads it too).
const LANG_KEY: &str = "bindlab.lang";

#[derive(Properties, PartialEq)]
pub(crate) struct LanguageSwitchProps {
    pub(crate) current: Route,
}

#[function_component(LanguageSwitch)]
pub(crate) fn language_switch(p: &LanguageSwitchProps) -> Html {
    let tr = use_tr();
    let page = match &p.current {
        // A term or a rule is the fragment, carried over on click.
        Route::Glossary(_) => Route::Glossary(None),
        Route::Rules(_) => Route::Rules(None),
        r => r.clone(),
    };
    html! {
        <span class="lang-switch" role="group" aria-label={tr.t(T::NavLanguage).to_string()}>
            { for Locale::ALL.iter().map(|&l| {
                let target = href(l, &page);
                let here = l == tr.locale();
                let onclick = {
                    let target = target.clone();
                    Callback::from(move |e: MouseEvent| {
                        e.prevent_default();
                        prefs::set(LANG_KEY, l.tag());
                        dom::go_to(&format!("{target}{}", dom::location_hash()));
                    })
                };
                html! {
                    <a href={target} lang={l.tag()} hreflang={l.tag()} {onclick}
                        aria-current={here.then_some("true")}>{ l.name() }</a>
                }
            }) }
        </span>
    }
}
