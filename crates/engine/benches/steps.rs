//! Per-step cost of the engine with 64 and with 65,536 live sockets.
//!
//! The host indexes sockets by port, as the kernel's bind hash does, so a
//! bind/listen/connect only looks at its own port: the cost per step should
//! not grow with the number of sockets elsewhere (target: ratio ≤ 1.5).
//! Prints figures; asserts only that the binds do what they say, never a
//! time. Run with `cargo bench -p bindlab-engine`.

use std::hint::black_box;
use std::net::IpAddr;
use std::time::Instant;

use bindlab_engine::host::Host;
use bindlab_engine::scenario::{Proto, SockOpt, Step, StepKind};
use bindlab_engine::{parse, run, Os};

/// The spread-ports cycle, shared with `crowded.rs`'s `spread` workload.
#[path = "common/spread.rs"]
mod spread;

/// A host with `n` live sockets: listeners on 10.0.0.1 and 10.0.0.2 over
/// n/2 ports from 1024 up (two owners on every port, whatever n).
fn populated(os: Os, n: usize) -> Host {
    let ifaces = spread::AT.map(IpAddr::V4);
    let mut h = Host::new(os, &ifaces, 1);
    for i in 0..n {
        let name = format!("L{i}");

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
            ep: spread::listener(i),
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
    let mut steps = 0u64;
    let start = Instant::now();
    for r in 0..rounds {
        let cycle = spread::cycle(spread::port(r, n));
        for (i, kind) in cycle.into_iter().enumerate() {
            let rep = black_box(h.apply(&Step::new(kind)));
            // The bind beside both listeners reaches the port and succeeds.
            assert!(i != spread::BESIDE || rep.is_ok(), "{:?}", rep.why);
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
