//! The differential test: random scenarios on the engine and on this
//! machine's kernel must agree step for step.
//!
//! ```text
//! kernel-diff [--count N] [--seed S] [--udp] [--steps N]
//! ```
//! `--udp` draws UDP scenarios (`gen::udp_scenario`) instead of TCP ones.
//! `--steps` sets the most steps a scenario has (24 by default); a few
//! hundred put tens of sockets on one port, where a kernel may decide
//! differently (Linux's UDP bind looks up by address past ten sockets).
//! `--print` prints the scenarios instead of running them (to keep one).
//! Prints the seed first, so any run can be repeated. On a disagreement it
//! prints the steps that differed, runs the scenario on the kernel again,
//! and, if it disagrees once more, shrinks it to the fewest steps that
//! still disagree and prints it, ready for `bindlab verify`. A disagreement
//! that none of three more runs repeats is printed as flaky and counted,
//! not failed: the answer then depended on the moment the runner read the
//! kernel, not on the steps, and shrinking it would only chase chance. So
//! is a shrunk scenario that disagrees in fewer than two of three more runs.
//! Needs root (a network namespace per run).

#[cfg(target_os = "linux")]
fn main() -> std::process::ExitCode {
    use std::process::ExitCode;
    use std::time::Instant;

    use bindlab_engine::gen::{self, Options};
    use bindlab_engine::{parse, print, Scenario};
    use bindlab_kernel::compare::{all_agree, render, verify};
    use bindlab_kernel::runner::Isolation;

    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    let count = arg("--count").unwrap_or(1000);
    let udp = args.iter().any(|a| a == "--udp");
    let generate = if udp {
        gen::udp_scenario
    } else {
        gen::scenario
    };
    let seed = arg("--seed").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_secs())
    });
    let opts = Options {
        max_steps: arg("--steps").map_or(Options::default().max_steps, |n| n as usize),
        long_waits: false,
        accept_on_reuseport: false,
        ..Options::default()
    };
    if args.iter().any(|a| a == "--print") {
        for i in 0..count {
            println!(
                "# seed {}\n{}",
                seed.wrapping_add(i),
                print(&generate(seed.wrapping_add(i), &opts))
            );
        }
        return ExitCode::SUCCESS;
    }
    if !bindlab_kernel::runner::is_root() {
        eprintln!("kernel-diff: needs root (one network namespace per scenario); run it as root, or use `bindlab verify` for single scenarios");
        return ExitCode::from(2);
    }
    println!(
        "kernel differential: {count} random {} scenarios, seed {seed} (repeat with --seed {seed}{}{})",
        if udp { "UDP" } else { "TCP" },
        if udp { " --udp" } else { "" },
        arg("--steps").map_or(String::new(), |n| format!(" --steps {n}"))
    );
    let agrees = |s: &Scenario| -> Result<bool, String> {
        verify(s, Isolation::NetnsPerRun).map(|rows| all_agree(&rows))
    };
    let started = Instant::now();
    let (mut steps, mut unchecked, mut flaky) = (0usize, 0usize, 0usize);
    for i in 0..count {
        // Each scenario goes through the text form, as a user's would.
        let text = print(&generate(seed.wrapping_add(i), &opts));
        let scenario = match parse(&text) {
            Ok(s) => s,
            Err(p) => {
                eprintln!(
                    "generator made a scenario that does not parse ({}):\n{text}",
                    p[0]
                );
                return ExitCode::from(1);
            }
        };
        let rows = match verify(&scenario, Isolation::NetnsPerRun) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("kernel-diff: {e}");
                return ExitCode::from(2);
            }
        };
        steps += rows.len();
        unchecked += rows.iter().filter(|r| r.agree.is_none()).count();
        if all_agree(&rows) {
            continue;
        }
        println!(
            "\nscenario {i} (seed {}) disagrees with the kernel at:\n{}",
            seed.wrapping_add(i),
            render(&differing(&rows))
        );
        // Run it again: one more disagreement makes it real; a run that
        // fails is the runner's error, which fails the test.
        let mut repeated = false;
        for _ in 0..3 {
            match agrees(&scenario) {
                Ok(true) => {}
                Ok(false) => {
                    repeated = true;
                    break;
                }
                Err(e) => {
                    eprintln!("kernel-diff: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        if !repeated {
            println!("not repeated in three more runs: flaky, counted and not failed");
            flaky += 1;
            continue;
        }
        // Shrink: drop steps while the text still parses and still disagrees.
        let mut best = scenario;
        loop {
            let mut shrunk = false;
            for j in (0..best.steps.len()).rev() {
                let mut cand = best.clone();
                cand.steps.remove(j);
                let Ok(cand) = parse(&print(&cand)) else {
                    continue;
                };
                if let Ok(false) = agrees(&cand) {
                    best = cand;
                    shrunk = true;
                }
            }
            if !shrunk {
                break;
            }
        }
        // Shrinking kept each step whose removal disagreed once; a
        // disagreement that is the runner's chance, not the steps, can
        // survive that. The shrunk scenario must disagree twice in three
        // more runs to fail the test; else it is flaky, as above.
        let mut again = 0;
        for _ in 0..3 {
            match agrees(&best) {
                Ok(false) => again += 1,
                Ok(true) => {}
                Err(e) => {
                    eprintln!("kernel-diff: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        if again < 2 {
            println!(
                "shrunk to {} steps, it disagreed in {again} of three more runs: flaky, counted and not failed:\n\n{}",
                best.steps.len(),
                print(&best)
            );
            flaky += 1;
            continue;
        }
        let text = print(&best);
        println!(
            "\nDISAGREEMENT in scenario {i} (seed {}), shrunk to {} steps:\n\n{text}",
            seed.wrapping_add(i),
            best.steps.len()
        );
        if let Ok(rows) = verify(&parse(&text).unwrap_or(best), Isolation::NetnsPerRun) {
            println!("{}", render(&rows));
        }
        println!("{i} passed, 1 failed");
        return ExitCode::from(1);
    }
    println!(
        "{count} scenarios, {steps} steps: all agree with the kernel ({unchecked} steps not checkable{}) in {:.1}s",
        if flaky > 0 {
            format!("; {flaky} scenario(s) disagreed once and not again, printed above")
        } else {
            String::new()
        },
        started.elapsed().as_secs_f64()
    );
    println!("{count} passed, 0 failed");
    ExitCode::SUCCESS
}

/// The rows that differ.
#[cfg(target_os = "linux")]
fn differing(rows: &[bindlab_kernel::compare::Row]) -> Vec<bindlab_kernel::compare::Row> {
    rows.iter()
        .filter(|r| r.agree == Some(false))
        .cloned()
        .collect()
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("kernel-diff runs on Linux only");
    std::process::exit(2);
}
