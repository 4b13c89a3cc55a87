//! `bindlab run FILE [--os NAME|all] [--json]`.

use std::io::Write;

use bindlab_engine::{run_all, TextOs};

use crate::error::Result;
use crate::load::load_for;
use crate::table;

pub fn run(out: &mut dyn Write, file: &str, target: Option<TextOs>, json: bool) -> Result {
    // The OS(es) it runs on decide the text checks too (an option the
    // scenario's own OS lacks is fine when `--os` names one that has it).
    let scenario = load_for(file, target.unwrap_or_default())?;
    match target {
        Some(TextOs::All) => {
            let multi = run_all(&scenario);
            if json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&multi).unwrap_or_default()
                )?;
            } else {
                out.write_all(table::side_by_side(&scenario, &multi).as_bytes())?;
            }
        }
        other => {
            let os = match other {
                Some(TextOs::Override(os)) => os,
                _ => scenario.os,
            };
            let report = bindlab_engine::run(&scenario, os);
            if json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                )?;
            } else {
                out.write_all(table::single(&scenario, &report).as_bytes())?;
            }
        }
    }
    Ok(())
}
