//! The server half of every page (feature `ssr`, native only): each route
//! rendered by Yew's server renderer at build time, by the
//! `bindlab-prerender` binary that `cargo xtask dist` runs. The browser
//! hydrates this HTML (`run_page`): both render [`Root`] from the same props
//! (the route and the file the page shows), and nothing in a first render
//! reads the browser, so the two agree.

use std::rc::Rc;

use crate::hooks::Preloaded;
use crate::i18n::{Tr, T};
use crate::root::{Root, RootProps};
pub use crate::route::{Chapter, GuideEntry, Route, CONTENTS, GUIDES};
pub use bindlab_course::locale::Locale;

/// A page to write: its language, route, the file it shows (as the page
/// fetches it, relative to the site's root), its title and description.
pub struct Page {
    pub locale: Locale,
    pub route: Route,
    pub data: Option<String>,
    pub title: String,
    pub description: String,
}

/// What a page says about itself outside the app, in its language (the
/// template's is English): the note a reader without JavaScript sees above
/// every page, and what `static/boot.js` says when the app cannot start
/// (`#fatal`'s `data-no-wasm` and `data-failed`, the latter with an
/// `{error}` slot boot.js fills).
pub struct PageNotes {
    pub noscript: String,
    pub no_wasm: String,
    pub failed: String,
}

/// The [`PageNotes`] of `lang`'s pages (English without a bundle).
pub fn page_notes(lang: Option<(Locale, &str)>) -> Result<PageNotes, String> {
    let tr = match lang {
        Some((l, text)) => Tr::from_bundle(l, text)?,
        None => Tr::english(),
    };
    Ok(PageNotes {
        noscript: tr.t(T::PageNoscriptNote).to_string(),
        no_wasm: tr.t(T::PageBootNoWasm).to_string(),
        failed: tr.t(T::PageBootFailed).to_string(),
    })
}

impl Page {
    /// Its directory under the site's root (`zh-CN/learn/udp/`).
    pub fn path(&self) -> String {
        format!("{}{}", crate::i18n::prefix(self.locale), self.route.path())
    }
    /// Its `<base href>`: the site's root, from its directory.
    pub fn to_root(&self) -> String {
        "../".repeat(self.path().matches('/').count())
    }
    /// The same page in `locale`, relative to the site's root.
    pub fn path_in(&self, locale: Locale) -> String {
        format!("{}{}", crate::i18n::prefix(locale), self.route.path())
    }
}

/// Every page of the site in `locale` (its bundle's text for a language
/// other than English), the sandbox first.
pub fn pages(lang: Option<(Locale, &str)>) -> Result<Vec<Page>, String> {
    let tr = match lang {
        Some((l, text)) => Tr::from_bundle(l, text)?,
        None => Tr::english(),
    };
    let locale = tr.locale();
    let page = |route: Route, data: Option<String>, title: String, description: &str| Page {
        locale,
        route,
        data: data.map(|d| tr.content_url(&d)),
        title,
        description: plain(description),
    };
    let site_title =
        |key: &str, english: &str| tr.f(T::PageSiteTitle, &[("title", tr.text(key, english))]);
    let mut out = vec![
        page(
            Route::Sandbox,
            None,
            tr.t(T::PageSandboxTitle).into(),
            tr.t(T::PageSandboxDescription),
        ),
        page(
            Route::Contents,
            None,
            tr.t(T::PageContentsTitle).into(),
            &tr.f(
                T::PageContentsDescription,
                &[("n", &CONTENTS.len().to_string())],
            ),
        ),
    ];
    for (n, c) in CONTENTS.iter().enumerate() {
        out.push(page(
            Route::Lesson(c.id.into()),
            Some(format!("content/lessons/{}", c.file)),
            tr.f(
                T::PageLessonTitle,
                &[
                    ("n", &(n + 1).to_string()),
                    (
                        "title",
                        tr.text(&format!("chapter.{}.title", c.id), c.title),
                    ),
                ],
            ),
            tr.text(&format!("chapter.{}.summary", c.id), c.summary),
        ));
    }
    out.push(page(
        Route::Glossary(None),
        Some("content/glossary.md".into()),
        tr.t(T::PageGlossaryTitle).into(),
        tr.t(T::PageGlossaryDescription),
    ));
    let mut rules = page(
        Route::Rules(None),
        None,
        tr.t(T::PageRulesTitle).into(),
        tr.t(T::PageRulesDescription),
    );
    // The explanations are the page's file, as a lesson's text is: the HTML
    // carries them (a reader without JavaScript gets the whole catalogue),
    // and the page hydrates with the same file.
    rules.data = Some(crate::course::rule_texts_sources(&tr).translated);
    out.push(rules);
    out.push(page(
        Route::Guides(None),
        None,
        site_title("guides.title", crate::route::GUIDES_TITLE),
        tr.t(T::PageGuidesDescription),
    ));
    for g in GUIDES {
        out.push(page(
            Route::Guides(Some(g.id.into())),
            Some(format!("content/guides/{}", g.file)),
            tr.f(
                T::PageGuideTitle,
                &[("title", tr.text(&format!("guide.{}.title", g.id), g.title))],
            ),
            tr.text(&format!("guide.{}.summary", g.id), g.summary),
        ));
    }
    out.push(page(
        Route::Paste,
        None,
        site_title("paste.title", crate::route::PASTE_TITLE),
        tr.t(T::PagePasteDescription),
    ));
    out.push(page(
        Route::Runtimes(None),
        None,
        tr.t(T::PageRuntimesTitle).into(),
        tr.t(T::PageRuntimesDescription),
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
            tr.f(T::PageRuntimesLangTitle, &[("lang", &label)]),
            tr.t(T::PageRuntimesDescription),
        ));
    }
    Ok(out)
}

/// Text made safe to write into HTML, as element text or a quoted attribute.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The site's sections, as the header's navigation lists them.
const NAV: [(Route, T); 5] = [
    (Route::Sandbox, T::NavSandbox),
    (Route::Contents, T::NavCourse),
    (Route::Guides(None), T::NavGuides),
    (Route::Glossary(None), T::NavGlossary),
    (Route::Rules(None), T::NavRules),
];

/// What a static host serves for an address it has no file for
/// (`404.html`): a page in every language, each saying so and linking to
/// where the site's pages start. No script: it may be served at any depth.
/// `langs` are the other languages' bundles; the result is (title, body).
pub fn not_found(langs: &[(Locale, &str)]) -> Result<(String, String), String> {
    let mut trs = vec![Tr::english()];
    for (l, text) in langs {
        trs.push(Tr::from_bundle(*l, text)?);
    }
    // The site's header, as every page has it (in the first language: the
    // page speaks them all below), so a lost reader still sees where they are.
    let en = &trs[0];
    let mut body = format!(
        "<header class=\"top\"><nav class=\"site-nav\" aria-label=\"{}\"><a class=\"brand\" href=\"{}\">bindlab</a>",
        escape(en.t(T::NavSite)),
        en.href(&Route::Sandbox)
    );
    for (route, label) in NAV {
        body.push_str(&format!(
            "<a href=\"{}\">{}</a>",
            en.href(&route),
            escape(en.t(label))
        ));
    }
    body.push_str("</nav></header><main id=\"main\" class=\"course not-found\">");
    for tr in &trs {
        body.push_str(&format!(
            "<section lang=\"{}\"><h1>{}</h1><p>{}</p><ul>",
            tr.tag(),
            escape(tr.t(T::PageNotFoundHeading)),
            escape(tr.t(T::PageNotFoundText))
        ));
        for (route, label) in NAV {
            body.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>",
                tr.href(&route),
                escape(tr.t(label))
            ));
        }
        body.push_str("</ul>");
        // A mistyped chapter or guide (an old `#/learn/…` link lands here
        // too): every one of them, one click away.
        let chapters = CONTENTS.iter().enumerate().map(|(i, c)| {
            let title = tr.text(&format!("chapter.{}.title", c.id), c.title);
            (Route::Lesson(c.id.into()), format!("{}. {}", i + 1, title))
        });
        let guides = GUIDES.iter().map(|g| {
            let title = tr.text(&format!("guide.{}.title", g.id), g.title);
            (Route::Guides(Some(g.id.into())), title.to_string())
        });
        for (heading, list) in [
            (T::NavCourse, chapters.collect::<Vec<_>>()),
            (T::NavGuides, guides.collect()),
        ] {
            body.push_str(&format!(
                "<h2>{}</h2><ul class=\"not-found-list\">",
                escape(tr.t(heading))
            ));
            for (route, title) in list {
                body.push_str(&format!(
                    "<li><a href=\"{}\">{}</a></li>",
                    tr.href(&route),
                    escape(&title)
                ));
            }
            body.push_str("</ul>");
        }
        body.push_str("</section>");
    }
    body.push_str("</main>");
    let title = trs
        .iter()
        .map(|t| t.t(T::PageNotFoundTitle).to_string())
        .collect::<Vec<_>>()
        .join(" · ");
    Ok((title, body))
}

/// The page's HTML inside `#app`, as the browser's first render makes it.
/// `data` is the text of the page's file (`Page::data`), `lang` the page's
/// language and its bundle's text (none for English).
pub async fn render(
    route: Route,
    data: Option<(String, String)>,
    lang: Option<(Locale, &str)>,
) -> Result<String, String> {
    let preloaded = data.map(|(url, text)| Rc::new(Preloaded { url, text }));
    let tr = match lang {
        Some((l, text)) => Tr::from_bundle(l, text)?,
        None => Tr::english(),
    };
    bindlab_engine::rules::set_overlay(tr.overlay());
    let html = yew::LocalServerRenderer::<Root>::with_props(RootProps {
        route,
        preloaded,
        tr,
    })
    .render()
    .await;
    bindlab_engine::rules::set_overlay(None);
    Ok(html)
}

/// A summary's Markdown (`code`, **bold**) as plain text for a meta tag.
fn plain(s: &str) -> String {
    s.replace(['`', '*'], "")
}
