//! A Sparkplug B payload read from (and, for Rebirth commands, the demo and tests, written with)
//! the official schema, through prost-reflect: no generated code, the same `.proto` either way.

use std::collections::HashMap;
use std::sync::OnceLock;

use prost_reflect::{DynamicMessage, MessageDescriptor, Value as PValue};

use super::Topic;
use crate::decode::{DecodeError, Decoded, Scalar};

const SCHEMA: &str = include_str!("../../../assets/sparkplug/sparkplug_b.proto");

/// The schema's `Payload` message, compiled on first use. The schema is part of the binary,
/// and a test compiles it, so failing here is a build defect; it is still an error, not a panic.
pub(super) fn payload_type() -> Result<&'static MessageDescriptor, DecodeError> {
    static TYPE: OnceLock<Result<MessageDescriptor, String>> = OnceLock::new();
    TYPE.get_or_init(|| {
        crate::decode::protobuf::pool_from_source("sparkplug_b.proto", SCHEMA)?
            .get_message_by_name("org.eclipse.tahu.protobuf.Payload")
            .ok_or_else(|| "no Payload message in the schema".to_string())
    })
    .as_ref()
    .map_err(|e| DecodeError::new(format!("the Sparkplug B schema: {e}"), None))
}

const DATATYPES: [&str; 35] = [
    "Unknown",
    "Int8",
    "Int16",
    "Int32",
    "Int64",
    "UInt8",
    "UInt16",
    "UInt32",
    "UInt64",
    "Float",
    "Double",
    "Boolean",
    "String",
    "DateTime",
    "Text",
    "UUID",
    "DataSet",
    "Bytes",
    "File",
    "Template",
    "PropertySet",
    "PropertySetList",
    "Int8Array",
    "Int16Array",
    "Int32Array",
    "Int64Array",
    "UInt8Array",
    "UInt16Array",
    "UInt32Array",
    "UInt64Array",
    "FloatArray",
    "DoubleArray",
    "BooleanArray",
    "StringArray",
    "DateTimeArray",
];

/// The schema's name for a datatype number.
pub fn datatype_name(t: u32) -> String {
    DATATYPES
        .get(t as usize)
        .map_or_else(|| format!("type {t}"), |n| (*n).to_string())
}

/// The datatype numbers used below.
pub mod datatype {
    pub const INT8: u32 = 1;
    pub const INT16: u32 = 2;
    pub const INT32: u32 = 3;
    pub const INT64: u32 = 4;
    pub const UINT64: u32 = 8;
    pub const FLOAT: u32 = 9;
    pub const DOUBLE: u32 = 10;
    pub const BOOLEAN: u32 = 11;
    pub const STRING: u32 = 12;
    pub const DATETIME: u32 = 13;
}

/// A metric's value as the schema's oneof carries it, signed types read back as signed.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    UInt(u64),
    Float(f32),
    Double(f64),
    Bool(bool),
    Str(String),
    Bytes(Vec<u8>),
    /// A DataSet or Template, shown as its fields.
    Other(Decoded),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metric {
    pub name: Option<String>,
    pub alias: Option<u64>,
    pub timestamp: Option<u64>,
    pub datatype: Option<u32>,
    pub value: Option<Value>,
    /// The `engUnit` (or `unit`) property.
    pub unit: Option<String>,
}

/// What a birth certificate declared of one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricDef {
    pub name: String,
    pub datatype: Option<u32>,
    pub unit: Option<String>,
}

impl MetricDef {
    pub fn heap_bytes(&self) -> usize {
        std::mem::size_of::<Self>() + self.name.len() + self.unit.as_ref().map_or(0, String::len)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpPayload {
    pub timestamp: Option<u64>,
    pub seq: Option<u64>,
    pub uuid: Option<String>,
    pub metrics: Vec<Metric>,
    pub body: Option<Vec<u8>>,
}

fn u64_field(m: &DynamicMessage, name: &str) -> Option<u64> {
    m.get_field_by_name(name)
        .filter(|_| m.has_field_by_name(name))
        .and_then(|v| v.as_u64())
}

fn str_field(m: &DynamicMessage, name: &str) -> Option<String> {
    m.has_field_by_name(name)
        .then(|| m.get_field_by_name(name))
        .flatten()
        .and_then(|v| v.as_str().map(str::to_string))
}

fn unit_of(m: &DynamicMessage) -> Option<String> {
    let props = m.get_field_by_name("properties")?;
    let props = props.as_message()?;
    let keys = props.get_field_by_name("keys")?;
    let values = props.get_field_by_name("values")?;
    let (keys, values) = (keys.as_list()?, values.as_list()?);
    keys.iter().zip(values).find_map(|(k, v)| {
        let k = k.as_str()?.to_ascii_lowercase();
        if !["engunit", "engunits", "unit", "units"].contains(&k.as_str()) {
            return None;
        }
        let v = v.as_message()?;
        str_field(v, "string_value")
    })
}

fn value_of(m: &DynamicMessage, dtype: Option<u32>) -> Option<Value> {
    use self::datatype as t;
    if m.get_field_by_name("is_null").and_then(|v| v.as_bool()) == Some(true) {
        return Some(Value::Null);
    }
    let (field, value) = m
        .fields()
        .find(|(f, _)| f.containing_oneof().is_some_and(|o| o.name() == "value"))?;
    Some(match value {
        PValue::U32(v) => match dtype {
            Some(t::INT8) => Value::Int(i64::from(*v as u8 as i8)),
            Some(t::INT16) => Value::Int(i64::from(*v as u16 as i16)),
            Some(t::INT32) => Value::Int(i64::from(*v as i32)),
            _ => Value::UInt(u64::from(*v)),
        },
        PValue::U64(v) => match dtype {
            Some(t::INT64) => Value::Int(*v as i64),
            _ => Value::UInt(*v),
        },
        PValue::F32(v) => Value::Float(*v),
        PValue::F64(v) => Value::Double(*v),
        PValue::Bool(v) => Value::Bool(*v),
        PValue::String(s) => Value::Str(s.clone()),
        PValue::Bytes(b) => Value::Bytes(b.to_vec()),
        PValue::Message(inner) => Value::Other(crate::decode::protobuf::from_message(inner)),
        other => Value::Str(format!("{field:?}: {other:?}")),
    })
}

/// Reads a payload; an error says what is wrong (a plain JSON payload under `spBv1.0/` is not
/// Sparkplug B, and says so instead of showing garbage).
pub fn parse(bytes: &[u8]) -> Result<SpPayload, DecodeError> {
    let msg = DynamicMessage::decode(payload_type()?.clone(), bytes)
        .map_err(|e| DecodeError::new(format!("not a Sparkplug B payload: {e}"), None))?;
    if msg.unknown_fields().next().is_some() {
        return Err(DecodeError::new(
            "not a Sparkplug B payload: fields the schema does not have",
            None,
        ));
    }
    let mut out = SpPayload {
        timestamp: u64_field(&msg, "timestamp"),
        seq: u64_field(&msg, "seq"),
        uuid: str_field(&msg, "uuid"),
        body: msg
            .has_field_by_name("body")
            .then(|| msg.get_field_by_name("body"))
            .flatten()
            .and_then(|b| b.as_bytes().map(|b| b.to_vec())),
        metrics: Vec::new(),
    };
    if let Some(list) = msg.get_field_by_name("metrics")
        && let Some(list) = list.as_list()
    {
        for m in list.iter().filter_map(PValue::as_message) {
            let datatype = m
                .has_field_by_name("datatype")
                .then(|| m.get_field_by_name("datatype"))
                .flatten()
                .and_then(|d| d.as_u32());
            out.metrics.push(Metric {
                name: str_field(m, "name"),
                alias: u64_field(m, "alias"),
                timestamp: u64_field(m, "timestamp"),
                datatype,
                value: value_of(m, datatype),
                unit: unit_of(m),
            });
        }
    }
    Ok(out)
}

fn time_text(ms: u64) -> String {
    let shown = i64::try_from(ms)
        .ok()
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f UTC").to_string());
    match shown {
        Some(t) => format!("{t} ({ms})"),
        None => ms.to_string(),
    }
}

fn scalar(v: &Value, datatype: Option<u32>) -> Decoded {
    let num = |s: String| Decoded::Scalar(Scalar::Number(s));
    match v {
        Value::Null => Decoded::Scalar(Scalar::Null),
        Value::Int(n) => num(n.to_string()),
        Value::UInt(n) if datatype == Some(datatype::DATETIME) => {
            Decoded::Scalar(Scalar::Str(time_text(*n)))
        }
        Value::UInt(n) => num(n.to_string()),
        Value::Float(f) => num(f.to_string()),
        Value::Double(f) => num(f.to_string()),
        Value::Bool(b) => Decoded::Scalar(Scalar::Bool(*b)),
        Value::Str(s) => Decoded::Scalar(Scalar::Str(s.clone())),
        Value::Bytes(b) => Decoded::Bytes(b.clone()),
        Value::Other(d) => d.clone(),
    }
}

impl SpPayload {
    /// The detail's tree: what the message is, its timestamp and seq, any problems the births
    /// found, then each metric under its name (an alias resolved through `birth`) with its
    /// value, type and unit.
    pub fn to_decoded(
        &self,
        topic: Option<&Topic<'_>>,
        birth: Option<&HashMap<u64, MetricDef>>,
        problems: &[String],
    ) -> Decoded {
        let text = |s: String| Decoded::Scalar(Scalar::Str(s));
        let mut out = Vec::new();
        if let Some(t) = topic {
            out.push((
                "sparkplug".to_string(),
                text(format!("{} of {}", t.kind.name(), t.describe())),
            ));
        }
        if let Some(ts) = self.timestamp {
            out.push(("timestamp".into(), text(time_text(ts))));
        }
        if let Some(seq) = self.seq {
            out.push((
                "seq".into(),
                Decoded::Scalar(Scalar::Number(seq.to_string())),
            ));
        }
        if !problems.is_empty() {
            out.push((
                "problems".into(),
                Decoded::List(problems.iter().map(|p| text(p.clone())).collect()),
            ));
        }
        let mut metrics = Vec::new();
        for m in &self.metrics {
            let def = m.alias.and_then(|a| birth.and_then(|b| b.get(&a)));
            let name = m
                .name
                .clone()
                .or_else(|| def.map(|d| d.name.clone()))
                .unwrap_or_else(|| match m.alias {
                    Some(a) => format!("alias {a} (not in a birth)"),
                    None => "(no name, no alias)".into(),
                });
            let datatype = m.datatype.or(def.and_then(|d| d.datatype));
            let unit = m.unit.clone().or_else(|| def.and_then(|d| d.unit.clone()));
            let mut fields = vec![(
                "value".to_string(),
                m.value
                    .as_ref()
                    .map_or(Decoded::Scalar(Scalar::Null), |v| scalar(v, datatype)),
            )];
            if let Some(t) = datatype {
                fields.push(("type".into(), text(datatype_name(t))));
            }
            if let Some(u) = unit {
                fields.push(("unit".into(), text(u)));
            }
            if let Some(a) = m.alias {
                fields.push((
                    "alias".into(),
                    Decoded::Scalar(Scalar::Number(a.to_string())),
                ));
            }
            if let Some(ts) = m.timestamp.filter(|ts| Some(*ts) != self.timestamp) {
                fields.push(("timestamp".into(), text(time_text(ts))));
            }
            metrics.push((name, Decoded::Map(fields)));
        }
        out.push(("metrics".into(), Decoded::Map(metrics)));
        if let Some(u) = &self.uuid {
            out.push(("uuid".into(), text(u.clone())));
        }
        if let Some(b) = &self.body {
            out.push(("body".into(), Decoded::Bytes(b.clone())));
        }
        Decoded::Map(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::encode::{REBIRTH_METRIC, rebirth_command};
    use super::*;

    #[test]
    fn the_schema_compiles_and_payloads_round_trip() {
        let p = SpPayload {
            timestamp: Some(1_764_597_600_123),
            seq: Some(3),
            metrics: vec![
                Metric {
                    name: Some("Temperature".into()),
                    alias: Some(1),
                    datatype: Some(datatype::FLOAT),
                    value: Some(Value::Float(21.5)),
                    unit: Some("°C".into()),
                    ..Metric::default()
                },
                Metric {
                    alias: Some(2),
                    datatype: Some(datatype::INT16),
                    value: Some(Value::Int(-7)),
                    ..Metric::default()
                },
                Metric {
                    name: Some("big".into()),
                    datatype: Some(datatype::INT64),
                    value: Some(Value::Int(-5_000_000_000)),
                    ..Metric::default()
                },
            ],
            ..SpPayload::default()
        };
        let bytes = p.encode().unwrap();
        assert_eq!(parse(&bytes).unwrap(), p);
        let cmd = parse(&rebirth_command(5).unwrap()).unwrap();
        assert_eq!(cmd.metrics[0].name.as_deref(), Some(REBIRTH_METRIC));
        assert_eq!(cmd.metrics[0].value, Some(Value::Bool(true)));
    }

    #[test]
    fn plain_payloads_are_not_sparkplug() {
        assert!(parse(br#"{"temp": 21.5}"#).is_err());
        assert!(parse(&[0x08]).is_err());
        for seed in 0..200u64 {
            let mut rng = fastrand::Rng::with_seed(seed);
            let bytes: Vec<u8> = (0..rng.usize(0..64)).map(|_| rng.u8(..)).collect();
            let _ = parse(&bytes);
        }
    }
}
