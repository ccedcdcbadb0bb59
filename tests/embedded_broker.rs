//! The embedded broker: round trips through the real binary over TCP and WebSocket, both
//! protocols, every QoS; retained messages; QoS downgrade; `mqscope broker` and its demo devices.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use common::client::{self, Client};
use common::{mqscope, run, stderr, stdout};
use mqscope::broker::EmbeddedBroker;
use mqscope::mqtt::{Protocol, QoS};

const LIMIT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trips_over_tcp_and_websocket_both_protocols_every_qos() {
    let broker = EmbeddedBroker::start(0, Some(0)).await.expect("broker");
    let home = tempfile::tempdir().unwrap();
    let urls = [broker.mqtt_url(), broker.ws_url().expect("ws")];
    for sub_protocol in [Protocol::V311, Protocol::V5] {
        let mut sub = Client::start(&client::settings(&broker.mqtt_url(), sub_protocol));
        assert_eq!(
            sub.subscribe("rt/#", QoS::ExactlyOnce).await,
            QoS::ExactlyOnce
        );
        for url in &urls {
            for protocol in ["3", "5"] {
                for qos in 0u8..=2 {
                    let topic = format!(
                        "rt/{}/v{protocol}/q{qos}",
                        if url.starts_with("ws") { "ws" } else { "tcp" }
                    );
                    let mut cmd = mqscope(home.path());
                    cmd.args([
                        "pub",
                        "-b",
                        url,
                        "--protocol",
                        protocol,
                        "-t",
                        &topic,
                        "-m",
                        "hi",
                        "-q",
                        &qos.to_string(),
                    ]);
                    let out = run(cmd, LIMIT);
                    assert!(out.status.success(), "{topic}: {}", stderr(&out));
                    let msg = sub.message().await;
                    assert_eq!(msg.topic, topic);
                    assert_eq!(&msg.payload[..], b"hi");
                    assert_eq!(msg.qos.as_u8(), qos, "{topic}");
                }
            }
        }
        sub.stop().await;
    }
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retained_and_downgraded() {
    let broker = EmbeddedBroker::start(0, None).await.expect("broker");
    let home = tempfile::tempdir().unwrap();
    let mut cmd = mqscope(home.path());
    cmd.args([
        "pub",
        "-b",
        &broker.mqtt_url(),
        "-t",
        "cfg/a",
        "-m",
        "{\"on\":true}",
        "-q",
        "2",
        "-r",
    ]);
    assert!(run(cmd, LIMIT).status.success());
    for protocol in ["3", "5"] {
        let mut cmd = mqscope(home.path());
        cmd.args([
            "sub",
            "-b",
            &broker.mqtt_url(),
            "--protocol",
            protocol,
            "-t",
            "cfg/#",
            "-q",
            "1",
            "-C",
            "1",
            "--json",
        ]);
        let out = run(cmd, LIMIT);
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
        assert_eq!(v["retain"], true);
        assert_eq!(v["qos"], 1, "min(publish QoS 2, subscription QoS 1)");
        assert_eq!(v["payload"], "{\"on\":true}");
    }
    let mut sub = Client::start(&client::settings(&broker.mqtt_url(), Protocol::V5));
    sub.subscribe("dg/#", QoS::AtLeastOnce).await;
    let mut publisher = Client::start(&client::settings(&broker.mqtt_url(), Protocol::V311));
    let id = publisher.publish("dg/x", "q2", QoS::ExactlyOnce, false);
    publisher.outcome(id).await;
    assert_eq!(sub.message().await.qos, QoS::AtLeastOnce);
    let id = publisher.publish("dg/y", "q0", QoS::AtMostOnce, false);
    publisher.outcome(id).await;
    assert_eq!(sub.message().await.qos, QoS::AtMostOnce);
    publisher.stop().await;
    sub.stop().await;
    broker.stop().await;
}

/// Reads lines from a child's stdout until one contains `what`.
fn line_with(reader: &mut impl BufRead, what: &str) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line).expect("read stdout");
        assert!(n > 0, "stdout closed before '{what}'");
        if line.contains(what) {
            return line.trim().to_string();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broker_command_serves_other_clients_and_runs_the_demo_devices() {
    let home = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let mut child = mqscope(home.path())
        .args(["broker", "--port", &port.to_string(), "--demo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn broker");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let first = line_with(&mut out, "listening on");
    assert!(
        first.ends_with(&format!("mqtt://127.0.0.1:{port}")),
        "{first}"
    );
    line_with(&mut out, "demo devices");
    let url = format!("mqtt://127.0.0.1:{port}");
    let mut sub = Client::start(&client::settings(&url, Protocol::V5));
    sub.subscribe("sensors/building-1/+/+/temp", QoS::AtMostOnce)
        .await;
    let msg = sub.message().await;
    assert!(
        msg.topic.starts_with("sensors/building-1/floor-"),
        "{}",
        msg.topic
    );
    let t: f64 = std::str::from_utf8(&msg.payload)
        .unwrap()
        .parse()
        .expect("a number");
    assert!((10.0..35.0).contains(&t));
    // Retained door states are there for late subscribers.
    let mut cmd = mqscope(home.path());
    cmd.args([
        "sub",
        "-b",
        &url,
        "-t",
        "sensors/building-1/floor-1/room-1/door",
        "-C",
        "1",
        "--json",
    ]);
    let got = run(cmd, LIMIT);
    let v: serde_json::Value = serde_json::from_str(stdout(&got).trim()).unwrap();
    assert_eq!(v["retain"], true);
    sub.stop().await;
    let _ = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    let status = rx
        .recv_timeout(LIMIT)
        .expect("broker exits on SIGTERM")
        .expect("wait");
    assert!(status.success(), "clean exit: {status:?}");
}

/// Client ids MQTT allows but the crate's path rule refused: amqtt's default, a backslash,
/// and one longer than 128 bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepts_every_client_id_mqtt_allows() {
    let broker = EmbeddedBroker::start(0, None).await.expect("broker");
    let long = format!("dev/{}", "x".repeat(300));
    for id in ["amqtt/x", "a\\b", "hbmqtt/../up", long.as_str()] {
        for protocol in [Protocol::V311, Protocol::V5] {
            let mut s = client::settings(&broker.mqtt_url(), protocol);
            s.client_id = id.to_string();
            let mut c = Client::start(&s);
            c.connected().await;
            c.stop().await;
        }
    }
    broker.stop().await;
}

/// Reads one MQTT variable byte integer.
fn varint(buf: &[u8], at: &mut usize) -> usize {
    let (mut value, mut shift) = (0usize, 0);
    loop {
        let b = buf[*at];
        *at += 1;
        value |= usize::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return value;
        }
        shift += 7;
    }
}

/// The CONNACK properties, as paho-mqtt reads them: id → raw value bytes.
fn connack_properties(connack: &[u8]) -> Vec<(u8, Vec<u8>)> {
    assert_eq!(connack[0], 0x20, "a CONNACK");
    let mut at = 1;
    let _len = varint(connack, &mut at);
    at += 2; // acknowledge flags, reason code
    let props_len = varint(connack, &mut at);
    let end = at + props_len;
    let mut out = Vec::new();
    while at < end {
        let id = connack[at];
        at += 1;
        let size = match id {
            0x24 | 0x25 | 0x28 | 0x29 | 0x2A => 1,
            0x21 | 0x22 | 0x13 => 2,
            0x11 | 0x27 => 4,
            0x12 | 0x1F | 0x1A | 0x1C | 0x15 | 0x16 => {
                2 + usize::from(u16::from_be_bytes([connack[at], connack[at + 1]]))
            }
            0x26 => {
                let k = usize::from(u16::from_be_bytes([connack[at], connack[at + 1]]));
                let v_at = at + 2 + k;
                2 + k + 2 + usize::from(u16::from_be_bytes([connack[v_at], connack[v_at + 1]]))
            }
            other => panic!("unknown CONNACK property 0x{other:02x}"),
        };
        out.push((id, connack[at..at + size].to_vec()));
        at += size;
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mqtt5_connack_advertises_limits_within_the_spec() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let broker = EmbeddedBroker::start(0, None).await.expect("broker");
    let mut sock = tokio::net::TcpStream::connect(broker.addr()).await.unwrap();
    // CONNECT: MQTT 5, clean start, keep-alive 60, no properties, client id "paho".
    let connect = [
        0x10, 17, 0, 4, b'M', b'Q', b'T', b'T', 5, 0x02, 0, 60, 0, 0, 4, b'p', b'a', b'h', b'o',
    ];
    sock.write_all(&connect).await.unwrap();
    let mut buf = vec![0u8; 1024];
    let n = tokio::time::timeout(LIMIT, sock.read(&mut buf))
        .await
        .expect("a CONNACK in time")
        .unwrap();
    let props = connack_properties(&buf[..n]);
    assert_eq!(buf[3], 0, "accepted");
    let max = props
        .iter()
        .find(|(id, _)| *id == 0x27)
        .map(|(_, v)| u32::from_be_bytes([v[0], v[1], v[2], v[3]]));
    if let Some(max) = max {
        assert!(
            max <= 268_435_455,
            "Maximum Packet Size {max} is over MQTT's limit"
        );
        assert!(max > 0);
    }
    broker.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwards_exactly_the_properties_the_publisher_sent() {
    let broker = EmbeddedBroker::start(0, None).await.expect("broker");
    let mut sub = Client::start(&client::settings(&broker.mqtt_url(), Protocol::V5));
    sub.subscribe("props/#", QoS::AtLeastOnce).await;
    let mut publisher = Client::start(&client::settings(&broker.mqtt_url(), Protocol::V5));
    publisher.connected().await;
    let sent = mqscope::mqtt::Properties {
        user_properties: vec![("k".into(), "v".into()), ("k".into(), "again".into())],
        content_type: Some("text/plain".into()),
        ..Default::default()
    };
    let id = publisher
        .handle
        .publish(mqscope::publish::Publish {
            topic: "props/a".into(),
            payload: bytes::Bytes::from_static(b"x"),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: Some(Box::new(sent.clone())),
        })
        .unwrap();
    publisher.outcome(id).await;
    let plain = publisher.publish("props/b", "y", QoS::AtLeastOnce, false);
    publisher.outcome(plain).await;
    let got = sub.message().await;
    let props = got.properties.expect("properties arrive");
    assert_eq!(
        props.user_properties, sent.user_properties,
        "no property added"
    );
    assert_eq!(props.content_type, sent.content_type);
    let got = sub.message().await;
    assert!(
        got.properties.is_none_or(|p| p.user_properties.is_empty()),
        "a message without properties gets none"
    );
    publisher.stop().await;
    sub.stop().await;
    broker.stop().await;
}

#[test]
fn a_busy_port_is_refused_in_one_line() {
    let home = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    for args in [
        vec!["broker", "--port", port.as_str()],
        vec!["broker", "--port", "0", "--ws-port", port.as_str()],
    ] {
        let mut cmd = mqscope(home.path());
        cmd.args(&args);
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        assert!(err.contains(&port) && err.contains("in use"), "{err}");
    }
}
