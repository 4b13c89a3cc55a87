//! The rule catalogue and the code agree: every id the engine can report
//! has an entry (by type: `RuleId` is generated from rules.json), and every
//! entry is reachable from the code.

use std::collections::BTreeSet;

use bindlab_engine::rules::{catalogue, RuleId, WhyVariant};

const SOURCES: &[&str] = &[
    include_str!("../src/os/mod.rs"),
    include_str!("../src/os/common.rs"),
    include_str!("../src/os/bsd.rs"),
    include_str!("../src/os/bsd_udp.rs"),
    include_str!("../src/os/linux.rs"),
    include_str!("../src/os/linux/udp.rs"),
    include_str!("../src/os/freebsd.rs"),
    include_str!("../src/os/macos.rs"),
    include_str!("../src/os/windows.rs"),
    include_str!("../src/host/apply.rs"),
];

/// The rules the engine's code names: `RuleId::Variant` in its sources. A
/// rule id that is not in the catalogue does not compile (`RuleId` is
/// generated from rules.json), so only the other direction needs a test.
fn rules_in_code() -> BTreeSet<RuleId> {
    RuleId::ALL
        .into_iter()
        .filter(|r| {
            let name = format!("RuleId::{}", r.rust_name());
            SOURCES.iter().any(|src| {
                src.match_indices(&name).any(|(i, _)| {
                    // Not a longer variant that starts the same way.
                    !src[i + name.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
                })
            })
        })
        .collect()
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
fn every_catalogue_entry_is_used_by_code() {
    let code = rules_in_code();
    let unused: Vec<&str> = RuleId::ALL
        .into_iter()
        .filter(|r| !code.contains(r))
        .map(RuleId::as_str)
        .collect();
    assert!(
        unused.is_empty(),
        "rules in rules.json that no code reports: {unused:?}"
    );
}

/// The families whose why-lines are templates in rules.json (filled by
/// `rules::render_why`), not English built in code. A family joins this
/// list when all its rules have moved.
const TEMPLATED: &[&str] = &[
    "common.", "linux.", "bsd.", "freebsd.", "macos.", "windows.",
];

#[test]
fn templated_families_have_a_why_for_every_rule() {
    for r in catalogue() {
        if TEMPLATED.iter().any(|p| r.id.starts_with(p)) {
            assert!(
                r.why
                    .iter()
                    .any(|(v, t)| *v == WhyVariant::Usual && !t.is_empty()),
                "{} has no why template",
                r.id
            );
        }
    }
}

#[test]
fn render_fills_slots_and_leaves_a_missing_one_visible() {
    use bindlab_engine::args;
    use bindlab_engine::rules::{render_why, Slot};
    assert_eq!(
        render_why(
            RuleId::CommonNoSuchSocket,
            WhyVariant::Usual,
            args![Slot::Socket => "c"]
        ),
        "c does not exist: the step that would have created it failed"
    );
    assert_eq!(
        render_why(RuleId::CommonNoSuchSocket, WhyVariant::Usual, Vec::new()),
        "{socket} does not exist: the step that would have created it failed"
    );
}

/// Every `.rs` file of `src/<dir>`, with its text.
fn sources_under(dir: &str) -> Vec<(String, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(dir);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable source");
            (
                format!("{dir}/{}", p.file_name().unwrap().to_string_lossy()),
                text,
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_host_names_no_rule() {
    // The host looks up and applies; every decision, the common.* ones
    // included, is made under os/ (os/common.rs for what every OS shares).
    // The shared lookups (os/pcb.rs) find sockets and decide nothing either.
    let mut files = sources_under("host");
    assert!(files.len() >= 5, "host/ has only {} files", files.len());
    files.push((
        "os/pcb.rs".to_string(),
        include_str!("../src/os/pcb.rs").to_string(),
    ));
    for (file, src) in files {
        assert!(
            !src.contains("RuleId::") && !src.contains("fail_with(") && !src.contains("ok_with("),
            "{file} names a rule: decide it in os/common.rs or an OS module"
        );
    }
}

#[test]
fn every_why_variant_is_written_by_code() {
    // A wording of a why-line that no code asks for is dead text; the
    // variants are a type (`WhyVariant`, generated from rules.json), so a
    // misspelt one does not compile.
    let mut variants: Vec<WhyVariant> = catalogue()
        .iter()
        .flat_map(|r| r.why.iter().map(|(v, _)| *v))
        .filter(|v| *v != WhyVariant::Usual)
        .collect();
    variants.sort();
    variants.dedup();
    assert!(variants.len() >= 10, "only {} variants", variants.len());
    for v in variants {
        let name = format!("WhyVariant::{v:?}");
        assert!(
            SOURCES
                .iter()
                .any(|src| src.match_indices(&name).any(|(i, _)| {
                    !src[i + name.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
                })),
            "why variant `{}` ({name}) is in rules.json but no code renders it",
            v.name()
        );
    }
}
