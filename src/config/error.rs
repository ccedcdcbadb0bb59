//! Configuration errors: one line naming the file, the line and the key, and what is allowed.

use std::path::{Path, PathBuf};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    At {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

/// Turns byte offsets into line and column numbers (1-based) for one file's text.
pub struct Locator<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

impl Locator<'_> {
    /// A `qos` key (`key` names it in the error): 0, 1 or 2, else `default` when not given.
    pub fn qos(
        &self,
        key: &str,
        given: Option<&toml::Spanned<i64>>,
        default: crate::mqtt::QoS,
    ) -> Result<crate::mqtt::QoS, ConfigError> {
        let Some(q) = given else {
            return Ok(default);
        };
        u8::try_from(*q.get_ref())
            .ok()
            .and_then(crate::mqtt::QoS::from_u8)
            .ok_or_else(|| {
                self.at(
                    q.span().start,
                    format!("{key}: {}; allowed: 0, 1 or 2", q.get_ref()),
                )
            })
    }

    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.chars().rev().take_while(|c| *c != '\n').count() + 1;
        (line, column)
    }

    pub fn at(&self, offset: usize, message: impl Into<String>) -> ConfigError {
        let (line, column) = self.line_col(offset);
        ConfigError::At {
            path: self.path.to_path_buf(),
            line,
            column,
            message: message.into(),
        }
    }
}
