//! Reading a translated catalogue (`content/<locale>/rules.json`) and
//! checking it against the English one: the same ids, each `why` the same
//! shape (text, or an object of the same variant keys) with the same
//! `{slot}`s in each template. Behind the `locales` feature, so the wasm
//! build carries no JSON parser; the site will fetch the file per locale.

use serde_json::{Map, Value};

use crate::rules::{slots_of, Overlay, RuleId, Translated, WhyVariant, RULES_JSON};

/// What a translated catalogue holds and lacks.
#[derive(Debug, Default)]
pub struct Checked {
    pub overlay: Overlay,
    /// Rules of the English catalogue it does not translate (a warning).
    pub untranslated: Vec<RuleId>,
    /// What is malformed (an error): each as `id: message`.
    pub errors: Vec<String>,
}

/// The English catalogue's `why`s: id → (variant key → template), and
/// whether `why` is one text.
fn english() -> Vec<(String, Option<Value>)> {
    let v: Vec<Map<String, Value>> = serde_json::from_str(RULES_JSON).unwrap_or_default();
    v.into_iter()
        .map(|r| {
            let id = r
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            (id, r.get("why").cloned())
        })
        .collect()
}

/// The templates of a `why` value: (variant key, text); `Err` for a shape
/// that is neither.
fn templates(why: Option<&Value>) -> Result<Vec<(String, String)>, String> {
    match why {
        None => Ok(Vec::new()),
        Some(Value::String(t)) => Ok(vec![(String::new(), t.clone())]),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| match v {
                Value::String(t) => Ok((k.clone(), t.clone())),
                _ => Err(format!("why `{k}` is not text")),
            })
            .collect(),
        Some(_) => Err("`why` is neither text nor an object".to_string()),
    }
}

fn sorted_slots(t: &str) -> Vec<&str> {
    let mut v = slots_of(t);
    v.sort_unstable();
    v
}

/// Reads `rules` (the translated catalogue) and `words` (a JSON object of
/// the engine's fixed words: English → this language) and checks them
/// against the English catalogue.
pub fn read(rules: &str, words: &str) -> Checked {
    let mut out = Checked::default();
    let words: Vec<(String, String)> = match serde_json::from_str::<Map<String, Value>>(words) {
        Ok(m) => m
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
            .collect(),
        Err(e) => {
            out.errors
                .push(format!("words: not a JSON object of texts: {e}"));
            Vec::new()
        }
    };
    let list: Vec<Value> = match serde_json::from_str(rules) {
        Ok(Value::Array(v)) => v,
        Ok(_) => {
            out.errors.push("rules: not a JSON list".to_string());
            Vec::new()
        }
        Err(e) => {
            out.errors.push(format!("rules: not JSON: {e}"));
            Vec::new()
        }
    };
    let english = english();
    let mut translated = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (k, r) in list.iter().enumerate() {
        let Some(r) = r.as_object() else {
            out.errors.push(format!("entry {}: not an object", k + 1));
            continue;
        };
        let Some(id) = r.get("id").and_then(Value::as_str) else {
            out.errors.push(format!("entry {}: no `id`", k + 1));
            continue;
        };
        let Some(rule) = RuleId::from_id(id) else {
            out.errors
                .push(format!("{id}: no such rule in the English catalogue"));
            continue;
        };
        if !seen.insert(rule) {
            out.errors.push(format!("{id}: translated twice"));
            continue;
        }
        let mut bad = Vec::new();
        for key in r.keys() {
            if !["id", "title", "explanation", "why"].contains(&key.as_str()) {
                bad.push(format!(
                    "`{key}` is not translated (only title, explanation and why are)"
                ));
            }
        }
        let text = |k: &str, bad: &mut Vec<String>| match r.get(k).and_then(Value::as_str) {
            Some(t) if !t.trim().is_empty() => t.to_string(),
            _ => {
                bad.push(format!("`{k}` missing or empty"));
                String::new()
            }
        };
        let title = text("title", &mut bad);
        let explanation = text("explanation", &mut bad);
        let en = english
            .iter()
            .find(|(e, _)| e == id)
            .and_then(|(_, w)| w.clone());
        let mut why = Vec::new();
        match (templates(en.as_ref()), templates(r.get("why"))) {
            (_, Err(e)) => bad.push(e),
            (Err(_), _) => {}
            (Ok(en_t), Ok(zh_t)) => {
                let en_shape = matches!(en, Some(Value::Object(_)));
                let zh_shape = matches!(r.get("why"), Some(Value::Object(_)));
                if en.is_some() && en_shape != zh_shape {
                    bad.push(format!(
                        "`why` must be {} as in English",
                        if en_shape {
                            "an object of variants"
                        } else {
                            "one text"
                        }
                    ));
                }
                let keys = |t: &[(String, String)]| {
                    let mut k: Vec<String> = t.iter().map(|(k, _)| k.clone()).collect();
                    k.sort();
                    k
                };
                if keys(&en_t) != keys(&zh_t) {
                    bad.push(format!(
                        "why variants {:?}, English has {:?}",
                        keys(&zh_t),
                        keys(&en_t)
                    ));
                }
                for (k, t) in &zh_t {
                    if let Some((_, e)) = en_t.iter().find(|(ek, _)| ek == k) {
                        if sorted_slots(t) != sorted_slots(e) {
                            bad.push(format!(
                                "why{}: slots {:?}, English has {:?}",
                                if k.is_empty() {
                                    String::new()
                                } else {
                                    format!(" `{k}`")
                                },
                                sorted_slots(t),
                                sorted_slots(e)
                            ));
                        }
                    }
                    if let Some(v) = WhyVariant::from_name(k) {
                        why.push((v, t.clone()));
                    }
                }
            }
        }
        if bad.is_empty() {
            translated.push((
                rule,
                Translated {
                    title,
                    explanation,
                    why,
                },
            ));
        } else {
            out.errors
                .extend(bad.into_iter().map(|m| format!("{id}: {m}")));
        }
    }
    out.untranslated = RuleId::ALL
        .iter()
        .copied()
        .filter(|r| !seen.contains(r))
        .collect();
    out.overlay = Overlay::new(translated, words);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args;
    use crate::rules::{render_why, set_overlay, Slot};

    const ONE: &str = r#"[{"id":"common.no-such-socket","title":"套接字从未创建","explanation":"解释","why":"{socket} 不存在"}]"#;

    #[test]
    fn a_good_entry_is_read_and_the_rest_listed_untranslated() {
        let c = read(ONE, "{}");
        assert_eq!(c.errors, Vec::<String>::new());
        assert_eq!(c.untranslated.len(), RuleId::ALL.len() - 1);
        assert!(!c.untranslated.contains(&RuleId::CommonNoSuchSocket));
    }

    #[test]
    fn the_overlay_renders_why_lines_and_english_stays_without_it() {
        let c = read(ONE, "{}");
        set_overlay(Some(std::rc::Rc::new(c.overlay)));
        let zh = render_why(
            RuleId::CommonNoSuchSocket,
            WhyVariant::Usual,
            args![Slot::Socket => "A"],
        );
        set_overlay(None);
        let en = render_why(
            RuleId::CommonNoSuchSocket,
            WhyVariant::Usual,
            args![Slot::Socket => "A"],
        );
        assert_eq!(zh, "A 不存在");
        assert!(en.starts_with("A does not exist"), "{en}");
    }

    #[test]
    fn fixed_words_and_lists_take_the_overlays_forms() {
        let o = Overlay::new(
            [],
            [
                ("and".to_string(), "和".to_string()),
                ("listening".to_string(), "监听".to_string()),
            ],
        );
        let mut s = String::new();
        o.write_arg(
            &mut s,
            &crate::rules::Arg::NamesAnd(vec!["A".into(), "B".into()]),
        );
        o.write_arg(&mut s, &crate::rules::Arg::Word("listening"));
        o.write_arg(
            &mut s,
            &crate::rules::Arg::NamesOr(vec!["C".into(), "D".into()]),
        );
        assert_eq!(s, "A和B监听C or D");
    }

    #[test]
    fn a_changed_slot_is_an_error() {
        let c = read(&ONE.replace("{socket}", "{sockets}"), "{}");
        assert_eq!(c.errors.len(), 1, "{:?}", c.errors);
        assert!(c.errors[0].contains("slots"), "{:?}", c.errors);
    }

    #[test]
    fn a_why_of_another_shape_is_an_error() {
        let c = read(
            &ONE.replace(r#""{socket} 不存在""#, r#"{"":"{socket} 不存在"}"#),
            "{}",
        );
        assert!(
            c.errors.iter().any(|e| e.contains("one text")),
            "{:?}",
            c.errors
        );
    }

    #[test]
    fn unknown_ids_repeats_and_sources_are_errors() {
        let c = read(&ONE.replace("common.no-such-socket", "common.nope"), "{}");
        assert!(c.errors[0].contains("no such rule"), "{:?}", c.errors);
        let twice = format!("[{0},{0}]", &ONE[1..ONE.len() - 1]);
        assert!(read(&twice, "{}").errors[0].contains("twice"));
        let src = ONE.replace(r#""why""#, r#""source":"x","why""#);
        assert!(read(&src, "{}").errors[0].contains("`source`"));
        assert!(!read("{", "{}").errors.is_empty());
    }

    #[test]
    fn variant_keys_must_match() {
        // A rule whose English `why` is an object of variants.
        let en = english();
        let (id, why) = en
            .iter()
            .find(|(_, w)| matches!(w, Some(Value::Object(m)) if m.len() > 1))
            .expect("a rule with variants");
        let mut m = why.clone().unwrap().as_object().unwrap().clone();
        let first = m.keys().next().unwrap().clone();
        m.remove(&first);
        let entry = serde_json::json!([{"id": id, "title": "t", "explanation": "e", "why": m}]);
        let c = read(&entry.to_string(), "{}");
        assert!(
            c.errors.iter().any(|e| e.contains("variants")),
            "{:?}",
            c.errors
        );
    }
}
