//! The demo scenario as data (`assets/demo/*.toml`): devices, their topics, payload kinds,
//! rates, what is retained and what goes silent. Parsed strictly, so a typo in the scenario
//! fails the tests instead of quietly publishing nothing.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The scenario shipped with the binary.
pub const BUILDING: &str = include_str!("../../assets/demo/building.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub tick_ms: u64,
    #[serde(default)]
    pub retained: Vec<Device>,
    #[serde(default)]
    pub device: Vec<Device>,
    /// A Sparkplug B edge node and its devices.
    pub sparkplug: Option<NodeSpec>,
    /// Devices that answer: `mqscope mock`'s `[[rules]]`, read (with their lines) by
    /// `mock::file::parse_in`.
    #[serde(default)]
    pub rules: Vec<toml::Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Device {
    pub topic: String,
    /// Variable → inclusive range: one instance per combination.
    #[serde(default)]
    pub repeat: BTreeMap<String, [i64; 2]>,
    /// Publish every this many ticks (0 or 1: every tick).
    #[serde(default = "one")]
    pub every: u64,
    /// Spread instances over the ticks of the period.
    #[serde(default)]
    pub stagger: bool,
    #[serde(default)]
    pub qos: u8,
    #[serde(default)]
    pub retain: bool,
    /// Stop publishing after this many seconds.
    pub silent_after_s: Option<u64>,
    pub payload: Payload,
}

fn one() -> u64 {
    1
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum Payload {
    Wave(Wave),
    Counter {
        base: f64,
        per_tick: f64,
        #[serde(default)]
        decimals: usize,
    },
    Text {
        text: String,
    },
    Choice {
        values: Vec<String>,
        /// Probability of a publish per tick.
        chance: f64,
    },
    Json {
        fields: BTreeMap<String, Field>,
    },
    /// The same fields as `json`, encoded as MessagePack, sent with the MQTT 5 content type
    /// `application/msgpack` (so it is decoded without a rule).
    Msgpack {
        fields: BTreeMap<String, Field>,
    },
    Binary {
        bytes: usize,
    },
    /// A message of `assets/demo/machine.proto`, fields by name (`spindle.rpm` for a nested one).
    Protobuf {
        message: String,
        fields: BTreeMap<String, Field>,
    },
}

/// base + Σ per[var]·value(var) + amplitude·sin(2π·t/period + phase) + noise·random.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wave {
    pub base: f64,
    #[serde(default)]
    pub per: BTreeMap<String, f64>,
    #[serde(default)]
    pub amplitude: f64,
    #[serde(default = "minute")]
    pub period_s: f64,
    /// The variable whose value shifts the phase, so instances do not move in step.
    pub phase_by: Option<String>,
    #[serde(default)]
    pub noise: f64,
    #[serde(default)]
    pub decimals: usize,
}

fn minute() -> f64 {
    60.0
}

/// One field of a JSON payload.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Field {
    Value { value: toml::Value },
    Var { var: String },
    Wave { wave: Wave },
    Tick { tick: bool },
    Uptime { uptime: bool },
    Random { random: [i64; 2] },
    DownFrom { down_from: i64, per_ticks: u64 },
}

/// The Sparkplug B edge node of the scenario (`[sparkplug]`): what it reports; `sparkplug.rs`
/// speaks the protocol.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSpec {
    pub group: String,
    pub edge: String,
    /// Data every this many ticks.
    pub every: u64,
    #[serde(default)]
    pub metrics: Vec<MetricSpec>,
    #[serde(default)]
    pub device: Vec<DeviceSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceSpec {
    pub name: String,
    pub metrics: Vec<MetricSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricSpec {
    pub name: String,
    /// A Sparkplug datatype name: Int32, Int64, UInt32, Float, Double, Boolean, String.
    #[serde(rename = "type")]
    pub datatype: String,
    pub unit: Option<String>,
    pub value: Field,
}

impl Scenario {
    pub fn parse(text: &str) -> Result<Scenario, toml::de::Error> {
        toml::from_str(text)
    }
}

impl Device {
    /// Every combination of the repeat ranges, as variable → value.
    pub fn instances(&self) -> Vec<BTreeMap<String, i64>> {
        let mut out = vec![BTreeMap::new()];
        for (var, [lo, hi]) in &self.repeat {
            out = out
                .into_iter()
                .flat_map(|base| {
                    (*lo..=*hi).map(move |v| {
                        let mut m = base.clone();
                        m.insert(var.clone(), v);
                        m
                    })
                })
                .collect();
        }
        out
    }
}

/// `{var}` replaced by the instance's values.
pub fn expand(template: &str, vars: &BTreeMap<String, i64>) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), &v.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_scenario_parses_and_expands() {
        let s = Scenario::parse(BUILDING).expect("assets/demo/building.toml");
        assert_eq!(s.tick_ms, 100);
        assert_eq!(s.device.len(), 9);
        let temp = &s.device[0];
        let inst = temp.instances();
        assert_eq!(inst.len(), 24);
        assert_eq!(
            expand(&temp.topic, &inst[7]),
            "sensors/building-1/floor-2/room-2/temp"
        );
        assert!(s.device.iter().any(|d| d.silent_after_s.is_some()));
    }

    #[test]
    fn unknown_keys_are_refused() {
        let e = Scenario::parse("tick_ms = 1\n[[device]]\ntopic = \"a\"\nrate = 3\npayload = { kind = \"text\", text = \"x\" }\n")
            .unwrap_err();
        assert!(e.to_string().contains("rate"), "{e}");
    }
}
