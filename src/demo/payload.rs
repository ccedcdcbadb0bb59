//! Payloads made from the scenario's generators, for one instance at one tick.

use std::collections::BTreeMap;
use std::f64::consts::TAU;

use serde_json::{Map, Value, json};

use super::scenario::{Field, Payload, Wave};

/// Where a payload is made: the instance's variables, the tick, the seconds since start.
pub struct At<'a> {
    pub vars: &'a BTreeMap<String, i64>,
    pub tick: u64,
    pub seconds: f64,
}

fn var(at: &At, name: &str) -> f64 {
    at.vars.get(name).copied().unwrap_or(0) as f64
}

fn wave(w: &Wave, at: &At) -> f64 {
    let offsets: f64 = w.per.iter().map(|(k, f)| f * var(at, k)).sum();
    let phase = w.phase_by.as_deref().map_or(0.0, |k| var(at, k));
    let period = if w.period_s > 0.0 { w.period_s } else { 60.0 };
    w.base
        + offsets
        + w.amplitude * (TAU * at.seconds / period + phase).sin()
        + w.noise * fastrand::f64()
}

fn rounded(x: f64, decimals: usize) -> f64 {
    let f = 10f64.powi(decimals.min(9) as i32);
    (x * f).round() / f
}

/// A small fake camera frame: a PNG signature and noise, so it decodes as binary.
fn thumbnail(seed: u64, len: usize) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut data = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    data.extend((0..len).map(|_| rng.u8(..)));
    data
}

pub(super) fn field(f: &Field, at: &At) -> Value {
    match f {
        Field::Value { value } => serde_json::to_value(value).unwrap_or(Value::Null),
        Field::Var { var: name } => json!(at.vars.get(name).copied().unwrap_or(0)),
        Field::Wave { wave: w } => json!(rounded(wave(w, at), w.decimals)),
        Field::Tick { .. } => json!(at.tick),
        Field::Uptime { .. } => json!(at.seconds as u64),
        Field::Random { random: [lo, hi] } => json!(fastrand::i64(*lo.min(hi)..=*hi.max(lo))),
        Field::DownFrom {
            down_from,
            per_ticks,
        } => {
            let span = (*down_from).max(1) as u64;
            json!(*down_from - (at.tick / (*per_ticks).max(1) % span) as i64)
        }
    }
}

/// The payload for this tick, or None when a `choice` device stays quiet.
pub fn make(p: &Payload, at: &At, seed: u64) -> Option<Vec<u8>> {
    Some(match p {
        Payload::Wave(w) => format!("{:.*}", w.decimals, wave(w, at)).into_bytes(),
        Payload::Counter {
            base,
            per_tick,
            decimals,
        } => format!("{:.*}", *decimals, base + at.tick as f64 * per_tick).into_bytes(),
        Payload::Text { text } => super::scenario::expand(text, at.vars).into_bytes(),
        Payload::Choice { values, chance } => {
            if values.is_empty() || fastrand::f64() >= *chance {
                return None;
            }
            values[fastrand::usize(..values.len())].clone().into_bytes()
        }
        Payload::Json { fields } => {
            let map: Map<String, Value> = fields
                .iter()
                .map(|(k, f)| (k.clone(), field(f, at)))
                .collect();
            Value::Object(map).to_string().into_bytes()
        }
        Payload::Msgpack { fields } => {
            let map: Vec<(rmpv::Value, rmpv::Value)> = fields
                .iter()
                .map(|(k, f)| (rmpv::Value::from(k.as_str()), msgpack_of(field(f, at))))
                .collect();
            let mut out = Vec::new();
            rmpv::encode::write_value(&mut out, &rmpv::Value::Map(map)).ok()?;
            out
        }
        Payload::Binary { bytes } => thumbnail(seed, *bytes),
        Payload::Protobuf { message, fields } => {
            let values: Vec<(String, Value)> = fields
                .iter()
                .map(|(k, f)| (k.clone(), field(f, at)))
                .collect();
            super::protobuf::encode(message, &values)?
        }
    })
}

/// The MQTT 5 content type a kind of payload is sent with, when it has one.
pub fn content_type(p: &Payload) -> Option<&'static str> {
    match p {
        Payload::Msgpack { .. } => Some("application/msgpack"),
        _ => None,
    }
}

fn msgpack_of(v: Value) -> rmpv::Value {
    match v {
        Value::Null => rmpv::Value::Nil,
        Value::Bool(b) => rmpv::Value::Boolean(b),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => rmpv::Value::from(i),
            (None, Some(f)) => rmpv::Value::F64(f),
            _ => rmpv::Value::Nil,
        },
        Value::String(s) => rmpv::Value::from(s),
        Value::Array(a) => rmpv::Value::Array(a.into_iter().map(msgpack_of).collect()),
        Value::Object(m) => rmpv::Value::Map(
            m.into_iter()
                .map(|(k, v)| (rmpv::Value::from(k), msgpack_of(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::scenario::{BUILDING, Scenario};
    use super::*;

    #[test]
    fn every_device_makes_its_kind_of_payload() {
        let s = Scenario::parse(BUILDING).unwrap();
        let vars: BTreeMap<String, i64> = [("floor".into(), 2), ("room".into(), 3)].into();
        let at = At {
            vars: &vars,
            tick: 40,
            seconds: 4.0,
        };
        let temp = make(&s.device[0].payload, &at, 1).unwrap();
        let t: f64 = String::from_utf8(temp).unwrap().parse().unwrap();
        assert!((15.0..25.0).contains(&t), "{t}");
        let hum: Value =
            serde_json::from_slice(&make(&s.device[1].payload, &at, 1).unwrap()).unwrap();
        assert_eq!(hum["unit"], "%");
        assert_eq!(hum["seq"], 40);
        let cfg: Value =
            serde_json::from_slice(&make(&s.retained[0].payload, &at, 1).unwrap()).unwrap();
        assert_eq!(cfg["floor"], 2);
        assert_eq!(cfg["hvac"], "auto");
        let cam = s
            .device
            .iter()
            .find(|d| d.topic.contains("thumbnail"))
            .unwrap();
        let png = make(&cam.payload, &at, 1).unwrap();
        assert!(png.starts_with(&[0x89, b'P', b'N', b'G']));
        assert_eq!(png.len(), 8 + 1536);
    }
}

#[cfg(test)]
mod msgpack_tests {
    use super::super::scenario::{BUILDING, Scenario};
    use super::*;
    use crate::decode::{Decoded, Decoder, MsgPack, Scalar};

    #[test]
    fn the_power_meter_speaks_messagepack_with_its_content_type() {
        let s = Scenario::parse(BUILDING).unwrap();
        let meter = s
            .device
            .iter()
            .find(|d| d.topic.ends_with("meter/power"))
            .expect("a MessagePack meter in the demo");
        assert_eq!(content_type(&meter.payload), Some("application/msgpack"));
        let vars: BTreeMap<String, i64> = [("floor".into(), 2)].into();
        let at = At {
            vars: &vars,
            tick: 7,
            seconds: 1.0,
        };
        let bytes = make(&meter.payload, &at, 1).unwrap();
        let Decoded::Map(m) = MsgPack.decode(&bytes).unwrap() else {
            panic!("a map")
        };
        let get = |k: &str| m.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(get("unit"), Some(Decoded::Scalar(Scalar::Str("W".into()))));
        assert_eq!(
            get("seq"),
            Some(Decoded::Scalar(Scalar::Number("7".into())))
        );
    }
}
