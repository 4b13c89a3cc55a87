//! Where the reader is: the page's path under the site's root. `learn/…/`,
//! `guides/…/`, `glossary/`, `rules/` and `paste/` are the course's pages, each
//! a directory with its own prerendered `index.html`; the root is the sandbox
//! (whose fragment is a `#v1/...` permalink, or nothing). The course's old
//! addresses, `#/learn/...` and so on, are read by [`Route::from_hash`] and
//! redirected to their path forever (`static/boot.js` does it before any wasm).

/// One chapter of the course (generated from `content/lessons` by build.rs).
/// The sandbox build (no `course` feature) keeps only what the sandbox's
/// navigation shows, the id and title: the rest is compiled out of its wasm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chapter {
    pub id: &'static str,
    pub title: &'static str,
    /// One sentence for the contents page.
    #[cfg(feature = "course")]
    pub summary: &'static str,
    /// The lesson's file under `content/lessons/`.
    #[cfg(feature = "course")]
    pub file: &'static str,
    /// How many predictions it asks (for "2 of 3 predictions" in the contents).
    #[cfg(feature = "course")]
    pub predictions: usize,
}

/// One guide: a page per symptom (generated from `content/guides` by build.rs).
/// The sandbox build keeps only the id (its home page counts the guides).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuideEntry {
    pub id: &'static str,
    /// The symptom, as a reader would search for it.
    #[cfg(feature = "course")]
    pub title: &'static str,
    #[cfg(feature = "course")]
    pub summary: &'static str,
    /// The messages the reader may have seen, short.
    #[cfg(feature = "course")]
    pub errors: &'static str,
    /// The guide's file under `content/guides/`.
    #[cfg(feature = "course")]
    pub file: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/contents.rs"));

pub fn guide(id: &str) -> Option<&'static GuideEntry> {
    GUIDES.iter().find(|g| g.id == id)
}

pub fn chapter(id: &str) -> Option<(usize, &'static Chapter)> {
    CONTENTS.iter().enumerate().find(|(_, c)| c.id == id)
}

pub fn lesson_ids() -> Vec<&'static str> {
    CONTENTS.iter().map(|c| c.id).collect()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Sandbox,
    Contents,
    Lesson(String),
    /// The glossary, optionally at one term.
    Glossary(Option<String>),
    /// The rule catalogue, optionally at one rule.
    Rules(Option<String>),
    /// "Got an error?": the guides' index, or one guide.
    Guides(Option<String>),
    /// "Paste a socket table": a host's sockets read in the page.
    Paste,
    /// What each runtime sets by default, optionally one language's rows.
    Runtimes(Option<String>),
}

impl Route {
    /// An old `#/…` address (published before path routes). `static/boot.js`
    /// maps them the same way before the wasm loads; keep the two in step.
    pub fn from_hash(hash: &str) -> Route {
        let h = hash.trim_start_matches('#');
        let Some(path) = h.strip_prefix('/') else {
            return Route::Sandbox;
        };
        let mut parts = path.splitn(2, '/');
        let head = parts.next().unwrap_or("");
        let tail = parts.next().filter(|t| !t.is_empty()).map(str::to_string);
        // A tail that becomes a path must be a page's id (`static/boot.js`
        // does the same): `..` and the like go to the section's own page.
        let page = tail.clone().filter(|t| {
            t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
        match head {
            "learn" => page.map_or(Route::Contents, Route::Lesson),
            "glossary" => Route::Glossary(tail),
            "rules" => Route::Rules(tail),
            "guides" => Route::Guides(page),
            "paste" => Route::Paste,
            "runtimes" => Route::Runtimes(page),
            _ => Route::Contents,
        }
    }

    /// The page at `path`, relative to the site's root (`learn/udp/`,
    /// `glossary/`, `""` for the sandbox); `static/boot.js` passes it. A
    /// glossary term or a rule is the fragment, read by the page.
    pub fn from_path(path: &str) -> Route {
        let path = path.strip_suffix("index.html").unwrap_or(path);
        let mut parts = path.split('/').filter(|p| !p.is_empty());
        let (head, tail) = (parts.next(), parts.next().map(str::to_string));
        match head {
            None => Route::Sandbox,
            Some("learn") => tail.map_or(Route::Contents, Route::Lesson),
            Some("glossary") => Route::Glossary(None),
            Some("rules") => Route::Rules(None),
            Some("guides") => Route::Guides(tail),
            Some("paste") => Route::Paste,
            Some("runtimes") => Route::Runtimes(tail),
            Some(_) => Route::Contents,
        }
    }

    /// The page's directory under the root: where its `index.html` is
    /// prerendered (`""` for the sandbox).
    pub fn path(&self) -> String {
        match self {
            Route::Sandbox => String::new(),
            Route::Contents => "learn/".into(),
            Route::Lesson(id) => format!("learn/{id}/"),
            Route::Glossary(_) => "glossary/".into(),
            Route::Rules(_) => "rules/".into(),
            Route::Guides(None) => "guides/".into(),
            Route::Guides(Some(g)) => format!("guides/{g}/"),
            Route::Paste => "paste/".into(),
            Route::Runtimes(None) => "runtimes/".into(),
            Route::Runtimes(Some(l)) => format!("runtimes/{l}/"),
        }
    }

    /// The link to the page, relative to the site's root: every page has a
    /// `<base href>` at the root (written by the prerenderer), so the same
    /// link works from any page and under any sub-path.
    pub fn href(&self) -> String {
        match self {
            Route::Sandbox => "./".into(),
            Route::Glossary(Some(t)) => format!("glossary/#{t}"),
            Route::Rules(Some(r)) => format!("rules/#{r}"),
            r => r.path(),
        }
    }

    /// `../` once per directory of [`Route::path`]: the page's `<base href>`.
    #[cfg(any(test, feature = "ssr"))]
    pub fn to_root(&self) -> String {
        "../".repeat(self.path().matches('/').count())
    }
}

/// The sandbox page for `locale` beside `site` (the English sandbox's
/// address, `…/index.html`, or its directory): the directory for English
/// (`…/`, the address the site shows: every static host answers a
/// directory with its `index.html`, at the root or under a sub-path), and
/// `…/zh-CN/` for Chinese, so "Open in bindlab" keeps the widget's language.
pub(crate) fn sandbox_in(site: &str, locale: bindlab_course::locale::Locale) -> String {
    let dir = site.strip_suffix("index.html").unwrap_or(site);
    format!("{dir}{}", crate::i18n::prefix(locale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_round_trip() {
        for r in [
            Route::Contents,
            Route::Lesson("five-tuple".into()),
            Route::Glossary(None),
            Route::Glossary(Some("time-wait".into())),
            Route::Rules(Some("linux.bind.conflict".into())),
            Route::Guides(None),
            Route::Guides(Some("address-in-use-after-restart".into())),
            Route::Paste,
            Route::Runtimes(None),
            Route::Runtimes(Some("go".into())),
        ] {
            let old = match &r {
                Route::Contents => "#/learn".to_string(),
                Route::Lesson(id) => format!("#/learn/{id}"),
                Route::Glossary(t) => format!("#/glossary/{}", t.as_deref().unwrap_or("")),
                Route::Rules(x) => format!("#/rules/{}", x.as_deref().unwrap_or("")),
                Route::Guides(g) => format!("#/guides/{}", g.as_deref().unwrap_or("")),
                Route::Runtimes(l) => format!("#/runtimes/{}", l.as_deref().unwrap_or("")),
                _ => "#/paste".to_string(),
            };
            assert_eq!(Route::from_hash(&old), r, "{old}");
            // The path form opens the same page (a term or rule is its fragment).
            let page = match &r {
                Route::Glossary(_) => Route::Glossary(None),
                Route::Rules(_) => Route::Rules(None),
                r => r.clone(),
            };
            assert_eq!(Route::from_path(&r.path()), page);
            assert_eq!(Route::from_path(&format!("{}index.html", r.path())), page);
            assert!(!r.href().starts_with('/') && !r.href().starts_with('#'));
        }
        assert_eq!(Route::from_path(""), Route::Sandbox);
        assert_eq!(Route::from_path("index.html"), Route::Sandbox);
        assert_eq!(Route::Lesson("udp".into()).to_root(), "../../");
        assert_eq!(Route::Sandbox.to_root(), "");
        assert_eq!(
            Route::Glossary(Some("time-wait".into())).href(),
            "glossary/#time-wait"
        );
        assert_eq!(Route::from_hash("#v1/linux/0/abc"), Route::Sandbox);
        assert_eq!(Route::from_hash(""), Route::Sandbox);
        assert_eq!(Route::from_hash("#/nowhere"), Route::Contents);
        // An edited id that would climb out of the site opens the section.
        assert_eq!(Route::from_hash("#/learn/../../x"), Route::Contents);
        assert_eq!(Route::from_hash("#/guides/%2e%2e"), Route::Guides(None));
        assert_eq!(Route::from_hash("#/runtimes/a/.."), Route::Runtimes(None));
    }

    #[test]
    fn the_contents_come_from_the_lessons() {
        assert!(CONTENTS.len() >= 3);
        assert_eq!(CONTENTS[0].id, "five-tuple");
    }

    #[test]
    fn the_guides_come_from_content_guides() {
        assert!(GUIDES.len() >= 8, "{} guides", GUIDES.len());
        assert!(guide("address-in-use-after-restart").is_some());
        // The sandbox build keeps only the ids.
        #[cfg(feature = "course")]
        for g in GUIDES {
            assert!(!g.errors.is_empty() && !g.summary.is_empty(), "{}", g.id);
        }
    }

    #[test]
    fn open_in_bindlab_keeps_the_widgets_language() {
        let site = "https://example.org/bindlab/index.html";
        // The directory, as the site shows its own address (an old link
        // to `index.html#v1/…` still opens, being the same file).
        use bindlab_course::locale::Locale;
        assert_eq!(
            super::sandbox_in(site, Locale::En),
            "https://example.org/bindlab/"
        );
        assert_eq!(
            super::sandbox_in(site, Locale::ZhCn),
            "https://example.org/bindlab/zh-CN/"
        );
        // The site's own pages pass the English sandbox relative to their
        // `<base>` (a zh-CN page must not get `zh-CN/zh-CN/`).
        assert_eq!(super::sandbox_in("./", Locale::ZhCn), "./zh-CN/");
        assert_eq!(super::sandbox_in("./", Locale::En), "./");
    }
}
