//! Passwords by reference: an environment variable, or a command run without a shell.

use std::process::{Command, Stdio};

use super::profile::PasswordSource;
use crate::mqtt::Secret;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("password_env: environment variable {0} is not set")]
    EnvMissing(String),
    #[error("password_command: cannot run '{program}': {source}")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error("password_command: '{program}' exited with {status}")]
    Failed { program: String, status: String },
    #[error("password_command: '{program}' printed no password")]
    Empty { program: String },
}

pub fn resolve(source: &PasswordSource) -> Result<Option<Secret>, SecretError> {
    match source {
        PasswordSource::None => Ok(None),
        PasswordSource::Plain(s) => Ok(Some(s.clone())),
        PasswordSource::Env(var) => std::env::var(var)
            .map(|v| Some(Secret::new(v)))
            .map_err(|_| SecretError::EnvMissing(var.clone())),
        PasswordSource::Command(argv) => {
            let program = argv.first().cloned().unwrap_or_default();
            let out = Command::new(&program)
                .args(argv.iter().skip(1))
                .stdin(Stdio::null())
                .stderr(Stdio::inherit())
                .output()
                .map_err(|source| SecretError::Spawn {
                    program: program.clone(),
                    source,
                })?;
            if !out.status.success() {
                return Err(SecretError::Failed {
                    program,
                    status: out.status.to_string(),
                });
            }
            let text = String::from_utf8_lossy(&out.stdout);
            let first = text.lines().next().unwrap_or("").to_string();
            if first.is_empty() {
                return Err(SecretError::Empty { program });
            }
            Ok(Some(Secret::new(first)))
        }
    }
}
