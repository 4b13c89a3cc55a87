//! The page's language: its interface strings, the compiled-in texts
//! (chapter and guide titles…) and the rules' titles and why-lines in that
//! language, and where its links and files are.
//!
//! English is compiled in: the interface strings come from
//! `content/ui/*.txt` as the typed key [`T`] (build.rs), and every other
//! English text is where it always was. Another locale's texts arrive as
//! one bundle (`i18n/<tag>.tsv`, see `bindlab_course::bundle`) that
//! `static/boot.js`, the widget script or the prerenderer reads before the
//! first render; nothing of it is compiled in. A text the bundle lacks
//! stays English (CI fails on an untranslated interface string).
//!
//! The language is a context ([`use_tr`]), provided by the root and by each
//! widget: one page may hold widgets in two languages.

use std::rc::Rc;

use bindlab_course::bundle::Bundle;
use bindlab_course::locale::Locale;
use bindlab_engine::lists::{Joint, Lists};
use bindlab_engine::rules::Overlay;
use yew::prelude::*;

use crate::route::Route;

include!(concat!(env!("OUT_DIR"), "/ui.rs"));

struct Texts {
    locale: Locale,
    /// The bundle's interface strings, by `T as usize` (`None`: English).
    ui: Vec<Option<String>>,
    bundle: Bundle,
    overlay: Option<Rc<Overlay>>,
}

/// The language every component of a page (or a widget) speaks: English
/// (`None`, as compiled in) or a locale's texts.
#[derive(Clone)]
pub(crate) struct Tr(Option<Rc<Texts>>);

impl PartialEq for Tr {
    fn eq(&self, o: &Self) -> bool {
        match (&self.0, &o.0) {
            (None, None) => true,
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl Tr {
    /// English, as compiled in.
    pub(crate) fn english() -> Tr {
        Tr(None)
    }

    /// `locale` from its bundle's text; an error for a damaged one.
    pub(crate) fn from_bundle(locale: Locale, text: &str) -> Result<Tr, String> {
        if locale == Locale::En {
            return Ok(Tr::english());
        }
        let mut bundle = Bundle::read(text)?;
        if bundle.ui_order != UI_FINGERPRINT || bundle.ui.len() != EN.len() {
            return Err("the language file belongs to another version of bindlab".into());
        }
        let ui = std::mem::take(&mut bundle.ui)
            .into_iter()
            .map(|(_, text)| Some(text))
            .collect();
        let overlay = Some(Rc::new(bundle.overlay()));
        Ok(Tr(Some(Rc::new(Texts {
            locale,
            ui,
            bundle,
            overlay,
        }))))
    }

    pub(crate) fn locale(&self) -> Locale {
        self.0.as_ref().map_or(Locale::En, |t| t.locale)
    }

    /// The `lang` attribute's value.
    pub(crate) fn tag(&self) -> &'static str {
        self.locale().tag()
    }

    fn bundle(&self) -> Option<&Bundle> {
        self.0.as_ref().map(|t| &t.bundle)
    }

    /// An interface string.
    pub(crate) fn t(&self, k: T) -> &str {
        let i = k as usize;
        match self.0.as_ref().and_then(|t| t.ui.get(i)) {
            Some(Some(s)) => s,
            _ => EN.get(i).copied().unwrap_or(""),
        }
    }

    /// An interface string with its `{slot}`s filled.
    pub(crate) fn f(&self, k: T, args: &[(&str, &str)]) -> String {
        bindlab_course::ui::fill(self.t(k), args)
    }

    /// A compiled-in English text (`english`) in this language, by its key
    /// in the bundle (`chapter.udp.title`).
    pub(crate) fn text<'a>(&'a self, key: &str, english: &'a str) -> &'a str {
        self.bundle().and_then(|b| b.text(key)).unwrap_or(english)
    }

    /// A rule's title in this language.
    pub(crate) fn rule_title<'a>(&'a self, id: &str, english: &'a str) -> &'a str {
        self.bundle().and_then(|b| b.title(id)).unwrap_or(english)
    }

    /// A scenario problem in this language (the engine's message key and
    /// arguments, with the locale's template); English without one.
    pub(crate) fn problem(&self, p: &bindlab_engine::parse::Problem) -> String {
        bindlab_engine::messages::render_with(
            p.msg,
            &p.args,
            self.bundle().and_then(|b| b.parse(p.msg.key())),
            &self.lists_or(Lists::ENGLISH_MESSAGES),
        )
    }

    /// A permalink that could not be read, said in this language.
    pub(crate) fn link_error(&self, e: &bindlab_engine::permalink::LinkError) -> String {
        bindlab_engine::messages::render_with(
            e.msg(),
            &e.args(),
            self.bundle().and_then(|b| b.parse(e.msg().key())),
            &self.lists_or(Lists::ENGLISH_MESSAGES),
        )
    }

    /// A cheat-sheet label in this language.
    pub(crate) fn cheatsheet(&self, m: bindlab_engine::messages::CheatsheetMsg) -> String {
        let key = format!("cheatsheet.{}", m.key());
        bindlab_engine::messages::render(m, &[], self.bundle().and_then(|b| b.parse(&key)))
    }

    /// A challenge check's detail (a `goal::Verdict`'s message and
    /// arguments) in this language.
    pub(crate) fn goal(&self, m: bindlab_course::goal::GoalMsg, args: &[(&str, String)]) -> String {
        let key = format!("goal.{}", m.key());
        let lists = self.lists_or(Lists::ENGLISH_MESSAGES);
        bindlab_engine::messages::render_with(
            m,
            args,
            self.bundle().and_then(|b| b.parse(&key)),
            &lists,
        )
    }

    /// A sentence of `bindlab-sockets` (the paste page's) in this language.
    pub(crate) fn sockets(
        &self,
        m: bindlab_sockets::SocketsMsg,
        args: &[(&str, String)],
    ) -> String {
        let key = format!("sockets.{}", m.key());
        let lists = self.lists_or(Lists::ENGLISH_MESSAGES);
        bindlab_engine::messages::render_with(
            m,
            args,
            self.bundle().and_then(|b| b.parse(&key)),
            &lists,
        )
    }

    /// One of the engine's fixed words (a socket's state: `listening`…) in
    /// this language (`content/<locale>/words.json`); as it is without one.
    pub(crate) fn word<'a>(&'a self, english: &'a str) -> &'a str {
        self.0
            .as_ref()
            .and_then(|t| t.overlay.as_deref())
            .map_or(english, |o| o.word(english))
    }

    /// How this language joins a list of names (「A、B 和 C」), `english`
    /// in English: `Lists::ENGLISH` in a table cell ("A, B or C"),
    /// `Lists::ENGLISH_MESSAGES` in a sentence of the interface or a
    /// message ("A, B, C").
    pub(crate) fn lists_or<'a>(&'a self, english: Lists<'static>) -> Lists<'a> {
        self.0
            .as_ref()
            .and_then(|t| t.overlay.as_deref())
            .map_or(english, Overlay::lists)
    }

    /// `items` as a sentence of this language lists them (English: "A, B,
    /// C", as its interface strings always have; Chinese: 「A、B 和 C」).
    pub(crate) fn list<S: AsRef<str>>(&self, items: &[S], joint: Joint) -> String {
        self.lists_or(Lists::ENGLISH_MESSAGES).join(items, joint)
    }

    /// The space after a label such as "Linux:" or 「这一步：」 before what
    /// it labels: none after a full-width colon, which carries its own
    /// (「第 10 行：bind」, not 「第 10 行： bind」).
    pub(crate) fn label_gap(label: &str) -> &'static str {
        if label.ends_with('：') {
            ""
        } else {
            " "
        }
    }

    /// `label` with the space that follows it ("Linux: ", 「Linux：」).
    pub(crate) fn labelled(label: String) -> String {
        let gap = Tr::label_gap(&label);
        label + gap
    }

    /// The engine's why-lines in this language (`None`: English).
    pub(crate) fn overlay(&self) -> Option<Rc<Overlay>> {
        self.0.as_ref().and_then(|t| t.overlay.clone())
    }

    /// The path prefix of this language's pages (`zh-CN/`; English has none).
    pub(crate) fn prefix(&self) -> &'static str {
        prefix(self.locale())
    }

    /// The link to `route` in this language, relative to the site's root.
    pub(crate) fn href(&self, route: &Route) -> String {
        href(self.locale(), route)
    }

    /// A content file in this language (`content/lessons/x.md` →
    /// `content/zh-CN/lessons/x.md`).
    pub(crate) fn content_url(&self, english: &str) -> String {
        content_url(self.locale(), english)
    }
}

/// The path prefix of `locale`'s pages.
pub(crate) fn prefix(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "",
        Locale::ZhCn => "zh-CN/",
    }
}

/// The link to `route` in `locale`.
pub(crate) fn href(locale: Locale, route: &Route) -> String {
    match (prefix(locale), route.href()) {
        ("", h) => h,
        (p, h) if h == "./" => p.to_string(),
        (p, h) => format!("{p}{h}"),
    }
}

/// `english` (a path under `content/`) in `locale`'s directory.
pub(crate) fn content_url(locale: Locale, english: &str) -> String {
    match (locale, english.strip_prefix("content/")) {
        (Locale::En, _) | (_, None) => english.to_string(),
        (l, Some(rest)) => format!("content/{}/{rest}", l.tag()),
    }
}

/// A page's path split into its language and the path the route reads
/// (`zh-CN/learn/udp/` → (zh-CN, `learn/udp/`)).
pub(crate) fn split_path(path: &str) -> (Locale, &str) {
    for l in Locale::ALL {
        let p = prefix(l);
        if p.is_empty() {
            continue;
        }
        if let Some(rest) = path.strip_prefix(p) {
            return (l, rest);
        }
        if path == p.trim_end_matches('/') {
            return (l, "");
        }
    }
    (Locale::En, path)
}

/// The page's language, as the root or the widget provides it.
#[hook]
pub(crate) fn use_tr() -> Tr {
    use_context::<Tr>().unwrap_or_else(Tr::english)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_english_agree() {
        assert_eq!(KEYS.len(), EN.len());
        assert_eq!(
            bindlab_course::ui::fingerprint(KEYS.iter().copied()),
            UI_FINGERPRINT
        );
        let tr = Tr::english();
        assert_eq!(tr.t(T::NavSandbox), "Sandbox");
    }

    #[test]
    fn a_full_width_colon_takes_no_space_after_it() {
        assert_eq!(Tr::label_gap("Linux:"), " ");
        assert_eq!(Tr::label_gap("The step:"), " ");
        assert_eq!(Tr::label_gap("这一步："), "");
        assert_eq!(Tr::label_gap("第 10 行："), "");
    }

    #[test]
    fn paths_and_links_carry_the_language() {
        assert_eq!(split_path("zh-CN/learn/udp/"), (Locale::ZhCn, "learn/udp/"));
        assert_eq!(split_path("zh-CN/"), (Locale::ZhCn, ""));
        assert_eq!(split_path("zh-CN"), (Locale::ZhCn, ""));
        assert_eq!(split_path("learn/"), (Locale::En, "learn/"));
        assert_eq!(href(Locale::ZhCn, &Route::Sandbox), "zh-CN/");
        assert_eq!(
            href(Locale::ZhCn, &Route::Glossary(Some("time-wait".into()))),
            "zh-CN/glossary/#time-wait"
        );
        assert_eq!(href(Locale::En, &Route::Contents), "learn/");
        assert_eq!(
            content_url(Locale::ZhCn, "content/lessons/01.md"),
            "content/zh-CN/lessons/01.md"
        );
        assert_eq!(content_url(Locale::ZhCn, "static/x"), "static/x");
    }

    #[test]
    fn a_bundle_replaces_the_strings_by_position_when_its_order_is_ours() {
        let mut b = Bundle {
            ui_order: UI_FINGERPRINT,
            ..Bundle::default()
        };
        for (k, en) in KEYS.iter().zip(EN) {
            let text = if *k == "nav.sandbox" {
                "沙盒".to_string()
            } else {
                format!("[{en}]")
            };
            b.ui.push((k.to_string(), text));
        }
        let tr = Tr::from_bundle(Locale::ZhCn, &b.write()).unwrap();
        assert_eq!(tr.t(T::NavSandbox), "沙盒");
        assert_eq!(tr.t(T::NavRules), "[Rules]");
        assert_eq!(tr.href(&Route::Contents), "zh-CN/learn/");
        assert!(Tr::from_bundle(Locale::ZhCn, "<html>").is_err());
        // A bundle written for other keys is refused, not misread.
        b.ui_order ^= 1;
        assert!(Tr::from_bundle(Locale::ZhCn, &b.write()).is_err());
    }
}
