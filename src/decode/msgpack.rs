//! MessagePack into the same tree as JSON (`rmpv`). Chosen by a rule, `v` or its content type;
//! guessed only for what is surely MessagePack: a payload that is not UTF-8 text and reads,
//! whole and exactly, as one map with text keys (or a list of such maps). Most byte strings
//! are some MessagePack value, so nothing looser is guessed.

use rmpv::Value;

use super::{Confidence, DecodeError, Decoded, Decoder, Scalar};
use crate::mqtt::Properties;

/// A sure guess beats text (which it is not) and hex, and loses to an image's magic bytes.
const SURE: Confidence = 60;

pub struct MsgPack;

impl Decoder for MsgPack {
    fn whole(&self) -> bool {
        true
    }

    fn id(&self) -> &'static str {
        "msgpack"
    }

    fn sniff(&self, payload: &[u8], _props: Option<&Properties>, _topic: &str) -> Confidence {
        // Only a map or a list can start it: fixmap, fixarray, map 16/32, array 16/32.
        let starts = matches!(payload.first(), Some(0x80..=0x9f | 0xdc..=0xdf));
        if !starts
            || payload.len() > super::page::PAGE_BYTES
            || std::str::from_utf8(payload).is_ok()
        {
            return 0;
        }
        match self.decode(payload) {
            Ok(d) if super::maps_with_text_keys(&d) && keys_are_text(payload) => SURE,
            _ => 0,
        }
    }

    fn decode(&self, payload: &[u8]) -> Result<Decoded, DecodeError> {
        let mut rest = payload;
        // rmpv counts a container level twice (the value, then its items) and a string's or
        // an extension's body once or twice more: twice the levels, and room for a leaf.
        let value = rmpv::decode::read_value_with_max_depth(&mut rest, 2 * super::NESTING_MAX + 4)
            .map_err(|e| {
                DecodeError::new(
                    format!("not MessagePack: {e}"),
                    Some(payload.len() - rest.len()),
                )
            })?;
        super::nothing_after("MessagePack", payload, rest)?;
        Ok(from_value(value))
    }
}

/// Whether every map key in the payload is a string (the decoded tree shows other keys as
/// text too, so this reads the payload again).
fn keys_are_text(payload: &[u8]) -> bool {
    fn all(v: &Value) -> bool {
        match v {
            Value::Map(pairs) => pairs.iter().all(|(k, v)| k.is_str() && all(v)),
            Value::Array(items) => items.iter().all(all),
            _ => true,
        }
    }
    let mut rest = payload;
    rmpv::decode::read_value_with_max_depth(&mut rest, 2 * super::NESTING_MAX + 4)
        .is_ok_and(|v| all(&v))
}

fn key_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.as_str().map_or_else(|| format!("{v}"), str::to_string),
        other => format!("{other}"),
    }
}

fn from_value(v: Value) -> Decoded {
    match v {
        Value::Nil => Decoded::Scalar(Scalar::Null),
        Value::Boolean(b) => Decoded::Scalar(Scalar::Bool(b)),
        Value::Integer(i) => Decoded::Scalar(Scalar::Number(i.to_string())),
        // The shortest text that reads back as the same float (Display wrote 1e300 as 301
        // digits).
        Value::F32(f) => Decoded::Scalar(Scalar::Number(format!("{f:?}"))),
        Value::F64(f) => Decoded::Scalar(Scalar::Number(format!("{f:?}"))),
        Value::String(s) => match s.into_str() {
            Some(s) => Decoded::Scalar(Scalar::Str(s)),
            None => Decoded::Scalar(Scalar::Str("(invalid UTF-8 string)".into())),
        },
        Value::Binary(b) => Decoded::Bytes(b),
        Value::Array(items) => Decoded::List(items.into_iter().map(from_value).collect()),
        Value::Map(pairs) => Decoded::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (key_text(&k), from_value(v)))
                .collect(),
        ),
        Value::Ext(-1, data) => match timestamp(&data) {
            Some(date) => Decoded::Scalar(Scalar::Named {
                text: date,
                what: "timestamp, ext -1".into(),
            }),
            None => Decoded::Map(vec![(
                "ext -1 (not a timestamp: 4, 8 or 12 bytes, nanoseconds under 10⁹)".into(),
                Decoded::Bytes(data),
            )]),
        },
        Value::Ext(kind, data) => Decoded::Map(vec![(format!("ext {kind}"), Decoded::Bytes(data))]),
    }
}

/// MessagePack's timestamp extension (type −1) as an RFC 3339 UTC date: 32 bits of seconds; 30
/// of nanoseconds and 34 of seconds; or 32 of nanoseconds and 64 of signed seconds.
fn timestamp(data: &[u8]) -> Option<String> {
    let (secs, nanos) = match data.len() {
        4 => (i64::from(u32::from_be_bytes(data.try_into().ok()?)), 0),
        8 => {
            let v = u64::from_be_bytes(data.try_into().ok()?);
            ((v & 0x3_ffff_ffff) as i64, (v >> 34) as u32)
        }
        12 => (
            i64::from_be_bytes(data[4..].try_into().ok()?),
            u32::from_be_bytes(data[..4].try_into().ok()?),
        ),
        _ => return None,
    };
    if nanos >= 1_000_000_000 {
        return None;
    }
    match chrono::DateTime::from_timestamp(secs, nanos) {
        Some(d) => Some(d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        // Past chrono's calendar (±262,000 years): the numbers themselves.
        None => Some(format!("{secs} s + {nanos} ns since 1970")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_in_order_and_errors_that_say_where() {
        // {"kwh": 12.5, "on": true, "id": 7}
        let mut b = vec![0x83];
        b.extend([0xa3, b'k', b'w', b'h', 0xcb]);
        b.extend(12.5f64.to_be_bytes());
        b.extend([0xa2, b'o', b'n', 0xc3, 0xa2, b'i', b'd', 0x07]);
        let Decoded::Map(m) = MsgPack.decode(&b).unwrap() else {
            panic!()
        };
        let keys: Vec<_> = m.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["kwh", "on", "id"]);
        assert_eq!(m[0].1, Decoded::Scalar(Scalar::Number("12.5".into())));
        let e = MsgPack.decode(&b[..5]).unwrap_err();
        assert!(e.message.starts_with("not MessagePack"), "{e}");
        let mut extra = b.clone();
        extra.push(0x01);
        assert_eq!(MsgPack.decode(&extra).unwrap_err().offset, Some(b.len()));
    }

    /// The timestamp extension in its three sizes (hand-written, as the spec lays them out).
    #[test]
    fn timestamps_are_dates() {
        let named = |b: &[u8]| match MsgPack.decode(b) {
            Ok(Decoded::Scalar(Scalar::Named { text, what })) => (text, what),
            other => panic!("{b:02x?}: {other:?}"),
        };
        // fixext 4: 1363896240 s.
        let t32 = [0xd6, 0xff, 0x51, 0x4b, 0x67, 0xb0];
        assert_eq!(
            named(&t32),
            ("2013-03-21T20:04:00Z".into(), "timestamp, ext -1".into())
        );
        // fixext 8: 500,000,000 ns << 34 | 1363896240 s.
        let v = (500_000_000u64 << 34) | 1_363_896_240;
        let mut t64 = vec![0xd7, 0xff];
        t64.extend(v.to_be_bytes());
        assert_eq!(named(&t64).0, "2013-03-21T20:04:00.500Z");
        // ext 8 with 12 bytes: 1 ns, −1 s.
        let mut t96 = vec![0xc7, 12, 0xff];
        t96.extend(1u32.to_be_bytes());
        t96.extend((-1i64).to_be_bytes());
        assert_eq!(named(&t96).0, "1969-12-31T23:59:59.000000001Z");
        // Nanoseconds past a second: not a timestamp, its bytes shown.
        let mut bad = vec![0xd7, 0xff];
        bad.extend(((1_000_000_000u64 << 34) | 1).to_be_bytes());
        assert!(matches!(MsgPack.decode(&bad), Ok(Decoded::Map(_))));
        // Another extension: its type and bytes.
        let Ok(Decoded::Map(m)) = MsgPack.decode(&[0xd4, 0x05, 0x2a]) else {
            panic!()
        };
        assert_eq!(m, vec![("ext 5".into(), Decoded::Bytes(vec![0x2a]))]);
    }
}
