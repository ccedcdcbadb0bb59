//! JSON into the neutral value, keys in their order (serde_json's `preserve_order`).

use serde_json::Value;

use super::page::PAGE_BYTES;
use super::{Confidence, DecodeError, Decoded, Decoder, Scalar};
use crate::mqtt::Properties;

pub struct Json;

impl Decoder for Json {
    fn whole(&self) -> bool {
        true
    }

    fn id(&self) -> &'static str {
        "json"
    }

    /// A prefix test only: the full parse happens once, in `decode`, and a guess that fails to
    /// parse falls through to the next decoder.
    fn sniff(&self, payload: &[u8], props: Option<&Properties>, _topic: &str) -> Confidence {
        let declared = props
            .and_then(|p| p.content_type.as_deref())
            .is_some_and(|ct| ct.contains("json"));
        let first = payload.iter().find(|b| !b.is_ascii_whitespace());
        match first {
            Some(b'{') | Some(b'[') if payload.len() <= PAGE_BYTES => 80,
            Some(_) if declared => 70,
            _ => 0,
        }
    }

    fn decode(&self, payload: &[u8]) -> Result<Decoded, DecodeError> {
        let value: Value = serde_json::from_slice(payload).map_err(|e| {
            DecodeError::new(
                format!("not JSON: {e}"),
                Some(offset_of(payload, e.line(), e.column())),
            )
        })?;
        Ok(from_value(value))
    }
}

/// serde_json reports 1-based line and column; the error view wants a byte offset.
fn offset_of(payload: &[u8], line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in payload.split(|b| *b == b'\n').enumerate() {
        if i + 1 == line {
            return (offset + column.saturating_sub(1)).min(payload.len());
        }
        offset += l.len() + 1;
    }
    payload.len()
}

pub(super) fn from_value(v: Value) -> Decoded {
    match v {
        Value::Null => Decoded::Scalar(Scalar::Null),
        Value::Bool(b) => Decoded::Scalar(Scalar::Bool(b)),
        Value::Number(n) => Decoded::Scalar(Scalar::Number(n.to_string())),
        Value::String(s) => Decoded::Scalar(Scalar::Str(s)),
        Value::Array(items) => Decoded::List(items.into_iter().map(from_value).collect()),
        Value::Object(map) => {
            Decoded::Map(map.into_iter().map(|(k, v)| (k, from_value(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_number_text() {
        let d = Json.decode(br#"{"b":1.5,"a":[true,null,"x"]}"#).unwrap();
        let Decoded::Map(m) = d else { panic!() };
        assert_eq!(m[0].0, "b");
        assert_eq!(m[0].1, Decoded::Scalar(Scalar::Number("1.5".into())));
        assert_eq!(m[1].0, "a");
    }

    #[test]
    fn errors_say_where() {
        let e = Json.decode(b"{\n  \"a\": tru }").unwrap_err();
        assert!(e.message.starts_with("not JSON"));
        // serde_json points just past the bad token.
        assert_eq!(e.offset, Some(12));
    }
}
