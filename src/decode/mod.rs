//! Payloads understood: a `Decoder` per format, a registry that picks one per message (a user's
//! rule beats a content type, which beats a guess), a neutral `Decoded` value the UI draws, and a
//! cache so a payload is decoded once, not once a frame. No I/O and no ratatui here: external
//! decoders (commands) run as jobs outside this module and hand their output back as text.

mod b64;
mod cache;
mod cbor;
mod cbor_tags;
pub mod decimal;
pub mod diff;
pub mod external;
mod hex;
mod image;
mod json;
mod msgpack;
pub mod number;
pub mod outline;
pub mod page;
pub mod protobuf;
mod protobuf_raw;
mod registry;
pub mod schema;
pub mod send_time;
pub mod series;
pub mod sparkplug;
mod text;
mod value;

use std::fmt;

use crate::mqtt::Properties;

pub use b64::Base64;
pub use cache::{Command, DecodeCache, Payload, Shown, decode_first_page, decode_shown};
pub use cbor::Cbor;
pub use external::External;
pub use hex::{Hex, hex_row_bytes};
pub use image::Image;
pub use json::Json;
pub use msgpack::MsgPack;
pub use number::Number;
pub use protobuf::Protobuf;
pub use protobuf_raw::RawProtobuf;
pub use registry::{Choice, Match, Registry, Rule, SharedDecoder, Why};
pub use sparkplug::{Births, Sparkplug};
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
/// The deepest nesting a structured payload may have (serde_json's own limit): each level costs
/// stack in the decoder, the tree built from it, its layout and its drop, and a fuzzer's
/// MessagePack of 1,028 nested arrays overflowed a 2 MiB thread stack.
pub const NESTING_MAX: usize = 128;

pub trait Decoder: Send + Sync {
    /// The name users write in rules and pick with `v` ("json", "hex").
    fn id(&self) -> &'static str;
    /// How likely `payload` is this format; cheap (no full parse where a prefix tells). By
    /// default 0: a format that is never guessed, only chosen by a rule, a content type or `v`.
    fn sniff(&self, _payload: &[u8], _properties: Option<&Properties>, _topic: &str) -> Confidence {
        0
    }
    fn decode(&self, payload: &[u8]) -> Result<Decoded, DecodeError>;
    /// A structured format (a tree): a big payload is decoded whole, up to `WHOLE_MAX`, so it
    /// folds instead of being cut into pages mid-object.
    fn whole(&self) -> bool {
        false
    }
    /// An external decoder: the command (argument list) that turns the payload into text, its
    /// time limit and output cap. It runs as a job outside this module; `decode` then only says
    /// that it is running.
    fn command(&self) -> Option<(&[String], std::time::Duration, usize)> {
        None
    }
}

/// Whether a decoded value is what a sure guess of a binary format must be: one map, or a
/// non-empty list of maps (keys are checked by the format itself).
pub(crate) fn maps_with_text_keys(d: &Decoded) -> bool {
    match d {
        Decoded::Map(_) => true,
        Decoded::List(items) => {
            !items.is_empty() && items.iter().all(|i| matches!(i, Decoded::Map(_)))
        }
        _ => false,
    }
}

/// The biggest payload a structured decoder reads whole (bigger ones are shown a page at a
/// time). Measured (`cargo bench --bench store_and_frames -- "a JSON document"`): decoding,
/// laying out and drawing the first frame of a 1000 KiB JSON document took 19.9 ms, 2.2 times
/// serde_json's bare parse (8.9 ms). The cost grows with the size, so bigger ones are paged.
pub const WHOLE_MAX: usize = 1024 * 1024;

/// A name made at run time (a rule's `protobuf factory.Telemetry`) as the `&'static str` view
/// ids are: each distinct name is kept once for the process, so loading the same profile file
/// again adds nothing.
pub fn intern(name: String) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(known) = names.get(name.as_str()) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.into_boxed_str());
    names.insert(leaked);
    leaked
}

#[cfg(test)]
mod nesting_tests {
    use super::*;

    /// Nesting past `NESTING_MAX` is an error in words, not a stack overflow (hand-written:
    /// MessagePack's and CBOR's one-element arrays, a thousand deep).
    #[test]
    fn deep_nesting_is_refused_not_followed() {
        let mut mp = vec![0x91u8; 1000];
        mp.push(0xc0);
        let e = MsgPack.decode(&mp).expect_err("too deep");
        assert!(e.to_string().contains("MessagePack"), "{e}");
        let mut cbor = vec![0x81u8; 1000];
        cbor.push(0xf6);
        let e = Cbor.decode(&cbor).expect_err("too deep");
        assert!(e.to_string().contains("CBOR"), "{e}");
        // Nesting up to the limit still decodes.
        let mut ok = vec![0x91u8; NESTING_MAX - 1];
        ok.push(0xc0);
        let r = MsgPack.decode(&ok);
        assert!(r.is_ok(), "{:?}", r.err().map(|e| e.to_string()));
    }
}
