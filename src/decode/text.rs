//! UTF-8 text as it is (escaped when drawn). The guess for anything valid UTF-8 that no
//! structured format claims.

use super::{Confidence, DecodeError, Decoded, Decoder};
use crate::mqtt::Properties;

pub struct Text;

impl Decoder for Text {
    fn id(&self) -> &'static str {
        "text"
    }

    fn sniff(&self, payload: &[u8], props: Option<&Properties>, _topic: &str) -> Confidence {
        if payload.is_empty() {
            return 100;
        }
        let declared_utf8 = props.is_some_and(|p| p.payload_format_indicator == Some(1));
        match std::str::from_utf8(payload) {
            Ok(_) if declared_utf8 => 60,
            Ok(_) => 50,
            // Cut inside a character (a page boundary): still text.
            Err(e) if e.error_len().is_none() => 50,
            Err(_) => 0,
        }
    }

    fn decode(&self, payload: &[u8]) -> Result<Decoded, DecodeError> {
        if payload.is_empty() {
            return Ok(Decoded::Empty);
        }
        Ok(Decoded::Text(String::from_utf8_lossy(payload).into_owned()))
    }
}
