//! What each runtime sets on its own: `content/runtimes.toml` as data.
//!
//! The file is a small subset of TOML (one `[id]` table per row, `key =
//! "string"` lines, `#` comments), read here without a TOML crate so the
//! site's wasm stays small. Each row is one runtime's usual call for one
//! kind of socket and the options it leaves set, per OS. The Linux cells are
//! measured on the kernel by `cargo xtask test runtimes`; the others carry
//! a citation of the runtime's source, or say what could not be verified.

use std::collections::BTreeMap;
use std::fmt;

use bindlab_engine::keytext;
use bindlab_engine::messages::{self as engine_messages, Catalogue};

/// The file, compiled in so the CLI and the site need no file at run time.
pub const SOURCE: &str = include_str!("../../../content/runtimes.toml");

/// The kind of socket a row is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SocketKind {
    TcpListener,
    TcpClient,
    Udp,
}

impl SocketKind {
    pub fn name(self) -> &'static str {
        match self {
            SocketKind::TcpListener => "tcp-listener",
            SocketKind::TcpClient => "tcp-client",
            SocketKind::Udp => "udp",
        }
    }

    /// How a reader names it.
    pub fn label(self) -> &'static str {
        match self {
            SocketKind::TcpListener => "TCP listener",
            SocketKind::TcpClient => "TCP client",
            SocketKind::Udp => "UDP socket",
        }
    }

    fn parse(s: &str) -> Option<SocketKind> {
        [
            SocketKind::TcpListener,
            SocketKind::TcpClient,
            SocketKind::Udp,
        ]
        .into_iter()
        .find(|k| k.name() == s)
    }
}

/// The socket's address family (an IPv6 socket with `IPV6_V6ONLY=0` is
/// dual stack).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Ipv4,
    Ipv6,
}

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::Ipv4 => "ipv4",
            Family::Ipv6 => "ipv6",
        }
    }
}

/// An option a cell speaks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opt {
    SoReuseaddr,
    SoReuseport,
    Ipv6V6only,
    SoExclusiveaddruse,
}

impl Opt {
    pub const ALL: [Opt; 4] = [
        Opt::SoReuseaddr,
        Opt::SoReuseport,
        Opt::Ipv6V6only,
        Opt::SoExclusiveaddruse,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Opt::SoReuseaddr => "SO_REUSEADDR",
            Opt::SoReuseport => "SO_REUSEPORT",
            Opt::Ipv6V6only => "IPV6_V6ONLY",
            Opt::SoExclusiveaddruse => "SO_EXCLUSIVEADDRUSE",
        }
    }
}

/// The OS columns: macOS and FreeBSD share one (the runtimes' Unix code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Linux,
    Bsd,
    Windows,
}

impl Column {
    pub const ALL: [Column; 3] = [Column::Linux, Column::Bsd, Column::Windows];

    pub fn key(self) -> &'static str {
        match self {
            Column::Linux => "linux",
            Column::Bsd => "bsd",
            Column::Windows => "windows",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Column::Linux => "Linux",
            Column::Bsd => "macOS, FreeBSD",
            Column::Windows => "Windows",
        }
    }

    /// The OSes of the column, which a label in another language lists as
    /// that language does ("macOS, FreeBSD"; 「macOS、FreeBSD」).
    pub fn oses(self) -> &'static [&'static str] {
        match self {
            Column::Linux => &["Linux"],
            Column::Bsd => &["macOS", "FreeBSD"],
            Column::Windows => &["Windows"],
        }
    }

    /// The column of an OS name as the CLI and scenarios spell it.
    pub fn of_os(os: &str) -> Option<Column> {
        match os {
            "linux" => Some(Column::Linux),
            "macos" | "freebsd" | "bsd" => Some(Column::Bsd),
            "windows" => Some(Column::Windows),
            _ => None,
        }
    }
}

/// Where a cell's truth comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Measured on this kernel in CI by the named probe program.
    Measured { probe: String },
    /// Read in the runtime's source at a named release or commit.
    Cited(String),
    /// Neither: what could not be verified, and why.
    Unverified(String),
}

/// One OS's options for a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Every option the cell speaks about, with its value (false = off).
    pub opts: Vec<(Opt, bool)>,
    pub source: Source,
    /// For a measured cell: the source that explains the measurement.
    pub why: Option<String>,
    /// For a Linux cell that is not measured: why not.
    pub not_measured: Option<String>,
}

impl Cell {
    pub fn get(&self, o: Opt) -> Option<bool> {
        self.opts.iter().find(|(x, _)| *x == o).map(|(_, v)| *v)
    }

    /// The options the runtime turns on by itself, e.g. `SO_REUSEADDR`;
    /// an IPv6 socket says whether it is dual stack.
    pub fn summary(&self) -> String {
        self.summary_parts("nothing", "dual stack (IPV6_V6ONLY off)")
            .join(", ")
    }

    /// The parts of [`Cell::summary`], its two phrases given in the
    /// reader's language (the option names stay); the caller joins them as
    /// its language lists.
    pub fn summary_parts(&self, nothing: &str, dual_stack: &str) -> Vec<String> {
        let mut parts: Vec<String> = self
            .opts
            .iter()
            .filter(|(o, v)| *v && *o != Opt::Ipv6V6only)
            .map(|(o, _)| o.name().to_string())
            .collect();
        if parts.is_empty() {
            parts.push(nothing.to_string());
        }
        match self.get(Opt::Ipv6V6only) {
            Some(false) => parts.push(dual_stack.to_string()),
            Some(true) => parts.push("IPV6_V6ONLY".to_string()),
            None => {}
        }
        parts
    }

    /// `NAME=0|1 ...`, as the file and the measurement write it.
    pub fn values(&self) -> String {
        self.opts
            .iter()
            .map(|(o, v)| format!("{}={}", o.name(), u8::from(*v)))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One runtime's usual call for one kind of socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    /// The `bindlab export --lang` name of its language.
    pub lang: String,
    pub runtime: String,
    pub socket: SocketKind,
    pub api: String,
    pub family: Family,
    pub linux: Cell,
    pub bsd: Cell,
    pub windows: Cell,
    pub note: Option<String>,
}

impl Row {
    pub fn cell(&self, c: Column) -> &Cell {
        match c {
            Column::Linux => &self.linux,
            Column::Bsd => &self.bsd,
            Column::Windows => &self.windows,
        }
    }

    /// The probe that measures the Linux cell, if any.
    pub fn probe(&self) -> Option<&str> {
        match &self.linux.source {
            Source::Measured { probe } => Some(probe),
            _ => None,
        }
    }
}

/// A problem of the file, with its line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "content/runtimes.toml:{}: {}", self.line, self.message)
    }
}

/// The table, parsed from [`SOURCE`].
pub fn table() -> Result<Vec<Row>, Vec<Problem>> {
    parse(SOURCE)
}

/// One `[id]` table of the file before it is checked.
struct RawRow {
    id: String,
    line: usize,
    keys: Vec<(String, String, usize)>,
}

impl RawRow {
    fn take(&self, key: &str) -> Option<&str> {
        self.keys
            .iter()
            .find(|(k, ..)| k == key)
            .map(|(_, v, _)| v.as_str())
    }
}

const KEYS: &[&str] = &[
    "lang",
    "runtime",
    "socket",
    "api",
    "family",
    "probe",
    "linux_not_measured",
    "linux",
    "linux_cite",
    "linux_unverified",
    "bsd",
    "bsd_cite",
    "bsd_unverified",
    "windows",
    "windows_cite",
    "windows_unverified",
    "note",
];

const LANGS: &[&str] = &["c", "python", "go", "rust", "node", "java", "csharp"];

/// Parses and checks the table: every row has every field, its cells name
/// only known options, and every cell is measured or cited (or says why it
/// is neither).
pub fn parse(text: &str) -> Result<Vec<Row>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut raws: Vec<RawRow> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(id) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            let ok = !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !ok {
                problems.push(Problem {
                    line: n,
                    message: format!("`[{id}]`: a row id is lowercase letters, digits and -"),
                });
            }
            if raws.iter().any(|r| r.id == id) {
                problems.push(Problem {
                    line: n,
                    message: format!("row `{id}` appears twice"),
                });
            }
            raws.push(RawRow {
                id: id.to_string(),
                line: n,
                keys: Vec::new(),
            });
            continue;
        }
        let Some((key, value)) = t.split_once('=') else {
            problems.push(Problem {
                line: n,
                message: format!("expected `[id]` or `key = \"value\"`, found `{t}`"),
            });
            continue;
        };
        let key = key.trim();
        let value = match string(value.trim()) {
            Ok(v) => v,
            Err(e) => {
                problems.push(Problem {
                    line: n,
                    message: format!("{key}: {e}"),
                });
                continue;
            }
        };
        if !KEYS.contains(&key) {
            problems.push(Problem {
                line: n,
                message: format!("unknown key `{key}` (known: {})", KEYS.join(", ")),
            });
            continue;
        }
        let Some(row) = raws.last_mut() else {
            problems.push(Problem {
                line: n,
                message: format!("`{key}` before the first `[id]`"),
            });
            continue;
        };
        if row.keys.iter().any(|(k, ..)| k == key) {
            problems.push(Problem {
                line: n,
                message: format!("`{key}` twice in row `{}`", row.id),
            });
            continue;
        }
        row.keys.push((key.to_string(), value, n));
    }
    let mut rows = Vec::new();
    for raw in &raws {
        match row(raw) {
            Ok(r) => rows.push(r),
            Err(mut e) => problems.append(&mut e),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// A TOML basic string: `"..."` with `\"` and `\\` escapes.
fn string(v: &str) -> Result<String, String> {
    let inner = v
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .ok_or_else(|| format!("a value is a \"quoted string\", found `{v}`"))?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                other => {
                    return Err(format!(
                        "unknown escape `\\{}` (only \\\" and \\\\)",
                        other.map(String::from).unwrap_or_default()
                    ))
                }
            },
            '"' => return Err("an unescaped \" inside the string".to_string()),
            c => out.push(c),
        }
    }
    Ok(out)
}

fn row(raw: &RawRow) -> Result<Row, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut need = |key: &str| -> String {
        raw.take(key).map(str::to_string).unwrap_or_else(|| {
            problems.push(Problem {
                line: raw.line,
                message: format!("row `{}` has no `{key}`", raw.id),
            });
            String::new()
        })
    };
    let lang = need("lang");
    let runtime = need("runtime");
    let socket_s = need("socket");
    let api = need("api");
    let family_s = need("family");
    let mut problem = |message: String| {
        problems.push(Problem {
            line: raw.line,
            message: format!("row `{}`: {message}", raw.id),
        })
    };
    if !lang.is_empty() && !LANGS.contains(&lang.as_str()) {
        problem(format!("lang `{lang}` is not one of {}", LANGS.join(", ")));
    }
    let socket = SocketKind::parse(&socket_s);
    if socket.is_none() && !socket_s.is_empty() {
        problem(format!(
            "socket `{socket_s}` is not tcp-listener, tcp-client or udp"
        ));
    }
    let family = match family_s.as_str() {
        "ipv4" => Some(Family::Ipv4),
        "ipv6" => Some(Family::Ipv6),
        "" => None,
        other => {
            problem(format!("family `{other}` is not ipv4 or ipv6"));
            None
        }
    };
    let mut cells = Vec::new();
    for col in Column::ALL {
        let key = col.key();
        let Some(values) = raw.take(key) else {
            problem(format!("no `{key}` cell"));
            continue;
        };
        let mut opts = Vec::new();
        for item in values.split_whitespace() {
            let parsed = item.split_once('=').and_then(|(name, v)| {
                let o = Opt::ALL.into_iter().find(|o| o.name() == name)?;
                let v = match v {
                    "0" => false,
                    "1" => true,
                    _ => return None,
                };
                Some((o, v))
            });
            match parsed {
                Some(p) if opts.iter().any(|(o, _)| *o == p.0) => {
                    problem(format!("{key}: {} twice", p.0.name()))
                }
                Some(p) => opts.push(p),
                None => problem(format!(
                    "{key}: `{item}` is not NAME=0 or NAME=1 with NAME one of {}",
                    Opt::ALL.map(Opt::name).join(", ")
                )),
            }
        }
        let has = |o: Opt| opts.iter().any(|(x, _)| *x == o);
        if !has(Opt::SoReuseaddr) {
            problem(format!("{key}: say SO_REUSEADDR=0 or =1"));
        }
        if family == Some(Family::Ipv6) && !has(Opt::Ipv6V6only) {
            problem(format!("{key}: an ipv6 socket says IPV6_V6ONLY"));
        }
        if family == Some(Family::Ipv4) && has(Opt::Ipv6V6only) {
            problem(format!("{key}: IPV6_V6ONLY on an ipv4 socket"));
        }
        let cite = raw.take(&format!("{key}_cite")).map(str::to_string);
        let unverified = raw.take(&format!("{key}_unverified")).map(str::to_string);
        let (source, why, not_measured) = if col == Column::Linux {
            match (raw.take("probe"), raw.take("linux_not_measured")) {
                (Some(p), None) => {
                    if unverified.is_some() {
                        problem("a measured Linux cell needs no linux_unverified".into());
                    }
                    (
                        Source::Measured {
                            probe: p.to_string(),
                        },
                        cite,
                        None,
                    )
                }
                (None, Some(why_not)) => match (cite, unverified) {
                    (Some(c), None) => (Source::Cited(c), None, Some(why_not.to_string())),
                    (None, Some(u)) => (Source::Unverified(u), None, Some(why_not.to_string())),
                    _ => {
                        problem(
                            "a Linux cell that is not measured has linux_cite or linux_unverified (one)"
                                .into(),
                        );
                        continue;
                    }
                },
                _ => {
                    problem("the Linux cell has `probe` (measured in CI) or `linux_not_measured` (why not), one of them".into());
                    continue;
                }
            }
        } else {
            match (cite, unverified) {
                (Some(c), None) => (Source::Cited(c), None, None),
                (None, Some(u)) => (Source::Unverified(u), None, None),
                _ => {
                    problem(format!(
                        "the {key} cell has {key}_cite or {key}_unverified (one of them)"
                    ));
                    continue;
                }
            }
        };
        if col != Column::Windows && has(Opt::SoExclusiveaddruse) {
            problem(format!("{key}: SO_EXCLUSIVEADDRUSE is Windows' only"));
        }
        if col == Column::Windows && has(Opt::SoReuseport) {
            problem("windows: Windows has no SO_REUSEPORT".into());
        }
        cells.push(Cell {
            opts,
            source,
            why,
            not_measured,
        });
    }
    if !problems.is_empty() || cells.len() != 3 {
        return Err(problems);
    }
    let (Some(socket), Some(family)) = (socket, family) else {
        return Err(problems);
    };
    let mut cells = cells.into_iter();
    let (Some(linux), Some(bsd), Some(windows)) = (cells.next(), cells.next(), cells.next()) else {
        return Err(problems);
    };
    Ok(Row {
        id: raw.id.clone(),
        lang,
        runtime,
        socket,
        api,
        family,
        linux,
        bsd,
        windows,
        note: raw.take("note").map(str::to_string),
    })
}

/// The page's column headers before the OS columns, and the filter's
/// "every language" choice.
pub const HEADERS: [&str; 2] = ["Runtime and call", "Socket"];
pub const ALL_LANGUAGES: &str = "All languages";
/// The name of the page's language filter, for screen readers.
pub const FILTER_LABEL: &str = "Language";
/// The link to the page from the guides and the code panel (English).
pub fn link_text() -> &'static str {
    RuntimeMsg::LinkText.english()
}

/// The sentence templates, `key = English template` ([`keytext`]).
pub const TEMPLATES: &str = include_str!("runtimes.txt");

/// A sentence bindlab writes from the table: one key of [`TEMPLATES`]
/// (`content/<locale>/runtimes.txt` translates them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuntimeMsg {
    RestartLine,
    RestartLineSource,
    RestartLinuxCited,
    RestartLinuxUnverified,
    RestartWorks,
    RestartFails,
    RestartLinuxOnly,
    RestartBsdOnly,
    RestartThen,
    RestartWindowsExclusive,
    RestartWindowsReuseaddr,
    RestartAll,
    LinkText,
    PanelHeading,
}

impl RuntimeMsg {
    pub const ALL: [RuntimeMsg; 14] = [
        RuntimeMsg::RestartLine,
        RuntimeMsg::RestartLineSource,
        RuntimeMsg::RestartLinuxCited,
        RuntimeMsg::RestartLinuxUnverified,
        RuntimeMsg::RestartWorks,
        RuntimeMsg::RestartFails,
        RuntimeMsg::RestartLinuxOnly,
        RuntimeMsg::RestartBsdOnly,
        RuntimeMsg::RestartThen,
        RuntimeMsg::RestartWindowsExclusive,
        RuntimeMsg::RestartWindowsReuseaddr,
        RuntimeMsg::RestartAll,
        RuntimeMsg::LinkText,
        RuntimeMsg::PanelHeading,
    ];
}

impl Catalogue for RuntimeMsg {
    const FILE: &'static str = "runtimes.txt";

    fn all() -> &'static [Self] {
        &Self::ALL
    }

    fn key(self) -> &'static str {
        match self {
            RuntimeMsg::RestartLine => "restart.line",
            RuntimeMsg::RestartLineSource => "restart.line-source",
            RuntimeMsg::RestartLinuxCited => "restart.linux-cited",
            RuntimeMsg::RestartLinuxUnverified => "restart.linux-unverified",
            RuntimeMsg::RestartWorks => "restart.works",
            RuntimeMsg::RestartFails => "restart.fails",
            RuntimeMsg::RestartLinuxOnly => "restart.linux-only",
            RuntimeMsg::RestartBsdOnly => "restart.bsd-only",
            RuntimeMsg::RestartThen => "restart.then",
            RuntimeMsg::RestartWindowsExclusive => "restart.windows-exclusive",
            RuntimeMsg::RestartWindowsReuseaddr => "restart.windows-reuseaddr",
            RuntimeMsg::RestartAll => "restart.all",
            RuntimeMsg::LinkText => "link-text",
            RuntimeMsg::PanelHeading => "panel-heading",
        }
    }

    /// Its line of [`TEMPLATES`] (a test holds every key to one line).
    fn english(self) -> &'static str {
        TEMPLATES
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .find(|(k, _)| k.trim() == self.key())
            .map_or("", |(_, v)| v.trim())
    }

    fn slots(self) -> &'static [&'static str] {
        match self {
            RuntimeMsg::RestartLine => &["language", "runtime", "unix"],
            RuntimeMsg::RestartLineSource => &["language", "runtime", "unix", "source"],
            RuntimeMsg::RestartWorks
            | RuntimeMsg::RestartFails
            | RuntimeMsg::RestartLinuxOnly
            | RuntimeMsg::RestartBsdOnly => &["api"],
            RuntimeMsg::RestartThen => &["first", "then"],
            RuntimeMsg::RestartAll => &["link"],
            RuntimeMsg::PanelHeading => &["language"],
            RuntimeMsg::RestartLinuxCited
            | RuntimeMsg::RestartLinuxUnverified
            | RuntimeMsg::RestartWindowsExclusive
            | RuntimeMsg::RestartWindowsReuseaddr
            | RuntimeMsg::LinkText => &[],
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.key() == key)
    }
}

/// A locale's texts for the table, by key: a template's
/// ([`RuntimeMsg`]'s key, `restart.works`) or a row's prose
/// ([`prose_key`], `row.go-listener.note`); `None` for English (or what
/// the locale lacks, shown in English).
pub type Texts<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The English: no translation at all.
pub fn english(_: &str) -> Option<String> {
    None
}

/// `msg` in `texts`' language, its slots filled (English where the
/// template is missing or names a slot it has no value for).
pub fn say(texts: Texts, msg: RuntimeMsg, args: &[(&str, String)]) -> String {
    engine_messages::render(msg, args, texts(msg.key()).as_deref())
}

/// A row's prose field: a reader's sentence, translated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prose {
    /// `note`
    Note,
    /// `linux_not_measured`: why the Linux cell is not measured here.
    LinuxNotMeasured,
    /// `<column>_unverified`: what could not be verified, and why.
    Unverified(Column),
    /// `<column>_cite`: a citation. Its words may be translated, where a
    /// locale does (it is not counted as untranslated where it does not):
    /// its sources — a `repo@commit` or a path, `code`, a "quote" — are
    /// kept as written, which [`RowTexts::read`] checks.
    Cite(Column),
}

impl Prose {
    /// The field's name in `content/runtimes.toml`.
    pub fn field(self) -> &'static str {
        match self {
            Prose::Note => "note",
            Prose::LinuxNotMeasured => "linux_not_measured",
            Prose::Unverified(Column::Linux) => "linux_unverified",
            Prose::Unverified(Column::Bsd) => "bsd_unverified",
            Prose::Unverified(Column::Windows) => "windows_unverified",
            Prose::Cite(Column::Linux) => "linux_cite",
            Prose::Cite(Column::Bsd) => "bsd_cite",
            Prose::Cite(Column::Windows) => "windows_cite",
        }
    }
}

/// The stable key of a row's prose field in a translation: the row's
/// `[id]` and the field, `go-listener.note`, `dotnet-listener.linux_not_measured`
/// (`content/<locale>/runtimes-rows.txt`); [`Texts`] asks for it as
/// `row.<id>.<field>`.
pub fn prose_key(row: &Row, p: Prose) -> String {
    format!("{}.{}", row.id, p.field())
}

impl Row {
    /// The row's prose fields with their English text, in file order of the
    /// fields' kinds.
    pub fn prose(&self) -> Vec<(Prose, &str)> {
        let mut out = Vec::new();
        if let Some(n) = &self.linux.not_measured {
            out.push((Prose::LinuxNotMeasured, n.as_str()));
        }
        for c in Column::ALL {
            match &self.cell(c).source {
                Source::Unverified(u) => out.push((Prose::Unverified(c), u.as_str())),
                Source::Cited(cite) => out.push((Prose::Cite(c), cite.as_str())),
                // A measured cell's `linux_cite`: the source that says why.
                Source::Measured { .. } => {
                    if let Some(why) = &self.cell(c).why {
                        out.push((Prose::Cite(c), why.as_str()));
                    }
                }
            }
        }
        if let Some(n) = &self.note {
            out.push((Prose::Note, n.as_str()));
        }
        out
    }

    /// A prose field in `texts`' language (the English where it has none);
    /// `None` where the row has no such field.
    pub fn prose_in(&self, texts: Texts, p: Prose) -> Option<String> {
        let (_, english) = self.prose().into_iter().find(|(q, _)| *q == p)?;
        Some(
            texts(&format!("row.{}", prose_key(self, p)))
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| english.to_string()),
        )
    }
}

/// A locale's translation of the rows' prose
/// (`content/<locale>/runtimes-rows.txt`, `<row-id>.<field> = text`),
/// checked against the table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowTexts {
    /// By [`prose_key`].
    pub texts: BTreeMap<String, String>,
    /// The keys of the English prose fields it lacks.
    pub untranslated: Vec<String>,
    /// `line N: …`: a bad line, a key naming no prose field of the table,
    /// other `{slot}`s or other `code` than the English.
    pub errors: Vec<String>,
}

impl RowTexts {
    /// Reads a translation of the rows' prose. Never panics.
    pub fn read(rows: &[Row], text: &str) -> RowTexts {
        let (entries, bad) = keytext::read_lines(text);
        let mut out = RowTexts {
            errors: bad.iter().map(|e| e.to_string()).collect(),
            ..RowTexts::default()
        };
        // (key, English, whether a translation must have it)
        let english: Vec<(String, &str, bool)> = rows
            .iter()
            .flat_map(|r| {
                r.prose()
                    .into_iter()
                    .map(move |(p, t)| (prose_key(r, p), t, !matches!(p, Prose::Cite(_))))
            })
            .collect();
        for e in entries {
            let Some((_, en, required)) = english.iter().find(|(k, _, _)| *k == e.key) else {
                out.errors.push(format!(
                    "line {}: `{}` is no prose field of content/runtimes.toml (`<row-id>.<field>`, the field one of note, linux_not_measured, linux_unverified, bsd_unverified, windows_unverified, or a cell's *_cite)",
                    e.line, e.key
                ));
                continue;
            };
            // A citation's sources stay as written: each `repo@commit`,
            // path and "quote" of the English is in the translation.
            if !required {
                if let Some(lost) = sources(en).into_iter().find(|k| !e.text.contains(k)) {
                    out.errors.push(format!(
                        "line {}: `{}` leaves out `{lost}`, which the English cites (a citation's sources, paths and quotes are kept as written)",
                        e.line, e.key
                    ));
                    continue;
                }
            }
            let (mut want, mut got) = (keytext::slots(en), keytext::slots(&e.text));
            want.sort_unstable();
            got.sort_unstable();
            if want != got {
                out.errors.push(format!(
                    "line {}: `{}` has the slots {got:?}, the English has {want:?}",
                    e.line, e.key
                ));
                continue;
            }
            let (want, got) = (code_spans(en), code_spans(&e.text));
            if want != got {
                out.errors.push(format!(
                    "line {}: `{}` has the code {got:?}, the English has {want:?} (code is kept as written)",
                    e.line, e.key
                ));
                continue;
            }
            out.texts.insert(e.key, e.text);
        }
        out.untranslated = english
            .into_iter()
            .filter(|(k, _, required)| *required && !out.texts.contains_key(k))
            .map(|(k, _, _)| k)
            .collect();
        out
    }
}

/// What a citation names that a translation keeps as written: its words
/// holding `@` or `/` (a `repo@commit`, a path) and its "quotes".
fn sources(cite: &str) -> Vec<&str> {
    let mut kept: Vec<&str> = cite
        .split_whitespace()
        .filter(|w| w.contains('@') || w.contains('/'))
        .map(|w| w.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '(' | ')' | '.')))
        .collect();
    kept.extend(cite.split('"').skip(1).step_by(2));
    kept
}

/// The `code` spans of a text, sorted.
fn code_spans(text: &str) -> Vec<&str> {
    let mut v: Vec<&str> = text.split('`').skip(1).step_by(2).collect();
    v.sort_unstable();
    v
}

/// A cell's source: a word or two for the table, and the whole of it.
pub fn source_text(cell: &Cell) -> (&'static str, String) {
    match &cell.source {
        Source::Measured { probe } => (
            "measured",
            match &cell.why {
                Some(why) => format!(
                    "Measured on the Linux kernel in CI (probe `{probe}`: the live socket's options read back with getsockopt). Why: {why}"
                ),
                None => format!(
                    "Measured on the Linux kernel in CI (probe `{probe}`: the live socket's options read back with getsockopt)."
                ),
            },
        ),
        Source::Cited(c) => match &cell.not_measured {
            Some(n) => ("cited, not measured", format!("Not measured here: {n}. Cited: {c}")),
            None => ("cited", format!("Cited: {c}")),
        },
        Source::Unverified(u) => match &cell.not_measured {
            Some(n) => (
                "unverified",
                format!("Not measured here: {n}. Unverified: {u}"),
            ),
            None => ("unverified", format!("Unverified: {u}")),
        },
    }
}

/// A situation a guide asks the table about (```runtimes TOPIC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    /// A server restarted while its old connections sit in TIME_WAIT.
    Restart,
}

impl Topic {
    pub const NAMES: [&'static str; 1] = ["restart"];

    pub fn parse(s: &str) -> Option<Topic> {
        match s {
            "restart" => Some(Topic::Restart),
            _ => None,
        }
    }
}

/// The block's text, Markdown, generated from the table (never written by
/// hand in a guide, so it cannot drift from what CI measures).
pub fn topic_markdown(rows: &[Row], topic: Topic) -> String {
    topic_markdown_in(rows, topic, &english)
}

/// [`topic_markdown`] in `texts`' language.
pub fn topic_markdown_in(rows: &[Row], topic: Topic, texts: Texts) -> String {
    match topic {
        Topic::Restart => restart_markdown_in(rows, texts),
    }
}

/// Per language, per listener row: does a restart within TIME_WAIT work as
/// the runtime leaves the socket, and why.
pub fn restart_markdown(rows: &[Row]) -> String {
    restart_markdown_in(rows, &english)
}

/// [`restart_markdown`] in `texts`' language.
pub fn restart_markdown_in(rows: &[Row], texts: Texts) -> String {
    let mut out = String::new();
    for lang in LANGS {
        for r in rows
            .iter()
            .filter(|r| r.lang == *lang && r.socket == SocketKind::TcpListener)
        {
            out.push_str(&format!("- {}\n", restart_sentence(r, texts)));
        }
    }
    let link = say(texts, RuntimeMsg::LinkText, &[]);
    out.push_str(&format!(
        "\n{}\n",
        say(texts, RuntimeMsg::RestartAll, &[("link", link)])
    ));
    out
}

fn restart_sentence(r: &Row, texts: Texts) -> String {
    let language = crate::guide::language_label(&r.lang).to_string();
    let on = |c: &Cell| c.get(Opt::SoReuseaddr) == Some(true);
    let unix = match (on(&r.linux), on(&r.bsd)) {
        (true, true) => RuntimeMsg::RestartWorks,
        (false, false) => RuntimeMsg::RestartFails,
        (true, false) => RuntimeMsg::RestartLinuxOnly,
        (false, true) => RuntimeMsg::RestartBsdOnly,
    };
    let unix = say(texts, unix, &[("api", r.api.clone())]);
    let mut args = vec![
        ("language", language),
        ("runtime", r.runtime.clone()),
        ("unix", unix),
    ];
    let line = match &r.linux.source {
        Source::Measured { .. } => say(texts, RuntimeMsg::RestartLine, &args),
        Source::Cited(_) | Source::Unverified(_) => {
            let source = if matches!(r.linux.source, Source::Cited(_)) {
                RuntimeMsg::RestartLinuxCited
            } else {
                RuntimeMsg::RestartLinuxUnverified
            };
            args.push(("source", say(texts, source, &[])));
            say(texts, RuntimeMsg::RestartLineSource, &args)
        }
    };
    let windows = if r.windows.get(Opt::SoExclusiveaddruse) == Some(true) {
        Some(RuntimeMsg::RestartWindowsExclusive)
    } else if on(&r.windows) {
        Some(RuntimeMsg::RestartWindowsReuseaddr)
    } else {
        None
    };
    match windows {
        Some(w) => say(
            texts,
            RuntimeMsg::RestartThen,
            &[("first", line), ("then", say(texts, w, &[]))],
        ),
        None => line,
    }
}

/// One socket of a scenario, as the code panel notes it: what the chosen
/// language's runtime sets on its own for that kind of socket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanelLine {
    pub kind: &'static str,
    pub runtime: String,
    pub api: String,
    /// (the OSes, what is set there), equal OSes merged.
    pub cells: Vec<(String, String)>,
}

/// The code panel's heading for `lang`'s note.
pub fn panel_heading(lang: &str) -> String {
    panel_heading_in(lang, &english)
}

/// [`panel_heading`] in `texts`' language.
pub fn panel_heading_in(lang: &str, texts: Texts) -> String {
    say(
        texts,
        RuntimeMsg::PanelHeading,
        &[("language", crate::guide::language_label(lang).to_string())],
    )
}

/// The first row of `lang` for each kind of socket in `kinds` (the call
/// the exported program's API makes), with its cells merged where equal.
pub fn panel_lines(rows: &[Row], lang: &str, kinds: &[SocketKind]) -> Vec<PanelLine> {
    kinds
        .iter()
        .filter_map(|k| rows.iter().find(|r| r.lang == lang && r.socket == *k))
        .map(|r| {
            let (l, b, w) = (r.linux.summary(), r.bsd.summary(), r.windows.summary());
            let mut cells = Vec::new();
            if l == b {
                cells.push(("Linux, macOS, FreeBSD".to_string(), l));
            } else {
                cells.push((Column::Linux.label().to_string(), l));
                cells.push((Column::Bsd.label().to_string(), b));
            }
            cells.push((Column::Windows.label().to_string(), w));
            PanelLine {
                kind: r.socket.label(),
                runtime: r.runtime.clone(),
                api: r.api.clone(),
                cells,
            }
        })
        .collect()
}

/// The rows of one language, in file order.
pub fn of_lang<'a>(rows: &'a [Row], lang: &str) -> Vec<&'a Row> {
    rows.iter().filter(|r| r.lang == lang).collect()
}

/// Whether a server restarted on the same port while its last connections
/// sit in TIME_WAIT binds again *as the runtime leaves it*, on `col`: on
/// Linux and the BSDs only with SO_REUSEADDR; on Windows a TIME_WAIT never
/// blocks a bind (with SO_EXCLUSIVEADDRUSE the docs leave it open, so say
/// nothing). `None` where the table has no listener row for `lang`.
pub fn restart_works<'a>(rows: &'a [Row], lang: &str, col: Column) -> Option<(bool, &'a Row)> {
    let r = rows
        .iter()
        .find(|r| r.lang == lang && r.socket == SocketKind::TcpListener)?;
    let cell = r.cell(col);
    match col {
        Column::Windows => Some((true, r)),
        _ => Some((cell.get(Opt::SoReuseaddr) == Some(true), r)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        parse(text)
            .unwrap_err()
            .into_iter()
            .map(|p| p.to_string())
            .collect()
    }

    const GOOD: &str = r#"
[x]
lang = "go"
runtime = "Go net"
socket = "tcp-listener"
api = "net.Listen(\"tcp\", \":0\")"
family = "ipv6"
probe = "go"
linux = "SO_REUSEADDR=1 SO_REUSEPORT=0 IPV6_V6ONLY=0"
bsd = "SO_REUSEADDR=1 IPV6_V6ONLY=0"
bsd_cite = "a file at a commit"
windows = "SO_REUSEADDR=0 SO_EXCLUSIVEADDRUSE=0 IPV6_V6ONLY=0"
windows_unverified = "not read"
"#;

    #[test]
    fn the_projects_table_parses_and_every_cell_is_measured_or_cited() {
        let rows = table().unwrap_or_else(|p| {
            panic!(
                "{}",
                p.iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert!(rows.len() >= 20, "{} rows", rows.len());
        for r in &rows {
            for c in Column::ALL {
                let cell = r.cell(c);
                match &cell.source {
                    Source::Measured { probe } => {
                        assert_eq!(c, Column::Linux, "{}: only Linux is measured", r.id);
                        assert!(!probe.is_empty());
                    }
                    Source::Cited(s) | Source::Unverified(s) => {
                        assert!(s.len() > 20, "{} {}: `{s}` says too little", r.id, c.key())
                    }
                }
            }
            if r.probe().is_none() {
                assert!(r.linux.not_measured.is_some(), "{}", r.id);
            }
        }
        // Every language of the exporters has a row; each listener row of
        // the languages the brief names is there.
        for lang in LANGS {
            assert!(
                rows.iter()
                    .any(|r| r.lang == *lang && r.socket == SocketKind::TcpListener),
                "no listener row for {lang}"
            );
        }
    }

    #[test]
    fn a_row_parses_with_escapes_and_typed_cells() {
        let rows = parse(GOOD).unwrap();
        let r = &rows[0];
        assert_eq!(r.api, "net.Listen(\"tcp\", \":0\")");
        assert_eq!(r.probe(), Some("go"));
        assert_eq!(r.linux.get(Opt::SoReuseaddr), Some(true));
        assert_eq!(r.linux.get(Opt::SoReuseport), Some(false));
        assert_eq!(r.bsd.get(Opt::SoReuseport), None);
        assert_eq!(
            r.linux.values(),
            "SO_REUSEADDR=1 SO_REUSEPORT=0 IPV6_V6ONLY=0"
        );
        assert_eq!(
            r.linux.summary(),
            "SO_REUSEADDR, dual stack (IPV6_V6ONLY off)"
        );
        assert_eq!(r.windows.summary(), "nothing, dual stack (IPV6_V6ONLY off)");
        assert_eq!(r.windows.source, Source::Unverified("not read".into()));
    }

    #[test]
    fn a_cell_with_neither_measurement_nor_cite_is_refused() {
        let text = GOOD.replace("bsd_cite = \"a file at a commit\"\n", "");
        let p = problems(&text);
        assert!(
            p.iter()
                .any(|m| m.contains("the bsd cell has bsd_cite or bsd_unverified")),
            "{p:?}"
        );
        let text = GOOD.replace("probe = \"go\"\n", "");
        let p = problems(&text);
        assert!(
            p.iter().any(|m| m.contains("`probe` (measured in CI)")),
            "{p:?}"
        );
    }

    #[test]
    fn bad_values_are_named_with_their_line() {
        let text = GOOD.replace("SO_REUSEPORT=0 IPV6", "SO_REUSEPORT=2 IPV6");
        let p = problems(&text);
        assert!(
            p.iter()
                .any(|m| m.starts_with("content/runtimes.toml:2: row `x`: linux: `SO_REUSEPORT=2`")),
            "{p:?}"
        );
        let p = problems("lang = \"go\"\n");
        assert_eq!(
            p,
            ["content/runtimes.toml:1: `lang` before the first `[id]`"]
        );
        let p = problems("[a]\nlang = go\n");
        assert!(p[0].contains("a value is a \"quoted string\""), "{p:?}");
        let p = problems("[a]\ncolour = \"red\"\n");
        assert!(p[0].contains("unknown key `colour`"), "{p:?}");
        let text = GOOD.replace("SO_EXCLUSIVEADDRUSE=0 IPV6", "SO_REUSEPORT=0 IPV6");
        assert!(problems(&text)
            .iter()
            .any(|m| m.contains("Windows has no SO_REUSEPORT")));
    }

    #[test]
    fn the_restart_sentences_come_from_the_table() {
        let rows = table().unwrap();
        let md = restart_markdown(&rows);
        assert!(md.contains("- **Go** (Go net): this restart works as it is on Linux, macOS and FreeBSD, because `net.Listen(\"tcp\", \":8080\")` sets SO_REUSEADDR itself."), "{md}");
        assert!(md.contains("- **C** (BSD sockets API): `socket(AF_INET, SOCK_STREAM, 0); bind(); listen()` sets no SO_REUSEADDR, so this restart fails"), "{md}");
        assert!(md.contains("**Java** (Java ServerSocket): this restart works as it is on Linux, macOS and FreeBSD, because `new ServerSocket(8080)` sets SO_REUSEADDR itself. On Windows it binds with SO_EXCLUSIVEADDRUSE: no other program can take the port, but as the old server used it too, a restart fails with 10048"), "{md}");
        assert!(md.contains("On Windows it sets SO_REUSEADDR too"), "{md}");
        // .NET's Linux cell is cited from its native layer, not measured.
        assert!(
            md.contains("sets SO_REUSEADDR itself (Linux: cited, not measured here)."),
            "{md}"
        );
        // One sentence per listener row, nothing else listed.
        let listeners = rows
            .iter()
            .filter(|r| r.socket == SocketKind::TcpListener)
            .count();
        assert_eq!(
            md.lines().filter(|l| l.starts_with("- ")).count(),
            listeners
        );
        // A change of the table changes the text.
        let mut flipped = rows.clone();
        let go = flipped.iter_mut().find(|r| r.id == "go-listener").unwrap();
        go.linux.opts[0].1 = false;
        go.bsd.opts[0].1 = false;
        assert!(restart_markdown(&flipped)
            .contains("`net.Listen(\"tcp\", \":8080\")` sets no SO_REUSEADDR"));
    }

    #[test]
    fn the_templates_file_has_every_message_once_with_its_slots() {
        let entries = keytext::read(TEMPLATES).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(entries.len(), RuntimeMsg::ALL.len());
        for (key, text) in &entries {
            let m = RuntimeMsg::from_key(key).unwrap_or_else(|| panic!("{key}: no RuntimeMsg"));
            assert_eq!(m.english(), text);
            let mut want = m.slots().to_vec();
            let mut got = keytext::slots(text);
            want.sort_unstable();
            got.sort_unstable();
            assert_eq!(got, want, "{key}");
        }
        assert_eq!(link_text(), "what each runtime sets by default");
    }

    fn zh_dir() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/zh-CN")
    }

    /// The project's zh-CN translation: every template and every row's
    /// prose, with the English slots and code.
    #[test]
    fn the_zh_cn_texts_are_complete() {
        let rows = table().unwrap();
        let t = std::fs::read_to_string(zh_dir().join("runtimes.txt")).unwrap();
        let c = engine_messages::Translation::<RuntimeMsg>::read(&t);
        assert!(c.errors.is_empty() && c.untranslated.is_empty(), "{c:?}");
        let t = std::fs::read_to_string(zh_dir().join("runtimes-rows.txt")).unwrap();
        let r = RowTexts::read(&rows, &t);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert!(r.untranslated.is_empty(), "{:?}", r.untranslated);
        assert!(r.texts.len() >= 20, "{}", r.texts.len());
    }

    #[test]
    fn a_rows_translation_is_checked_against_the_table() {
        let rows = parse(&GOOD.replace(
            "windows_unverified = \"not read\"",
            "windows_unverified = \"`x.c` not read\"\nnote = \"Sets it.\"",
        ))
        .unwrap();
        let r = RowTexts::read(
            &rows,
            "x.note = 设置它。\nx.windows_unverified = 没读 `y.c`\nx.bsd_unverified = 无\ny.note = 无\noops\n",
        );
        assert_eq!(r.texts.len(), 1, "{r:?}");
        assert_eq!(r.untranslated, ["x.windows_unverified"]);
        assert_eq!(r.errors.len(), 4, "{:?}", r.errors);
        assert!(
            r.errors[0].starts_with("line 5: expected `key = text`"),
            "{:?}",
            r.errors
        );
        assert!(r.errors[1].contains("the code [\"y.c\"], the English has [\"x.c\"]"));
        assert!(r.errors[2].contains("`x.bsd_unverified` is no prose field"));
        assert!(r.errors[3].contains("`y.note` is no prose field"));
        // The row's prose in a language, English where it has none.
        let zh = |k: &str| r.texts.get(k.strip_prefix("row.")?).cloned();
        assert_eq!(
            rows[0].prose_in(&zh, Prose::Note).as_deref(),
            Some("设置它。")
        );
        assert_eq!(
            rows[0]
                .prose_in(&zh, Prose::Unverified(Column::Windows))
                .as_deref(),
            Some("`x.c` not read")
        );
        assert_eq!(rows[0].prose_in(&zh, Prose::LinuxNotMeasured), None);
    }

    /// A citation may be translated, and need not be; its sources — a
    /// `repo@commit`, a path, a "quote" — are kept as written.
    #[test]
    fn a_citations_words_translate_and_its_sources_stay() {
        let rows = parse(&GOOD.replace(
            "bsd_cite = \"a file at a commit\"",
            "bsd_cite = \"golang/go@20c73c0565d1 src/net/sockopt_bsd.go: sets it, \\\"Allow reuse\\\"\"",
        ))
        .unwrap();
        let r = RowTexts::read(&rows, "");
        assert_eq!(
            r.untranslated,
            ["x.windows_unverified"],
            "a citation is optional"
        );
        let good =
            "x.bsd_cite = golang/go@20c73c0565d1 src/net/sockopt_bsd.go：设置它，\"Allow reuse\"";
        let r = RowTexts::read(&rows, good);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let zh = |k: &str| r.texts.get(k.strip_prefix("row.")?).cloned();
        assert!(rows[0]
            .prose_in(&zh, Prose::Cite(Column::Bsd))
            .unwrap()
            .contains("设置它"));
        for bad in [
            "x.bsd_cite = golang/go src/net/sockopt_bsd.go：设置它，\"Allow reuse\"",
            "x.bsd_cite = golang/go@20c73c0565d1 src/net/sockopt_bsd.go：设置它，“允许复用”",
        ] {
            let r = RowTexts::read(&rows, bad);
            assert_eq!(r.errors.len(), 1, "{bad}: {:?}", r.errors);
            assert!(
                r.errors[0].contains("which the English cites"),
                "{:?}",
                r.errors
            );
        }
    }

    #[test]
    fn the_restart_sentences_follow_the_locale() {
        let rows = table().unwrap();
        let t = std::fs::read_to_string(zh_dir().join("runtimes.txt")).unwrap();
        let zh = engine_messages::Translation::<RuntimeMsg>::read(&t).translation;
        let texts = |k: &str| {
            RuntimeMsg::from_key(k)
                .and_then(|m| zh.get(m))
                .map(str::to_string)
        };
        let md = restart_markdown_in(&rows, &texts);
        assert!(md.contains("- **Go**（Go net）：这样重启在 Linux、macOS 和 FreeBSD 上直接可行，因为 `net.Listen(\"tcp\", \":8080\")` 自己设置了 SO_REUSEADDR。"), "{md}");
        assert!(
            md.contains("SO_REUSEADDR。在 Windows 上它用 SO_EXCLUSIVEADDRUSE 绑定：别的程序无法占用这个端口；但旧服务器也是这样绑定的，所以在旧服务器的连接（包括 TIME_WAIT）全部消失之前，重启都会以 10048 失败。"),
            "{md}"
        );
        assert!(md.contains("（Linux：有出处，此处未测量）。"), "{md}");
        assert!(md.contains("[各运行时默认设置了什么](#/runtimes)"), "{md}");
        assert!(!md.contains("this restart"), "{md}");
        assert_eq!(
            panel_heading_in("node", &texts),
            "Node.js 为这些套接字自行设置的选项"
        );
        // A template that lost a slot shows the English sentence, whole.
        let broken = |k: &str| (k == "restart.works").then(|| "重启可行 {nope}".to_string());
        assert!(restart_markdown_in(&rows, &broken)
            .contains("**Go** (Go net): this restart works as it is"));
    }

    #[test]
    fn the_code_panel_names_the_first_row_of_each_kind() {
        let rows = table().unwrap();
        let lines = panel_lines(&rows, "go", &[SocketKind::TcpListener, SocketKind::Udp]);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].api, "net.Listen(\"tcp\", \":8080\")");
        assert_eq!(
            lines[0].cells,
            [
                (
                    "Linux, macOS, FreeBSD".to_string(),
                    "SO_REUSEADDR, dual stack (IPV6_V6ONLY off)".to_string()
                ),
                (
                    "Windows".to_string(),
                    "nothing, dual stack (IPV6_V6ONLY off)".to_string()
                )
            ]
        );
        assert_eq!(lines[1].kind, "UDP socket");
        assert!(panel_lines(&rows, "csharp", &[SocketKind::Udp]).is_empty());
        assert_eq!(
            panel_heading("node"),
            "What Node.js sets on its own for these sockets"
        );
    }

    #[test]
    fn restart_follows_so_reuseaddr_on_unix() {
        let rows = table().unwrap();
        let (go, _) = restart_works(&rows, "go", Column::Linux).unwrap();
        let (c, _) = restart_works(&rows, "c", Column::Linux).unwrap();
        assert!(go);
        assert!(!c);
        assert!(restart_works(&rows, "cobol", Column::Linux).is_none());
    }
}
