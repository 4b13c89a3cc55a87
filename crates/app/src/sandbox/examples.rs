//! The sandbox's examples menu: a disclosure beside the Scenario heading
//! whose list is fetched when it is first opened (`content/examples.txt`,
//! in the page's language; written by `xtask/src/examples.rs`), so the
//! first load carries none of it.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::browser::dom::page_address;
use crate::browser::fetch::fetch_text;
use crate::hooks::use_window_event;
use crate::i18n::{use_tr, Tr, T};

/// The examples, in English (`content_url` finds a translation's).
const FILE: &str = "content/examples.txt";

/// The line between two examples in the fetched file.
const SEPARATOR: &str = "%%";

/// One example of the menu: its title, the comment under it, its text.
#[derive(Clone, PartialEq)]
pub(crate) struct Example {
    pub(crate) title: String,
    pub(crate) about: String,
    pub(crate) text: String,
}

impl Example {
    /// Its permalink: every OS, no step run.
    fn link(&self) -> String {
        bindlab_engine::permalink::Permalink {
            text: self.text.clone(),
            oses: bindlab_engine::Os::ALL.to_vec(),
            step: 0,
        }
        .encode()
    }
}

/// What is wrong with a damaged examples file.
#[derive(Debug, PartialEq)]
pub(crate) enum Damaged {
    /// No example in it.
    Empty,
    /// The example at this place (from 1) has no `title` line first.
    NoTitle(usize),
}

impl Damaged {
    fn say(&self, tr: &Tr) -> String {
        match self {
            Damaged::Empty => tr.t(T::SandboxExamplesEmpty).to_string(),
            Damaged::NoTitle(n) => tr.f(T::SandboxExamplesNoTitle, &[("n", &n.to_string())]),
        }
    }
}

/// Reads the examples file: scenarios joined by `%%` lines, each opening
/// with its `title` line and, optionally, a `# ` comment that describes it.
pub(crate) fn parse(file: &str) -> Result<Vec<Example>, Damaged> {
    let mut list = Vec::new();
    let mut chunk = String::new();
    let mut lines = file.lines().peekable();
    while let Some(line) = lines.next() {
        let end = line.trim() == SEPARATOR;
        if !end {
            chunk.push_str(line);
            chunk.push('\n');
        }
        if end || lines.peek().is_none() {
            let text = std::mem::take(&mut chunk);
            let mut head = text.lines();
            let title = head.next().and_then(|l| l.strip_prefix("title "));
            let Some(title) = title.map(str::trim).filter(|t| !t.is_empty()) else {
                return Err(Damaged::NoTitle(list.len() + 1));
            };
            let about = head
                .next()
                .and_then(|l| l.strip_prefix("# "))
                .unwrap_or("")
                .trim()
                .to_string();
            list.push(Example {
                title: title.to_string(),
                about,
                text,
            });
        }
    }
    if list.is_empty() {
        return Err(Damaged::Empty);
    }
    Ok(list)
}

/// The menu's list: not asked for yet, on its way, failed (why), or there.
#[derive(Clone, PartialEq)]
enum List {
    NotYet,
    Loading,
    Failed(String),
    Ready(Rc<Vec<Example>>),
}

/// Fetches the examples in the page's language (the English when that
/// file cannot be had) into `list`.
fn load(tr: Tr, list: UseStateHandle<List>) {
    list.set(List::Loading);
    wasm_bindgen_futures::spawn_local(async move {
        let own = tr.content_url(FILE);
        let mut got = fetch_text(&tr, &own).await;
        if got.is_err() && own != FILE {
            got = fetch_text(&tr, FILE).await;
        }
        list.set(match got.and_then(|t| parse(&t).map_err(|d| d.say(&tr))) {
            Ok(v) => List::Ready(Rc::new(v)),
            Err(e) => List::Failed(e),
        });
    });
}

/// Whether `target` is a node on the page outside the menu `details`. Not
/// when there is none (the focus left for another window), nor for a node
/// gone from the page (the menu's own "Try again", which the list it
/// started has replaced).
fn outside(details: &NodeRef, target: Option<web_sys::EventTarget>) -> bool {
    let Some(t) = target.and_then(|t| t.dyn_into::<web_sys::Node>().ok()) else {
        return false;
    };
    details
        .cast::<web_sys::Node>()
        .is_some_and(|d| t.is_connected() && !d.contains(Some(&t)))
}

#[derive(Properties, PartialEq)]
pub(crate) struct ExamplesMenuProps {
    /// Told of a choice before its navigation: the example's permalink
    /// (the fragment, without `#`), so the page can tell the reader that
    /// an example, not a link, replaced their scenario.
    pub(crate) on_pick: Callback<String>,
}

/// "Examples ▾": closed, it is only its summary (the prerendered page has
/// the same); its first opening fetches the list. Each example is a link to
/// its permalink (every OS, step 0): choosing one is a navigation, so the
/// browser's Back returns to the scenario before it, and a link can be
/// opened in a new tab or copied. A choice, Escape (the page's
/// `escape_closes_disclosure`), a click elsewhere or a Tab out of it closes
/// the menu.
#[function_component(ExamplesMenu)]
pub(crate) fn examples_menu(p: &ExamplesMenuProps) -> Html {
    let tr = use_tr();
    let open = use_state(|| false);
    let list = use_state(|| List::NotYet);
    let details = use_node_ref();
    let close = {
        let details = details.clone();
        move || {
            if let Some(d) = details.cast::<web_sys::Element>() {
                let _ = d.remove_attribute("open");
            }
        }
    };
    let on_toggle = {
        let (open, details, list, tr) = (open.clone(), details.clone(), list.clone(), tr.clone());
        Callback::from(move |_: Event| {
            let Some(d) = details.cast::<web_sys::HtmlDetailsElement>() else {
                return;
            };
            open.set(d.open());
            if d.open() && *list == List::NotYet {
                load(tr.clone(), list.clone());
            }
        })
    };
    // A click outside the open menu closes it, as a menu's does; so does a
    // Tab out of it (it would cover the editor the focus goes to).
    {
        let (details, close) = (details.clone(), close.clone());
        use_window_event("click", *open, move |e| {
            if outside(&details, e.target()) {
                close();
            }
        });
    }
    let on_focus_out = {
        let (close, details) = (close.clone(), details.clone());
        Callback::from(move |e: FocusEvent| {
            if outside(&details, e.related_target()) {
                close();
            }
        })
    };
    // A choice (the link's own navigation goes on: the page's `hashchange`
    // opens it) closes the menu and leaves the focus on its summary, the
    // link chosen going with the list.
    let on_choice = {
        let (close, details, on_pick) = (close.clone(), details.clone(), p.on_pick.clone());
        let list = match &*list {
            List::Ready(l) => Some(l.clone()),
            _ => None,
        };
        Callback::from(move |e: MouseEvent| {
            let link = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|t| t.closest("a").ok().flatten());
            // A middle click or Ctrl+click opens a new tab: the menu stays.
            let Some(link) = link else { return };
            if e.button() != 0 || e.ctrl_key() || e.meta_key() || e.shift_key() {
                return;
            }
            // Which example: the link's place in the list.
            let picked = link
                .get_attribute("data-example")
                .and_then(|k| k.parse::<usize>().ok())
                .and_then(|k| list.as_ref()?.get(k).cloned());
            if let Some(ex) = picked {
                on_pick.emit(ex.link());
            }
            close();
            if let Some(s) = details
                .cast::<web_sys::Element>()
                .and_then(|d| d.query_selector(":scope > summary").ok().flatten())
                .and_then(|s| s.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = s.focus();
            }
        })
    };
    let body = match &*list {
        List::NotYet => html! {},
        List::Loading => {
            html! { <p class="muted" role="status">{ tr.t(T::SandboxExamplesLoading) }</p> }
        }
        List::Failed(e) => html! {
            <div class="problems" role="alert">
                <p>{ tr.f(T::SandboxExamplesFailed, &[("error", e)]) }</p>
                <button type="button" onclick={
                    let (tr, list) = (tr.clone(), list.clone());
                    Callback::from(move |_: MouseEvent| load(tr.clone(), list.clone()))
                }>{ tr.t(T::ScenarioTryAgain) }</button>
            </div>
        },
        List::Ready(l) => html! {
            <ul aria-label={tr.t(T::SandboxExamples).to_string()} onclick={on_choice}>
                // Absolute: a bare `#…` resolves against the page's `<base
                // href>`, the site's root, which `zh-CN/` is not.
                { for l.iter().enumerate().map(|(k, ex)| html! {
                    <li><a href={format!("{}#{}", page_address(), ex.link())} data-example={k.to_string()}>
                        <span class="example-title">{ ex.title.clone() }</span>
                        if !ex.about.is_empty() {
                            <span class="example-about">{ ex.about.clone() }</span>
                        }
                    </a></li>
                }) }
            </ul>
        },
    };
    html! {
        <details class="examples" ref={details} ontoggle={on_toggle} onfocusout={on_focus_out}>
            <summary>{ tr.t(T::SandboxExamples) }</summary>
            if *open {
                <div class="examples-list">{ body }</div>
            }
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_splits_into_titled_examples() {
        let file = "title One\n# The first.\nsocket A tcp\n%%\ntitle Two\nsocket B udp\n";
        let list = parse(file).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].title, "One");
        assert_eq!(list[0].about, "The first.");
        assert_eq!(list[0].text, "title One\n# The first.\nsocket A tcp\n");
        assert_eq!(list[1].about, "");
        assert_eq!(list[1].text, "title Two\nsocket B udp\n");
    }

    #[test]
    fn a_damaged_file_is_an_error_not_a_panic() {
        assert_eq!(parse("").err(), Some(Damaged::Empty));
        assert_eq!(parse("socket A tcp\n").err(), Some(Damaged::NoTitle(1)));
        assert_eq!(parse("title A\n%%\n%%\n").err(), Some(Damaged::NoTitle(2)));
        assert_eq!(parse("%%").err(), Some(Damaged::NoTitle(1)));
        // In words, in the page's language.
        assert_eq!(
            Damaged::NoTitle(2).say(&Tr::english()),
            "example 2 does not start with its title line"
        );
    }

    /// The file `cargo xtask dist` writes reads back whole: every example
    /// of `content/`, each parses as a scenario.
    #[test]
    fn the_sites_examples_read_back() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
        let mut joined = String::new();
        let mut files = vec![root.join("sandbox-example.bindlab")];
        let mut more: Vec<_> = std::fs::read_dir(root.join("examples"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        more.sort();
        files.extend(more);
        for f in &files {
            if !joined.is_empty() {
                joined.push_str("%%\n");
            }
            joined.push_str(std::fs::read_to_string(f).unwrap().trim_end());
            joined.push('\n');
        }
        let list = parse(&joined).unwrap();
        assert_eq!(list.len(), files.len());
        for ex in &list {
            assert!(bindlab_engine::parse(&ex.text).is_ok(), "{}", ex.title);
        }
    }
}
