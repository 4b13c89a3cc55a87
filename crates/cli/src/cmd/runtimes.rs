//! `bindlab runtimes [--lang L] [--os OS]`: what each runtime sets on its
//! own for a TCP listener, a TCP client and a UDP socket, per OS
//! (`content/runtimes.toml`; the Linux cells measured on the kernel in CI).

use std::io::Write;

use bindlab_course::runtimes::{self, Column, Source};

use crate::error::{Error, Result};
use crate::table;

pub fn run(out: &mut dyn Write, lang: Option<&str>, os: Option<Column>) -> Result {
    let rows = runtimes::table().map_err(|p| {
        Error::fatal(
            p.iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    let rows: Vec<_> = rows
        .iter()
        .filter(|r| lang.is_none_or(|l| r.lang == l))
        .collect();
    let columns: Vec<Column> = match os {
        Some(c) => vec![c],
        None => Column::ALL.to_vec(),
    };
    writeln!(
        out,
        "What each runtime sets on its own. Linux: measured on the kernel in CI\n(`cargo xtask test runtimes`); the other OSes: read in the runtime's source."
    )?;
    for r in rows {
        writeln!(
            out,
            "\n{} · {} · {} · {}",
            r.runtime,
            r.socket.label(),
            r.api,
            match r.family {
                runtimes::Family::Ipv4 => "IPv4",
                runtimes::Family::Ipv6 => "IPv6",
            }
        )?;
        for c in &columns {
            let cell = r.cell(*c);
            writeln!(out, "  {:<15} {}", c.label(), cell.summary())?;
            let source = match &cell.source {
                Source::Measured { probe } => match &cell.why {
                    Some(why) => format!("measured on this kernel (probe {probe}); {why}"),
                    None => format!("measured on this kernel (probe {probe})"),
                },
                Source::Cited(s) => match &cell.not_measured {
                    Some(n) => format!("not measured here: {n}; cited: {s}"),
                    None => format!("cited: {s}"),
                },
                Source::Unverified(s) => match &cell.not_measured {
                    Some(n) => format!("not measured here: {n}; unverified: {s}"),
                    None => format!("unverified: {s}"),
                },
            };
            for line in table::wrap(&source, 60).lines() {
                writeln!(out, "  {:<15} {line}", "")?;
            }
        }
        if let Some(note) = &r.note {
            for line in table::wrap(note, 76).lines() {
                writeln!(out, "  {line}")?;
            }
        }
    }
    Ok(())
}
