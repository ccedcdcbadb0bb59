//! CBOR into the same tree as JSON (`ciborium`). Not guessed: chosen by a rule, `v`, or its
//! content type (`application/cbor`).

use ciborium::value::Value;

use super::{DecodeError, Decoded, Decoder, Scalar};

pub struct Cbor;

impl Decoder for Cbor {
    fn whole(&self) -> bool {
        true
    }

    fn id(&self) -> &'static str {
        "cbor"
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
