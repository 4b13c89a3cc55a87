//! The outcome table's one Tab stop (see [`Stop`]).

use bindlab_engine::Os;

use super::ROWS;

/// The control of the table that Tab reaches: a step's button (`os`:
/// `None`) or an OS's outcome toggle. The table is one Tab stop, as a
/// list box or a grid is: a scenario of 200 steps used to be 200 step
/// buttons and up to 800 toggles between the editor and the host view.
/// The arrow keys move inside it (`keys.rs`), and the stop follows the
/// focus, so Tab back into the table returns where the reader was.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) struct Stop {
    pub(crate) index: usize,
    pub(crate) os: Option<Os>,
}

/// Where the Tab stop is: the control the reader focused last (`chosen`),
/// while its step is in the table and built; else the current step's
/// button (the step run last, or the first), if its block is built; else
/// the first step of the first block that is (a long table builds only
/// the blocks near the screen, and a stop in no built row would take the
/// table out of the Tab order).
pub(super) fn tab_stop(
    chosen: Option<Stop>,
    step: usize,
    n: usize,
    built: impl Fn(usize) -> bool,
) -> Option<Stop> {
    if n == 0 {
        return None;
    }
    let shown = |i: usize| i < n && built(i / ROWS);
    if let Some(c) = chosen.filter(|c| shown(c.index)) {
        return Some(c);
    }
    let current = step.saturating_sub(1).min(n - 1);
    let index = if shown(current) {
        current
    } else {
        (0..n.div_ceil(ROWS)).find(|&b| built(b))? * ROWS
    };
    Some(Stop { index, os: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tab_stop_is_the_last_focused_control_while_it_is_built_else_the_current_step() {
        let all = |_: usize| true;
        let at = |index, os| Some(Stop { index, os });
        assert_eq!(tab_stop(None, 0, 0, all), None, "no steps: no stop");
        assert_eq!(
            tab_stop(None, 0, 5, all),
            at(0, None),
            "nothing run: the first"
        );
        assert_eq!(tab_stop(None, 3, 5, all), at(2, None), "the step run last");
        assert_eq!(tab_stop(None, 9, 5, all), at(4, None));
        let toggle = at(1, Some(Os::Windows));
        assert_eq!(tab_stop(toggle, 3, 5, all), toggle, "where the reader was");
        assert_eq!(
            tab_stop(at(7, None), 3, 5, all),
            at(2, None),
            "a step edited away"
        );
        // A long table: only block 3 is built.
        let third = |b: usize| b == 3;
        assert_eq!(tab_stop(at(100, None), 0, 1000, third), at(100, None));
        assert_eq!(tab_stop(at(500, None), 0, 1000, third), at(96, None));
        assert_eq!(tab_stop(None, 120, 1000, third), at(119, None));
        assert_eq!(tab_stop(None, 0, 1000, |_| false), None);
    }
}
