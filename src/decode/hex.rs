//! Any bytes as a hex dump: the decoder of last resort, and the view a decode error falls back
//! to so the user always sees what arrived.

use super::{Confidence, DecodeError, Decoded, Decoder};
use crate::mqtt::Properties;

pub struct Hex;

impl Decoder for Hex {
    fn id(&self) -> &'static str {
        "hex"
    }

    fn sniff(&self, _payload: &[u8], _props: Option<&Properties>, _topic: &str) -> Confidence {
        1
    }

    fn decode(&self, payload: &[u8]) -> Result<Decoded, DecodeError> {
        if payload.is_empty() {
            return Ok(Decoded::Empty);
        }
        Ok(Decoded::Bytes(payload.to_vec()))
    }
}
