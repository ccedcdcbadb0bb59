//! A decoder rule's `.proto` file, compiled when the profile file is loaded (protox: no
//! `protoc`), so a typo in the schema is reported at start with its file and line, not on the
//! first message.

use std::path::Path;

use miette::Diagnostic;
use prost_reflect::MessageDescriptor;

/// The message type `message` of `proto_file` (relative to the profile file's directory; its
/// imports are looked up beside it). The error names the file, the line and the column.
pub fn compile(
    config_dir: &Path,
    proto_file: &str,
    message: &str,
) -> Result<MessageDescriptor, String> {
    let path = config_dir.join(proto_file);
    let include = path.parent().unwrap_or(config_dir).to_path_buf();
    let Some(name) = path.file_name() else {
        return Err(format!("'{proto_file}' names no file"));
    };
    let mut compiler = protox::Compiler::new([&include]).map_err(|e| describe(&e, &include))?;
    compiler.include_imports(true);
    compiler
        .open_file(name)
        .map_err(|e| describe(&e, &include))?;
    let pool = compiler.descriptor_pool();
    pool.get_message_by_name(message).ok_or_else(|| {
        let mut known: Vec<String> = pool
            .all_messages()
            .filter(|m| !m.full_name().starts_with("google.protobuf."))
            .map(|m| m.full_name().to_string())
            .collect();
        known.truncate(12);
        format!(
            "{}: no message '{message}'; it has: {}",
            path.display(),
            if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            }
        )
    })
}

/// "telemetry.proto:12:5: expected ';'": where in which file, when protox says.
fn describe(e: &protox::Error, include: &Path) -> String {
    let message = e.to_string();
    let Some(file) = e.file() else {
        return message;
    };
    let offset = e.labels().and_then(|mut l| l.next()).map(|l| l.offset());
    let source = std::fs::read_to_string(include.join(file)).ok();
    match (offset, source) {
        (Some(at), Some(text)) => {
            let before = text.get(..at.min(text.len())).unwrap_or("");
            let line = before.matches('\n').count() + 1;
            let column = before.chars().rev().take_while(|c| *c != '\n').count() + 1;
            format!(
                "{}:{line}:{column}: {message}",
                include.join(file).display()
            )
        }
        _ => format!("{}: {message}", include.join(file).display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_and_names_file_and_line_on_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("ok.proto"),
            "syntax = \"proto3\";\npackage f;\nmessage T { double temp = 1; }\n",
        )
        .unwrap();
        let m = compile(dir.path(), "ok.proto", "f.T").unwrap();
        assert_eq!(m.full_name(), "f.T");
        let e = compile(dir.path(), "ok.proto", "f.Nope").unwrap_err();
        assert!(e.contains("no message 'f.Nope'; it has: f.T"), "{e}");
        std::fs::write(
            dir.path().join("bad.proto"),
            "syntax = \"proto3\";\nmessage T {\n  double temp = 1\n}\n",
        )
        .unwrap();
        let e = compile(dir.path(), "bad.proto", "T").unwrap_err();
        assert!(e.contains("bad.proto:4:1: "), "{e}");
        let e = compile(dir.path(), "missing.proto", "T").unwrap_err();
        assert!(e.contains("missing.proto"), "{e}");
    }
}
