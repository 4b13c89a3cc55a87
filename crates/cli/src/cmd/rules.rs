//! `bindlab rules [ID]`: the catalogue, or one rule.

use std::io::Write;

use bindlab_engine::rules;

use crate::error::{Error, Result};
use crate::table;

pub fn run(out: &mut dyn Write, id: Option<&str>) -> Result {
    match id {
        None => {
            for r in rules::catalogue() {
                writeln!(out, "{:<48} {}", r.id, r.title)?;
            }
        }
        Some(id) => {
            let r = rules::rule(id).ok_or_else(|| {
                Error::fatal(format!("no rule `{id}` (see `bindlab rules` for the list)"))
            })?;
            writeln!(
                out,
                "{}\n{}\n\n{}\n\nsource: {}",
                r.id,
                r.title,
                table::wrap(r.explanation, 78),
                r.source
            )?;
        }
    }
    Ok(())
}
