//! Per-step cost of the engine with 64 and with 65,536 live sockets.
//!
//! The host indexes sockets by port, as the kernel's bind hash does, so a
//! bind/listen/connect only looks at its own port: the cost per step should
//! not grow with the number of sockets elsewhere (target: ratio ≤ 1.5).
//! Prints figures; asserts nothing. Run with `cargo bench -p bindlab-engine`.

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use bindlab_engine::host::Host;
use bindlab_engine::scenario::{EndpointSpec, PortSpec, Proto, SockOpt, Step, StepKind};
use bindlab_engine::{parse, run, Os};

fn ep(a: Ipv4Addr, port: u16) -> EndpointSpec {
    EndpointSpec {
        addr: IpAddr::V4(a),
        port: PortSpec::Num(port),
    }
}

/// The host's own addresses: the listeners' two and the third the cycle
/// binds beside them. Not 127.0.0.x: only Linux and Windows take all of
/// 127/8 as local, and on FreeBSD and macOS a bind of 127.0.0.2 fails
/// before it reaches the port (as this bench did until 2026-12-05).
fn addr(k: u8) -> Ipv4Addr {
    Ipv4Addr::new(10, 0, 0, k)
}

/// A host with `n` live sockets: listeners on 10.0.0.1 and 10.0.0.2 over
/// n/2 ports from 1024 up (two owners on every port, whatever n).
fn populated(os: Os, n: usize) -> Host {
    let ifaces = [1, 2, 3].map(|k| IpAddr::V4(addr(k)));
    let mut h = Host::new(os, &ifaces, 1);
    for i in 0..n {
        let name = format!("L{i}");
        let port = 1024 + (i / 2) as u16;
        let at = addr(1 + (i % 2) as u8);
        h.apply(&Step::new(StepKind::Socket {
            name: name.clone(),
            proto: Proto::Tcp,
        }));
        h.apply(&Step::new(StepKind::Set {
            name: name.clone(),
            opt: SockOpt::SoReuseAddr,
            on: true,
        }));
        let bound = h.apply(&Step::new(StepKind::Bind {
            name: name.clone(),
            ep: ep(at, port),
        }));
        let listening = h.apply(&Step::new(StepKind::Listen { name }));
        assert!(
            bound.is_ok() && listening.is_ok(),
            "{os:?}: listener {i}: {:?} {:?}",
            bound.why,
            listening.why
        );
    }
    h
}

/// Nanoseconds per step of a cycle of real work on a busy port: a new
/// socket binds beside two listeners (and, on Linux, hits the listening
/// exception), a client is routed, the socket closes.
fn per_step_ns(h: &mut Host, n: usize, rounds: usize) -> f64 {
    let ports = (n / 2).max(1);
    let mut steps = 0u64;
    let start = Instant::now();
    for r in 0..rounds {
        let port = 1024 + ((r * 7919) % ports) as u16;
        let cycle = [
            // Meets the listener on 10.0.0.1 (Linux: the listening
            // exception; BSD: an exact duplicate; Windows: the table).
            StepKind::Socket {
                name: "X".into(),
                proto: Proto::Tcp,
            },
            StepKind::Set {
                name: "X".into(),
                opt: SockOpt::SoReuseAddr,
                on: true,
            },
            StepKind::Bind {
                name: "X".into(),
                ep: ep(addr(1), port),
            },
            StepKind::Close { name: "X".into() },
            // Binds beside both listeners.
            StepKind::Socket {
                name: "Y".into(),
                proto: Proto::Tcp,
            },
            StepKind::Bind {
                name: "Y".into(),
                ep: ep(addr(3), port),
            },
            StepKind::Close { name: "Y".into() },
        ];
        for (i, kind) in cycle.into_iter().enumerate() {
            let rep = black_box(h.apply(&Step::new(kind)));
            // The bind beside both listeners reaches the port and succeeds.
            assert!(i != 5 || rep.is_ok(), "{:?}", rep.why);
            steps += 1;
        }
    }
    start.elapsed().as_nanos() as f64 / steps as f64
}

fn main() {
    println!("bindlab engine benchmark (per-step cost; lower is better)\n");
    for os in Os::ALL {
        let mut small = populated(os, 64);
        let mut large = populated(os, 65_536);
        // Warm up, then measure each twice and keep the faster run.
        per_step_ns(&mut small, 64, 20_000);
        per_step_ns(&mut large, 65_536, 20_000);
        let s = per_step_ns(&mut small, 64, 100_000).min(per_step_ns(&mut small, 64, 100_000));
        let l =
            per_step_ns(&mut large, 65_536, 100_000).min(per_step_ns(&mut large, 65_536, 100_000));
        println!("{:<8} 64 sockets: {:>7.0} ns/step   65,536 sockets: {:>7.0} ns/step   ratio {:.2} (target ≤ 1.5)", os.display(), s, l, l / s);
    }
    // Whole-scenario figures, for the UI's budget.
    let mut text = String::from("os linux\n");
    for i in 0..100 {
        text.push_str(&format!(
            "socket S{i} tcp\nset S{i} SO_REUSEPORT\nbind S{i} 127.0.0.1:{}\nlisten S{i}\n",
            8000 + i % 10
        ));
    }
    text.push_str("client 127.0.0.1:8000 x50\n");
    let t = Instant::now();
    let mut parsed = None;
    for _ in 0..200 {
        parsed = Some(black_box(parse(&text).expect("bench scenario parses")));
    }
    let parse_us = t.elapsed().as_micros() as f64 / 200.0;
    let s = parsed.expect("parsed");
    let t = Instant::now();
    for _ in 0..200 {
        black_box(run(&s, Os::Linux));
    }
    let run_us = t.elapsed().as_micros() as f64 / 200.0;
    println!(
        "\n100-socket scenario ({} steps): parse {parse_us:.0} µs, run on Linux {run_us:.0} µs",
        s.steps.len()
    );
}
