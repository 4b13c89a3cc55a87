//! A guide's "what you see": each OS's and runtime's message, as a table
//! (a list of cards on a phone, by the stylesheet).

use std::rc::Rc;

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(crate) struct MessagesProps {
    pub(crate) rows: Rc<Vec<(String, String)>>,
}

#[function_component(MessagesTable)]
pub(crate) fn messages_table(p: &MessagesProps) -> Html {
    html! {
        <div class="table-wrap">
            <table class="messages">
                <caption>{"What you see"}</caption>
                <thead><tr><th scope="col">{"Where"}</th><th scope="col">{"Message"}</th></tr></thead>
                <tbody>
                { for p.rows.iter().map(|(who, msg)| html! {
                    <tr><th scope="row">{ who }</th><td><code>{ msg }</code></td></tr>
                }) }
                </tbody>
            </table>
        </div>
    }
}
