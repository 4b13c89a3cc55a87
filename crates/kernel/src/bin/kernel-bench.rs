//! The crowded-port workloads of the engine benchmark, as real system calls
//! on this machine's kernel (`bindlab_kernel::bench`), in a private network
//! namespace. Needs root; without it, says so and exits 0. Prints
//! nanoseconds per call and writes `target/bench/kernel.tsv`; `cargo xtask
//! bench` sets them beside the engine's. `BINDLAB_BENCH_SIZES` and
//! `BINDLAB_BENCH_WORKLOADS` pick what runs, as for the engine.

#[cfg(target_os = "linux")]
fn main() -> std::process::ExitCode {
    use bindlab_kernel::bench;

    if let Err(e) = bench::enter_namespace() {
        println!("kernel benchmark skipped: {e}");
        return std::process::ExitCode::SUCCESS;
    }
    let sizes: Vec<usize> = std::env::var("BINDLAB_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![64, 10_000, 65_536]);
    let only = |w: &str| {
        std::env::var("BINDLAB_BENCH_WORKLOADS")
            .map(|f| f.split(',').any(|x| x == w))
            .unwrap_or(true)
    };
    println!("Linux kernel, crowded ports (ns per call; median of 5 batches of 200)\n");
    println!(
        "{:<8} {:>7} {:>12} {:>14}",
        "workload", "sockets", "ns/call", "populate (ms)"
    );
    let mut tsv = String::new();
    for workload in bench::WORKLOADS.into_iter().filter(|w| only(w)) {
        for &n in &sizes {
            // Each workload in a fresh namespace: nothing left from the last.
            let files = match bench::enter_namespace() {
                Ok(files) => files,
                Err(e) => {
                    println!("{workload:<8} {n:>7}   skipped: {e}");
                    continue;
                }
            };
            match bench::run(workload, n, files) {
                Ok((ns, pop_ms)) => {
                    println!("{workload:<8} {n:>7} {ns:>12.0} {pop_ms:>14.0}");
                    tsv.push_str(&format!("linux\t{workload}\t{n}\t{ns:.0}\n"));
                }
                Err(e) => println!("{workload:<8} {n:>7}   not measured: {e}"),
            }
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("kernel.tsv"), tsv);
    }
    std::process::ExitCode::SUCCESS
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("kernel benchmark skipped: the kernel runner is Linux only");
}
