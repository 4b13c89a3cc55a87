use super::{ExportError, Plan};

pub(crate) fn render(_plan: &Plan) -> Result<String, ExportError> {
    todo!()
}
