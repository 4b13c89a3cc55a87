//! A socket table pasted from a terminal, read into [`HostSocket`]s for the
//! OS it comes from. The tool is recognised by its header:
//!
//! | tool | OS | what it gives |
//! |---|---|---|
//! | `ss -tanpe`, `-uanpe`, `-tuanpe` | Linux | state, addresses, program and pid, uid (when not root), `v6only` |
//! | `netstat -ano` | Windows | state, addresses, pid |
//! | `lsof -nP -i` | macOS | state, addresses, program, pid, user (no TIME_WAIT: it has no process) |
//! | `netstat -an` | macOS (FreeBSD's looks the same: pick FreeBSD) | state, addresses, `tcp46` = dual-stack |
//! | `sockstat -46` | FreeBSD | user, program, pid, addresses (no state: a `*:*` peer means listening) |
//!
//! No table shows the reuse options: they stay unknown. TCP and UDP lines
//! both become sockets ([`HostSocket::udp`]); Unix, raw and ICMP lines are
//! left out and counted. `ss` without its Netid column (`-t` or `-u` alone)
//! names no protocol: a table with an `UNCONN` row and no TCP-only state
//! (LISTEN, TIME-WAIT, SYN-…, FIN-…, CLOSE-WAIT, LAST-ACK, CLOSING) is
//! `ss -u`'s. Every problem is a message naming the line; nothing here
//! panics.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use bindlab_engine::Os;

use crate::{HostSocket, Process, SocketsMsg, State};

/// Why a pasted table cannot be read: a message of `src/sockets.txt`
/// (`paste.*`) and its slots' values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub msg: SocketsMsg,
    pub args: Vec<(&'static str, String)>,
}

impl Problem {
    fn new(msg: SocketsMsg, args: &[(&'static str, String)]) -> Problem {
        Problem {
            msg,
            args: args.to_vec(),
        }
    }

    /// The problem said by `say`.
    pub fn said(&self, say: crate::Say) -> String {
        say(self.msg, &self.args)
    }

    /// The problem in English.
    pub fn english(&self) -> String {
        self.said(&crate::english)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english())
    }
}

/// A pasted table, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pasted {
    /// The OS the tool's output belongs to (a BSD `netstat` may be either:
    /// the reader can say FreeBSD).
    pub os: Os,
    /// The tool recognised, as the reader would type it.
    pub tool: &'static str,
    pub sockets: Vec<HostSocket>,
    /// Lines left out (Unix, raw, ICMP sockets), counted for the reader.
    pub skipped: usize,
    /// Lines that could not be read, each a `paste.bad-line` problem: left
    /// out, and named, while the rest of the table is answered (found by a
    /// reader on 2026-12-05: one unusual line hid a whole table).
    pub unreadable: Vec<Problem>,
}

/// Reads a pasted table; the problem in English.
pub fn parse_table(text: &str) -> Result<Pasted, String> {
    read_table(text).map_err(|p| p.english())
}

/// Reads a pasted table; the problem keyed, for a reader's language.
pub fn read_table(text: &str) -> Result<Pasted, Problem> {
    let text = controls_shown(text);
    let lines: Vec<&str> = text.lines().collect();
    let header = lines.iter().position(|l| {
        let w: Vec<&str> = l.split_whitespace().collect();
        let has = |x: &str| w.contains(&x);
        (has("Local") && (has("Address:Port") || has("Address"))) || (has("COMMAND") && has("PID"))
    });
    let Some(header) = header else {
        return headerless(&lines).ok_or_else(|| Problem::new(SocketsMsg::PasteNotATable, &[]));
    };
    let h = lines[header];
    let rows = &lines[header + 1..];
    let first = header + 2; // 1-based line number of rows[0]
    if h.contains("Address:Port") {
        if ss_is_udp(rows) {
            read_rows(rows, first, Os::Linux, "ss", ss_udp_row)
        } else {
            read_rows(rows, first, Os::Linux, "ss", ss_row)
        }
    } else if h.contains("COMMAND") && h.contains("NAME") {
        read_rows(rows, first, Os::MacOs, "lsof -nP -i", lsof_row)
    } else if h.contains("COMMAND") && h.contains("PROTO") {
        read_rows(rows, first, Os::FreeBsd, "sockstat", sockstat_row)
    } else if h.contains("PID") && h.trim_start().starts_with("Proto") {
        read_rows(rows, first, Os::Windows, "netstat -ano", windows_row)
    } else if h.contains("Recv-Q") && h.contains("(state)") {
        read_rows(rows, first, Os::MacOs, "netstat -an", bsd_netstat_row)
    } else {
        Err(Problem::new(
            SocketsMsg::PasteUnknownHeader,
            &[("line", (header + 1).to_string()), ("header", quoted(h))],
        ))
    }
}

/// A table whose header line was filtered out (`netstat -ano | findstr
/// :8080`, as the guides' checks print it; `ss -tanpe | grep 8080`): read
/// by its rows' shape when every line reads as one tool's, tools tried in
/// an order where no row of one reads as another's (a Windows row starts
/// with `TCP` or `UDP`, a BSD netstat row with `tcp4`, `udp46`…, with its
/// port after a dot). `None` when no tool reads them all.
fn headerless(lines: &[&str]) -> Option<Pasted> {
    type Reader = fn(&[&str]) -> Option<Row>;
    let ss: Reader = if ss_is_udp(lines) { ss_udp_row } else { ss_row };
    let tools: [(Os, &'static str, Reader); 3] = [
        (Os::Windows, "netstat -ano", windows_row),
        (Os::MacOs, "netstat -an", bsd_netstat_row),
        (Os::Linux, "ss", ss),
    ];
    let rows = || {
        lines
            .iter()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
    };
    let (os, tool, read) = tools.into_iter().find(|(_, _, read)| {
        let mut sockets = 0;
        let all = rows().filter(|w| !w.is_empty()).all(|w| match read(&w) {
            Some(Row::Socket(_) | Row::Held(..)) => {
                sockets += 1;
                true
            }
            _ => false,
        });
        all && sockets > 0
    })?;
    read_rows(lines, 1, os, tool, read).ok()
}

/// `text` with each control character but the tab and the line ends
/// written as `[U+001F]`. A table's names and words reach the reader's
/// messages, where they would show as nothing; and a message's list value
/// is marked by U+001F ([`bindlab_engine::lists::value`]), so a pasted
/// name beginning with one would have been read as a list.
fn controls_shown(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    if !text.contains(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// What a message quotes of a pasted line: trimmed, and cut to
/// [`QUOTED_MAX`] characters (a 1 MB line, or a binary file's, is named,
/// but does not fill the page).
fn quoted(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= QUOTED_MAX {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(QUOTED_MAX - 1).collect();
    cut.push('…');
    cut
}

const QUOTED_MAX: usize = 200;

/// What one row gave: a socket, a line to leave out, or nothing (blank).
enum Row {
    Socket(HostSocket),
    /// A socket of a table that lists it once for every process holding
    /// it (`lsof`, `sockstat`): a forked server's workers show its
    /// listener again.
    Held(HostSocket, Held),
    Skip,
    Blank,
    /// A row that reads but for its TCP state, a word no tool prints
    /// (`LISTN`): named, as a line that does not read is, rather than
    /// taken silently for a connection.
    BadState(String),
}

/// What one socket's rows share.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Held {
    /// The kernel's own name for the socket (`lsof`'s DEVICE): one socket,
    /// however many rows and descriptors (inetd's `wait` services keep one
    /// listener on several).
    Exact(String),
    /// Program, protocol and addresses (`sockstat` names no socket): the
    /// rows of the process holding the most of them are that many sockets.
    Likely(String),
}

/// One row per socket where a table lists a socket once per process. Of
/// the rows an [`Held::Exact`] key shares, one; of a [`Held::Likely`]
/// key's, those of the process with the most (a process's own rows are
/// distinct sockets). Among equals root's (who created the socket and
/// dropped privilege, as a server on a port below 1024 does), else the
/// first. Linear in the rows: a busy host's `lsof -i` has tens of
/// thousands.
fn one_row_per_socket(rows: Vec<(HostSocket, Option<Held>)>) -> Vec<HostSocket> {
    use std::collections::HashMap;
    let pid = |s: &HostSocket| s.process.as_ref().map(|p| p.pid);
    let root = |s: &HostSocket| s.user.as_deref() == Some("root");
    let mut groups: HashMap<&Held, Vec<usize>> = HashMap::new();
    for (i, (_, key)) in rows.iter().enumerate() {
        if let Some(key) = key {
            groups.entry(key).or_default().push(i);
        }
    }
    let mut keep = vec![true; rows.len()];
    for (key, group) in &groups {
        match key {
            Held::Exact(_) => {
                let first_root = group.iter().copied().find(|&j| root(&rows[j].0));
                let kept = first_root.unwrap_or(group[0]);
                for &j in group {
                    keep[j] = j == kept;
                }
            }
            Held::Likely(_) => {
                // Rows and root's per process, in order of its first row.
                let mut per: Vec<(Option<u32>, usize, bool)> = Vec::new();
                for &j in group {
                    let p = pid(&rows[j].0);
                    match per.iter_mut().find(|(q, _, _)| *q == p) {
                        Some(e) => {
                            e.1 += 1;
                            e.2 |= root(&rows[j].0);
                        }
                        None => per.push((p, 1, root(&rows[j].0))),
                    }
                }
                let mut best = per[0];
                for &e in &per[1..] {
                    if (e.1, e.2) > (best.1, best.2) {
                        best = e;
                    }
                }
                for &j in group {
                    keep[j] = pid(&rows[j].0) == best.0;
                }
            }
        }
    }
    // The kept row names the other processes of its group too: stopping
    // the one it names frees nothing while the others hold the socket.
    let mut also: Vec<Vec<u32>> = vec![Vec::new(); rows.len()];
    for group in groups.values() {
        let pids: Vec<u32> = group.iter().filter_map(|&j| pid(&rows[j].0)).collect();
        for &j in group.iter().filter(|&&j| keep[j]) {
            let own = pid(&rows[j].0);
            let mut more: Vec<u32> = pids.iter().copied().filter(|&q| Some(q) != own).collect();
            more.sort_unstable();
            more.dedup();
            also[j] = more;
        }
    }
    rows.into_iter()
        .zip(keep)
        .zip(also)
        .filter_map(|(((mut s, _), k), more)| {
            if let Some(pr) = s.process.as_mut().filter(|_| !more.is_empty()) {
                pr.also = more;
            }
            k.then_some(s)
        })
        .collect()
}

fn read_rows(
    rows: &[&str],
    first: usize,
    os: Os,
    tool: &'static str,
    read: fn(&[&str]) -> Option<Row>,
) -> Result<Pasted, Problem> {
    let mut sockets = Vec::new();
    let mut skipped = 0;
    let mut unreadable = Vec::new();
    for (k, line) in rows.iter().enumerate() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.is_empty() {
            continue;
        }
        let row = read(&w);
        let socket = match &row {
            Some(Row::Socket(s) | Row::Held(s, _)) => Some(s),
            _ => None,
        };
        if let Some(p) = socket.and_then(|s| not_one_socket(s, first + k, line)) {
            unreadable.push(p);
            continue;
        }
        match row {
            Some(Row::Socket(s)) => sockets.push((s, None)),
            Some(Row::Held(s, key)) => sockets.push((s, Some(key))),
            Some(Row::Skip) => skipped += 1,
            Some(Row::Blank) => {}
            Some(Row::BadState(word)) => unreadable.push(bad_state(first + k, line, &word, tool)),
            None => unreadable.push(Problem::new(
                SocketsMsg::PasteBadLine,
                &[
                    ("line", (first + k).to_string()),
                    ("text", quoted(line)),
                    ("tool", tool.to_string()),
                ],
            )),
        }
    }
    // Nothing read at all: the first line that could not be, if any, says
    // the most.
    if sockets.is_empty() && !unreadable.is_empty() {
        return Err(unreadable.swap_remove(0));
    }
    if sockets.is_empty() {
        let tool = ("tool", tool.to_string());
        return Err(if skipped > 0 {
            Problem::new(
                SocketsMsg::PasteNoSocketSkipped,
                &[tool, ("n", skipped.to_string())],
            )
        } else {
            Problem::new(SocketsMsg::PasteNoSocket, &[tool])
        });
    }
    Ok(Pasted {
        os,
        tool,
        sockets: one_row_per_socket(sockets),
        skipped,
        unreadable,
    })
}

/// `ADDR:PORT`, `[V6]:PORT`, `*:PORT` (the v6 wildcard in `ss`, any
/// address elsewhere), `ADDR%IFACE:PORT`, and a link-local address's
/// interface inside or after the brackets (`[fe80::1%eth0]:546`, as
/// Windows writes it, and `[fe80::1]%eth0:546`, as `ss` does); `*` as a
/// port is `None`.
fn colon_endpoint(s: &str, star_is_v6: bool) -> Option<Option<SocketAddr>> {
    let (host, port) = s.rsplit_once(':')?;
    if port == "*" {
        return Some(None);
    }
    let port: u16 = port.parse().ok()?;
    let host = match host.strip_prefix('[') {
        Some(h) => {
            let (inside, after) = h.split_once(']')?;
            if !(after.is_empty() || after.starts_with('%')) {
                return None;
            }
            inside
        }
        None => host,
    };
    let host = host.split('%').next()?;
    let ip: IpAddr = match host {
        "*" if star_is_v6 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        "*" => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        h => h.parse().ok()?,
    };
    Some(Some(SocketAddr::new(ip, port)))
}

/// BSD netstat's `ADDR.PORT` (`*.8080`, `::1.8080`, `*.*`).
fn dot_endpoint(s: &str, v6: bool) -> Option<Option<SocketAddr>> {
    let (host, port) = s.rsplit_once('.')?;
    if port == "*" {
        return Some(None);
    }
    let port: u16 = port.parse().ok()?;
    let ip: IpAddr = match host {
        "*" if v6 => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        "*" => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        h => h.split('%').next()?.parse().ok()?,
    };
    Some(Some(SocketAddr::new(ip, port)))
}

/// The TCP states `ss` prints (`sstate_name` in iproute2's `ss.c`).
const SS_STATES: &[&str] = &[
    "LISTEN",
    "ESTAB",
    "SYN-SENT",
    "SYN-RECV",
    "FIN-WAIT-1",
    "FIN-WAIT-2",
    "TIME-WAIT",
    "CLOSE-WAIT",
    "LAST-ACK",
    "CLOSING",
    "UNCONN",
    "BOUND-INACTIVE",
];

/// The TCP states Windows' `netstat` prints.
const WINDOWS_STATES: &[&str] = &[
    "LISTENING",
    "ESTABLISHED",
    "SYN_SENT",
    "SYN_RECEIVED",
    "FIN_WAIT_1",
    "FIN_WAIT_2",
    "TIME_WAIT",
    "CLOSE_WAIT",
    "LAST_ACK",
    "CLOSING",
    "CLOSED",
    "BOUND",
    "DELETE_TCB",
];

/// The TCP states of the BSD tools (`tcpstates[]` of FreeBSD's and XNU's
/// `tcp_fsm.h`: `netstat -an`, `lsof`, `sockstat -s`).
const BSD_STATES: &[&str] = &[
    "LISTEN",
    "ESTABLISHED",
    "SYN_SENT",
    "SYN_RCVD",
    "FIN_WAIT_1",
    "FIN_WAIT_2",
    "TIME_WAIT",
    "CLOSE_WAIT",
    "LAST_ACK",
    "CLOSING",
    "CLOSED",
];

/// The states `tool` prints, for a message about one it does not.
fn states_of(tool: &str) -> &'static [&'static str] {
    match tool {
        "ss" => SS_STATES,
        "netstat -ano" => WINDOWS_STATES,
        _ => BSD_STATES,
    }
}

/// A TCP state as a tool prints it (in parentheses for `lsof`); `None` for
/// a word none of the tools prints. Any tool's spelling is taken (a table
/// tidied by hand may mix them).
fn state(name: &str) -> Option<State> {
    let name = name.trim_matches(|c| c == '(' || c == ')');
    if ![SS_STATES, WINDOWS_STATES, BSD_STATES, &["SYN_RECV"]]
        .iter()
        .any(|list| list.contains(&name))
    {
        return None;
    }
    Some(match name {
        "LISTEN" | "LISTENING" => State::Listen,
        "TIME-WAIT" | "TIME_WAIT" => State::TimeWait,
        other => State::Connected(other.replace('-', "_")),
    })
}

/// The problem of a row whose TCP state `word` no tool prints: the states
/// `tool` prints, and the one it is a slip from, if any.
/// Why a row that reads cannot be one socket of a real table, if it cannot:
/// its two ends of different families, or a TCP connection's end that is
/// no one host's unicast address and port (a wildcard, a group, a
/// broadcast address, port 0), or a connected UDP socket's peer that is a
/// wildcard or port 0. No tool prints these; a garbled or hand-edited line
/// does (found by the paste target of `crates/fuzz`: such a line made a
/// scenario that did not parse, and the page answered nothing).
fn not_one_socket(s: &HostSocket, line: usize, text: &str) -> Option<Problem> {
    use bindlab_engine::addr::{is_broadcast, unmap};
    let at = |msg, args: &[(&'static str, String)]| {
        let mut all = vec![("line", line.to_string()), ("text", quoted(text))];
        all.extend_from_slice(args);
        Some(Problem::new(msg, &all))
    };
    // As written: a socket's two ends are of its family (a dual-stack
    // socket's IPv4 peer is written v4-mapped).
    if let Some(r) = s.remote.filter(|r| r.is_ipv4() != s.local.is_ipv4()) {
        return at(
            SocketsMsg::PasteMixedFamilies,
            &[("local", s.local.to_string()), ("peer", r.to_string())],
        );
    }
    let no_host = |a: &SocketAddr, group_ok: bool| {
        let ip = unmap(a.ip());
        a.port() == 0
            || ip.is_unspecified()
            || (!group_ok && (ip.is_multicast() || is_broadcast(ip)))
    };
    // A TCP connection's (or closed connection's) ends, a UDP socket's peer.
    let connection = !s.udp && !matches!(s.state, State::Listen | State::Bound);
    let local = connection.then_some(s.local);
    let bad = local
        .into_iter()
        .chain(s.remote)
        .find(|a| no_host(a, s.udp));
    bad.and_then(|a| at(SocketsMsg::PasteNotAnEnd, &[("addr", a.to_string())]))
}

fn bad_state(line: usize, text: &str, word: &str, tool: &str) -> Problem {
    let known = states_of(tool);
    let mut args = vec![
        ("line", line.to_string()),
        ("state", quoted(word)),
        ("text", quoted(text)),
        ("tool", tool.to_string()),
        (
            "states",
            bindlab_engine::lists::value(known, bindlab_engine::lists::Joint::And),
        ),
    ];
    let bare = word.trim_matches(|c| c == '(' || c == ')');
    match bindlab_engine::near::nearest(bare, known) {
        Some(near) => {
            args.push(("near", near.to_string()));
            Problem::new(SocketsMsg::PasteBadStateNear, &args)
        }
        None => Problem::new(SocketsMsg::PasteBadState, &args),
    }
}

/// Whether an `ss` table without a Netid column is `ss -u`'s: a UDP socket
/// is UNCONN or ESTAB, and a TCP table never shows UNCONN.
fn ss_is_udp(rows: &[&str]) -> bool {
    let states: Vec<&str> = rows
        .iter()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    states.contains(&"UNCONN") && states.iter().all(|s| matches!(*s, "UNCONN" | "ESTAB"))
}

/// A row of `ss -u` (no Netid column): every socket is UDP.
fn ss_udp_row(w: &[&str]) -> Option<Row> {
    ss_socket(w, true)
}

/// `LISTEN 0 128 0.0.0.0:8080 0.0.0.0:* users:(("python3",pid=1,fd=3)) uid:1000 ino:… v6only:0`,
/// with a `tcp`/`udp` column first when several protocols were asked for.
fn ss_row(w: &[&str]) -> Option<Row> {
    match w.first() {
        Some(&("tcp" | "tcp6")) => ss_socket(&w[1..], false),
        Some(&("udp" | "udp6")) => ss_socket(&w[1..], true),
        Some(&("raw" | "u_str" | "u_dgr" | "u_seq" | "nl" | "p_raw" | "p_dgr" | "icmp6")) => {
            Some(Row::Skip)
        }
        // UNCONN in a TCP table: a UDP line pasted among them.
        Some(&"UNCONN") => ss_socket(w, true),
        _ => ss_socket(w, false),
    }
}

fn ss_socket(w: &[&str], udp: bool) -> Option<Row> {
    if w.len() < 5 {
        return None;
    }
    let local = colon_endpoint(w[3], true)??;
    let remote = colon_endpoint(w[4], true)?.filter(|r| !udp || r.port() != 0);
    let mut s = if udp {
        HostSocket::udp(local, remote)
    } else {
        let Some(st) = state(w[0]) else {
            return Some(Row::BadState(w[0].to_string()));
        };
        HostSocket::new(local, remote, st)
    };
    for extra in &w[5..] {
        if let Some(users) = extra.strip_prefix("users:((\"") {
            // `("nginx",pid=1236,fd=6),("nginx",pid=1234,fd=6)`: every
            // process holding the socket; named by the lowest PID (a
            // forked server's master, before its workers), all listed.
            let (name, _) = users.split_once('"')?;
            let mut pids: Vec<u32> = Vec::new();
            for part in users.split("pid=").skip(1) {
                pids.push(part.split([',', ')']).next()?.parse().ok()?);
            }
            pids.sort_unstable();
            pids.dedup();
            let (&pid, also) = pids.split_first()?;
            s.process = Some(Process {
                also: also.to_vec(),
                ..Process::new(pid, name.to_string())
            });
        } else if let Some(uid) = extra.strip_prefix("uid:") {
            s.user = Some(format!("uid{uid}"));
        } else if let Some(v) = extra.strip_prefix("v6only:") {
            s.v6only = Some(v == "1");
        }
    }
    // `ss -e` leaves out uid 0: a program's socket with its details shown
    // (`ino:`) and no uid is root's. Without `-e` no row names its owner:
    // unknown, not root.
    let ino = w[5..]
        .iter()
        .find_map(|e| e.strip_prefix("ino:"))
        .and_then(|n| n.parse::<u64>().ok());
    if s.user.is_none() && s.process.is_some() && ino.is_some() {
        s.user = Some("root".into());
    }
    s.created = ino;
    Some(Row::Socket(s))
}

/// `TCP 0.0.0.0:135 0.0.0.0:0 LISTENING 1234`; `UDP 0.0.0.0:123 *:* 2020`
/// (no state).
fn windows_row(w: &[&str]) -> Option<Row> {
    match w[0] {
        "UDP" if w.len() == 4 => {
            let mut s = HostSocket::udp(colon_endpoint(w[1], false)??, None);
            let pid: u32 = w[3].parse().ok()?;
            if pid != 0 {
                s.process = Some(Process::new(pid, String::new()));
            }
            return Some(Row::Socket(s));
        }
        "TCP" if w.len() == 5 => {}
        // "Active Connections" and its blank line above the header.
        _ if w.len() < 4 => return Some(Row::Blank),
        _ => return None,
    }
    let local = colon_endpoint(w[1], false)??;
    let remote = colon_endpoint(w[2], false)?.filter(|r| r.port() != 0);
    let pid: u32 = w[4].parse().ok()?;
    let Some(st) = state(w[3]) else {
        return Some(Row::BadState(w[3].to_string()));
    };
    let mut s = HostSocket::new(local, remote, st);
    if pid != 0 {
        s.process = Some(Process::new(pid, String::new()));
    }
    Some(Row::Socket(s))
}

/// `python3 123 alice 3u IPv4 0x1234 0t0 TCP *:8080 (LISTEN)`;
/// `… TCP 127.0.0.1:8080->127.0.0.1:50000 (ESTABLISHED)`.
fn lsof_row(w: &[&str]) -> Option<Row> {
    if w.len() < 9 {
        return None;
    }
    let node = w.iter().position(|x| *x == "TCP" || *x == "UDP")?;
    let v6 = w.get(4) == Some(&"IPv6");
    let name = w.get(node + 1)?;
    let (local, remote) = match name.split_once("->") {
        Some((l, r)) => (colon_endpoint(l, v6)??, colon_endpoint(r, v6)?),
        None => (colon_endpoint(name, v6)??, None),
    };
    let pid = w[1].parse().ok()?;
    let mut s = if w[node] == "UDP" {
        HostSocket::udp(local, remote)
    } else {
        let st = match w.get(node + 2) {
            None => State::Connected("UNKNOWN".into()),
            Some(word) => match state(word) {
                Some(st) => st,
                None => return Some(Row::BadState(word.to_string())),
            },
        };
        HostSocket::new(local, remote, st)
    };
    s.process = Some(Process::new(pid, w[0].to_string()));
    s.user = Some(w[2].to_string());
    // DEVICE is the kernel's address of the socket: the same in every
    // process holding it.
    Some(Row::Held(s, Held::Exact(w[5].to_string())))
}

/// `tcp46 0 0 *.8080 *.* LISTEN`.
/// `udp4 0 0 *.5353 *.*` (no state).
fn bsd_netstat_row(w: &[&str]) -> Option<Row> {
    let udp = match w[0] {
        "tcp4" | "tcp6" | "tcp46" => false,
        "udp4" | "udp6" | "udp46" => true,
        p if p.starts_with("icm") => return Some(Row::Skip),
        _ if w.len() < 5 => return Some(Row::Blank),
        _ => return None,
    };
    if w.len() < 5 {
        return None;
    }
    let v6 = !w[0].ends_with('4');
    let local = dot_endpoint(w[3], v6)??;
    let remote = dot_endpoint(w[4], v6)?;
    let mut s = if udp {
        HostSocket::udp(local, remote)
    } else {
        let st = match w.get(5) {
            None => State::Connected("UNKNOWN".into()),
            Some(word) => match state(word) {
                Some(st) => st,
                None => return Some(Row::BadState(word.to_string())),
            },
        };
        HostSocket::new(local, remote, st)
    };
    if v6 && local.ip().is_unspecified() {
        // macOS and FreeBSD print a dual-stack socket as tcp46 / udp46.
        s.v6only = Some(!w[0].ends_with("46"));
    }
    Some(Row::Socket(s))
}

/// `www nginx 1234 6 tcp4 *:80 *:*`; `? ? ? ? tcp4 127.0.0.1:8080 127.0.0.1:50001`.
fn sockstat_row(w: &[&str]) -> Option<Row> {
    if w.len() < 7 {
        return None;
    }
    let udp = match w[4] {
        "tcp4" | "tcp6" | "tcp46" => false,
        "udp4" | "udp6" | "udp46" => true,
        p if p.starts_with("stream") || p.starts_with("dgram") || p.starts_with("seqpac") => {
            return Some(Row::Skip)
        }
        _ => return None,
    };
    let v6 = !w[4].ends_with('4');
    let local = colon_endpoint(w[5], v6)??;
    let remote = colon_endpoint(w[6], v6)?.filter(|r| !r.ip().is_unspecified() || r.port() != 0);
    // sockstat prints no state unless asked (-s): a `*:*` peer is a
    // listener; a row without a process is most likely a TIME_WAIT.
    if w[0] != "?" {
        w[2].parse::<u32>().ok()?;
    }
    let st = match (w.get(7), remote, w[0]) {
        (Some(s), _, _) if udp => state(s).unwrap_or(State::Bound),
        (Some(s), _, _) => match state(s) {
            Some(st) => st,
            None => return Some(Row::BadState(s.to_string())),
        },
        (None, None, _) => State::Listen,
        (None, Some(_), "?") => State::TimeWait,
        (None, Some(_), _) => State::Connected("ESTABLISHED".into()),
    };
    let mut s = if udp {
        HostSocket::udp(local, remote)
    } else {
        HostSocket::new(local, remote, st)
    };
    if w[0] != "?" {
        s.user = Some(w[0].to_string());
        s.process = Some(Process::new(w[2].parse().ok()?, w[1].to_string()));
    }
    if v6 && local.ip().is_unspecified() {
        s.v6only = Some(!w[4].ends_with("46"));
    }
    // sockstat names no socket: rows of one program with the same
    // protocol and addresses are taken as one socket's, once per process.
    let key = format!("{} {} {} {}", w[1], w[4], w[5], w[6]);
    Some(if w[0] == "?" {
        Row::Socket(s)
    } else {
        Row::Held(s, Held::Likely(key))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    /// `ss -tanpe` numbers its sockets (`ino:`, 0 for a TIME_WAIT): read as
    /// each socket's `created`, by which a port's picture takes its TCP
    /// sockets in the order the host created them, as `bindlab doctor` does
    /// (`ss` lists listeners in its hash's order; Linux's port summary is
    /// the last SO_REUSEPORT binder's, so the order of binds can decide an
    /// answer); the table itself, and its UDP sockets, keep their order.
    /// Without `-e` the picture keeps the table's.
    #[test]
    fn ss_e_tables_are_pictured_in_creation_order() {
        let ss = "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0 511 0.0.0.0:8080 0.0.0.0:* users:((\"a\",pid=1,fd=4)) ino:104 sk:1 cgroup:/ <->
TIME-WAIT 0 0 127.0.0.1:8080 127.0.0.1:50000 timer:(timewait,59sec,0) ino:0 sk:2
LISTEN 0 511 [::]:8080 [::]:* users:((\"b\",pid=2,fd=3)) ino:101 sk:3 cgroup:/ v6only:1 <->
ESTAB 0 0 [::1]:8080 [::1]:40000 users:((\"b\",pid=2,fd=7)) ino:107 sk:6 cgroup:/ <->
";
        let p = parse_table(ss).unwrap();
        let created: Vec<Option<u64>> = p.sockets.iter().map(|s| s.created).collect();
        assert_eq!(created, [Some(104), Some(0), Some(101), Some(107)]);
        let pic = crate::picture_of(&p.sockets, Os::Linux, 8080, None, false);
        let order: Vec<String> = pic
            .sockets
            .iter()
            .map(|(_, s)| format!("{} {}", s.state.name(), s.local))
            .collect();
        assert_eq!(
            order,
            [
                "LISTEN [::]:8080",
                "LISTEN 0.0.0.0:8080",
                "ESTAB [::1]:8080",
                "TIME_WAIT 127.0.0.1:8080",
            ]
        );
        let text = crate::scenario(&pic, "me", false, None);
        let at = |what: &str| text.find(what).unwrap_or_else(|| panic!("{what}: {text}"));
        assert!(
            at("bind b_2 [::]:8080") < at("bind a_1 0.0.0.0:8080"),
            "{text}"
        );
        // Without `-e` (no `ino:`), as listed.
        let plain: String = ss
            .lines()
            .map(|l| l.split(" ino:").next().unwrap_or(l).to_string() + "\n")
            .collect();
        let p = parse_table(&plain).unwrap();
        assert!(p.sockets.iter().all(|s| s.created.is_none()));
        let pic = crate::picture_of(&p.sockets, Os::Linux, 8080, None, false);
        assert_eq!(pic.sockets[0].1.local, "0.0.0.0:8080".parse().unwrap());
    }

    /// A row that reads but cannot be one socket — its ends of two
    /// families, a TCP connection's end that is a wildcard, a group or port
    /// 0 — is named and left out, and the rest answered. Such a row made a
    /// scenario that did not parse: the page answered nothing (found by the
    /// paste target of `crates/fuzz`).
    #[test]
    fn rows_that_cannot_be_one_socket_are_named_and_left_out() {
        let ss = "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0 128 0.0.0.0:8080 0.0.0.0:* users:((\"nginx\",pid=1,fd=3))
ESTAB 0 0 127.0.0.1:8080 [::1]:5000 users:((\"a\",pid=2,fd=4))
ESTAB 0 0 [::ffff:10.0.0.5]:8080 127.0.0.1:5001 users:((\"a\",pid=2,fd=5))
TIME-WAIT 0 0 0.0.0.0:8080 127.0.0.1:5002
ESTAB 0 0 127.0.0.1:8080 224.0.0.1:5003
ESTAB 0 0 10.0.0.5:8080 10.0.0.6:0
ESTAB 0 0 10.0.0.5:8080 203.0.113.9:5004 users:((\"nginx\",pid=1,fd=6))
";
        let p = parse_table(ss).unwrap();
        assert_eq!(p.sockets.len(), 2, "{:?}", p.sockets);
        let said: Vec<String> = p.unreadable.iter().map(Problem::english).collect();
        assert_eq!(
            said,
            [
                "line 3: `ESTAB 0 0 127.0.0.1:8080 [::1]:5000 users:((\"a\",pid=2,fd=4))` cannot be one socket: its local address 127.0.0.1:8080 and its peer [::1]:5000 are of different families (IPv4 and IPv6)",
                "line 4: `ESTAB 0 0 [::ffff:10.0.0.5]:8080 127.0.0.1:5001 users:((\"a\",pid=2,fd=5))` cannot be one socket: its local address [::ffff:10.0.0.5]:8080 and its peer 127.0.0.1:5001 are of different families (IPv4 and IPv6)",
                "line 5: `TIME-WAIT 0 0 0.0.0.0:8080 127.0.0.1:5002` cannot be one connection: 0.0.0.0:8080 is not an address and port of one host (a connection's ends are; a wildcard, a group, a broadcast address or port 0 is not)",
                "line 6: `ESTAB 0 0 127.0.0.1:8080 224.0.0.1:5003` cannot be one connection: 224.0.0.1:5003 is not an address and port of one host (a connection's ends are; a wildcard, a group, a broadcast address or port 0 is not)",
                "line 7: `ESTAB 0 0 10.0.0.5:8080 10.0.0.6:0` cannot be one connection: 10.0.0.6:0 is not an address and port of one host (a connection's ends are; a wildcard, a group, a broadcast address or port 0 is not)",
            ]
        );
        // The rest is answered from a scenario that parses.
        let pic = crate::picture_of(&p.sockets, Os::Linux, 8080, None, false);
        let q = crate::Question {
            bind: "0.0.0.0:8080".parse().unwrap(),
            user: "me".into(),
        };
        let text = crate::scenario(&pic, "me", false, Some((&q, &[])));
        assert!(bindlab_engine::parse(&text).is_ok(), "{text}");
        assert!(crate::ask(&pic, "me", &q)
            .iter()
            .all(|a| !a.verdicts.is_empty()));
    }

    /// Captured here: `ss -tanpe` in a fresh namespace with Python servers
    /// (one with a connection and a TIME_WAIT), a dual-stack and a v6-only
    /// listener, and an SO_REUSEPORT listener.
    const SS: &str = include_str!("testdata/ss-tanpe.txt");
    const SS_UDP: &str = include_str!("testdata/ss-uanpe.txt");

    /// A line or header too long to read is named by its start: a 1 MB
    /// line was quoted whole, above the answers.
    #[test]
    fn a_control_character_in_a_pasted_name_is_shown_not_hidden() {
        // U+001F marks a message's list value (lists::value): a process
        // named "\u{1f}&\u{1f}a\u{1f}b" must not read as the list "a and b".
        let text = "Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n\
            tcp LISTEN 0 128 0.0.0.0:8080 0.0.0.0:* users:((\"\u{1f}&\u{1f}a\u{1f}b\",pid=7,fd=3))\n";
        let p = parse_table(text).unwrap();
        let name = &p.sockets[0].process.as_ref().unwrap().name;
        assert_eq!(name, "[U+001F]&[U+001F]a[U+001F]b");
        let pic = crate::picture(&p.sockets, p.os, 8080, None);
        let q = crate::Question {
            bind: "0.0.0.0:8080".parse().unwrap(),
            user: "root".into(),
        };
        let advice = crate::advice(&pic, &crate::ask(&pic, "root", &q));
        assert!(advice.contains("[U+001F]&[U+001F]a[U+001F]b"), "{advice}");
        // A table without controls is read as it was.
        assert_eq!(controls_shown("a\tb\r\n"), "a\tb\r\n");
    }

    #[test]
    fn a_long_unreadable_line_is_quoted_by_its_start() {
        let long = "y".repeat(100_000);
        let e = parse_table(&format!("Local Address {long}\nfoo\n")).unwrap_err();
        assert!(
            e.len() < 400 && e.contains("Local Address yyy") && e.contains('…'),
            "{e}"
        );
        let t = format!("State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 1 0.0.0.0:80 0.0.0.0:*\nLISTEN 0 1 {long}\n");
        let p = parse_table(&t).unwrap();
        let bad = p.unreadable[0].english();
        assert!(bad.len() < 400 && bad.contains("LISTEN 0 1 yyy"), "{bad}");
    }

    #[test]
    fn ss_as_captured_on_this_machine() {
        let p = parse_table(SS).unwrap();
        assert_eq!(
            (p.os, p.tool, p.sockets.len(), p.skipped),
            (Os::Linux, "ss", 7, 0)
        );
        // (In creation order, by `ino:`: not the table's.)
        let find = |local: &str, state: State| {
            let local: SocketAddr = local.parse().unwrap();
            p.sockets
                .iter()
                .find(|s| s.local == local && s.state == state)
                .unwrap_or_else(|| panic!("{local} {state:?}: {:?}", p.sockets))
        };
        let l = find("0.0.0.0:8080", State::Listen);
        assert_eq!(l.process, Some(Process::new(4701, "python3")));
        assert_eq!(l.user.as_deref(), Some("root"));
        assert_eq!((l.reuseaddr, l.reuseport), (None, None));
        let tw = p
            .sockets
            .iter()
            .find(|s| s.remote == Some("127.0.0.1:45586".parse().unwrap()))
            .unwrap();
        assert_eq!(
            (tw.state.clone(), tw.process.clone()),
            (State::TimeWait, None)
        );
        let v6only: Vec<(SocketAddr, Option<bool>)> = p
            .sockets
            .iter()
            .filter(|s| s.v6)
            .map(|s| (s.local, s.v6only))
            .collect();
        assert!(
            v6only.contains(&("[::]:8081".parse().unwrap(), Some(false))),
            "{v6only:?}"
        );
        assert!(v6only.iter().any(|(_, v)| *v == Some(true)), "{v6only:?}");
    }

    /// `ss -tanp` (no `-e`) names no owner: a program's socket is not
    /// taken for root's.
    #[test]
    fn a_link_local_address_with_its_interface_reads_either_way() {
        let at = |s: &str| colon_endpoint(s, true).flatten();
        let want: SocketAddr = "[fe80::a00:27ff:fe4e:66a1]:546".parse().unwrap();
        assert_eq!(at("[fe80::a00:27ff:fe4e:66a1]%enp0s3:546"), Some(want));
        assert_eq!(at("[fe80::a00:27ff:fe4e:66a1%enp0s3]:546"), Some(want));
        assert_eq!(
            at("127.0.0.53%lo:53"),
            Some("127.0.0.53:53".parse().unwrap())
        );
        assert_eq!(at("[fe80::1]x:546"), None);
        let t = "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
UNCONN 0      0      [fe80::a00:27ff:fe4e:66a1]%enp0s3:546 [::]:* users:((\"NetworkManager\",pid=700,fd=25))
UNCONN 0      0      127.0.0.53%lo:53   0.0.0.0:*     users:((\"systemd-resolve\",pid=612,fd=13))
";
        let p = parse_table(t).unwrap();
        assert_eq!(p.sockets.len(), 2);
        assert_eq!(p.sockets[0].local, want);
    }

    #[test]
    fn ss_without_e_leaves_the_owner_unknown() {
        let t = "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0      128          0.0.0.0:8080      0.0.0.0:*     users:((\"python3\",pid=4701,fd=3))
";
        let p = parse_table(t).unwrap();
        assert_eq!(p.sockets.len(), 1);
        assert!(p.sockets[0].process.is_some());
        assert_eq!(p.sockets[0].user, None);
        let e = t.replace("fd=3))", "fd=3)) ino:1234 sk:1");
        assert_eq!(
            parse_table(&e).unwrap().sockets[0].user.as_deref(),
            Some("root")
        );
    }

    /// Captured here: `ss -uanpe` in a fresh namespace with Python's UDP
    /// sockets: two SO_REUSEADDR receivers on 0.0.0.0:5000 (fd 3 bound
    /// first), two SO_REUSEPORT ones on 127.0.0.1:6000, a dual-stack [::]:5353,
    /// a v6-only [::1]:7000, a socket connected to 127.0.0.1:5000, and
    /// nobody's receiver on 127.0.0.1:8000 (`uid:65534`).
    #[test]
    fn ss_uanpe_as_captured_on_this_machine() {
        let p = parse_table(SS_UDP).unwrap();
        assert_eq!(
            (p.os, p.tool, p.sockets.len(), p.skipped),
            (Os::Linux, "ss", 8, 0)
        );
        assert!(p.sockets.iter().all(|s| s.udp));
        let c = &p.sockets[0];
        assert_eq!(c.state, State::Connected("ESTAB".into()));
        assert_eq!(c.local, "127.0.0.1:53701".parse().unwrap());
        assert_eq!(c.remote, Some("127.0.0.1:5000".parse().unwrap()));
        // The port's sockets newest first, as the kernel's chain holds them.
        let fds: Vec<(State, Option<u32>)> = p.sockets[1..3]
            .iter()
            .map(|s| (s.state.clone(), s.process.as_ref().map(|p| p.pid)))
            .collect();
        assert_eq!(
            fds,
            [(State::Bound, Some(15079)), (State::Bound, Some(15079))]
        );
        assert_eq!(p.sockets[1].local, "0.0.0.0:5000".parse().unwrap());
        assert_eq!(p.sockets[5].user.as_deref(), Some("uid65534"));
        assert_eq!(p.sockets[1].user.as_deref(), Some("root"));
        assert_eq!(
            (p.sockets[6].local, p.sockets[6].v6, p.sockets[6].v6only),
            ("[::]:5353".parse().unwrap(), true, Some(false))
        );
        assert_eq!(p.sockets[7].v6only, Some(true));
        assert_eq!(p.sockets[7].proto(), "udp6");
        // With a Netid column (`ss -tuanpe`) each line says its protocol.
        let both = "Netid State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
udp   UNCONN 0      0            0.0.0.0:5000       0.0.0.0:*
tcp   LISTEN 0      128          0.0.0.0:5000       0.0.0.0:*
tcp   ESTAB  0      0          127.0.0.1:5000     127.0.0.1:40000
";
        let p = parse_table(both).unwrap();
        let kinds: Vec<(bool, &str)> = p.sockets.iter().map(|s| (s.udp, s.state.name())).collect();
        assert_eq!(
            kinds,
            [(true, "UNCONN"), (false, "LISTEN"), (false, "ESTAB")]
        );
    }

    #[test]
    fn a_pasted_udp_table_says_who_receives_and_what_a_bind_would_do() {
        let p = parse_table(SS_UDP).unwrap();
        let pic = crate::picture_of(&p.sockets, p.os, 5000, None, true);
        // Oldest first: fd 3 was bound before fd 4.
        let names: Vec<&str> = pic.sockets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["python3_15079", "python3_15079_2"]);
        assert!(pic.unknowns);
        assert!(crate::picture(&p.sockets, p.os, 5000, None)
            .sockets
            .is_empty());
        let text = crate::scenario(&pic, "root", true, None);
        assert!(
            text.contains("socket python3_15079 udp\nset python3_15079 SO_REUSEADDR\nset python3_15079 SO_REUSEPORT\nbind python3_15079 0.0.0.0:5000\n"),
            "{text}"
        );
        assert!(crate::mismatches(&text, p.os).is_empty(), "{text}");
        // Options unknown, taken as all set: an SO_REUSEPORT group, by hash.
        let to: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let d = crate::receivers(&pic, "root", true, to).unwrap();
        assert_eq!((d.choice, d.receivers.len()), (crate::Choice::Hash, 2));
        // As `bindlab doctor` reads them as root: SO_REUSEADDR only. The
        // newest bound gets every datagram.
        let mut known = p.sockets.clone();
        for s in &mut known {
            (s.reuseaddr, s.reuseport) = (Some(true), Some(false));
        }
        let pic = crate::picture_of(&known, p.os, 5000, None, true);
        assert!(!pic.unknowns);
        let d = crate::receivers(&pic, "root", false, to).unwrap();
        assert_eq!(
            (d.choice, d.receivers.clone()),
            (crate::Choice::One, vec!["python3_15079_2".to_string()])
        );
        assert_eq!(d.rule.map(|r| r.as_str()), Some("linux.udp.deliver.newest"));
        assert_eq!(
            d.sentence(),
            "python3_15079_2 gets every datagram to 127.0.0.1:5000"
        );
        let q = crate::Question {
            bind: "0.0.0.0:5000".parse().unwrap(),
            user: "root".into(),
        };
        let answers = crate::ask(&pic, "root", &q);
        let results: Vec<&str> = answers
            .iter()
            .map(|a| a.verdicts[0].bind.result.as_str())
            .collect();
        assert_eq!(results, ["EADDRINUSE", "ok", "EADDRINUSE", "ok"]);
        assert!(answers.iter().all(|a| a.verdicts[0].listen.is_none()));
        // No option: the rule and the socket in the way are named.
        let no = &answers[0].verdicts[0];
        assert!(no.datagram.is_none());
        assert!(
            no.bind.why.as_deref().unwrap().contains("python3_15079"),
            "{no:?}"
        );
        // SO_REUSEADDR: the new socket, the newest, takes every datagram.
        let d = answers[1].verdicts[0].datagram.as_ref().unwrap();
        assert_eq!(
            (d.choice, d.receivers.clone()),
            (crate::Choice::One, vec!["myapp".to_string()])
        );
        let advice = crate::advice(&pic, &answers);
        assert!(
            advice.starts_with("set SO_REUSEADDR on the new socket before bind(). Then myapp gets every datagram to 127.0.0.1:5000. A unicast datagram reaches one socket only"),
            "{advice}"
        );
    }

    #[test]
    fn a_pasted_ss_table_answers_what_if_i_bind() {
        let p = parse_table(SS).unwrap();
        let pic = crate::picture(&p.sockets, p.os, 8080, None);
        assert!(pic.unknowns);
        assert_eq!(pic.sockets.len(), 3);
        let text = crate::scenario(&pic, "root", false, None);
        assert!(crate::mismatches(&text, p.os).is_empty(), "{text}");
        let q = crate::Question {
            bind: "0.0.0.0:8080".parse().unwrap(),
            user: "root".into(),
        };
        let answers = crate::ask(&pic, "root", &q);
        // A live listener: no option gets past it, whatever it set.
        assert!(answers.iter().all(|a| !a.works()));
        assert!(answers[0]
            .verdicts
            .iter()
            .all(|v| v.bind.result == "EADDRINUSE"));
    }

    /// Found by a reader on 2026-12-05: sshd's port 22 and the resolver's 53,
    /// owners unknown (`ss` without `-e`), asked as an ordinary user.
    /// A forked server's listener is held by its master and every worker;
    /// `ss` lists them all, newest first. The advice named the first,
    /// a worker: stopping it frees nothing (a reader's review, 2026-12-08).
    #[test]
    fn a_socket_held_by_several_processes_names_them_all() {
        let t = "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0      511          0.0.0.0:8080      0.0.0.0:*     users:((\"nginx\",pid=1236,fd=6),(\"nginx\",pid=1235,fd=6),(\"nginx\",pid=1234,fd=6)) ino:1 sk:1 cgroup:/ <->
";
        let p = parse_table(t).unwrap();
        let pr = p.sockets[0].process.as_ref().unwrap();
        assert_eq!(
            (pr.pid, pr.also.as_slice(), pr.pids()),
            (1234, &[1235, 1236][..], "1234, 1235, 1236".to_string())
        );
        let pic = crate::picture(&p.sockets, p.os, 8080, None);
        assert_eq!(pic.sockets[0].0, "nginx_1234", "named by the lowest PID");
        let q = crate::Question {
            bind: "0.0.0.0:8080".parse().unwrap(),
            user: "me".into(),
        };
        let advice = crate::advice(&pic, &crate::ask(&pic, "me", &q));
        assert!(
            advice.contains(
                "nginx_1234 (pids 1234, 1235, 1236, nginx; each holds it) holds the port: stop it"
            ),
            "{advice}"
        );
        // A worker of another user accepted a connection (`uid:33`): the
        // scenario has that user accept it, and Linux makes it theirs.
        let t = "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0      511          0.0.0.0:8080      0.0.0.0:*     users:((\"nginx\",pid=1234,fd=6)) ino:1 sk:1 cgroup:/ <->
ESTAB  0      0           10.0.0.5:8080  203.0.113.9:5004  users:((\"nginx\",pid=1235,fd=9)) uid:33 ino:2 sk:2 cgroup:/ <->
";
        let p = parse_table(t).unwrap();
        let pic = crate::picture(&p.sockets, p.os, 8080, None);
        let text = crate::scenario(&pic, "me", false, None);
        assert!(
            text.contains("user uid33\nclient 10.0.0.5:8080\naccept nginx_1234 nginx_1235\n"),
            "{text}"
        );
        let host = bindlab_engine::host_after(
            &bindlab_engine::parse(&text).unwrap(),
            Os::Linux,
            usize::MAX,
        );
        let conn = host.sockets().find(|s| &*s.name() == "nginx_1235").unwrap();
        assert_eq!(conn.user(), "uid33", "{text}");
        // lsof lists the socket once per process: one socket, every PID.
        let t = "COMMAND  PID USER FD TYPE DEVICE SIZE/OFF NODE NAME
nginx   1234 root 6u IPv4 0xa1 0t0 TCP *:8080 (LISTEN)
nginx   1235 www  6u IPv4 0xa1 0t0 TCP *:8080 (LISTEN)
nginx   1236 www  6u IPv4 0xa1 0t0 TCP *:8080 (LISTEN)
";
        let p = parse_table(t).unwrap();
        assert_eq!(p.sockets.len(), 1);
        let pr = p.sockets[0].process.as_ref().unwrap();
        assert_eq!((pr.pid, pr.pids()), (1234, "1234, 1235, 1236".to_string()));
    }

    #[test]
    fn a_low_port_held_by_an_unknown_owner_is_roots_and_the_advice_names_the_privilege() {
        let t = "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0      128          0.0.0.0:22        0.0.0.0:*     users:((\"sshd\",pid=901,fd=3))
";
        let p = parse_table(t).unwrap();
        let pic = crate::picture(&p.sockets, p.os, 22, None);
        let text = crate::scenario(&pic, "me", false, None);
        // The scenario starts as root: no `user me` before sshd's socket.
        assert!(!text.contains("user "), "{text}");
        assert!(crate::mismatches(&text, p.os).is_empty(), "{text}");
        let q = crate::Question {
            bind: "0.0.0.0:22".parse().unwrap(),
            user: "me".into(),
        };
        let answers = crate::ask(&pic, "me", &q);
        assert!(answers.iter().all(|a| !a.works()));
        let advice = crate::advice(&pic, &answers);
        // sshd's options are unknown: as root, SO_REUSEPORT works only if
        // sshd set it too (it does not say so; found by an audit: the
        // privilege advice alone sent the reader to a bind that fails).
        assert_eq!(
            advice,
            "port 22 is reserved for root here, and even as root: sshd_901 (pid 901, sshd) is a running server on this port: stop it, or use another port. (SO_REUSEPORT on the new socket would let it bind only if that server set it too, which no table shows, and the two would then share the port's clients.)"
        );
        // The resolver, over UDP: bound, so it receives.
        let t = "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
UNCONN 0      0      127.0.0.53%lo:53   0.0.0.0:*     users:((\"systemd-resolve\",pid=612,fd=13))
";
        let p = parse_table(t).unwrap();
        let pic = crate::picture_of(&p.sockets, p.os, 53, None, true);
        let d = crate::receivers(&pic, "me", false, "127.0.0.53:53".parse().unwrap()).unwrap();
        assert_eq!(d.receivers, ["systemd_resolve_612"]);
    }

    const WINDOWS: &str = "
Active Connections

  Proto  Local Address          Foreign Address        State           PID
  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       1012
  TCP    0.0.0.0:8080           0.0.0.0:0              LISTENING       4242
  TCP    127.0.0.1:8080         127.0.0.1:50000        ESTABLISHED     4242
  TCP    127.0.0.1:50001        127.0.0.1:8080         TIME_WAIT       0
  TCP    [::]:135               [::]:0                 LISTENING       1012
  UDP    0.0.0.0:123            *:*                                    2020
  UDP    [::]:123               *:*                                    2020
";

    #[test]
    fn windows_netstat_ano_from_its_documented_form() {
        let p = parse_table(WINDOWS).unwrap();
        assert_eq!((p.os, p.sockets.len(), p.skipped), (Os::Windows, 7, 0));
        assert_eq!(
            (
                p.sockets[5].udp,
                p.sockets[5].local,
                p.sockets[5].state.clone()
            ),
            (true, "0.0.0.0:123".parse().unwrap(), State::Bound)
        );
        assert_eq!(p.sockets[6].proto(), "udp6");
        assert_eq!(p.sockets[6].process.as_ref().map(|p| p.pid), Some(2020));
        assert_eq!(p.sockets[1].process, Some(Process::new(4242, "")));
        assert_eq!(p.sockets[1].remote, None);
        assert_eq!(p.sockets[3].state, State::TimeWait);
        assert_eq!(p.sockets[4].local, "[::]:135".parse().unwrap());
        let pic = crate::picture(&p.sockets, p.os, 8080, None);
        assert_eq!(pic.sockets[0].0, "pid4242");
    }

    const LSOF: &str = "COMMAND     PID  USER   FD   TYPE             DEVICE SIZE/OFF NODE NAME
rapportd    512 alice    4u  IPv4 0x5e1f0c3a2b7c1d01      0t0  TCP *:49152 (LISTEN)
node       8100 alice   21u  IPv6 0x5e1f0c3a2b7c1d02      0t0  TCP *:3000 (LISTEN)
node       8100 alice   22u  IPv6 0x5e1f0c3a2b7c1d03      0t0  TCP [::1]:3000->[::1]:61000 (ESTABLISHED)
Python     9001 alice    3u  IPv4 0x5e1f0c3a2b7c1d04      0t0  TCP 127.0.0.1:3000 (LISTEN)
mDNSRespo   301 _mdnsresponder 8u IPv4 0x5e1f0c3a2b7c1d05 0t0 UDP *:5353
";

    #[test]
    fn lsof_from_its_documented_form() {
        let p = parse_table(LSOF).unwrap();
        assert_eq!(
            (p.os, p.tool, p.sockets.len(), p.skipped),
            (Os::MacOs, "lsof -nP -i", 5, 0)
        );
        assert_eq!(
            (p.sockets[4].udp, p.sockets[4].local),
            (true, "0.0.0.0:5353".parse().unwrap())
        );
        assert_eq!(p.sockets[1].local, "[::]:3000".parse().unwrap());
        assert_eq!(p.sockets[2].remote, Some("[::1]:61000".parse().unwrap()));
        assert_eq!(p.sockets[3].user.as_deref(), Some("alice"));
    }

    const MAC_NETSTAT: &str = "Active Internet connections (including servers)
Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)
tcp4       0      0  127.0.0.1.8080         127.0.0.1.50000        ESTABLISHED
tcp46      0      0  *.8080                 *.*                    LISTEN
tcp6       0      0  ::1.9090               *.*                    LISTEN
tcp4       0      0  127.0.0.1.8080         127.0.0.1.50001        TIME_WAIT
udp4       0      0  *.5353                 *.*
";

    #[test]
    fn bsd_netstat_from_its_documented_form() {
        let p = parse_table(MAC_NETSTAT).unwrap();
        assert_eq!((p.os, p.sockets.len(), p.skipped), (Os::MacOs, 5, 0));
        assert_eq!(
            (p.sockets[4].udp, p.sockets[4].state.clone()),
            (true, State::Bound)
        );
        assert_eq!(p.sockets[1].local, "[::]:8080".parse().unwrap());
        assert_eq!(p.sockets[1].v6only, Some(false));
        assert_eq!(p.sockets[2].local, "[::1]:9090".parse().unwrap());
        assert_eq!(p.sockets[3].state, State::TimeWait);
    }

    const SOCKSTAT: &str =
        "USER     COMMAND    PID   FD PROTO  LOCAL ADDRESS         FOREIGN ADDRESS
www      nginx      1234  6  tcp4   *:80                  *:*
root     sshd       812   4  tcp46  *:22                  *:*
alice    python3.11 999   3  tcp4   127.0.0.1:8080        127.0.0.1:50000
?        ?          ?     ?  tcp4   127.0.0.1:8080        127.0.0.1:50001
root     ntpd       700   20 udp4   *:123                 *:*
";

    #[test]
    fn sockstat_from_its_documented_form() {
        let p = parse_table(SOCKSTAT).unwrap();
        assert_eq!((p.os, p.sockets.len(), p.skipped), (Os::FreeBsd, 5, 0));
        assert_eq!(
            (
                p.sockets[4].proto(),
                p.sockets[4].local,
                p.sockets[4].process.as_ref().map(|p| p.pid)
            ),
            ("udp", "0.0.0.0:123".parse().unwrap(), Some(700))
        );
        assert_eq!(p.sockets[0].state, State::Listen);
        assert_eq!(p.sockets[1].local, "[::]:22".parse().unwrap());
        assert_eq!(p.sockets[1].v6only, Some(false));
        assert_eq!(p.sockets[2].state, State::Connected("ESTABLISHED".into()));
        assert_eq!(
            (p.sockets[3].state.clone(), p.sockets[3].user.clone()),
            (State::TimeWait, None)
        );
    }

    /// Every kind of sentence, from real tables, in zh-CN (the translation
    /// in content/zh-CN/sockets.txt): every slot filled, no English words
    /// left; English through `english` is what the English functions say.
    #[test]
    fn every_sentence_renders_in_zh_cn() {
        use bindlab_engine::messages::Translation;
        let zh =
            Translation::<SocketsMsg>::read(include_str!("../../../content/zh-CN/sockets.txt"));
        assert_eq!(zh.errors, Vec::<String>::new());
        assert_eq!(zh.untranslated, Vec::<SocketsMsg>::new());
        let zh = zh.translation;
        // The zh-CN words in force, as on a zh-CN page and for the CLI's
        // `--lang zh-CN`: a list's 「、」 and 「和」.
        let words = bindlab_engine::overlay_json::read(
            "[]",
            include_str!("../../../content/zh-CN/words.json"),
        );
        bindlab_engine::rules::set_overlay(Some(std::rc::Rc::new(words.overlay)));
        let say = |m: SocketsMsg, a: &[(&str, String)]| zh.render(m, a);
        let chinese = |s: &str| {
            assert!(!s.contains('{'), "{s}");
            assert!(
                s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{s}"
            );
        };
        // UDP, options known: SO_REUSEADDR works, the new socket then gets
        // every datagram.
        let p = parse_table(SS_UDP).unwrap();
        let mut known = p.sockets.clone();
        for s in &mut known {
            (s.reuseaddr, s.reuseport) = (Some(true), Some(false));
        }
        let pic = crate::picture_of(&known, p.os, 5000, None, true);
        let q = crate::Question {
            bind: "0.0.0.0:5000".parse().unwrap(),
            user: "root".into(),
        };
        let answers = crate::ask(&pic, "root", &q);
        let advice = crate::advice_in(&pic, &answers, &say);
        assert!(
            advice.starts_with("在新套接字上 bind() 之前设置 SO_REUSEADDR。然后，发往 127.0.0.1:5000 的数据报全部由 myapp 收到。单播数据报"),
            "{advice}"
        );
        assert_eq!(
            crate::advice_in(&pic, &answers, &crate::english),
            crate::advice(&pic, &answers)
        );
        let to: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let one = crate::receivers(&pic, "root", false, to).unwrap();
        assert_eq!(
            one.sentence_in(&say),
            "发往 127.0.0.1:5000 的数据报全部由 python3_15079_2 收到"
        );
        // Options unknown, taken as set: a hash picks; unknown: it depends.
        let pic = crate::picture_of(&p.sockets, p.os, 5000, None, true);
        let hash = crate::receivers(&pic, "root", true, to).unwrap();
        assert_eq!(hash.choice, crate::Choice::Hash);
        chinese(&hash.sentence_in(&say));
        assert_eq!(hash.sentence_in(&crate::english), hash.sentence());
        // Nobody on the port: dropped.
        let empty = crate::picture_of(&p.sockets, p.os, 9999, None, true);
        let none =
            crate::receivers(&empty, "root", false, "127.0.0.1:9999".parse().unwrap()).unwrap();
        assert_eq!(
            none.sentence_in(&say),
            "没有套接字接收发往 127.0.0.1:9999 的数据报：它被丢弃（ICMP 端口不可达）"
        );
        // Windows: two SO_REUSEADDR receivers, which one undefined.
        let win = "  Proto  Local Address  Foreign Address  State  PID\n  UDP 0.0.0.0:123 *:* 20\n  UDP 0.0.0.0:123 *:* 21\n";
        let w = parse_table(win).unwrap();
        let mut ws = w.sockets.clone();
        for s in &mut ws {
            s.reuseaddr = Some(true);
        }
        let wpic = crate::picture_of(&ws, Os::Windows, 123, None, true);
        let d = crate::receivers(&wpic, "me", false, "127.0.0.1:123".parse().unwrap()).unwrap();
        assert_eq!(d.choice, crate::Choice::Undefined, "{d:?}");
        assert_eq!(
            d.sentence_in(&say),
            "发往 127.0.0.1:123 的每个数据报都交给 pid21 和 pid20 中的一个；交给哪一个是未定义的"
        );
        assert_eq!(
            d.sentence(),
            "each datagram to 127.0.0.1:123 goes to one of pid21, pid20; which one is undefined"
        );
        let copies = crate::Delivery {
            choice: crate::Choice::Copies,
            receivers: vec!["A".into(), "B".into(), "C".into()],
            ..d
        };
        assert_eq!(
            copies.sentence_in(&say),
            "发往 127.0.0.1:123 的每个数据报，A、B 和 C 各收到一份副本"
        );
        assert_eq!(
            copies.sentence(),
            "A, B, C each get a copy of a datagram to 127.0.0.1:123"
        );
        // TCP: a live listener blocks every option set; its program named.
        let p = parse_table(SS).unwrap();
        let pic = crate::picture(&p.sockets, p.os, 8080, None);
        let q = crate::Question {
            bind: "0.0.0.0:8080".parse().unwrap(),
            user: "root".into(),
        };
        let answers = crate::ask(&pic, "root", &q);
        assert_eq!(
            crate::advice_in(&pic, &answers, &say),
            "python3_4701（pid 4701，python3）是这个端口上正在运行的服务器：停止它，或者换一个端口。（只有那个服务器也设置了 SO_REUSEPORT，新套接字设置 SO_REUSEPORT 才能绑定成功，而任何表都显示不出它设置了没有；那样的话两者还会分摊这个端口的客户端。）"
        );
        // Its options known (none set): it blocks every option set.
        let mut known = p.sockets.clone();
        for s in &mut known {
            (s.reuseaddr, s.reuseport) = (Some(false), Some(false));
        }
        let kpic = crate::picture(&known, p.os, 8080, None);
        let kanswers = crate::ask(&kpic, "root", &q);
        assert_eq!(
            crate::advice_in(&kpic, &kanswers, &say),
            "只要 python3_4701（pid 4701，python3）还占着这个端口，设置什么选项都不够：停止它，或者换一个端口。"
        );
        assert_eq!(
            crate::advice_in(&kpic, &kanswers, &crate::english),
            crate::advice(&kpic, &kanswers)
        );
        assert_eq!(
            crate::advice_in(&pic, &answers, &crate::english),
            crate::advice(&pic, &answers)
        );
        assert_eq!(crate::title(8080, &say), "这台主机端口 8080 上的套接字");
        assert!(crate::scenario(&pic, "root", false, None)
            .starts_with(&format!("title {}\n", crate::title(8080, &crate::english))));
        // A table that cannot be read: each problem.
        for (text, msg) in [
            ("hello", SocketsMsg::PasteNotATable),
            ("State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 128 nonsense 0.0.0.0:*\n", SocketsMsg::PasteBadLine),
            ("State Recv-Q Send-Q Local Address:Port Peer Address:Port\n", SocketsMsg::PasteNoSocket),
            ("Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port\nu_str ESTAB 0 0 * 1 * 2\n", SocketsMsg::PasteNoSocketSkipped),
            ("Local Address Foreign\n", SocketsMsg::PasteUnknownHeader),
            ("State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTN 0 128 0.0.0.0:80 0.0.0.0:*\n", SocketsMsg::PasteBadStateNear),
            ("State Recv-Q Send-Q Local Address:Port Peer Address:Port\nQWERTY 0 128 0.0.0.0:80 0.0.0.0:*\n", SocketsMsg::PasteBadState),
        ] {
            let e = read_table(text).unwrap_err();
            assert_eq!(e.msg, msg, "{text:?}: {e}");
            assert_eq!(e.english(), parse_table(text).unwrap_err());
            chinese(&e.said(&say));
        }
        assert_eq!(
            read_table("State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 128 nonsense 0.0.0.0:*\n").unwrap_err().said(&say),
            "第 2 行：无法把 `LISTEN 0 128 nonsense 0.0.0.0:*` 读作 `ss` 的一行"
        );
    }

    #[test]
    fn a_line_that_cannot_be_read_is_left_out_and_named_and_the_rest_is_read() {
        let t = "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0      128          0.0.0.0:8080      0.0.0.0:*     users:((\"python3\",pid=4701,fd=3))
LISTEN 0      128          0.0.0.0:80zz      0.0.0.0:*
LISTEN 0      128          0.0.0.0:9090      0.0.0.0:*
";
        let p = read_table(t).unwrap();
        assert_eq!(p.sockets.len(), 2);
        let bad: Vec<String> = p.unreadable.iter().map(Problem::english).collect();
        assert_eq!(
            bad,
            ["line 3: cannot read `LISTEN 0      128          0.0.0.0:80zz      0.0.0.0:*` as a line of `ss`"]
        );
    }

    /// A state word no tool prints is named as a line that does not read
    /// is (a new reader's review, 2026-12-06: `LISTN` was taken silently
    /// for a connection), with the tool's states and the one it is a slip
    /// from; every state each tool prints is read.
    #[test]
    fn an_unknown_state_is_named_with_the_states_the_tool_prints() {
        let t = "State  Recv-Q Send-Q Local Address:Port Peer Address:Port Process
LISTEN 0      128          0.0.0.0:8080      0.0.0.0:*     users:((\"python3\",pid=4701,fd=3))
LISTN  0      128          0.0.0.0:9090      0.0.0.0:*
BOGUS  0      0          127.0.0.1:9090    127.0.0.1:5000
";
        let p = read_table(t).unwrap();
        assert_eq!(p.sockets.len(), 1);
        let bad: Vec<String> = p.unreadable.iter().map(Problem::english).collect();
        let ss = SS_STATES.join(", ");
        assert_eq!(
            bad,
            [
                format!("line 3: unknown TCP state `LISTN` in `LISTN  0      128          0.0.0.0:9090      0.0.0.0:*`: did you mean `LISTEN`? (`ss` prints {ss})"),
                format!("line 4: unknown TCP state `BOGUS` in `BOGUS  0      0          127.0.0.1:9090    127.0.0.1:5000`; `ss` prints {ss}"),
            ]
        );
        assert_eq!(p.unreadable[0].msg, SocketsMsg::PasteBadStateNear);
        assert_eq!(p.unreadable[1].msg, SocketsMsg::PasteBadState);
        // Alone, it is the table's problem.
        let e = parse_table("State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTN 0 128 0.0.0.0:80 0.0.0.0:*\n").unwrap_err();
        assert!(e.starts_with("line 2: unknown TCP state `LISTN`"), "{e}");
        // Each tool's own words, and its own list.
        let first_unreadable = |table: &str| {
            let p = read_table(table).unwrap();
            assert_eq!(p.sockets.len(), 1, "{table}");
            p.unreadable[0].english()
        };
        let win = "  Proto  Local Address  Foreign Address  State  PID\n  TCP 0.0.0.0:80 0.0.0.0:0 LISTENIN 4\n  TCP 0.0.0.0:81 0.0.0.0:0 LISTENING 4\n";
        let e = first_unreadable(win);
        assert!(
            e.contains("did you mean `LISTENING`? (`netstat -ano` prints LISTENING, ESTABLISHED,"),
            "{e}"
        );
        let bsd = "Proto Recv-Q Send-Q Local Address Foreign Address (state)\ntcp4 0 0 *.80 *.* LISTEN\ntcp4 0 0 127.0.0.1.80 127.0.0.1.5000 ESTABLISHD\n";
        let e = first_unreadable(bsd);
        assert!(e.contains("did you mean `ESTABLISHED`?"), "{e}");
        let lsof = "COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\nx 1 u 3u IPv4 0x1 0t0 TCP *:80 (LISTEN)\nx 1 u 4u IPv4 0x2 0t0 TCP *:81 (LISTNE)\n";
        let e = first_unreadable(lsof);
        assert!(e.contains("unknown TCP state `(LISTNE)`"), "{e}");
        assert!(e.contains("did you mean `LISTEN`?"), "{e}");
        for (header, row, list) in [
            (
                "State Recv-Q Send-Q Local Address:Port Peer Address:Port",
                "{} 0 0 127.0.0.1:80 127.0.0.1:5000",
                SS_STATES,
            ),
            (
                "  Proto  Local Address  Foreign Address  State  PID",
                "  TCP 127.0.0.1:80 127.0.0.1:5000 {} 4",
                WINDOWS_STATES,
            ),
            (
                "Proto Recv-Q Send-Q Local Address Foreign Address (state)",
                "tcp4 0 0 127.0.0.1.80 127.0.0.1.5000 {}",
                BSD_STATES,
            ),
        ] {
            for st in list {
                let text = format!("{header}\n{}\n", row.replace("{}", st));
                let p = read_table(&text).unwrap();
                assert_eq!((p.sockets.len(), p.unreadable.len()), (1, 0), "{text}");
            }
        }
    }

    /// Rows whose header a filter took out read by their shape: the
    /// guides' own Windows check (`netstat -ano | findstr :8080`) printed a
    /// table the page refused (a reader's review, 2026-12-08).
    #[test]
    fn rows_without_their_header_read_by_their_shape() {
        let findstr = "  TCP    0.0.0.0:8080           0.0.0.0:0              LISTENING       15432\r\n  TCP    127.0.0.1:8080         127.0.0.1:50312        ESTABLISHED     15432\r\n  TCP    127.0.0.1:50312        127.0.0.1:8080         ESTABLISHED     9876\r\n  TCP    [::]:8080              [::]:0                 LISTENING       15432\r\n  UDP    0.0.0.0:8080           *:*                                    2222\r\n";
        let p = read_table(findstr).unwrap();
        assert_eq!((p.os, p.tool), (Os::Windows, "netstat -ano"));
        assert_eq!((p.sockets.len(), p.unreadable.len()), (5, 0));
        assert_eq!(p.sockets[0].process.as_ref().map(|x| x.pid), Some(15432));
        let grep = "LISTEN 0      511          0.0.0.0:8080      0.0.0.0:*    users:((\"nginx\",pid=1234,fd=6)) ino:1 sk:1 cgroup:/ <->\nTIME-WAIT 0 0 127.0.0.1:8080 127.0.0.1:40000\n";
        let p = read_table(grep).unwrap();
        assert_eq!((p.os, p.tool, p.sockets.len()), (Os::Linux, "ss", 2));
        let udp = "UNCONN 0 0 0.0.0.0:5000 0.0.0.0:*\nUNCONN 0 0 0.0.0.0:5000 0.0.0.0:*\n";
        let p = read_table(udp).unwrap();
        assert!(p.sockets.iter().all(|s| s.udp), "ss -u rows are UDP");
        let bsd = "tcp4       0      0  *.8080                 *.*                    LISTEN\n";
        let p = read_table(bsd).unwrap();
        assert_eq!(
            (p.os, p.tool, p.sockets.len()),
            (Os::MacOs, "netstat -an", 1)
        );
        // One line no tool reads, and it is not a table: nothing is guessed.
        for text in [
            "  TCP 0.0.0.0:8080 0.0.0.0:0 LISTENING 15432\nhello world again and again\n",
            "LISTEN 0 128 0.0.0.0:80 0.0.0.0:*\n  TCP 0.0.0.0:8080 0.0.0.0:0 LISTENING 1\n",
        ] {
            let e = parse_table(text).unwrap_err();
            assert!(
                e.starts_with("this does not look like a socket table"),
                "{text:?}: {e}"
            );
        }
    }

    #[test]
    fn garbage_gets_a_message_never_a_panic() {
        for (text, says) in [
            ("", "this does not look like a socket table"),
            ("hello\nworld", "this does not look like a socket table"),
            ("State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 128 nonsense 0.0.0.0:*\n", "line 2: cannot read `LISTEN 0 128 nonsense 0.0.0.0:*` as a line of `ss`"),
            ("State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 128 1.2.3.4:99999 0.0.0.0:*\n", "line 2: cannot read"),
            ("  Proto  Local Address  Foreign Address  State  PID\n  TCP 0.0.0.0:80 0.0.0.0:0 LISTENING notapid\n", "line 2: cannot read"),
            ("State Recv-Q Send-Q Local Address:Port Peer Address:Port\n", "has no TCP or UDP socket"),
            ("State Recv-Q Send-Q Local Address:Port Peer Address:Port\nUNCONN 0 0 0.0.0.0:x 0.0.0.0:*\n", "line 2: cannot read `UNCONN 0 0 0.0.0.0:x 0.0.0.0:*` as a line of `ss`"),
            ("  Proto  Local Address  Foreign Address  State  PID\n  UDP 0.0.0.0:123 *:* notapid\n", "line 2: cannot read"),
            ("COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\nx 1 u 3u IPv4 0 0t0 TCP [::1:80 (LISTEN)\n", "line 2: cannot read"),
            ("Proto Recv-Q Send-Q Local Address Foreign Address (state)\ntcp4 0 0 *.x *.* LISTEN\n", "line 2: cannot read"),
        ] {
            let e = parse_table(text).unwrap_err();
            assert!(e.starts_with(says) || e.contains(says), "{text:?}: {e}");
        }
    }

    /// sockstat and lsof list a socket once for every process holding it:
    /// a forked server's listener is one socket (found 2026-12-05: the
    /// rebuild bound it again per worker, and as the worker's user on a
    /// port below 1024, and failed both ways).
    #[test]
    fn a_socket_held_by_several_processes_is_one_socket() {
        let forked = "USER     COMMAND    PID   FD PROTO  LOCAL ADDRESS         FOREIGN ADDRESS
www      nginx      1235  6  tcp4   *:80                  *:*
root     nginx      1234  6  tcp4   *:80                  *:*
www      nginx      1236  6  tcp4   *:80                  *:*
root     nginx      1234  7  tcp4   *:8443                *:*
root     nginx      1234  8  tcp4   *:8443                *:*
www      nginx      1235  7  tcp4   *:8443                *:*
alice    nc         2000  3  tcp4   *:80                  *:*
";
        let p = parse_table(forked).unwrap();
        let rows: Vec<(u16, &str, u32)> = p
            .sockets
            .iter()
            .map(|s| {
                let pr = s.process.as_ref().unwrap();
                (s.local.port(), pr.name.as_str(), pr.pid)
            })
            .collect();
        // nginx's :80 once, as the root master's; its master's two :8443
        // sockets (one per worker, SO_REUSEPORT) both; another program's
        // row is its own socket.
        assert_eq!(
            rows,
            [
                (80, "nginx", 1234),
                (8443, "nginx", 1234),
                (8443, "nginx", 1234),
                (80, "nc", 2000)
            ]
        );
        let pic = crate::picture_of(&p.sockets, Os::FreeBsd, 80, None, false);
        let text = crate::scenario(&pic, "me", true, None);
        assert_eq!(crate::mismatches(&text, Os::FreeBsd).len(), 1, "{text}"); // nc's, under alice
                                                                              // lsof names the socket (DEVICE): the same one in two processes,
                                                                              // and two of one process.
        let lsof = "COMMAND     PID  USER   FD   TYPE             DEVICE SIZE/OFF NODE NAME
httpd       100 root    4u  IPv4 0x0000000000000a01      0t0  TCP *:80 (LISTEN)
httpd       101 _www    4u  IPv4 0x0000000000000a01      0t0  TCP *:80 (LISTEN)
node        200 alice   5u  IPv4 0x0000000000000b01      0t0  TCP *:3000 (LISTEN)
node        200 alice   6u  IPv4 0x0000000000000b02      0t0  TCP *:3000 (LISTEN)
";
        let p = parse_table(lsof).unwrap();
        let users: Vec<&str> = p
            .sockets
            .iter()
            .map(|s| s.user.as_deref().unwrap())
            .collect();
        assert_eq!(users, ["root", "alice", "alice"]);
    }

    /// A connection from the port to a peer on this host is rebuilt with a
    /// stand-in listener at the peer (its row is on another port); it used
    /// to fail with ECONNREFUSED and leave the connection out.
    #[test]
    fn a_connection_to_a_local_peer_is_rebuilt() {
        let p = parse_table(SS).unwrap();
        let client = p
            .sockets
            .iter()
            .find(|s| s.remote.is_some_and(|r| r.port() == 8080) && s.local.port() != 8080)
            .expect("the sample's client of :8080");
        let port = client.local.port();
        for os in Os::ALL {
            let pic = crate::picture_of(&p.sockets, os, port, None, false);
            let text = crate::scenario(&pic, "me", true, None);
            assert!(text.contains("listen peer1\n"), "{text}");
            assert_eq!(crate::mismatches(&text, os), [], "{os:?}: {text}");
        }
    }

    /// What the rebuild could not make is said, per assumption: FreeBSD's
    /// local connection that keeps no TIME_WAIT, and two sockets that
    /// cannot share a port with their unknown options off.
    #[test]
    fn what_the_rebuild_could_not_make_is_said() {
        use crate::{rebuild_mismatches, MismatchKind};
        let p = parse_table(SOCKSTAT).unwrap();
        let pic = crate::picture_of(&p.sockets, Os::FreeBsd, 8080, None, false);
        let wrong = rebuild_mismatches(&pic, "me");
        let kinds: Vec<(Option<bool>, Vec<MismatchKind>)> = wrong
            .iter()
            .map(|(a, m)| (*a, m.iter().map(|m| m.kind).collect()))
            .collect();
        // The same either way: said once.
        assert_eq!(kinds, [(None, vec![MismatchKind::NoTimeWait])]);
        let said = wrong[0].1[0].said(&crate::english);
        assert!(
            said.starts_with("`close tw` keeps no TIME_WAIT: FreeBSD ends a connection between two of its own addresses at once (net.inet.tcp.nolocaltimewait"),
            "{said}"
        );
        // Linux keeps it, and with options off it holds the port against
        // python's connection, which the rebuild makes by bind and connect
        // (its program accepted it): that proves no option on.
        let pic = crate::picture_of(&p.sockets, Os::Linux, 8080, None, false);
        let wrong = rebuild_mismatches(&pic, "me");
        let said: Vec<(Option<bool>, Vec<String>)> = wrong
            .iter()
            .map(|(a, m)| (*a, m.iter().map(|m| m.said(&crate::english)).collect()))
            .collect();
        assert_eq!(
            said,
            [(
                Some(false),
                vec!["`bind python3_11_999 127.0.0.1:8080` fails with EADDRINUSE".to_string()]
            )]
        );
        assert!(!crate::options_shown_on(&pic, &wrong[0].1));
        // Two UDP sockets on one port: with their options off they could
        // not both be there.
        let p = parse_table(SS_UDP).unwrap();
        let pic = crate::picture_of(&p.sockets, p.os, 5000, None, true);
        let wrong = rebuild_mismatches(&pic, "me");
        assert_eq!(wrong.len(), 1);
        assert_eq!(wrong[0].0, Some(false));
        assert_eq!(
            wrong[0].1[0].said(&crate::english),
            "`bind python3_15079_2 0.0.0.0:5000` fails with EADDRINUSE"
        );
        // Two receivers: the table shows some option on.
        assert!(crate::options_shown_on(&pic, &wrong[0].1));
    }

    /// A dual-stack program's connections (Java's default) carry
    /// v4-mapped addresses: the rebuild connects to them as written, and a
    /// local one gets an IPv4 stand-in (found in review, 2026-12-06: the
    /// connect was written as IPv4 and the scenario did not parse).
    #[test]
    fn v4_mapped_connections_are_rebuilt() {
        let ss = "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process
CLOSE-WAIT 1 0 [::ffff:10.0.0.5]:8080 [::ffff:203.0.113.7]:51234 users:((\"java\",pid=10,fd=5)) uid:1000 ino:1 sk:1 v6only:0
ESTAB 0 0 [::ffff:127.0.0.1]:45000 [::ffff:127.0.0.1]:6379 users:((\"java\",pid=10,fd=6)) uid:1000 ino:2 sk:2 v6only:0
ESTAB 0 0 [::ffff:127.0.0.1]:45000 [::ffff:127.0.0.1]:6380 users:((\"java\",pid=10,fd=7)) uid:1000 ino:3 sk:3 v6only:0
";
        let p = parse_table(ss).unwrap();
        let pic = crate::picture_of(&p.sockets, Os::Linux, 8080, None, false);
        let q = crate::Question {
            bind: "0.0.0.0:8080".parse().unwrap(),
            user: "me".into(),
        };
        let answers = crate::ask(&pic, "me", &q);
        assert!(
            answers.iter().all(|a| !a.verdicts.is_empty()),
            "{answers:?}"
        );
        assert_eq!(crate::rebuild_mismatches(&pic, "me"), []);
        // Two connections to local peers: a stand-in each, IPv4.
        let pic = crate::picture_of(&p.sockets, Os::Linux, 45000, None, false);
        let text = crate::scenario(&pic, "me", true, None);
        assert!(
            text.contains("socket peer1 tcp\nbind peer1 127.0.0.1:6379\n"),
            "{text}"
        );
        assert!(
            text.contains("connect java_10 [::ffff:127.0.0.1]:6379\n"),
            "{text}"
        );
        // With options off the second connection's port, which Linux's
        // connect() shared, cannot be bound again: said, but as no proof
        // of options (the rebuild binds where the program did not).
        let wrong = crate::rebuild_mismatches(&pic, "me");
        assert_eq!(wrong.len(), 1, "{wrong:?}");
        assert_eq!(wrong[0].0, Some(false));
        assert!(!crate::options_shown_on(&pic, &wrong[0].1));
    }

    /// One stand-in for a peer several connections reach; one socket for an
    /// lsof DEVICE on several descriptors of one process (inetd's `wait`).
    #[test]
    fn shared_peers_and_duplicated_descriptors_are_one_socket() {
        let ss = "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process
ESTAB 0 0 127.0.0.1:45000 127.0.0.1:6379 users:((\"app\",pid=10,fd=5)) uid:1000 ino:1 sk:1
ESTAB 0 0 127.0.0.2:45000 127.0.0.1:6379 users:((\"app\",pid=10,fd=6)) uid:1000 ino:2 sk:2
";
        let p = parse_table(ss).unwrap();
        let pic = crate::picture_of(&p.sockets, Os::Linux, 45000, None, false);
        let text = crate::scenario(&pic, "me", true, None);
        assert_eq!(text.matches("listen peer").count(), 1, "{text}");
        assert_eq!(crate::rebuild_mismatches(&pic, "me"), [], "{text}");
        let lsof = "COMMAND     PID  USER   FD   TYPE             DEVICE SIZE/OFF NODE NAME
myd         100 root    0u  IPv4 0x0000000000000a01      0t0  TCP *:8080 (LISTEN)
myd         100 root    1u  IPv4 0x0000000000000a01      0t0  TCP *:8080 (LISTEN)
launchd       1 root    4u  IPv4 0x0000000000000a01      0t0  TCP *:8080 (LISTEN)
";
        let p = parse_table(lsof).unwrap();
        assert_eq!(p.sockets.len(), 1);
    }
}
