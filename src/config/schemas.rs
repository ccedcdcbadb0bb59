//! `[[schemas]]`: a topic filter and the JSON Schema its payloads must follow (`file`, relative
//! to the profile file). The schema is read and compiled when the profile file loads, so a
//! broken one is an error naming both files (and the schema file's line); `$ref` may name
//! other local files (relative to the schema's own folder); nothing is fetched from a network.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::error::{ConfigError, Locator};
use crate::decode::schema::SchemaRule;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSchema {
    pub filter: Spanned<String>,
    pub file: Spanned<String>,
}

/// Reads `$ref`'d files: `file://` URIs only, as local paths.
struct LocalFiles;

impl jsonschema::Retrieve for LocalFiles {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        if uri.scheme().as_str() != "file" {
            return Err(format!("{uri}: only local files are followed (no network)").into());
        }
        let path = PathBuf::from(uri.path().as_str());
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: cannot read it: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()).into())
    }
}

/// Compiles the schema in `path` (`$ref`s relative to its folder).
pub fn compile(path: &Path) -> Result<jsonschema::Validator, String> {
    let shown = crate::text::clean(&path.display().to_string()).into_owned();
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("{shown}: cannot read it: {e}"))?;
    let schema: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{shown}:{}:{}: not JSON: {e}", e.line(), e.column()))?;
    let abs = std::path::absolute(path).map_err(|e| format!("{shown}: {e}"))?;
    let base = format!("file://{}", abs.display());
    jsonschema::options()
        .with_base_uri(base)
        .with_retriever(LocalFiles)
        .build(&schema)
        .map_err(|e| format!("{shown}: not a schema we can use: {e}"))
}

pub fn validate_schemas(
    loc: &Locator,
    raws: Vec<Spanned<RawSchema>>,
) -> Result<Vec<SchemaRule>, ConfigError> {
    let base = loc.path.parent().unwrap_or(Path::new("."));
    let mut rules = Vec::new();
    for raw in raws {
        let r = raw.into_inner();
        crate::mqtt::topic::validate_filter(r.filter.get_ref())
            .map_err(|e| loc.at(r.filter.span().start, format!("schemas.filter: {e}")))?;
        let file = PathBuf::from(r.file.get_ref());
        let validator = compile(&base.join(&file))
            .map_err(|e| loc.at(r.file.span().start, format!("schemas.file: {e}")))?;
        rules.push(SchemaRule {
            filter: r.filter.into_inner(),
            file,
            validator: Arc::new(validator),
        });
    }
    Ok(rules)
}
