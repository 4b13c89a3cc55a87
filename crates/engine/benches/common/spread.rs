//! The spread-ports cycle, as both benches run it (`steps.rs`, and
//! `crowded.rs`'s `spread` workload; `crates/kernel/src/bench.rs` makes the
//! same calls on the kernel): on one port of a host whose listeners sit two
//! to a port on `AT[0]` and `AT[1]`, a socket with SO_REUSEADDR binds
//! `AT[0]` (Linux's listening exception refuses it, the BSDs see an exact
//! duplicate, Windows' table lets it share) and closes; another binds
//! `AT[2]` beside both listeners and closes.

use std::net::{IpAddr, Ipv4Addr};

use bindlab_engine::scenario::{EndpointSpec, PortSpec, Proto, SockOpt, StepKind};

/// The host's own addresses: the listeners' two and the one the cycle binds
/// beside them. Not 127.0.0.x: only Linux and Windows take all of 127/8 as
/// local, and on FreeBSD and macOS a bind of 127.0.0.2 fails before it
/// reaches the port (as `steps.rs` did until 2026-12-05).
pub const AT: [Ipv4Addr; 3] = [
    Ipv4Addr::new(10, 0, 0, 1),
    Ipv4Addr::new(10, 0, 0, 2),
    Ipv4Addr::new(10, 0, 0, 3),
];

/// The first listener's port.
pub const BASE: u16 = 1024;

/// The step whose outcome a bench checks: the bind beside both listeners,
/// which succeeds on every OS.
pub const BESIDE: usize = 5;

/// Where the `i`-th listener of the population binds.
pub fn listener(i: usize) -> EndpointSpec {
    ep(AT[i % 2], BASE + (i / 2) as u16)
}

/// The port of the `serial`-th cycle on a host of `n` listeners.
pub fn port(serial: usize, n: usize) -> u16 {
    BASE + ((serial * 7919) % (n / 2).max(1)) as u16
}

fn ep(a: Ipv4Addr, port: u16) -> EndpointSpec {
    EndpointSpec {
        addr: IpAddr::V4(a),
        port: PortSpec::Num(port),
    }
}

/// The seven steps on `port`.
pub fn cycle(port: u16) -> [StepKind; 7] {
    let tcp = |name: &str| StepKind::Socket {
        name: name.into(),
        proto: Proto::Tcp,
    };
    [
        tcp("X"),
        StepKind::Set {
            name: "X".into(),
            opt: SockOpt::SoReuseAddr,
            on: true,
        },
        StepKind::Bind {
            name: "X".into(),
            ep: ep(AT[0], port),
        },
        StepKind::Close { name: "X".into() },
        tcp("Y"),
        StepKind::Bind {
            name: "Y".into(),
            ep: ep(AT[2], port),
        },
        StepKind::Close { name: "Y".into() },
    ]
}
