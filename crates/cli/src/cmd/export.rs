//! `bindlab export --python FILE [-o OUT]`.

use std::io::Write;

use crate::error::Result;
use crate::load::{load, write_file};

pub fn run(out: &mut dyn Write, file: &str, to: Option<&str>) -> Result {
    let scenario = load(file)?;
    let program = bindlab_engine::export::python(&scenario);
    match to {
        None => out.write_all(program.as_bytes())?,
        Some(path) => {
            write_file(path, &program)?;
            eprintln!("bindlab: wrote {path}; run it with `python3 {path}`");
        }
    }
    Ok(())
}
