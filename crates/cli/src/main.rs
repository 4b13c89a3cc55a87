//! `bindlab`: run and check bindlab scenarios from the command line.
//!
//! ```text
//! bindlab run FILE [--os NAME|all] [--json]
//! bindlab check FILE...
//! bindlab fmt FILE
//! bindlab rules [ID]
//! bindlab rules check [--lang zh-CN]
//! bindlab runtimes [--lang LANG] [--os NAME]
//! ```
//! `--lang LOCALE` (anywhere; else LC_ALL > LC_MESSAGES > LANG) chooses the
//! language of the why-lines and the tools' sentences (`lang`).
//! FILE may be `-` for standard input. Text problems go to standard error
//! as `FILE:LINE:COL: message` and exit 2.
//!
//! Laid out like ripgrep: `args` parses the command line into a
//! [`args::Command`], `cmd::*` runs one command each (`run(out, …) ->
//! Result`), and `main` turns the error into a message and an exit code
//! (`error`). Output goes through one locked, buffered standard output; a
//! reader that goes away (`bindlab run BIG | head -1`) ends the program
//! quietly with exit 0.

/// `std`'s `eprintln!` for every module (defined before them, it shadows
/// the prelude's), except that standard error gone away (`bindlab check
/// BAD 2>&1 | head -1`) drops the text instead of panicking, which ended
/// such a command with exit 101 and a panic message.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod args;
mod cmd;
mod error;
mod lang;
mod load;
mod table;

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use args::{Command, USAGE};
use error::{Error, Result};

/// The arguments, or a usage error naming the first that is not Unicode
/// (`std::env::args` would panic on it; a file name can be any bytes).
fn unicode_args() -> Result<Vec<String>> {
    std::env::args_os()
        .skip(1)
        .map(|a| {
            a.into_string().map_err(|a| {
                Error::usage(format!(
                    "`{}` is not valid UTF-8: bindlab reads its arguments as UTF-8 (rename the file, or give `-` and redirect the file to standard input)",
                    a.to_string_lossy()
                ))
            })
        })
        .collect()
}

fn main() -> ExitCode {
    let mut out = BufWriter::new(std::io::stdout().lock());
    let result = unicode_args()
        .and_then(|args| lang::take(&args).map_err(Error::usage))
        .and_then(|(locale, args)| {
            lang::set(locale.unwrap_or_else(bindlab_course::Locale::from_env));
            args::parse(&args)
        })
        .and_then(|c| dispatch(&mut out, c));
    // What the command wrote is flushed before its error is judged: a
    // failed flush is a write error like any other.
    // A summary that could not be written is reported even when the
    // command had its own failure to exit with.
    let result = match (result, out.flush()) {
        (Ok(()), Ok(())) => Ok(()),
        (Ok(()) | Err(Error::Exit(_)), Err(e)) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e.into())
        }
        (Err(e), _) => Err(e),
        (Ok(()), Err(e)) => Err(e.into()),
    };
    let Err(e) = result else {
        return ExitCode::SUCCESS;
    };
    match &e {
        Error::Usage(m) => eprintln!("bindlab: {m}\n\n{USAGE}"),
        Error::Fatal(_) => eprintln!("bindlab: {e}"),
        Error::Stdout(io) if io.kind() == std::io::ErrorKind::BrokenPipe => {}
        Error::Stdout(_) => eprintln!("bindlab: {e}"),
        Error::Exit(_) => {}
    }
    ExitCode::from(e.code())
}

fn dispatch(out: &mut dyn Write, command: Command) -> Result {
    match command {
        Command::Help => writeln!(out, "{USAGE}").map_err(Error::from),
        Command::Run { file, os, json } => cmd::run::run(out, &file, os, json),
        Command::Check { files } => cmd::check::run(out, &files),
        Command::Verify { files } => cmd::verify::run(out, &files),
        Command::Export {
            lang,
            file,
            out: to,
        } => cmd::export::run(out, lang, &file, to.as_deref()),
        Command::Cheatsheet { rules, scenarios } => {
            cmd::cheatsheet::run(out, rules, scenarios.as_deref())
        }
        Command::LessonsCheck { files, scenarios } => {
            cmd::lessons::run(out, &files, scenarios.as_deref())
        }
        Command::GuidesCheck { files, scenarios } => {
            cmd::guides::run(out, &files, scenarios.as_deref())
        }
        Command::Doctor {
            port,
            bind,
            udp,
            scenario,
        } => cmd::doctor::run(out, port, bind, udp, scenario),
        Command::Fmt { file } => cmd::fmt::run(out, &file),
        Command::Rules { id } => cmd::rules::run(out, id.as_deref()),
        Command::RulesCheck => cmd::rules::check(out),
        Command::Runtimes { lang, os } => cmd::runtimes::run(out, lang.as_deref(), os),
    }
}
