//! The small Markdown the lessons and the glossary are written in, turned
//! into Yew nodes (never into an HTML string: content cannot inject markup).
//!
//! Blocks: paragraphs, `##`/`###` headings, `-` and `1.` lists, `>` quotes,
//! fenced code. Inline: `code`, **strong**, *emphasis*, [links](#/glossary/x).
//!
//! A heading may carry its id as `{#id}` (the translations do: a zh-CN
//! glossary term keeps the English anchor); it is read by
//! `bindlab_course::translation::heading`, never shown as text.

use bindlab_course::translation::Heading;
use yew::prelude::*;

use crate::i18n::{Tr, T};

/// A `##`/`###` heading line (after its indentation): its level, the text
/// shown and its id (`{#id}` when written, else the text's slug).
pub(crate) fn heading(line: &str) -> Option<Heading> {
    bindlab_course::translation::heading(line)
}

/// The ids of a page's `##` headings (the glossary's terms), in order.
pub(crate) fn term_ids(text: &str) -> Vec<String> {
    terms(text).into_iter().map(|h| h.id).collect()
}

/// A page's `##` headings (the glossary's terms), in order, each with the
/// byte offset of its line. A `## ` line inside a fenced block is code, as
/// [`render`] shows it, not a heading.
pub(crate) fn terms_at(text: &str) -> Vec<(usize, Heading)> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("```") {
            in_fence = !in_fence;
        } else if !in_fence {
            if let Some(h) = heading(t.trim_end_matches(['\n', '\r'])).filter(|h| h.level == 2) {
                out.push((at, h));
            }
        }
        at += line.len();
    }
    out
}

/// A page's `##` headings (the glossary's terms), in order.
pub(crate) fn terms(text: &str) -> Vec<Heading> {
    terms_at(text).into_iter().map(|(_, h)| h).collect()
}

/// Renders `text`; links to the course's pages go to `tr`'s language.
pub fn render(tr: &Tr, text: &str) -> Html {
    let mut out: Vec<Html> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim_start();
        if t.is_empty() {
            i += 1;
        } else if let Some(info) = t.strip_prefix("```") {
            let mut code = String::new();
            i += 1;
            while i < lines.len() && lines[i].trim_start() != "```" {
                code.push_str(lines[i]);
                code.push('\n');
                i += 1;
            }
            i += 1;
            let lang = info.trim().to_string();
            // Focusable and named: a long line scrolls the block sideways,
            // which a keyboard reader can then do too.
            let label = (!lang.is_empty()).then(|| {
                tr.f(
                    T::LessonLangCode,
                    &[("lang", bindlab_course::guide::language_label(&lang))],
                )
            });
            out.push(html! {
                <pre class="code-block" data-lang={lang} tabindex="0" role="group" aria-label={label}><code>{ code }</code></pre>
            });
        } else if let Some(h) = heading(t) {
            let body = inline(tr, &h.text);
            // An anchor a link lands on (a glossary term, a guide's fix):
            // followed, it takes the focus, so Tab goes on from there.
            out.push(if h.level == 2 {
                html! { <h2 id={h.id} tabindex="-1">{ body }</h2> }
            } else {
                html! { <h3 id={h.id} tabindex="-1">{ body }</h3> }
            });
            i += 1;
        } else if t.starts_with("- ") || numbered(t).is_some() {
            let ordered = numbered(t).is_some();
            let mut items: Vec<String> = Vec::new();
            while i < lines.len() {
                let l = lines[i].trim_start();
                let item = if ordered {
                    numbered(l)
                } else {
                    l.strip_prefix("- ")
                };
                match item {
                    Some(rest) => items.push(rest.to_string()),
                    // A continuation line of the item above.
                    None if !l.is_empty() && lines[i].starts_with("  ") && !items.is_empty() => {
                        let last = items.last_mut().expect("checked");
                        last.push(' ');
                        last.push_str(l);
                    }
                    None => break,
                }
                i += 1;
            }
            let lis = items.iter().map(|it| html! { <li>{ inline(tr, it) }</li> });
            out.push(if ordered {
                html! { <ol>{ for lis }</ol> }
            } else {
                html! { <ul>{ for lis }</ul> }
            });
        } else if t.starts_with('>') {
            let mut quote = String::new();
            while i < lines.len() && lines[i].trim_start().starts_with('>') {
                quote.push_str(lines[i].trim_start()[1..].trim());
                quote.push(' ');
                i += 1;
            }
            out.push(html! { <blockquote><p>{ inline(tr, quote.trim()) }</p></blockquote> });
        } else {
            let mut para = String::new();
            while i < lines.len() {
                let l = lines[i].trim_start();
                if l.is_empty()
                    || l.starts_with("```")
                    || l.starts_with("## ")
                    || l.starts_with("### ")
                    || l.starts_with("- ")
                    || l.starts_with('>')
                {
                    break;
                }
                para.push_str(l);
                para.push(' ');
                i += 1;
            }
            out.push(html! { <p>{ inline(tr, para.trim()) }</p> });
        }
    }
    html! { <>{ for out }</> }
}

fn numbered(l: &str) -> Option<&str> {
    let digits = l.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    l[digits..].strip_prefix(". ")
}

/// Inline markup. Unclosed markers are kept as text.
pub fn inline(tr: &Tr, s: &str) -> Html {
    let mut out: Vec<Html> = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    let flush = |text: &mut String, out: &mut Vec<Html>| {
        if !text.is_empty() {
            out.push(html! { { std::mem::take(text) } });
        }
    };
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        let span = match c {
            '`' => after
                .find('`')
                .map(|end| (html! { <code>{ code_span(&after[..end]) }</code> }, end + 2)),
            '*' if after.starts_with('*') => after[1..].find("**").map(|end| {
                (
                    html! { <strong>{ inline(tr, &after[1..end + 1]) }</strong> },
                    end + 4,
                )
            }),
            '*' => after
                .find('*')
                .filter(|&end| end > 0)
                .map(|end| (html! { <em>{ inline(tr, &after[..end]) }</em> }, end + 2)),
            '[' => after.find("](").and_then(|mid| {
                let close = after[mid + 2..].find(')')?;
                let label = &after[..mid];
                let href = &after[mid + 2..mid + 2 + close];
                let node = if href.starts_with("#/") {
                    // The course's own pages, written as their old addresses
                    // in the content: linked by path.
                    let to = tr.href(&crate::route::Route::from_hash(href));
                    html! { <a href={to}>{ inline(tr, label) }</a> }
                } else if href.starts_with('#') {
                    html! { <a href={href.to_string()}>{ inline(tr, label) }</a> }
                } else {
                    html! { <a href={href.to_string()} rel="noopener">{ inline(tr, label) }</a> }
                };
                Some((node, mid + close + 4))
            }),
            _ => None,
        };
        match span {
            Some((node, used)) => {
                flush(&mut text, &mut out);
                out.push(node);
                rest = &rest[used..];
            }
            None => {
                text.push(c);
                rest = after;
            }
        }
    }
    flush(&mut text, &mut out);
    html! { <>{ for out }</> }
}

/// An inline code span's text, with a `<wbr>` after each `=` that has more
/// after it: `AmbientCapabilities=CAP_NET_BIND_SERVICE` or
/// `net.ipv4.ip_unprivileged_port_start=80`, too long for a phone's line,
/// break between the setting and its value, each name whole, rather than
/// inside a name where the line runs out (`overflow-wrap: anywhere`, the
/// prose's last resort). A copy copies no extra character.
fn code_span(code: &str) -> Html {
    // The places just after a `=` between two names or values (`a=b`, not
    // `==` or a trailing `=`).
    let b = code.as_bytes();
    let cuts: Vec<usize> = (1..b.len().saturating_sub(1))
        .filter(|&i| b[i] == b'=' && b[i - 1] != b'=' && b[i + 1].is_ascii_alphanumeric())
        .map(|i| i + 1)
        .collect();
    if cuts.is_empty() {
        return html! { { code.to_string() } };
    }
    let mut out: Vec<Html> = Vec::new();
    let mut start = 0;
    for cut in cuts {
        out.push(html! { { code[start..cut].to_string() } });
        out.push(html! { <wbr /> });
        start = cut;
    }
    out.push(html! { { code[start..].to_string() } });
    html! { <>{ for out }</> }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nodes as markup-like text, enough to compare: tags with their
    /// `id` and `href`, and text.
    fn flat(n: &Html) -> String {
        use yew::virtual_dom::VNode;
        match n {
            VNode::VTag(t) => {
                let attrs: Vec<String> = ["id", "href"]
                    .iter()
                    .filter_map(|a| t.attributes.iter().find(|(k, _)| k == a))
                    .map(|(k, v)| format!(" {k}={v}"))
                    .collect();
                let inner: String = t.children().map(flat).unwrap_or_default();
                format!("<{}{}>{inner}</{}>", t.tag(), attrs.concat(), t.tag())
            }
            VNode::VText(t) => t.text.to_string(),
            VNode::VList(l) => l.iter().map(flat).collect(),
            _ => String::new(),
        }
    }

    #[test]
    fn headings_show_their_text_and_keep_their_english_id() {
        let en = Tr::english();
        assert_eq!(
            flat(&render(
                &en,
                "## 五元组 {#five-tuple}\n\n### Wildcard address\n"
            )),
            "<h2 id=five-tuple>五元组</h2><h3 id=wildcard-address>Wildcard address</h3>"
        );
        let ids = term_ids("## 五元组 {#five-tuple}\ntext\n## TIME_WAIT {#time-wait}\n### x\n");
        assert_eq!(ids, ["five-tuple", "time-wait"]);
    }

    #[test]
    fn links_to_the_course_go_to_the_pages_language() {
        let text = "See [TIME_WAIT](#/glossary/time-wait).";
        assert_eq!(
            flat(&render(&Tr::english(), text)),
            "<p>See <a href=glossary/#time-wait>TIME_WAIT</a>.</p>"
        );
        assert_eq!(
            flat(&render(&crate::course::zh_for_tests(), text)),
            "<p>See <a href=zh-CN/glossary/#time-wait>TIME_WAIT</a>.</p>"
        );
    }

    #[test]
    fn inline_code_may_break_after_an_equals_sign_never_inside_a_name() {
        let en = Tr::english();
        assert_eq!(
            flat(&inline(
                &en,
                "a `AmbientCapabilities=CAP_NET_BIND_SERVICE` unit"
            )),
            "a <code>AmbientCapabilities=<wbr></wbr>CAP_NET_BIND_SERVICE</code> unit"
        );
        assert_eq!(
            flat(&inline(&en, "`a=1 b=2`")),
            "<code>a=<wbr></wbr>1 b=<wbr></wbr>2</code>"
        );
        // Nothing after it, `==`, or no `=`: the text as it is.
        assert_eq!(flat(&inline(&en, "`x=`")), "<code>x=</code>");
        assert_eq!(flat(&inline(&en, "`a==b`")), "<code>a==b</code>");
        assert_eq!(
            flat(&inline(&en, "`SO_REUSEADDR`")),
            "<code>SO_REUSEADDR</code>"
        );
    }

    #[test]
    fn numbered_items() {
        assert_eq!(numbered("12. twelve"), Some("twelve"));
        assert_eq!(numbered("1.5 is not"), None);
    }
}
