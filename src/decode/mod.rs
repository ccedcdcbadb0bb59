//! Payloads understood: a `Decoder` per format, a registry that picks one per message (a user's
//! rule beats a content type, which beats a guess), a neutral `Decoded` value the UI draws, and a
//! cache so a payload is decoded once, not once a frame. No I/O and no ratatui here: external
//! decoders (commands) run as jobs outside this module and hand their output back as text.

mod b64;
mod cache;
mod cbor;
pub mod diff;
mod hex;
mod image;
mod json;
mod msgpack;
pub mod number;
pub mod page;
mod registry;
pub mod series;
mod text;
mod value;

use std::fmt;

use crate::mqtt::Properties;

pub use b64::Base64;
pub use cache::{DecodeCache, Payload, Shown, decode_first_page};
pub use cbor::Cbor;
pub use hex::Hex;
pub use image::Image;
pub use json::Json;
pub use msgpack::MsgPack;
pub use number::Number;
pub use registry::{Choice, Match, Registry, Rule, Why};
pub use text::Text;
pub use value::{Decoded, Scalar};

/// How sure a decoder is that a payload is its format: 0 (not at all) to 100 (certain).
pub type Confidence = u8;

/// Why a payload could not be decoded, and where in it (a byte offset) when that is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub message: String,
    pub offset: Option<usize>,
}

impl DecodeError {
    pub fn new(message: impl Into<String>, offset: Option<usize>) -> DecodeError {
        DecodeError {
            message: message.into(),
            offset,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(at) => write!(f, "{} (at byte {at})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for DecodeError {}

/// A self-delimiting format's value must be the whole payload: `rest` is what its reader left.
fn nothing_after(format: &str, payload: &[u8], rest: &[u8]) -> Result<(), DecodeError> {
    if rest.is_empty() {
        return Ok(());
    }
    Err(DecodeError::new(
        format!("{} bytes after the {format} value", rest.len()),
        Some(payload.len() - rest.len()),
    ))
}

/// One payload format.
pub trait Decoder: Send + Sync {
    /// The name users write in rules and pick with `v` ("json", "hex").
    fn id(&self) -> &'static str;
    /// How likely `payload` is this format; cheap (no full parse where a prefix tells). By
    /// default 0: a format that is never guessed, only chosen by a rule, a content type or `v`.
    fn sniff(&self, _payload: &[u8], _properties: Option<&Properties>, _topic: &str) -> Confidence {
        0
    }
    fn decode(&self, payload: &[u8]) -> Result<Decoded, DecodeError>;
}
