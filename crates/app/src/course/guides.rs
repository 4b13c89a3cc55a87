//! "Got an error?" (`#/guides`): every guide, by the symptom a reader
//! arrives with, and the messages that lead to it.

use yew::prelude::*;

use super::focus_heading;
use super::guide::{guide_summary, guide_title};
use super::markdown;
use crate::browser::dom::set_title;
use crate::i18n::{use_tr, T};
use crate::nav::use_navigated;
use crate::route::{Route, GUIDES, GUIDES_INTRO, GUIDES_TITLE};

#[function_component(GuidesIndex)]
pub(crate) fn guides_index() -> Html {
    let tr = use_tr();
    let navigated = use_navigated();
    let title = tr.text("guides.title", GUIDES_TITLE);
    {
        let page = tr.f(T::PageSiteTitle, &[("title", title)]);
        use_effect_with(page, move |page| {
            set_title(page);
            focus_heading(navigated);
        });
    }
    html! {
        <article class="contents-page guides-page">
            <h1 tabindex="-1">{ title }</h1>
            <div class="lede">{ markdown::render(&tr, tr.text("guides.intro", GUIDES_INTRO)) }</div>
            <ul class="chapters guides">
                { for GUIDES.iter().map(|g| html! {
                    <li>
                        <a href={tr.href(&Route::Guides(Some(g.id.into())))}>{ markdown::inline(&tr, guide_title(&tr, g)) }</a>
                        <p class="errors"><code>{ tr.text(&format!("guide.{}.errors", g.id), g.errors) }</code></p>
                        <p class="summary">{ markdown::inline(&tr, guide_summary(&tr, g)) }</p>
                    </li>
                }) }
            </ul>
        </article>
    }
}
