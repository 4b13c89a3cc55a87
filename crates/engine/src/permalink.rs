//! Permalinks: a scenario, the OSes shown and the current step, in a URL
//! fragment: `#v1/linux,windows/7/<base64url of the scenario text>`.
//!
//! The version comes first so a later format can be told apart; a link this
//! release cannot read gets a message saying why, never a panic. Text is
//! carried as URL-safe base64 of its UTF-8, without padding: a five-socket
//! scenario stays well under 1,500 characters.
//!
//! The text's length in bytes comes before it (`v1/linux/0/24.c29ja2V0…`),
//! so a link cut short (a chat or mail program that wraps or truncates long
//! addresses) is told from a whole one: base64 cut at a multiple of four
//! letters decodes to a shorter but valid text, which would otherwise open
//! as a different scenario with no word said. Links made before the length
//! was written have none and open as they always did; `.` is not a base64
//! letter, so the two forms cannot be confused.

use std::fmt;

use crate::messages::{ParseMsg, Translation};
use crate::os::Os;

/// What a permalink carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Permalink {
    pub text: String,
    pub oses: Vec<Os>,
    /// Steps run (0 = none yet).
    pub step: usize,
}

/// Why a fragment is not a permalink this release can open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// `#v2/...` or later.
    FutureVersion(String),
    /// Not of the form `#v1/OSES/STEP/TEXT`.
    Malformed(Damage),
}

/// What is wrong with a damaged link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Damage {
    /// It does not start with `v1` (or a later version).
    NoVersion,
    /// Fewer than four `/`-separated parts.
    PartsMissing,
    /// An OS key this release does not know (its first 20 characters).
    UnknownOs(String),
    NoOs,
    StepNotNumber,
    NotBase64,
    NotUtf8,
    /// The length before the text is not a number.
    LengthNotNumber,
    /// The text is shorter than the length the link says: it was cut.
    CutShort {
        said: usize,
        arrived: usize,
    },
    /// The text is longer than the link says.
    TooLong {
        said: usize,
    },
}

impl LinkError {
    /// Which message says what is wrong (`link.*` in `src/parse.txt`).
    pub fn msg(&self) -> ParseMsg {
        match self {
            LinkError::FutureVersion(_) => ParseMsg::LinkFutureVersion,
            LinkError::Malformed(d) => match d {
                Damage::NoVersion => ParseMsg::LinkNoVersion,
                Damage::PartsMissing => ParseMsg::LinkPartsMissing,
                Damage::UnknownOs(_) => ParseMsg::LinkUnknownOs,
                Damage::NoOs => ParseMsg::LinkNoOs,
                Damage::StepNotNumber => ParseMsg::LinkStepNotNumber,
                Damage::NotBase64 => ParseMsg::LinkNotBase64,
                Damage::NotUtf8 => ParseMsg::LinkNotUtf8,
                Damage::LengthNotNumber => ParseMsg::LinkLengthNotNumber,
                Damage::CutShort { .. } => ParseMsg::LinkCutShort,
                Damage::TooLong { .. } => ParseMsg::LinkTooLong,
            },
        }
    }

    /// The values of the message's slots (what the link says, as written).
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            LinkError::FutureVersion(v) => vec![("version", v.clone())],
            LinkError::Malformed(Damage::UnknownOs(os)) => {
                let known: Vec<&str> = Os::ALL.iter().map(|o| o.key()).collect();
                vec![
                    ("os", os.clone()),
                    (
                        "known",
                        crate::lists::value(&known, crate::lists::Joint::And),
                    ),
                ]
            }
            LinkError::Malformed(Damage::CutShort { said, arrived }) => {
                vec![("said", said.to_string()), ("arrived", arrived.to_string())]
            }
            LinkError::Malformed(Damage::TooLong { said }) => vec![("said", said.to_string())],
            LinkError::Malformed(_) => Vec::new(),
        }
    }

    /// The message in `translation` (a locale's `parse.txt`), in English
    /// where it has none or there is none (the same as `to_string()`).
    pub fn render(&self, translation: Option<&Translation<ParseMsg>>) -> String {
        crate::messages::render_in(translation, self.msg(), &self.args())
    }
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::messages::english(self.msg(), &self.args()))
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// URL-safe base64 without padding.
pub fn b64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Inverse of [`b64_encode`]; `None` on any character outside the alphabet
/// or an impossible length.
pub fn b64_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= b64_value(c)? << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

/// The value of a letter of [`B64`], by its range rather than a search of
/// the alphabet: a long scenario's link is hundreds of thousands of them
/// (~25 ms of a 9,000-line link's opening went to the search).
fn b64_value(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// A link's OS part (`linux,windows`): each OS once, where it was first
/// named (a link edited by hand may name one twice).
fn read_oses(part: &str) -> Result<Vec<Os>, LinkError> {
    let mut oses = Vec::new();
    for s in part.split(',').filter(|s| !s.is_empty()) {
        let os = Os::from_key(s)
            .ok_or_else(|| LinkError::Malformed(Damage::UnknownOs(s.chars().take(20).collect())))?;
        if !oses.contains(&os) {
            oses.push(os);
        }
    }
    if oses.is_empty() {
        return Err(LinkError::Malformed(Damage::NoOs));
    }
    Ok(oses)
}

impl Permalink {
    /// The OSes a link names, when that part of it reads, whatever is wrong
    /// after it: a link cut short, or damaged in its step or scenario,
    /// still says which columns its reader had (the sandbox keeps them).
    /// `None` for a link of another version, or whose OS part is missing,
    /// unfinished (the link ends inside it) or names an unknown OS.
    pub fn oses_of(fragment: &str) -> Option<Vec<Os>> {
        let f = fragment.strip_prefix('#').unwrap_or(fragment);
        let f = f.replace("%2F", "/").replace("%2f", "/");
        let f = f.replace("%2C", ",").replace("%2c", ",");
        let mut parts = f.splitn(3, '/');
        if parts.next() != Some("v1") {
            return None;
        }
        let oses = parts.next()?;
        // Followed by its `/`: the whole of it arrived.
        parts.next()?;
        read_oses(oses).ok()
    }

    /// The fragment, without `#`.
    pub fn encode(&self) -> String {
        let oses: Vec<&str> = self.oses.iter().map(|o| o.key()).collect();
        format!(
            "v1/{}/{}/{}.{}",
            oses.join(","),
            self.step,
            self.text.len(),
            b64_encode(self.text.as_bytes())
        )
    }

    /// Reads a fragment (with or without `#`).
    pub fn decode(fragment: &str) -> Result<Permalink, LinkError> {
        let f = fragment.strip_prefix('#').unwrap_or(fragment);
        // Some mail programs percent-encode a link's `/` and `,`: the same
        // link, read as it was written (base64url never has a `%`).
        let unescaped;
        let f = if f.contains('%') {
            unescaped = f
                .replace("%2F", "/")
                .replace("%2f", "/")
                .replace("%2C", ",")
                .replace("%2c", ",");
            unescaped.as_str()
        } else {
            f
        };
        let mut parts = f.splitn(4, '/');
        let version = parts.next().unwrap_or("");
        if version != "v1" {
            let is_version = version.len() > 1
                && version.starts_with('v')
                && version[1..].bytes().all(|b| b.is_ascii_digit());
            return Err(if is_version && version != "v0" {
                LinkError::FutureVersion(version.to_string())
            } else {
                LinkError::Malformed(Damage::NoVersion)
            });
        }
        let (Some(oses), Some(step), Some(text)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(LinkError::Malformed(Damage::PartsMissing));
        };
        let oses = read_oses(oses)?;
        let step = step
            .parse::<usize>()
            .map_err(|_| LinkError::Malformed(Damage::StepNotNumber))?;
        let (said, text) = match text.split_once('.') {
            Some((n, t)) => (
                Some(
                    n.parse::<usize>()
                        .map_err(|_| LinkError::Malformed(Damage::LengthNotNumber))?,
                ),
                t,
            ),
            None => (None, text),
        };
        // A letter outside the alphabet is damage of its own, whatever the
        // length says (a cut leaves only letters of the alphabet).
        if text.bytes().any(|c| b64_value(c).is_none()) {
            return Err(LinkError::Malformed(Damage::NotBase64));
        }
        if let Some(said) = said {
            // Compared letters before decoding: a cut can leave a length
            // base64 cannot have, which is "cut short", not "not base64".
            // In u128: a length near usize::MAX (a link edited by hand)
            // would overflow usize, on wasm32 at 3 GB already.
            let letters = said as u128 / 3 * 4 + [0, 2, 3][said % 3];
            if (text.len() as u128) < letters {
                let arrived = text.len() / 4 * 3 + (text.len() % 4).saturating_sub(1);
                return Err(LinkError::Malformed(Damage::CutShort { said, arrived }));
            }
            if text.len() as u128 > letters {
                return Err(LinkError::Malformed(Damage::TooLong { said }));
            }
        }
        let bytes = b64_decode(text).ok_or(LinkError::Malformed(Damage::NotBase64))?;
        let text = String::from_utf8(bytes).map_err(|_| LinkError::Malformed(Damage::NotUtf8))?;
        Ok(Permalink { text, oses, step })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_with_foreign_letters_is_not_base64_and_escaped_slashes_are_read() {
        // 364 bytes said, 6 letters arrived, but `!` is no letter of the
        // alphabet: "not base64", not "cut short".
        assert_eq!(
            Permalink::decode("#v1/linux/0/364.!!!@@@"),
            Err(LinkError::Malformed(Damage::NotBase64))
        );
        let good = Permalink {
            text: "socket A tcp\n".into(),
            oses: vec![Os::Linux, Os::Windows],
            step: 1,
        };
        let link = good.encode();
        let escaped = link.replace('/', "%2F").replace(',', "%2c");
        assert_eq!(Permalink::decode(&escaped), Ok(good));
    }

    /// A new reader's review, 2026-12-06: a link cut short opened with every
    /// OS ticked though it named two; an unknown OS was said to be a cut.
    #[test]
    fn a_damaged_link_keeps_the_oses_it_names_and_an_unknown_os_is_not_a_cut() {
        let p = Permalink {
            text: "title Two servers\nsocket A tcp\nbind A 0.0.0.0:8080\n".into(),
            oses: vec![Os::Linux, Os::Windows],
            step: 1,
        };
        let f = p.encode();
        let cut = &f[..f.len() - 8];
        assert!(matches!(
            Permalink::decode(cut),
            Err(LinkError::Malformed(Damage::CutShort { .. }))
        ));
        assert_eq!(Permalink::oses_of(cut), Some(vec![Os::Linux, Os::Windows]));
        assert_eq!(
            Permalink::oses_of(&format!("#{f}")),
            Some(vec![Os::Linux, Os::Windows])
        );
        assert_eq!(
            Permalink::oses_of("#v1/windows,linux,windows/x/AA"),
            Some(vec![Os::Windows, Os::Linux])
        );
        assert_eq!(
            Permalink::oses_of("v1%2Flinux%2Cmacos%2F0%2F12.c29j"),
            Some(vec![Os::Linux, Os::MacOs])
        );
        // Cut inside the OS part, or none readable: nothing to keep.
        for none in [
            "#v1/linux,win",
            "#v1/linux",
            "#v1/solaris/0/AA",
            "#v1//0/AA",
            "#v2/linux/0/AA",
            "#hello/world",
            "",
        ] {
            assert_eq!(Permalink::oses_of(none), None, "{none}");
        }
        let e = Permalink::decode("#v1/solaris/0/AA").unwrap_err();
        assert_eq!(
            e.to_string(),
            "this link names an OS bindlab does not know, `solaris`: the OSes it knows are linux, freebsd, macos, windows."
        );
        assert!(!e.to_string().contains("cut off"));
    }

    #[test]
    fn an_os_named_twice_is_one_column_where_it_was_first_named() {
        let text = b64_encode(b"socket A tcp\n");
        let decoded = Permalink::decode(&format!("#v1/windows,linux,windows,linux/0/13.{text}"));
        assert_eq!(decoded.map(|p| p.oses), Ok(vec![Os::Windows, Os::Linux]));
    }

    #[test]
    fn b64_value_is_the_position_in_the_alphabet() {
        for c in 0..=255u8 {
            let by_search = B64.iter().position(|&x| x == c).map(|p| p as u32);
            assert_eq!(b64_value(c), by_search, "byte {c}");
        }
    }

    #[test]
    fn base64_round_trips_every_length() {
        for n in 0..40 {
            let data: Vec<u8> = (0..n).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(b64_decode(&b64_encode(&data)), Some(data));
        }
        assert_eq!(b64_encode(b"Man"), "TWFu");
        assert_eq!(b64_decode("TWE"), Some(b"Ma".to_vec()));
        assert_eq!(b64_decode("T"), None);
        assert_eq!(b64_decode("TW=="), None);
    }

    #[test]
    fn permalink_round_trip_and_errors() {
        let p = Permalink {
            text: "title é\nsocket A tcp\n".into(),
            oses: vec![Os::Linux, Os::Windows],
            step: 2,
        };
        let f = p.encode();
        assert!(f.starts_with("v1/linux,windows/2/"));
        assert_eq!(Permalink::decode(&format!("#{f}")), Ok(p));
        assert!(
            matches!(Permalink::decode("#v2/linux/0/AAAA"), Err(LinkError::FutureVersion(v)) if v == "v2")
        );
        for bad in [
            "",
            "#",
            "#v1",
            "#v1/linux",
            "#v1/solaris/0/AA",
            "#v1/linux/x/AA",
            "#v1/linux/0/@@@",
            "#v1//0/AA",
            "#hello/world",
            "#v1/linux/0/_w",
        ] {
            assert!(
                matches!(Permalink::decode(bad), Err(LinkError::Malformed(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_link_cut_short_says_so_and_one_without_a_length_opens_as_before() {
        let p = Permalink {
            text: "title Two servers\nsocket A tcp\nbind A 0.0.0.0:8080\n".into(),
            oses: vec![Os::Linux],
            step: 1,
        };
        let f = p.encode();
        assert!(
            f.starts_with(&format!("v1/linux/1/{}.", p.text.len())),
            "{f}"
        );
        // Cut at every length from inside the text to its last letter.
        let dot = f.find('.').unwrap();
        for cut in dot + 1..f.len() {
            match Permalink::decode(&f[..cut]) {
                Err(LinkError::Malformed(Damage::CutShort { said, arrived })) => {
                    assert_eq!(said, p.text.len());
                    assert!(arrived < said, "{arrived} of {said}");
                }
                other => panic!("cut at {cut}: {other:?}"),
            }
        }
        // Cut inside the length: damaged, never a scenario. (Cut just
        // before it, the link is an old one of the empty scenario, which
        // opens the empty sandbox it always did.)
        for cut in f.find("/1/").unwrap() + 4..=dot {
            assert!(Permalink::decode(&f[..cut]).is_err(), "cut at {cut}");
        }
        let e = Permalink::decode(&f[..f.len() - 4]).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "this link was cut short: its scenario is {} bytes and {} arrived. Copy the whole link again (a chat or mail program may have cut it).",
                p.text.len(),
                p.text.len() - 3
            )
        );
        assert!(matches!(
            Permalink::decode(&format!("{f}AAAA")),
            Err(LinkError::Malformed(Damage::TooLong { .. }))
        ));
        // A length no scenario has (a link edited by hand) is a link cut
        // short, not an overflow: usize::MAX / 3 * 4 does not fit.
        for said in [
            usize::MAX,
            usize::MAX - 1,
            usize::MAX / 3 * 3,
            3 << (usize::BITS - 2),
        ] {
            assert_eq!(
                Permalink::decode(&format!("v1/linux/0/{said}.AAAA")),
                Err(LinkError::Malformed(Damage::CutShort { said, arrived: 3 })),
                "{said}"
            );
        }
        assert!(matches!(
            Permalink::decode("v1/linux/0/x1.AAAA"),
            Err(LinkError::Malformed(Damage::LengthNotNumber))
        ));
        // A link made before lengths were written (no `.`) opens as it did.
        let old = format!("v1/linux/1/{}", b64_encode(p.text.as_bytes()));
        assert_eq!(Permalink::decode(&old), Ok(p.clone()));
        assert_eq!(Permalink::decode(&f), Ok(p));
        // The empty scenario.
        let empty = Permalink {
            text: String::new(),
            oses: vec![Os::Windows],
            step: 0,
        };
        assert_eq!(empty.encode(), "v1/windows/0/0.");
        assert_eq!(Permalink::decode(&empty.encode()), Ok(empty));
    }

    #[test]
    fn a_five_socket_scenario_is_compact() {
        let mut text = String::from("title Five servers\nos linux\niface 192.168.0.1 10.0.0.1\n\n");
        for i in 0..5 {
            text.push_str(&format!("socket S{i} tcp\nset S{i} SO_REUSEADDR\nset S{i} SO_REUSEPORT\nbind S{i} 0.0.0.0:8080\nlisten S{i}\n"));
        }
        text.push_str("client 192.168.0.1:8080 x10\n");
        let link = Permalink {
            text,
            oses: Os::ALL.to_vec(),
            step: 26,
        }
        .encode();
        assert!(link.len() < 1000, "{} characters", link.len());
    }
}
