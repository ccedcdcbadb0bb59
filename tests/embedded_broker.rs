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
