//! The demo's Protobuf machine: `assets/demo/machine.proto`, compiled from the copy inside the
//! binary (the demo needs no files), its payloads made from the scenario's fields by name
//! (`spindle.rpm` sets a field of a nested message), and the demo profile's rule that shows
//! them as `demo.Machine`.

use std::sync::{Arc, OnceLock};

use prost::Message as _;
use prost_reflect::{DescriptorPool, DynamicMessage, Kind, MessageDescriptor, Value as PValue};
use serde_json::Value;

use crate::decode::{Match, Protobuf, Rule};

pub const MACHINE_PROTO: &str = include_str!("../../assets/demo/machine.proto");

/// The topics the machine publishes on (the demo profile's rule).
pub const MACHINE_FILTER: &str = "factory/+/+/telemetry";

/// A message type of the demo's `.proto`.
pub fn message(name: &str) -> anyhow::Result<MessageDescriptor> {
    static POOL: OnceLock<Result<DescriptorPool, String>> = OnceLock::new();
    let pool = POOL
        .get_or_init(|| crate::decode::protobuf::pool_from_source("machine.proto", MACHINE_PROTO))
        .as_ref()
        .map_err(|e| anyhow::anyhow!("assets/demo/machine.proto: {e}"))?;
    pool.get_message_by_name(name)
        .ok_or_else(|| anyhow::anyhow!("assets/demo/machine.proto has no message {name}"))
}

/// The demo profile's decoder rules.
pub fn rules() -> anyhow::Result<Vec<Rule>> {
    Ok(vec![Rule::custom(
        Match::Topic(MACHINE_FILTER.into()),
        Arc::new(Protobuf::new(message("demo.Machine")?)),
    )])
}

fn value_for(kind: &Kind, v: &Value) -> Option<PValue> {
    Some(match kind {
        Kind::Double => PValue::F64(v.as_f64()?),
        Kind::Float => PValue::F32(v.as_f64()? as f32),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => PValue::I32(v.as_i64()? as i32),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => PValue::I64(v.as_i64()?),
        Kind::Uint32 | Kind::Fixed32 => PValue::U32(v.as_u64()? as u32),
        Kind::Uint64 | Kind::Fixed64 => PValue::U64(v.as_u64()?),
        Kind::Bool => PValue::Bool(v.as_bool()?),
        Kind::String => PValue::String(v.as_str().map_or_else(|| v.to_string(), str::to_string)),
        Kind::Enum(e) => PValue::EnumNumber(e.get_value_by_name(v.as_str()?)?.number()),
        _ => return None,
    })
}

fn set(msg: &mut DynamicMessage, path: &str, v: &Value) {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let Some(field) = msg.descriptor().get_field_by_name(head) else {
        return;
    };
    match (rest, field.kind()) {
        (Some(rest), Kind::Message(_)) => {
            if let PValue::Message(inner) = msg.get_field_mut(&field) {
                set(inner, rest, v);
            }
        }
        (None, kind) => {
            if let Some(value) = value_for(&kind, v) {
                msg.set_field(&field, value);
            }
        }
        _ => {}
    }
}

/// A message of type `name` with `fields` (field path → value) set; unknown names are skipped
/// (the scenario test checks that every one is known).
pub fn encode(name: &str, fields: &[(String, Value)]) -> Option<Vec<u8>> {
    let mut msg = DynamicMessage::new(message(name).ok()?);
    for (path, v) in fields {
        set(&mut msg, path, v);
    }
    Some(msg.encode_to_vec())
}

use prost_reflect::ReflectMessage as _;

#[cfg(test)]
mod tests {
    use super::super::payload::{At, make};
    use super::super::scenario::{BUILDING, Scenario};
    use crate::decode::{Decoded, Registry, Scalar};
    use std::collections::BTreeMap;

    #[test]
    fn the_machine_is_read_by_the_demo_rule_with_names_enums_and_nesting() {
        let s = Scenario::parse(BUILDING).unwrap();
        let press = s.device.iter().find(|d| d.topic.contains("press")).unwrap();
        let vars: BTreeMap<String, i64> = [("press".into(), 2)].into();
        let at = At {
            vars: &vars,
            tick: 30,
            seconds: 3.0,
        };
        let bytes = make(&press.payload, &at, 1).unwrap();
        let registry = Registry::new(super::rules().unwrap());
        let topic = "factory/line-1/press-2/telemetry";
        let choice = registry.choose(topic, &bytes, None);
        assert_eq!(choice.why.to_string(), "rule factory/+/+/telemetry");
        let Decoded::Map(m) = choice.candidates[0].decode(&bytes).unwrap() else {
            panic!("a map")
        };
        let get = |k: &str| m.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(
            get("state"),
            Some(Decoded::Scalar(Scalar::Str("RUNNING".into())))
        );
        assert_eq!(
            get("parts"),
            Some(Decoded::Scalar(Scalar::Number("30".into())))
        );
        let Some(Decoded::Map(spindle)) = get("spindle") else {
            panic!("nested")
        };
        assert!(spindle.iter().any(|(k, _)| k == "rpm"));
        assert!(spindle.iter().any(|(k, _)| k == "temp_c"));
    }
}
