//! The sandbox page and its GUI controls.

mod controls;
mod examples;
mod fields;
mod page;
mod step_bar;

pub(crate) use page::SandboxPage;
