//! A scenario as a program in a real language that runs it on the reader's
//! own machine and checks bindlab's prediction (`bindlab export --lang L`).
//!
//! Every language renders the same [`Plan`]: the scenario's text (a comment
//! at the top), its steps as calls with resolved arguments, and bindlab's
//! prediction for every OS, computed once (`predict.rs`). A language module only
//! writes that plan in its own syntax and appends its runtime
//! (`runtime/<lang>.*`: readable helpers that make the real calls, record each
//! outcome by its error name and print it beside the prediction). All
//! programs print the same table and the same last line
//! (`N matched, M differ, K skipped`), so one comparator checks them all.
//!
//! The languages' metadata ([`Lang`]) is always here; the generators ([`Plan`],
//! [`export`], the language modules) only with the `export` feature (on by
//! default), which the site's wasm leaves out: it computes the
//! [`Predictions`] and asks `crates/export-wasm`, a module of its own, for
//! the program ([`request`], [`answer`]).

use std::fmt;

#[cfg(feature = "export")]
mod c;
#[cfg(feature = "export")]
mod csharp;
#[cfg(feature = "export")]
mod go;
#[cfg(feature = "export")]
mod java;
#[cfg(feature = "export")]
mod node;
#[cfg(feature = "export")]
mod plan;
mod predict;
#[cfg(feature = "export")]
mod python;
#[cfg(feature = "export")]
mod rust;

#[cfg(feature = "export")]
use crate::os::Os;
#[cfg(feature = "export")]
use crate::scenario::Scenario;
#[cfg(feature = "export")]
pub(crate) use plan::{c_str, header, os_key, seconds};
#[cfg(feature = "export")]
pub use plan::{Call, Plan, PlanStep, Port};
pub use predict::{request, Prediction, Predictions, REQUEST_VERSION};

/// A language bindlab exports to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    C,
    Python,
    Go,
    Rust,
    Node,
    Java,
    CSharp,
}

impl Lang {
    pub const ALL: [Lang; 7] = [
        Lang::C,
        Lang::Python,
        Lang::Go,
        Lang::Rust,
        Lang::Node,
        Lang::Java,
        Lang::CSharp,
    ];

    /// The name on the command line (`--lang NAME`) and in the site's picker's storage.
    pub fn id(self) -> &'static str {
        match self {
            Lang::C => "c",
            Lang::Python => "python",
            Lang::Go => "go",
            Lang::Rust => "rust",
            Lang::Node => "node",
            Lang::Java => "java",
            Lang::CSharp => "csharp",
        }
    }

    /// The name people call it by.
    pub fn label(self) -> &'static str {
        match self {
            Lang::C => "C",
            Lang::Python => "Python",
            Lang::Go => "Go",
            Lang::Rust => "Rust",
            Lang::Node => "Node.js",
            Lang::Java => "Java",
            Lang::CSharp => "C#",
        }
    }

    pub fn from_id(s: &str) -> Option<Lang> {
        let s = s.to_ascii_lowercase();
        let s = match s.as_str() {
            "py" | "python3" => "python",
            "golang" => "go",
            "rs" => "rust",
            "js" | "javascript" | "nodejs" => "node",
            "cs" | "c#" | "dotnet" => "csharp",
            other => other,
        };
        Lang::ALL.into_iter().find(|l| l.id() == s)
    }

    /// The file a download of the program is called (Java's public class
    /// must match it).
    pub fn file_name(self) -> &'static str {
        match self {
            Lang::C => "bindlab_check.c",
            Lang::Python => "bindlab_check.py",
            Lang::Go => "bindlab_check.go",
            Lang::Rust => "bindlab_check.rs",
            Lang::Node => "bindlab_check.mjs",
            Lang::Java => "BindlabCheck.java",
            Lang::CSharp => "BindlabCheck.cs",
        }
    }

    /// How to build and run the program saved as `file`.
    pub fn how_to_run(self, file: &str) -> String {
        let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
        match self {
            Lang::C => {
                let run = if stem.contains('/') {
                    stem.to_string()
                } else {
                    format!("./{stem}")
                };
                format!("cc -o {stem} {file} && {run}")
            }
            Lang::Python => format!("python3 {file}"),
            Lang::Go => format!("go run {file}"),
            Lang::Rust => format!(
                "put it in a cargo project's src/main.rs with socket2 = {{ version = \"0.5\", features = [\"all\"] }} and libc = \"0.2\", then cargo run (see the comment at the top of {file})"
            ),
            Lang::Node => format!("node {file}"),
            Lang::Java => format!("java {file}"),
            Lang::CSharp => {
                format!("mcs {file} && mono {stem}.exe (or a `dotnet new console` project)")
            }
        }
    }
}

impl Lang {
    /// What the program needs, and what the language's API cannot say (the
    /// program stops at such a step and says so): the site shows it beside
    /// the code, the README lists it.
    pub fn limits(self) -> &'static str {
        match self {
            Lang::C => "BSD sockets on Linux, macOS and FreeBSD; every step is expressible, UDP included (sendto/recv, IP_ADD_MEMBERSHIP, IP_MULTICAST_ALL). Other users need root (the program switches its effective uid).",
            Lang::Python => "The standard library's socket module, on Linux, macOS, FreeBSD and Windows; every step is expressible, UDP included. Other users need root on Linux.",
            Lang::Go => "Linux. A server socket made in one go uses net.ListenConfig with Control (Listen for TCP, ListenPacket for UDP; Go turns SO_REUSEADDR on for listeners, Control sets the scenario's value); peers use net.Dialer; steps Go's net cannot take one at a time (and joins) use the syscall package.",
            Lang::Rust => "socket2 and libc (Linux, macOS, FreeBSD); every step is expressible, UDP included (send_to, join_multicast_v4/v6, set_multicast_all_v4). std::net alone could not set an option before bind.",
            Lang::Node => "net creates, binds and listens (or connects) in one call, and libuv turns SO_REUSEADDR on for every TCP socket it binds; UDP is dgram (createSocket, bind, addMembership). Node 20 has no SO_REUSEPORT and no IP_MULTICAST_ALL, a dgram socket cannot connect twice, and a process cannot act as another user. Such steps print \"not expressible in Node\".",
            Lang::Java => "A ServerSocketChannel binds and listens in one call and cannot bind alone; UDP is DatagramChannel (MulticastChannel.join). IPV6_V6ONLY and IP_MULTICAST_ALL are not standard options, and the JDK turns IP_MULTICAST_ALL off on Linux (a datagram step that this changes is not run); Java closes a SocketChannel whose connect failed; a connected DatagramChannel cannot connect again; the JDK gives a link-local address without a scope id one of its own, and refuses an IPv4 socket's bind to 127.x.y.255 or 255.x.y.255 itself; no other users. Such steps print \"not expressible in Java\".",
            Lang::CSharp => "System.Net.Sockets has no SO_REUSEPORT and no IP_MULTICAST_ALL (on Linux and macOS its ReuseAddress sets SO_REUSEPORT too, which spreads UDP datagrams) and cannot act as another user. Run it in a network namespace on Linux (see the comment in the program).",
        }
    }

    /// The runtime appended to every program: `runtime/<file>`, and in the
    /// site `static/export/<file>`.
    pub fn runtime_file(self) -> &'static str {
        match self {
            Lang::C => "c.c",
            Lang::Python => "python.py",
            Lang::Go => "go.go",
            Lang::Rust => "rust.rs",
            Lang::Node => "node.mjs",
            Lang::Java => "java.java",
            Lang::CSharp => "csharp.cs",
        }
    }

    /// Whether [`export`] appends the runtime itself: only with the
    /// `runtimes` feature (the CLI); the site's wasm leaves every runtime
    /// out and fetches the one it needs from `static/export/`.
    pub fn runtime_included(self) -> bool {
        cfg!(feature = "runtimes")
    }

    /// The MIME type of a download.
    pub fn mime(self) -> &'static str {
        match self {
            Lang::C => "text/x-c",
            Lang::Python => "text/x-python",
            Lang::Go => "text/x-go",
            Lang::Rust => "text/x-rust",
            Lang::Node => "text/javascript",
            Lang::Java => "text/x-java",
            Lang::CSharp => "text/x-csharp",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why a scenario cannot be exported to a language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportError {
    pub lang: Lang,
    pub line: u32,
    pub message: String,
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: {} export: {}",
            self.line, self.lang, self.message
        )
    }
}

impl std::error::Error for ExportError {}

/// Export options.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The file the program will be saved as: Java names its class after it.
    pub file_name: Option<String>,
}

/// The scenario as a program in `lang`. Without the `runtimes` feature the
/// program ends before its runtime unless [`Lang::runtime_included`].
#[cfg(feature = "export")]
pub fn export(s: &Scenario, lang: Lang, opts: &Options) -> Result<String, ExportError> {
    render(&Plan::new(s), lang, opts.file_name.as_deref())
}

/// A plan as a program in `lang` (`file_name`: what Java names its class
/// after).
#[cfg(feature = "export")]
pub fn render(plan: &Plan, lang: Lang, file_name: Option<&str>) -> Result<String, ExportError> {
    match lang {
        Lang::C => c::render(plan),
        Lang::Python => python::render(plan),
        Lang::Go => go::render(plan),
        Lang::Rust => rust::render(plan),
        Lang::Node => node::render(plan),
        Lang::Java => java::render(plan, &java::class_name(file_name)),
        Lang::CSharp => csharp::render(plan),
    }
}

/// A [`request`]'s program, or why not in English: the generators'
/// module's one call (`crates/export-wasm`).
#[cfg(feature = "export")]
pub fn answer(request: &str) -> Result<String, String> {
    let damaged = || "the request is damaged".to_string();
    let (version, rest) = request.split_once('\n').ok_or_else(damaged)?;
    if version != REQUEST_VERSION {
        return Err(
            "the program generator belongs to another version of bindlab: reload the page".into(),
        );
    }
    let (id, rest) = rest.split_once('\n').ok_or_else(damaged)?;
    let lang = Lang::from_id(id).ok_or_else(|| format!("no language named `{id}`"))?;
    let (len, rest) = rest.split_once('\n').ok_or_else(damaged)?;
    let len: usize = len.parse().map_err(|_| damaged())?;
    let text = rest.get(..len).ok_or_else(damaged)?;
    let scenario = crate::parse(text).map_err(|problems| {
        problems.first().map_or_else(
            || "the scenario has problems".to_string(),
            |p| format!("line {}: {}", p.line, p.message),
        )
    })?;
    let predictions = Predictions::decode(&rest[len..])?;
    let steps = scenario.steps.len();
    let oses: Vec<Os> = predictions.per_os.iter().map(|(os, _)| *os).collect();
    if oses != Os::ALL
        || predictions.per_os.iter().any(|(_, p)| p.len() != steps)
        || predictions.linux_differs_with_multicast_all_off.len() != steps
    {
        return Err("the predictions do not match the scenario".into());
    }
    render(
        &Plan::with(&scenario, predictions),
        lang,
        Some(lang.file_name()),
    )
    .map_err(|e| e.to_string())
}

#[cfg(all(test, feature = "export"))]
mod tests;
