//! Sparkplug B payloads written through the same schema they are read with: the Rebirth NCMD
//! the explorer sends, and what the demo's edge node and the tests publish.

use prost::Message as _;
use prost_reflect::{DynamicMessage, ReflectMessage as _, Value as PValue};

use super::payload::{Metric, SpPayload, Value, datatype, payload_type};
use crate::decode::DecodeError;

impl SpPayload {
    /// The payload in the wire format, through the same schema.
    pub fn encode(&self) -> Result<Vec<u8>, DecodeError> {
        let ty = payload_type()?;
        let metric_ty = ty
            .get_field_by_name("metrics")
            .and_then(|f| f.kind().as_message().cloned())
            .ok_or_else(|| DecodeError::new("the Sparkplug B schema has no Metric", None))?;
        let mut msg = DynamicMessage::new(ty.clone());
        if let Some(ts) = self.timestamp {
            msg.set_field_by_name("timestamp", PValue::U64(ts));
        }
        if let Some(seq) = self.seq {
            msg.set_field_by_name("seq", PValue::U64(seq));
        }
        if let Some(u) = &self.uuid {
            msg.set_field_by_name("uuid", PValue::String(u.clone()));
        }
        let mut list = Vec::new();
        for m in &self.metrics {
            let mut dm = DynamicMessage::new(metric_ty.clone());
            if let Some(n) = &m.name {
                dm.set_field_by_name("name", PValue::String(n.clone()));
            }
            if let Some(a) = m.alias {
                dm.set_field_by_name("alias", PValue::U64(a));
            }
            if let Some(ts) = m.timestamp {
                dm.set_field_by_name("timestamp", PValue::U64(ts));
            }
            if let Some(t) = m.datatype {
                dm.set_field_by_name("datatype", PValue::U32(t));
            }
            if let Some(u) = &m.unit {
                set_unit(&mut dm, u);
            }
            match &m.value {
                None | Some(Value::Other(_)) => {}
                Some(Value::Null) => dm.set_field_by_name("is_null", PValue::Bool(true)),
                Some(Value::Int(n)) if wide(m.datatype) => {
                    dm.set_field_by_name("long_value", PValue::U64(*n as u64))
                }
                Some(Value::Int(n)) => dm.set_field_by_name("int_value", PValue::U32(*n as u32)),
                Some(Value::UInt(n)) => match u32::try_from(*n) {
                    Ok(small) if !wide(m.datatype) => {
                        dm.set_field_by_name("int_value", PValue::U32(small))
                    }
                    _ => dm.set_field_by_name("long_value", PValue::U64(*n)),
                },
                Some(Value::Float(f)) => dm.set_field_by_name("float_value", PValue::F32(*f)),
                Some(Value::Double(f)) => dm.set_field_by_name("double_value", PValue::F64(*f)),
                Some(Value::Bool(b)) => dm.set_field_by_name("boolean_value", PValue::Bool(*b)),
                Some(Value::Str(s)) => {
                    dm.set_field_by_name("string_value", PValue::String(s.clone()))
                }
                Some(Value::Bytes(b)) => {
                    dm.set_field_by_name("bytes_value", PValue::Bytes(b.clone().into()))
                }
            }
            list.push(PValue::Message(dm));
        }
        msg.set_field_by_name("metrics", PValue::List(list));
        Ok(msg.encode_to_vec())
    }
}

/// Types carried in the 64-bit `long_value` (the rest of the integers ride in `int_value`).
fn wide(datatype: Option<u32>) -> bool {
    matches!(
        datatype,
        Some(datatype::INT64 | datatype::UINT64 | datatype::DATETIME)
    )
}

/// `properties = { keys: ["engUnit"], values: [{ type: String, string_value: unit }] }`.
fn set_unit(metric: &mut DynamicMessage, unit: &str) {
    let Some(props_ty) = metric
        .descriptor()
        .get_field_by_name("properties")
        .and_then(|f| f.kind().as_message().cloned())
    else {
        return;
    };
    let Some(value_ty) = props_ty
        .get_field_by_name("values")
        .and_then(|f| f.kind().as_message().cloned())
    else {
        return;
    };
    let mut value = DynamicMessage::new(value_ty);
    value.set_field_by_name("type", PValue::U32(datatype::STRING));
    value.set_field_by_name("string_value", PValue::String(unit.to_string()));
    let mut props = DynamicMessage::new(props_ty);
    props.set_field_by_name("keys", PValue::List(vec![PValue::String("engUnit".into())]));
    props.set_field_by_name("values", PValue::List(vec![PValue::Message(value)]));
    metric.set_field_by_name("properties", PValue::Message(props));
}

/// An NCMD asking an edge node to send its births again (`Node Control/Rebirth` = true).
pub fn rebirth_command(now_ms: u64) -> Result<Vec<u8>, DecodeError> {
    SpPayload {
        timestamp: Some(now_ms),
        metrics: vec![Metric {
            name: Some(REBIRTH_METRIC.into()),
            timestamp: Some(now_ms),
            datatype: Some(datatype::BOOLEAN),
            value: Some(Value::Bool(true)),
            ..Metric::default()
        }],
        ..SpPayload::default()
    }
    .encode()
}

/// The metric an NCMD sets to ask for a rebirth.
pub const REBIRTH_METRIC: &str = "Node Control/Rebirth";
