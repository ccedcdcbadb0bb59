//! Base64 text decoded, then viewed as what it holds: JSON as a tree, text as text, anything
//! else as bytes. Not guessed ("abcd" is valid base64): chosen by a rule or `v`.

use base64::Engine;

use super::{DecodeError, Decoded, Decoder, Json, Text};

pub struct Base64;

impl Decoder for Base64 {
    fn id(&self) -> &'static str {
        "base64"
    }

    fn decode(&self, payload: &[u8]) -> Result<Decoded, DecodeError> {
        let text: Vec<u8> = payload
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        let engine = &base64::engine::general_purpose::STANDARD;
        let bytes = engine
            .decode(&text)
            .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(&text))
            .map_err(|e| {
                let offset = match e {
                    base64::DecodeError::InvalidByte(at, _) => Some(at),
                    _ => None,
                };
                DecodeError::new(format!("not base64: {e}"), offset)
            })?;
        if Json.sniff(&bytes, None, "") > 0
            && let Ok(d) = Json.decode(&bytes)
        {
            return Ok(d);
        }
        if Text.sniff(&bytes, None, "") > 0
            && !bytes
                .iter()
                .any(|b| b.is_ascii_control() && !b.is_ascii_whitespace())
        {
            return Text.decode(&bytes);
        }
        Ok(Decoded::Bytes(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_then_views_what_it_holds() {
        let Decoded::Map(m) = Base64.decode(b"eyJhIjoxfQ==").unwrap() else {
            panic!()
        };
        assert_eq!(m[0].0, "a");
        assert_eq!(
            Base64.decode(b"aGVsbG8=\n").unwrap(),
            Decoded::Text("hello".into())
        );
        assert_eq!(
            Base64.decode(b"AAEC").unwrap(),
            Decoded::Bytes(vec![0, 1, 2])
        );
        assert!(
            Base64
                .decode(b"no*base64")
                .unwrap_err()
                .message
                .starts_with("not base64")
        );
    }
}
