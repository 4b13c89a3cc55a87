//! The views of a live scenario, shared by the sandbox page and every `Lab`:
//! they take props and send what the reader does back through callbacks.

mod code_panel;
mod editor;
mod far_block;
pub(crate) mod host_view;
pub(crate) mod lang_tabs;
mod language_switch;
mod notice;
mod os_picker;
pub(crate) mod os_table;
pub(crate) mod runtime_note;
mod static_run;
mod stepper;

pub(crate) use code_panel::CodePanel;
#[cfg(feature = "course")]
pub(crate) use editor::came_whole;
pub(crate) use editor::Editor;
pub(crate) use far_block::FarBlock;
pub(crate) use host_view::HostView;
pub(crate) use language_switch::LanguageSwitch;
pub(crate) use notice::{with_code, NoticeView};
pub(crate) use os_picker::OsPicker;
pub(crate) use os_table::OsTable;
pub(crate) use static_run::StaticRun;
pub(crate) use stepper::{Said, Stepper};
