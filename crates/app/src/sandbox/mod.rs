//! The sandbox page and its GUI controls.

mod controls;
mod page;

pub(crate) use page::SandboxPage;
