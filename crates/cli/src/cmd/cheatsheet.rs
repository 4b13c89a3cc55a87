//! `bindlab cheatsheet [--rules] [--scenarios DIR]`.

use std::io::Write;

use bindlab_engine::cheatsheet::matrix;
use bindlab_engine::messages::{render_in, CheatsheetMsg};

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
        let wrote = render_in(
            crate::lang::cheatsheet_messages(),
            CheatsheetMsg::CliWrote,
            &[("n", rows.len().to_string()), ("dir", dir.to_string())],
        );
        writeln!(out, "{wrote}")?;
        return Ok(());
    }
    out.write_all(table::cheatsheet(&rows, rules).as_bytes())?;
    Ok(())
}
