//! Compose's publish history on disk: `<data dir>/mqscope/history.jsonl`, one JSON object a
//! line, mode 0600; appended as publishes finish, and rewritten (atomically) with the newest
//! `publish::history_item::MAX` once it holds a fifth more than that (the app counts), so it stays bounded.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use base64::Engine;
use serde_json::{Value, json};

use crate::mqtt::{Properties, QoS};
use crate::publish::history_item::{HistoryItem, MAX};

/// The default place: the platform's data directory.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "mqscope").map(|d| d.data_dir().join("history.jsonl"))
}

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

fn to_json(i: &HistoryItem) -> Value {
    let ms = i
        .time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let mut v = json!({
        "time_ms": ms,
        "topic": i.topic,
        "qos": i.qos.as_u8(),
        "retain": i.retain,
        "outcome": i.outcome,
    });
    match std::str::from_utf8(&i.payload) {
        Ok(t) => v["payload"] = json!(t),
        Err(_) => v["payload_base64"] = json!(b64(&i.payload)),
    }
    if let Some(p) = &i.properties {
        v["properties"] = json!({
            "payload_format_indicator": p.payload_format_indicator,
            "message_expiry_interval": p.message_expiry_interval,
            "content_type": p.content_type,
            "response_topic": p.response_topic,
            "correlation_data_base64": p.correlation_data.as_ref().map(|c| b64(c)),
            "user_properties": p.user_properties,
        });
    }
    v
}

fn from_json(v: &Value) -> Option<HistoryItem> {
    let payload = match (
        v.get("payload").and_then(Value::as_str),
        v.get("payload_base64").and_then(Value::as_str),
    ) {
        (Some(t), _) => t.as_bytes().to_vec(),
        (None, Some(b)) => base64::engine::general_purpose::STANDARD.decode(b).ok()?,
        _ => Vec::new(),
    };
    let properties = v.get("properties").filter(|p| p.is_object()).map(|p| {
        Box::new(Properties {
            payload_format_indicator: p["payload_format_indicator"].as_u64().map(|n| n as u8),
            message_expiry_interval: p["message_expiry_interval"].as_u64().map(|n| n as u32),
            content_type: p["content_type"].as_str().map(str::to_string),
            response_topic: p["response_topic"].as_str().map(str::to_string),
            correlation_data: p["correlation_data_base64"]
                .as_str()
                .and_then(|c| base64::engine::general_purpose::STANDARD.decode(c).ok())
                .map(Into::into),
            user_properties: p["user_properties"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|kv| {
                            Some((
                                kv.get(0)?.as_str()?.to_string(),
                                kv.get(1)?.as_str()?.to_string(),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default(),
            ..Properties::default()
        })
    });
    Some(HistoryItem {
        time: SystemTime::UNIX_EPOCH + Duration::from_millis(v.get("time_ms")?.as_u64()?),
        publish: crate::publish::Publish {
            topic: v.get("topic")?.as_str()?.to_string(),
            payload: payload.into(),
            qos: QoS::from_u8(v.get("qos")?.as_u64()? as u8)?,
            retain: v.get("retain")?.as_bool()?,
            properties,
        },
        outcome: v
            .get("outcome")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
    })
}

/// What the file holds, oldest first (lines it cannot read are skipped: a file cut by a crash
/// loses its last line, not its history). A missing file is an empty history.
pub fn load(path: &Path) -> Vec<HistoryItem> {
    load_counted(path).0
}

/// What a history file's text holds (bad lines skipped), the newest `MAX`.
pub fn parse(text: &str) -> Vec<HistoryItem> {
    let mut items: Vec<HistoryItem> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| from_json(&v))
        .collect();
    let excess = items.len().saturating_sub(MAX);
    items.drain(..excess);
    items
}

/// Lines the file holds, and what they hold (the newest `MAX`); read once, at start.
pub fn load_counted(path: &Path) -> (Vec<HistoryItem>, usize) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return (Vec::new(), 0);
    };
    let lines = text.lines().count();
    (parse(&text), lines)
}

/// Appends `items`, or (`rewrite`) replaces the file with them, atomically. The app decides
/// when to rewrite (it knows the file's length), so the file is never read back here.
pub fn save(path: &Path, items: &[HistoryItem], rewrite: bool) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("{}: {e}", path.display());
    let text: String = items
        .iter()
        .map(|i| to_json(i).to_string() + "\n")
        .collect();
    if rewrite {
        return crate::config::store::save_atomic(path, &text).map_err(fail);
    }
    if let Some(dir) = path.parent() {
        crate::config::store::create_private_dir_all(dir).map_err(fail)?;
    }
    let mut o = std::fs::OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(n: u64) -> HistoryItem {
        HistoryItem {
            time: SystemTime::UNIX_EPOCH + Duration::from_millis(n),
            publish: crate::publish::Publish {
                topic: format!("t/{n}"),
                payload: if n.is_multiple_of(2) {
                    "text".into()
                } else {
                    vec![0xff, 0].into()
                },
                qos: QoS::AtLeastOnce,
                retain: n.is_multiple_of(3),
                properties: (n == 4).then(|| {
                    Box::new(Properties {
                        content_type: Some("text/plain".into()),
                        correlation_data: Some(vec![1, 2].into()),
                        user_properties: vec![("k".into(), "v".into())],
                        ..Properties::default()
                    })
                }),
            },
            outcome: "acknowledged (PUBACK)".into(),
        }
    }

    #[test]
    fn round_trips_and_stays_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h/history.jsonl");
        let items: Vec<HistoryItem> = (1..=5).map(item).collect();
        save(&path, &items, false).unwrap();
        assert_eq!(load(&path), items);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        let many: Vec<HistoryItem> = (6..=MAX as u64 + 400).map(item).collect();
        save(&path, &many, false).unwrap();
        // Past a fifth over MAX the app rewrites the file with the newest MAX it holds.
        let newest = &many[many.len() - MAX..];
        save(&path, newest, true).unwrap();
        let kept = load(&path);
        assert_eq!(kept.len(), MAX);
        assert_eq!(kept.last().unwrap().topic, format!("t/{}", MAX + 400));
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        assert_eq!(lines, MAX, "rewritten down to the newest");
    }
}
