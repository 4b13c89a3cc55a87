//! The rule catalogue and the code agree: every id the engine can report
//! has an entry, and every entry is reachable from the code.

use std::collections::BTreeSet;

use bindlab_engine::rules::catalogue;

const SOURCES: &[&str] = &[
    include_str!("../src/host.rs"),
    include_str!("../src/os/mod.rs"),
    include_str!("../src/os/bsd.rs"),
    include_str!("../src/os/linux.rs"),
    include_str!("../src/os/freebsd.rs"),
    include_str!("../src/os/macos.rs"),
    include_str!("../src/os/windows.rs"),
];

fn ids_in_code() -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for src in SOURCES {
        for part in src.split('"').skip(1).step_by(2) {
            let prefix = part.split('.').next().unwrap_or("");
            if ["common", "linux", "bsd", "freebsd", "macos", "windows"].contains(&prefix)
                && part.matches('.').count() >= 1
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
            {
                ids.insert(part.to_string());
            }
        }
    }
    ids
}

#[test]
fn catalogue_parses_with_unique_ids_and_full_entries() {
    let cat = catalogue();
    assert!(cat.len() > 80, "catalogue has {} rules", cat.len());
    let ids: BTreeSet<&str> = cat.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), cat.len(), "duplicate rule ids");
    for r in cat {
        assert!(
            !r.title.is_empty() && r.explanation.len() > 40 && !r.source.is_empty(),
            "thin entry {}",
            r.id
        );
    }
}

#[test]
fn every_rule_in_code_is_in_the_catalogue() {
    let cat: BTreeSet<String> = catalogue().iter().map(|r| r.id.to_string()).collect();
    let missing: Vec<String> = ids_in_code().difference(&cat).cloned().collect();
    assert!(
        missing.is_empty(),
        "rules used in code but missing from rules.json: {missing:?}"
    );
}

#[test]
fn every_catalogue_entry_is_used_by_code() {
    let code = ids_in_code();
    let unused: Vec<String> = catalogue()
        .iter()
        .map(|r| r.id.to_string())
        .filter(|id| !code.contains(id))
        .collect();
    assert!(
        unused.is_empty(),
        "rules in rules.json that no code reports: {unused:?}"
    );
}
