//! Permalinks: a scenario, the OSes shown and the current step, in a URL
//! fragment: `#v1/linux,windows/7/<base64url of the scenario text>`.
//!
//! The version comes first so a later format can be told apart; a link this
//! release cannot read gets a message saying why, never a panic. Text is
//! carried as URL-safe base64 of its UTF-8, without padding: a five-socket
//! scenario stays well under 1,500 characters.

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
            },
        }
    }

    /// The values of the message's slots (what the link says, as written).
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            LinkError::FutureVersion(v) => vec![("version", v.clone())],
            LinkError::Malformed(Damage::UnknownOs(os)) => vec![("os", os.clone())],
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

impl Permalink {
    /// The fragment, without `#`.
    pub fn encode(&self) -> String {
        let oses: Vec<&str> = self.oses.iter().map(|o| o.key()).collect();
        format!(
            "v1/{}/{}/{}",
            oses.join(","),
            self.step,
            b64_encode(self.text.as_bytes())
        )
    }

    /// Reads a fragment (with or without `#`).
    pub fn decode(fragment: &str) -> Result<Permalink, LinkError> {
        let f = fragment.strip_prefix('#').unwrap_or(fragment);
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
        let oses: Vec<Os> = oses
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| {
                Os::from_key(s).ok_or_else(|| {
                    LinkError::Malformed(Damage::UnknownOs(s.chars().take(20).collect()))
                })
            })
            .collect::<Result<_, _>>()?;
        if oses.is_empty() {
            return Err(LinkError::Malformed(Damage::NoOs));
        }
        let step = step
            .parse::<usize>()
            .map_err(|_| LinkError::Malformed(Damage::StepNotNumber))?;
        let bytes = b64_decode(text).ok_or(LinkError::Malformed(Damage::NotBase64))?;
        let text = String::from_utf8(bytes).map_err(|_| LinkError::Malformed(Damage::NotUtf8))?;
        Ok(Permalink { text, oses, step })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
