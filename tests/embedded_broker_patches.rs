//! The embedded broker's own faults, each fixed by a patch in `vendor/mqtt5/PATCHES.md`: an
//! empty WebSocket binary frame (MQTT.js clearing a retained message) is not end of stream; an
//! invalid topic alias is told with DISCONNECT 0x94; a Receive Maximum is announced, and a
//! client that queues 65,536 QoS 1 publishes at once gets every one acknowledged.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::client::{self, Client};
use common::run;
use mqscope::broker::{EmbeddedBroker, RECEIVE_MAXIMUM};
use mqscope::mqtt::{MqttEvent, Protocol, PublishOutcome, QoS};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const LIMIT: Duration = Duration::from_secs(30);

/// MQTT.js from npm (`.ci/run` installs it into this folder).
fn mqttjs(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("MQSCOPE_NODE_MODULES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default())
                .join(".cache/mqscope-ci/node/node_modules")
        });
    let node = std::process::Command::new("node").arg("--version").output();
    if node.is_ok() && dir.join("mqtt/package.json").exists() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{test}: node or MQTT.js is missing ({}), and CI is set",
            dir.display()
        );
    }
    eprintln!(
        "SKIPPED {test}: node or MQTT.js is missing (npm install mqtt@5 in {})",
        dir.display()
    );
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mqttjs_client_clearing_a_retained_message_over_websocket_stays_connected() {
    let Some(modules) = mqttjs("mqttjs_empty_payload") else {
        return;
    };
    let port = common::free_port();
    let broker = EmbeddedBroker::start(0, Some(port)).await.expect("broker");
    let ws = broker.ws_url().expect("ws url");
    let mut watcher = Client::start(&client::settings(&broker.mqtt_url(), Protocol::V5));
    watcher.subscribe("mq/#", QoS::AtLeastOnce).await;
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mqttjs_empty_payload.js");
    let mut cmd = std::process::Command::new("node");
    cmd.arg(script).arg(&modules).arg(&ws);
    let out = tokio::task::spawn_blocking(move || run(cmd, LIMIT))
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "MQTT.js: {}{}",
        common::stdout(&out),
        common::stderr(&out)
    );
    let mut topics = Vec::new();
    while !topics.iter().any(|t| t == "mq/after") {
        let m = watcher.message().await;
        assert_ne!(
            m.topic, "mq/will",
            "the will fired: the connection was dropped"
        );
        topics.push(m.topic.clone());
    }
    assert_eq!(
        topics,
        ["mq/retained", "mq/retained", "mq/empty", "mq/after"]
    );
    watcher.stop().await;
    broker.stop().await;
}

/// Reads one MQTT packet: (first byte, body).
async fn packet(s: &mut tokio::net::TcpStream) -> Option<(u8, Vec<u8>)> {
    let head = s.read_u8().await.ok()?;
    let (mut len, mut shift) = (0usize, 0);
    loop {
        let b = s.read_u8().await.ok()?;
        len |= usize::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    let mut body = vec![0; len];
    s.read_exact(&mut body).await.ok()?;
    Some((head, body))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_topic_alias_is_answered_with_disconnect_0x94() {
    let broker = EmbeddedBroker::start(0, None).await.expect("broker");
    let addr = broker.mqtt_url().trim_start_matches("mqtt://").to_string();
    // Alias 0 (never valid), and an alias never set with an empty topic.
    let publishes: [&[u8]; 2] = [
        &[0x30, 8, 0, 1, b't', 3, 0x23, 0, 0, b'x'],
        &[0x30, 7, 0, 0, 3, 0x23, 0, 9, b'x'],
    ];
    for publish in publishes {
        let mut s = tokio::net::TcpStream::connect(&addr)
            .await
            .expect("connect");
        let connect = [
            0x10, 14, 0, 4, b'M', b'Q', b'T', b'T', 5, 0x02, 0, 60, 0, 0, 1, b'a',
        ];
        s.write_all(&connect).await.unwrap();
        let (head, _) = tokio::time::timeout(LIMIT, packet(&mut s))
            .await
            .unwrap()
            .expect("CONNACK");
        assert_eq!(head, 0x20);
        s.write_all(publish).await.unwrap();
        let got = tokio::time::timeout(LIMIT, packet(&mut s)).await.unwrap();
        match got {
            Some((0xe0, body)) => assert_eq!(body.first(), Some(&0x94), "{body:?}"),
            other => panic!("expected DISCONNECT 0x94, got {other:?}"),
        }
    }
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receive_maximum_is_announced_and_a_queued_flood_is_all_acknowledged() {
    let broker = EmbeddedBroker::start(0, None).await.expect("broker");
    let mut c = Client::start(&client::settings(&broker.mqtt_url(), Protocol::V5));
    let info = c
        .wait_for("CONNACK", |e| match e {
            MqttEvent::ConnAck(info) => Some(info.clone()),
            _ => None,
        })
        .await;
    assert_eq!(info.receive_maximum, Some(RECEIVE_MAXIMUM));
    c.connected().await;
    const N: usize = 65_536;
    let body = bytes::Bytes::from_static(b"x");
    // Queued without waiting for each ack, as fast as our own request queue (1,024) takes
    // them: up to a thousand outstanding at a time, each topped up as outcomes come.
    let (mut sent, mut acked) = (0usize, 0usize);
    while acked < N {
        while sent < N && sent - acked < 1000 {
            c.handle
                .publish(mqscope::publish::Publish {
                    topic: format!("flood/{}", sent % 16),
                    payload: body.clone(),
                    qos: QoS::AtLeastOnce,
                    retain: false,
                    properties: None,
                })
                .expect("queued");
            sent += 1;
        }
        let done = c
            .wait_for("acknowledgements", |e| match e {
                MqttEvent::Publish { outcome, .. } if outcome.is_final() => Some(outcome.clone()),
                _ => None,
            })
            .await;
        assert_eq!(done, PublishOutcome::Acknowledged, "after {acked} acks");
        acked += 1;
    }
    // And the broker still serves: a round trip through it.
    c.subscribe("after/#", QoS::AtLeastOnce).await;
    c.publish("after/flood", "ok", QoS::AtLeastOnce, false);
    assert_eq!(c.message().await.topic, "after/flood");
    c.stop().await;
    broker.stop().await;
}
