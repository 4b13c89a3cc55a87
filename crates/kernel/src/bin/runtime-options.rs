//! `runtime-options PID`: the reuse options of every TCP and UDP socket
//! process PID holds, read back from the live sockets (`pidfd_getfd` +
//! `getsockopt`), one line per socket:
//!
//! ```text
//! tcp-listener ipv6 SO_REUSEADDR=1 SO_REUSEPORT=0 IPV6_V6ONLY=0 [::]:41234
//! ```
//!
//! A TCP socket is the listener (LISTEN), the client (connected *to* a
//! listener's port) or the accepted end (connected *from* it; printed as
//! `tcp-accepted`). `cargo xtask test runtimes` runs each runtime's default
//! sockets in a namespace and compares these lines with
//! `content/runtimes.toml`. Needs root (or ptrace rights over PID).

#[cfg(target_os = "linux")]
fn main() -> std::process::ExitCode {
    use bindlab_kernel::live::{process_sockets, TcpState};
    use std::process::ExitCode;

    let pid: Option<u32> = std::env::args().nth(1).and_then(|a| a.parse().ok());
    let Some(pid) = pid else {
        eprintln!("usage: runtime-options PID");
        return ExitCode::from(2);
    };
    let socks = match process_sockets(pid) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("runtime-options: {e}");
            return ExitCode::from(1);
        }
    };
    let listening: Vec<u16> = socks
        .iter()
        .filter(|s| !s.udp && s.sock.state == TcpState::Listen)
        .map(|s| s.sock.local.port())
        .collect();
    for s in &socks {
        let kind = if s.udp {
            "udp"
        } else if s.sock.state == TcpState::Listen {
            "tcp-listener"
        } else if listening.contains(&s.sock.remote.port()) {
            "tcp-client"
        } else if listening.contains(&s.sock.local.port()) {
            "tcp-accepted"
        } else {
            "tcp-other"
        };
        let bit = |b: Option<bool>| u8::from(b == Some(true));
        let mut line = format!(
            "{kind} {} SO_REUSEADDR={} SO_REUSEPORT={}",
            if s.sock.v6 { "ipv6" } else { "ipv4" },
            bit(s.sock.reuseaddr),
            bit(s.sock.reuseport)
        );
        if s.sock.v6 {
            line.push_str(&format!(" IPV6_V6ONLY={}", bit(s.sock.v6only)));
        }
        println!("{line} {}", s.sock.local);
    }
    ExitCode::SUCCESS
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("runtime-options reads Linux's /proc and pidfd_getfd: Linux only");
    std::process::exit(2);
}
