//! `bindlab fmt FILE`: the scenario in canonical form.

use std::io::Write;

use crate::error::Result;
use crate::load::load;

pub fn run(out: &mut dyn Write, file: &str) -> Result {
    let s = load(file)?;
    out.write_all(bindlab_engine::print(&s).as_bytes())?;
    Ok(())
}
