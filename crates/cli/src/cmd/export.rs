//! `bindlab export --lang LANG FILE [-o OUT]` (`--python` is `--lang python`).

use std::io::Write;
use std::path::Path;

use bindlab_engine::export::{export, Lang, Options};

use crate::error::{Error, Result};
use crate::load::{load, write_file};

pub fn run(out: &mut dyn Write, lang: Lang, file: &str, to: Option<&str>) -> Result {
    let scenario = load(file)?;
    let file_name = to.and_then(|p| Path::new(p).file_name()?.to_str().map(str::to_string));
    let program = export(&scenario, lang, &Options { file_name })
        .map_err(|e| Error::fatal(format!("{file}: {e}")))?;
    match to {
        None => out.write_all(program.as_bytes())?,
        Some(path) => {
            write_file(path, &program)?;
            eprintln!("bindlab: wrote {path}; {}", lang.how_to_run(path));
        }
    }
    Ok(())
}
