//! `sub --record FILE`: everything received, written to a new file as it comes, in the format
//! `sub --json` prints and `e` exports (one reader serves all three): JSON Lines, one message a
//! line, after a header line that says what recorded it, from which broker and since when.
//!
//! A message's line adds `offset_ms`: milliseconds on the monotonic clock from the start of the
//! recording to when the recorder took the message's batch (the reader takes a batch at most
//! a millisecond or so after its first message arrived), so a replay's schedule does not
//! depend on the wall clock, which may jump. `time` is the wall clock of the read that brought
//! the message. Written through a buffer and flushed with `sub`'s own output: memory stays
//! bounded whatever the recording's length.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::json::message_json;
use crate::config::store::create_new_private;
use crate::mqtt::Message;
use crate::process::failure::{Failure, runtime};

/// What the header line says of the recording.
pub struct Header<'a> {
    /// Broker URLs as shown (no user name, no password: `BrokerUrl`'s display has none).
    pub brokers: Vec<String>,
    pub filters: Vec<&'a str>,
    /// The explorer's tree filter it keeps to, when one was on.
    pub shows: Option<&'a str>,
}

pub struct Recorder {
    path: PathBuf,
    out: BufWriter<File>,
    start: Instant,
    written: u64,
}

impl Recorder {
    /// Creates the file and writes the header line; offsets count from `start`.
    pub fn create(
        path: &Path,
        header: Header<'_>,
        now: SystemTime,
        start: Instant,
    ) -> Result<Recorder, Failure> {
        let shown = crate::text::clean(&path.display().to_string()).into_owned();
        let file = create_new_private(path).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => runtime(format!(
                "{shown}: the file exists; a recording never overwrites one (choose a new name)"
            )),
            _ => runtime(format!("{shown}: cannot create it: {e}")),
        })?;
        let started: DateTime<Utc> = now.into();
        let mut line = json!({
            "recording": {
                "format": "mqscope recording",
                "version": 1,
                "recorded_by": format!("mqscope {}", env!("CARGO_PKG_VERSION")),
                "brokers": header.brokers,
                "filters": header.filters,
                "started": started.to_rfc3339_opts(SecondsFormat::Micros, true),
            }
        });
        if let Some(shows) = header.shows {
            line["recording"]["shows"] = json!(shows);
        }
        let mut r = Recorder {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(64 * 1024, file),
            start,
            written: 0,
        };
        r.line(&line).map_err(|e| r.failed(&e))?;
        Ok(r)
    }

    /// One message, taken from its batch at `taken` (monotonic). `broker`: the connection's
    /// label when several are recorded.
    pub fn write(
        &mut self,
        m: &Message,
        broker: Option<&str>,
        taken: Instant,
    ) -> Result<(), Failure> {
        let mut obj = message_json(m, None);
        if let Value::Object(map) = &mut obj {
            let offset = taken.saturating_duration_since(self.start);
            // Microseconds as a fraction: what the clock can tell apart, no more.
            let ms = (offset.as_secs_f64() * 1e6).round() / 1e3;
            map.insert("offset_ms".into(), json!(ms));
            if m.dup {
                map.insert("dup".into(), json!(true));
            }
            if let Some(b) = broker {
                map.insert("broker".into(), json!(b));
            }
        }
        self.line(&obj).map_err(|e| self.failed(&e))?;
        self.written += 1;
        Ok(())
    }

    /// Messages written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    pub fn flush(&mut self) -> Result<(), Failure> {
        self.out.flush().map_err(|e| self.failed(&e))
    }

    /// Lines still in the buffer.
    pub fn pending(&self) -> bool {
        !self.out.buffer().is_empty()
    }

    fn line(&mut self, v: &Value) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, v)?;
        self.out.write_all(b"\n")
    }

    fn failed(&self, e: &io::Error) -> Failure {
        let shown = crate::text::clean(&self.path.display().to_string()).into_owned();
        runtime(format!(
            "{shown}: writing failed after {} messages: {e}",
            self.written
        ))
    }
}
