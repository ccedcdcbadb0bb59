//! A configured command as a view (`command = ["legacy-decode", "--json"]`). This module only
//! names it and reads what it printed: running it is I/O, done as a job by the TUI (`tui/
//! decode_job.rs`) with a time limit and an output cap, and its output comes back to the app.

use super::{DecodeError, Decoded, Decoder};

use std::time::Duration;

/// How long a command may run before it is killed and the detail says so (a rule's
/// `timeout_s` changes it).
pub const TIME_LIMIT: Duration = Duration::from_secs(2);
/// How much of its output is read; past this it is killed and the detail says so (a rule's
/// `max_output_kib` changes it).
pub const OUTPUT_CAP: usize = 1024 * 1024;

pub struct External {
    id: &'static str,
    argv: Vec<String>,
    pub time_limit: Duration,
    pub output_cap: usize,
}

impl External {
    pub fn new(argv: Vec<String>) -> External {
        let shown: Vec<String> = argv
            .iter()
            .map(|a| crate::text::clean(a).into_owned())
            .collect();
        External {
            id: super::intern(format!("command {}", shown.join(" "))),
            argv,
            time_limit: TIME_LIMIT,
            output_cap: OUTPUT_CAP,
        }
    }
}

impl Decoder for External {
    fn id(&self) -> &'static str {
        self.id
    }

    fn whole(&self) -> bool {
        true
    }

    fn command(&self) -> Option<(&[String], Duration, usize)> {
        Some((&self.argv, self.time_limit, self.output_cap))
    }

    /// What the detail shows until the job answers.
    fn decode(&self, _payload: &[u8]) -> Result<Decoded, DecodeError> {
        Ok(Decoded::Text(format!("running {}…", self.id)))
    }
}

/// A command's output as the detail shows it: JSON (an object or a list) as a tree, anything
/// else as text (invalid UTF-8 replaced, control bytes escaped when drawn).
pub fn output(bytes: &[u8]) -> Decoded {
    let trimmed = bytes.trim_ascii_start();
    if (trimmed.starts_with(b"{") || trimmed.starts_with(b"["))
        && let Ok(tree) = super::Json.decode(bytes)
    {
        return tree;
    }
    if bytes.is_empty() {
        return Decoded::Empty;
    }
    Decoded::Text(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_output_is_a_tree_and_the_rest_is_text() {
        assert!(matches!(output(b" {\"a\": 1}\n"), Decoded::Map(_)));
        assert_eq!(output(b"plain\n"), Decoded::Text("plain\n".into()));
        assert_eq!(output(b"{broken"), Decoded::Text("{broken".into()));
        assert_eq!(output(b""), Decoded::Empty);
        let e = External::new(vec!["legacy-decode".into(), "--json".into()]);
        assert_eq!(e.id(), "command legacy-decode --json");
        assert_eq!(e.command().map(|c| c.0.len()), Some(2));
    }
}
