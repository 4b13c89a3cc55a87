//! The learner's progress, and its export as a short code.
//!
//! The record is small on purpose: which lessons are done, which challenges
//! were met (or had their solution shown), the answers given to predictions,
//! and where the reader stopped. The code is the record in a compact binary
//! form, base64url, behind a version tag and a checksum, so a mistyped or
//! truncated code is refused with a reason instead of loading half a record.
//! The site stores the same code (the storage and the export share one
//! format and one parser).

use std::collections::BTreeMap;
use std::fmt;

use bindlab_engine::permalink::{b64_decode, b64_encode};
use bindlab_engine::Os;

use crate::predict::OUTCOMES;

/// What one lesson's reader has done. The code keeps up to three challenges
/// and 64 predictions per lesson, which the content check stays within.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LessonProgress {
    pub done: bool,
    /// Bit k: challenge k was met.
    pub solved: u8,
    /// Bit k: the solution of challenge k was shown.
    pub shown: u8,
    /// (prediction index in the lesson, OS) → the outcome picked.
    pub answers: BTreeMap<(u8, Os), String>,
}

impl LessonProgress {
    /// Forgets the answers given to prediction `k` (the reader tries it
    /// again): it counts as unanswered, and its code is what a record
    /// that never answered it would write.
    pub fn forget_prediction(&mut self, k: u8) {
        // One remove per OS, not `retain`: 450 bytes less in each of the
        // site's wasm builds (measured with `cargo xtask dist`).
        for os in Os::ALL {
            self.answers.remove(&(k, os));
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// The lesson the reader was last on (its id).
    pub last: Option<String>,
    pub lessons: BTreeMap<String, LessonProgress>,
}

/// Why a code was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeError {
    NotACode,
    Damaged,
    FromANewerCourse,
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CodeError::NotACode => "this is not a bindlab progress code; those start with BL1-",
            CodeError::Damaged => "the code is damaged: a character is missing or mistyped",
            CodeError::FromANewerCourse => {
                "the code comes from a newer version of the course than this one"
            }
        })
    }
}

const TAG: &str = "BL1-";
/// Whether `code` starts as a later format's code would (`BL2-`, `bl12-`):
/// such a code is a newer bindlab's, not something else pasted.
fn later_tag(code: &str) -> bool {
    let Some(rest) = code
        .get(..2)
        .filter(|p| p.eq_ignore_ascii_case("bl"))
        .map(|_| &code[2..])
    else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let n = &rest[..digits];
    digits > 0 && rest[digits..].starts_with('-') && !n.starts_with('0') && n != "1"
}

/// In an answer byte: "the outcome is a socket name, spelled out next".
const NAME: u8 = 63;

/// Fletcher-16: catches a changed, dropped or swapped character.
fn checksum(data: &[u8]) -> [u8; 2] {
    let (mut a, mut b) = (0u16, 0u16);
    for &x in data {
        a = (a + x as u16) % 255;
        b = (b + a) % 255;
    }
    [a as u8, b as u8]
}

fn os_index(os: Os) -> u8 {
    Os::ALL.iter().position(|o| *o == os).unwrap_or(0) as u8
}

impl Progress {
    pub fn lesson_mut(&mut self, id: &str) -> &mut LessonProgress {
        self.lessons.entry(id.to_string()).or_default()
    }

    /// Adds what `other` holds and this record lacks: lessons done,
    /// challenges met or shown, answers (this record's answer wins where
    /// both answered the same prediction). `last` is left as it is: which
    /// of two places is newer is the caller's to know. Two tabs that merge
    /// before every write never lose each other's work.
    pub fn merge(&mut self, other: &Progress) {
        for (id, theirs) in &other.lessons {
            let mine = self.lesson_mut(id);
            mine.done |= theirs.done;
            mine.solved |= theirs.solved;
            mine.shown |= theirs.shown;
            for (k, v) in &theirs.answers {
                mine.answers.entry(*k).or_insert_with(|| v.clone());
            }
        }
        if self.last.is_none() {
            self.last = other.last.clone();
        }
    }

    pub fn done_count(&self) -> usize {
        self.lessons.values().filter(|l| l.done).count()
    }

    /// The record as a code. `lesson_ids` is the course's contents, in order:
    /// lessons are written by their position, so the code stays short.
    pub fn encode(&self, lesson_ids: &[&str]) -> String {
        let pos = |id: &str| lesson_ids.iter().position(|l| *l == id);
        let mut b = vec![1u8];
        b.push(
            self.last
                .as_deref()
                .and_then(pos)
                .map_or(0, |p| p as u8 + 1),
        );
        for (id, l) in &self.lessons {
            let Some(p) = pos(id) else { continue };
            if *l == LessonProgress::default() {
                continue;
            }
            // Flags: bit 0 done, bits 1–3 challenges met, bits 4–6 solutions shown.
            b.extend([
                p as u8,
                l.done as u8 | (l.solved & 7) << 1 | (l.shown & 7) << 4,
            ]);
            // Answers grouped by prediction: [prediction << 2 | answers - 1],
            // then per answer [OS << 6 | outcome], outcome 63 = a name follows.
            let mut groups: BTreeMap<u8, Vec<(Os, &String)>> = BTreeMap::new();
            for ((k, os), v) in &l.answers {
                if *k < 64 {
                    groups.entry(*k).or_default().push((*os, v));
                }
            }
            b.push(groups.len() as u8);
            for (k, answers) in groups {
                b.push(k << 2 | (answers.len() as u8 - 1));
                for (os, v) in answers {
                    match OUTCOMES.iter().position(|o| o == v) {
                        Some(i) => b.push(os_index(os) << 6 | i as u8),
                        None => {
                            // A socket name (client predictions): length, then bytes,
                            // cut (on a character boundary) to what a name can be.
                            let mut end = v.len().min(100);
                            while !v.is_char_boundary(end) {
                                end -= 1;
                            }
                            let name = &v.as_bytes()[..end];
                            b.extend([os_index(os) << 6 | NAME, name.len() as u8]);
                            b.extend(name);
                        }
                    }
                }
            }
        }
        let sum = checksum(&b);
        b.extend(sum);
        format!("{TAG}{}", b64_encode(&b))
    }

    /// Reads a code made by [`Progress::encode`] (spaces and line breaks
    /// around or inside it are ignored: codes get wrapped when pasted).
    pub fn decode(code: &str, lesson_ids: &[&str]) -> Result<Progress, CodeError> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let body = code
            .strip_prefix(TAG)
            .or_else(|| code.strip_prefix("bl1-"))
            .ok_or_else(|| match later_tag(&code) {
                true => CodeError::FromANewerCourse,
                false => CodeError::NotACode,
            })?;
        let b = b64_decode(body).ok_or(CodeError::Damaged)?;
        // Only the canonical spelling: a changed last character can leave the
        // bytes as they were, and a changed code must never read as the same.
        if b64_encode(&b) != body {
            return Err(CodeError::Damaged);
        }
        if b.len() < 4 {
            return Err(CodeError::Damaged);
        }
        let (data, sum) = b.split_at(b.len() - 2);
        if checksum(data) != sum {
            return Err(CodeError::Damaged);
        }
        // The checksum (Fletcher-16) passes any run of 0x00 or of 0xFF
        // bytes ("BL1-AAAAAAAA", "BL1-////////"): such a code is typed
        // junk, not a code of another version.
        if data[0] == 0 || data.iter().all(|&x| x == 0xFF) {
            return Err(CodeError::Damaged);
        }
        if data[0] != 1 {
            return Err(CodeError::FromANewerCourse);
        }
        let id = |p: u8| -> Result<String, CodeError> {
            lesson_ids
                .get(p as usize)
                .map(|s| s.to_string())
                .ok_or(CodeError::FromANewerCourse)
        };
        let mut out = Progress {
            last: match data[1] {
                0 => None,
                p => Some(id(p - 1)?),
            },
            lessons: BTreeMap::new(),
        };
        let mut i = 2;
        let mut next = |n: usize| -> Result<&[u8], CodeError> {
            let s = data.get(i..i + n).ok_or(CodeError::Damaged)?;
            i += n;
            Ok(s)
        };
        while let Ok(head) = next(3).map(<[u8]>::to_vec) {
            let mut l = LessonProgress {
                done: head[1] & 1 != 0,
                solved: head[1] >> 1 & 7,
                shown: head[1] >> 4 & 7,
                answers: BTreeMap::new(),
            };
            for _ in 0..head[2] {
                let group = next(1)?[0];
                for _ in 0..=(group & 3) {
                    let a = next(1)?[0];
                    let os = Os::ALL[(a >> 6) as usize];
                    let value = if a & 63 == NAME {
                        let len = next(1)?[0] as usize;
                        String::from_utf8(next(len)?.to_vec()).map_err(|_| CodeError::Damaged)?
                    } else {
                        OUTCOMES
                            .get((a & 63) as usize)
                            .ok_or(CodeError::FromANewerCourse)?
                            .to_string()
                    };
                    l.answers.insert((group >> 2, os), value);
                }
            }
            out.lessons.insert(id(head[0])?, l);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_is_a_union_and_keeps_this_records_answer() {
        let mut a = Progress {
            last: Some("wildcard".into()),
            ..Default::default()
        };
        a.lesson_mut("five-tuple")
            .answers
            .insert((0, Os::Linux), "ok".into());
        a.lesson_mut("five-tuple").solved = 0b01;
        let mut b = Progress {
            last: Some("time-wait".into()),
            ..Default::default()
        };
        b.lesson_mut("five-tuple")
            .answers
            .insert((0, Os::Linux), "EADDRINUSE".into());
        b.lesson_mut("five-tuple")
            .answers
            .insert((1, Os::Windows), "ok".into());
        b.lesson_mut("five-tuple").solved = 0b10;
        b.lesson_mut("time-wait").done = true;
        a.merge(&b);
        let l = &a.lessons["five-tuple"];
        assert_eq!(l.answers[&(0, Os::Linux)], "ok");
        assert_eq!(l.answers[&(1, Os::Windows)], "ok");
        assert_eq!(l.solved, 0b11);
        assert!(a.lessons["time-wait"].done);
        assert_eq!(a.last.as_deref(), Some("wildcard"));
        let mut empty = Progress::default();
        empty.merge(&b);
        assert_eq!(empty, b);
    }

    const IDS: &[&str] = &["five-tuple", "wildcard", "reuseaddr-bsd"];

    fn sample() -> Progress {
        let mut p = Progress {
            last: Some("wildcard".into()),
            ..Default::default()
        };
        let l = p.lesson_mut("five-tuple");
        l.done = true;
        l.solved = 1;
        l.answers.insert((0, Os::Linux), "ok".into());
        l.answers.insert((1, Os::Windows), "WSAEADDRINUSE".into());
        let w = p.lesson_mut("wildcard");
        w.shown = 1;
        w.answers.insert((2, Os::MacOs), "server".into());
        p
    }

    #[test]
    fn a_code_round_trips_and_stays_short() {
        let p = sample();
        let code = p.encode(IDS);
        assert!(code.starts_with("BL1-") && code.len() < 60, "{code}");
        assert_eq!(Progress::decode(&code, IDS), Ok(p.clone()));
        // Wrapped by a mail client.
        let wrapped = format!("  {}\n{}  ", &code[..20], &code[20..]);
        assert_eq!(Progress::decode(&wrapped, IDS), Ok(p));
    }

    #[test]
    fn damaged_codes_are_refused_with_a_reason() {
        let code = sample().encode(IDS);
        assert_eq!(Progress::decode("hello", IDS), Err(CodeError::NotACode));
        assert_eq!(
            Progress::decode(&code[..code.len() - 3], IDS),
            Err(CodeError::Damaged)
        );
        // Every single-character change is caught.
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for i in 4..code.len() {
            for c in alphabet.chars() {
                let mut bad = code.clone();
                if bad[i..].starts_with(c) {
                    continue;
                }
                bad.replace_range(i..i + 1, &c.to_string());
                assert!(Progress::decode(&bad, IDS) != Ok(sample()), "{bad}");
            }
        }
        // A lesson this course does not have.
        assert_eq!(
            Progress::decode(&code, &IDS[..1]),
            Err(CodeError::FromANewerCourse)
        );
        // Runs of zero or all-ones bytes pass the checksum: typed junk,
        // not a newer course's code.
        // A later format's tag: a newer bindlab's code, said as such.
        for later in ["BL2-AAAAAAAA", "bl12-xyz", " BL9-AAAA "] {
            assert_eq!(
                Progress::decode(later, IDS),
                Err(CodeError::FromANewerCourse),
                "{later}"
            );
        }
        for other in [
            "BL0-AAAA", "BL-AAAA", "BLA-AAAA", "BL2AAAA", "hello", "B", "",
        ] {
            assert_eq!(
                Progress::decode(other, IDS),
                Err(CodeError::NotACode),
                "{other}"
            );
        }
        for junk in ["BL1-AAAAAAAA", "BL1-________", "BL1-AAAAAAAAAAAA"] {
            assert_eq!(
                Progress::decode(junk, IDS),
                Err(CodeError::Damaged),
                "{junk}"
            );
        }
        // A well-formed code of the next version is a newer course's.
        let mut v2 = vec![2u8, 0];
        v2.extend(checksum(&v2));
        let v2 = format!("{TAG}{}", b64_encode(&v2));
        assert_eq!(Progress::decode(&v2, IDS), Err(CodeError::FromANewerCourse));
    }

    #[test]
    fn every_outcome_fits_in_an_answer_byte() {
        assert!(OUTCOMES.len() < NAME as usize);
    }

    /// A piece of a progress record: a lesson head, a group byte, an
    /// answer, a name, or a stray byte.
    fn piece() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        prop_oneof![
            (0u8..4, prop_oneof![Just(0u8), any::<u8>()], 0u8..3)
                .prop_map(|(l, f, g)| vec![l, f, g]),
            (0u8..64, 0u8..4).prop_map(|(k, n)| vec![k << 2 | n]),
            (0u8..4, 0u8..(OUTCOMES.len() as u8 + 1)).prop_map(|(os, o)| vec![os << 6 | o]),
            (0u8..4, prop::collection::vec(any::<u8>(), 0..4)).prop_map(|(os, name)| {
                let mut v = vec![os << 6 | NAME, name.len() as u8];
                v.extend(name);
                v
            }),
            any::<u8>().prop_map(|b| vec![b]),
        ]
    }

    proptest::proptest! {
        /// Any bytes behind a valid tag and checksum (what a damaged store
        /// or a hand-made code can hold) decode to a record or an error,
        /// never a panic. The bytes are pieces shaped like the record's
        /// parts (lesson heads, group bytes, answers, names) in any order,
        /// so decoding reaches every part, not only the header checks.
        /// A record that decodes gives a code that reads back: encoding
        /// leaves out what carries nothing (an untouched lesson, a repeated
        /// entry), so after that one round the code is stable.
        #[test]
        fn any_checksummed_bytes_decode_without_panic(
            head in proptest::collection::vec(proptest::num::u8::ANY, 2),
            pieces in proptest::collection::vec(piece(), 0..10),
            version_one: bool,
        ) {
            let mut data = head;
            if version_one {
                data[0] = 1;
                data[1] %= 4;
            }
            data.extend(pieces.concat());
            let sum = checksum(&data);
            data.extend(sum);
            let code = format!("{TAG}{}", b64_encode(&data));
            if let Ok(p) = Progress::decode(&code, IDS) {
                let once = p.encode(IDS);
                let again = Progress::decode(&once, IDS);
                proptest::prop_assert!(again.is_ok(), "{once} does not read back: {again:?}");
                proptest::prop_assert_eq!(again.unwrap().encode(IDS), once);
            }
        }

        #[test]
        fn any_text_decodes_without_panic(text in "\\PC{0,120}") {
            let _ = Progress::decode(&text, IDS);
            let _ = Progress::decode(&format!("BL1-{text}"), IDS);
        }
    }

    #[test]
    fn a_forgotten_prediction_is_unanswered_and_its_code_as_if_never_answered() {
        let ids = IDS;
        let mut p = sample();
        let l = p.lesson_mut("five-tuple");
        l.answers.insert((1, Os::Linux), "EADDRINUSE".into());
        l.forget_prediction(1);
        assert_eq!(
            l.answers.keys().copied().collect::<Vec<_>>(),
            [(0, Os::Linux)],
            "prediction 1's answers gone, prediction 0's kept"
        );
        let mut never = sample();
        never
            .lesson_mut("five-tuple")
            .answers
            .remove(&(1, Os::Windows));
        assert_eq!(p.encode(ids), never.encode(ids));
        assert_eq!(Progress::decode(&p.encode(ids), ids), Ok(never));
    }

    #[test]
    fn the_empty_record_has_a_code_too() {
        let p = Progress::default();
        assert_eq!(Progress::decode(&p.encode(IDS), IDS), Ok(p));
    }
}
