//! "Got an error?" (`#/guides`): every guide, by the symptom a reader
//! arrives with, and the messages that lead to it.

use yew::prelude::*;

use super::focus_heading;
use super::markdown;
use crate::browser::dom::set_title;
use crate::nav::use_navigated;
use crate::route::{Route, GUIDES, GUIDES_INTRO, GUIDES_TITLE};

#[function_component(GuidesIndex)]
pub(crate) fn guides_index() -> Html {
    let navigated = use_navigated();
    use_effect_with((), move |_| {
        set_title(&format!("{GUIDES_TITLE} — bindlab"));
        focus_heading(navigated);
    });
    html! {
        <article class="contents-page guides-page">
            <h1 tabindex="-1">{ GUIDES_TITLE }</h1>
            <div class="lede">{ markdown::render(GUIDES_INTRO) }</div>
            <ul class="chapters guides">
                { for GUIDES.iter().map(|g| html! {
                    <li>
                        <a href={Route::Guides(Some(g.id.into())).href()}>{ markdown::inline(g.title) }</a>
                        <p class="errors"><code>{ g.errors }</code></p>
                        <p class="summary">{ markdown::inline(g.summary) }</p>
                    </li>
                }) }
            </ul>
        </article>
    }
}
