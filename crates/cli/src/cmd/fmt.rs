//! `bindlab fmt FILE`: the scenario in canonical form, its comments kept.

use std::io::Write;

use crate::error::Result;
use crate::load::load_text;

pub fn run(out: &mut dyn Write, file: &str) -> Result {
    let (s, text) = load_text(file)?;
    out.write_all(bindlab_engine::print::print_keeping_comments(&s, &text).as_bytes())?;
    Ok(())
}
