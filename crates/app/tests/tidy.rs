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

#[test]
fn listeners_go_through_gloo_and_nothing_is_a_thread_local() {
    let mut found = Vec::new();
    for (f, src) in app_sources() {
        for (n, line) in src.lines().enumerate() {
            for bad in ["Closure", "add_event_listener", "thread_local!"] {
                if line.contains(bad) && !line.trim_start().starts_with("//") {
                    found.push(format!("{}:{}: {bad}", f.display(), n + 1));
                }
            }
        }
    }
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
