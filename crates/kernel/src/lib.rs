//! The real Linux kernel as bindlab's oracle: runs a scenario with real
//! system calls in a private network namespace ([`runner`]) and compares the
//! outcome with the engine's prediction ([`compare`]).

#[cfg(target_os = "linux")]
pub mod bench;
#[cfg(target_os = "linux")]
pub mod compare;
#[cfg(target_os = "linux")]
pub mod doctor;
#[cfg(target_os = "linux")]
pub mod live;
#[cfg(target_os = "linux")]
pub mod runner;
#[cfg(target_os = "linux")]
mod sys;

#[cfg(target_os = "linux")]
pub use sys::is_root;
