//! Where a long table's blocks are against the screen: which to build and
//! keep ([`bands`]), and the block that holds the reader's place while
//! they change ([`Anchor`]). Pure arithmetic on the blocks' `(top,
//! bottom)` px, but for [`Anchor::hold`].

use std::ops::Range;

use wasm_bindgen::JsCast;
use yew::NodeRef;

use super::bodies;

/// The block at the screen's top and its top then, px below the table's
/// top: after the blocks change, the screen is scrolled by as much as that
/// block moved in the table. In the table, not on the screen: a scroll
/// between (a step's row revealed once its block was built) is not the
/// blocks' doing, and holding the block where it was on the screen undid
/// it (Back after Run all left the row below the screen, depending on how
/// tall the page above the table was).
pub(super) struct Anchor {
    block: usize,
    top: f64,
}

impl Anchor {
    /// The first block not wholly above the screen (`spans` as the
    /// hook's `measure` gives them, the table's top at `table_top`, both
    /// on the screen); none when the table is below the screen's top
    /// (nothing on the screen can move) or has no blocks.
    pub(super) fn at_top(spans: &[(f64, f64)], table_top: f64) -> Option<Anchor> {
        let block = spans.iter().position(|s| s.1 > 0.0)?;
        (spans[block].0 <= 0.0).then(|| Anchor {
            block,
            top: spans[block].0 - table_top,
        })
    }

    /// Scrolls whatever scrolls the table by as much as the block moved in it.
    pub(super) fn hold(self, list: &NodeRef) {
        let Some(table) = list.cast::<web_sys::Element>() else {
            return;
        };
        let Some(el) = bodies(&table).into_iter().nth(self.block) else {
            return;
        };
        let moved =
            el.get_bounding_client_rect().top() - table.get_bounding_client_rect().top() - self.top;
        if moved.abs() >= 1.0 {
            scroll_by(&table, moved);
        }
    }
}

/// Scrolls by `dy` px the nearest ancestor of `el` that scrolls (a page
/// that scrolls an element of its own rather than the window), else the
/// window.
fn scroll_by(el: &web_sys::Element, dy: f64) {
    let mut at = el.parent_element();
    while let Some(a) = at {
        if a.scroll_height() > a.client_height() && a.parent_element().is_some() {
            let before = a.scroll_top();
            a.set_scroll_top(before + dy.round() as i32);
            if a.scroll_top() != before {
                return;
            }
        }
        at = a.parent_element().or_else(|| {
            // Out of a widget's shadow root, into the host page.
            let root = a.parent_node()?.dyn_into::<web_sys::ShadowRoot>().ok()?;
            Some(root.host())
        });
    }
    if let Some(w) = web_sys::window() {
        w.scroll_by_with_x_and_y(0.0, dy);
    }
}

/// The blocks to build and those to keep if built (`spans`: each block's
/// `(top, bottom)` px): those meeting one and two screens either side of
/// the screen, given as `(top, bottom, a screen's height)` px; with the
/// screen not known (a frame off the reader's screen), none to build and
/// all to keep.
pub(super) fn bands(
    spans: &[(f64, f64)],
    screen: Option<(f64, f64, f64)>,
) -> (Range<usize>, Range<usize>) {
    match screen {
        Some((top, bottom, h)) => (
            pick(spans, top - h, bottom + h),
            pick(spans, top - 2.0 * h, bottom + 2.0 * h),
        ),
        None => (0..0, 0..spans.len()),
    }
}

/// The run of blocks (`(top, bottom)` on screen, in order) that meets the
/// band from `top` to `bottom` (px from the screen's top); when none does,
/// the one nearest to it. Empty only when there are no blocks.
pub(super) fn pick(spans: &[(f64, f64)], top: f64, bottom: f64) -> Range<usize> {
    let above = spans.iter().take_while(|s| s.1 < top).count();
    let end = spans.iter().take_while(|s| s.0 <= bottom).count();
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
    use super::*;

    /// Blocks of 100 px from `top`.
    fn blocks(top: f64, n: usize) -> Vec<(f64, f64)> {
        (0..n)
            .map(|i| (top + 100.0 * i as f64, top + 100.0 * (i + 1) as f64))
            .collect()
    }

    #[test]
    fn the_blocks_near_the_screen_are_those_meeting_the_band() {
        // Screen 300 px, the band one screen either side: -300..600.
        assert_eq!(pick(&blocks(0.0, 20), -300.0, 600.0), 0..7);
        // The seventh block ends at -300: it meets the band.
        assert_eq!(pick(&blocks(-1000.0, 20), -300.0, 600.0), 6..17);
        assert_eq!(pick(&[], -300.0, 600.0), 0..0);
    }

    #[test]
    fn build_within_one_screen_keep_within_two_and_all_when_the_screen_is_not_known() {
        let spans = blocks(-1000.0, 40);
        // A window of 300 px: blocks 6..=16 meet -300..600, 3..=19 -600..900.
        assert_eq!(bands(&spans, Some((0.0, 300.0, 300.0))), (6..17, 3..20));
        // A frame: the reader sees blocks 20..=21 (1000..1200 px), a
        // screen is 500 px: 14..=27 meet 500..1700, 9..=32 0..2200.
        assert_eq!(
            bands(&spans, Some((spans[20].0, spans[21].1, 500.0))),
            (14..28, 9..33)
        );
        // A frame off the reader's screen: nothing new, nothing let go.
        assert_eq!(bands(&spans, None), (0..0, 0..40));
    }

    #[test]
    fn a_table_off_screen_keeps_its_nearest_block() {
        assert_eq!(pick(&blocks(5000.0, 20), -300.0, 600.0), 0..1);
        assert_eq!(pick(&blocks(-9000.0, 20), -300.0, 600.0), 19..20);
    }

    #[test]
    fn the_anchor_is_the_block_at_the_screens_top() {
        // Blocks from -1000 px: the eleventh (0..100) begins at the top.
        // Its top is kept from the table's (here 40 px above the first
        // block's: the table's head).
        let a = Anchor::at_top(&blocks(-1000.0, 20), -1040.0).unwrap();
        assert_eq!((a.block, a.top), (10, 1040.0));
        let a = Anchor::at_top(&blocks(-1050.0, 20), -1090.0).unwrap();
        assert_eq!((a.block, a.top), (10, 1040.0));
        // A table below the screen's top: nothing on the screen moves.
        assert!(Anchor::at_top(&blocks(30.0, 20), -10.0).is_none());
        // A table above the screen: its last block is the nearest, and
        // nothing of it is on the screen to hold.
        assert!(Anchor::at_top(&blocks(-9000.0, 20), -9040.0).is_none());
        assert!(Anchor::at_top(&[], 0.0).is_none());
    }
}
