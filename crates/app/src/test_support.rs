//! What the unit tests share: a Chinese `Tr` made as `cargo xtask dist`
//! makes its bundle (every interface string, in the English keys' order),
//! with the texts a test names and the English, bracketed, for the rest.

use bindlab_course::bundle::Bundle;
use bindlab_course::locale::Locale;

use crate::i18n::{Tr, EN, KEYS, UI_FINGERPRINT};

/// A zh-CN `Tr` with these interface strings (`key`, text) and why-lines
/// (rule id, variant, template).
pub(crate) fn zh(ui: &[(&str, &str)], why: &[(&str, &str, &str)]) -> Tr {
    zh_bundle(ui, why, &[], &[])
}

/// A zh-CN `Tr` with the engine's fixed words of `content/zh-CN/words.json`.
pub(crate) fn zh_with_words() -> Tr {
    zh_ui_with_words(&[])
}

/// A zh-CN `Tr` with these interface strings and the fixed words, as a
/// page has both (a list's 「、」, 「和」, 「或」 are words).
pub(crate) fn zh_ui_with_words(ui: &[(&str, &str)]) -> Tr {
    let words = zh_words();
    let words: Vec<(&str, &str)> = words
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    zh_bundle(ui, &[], &[], &words)
}

/// `content/zh-CN/words.json`'s (English, 中文) pairs.
fn zh_words() -> Vec<(String, String)> {
    let path = format!(
        "{}/../../content/zh-CN/words.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("the words are readable");
    // One `"English": "译文",` a line, no escapes (the engine's reader,
    // `overlay_json`, is not built for the app).
    let words: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| {
            let (k, v) = l.trim().trim_end_matches(',').split_once("\": \"")?;
            Some((
                k.strip_prefix('"')?.to_string(),
                v.strip_suffix('"')?.to_string(),
            ))
        })
        .collect();
    assert!(words.len() > 5, "words.json is read");
    words
}

/// A zh-CN `Tr` with the templates of `content/zh-CN/<file>` (`goal.txt`,
/// `sockets.txt`), keyed `<stem>.<key>` as `cargo xtask dist` bundles them.
pub(crate) fn zh_with_messages(file: &str) -> Tr {
    let path = format!("{}/../../content/zh-CN/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("the translation is readable");
    let stem = file.trim_end_matches(".txt");
    let entries: Vec<(String, String)> = bindlab_engine::keytext::read(&text)
        .expect("the translation is well formed")
        .into_iter()
        .map(|(k, t)| (format!("{stem}.{k}"), t))
        .collect();
    let refs: Vec<(&str, &str)> = entries
        .iter()
        .map(|(k, t)| (k.as_str(), t.as_str()))
        .collect();
    let words = zh_words();
    let words: Vec<(&str, &str)> = words
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    zh_bundle(&[], &[], &refs, &words)
}

/// A zh-CN `Tr` with these parser and link templates (engine key, text).
pub(crate) fn zh_with_parse(parse: &[(&str, &str)]) -> Tr {
    zh_bundle(&[], &[], parse, &[])
}

fn zh_bundle(
    ui: &[(&str, &str)],
    why: &[(&str, &str, &str)],
    parse: &[(&str, &str)],
    words: &[(&str, &str)],
) -> Tr {
    let mut b = Bundle {
        ui_order: UI_FINGERPRINT,
        ..Bundle::default()
    };
    for (k, en) in KEYS.iter().zip(EN) {
        let text = ui
            .iter()
            .find(|(key, _)| key == k)
            .map_or_else(|| format!("[{en}]"), |(_, t)| t.to_string());
        b.ui.push((k.to_string(), text));
    }
    for (id, variant, t) in why {
        b.why
            .push((id.to_string(), variant.to_string(), t.to_string()));
    }
    for (k, t) in parse {
        b.parse.push((k.to_string(), t.to_string()));
    }
    for (en, t) in words {
        b.words.push((en.to_string(), t.to_string()));
    }
    Tr::from_bundle(Locale::ZhCn, &b.write()).expect("a bundle as dist writes it")
}
