//! JSON into the neutral value, read as the document has it: every key in its order, a key
//! given twice kept twice (serde_json's map keeps only the last; the detail marks the second),
//! and every number as written (serde_json's `arbitrary_precision` hands us its text, so
//! `12345678901234567890123` is not shown as `1.2345678901234568e+22`, and `1e400` is a number,
//! not an error).

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

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
        parse(payload)
    }
}

/// A JSON document as written: keys in order and duplicates kept, numbers as their text.
pub fn parse(payload: &[u8]) -> Result<Decoded, DecodeError> {
    let mut doc = serde_json::from_slice::<Doc>(payload)
        .map(|d| d.0)
        .map_err(|e| {
            DecodeError::new(
                format!("not JSON: {e}"),
                Some(offset_of(payload, e.line(), e.column())),
            )
        })?;
    // serde_json keeps a number's digits but writes its exponent its own way (`1e400` as
    // `1e+400`): the document's own spelling is put back, number by number, in order.
    let raw = number_tokens(payload);
    let mut numbers = Vec::new();
    collect_numbers(&mut doc, &mut numbers);
    if numbers.len() == raw.len() {
        for (n, text) in numbers.into_iter().zip(raw) {
            *n = text;
        }
    }
    Ok(doc)
}

/// Every number of a (valid) JSON document as written, in document order.
fn number_tokens(payload: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < payload.len() {
        match payload[i] {
            b'"' => {
                // Past the string, escapes included.
                i += 1;
                while i < payload.len() && payload[i] != b'"' {
                    i += if payload[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < payload.len()
                    && matches!(payload[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                out.push(String::from_utf8_lossy(&payload[start..i]).into_owned());
            }
            _ => i += 1,
        }
    }
    out
}

/// The number texts of `d`, in document order.
fn collect_numbers<'a>(d: &'a mut Decoded, out: &mut Vec<&'a mut String>) {
    match d {
        Decoded::Scalar(Scalar::Number(n)) => out.push(n),
        Decoded::Map(m) => m.iter_mut().for_each(|(_, v)| collect_numbers(v, out)),
        Decoded::List(l) => l.iter_mut().for_each(|v| collect_numbers(v, out)),
        _ => {}
    }
}

/// What serde_json names a number's text with under `arbitrary_precision`.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

struct Doc(Decoded);

impl<'de> Deserialize<'de> for Doc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Doc, D::Error> {
        d.deserialize_any(DocVisitor).map(Doc)
    }
}

struct DocVisitor;

impl<'de> Visitor<'de> for DocVisitor {
    type Value = Decoded;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Decoded, E> {
        Ok(Decoded::Scalar(Scalar::Bool(b)))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Decoded, E> {
        Ok(Decoded::Scalar(Scalar::Number(n.to_string())))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Decoded, E> {
        Ok(Decoded::Scalar(Scalar::Number(n.to_string())))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Decoded, E> {
        Ok(Decoded::Scalar(Scalar::Number(n.to_string())))
    }

    fn visit_str<E>(self, s: &str) -> Result<Decoded, E> {
        Ok(Decoded::Scalar(Scalar::Str(s.to_string())))
    }

    fn visit_string<E>(self, s: String) -> Result<Decoded, E> {
        Ok(Decoded::Scalar(Scalar::Str(s)))
    }

    fn visit_unit<E>(self) -> Result<Decoded, E> {
        Ok(Decoded::Scalar(Scalar::Null))
    }

    fn visit_none<E>(self) -> Result<Decoded, E> {
        Ok(Decoded::Scalar(Scalar::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Decoded, A::Error> {
        let mut items = Vec::new();
        while let Some(Doc(d)) = seq.next_element()? {
            items.push(d);
        }
        Ok(Decoded::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decoded, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if entries.is_empty() && key == NUMBER_TOKEN {
                // A number, as its text.
                let text: String = map.next_value()?;
                return Ok(Decoded::Scalar(Scalar::Number(text)));
            }
            let Doc(value) = map.next_value()?;
            entries.push((key, value));
        }
        Ok(Decoded::Map(entries))
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

    /// Hand-written documents: numbers as written, a duplicate key kept twice.
    #[test]
    fn numbers_as_written_and_duplicate_keys_kept() {
        let d = parse(
            br#"{"big":12345678901234567890123,"huge":1e400,"f":0.10,"a":1,"a":2,"s":"-1e5 \" 7","e":-2.5E-3}"#,
        )
        .unwrap();
        let Decoded::Map(m) = d else { panic!() };
        let num = |i: usize| match &m[i].1 {
            Decoded::Scalar(Scalar::Number(n)) => n.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(num(0), "12345678901234567890123");
        assert_eq!(num(1), "1e400");
        assert_eq!(num(2), "0.10");
        assert_eq!((m[3].0.as_str(), num(3)), ("a", "1".to_string()));
        assert_eq!((m[4].0.as_str(), num(4)), ("a", "2".to_string()));
        assert_eq!(m[5].1, Decoded::Scalar(Scalar::Str("-1e5 \" 7".into())));
        assert_eq!(num(6), "-2.5E-3");
        assert!(parse(b"[1, 2,]").is_err());
        // Nesting past serde_json's limit is an error, not a stack overflow.
        let deep = "[".repeat(100_000);
        assert!(parse(deep.as_bytes()).is_err());
    }

    #[test]
    fn errors_say_where() {
        let e = Json.decode(b"{\n  \"a\": tru }").unwrap_err();
        assert!(e.message.starts_with("not JSON"));
        // serde_json points just past the bad token.
        assert_eq!(e.offset, Some(12));
    }
}
