//! JSON Schema checks (`[[schemas]]`): a topic filter mapped to a schema (draft 2020-12 and
//! the earlier drafts its `$schema` names, every keyword, `$ref` to local files), compiled
//! when the profile file loads (`config/schemas.rs`); here only the check of a payload, pure.

use std::path::PathBuf;
use std::sync::Arc;

/// Violations told at most for one payload (the count says how many there were).
pub const TOLD: usize = 20;
/// Payloads checked at most this long (past it the check says so instead).
pub const CHECK_MAX: usize = 4 * 1024 * 1024;

#[derive(Clone)]
pub struct SchemaRule {
    pub filter: String,
    /// The schema's file as the profile file names it.
    pub file: PathBuf,
    pub validator: Arc<jsonschema::Validator>,
}

impl std::fmt::Debug for SchemaRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SchemaRule({} → {})", self.filter, self.file.display())
    }
}

/// Where a payload broke its schema: the JSON Pointer into the payload, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    /// The first `TOLD` violations, and how many in all.
    Invalid(Vec<Violation>, usize),
    /// Not JSON at all (the parser's words), or past `CHECK_MAX`.
    NotChecked(String),
}

impl Verdict {
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid)
    }

    /// "valid", "2 violations: /temp: "hot" is not of type "number"; …", "not JSON: …".
    pub fn words(&self) -> String {
        match self {
            Verdict::Valid => "valid".into(),
            Verdict::Invalid(v, n) => {
                let each: Vec<String> = v
                    .iter()
                    .map(|x| {
                        let at = if x.path.is_empty() {
                            "(the whole payload)"
                        } else {
                            &x.path
                        };
                        format!("{at}: {}", x.message)
                    })
                    .collect();
                let more = if *n > v.len() {
                    format!("; and {} more", n - v.len())
                } else {
                    String::new()
                };
                format!(
                    "{}: {}{more}",
                    crate::text::count(*n as u64, "violation", "violations"),
                    each.join("; ")
                )
            }
            Verdict::NotChecked(why) => format!("not checked: {why}"),
        }
    }
}

/// The first rule whose filter matches `topic`.
pub fn rule_for<'a>(rules: &'a [SchemaRule], topic: &str) -> Option<&'a SchemaRule> {
    rules
        .iter()
        .find(|r| crate::mqtt::topic::filter_matches(&r.filter, topic))
}

impl SchemaRule {
    pub fn check(&self, payload: &[u8]) -> Verdict {
        if payload.len() > CHECK_MAX {
            return Verdict::NotChecked(format!(
                "past {} (only that much is checked)",
                crate::text::human_bytes(CHECK_MAX as u64)
            ));
        }
        let doc: serde_json::Value = match serde_json::from_slice(payload) {
            Ok(d) => d,
            Err(e) => return Verdict::NotChecked(format!("not JSON: {e}")),
        };
        let mut told = Vec::new();
        let mut n = 0;
        for e in self.validator.iter_errors(&doc) {
            n += 1;
            if told.len() < TOLD {
                told.push(Violation {
                    path: e.instance_path().as_str().to_string(),
                    message: e.to_string(),
                });
            }
        }
        if n == 0 {
            Verdict::Valid
        } else {
            Verdict::Invalid(told, n)
        }
    }
}
