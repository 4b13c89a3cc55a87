//! The site's other languages, as files a page fetches (never compiled into
//! the wasm): for each locale but English, `i18n/<tag>.tsv` (its bundle:
//! interface strings, the compiled-in texts' translations, parser
//! messages, rule titles, why-templates and words; see
//! `bindlab_course::bundle`), `i18n/<tag>/rule-texts.tsv` (the rules'
//! explanations, which the rules page fetches) and `content/<tag>/` (the
//! lessons, guides and glossary). Kept apart from `site.rs`.

use std::path::Path;

use bindlab_course::bundle::{self, Bundle};
use bindlab_course::guide::parse_guide;
use bindlab_course::locale::Locale;
use bindlab_course::ui;
use bindlab_course::{parse_lesson, Block, Lesson};
use bindlab_engine::rules::{catalogue, RuleId, ALL_WHY_VARIANTS};

use crate::Result;

/// Writes every other locale's files into the built site `out`.
pub fn write(out: &Path, content: &Path) -> Result {
    for locale in Locale::ALL {
        if locale == Locale::En {
            continue;
        }
        let dir = locale.dir(content);
        let b = make_bundle(&dir)?;
        let path = out.join(bundle::path(locale));
        std::fs::create_dir_all(path.parent().unwrap()).map_err(|e| e.to_string())?;
        std::fs::write(&path, b.write()).map_err(|e| format!("{}: {e}", path.display()))?;
        let texts = out.join(bundle::rule_texts_path(locale));
        std::fs::create_dir_all(texts.parent().unwrap()).map_err(|e| e.to_string())?;
        std::fs::write(&texts, rule_texts(&dir)?)
            .map_err(|e| format!("{}: {e}", texts.display()))?;
        let to = out.join("content").join(locale.tag());
        crate::site::copy_dir(&dir.join("lessons"), &to.join("lessons"))?;
        crate::site::copy_dir(&dir.join("guides"), &to.join("guides"))?;
        std::fs::copy(dir.join("glossary.md"), to.join("glossary.md"))
            .map_err(|e| format!("{}/glossary.md: {e}", dir.display()))?;
        crate::examples::write(&dir, &to.join("examples.txt"))?;
    }
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn lesson(path: &Path) -> Result<Lesson> {
    parse_lesson(&read(path)?).map_err(|errs| {
        let list: Vec<String> = errs
            .iter()
            .map(|e| format!("{}:{e}", path.display()))
            .collect();
        list.join("\n")
    })
}

/// The prose of a page's file, as build.rs compiles the English one in.
fn intro(l: &Lesson) -> String {
    l.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Prose(p) => Some(p.as_str()),
            _ => None,
        })
        .collect()
}

/// The bundle of the locale whose content is `dir` (`content/zh-CN`).
fn make_bundle(dir: &Path) -> Result<Bundle> {
    let mut b = Bundle::default();
    // Interface strings: every English key, in the English order (the
    // app's `T`), translated; an untranslated one fails here (and in
    // `bindlab lessons check`), never ships in English silently.
    let english =
        ui::read_dir(&dir.parent().unwrap_or(dir).join("ui")).map_err(|e| e.join("\n"))?;
    let translated = ui::read_dir(&dir.join("ui")).map_err(|e| e.join("\n"))?;
    let c = ui::check(&english, &translated);
    if !c.untranslated.is_empty() || !c.errors.is_empty() {
        let mut all = c.errors;
        all.extend(
            c.untranslated
                .iter()
                .map(|k| format!("{k}: not translated in {}", dir.display())),
        );
        return Err(format!(
            "the interface strings of {}:\n{}",
            dir.display(),
            all.join("\n")
        ));
    }
    b.ui_order = ui::fingerprint(english.iter().map(|e| e.key.as_str()));
    for e in &english {
        let t = translated
            .iter()
            .find(|t| t.key == e.key)
            .map_or(&e.text, |t| &t.text);
        b.ui.push((e.key.clone(), t.clone()));
    }
    // The compiled-in English texts: chapters, guides, page intros.
    for f in crate::files_ending(&dir.join("lessons"), "md")? {
        let l = lesson(&f)?;
        b.text
            .push((format!("chapter.{}.title", l.id), l.title.clone()));
        if let Some(s) = &l.summary {
            b.text
                .push((format!("chapter.{}.summary", l.id), s.clone()));
        }
    }
    for f in crate::files_ending(&dir.join("guides"), "md")? {
        let g = parse_guide(&read(&f)?).map_err(|errs| {
            format!(
                "{}: {}",
                f.display(),
                errs.iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })?;
        b.text.push((format!("guide.{}.title", g.id), g.title));
        b.text.push((format!("guide.{}.summary", g.id), g.summary));
        b.text.push((format!("guide.{}.errors", g.id), g.errors));
    }
    for page in ["course", "guides", "paste", "runtimes"] {
        let path = dir.join(format!("{page}.md"));
        if path.exists() {
            let l = lesson(&path)?;
            b.text.push((format!("{page}.title"), l.title.clone()));
            b.text.push((format!("{page}.intro"), intro(&l)));
        }
    }
    // The sandbox's first example, its title and comments translated.
    let example = dir.join("sandbox-example.bindlab");
    if example.exists() {
        b.text.push(("sandbox.example".into(), read(&example)?));
    }
    // Parser, link and cheat-sheet messages (`key = template`), a
    // challenge check's details and the paste page's sentences; the keys of
    // all but the parser's are prefixed by their file's stem in the bundle.
    for (file, prefix) in [
        ("parse.txt", ""),
        ("cheatsheet.txt", "cheatsheet."),
        ("goal.txt", "goal."),
        ("sockets.txt", "sockets."),
    ] {
        let path = dir.join(file);
        if path.exists() {
            let entries = bindlab_engine::keytext::read(&read(&path)?).map_err(|errs| {
                let list: Vec<String> = errs
                    .iter()
                    .map(|e| format!("{}: {e}", path.display()))
                    .collect();
                list.join("\n")
            })?;
            for (key, text) in entries {
                b.parse.push((format!("{prefix}{key}"), text));
            }
        }
    }
    // The runtimes table's sentences and rows' prose (`runtimes.<key>`,
    // `runtimes.row.<row-id>.<field>`; checked whole by `bindlab rules check`).
    for (file, prefix) in [
        ("runtimes.txt", "runtimes."),
        ("runtimes-rows.txt", "runtimes.row."),
    ] {
        let path = dir.join(file);
        if path.exists() {
            let entries = bindlab_engine::keytext::read(&read(&path)?)
                .map_err(|errs| format!("{}: {errs:?}", path.display()))?;
            for (key, text) in entries {
                b.text.push((format!("{prefix}{key}"), text));
            }
        }
    }
    // The rule catalogue.
    let checked = bindlab_engine::overlay_json::read(
        &read(&dir.join("rules.json"))?,
        &read(&dir.join("words.json"))?,
    );
    if !checked.errors.is_empty() {
        return Err(format!(
            "{}/rules.json: {}",
            dir.display(),
            checked.errors.join("; ")
        ));
    }
    let o = &checked.overlay;
    for r in catalogue() {
        let Some(id) = RuleId::from_id(r.id) else {
            continue;
        };
        if let Some(t) = o.rule(id) {
            if !t.title.is_empty() {
                b.titles.push((r.id.to_string(), t.title.clone()));
            }
        }
        for v in ALL_WHY_VARIANTS {
            if let Some(t) = o.why(id, *v) {
                b.why
                    .push((r.id.to_string(), v.name().to_string(), t.to_string()));
            }
        }
    }
    let mut words: Vec<(String, String)> = o
        .words()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    words.sort();
    b.words = words;
    Ok(b)
}

/// The rules' explanations in the locale (English where it has none), in
/// `static/rule-texts.tsv`'s format; the sources stay as written.
fn rule_texts(dir: &Path) -> Result<String> {
    let checked = bindlab_engine::overlay_json::read(
        &read(&dir.join("rules.json"))?,
        &read(&dir.join("words.json"))?,
    );
    let mut out = String::new();
    for r in catalogue() {
        let explanation = RuleId::from_id(r.id)
            .and_then(|id| checked.overlay.rule(id))
            .map(|t| t.explanation.as_str())
            .filter(|e| !e.is_empty())
            .unwrap_or(r.explanation);
        if explanation.contains(['\t', '\n', '\r']) {
            return Err(format!(
                "the explanation of {} holds a tab or a line break",
                r.id
            ));
        }
        out.push_str(&format!("{}\t{}\t{}\n", r.id, explanation, r.source));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zh_cn_bundle_has_every_interface_string_and_rule() {
        let content = crate::root().join("content");
        let b = make_bundle(&Locale::ZhCn.dir(&content)).unwrap();
        assert!(b.ui.iter().any(|(k, v)| k == "nav.sandbox" && v == "沙盒"));
        assert_eq!(b.titles.len(), catalogue().len());
        assert!(b.text("chapter.five-tuple.title").is_some());
        assert!(b.text("course.intro").is_some());
        assert!(b
            .text("sandbox.example")
            .is_some_and(|t| t.starts_with("title 两个")));
        // Every parser and link message, and the cheat sheet's labels.
        assert!(
            b.parse("link.future-version").is_some() && b.parse.len() > 80,
            "{}",
            b.parse.len()
        );
        // The runtimes table's sentences and notes.
        assert!(b
            .text("runtimes.restart.works")
            .is_some_and(|t| t.contains("{api}")));
        assert!(b.text("runtimes.row.go-listener.note").is_some());
        // A challenge check's details and the paste page's sentences.
        assert!(b.parse("goal.no-errors.failed-why").is_some());
        assert!(b.parse("sockets.paste.bad-line").is_some());
        // It reads back, and its overlay renders Chinese why-lines.
        let back = Bundle::read(&b.write()).unwrap();
        assert_eq!(back.ui.len(), b.ui.len());
        assert!(!back.overlay().is_empty());
    }
    // The home page's example and the menu's, translated: `examples.rs`'s
    // `every_translated_example_is_the_same_scenario`.
}
