//! What a command can fail with, and the exit code each one means.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success (also: standard output was closed early, as by `head`) |
//! | 1 | a check found a difference (an expectation, the kernel, a lesson) |
//! | 2 | a usage error, a text that does not parse, a file that cannot be read or written |

use std::fmt;
use std::io;

pub type Result<T = ()> = std::result::Result<T, Error>;

#[derive(Debug)]
pub enum Error {
    /// The command line is wrong: the message, then the usage (exit 2).
    Usage(String),
    /// Anything else that stops the command: `bindlab: MESSAGE` (exit 2).
    Fatal(String),
    /// The command has already said what went wrong on standard error (or
    /// in its summary); exit with this code.
    Exit(u8),
    /// Writing standard output failed. A broken pipe (the reader, e.g.
    /// `head`, has gone) is not an error: it exits 0 quietly.
    Stdout(io::Error),
}

impl Error {
    pub fn usage(msg: impl Into<String>) -> Self {
        Error::Usage(msg.into())
    }

    pub fn fatal(msg: impl Into<String>) -> Self {
        Error::Fatal(msg.into())
    }

    /// The exit code (0 for a broken pipe).
    pub fn code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Fatal(_) => 2,
            Error::Exit(code) => *code,
            Error::Stdout(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
            Error::Stdout(_) => 2,
        }
    }
}

/// Writing to standard output (`?` on a `write!`).
impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Stdout(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Fatal(m) => f.write_str(m),
            Error::Exit(code) => write!(f, "exit {code}"),
            Error::Stdout(e) => write!(f, "cannot write to standard output: {e}"),
        }
    }
}
