//! A recording read back, one line at a time: what `sub --record`, `sub --json` and the
//! explorer's `e` write (one format), each message line as the publish it was and when it came.
//! Pure: the caller reads the lines (a stream, so a recording of any length is read in bounded
//! memory) and says which line this is.
//!
//! Kept as recorded: topic, payload bytes (text, or base64 when `encoding` says so), QoS,
//! retain, and the MQTT 5 properties a publisher sets. A topic alias and subscription
//! identifiers are left out: they belong to the connection the message came in on, and a
//! broker refuses a publish that carries an alias it was never told of.

use std::time::{Duration, SystemTime};

use base64::Engine;
use bytes::Bytes;
use serde_json::{Map, Value};

use crate::mqtt::topic::validate_topic;
use crate::mqtt::{Properties, Publish, QoS};

/// One message line.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub publish: Publish,
    /// Milliseconds on the recorder's monotonic clock since the recording began (`--record`
    /// writes it; `sub --json` and `e` do not).
    pub offset_ms: Option<f64>,
    /// The wall clock when it arrived.
    pub time: Option<SystemTime>,
    /// Which connection it came from, when several were recorded.
    pub broker: Option<String>,
}

impl Recorded {
    /// When it came, in milliseconds: the monotonic offset, else the wall time against `base`
    /// (the first message's), else none (such a line goes out at once).
    pub fn at_ms(&self, base: Option<SystemTime>) -> Option<f64> {
        if let Some(o) = self.offset_ms {
            return Some(o);
        }
        let (t, b) = (self.time?, base?);
        Some(match t.duration_since(b) {
            Ok(d) => d.as_secs_f64() * 1e3,
            Err(e) => -(e.duration().as_secs_f64() * 1e3),
        })
    }
}

/// Where in a recording a replay starts or stops: an offset from its first message, or a
/// wall-clock time (`--from`, `--to`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Position {
    OffsetMs(f64),
    Time(SystemTime),
}

impl Position {
    /// `90`, `1.5s`, `1500ms`, `2m`, `1h`, `1m30s` (a bare number is seconds), or an RFC 3339
    /// time (`2026-12-08T03:00:00Z`).
    pub fn parse(s: &str) -> Result<Position, String> {
        let s = s.trim();
        if chrono::DateTime::parse_from_rfc3339(s).is_ok() {
            return rfc3339_time(s)
                .map(Position::Time)
                .ok_or_else(|| format!("{s:?}: a time before 1970"));
        }
        let bad = || {
            format!(
                "{s:?} is neither an offset (90, 1.5s, 1500ms, 2m, 1h, 1m30s) nor an RFC 3339 time \
                 (2026-12-08T03:00:00Z)"
            )
        };
        if s.is_empty() {
            return Err(bad());
        }
        if let Ok(secs) = s.parse::<f64>() {
            return (secs.is_finite() && secs >= 0.0)
                .then_some(Position::OffsetMs(secs * 1e3))
                .ok_or_else(bad);
        }
        let mut total = 0.0;
        let mut rest = s;
        while !rest.is_empty() {
            let digits = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .ok_or_else(bad)?;
            let n: f64 = rest[..digits].parse().map_err(|_| bad())?;
            rest = &rest[digits..];
            let unit_len = rest
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len());
            let ms = match &rest[..unit_len] {
                "ms" => 1.0,
                "s" => 1e3,
                "m" => 60e3,
                "h" => 3600e3,
                _ => return Err(bad()),
            };
            total += n * ms;
            rest = &rest[unit_len..];
        }
        match total.is_finite() {
            true => Ok(Position::OffsetMs(total)),
            false => Err(bad()),
        }
    }

    /// Whether a message at `at_ms` (from the first) that arrived at `time` is at or past it.
    pub fn reached(&self, at_ms: f64, time: Option<SystemTime>) -> Option<bool> {
        match *self {
            Position::OffsetMs(o) => Some(at_ms >= o),
            Position::Time(t) => time.map(|m| m >= t),
        }
    }
}

/// An RFC 3339 time (a recording's `time` and `started`, `--from`/`--to`), to the
/// microsecond; None when it does not parse or is before 1970.
pub fn rfc3339_time(s: &str) -> Option<SystemTime> {
    let t = chrono::DateTime::parse_from_rfc3339(s).ok()?;
    let us = u64::try_from(t.timestamp_micros()).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_micros(us))
}

#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// The header `--record` writes first: `{"recording": {...}}`.
    Header(Value),
    Message(Box<Recorded>),
    /// Nothing but white space.
    Blank,
}

/// Why a line cannot be replayed: each names the field and what is allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LineError {
    #[error("not JSON: {0}")]
    Json(String),
    #[error("not a JSON object")]
    NotObject,
    #[error("\"{0}\" is missing")]
    Missing(&'static str),
    #[error("\"{field}\": {allowed}")]
    Field {
        field: &'static str,
        allowed: &'static str,
    },
    #[error("\"topic\": {0}")]
    Topic(String),
}

fn field(field: &'static str, allowed: &'static str) -> LineError {
    LineError::Field { field, allowed }
}

/// Reads one line (without its newline).
pub fn parse_line(line: &[u8]) -> Result<Line, LineError> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(Line::Blank);
    }
    let v: Value = serde_json::from_slice(line).map_err(|e| LineError::Json(e.to_string()))?;
    let Value::Object(obj) = v else {
        return Err(LineError::NotObject);
    };
    if let Some(h) = obj.get("recording") {
        return Ok(Line::Header(h.clone()));
    }
    message(&obj).map(|m| Line::Message(Box::new(m)))
}

fn message(obj: &Map<String, Value>) -> Result<Recorded, LineError> {
    let topic = match obj.get("topic") {
        None => return Err(LineError::Missing("topic")),
        Some(Value::String(t)) => t.clone(),
        Some(_) => return Err(field("topic", "a string")),
    };
    validate_topic(&topic).map_err(|e| LineError::Topic(e.to_string()))?;
    let payload = payload(obj)?;
    let qos = match obj.get("qos") {
        None => QoS::AtMostOnce,
        Some(q) => q
            .as_u64()
            .and_then(|q| u8::try_from(q).ok())
            .and_then(QoS::from_u8)
            .ok_or(field("qos", "0, 1 or 2"))?,
    };
    let retain = match obj.get("retain") {
        None => false,
        Some(r) => r.as_bool().ok_or(field("retain", "true or false"))?,
    };
    let offset_ms = match obj.get("offset_ms") {
        None => None,
        Some(o) => Some(
            o.as_f64()
                .filter(|o| o.is_finite() && *o >= 0.0)
                .ok_or(field("offset_ms", "a number of milliseconds, 0 or more"))?,
        ),
    };
    let time = match obj.get("time") {
        None => None,
        Some(t) => Some(
            t.as_str()
                .and_then(rfc3339_time)
                .ok_or(field("time", "an RFC 3339 time after 1970"))?,
        ),
    };
    let broker = match obj.get("broker") {
        None => None,
        Some(b) => Some(b.as_str().ok_or(field("broker", "a string"))?.to_string()),
    };
    let properties = match obj.get("properties") {
        None => None,
        Some(Value::Object(p)) => Some(properties(p)?).filter(|p| !p.is_empty()),
        Some(_) => return Err(field("properties", "an object")),
    };
    Ok(Recorded {
        publish: Publish {
            topic,
            payload,
            qos,
            retain,
            properties: properties.map(Box::new),
        },
        offset_ms,
        time,
        broker,
    })
}

fn payload(obj: &Map<String, Value>) -> Result<Bytes, LineError> {
    let text = match obj.get("payload") {
        None => return Err(LineError::Missing("payload")),
        Some(Value::String(p)) => p,
        Some(_) => return Err(field("payload", "a string")),
    };
    match obj.get("encoding").map(|e| e.as_str()) {
        None | Some(Some("utf8")) => Ok(Bytes::from(text.clone().into_bytes())),
        Some(Some("base64")) => base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(Bytes::from)
            .map_err(|_| field("payload", "base64, as \"encoding\": \"base64\" says")),
        Some(_) => Err(field("encoding", "\"utf8\" or \"base64\"")),
    }
}

fn properties(p: &Map<String, Value>) -> Result<Properties, LineError> {
    let text = |key: &'static str| -> Result<Option<String>, LineError> {
        match p.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(field(key, "a string")),
        }
    };
    let mut out = Properties {
        content_type: text("content_type")?,
        ..Properties::default()
    };
    if let Some(v) = p.get("payload_format_indicator") {
        out.payload_format_indicator = Some(
            v.as_u64()
                .filter(|v| *v <= 1)
                .map(|v| v as u8)
                .ok_or(field("payload_format_indicator", "0 or 1"))?,
        );
    }
    if let Some(v) = p.get("message_expiry_interval") {
        out.message_expiry_interval = Some(
            v.as_u64()
                .and_then(|v| u32::try_from(v).ok())
                .ok_or(field("message_expiry_interval", "seconds, 0 to 4294967295"))?,
        );
    }
    if let Some(t) = text("response_topic")? {
        validate_topic(&t).map_err(|_| field("response_topic", "a topic without wildcards"))?;
        out.response_topic = Some(t);
    }
    if let Some(d) = text("correlation_data")? {
        out.correlation_data = Some(
            base64::engine::general_purpose::STANDARD
                .decode(d)
                .map(Bytes::from)
                .map_err(|_| field("correlation_data", "base64"))?,
        );
    }
    match p.get("user_properties") {
        None => {}
        Some(Value::Array(pairs)) => {
            for pair in pairs {
                let kv = pair
                    .as_array()
                    .filter(|kv| kv.len() == 2)
                    .and_then(|kv| Some((kv[0].as_str()?, kv[1].as_str()?)))
                    .ok_or(field(
                        "user_properties",
                        "pairs of strings: [[\"k\", \"v\"], …]",
                    ))?;
                out.user_properties
                    .push((kv.0.to_string(), kv.1.to_string()));
            }
        }
        Some(_) => {
            return Err(field(
                "user_properties",
                "pairs of strings: [[\"k\", \"v\"], …]",
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(line: &str) -> Recorded {
        match parse_line(line.as_bytes()) {
            Ok(Line::Message(m)) => *m,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn every_field_reads_back_as_written_by_hand() {
        let m = msg(
            r#"{"topic":"a/b","payload":"AAH/","encoding":"base64","qos":2,"retain":true,"time":"2026-12-08T01:02:03.004Z","offset_ms":1500.25,"broker":"mqtt://h:1883","properties":{"payload_format_indicator":0,"message_expiry_interval":60,"content_type":"application/octet-stream","response_topic":"r/1","correlation_data":"Y29y","user_properties":[["k","v"],["k","w"]],"topic_alias":3,"subscription_identifiers":[7]},"decoded":{"view":"hex"}}"#,
        );
        assert_eq!(m.publish.topic, "a/b");
        assert_eq!(m.publish.payload.as_ref(), &[0x00, 0x01, 0xff]);
        assert_eq!(m.publish.qos, QoS::ExactlyOnce);
        assert!(m.publish.retain);
        assert_eq!(m.offset_ms, Some(1500.25));
        assert_eq!(m.broker.as_deref(), Some("mqtt://h:1883"));
        let t = m
            .time
            .unwrap()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap();
        assert_eq!(t.as_micros(), 1_796_691_723_004_000);
        let p = m.publish.properties.unwrap();
        assert_eq!(p.payload_format_indicator, Some(0));
        assert_eq!(p.message_expiry_interval, Some(60));
        assert_eq!(p.content_type.as_deref(), Some("application/octet-stream"));
        assert_eq!(p.response_topic.as_deref(), Some("r/1"));
        assert_eq!(p.correlation_data.as_deref(), Some(&b"cor"[..]));
        assert_eq!(
            p.user_properties,
            [("k".into(), "v".into()), ("k".into(), "w".into())]
        );
        assert_eq!(p.topic_alias, None, "the recorder's connection's, not ours");
        assert!(p.subscription_identifiers.is_empty());
    }

    #[test]
    fn text_payloads_and_defaults() {
        let m = msg(r#"{"topic":"t","payload":"21.5 °C"}"#);
        assert_eq!(m.publish.payload.as_ref(), "21.5 °C".as_bytes());
        assert_eq!(m.publish.qos, QoS::AtMostOnce);
        assert!(!m.publish.retain);
        assert_eq!(
            (m.offset_ms, m.time, m.publish.properties),
            (None, None, None)
        );
        let m = msg(r#"{"topic":"t","payload":"","encoding":"utf8","properties":{}}"#);
        assert!(m.publish.payload.is_empty());
        assert_eq!(m.publish.properties, None, "no property, no properties");
    }

    #[test]
    fn the_header_and_blank_lines_are_told_apart() {
        let h = parse_line(br#"{"recording":{"format":"mqscope recording","version":1}}"#);
        assert!(matches!(h, Ok(Line::Header(v)) if v["version"] == 1));
        assert_eq!(parse_line(b"  \t"), Ok(Line::Blank));
        assert_eq!(parse_line(b""), Ok(Line::Blank));
    }

    #[test]
    fn bad_lines_say_which_field_and_what_is_allowed() {
        let err = |l: &str| parse_line(l.as_bytes()).unwrap_err().to_string();
        assert!(err("{\"topic\":").starts_with("not JSON"));
        assert_eq!(err("[1]"), "not a JSON object");
        assert_eq!(err(r#"{"payload":"x"}"#), "\"topic\" is missing");
        assert_eq!(
            err(r#"{"topic":"a/+","payload":"x"}"#).split(':').next(),
            Some("\"topic\"")
        );
        assert_eq!(err(r#"{"topic":"a"}"#), "\"payload\" is missing");
        assert_eq!(
            err(r#"{"topic":"a","payload":"x","qos":3}"#),
            "\"qos\": 0, 1 or 2"
        );
        assert_eq!(
            err(r#"{"topic":"a","payload":"%%","encoding":"base64"}"#),
            "\"payload\": base64, as \"encoding\": \"base64\" says"
        );
        assert_eq!(
            err(r#"{"topic":"a","payload":"x","encoding":"latin1"}"#),
            "\"encoding\": \"utf8\" or \"base64\""
        );
        assert_eq!(
            err(r#"{"topic":"a","payload":"x","offset_ms":-1}"#),
            "\"offset_ms\": a number of milliseconds, 0 or more"
        );
        assert_eq!(
            err(r#"{"topic":"a","payload":"x","time":"yesterday"}"#),
            "\"time\": an RFC 3339 time after 1970"
        );
        assert_eq!(
            err(r#"{"topic":"a","payload":"x","properties":{"user_properties":[["k"]]}}"#),
            "\"user_properties\": pairs of strings: [[\"k\", \"v\"], …]"
        );
        assert_eq!(
            err(
                r#"{"topic":"a","payload":"x","properties":{"message_expiry_interval":4294967296}}"#
            ),
            "\"message_expiry_interval\": seconds, 0 to 4294967295"
        );
    }

    #[test]
    fn positions_are_offsets_or_times() {
        let ms = |s: &str| match Position::parse(s) {
            Ok(Position::OffsetMs(ms)) => ms,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(ms("90"), 90_000.0);
        assert_eq!(ms("1.5s"), 1_500.0);
        assert_eq!(ms("1500ms"), 1_500.0);
        assert_eq!(ms("2m"), 120_000.0);
        assert_eq!(ms("1h"), 3_600_000.0);
        assert_eq!(ms("1m30s"), 90_000.0);
        assert_eq!(ms("0"), 0.0);
        let t = Position::parse("2026-12-08T03:00:00Z").unwrap();
        assert_eq!(
            t,
            Position::Time(SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_698_800))
        );
        for bad in ["", "-5", "1x", "s", "1m30", "1.2.3s", "nan", "inf"] {
            let e = Position::parse(bad).unwrap_err();
            assert!(e.contains("neither an offset"), "{bad:?}: {e}");
        }
        assert_eq!(Position::OffsetMs(5.0).reached(5.0, None), Some(true));
        assert_eq!(Position::OffsetMs(5.0).reached(4.9, None), Some(false));
        assert_eq!(t.reached(0.0, None), None, "no time: cannot tell");
    }

    #[test]
    fn without_an_offset_the_wall_time_against_the_first_schedules() {
        let a = msg(r#"{"topic":"t","payload":"1","time":"2026-12-08T00:00:00.000Z"}"#);
        let b = msg(r#"{"topic":"t","payload":"2","time":"2026-12-08T00:00:01.250Z"}"#);
        assert_eq!(b.at_ms(a.time), Some(1250.0));
        assert_eq!(a.at_ms(b.time), Some(-1250.0));
        let c = msg(r#"{"topic":"t","payload":"3","offset_ms":7}"#);
        assert_eq!(c.at_ms(a.time), Some(7.0));
        assert_eq!(msg(r#"{"topic":"t","payload":"4"}"#).at_ms(a.time), None);
    }
}
