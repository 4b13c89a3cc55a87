//! The server half of every page (feature `ssr`, native only): each route
//! rendered by Yew's server renderer at build time, by the
//! `bindlab-prerender` binary that `cargo xtask dist` runs. The browser
//! hydrates this HTML (`run_page`): both render [`Root`] from the same props
//! (the route and the file the page shows), and nothing in a first render
//! reads the browser, so the two agree.

use std::rc::Rc;

use crate::hooks::Preloaded;
use crate::root::{Root, RootProps};
pub use crate::route::{Chapter, GuideEntry, Route, CONTENTS, GUIDES};

/// A page to write: its route, the file it shows (as the page fetches it,
/// relative to the site's root), its title and description.
pub struct Page {
    pub route: Route,
    pub data: Option<String>,
    pub title: String,
    pub description: String,
}

/// Every page of the site, the sandbox first.
pub fn pages() -> Vec<Page> {
    let page = |route: Route, data: Option<String>, title: String, description: &str| Page {
        route,
        data,
        title,
        description: plain(description),
    };
    let mut out = vec![
        page(
            Route::Sandbox,
            None,
            "bindlab sandbox — what bind() does on Linux, FreeBSD, macOS and Windows".into(),
            "An interactive sandbox for SO_REUSEADDR, SO_REUSEPORT, SO_EXCLUSIVEADDRUSE, TIME_WAIT and client routing, with every verdict explained and Linux checked against the real kernel.",
        ),
        page(
            Route::Contents,
            None,
            "The course — bindlab".into(),
            &format!(
                "A self-paced course in {} chapters on socket address reuse: the five-tuple, the wildcard, SO_REUSEADDR, SO_REUSEPORT, TIME_WAIT, Windows, dual stack and UDP, on Linux, FreeBSD, macOS and Windows.",
                CONTENTS.len()
            ),
        ),
    ];
    for (n, c) in CONTENTS.iter().enumerate() {
        out.push(page(
            Route::Lesson(c.id.into()),
            Some(format!("content/lessons/{}", c.file)),
            format!("{}. {} — the bindlab course", n + 1, c.title),
            c.summary,
        ));
    }
    out.push(page(
        Route::Glossary(None),
        Some("content/glossary.md".into()),
        "Glossary — bindlab".into(),
        "The terms of socket address reuse, from the five-tuple and the wildcard to SO_REUSEPORT, TIME_WAIT and dual stack.",
    ));
    out.push(page(
        Route::Rules(None),
        None,
        "The rules — bindlab".into(),
        "Every rule bindlab's verdicts name, for Linux, FreeBSD, macOS and Windows, each with its source: kernel code, the OS's documentation or an experiment.",
    ));
    out.push(page(
        Route::Guides(None),
        None,
        format!("{} — bindlab", crate::route::GUIDES_TITLE),
        "One guide per symptom: Address already in use, Windows 10048 and 10013, Permission denied on port 80, a client at the wrong program, and more, with the cause and the fix.",
    ));
    for g in GUIDES {
        out.push(page(
            Route::Guides(Some(g.id.into())),
            Some(format!("content/guides/{}", g.file)),
            format!("{} — bindlab guides", g.title),
            g.summary,
        ));
    }
    out.push(page(
        Route::Paste,
        None,
        format!("{} — bindlab", crate::route::PASTE_TITLE),
        "Paste the output of ss, netstat, lsof or sockstat and ask what a new bind would do among those sockets, on each OS; nothing leaves the page.",
    ));
    let runtimes_description = "Which socket options each language's runtime sets on its own (SO_REUSEADDR, SO_REUSEPORT, IPV6_V6ONLY, SO_EXCLUSIVEADDRUSE) for a TCP listener, a TCP client and a UDP socket: Linux measured, the other OSes cited from source.";
    out.push(page(
        Route::Runtimes(None),
        None,
        "What your runtime does by default — bindlab".into(),
        runtimes_description,
    ));
    // One page per language of the table, so its filter links work without JavaScript.
    let mut langs: Vec<(String, String)> = Vec::new();
    for row in bindlab_course::runtimes::table().unwrap_or_default() {
        if !langs.iter().any(|(l, _)| *l == row.lang) {
            let label = bindlab_course::guide::language_label(&row.lang).to_string();
            langs.push((row.lang.clone(), label));
        }
    }
    for (lang, label) in langs {
        out.push(page(
            Route::Runtimes(Some(lang)),
            None,
            format!("What {label}'s runtime does by default — bindlab"),
            runtimes_description,
        ));
    }
    out
}

/// The page's HTML inside `#app`, as the browser's first render makes it.
/// `data` is the text of the page's file (`Page::data`).
pub async fn render(route: Route, data: Option<(String, String)>) -> String {
    let preloaded = data.map(|(url, text)| Rc::new(Preloaded { url, text }));
    yew::LocalServerRenderer::<Root>::with_props(RootProps { route, preloaded })
        .render()
        .await
}

/// A summary's Markdown (`code`, **bold**) as plain text for a meta tag.
fn plain(s: &str) -> String {
    s.replace(['`', '*'], "")
}
