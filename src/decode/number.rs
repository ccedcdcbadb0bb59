//! A payload that is one number in text ("21.5", "-3", "1e-3"): shown as a number, and the
//! series charts read.

use super::{Confidence, DecodeError, Decoded, Decoder, Scalar};
use crate::mqtt::Properties;

pub struct Number;

/// The number in `payload`, trimmed, if that is all it holds.
fn parse(payload: &[u8]) -> Option<&str> {
    let s = std::str::from_utf8(payload).ok()?.trim();
    let looks = !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
        && s.bytes().any(|b| b.is_ascii_digit());
    (looks && s.parse::<f64>().is_ok_and(f64::is_finite)).then_some(s)
}

/// The value of a payload that is one number in text, if it is one.
pub fn value(payload: &[u8]) -> Option<f64> {
    parse(payload)?.parse().ok()
}

impl Decoder for Number {
    fn id(&self) -> &'static str {
        "number"
    }

    fn sniff(&self, payload: &[u8], _props: Option<&Properties>, _topic: &str) -> Confidence {
        if parse(payload).is_some() { 85 } else { 0 }
    }

    fn decode(&self, payload: &[u8]) -> Result<Decoded, DecodeError> {
        parse(payload)
            .map(|s| Decoded::Scalar(Scalar::Number(s.to_string())))
            .ok_or_else(|| DecodeError::new("not a number", None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_not() {
        for ok in ["21.5", " -3\n", "1e-3", "0", "+7"] {
            assert_eq!(Number.sniff(ok.as_bytes(), None, "t"), 85, "{ok:?}");
        }
        for no in ["", "abc", "1.2.3", "e", "nan", "inf", "12 apples", "-"] {
            assert_eq!(Number.sniff(no.as_bytes(), None, "t"), 0, "{no:?}");
        }
        assert_eq!(
            Number.decode(b" 21.5 ").unwrap(),
            Decoded::Scalar(Scalar::Number("21.5".into()))
        );
    }
}
