//! Reading a scenario (FILE or `-`) and reporting its text problems.

use std::io::Read;

use bindlab_course::messages::Msg;
use bindlab_engine::{parse_for, Scenario, TextOs};

use crate::error::{Error, Result};

/// Reads and parses FILE, printing problems as `FILE:LINE:COL: message`
/// (exit 2).
pub fn load(path: &str) -> Result<Scenario> {
    load_for(path, TextOs::Own)
}

/// `load`, and the text it read (`fmt` keeps its comments).
pub fn load_text(path: &str) -> Result<(Scenario, String)> {
    let text = read(path)?;
    Ok((parse_text(path, &text, TextOs::Own)?, text))
}

/// `load`, with the text checks made for the OS(es) it will run on.
pub fn load_for(path: &str, text_os: TextOs) -> Result<Scenario> {
    let text = read(path)?;
    parse_text(path, &text, text_os)
}

/// FILE's text, or standard input's for `-`.
fn read(path: &str) -> Result<String> {
    let text = if path == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map(|_| s)
    } else {
        std::fs::read_to_string(path)
    };
    text.map_err(|e| {
        Error::fatal(crate::lang::msg(
            Msg::CannotRead,
            &[("path", path), ("error", &e.to_string())],
        ))
    })
}

/// `text` parsed, its problems printed as `FILE:LINE:COL: message`.
fn parse_text(path: &str, text: &str, text_os: TextOs) -> Result<Scenario> {
    parse_for(text, text_os).map_err(|problems| {
        for p in &problems {
            let message = p.render(crate::lang::parse_messages());
            eprintln!("{path}:{}:{}: {message}", p.line, p.col);
        }
        let n = problems.len().to_string();
        eprintln!(
            "bindlab: {}",
            crate::lang::msg(
                if n == "1" {
                    Msg::ScenarioProblem
                } else {
                    Msg::ScenarioProblems
                },
                &[("path", path), ("n", &n)]
            )
        );
        Error::Exit(2)
    })
}

/// Writes `text` to `path`, as a command's own output file.
pub fn write_file(path: &str, text: &str) -> Result {
    std::fs::write(path, text).map_err(|e| Error::fatal(format!("cannot write {path}: {e}")))
}
