//! The demo's Sparkplug B edge node: births (NBIRTH, then a DBIRTH per device) declaring each
//! metric with an alias, then NDATA / DDATA by alias only, `seq` counting 0–255 across them, a
//! will (NDEATH with the birth's bdSeq), and a fresh set of births when a host sends the
//! Rebirth NCMD. What it reports is data in `assets/demo/building.toml`; this is the protocol.

use serde_json::Value as Json;

use super::Sent;
use super::payload::{At, field};
use super::scenario::{MetricSpec, NodeSpec};
use crate::decode::sparkplug::{
    self, Metric, NAMESPACE, REBIRTH_METRIC, SpPayload, Value, datatype,
};

fn datatype_number(name: &str) -> Option<u32> {
    (0..35).find(|t| sparkplug::datatype_name(*t) == name)
}

fn value_of(t: u32, v: &Json) -> Value {
    let int = || {
        v.as_i64()
            .or_else(|| v.as_f64().map(|f| f as i64))
            .unwrap_or(0)
    };
    match t {
        datatype::FLOAT => Value::Float(v.as_f64().unwrap_or(0.0) as f32),
        datatype::DOUBLE => Value::Double(v.as_f64().unwrap_or(0.0)),
        datatype::BOOLEAN => Value::Bool(v.as_bool().unwrap_or(false)),
        datatype::STRING | 14 => {
            Value::Str(v.as_str().map_or_else(|| v.to_string(), str::to_string))
        }
        1..=4 => Value::Int(int()),
        _ => Value::UInt(u64::try_from(int()).unwrap_or(0)),
    }
}

pub struct EdgeNode {
    spec: NodeSpec,
    seq: u64,
    bd_seq: u64,
}

impl EdgeNode {
    /// The node; a metric with a type Sparkplug does not have is an error naming it.
    pub fn new(spec: NodeSpec) -> Result<EdgeNode, String> {
        let all = spec
            .metrics
            .iter()
            .chain(spec.device.iter().flat_map(|d| &d.metrics));
        for m in all {
            if datatype_number(&m.datatype).is_none() {
                return Err(format!(
                    "sparkplug metric '{}': '{}' is not a Sparkplug datatype",
                    m.name, m.datatype
                ));
            }
        }
        Ok(EdgeNode {
            spec,
            seq: 0,
            bd_seq: 0,
        })
    }

    fn topic(&self, kind: &str, device: Option<&str>) -> String {
        let base = format!("{NAMESPACE}/{}/{kind}/{}", self.spec.group, self.spec.edge);
        match device {
            Some(d) => format!("{base}/{d}"),
            None => base,
        }
    }

    /// Where a host's commands to this node arrive.
    pub fn command_topic(&self) -> String {
        self.topic("NCMD", None)
    }

    /// NDEATH, left with the broker as the will.
    pub fn will(&self) -> (String, Vec<u8>) {
        let p = SpPayload {
            metrics: vec![self.bd_seq_metric()],
            ..SpPayload::default()
        };
        (self.topic("NDEATH", None), p.encode().unwrap_or_default())
    }

    fn bd_seq_metric(&self) -> Metric {
        Metric {
            name: Some("bdSeq".into()),
            datatype: Some(datatype::INT64),
            value: Some(Value::Int(self.bd_seq as i64)),
            ..Metric::default()
        }
    }

    fn next_seq(&mut self) -> u64 {
        let s = self.seq;
        self.seq = (self.seq + 1) % 256;
        s
    }

    /// The metrics of `specs` with aliases from `first`; named in births, by alias in data.
    fn metrics(specs: &[MetricSpec], first: u64, birth: bool, at: &At) -> Vec<Metric> {
        specs
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let t = datatype_number(&m.datatype).unwrap_or(0);
                Metric {
                    name: birth.then(|| m.name.clone()),
                    alias: Some(first + i as u64),
                    datatype: birth.then_some(t),
                    unit: if birth { m.unit.clone() } else { None },
                    value: Some(value_of(t, &field(&m.value, at))),
                    ..Metric::default()
                }
            })
            .collect()
    }

    fn send(&mut self, kind: &str, device: Option<&str>, ms: u64, metrics: Vec<Metric>) -> Sent {
        let p = SpPayload {
            timestamp: Some(ms),
            seq: Some(self.next_seq()),
            metrics,
            ..SpPayload::default()
        };
        Sent {
            topic: self.topic(kind, device),
            payload: p.encode().unwrap_or_default(),
            qos: 0,
            retain: false,
            content_type: None,
        }
    }

    /// Each device's metrics get aliases after the node's and the devices' before it.
    fn alias_base(&self, device: usize) -> u64 {
        1 + self.spec.metrics.len() as u64
            + self.spec.device[..device]
                .iter()
                .map(|d| d.metrics.len() as u64)
                .sum::<u64>()
    }

    /// NBIRTH (seq 0, bdSeq, Node Control/Rebirth), then each device's DBIRTH.
    pub fn births(&mut self, ms: u64, at: &At) -> Vec<Sent> {
        self.seq = 0;
        let mut node = vec![
            self.bd_seq_metric(),
            Metric {
                name: Some(REBIRTH_METRIC.into()),
                datatype: Some(datatype::BOOLEAN),
                value: Some(Value::Bool(false)),
                ..Metric::default()
            },
        ];
        node.extend(Self::metrics(&self.spec.metrics, 1, true, at));
        let mut out = vec![self.send("NBIRTH", None, ms, node)];
        for i in 0..self.spec.device.len() {
            let base = self.alias_base(i);
            let d = self.spec.device[i].clone();
            let metrics = Self::metrics(&d.metrics, base, true, at);
            out.push(self.send("DBIRTH", Some(&d.name), ms, metrics));
        }
        out
    }

    /// NDATA and DDATA at tick `n`, by alias, when it is their turn.
    pub fn data(&mut self, n: u64, ms: u64, at: &At) -> Vec<Sent> {
        if !n.is_multiple_of(self.spec.every.max(1)) {
            return Vec::new();
        }
        let node = Self::metrics(&self.spec.metrics, 1, false, at);
        let mut out = vec![self.send("NDATA", None, ms, node)];
        for i in 0..self.spec.device.len() {
            let base = self.alias_base(i);
            let d = self.spec.device[i].clone();
            let metrics = Self::metrics(&d.metrics, base, false, at);
            out.push(self.send("DDATA", Some(&d.name), ms, metrics));
        }
        out
    }

    /// A command from a host: the Rebirth request is answered with the births.
    pub fn on_command(&mut self, topic: &str, payload: &[u8], ms: u64, at: &At) -> Vec<Sent> {
        if topic != self.command_topic() {
            return Vec::new();
        }
        let asked = sparkplug::parse(payload).is_ok_and(|p| {
            p.metrics.iter().any(|m| {
                m.name.as_deref() == Some(REBIRTH_METRIC) && m.value == Some(Value::Bool(true))
            })
        });
        if asked {
            self.births(ms, at)
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Births;
    use std::collections::BTreeMap;

    #[test]
    fn births_then_data_by_alias_read_by_name_and_rebirth_is_answered() {
        let scenario =
            super::super::scenario::Scenario::parse(super::super::scenario::BUILDING).unwrap();
        let mut node =
            EdgeNode::new(scenario.sparkplug.expect("a Sparkplug node in the demo")).unwrap();
        let vars = BTreeMap::new();
        let at = At {
            vars: &vars,
            tick: 10,
            seconds: 1.0,
        };
        let mut births = Births::default();
        let mut seq = 0;
        let mut feed = |b: &mut Births, sent: Vec<Sent>| {
            for s in sent {
                seq += 1;
                b.observe(seq, &s.topic, &s.payload);
                assert!(
                    b.problems(seq).is_empty(),
                    "{}: {:?}",
                    s.topic,
                    b.problems(seq)
                );
            }
        };
        let first = node.births(1, &at);
        assert_eq!(first.len(), 3, "NBIRTH and two DBIRTHs");
        feed(&mut births, first);
        let data = node.data(10, 2, &at);
        let ddata = data
            .iter()
            .find(|s| s.topic.contains("DDATA"))
            .unwrap()
            .clone();
        feed(&mut births, data);
        let p = sparkplug::parse(&ddata.payload).unwrap();
        assert!(
            p.metrics
                .iter()
                .all(|m| m.name.is_none() && m.alias.is_some())
        );
        let shown = p.to_decoded(
            sparkplug::topic(&ddata.topic).as_ref(),
            births.birth_for(&ddata.topic),
            &[],
        );
        let crate::decode::Decoded::Map(fields) = shown else {
            panic!("a map")
        };
        let metrics = &fields.iter().find(|(k, _)| k == "metrics").unwrap().1;
        let crate::decode::Decoded::Map(by_name) = metrics else {
            panic!("metrics")
        };
        assert!(
            by_name.iter().all(|(k, _)| !k.starts_with("alias")),
            "{by_name:?}"
        );
        let cmd = sparkplug::rebirth_command(3).unwrap();
        let again = node.on_command(&node.command_topic(), &cmd, 4, &at);
        assert!(again[0].topic.ends_with("/NBIRTH/edge-1"));
        assert!(node.on_command("other", &cmd, 4, &at).is_empty());
    }
}
