//! How the program fails: usage and configuration errors exit 2, runtime failures exit 1, each
//! with one line on stderr that names what is wrong.

use std::fmt;

#[derive(Debug)]
pub enum Failure {
    /// Exit 2: the command line or the profile file is wrong.
    Usage(String),
    /// Exit 1: connection refused, not authorized, TLS failure, timeout...
    Runtime(String),
}

impl Failure {
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Runtime(_) => 1,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(m) | Failure::Runtime(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Failure {}

impl From<crate::config::ConfigError> for Failure {
    fn from(e: crate::config::ConfigError) -> Self {
        Failure::Usage(e.to_string())
    }
}

pub fn usage(m: impl Into<String>) -> Failure {
    Failure::Usage(m.into())
}

pub fn runtime(m: impl Into<String>) -> Failure {
    Failure::Runtime(m.into())
}
