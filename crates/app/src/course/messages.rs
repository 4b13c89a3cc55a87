//! A guide's "what you see": each OS's and runtime's message, as a table
//! (a list of cards on a phone, by the stylesheet). Both columns are the
//! guide's inline Markdown: what a program prints is written as code
//! (`` `bind: Address already in use` ``) and shown so; bindlab's own words
//! (“no error: …”) are prose, with any code in them marked as in the text.

use std::rc::Rc;

use yew::prelude::*;

use super::markdown;
use crate::i18n::{use_tr, T};

#[derive(Properties, PartialEq)]
pub(crate) struct MessagesProps {
    pub(crate) rows: Rc<Vec<(String, String)>>,
}

#[function_component(MessagesTable)]
pub(crate) fn messages_table(p: &MessagesProps) -> Html {
    let tr = use_tr();
    html! {
        <div class="table-wrap">
            <table class="messages">
                <caption>{ tr.t(T::LessonWhatYouSee) }</caption>
                <thead><tr><th scope="col">{ tr.t(T::LessonWhere) }</th><th scope="col">{ tr.t(T::LessonMessage) }</th></tr></thead>
                <tbody>
                { for p.rows.iter().map(|(who, msg)| html! {
                    <tr><th scope="row">{ markdown::inline(&tr, who) }</th><td>{ markdown::inline(&tr, msg) }</td></tr>
                }) }
                </tbody>
            </table>
        </div>
    }
}
