//! Which of some elements are on the reader's screen, by an
//! IntersectionObserver: its implicit root is the top-level page's
//! viewport, even from a frame of another origin. gloo has no wrapper for
//! it, so its callback is this module's own; it is disconnected, its
//! queued reports taken, when dropped.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

/// The elements observed, in order, and whether each is on screen.
type Shown = Rc<RefCell<(Vec<Element>, Vec<bool>)>>;

pub(crate) struct OnScreen {
    observer: IntersectionObserver,
    shown: Shown,
    _callback: Closure<dyn FnMut(js_sys::Array)>,
}

impl OnScreen {
    /// An observer that calls `then` after each report (the first comes
    /// for every element observed, then one as any comes onto or leaves
    /// the screen). `None` where the browser has none.
    pub(crate) fn new(then: impl Fn() + 'static) -> Option<OnScreen> {
        OnScreen::with(None, move |_| then())
    }

    /// An observer whose screen is the viewport less `margin` (the
    /// IntersectionObserver's `rootMargin`, e.g. `"-56px 0px 0px 0px"`: the
    /// screen under a bar at its top), calling `then` with whether each
    /// element is on it after each report.
    pub(crate) fn with(margin: Option<&str>, then: impl Fn(&[bool]) + 'static) -> Option<OnScreen> {
        let shown: Shown = Rc::default();
        let callback = {
            let shown = Rc::downgrade(&shown);
            Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                let Some(shown) = shown.upgrade() else {
                    return;
                };
                let on = {
                    let (elements, on) = &mut *shown.borrow_mut();
                    for entry in entries.iter() {
                        let entry: IntersectionObserverEntry = entry.unchecked_into();
                        let target = entry.target();
                        if let Some(i) = elements.iter().position(|el| *el == target) {
                            on[i] = entry.is_intersecting();
                        }
                    }
                    on.clone()
                };
                then(&on);
            })
        };
        let observer = match margin {
            None => IntersectionObserver::new(callback.as_ref().unchecked_ref()),
            Some(margin) => {
                let options = IntersectionObserverInit::new();
                options.set_root_margin(margin);
                IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options)
            }
        }
        .ok()?;
        Some(OnScreen {
            observer,
            shown,
            _callback: callback,
        })
    }

    /// Observes `elements` instead of those before; none is taken as on
    /// screen until the observer says so.
    pub(crate) fn observe(&self, elements: Vec<Element>) {
        // Reports already queued are of the elements before.
        self.observer.take_records();
        self.observer.disconnect();
        for el in &elements {
            self.observer.observe(el);
        }
        let n = elements.len();
        *self.shown.borrow_mut() = (elements, vec![false; n]);
    }

    /// The places (in `observe`'s list) of the first and last elements on
    /// screen, if any is.
    pub(crate) fn band(&self) -> Option<(usize, usize)> {
        let shown = self.shown.borrow();
        let first = shown.1.iter().position(|&v| v)?;
        let last = shown.1.iter().rposition(|&v| v)?;
        Some((first, last))
    }
}

impl Drop for OnScreen {
    fn drop(&mut self) {
        // A report already queued would call the callback dropped here.
        self.observer.take_records();
        self.observer.disconnect();
    }
}
