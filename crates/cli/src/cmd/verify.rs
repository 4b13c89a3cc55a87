//! `bindlab verify FILE...`: the real kernel beside the engine's Linux
//! prediction; exit 1 on a difference.

use std::io::Write;

use crate::error::{Error, Result};

#[cfg(target_os = "linux")]
pub fn run(out: &mut dyn Write, files: &[String]) -> Result {
    use bindlab_engine::Os;
    use bindlab_kernel::{compare, runner};

    use crate::load::load;

    let mut scenarios = Vec::new();
    for file in files {
        let s = load(file)?;
        if s.os != Os::Linux {
            eprintln!("bindlab: note: {file} is a {} scenario; this machine can only check the Linux prediction", s.os);
        }
        scenarios.push((file, s));
    }
    let iso = runner::isolate().map_err(|e| Error::fatal(e.to_string()))?;
    if iso == runner::Isolation::AlreadyIsolated && scenarios.len() > 1 {
        return Err(Error::fatal("as an ordinary user all scenarios would share one namespace; verify one FILE at a time, or run as root"));
    }
    let (mut passed, mut failed) = (0, 0);
    for (file, scenario) in &scenarios {
        let rows =
            compare::verify(scenario, iso).map_err(|e| Error::fatal(format!("{file}: {e}")))?;
        let agree = compare::all_agree(&rows);
        if scenarios.len() == 1 || !agree {
            if scenarios.len() > 1 {
                writeln!(out, "{file}:")?;
            }
            out.write_all(compare::render(&rows).as_bytes())?;
        }
        if agree {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    if scenarios.len() > 1 {
        writeln!(out, "{passed} passed, {failed} failed")?;
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(Error::Exit(1))
    }
}

#[cfg(not(target_os = "linux"))]
pub fn run(_out: &mut dyn Write, _files: &[String]) -> Result {
    Err(Error::fatal(
        "verify runs scenarios on the Linux kernel; this is not Linux",
    ))
}
