//! Crowded ports: 64, 10,000 and 65,536 sockets on *one* port, on every OS.
//!
//! The workloads (the kernel program `crates/kernel/src/bin/kernel-bench.rs`
//! runs the same ones as real system calls, and `cargo xtask bench` prints
//! the two side by side):
//!
//! * `bind`    — N sockets with SO_REUSEPORT (Windows: SO_REUSEADDR) bound
//!   to 127.0.0.1:P; one more binds there (timed) and closes;
//! * `listen`  — N such listeners; one more binds and listens (timed), closes;
//! * `connect` — one listener on 0.0.0.0:P holding N connections; a new
//!   socket connects to 127.0.0.1:P (timed: ephemeral port, route, queue);
//! * `tw-bind` — N TIME_WAITs on P (the server closed first); a socket with
//!   SO_REUSEADDR binds 0.0.0.0:P (timed) and closes;
//! * `udp-bind` — N UDP sockets with SO_REUSEPORT (Windows: SO_REUSEADDR)
//!   bound to 127.0.0.1:P; one more binds there (timed) and closes;
//! * `datagram` — N such UDP sockets; one datagram from a new peer
//!   (127.0.0.1, a new port each time) to 127.0.0.1:P (timed: who receives
//!   it). A datagram to a SO_REUSEPORT group (Linux) or to several sockets on
//!   one address (Windows) names every member in its report, so that step
//!   grows with N whatever the lookup costs.
//! * `spread` — not one port: N listeners with SO_REUSEADDR, two on each of
//!   N/2 ports from 1024 (10.0.0.1 and 10.0.0.2), as `benches/steps.rs`
//!   builds them; on a port picked at random, seven steps are timed
//!   together — a socket with SO_REUSEADDR binds 10.0.0.1 (the listener
//!   there refuses it on Linux and the BSDs) and closes, another binds
//!   10.0.0.3 beside both and closes — and the figure is per step. The
//!   work per step is the same at every N; what grows is how far apart in
//!   memory the ports' tables and sockets are.
//! * `addrs`  — N connections on P, each on its own local address: a
//!   listener on 0.0.0.0:P with SO_REUSEADDR takes one client to each of N
//!   host addresses (10.1.x.y), accepts it and closes; a socket binds a
//!   further address of the host (10.2.x.y:P, no option: nothing there on
//!   any OS) (timed) and closes. Every owner is a class of its own, so a
//!   question asked of all classes grows with N; one asked of the classes
//!   near the bound address does not. The populate time shows it too (each
//!   client asks the port).
//! * `listen-addrs` — N listeners on P, each on its own host address
//!   (10.1.x.y, no option: a host serving a site on each address); one
//!   more binds and listens on a further address (10.2.x.y:P) (the
//!   listen timed) and closes. The BSDs' listen names the port's first
//!   listeners and counts the rest; Windows' bind looks for a connection.
//! * `udp-addrs` — the same for UDP: N UDP sockets on P, each bound to its
//!   own host address (10.1.x.y, no option); one more binds a further
//!   address (10.2.x.y:P) (timed) and closes. Linux checks a bind on a
//!   port of more than ten sockets by address (`udp_lib_lport_inuse2`); a
//!   pasted table of a DNS server on thousands of addresses meets this.
//!
//! Prints nanoseconds per timed step (the median of several batches) and
//! writes them to `target/bench/engine.tsv`. Figures only: it asserts that
//! each workload does what it says (the population binds, the timed step's
//! outcome), never a time.
//! `BINDLAB_BENCH_SIZES=64,10000`, `BINDLAB_BENCH_OS=linux,windows` and
//! `BINDLAB_BENCH_WORKLOADS=bind,connect` pick what runs.
//!
//! A step's why-line is written when first read (`bindlab_engine::why`), as
//! a kernel writes none; `BINDLAB_BENCH_READ_WHY=1` also reads it in the
//! timed step, to see what a reader who opens every line pays.

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use bindlab_engine::host::Host;
use bindlab_engine::scenario::{EndpointSpec, PortSpec, Proto, SockOpt, Step, StepKind};
use bindlab_engine::Os;

const PORT: u16 = 8080;
const IFACE: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);

fn ep(a: Ipv4Addr, port: u16) -> EndpointSpec {
    EndpointSpec {
        addr: IpAddr::V4(a),
        port: PortSpec::Num(port),
    }
}

fn step(h: &mut Host, kind: StepKind) -> bool {
    h.apply(&Step::new(kind)).is_ok()
}

fn sock(h: &mut Host, name: &str, opts: &[SockOpt]) {
    sock_of(h, name, Proto::Tcp, opts)
}

fn sock_of(h: &mut Host, name: &str, proto: Proto, opts: &[SockOpt]) {
    step(
        h,
        StepKind::Socket {
            name: name.into(),
            proto,
        },
    );
    for &opt in opts {
        step(
            h,
            StepKind::Set {
                name: name.into(),
                opt,
                on: true,
            },
        );
    }
}

/// The option that lets many sockets share one address and port.
fn share(os: Os) -> SockOpt {
    match os {
        Os::Windows => SockOpt::SoReuseAddr,
        _ => SockOpt::SoReusePort,
    }
}

pub const WORKLOADS: [&str; 10] = [
    "bind",
    "listen",
    "connect",
    "tw-bind",
    "udp-bind",
    "datagram",
    "spread",
    "addrs",
    "listen-addrs",
    "udp-addrs",
];

/// `addrs`: the `i`-th connection's local address (10.1.x.y).
fn conn_addr(i: usize) -> Ipv4Addr {
    Ipv4Addr::new(10, 1, (i >> 8) as u8, i as u8)
}

/// `addrs`: how many addresses the timed binds cycle through (10.2.x.y).
const FRESH: usize = 2048;

/// `addrs`: the `serial`-th timed bind's address, held by no socket.
fn fresh_addr(serial: usize) -> Ipv4Addr {
    let i = serial % FRESH;
    Ipv4Addr::new(10, 2, (i >> 8) as u8, i as u8)
}

/// The spread-ports cycle, shared with `steps.rs`.
#[path = "common/spread.rs"]
mod spread;

/// L, an SO_REUSEADDR listener on 0.0.0.0:8080 (`connect`, `tw-bind` and
/// `addrs` put their connections on it).
fn wildcard_listener(h: &mut Host) {
    sock(h, "L", &[SockOpt::SoReuseAddr]);
    step(
        h,
        StepKind::Bind {
            name: "L".into(),
            ep: ep(Ipv4Addr::UNSPECIFIED, PORT),
        },
    );
    step(h, StepKind::Listen { name: "L".into() });
}

/// A host with the workload's population of `n` sockets on port 8080.
fn populate(os: Os, workload: &str, n: usize) -> Host {
    let ifaces: Vec<Ipv4Addr> = match workload {
        "spread" => spread::AT.to_vec(),
        "addrs" | "listen-addrs" | "udp-addrs" => (0..n)
            .map(conn_addr)
            .chain((0..FRESH).map(fresh_addr))
            .collect(),
        _ => vec![IFACE],
    };
    let ifaces: Vec<IpAddr> = ifaces.iter().map(|&a| IpAddr::V4(a)).collect();
    let mut h = Host::new(os, &ifaces, 1);
    let lo = Ipv4Addr::LOCALHOST;
    match workload {
        "bind" | "listen" => {
            for i in 0..n {
                let name = format!("S{i}");
                sock(&mut h, &name, &[share(os)]);
                let ok = step(
                    &mut h,
                    StepKind::Bind {
                        name: name.clone(),
                        ep: ep(lo, PORT),
                    },
                );
                assert!(ok, "{os:?}: population bind {i}");
                if workload == "listen" {
                    step(&mut h, StepKind::Listen { name });
                }
            }
        }
        "udp-bind" | "datagram" => {
            for i in 0..n {
                let name = format!("S{i}");
                sock_of(&mut h, &name, Proto::Udp, &[share(os)]);
                let ok = step(
                    &mut h,
                    StepKind::Bind {
                        name,
                        ep: ep(lo, PORT),
                    },
                );
                assert!(ok, "{os:?}: population UDP bind {i}");
            }
        }
        "connect" | "tw-bind" => {
            wildcard_listener(&mut h);
            step(
                &mut h,
                StepKind::Client {
                    ep: ep(IFACE, PORT),
                    count: n as u32,
                },
            );
            if workload == "tw-bind" {
                for i in 0..n {
                    let a = format!("A{i}");
                    step(
                        &mut h,
                        StepKind::Accept {
                            name: "L".into(),
                            new: a.clone(),
                        },
                    );
                    step(&mut h, StepKind::Close { name: a });
                }
                step(&mut h, StepKind::Close { name: "L".into() });
            }
        }
        "spread" => {
            for i in 0..n {
                let name = format!("L{i}");
                sock(&mut h, &name, &[SockOpt::SoReuseAddr]);
                let ok = step(
                    &mut h,
                    StepKind::Bind {
                        name: name.clone(),
                        ep: spread::listener(i),
                    },
                );
                let listening = ok && step(&mut h, StepKind::Listen { name });
                assert!(listening, "{os:?}: population listener {i}");
            }
        }
        "addrs" => {
            wildcard_listener(&mut h);
            for i in 0..n {
                step(
                    &mut h,
                    StepKind::Client {
                        ep: ep(conn_addr(i), PORT),
                        count: 1,
                    },
                );
                let ok = step(
                    &mut h,
                    StepKind::Accept {
                        name: "L".into(),
                        new: format!("A{i}"),
                    },
                );
                assert!(ok, "{os:?}: population connection {i}");
            }
            step(&mut h, StepKind::Close { name: "L".into() });
        }
        "listen-addrs" => {
            for i in 0..n {
                let name = format!("S{i}");
                sock(&mut h, &name, &[]);
                let ok = step(
                    &mut h,
                    StepKind::Bind {
                        name: name.clone(),
                        ep: ep(conn_addr(i), PORT),
                    },
                ) && step(&mut h, StepKind::Listen { name });
                assert!(ok, "{os:?}: population listener {i}");
            }
        }
        "udp-addrs" => {
            for i in 0..n {
                let name = format!("S{i}");
                sock_of(&mut h, &name, Proto::Udp, &[]);
                let ok = step(
                    &mut h,
                    StepKind::Bind {
                        name,
                        ep: ep(conn_addr(i), PORT),
                    },
                );
                assert!(ok, "{os:?}: population UDP bind {i}");
            }
        }
        _ => unreachable!("unknown workload {workload}"),
    }
    h
}

/// `spread`'s seven steps on one port, timed together; nanoseconds per step.
fn spread_cycle(h: &mut Host, os: Os, port: u16) -> u128 {
    let cycle = spread::cycle(port).map(Step::new);
    // The six reports not checked are dropped inside the timed region (as
    // a kernel's calls free what they make); keeping all seven until the
    // clock stops cost more in copies (~20 ns a step) than the drops do.
    let t = Instant::now();
    let mut y_bind = None;
    for (i, st) in cycle.iter().enumerate() {
        let rep = timed_step(h, st);
        if i == spread::BESIDE {
            y_bind = Some(rep);
        }
    }
    let ns = t.elapsed().as_nanos();
    // The bind beside both listeners succeeds on every OS.
    let y_bind = y_bind.expect("seven steps");
    assert!(
        y_bind.is_ok(),
        "{os:?} spread: Y's bind on port {port}: {:?}",
        y_bind.why
    );
    ns
}

/// The step a workload times, apart so `valgrind --tool=callgrind
/// --toggle-collect=crowded::timed_step` counts its instructions alone.
#[inline(never)]
fn timed_step(h: &mut Host, st: &Step) -> bindlab_engine::StepReport {
    let rep = h.apply(st);
    if *READ_WHY {
        black_box(rep.why.as_deref().map(str::len));
    }
    black_box(rep)
}

/// `BINDLAB_BENCH_READ_WHY=1`: the timed step reads its why-line too.
static READ_WHY: std::sync::LazyLock<bool> =
    std::sync::LazyLock::new(|| std::env::var("BINDLAB_BENCH_READ_WHY").is_ok_and(|v| v == "1"));

/// Runs the workload's timed step `rounds` times; nanoseconds per timed step.
fn timed(h: &mut Host, os: Os, workload: &str, rounds: usize, serial: &mut usize, n: usize) -> f64 {
    let lo = Ipv4Addr::LOCALHOST;
    let mut total = 0u128;
    if workload == "spread" {
        for _ in 0..rounds {
            *serial += 1;
            total += spread_cycle(h, os, spread::port(*serial, n));
        }
        return total as f64 / (rounds * 7) as f64;
    }
    for _ in 0..rounds {
        *serial += 1;
        let name = format!("X{serial}");
        let timed_kind = match workload {
            "bind" => {
                sock(h, &name, &[share(os)]);
                StepKind::Bind {
                    name: name.clone(),
                    ep: ep(lo, PORT),
                }
            }
            "listen" => {
                sock(h, &name, &[share(os)]);
                step(
                    h,
                    StepKind::Bind {
                        name: name.clone(),
                        ep: ep(lo, PORT),
                    },
                );
                StepKind::Listen { name: name.clone() }
            }
            "udp-bind" => {
                sock_of(h, &name, Proto::Udp, &[share(os)]);
                StepKind::Bind {
                    name: name.clone(),
                    ep: ep(lo, PORT),
                }
            }
            "datagram" => StepKind::Datagram {
                ep: ep(lo, PORT),
                count: 1,
            },
            "connect" => {
                sock(h, &name, &[]);
                StepKind::Connect {
                    name: name.clone(),
                    ep: ep(lo, PORT),
                }
            }
            "addrs" => {
                sock(h, &name, &[]);
                StepKind::Bind {
                    name: name.clone(),
                    ep: ep(fresh_addr(*serial), PORT),
                }
            }
            "listen-addrs" => {
                sock(h, &name, &[]);
                step(
                    h,
                    StepKind::Bind {
                        name: name.clone(),
                        ep: ep(fresh_addr(*serial), PORT),
                    },
                );
                StepKind::Listen { name: name.clone() }
            }
            "udp-addrs" => {
                sock_of(h, &name, Proto::Udp, &[]);
                StepKind::Bind {
                    name: name.clone(),
                    ep: ep(fresh_addr(*serial), PORT),
                }
            }
            _ => {
                sock(h, &name, &[SockOpt::SoReuseAddr]);
                StepKind::Bind {
                    name: name.clone(),
                    ep: ep(Ipv4Addr::UNSPECIFIED, PORT),
                }
            }
        };
        let st = Step::new(timed_kind);
        let t = Instant::now();
        let rep = timed_step(h, &st);
        total += t.elapsed().as_nanos();
        assert!(rep.is_ok(), "{os:?} {workload}: {:?}", rep.why);
        if workload == "datagram" {
            let got: u32 = rep.received_by.iter().flat_map(|m| m.values()).sum();
            assert!(
                got + rep.undetermined.unwrap_or(0) == 1,
                "{os:?}: the datagram was not received: {:?}",
                rep.why
            );
        } else if workload != "connect" {
            step(h, StepKind::Close { name });
        }
    }
    total as f64 / rounds as f64
}

fn main() {
    let sizes: Vec<usize> = std::env::var("BINDLAB_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![64, 10_000, 65_536]);
    println!("bindlab engine, crowded ports (ns per timed step; median of 5 batches of 200)\n");
    println!(
        "{:<8} {:<8} {:>7} {:>12} {:>14}",
        "os", "workload", "sockets", "ns/step", "populate (ms)"
    );
    let only = |var: &str, v: &str| {
        std::env::var(var)
            .map(|f| f.split(',').any(|x| x == v))
            .unwrap_or(true)
    };
    let mut tsv = String::new();
    for os in Os::ALL
        .into_iter()
        .filter(|o| only("BINDLAB_BENCH_OS", o.key()))
    {
        for workload in WORKLOADS
            .into_iter()
            .filter(|w| only("BINDLAB_BENCH_WORKLOADS", w))
        {
            for &n in &sizes {
                let t = Instant::now();
                let mut h = populate(os, workload, n);
                let pop_ms = t.elapsed().as_secs_f64() * 1e3;
                let mut serial = 0;
                timed(&mut h, os, workload, 50, &mut serial, n); // warm up
                let mut batches: Vec<f64> = (0..5)
                    .map(|_| timed(&mut h, os, workload, 200, &mut serial, n))
                    .collect();
                batches.sort_by(|a, b| a.total_cmp(b));
                let ns = batches[2];
                println!(
                    "{:<8} {:<8} {:>7} {:>12.0} {:>14.0}",
                    os.key(),
                    workload,
                    n,
                    ns,
                    pop_ms
                );
                tsv.push_str(&format!("{}\t{workload}\t{n}\t{ns:.0}\n", os.key()));
            }
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("engine.tsv"), tsv);
    }
}
