//! Simulated devices for `--demo`: the scenario in `assets/demo/` (a building of floors and
//! rooms, a camera, a heartbeat, a meter that goes silent) published to the embedded broker
//! through our own MQTT worker, a few hundred messages a second in all.

mod payload;
pub mod protobuf;
pub mod scenario;
pub mod sparkplug;

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;

use crate::mqtt::{self, BrokerUrl, ConnectionSettings, MqttHandle, QoS, WorkerOptions};
use payload::{At, make};
use scenario::{Device, Scenario, expand};

/// Starts the devices of the shipped scenario; they run until the runtime stops.
pub fn start(broker_url: &str) -> anyhow::Result<()> {
    let devices = shipped()?;
    let rules = crate::mock::file::parse_in(
        std::path::Path::new("assets/demo/building.toml"),
        scenario::BUILDING,
    )?;
    let url = BrokerUrl::parse(broker_url)?;
    let mut settings = ConnectionSettings::new(url);
    settings.client_id = "mqscope-demo-devices".into();
    let h = start_with(settings, devices, rules)?;
    tokio::spawn(h);
    Ok(())
}

/// The devices of `devices` and the answering rules `rules` on a connection made with
/// `settings` (its will and subscriptions are the scenario's): the future runs them until the
/// connection ends.
pub fn start_with(
    mut settings: ConnectionSettings,
    mut devices: Devices,
    rules: Vec<crate::mock::Rule>,
) -> anyhow::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    let node = match devices.sparkplug.take() {
        Some(spec) => Some(
            sparkplug::EdgeNode::new(spec)
                .map_err(|e| anyhow::anyhow!("assets/demo/building.toml: {e}"))?,
        ),
        None => None,
    };
    if let Some(n) = &node {
        // The edge node's NDEATH is its will; its commands (a Rebirth) arrive on NCMD.
        let (topic, payload) = n.will();
        settings.will = Some(crate::mqtt::Will {
            topic,
            payload: payload.into(),
            qos: QoS::AtLeastOnce,
            retain: false,
        });
        settings.subscriptions = vec![crate::mqtt::Subscription::new(
            n.command_topic(),
            QoS::AtMostOnce,
        )];
    }
    for r in &rules {
        if !settings.subscriptions.iter().any(|s| s.filter == r.filter) {
            settings.subscriptions.push(crate::mqtt::Subscription::new(
                r.filter.clone(),
                QoS::AtLeastOnce,
            ));
        }
    }
    let mock = (!rules.is_empty()).then(|| crate::mock::Mock::new(rules));
    let handle = mqtt::spawn(&settings, WorkerOptions::default())?;
    Ok(run(handle, devices, node, mock))
}

/// The demo profile's decoder rules (the Protobuf machine's).
pub fn rules() -> anyhow::Result<Vec<crate::decode::Rule>> {
    protobuf::rules()
}

fn publish(h: &MqttHandle, m: Sent) {
    let qos = QoS::from_u8(m.qos.min(2)).unwrap_or_default();
    // A full queue only loses one simulated reading; the next tick sends a fresh one.
    let properties = m.content_type.map(|ct| {
        Box::new(crate::mqtt::Properties {
            content_type: Some(ct.to_string()),
            ..Default::default()
        })
    });
    let _ = h.publish(crate::publish::Publish {
        topic: m.topic,
        payload: Bytes::from(m.payload),
        qos,
        retain: m.retain,
        properties,
    });
}

/// One message a device sends.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: u8,
    pub retain: bool,
    /// Sent as the MQTT 5 content type.
    pub content_type: Option<&'static str>,
}

/// A device's instances: each one's topic and variables.
type Instances = Vec<(String, BTreeMap<String, i64>)>;

/// The scenario with every device's instances resolved once.
pub struct Devices {
    retained: Vec<Device>,
    running: Vec<(Device, Instances)>,
    pub tick: Duration,
    pub sparkplug: Option<scenario::NodeSpec>,
}

impl Devices {
    pub fn new(scenario: Scenario) -> Devices {
        Devices {
            tick: Duration::from_millis(scenario.tick_ms.max(1)),
            sparkplug: scenario.sparkplug,
            retained: scenario.retained,
            running: scenario
                .device
                .into_iter()
                .map(|device| {
                    let instances = device
                        .instances()
                        .into_iter()
                        .map(|v| (expand(&device.topic, &v), v))
                        .collect();
                    (device, instances)
                })
                .collect(),
        }
    }

    /// The retained messages published before anything else.
    pub fn initial(&self) -> Vec<Sent> {
        let mut out = Vec::new();
        for d in &self.retained {
            for vars in d.instances() {
                let at = At {
                    vars: &vars,
                    tick: 0,
                    seconds: 0.0,
                };
                if let Some(payload) = make(&d.payload, &at, 0) {
                    out.push(Sent {
                        topic: expand(&d.topic, &vars),
                        payload,
                        qos: d.qos,
                        retain: true,
                        content_type: payload::content_type(&d.payload),
                    });
                }
            }
        }
        out
    }

    /// What the devices send at tick `n`, `seconds` after the start. Pure but for the
    /// random noise (fastrand's thread-local generator: seed it for repeatable output).
    pub fn at(&self, n: u64, seconds: f64) -> Vec<Sent> {
        let mut out = Vec::new();
        for (d, instances) in &self.running {
            if d.silent_after_s.is_some_and(|s| seconds >= s as f64) {
                continue;
            }
            let every = d.every.max(1);
            for (i, (topic, vars)) in instances.iter().enumerate() {
                let slot = if d.stagger { i as u64 % every } else { 0 };
                if n % every != slot {
                    continue;
                }
                let at = At {
                    vars,
                    tick: n,
                    seconds,
                };
                if let Some(payload) = make(&d.payload, &at, n + i as u64) {
                    out.push(Sent {
                        topic: topic.clone(),
                        payload,
                        qos: d.qos,
                        retain: d.retain,
                        content_type: payload::content_type(&d.payload),
                    });
                }
            }
        }
        out
    }
}

/// The shipped scenario's devices.
pub fn shipped() -> anyhow::Result<Devices> {
    let scenario = Scenario::parse(scenario::BUILDING)
        .map_err(|e| anyhow::anyhow!("assets/demo/building.toml: {e}"))?;
    Ok(Devices::new(scenario))
}

/// Answers waiting for their delay at most (past it a request goes unanswered).
const ANSWERS_MAX: usize = 10_000;

/// The tick the Sparkplug edge node sends its births (1.5 s at the scenario's 100 ms).
const NODE_UP_TICK: u64 = 15;

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

async fn run(
    h: MqttHandle,
    devices: Devices,
    mut node: Option<sparkplug::EdgeNode>,
    mut mock: Option<crate::mock::Mock>,
) {
    let events = h.events().clone();
    let start = tokio::time::Instant::now();
    let no_vars = BTreeMap::new();
    let at = |n: u64| At {
        vars: &no_vars,
        tick: n,
        seconds: start.elapsed().as_secs_f64(),
    };
    for m in devices.initial() {
        publish(&h, m);
    }
    let mut tick = tokio::time::interval(devices.tick);
    let mut n: u64 = 0;
    let mut batch = Vec::new();
    // Answers waiting for their delay.
    let mut answers: Vec<crate::mock::Due> = Vec::new();
    loop {
        let next = answers.iter().map(|d| d.due).min();
        tokio::select! {
            _ = tokio::time::sleep_until(next.map_or_else(tokio::time::Instant::now, tokio::time::Instant::from_std)), if next.is_some() => {
                let now = std::time::Instant::now();
                for d in crate::mock::take_due(&mut answers, now, |d| d.due) {
                    let _ = h.publish(d.publish);
                }
            }
            _ = tick.tick() => {
                n += 1;
                for m in devices.at(n, start.elapsed().as_secs_f64()) {
                    publish(&h, m);
                }
                // The edge node comes up a moment after the rest, so an explorer started with
                // the demo sees its births (they are not retained, as Sparkplug wants).
                let sparkplug = match node.as_mut() {
                    Some(node) if n == NODE_UP_TICK => node.births(now_ms(), &at(n)),
                    Some(node) if n > NODE_UP_TICK => node.data(n, now_ms(), &at(n)),
                    _ => Vec::new(),
                };
                for m in sparkplug {
                    publish(&h, m);
                }
            }
            // Our own worker's events: drained so its queue stays empty, and a host's
            // Rebirth command answered.
            open = events.recv_batch(&mut batch) => {
                for event in batch.drain(..) {
                    let crate::mqtt::MqttEvent::Message(m) = event else { continue };
                    if let Some(node) = node.as_mut() {
                        for sent in node.on_command(&m.topic, &m.payload, now_ms(), &at(n)) {
                            publish(&h, sent);
                        }
                    }
                    // The scenario's answering devices: each answer after its delay.
                    if let Some(mock) = mock.as_mut() {
                        let now = std::time::Instant::now();
                        for o in mock.on_message(&m, now, std::time::SystemTime::now()) {
                            if let crate::mock::Outcome::Answer(d) = o
                                && answers.len() < ANSWERS_MAX
                            {
                                mock.sending(&d, now);
                                answers.push(d);
                            }
                        }
                    }
                }
                if !open {
                    return;
                }
            }
        }
    }
}
