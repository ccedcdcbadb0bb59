//! A message's value as a rule reads it: text, and a number when the text is one. A payload
//! that is not UTF-8, a JSON payload without the path, or a payload that is not JSON has no
//! value: the message changes nothing for the rule (it is not "0" or "").

use serde_json::Value;

use super::rule::ValueOf;
use crate::decode::decimal::Decimal;

/// Payloads read for a JSON path are at most this long: past it the message has no value
/// (parsing megabytes per message would stall the loop for one rule).
pub const JSON_MAX: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    /// As written: the payload's text, a JSON string's text, or a JSON value's compact text.
    pub text: String,
    pub number: Option<Decimal>,
}

pub fn read(of: &ValueOf, payload: &[u8]) -> Option<Read> {
    match of {
        ValueOf::Payload => {
            // Whitespace around a payload ("on\n" from `echo`) is not part of its value.
            let text = std::str::from_utf8(payload).ok()?.trim();
            Some(Read {
                number: Decimal::parse(text),
                text: text.to_string(),
            })
        }
        ValueOf::Json(path) => {
            if payload.len() > JSON_MAX {
                return None;
            }
            let doc: Value = serde_json::from_slice(payload).ok()?;
            let got = path.split('.').try_fold(&doc, |cur, key| match cur {
                Value::Object(m) => m.get(key),
                Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            })?;
            Some(match got {
                // The number's text as the JSON wrote it (serde_json keeps it with
                // arbitrary_precision off only for what fits; its Display is exact for those).
                Value::Number(n) => {
                    let text = n.to_string();
                    Read {
                        number: Decimal::parse(&text),
                        text,
                    }
                }
                Value::String(s) => Read {
                    number: Decimal::parse(s),
                    text: s.clone(),
                },
                other => Read {
                    text: other.to_string(),
                    number: None,
                },
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_as_written_or_not_at_all() {
        let p = read(&ValueOf::Payload, b" 21.5\n").unwrap();
        assert_eq!(p.number, Decimal::parse("21.5"));
        assert_eq!(read(&ValueOf::Payload, b"\xff\xfe"), None);
        let j = ValueOf::Json("env.temp".into());
        let r = read(&j, br#"{"env":{"temp":31}}"#).unwrap();
        assert_eq!((r.text.as_str(), r.number), ("31", Decimal::parse("31")));
        let s = read(&j, br#"{"env":{"temp":"hot"}}"#).unwrap();
        assert_eq!((s.text.as_str(), s.number), ("hot", None));
        assert_eq!(read(&j, br#"{"env":{}}"#), None);
        assert_eq!(read(&j, b"not json"), None);
        let list = ValueOf::Json("a.1".into());
        assert_eq!(read(&list, br#"{"a":[1,true]}"#).unwrap().text, "true");
    }
}
