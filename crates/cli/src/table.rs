//! Human-readable step tables for `bindlab run`.

use bindlab_course::messages::Msg;
use bindlab_engine::lists::Lists;
use bindlab_engine::messages::{render_in, CheatsheetMsg};

use crate::lang::msg;
use std::fmt::Write;

use bindlab_engine::print::step_text;
use bindlab_engine::{MultiReport, Report, Scenario, StepReport};

/// One cell: the engine's own summary of the outcome, its words in this
/// run's language; where a hash chose among a group, saying the winners are
/// any of it (the counts are one split, not a prediction).
fn cell(rep: &StepReport) -> String {
    let overlay = bindlab_engine::rules::overlay();
    let lists = overlay.as_deref().map_or(Lists::ENGLISH, |o| o.lists());
    let summary = rep.summary_in(&msg(Msg::Dropped, &[]), &lists);
    match rep.hashed_among(&lists) {
        Some(group) => msg(
            Msg::HashedAmong,
            &[("summary", &summary), ("group", &group)],
        ),
        None => summary,
    }
}

/// Wraps text to `width` columns.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut col = 0;
    for word in text.split_whitespace() {
        let w = word.chars().count();
        if col > 0 && col + 1 + w > width {
            out.push('\n');
            col = 0;
        } else if col > 0 {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += w;
    }
    out
}

fn header(scenario: &Scenario) -> String {
    match &scenario.title {
        Some(t) => format!("{t}\n"),
        None => String::new(),
    }
}

/// Each step as text, and the width of the widest.
fn step_texts(scenario: &Scenario) -> (Vec<String>, usize) {
    let texts: Vec<String> = scenario.steps.iter().map(|s| step_text(&s.kind)).collect();
    let w = texts
        .iter()
        .map(|t| t.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    (texts, w)
}

pub fn single(scenario: &Scenario, report: &Report) -> String {
    let mut out = header(scenario);
    if scenario.steps.is_empty() {
        let _ = writeln!(out, "{}", msg(Msg::NoSteps, &[]));
        return out;
    }
    let os = report.os.to_string();
    let _ = writeln!(out, "{}\n", msg(Msg::OnOs, &[("os", &os)]));
    let (texts, w) = step_texts(scenario);
    let _ = writeln!(
        out,
        "{}  {}  {}",
        pad(&msg(Msg::Line, &[]), 5, true),
        pad(&msg(Msg::Step, &[]), w, false),
        msg(Msg::Result, &[])
    );
    for (text, rep) in texts.iter().zip(&report.steps) {
        let mark = match rep.pass {
            Some(true) => format!("  {}", msg(Msg::AsExpected, &[])),
            Some(false) => format!(
                "  {}",
                msg(
                    Msg::Expected,
                    &[("expected", rep.expected.as_deref().unwrap_or("?"))]
                )
            ),
            None => String::new(),
        };
        let _ = writeln!(out, "{:>5}  {:<w$}  {}{mark}", rep.line, text, cell(rep));
        if let (Some(rule), Some(why)) = (rep.rule, &rep.why) {
            let _ = writeln!(out, "{:>5}  {:<w$}    [{rule}] {why}", "", "");
        }
    }
    out
}

pub fn side_by_side(scenario: &Scenario, multi: &MultiReport) -> String {
    let mut out = header(scenario);
    if scenario.steps.is_empty() {
        let _ = writeln!(out, "{}", msg(Msg::NoSteps, &[]));
        return out;
    }
    let (texts, w) = step_texts(scenario);
    let oses: Vec<_> = multi.runs.keys().copied().collect();
    let cells: Vec<Vec<String>> = oses
        .iter()
        .map(|os| multi.runs[os].steps.iter().map(cell).collect())
        .collect();
    let cw: Vec<usize> = oses
        .iter()
        .enumerate()
        .map(|(i, os)| {
            cells[i]
                .iter()
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
                .max(os.display().len())
        })
        .collect();
    let _ = write!(
        out,
        "{}  {} ",
        pad(&msg(Msg::Line, &[]), 5, true),
        pad(&msg(Msg::Step, &[]), w, false)
    );
    for (i, os) in oses.iter().enumerate() {
        let _ = write!(out, "  {:<width$}", os.display(), width = cw[i]);
    }
    out.push('\n');
    let mut differing = Vec::new();
    for (row, text) in texts.iter().enumerate() {
        let differs = multi.differs(row);
        let line = multi.runs[&oses[0]].steps[row].line;
        let _ = write!(
            out,
            "{:>5}  {:<w$} {}",
            line,
            text,
            if differs { "≠" } else { " " }
        );
        for (i, c) in cells.iter().enumerate() {
            let _ = write!(out, " {:<width$} ", c[row], width = cw[i]);
        }
        out.push('\n');
        if differs {
            differing.push(row);
        }
    }
    if !differing.is_empty() {
        let _ = writeln!(out, "\n{}", msg(Msg::OsesDiffer, &[]));
        for row in differing {
            let _ = writeln!(
                out,
                "  {} `{}`",
                msg(
                    Msg::LineN,
                    &[("n", &multi.runs[&oses[0]].steps[row].line.to_string())]
                ),
                texts[row]
            );
            for os in &oses {
                let rep = &multi.runs[os].steps[row];
                let why = match (rep.rule, &rep.why) {
                    (Some(rule), Some(why)) => format!("[{rule}] {why}"),
                    _ => msg(Msg::NoRuleNeeded, &[]),
                };
                let _ = writeln!(
                    out,
                    "    {:<8} {:<14} {why}",
                    os.display(),
                    rep.result_name()
                );
            }
        }
    }
    out
}

/// The cheat sheet: one block per situation, one line per options, one
/// column per OS ("—" where the OS lacks an option).
/// Its words in this run's language (`src/cheatsheet.txt`, translated in
/// `content/<locale>/cheatsheet.txt`).
pub fn cheatsheet(rows: &[bindlab_engine::cheatsheet::Row], rules: bool) -> String {
    let say = |m: CheatsheetMsg| render_in(crate::lang::cheatsheet_messages(), m, &[]);
    let mut out = say(CheatsheetMsg::CliHeading) + "\n";
    let summary = |c: &bindlab_engine::cheatsheet::Cell| {
        c.step.as_ref().map_or_else(|| c.summary.clone(), cell)
    };
    let cell = |c: &bindlab_engine::cheatsheet::Cell| match (c.result_name(), c.rule) {
        (None, _) => "—".to_string(),
        (Some(_), Some(rule)) if rules => format!("{} ({rule})", summary(c)),
        (Some(_), _) => summary(c),
    };
    let w0 = rows
        .iter()
        .map(|r| cols(&say(r.options.msg())))
        .max()
        .unwrap_or(10);
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .map(|r| cols(&cell(&r.cells[i])))
                .max()
                .unwrap_or(0)
                .max(r_os(rows, i).len())
        })
        .collect();
    let mut last = None;
    for r in rows {
        if last != Some(r.situation) {
            let _ = write!(out, "\n{}\n  {:<w0$}", say(r.situation.msg()), "");
            for (i, w) in widths.iter().enumerate() {
                let _ = write!(out, "  {:<w$}", r_os(rows, i), w = w);
            }
            out.push('\n');
            last = Some(r.situation);
        }
        let _ = write!(out, "  {}", pad(&say(r.options.msg()), w0, false));
        for (i, w) in widths.iter().enumerate() {
            let _ = write!(out, "  {}", pad(&cell(&r.cells[i]), *w, false));
        }
        out.push('\n');
    }
    out
}

fn r_os(rows: &[bindlab_engine::cheatsheet::Row], i: usize) -> &'static str {
    rows.first().map_or("", |r| r.cells[i].os.display())
}

/// The terminal columns `s` takes, a CJK character (or a full-width
/// punctuation mark) counting two.
fn cols(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if ('\u{2e80}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

/// `s` padded to `w` terminal columns (right-aligned or left), a CJK
/// character counting two: the zh-CN column headings line up.
pub(crate) fn pad(s: &str, w: usize, right: bool) -> String {
    let fill = " ".repeat(w.saturating_sub(cols(s)));
    if right {
        fill + s
    } else {
        s.to_string() + &fill
    }
}
