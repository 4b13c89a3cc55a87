//! Which OSes the sandbox compares.

use bindlab_engine::Os;
use yew::prelude::*;

use crate::i18n::{use_tr, T};

#[derive(Properties, PartialEq)]
pub(crate) struct OsPickerProps {
    pub(crate) oses: Vec<Os>,
    pub(crate) on_toggle: Callback<Os>,
}

#[function_component(OsPicker)]
pub(crate) fn os_picker(p: &OsPickerProps) -> Html {
    let tr = use_tr();
    html! {
        <fieldset class="os-picker">
            <legend>{ tr.t(T::ScenarioCompareOn) }</legend>
            // Their own box beside the legend: a second row of boxes (a
            // phone) starts under the first, not under the legend.
            <span class="os-boxes">
            { for Os::ALL.iter().map(|&os| {
                let cb = p.on_toggle.clone();
                let checked = p.oses.contains(&os);
                html! {
                    <label class="check"><input type="checkbox" checked={checked} disabled={checked && p.oses.len() == 1}
                        onchange={Callback::from(move |_| cb.emit(os))} />{ os.display() }</label>
                }
            }) }
            </span>
        </fieldset>
    }
}
