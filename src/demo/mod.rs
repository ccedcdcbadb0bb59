//! Simulated devices for `--demo`: the scenario in `assets/demo/` (a building of floors and
//! rooms, a camera, a heartbeat, a meter that goes silent) published to the embedded broker
//! through our own MQTT worker, a few hundred messages a second in all.

mod payload;
pub mod scenario;

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;

use crate::mqtt::{self, BrokerUrl, ConnectionSettings, MqttHandle, QoS, WorkerOptions};
use payload::{At, make};
use scenario::{Device, Scenario, expand};

/// Starts the devices of the shipped scenario; they run until the runtime stops.
pub fn start(broker_url: &str) -> anyhow::Result<()> {
    let devices = shipped()?;
    let url = BrokerUrl::parse(broker_url)?;
    let mut settings = ConnectionSettings::new(url);
    settings.client_id = "mqscope-demo-devices".into();
    let handle = mqtt::spawn(&settings, WorkerOptions::default())?;
    tokio::spawn(run(handle, devices));
    Ok(())
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
    let _ = h.publish(m.topic, Bytes::from(m.payload), qos, m.retain, properties);
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
}

impl Devices {
    pub fn new(scenario: Scenario) -> Devices {
        Devices {
            tick: Duration::from_millis(scenario.tick_ms.max(1)),
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

async fn run(h: MqttHandle, devices: Devices) {
    // Drain our own worker's events so its queue stays empty.
    let events = h.events().clone();
    tokio::spawn(async move {
        let mut batch = Vec::new();
        while events.recv_batch(&mut batch).await {
            batch.clear();
        }
    });
    let start = tokio::time::Instant::now();
    for m in devices.initial() {
        publish(&h, m);
    }
    let mut tick = tokio::time::interval(devices.tick);
    let mut n: u64 = 0;
    loop {
        tick.tick().await;
        n += 1;
        for m in devices.at(n, start.elapsed().as_secs_f64()) {
            publish(&h, m);
        }
    }
}
