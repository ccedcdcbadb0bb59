//! The Protobuf wire format read without a schema (`v` → protobuf on a topic no rule names),
//! like `protoc --decode_raw`: fields by number. A field that cannot be read (a wire type that
//! is not allowed, a length past the end) is marked where it stands, with the fields before
//! it and the bytes from it shown: one bad field once refused the whole message.

use std::ops::Range;

use super::{DecodeError, Decoded, Decoder, Scalar};

/// Nesting is bounded (a payload of nested length prefixes must not recurse without end).
const MAX_DEPTH: usize = 32;

pub struct RawProtobuf;

impl Decoder for RawProtobuf {
    fn whole(&self) -> bool {
        true
    }

    fn id(&self) -> &'static str {
        "protobuf"
    }

    fn decode(&self, payload: &[u8]) -> Result<Decoded, DecodeError> {
        let (mut fields, broken) = fields_until_broken(payload);
        match broken {
            // Nothing read at all: it is not Protobuf, and saying so beats a lone mark.
            Some((_, e)) if fields.is_empty() => Err(e),
            Some((start, e)) => {
                fields.push(unreadable(payload, start, &e));
                Ok(Decoded::Map(fields))
            }
            None => Ok(Decoded::Map(fields)),
        }
    }
}

/// The mark for a field that could not be read: where it starts, why, and the bytes from
/// there on.
pub fn unreadable(payload: &[u8], start: usize, e: &DecodeError) -> (String, Decoded) {
    let at = start.min(payload.len());
    (
        format!("(unreadable from byte {at})"),
        Decoded::Map(vec![
            (
                "why".into(),
                Decoded::Scalar(Scalar::Str(e.message.clone())),
            ),
            ("bytes".into(), Decoded::Bytes(payload[at..].to_vec())),
        ]),
    )
}

/// A field that could not be read: where it starts, and why.
pub type Broken = Option<(usize, DecodeError)>;

/// The fields read until one could not be, and that one.
fn fields_until_broken(buf: &[u8]) -> (Vec<(String, Decoded)>, Broken) {
    let mut out = Vec::new();
    let mut at = 0;
    while at < buf.len() {
        let start = at;
        match field(buf, &mut at, 0) {
            Ok((n, value, _)) => out.push((n.to_string(), value)),
            Err(e) => return (out, Some((start, e))),
        }
    }
    (out, None)
}

/// Where each field of a message starts and ends, with its number, as far as they can be
/// told apart, and the field where that stopped.
pub fn spans(buf: &[u8]) -> (Vec<(u64, Range<usize>)>, Broken) {
    let mut out = Vec::new();
    let mut at = 0;
    while at < buf.len() {
        let start = at;
        match field(buf, &mut at, MAX_DEPTH) {
            Ok((n, _, _)) => out.push((n, start..at)),
            Err(e) => return (out, Some((start, e))),
        }
    }
    (out, None)
}

/// Fields of a message read raw: number → value; a repeated field is one entry per element.
pub fn raw_fields(buf: &[u8], depth: usize) -> Result<Vec<(String, Decoded)>, DecodeError> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < buf.len() {
        let (n, value, _) = field(buf, &mut at, depth)?;
        out.push((n.to_string(), value));
    }
    Ok(out)
}

/// One field at `at`: its number, its value and its wire type.
fn field(buf: &[u8], at: &mut usize, depth: usize) -> Result<(u64, Decoded, u64), DecodeError> {
    let key_at = *at;
    let key = varint(buf, at)?;
    let field = key >> 3;
    if field == 0 || field > u64::from(u32::MAX >> 3) {
        return Err(DecodeError::new(
            format!("protobuf: field number {field} is not allowed"),
            Some(key_at),
        ));
    }
    let value = match key & 7 {
        0 => Decoded::Scalar(Scalar::Number(varint(buf, at)?.to_string())),
        1 => {
            let b = take(buf, at, 8)?;
            let bits = u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
            fixed(bits, format!("{:?}", f64::from_bits(bits)))
        }
        5 => {
            let b = take(buf, at, 4)?;
            let bits = u32::from_le_bytes(b.try_into().unwrap_or([0; 4]));
            fixed(u64::from(bits), format!("{:?}", f32::from_bits(bits)))
        }
        2 => {
            let len = varint(buf, at)?;
            let len = usize::try_from(len).unwrap_or(usize::MAX);
            let inner = take(buf, at, len)?;
            length_delimited(inner, depth)
        }
        wire => {
            return Err(DecodeError::new(
                format!(
                    "protobuf: wire type {wire} of field {field} (groups and types 6, 7 are not read)"
                ),
                Some(key_at),
            ));
        }
    };
    Ok((field, value, key & 7))
}

fn varint(buf: &[u8], at: &mut usize) -> Result<u64, DecodeError> {
    let start = *at;
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let Some(&b) = buf.get(*at) else {
            return Err(DecodeError::new("protobuf: varint cut short", Some(start)));
        };
        *at += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(DecodeError::new(
        "protobuf: varint longer than 10 bytes",
        Some(start),
    ))
}

fn take<'a>(buf: &'a [u8], at: &mut usize, n: usize) -> Result<&'a [u8], DecodeError> {
    let end = at
        .checked_add(n)
        .filter(|end| *end <= buf.len())
        .ok_or_else(|| {
            DecodeError::new(
                format!("protobuf: a field of {n} bytes, {} left", buf.len() - *at),
                Some(*at),
            )
        })?;
    let bytes = &buf[*at..end];
    *at = end;
    Ok(bytes)
}

/// A fixed-width value read without a schema: it may be an integer or a float, and nothing in
/// the bytes says which, so both are shown (`1085276160 · float 5.5`). Picking one once showed
/// fixed64 21.5 as a double but 1450.0 as `4654091982887452672`.
fn fixed(bits: u64, float: String) -> Decoded {
    Decoded::Text(format!("{bits} · float {float}"))
}

/// A length-delimited field is a nested message, a string or bytes: whichever reads whole.
fn length_delimited(inner: &[u8], depth: usize) -> Decoded {
    if depth < MAX_DEPTH
        && !inner.is_empty()
        && let Ok(fields) = raw_fields(inner, depth + 1)
    {
        // Text that happens to parse as fields reads better as text.
        let text = std::str::from_utf8(inner)
            .ok()
            .filter(|s| s.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'));
        return match text {
            Some(s) => Decoded::Scalar(Scalar::Str(s.to_string())),
            None => Decoded::Map(fields),
        };
    }
    // Text only when it reads as text; packed numbers and other bytes stay bytes.
    match std::str::from_utf8(inner) {
        Ok(s) if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
            Decoded::Scalar(Scalar::Str(s.to_string()))
        }
        _ => Decoded::Bytes(inner.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(n: u64) -> Decoded {
        Decoded::Scalar(Scalar::Number(n.to_string()))
    }

    #[test]
    fn raw_reads_varints_strings_and_nested_messages() {
        // field 1 = 150, field 2 = "hi", field 3 = { field 1 = 1 }, field 4 = 1.5f
        let mut buf = vec![
            0x08, 0x96, 0x01, 0x12, 0x02, b'h', b'i', 0x1a, 0x02, 0x08, 0x01,
        ];
        buf.push(0x25);
        buf.extend(1.5f32.to_le_bytes());
        // field 5 = 1450.0 as a double: read as both (it was shown as the integer alone).
        buf.push(0x29);
        buf.extend(1450.0f64.to_le_bytes());
        let d = RawProtobuf.decode(&buf).unwrap();
        assert_eq!(
            d,
            Decoded::Map(vec![
                ("1".into(), number(150)),
                ("2".into(), Decoded::Scalar(Scalar::Str("hi".into()))),
                ("3".into(), Decoded::Map(vec![("1".into(), number(1))])),
                ("4".into(), Decoded::Text("1069547520 · float 1.5".into())),
                (
                    "5".into(),
                    Decoded::Text("4654091982887452672 · float 1450.0".into())
                ),
            ])
        );
    }

    #[test]
    fn raw_says_where_it_broke() {
        let e = RawProtobuf.decode(&[0x12, 0x05, b'a']).unwrap_err();
        assert_eq!(e.offset, Some(2));
        assert!(e.message.contains("5 bytes, 1 left"), "{e}");
        assert!(RawProtobuf.decode(&[0x0f]).is_err(), "wire type 7");
        assert!(RawProtobuf.decode(&[0x80; 11]).is_err());
        for seed in 0..200u64 {
            let mut rng = fastrand::Rng::with_seed(seed);
            let bytes: Vec<u8> = (0..rng.usize(0..64)).map(|_| rng.u8(..)).collect();
            let _ = RawProtobuf.decode(&bytes);
        }
    }

    /// A bad field after good ones is marked where it stands, and the good ones are shown.
    #[test]
    fn a_bad_field_is_marked_in_place() {
        // field 1 = 7, then field 2 with wire type 7, then two bytes.
        let d = RawProtobuf.decode(&[0x08, 0x07, 0x17, 0xaa, 0xbb]).unwrap();
        let Decoded::Map(m) = d else { panic!() };
        assert_eq!(m[0], ("1".into(), number(7)));
        assert_eq!(m[1].0, "(unreadable from byte 2)");
        let Decoded::Map(mark) = &m[1].1 else {
            panic!()
        };
        let Decoded::Scalar(Scalar::Str(why)) = &mark[0].1 else {
            panic!()
        };
        assert!(why.contains("wire type 7 of field 2"), "{why}");
        assert_eq!(mark[1].1, Decoded::Bytes(vec![0x17, 0xaa, 0xbb]));
        let (spans, e) = spans(&[0x08, 0x07, 0x10, 0x01, 0x17]);
        assert_eq!(spans, vec![(1, 0..2), (2, 2..4)]);
        assert_eq!(e.map(|(start, _)| start), Some(4));
    }
}
