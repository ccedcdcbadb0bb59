//! Passwords by reference: an environment variable, or a command run without a shell.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use toml::Spanned;

use super::error::{ConfigError, Locator};
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
    #[error("password_command: '{program}' exited with {status}{}", stderr_words(.stderr))]
    Failed {
        program: String,
        status: String,
        /// What it wrote to stderr (escaped, cut), so the failure is shown in words instead
        /// of painted over the screen.
        stderr: String,
    },
    #[error("password_command: '{program}' did not finish within {} s; stopped it", .limit.as_secs())]
    TimedOut { program: String, limit: Duration },
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
        PasswordSource::Command(argv) => run_command(argv, COMMAND_LIMIT),
    }
}

/// How long a password_command may take: `pass` asking gpg-agent for a cached key answers in
/// well under a second; a prompt for a passphrase that nobody can see would hang forever.
pub const COMMAND_LIMIT: Duration = Duration::from_secs(10);

/// The most of a command's output kept (a password is one short line).
const OUTPUT_CAP: u64 = 64 * 1024;

fn stderr_words(stderr: &str) -> String {
    if stderr.is_empty() {
        String::new()
    } else {
        format!(": {stderr}")
    }
}

/// Runs the command without a shell, with no stdin, its output captured (stderr too, so it never
/// reaches the terminal the UI owns) and a time limit. Blocking: the TUI calls it from a job.
fn run_command(argv: &[String], limit: Duration) -> Result<Option<Secret>, SecretError> {
    let program = argv.first().cloned().unwrap_or_default();
    let mut child = Command::new(&program)
        .args(argv.iter().skip(1))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| SecretError::Spawn {
            program: program.clone(),
            source,
        })?;
    // Read both pipes on threads so a chatty command cannot block on a full pipe.
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(p) = pipe {
                let _ = p.take(OUTPUT_CAP).read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = read(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = read(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => {
                // A blocking job's thread, not the UI loop: polling here costs nothing visible.
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(None) | Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(SecretError::TimedOut { program, limit });
            }
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !status.success() {
        let text = String::from_utf8_lossy(&stderr);
        let first = text.lines().next().unwrap_or("").trim();
        return Err(SecretError::Failed {
            program,
            status: status.to_string(),
            stderr: crate::text::fit(&crate::text::clean(first), 200).into_owned(),
        });
    }
    let text = String::from_utf8_lossy(&stdout);
    let first = text.lines().next().unwrap_or("").to_string();
    if first.is_empty() {
        return Err(SecretError::Empty { program });
    }
    Ok(Some(Secret::new(first)))
}

/// A secret read from an environment variable: its name, checked.
pub(super) fn env_source(
    loc: &Locator,
    key: &str,
    var: &Spanned<String>,
) -> Result<PasswordSource, ConfigError> {
    if var.get_ref().is_empty() || var.get_ref().contains(['=', '\0']) {
        let why = format!("{key}: not a valid environment variable name");
        return Err(loc.at(var.span().start, why));
    }
    Ok(PasswordSource::Env(var.get_ref().clone()))
}

/// A secret printed by a command: its argument list, checked.
pub(super) fn command_source(
    loc: &Locator,
    key: &str,
    cmd: &Spanned<Vec<String>>,
) -> Result<PasswordSource, ConfigError> {
    if cmd.get_ref().first().is_none_or(|c| c.is_empty()) {
        let why =
            format!("{key}: needs a program and its arguments, e.g. [\"pass\", \"mqtt/local\"]");
        return Err(loc.at(cmd.span().start, why));
    }
    Ok(PasswordSource::Command(cmd.get_ref().clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into()]
    }

    #[test]
    fn a_command_gives_its_first_line_and_failures_say_why() {
        let ok = run_command(&sh("printf 'secret\\nmore'"), COMMAND_LIMIT).unwrap();
        assert_eq!(ok.map(|s| s.expose().to_string()), Some("secret".into()));
        let e = run_command(&sh("echo 'no such entry' >&2; exit 3"), COMMAND_LIMIT).unwrap_err();
        assert!(e.to_string().contains("no such entry"), "{e}");
        let e = run_command(&sh("sleep 5"), Duration::from_millis(200)).unwrap_err();
        assert!(matches!(e, SecretError::TimedOut { .. }), "{e}");
    }
}
