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
