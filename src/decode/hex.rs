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

/// Bytes a hex row holds in `width` columns: 16, 8 or 4 (2 or 1 in a sliver), so that no byte
/// is ever cut at the pane's edge (rows were always 16 bytes, 77 columns: at 80×24 bytes 13–15
/// of every row were never seen).
pub fn hex_row_bytes(width: usize) -> usize {
    // An offset (8) and two spaces, three columns a byte (a space more past 8), and the ASCII
    // column between bars.
    let row_width = |n: usize| 10 + 3 * n + usize::from(n > 8) + n + 2;
    [16, 8, 4, 2]
        .into_iter()
        .find(|&n| row_width(n) <= width)
        .unwrap_or(1)
}
