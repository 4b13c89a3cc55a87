//! The OS-by-OS outcome table: one memoised [`Row`] per step (in blocks of
//! [`ROWS`]), and the words a cell is made of (shared with the host view's
//! announcement).

mod keys;
mod reveal;
mod row;
mod tab_stop;

use reveal::{reveal_current, Reveal, REVEAL_WAIT_MS};
use row::Row;
use tab_stop::{tab_stop, Stop};

use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::use_near_blocks;
use bindlab_engine::lists::Lists;

use crate::i18n::{use_tr, Tr, T};
use crate::state::Derived;
use crate::views::FarBlock;

#[derive(Properties)]
pub(crate) struct OsTableProps {
    pub(crate) derived: Rc<Derived>,
    pub(crate) step: usize,
    pub(crate) on_goto: Callback<usize>,
    /// Where the rules page is (a widget's bindlab site, whose rule links
    /// open in a new tab); `None`: this site.
    #[prop_or_default]
    pub(crate) base: Option<AttrValue>,
}

impl PartialEq for OsTableProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.derived, &o.derived)
            && self.step == o.step
            && self.on_goto == o.on_goto
            && self.base == o.base
    }
}

/// `text` cut after each `_` or `.` inside a word and before a letter:
/// where a narrow column may break "SO_REUSEADDR" or a rule id (`SO_` /
/// `REUSEADDR`, `linux.bind.` / `in-use`) rather than at whatever letter
/// meets the column's edge. Never inside an address (`0.0.0.0:21`): a
/// cut there would be taken before the line is full, where the address
/// whole would have moved to the next line. Error names are cut after
/// their `WSAE` and `ADDR` (`WSAE` / `CONNREFUSED`, `EADDR` / `NOTAVAIL`):
/// an OS column of the outcome table is narrower than "WSAECONNREFUSED".
fn word_parts(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        let after_prefix = i > start + 3
            && c.is_ascii_uppercase()
            && (text[..i].ends_with("WSAE") || text[..i].ends_with("ADDR"))
            && b.get(i + 1).is_some_and(u8::is_ascii_uppercase);
        if after_prefix {
            parts.push(&text[start..i]);
            start = i;
        }
        let inside = i > start
            && b[i - 1].is_ascii_alphanumeric()
            && b.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
        if (c == b'_' || c == b'.') && inside {
            parts.push(&text[start..=i]);
            start = i + 1;
        }
    }
    parts.push(&text[start..]);
    parts
}

/// `text` with a `<wbr>` at each of [`word_parts`]' cuts: a copy of it
/// copies no extra character, as a zero-width space would. Only for the
/// outcome table's narrow cells: a heading or the prose keeps a name whole
/// (a reader found "SO_" / "REUSEADDR" in a chapter's title on a phone).
pub(crate) fn breakable(text: &str) -> Html {
    let parts = word_parts(text);
    if parts.len() == 1 {
        return html! { { text.to_string() } };
    }
    html! {
        <>{ for parts.iter().enumerate().map(|(k, part)| html! {
            <>if k > 0 { <wbr /> }{ part.to_string() }</>
        }) }</>
    }
}

/// Punctuation between two parts of a line (a dash after a rule's title,
/// a colon after a place): a dash stands between spaces, a space follows
/// ASCII punctuation, nothing follows a full-width one (Chinese).
pub(crate) fn sep(tr: &Tr, k: T) -> String {
    let p = tr.t(k);
    if p == "—" {
        " — ".to_string()
    } else if p.is_ascii() {
        format!("{p} ")
    } else {
        p.to_string()
    }
}

/// "ok → A×3" style text for one cell: the engine's summary
/// (`StepReport::summary`, which the CLI prints too) with its two words,
/// "dropped" and "or", in `tr`'s language; where an SO_REUSEPORT group's
/// hash chose, saying the winners are any of the group (the counts are one
/// split, not a prediction), as the CLI does.
pub(crate) fn outcome(tr: &Tr, rep: &bindlab_engine::StepReport) -> String {
    let summary = summary(tr, rep);
    match rep.hashed_among(&tr.lists_or(Lists::ENGLISH)) {
        Some(group) => tr.f(
            T::ScenarioHashedAmong,
            &[("summary", &summary), ("group", &group)],
        ),
        None => summary,
    }
}

/// The engine's summary alone, its words in `tr`'s language: what the
/// cheat sheet shows, as `bindlab cheatsheet` prints it.
pub(crate) fn summary(tr: &Tr, rep: &bindlab_engine::StepReport) -> String {
    rep.summary_in(tr.t(T::ScenarioDropped), &tr.lists_or(Lists::ENGLISH))
}

/// Rows per [`Rows`] block.
pub(crate) const ROWS: usize = 32;

/// From this many rows on, only the blocks near the screen are built and
/// the others are placeholders of their height ([`FarBlock`]): Run all on
/// 5,000 steps built 20,000 cells at once (2.6–5.9 s on a desktop), now a
/// few hundred. Below it every row is built, so the browser's find sees
/// them all. The host view's table twin does the same.
pub(crate) const WINDOW_FROM: usize = 8 * ROWS;

#[derive(Properties)]
struct RowsProps {
    derived: Rc<Derived>,
    /// The steps `start..end`.
    start: usize,
    end: usize,
    /// The steps run, clamped to `start..=end + 1`: every block but the
    /// one or two a step moves through then sees the same props.
    step: usize,
    on_goto: Callback<usize>,
    /// Rows carry their index (see [`OsTable`]).
    windowed: bool,
    base: Option<AttrValue>,
    /// The table's one Tab stop, when it is in this block (else `None`,
    /// so a move of the stop re-renders two blocks, not all).
    stop: Option<Stop>,
}

impl PartialEq for RowsProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.derived, &o.derived)
            && (self.start, self.end, self.step, self.windowed, self.stop)
                == (o.start, o.end, o.step, o.windowed, o.stop)
            && self.on_goto == o.on_goto
            && self.base == o.base
    }
}

/// A block of rows, so a step re-renders (and Yew compares) the rows of
/// the block it moved through, not one per step of the scenario. Each block
/// is a `<tbody>` of its own: the browser then lays out again only the
/// body whose rows changed, not all of a long scenario's rows (a step's
/// forced layout, traced: about 7 ms with one body of 401 rows, about 3
/// with bodies of 32).
#[function_component(Rows)]
fn rows(p: &RowsProps) -> Html {
    html! {
        <tbody>{ for (p.start..p.end).map(|i| html! {
            <Row key={i} derived={p.derived.clone()} index={i} done={i < p.step} current={i + 1 == p.step} on_goto={p.on_goto.clone()} windowed={p.windowed} base={p.base.clone()} stop={p.stop.filter(|s| s.index == i).map(|s| s.os)} />
        }) }</tbody>
    }
}

#[function_component(OsTable)]
pub(crate) fn os_table(p: &OsTableProps) -> Html {
    let tr = use_tr();
    let n = p.derived.parsed.as_ref().map_or(0, |s| s.steps.len());
    let table = use_node_ref();
    let windowed = n >= WINDOW_FROM;
    // Heights change with the scenario and the steps run: measure again.
    let version = (Rc::as_ptr(&p.derived) as usize).wrapping_mul(31) ^ p.step;
    let near = use_near_blocks(table.clone(), n.div_ceil(ROWS), windowed, version);
    // One step forward or back on the same scenario (Step, Back, a held
    // Enter): the row it reached scrolls into view if it is off screen (on a
    // phone the rows run far below the stepper). Not on an edit of the text
    // nor on a jump (Run all, Reset, a lesson's "run to line N").
    // In a long table the row's block may not be built yet: its
    // placeholder is scrolled to, and the row shown after the render that
    // builds it (within `REVEAL_WAIT_MS`, so a late build never takes a
    // reader who has scrolled elsewhere since).
    let last = use_mut_ref(|| (0usize, 0usize));
    let pending = use_mut_ref(|| None::<f64>);
    {
        let (table, derived, step) = (table.clone(), p.derived.clone(), p.step);
        let pending = pending.clone();
        use_effect_with((Rc::as_ptr(&derived) as usize, step), move |&(d, step)| {
            let (was_d, was_step) = std::mem::replace(&mut *last.borrow_mut(), (d, step));
            *pending.borrow_mut() = None;
            if was_d == d
                && step.abs_diff(was_step) == 1
                && reveal_current(&table, step) == Reveal::Pending
            {
                *pending.borrow_mut() = Some(js_sys::Date::now());
            }
        });
    }
    {
        let (table, step) = (table.clone(), p.step);
        use_effect(move || {
            let since = *pending.borrow();
            if let Some(at) = since {
                if js_sys::Date::now() - at > REVEAL_WAIT_MS
                    || reveal_current(&table, step) == Reveal::Done
                {
                    *pending.borrow_mut() = None;
                }
            }
        });
    }
    // ↑/↓, Home/End between the steps' rows, ←/→ along one.
    let onkeydown = keys::use_row_keys(table.clone(), n);
    let chosen = use_state_eq(|| None::<Stop>);
    let onfocusin = {
        let chosen = chosen.setter();
        Callback::from(move |e: FocusEvent| {
            if let Some(s) = keys::stop_of_event(&e) {
                chosen.set(Some(s));
            }
        })
    };
    let stop = tab_stop(*chosen, p.step, n, |b| !windowed || near.is_built(b));
    let cols = p.derived.reports.len() + 1;
    let differed =
        (0..p.step.min(n)).any(|i| bindlab_engine::report::differs(p.derived.reports.iter(), i));
    let expects = p
        .derived
        .parsed
        .as_ref()
        .is_ok_and(|s| s.steps.iter().any(|st| st.expect.is_some()));
    html! {
        <div class="table-wrap">
            // The row count and each row's index tell a screen reader the
            // table's real size while blocks are placeholders.
            <table class="outcomes steps" ref={table} {onkeydown} {onfocusin} aria-rowcount={windowed.then(|| (n + 1).to_string())}>
                <caption class="sr-only">{ tr.t(T::ScenarioTableCaption) }</caption>
                <thead><tr aria-rowindex={windowed.then_some("1")}><th scope="col">{ tr.t(T::ScenarioStepCol) }</th>{ for p.derived.reports.iter().map(|r| html! { <th scope="col">{ r.os.display() }</th> }) }</tr></thead>
                <>{ for (0..n).step_by(ROWS).enumerate().map(|(b, start)| {
                    let end = (start + ROWS).min(n);
                    if windowed && !near.is_built(b) {
                        return html! { <FarBlock key={format!("far-{start}")} px={near.far_px(b, end - start)} {cols} /> };
                    }
                    html! { <Rows key={start} derived={p.derived.clone()} {start} {end} step={p.step.clamp(start, end + 1)} on_goto={p.on_goto.clone()} {windowed} base={p.base.clone()} stop={stop.filter(|s| (start..end).contains(&s.index))} /> }
                }) }</>
            </table>
            if expects {
                <p class="expect-legend muted small">{ tr.t(T::ScenarioExpectLegend) }</p>
            }
            // The ≠ a run step may carry, said where touch readers see it
            // (its title shows only on hover).
            if differed {
                <p class="expect-legend muted small">{ tr.t(T::ScenarioDifferLegend) }</p>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::zh;

    /// Every scenario of the corpus, run on each OS.
    fn reports() -> Vec<bindlab_engine::StepReport> {
        fn walk(dir: &std::path::Path, out: &mut Vec<bindlab_engine::StepReport>) {
            for f in std::fs::read_dir(dir).unwrap().flatten() {
                if f.path().is_dir() {
                    walk(&f.path(), out);
                    continue;
                }
                let text = std::fs::read_to_string(f.path()).unwrap_or_default();
                let Ok(s) = bindlab_engine::parse(&text) else {
                    continue;
                };
                for o in bindlab_engine::Os::ALL {
                    out.extend(bindlab_engine::run(&s, o).steps);
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus"),
            &mut out,
        );
        out
    }

    #[test]
    fn an_outcome_in_english_is_the_engines_summary_and_its_words_translate() {
        let all = reports();
        assert!(all.len() > 100, "is the corpus read?");
        let en = Tr::english();
        for rep in &all {
            match rep.hashed_among(&Lists::ENGLISH) {
                // A hash's split says the winners are any of the group.
                Some(group) => assert_eq!(
                    outcome(&en, rep),
                    format!("{} (any of {group}, by hash)", rep.summary())
                ),
                None => assert_eq!(outcome(&en, rep), rep.summary()),
            }
        }
        assert!(
            all.iter()
                .any(|r| r.hashed_among(&Lists::ENGLISH).is_some()),
            "the corpus has a hashed split"
        );
        let zh = zh(&[("scenario.dropped", "丢弃")], &[]);
        let dropped = all.iter().find(|r| r.dropped.is_some_and(|n| n > 0));
        let dropped = dropped.expect("the corpus drops a datagram");
        assert!(
            outcome(&zh, dropped).contains(" 丢弃×"),
            "{}",
            outcome(&zh, dropped)
        );
        assert!(!outcome(&zh, dropped).contains("dropped"));
        if let Some(open) = all.iter().find(|r| {
            r.undetermined.is_some() && r.candidates.as_ref().is_some_and(|c| c.len() > 1)
        }) {
            // Its list as Chinese writes one: 「A、B 或 C」.
            let zh = crate::test_support::zh_with_words();
            let cell = outcome(&zh, open);
            assert!(cell.contains(" 或 ") && !cell.contains(", "), "{cell}");
        }
    }

    #[test]
    fn long_words_break_after_an_inner_underscore_or_dot() {
        assert_eq!(
            word_parts("SO_REUSEADDR on both"),
            ["SO_", "REUSEADDR on both"]
        );
        assert_eq!(
            word_parts("linux.bind.in-use"),
            ["linux.", "bind.", "in-use"]
        );
        assert_eq!(
            word_parts("A holds 0.0.0.0:21. B then"),
            ["A holds 0.0.0.0:21. B then"]
        );
        assert_eq!(word_parts("IPV6_V6ONLY"), ["IPV6_", "V6ONLY"]);
        assert_eq!(word_parts("WSAECONNREFUSED"), ["WSAE", "CONNREFUSED"]);
        assert_eq!(word_parts("WSAEADDRINUSE"), ["WSAE", "ADDR", "INUSE"]);
        assert_eq!(word_parts("EADDRNOTAVAIL ✓"), ["EADDR", "NOTAVAIL ✓"]);
        assert_eq!(
            word_parts("SO_EXCLUSIVEADDRUSE"),
            ["SO_", "EXCLUSIVEADDR", "USE"]
        );
        // Not at a word's edge: "_x", "x_", "...", a sentence's full stop.
        assert_eq!(word_parts("_x x_ ... end."), ["_x x_ ... end."]);
        assert_eq!(word_parts("没有套接字。"), ["没有套接字。"]);
        assert_eq!(word_parts(""), [""]);
    }

    #[test]
    fn punctuation_takes_a_space_after_ascii_only() {
        let zh = zh(&[("scenario.title_stop", "。")], &[]);
        assert_eq!(sep(&Tr::english(), T::ScenarioTitleStop), " — ");
        assert_eq!(sep(&Tr::english(), T::ScenarioColon), ": ");
        assert_eq!(sep(&zh, T::ScenarioTitleStop), "。");
    }
}
