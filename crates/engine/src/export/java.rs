use super::{ExportError, Plan};

pub(crate) fn class_name(_f: Option<&str>) -> String { String::new() }
pub(crate) fn render(_plan: &Plan, _class: &str) -> Result<String, ExportError> {
    todo!()
}
