//! Where a message says when it was sent: a JSON field (a dotted path), an MQTT 5 user
//! property, or an unsigned big-endian integer at a byte offset; in seconds, milliseconds,
//! microseconds or nanoseconds since the Unix epoch, or RFC 3339 text. Chosen per topic filter
//! by `[[latency]]` rules in the profile file; the lag is the arrival time minus this.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::mqtt::Properties;

/// Where the send time is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A dotted path into a JSON payload (`meta.sent_at`; a number is a list index).
    Json(String),
    /// An MQTT 5 user property of this name.
    Property(String),
    /// `width` bytes (1 to 8) at `offset`, unsigned big-endian.
    Bytes { offset: usize, width: usize },
}

/// What the number means (RFC 3339: the value is text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Seconds,
    Millis,
    Micros,
    Nanos,
    Rfc3339,
}

impl Unit {
    /// The names the profile file takes.
    pub const CHOICES: &'static str = "s, ms, us (or µs), ns, rfc3339";

    pub fn parse(s: &str) -> Option<Unit> {
        Some(match s {
            "s" => Unit::Seconds,
            "ms" => Unit::Millis,
            "us" | "µs" => Unit::Micros,
            "ns" => Unit::Nanos,
            "rfc3339" => Unit::Rfc3339,
            _ => return None,
        })
    }

    /// A time from a count of this unit since the epoch (fractions kept for s and ms).
    fn time_of_number(self, n: f64) -> Option<SystemTime> {
        let secs = match self {
            Unit::Seconds => n,
            Unit::Millis => n / 1e3,
            Unit::Micros => n / 1e6,
            Unit::Nanos => n / 1e9,
            Unit::Rfc3339 => return None,
        };
        if !(0.0..=1e11).contains(&secs) {
            return None;
        }
        UNIX_EPOCH.checked_add(Duration::from_secs_f64(secs))
    }

    fn time_of_text(self, s: &str) -> Option<SystemTime> {
        match self {
            Unit::Rfc3339 => {
                let t = chrono::DateTime::parse_from_rfc3339(s.trim()).ok()?;
                let nanos = t.timestamp_nanos_opt()?;
                let nanos = u64::try_from(nanos).ok()?;
                UNIX_EPOCH.checked_add(Duration::from_nanos(nanos))
            }
            _ => self.time_of_number(s.trim().parse().ok()?),
        }
    }
}

/// JSON payloads past this are not parsed for their send time (the detail works it out for
/// every kept message each time it is drawn).
pub const JSON_MAX: usize = 64 * 1024;

/// One `[[latency]]` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatencyRule {
    pub filter: String,
    pub source: Source,
    pub unit: Unit,
}

impl LatencyRule {
    /// When the message says it was sent, if it says so where the rule looks.
    pub fn sent_at(&self, payload: &[u8], properties: Option<&Properties>) -> Option<SystemTime> {
        match &self.source {
            Source::Json(path) => {
                if payload.len() > JSON_MAX {
                    return None;
                }
                let v: serde_json::Value = serde_json::from_slice(payload).ok()?;
                let v = path.split('.').try_fold(&v, |v, key| match v {
                    serde_json::Value::Array(a) => a.get(key.parse::<usize>().ok()?),
                    _ => v.get(key),
                })?;
                match v {
                    serde_json::Value::Number(n) => self.unit.time_of_number(n.as_f64()?),
                    serde_json::Value::String(s) => self.unit.time_of_text(s),
                    _ => None,
                }
            }
            Source::Property(name) => {
                let props = properties?;
                let (_, value) = props.user_properties.iter().find(|(k, _)| k == name)?;
                self.unit.time_of_text(value)
            }
            Source::Bytes { offset, width } => {
                let bytes = payload.get(*offset..offset.checked_add(*width)?)?;
                let n = bytes.iter().fold(0u64, |n, b| (n << 8) | u64::from(*b));
                // Integers past 2^53 lose nanoseconds as f64, not whole microseconds.
                self.unit.time_of_number(n as f64)
            }
        }
    }
}

/// The first rule whose filter matches `topic`.
pub fn rule_for<'a>(rules: &'a [LatencyRule], topic: &str) -> Option<&'a LatencyRule> {
    rules
        .iter()
        .find(|r| crate::mqtt::topic::filter_matches(&r.filter, topic))
}

/// Arrival minus send time in milliseconds: negative when the sender's clock is ahead.
pub fn lag_ms(sent: SystemTime, arrived: SystemTime) -> f64 {
    match arrived.duration_since(sent) {
        Ok(d) => d.as_secs_f64() * 1e3,
        Err(e) => -e.duration().as_secs_f64() * 1e3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(source: Source, unit: Unit) -> LatencyRule {
        LatencyRule {
            filter: "#".into(),
            source,
            unit,
        }
    }

    fn at(secs: f64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs_f64(secs)
    }

    #[test]
    fn a_send_time_is_read_where_each_rule_looks() {
        let json = rule(Source::Json("meta.sent".into()), Unit::Millis);
        let t = json.sent_at(br#"{"meta":{"sent":1764000000123}}"#, None);
        assert_eq!(t, Some(at(1_764_000_000.123)));
        let list = rule(Source::Json("ts.1".into()), Unit::Seconds);
        assert_eq!(
            list.sent_at(br#"{"ts":[0, 1764000000.5]}"#, None),
            Some(at(1_764_000_000.5))
        );
        let text = rule(Source::Json("t".into()), Unit::Rfc3339);
        let t = text.sent_at(br#"{"t":"2025-11-24T16:00:00.250+01:00"}"#, None);
        assert_eq!(t, Some(at(1_763_996_400.25)));
        // Eight bytes of nanoseconds at offset 2, big-endian (written by hand).
        let bytes = rule(
            Source::Bytes {
                offset: 2,
                width: 8,
            },
            Unit::Nanos,
        );
        let ns: u64 = 1_764_000_000_000_000_000;
        let mut payload = vec![0xAA, 0xBB];
        payload.extend_from_slice(&ns.to_be_bytes());
        assert_eq!(bytes.sent_at(&payload, None), Some(at(1_764_000_000.0)));
        assert_eq!(bytes.sent_at(&payload[..9], None), None, "too short");
        let prop = rule(Source::Property("sent_us".into()), Unit::Micros);
        let props = Properties {
            user_properties: vec![("sent_us".into(), "1764000000000250".into())],
            ..Default::default()
        };
        assert_eq!(
            prop.sent_at(b"", Some(&props)),
            Some(at(1_764_000_000.000_25))
        );
        assert_eq!(prop.sent_at(b"", None), None);
        // Not there, or not a time.
        assert_eq!(json.sent_at(b"not json", None), None);
        assert_eq!(json.sent_at(br#"{"meta":{"sent":"soon"}}"#, None), None);
        assert_eq!(json.sent_at(br#"{"meta":{"sent":-5}}"#, None), None);
    }

    #[test]
    fn a_sender_ahead_of_us_gives_a_negative_lag() {
        assert_eq!(lag_ms(at(10.0), at(10.25)), 250.0);
        assert_eq!(lag_ms(at(10.25), at(10.0)), -250.0);
    }
}
