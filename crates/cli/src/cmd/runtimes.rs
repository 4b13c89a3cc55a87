//! `bindlab runtimes [--lang L] [--os OS]`: what each runtime sets on its
//! own for a TCP listener, a TCP client and a UDP socket, per OS
//! (`content/runtimes.toml`; the Linux cells measured on the kernel in CI).

use std::io::Write;

use bindlab_course::messages::Msg;
use bindlab_course::runtimes::{self, Cell, Column, Prose, Row, RowTexts, SocketKind, Source};

use crate::error::{Error, Result};
use crate::lang::msg;
use crate::table;

/// The built-in runtimes table, or its problems as one fatal error (a
/// table that does not parse is a bug in this build, not the user's input).
pub(crate) fn built_in_table() -> Result<Vec<Row>> {
    runtimes::table().map_err(|p| {
        Error::fatal(
            p.iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })
}

pub fn run(out: &mut dyn Write, lang: Option<&str>, os: Option<Column>) -> Result {
    let rows = built_in_table()?;
    // The rows' prose in this run's language (`content/<locale>/runtimes-rows.txt`).
    let translated = crate::lang::runtimes_text(crate::lang::get())
        .map(|(_, t)| RowTexts::read(&rows, t).texts)
        .unwrap_or_default();
    let texts = |k: &str| {
        k.strip_prefix("row.")
            .and_then(|k| translated.get(k))
            .cloned()
    };
    let rows: Vec<_> = rows
        .iter()
        .filter(|r| lang.is_none_or(|l| r.lang == l))
        .collect();
    let columns: Vec<Column> = match os {
        Some(c) => vec![c],
        None => Column::ALL.to_vec(),
    };
    writeln!(out, "{}", msg(Msg::RuntimesIntro, &[]))?;
    for r in rows {
        writeln!(
            out,
            "\n{} · {} · {} · {}",
            r.runtime,
            msg(
                match r.socket {
                    SocketKind::TcpListener => Msg::RuntimesTcpListener,
                    SocketKind::TcpClient => Msg::RuntimesTcpClient,
                    SocketKind::Udp => Msg::RuntimesUdp,
                },
                &[]
            ),
            r.api,
            match r.family {
                runtimes::Family::Ipv4 => "IPv4",
                runtimes::Family::Ipv6 => "IPv6",
            }
        )?;
        for c in &columns {
            let cell = r.cell(*c);
            let label = crate::lang::list(c.oses(), bindlab_engine::lists::Joint::Comma);
            writeln!(
                out,
                "  {} {}",
                crate::table::pad(&label, 15, false),
                summary(cell)
            )?;
            let why_not = r
                .prose_in(&texts, Prose::LinuxNotMeasured)
                .filter(|_| *c == Column::Linux);
            let source = match (&cell.source, &cell.why, &why_not) {
                (Source::Measured { probe }, Some(why), _) => {
                    let why = r.prose_in(&texts, Prose::Cite(*c)).unwrap_or(why.clone());
                    msg(Msg::RuntimesMeasuredWhy, &[("probe", probe), ("why", &why)])
                }
                (Source::Measured { probe }, None, _) => {
                    msg(Msg::RuntimesMeasured, &[("probe", probe)])
                }
                (Source::Cited(s), _, Some(n)) => {
                    let s = r.prose_in(&texts, Prose::Cite(*c)).unwrap_or(s.clone());
                    msg(Msg::RuntimesCitedNotMeasured, &[("why", n), ("cited", &s)])
                }
                (Source::Cited(s), _, None) => {
                    let s = r.prose_in(&texts, Prose::Cite(*c)).unwrap_or(s.clone());
                    msg(Msg::RuntimesCited, &[("cited", &s)])
                }
                (Source::Unverified(_), _, n) => {
                    let u = r
                        .prose_in(&texts, Prose::Unverified(*c))
                        .unwrap_or_default();
                    match n {
                        Some(n) => msg(
                            Msg::RuntimesUnverifiedNotMeasured,
                            &[("why", n), ("unverified", &u)],
                        ),
                        None => msg(Msg::RuntimesUnverified, &[("unverified", &u)]),
                    }
                }
            };
            for line in table::wrap(&source, 60).lines() {
                writeln!(out, "  {:<15} {line}", "")?;
            }
        }
        if let Some(note) = r.prose_in(&texts, Prose::Note) {
            for line in table::wrap(&note, 76).lines() {
                writeln!(out, "  {line}")?;
            }
        }
    }
    Ok(())
}

/// The options a cell sets, as `Cell::summary` says them, in this run's
/// language (the option names stay).
fn summary(cell: &Cell) -> String {
    let parts = cell.summary_parts(
        &msg(Msg::RuntimesNothing, &[]),
        &msg(Msg::RuntimesDualStack, &[]),
    );
    crate::lang::list(&parts, bindlab_engine::lists::Joint::Comma)
}
