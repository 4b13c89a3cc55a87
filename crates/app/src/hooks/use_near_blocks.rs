//! Which blocks of a long list are near the screen: the outcome table of a
//! scenario with thousands of steps builds only those, and a placeholder of
//! the same height for the rest (see `views::os_table`).

use std::ops::Range;

use gloo::events::EventListenerOptions;
use yew::prelude::*;

use crate::hooks::use_window_event::use_window_event_with;

/// Blocks built before anything is measured (the server's render and the
/// browser's first): enough to fill a tall screen.
pub(crate) const FIRST_BLOCKS: usize = 4;

/// What the blocks measured: which are near the screen, and the height of
/// a built row (a placeholder's height is its rows times this).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Near {
    pub(crate) blocks: Range<usize>,
    /// Pixels, from the built blocks; 0 until measured.
    pub(crate) row_px: u32,
}

/// The blocks (the `<tbody>` children of the element `list` refers to, in
/// order) near the screen: from one screen above it to one screen below.
/// Measured after each render that changes them, and at every scroll (of
/// the page or of any element) and resize; nothing is measured or heard
/// while `on` is false (a short list builds every block).
#[hook]
pub(crate) fn use_near_blocks(list: NodeRef, count: usize, on: bool) -> Near {
    let near = use_state_eq(|| Near {
        blocks: 0..count.min(FIRST_BLOCKS),
        row_px: 0,
    });
    let measure = {
        let (list, near) = (list.clone(), near.clone());
        move || {
            if !on {
                return;
            }
            if let Some(m) = measure(&list, near.row_px) {
                near.set(m);
            }
        }
    };
    {
        let measure = measure.clone();
        use_effect_with((count, on, near.blocks.clone()), move |_| measure());
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
    // A new scenario with fewer blocks: never name blocks it lacks.
    let mut n = (*near).clone();
    n.blocks.end = n.blocks.end.min(count);
    n.blocks.start = n.blocks.start.min(n.blocks.end);
    n
}

/// The blocks' places on screen, then [`pick`] and the built rows' height.
fn measure(list: &NodeRef, row_px: u32) -> Option<Near> {
    let list = list.cast::<web_sys::Element>()?;
    let screen = web_sys::window()?.inner_height().ok()?.as_f64()?;
    let mut spans = Vec::new();
    let (mut built_px, mut built_rows) = (0.0, 0usize);
    let mut child = list.first_element_child();
    while let Some(el) = child {
        if el.tag_name().eq_ignore_ascii_case("tbody") {
            let r = el.get_bounding_client_rect();
            spans.push((r.top(), r.bottom()));
            if el.class_name() != "far" {
                built_px += r.height();
                built_rows += el.child_element_count() as usize;
            }
        }
        child = el.next_element_sibling();
    }
    let row_px = if built_rows > 0 {
        (built_px / built_rows as f64).round() as u32
    } else {
        row_px
    };
    Some(Near {
        blocks: pick(&spans, screen),
        row_px,
    })
}

/// The run of blocks (`(top, bottom)` on screen, in order) that meets the
/// band from one `screen` height above the screen to one below it; when
/// none does, the one nearest to it. Empty only when there are no blocks.
pub(crate) fn pick(spans: &[(f64, f64)], screen: f64) -> Range<usize> {
    let above = spans.iter().take_while(|s| s.1 < -screen).count();
    let end = spans.iter().take_while(|s| s.0 <= 2.0 * screen).count();
    if spans.is_empty() {
        0..0
    } else if above < end {
        above..end
    } else if above == spans.len() {
        spans.len() - 1..spans.len()
    } else {
        above..above + 1
    }
}

#[cfg(test)]
mod tests {
    use super::pick;

    /// Blocks of 100 px from `top`.
    fn blocks(top: f64, n: usize) -> Vec<(f64, f64)> {
        (0..n)
            .map(|i| (top + 100.0 * i as f64, top + 100.0 * (i + 1) as f64))
            .collect()
    }

    #[test]
    fn the_blocks_near_the_screen_are_a_screen_above_to_a_screen_below() {
        // Screen 300 px: the band is -300..600.
        assert_eq!(pick(&blocks(0.0, 20), 300.0), 0..7);
        // The seventh block ends at -300: it meets the band.
        assert_eq!(pick(&blocks(-1000.0, 20), 300.0), 6..17);
        assert_eq!(pick(&[], 300.0), 0..0);
    }

    #[test]
    fn a_list_off_screen_keeps_its_nearest_block() {
        assert_eq!(pick(&blocks(5000.0, 20), 300.0), 0..1);
        assert_eq!(pick(&blocks(-9000.0, 20), 300.0), 19..20);
    }
}
