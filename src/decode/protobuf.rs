//! Protobuf into the same tree as JSON. With a schema (a rule's `proto_file` and `message`,
//! compiled by `config::proto` with protox, no protoc): field names, enum names and nested
//! messages (`prost-reflect`). Without one (`v` → protobuf on a topic with no rule): the wire
//! format read raw, like `protoc --decode_raw`, fields by number. Never guessed: too many byte
//! strings are some valid protobuf.

use prost_reflect::{DynamicMessage, Kind, MapKey, MessageDescriptor, ReflectMessage, Value};

use super::{DecodeError, Decoded, Decoder, Scalar};

/// Nesting is bounded (a payload of nested length prefixes must not recurse without end).
const MAX_DEPTH: usize = 32;

/// A `.proto` that ships inside the binary (no imports), compiled: the Sparkplug B schema, the
/// demo's machine. Files a user names are compiled by `config::proto`, with imports.
pub fn pool_from_source(name: &str, source: &str) -> Result<prost_reflect::DescriptorPool, String> {
    let file = protox_parse::parse(name, source).map_err(|e| e.to_string())?;
    let mut pool = prost_reflect::DescriptorPool::new();
    pool.add_file_descriptor_proto(file)
        .map_err(|e| e.to_string())?;
    Ok(pool)
}

/// One message type of a compiled schema.
pub struct Protobuf {
    id: &'static str,
    message: MessageDescriptor,
}

impl Protobuf {
    /// The view named `protobuf MESSAGE` (what the detail header and `v` show).
    pub fn new(message: MessageDescriptor) -> Protobuf {
        Protobuf {
            id: super::intern(format!("protobuf {}", message.full_name())),
            message,
        }
    }
}

impl Decoder for Protobuf {
    fn whole(&self) -> bool {
        true
    }

    fn id(&self) -> &'static str {
        self.id
    }

    fn decode(&self, payload: &[u8]) -> Result<Decoded, DecodeError> {
        let msg = DynamicMessage::decode(self.message.clone(), payload).map_err(|e| {
            DecodeError::new(format!("not a {}: {e}", self.message.full_name()), None)
        })?;
        Ok(from_message(&msg))
    }
}

/// A decoded message as a map: set fields in field order, then fields the schema does not know
/// (a sign of the wrong message type), read raw.
pub fn from_message(msg: &DynamicMessage) -> Decoded {
    let mut out: Vec<(String, Decoded)> = msg
        .fields()
        .map(|(field, value)| (field.name().to_string(), from_value(value, &field.kind())))
        .collect();
    for unknown in msg.unknown_fields() {
        let mut bytes = Vec::new();
        unknown.encode(&mut bytes);
        let value = match raw_fields(&bytes, 0) {
            Ok(mut fields) if fields.len() == 1 => fields.remove(0).1,
            _ => Decoded::Bytes(bytes),
        };
        out.push((
            format!("#{} (not in {})", unknown.number(), msg.descriptor().name()),
            value,
        ));
    }
    Decoded::Map(out)
}

fn number(n: impl ToString) -> Decoded {
    Decoded::Scalar(Scalar::Number(n.to_string()))
}

fn from_value(v: &Value, kind: &Kind) -> Decoded {
    match v {
        Value::Bool(b) => Decoded::Scalar(Scalar::Bool(*b)),
        Value::I32(n) => number(n),
        Value::I64(n) => number(n),
        Value::U32(n) => number(n),
        Value::U64(n) => number(n),
        Value::F32(n) => number(n),
        Value::F64(n) => number(n),
        Value::String(s) => Decoded::Scalar(Scalar::Str(s.clone())),
        Value::Bytes(b) => Decoded::Bytes(b.to_vec()),
        Value::EnumNumber(n) => match kind {
            Kind::Enum(e) => match e.get_value(*n) {
                Some(named) => Decoded::Scalar(Scalar::Str(named.name().to_string())),
                None => number(n),
            },
            _ => number(n),
        },
        Value::Message(m) => from_message(m),
        Value::List(items) => Decoded::List(items.iter().map(|i| from_value(i, kind)).collect()),
        Value::Map(map) => {
            let value_kind = match kind {
                Kind::Message(entry) => entry.map_entry_value_field().kind(),
                other => other.clone(),
            };
            let mut pairs: Vec<(String, Decoded)> = map
                .iter()
                .map(|(k, v)| (map_key(k), from_value(v, &value_kind)))
                .collect();
            // A protobuf map has no order; sorted, so the view does not reshuffle per message.
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            Decoded::Map(pairs)
        }
    }
}

fn map_key(k: &MapKey) -> String {
    match k {
        MapKey::Bool(b) => b.to_string(),
        MapKey::I32(n) => n.to_string(),
        MapKey::I64(n) => n.to_string(),
        MapKey::U32(n) => n.to_string(),
        MapKey::U64(n) => n.to_string(),
        MapKey::String(s) => s.clone(),
    }
}

/// The wire format without a schema: `v` → protobuf on a topic no rule names.
pub struct RawProtobuf;

impl Decoder for RawProtobuf {
    fn whole(&self) -> bool {
        true
    }

    fn id(&self) -> &'static str {
        "protobuf"
    }

    fn decode(&self, payload: &[u8]) -> Result<Decoded, DecodeError> {
        Ok(Decoded::Map(raw_fields(payload, 0)?))
    }
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
fn fixed(bits: u64, float: f64) -> Decoded {
    Decoded::Text(format!("{bits} · float {float}"))
}

/// Fields of a message read raw: number → value; a repeated field is one entry per element.
fn raw_fields(buf: &[u8], depth: usize) -> Result<Vec<(String, Decoded)>, DecodeError> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < buf.len() {
        let key_at = at;
        let key = varint(buf, &mut at)?;
        let field = key >> 3;
        if field == 0 || field > u64::from(u32::MAX >> 3) {
            return Err(DecodeError::new(
                format!("protobuf: field number {field} is not allowed"),
                Some(key_at),
            ));
        }
        let value = match key & 7 {
            0 => number(varint(buf, &mut at)?),
            1 => {
                let b = take(buf, &mut at, 8)?;
                let bits = u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
                fixed(bits, f64::from_bits(bits))
            }
            5 => {
                let b = take(buf, &mut at, 4)?;
                let bits = u32::from_le_bytes(b.try_into().unwrap_or([0; 4]));
                fixed(u64::from(bits), f64::from(f32::from_bits(bits)))
            }
            2 => {
                let len = varint(buf, &mut at)?;
                let len = usize::try_from(len).unwrap_or(usize::MAX);
                let inner = take(buf, &mut at, len)?;
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
        out.push((field.to_string(), value));
    }
    Ok(out)
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
                    Decoded::Text("4654091982887452672 · float 1450".into())
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
}
