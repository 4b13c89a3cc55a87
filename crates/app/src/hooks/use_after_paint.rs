//! Taking a value that is slow to derive from only after the page has
//! painted that it is coming: a pasted table of 30,000 connections takes
//! seconds to read and run, and the page used to sit still for all of them
//! with the reader's last answer on it, as if nothing had been pasted.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::render::{request_animation_frame, AnimationFrame};
use gloo::timers::callback::Timeout;
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
    // The value of the last render: a wait that fires after a newer render
    // but before that render's effect has cancelled it takes nothing (Yew
    // may yield between a render and its effects).
    let wanted = use_mut_ref(|| value.clone());
    if *wanted.borrow() != *value {
        *wanted.borrow_mut() = value.clone();
    }
    let update = use_force_update();
    let changed = *taken.borrow() != *value;
    let busy = changed && slow;
    if changed && !slow {
        *taken.borrow_mut() = value.clone();
    }
    {
        let (taken, wanted) = (taken.clone(), wanted.clone());
        use_effect_with((value.clone(), busy), move |(value, busy)| {
            // Dropped (so cancelled) when the value changes again before
            // the paint: that newer value is taken instead, by its effect.
            let waiting = busy.then(|| {
                let value = value.clone();
                after_paint(move || {
                    if *wanted.borrow() == value {
                        *taken.borrow_mut() = value;
                        update.force_update();
                    }
                })
            });
            move || drop(waiting)
        });
    }
    let now = taken.borrow().clone();
    (now, busy)
}

/// What [`after_paint`] holds until `f` has run; dropping it cancels `f`.
struct AfterPaint {
    _frame: AnimationFrame,
    _then: Rc<RefCell<Option<Timeout>>>,
}

/// Runs `f` once the browser has painted the frame it is drawing: the
/// next animation frame's callback runs before that paint, and a timeout
/// set in it after.
fn after_paint(f: impl FnOnce() + 'static) -> AfterPaint {
    let then = Rc::new(RefCell::new(None));
    let frame = {
        let then = then.clone();
        request_animation_frame(move |_| {
            *then.borrow_mut() = Some(Timeout::new(0, f));
        })
    };
    AfterPaint {
        _frame: frame,
        _then: then,
    }
}
