//! Taking a value that is slow to derive from only after the page has
//! painted that it is coming: a pasted table of 30,000 connections takes
//! seconds to read and run, and the page used to sit still for all of them
//! with the reader's last answer on it, as if nothing had been pasted.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The value to derive from, and whether a newer one is waiting for the
/// next paint (`busy`: say so, and show what is on the page as old). A
/// change of `value` that `slow` says is slow to derive from is taken
/// after the page has painted once more; any other change at once.
#[hook]
pub(crate) fn use_after_paint<V>(value: &V, slow: bool) -> (V, bool)
where
    V: Clone + PartialEq + 'static,
{
    let taken = use_mut_ref(|| value.clone());
    let update = use_force_update();
    let changed = *taken.borrow() != *value;
    let busy = changed && slow;
    if changed && !slow {
        *taken.borrow_mut() = value.clone();
    }
    {
        let taken = taken.clone();
        use_effect_with((value.clone(), busy), move |(value, busy)| {
            // Unset when the value changes again before the paint: that
            // newer value is taken instead, by its own effect.
            let live = Rc::new(Cell::new(true));
            if *busy {
                let (value, live) = (value.clone(), live.clone());
                after_paint(move || {
                    if live.get() {
                        *taken.borrow_mut() = value;
                        update.force_update();
                    }
                });
            }
            move || live.set(false)
        });
    }
    let now = taken.borrow().clone();
    (now, busy)
}

/// Runs `f` once the browser has painted the frame it is drawing: the
/// next animation frame's callback runs before that paint, and a timeout
/// set in it after. Without a window (or if the frame is refused), at
/// once.
fn after_paint(f: impl FnOnce() + 'static) {
    let f = Rc::new(RefCell::new(Some(f)));
    let run = {
        let f = f.clone();
        move || {
            if let Some(f) = f.borrow_mut().take() {
                f();
            }
        }
    };
    let Some(w) = crate::browser::dom::window() else {
        run();
        return;
    };
    let next = {
        let run = run.clone();
        Closure::once_into_js(move || gloo::timers::callback::Timeout::new(0, run).forget())
    };
    if w.request_animation_frame(next.unchecked_ref()).is_err() {
        run();
    }
}
