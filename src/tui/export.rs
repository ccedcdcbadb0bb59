//! Writing a topic's kept history to a file (runs as a job): JSON Lines, one object per message
//! as `sub --json` prints it (topic, payload as text or base64, qos, retain, time, properties),
//! and beside it a CSV of time and value when every payload is a number.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};

use crate::config::store::create_new_private;
use crate::decode::Registry;
use crate::headless::json::message_json;
use crate::mqtt::Message;

/// A topic as part of a file name: letters, digits, `.`, `-` and `_` kept, the rest `_`.
fn file_part(topic: &str) -> String {
    let s: String = topic
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    if s.is_empty() { "topic".into() } else { s }
}

/// Writes `rows` (oldest first) into `dir`; returns the files written (the JSON Lines, then
/// the CSV when every payload is a number).
pub fn write(dir: &Path, topic: &str, rows: &[Message]) -> Result<Vec<PathBuf>, String> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S%.3f");
    let base: PathBuf = dir.join(format!("mqscope-{}-{stamp}", file_part(topic)));
    let jsonl = base.with_extension("jsonl");
    let fail = |p: &Path, e: std::io::Error| format!("cannot write {}: {e}", p.display());
    let mut out = std::io::BufWriter::new(create_new_private(&jsonl).map_err(|e| fail(&jsonl, e))?);
    let registry = Registry::default();
    let births = crate::decode::Births::default();
    for (i, m) in rows.iter().enumerate() {
        let shown = crate::headless::json::shown_for(m, &registry, &births, i as u64)
            .filter(|s| s.command.is_none());
        crate::headless::json::write_safe(&mut out, &message_json(m, shown.as_ref()))
            .map_err(|e| format!("cannot write {}: {e}", jsonl.display()))?;
        out.write_all(b"\n").map_err(|e| fail(&jsonl, e))?;
    }
    out.flush().map_err(|e| fail(&jsonl, e))?;
    let mut files = vec![jsonl];
    let values: Option<Vec<f64>> = rows
        .iter()
        .map(|m| crate::decode::number::value(&m.payload))
        .collect();
    if let Some(values) = values.filter(|v| !v.is_empty()) {
        let csv = base.with_extension("csv");
        let mut out = std::io::BufWriter::new(create_new_private(&csv).map_err(|e| fail(&csv, e))?);
        let mut text = String::from("time,value\n");
        for (m, v) in rows.iter().zip(values) {
            let t: DateTime<Utc> = m.received.into();
            text.push_str(&format!(
                "{},{v}\n",
                t.to_rfc3339_opts(SecondsFormat::Millis, true)
            ));
        }
        out.write_all(text.as_bytes()).map_err(|e| fail(&csv, e))?;
        out.flush().map_err(|e| fail(&csv, e))?;
        files.push(csv);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::QoS;

    fn m(p: &str) -> Message {
        Message {
            topic: "plant/line 1/temp".into(),
            payload: p.to_string().into(),
            qos: QoS::AtLeastOnce,
            retain: false,
            dup: false,
            received: std::time::SystemTime::UNIX_EPOCH,
            properties: None,
        }
    }

    #[test]
    fn json_lines_and_a_csv_for_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let files = write(dir.path(), "plant/line 1/temp", &[m("21.5"), m("22")]).unwrap();
        assert_eq!(files.len(), 2, "{files:?}");
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        assert_eq!(names.len(), 2);
        assert!(
            names[0]
                .to_string_lossy()
                .contains("mqscope-plant_line_1_temp-")
        );
        let csv = std::fs::read_to_string(&names[0]).unwrap();
        assert_eq!(
            csv,
            "time,value\n1970-01-01T00:00:00.000Z,21.5\n1970-01-01T00:00:00.000Z,22\n"
        );
        let jsonl = std::fs::read_to_string(&names[1]).unwrap();
        let first: serde_json::Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
        assert_eq!(first["payload"], "21.5");
        assert_eq!(first["qos"], 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&names[1]).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Not all numbers: no CSV.
        let other = tempfile::tempdir().unwrap();
        let files = write(other.path(), "t", &[m("21.5"), m("off")]).unwrap();
        assert_eq!(files.len(), 1, "no CSV: {files:?}");
    }
}
