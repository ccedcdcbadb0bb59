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
        Value::F32(f) => Decoded::Scalar(Scalar::Number(f.to_string())),
        Value::F64(f) => Decoded::Scalar(Scalar::Number(f.to_string())),
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
        Value::Ext(kind, data) => Decoded::Map(vec![
            (
                "ext type".into(),
                Decoded::Scalar(Scalar::Number(kind.to_string())),
            ),
            ("data".into(), Decoded::Bytes(data)),
        ]),
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
}
