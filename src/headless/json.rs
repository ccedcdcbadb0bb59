//! `sub --json`: one object per message.

use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::decode::{Births, Decoded, Payload, Registry, Scalar, Shown, Why, decode_shown};
use crate::mqtt::{Message, Properties};

/// How `decoded` is made for a message: None when nothing but a guess would choose a decoder
/// (a guess is left to the reader). A command view still has to be run (`Shown::command`).
pub fn shown_for(m: &Message, registry: &Registry, births: &Births, seq: u64) -> Option<Shown> {
    let msg = Payload {
        seq,
        topic: &m.topic,
        bytes: &m.payload,
        properties: m.properties.as_deref(),
        births: Some(births),
    };
    let shown = decode_shown(registry, &msg);
    (shown.why != Why::Guess).then_some(shown)
}

/// `decoded`: the view, why, and the value as JSON, or the error.
fn decoded_json(shown: &Shown) -> Value {
    let mut obj = Map::new();
    obj.insert("view".into(), json!(shown.decoder));
    obj.insert("why".into(), json!(shown.why.to_string()));
    match &shown.result {
        Ok(v) => obj.insert("value".into(), value_json(v.clone())),
        Err(e) => obj.insert("error".into(), json!(e.to_string())),
    };
    Value::Object(obj)
}

fn value_json(d: Decoded) -> Value {
    let b64 = |b: &[u8]| json!(base64::engine::general_purpose::STANDARD.encode(b));
    match d {
        Decoded::Empty => Value::Null,
        Decoded::Map(pairs) => {
            Value::Object(pairs.into_iter().map(|(k, v)| (k, value_json(v))).collect())
        }
        Decoded::List(items) => Value::Array(items.into_iter().map(value_json).collect()),
        Decoded::Scalar(Scalar::Null) => Value::Null,
        Decoded::Scalar(Scalar::Bool(b)) => json!(b),
        Decoded::Scalar(Scalar::Number(n)) => serde_json::from_str::<serde_json::Number>(&n)
            .map(Value::Number)
            .unwrap_or(Value::String(n)),
        Decoded::Scalar(Scalar::Str(s)) | Decoded::Text(s) => json!(s),
        // A bignum or a decimal fraction is a number; a date, a UUID or `undefined` its text.
        Decoded::Scalar(Scalar::Named { text, .. }) => {
            serde_json::from_str::<serde_json::Number>(&text)
                .map(Value::Number)
                .unwrap_or(Value::String(text))
        }
        Decoded::Bytes(b) => json!({ "base64": b64(&b) }),
        Decoded::Described { summary, bytes } => {
            json!({ "summary": summary, "base64": b64(&bytes) })
        }
    }
}

pub fn message_json(m: &Message, decoded: Option<&Shown>) -> Value {
    let time: DateTime<Utc> = m.received.into();
    let mut obj = Map::new();
    obj.insert("topic".into(), json!(m.topic.as_str()));
    match std::str::from_utf8(&m.payload) {
        Ok(text) => {
            obj.insert("payload".into(), json!(text));
            obj.insert("encoding".into(), json!("utf8"));
        }
        Err(_) => {
            obj.insert(
                "payload".into(),
                json!(base64::engine::general_purpose::STANDARD.encode(&m.payload)),
            );
            obj.insert("encoding".into(), json!("base64"));
        }
    }
    obj.insert("qos".into(), json!(m.qos.as_u8()));
    obj.insert("retain".into(), json!(m.retain));
    obj.insert(
        "time".into(),
        json!(time.to_rfc3339_opts(SecondsFormat::Millis, true)),
    );
    if let Some(p) = &m.properties {
        obj.insert("properties".into(), properties_json(p));
    }
    if let Some(shown) = decoded {
        obj.insert("decoded".into(), decoded_json(shown));
    }
    Value::Object(obj)
}

/// With a `[[latency]]` rule for the topic and a send time where it says: `lag_ms` (arrival
/// minus send time), or `clock_skew_ms` when the message arrived before it was sent (the
/// sender's clock is ahead), never a negative lag.
pub fn add_lag(
    obj: &mut Map<String, Value>,
    m: &Message,
    rules: &[crate::decode::send_time::LatencyRule],
) {
    use crate::decode::send_time::{lag_ms, rule_for};
    let Some(sent) =
        rule_for(rules, &m.topic).and_then(|r| r.sent_at(&m.payload, m.properties.as_deref()))
    else {
        return;
    };
    let lag = lag_ms(sent, m.received);
    let (key, ms) = match lag < 0.0 {
        true => ("clock_skew_ms", -lag),
        false => ("lag_ms", lag),
    };
    // Microseconds are what two clocks can tell apart; more digits would be noise.
    let ms = (ms * 1000.0).round() / 1000.0;
    obj.insert(key.into(), json!(ms));
}

/// With a `[[schemas]]` rule for the topic: `schema`: the file, whether the payload is valid,
/// and each violation's path and words (the first `decode::schema::TOLD`, and how many).
pub fn add_schema(
    obj: &mut Map<String, Value>,
    m: &Message,
    rules: &[crate::decode::schema::SchemaRule],
) {
    use crate::decode::schema::{Verdict, rule_for};
    let Some(rule) = rule_for(rules, &m.topic) else {
        return;
    };
    let file = rule.file.display().to_string();
    let verdict = match rule.check(&m.payload) {
        Verdict::Valid => json!({"file": file, "valid": true}),
        Verdict::Invalid(told, n) => json!({
            "file": file,
            "valid": false,
            "violations": n,
            "errors": told.iter().map(|v| json!({"path": v.path, "message": v.message})).collect::<Vec<_>>(),
        }),
        Verdict::NotChecked(why) => json!({"file": file, "valid": false, "not_checked": why}),
    };
    obj.insert("schema".into(), verdict);
}

fn properties_json(p: &Properties) -> Value {
    let mut obj = Map::new();
    if let Some(v) = p.payload_format_indicator {
        obj.insert("payload_format_indicator".into(), json!(v));
    }
    if let Some(v) = p.message_expiry_interval {
        obj.insert("message_expiry_interval".into(), json!(v));
    }
    if let Some(v) = &p.content_type {
        obj.insert("content_type".into(), json!(v));
    }
    if let Some(v) = &p.response_topic {
        obj.insert("response_topic".into(), json!(v));
    }
    if let Some(v) = &p.correlation_data {
        obj.insert(
            "correlation_data".into(),
            json!(base64::engine::general_purpose::STANDARD.encode(v)),
        );
    }
    if !p.user_properties.is_empty() {
        let pairs: Vec<Value> = p
            .user_properties
            .iter()
            .map(|(k, v)| json!([k, v]))
            .collect();
        obj.insert("user_properties".into(), Value::Array(pairs));
    }
    if let Some(a) = p.topic_alias {
        obj.insert("topic_alias".into(), json!(a));
    }
    if !p.subscription_identifiers.is_empty() {
        obj.insert(
            "subscription_identifiers".into(),
            json!(p.subscription_identifiers),
        );
    }
    Value::Object(obj)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{Match, Rule};
    use crate::mqtt::QoS;

    fn msg(topic: &str, payload: &[u8], ct: Option<&str>) -> Message {
        Message {
            topic: topic.into(),
            payload: payload.to_vec().into(),
            qos: QoS::AtMostOnce,
            retain: false,
            dup: false,
            received: std::time::SystemTime::UNIX_EPOCH,
            properties: ct.map(|c| {
                Box::new(Properties {
                    content_type: Some(c.into()),
                    ..Properties::default()
                })
            }),
        }
    }

    fn json_of(m: &Message, r: &Registry) -> Value {
        let births = Births::default();
        message_json(m, shown_for(m, r, &births, 1).as_ref())
    }

    #[test]
    fn decoded_only_when_a_rule_or_the_content_type_chooses() {
        let r = Registry::new(vec![Rule::builtin(
            Match::Topic("meter/#".into()),
            "msgpack",
        )]);
        // {"kwh": 7}
        let v = json_of(
            &msg("meter/1", &[0x81, 0xa3, b'k', b'w', b'h', 0x07], None),
            &r,
        );
        assert_eq!(v["decoded"]["view"], "msgpack");
        assert_eq!(v["decoded"]["why"], "rule meter/#");
        assert_eq!(v["decoded"]["value"]["kwh"], 7);
        let v = json_of(&msg("a", br#"{"t":1}"#, Some("application/json")), &r);
        assert_eq!(v["decoded"]["value"]["t"], 1);
        assert!(
            json_of(&msg("a", br#"{"t":1}"#, None), &r)
                .get("decoded")
                .is_none(),
            "a guess"
        );
        let v = json_of(&msg("meter/2", &[0x81, 0xa3, b'k'], None), &r);
        assert!(
            v["decoded"]["error"]
                .as_str()
                .is_some_and(|e| e.contains("MessagePack"))
        );
    }
}

/// serde_json's compact output, but with every character that must never reach a terminal raw
/// (C1 controls, DEL, bidi controls, zero-width characters, U+2028 and U+2029; serde_json already
/// escapes C0) written as a `\u` escape. Still valid JSON, and the same value when read back.
struct SafeFormatter;

impl serde_json::ser::Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if crate::text::needs_escape(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                // Every such character is in the Basic Multilingual Plane: one \u escape.
                write!(writer, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// Writes `value` as one line of JSON that is safe on a terminal (see `SafeFormatter`).
pub fn write_safe<W: std::io::Write>(out: W, value: &Value) -> std::io::Result<()> {
    use serde::Serialize;
    let mut ser = serde_json::Serializer::with_formatter(out, SafeFormatter);
    value.serialize(&mut ser).map_err(std::io::Error::other)
}

#[cfg(test)]
mod safe_tests {
    use super::*;

    #[test]
    fn invisible_and_control_characters_are_escaped_and_read_back_the_same() {
        let text = "a\u{1b}[2J\u{9b}b\u{7f}\u{202e}c\u{200b}d\u{2028}e\u{2029}f é 温 🌡";
        let v = json!({ "topic": text, text: 1 });
        let mut out = Vec::new();
        write_safe(&mut out, &v).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(
            line.chars().all(|c| !crate::text::needs_escape(c)),
            "{line:?}"
        );
        assert!(
            line.contains(r"\u001b[2J\u009bb\u007f\u202ec\u200bd\u2028e\u2029f é 温 🌡"),
            "{line}"
        );
        let back: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back, v);
    }
}
