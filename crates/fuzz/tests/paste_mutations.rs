//! Pasted socket tables, damaged: each committed `paste` seed (a real
//! table of each tool) with lines dropped, repeated, swapped or borrowed
//! from another tool's table, words replaced by ones tables hold (states,
//! wildcards, groups, v4-mapped and scoped addresses, `users:((…))`, port
//! 0), characters cut or added. [`bindlab_fuzz::paste`] holds for every
//! one: no panic, every option set answered, the page's scenario parses.
//! A property test, so stable CI runs it (`PROPTEST_CASES`, as every
//! property; `xtask/src/fuzz.rs` lists it); the libFuzzer target `paste`
//! explores further on nightly.

use proptest::prelude::*;
use std::path::Path;

/// Words a table's columns hold, right or wrong for the column.
const WORDS: &[&str] = &[
    "*:*",
    "*",
    "*.*",
    "[::]:0",
    "0.0.0.0:0",
    "0.0.0.0:*",
    "[::]:*",
    "0",
    "65535",
    "65536",
    "-",
    "LISTEN",
    "TIME-WAIT",
    "TIME_WAIT",
    "ESTAB",
    "UNCONN",
    "SYN-SENT",
    "FIN-WAIT-2",
    "CLOSE_WAIT",
    "LISTENING",
    "ESTABLISHED",
    "(LISTEN)",
    "(ESTABLISHED)",
    "tcp",
    "udp",
    "tcp4",
    "tcp6",
    "tcp46",
    "udp4",
    "udp46",
    "TCP",
    "UDP",
    "IPv4",
    "IPv6",
    "127.0.0.1:8080",
    "[::1]:8080",
    "*:8080",
    "[::]:8080",
    "0.0.0.0:8080",
    "127.0.0.1.8080",
    "*.8080",
    "::1.8080",
    "127.0.0.1:8080->127.0.0.1:50000",
    "[fe80::1%eth0]:80",
    "[fe80::1]%eth0:80",
    "[::ffff:1.2.3.4]:80",
    "255.255.255.255:8080",
    "224.0.0.1:8080",
    "[ff02::1]:8080",
    "users:((\"x\",pid=1,fd=3))",
    "users:((\"a b\",pid=99999999999,fd=3),(\"y\",pid=2,fd=4))",
    "uid:0",
    "uid:4294967296",
    "v6only:1",
    "v6only:0",
    "root",
    "?",
    "",
    "\u{1f}",
    "é",
    "端口",
];

/// Characters cut into a line.
const CHARS: &[char] = &[
    ':', '.', '[', ']', '%', '*', ' ', '\t', '\u{a0}', '0', '9', '-', '(', ')', ',', '"', '=', '\r',
];

/// The seeds, read once (each case damages one).
static SEEDS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(seeds);

fn seeds() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/paste");
    let mut v: Vec<(std::path::PathBuf, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| {
            let text = std::fs::read_to_string(e.path()).expect("a seed");
            (e.path(), text)
        })
        .collect();
    v.sort();
    v.into_iter().map(|(_, t)| t).collect()
}

/// One damage: (kind, line, place, word or seed).
type Damage = (u8, usize, usize, usize);

fn damaged(seeds: &[String], seed: usize, damage: &[Damage]) -> String {
    let mut lines: Vec<String> = seeds[seed % seeds.len()]
        .lines()
        .map(str::to_string)
        .collect();
    for &(kind, line, at, pick) in damage {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let i = line % lines.len();
        let mut words: Vec<String> = lines[i].split_whitespace().map(str::to_string).collect();
        let mut chars: Vec<char> = lines[i].chars().collect();
        match kind % 10 {
            0 => drop(lines.remove(i)),
            1 => {
                let copy = lines[i].clone();
                lines.insert(i, copy);
            }
            2 => {
                let j = at % lines.len();
                lines.swap(i, j);
            }
            3 => {
                let other: Vec<&str> = seeds[pick % seeds.len()].lines().collect();
                lines.insert(i, other[at % other.len()].to_string());
            }
            4 | 5 => {
                let w = WORDS[pick % WORDS.len()].to_string();
                match words.len() {
                    0 => words.push(w),
                    n => words[at % n] = w,
                }
                lines[i] = words.join("  ");
            }
            6 => {
                if !words.is_empty() {
                    words.remove(at % words.len());
                }
                lines[i] = words.join(" ");
            }
            7 => {
                words.insert(
                    at % (words.len() + 1),
                    WORDS[pick % WORDS.len()].to_string(),
                );
                lines[i] = words.join(" ");
            }
            8 => {
                if !chars.is_empty() {
                    chars.remove(at % chars.len());
                }
                lines[i] = chars.into_iter().collect();
            }
            _ => {
                chars.insert(at % (chars.len() + 1), CHARS[pick % CHARS.len()]);
                lines[i] = chars.into_iter().collect();
            }
        }
    }
    lines.join("\n") + "\n"
}

proptest! {
    #[test]
    fn damaged_tables_are_read_and_answered_without_a_panic(
        seed in 0usize..64,
        damage in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), any::<usize>()), 1..8),
    ) {
        let text = damaged(&SEEDS, seed, &damage);
        bindlab_fuzz::paste(text.as_bytes());
    }
}
