//! Deriving from a value once the reader pauses: what is slow to compute
//! from a long text (the sandbox's scenario, the paste page's table) is
//! computed again when the typing stops, not at every key.

use yew::prelude::*;

/// A text this long (lines) is derived from again once the reader
/// pauses, not at every key: 5,000 lines of scenario took ~0.45 s a
/// keystroke, and the textarea froze with it. Shorter ones follow every
/// key.
const SETTLE_LINES: usize = 1_000;
/// How long a pause is.
pub(crate) const SETTLE_MS: u32 = 250;

/// Whether `text` is long enough to wait for a pause (see [`SETTLE_LINES`]).
pub(crate) fn is_long(text: &str) -> bool {
    text.bytes().filter(|&b| b == b'\n').count() >= SETTLE_LINES
}

/// What [`use_settled`] gives.
pub(crate) struct Settled<V> {
    /// The value to derive from.
    pub(crate) value: V,
    /// Takes the value as it is at the next render, without waiting (Enter,
    /// or leaving the field: the reader is done).
    pub(crate) now: Callback<()>,
}

/// The value to derive from: `value` itself, or, while the reader is still
/// changing it and `slow` says deriving from it is slow, the value last
/// derived from (so nothing is computed again, and what shows it keeps its
/// rows) until they pause for [`SETTLE_MS`] or `now` is called. The first
/// value is taken at once.
#[hook]
pub(crate) fn use_settled<V>(value: &V, slow: bool) -> Settled<V>
where
    V: Clone + PartialEq + 'static,
{
    // What was last derived from (none before the first time).
    let last = use_mut_ref(|| None::<V>);
    // The value a pause was seen on (set by the timer: a render with it).
    let paused_on = use_state(|| None::<V>);
    // `now` calls, and how many of them a render has taken.
    let asked = use_mut_ref(|| 0u32);
    let taken = use_mut_ref(|| 0u32);
    let update = use_force_update();
    let wait = slow
        && last.borrow().as_ref().is_some_and(|l| l != value)
        && paused_on.as_ref() != Some(value)
        && *asked.borrow() == *taken.borrow();
    {
        let paused_on = paused_on.clone();
        use_effect_with((value.clone(), wait), move |(value, wait)| {
            let timer = wait.then(|| {
                let value = value.clone();
                gloo::timers::callback::Timeout::new(SETTLE_MS, move || paused_on.set(Some(value)))
            });
            move || drop(timer)
        });
    }
    if !wait {
        *last.borrow_mut() = Some(value.clone());
        *taken.borrow_mut() = *asked.borrow();
    }
    let now = use_callback((), move |(), _| {
        *asked.borrow_mut() += 1;
        update.force_update();
    });
    let settled = last.borrow().clone().unwrap_or_else(|| value.clone());
    Settled {
        value: settled,
        now,
    }
}
