//! The sandbox page and its GUI controls.

mod controls;
mod examples;
mod fields;
mod page;

pub(crate) use page::SandboxPage;
