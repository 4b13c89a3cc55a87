//! Locales: which language a reader gets, and reading content in it.
//!
//! Content for a locale lives beside the English (`content/` is English,
//! `content/zh-CN/` Simplified Chinese), file for file. A file a locale
//! lacks is read in English, and [`Localized::fallback`] says so, so the
//! caller can show "this page is not translated yet": never silently.

use std::fmt;
use std::path::{Path, PathBuf};

/// A language bindlab speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Locale {
    #[default]
    En,
    /// Simplified Chinese (简体中文).
    ZhCn,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhCn];

    /// A language tag or a POSIX locale: `en`, `en-US`, `C`, `zh-CN`,
    /// `zh_CN.UTF-8`, `zh`, `zh-Hans`. `None` for a language bindlab
    /// does not speak (the caller falls back to English).
    pub fn parse(s: &str) -> Option<Locale> {
        // `zh_CN.UTF-8@euro` → `zh-cn`.
        let base = s.split(['.', '@']).next().unwrap_or("");
        let tag = base.replace('_', "-").to_ascii_lowercase();
        let lang = tag.split('-').next().unwrap_or("");
        match lang {
            "en" | "c" | "posix" => Some(Locale::En),
            // zh-TW / zh-HK / zh-Hant are Traditional Chinese: not this one.
            "zh" if !["tw", "hk", "mo", "hant"]
                .iter()
                .any(|t| tag.split('-').skip(1).any(|p| p == *t)) =>
            {
                Some(Locale::ZhCn)
            }
            _ => None,
        }
    }

    /// From the environment, as gettext reads it: the first of `LC_ALL`,
    /// `LC_MESSAGES`, `LANG` that is set and not empty decides; English
    /// when it names a language bindlab does not speak.
    pub fn from_env_vars(
        lc_all: Option<&str>,
        lc_messages: Option<&str>,
        lang: Option<&str>,
    ) -> Locale {
        [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|v| !v.is_empty())
            .and_then(Locale::parse)
            .unwrap_or(Locale::En)
    }

    /// [`Locale::from_env_vars`] of this process's environment.
    pub fn from_env() -> Locale {
        let var = |k: &str| std::env::var(k).ok();
        Locale::from_env_vars(
            var("LC_ALL").as_deref(),
            var("LC_MESSAGES").as_deref(),
            var("LANG").as_deref(),
        )
    }

    /// The BCP 47 tag: `en`, `zh-CN` (also the content directory's name).
    pub const fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// The language's own name, as a language switch shows it.
    pub const fn name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::ZhCn => "简体中文",
        }
    }

    /// Where this locale's content lives under the English `root`
    /// (`content/`): the root itself for English.
    pub fn dir(self, root: &Path) -> PathBuf {
        match self {
            Locale::En => root.to_path_buf(),
            other => root.join(other.tag()),
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// A content file read for a locale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Localized {
    pub text: String,
    /// The locale asked for.
    pub asked: Locale,
    /// True when the locale has no such file and `text` is the English.
    pub fallback: bool,
}

impl Localized {
    /// What to show above a page read in English for another locale.
    pub fn notice(&self) -> Option<&'static str> {
        self.fallback
            .then(|| crate::messages::text(self.asked, crate::messages::Msg::NotTranslated))
    }
}

/// Reads `rel` (`lessons/02-wildcard.md`, `glossary.md`) for `locale` from
/// the English content `root`, falling back to the English file, visibly.
pub fn read(root: &Path, locale: Locale, rel: &str) -> std::io::Result<Localized> {
    if locale != Locale::En {
        if let Ok(text) = std::fs::read_to_string(locale.dir(root).join(rel)) {
            return Ok(Localized {
                text,
                asked: locale,
                fallback: false,
            });
        }
    }
    Ok(Localized {
        text: std::fs::read_to_string(root.join(rel))?,
        asked: locale,
        fallback: locale != Locale::En,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_posix_locales() {
        for s in ["zh-CN", "zh_CN.UTF-8", "zh", "zh-Hans", "zh_CN", "ZH-cn"] {
            assert_eq!(Locale::parse(s), Some(Locale::ZhCn), "{s}");
        }
        for s in ["en", "en_US.UTF-8", "C", "POSIX", "C.UTF-8", "en-GB"] {
            assert_eq!(Locale::parse(s), Some(Locale::En), "{s}");
        }
        for s in ["fr_FR.UTF-8", "zh_TW.UTF-8", "zh-Hant", ""] {
            assert_eq!(Locale::parse(s), None, "{s}");
        }
    }

    #[test]
    fn lc_all_then_lc_messages_then_lang() {
        let f = Locale::from_env_vars;
        assert_eq!(f(None, None, Some("zh_CN.UTF-8")), Locale::ZhCn);
        assert_eq!(f(Some("C"), None, Some("zh_CN.UTF-8")), Locale::En);
        assert_eq!(f(Some(""), Some("zh_CN.UTF-8"), Some("C")), Locale::ZhCn);
        assert_eq!(f(None, Some("en_US.UTF-8"), Some("zh_CN")), Locale::En);
        assert_eq!(f(None, None, Some("fr_FR")), Locale::En);
        assert_eq!(f(None, None, None), Locale::En);
    }

    #[test]
    fn a_missing_translation_falls_back_visibly() {
        let root = std::env::temp_dir().join(format!("bindlab-locale-{}", std::process::id()));
        std::fs::create_dir_all(root.join("zh-CN")).unwrap();
        std::fs::write(root.join("a.md"), "English A").unwrap();
        std::fs::write(root.join("b.md"), "English B").unwrap();
        std::fs::write(root.join("zh-CN/a.md"), "中文 A").unwrap();
        let a = read(&root, Locale::ZhCn, "a.md").unwrap();
        assert_eq!(
            (a.text.as_str(), a.fallback, a.notice()),
            ("中文 A", false, None)
        );
        let b = read(&root, Locale::ZhCn, "b.md").unwrap();
        assert_eq!(b.text, "English B");
        assert!(b.fallback);
        assert!(
            b.notice().is_some_and(|n| n.contains("翻译")),
            "{:?}",
            b.notice()
        );
        let en = read(&root, Locale::En, "b.md").unwrap();
        assert!(!en.fallback && en.notice().is_none());
        assert!(read(&root, Locale::ZhCn, "c.md").is_err());
        let _ = std::fs::remove_dir_all(&root);
    }
}
