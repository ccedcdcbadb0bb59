//! Protobuf into the same tree as JSON. With a schema (a rule's `proto_file` and `message`,
//! compiled by `config::proto` with protox, no protoc): field names, enum names and nested
//! messages (`prost-reflect`). Without one (`v` → protobuf on a topic with no rule): the wire
//! format read raw, like `protoc --decode_raw`, fields by number. Never guessed: too many byte
//! strings are some valid protobuf.

use prost_reflect::{DynamicMessage, Kind, MapKey, MessageDescriptor, ReflectMessage, Value};

use super::{DecodeError, Decoded, Decoder, Scalar};

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
        match DynamicMessage::decode(self.message.clone(), payload) {
            Ok(msg) => Ok(from_message(&msg)),
            Err(whole) => self.field_by_field(payload, &whole.to_string()),
        }
    }
}

impl Protobuf {
    /// A message that does not decode whole, read field by field: the fields that decode are
    /// shown as the schema names them, each one that does not is marked with why, and bytes
    /// that cannot be split into fields are marked from where that stops. One bad field once
    /// refused the whole message.
    fn field_by_field(&self, payload: &[u8], whole: &str) -> Result<Decoded, DecodeError> {
        use prost::Message;
        let (spans, broken) = super::protobuf_raw::spans(payload);
        let mut msg = DynamicMessage::new(self.message.clone());
        let mut bad = Vec::new();
        let mut read = 0;
        for (number, span) in spans {
            let bytes = &payload[span.clone()];
            // Tried alone first, so a bad field leaves the message as it was.
            match DynamicMessage::decode(self.message.clone(), bytes) {
                Ok(_) => {
                    read += 1;
                    if let Err(e) = msg.merge(bytes) {
                        bad.push((number, span, e.to_string()));
                    }
                }
                Err(e) => bad.push((number, span, e.to_string())),
            }
        }
        if read == 0 {
            return Err(DecodeError::new(
                format!("not a {}: {whole}", self.message.full_name()),
                None,
            ));
        }
        let Decoded::Map(mut out) = from_message(&msg) else {
            return Err(DecodeError::new(whole, None));
        };
        for (number, span, why) in bad {
            let name = self
                .message
                .get_field(number as u32)
                .map(|f| format!(" {}", f.name()))
                .unwrap_or_default();
            let raw = super::protobuf_raw::raw_fields(&payload[span.clone()], 0)
                .ok()
                .and_then(|mut f| (f.len() == 1).then(|| f.remove(0).1))
                .unwrap_or_else(|| Decoded::Bytes(payload[span.clone()].to_vec()));
            out.push((
                format!(
                    "#{number}{name} (not read: {}; at byte {})",
                    first_line(&why),
                    span.start
                ),
                raw,
            ));
        }
        if let Some((start, e)) = broken {
            out.push(super::protobuf_raw::unreadable(payload, start, &e));
        }
        Ok(Decoded::Map(out))
    }
}

/// prost's errors name the field path over several lines; the first says what went wrong.
fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
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
        let value = match super::protobuf_raw::raw_fields(&bytes, 0) {
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
        Value::F32(n) => number(format!("{n:?}")),
        Value::F64(n) => number(format!("{n:?}")),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn machine() -> Protobuf {
        let src = "syntax = \"proto3\"; package t; \
                   message M { uint32 id = 1; string name = 2; double t = 3; }";
        let pool = pool_from_source("t.proto", src).unwrap();
        Protobuf::new(pool.get_message_by_name("t.M").unwrap())
    }

    /// A field whose wire type is not the schema's is marked where it stands; the fields that
    /// read are shown (one bad field once refused the whole message). Hand-written bytes.
    #[test]
    fn a_field_against_the_schema_is_marked_and_the_rest_shown() {
        // id = 7; name as a varint (the schema says string); t = 21.5.
        let mut b = vec![0x08, 0x07, 0x10, 0x05, 0x19];
        b.extend(21.5f64.to_le_bytes());
        let Decoded::Map(m) = machine().decode(&b).unwrap() else {
            panic!()
        };
        let keys: Vec<&str> = m.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys[..2], ["id", "t"]);
        assert!(keys[2].starts_with("#2 name (not read:"), "{keys:?}");
        assert_eq!(m[1].1, number("21.5"));
        // A message cut short keeps what came before the cut.
        let Decoded::Map(m) = machine().decode(&[0x08, 0x07, 0x12, 0x09, b'a']).unwrap() else {
            panic!()
        };
        assert_eq!(m[0], ("id".into(), number(7)));
        assert_eq!(m[1].0, "(unreadable from byte 2)");
        // Nothing readable at all is an error, in words.
        assert!(machine().decode(&[0x0f, 0x01]).is_err());
    }
}
