//! The step bar: Back, Step and the count at the top of a narrow screen
//! while the reader looks at the host.
//!
//! In one column the host is a pane of its own under the run pane, so the
//! run pane's stepper (sticky only inside its pane) has scrolled away by
//! the time the host is on screen, and each step was a scroll up to press
//! it and a scroll down to see what it did. This bar takes the stepper's
//! place at the screen's top while the stepper's Step is off the screen
//! and the host on it (two IntersectionObservers), and goes when either
//! changes.
//! It is a copy for the eyes and fingers only: hidden from assistive
//! technology, out of the tab order and never taking the focus, so a screen
//! reader or a keyboard meets one stepper (which the page's Alt+Shift+arrow
//! shortcuts also drive from anywhere). A wide screen never shows it (the
//! stylesheet); the sandbox's DOM and the stepper are as they were.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::browser::on_screen::OnScreen;
use crate::hooks::use_window_event;
use crate::i18n::{use_tr, T};

/// The run pane's Step button and the host pane, which the bar watches.
const STEP: &str = "#run > .stepper > .primary";
const HOST: &str = ".layout > .host";

#[derive(Properties, PartialEq)]
pub(crate) struct StepBarProps {
    pub(crate) step: usize,
    pub(crate) total: usize,
    pub(crate) on_goto: Callback<usize>,
    /// Whether there is a host to watch (the scenario parses).
    pub(crate) watch: bool,
}

#[function_component(StepBar)]
pub(crate) fn step_bar(p: &StepBarProps) -> Html {
    let tr = use_tr();
    let shown = use_state_eq(|| false);
    let bar = use_node_ref();
    // The heights the watchers were set up with; a resize that changes
    // them (a rotation, the page's text made larger, a window made narrow
    // enough for the bar) sets them up again.
    let sizes = use_mut_ref(|| (0, 0));
    let generation = use_state(|| 0u32);
    {
        let (sizes, generation, bar) = (sizes.clone(), generation.clone(), bar.clone());
        use_window_event("resize", (), move |_| {
            if heights(&bar) != *sizes.borrow() {
                generation.set(*generation + 1);
            }
        });
    }
    {
        let (shown, bar) = (shown.clone(), bar.clone());
        use_effect_with((p.watch, *generation), move |&(watch, _)| {
            *sizes.borrow_mut() = heights(&bar);
            let watchers = if watch {
                watch_screen(shown.clone(), *sizes.borrow())
            } else {
                None
            };
            if watchers.is_none() {
                shown.set(false);
            }
            move || drop(watchers)
        });
    }
    // Where the host's top was when the bar was pressed: after the step,
    // the host is put back there if the outcome rows above it grew or
    // shrank (a browser without scroll anchoring would move it).
    let anchor = use_mut_ref(|| None::<f64>);
    {
        let anchor = anchor.clone();
        use_effect_with(p.step, move |_| {
            if let Some(before) = anchor.borrow_mut().take() {
                if let (Some(now), Some(w)) = (host_top(), web_sys::window()) {
                    if (now - before).abs() >= 1.0 {
                        w.scroll_by_with_x_and_y(0.0, now - before);
                    }
                }
            }
        });
    }
    // A press never takes the focus: it stays where it was (not on a
    // button that assistive technology is told is not there).
    let keep_focus = Callback::from(|e: MouseEvent| e.prevent_default());
    let go = |to: usize| {
        let (cb, anchor) = (p.on_goto.clone(), anchor.clone());
        Callback::from(move |_: MouseEvent| {
            *anchor.borrow_mut() = host_top();
            cb.emit(to)
        })
    };
    html! {
        <div ref={bar} class={classes!("step-bar", shown.then_some("shown"))} aria-hidden="true">
            <button type="button" tabindex="-1" onmousedown={keep_focus.clone()} onclick={go(p.step.saturating_sub(1))}
                disabled={p.step == 0}>{ tr.t(T::ScenarioBack) }</button>
            <button type="button" class="primary" tabindex="-1" onmousedown={keep_focus} onclick={go((p.step + 1).min(p.total))}
                disabled={p.step >= p.total}>{ tr.t(T::ScenarioStep) }</button>
            <span class="count">{ tr.f(T::ScenarioProgress, &[("step", &p.step.to_string()), ("total", &p.total.to_string())]) }</span>
        </div>
    }
}

/// The host pane's top on the screen, px.
fn host_top() -> Option<f64> {
    let host = web_sys::window()?.document()?.query_selector(HOST).ok()??;
    Some(host.get_bounding_client_rect().top())
}

/// The Step button's height and the bar's (while hidden it is laid out
/// above the screen; 0 where the stylesheet leaves it out, a wide screen),
/// px: what the watchers' margins are made of.
fn heights(bar: &NodeRef) -> (i32, i32) {
    let step = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(STEP).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .map_or(0, |b| b.offset_height());
    let bar = bar
        .cast::<web_sys::HtmlElement>()
        .map_or(0, |b| b.offset_height());
    (step, bar)
}

/// Watches the stepper's Step button (on the screen less its own height at
/// the top, so that the button is on it only while it is whole: a button
/// cut by the screen's top counts as gone, and the bar lies over what is
/// left of it) and the host (on the screen under the bar, so
/// that a host all but scrolled off does not keep the bar over what comes
/// after it), and shows the bar while the host is on screen and the button
/// is not. `None` without the elements or an IntersectionObserver: the bar
/// stays hidden.
fn watch_screen(
    shown: UseStateHandle<bool>,
    (whole, height): (i32, i32),
) -> Option<(OnScreen, OnScreen)> {
    let document = web_sys::window()?.document()?;
    let stepper = document.query_selector(STEP).ok()??;
    let host = document.query_selector(HOST).ok()??;
    // Whether the stepper and the host are on screen: the stepper is, until
    // the first report says otherwise.
    let seen = Rc::new(Cell::new((true, false)));
    let update = {
        let seen = seen.clone();
        Rc::new(move || {
            let (stepper_on, host_on) = seen.get();
            shown.set(host_on && !stepper_on);
        })
    };
    let on_stepper = {
        let (seen, update) = (seen.clone(), update.clone());
        OnScreen::with(Some(&format!("-{whole}px 0px 0px 0px")), move |on| {
            seen.set((on.first().copied().unwrap_or(false), seen.get().1));
            update();
        })?
    };
    let on_host = OnScreen::with(Some(&format!("-{height}px 0px 0px 0px")), move |on| {
        seen.set((seen.get().0, on.first().copied().unwrap_or(false)));
        update();
    })?;
    on_stepper.observe(vec![stepper]);
    on_host.observe(vec![host]);
    Some((on_stepper, on_host))
}
