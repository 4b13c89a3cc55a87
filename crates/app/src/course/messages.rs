//! A guide's "what you see": each OS's and runtime's message, as a table
//! (a list of cards on a phone, by the stylesheet).

use std::rc::Rc;

use yew::prelude::*;

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
                    <tr><th scope="row">{ who }</th><td><code>{ msg }</code></td></tr>
                }) }
                </tbody>
            </table>
        </div>
    }
}
