//! The scenario's text editor: a textarea with line numbers, the problems
//! listed below it, each a button that puts the cursor on its line. A long
//! scenario opens with its text folded (a note and a button that shows it).

use bindlab_engine::{Problem, PROBLEMS_SHOWN};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::hooks::is_long;
use crate::i18n::{use_tr, T};
use crate::state::problem_message;

#[derive(Properties, PartialEq)]
pub(crate) struct EditorProps {
    /// Prefix of the element ids (several editors may share a page).
    #[prop_or(AttrValue::Static("scenario"))]
    pub(crate) id: AttrValue,
    /// The textarea's accessible name (`None`: "Scenario text", in the
    /// page's language).
    #[prop_or_default]
    pub(crate) label: Option<AttrValue>,
    pub(crate) text: String,
    pub(crate) problems: Vec<Problem>,
    pub(crate) on_change: Callback<String>,
    /// Called after `on_change` when the text came whole, pasted or
    /// dropped in: a long text waits for no pause in the typing then
    /// (`use_settled`'s `now`).
    #[prop_or_default]
    pub(crate) on_whole: Option<Callback<()>>,
    /// Whether a long text opens folded (see below): not where the editor
    /// is itself behind a disclosure the reader opens (a widget's *Edit
    /// the scenario*), which the browser does not lay out until then.
    #[prop_or(true)]
    pub(crate) fold_long: bool,
}

#[function_component(Editor)]
pub(crate) fn editor(p: &EditorProps) -> Html {
    let tr = use_tr();
    let area = use_node_ref();
    let lines = p.text.split('\n').count().max(1);
    // A long scenario (a link to a busy port, a pasted socket table) opens
    // with its text folded: a textarea and line numbers of 9,000 lines cost
    // ~300 ms of style and layout on a desktop (a second on a phone) before
    // the first frame, for a text nobody reads whole. Decided once, when
    // the editor first shows a text: showing it is the reader's choice, and
    // a text that grows long as they type stays in front of them.
    let folded = use_state(|| p.fold_long && is_long(&p.text));
    // Where the cursor goes once the text is shown (a problem's line, or
    // the start), and that the textarea takes the focus then.
    let go_to = use_mut_ref(|| None::<(u32, u32)>);
    {
        let (area, go_to, text) = (area.clone(), go_to.clone(), p.text.clone());
        use_effect_with(*folded, move |folded| {
            if let (false, Some((line, col))) = (*folded, go_to.borrow_mut().take()) {
                if let Some(el) = area.cast::<HtmlTextAreaElement>() {
                    put_cursor(&el, &text, line, col);
                }
            }
        });
    }
    let show = |line: u32, col: u32| {
        let (folded, go_to) = (folded.clone(), go_to.clone());
        Callback::from(move |_| {
            *go_to.borrow_mut() = Some((line, col));
            folded.set(false);
        })
    };
    let oninput = {
        let (cb, whole) = (p.on_change.clone(), p.on_whole.clone());
        Callback::from(move |e: InputEvent| {
            cb.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value());
            if let Some(whole) = whole.as_ref().filter(|_| came_whole(&e)) {
                whole.emit(());
            }
        })
    };
    let jump = |line: u32, col: u32| {
        if *folded {
            return show(line, col);
        }
        let area = area.clone();
        let text = p.text.clone();
        Callback::from(move |_| {
            if let Some(el) = area.cast::<HtmlTextAreaElement>() {
                put_cursor(&el, &text, line, col);
            }
        })
    };
    // A pasted table with one mistake on every line lists the first few:
    // they say what to fix, and thousands of buttons help nobody.
    let all_problems = use_state(|| false);
    let shown = if *all_problems {
        p.problems.len()
    } else {
        p.problems.len().min(PROBLEMS_SHOWN)
    };
    let show_all = {
        let all_problems = all_problems.clone();
        Callback::from(move |_| all_problems.set(true))
    };
    // Listed all once, until the list is short again: the next flood of
    // problems (another paste) is counted again.
    {
        let all_problems = all_problems.clone();
        use_effect_with(p.problems.len() <= PROBLEMS_SHOWN, move |few| {
            if *few && *all_problems {
                all_problems.set(false);
            }
        });
    }
    let lines_text = lines.to_string();
    html! {
        <div class="editor">
            if *folded {
                <div class="code folded">
                    <p>{ tr.f(T::ScenarioFolded, &[("n", &lines_text)]) }</p>
                    <button type="button" onclick={show(1, 1)}>{ tr.f(T::ScenarioShowText, &[("n", &lines_text)]) }</button>
                </div>
            } else {
                // The gutter's width in digits, from 3 (a class: the
                // site's CSP allows no style attribute): the box keeps the
                // caret clear of it (`scroll-padding-left`, style.css).
                <div class={classes!("code", (lines >= 100).then(|| format!("digits-{}", lines.to_string().len().min(7))))}>
                    { gutter(lines, &p.problems) }
                    <textarea ref={area.clone()} id={format!("{}-text", p.id)} aria-label={p.label.clone().unwrap_or_else(|| AttrValue::from(tr.t(T::ScenarioTextLabel).to_string()))} spellcheck="false" wrap="off" autocapitalize="off"
                        rows={(lines + 1).to_string()} cols={(widest(&p.text) + 2).to_string()} value={p.text.clone()} {oninput}
                        aria-invalid={(!p.problems.is_empty()).to_string()} aria-describedby={format!("{}-problems", p.id)} />
                </div>
            }
            <div id={format!("{}-problems", p.id)} class="problems" aria-live="polite">
                if !p.problems.is_empty() {
                    <p class="problems-head">{ tr.f(if p.problems.len() == 1 { T::ScenarioProblemsOne } else { T::ScenarioProblemsOther }, &[("n", &p.problems.len().to_string())]) }</p>
                    <ul>{ for p.problems[..shown].iter().map(|pr| html! {
                        <li><button type="button" class="link" onclick={jump(pr.line, pr.col)}>{ tr.f(T::ScenarioLineCol, &[("line", &pr.line.to_string()), ("col", &pr.col.to_string())]) }</button>{ crate::views::os_table::sep(&tr, T::ScenarioColon) }{ crate::views::with_code(&problem_message(&tr, pr)) }</li>
                    }) }</ul>
                    if shown < p.problems.len() {
                        <p class="problems-more">{ tr.f(T::ScenarioProblemsMore, &[("n", &(p.problems.len() - shown).to_string())]) }{ " " }<button type="button" class="link" onclick={show_all}>{ tr.f(T::ScenarioProblemsShowAll, &[("n", &p.problems.len().to_string())]) }</button></p>
                    }
                }
            </div>
        </div>
    }
}

/// Focuses `el` with the cursor at `line` and `col` (1-based, in
/// characters, as a problem names them) of `text`.
fn put_cursor(el: &HtmlTextAreaElement, text: &str, line: u32, col: u32) {
    let offset = cursor_offset(text, line, col);
    let _ = el.focus();
    let _ = el.set_selection_range(offset as u32, offset as u32);
}

/// The textarea offset (UTF-16 units, as the DOM counts) of `line` and
/// `col`; a column past the line's end stops at its end.
fn cursor_offset(text: &str, line: u32, col: u32) -> usize {
    let mut lines = text.split('\n');
    let before: usize = lines
        .by_ref()
        .take((line as usize).saturating_sub(1))
        .map(|l| l.encode_utf16().count() + 1)
        .sum();
    let within: usize = lines.next().map_or(0, |l| {
        l.chars()
            .take((col as usize).saturating_sub(1))
            .map(char::len_utf16)
            .sum()
    });
    before + within
}

/// The textarea's width in characters: its longest line, at least 40.
fn widest(text: &str) -> usize {
    text.split('\n')
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(40)
}

/// The line numbers, a problem's line marked: runs of plain numbers as one
/// text each, a marked line as its own span, so a long scenario's
/// thousands of lines are a few nodes for Yew to compare at each key.
fn gutter(lines: usize, problems: &[Problem]) -> Html {
    let mut bad: Vec<u32> = problems.iter().map(|x| x.line).collect();
    bindlab_engine::sort::by_key(&mut bad, |l| u64::from(*l));
    let mut nodes: Vec<Html> = Vec::new();
    let mut run = String::new();
    for n in 1..=lines {
        if bad.binary_search(&(n as u32)).is_ok() {
            if !run.is_empty() {
                nodes.push(std::mem::take(&mut run).into());
            }
            nodes.push(html! { <span class="bad">{ format!("{n}\n") }</span> });
        } else {
            run.push_str(&n.to_string());
            run.push('\n');
        }
    }
    if !run.is_empty() {
        nodes.push(run.into());
    }
    html! { <pre class="gutter" aria-hidden="true">{ for nodes }</pre> }
}

/// Whether an input event brought a whole text (a paste or a drop), not a
/// key of typing.
pub(crate) fn came_whole(e: &InputEvent) -> bool {
    matches!(
        e.input_type().as_str(),
        "insertFromPaste" | "insertFromDrop"
    )
}

#[cfg(test)]
mod tests {
    use super::cursor_offset;

    /// A problem's "line 2, column 6" puts the cursor before that column's
    /// character, counted as the DOM counts (UTF-16), never past the line.
    #[test]
    fn a_problem_s_column_is_where_the_cursor_goes() {
        let text = "socket A tcp\nbind A 1.2.3.4:99999\n";
        assert_eq!(cursor_offset(text, 1, 1), 0);
        assert_eq!(cursor_offset(text, 2, 1), 13);
        assert_eq!(&text[cursor_offset(text, 2, 8)..][..7], "1.2.3.4");
        assert_eq!(cursor_offset(text, 2, 500), 13 + 20);
        // "é" is one unit, "𝟘" two: columns count characters.
        assert_eq!(cursor_offset("é𝟘x", 1, 3), 3);
        assert_eq!(cursor_offset("a", 9, 9), 2);
    }

    /// The parser's column after text that is not ASCII (a comment, an
    /// address in brackets, an astral character) puts the cursor on the
    /// very character the problem is about.
    #[test]
    fn a_problem_after_text_that_is_not_ascii_puts_the_cursor_on_it() {
        let text = "socket A tcp6 # 中文
bind A [日本𝟘]x # 端口
";
        let problems = bindlab_engine::parse(text).unwrap_err();
        let p = &problems[0];
        let utf16: Vec<u16> = text.encode_utf16().collect();
        let at = cursor_offset(text, p.line, p.col);
        assert_eq!(String::from_utf16_lossy(&utf16[at..at + 1]), "x", "{p}");
    }
}
