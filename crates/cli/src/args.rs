//! The command line, parsed into one [`Command`] per subcommand. Every
//! option that takes a value fails with a message when the value is missing
//! (`--scenarios` at the end, or followed by another option).

use bindlab_engine::export::Lang;
use bindlab_engine::{Os, TextOs};

/// The languages `export --lang` takes, as the usage names them.
const LANGS: &str = "c|python|go|rust|node|java|csharp";

use crate::error::{Error, Result};

pub const USAGE: &str = "\
bindlab — what bind(), listen() and connect() do on Linux, FreeBSD, macOS and Windows

usage:
  bindlab run FILE [--os NAME|all] [--json]   run a scenario and show each step's outcome
  bindlab check FILE...                        check every `=> RESULT` expectation; exit 1 on a mismatch
  bindlab export --lang LANG FILE [-o OUT]     a program that runs the scenario on your machine and checks
                                               bindlab's prediction for your OS; LANG: c, python, go, rust,
                                               node, java, csharp (--python is --lang python)
  bindlab cheatsheet [--rules] [--scenarios DIR]
                                               the OS × option matrix, computed by the engine
  bindlab lessons check FILE... [--scenarios DIR]
                                               check course lessons against the engine; write their scenarios
  bindlab guides check FILE... [--scenarios DIR]
                                               check the guides (one per symptom) against the engine;
                                               write their Linux scenarios
  bindlab fmt FILE                             print the scenario in canonical form, its comments kept
  bindlab rules [ID]                           list the rule catalogue, or explain one rule
  bindlab rules check                          check the translated catalogues (content/<locale>/rules.json):
                                               the same ids, why variants and slots; list what is untranslated
  bindlab runtimes [--lang LANG] [--os NAME]   what each language's runtime sets on its own (SO_REUSEADDR,
                                               SO_REUSEPORT, IPV6_V6ONLY, SO_EXCLUSIVEADDRUSE) per socket and OS
  bindlab doctor [PORT] [--bind ADDR:PORT] [--udp] [--scenario]
                                               (Linux) this host's sockets on PORT, and whether a bind of
                                               ADDR:PORT would work with each option set, and why;
                                               --udp: its UDP sockets, and who receives a datagram
  bindlab verify FILE...                       run each scenario on this machine's Linux kernel and
                                               compare each step with bindlab's prediction; exit 1 on a difference

FILE may be - for standard input. OS names: linux, freebsd, macos, windows, all.
--lang en|zh-CN (anywhere but after export and runtimes, where --lang names a programming language;
else LC_ALL, LC_MESSAGES, LANG) chooses the language of the output.
COMMAND --help prints this.";

/// One subcommand and its arguments.
#[derive(Debug, PartialEq)]
pub enum Command {
    Help,
    Run {
        file: String,
        /// `--os`: `None` runs the scenario's own OS.
        os: Option<TextOs>,
        json: bool,
    },
    Check {
        files: Vec<String>,
    },
    Verify {
        files: Vec<String>,
    },
    Export {
        lang: Lang,
        file: String,
        out: Option<String>,
    },
    Cheatsheet {
        rules: bool,
        scenarios: Option<String>,
    },
    LessonsCheck {
        files: Vec<String>,
        scenarios: Option<String>,
    },
    GuidesCheck {
        files: Vec<String>,
        scenarios: Option<String>,
    },
    Fmt {
        file: String,
    },
    Doctor {
        port: Option<u16>,
        bind: Option<std::net::SocketAddr>,
        /// `--udp`: the port's UDP sockets and a UDP bind (else TCP).
        udp: bool,
        scenario: bool,
    },
    Rules {
        id: Option<String>,
    },
    /// `rules check`: the translated catalogues against the English one.
    RulesCheck,
    Runtimes {
        lang: Option<String>,
        os: Option<bindlab_course::runtimes::Column>,
    },
}

/// One argument: an option (`--os`, `-o`; `--os=linux` gives its value
/// with it) or a positional one (`-` is positional: standard input).
enum Arg {
    Opt(String, Option<String>),
    Pos(String),
}

struct Args<'a> {
    rest: std::slice::Iter<'a, String>,
}

impl<'a> Args<'a> {
    fn new(args: &'a [String]) -> Self {
        Args { rest: args.iter() }
    }

    fn next(&mut self) -> Option<Arg> {
        let a = self.rest.next()?.clone();
        if a.starts_with('-') && a != "-" {
            match a.split_once('=') {
                Some((opt, v)) if opt.starts_with("--") => {
                    Some(Arg::Opt(opt.to_string(), Some(v.to_string())))
                }
                _ => Some(Arg::Opt(a, None)),
            }
        } else {
            Some(Arg::Pos(a))
        }
    }

    /// The value of option `opt` (given inline, or the next argument);
    /// `what` names it in the message when it is missing.
    fn value(&mut self, opt: &str, inline: Option<String>, what: &str) -> Result<String> {
        let v = match inline {
            Some(v) => Some(v),
            None => match self.rest.as_slice().first() {
                Some(next) if !(next.starts_with('-') && next != "-") => self.rest.next().cloned(),
                _ => None,
            },
        };
        match v {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(Error::usage(format!("{opt} needs a value: {what}"))),
        }
    }
}

fn flag(opt: &str, inline: Option<String>) -> Result {
    match inline {
        None => Ok(()),
        Some(_) => Err(Error::usage(format!("{opt} takes no value"))),
    }
}

fn unknown(opt: &str) -> Error {
    Error::usage(format!("unknown option `{opt}`"))
}

fn one_file(files: Vec<String>, cmd: &str) -> Result<String> {
    let mut files = files.into_iter();
    match (files.next(), files.next()) {
        (Some(f), None) => Ok(f),
        (None, _) => Err(Error::usage(format!("{cmd} needs a FILE"))),
        (Some(_), Some(_)) => Err(Error::usage(format!("{cmd} takes one FILE"))),
    }
}

const OS_VALUES: &str = "linux, freebsd, macos, windows or all";

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err(Error::usage("no command given"));
    };
    // `bindlab run --help`: the help, whatever else is there (no option
    // takes a value that starts with `-`, so this is never one).
    if rest.iter().any(|a| a == "-h" || a == "--help") {
        return Ok(Command::Help);
    }
    let mut args = Args::new(rest);
    match cmd.as_str() {
        "-h" | "--help" | "help" => Ok(Command::Help),
        "run" => {
            let (mut files, mut os, mut json) = (Vec::new(), None, false);
            while let Some(a) = args.next() {
                match a {
                    Arg::Opt(o, v) if o == "--json" => {
                        flag(&o, v)?;
                        json = true
                    }
                    Arg::Opt(o, v) if o == "--os" => {
                        let name = args.value(&o, v, OS_VALUES)?;
                        os = Some(if name.eq_ignore_ascii_case("all") {
                            TextOs::All
                        } else {
                            TextOs::Override(Os::from_key(&name).ok_or_else(|| {
                                Error::usage(format!(
                                    "unknown OS `{name}` (linux, freebsd, macos, windows, all)"
                                ))
                            })?)
                        });
                    }
                    Arg::Opt(o, _) => return Err(unknown(&o)),
                    Arg::Pos(f) => files.push(f),
                }
            }
            let file = one_file(files, "run")?;
            Ok(Command::Run { file, os, json })
        }
        "check" | "verify" => {
            let mut files = Vec::new();
            while let Some(a) = args.next() {
                match a {
                    Arg::Opt(o, _) => return Err(unknown(&o)),
                    Arg::Pos(f) => files.push(f),
                }
            }
            if files.is_empty() {
                return Err(Error::usage(format!("{cmd} needs one or more FILEs")));
            }
            // Standard input reads once: a second `-` would be an empty
            // scenario, counted as passed.
            if files.iter().filter(|f| *f == "-").count() > 1 {
                return Err(Error::usage(format!(
                    "{cmd}: `-` (standard input) can be given once"
                )));
            }
            Ok(if cmd == "check" {
                Command::Check { files }
            } else {
                Command::Verify { files }
            })
        }
        "export" => {
            let (mut files, mut out, mut lang) = (Vec::new(), None, None);
            while let Some(a) = args.next() {
                match a {
                    Arg::Opt(o, v) if o == "--python" => {
                        flag(&o, v)?;
                        lang = Some(Lang::Python)
                    }
                    Arg::Opt(o, v) if o == "--lang" || o == "-l" => {
                        let name = args.value(&o, v, "a language")?;
                        lang = Some(Lang::from_id(&name).ok_or_else(|| {
                            Error::usage(format!(
                                "unknown language `{name}`; the languages are: {}",
                                LANGS
                            ))
                        })?)
                    }
                    Arg::Opt(o, v) if o == "-o" || o == "--output" => {
                        out = Some(args.value(&o, v, "a file name")?)
                    }
                    Arg::Opt(o, _) => return Err(unknown(&o)),
                    Arg::Pos(f) => files.push(f),
                }
            }
            let Some(lang) = lang else {
                return Err(Error::usage(format!(
                    "export needs a language: --lang {LANGS}"
                )));
            };
            let file = one_file(files, "export")?;
            Ok(Command::Export { lang, file, out })
        }
        "cheatsheet" => {
            let (mut rules, mut scenarios) = (false, None);
            while let Some(a) = args.next() {
                match a {
                    Arg::Opt(o, v) if o == "--rules" => {
                        flag(&o, v)?;
                        rules = true
                    }
                    Arg::Opt(o, v) if o == "--scenarios" => {
                        scenarios = Some(args.value(&o, v, "a directory")?)
                    }
                    Arg::Opt(o, _) => return Err(unknown(&o)),
                    Arg::Pos(p) => return Err(Error::usage(format!("unexpected `{p}`"))),
                }
            }
            Ok(Command::Cheatsheet { rules, scenarios })
        }
        kind @ ("lessons" | "guides") => {
            match args.next() {
                Some(Arg::Pos(sub)) if sub == "check" => {}
                _ => {
                    return Err(Error::usage(format!(
                        "usage: bindlab {kind} check FILE... [--scenarios DIR]"
                    )))
                }
            }
            let (mut files, mut scenarios) = (Vec::new(), None);
            while let Some(a) = args.next() {
                match a {
                    Arg::Opt(o, v) if o == "--scenarios" => {
                        scenarios = Some(args.value(&o, v, "a directory")?)
                    }
                    Arg::Opt(o, _) => return Err(unknown(&o)),
                    Arg::Pos(f) => files.push(f),
                }
            }
            if files.is_empty() {
                return Err(Error::usage(format!(
                    "{kind} check needs one or more FILEs"
                )));
            }
            Ok(if kind == "guides" {
                Command::GuidesCheck { files, scenarios }
            } else {
                Command::LessonsCheck { files, scenarios }
            })
        }
        "doctor" => {
            let (mut port, mut bind, mut udp, mut scenario) = (None, None, false, false);
            while let Some(a) = args.next() {
                match a {
                    Arg::Opt(o, v) if o == "--bind" => {
                        let v = args.value(&o, v, "an address and port, e.g. 0.0.0.0:8080")?;
                        let addr: std::net::SocketAddr = v.parse().map_err(|_| {
                            Error::usage(format!(
                                "--bind: `{v}` is not ADDR:PORT (0.0.0.0:8080, [::]:8080)"
                            ))
                        })?;
                        bind = Some(addr);
                    }
                    Arg::Opt(o, None) if o == "--scenario" => scenario = true,
                    Arg::Opt(o, None) if o == "--udp" => udp = true,
                    Arg::Opt(o, _) => return Err(unknown(&o)),
                    Arg::Pos(p) if port.is_none() => {
                        port = Some(p.parse::<u16>().ok().filter(|&n| n > 0).ok_or_else(|| {
                            Error::usage(format!("`{p}` is not a port (1 to 65535)"))
                        })?)
                    }
                    Arg::Pos(p) => return Err(Error::usage(format!("unexpected `{p}`"))),
                }
            }
            if let (Some(p), Some(b)) = (port, bind) {
                if p != b.port() {
                    return Err(Error::usage(format!(
                        "PORT {p} and --bind {b} name different ports"
                    )));
                }
            }
            Ok(Command::Doctor {
                port,
                bind,
                udp,
                scenario,
            })
        }
        "fmt" => {
            let mut files = Vec::new();
            while let Some(a) = args.next() {
                match a {
                    Arg::Opt(o, _) => return Err(unknown(&o)),
                    Arg::Pos(f) => files.push(f),
                }
            }
            let file = one_file(files, "fmt")?;
            Ok(Command::Fmt { file })
        }
        "rules" => {
            let mut ids = Vec::new();
            while let Some(a) = args.next() {
                match a {
                    Arg::Opt(o, _) => return Err(unknown(&o)),
                    Arg::Pos(id) => ids.push(id),
                }
            }
            if ids.first().is_some_and(|c| c == "check") {
                if ids.len() > 1 {
                    return Err(Error::usage("rules check takes no ID"));
                }
                return Ok(Command::RulesCheck);
            }
            if ids.len() > 1 {
                return Err(Error::usage("rules takes at most one ID"));
            }
            Ok(Command::Rules { id: ids.pop() })
        }
        "runtimes" => {
            let (mut lang, mut os) = (None, None);
            while let Some(a) = args.next() {
                match a {
                    Arg::Opt(o, v) if o == "--lang" => {
                        let l = args.value(&o, v, LANGS)?;
                        if !LANGS.split('|').any(|x| x == l) {
                            return Err(Error::usage(format!(
                                "--lang: `{l}` is not one of {LANGS}"
                            )));
                        }
                        lang = Some(l);
                    }
                    Arg::Opt(o, v) if o == "--os" => {
                        let n = args.value(&o, v, "linux|freebsd|macos|windows")?;
                        os =
                            Some(bindlab_course::runtimes::Column::of_os(&n).ok_or_else(|| {
                                Error::usage(format!(
                                    "--os: `{n}` is not linux, freebsd, macos or windows"
                                ))
                            })?);
                    }
                    Arg::Opt(o, _) => return Err(unknown(&o)),
                    Arg::Pos(p) => return Err(Error::usage(format!("unexpected `{p}`"))),
                }
            }
            Ok(Command::Runtimes { lang, os })
        }
        other => Err(Error::usage(format!("unknown command `{other}`"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Command> {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    fn usage(args: &[&str]) -> String {
        match p(args) {
            Err(Error::Usage(m)) => m,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    #[test]
    fn a_missing_value_is_an_error() {
        assert_eq!(
            usage(&["lessons", "check", "a.md", "--scenarios"]),
            "--scenarios needs a value: a directory"
        );
        assert_eq!(
            usage(&["lessons", "check", "a.md", "--scenarios", "--x"]),
            "--scenarios needs a value: a directory"
        );
        assert!(usage(&["run", "f", "--os"]).starts_with("--os needs a value"));
        assert!(usage(&["run", "f", "--os="]).starts_with("--os needs a value"));
        assert!(usage(&["run", "--os", "--json", "f"]).starts_with("--os needs a value"));
        assert!(usage(&["cheatsheet", "--scenarios"]).starts_with("--scenarios needs"));
        assert!(usage(&["export", "--python", "f", "-o"]).starts_with("-o needs"));
    }

    #[test]
    fn values_inline_or_next() {
        assert_eq!(
            p(&["run", "-", "--os=windows", "--json"]).unwrap(),
            Command::Run {
                file: "-".into(),
                os: Some(TextOs::Override(Os::Windows)),
                json: true
            }
        );
        assert_eq!(
            p(&["lessons", "check", "a.md", "--scenarios", "d", "b.md"]).unwrap(),
            Command::LessonsCheck {
                files: vec!["a.md".into(), "b.md".into()],
                scenarios: Some("d".into())
            }
        );
    }

    #[test]
    fn wrong_counts_and_options() {
        assert_eq!(usage(&["run"]), "run needs a FILE");
        assert_eq!(usage(&["fmt", "a", "b"]), "fmt takes one FILE");
        assert_eq!(
            usage(&["lessons", "check"]),
            "lessons check needs one or more FILEs"
        );
        assert_eq!(usage(&["check", "--frob"]), "unknown option `--frob`");
        assert_eq!(
            usage(&["check", "-", "a", "-"]),
            "check: `-` (standard input) can be given once"
        );
        // A subcommand's --help is the help, not an unknown option.
        for cmd in [
            "run", "check", "export", "doctor", "fmt", "lessons", "guides", "rules", "runtimes",
        ] {
            assert_eq!(p(&[cmd, "--help"]).unwrap(), Command::Help, "{cmd}");
            assert_eq!(
                p(&[cmd, "x.bindlab", "-h"]).unwrap(),
                Command::Help,
                "{cmd}"
            );
        }
        assert_eq!(usage(&["run", "f", "--json=1"]), "--json takes no value");
    }
}
