//! The word of a short list a mistyped one was probably meant to be, for a
//! parser message's "did you mean …?" (`bnd` → `bind`, `SO_REUSEADR` →
//! `SO_REUSEADDR`, `REUSEPORT` → `SO_REUSEPORT`).

/// The candidate nearest to `word` (ASCII case ignored), if one is near
/// enough to be a slip rather than another word: at most one edit for a
/// word of up to five letters, two beyond (an edit: a letter added, dropped,
/// changed, or two neighbours swapped), or the candidate is the word with
/// the `SO_`/`IP_`/`IPV6_` prefix left off. Ties go to the earlier candidate.
pub fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    let len = word.chars().count();
    if len == 0 || len > 40 {
        return None;
    }
    let most = if len <= 5 { 1 } else { 2 };
    let mut best: Option<(usize, &str)> = None;
    for &c in candidates {
        let lower = c.to_ascii_lowercase();
        let d = if lower
            .split_once('_')
            .is_some_and(|(prefix, rest)| rest == word && ["so", "ip", "ipv6"].contains(&prefix))
        {
            1
        } else {
            distance(&word, &lower)
        };
        if d <= most && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Edits from `a` to `b`: insertions, deletions, substitutions and swaps of
/// neighbours (the optimal string alignment distance), by characters.
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // Three rows of the table: two back (for a swap), one back, this one.
    let mut two: Vec<usize> = vec![0; b.len() + 1];
    let mut one: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (one[j] + 1).min(row[j - 1] + 1).min(one[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(two[j - 2] + 1);
            }
            row[j] = d;
        }
        two = std::mem::replace(&mut one, row);
    }
    one[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEPS: &[&str] = &[
        "socket", "set", "bind", "listen", "connect", "close", "client",
    ];

    #[test]
    fn a_slip_finds_its_word() {
        assert_eq!(nearest("bnd", STEPS), Some("bind"));
        assert_eq!(nearest("lsiten", STEPS), Some("listen"));
        assert_eq!(nearest("conect", STEPS), Some("connect"));
        assert_eq!(nearest("Sockt", STEPS), Some("socket"));
        let opts = &["SO_REUSEADDR", "SO_REUSEPORT", "IPV6_V6ONLY"];
        assert_eq!(nearest("so_reuseadr", opts), Some("SO_REUSEADDR"));
        assert_eq!(nearest("REUSEPORT", opts), Some("SO_REUSEPORT"));
        assert_eq!(nearest("V6ONLY", opts), Some("IPV6_V6ONLY"));
    }

    #[test]
    fn another_word_finds_none() {
        assert_eq!(nearest("frobnicate", STEPS), None);
        assert_eq!(nearest("b", STEPS), None);
        assert_eq!(nearest("", STEPS), None);
        assert_eq!(nearest("x", &["so"]), None);
        assert_eq!(nearest("sendto", STEPS), None);
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("bind", "bind"), 0);
        assert_eq!(distance("bnd", "bind"), 1);
        assert_eq!(distance("bimd", "bind"), 1);
        assert_eq!(distance("bnid", "bind"), 1);
        assert_eq!(distance("", "bind"), 4);
        assert_eq!(distance("é", "e"), 1);
    }
}
