//! The lag from send to arrival, where `[[latency]]` rules say messages carry their send
//! time: `sub --json` through mosquitto adds `lag_ms` for a JSON field, an MQTT 5 user
//! property and big-endian bytes at an offset (payloads written by hand here), and
//! `clock_skew_ms` for a message sent from a clock ahead of ours, never a negative lag.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::headless::{finish, start_sub};
use common::mosquitto::Mosquitto;
use common::{have_mosquitto, mqscope, stdout};

/// At QoS 1, with `args`.
fn mosquitto_pub(m: &Mosquitto, args: &[&str]) {
    m.mosquitto_pub(&[&["-q", "1"], args].concat());
}

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

#[test]
fn sub_json_adds_the_lag_for_each_source_and_calls_a_negative_one_skew() {
    if !have_mosquitto("latency_sub_json") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "[[latency]]\nfilter = \"lat/json/#\"\njson = \"meta.sent\"\nunit = \"ms\"\n\n\
         [[latency]]\nfilter = \"lat/prop\"\nproperty = \"sent_us\"\nunit = \"us\"\n\n\
         [[latency]]\nfilter = \"lat/bytes\"\noffset = 1\nwidth = 8\nunit = \"ns\"\n",
    )
    .unwrap();
    let mut cmd = mqscope(home.path());
    cmd.arg("sub")
        .arg("--config")
        .arg(&config)
        .args(["-b", &m.url(), "--protocol", "5", "-t", "lat/#", "-q", "1"])
        .args(["--json", "-C", "5", "-d"]);
    let (child, reader) = start_sub(cmd, 1);
    // Sent 250 ms ago by the payload's own clock.
    let sent = now_ms() - 250;
    mosquitto_pub(
        &m,
        &[
            "-t",
            "lat/json/a",
            "-m",
            &format!(r#"{{"meta":{{"sent":{sent}}}}}"#),
        ],
    );
    // A sender whose clock is a minute ahead.
    let ahead = now_ms() + 60_000;
    mosquitto_pub(
        &m,
        &[
            "-t",
            "lat/json/b",
            "-m",
            &format!(r#"{{"meta":{{"sent":{ahead}}}}}"#),
        ],
    );
    let us = (now_ms() - 100) * 1000;
    mosquitto_pub(
        &m,
        &[
            "-V",
            "5",
            "-t",
            "lat/prop",
            "-m",
            "x",
            "-D",
            "publish",
            "user-property",
            "sent_us",
            &us.to_string(),
        ],
    );
    // One byte of something, then 8 bytes of nanoseconds, big-endian.
    let ns = (now_ms() - 50) * 1_000_000;
    let mut payload = vec![0x7Fu8];
    payload.extend_from_slice(&(ns as u64).to_be_bytes());
    let file = home.path().join("payload.bin");
    std::fs::write(&file, &payload).unwrap();
    mosquitto_pub(&m, &["-t", "lat/bytes", "-f", file.to_str().unwrap()]);
    // No rule for this one: no lag field.
    mosquitto_pub(&m, &["-t", "lat/none", "-m", r#"{"meta":{"sent":1}}"#]);
    let out = finish(child);
    let err = reader.join().unwrap_or_default();
    assert!(out.status.success(), "{err}");
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let by_topic = |t: &str| {
        lines
            .iter()
            .find(|v| v["topic"] == t)
            .unwrap_or_else(|| panic!("no {t} in {lines:?}"))
    };
    let lag = |t: &str| by_topic(t)["lag_ms"].as_f64();
    // At least what the sender said; less than a generous bound for a loaded machine.
    for (topic, least) in [
        ("lat/json/a", 250.0),
        ("lat/prop", 100.0),
        ("lat/bytes", 50.0),
    ] {
        let l = lag(topic).unwrap_or_else(|| panic!("{topic}: no lag_ms: {lines:?}"));
        assert!((least..least + 10_000.0).contains(&l), "{topic}: {l}");
    }
    let b = by_topic("lat/json/b");
    assert!(b.get("lag_ms").is_none(), "never a negative lag: {b}");
    let skew = b["clock_skew_ms"].as_f64().expect("clock_skew_ms");
    assert!((50_000.0..60_001.0).contains(&skew), "{skew}");
    let none = by_topic("lat/none");
    assert!(none.get("lag_ms").is_none() && none.get("clock_skew_ms").is_none());
}
