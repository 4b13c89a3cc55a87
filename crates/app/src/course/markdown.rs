//! The small Markdown the lessons and the glossary are written in, turned
//! into Yew nodes (never into an HTML string: content cannot inject markup).
//!
//! Blocks: paragraphs, `##`/`###` headings, `-` and `1.` lists, `>` quotes,
//! fenced code. Inline: `code`, **strong**, *emphasis*, [links](#/glossary/x).

use yew::prelude::*;

/// Renders `text`. `heading_base` is the level a `##` becomes (a lesson page
/// has its own `h1`, so `##` is `h2` there).
pub fn render(text: &str) -> Html {
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
            out.push(
                html! { <pre class="code-block" data-lang={lang}><code>{ code }</code></pre> },
            );
        } else if let Some(h) = t.strip_prefix("### ") {
            out.push(html! { <h3 id={slug(h)}>{ inline(h) }</h3> });
            i += 1;
        } else if let Some(h) = t.strip_prefix("## ") {
            out.push(html! { <h2 id={slug(h)}>{ inline(h) }</h2> });
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
            let lis = items.iter().map(|it| html! { <li>{ inline(it) }</li> });
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
            out.push(html! { <blockquote><p>{ inline(quote.trim()) }</p></blockquote> });
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
            out.push(html! { <p>{ inline(para.trim()) }</p> });
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

pub use bindlab_course::slug;

/// Inline markup. Unclosed markers are kept as text.
pub fn inline(s: &str) -> Html {
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
                .map(|end| (html! { <code>{ &after[..end] }</code> }, end + 2)),
            '*' if after.starts_with('*') => after[1..].find("**").map(|end| {
                (
                    html! { <strong>{ inline(&after[1..end + 1]) }</strong> },
                    end + 4,
                )
            }),
            '*' => after
                .find('*')
                .filter(|&end| end > 0)
                .map(|end| (html! { <em>{ inline(&after[..end]) }</em> }, end + 2)),
            '[' => after.find("](").and_then(|mid| {
                let close = after[mid + 2..].find(')')?;
                let label = &after[..mid];
                let href = &after[mid + 2..mid + 2 + close];
                let node = if href.starts_with("#/") {
                    // The course's own pages, written as their old addresses
                    // in the content: linked by path.
                    let to = crate::route::Route::from_hash(href).href();
                    html! { <a href={to}>{ inline(label) }</a> }
                } else if href.starts_with('#') {
                    html! { <a href={href.to_string()}>{ inline(label) }</a> }
                } else {
                    html! { <a href={href.to_string()} rel="noopener">{ inline(label) }</a> }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_items() {
        assert_eq!(numbered("12. twelve"), Some("twelve"));
        assert_eq!(numbered("1.5 is not"), None);
    }
}
