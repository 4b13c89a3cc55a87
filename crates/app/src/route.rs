//! Where the reader is: the address's fragment. `#/learn/...`, `#/guides/...`,
//! `#/glossary` and `#/rules` are the course's pages; anything else is the sandbox (whose
//! fragment is a `#v1/...` permalink, or nothing).

/// One chapter of the course (generated from `content/lessons` by build.rs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chapter {
    pub id: &'static str,
    pub title: &'static str,
    /// One sentence for the contents page.
    pub summary: &'static str,
    /// The lesson's file under `content/lessons/`.
    pub file: &'static str,
    /// How many predictions it asks (for "2 of 3 predictions" in the contents).
    pub predictions: usize,
}

/// One guide: a page per symptom (generated from `content/guides` by build.rs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GuideEntry {
    pub id: &'static str,
    /// The symptom, as a reader would search for it.
    pub title: &'static str,
    pub summary: &'static str,
    /// The messages the reader may have seen, short.
    pub errors: &'static str,
    /// The guide's file under `content/guides/`.
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
    /// `static/boot.js` makes the same test (leading `#`s, then `/`) to pick
    /// the build with the course: keep the two in step.
    pub fn from_hash(hash: &str) -> Route {
        let h = hash.trim_start_matches('#');
        let Some(path) = h.strip_prefix('/') else {
            return Route::Sandbox;
        };
        let mut parts = path.splitn(2, '/');
        let head = parts.next().unwrap_or("");
        let tail = parts.next().filter(|t| !t.is_empty()).map(str::to_string);
        match head {
            "learn" => tail.map_or(Route::Contents, Route::Lesson),
            "glossary" => Route::Glossary(tail),
            "rules" => Route::Rules(tail),
            "guides" => Route::Guides(tail),
            "paste" => Route::Paste,
            "runtimes" => Route::Runtimes(tail),
            _ => Route::Contents,
        }
    }

    pub fn href(&self) -> String {
        match self {
            Route::Sandbox => "#".into(),
            Route::Contents => "#/learn".into(),
            Route::Lesson(id) => format!("#/learn/{id}"),
            Route::Glossary(None) => "#/glossary".into(),
            Route::Glossary(Some(t)) => format!("#/glossary/{t}"),
            Route::Rules(None) => "#/rules".into(),
            Route::Rules(Some(r)) => format!("#/rules/{r}"),
            Route::Guides(None) => "#/guides".into(),
            Route::Guides(Some(g)) => format!("#/guides/{g}"),
            Route::Paste => "#/paste".into(),
            Route::Runtimes(None) => "#/runtimes".into(),
            Route::Runtimes(Some(l)) => format!("#/runtimes/{l}"),
        }
    }
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
            assert_eq!(Route::from_hash(&r.href()), r);
        }
        assert_eq!(Route::from_hash("#v1/linux/0/abc"), Route::Sandbox);
        assert_eq!(Route::from_hash(""), Route::Sandbox);
        assert_eq!(Route::from_hash("#/nowhere"), Route::Contents);
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
        for g in GUIDES {
            assert!(!g.errors.is_empty() && !g.summary.is_empty(), "{}", g.id);
        }
    }
}
