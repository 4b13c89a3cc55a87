//! The language of this run: `--lang`, else `LC_ALL` > `LC_MESSAGES` >
//! `LANG`, else English. Chosen once in `main`; the why-lines then come
//! from the translated catalogue built in (`build.rs`), and the tools'
//! own sentences from `bindlab_course::messages`.

use std::rc::Rc;
use std::sync::OnceLock;

use bindlab_course::messages::{fill, Msg};
use bindlab_course::Locale;
use bindlab_engine::lists::{Joint, Lists};
use bindlab_engine::messages::{CheatsheetMsg, ParseMsg, Translation};
use bindlab_engine::overlay_json;
use bindlab_engine::rules::Overlay;

static LOCALE: OnceLock<Locale> = OnceLock::new();
/// This run's translations of the engine's messages (none in English).
static PARSE: OnceLock<Option<Translation<ParseMsg>>> = OnceLock::new();
static CHEATSHEET: OnceLock<Option<Translation<CheatsheetMsg>>> = OnceLock::new();
/// This run's fixed words (a list's comma and its "and"/"or"), for the
/// lists the tools' own sentences hold; none in English.
static WORDS: OnceLock<Overlay> = OnceLock::new();

/// The translated catalogue of `locale` as built in: (rules, words).
pub fn catalogue_text(locale: Locale) -> Option<(&'static str, &'static str)> {
    match locale {
        Locale::En => None,
        Locale::ZhCn => Some((
            include_str!(concat!(env!("OUT_DIR"), "/zh-CN-rules.json")),
            include_str!(concat!(env!("OUT_DIR"), "/zh-CN-words.json")),
        )),
    }
}

/// The translated messages of `locale` as built in: (`parse.txt`,
/// `cheatsheet.txt`), `key = template` each.
pub fn messages_text(locale: Locale) -> Option<(&'static str, &'static str)> {
    match locale {
        Locale::En => None,
        Locale::ZhCn => Some((
            include_str!(concat!(env!("OUT_DIR"), "/zh-CN-parse.txt")),
            include_str!(concat!(env!("OUT_DIR"), "/zh-CN-cheatsheet.txt")),
        )),
    }
}

/// The translated texts of the runtimes table of `locale` as built in:
/// (`runtimes.txt`, its sentences; `runtimes-rows.txt`, its rows' prose).
pub fn runtimes_text(locale: Locale) -> Option<(&'static str, &'static str)> {
    match locale {
        Locale::En => None,
        Locale::ZhCn => Some((
            include_str!(concat!(env!("OUT_DIR"), "/zh-CN-runtimes.txt")),
            include_str!(concat!(env!("OUT_DIR"), "/zh-CN-runtimes-rows.txt")),
        )),
    }
}

/// The translated sentences of the course's and the sockets crate's own of
/// `locale` as built in: (`goal.txt`, `sockets.txt`), checked by `bindlab
/// rules check` key for key as the engine's are.
pub fn library_messages_text(locale: Locale) -> Option<(&'static str, &'static str)> {
    match locale {
        Locale::En => None,
        Locale::ZhCn => Some((
            include_str!(concat!(env!("OUT_DIR"), "/zh-CN-goal.txt")),
            include_str!(concat!(env!("OUT_DIR"), "/zh-CN-sockets.txt")),
        )),
    }
}

/// This run's translation of the parser's and the links' messages (`None`
/// in English; a message it lacks shows in English).
pub fn parse_messages() -> Option<&'static Translation<ParseMsg>> {
    PARSE
        .get_or_init(|| messages_text(get()).map(|(t, _)| Translation::read(t).translation))
        .as_ref()
}

/// This run's translation of the cheat sheet's labels.
pub fn cheatsheet_messages() -> Option<&'static Translation<CheatsheetMsg>> {
    CHEATSHEET
        .get_or_init(|| messages_text(get()).map(|(_, t)| Translation::read(t).translation))
        .as_ref()
}

/// Makes `locale` this run's language: its catalogue lays over the
/// English one for every why-line rendered from now on.
pub fn set(locale: Locale) {
    let _ = LOCALE.set(locale);
    if let Some((rules, words)) = catalogue_text(locale) {
        let checked = overlay_json::read(rules, words);
        let words = checked
            .overlay
            .words()
            .map(|(k, v)| (k.to_string(), v.to_string()));
        let _ = WORDS.set(Overlay::new([], words.collect::<Vec<_>>()));
        bindlab_engine::rules::set_overlay(Some(Rc::new(checked.overlay)));
    }
}

/// This run's language.
pub fn get() -> Locale {
    LOCALE.get().copied().unwrap_or_default()
}

/// A message of the catalogue in this run's language.
pub fn msg(m: Msg, args: &[(&str, &str)]) -> String {
    fill(get(), m, args)
}

/// How this run's language joins a list of names: the why-lines' (the
/// overlay's words, `content/<locale>/words.json`) in Chinese, 「A、B 和 C」;
/// English's commas, as its messages always wrote them.
pub fn lists() -> Lists<'static> {
    match WORDS.get() {
        Some(o) => o.lists(),
        None => Lists::ENGLISH_MESSAGES,
    }
}

/// `items` as this run's language lists them in a sentence.
pub fn list<S: AsRef<str>>(items: &[S], joint: Joint) -> String {
    lists().join(items, joint)
}

/// The commands whose own `--lang` names a programming language.
const OWN_LANG: &[&str] = &["export", "runtimes"];

/// Takes `--lang X` / `--lang=X` out of the arguments: before the command
/// anywhere, and after it too except for `export` and `runtimes`, whose
/// own `--lang` is a programming language (`bindlab --lang zh-CN runtimes
/// --lang go`).
pub fn take(args: &[String]) -> Result<(Option<Locale>, Vec<String>), String> {
    let (mut lang, mut rest) = (None, Vec::new());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if rest
            .first()
            .is_some_and(|c: &String| OWN_LANG.contains(&c.as_str()))
        {
            rest.push(a.clone());
            continue;
        }
        let v = if a == "--lang" {
            match it.next() {
                Some(v) if !v.starts_with('-') => Some(v.clone()),
                _ => return Err("--lang needs a value: en or zh-CN".to_string()),
            }
        } else {
            a.strip_prefix("--lang=").map(str::to_string)
        };
        match v {
            Some(v) => {
                lang = Some(
                    Locale::parse(&v)
                        .ok_or_else(|| format!("--lang: unknown language `{v}` (en, zh-CN)"))?,
                )
            }
            None => rest.push(a.clone()),
        }
    }
    Ok((lang, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_without_a_value_says_so() {
        let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        for args in [
            &["run", "f", "--lang"][..],
            &["--lang", "--json", "run", "f"],
        ] {
            assert_eq!(
                take(&s(args)).unwrap_err(),
                "--lang needs a value: en or zh-CN"
            );
        }
    }

    #[test]
    fn lang_is_taken_from_anywhere() {
        let s = |v: &[&str]| v.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        assert_eq!(
            take(&s(&["--lang", "zh-CN", "rules"])).unwrap(),
            (Some(Locale::ZhCn), s(&["rules"]))
        );
        assert_eq!(
            take(&s(&["run", "a", "--lang=en"])).unwrap(),
            (Some(Locale::En), s(&["run", "a"]))
        );
        assert!(take(&s(&["--lang", "fr"])).unwrap_err().contains("`fr`"));
        assert_eq!(
            take(&s(&["--lang", "zh-CN", "runtimes", "--lang", "go"])).unwrap(),
            (Some(Locale::ZhCn), s(&["runtimes", "--lang", "go"]))
        );
        assert_eq!(
            take(&s(&["export", "--lang", "python", "f"])).unwrap(),
            (None, s(&["export", "--lang", "python", "f"]))
        );
        assert!(take(&s(&["--lang"])).is_err());
    }

    #[test]
    fn the_built_in_catalogue_is_well_formed() {
        let (rules, words) = catalogue_text(Locale::ZhCn).unwrap();
        let c = overlay_json::read(rules, words);
        assert_eq!(c.errors, Vec::<String>::new());
    }

    /// The messages built in: every key translated, none unknown, the
    /// English slots (a key added to the engine's `parse.txt` fails here
    /// until content/zh-CN/parse.txt has it).
    #[test]
    fn the_built_in_messages_are_complete() {
        let (parse, cheatsheet) = messages_text(Locale::ZhCn).unwrap();
        let p = Translation::<ParseMsg>::read(parse);
        assert_eq!(p.errors, Vec::<String>::new());
        assert_eq!(p.untranslated, Vec::<ParseMsg>::new());
        let c = Translation::<CheatsheetMsg>::read(cheatsheet);
        assert_eq!(c.errors, Vec::<String>::new());
        assert_eq!(c.untranslated, Vec::<CheatsheetMsg>::new());
        assert!(messages_text(Locale::En).is_none());
        let (goal, sockets) = library_messages_text(Locale::ZhCn).unwrap();
        let g = Translation::<bindlab_course::goal::GoalMsg>::read(goal);
        assert_eq!((g.errors, g.untranslated), (Vec::new(), Vec::new()));
        let s = Translation::<bindlab_sockets::SocketsMsg>::read(sockets);
        assert_eq!((s.errors, s.untranslated), (Vec::new(), Vec::new()));
        assert!(library_messages_text(Locale::En).is_none());
    }

    /// The runtimes table's sentences and rows' prose built in: all
    /// translated (a row or a note added to content/runtimes.toml fails
    /// here until content/zh-CN/runtimes-rows.txt has it).
    #[test]
    fn the_built_in_runtimes_texts_are_complete() {
        use bindlab_course::runtimes::{table, RowTexts, RuntimeMsg};
        let (sentences, rows) = runtimes_text(Locale::ZhCn).unwrap();
        let s = Translation::<RuntimeMsg>::read(sentences);
        assert_eq!(s.errors, Vec::<String>::new());
        assert_eq!(s.untranslated, Vec::<RuntimeMsg>::new());
        let r = RowTexts::read(&table().unwrap(), rows);
        assert_eq!(r.errors, Vec::<String>::new());
        assert_eq!(r.untranslated, Vec::<String>::new());
        // A note the translation lacks is named.
        let without = rows.replace("go-udp.note", "# go-udp.note");
        assert_eq!(
            RowTexts::read(&table().unwrap(), &without).untranslated,
            ["go-udp.note"]
        );
    }

    /// Every why-line of the corpus, on every OS, in zh-CN: every slot
    /// filled, and Chinese (no template fell back to English unnoticed).
    #[test]
    fn every_corpus_why_line_renders_in_zh_cn() {
        fn walk(d: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "bindlab") {
                    out.push(p);
                }
            }
        }
        let mut files = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus"),
            &mut files,
        );
        assert!(files.len() > 20, "{}", files.len());
        let (rules, words) = catalogue_text(Locale::ZhCn).unwrap();
        let c = overlay_json::read(rules, words);
        let untranslated = c.untranslated.clone();
        bindlab_engine::rules::set_overlay(Some(Rc::new(c.overlay)));
        let (mut lines, mut english) = (0, Vec::new());
        for f in &files {
            let Ok(s) = bindlab_engine::parse(&std::fs::read_to_string(f).unwrap()) else {
                continue;
            };
            for (_, report) in bindlab_engine::run_all(&s).runs {
                for step in report.steps {
                    let (Some(rule), Some(why)) = (step.rule, step.why) else {
                        continue;
                    };
                    lines += 1;
                    assert!(!why.contains('{'), "{}: {rule}: {why}", f.display());
                    let cjk = why.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
                    if !cjk && !untranslated.contains(&rule) {
                        english.push(format!("{}: {rule}: {why}", f.display()));
                    }
                }
            }
        }
        bindlab_engine::rules::set_overlay(None);
        assert!(lines > 100, "{lines}");
        assert!(english.is_empty(), "{english:#?}");
    }
}
