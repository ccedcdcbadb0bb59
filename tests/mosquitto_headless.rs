//! `mqscope sub` / `mqscope pub` against mosquitto: every transport and protocol, QoS levels,
//! retained messages, authentication, TLS failures, big and binary payloads.

mod common;

use std::time::Duration;

use base64::Engine;
use common::client::{self, Client};
use common::headless::{finish, start_sub};
use common::mosquitto::{self, Mosquitto};
use common::{have_mosquitto, mqscope, run, stderr, stdout};
use mqscope::mqtt::{Protocol, QoS};

const LIMIT: Duration = Duration::from_secs(20);

struct Target {
    name: &'static str,
    url: String,
    tls: bool,
}

fn targets(m: &Mosquitto) -> Vec<Target> {
    vec![
        Target {
            name: "mqtt",
            url: format!("mqtt://127.0.0.1:{}", m.port),
            tls: false,
        },
        Target {
            name: "ws",
            url: format!("ws://127.0.0.1:{}/mqtt", m.ws_port),
            tls: false,
        },
        Target {
            name: "mqtts",
            url: format!("mqtts://127.0.0.1:{}", m.tls_port),
            tls: true,
        },
        Target {
            name: "wss",
            url: format!("wss://127.0.0.1:{}/mqtt", m.wss_port),
            tls: true,
        },
    ]
}

fn conn_args(cmd: &mut std::process::Command, m: &Mosquitto, t: &Target, protocol: u8) {
    cmd.arg("-b")
        .arg(&t.url)
        .arg("--protocol")
        .arg(protocol.to_string());
    if t.tls {
        cmd.arg("--ca").arg(&m.certs.ca);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pub_reaches_subscriber_over_every_transport_protocol_and_qos() {
    if !have_mosquitto("pub_matrix") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let mut sub = Client::start(&client::settings(&m.url(), Protocol::V5));
    sub.subscribe("rt/#", QoS::ExactlyOnce).await;
    for t in targets(&m) {
        for protocol in [3u8, 5] {
            for qos in 0u8..=2 {
                let topic = format!("rt/{}/v{protocol}/q{qos}", t.name);
                let payload = format!("hello {} v{protocol} q{qos}", t.name);
                let mut cmd = mqscope(home.path());
                cmd.arg("pub");
                conn_args(&mut cmd, &m, &t, protocol);
                cmd.args(["-t", &topic, "-m", &payload, "-q", &qos.to_string()]);
                let out = run(cmd, LIMIT);
                assert!(out.status.success(), "{topic}: {}", stderr(&out));
                let msg = sub.message().await;
                assert_eq!(msg.topic, topic);
                assert_eq!(&msg.payload[..], payload.as_bytes());
                assert_eq!(
                    msg.qos.as_u8(),
                    qos,
                    "{topic}: delivered at the publish QoS"
                );
                assert!(!msg.retain);
            }
        }
    }
    sub.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_prints_what_arrives_over_every_transport_and_protocol() {
    if !have_mosquitto("sub_matrix") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let mut publisher = Client::start(&client::settings(&m.url(), Protocol::V311));
    publisher.connected().await;
    for t in targets(&m) {
        for protocol in [3u8, 5] {
            let topic = format!("st/{}/v{protocol}", t.name);
            let mut cmd = mqscope(home.path());
            cmd.arg("sub");
            conn_args(&mut cmd, &m, &t, protocol);
            cmd.args(["-t", "st/#", "-q", "1", "-C", "2", "-v", "-d"]);
            let (child, _reader) = start_sub(cmd, 1);
            let a = publisher.publish(&topic, "one", QoS::AtLeastOnce, false);
            publisher.outcome(a).await;
            let b = publisher.publish(&topic, "two words", QoS::ExactlyOnce, false);
            publisher.outcome(b).await;
            let out = finish(child);
            assert!(out.status.success(), "{topic}: {}", stderr(&out));
            assert_eq!(stdout(&out), format!("{topic} one\n{topic} two words\n"));
        }
    }
    publisher.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retained_message_and_qos_downgrade() {
    if !have_mosquitto("retained") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    // Retained, published at QoS 2 by the binary.
    let mut cmd = mqscope(home.path());
    cmd.args([
        "pub",
        "-b",
        &m.url(),
        "-t",
        "keep/door",
        "-m",
        "open",
        "-q",
        "2",
        "-r",
    ]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    // A later subscriber at QoS 1 gets it with the retain flag, downgraded to QoS 1.
    let mut cmd = mqscope(home.path());
    cmd.args([
        "sub",
        "-b",
        &m.url(),
        "-t",
        "keep/#",
        "-q",
        "1",
        "-C",
        "1",
        "--json",
    ]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json line");
    assert_eq!(v["topic"], "keep/door");
    assert_eq!(v["payload"], "open");
    assert_eq!(v["encoding"], "utf8");
    assert_eq!(v["retain"], true);
    assert_eq!(v["qos"], 1);
    assert!(
        v["time"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z') && t.contains('.'))
    );
    // A live message at QoS 2 to a QoS 0 subscription arrives at QoS 0.
    let mut sub = Client::start(&client::settings(&m.url(), Protocol::V5));
    assert_eq!(
        sub.subscribe("down/#", QoS::AtMostOnce).await,
        QoS::AtMostOnce
    );
    let mut cmd = mqscope(home.path());
    cmd.args(["pub", "-b", &m.url(), "-t", "down/x", "-m", "q2", "-q", "2"]);
    assert!(run(cmd, LIMIT).status.success());
    let msg = sub.message().await;
    assert_eq!((msg.topic.as_str(), msg.qos), ("down/x", QoS::AtMostOnce));
    sub.stop().await;
}

#[test]
fn wrong_password_is_not_authorized_and_right_one_works() {
    if !have_mosquitto("password") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let url = format!("mqtt://127.0.0.1:{}", m.auth_port);
    for protocol in ["3", "5"] {
        let mut cmd = mqscope(home.path());
        cmd.args([
            "pub",
            "-b",
            &url,
            "--protocol",
            protocol,
            "-u",
            mosquitto::USER,
            "--password-env",
            "MQ_PW",
        ])
        .args(["-t", "a", "-m", "x"])
        .env("MQ_PW", "wrong");
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("not authorized"), "protocol {protocol}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");

        let mut cmd = mqscope(home.path());
        cmd.args([
            "pub",
            "-b",
            &url,
            "--protocol",
            protocol,
            "-u",
            mosquitto::USER,
            "--password-env",
            "MQ_PW",
        ])
        .args(["-t", "a", "-m", "x", "-q", "1"])
        .env("MQ_PW", mosquitto::PASSWORD);
        let out = run(cmd, LIMIT);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    // A password from a profile's password_command.
    let cfg = common::write(
        home.path(),
        "auth.toml",
        format!(
            "[profiles.auth]\nbroker = \"{url}\"\nusername = \"{}\"\npassword_command = [\"printf\", \"{}\\\\n\"]\n",
            mosquitto::USER,
            mosquitto::PASSWORD
        ),
    );
    let mut cmd = mqscope(home.path());
    cmd.arg("pub")
        .arg("--config")
        .arg(&cfg)
        .args(["-P", "auth", "-t", "a", "-m", "x", "-q", "2"]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn tls_unknown_ca_fails_insecure_connects_client_cert_works() {
    if !have_mosquitto("tls") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    for url in [
        format!("mqtts://127.0.0.1:{}", m.tls_port),
        format!("wss://127.0.0.1:{}/mqtt", m.wss_port),
    ] {
        // Trusting another CA: refused, in words, exit 1.
        let mut cmd = mqscope(home.path());
        cmd.args(["pub", "-b", &url, "-t", "a", "-m", "x", "--ca"])
            .arg(&m.certs.other_ca);
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("TLS: certificate signed by an unknown authority"),
            "{url}: {}",
            stderr(&out)
        );
        // The system roots do not know the test CA either.
        let mut cmd = mqscope(home.path());
        cmd.args(["pub", "-b", &url, "-t", "a", "-m", "x"]);
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("unknown authority"),
            "{}",
            stderr(&out)
        );
        // --insecure connects anyway.
        let mut cmd = mqscope(home.path());
        cmd.args([
            "pub",
            "-b",
            &url,
            "-t",
            "a",
            "-m",
            "x",
            "-q",
            "1",
            "--insecure",
        ]);
        let out = run(cmd, LIMIT);
        assert!(out.status.success(), "{url} insecure: {}", stderr(&out));
    }
    // A listener that requires a client certificate.
    let url = format!("mqtts://127.0.0.1:{}", m.mtls_port);
    let mut cmd = mqscope(home.path());
    cmd.args(["pub", "-b", &url, "-t", "a", "-m", "x", "-q", "1", "--ca"])
        .arg(&m.certs.ca)
        .arg("--cert")
        .arg(&m.certs.client_cert)
        .arg("--key")
        .arg(&m.certs.client_key);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "client cert: {}", stderr(&out));
    let mut cmd = mqscope(home.path());
    cmd.args(["pub", "-b", &url, "-t", "a", "-m", "x", "--ca"])
        .arg(&m.certs.ca);
    let out = run(cmd, LIMIT);
    assert_eq!(
        out.status.code(),
        Some(1),
        "no client cert: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("TLS: the broker requires a client certificate"),
        "{}",
        stderr(&out)
    );
}

/// `SSLKEYLOGFILE`: an mqtts and a wss connection write their session secrets there (NSS key
/// log lines, a file only its owner reads) and say so on stderr; a plain one writes nothing.
#[test]
fn sslkeylogfile_is_honoured_and_said_for_tls_only() {
    if !have_mosquitto("keylog") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let keys = home.path().join("keys.log");
    for url in [
        format!("mqtts://127.0.0.1:{}", m.tls_port),
        format!("wss://127.0.0.1:{}/mqtt", m.wss_port),
    ] {
        let before = std::fs::read_to_string(&keys)
            .unwrap_or_default()
            .lines()
            .count();
        let mut cmd = mqscope(home.path());
        cmd.env("SSLKEYLOGFILE", &keys)
            .args(["pub", "-b", &url, "-t", "a", "-m", "x", "-q", "1", "--ca"])
            .arg(&m.certs.ca);
        let out = run(cmd, LIMIT);
        assert!(out.status.success(), "{url}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("warning: SSLKEYLOGFILE is set: the TLS session keys of")
                && stderr(&out).contains(&keys.display().to_string()),
            "{url}: {}",
            stderr(&out)
        );
        let text = std::fs::read_to_string(&keys).unwrap();
        let lines: Vec<&str> = text.lines().skip(before).collect();
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("CLIENT_TRAFFIC_SECRET_0 ")
                    || l.starts_with("CLIENT_RANDOM ")),
            "{url}: NSS key log lines: {text}"
        );
        for l in &lines {
            let parts: Vec<&str> = l.split(' ').collect();
            assert_eq!(parts.len(), 3, "{l}");
            assert!(
                parts[1].len() == 64 && parts[2].bytes().all(|b| b.is_ascii_hexdigit()),
                "{l}"
            );
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&keys).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A plain connection has no keys to log, and says nothing.
    let quiet = home.path().join("quiet.log");
    let mut cmd = mqscope(home.path());
    cmd.env("SSLKEYLOGFILE", &quiet)
        .args(["pub", "-b", &m.url(), "-t", "a", "-m", "x", "-q", "1"]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("SSLKEYLOGFILE"), "{}", stderr(&out));
    assert!(!quiet.exists());
    // A key log that cannot be written is a setup error, named, exit 2 (as a bad --ca file).
    let mut cmd = mqscope(home.path());
    cmd.env("SSLKEYLOGFILE", home.path().join("no/such/dir/k.log"))
        .args([
            "pub",
            "-b",
            &format!("mqtts://127.0.0.1:{}", m.tls_port),
            "-t",
            "a",
            "-m",
            "x",
            "--ca",
        ])
        .arg(&m.certs.ca);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("mqscope: SSLKEYLOGFILE")
            && stderr(&out).contains("no/such/dir/k.log: No such file"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_mib_payload_round_trip_and_binary_json() {
    if !have_mosquitto("big") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let mut rng = fastrand::Rng::with_seed(7);
    let big: Vec<u8> = (0..5 * 1024 * 1024).map(|_| rng.u8(..)).collect();
    let file = common::write(home.path(), "big.bin", &big);
    for protocol in [Protocol::V311, Protocol::V5] {
        let mut sub = Client::start(&client::settings(&m.url(), protocol));
        sub.subscribe("big/#", QoS::AtLeastOnce).await;
        let mut cmd = mqscope(home.path());
        cmd.args(["pub", "-b", &m.url(), "-t", "big/blob", "-q", "1", "-f"])
            .arg(&file);
        let out = run(cmd, LIMIT);
        assert!(out.status.success(), "{}", stderr(&out));
        let msg = sub.message().await;
        assert_eq!(msg.payload.len(), big.len());
        assert!(msg.payload[..] == big[..], "payload intact");
        sub.stop().await;
    }
    // Binary (not UTF-8) payload in --json: base64 with an encoding field.
    let bytes = vec![0u8, 0xff, 0x1b, b'[', 0x80, 7];
    let mut publisher = Client::start(&client::settings(&m.url(), Protocol::V5));
    let id = publisher.publish("bin/x", bytes.clone(), QoS::AtLeastOnce, true);
    publisher.outcome(id).await;
    publisher.stop().await;
    let mut cmd = mqscope(home.path());
    cmd.args(["sub", "-b", &m.url(), "-t", "bin/#", "-C", "1", "--json"]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["encoding"], "base64");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(v["payload"].as_str().unwrap())
        .unwrap();
    assert_eq!(decoded, bytes);
    assert!(
        v.get("decoded").is_none(),
        "no rule, no content type: no decoded field"
    );

    // A [[decoders]] rule: --json gains the decoded value. {"kwh": 7} in MessagePack.
    let mut publisher = Client::start(&client::settings(&m.url(), Protocol::V5));
    let mp = vec![0x81, 0xa3, b'k', b'w', b'h', 0x07];
    let id = publisher.publish("meter/1", mp, QoS::AtLeastOnce, true);
    publisher.outcome(id).await;
    publisher.stop().await;
    let cfg = common::write(
        home.path(),
        "rules.toml",
        b"[[decoders]]\nfilter = \"meter/#\"\nview = \"msgpack\"\n",
    );
    let mut cmd = mqscope(home.path());
    cmd.args(["sub", "--config"]).arg(&cfg);
    cmd.args(["-b", &m.url(), "-t", "meter/#", "-C", "1", "--json"]);
    let out = run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["decoded"]["view"], "msgpack", "{v}");
    assert_eq!(v["decoded"]["value"]["kwh"], 7, "{v}");

    // Protobuf by a rule's .proto, a command's JSON, and Sparkplug B (no rule: its namespace,
    // aliases named from the NBIRTH sent before).
    common::write(
        home.path(),
        "t.proto",
        "syntax = \"proto3\";\npackage f;\nenum Mode { OFF = 0; AUTO = 1; }\nmessage T { string id = 1; Mode mode = 2; }\n",
    );
    let cfg = common::write(
        home.path(),
        "views.toml",
        b"[[decoders]]\nfilter = \"pb/#\"\nview = \"protobuf\"\nproto_file = \"t.proto\"\nmessage = \"f.T\"\n\n[[decoders]]\nfilter = \"cmd/#\"\ncommand = [\"sh\", \"-c\", \"printf '{\\\"len\\\": %s}' $(wc -c)\"]\n",
    );
    use mqscope::decode::sparkplug::{Metric, SpPayload, Value, datatype};
    let sp = |seq: u64, name: Option<&str>| {
        SpPayload {
            timestamp: Some(1),
            seq: Some(seq),
            metrics: vec![Metric {
                name: name.map(str::to_string),
                alias: Some(4),
                datatype: name.map(|_| datatype::DOUBLE),
                value: Some(Value::Double(7.5)),
                ..Metric::default()
            }],
            ..SpPayload::default()
        }
        .encode()
        .unwrap()
    };
    let mut cmd = mqscope(home.path());
    cmd.args(["sub", "-d", "--config"]).arg(&cfg);
    cmd.args([
        "-b",
        &m.url(),
        "-t",
        "pb/#",
        "-t",
        "cmd/#",
        "-t",
        "spBv1.0/#",
        "-C",
        "4",
        "--json",
    ]);
    let (child, _err) = start_sub(cmd, 1);
    let mut publisher = Client::start(&client::settings(&m.url(), Protocol::V5));
    for (topic, payload) in [
        ("pb/1", vec![0x0a, 2, b'm', b'1', 0x10, 1]),
        ("cmd/1", b"12345".to_vec()),
        ("spBv1.0/g/NBIRTH/e", sp(0, Some("Level"))),
        ("spBv1.0/g/NDATA/e", sp(1, None)),
    ] {
        let id = publisher.publish(topic, payload, QoS::AtLeastOnce, false);
        publisher.outcome(id).await;
    }
    publisher.stop().await;
    let out = finish(child);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["decoded"]["view"], "protobuf f.T", "{}", lines[0]);
    assert_eq!(lines[0]["decoded"]["value"]["mode"], "AUTO", "{}", lines[0]);
    assert_eq!(lines[1]["decoded"]["value"]["len"], 5, "{}", lines[1]);
    assert_eq!(
        lines[3]["decoded"]["why"], "topic spBv1.0/#",
        "{}",
        lines[3]
    );
    assert_eq!(
        lines[3]["decoded"]["value"]["metrics"]["Level"]["value"], 7.5,
        "{}",
        lines[3]
    );
}

#[test]
fn invalid_topics_are_refused_before_connecting() {
    // No broker is needed: these must fail before any connection attempt (port 1 is closed).
    // (A NUL cannot travel in argv; validate_topic's unit test covers it.)
    let home = tempfile::tempdir().unwrap();
    let long = "x".repeat(65_536);
    for (topic, words) in [
        ("a/+/b", "wildcard"),
        ("a/#", "wildcard"),
        ("", "empty"),
        (long.as_str(), "65535"),
    ] {
        let mut cmd = mqscope(home.path());
        cmd.args(["pub", "-b", "mqtt://127.0.0.1:1", "-m", "x", "-t", topic]);
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.code(), Some(2), "{words}: {}", stderr(&out));
        assert!(stderr(&out).contains(words), "{words}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("refused"),
            "must not connect: {}",
            stderr(&out)
        );
    }
}

#[test]
fn connection_refused_and_timeouts_exit_1_in_words() {
    let home = tempfile::tempdir().unwrap();
    let port = common::free_port();
    let mut cmd = mqscope(home.path());
    cmd.args([
        "sub",
        "-b",
        &format!("mqtt://127.0.0.1:{port}"),
        "-t",
        "#",
        "-C",
        "1",
    ]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("connection refused"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stderr(&out).lines().count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sub_flags_set_mqtt5_subscription_options() {
    if !have_mosquitto("sub_flags") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let mut publisher = Client::start(&client::settings(&m.url(), Protocol::V5));
    let id = publisher.publish("flags/kept", b"old".to_vec(), QoS::AtLeastOnce, true);
    publisher.outcome(id).await;
    // --retain-handling 2: the retained message is not sent; the marker after it is the first.
    let mut cmd = mqscope(home.path());
    cmd.args(["sub", "-d", "-b", &m.url(), "-t", "flags/#", "-C", "1"]);
    cmd.args(["--retain-handling", "2", "--subscription-id", "5", "--json"]);
    let (child, _err) = start_sub(cmd, 1);
    let id = publisher.publish("flags/marker", b"new".to_vec(), QoS::AtLeastOnce, false);
    publisher.outcome(id).await;
    let out = finish(child);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["topic"], "flags/marker", "{v}");
    assert_eq!(v["properties"]["subscription_identifiers"][0], 5, "{v}");
    // Out of range: a usage error before connecting.
    let mut cmd = mqscope(home.path());
    cmd.args([
        "sub",
        "-b",
        "mqtt://127.0.0.1:1",
        "-t",
        "a",
        "--retain-handling",
        "3",
    ]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    publisher.stop().await;
}
