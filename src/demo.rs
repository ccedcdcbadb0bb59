//! Simulated devices for `--demo`: a building of floors and rooms publishing to the embedded
//! broker through our own MQTT worker, a few hundred messages a second in all.

use std::f64::consts::TAU;
use std::time::Duration;

use bytes::Bytes;
use serde_json::json;

use crate::mqtt::{self, BrokerUrl, ConnectionSettings, MqttHandle, QoS, WorkerOptions};

const FLOORS: usize = 4;
const ROOMS: usize = 6;
/// The meter on the top floor that stops reporting after this many seconds.
const SILENT_AFTER_S: u64 = 15;

/// Starts the devices; they run until the runtime stops.
pub fn start(broker_url: &str) -> anyhow::Result<()> {
    let url = BrokerUrl::parse(broker_url)?;
    let mut settings = ConnectionSettings::new(url);
    settings.client_id = "mqscope-demo-devices".into();
    let handle = mqtt::spawn(&settings, WorkerOptions::default())?;
    tokio::spawn(run(handle));
    Ok(())
}

fn publish(h: &MqttHandle, topic: String, payload: impl Into<Bytes>, qos: QoS, retain: bool) {
    // A full queue only loses one simulated reading; the next tick sends a fresh one.
    let _ = h.publish(topic, payload.into(), qos, retain, None);
}

fn room(f: usize, r: usize) -> String {
    format!("sensors/building-1/floor-{f}/room-{r}")
}

/// A small fake camera frame: a PNG signature and noise, so it decodes as binary.
fn thumbnail(seed: u64) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut data = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    data.extend((0..1536).map(|_| rng.u8(..)));
    data
}

async fn run(h: MqttHandle) {
    // Drain our own worker's events so its queue stays empty.
    let events = h.events().clone();
    tokio::spawn(async move {
        let mut batch = Vec::new();
        while events.recv_batch(&mut batch).await {
            batch.clear();
        }
    });
    // Retained configuration and door states: there before any explorer connects.
    for f in 1..=FLOORS {
        let cfg = json!({"floor": f, "setpoint_c": 21.0, "hvac": "auto", "rooms": ROOMS});
        publish(
            &h,
            format!("config/building-1/floor-{f}"),
            cfg.to_string(),
            QoS::AtLeastOnce,
            true,
        );
        for r in 1..=ROOMS {
            publish(
                &h,
                format!("{}/door", room(f, r)),
                "closed",
                QoS::AtLeastOnce,
                true,
            );
        }
    }
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let start = tokio::time::Instant::now();
    let mut n: u64 = 0;
    loop {
        tick.tick().await;
        n += 1;
        let t = start.elapsed().as_secs_f64();
        for f in 1..=FLOORS {
            for r in 1..=ROOMS {
                let base = 19.0 + f as f64 * 0.7 + r as f64 * 0.2;
                // Temperatures every 200 ms: a slow wave plus noise, a trend worth plotting.
                if n % 2 == (r % 2) as u64 {
                    let temp =
                        base + 1.5 * (TAU * t / 60.0 + r as f64).sin() + fastrand::f64() * 0.2;
                    publish(
                        &h,
                        format!("{}/temp", room(f, r)),
                        format!("{temp:.2}"),
                        QoS::AtMostOnce,
                        false,
                    );
                }
                if n.is_multiple_of(5) {
                    let rh = 40.0 + 8.0 * (TAU * t / 90.0 + f as f64).cos() + fastrand::f64();
                    let body = json!({"rh": (rh * 10.0).round() / 10.0, "unit": "%", "seq": n});
                    publish(
                        &h,
                        format!("{}/humidity", room(f, r)),
                        body.to_string(),
                        QoS::AtMostOnce,
                        false,
                    );
                }
                if n % 20 == (f * ROOMS + r) as u64 % 20 {
                    let body = json!({
                        "online": true,
                        "battery": 100 - (n / 50 % 100),
                        "rssi": -40 - (fastrand::u8(..30) as i32),
                        "fw": "1.4.2"
                    });
                    publish(
                        &h,
                        format!("{}/status", room(f, r)),
                        body.to_string(),
                        QoS::AtLeastOnce,
                        false,
                    );
                }
                if fastrand::u32(..600) == 0 {
                    let state = if fastrand::bool() { "open" } else { "closed" };
                    publish(
                        &h,
                        format!("{}/door", room(f, r)),
                        state,
                        QoS::AtLeastOnce,
                        true,
                    );
                }
            }
        }
        if n.is_multiple_of(20) {
            for f in 1..=FLOORS {
                publish(
                    &h,
                    format!("cameras/building-1/floor-{f}/lobby/thumbnail"),
                    thumbnail(n + f as u64),
                    QoS::AtMostOnce,
                    false,
                );
            }
        }
        if n.is_multiple_of(10) {
            let body = json!({"uptime_s": n / 10, "devices": FLOORS * ROOMS});
            publish(
                &h,
                "demo/heartbeat".into(),
                body.to_string(),
                QoS::AtMostOnce,
                false,
            );
        }
        if start.elapsed() < Duration::from_secs(SILENT_AFTER_S) && n.is_multiple_of(10) {
            let kwh = 1200.0 + n as f64 * 0.01;
            publish(
                &h,
                "sensors/building-1/floor-4/meter/energy".into(),
                format!("{kwh:.2}"),
                QoS::AtMostOnce,
                false,
            );
        }
    }
}
