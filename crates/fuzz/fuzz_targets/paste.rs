//! `cargo xtask fuzz` (or `cargo +nightly fuzz run --fuzz-dir crates/fuzz --features libfuzzer paste`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| bindlab_fuzz::paste(data));
