//! The interface strings' translation contract (`bindlab_course::ui::check`):
//! every area of `content/ui/` has its `content/<locale>/ui/` file, with
//! every key translated, no key the English lacks, and the same `{slots}`.
//! A missing string would show English in the middle of a translated page.

use std::path::Path;

use bindlab_course::locale::Locale;
use bindlab_course::ui;

#[test]
fn every_interface_string_is_translated_with_its_slots() {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let mut areas: Vec<_> = std::fs::read_dir(content.join("ui"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    areas.sort();
    assert!(areas.len() >= 5, "is content/ui read?");
    let mut problems = Vec::new();
    for l in Locale::ALL.into_iter().filter(|l| *l != Locale::En) {
        for en_file in &areas {
            let area = en_file.file_stem().unwrap().to_string_lossy().to_string();
            let en = ui::read(&area, &std::fs::read_to_string(en_file).unwrap()).unwrap();
            let tr_file = content.join(l.tag()).join("ui").join(format!("{area}.txt"));
            let Ok(text) = std::fs::read_to_string(&tr_file) else {
                problems.push(format!("{}: missing", tr_file.display()));
                continue;
            };
            let tr = match ui::read(&area, &text) {
                Ok(t) => t,
                Err(errs) => {
                    problems.extend(errs.iter().map(|e| format!("{}:{e}", tr_file.display())));
                    continue;
                }
            };
            let c = ui::check(&en, &tr);
            problems.extend(
                c.untranslated
                    .iter()
                    .map(|k| format!("{}: {k} is not translated", tr_file.display())),
            );
            problems.extend(c.errors.iter().map(|e| format!("{}: {e}", tr_file.display())));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
