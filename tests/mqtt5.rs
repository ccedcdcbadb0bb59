//! MQTT 5 in full against mosquitto: every publish property both ways (mqscope pub →
//! mosquitto_sub's JSON; mosquitto_pub -D … → mqscope sub --json), `pub --repeat`, properties
//! refused on a 3.1.1 connection.

mod common;

use std::time::Duration;

use common::mosquitto::Mosquitto;
use common::{have_mosquitto, mqscope, run, stderr, stdout};

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn every_publish_property_round_trips_both_ways() {
    if !have_mosquitto("mqtt5_properties") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let port = m.port.to_string();
    // mqscope → mosquitto: retained, so the subscriber started after it gets it whole.
    let mut cmd = mqscope(home.path());
    cmd.args([
        "pub",
        "-b",
        &m.url(),
        "-t",
        "p5/out",
        "-m",
        "{\"a\":1}",
        "-q",
        "1",
        "-r",
    ]);
    cmd.args(["--user-property", "k1=v1", "--user-property", "k2=v=2"]);
    cmd.args([
        "--content-type",
        "application/json",
        "--response-topic",
        "p5/reply",
    ]);
    // "req-7", given as hex.
    cmd.args([
        "--correlation-data",
        "hex:7265712d37",
        "--message-expiry",
        "600",
    ]);
    cmd.args(["--payload-format", "utf8"]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut sub = std::process::Command::new("mosquitto_sub");
    sub.args([
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-V",
        "5",
        "-t",
        "p5/out",
        "-C",
        "1",
        "-F",
        "%j",
    ]);
    let got = run(sub, LIMIT);
    let v: serde_json::Value = serde_json::from_str(stdout(&got).trim()).expect("json");
    let p = &v["properties"];
    assert_eq!(p["user-properties"]["k1"], "v1", "{v}");
    assert_eq!(p["user-properties"]["k2"], "v=2", "{v}");
    assert_eq!(p["content-type"], "application/json", "{v}");
    assert_eq!(p["response-topic"], "p5/reply", "{v}");
    assert_eq!(p["payload-format-indicator"], 1, "{v}");
    assert!(
        p["message-expiry-interval"]
            .as_u64()
            .is_some_and(|s| (590..=600).contains(&s)),
        "{v}"
    );
    assert_eq!(p["correlation-data"], "req-7", "{v}");

    // mosquitto → mqscope: every property in sub --json.
    let mut publish = std::process::Command::new("mosquitto_pub");
    publish.args([
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-V",
        "5",
        "-t",
        "p5/in",
        "-m",
        "hi",
        "-r",
        "-q",
        "1",
    ]);
    for d in [
        ["user-property", "a", "1"],
        ["user-property", "b", "2"],
        ["content-type", "text/plain", ""],
        ["response-topic", "p5/back", ""],
        ["correlation-data", "corr-9", ""],
        ["message-expiry-interval", "300", ""],
        ["payload-format-indicator", "1", ""],
    ] {
        publish.arg("-D").arg("publish");
        for part in d.iter().filter(|p| !p.is_empty()) {
            publish.arg(part);
        }
    }
    let out = run(publish, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut cmd = mqscope(home.path());
    cmd.args(["sub", "-b", &m.url(), "-t", "p5/in", "-C", "1", "--json"]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let p = &v["properties"];
    assert_eq!(
        p["user_properties"],
        serde_json::json!([["a", "1"], ["b", "2"]]),
        "{v}"
    );
    assert_eq!(p["content_type"], "text/plain", "{v}");
    assert_eq!(p["response_topic"], "p5/back", "{v}");
    // Correlation data is base64 in JSON (it may be bytes): "corr-9".
    assert_eq!(p["correlation_data"], "Y29yci05", "{v}");
    assert_eq!(p["payload_format_indicator"], 1, "{v}");
    assert!(
        p["message_expiry_interval"]
            .as_u64()
            .is_some_and(|s| (290..=300).contains(&s)),
        "{v}"
    );
}

#[test]
fn pub_repeats_and_refuses_properties_without_mqtt5() {
    if !have_mosquitto("pub_repeat") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let port = m.port.to_string();
    let mut sub = std::process::Command::new("mosquitto_sub");
    sub.args([
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-t",
        "rep/#",
        "-C",
        "3",
        "-v",
    ])
    .stdout(std::process::Stdio::piped());
    let child = sub.spawn().expect("mosquitto_sub");
    // The subscriber is ready once it has the retained probe; mqscope publishes after it.
    let mut probe = mqscope(home.path());
    probe.args([
        "pub",
        "-b",
        &m.url(),
        "-t",
        "rep/probe",
        "-m",
        "ready",
        "-r",
        "-q",
        "1",
    ]);
    assert!(run(probe, LIMIT).status.success());
    let mut cmd = mqscope(home.path());
    cmd.args([
        "pub",
        "-b",
        &m.url(),
        "-t",
        "rep/x",
        "-m",
        "tick",
        "-q",
        "1",
    ]);
    cmd.args(["--repeat", "2", "--interval", "0.05"]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    let got = child.wait_with_output().expect("mosquitto_sub output");
    let text = String::from_utf8_lossy(&got.stdout);
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        ["rep/probe ready", "rep/x tick", "rep/x tick"]
    );
    let mut cmd = mqscope(home.path());
    cmd.args([
        "pub",
        "-b",
        &m.url(),
        "--protocol",
        "3",
        "-t",
        "a",
        "-m",
        "x",
    ]);
    cmd.args(["--content-type", "text/plain"]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("MQTT 3.1.1, which has none"),
        "{}",
        stderr(&out)
    );
    let mut cmd = mqscope(home.path());
    cmd.args([
        "pub",
        "-b",
        &m.url(),
        "-t",
        "a",
        "-m",
        "x",
        "--user-property",
        "novalue",
    ]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("key=value"), "{}", stderr(&out));
}
