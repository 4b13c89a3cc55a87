//! The app's layout rules that a machine can check (issue #13): small
//! files, and the browser reached through `browser/` and `hooks/` — no
//! hand-rolled `Closure` listener (a listener is a gloo `EventListener`,
//! removed when its component goes), no thread-local global.

mod common;

use common::app_sources;

#[test]
fn no_file_is_a_grab_bag() {
    const MAX_LINES: usize = 400;
    let long: Vec<String> = app_sources()
        .iter()
        .filter(|(_, src)| src.lines().count() > MAX_LINES)
        .map(|(f, src)| format!("{}: {} lines", f.display(), src.lines().count()))
        .collect();
    assert!(
        long.is_empty(),
        "split these by concern (at most {MAX_LINES} lines):\n{}",
        long.join("\n")
    );
}

/// Each line of `sources` (comments aside) that names one of `words`, as
/// `file:line: word`.
fn uses(sources: &[(std::path::PathBuf, String)], words: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (f, src) in sources {
        for (n, line) in src.lines().enumerate() {
            for bad in words {
                if line.contains(bad) && !line.trim_start().starts_with("//") {
                    found.push(format!("{}:{}: {bad}", f.display(), n + 1));
                }
            }
        }
    }
    found
}

/// The one callback of the app's own: an IntersectionObserver's (gloo has
/// no wrapper), disconnected when its `OnScreen` is dropped. Its file names
/// `Closure` this many times (its import, the field, the constructor).
const OWN_CALLBACK: (&str, usize) = ("src/browser/on_screen.rs:", 3);

#[test]
fn listeners_go_through_gloo_and_nothing_is_a_thread_local() {
    let mut found = uses(
        &app_sources(),
        &["Closure", "add_event_listener", "thread_local!"],
    );
    let own =
        |f: &String| f.replace('\\', "/").contains(OWN_CALLBACK.0) && f.ends_with(": Closure");
    assert_eq!(
        found.iter().filter(|f| own(f)).count(),
        OWN_CALLBACK.1,
        "a second callback of the app's own? {found:?}"
    );
    found.retain(|f| !own(f));
    assert!(
        found.is_empty(),
        "use hooks::use_window_event (gloo-events) and context instead:\n{}",
        found.join("\n")
    );
}

/// Every page is prerendered and hydrated (issue #15): a component's first
/// render must not read the browser, or the browser's first render differs
/// from the server's. State starts from props and constants; storage, the
/// fragment and the window are read in effects. This looks at what a hook's
/// initial value is made from (`use_state(|| …)`, `use_reducer(…)`,
/// `use_memo(…)`, `use_mut_ref(…)`) and refuses the browser readers in it.
/// (The sandbox's `initial_state` reads the fragment: at a permalink the
/// page is rendered afresh, not hydrated; `run_page` in lib.rs decides.)
#[test]
fn no_first_render_reads_the_browser() {
    const HOOKS: [&str; 4] = ["use_state(", "use_reducer(", "use_memo(", "use_mut_ref("];
    const READERS: [&str; 9] = [
        "location_hash",
        "fragment()",
        "read_draft",
        "remembered()",
        "session_storage",
        "local_storage",
        "LocalStorage",
        "Store::load",
        "window()",
    ];
    let mut found = Vec::new();
    for (f, src) in app_sources() {
        for hook in HOOKS {
            for (at, _) in src.match_indices(hook) {
                // The call's arguments, up to the matching parenthesis.
                let rest = &src[at + hook.len()..];
                let mut depth = 1;
                let end = rest
                    .char_indices()
                    .find(|&(_, c)| {
                        depth += match c {
                            '(' => 1,
                            ')' => -1,
                            _ => 0,
                        };
                        depth == 0
                    })
                    .map_or(rest.len(), |(i, _)| i);
                for bad in READERS {
                    if rest[..end].contains(bad) {
                        let line = src[..at].lines().count();
                        found.push(format!("{}:{line}: {hook}… reads {bad}", f.display()));
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "start from props or constants and read the browser in an effect (the page is hydrated):\n{}",
        found.join("\n")
    );
}

/// Unicode case conversion links the standard library's case tables (~13 KB
/// of every first load, measured); the site's texts are English and
/// Chinese, so ASCII case (`to_ascii_lowercase`, `make_ascii_uppercase`)
/// says the same. The app's sources and the crates its wasm links (their
/// tests and the export runtimes, which are programs' text, aside).
#[test]
fn no_unicode_case_tables() {
    let mut sources = app_sources();
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for krate in ["engine", "course", "sockets"] {
        let mut stack = vec![crates.join(krate).join("src")];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() && !p.ends_with("export/runtime") {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("tests.rs") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    // A file's own tests come last, after `#[cfg(test)]`.
                    let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
                    sources.push((p, code));
                }
            }
        }
    }
    assert!(sources.len() > 100, "read {} files", sources.len());
    let found = uses(
        &sources,
        &[
            "to_lowercase",
            "to_uppercase",
            "is_lowercase",
            "is_uppercase",
        ],
    );
    assert!(
        found.is_empty(),
        "use the ASCII forms:\n{}",
        found.join("\n")
    );
}

/// The sandbox build leaves out the English texts of the course's areas of
/// `content/ui/` (`build.rs`'s `COURSE_AREAS`): only `src/course/` may name
/// their keys, or the sandbox and the widgets would show an empty string.
#[test]
fn only_the_course_names_the_course_areas_keys() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let build = std::fs::read_to_string(dir.join("build.rs")).unwrap();
    let list = build
        .split("const COURSE_AREAS: &[&str] = &[")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("build.rs lists COURSE_AREAS");
    let areas: Vec<&str> = list
        .split(',')
        .map(|a| a.trim().trim_matches('"'))
        .filter(|a| !a.is_empty())
        .collect();
    assert!(areas.contains(&"lesson"), "{areas:?}");
    // `lesson.no_such_chapter` → `LessonNoSuchChapter`, as build.rs names them.
    let variant = |key: &str| -> String {
        key.split(['.', '_'])
            .map(|w| w[..1].to_ascii_uppercase() + &w[1..])
            .collect()
    };
    let mut course_only = std::collections::BTreeSet::new();
    for area in &areas {
        let file = dir.join(format!("../../content/ui/{area}.txt"));
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            if let Some((key, _)) = line.split_once(" = ") {
                course_only.insert(variant(key.trim()));
            }
        }
    }
    assert!(course_only.len() > 50, "read {} keys", course_only.len());
    let mut found = Vec::new();
    for (f, src) in app_sources() {
        if f.components().any(|c| c.as_os_str() == "course") {
            continue;
        }
        for (n, line) in src.lines().enumerate() {
            for word in line.split("T::").skip(1) {
                let name: String = word
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if course_only.contains(&name) {
                    found.push(format!("{}:{}: T::{name}", f.display(), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the sandbox build has no English text for these (move the key to a shared area, or the view under src/course/):\n{}",
        found.join("\n")
    );
}

/// The texts only the prerenderer writes, into a page's HTML and its
/// `<head>` (`src/prerender.rs`, run natively at build time): a wasm build
/// keeps a key's English text only when a file it compiles names the key
/// (`build.rs`'s `named_in_wasm`), so these stay out of both wasm builds
/// (~2.4 KB with the runtimes page's texts in the sandbox build, measured)
/// as long as no view names them.
#[test]
fn the_prerenderers_texts_stay_out_of_the_wasm() {
    const PRERENDER_ONLY: &[&str] = &[
        "PageSandboxDescription",
        "PageContentsDescription",
        "PageGlossaryDescription",
        "PageRulesDescription",
        "PageGuidesDescription",
        "PagePasteDescription",
        "PageRuntimesDescription",
        "PageNotFoundTitle",
        "PageNotFoundHeading",
        "PageNotFoundText",
        "PageNoscriptNote",
        "PageBootNoWasm",
        "PageBootFailed",
    ];
    let (prerenderer, wasm): (Vec<_>, Vec<_>) = app_sources().into_iter().partition(|(f, _)| {
        f.ends_with("src/prerender.rs")
            || f.ends_with("src/test_support.rs")
            || f.components().any(|c| c.as_os_str() == "bin")
    });
    let named: Vec<String> = PRERENDER_ONLY.iter().map(|k| format!("T::{k}")).collect();
    let named: Vec<&str> = named.iter().map(String::as_str).collect();
    // The list is the prerenderer's: each one is written there.
    let written = uses(&prerenderer, &named);
    for k in &named {
        assert!(
            written.iter().any(|w| w.ends_with(&format!(": {k}"))),
            "{k} is no longer the prerenderer's: update this list"
        );
    }
    let found = uses(&wasm, &named);
    assert!(
        found.is_empty(),
        "these texts are the prerenderer's; a view that shows one puts it back into the wasm (build.rs keeps what a compiled file names): show it from the prerendered HTML, or drop it from this list and count its bytes:\n{}",
        found.join("\n")
    );
}

/// The site's CSP (`style-src 'self'`) blocks every `style` attribute, so
/// one written in the markup or set as an attribute would be dropped in
/// the browser (and the prerendered page's would log a violation): a length goes through a
/// class, or CSSOM from script (`dom::set_style`), which the CSP allows.
#[test]
fn no_style_attribute_in_the_markup() {
    let found = uses(
        &app_sources(),
        &[" style=", "<style", "set_attribute(\"style\""],
    );
    assert!(
        found.is_empty(),
        "a style attribute the CSP blocks: {found:?}"
    );
}
