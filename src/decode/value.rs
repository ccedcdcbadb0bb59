//! The neutral shape every decoder produces and the UI draws: maps, lists, scalars, text, bytes.

/// A leaf value. Numbers are kept as text (as their format prints them), so a 64-bit integer
/// is never rounded through a float on its way to the screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    /// A value its format names and JSON has no word for: CBOR's `undefined`, a MessagePack
    /// timestamp, a CBOR date, bignum or UUID. `text` is the value (a bignum's digits, a
    /// date in RFC 3339); `what` says what it was on the wire ("bignum, tag 2"), drawn after
    /// it, or is empty when the text says it all (`undefined`).
    Named {
        text: String,
        what: String,
    },
}

impl Scalar {
    /// The value as a number, for charts and comparisons.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Scalar::Number(n) => n.parse().ok(),
            // A bignum or a decimal fraction is a number; a date is not.
            Scalar::Named { text, .. } => text.parse().ok(),
            Scalar::Bool(b) => Some(f64::from(u8::from(*b))),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// No payload at all.
    Empty,
    /// Keys in the order the payload has them.
    Map(Vec<(String, Decoded)>),
    List(Vec<Decoded>),
    Scalar(Scalar),
    /// Free text (possibly many lines); escaped only when drawn.
    Text(String),
    /// Raw bytes, shown as a hex dump.
    Bytes(Vec<u8>),
    /// Bytes with a line that says what they are ("PNG image, 640 × 480 pixels"), then the
    /// hex dump.
    Described {
        summary: String,
        bytes: Vec<u8>,
    },
}
