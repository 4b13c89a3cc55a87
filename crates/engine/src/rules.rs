//! The rule catalogue: every rule id the engine can report, with a title, a
//! paragraph of explanation and its source. It is data (`rules.json`, turned
//! into a static table and the [`RuleId`] enum by `build.rs`), so the CLI,
//! the UI and the lessons all read the same text, and the engine's code can
//! name only rules the catalogue has.

use std::fmt::{self, Write};
use std::net::IpAddr;
use std::str::FromStr;

use serde::Serialize;

use crate::addr::SockAddr;
use crate::lists::{Joint, Lists};

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub title: &'static str,
    pub explanation: &'static str,
    /// Kernel function or document section, with the os-rules.md section.
    pub source: &'static str,
    /// The why-line templates: (variant, text with `{slot}`s);
    /// [`WhyVariant::Usual`] is the usual one. Rendered by [`render_why`].
    #[serde(skip)]
    pub why: &'static [(WhyVariant, &'static str)],
}

/// A socket's name as a why-line keeps it: shared with the socket, so
/// naming the eight listeners of a crowded port copies no text.
pub type Name = std::rc::Rc<str>;

/// A typed value for a why-line slot. Rendered only by [`render_why`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A name from the scenario: a socket, a user (shared with the socket:
    /// naming one copies no text).
    Name(Name),
    /// Several names, written "A, B".
    Names(Vec<Name>),
    /// Several names, written "A and B".
    NamesAnd(Vec<Name>),
    /// Several names, written "A or B".
    NamesOr(Vec<Name>),
    /// A why-line already rendered, that another one extends.
    Line(String),
    /// An address and port.
    Addr(SockAddr),
    /// An address.
    Ip(IpAddr),
    /// A port, a count, a number of seconds.
    Num(u64),
    /// A fixed word of bindlab's (an option's name, a state, an OS).
    Word(&'static str),
    /// A connection's two ends, written "local↔remote".
    Tuple(SockAddr, SockAddr),
    /// Another why-line template's text, written when this line is (a
    /// TIME_WAIT named as "the TIME_WAIT left by A …": most lines that
    /// name one are never read).
    Nested(std::rc::Rc<crate::why::Why>),
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Name(s) => f.write_str(s),
            Arg::Names(v) => f.write_str(&Lists::ENGLISH.join(v, Joint::Comma)),
            Arg::NamesAnd(v) => f.write_str(&Lists::ENGLISH.join(v, Joint::And)),
            Arg::NamesOr(v) => f.write_str(&Lists::ENGLISH.join(v, Joint::Or)),
            Arg::Line(s) => f.write_str(s),
            Arg::Addr(a) => write!(f, "{a}"),
            Arg::Ip(ip) => write!(f, "{ip}"),
            Arg::Num(n) => write!(f, "{n}"),
            Arg::Word(w) => f.write_str(w),
            Arg::Tuple(l, r) => write!(f, "{l}↔{r}"),
            Arg::Nested(w) => f.write_str(w),
        }
    }
}

impl Arg {
    /// Appends the argument as its `Display` writes it, the common kinds
    /// without the formatting machinery: filling a why-line's slots was
    /// most of a step's cost on a crowded port (a test checks both agree).
    fn push_to(&self, out: &mut String) {
        match self {
            Arg::Name(s) => out.push_str(s),
            Arg::Line(s) => out.push_str(s),
            Arg::Word(w) => out.push_str(w),
            Arg::Num(n) => push_num(out, *n),
            Arg::Ip(IpAddr::V4(ip)) => push_v4(out, ip.octets()),
            Arg::Addr(a) => match a.ip {
                IpAddr::V4(ip) => {
                    push_v4(out, ip.octets());
                    out.push(':');
                    push_num(out, a.port.into());
                }
                IpAddr::V6(_) => {
                    let _ = write!(out, "{a}");
                }
            },
            Arg::Names(v) => Lists::ENGLISH.push(out, v.iter().map(|n| &**n), Joint::Comma),
            other => {
                let _ = write!(out, "{other}");
            }
        }
    }
}

/// `n` in decimal, as `Display` writes it.
fn push_num(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

/// `a.b.c.d`, as `Ipv4Addr`'s `Display` writes it.
fn push_v4(out: &mut String, octets: [u8; 4]) {
    for (i, o) in octets.into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_num(out, o.into());
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Name(s.into())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Name(s.into())
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Name(s.as_str().into())
    }
}
impl From<Name> for Arg {
    fn from(s: Name) -> Arg {
        Arg::Name(s)
    }
}
impl From<&Name> for Arg {
    fn from(s: &Name) -> Arg {
        Arg::Name(s.clone())
    }
}
impl From<Vec<Name>> for Arg {
    fn from(v: Vec<Name>) -> Arg {
        Arg::Names(v)
    }
}
impl From<SockAddr> for Arg {
    fn from(a: SockAddr) -> Arg {
        Arg::Addr(a)
    }
}
/// An address that may be missing (written as nothing, as before).
impl From<Option<SockAddr>> for Arg {
    fn from(a: Option<SockAddr>) -> Arg {
        a.map_or(Arg::Word(""), Arg::Addr)
    }
}
impl From<IpAddr> for Arg {
    fn from(ip: IpAddr) -> Arg {
        Arg::Ip(ip)
    }
}
impl From<u16> for Arg {
    fn from(n: u16) -> Arg {
        Arg::Num(n.into())
    }
}
impl From<u32> for Arg {
    fn from(n: u32) -> Arg {
        Arg::Num(n.into())
    }
}
impl From<u64> for Arg {
    fn from(n: u64) -> Arg {
        Arg::Num(n)
    }
}

/// The slots of one why-line: `args![Slot::Socket => name, Slot::Port => port]`.
pub type Args = Vec<(Slot, Arg)>;

/// `args![Slot::Socket => name, …]`: a why-line's typed arguments.
#[macro_export]
macro_rules! args {
    ($($slot:expr => $val:expr),* $(,)?) => {
        vec![$(($slot, $crate::rules::Arg::from($val))),*]
    };
}

/// The most names a why-line lists where the OS picks one of many (an
/// SO_REUSEPORT or SO_REUSEPORT_LB group, Windows' undefined choice). A line
/// naming 10,000 sockets helps no reader, and writing it was a crowded
/// port's whole cost; the report's `candidates` still names every one.
pub const NAMES_SHOWN: usize = 8;

/// The names a why-line lists for `len` sockets, `name(i)` the i-th: all of
/// them up to [`NAMES_SHOWN`], else the first `NAMES_SHOWN - 2`, "…" and the
/// last (so the reader sees where the list starts and ends).
pub fn few_names<T: From<&'static str>>(len: usize, name: impl Fn(usize) -> T) -> Vec<T> {
    if len <= NAMES_SHOWN {
        return (0..len).map(name).collect();
    }
    let mut v: Vec<T> = (0..NAMES_SHOWN - 2).map(&name).collect();
    v.push(T::from("…"));
    v.push(name(len - 1));
    v
}

/// The one function that writes a why-line: `rule`'s template `variant`
/// ([`WhyVariant::Usual`]: the usual one) with its slots filled from `args`. A slot without
/// an argument is left as `{name}` (a test checks none is), never a panic.
///
/// With an [`Overlay`] in force on this thread ([`set_overlay`]), its
/// template is used where it has one, and its forms of the fixed words
/// ([`Arg::Word`], the "and"/"or" of a list).
pub fn render_why(rule: RuleId, variant: WhyVariant, args: Args) -> String {
    OVERLAY.with(|o| render_in(o.borrow().as_deref(), rule, variant, &args))
}

/// [`render_why`] in `overlay`'s language (`None`: English); [`Why`]
/// renders with the overlay it captured.
pub(crate) fn render_in(
    overlay: Option<&Overlay>,
    rule: RuleId,
    variant: WhyVariant,
    args: &Args,
) -> String {
    let english = rule
        .rule()
        .why
        .iter()
        .find(|(v, _)| *v == variant)
        .map(|(_, t)| *t)
        .unwrap_or("");
    match overlay {
        Some(o) => fill(o.why(rule, variant).unwrap_or(english), args, Some(o)),
        None => fill(english, args, None),
    }
}

/// `template` with its slots filled, fixed words in `overlay`'s language.
fn fill(template: &str, args: &Args, overlay: Option<&Overlay>) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    // A why-line is filled at every step: each slot is looked up by one
    // `match` on its name. `{` and `}` are ASCII, so every index found is a
    // char boundary.
    let bytes = template.as_bytes();
    let (mut copied, mut i) = (0, 0);
    while let Some(at) = template[i..].find('{') {
        i += at;
        let Some(len) = bytes[i + 1..].iter().position(|&b| b == b'}') else {
            break;
        };
        out.push_str(&template[copied..i]);
        let name = &template[i + 1..i + 1 + len];
        let slot = Slot::from_name(name);
        let start = out.len();
        match slot.and_then(|k| args.iter().find(|(s, _)| *s == k)) {
            Some((_, a)) => match overlay {
                Some(o) => o.write_arg(&mut out, a),
                None => a.push_to(&mut out),
            },
            // A slot without an argument stays as written.
            None => out.push_str(&template[i..i + len + 2]),
        }
        i += len + 2;
        // No space beside full-width punctuation: 「…（剩余 60 秒）已持有」
        // (`keytext::fill_with`, TERMS.md).
        let value = &out[start..];
        if value.ends_with(crate::keytext::is_full_width_punctuation) && bytes.get(i) == Some(&b' ')
        {
            i += 1;
        }
        if value.starts_with(crate::keytext::is_full_width_punctuation)
            && out[..start].ends_with(' ')
        {
            out.remove(start - 1);
        }
        copied = i;
    }
    out.push_str(&template[copied..]);
    out
}

include!(concat!(env!("OUT_DIR"), "/rules.rs"));

thread_local! {
    /// The translation [`render_why`] uses on this thread, if any: set once
    /// by the CLI for `--lang`, by a page for its locale. Per thread, so
    /// tests in parallel do not see each other's.
    static OVERLAY: std::cell::RefCell<Option<std::rc::Rc<Overlay>>> =
        const { std::cell::RefCell::new(None) };
}

/// Makes `overlay` the language of every why-line rendered on this thread
/// from now on (`None`: English, the catalogue as built).
pub fn set_overlay(overlay: Option<std::rc::Rc<Overlay>>) {
    OVERLAY.with(|o| *o.borrow_mut() = overlay);
}

/// The overlay in force on this thread.
pub fn overlay() -> Option<std::rc::Rc<Overlay>> {
    OVERLAY.with(|o| o.borrow().clone())
}

/// One rule in another language: what `content/<locale>/rules.json` holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Translated {
    pub title: String,
    pub explanation: String,
    pub why: Vec<(WhyVariant, String)>,
}

/// The catalogue in another language, laid over the English one: the
/// rules it translates, and the forms of the fixed words the engine passes
/// as arguments (`content/<locale>/words.json`). What it lacks stays English.
#[derive(Clone, Debug, Default)]
pub struct Overlay {
    rules: std::collections::HashMap<RuleId, Translated>,
    words: std::collections::HashMap<String, String>,
}

impl Overlay {
    /// An overlay of these rules and words.
    pub fn new(
        rules: impl IntoIterator<Item = (RuleId, Translated)>,
        words: impl IntoIterator<Item = (String, String)>,
    ) -> Overlay {
        Overlay {
            rules: rules.into_iter().collect(),
            words: words.into_iter().collect(),
        }
    }
    /// How many rules it translates.
    pub fn len(&self) -> usize {
        self.rules.len()
    }
    /// Whether it translates no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
    /// The translation of `rule`, if there is one.
    pub fn rule(&self, rule: RuleId) -> Option<&Translated> {
        self.rules.get(&rule)
    }
    /// The translated why template, if there is one.
    pub fn why(&self, rule: RuleId, variant: WhyVariant) -> Option<&str> {
        let t = self.rules.get(&rule)?;
        t.why
            .iter()
            .find(|(v, _)| *v == variant)
            .map(|(_, s)| s.as_str())
    }
    /// A fixed word in this language (itself where there is no form).
    pub fn word<'a>(&'a self, w: &'a str) -> &'a str {
        self.words.get(w).map_or(w, String::as_str)
    }
    /// The fixed words translated: (English, this language).
    pub fn words(&self) -> impl Iterator<Item = (&str, &str)> {
        self.words.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
    /// A fixed word's form in this language, if it has one.
    pub fn word_opt(&self, w: &str) -> Option<&str> {
        self.words.get(w).map(String::as_str)
    }
    /// The comma between the names of a list (`words.json`'s ",": "、" in
    /// Chinese; ", " where it has none).
    pub fn comma(&self) -> &str {
        Lists::of(self).comma()
    }
    /// How this language joins a list ([`Lists`]: 「A、B 和 C」 in Chinese).
    pub fn lists(&self) -> Lists<'_> {
        Lists::of(self)
    }
    pub(crate) fn write_arg(&self, out: &mut String, a: &Arg) {
        fn names(v: &[Name]) -> impl ExactSizeIterator<Item = &str> {
            v.iter().map(|n| &**n)
        }
        match a {
            Arg::Word(w) => out.push_str(self.word(w)),
            Arg::Names(v) => self.lists().push(out, names(v), Joint::Comma),
            Arg::NamesAnd(v) => self.lists().push(out, names(v), Joint::And),
            Arg::NamesOr(v) => self.lists().push(out, names(v), Joint::Or),
            other => other.push_to(out),
        }
    }
}

/// The slot names of a template, in order.
pub fn slots_of(template: &str) -> Vec<&str> {
    let mut v = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else { break };
        v.push(&rest[i + 1..i + j]);
        rest = &rest[i + j + 1..];
    }
    v
}

impl WhyVariant {
    /// The variant of a key as rules.json writes it.
    pub fn from_name(name: &str) -> Option<WhyVariant> {
        ALL_WHY_VARIANTS.iter().copied().find(|v| v.name() == name)
    }
}

/// `rules.json` as written, with what the compiled table leaves out (each
/// rule's `cite` list: document or file, version, place and quote). For tools
/// that show citations (`bindlab rules ID`); the app does not use it, so the
/// text stays out of the wasm.
pub const RULES_JSON: &str = include_str!("rules.json");

impl RuleId {
    /// The catalogue's entry for this rule.
    pub fn rule(self) -> &'static Rule {
        &RULES[self as usize]
    }
    /// Whether the catalogue words this rule's why-line `variant`ly.
    pub fn has_why(self, variant: WhyVariant) -> bool {
        self.rule().why.iter().any(|&(v, _)| v == variant)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RuleId {
    type Err = String;
    fn from_str(s: &str) -> Result<RuleId, String> {
        RuleId::from_id(s).ok_or_else(|| format!("no rule `{s}` in the catalogue"))
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Every rule, in catalogue order.
pub fn catalogue() -> &'static [Rule] {
    RULES
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RuleId::from_id(id).map(RuleId::rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_table_agree() {
        assert_eq!(RuleId::ALL.len(), RULES.len());
        for (i, r) in RuleId::ALL.iter().enumerate() {
            assert_eq!(r.rule().id, r.as_str());
            assert_eq!(*r as usize, i);
            assert_eq!(r.as_str().parse::<RuleId>(), Ok(*r));
        }
        assert!("linux.bind.nope".parse::<RuleId>().is_err());
    }

    #[test]
    fn a_long_list_shows_its_first_names_and_its_last() {
        let name = |i: usize| format!("s{i}");
        assert_eq!(few_names(3, name), ["s0", "s1", "s2"]);
        assert_eq!(few_names(NAMES_SHOWN, name).len(), NAMES_SHOWN);
        let v = few_names(10_000, name);
        assert_eq!(v, ["s0", "s1", "s2", "s3", "s4", "s5", "…", "s9999"]);
        assert_eq!(v.len(), NAMES_SHOWN);
    }

    #[test]
    fn a_template_is_filled_slot_by_slot_and_odd_braces_stay_as_written() {
        let args = args![Slot::Socket => "A", Slot::Port => 80u16];
        let f = |t: &str| fill(t, &args, None);
        assert_eq!(f("{socket} on {port}"), "A on 80");
        assert_eq!(
            f("套接字 {socket}（端口 {port}）。"),
            "套接字 A（端口 80）。"
        );
        assert_eq!(f("{nope} and {socket}"), "{nope} and A");
        assert_eq!(f("open {socket"), "open {socket");
        assert_eq!(f("{socket} then {"), "A then {");
        assert_eq!(f("{}{{socket}"), "{}{{socket}");
        assert_eq!(f(""), "");
        assert_eq!(f("no slots"), "no slots");
    }

    #[test]
    fn every_slot_of_every_template_is_found_by_its_name() {
        for r in RuleId::ALL {
            for (_, t) in r.rule().why {
                for name in slots_of(t) {
                    let slot = Slot::from_name(name);
                    assert_eq!(slot.map(Slot::name), Some(name), "{}", r.as_str());
                }
            }
        }
        assert_eq!(Slot::from_name("no_such_slot"), None);
    }

    #[test]
    fn an_argument_is_written_as_its_display_writes_it() {
        use std::net::{Ipv4Addr, Ipv6Addr};
        let v4 = |a, b, c, d| IpAddr::V4(Ipv4Addr::new(a, b, c, d));
        let args = [
            Arg::Name("s1".into()),
            Arg::Line("a line".into()),
            Arg::Word("listening"),
            Arg::Word(""),
            Arg::Num(0),
            Arg::Num(7),
            Arg::Num(65_535),
            Arg::Num(u64::MAX),
            Arg::Ip(v4(0, 0, 0, 0)),
            Arg::Ip(v4(255, 10, 100, 9)),
            Arg::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST)),
            Arg::Addr(SockAddr::new(v4(127, 0, 0, 1), 8080)),
            Arg::Addr(SockAddr::new(v4(0, 0, 0, 0), 0)),
            Arg::Addr(SockAddr::new("::ffff:1.2.3.4".parse().unwrap(), 443)),
            Arg::Names(vec![]),
            Arg::Names(vec!["a".into()]),
            Arg::Names(vec!["a".into(), "b".into(), "c".into()]),
            Arg::NamesAnd(vec!["a".into(), "b".into(), "c".into()]),
            Arg::NamesOr(vec!["a".into(), "b".into()]),
        ];
        for a in args {
            let mut s = String::from("x");
            a.push_to(&mut s);
            assert_eq!(s, format!("x{a}"), "{a:?}");
        }
    }

    #[test]
    fn and_and_or_lists_read_as_sentences() {
        let names = |v: &[&str]| v.iter().map(|&s| Name::from(s)).collect::<Vec<_>>();
        let and = |v: &[&str]| Arg::NamesAnd(names(v)).to_string();
        assert_eq!(and(&["A"]), "A");
        assert_eq!(and(&["A", "B"]), "A and B");
        assert_eq!(and(&["A", "B", "C"]), "A, B and C");
        assert_eq!(
            Arg::NamesOr(names(&["A", "B", "C"])).to_string(),
            "A, B or C"
        );
        let cut = Arg::NamesAnd(few_names(12, |i| Name::from(format!("w{i}")))).to_string();
        assert_eq!(cut, "w0, w1, w2, w3, w4, w5, … and w11");
        // In another language: its comma and its word, as written.
        let zh = Overlay::new([], [(",".into(), "、".into()), ("and".into(), "和".into())]);
        let mut s = String::new();
        zh.write_arg(&mut s, &Arg::NamesAnd(names(&["A", "B", "C"])));
        zh.write_arg(&mut s, &Arg::Names(names(&["D", "E"])));
        assert_eq!(s, "A、B和CD、E");
    }
}
