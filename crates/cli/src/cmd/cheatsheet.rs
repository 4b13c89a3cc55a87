//! `bindlab cheatsheet [--rules] [--scenarios DIR]`.

use std::io::Write;

use bindlab_engine::cheatsheet::matrix;

use crate::error::{Error, Result};
use crate::load::write_file;
use crate::table;

pub fn run(out: &mut dyn Write, rules: bool, scenarios: Option<&str>) -> Result {
    let rows = matrix();
    if let Some(dir) = scenarios {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::fatal(format!("cannot create {dir}: {e}")))?;
        for (i, r) in rows.iter().enumerate() {
            let path = format!("{dir}/{:02}-{}.bindlab", i + 1, r.scenario.os.key());
            write_file(&path, &bindlab_engine::print(&r.scenario))?;
        }
        writeln!(out, "wrote {} scenarios to {dir}", rows.len())?;
        return Ok(());
    }
    out.write_all(table::cheatsheet(&rows, rules).as_bytes())?;
    Ok(())
}
