//! One module per subcommand, each `run(out, …) -> Result`. They write their
//! results to `out` (standard output, locked and buffered) and their
//! diagnostics to standard error.

pub mod cheatsheet;
pub mod check;
pub mod doctor;
pub mod export;
pub mod fmt;
pub mod guides;
pub mod lessons;
pub mod rules;
pub mod run;
pub mod runtimes;
pub mod translations;
pub mod verify;
