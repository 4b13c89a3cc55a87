//! Which blocks of a long table are near the screen: the outcome table of a
//! scenario with thousands of steps, and the socket table of a crowded
//! host, build only those, and a placeholder of their height for the rest
//! (`views::FarBlock`).

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo::events::EventListenerOptions;
use yew::prelude::*;

use crate::browser::dom::in_a_frame;
use crate::browser::on_screen::OnScreen;

use crate::hooks::use_window_event::use_window_event_with;

mod band;

use band::{bands, Anchor};

/// Blocks built before anything is measured (the server's render and the
/// browser's first): enough to fill a tall screen.
pub(crate) const FIRST_BLOCKS: usize = 4;

/// A row's height before one is measured (a one-line row on a desktop).
const ROW_PX: u32 = 33;

/// What the blocks measured.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Near {
    /// Whether each block is built.
    built: Vec<bool>,
    /// Each block's height when it was last built (0: never built), px.
    heights: Vec<u32>,
    /// A built row's mean height, px (0 until measured): a placeholder's
    /// height until its block has been built once.
    row_px: u32,
}

impl Near {
    fn first(count: usize) -> Near {
        Near {
            built: (0..count).map(|b| b < FIRST_BLOCKS).collect(),
            heights: vec![0; count],
            row_px: 0,
        }
    }

    /// Whether block `b` is built (a block it does not know of is: a new,
    /// longer table until it is measured).
    pub(crate) fn is_built(&self, b: usize) -> bool {
        self.built.get(b).copied().unwrap_or(b < FIRST_BLOCKS)
    }

    /// The height of block `b`'s placeholder: as tall as the block was when
    /// last built, else its `rows` rows as tall as the built ones are.
    pub(crate) fn far_px(&self, b: usize, rows: usize) -> u64 {
        match self.heights.get(b) {
            Some(&h) if h > 0 => u64::from(h),
            _ => rows as u64 * u64::from(if self.row_px > 0 { self.row_px } else { ROW_PX }),
        }
    }
}

/// The blocks (the `<tbody>` children of the element `list` refers to, in
/// order) to build: those within one screen of the screen, those built
/// already and still within two (so a block at the band's edge does not
/// flip between built and not), and those holding the focus or an opened
/// explanation (the reader's place is never taken away). Measured after
/// each render that changes them or `version` (the caller's content), and
/// at every scroll (of the page or of any element) and resize; nothing is
/// measured or heard while `on` is false (a short table builds every
/// block). A hidden table (no box) is left as it is.
///
/// A block built or let go above the screen, or placeholders re-estimated
/// once more rows are measured (a phone's cards differ in height), would
/// move what the reader looks at: a reader who scrolled to the last block
/// found it thousands of px below the screen, and then let go. So the
/// block at the screen's top is kept where it was across each change
/// ([`Anchor`]); the browser's own scroll anchoring is off in these tables
/// (it loses its anchor when a placeholder is replaced, and Safari has
/// none).
///
/// In a frame (the iframe embed, which its host may size to its content)
/// the frame's window can be as tall as the table, so its scroll and size
/// say nothing of what the reader sees; there an IntersectionObserver,
/// whose implicit root is the top-level page's viewport even across
/// origins, says which blocks are on the reader's screen, each time one
/// comes onto it or leaves. With none on it (the reader is elsewhere on
/// the host page, or in the frame but off the table), what is built stays.
#[hook]
pub(crate) fn use_near_blocks(list: NodeRef, count: usize, on: bool, version: usize) -> Near {
    // The last measure lives in a ref, read by listeners that live across
    // renders (a state handle held that long keeps every value it has read
    // alive until it goes: yew 0.23's `deref_history`).
    let near = use_mut_ref(|| Near::first(count));
    let seen = use_mut_ref(Seen::default);
    let anchor = use_mut_ref(|| None::<Anchor>);
    let redraw = use_force_update();
    let measure: Rc<dyn Fn()> = {
        let (list, near, seen, anchor) = (list.clone(), near.clone(), seen.clone(), anchor.clone());
        Rc::new(move || {
            if !on {
                return;
            }
            let view = match &seen.borrow().watch {
                Some(w) => View::Frame(w.band()),
                None => View::Window,
            };
            let framed = matches!(view, View::Frame(_));
            let next = measure(&list, &near.borrow(), count, view);
            if let Some((next, spans)) = next.filter(|(n, _)| *n != *near.borrow()) {
                // In a frame the screen is the host page's, not ours to move.
                if !framed {
                    let table_top = list
                        .cast::<web_sys::Element>()
                        .map_or(0.0, |t| t.get_bounding_client_rect().top());
                    *anchor.borrow_mut() = Anchor::at_top(&spans, table_top);
                }
                *near.borrow_mut() = next;
                redraw.force_update();
            }
        })
    };
    {
        // After every render (the placeholders' heights are set by then:
        // children's effects run before their parent's).
        let (list, anchor) = (list.clone(), anchor.clone());
        use_effect(move || {
            if let Some(a) = anchor.borrow_mut().take() {
                a.hold(&list);
            }
        });
    }
    // What the observer calls: this render's measure (its `count`, `on`).
    let latest = use_mut_ref(|| measure.clone());
    *latest.borrow_mut() = measure.clone();
    let built = near.borrow().built.clone();
    {
        // A block built or let go is a new element: observed anew.
        let (seen, list) = (seen.clone(), list.clone());
        use_effect_with((count, on, built.clone()), move |_| {
            seen.borrow_mut().watch(on, &list, Rc::downgrade(&latest))
        });
    }
    {
        let measure = measure.clone();
        use_effect_with((count, on, version, built), move |_| measure());
    }
    {
        // The observer goes with the table (its callback holds the measure
        // only weakly, so nothing keeps it alive, but it is disconnected now
        // rather than when the last handle goes).
        let seen = seen.clone();
        use_effect_with((), move |_| move || seen.borrow_mut().watch = None);
    }
    {
        let measure = measure.clone();
        use_window_event_with(
            "scroll",
            EventListenerOptions::run_in_capture_phase(),
            (count, on),
            move |_| measure(),
        );
    }
    use_window_event_with(
        "resize",
        EventListenerOptions::default(),
        (count, on),
        move |_| measure(),
    );
    let out = near.borrow().clone();
    out
}

/// Where the reader's screen is, for [`measure`].
enum View {
    /// The table's own window is the screen.
    Window,
    /// In a frame: the first and last blocks the top-level viewport shows
    /// (`None`: none of them; where the screen is, is not known).
    Frame(Option<(usize, usize)>),
}

/// A framed table's IntersectionObserver, if it is framed.
#[derive(Default)]
struct Seen {
    /// Whether the table's window is a frame (`None`: not asked yet; the
    /// server's render has no window to ask).
    framed: Option<bool>,
    /// Which blocks the reader's screen shows, while the table is framed
    /// and long.
    watch: Option<OnScreen>,
}

impl Seen {
    /// Observes each block of a framed, long table; each report measures
    /// again (`latest`, the hook's measure of its last render).
    fn watch(&mut self, on: bool, list: &NodeRef, latest: Weak<RefCell<Rc<dyn Fn()>>>) {
        let framed = *self.framed.get_or_insert_with(in_a_frame);
        let table = list.cast::<web_sys::Element>();
        let (true, true, Some(table)) = (on, framed, table) else {
            self.watch = None;
            return;
        };
        if self.watch.is_none() {
            self.watch = OnScreen::new(move || {
                if let Some(latest) = latest.upgrade() {
                    let measure = latest.borrow().clone();
                    measure();
                }
            });
        }
        if let Some(w) = &self.watch {
            w.observe(bodies(&table));
        }
    }
}

/// The `<tbody>` children of `list`, in order.
fn bodies(list: &web_sys::Element) -> Vec<web_sys::Element> {
    let mut out = Vec::new();
    let mut child = list.first_element_child();
    while let Some(el) = child {
        if el.tag_name().eq_ignore_ascii_case("tbody") {
            out.push(el.clone());
        }
        child = el.next_element_sibling();
    }
    out
}

/// The blocks' places on screen, then which to build (see
/// [`use_near_blocks`]) and the heights of the built ones; with the
/// blocks' `(top, bottom)` on screen, px.
fn measure(
    list: &NodeRef,
    prev: &Near,
    count: usize,
    view: View,
) -> Option<(Near, Vec<(f64, f64)>)> {
    let list = list.cast::<web_sys::Element>()?;
    let r = list.get_bounding_client_rect();
    if r.width() == 0.0 && r.height() == 0.0 {
        return None;
    }
    let window = web_sys::window()?;
    let mut spans = Vec::with_capacity(count);
    let mut next = Near {
        built: vec![false; count],
        heights: (0..count)
            .map(|b| prev.heights.get(b).copied().unwrap_or(0))
            .collect(),
        row_px: prev.row_px,
    };
    let mut pinned = vec![false; count];
    let (mut built_px, mut built_rows) = (0.0, 0usize);
    for (b, el) in bodies(&list).into_iter().enumerate() {
        let r = el.get_bounding_client_rect();
        spans.push((r.top(), r.bottom()));
        if b < count && el.class_name() != "far" {
            next.heights[b] = r.height().round() as u32;
            built_px += r.height();
            built_rows += el.child_element_count() as usize;
            pinned[b] = el.matches(":focus-within").unwrap_or(false)
                || el.query_selector("details[open]").ok().flatten().is_some();
        }
    }
    if built_rows > 0 {
        next.row_px = (built_px / built_rows as f64).round() as u32;
    }
    let screen = match view {
        View::Window => {
            let h = window.inner_height().ok()?.as_f64()?;
            Some((0.0, h, h))
        }
        View::Frame(Some((first, last))) if last < spans.len() => {
            // A frame of another origin is not told the host's viewport:
            // the display's height stands for a screen.
            let h = window.screen().ok()?.avail_height().ok()?;
            Some((spans[first].0, spans[last].1, f64::from(h)))
        }
        View::Frame(_) => None,
    };
    let (want, keep) = bands(&spans, screen);
    for (b, built) in next.built.iter_mut().enumerate() {
        *built = want.contains(&b) || (prev.is_built(b) && keep.contains(&b)) || pinned[b];
    }
    Some((next, spans))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placeholder_is_as_tall_as_its_block_was_else_its_rows_at_the_mean() {
        let mut n = Near::first(3);
        assert!(n.is_built(0) && !n.is_built(FIRST_BLOCKS));
        assert_eq!(n.far_px(1, 32), 32 * u64::from(ROW_PX));
        n.row_px = 40;
        n.heights[2] = 999;
        assert_eq!(n.far_px(1, 32), 1280);
        assert_eq!(n.far_px(2, 32), 999);
        // A block past the end (a longer table not measured yet).
        assert_eq!(n.far_px(7, 10), 400);
    }
}
