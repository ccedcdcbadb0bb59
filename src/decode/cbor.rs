//! CBOR into the same tree as JSON (`ciborium`). Chosen by a rule, `v` or its content type
//! (`application/cbor`); guessed only for what is surely CBOR: a payload that is not UTF-8
//! text and reads, whole and exactly, as one map with text keys (or a list of such maps).

use ciborium::value::Value;

use super::{Confidence, DecodeError, Decoded, Decoder, Scalar};
use crate::mqtt::Properties;

/// As sure as MessagePack's guess; a payload both read the same way is MessagePack's (it is
/// registered first).
const SURE: Confidence = 60;

pub struct Cbor;

impl Decoder for Cbor {
    fn whole(&self) -> bool {
        true
    }

    fn id(&self) -> &'static str {
        "cbor"
    }

    fn sniff(&self, payload: &[u8], _props: Option<&Properties>, _topic: &str) -> Confidence {
        // Only a map or a list can start it (major types 5 and 4).
        let starts = matches!(payload.first(), Some(0x80..=0xbf));
        if !starts
            || payload.len() > super::page::PAGE_BYTES
            || std::str::from_utf8(payload).is_ok()
        {
            return 0;
        }
        let mut rest = payload;
        let value: Result<Value, _> =
            ciborium::de::from_reader_with_recursion_limit(&mut rest, super::NESTING_MAX);
        match value {
            Ok(v) if rest.is_empty() && text_keyed(&v, true) => SURE,
            _ => 0,
        }
    }

    fn decode(&self, payload: &[u8]) -> Result<Decoded, DecodeError> {
        let mut rest = payload;
        let value: Value =
            ciborium::de::from_reader_with_recursion_limit(&mut rest, super::NESTING_MAX).map_err(
                |e| {
                    let offset = match &e {
                        ciborium::de::Error::Syntax(at) => Some(*at),
                        ciborium::de::Error::Semantic(at, _) => *at,
                        _ => None,
                    };
                    DecodeError::new(format!("not CBOR: {e}"), offset)
                },
            )?;
        super::nothing_after("CBOR", payload, rest)?;
        Ok(from_value(value))
    }
}

/// A map with text keys all the way down (or, at the top, a non-empty list of such maps).
fn text_keyed(v: &Value, top: bool) -> bool {
    fn keys(v: &Value) -> bool {
        match v {
            Value::Map(pairs) => pairs.iter().all(|(k, v)| k.is_text() && keys(v)),
            Value::Array(items) => items.iter().all(keys),
            Value::Tag(_, inner) => keys(inner),
            _ => true,
        }
    }
    match v {
        Value::Map(_) => keys(v),
        Value::Array(items) if top => {
            !items.is_empty() && items.iter().all(|i| matches!(i, Value::Map(_)) && keys(i))
        }
        _ => false,
    }
}

fn key_text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        Value::Integer(i) => i128::from(*i).to_string(),
        other => format!("{other:?}"),
    }
}

fn from_value(v: Value) -> Decoded {
    match v {
        Value::Null => Decoded::Scalar(Scalar::Null),
        Value::Bool(b) => Decoded::Scalar(Scalar::Bool(b)),
        Value::Integer(i) => Decoded::Scalar(Scalar::Number(i128::from(i).to_string())),
        Value::Float(f) => Decoded::Scalar(Scalar::Number(f.to_string())),
        Value::Text(s) => Decoded::Scalar(Scalar::Str(s)),
        Value::Bytes(b) => Decoded::Bytes(b),
        Value::Array(items) => Decoded::List(items.into_iter().map(from_value).collect()),
        Value::Map(pairs) => Decoded::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (key_text(&k), from_value(v)))
                .collect(),
        ),
        Value::Tag(tag, inner) => Decoded::Map(vec![
            (
                "tag".into(),
                Decoded::Scalar(Scalar::Number(tag.to_string())),
            ),
            ("value".into(), from_value(*inner)),
        ]),
        _ => Decoded::Scalar(Scalar::Str("(unsupported CBOR value)".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_and_a_truncated_one() {
        // {"t": 21, "ok": true}
        let b = [0xa2, 0x61, b't', 0x15, 0x62, b'o', b'k', 0xf5];
        let Decoded::Map(m) = Cbor.decode(&b).unwrap() else {
            panic!()
        };
        assert_eq!(
            m[0],
            ("t".into(), Decoded::Scalar(Scalar::Number("21".into())))
        );
        assert_eq!(m[1], ("ok".into(), Decoded::Scalar(Scalar::Bool(true))));
        assert!(
            Cbor.decode(&b[..4])
                .unwrap_err()
                .message
                .starts_with("not CBOR")
        );
    }
}
