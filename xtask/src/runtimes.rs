//! The runtime-defaults table measured: each probe of `xtask/runtimes/`
//! (one runtime's default sockets, no option of its own) runs in a private
//! network namespace; `runtime-options PID` (crates/kernel) reads the live
//! sockets' options back with `pidfd_getfd` + `getsockopt`; each must equal
//! the Linux cell of its row in `content/runtimes.toml`. A difference, a
//! probe that does not start, or a row whose socket is missing fails.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use bindlab_course::runtimes::{self, Family, Opt, Row};

use crate::{ensure_apt, is_root, root, run, Result};

/// How each probe is built and run: (probe, program, toolchain package).
const PROBES: &[(&str, &str, &str)] = &[
    ("c", "cc", "gcc"),
    ("python-socket", "python3", "python3"),
    ("python-create-server", "python3", "python3"),
    ("python-socketserver", "python3", "python3"),
    ("python-http-server", "python3", "python3"),
    ("go", "go", "golang-go"),
    ("rust", "rustc", "rustc"),
    ("node", "node", "nodejs"),
    ("java", "java", "default-jdk-headless"),
    ("java-nio", "java", "default-jdk-headless"),
];

fn source(probe: &str) -> Option<PathBuf> {
    let dir = root().join("xtask/runtimes");
    ["c", "py", "go", "rs", "mjs", "java"]
        .iter()
        .map(|ext| dir.join(format!("{probe}.{ext}")))
        .find(|p| p.exists())
}

/// The command that runs `probe` (building it first where it compiles).
fn command(probe: &str, out: &Path) -> Result<Vec<String>> {
    let src = source(probe).ok_or_else(|| format!("no source for probe `{probe}`"))?;
    let src_s = src.to_string_lossy().into_owned();
    let bin = out.join(probe).to_string_lossy().into_owned();
    let ext = src.extension().and_then(|e| e.to_str()).unwrap_or("");
    let build = |program: &str, args: &[&str]| -> Result {
        let o = Command::new(program)
            .args(args)
            .current_dir(out)
            .env("GOCACHE", out.join("gocache"))
            .env("GO111MODULE", "off")
            .output()
            .map_err(|e| format!("cannot run {program}: {e}"))?;
        if o.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{program} {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&o.stderr)
            ))
        }
    };
    Ok(match ext {
        "c" => {
            build("cc", &["-std=c11", "-Wall", "-Werror", "-o", &bin, &src_s])?;
            vec![bin]
        }
        "go" => {
            build("go", &["build", "-o", &bin, &src_s])?;
            vec![bin]
        }
        "rs" => {
            build("rustc", &["--edition", "2021", "-o", &bin, &src_s])?;
            vec![bin]
        }
        "py" => vec!["python3".into(), src_s],
        "mjs" => vec!["node".into(), src_s],
        // The single-file source launcher (JDK 11+): the probe's own class.
        "java" => vec!["java".into(), src_s],
        _ => return Err(format!("{}: unknown kind of probe", src.display())),
    })
}

/// One socket as `runtime-options` printed it.
#[derive(Debug, PartialEq, Eq)]
struct Measured {
    kind: String,
    family: String,
    opts: Vec<(String, bool)>,
    local: String,
}

fn parse_line(line: &str) -> Option<Measured> {
    let mut f = line.split_whitespace();
    let kind = f.next()?.to_string();
    let family = f.next()?.to_string();
    let mut opts = Vec::new();
    let mut local = String::new();
    for w in f {
        match w.split_once('=') {
            Some((name, v)) if name.starts_with("SO_") || name.starts_with("IPV6_") => {
                opts.push((name.to_string(), v == "1"))
            }
            _ => local = w.to_string(),
        }
    }
    Some(Measured {
        kind,
        family,
        opts,
        local,
    })
}

/// The running probe: killed when dropped, whatever happened.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `cmd` in a new network namespace with loopback up, waits for its
/// `ready` line, and returns what `runtime-options` reads of it.
fn measure(options: &str, cmd: &[String]) -> Result<Vec<Measured>> {
    let child = Command::new("unshare")
        .args([
            "-n",
            "--",
            "sh",
            "-c",
            "ip link set lo up && exec \"$@\"",
            "sh",
        ])
        .args(cmd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", cmd.join(" ")))?;
    let mut running = Running(child);
    let pid = running.0.id();
    let stdout = running.0.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut first = String::new();
        let _ = BufReader::new(stdout).read_line(&mut first);
        let _ = tx.send(first);
    });
    // A JVM compiling its source file on two busy cores takes seconds.
    let first = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
    if first.trim() != "ready" {
        drop(running.0.stdin.take());
        let _ = running.0.kill();
        let mut err = String::new();
        if let Some(mut e) = running.0.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut err);
        }
        return Err(format!(
            "`{}` did not say ready (said {:?}): {err}",
            cmd.join(" "),
            first.trim()
        ));
    }
    let o = Command::new(options)
        .arg(pid.to_string())
        .output()
        .map_err(|e| format!("cannot run {options}: {e}"))?;
    if let Some(stdin) = running.0.stdin.as_mut() {
        let _ = stdin.flush();
    }
    if !o.status.success() {
        return Err(format!(
            "runtime-options {pid}: {}",
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(parse_line)
        .collect())
}

/// Compares one row's Linux cell with what was measured of its probe.
fn compare(row: &Row, measured: &[Measured]) -> std::result::Result<String, String> {
    let kind = row.socket.name();
    let mine: Vec<&Measured> = measured.iter().filter(|m| m.kind == kind).collect();
    let m = match mine.as_slice() {
        [m] => *m,
        [] => return Err(format!("the probe made no {kind} socket")),
        _ => return Err(format!("the probe made {} {kind} sockets", mine.len())),
    };
    let got = m
        .opts
        .iter()
        .map(|(n, v)| format!("{n}={}", u8::from(*v)))
        .collect::<Vec<_>>()
        .join(" ");
    let family = match row.family {
        Family::Ipv4 => "ipv4",
        Family::Ipv6 => "ipv6",
    };
    let mut differs = Vec::new();
    if m.family != family {
        differs.push(format!("family {} (table: {family})", m.family));
    }
    for (name, v) in &m.opts {
        let o = Opt::ALL.into_iter().find(|o| o.name() == name);
        match o.and_then(|o| row.linux.get(o)) {
            Some(t) if t == *v => {}
            Some(t) => differs.push(format!("{name}={} (table: {})", u8::from(*v), u8::from(t))),
            None => differs.push(format!("{name}={} (the table does not say)", u8::from(*v))),
        }
    }
    for (o, _) in &row.linux.opts {
        if !m.opts.iter().any(|(n, _)| n == o.name()) {
            differs.push(format!("{} is in the table but not measured", o.name()));
        }
    }
    if differs.is_empty() {
        Ok(format!("{} {got}  ({})", m.family, m.local))
    } else {
        Err(format!("{} {got}: {}", m.family, differs.join("; ")))
    }
}

/// The check itself (the `kernel` stage's last part; `cargo xtask test
/// runtimes` runs it alone).
pub(crate) fn runtime_defaults() -> Result {
    println!(
        "\n== what each runtime sets by default, measured on this kernel (content/runtimes.toml)"
    );
    if !is_root() {
        println!("SKIPPED: reading another process's sockets (pidfd_getfd) and the namespaces need root. CI runs as root.");
        return Ok(());
    }
    let rows = runtimes::table().map_err(|p| {
        p.iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    ensure_apt("ip", "iproute2")?;
    ensure_apt("unshare", "util-linux")?;
    run(
        "cargo",
        &[
            "build",
            "--quiet",
            "--release",
            "-p",
            "bindlab-kernel",
            "--bin",
            "runtime-options",
        ],
        &[],
    )?;
    let options = root()
        .join("target/release/runtime-options")
        .to_string_lossy()
        .into_owned();
    let out = root().join("target/runtimes");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let probes: BTreeSet<&str> = rows.iter().filter_map(Row::probe).collect();
    let mut problems = Vec::new();
    let mut matched = 0;
    for probe in probes {
        let Some((_, program, package)) = PROBES.iter().find(|(p, ..)| *p == probe) else {
            problems.push(format!(
                "the table names probe `{probe}`, which xtask/src/runtimes.rs does not know"
            ));
            continue;
        };
        if let Err(e) = ensure_apt(program, package) {
            println!("  {probe:<22} not measured: no toolchain here ({e})");
            problems.push(format!("{probe}: no toolchain"));
            continue;
        }
        let measured = command(probe, &out).and_then(|cmd| measure(&options, &cmd));
        let measured = match measured {
            Ok(m) => m,
            Err(e) => {
                println!("  {probe:<22} FAILED: {e}");
                problems.push(format!("{probe}: {e}"));
                continue;
            }
        };
        for row in rows.iter().filter(|r| r.probe() == Some(probe)) {
            match compare(row, &measured) {
                Ok(got) => {
                    matched += 1;
                    println!("  {:<30} {:<13} = {got}", row.id, row.socket.name());
                }
                Err(e) => {
                    println!("  {:<30} {:<13} DIFFERS: {e}", row.id, row.socket.name());
                    problems.push(format!("{}: {e}", row.id));
                }
            }
        }
    }
    for row in rows.iter().filter(|r| r.probe().is_none()) {
        println!(
            "  {:<30} {:<13} not measured here: {}",
            row.id,
            row.socket.name(),
            row.linux.not_measured.as_deref().unwrap_or("")
        );
    }
    println!(
        "runtime defaults: {matched} rows measured and equal to the table, {} not measured here",
        rows.iter().filter(|r| r.probe().is_none()).count()
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("runtime defaults: {}", problems.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_probe_of_the_table_has_a_source_and_every_source_a_row() {
        let rows = runtimes::table().unwrap();
        let named: BTreeSet<&str> = rows.iter().filter_map(Row::probe).collect();
        for p in &named {
            assert!(
                source(p).is_some(),
                "probe `{p}` has no file in xtask/runtimes/"
            );
            assert!(
                PROBES.iter().any(|(x, ..)| x == p),
                "`{p}` is not in PROBES"
            );
        }
        for (p, ..) in PROBES {
            assert!(
                named.contains(p),
                "probe `{p}` measures no row of the table"
            );
        }
        let files = std::fs::read_dir(root().join("xtask/runtimes")).unwrap();
        for f in files.flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            if name == "README.md" {
                continue;
            }
            let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(&name);
            assert!(
                named.contains(stem),
                "xtask/runtimes/{name} is no probe of the table"
            );
        }
    }

    #[test]
    fn a_measurement_is_compared_option_by_option() {
        let rows = runtimes::table().unwrap();
        let go = rows.iter().find(|r| r.id == "go-listener").unwrap();
        let line = |s: &str| vec![parse_line(s).unwrap()];
        assert!(compare(
            go,
            &line("tcp-listener ipv6 SO_REUSEADDR=1 SO_REUSEPORT=0 IPV6_V6ONLY=0 [::]:1")
        )
        .is_ok());
        let e = compare(
            go,
            &line("tcp-listener ipv6 SO_REUSEADDR=0 SO_REUSEPORT=0 IPV6_V6ONLY=0 [::]:1"),
        )
        .unwrap_err();
        assert!(e.contains("SO_REUSEADDR=0 (table: 1)"), "{e}");
        let e = compare(
            go,
            &line("tcp-listener ipv4 SO_REUSEADDR=1 SO_REUSEPORT=0 0.0.0.0:1"),
        )
        .unwrap_err();
        assert!(e.contains("family ipv4 (table: ipv6)"), "{e}");
        assert!(
            e.contains("IPV6_V6ONLY is in the table but not measured"),
            "{e}"
        );
        let e = compare(
            go,
            &line("udp ipv6 SO_REUSEADDR=0 SO_REUSEPORT=0 IPV6_V6ONLY=0 [::]:1"),
        )
        .unwrap_err();
        assert_eq!(e, "the probe made no tcp-listener socket");
    }
}
