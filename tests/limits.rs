//! Values at their limits, from every door: each numeric profile key through the loader and the
//! profile editor's checks, each numeric flag through the CLI against mosquitto, at 0, 1, its
//! maximum and one past it. Each works or is refused in words (exit 2 naming the key or flag and
//! what is allowed); never a panic. Also: keep-alive 0 is sent as 0 (off), a publish larger than
//! the broker takes fails alone, and local input is never read past what a publish can carry.

mod common;

use std::path::Path;
use std::time::Duration;

use common::client::{self, Client};
use common::mosquitto::Mosquitto;
use common::{have_mosquitto, mqscope, run, stderr};
use mqscope::app::popup::profile_edit::{FIELDS, ProfileForm};
use mqscope::config::ConfigFile;
use mqscope::mqtt::{MqttEvent, Protocol, PublishOutcome, QoS};

const LIMIT: Duration = Duration::from_secs(30);

/// (key in `[profiles.p]` or a table of it, the form field, allowed min, allowed max)
const PROFILE_KEYS: &[(&str, Option<&str>, i64, i64)] = &[
    ("keep_alive_s", Some("keep_alive_s"), 0, 65_535),
    ("connect_timeout_s", Some("connect_timeout_s"), 1, 3600),
    (
        "max_packet_size",
        Some("max_packet_size"),
        1024,
        268_435_455,
    ),
    ("inflight", Some("inflight"), 1, 65_535),
    ("will.qos", Some("will.qos"), 0, 2),
    (
        "mqtt5.session_expiry_s",
        Some("mqtt5.session_expiry_s"),
        0,
        4_294_967_295,
    ),
    (
        "mqtt5.receive_maximum",
        Some("mqtt5.receive_maximum"),
        1,
        65_535,
    ),
    (
        "mqtt5.topic_alias_maximum",
        Some("mqtt5.topic_alias_maximum"),
        0,
        65_535,
    ),
    ("subscriptions.qos", None, 0, 2),
    ("subscriptions.retain_handling", None, 0, 2),
    ("subscriptions.subscription_id", None, 1, 268_435_455),
];

/// The profile file with `key = value` put where it belongs.
fn profile_file(key: &str, value: &str) -> String {
    let head = "[profiles.p]\nbroker = \"mqtt://127.0.0.1:1883\"\n";
    match key.split_once('.') {
        Some(("subscriptions", k)) => {
            let extra = if k == "qos" {
                String::new()
            } else {
                ", qos = 1".into()
            };
            format!("{head}subscriptions = [{{ filter = \"a/#\", {k} = {value}{extra} }}]\n")
        }
        Some(("will", k)) => {
            format!("{head}[profiles.p.will]\ntopic = \"w\"\npayload = \"x\"\n{k} = {value}\n")
        }
        Some((table, k)) => format!("{head}[profiles.p.{table}]\n{k} = {value}\n"),
        None => format!("{head}{key} = {value}\n"),
    }
}

fn values(min: i64, max: i64) -> Vec<(String, bool)> {
    let mut v = vec![
        (min.to_string(), true),
        (max.to_string(), true),
        ((max + 1).to_string(), false),
        ("-1".to_string(), min <= -1),
        ("0".to_string(), min == 0),
        ("1".to_string(), min <= 1),
        ("1e400".to_string(), false),
        ("\"10\"".to_string(), false),
    ];
    if min > 1 {
        v.push(((min - 1).to_string(), false));
    }
    v
}

#[test]
fn every_numeric_profile_key_at_its_limits_loads_or_is_refused_in_words() {
    let path = Path::new("/tmp/limits.toml");
    for &(key, field, min, max) in PROFILE_KEYS {
        for (value, ok) in values(min, max) {
            let text = profile_file(key, &value);
            let shown_key = key.rsplit('.').next().unwrap_or(key);
            match ConfigFile::parse(path, &text) {
                Ok(file) => {
                    assert!(ok, "{key} = {value} was taken:\n{text}");
                    // What the loader takes, the connection takes: no setting it cannot use.
                    let s = file.profile("p").expect("profile p").settings();
                    s.validate()
                        .unwrap_or_else(|e| panic!("{key} = {value}: loaded but {e}"));
                }
                Err(e) => {
                    let e = e.to_string();
                    assert!(!ok, "{key} = {value} refused: {e}");
                    // A number out of range says what is allowed; a value that is no integer
                    // at all (1e400, a string) is named by the TOML reader.
                    let integer = value.parse::<i64>().is_ok();
                    let table = key.split('.').next().unwrap_or(key);
                    assert!(
                        if integer {
                            e.contains(shown_key) && e.contains("allowed")
                        } else {
                            e.contains(shown_key) || e.contains(table)
                        },
                        "{key} = {value}: the error must name the key and what is allowed: {e}"
                    );
                    assert!(e.starts_with("/tmp/limits.toml:"), "{e}");
                }
            }
            // The editor checks a field with the loader's own rules.
            if let Some(field) = field {
                let mut form = ProfileForm::new();
                form.values[0] = "p".into();
                if field.starts_with("will.") {
                    let at = |k: &str| FIELDS.iter().position(|f| f.1 == k).unwrap();
                    form.values[at("will.topic")] = "w".into();
                }
                let at = FIELDS
                    .iter()
                    .position(|f| f.1 == field)
                    .unwrap_or_else(|| panic!("no form field {field}"));
                form.values[at] = value.trim_matches('"').to_string();
                match form.profile(path) {
                    Ok(p) => {
                        let quoted = value.starts_with('"');
                        assert!(ok || quoted, "editor took {field} = {value}");
                        assert!(p.settings().validate().is_ok());
                    }
                    Err(e) => {
                        assert!(!ok, "editor refused {field} = {value}: {e}");
                        assert!(e.contains(shown_key), "{field} = {value}: {e}");
                    }
                }
            }
        }
    }
}

/// `mqscope ARGS…`: its exit code and stderr; never a panic (101).
fn cli(home: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut cmd = mqscope(home);
    cmd.args(args);
    let out = run(cmd, LIMIT);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(101), "{args:?} panicked: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    (out.status.code(), err)
}

#[test]
fn every_numeric_flag_at_its_limits_works_or_exits_2_in_words() {
    if !have_mosquitto("every_numeric_flag_at_its_limits") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let url = m.url();
    let base_pub = ["pub", "-b", url.as_str(), "-t", "limits/x", "-m", "y"];
    // (extra args, whether it must work)
    let cases: Vec<(Vec<&str>, bool)> = vec![
        (vec!["--keep-alive", "0"], true),
        (vec!["--keep-alive", "1"], true),
        (vec!["--keep-alive", "4"], true),
        (vec!["--keep-alive", "65535"], true),
        (vec!["--keep-alive", "65536"], false),
        (vec!["--keep-alive", "-1"], false),
        (vec!["--keep-alive", "0", "--protocol", "3"], true),
        (vec!["--keep-alive", "1", "--protocol", "3"], true),
        (vec!["--keep-alive", "65535", "--protocol", "3"], true),
        (vec!["--keep-alive", "0", "--protocol", "5"], true),
        (vec!["-q", "0"], true),
        (vec!["-q", "2"], true),
        (vec!["-q", "3"], false),
        (vec!["--timeout", "0"], false),
        (vec!["--timeout", "1e300"], false),
        (vec!["--timeout", "nan"], false),
        (vec!["--timeout", "inf"], false),
        (vec!["--timeout", "31536000"], true),
        (vec!["--timeout", "31536001"], false),
        (vec!["--repeat", "0"], false),
        (vec!["--repeat", "1"], true),
        (vec!["--repeat", "18446744073709551616"], false),
        (vec!["--repeat", "2", "--interval", "0"], true),
        (vec!["--interval", "-1"], false),
        (vec!["--interval", "1e300"], false),
        (vec!["--message-expiry", "0"], true),
        (vec!["--message-expiry", "4294967295"], true),
        (vec!["--message-expiry", "4294967296"], false),
    ];
    for (extra, works) in cases {
        let mut args = base_pub.to_vec();
        args.extend(&extra);
        let (code, err) = cli(home.path(), &args);
        if works {
            assert_eq!(code, Some(0), "{extra:?}: {err}");
        } else {
            assert_eq!(code, Some(2), "{extra:?}: {err}");
            let flag = extra[extra.len() - 2];
            assert!(
                err.contains(flag),
                "{extra:?}: the error names the flag: {err}"
            );
            assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        }
    }
    // Keep-alive 0 is sent as 0 (off, as MQTT defines), on both protocols.
    assert!(
        m.logged(&["(p5, c1, k0"], LIMIT),
        "MQTT 5 CONNECT with keep-alive 0"
    );
    assert!(
        m.logged(&["(p2, c1, k0"], LIMIT),
        "3.1.1 CONNECT with keep-alive 0"
    );
    assert!(
        m.logged(&["(p5, c1, k4"], LIMIT),
        "MQTT 5 CONNECT with keep-alive 4"
    );

    let base_sub = ["sub", "-b", url.as_str(), "-t", "limits/none"];
    let cases: Vec<(Vec<&str>, Option<i32>)> = vec![
        (vec!["-W", "0"], Some(2)),
        (vec!["-W", "1e300"], Some(2)),
        (vec!["-W", "0.2"], Some(0)),
        (vec!["-C", "0", "-W", "0.2"], Some(0)),
        (vec!["-C", "-1"], Some(2)),
        (vec!["--retain-handling", "3"], Some(2)),
        (vec!["--subscription-id", "0"], Some(2)),
        (vec!["--subscription-id", "268435456"], Some(2)),
        (vec!["--subscription-id", "268435455", "-W", "0.2"], Some(0)),
        (vec!["-q", "3"], Some(2)),
    ];
    for (extra, want) in cases {
        let mut args = base_sub.to_vec();
        args.extend(&extra);
        let (code, err) = cli(home.path(), &args);
        assert_eq!(code, want, "sub {extra:?}: {err}");
    }
    for extra in [
        vec!["--history-budget", "0"],
        vec!["--history-budget", "1048577"],
        vec!["--history-per-topic", "0"],
        vec!["--history-per-topic", "1000001"],
    ] {
        let mut args = vec!["-b", url.as_str()];
        args.extend(&extra);
        let (code, err) = cli(home.path(), &args);
        assert_eq!(code, Some(2), "{extra:?}: {err}");
        assert!(err.contains(extra[0]), "{err}");
    }
    let (code, err) = cli(home.path(), &["broker", "--port", "65536"]);
    assert_eq!(code, Some(2), "{err}");
    let (code, err) = cli(
        home.path(),
        &[
            "rr", "-b", &url, "-t", "a", "-e", "b", "-m", "x", "-W", "-1",
        ],
    );
    assert_eq!(code, Some(2), "{err}");
}

/// The CONNACK's Maximum Packet Size is honoured: a larger publish fails at once, in words with
/// both sizes, and the connection is untouched (the subscription keeps delivering).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_larger_than_the_broker_takes_fails_alone() {
    if !have_mosquitto("a_publish_larger_than_the_broker_takes") {
        return;
    }
    let m = Mosquitto::start_with("max_packet_size 1024\n");
    let mut c = Client::start(&client::settings(&m.url(), Protocol::V5));
    c.subscribe("big/#", QoS::AtLeastOnce).await;
    let id = c.publish("big/x", vec![b'x'; 2048], QoS::AtLeastOnce, false);
    match c.outcome(id).await {
        PublishOutcome::Failed(why) => assert!(
            why.contains("the publish is 2,06") && why.contains("the broker takes at most 1,024"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
    let id = c.publish("big/small", "ok", QoS::AtLeastOnce, false);
    // The PUBACK and our own message come back in either order; no reconnect may come between.
    let (mut acked, mut received) = (false, false);
    while !(acked && received) {
        c.wait_for("the ack and the message", |e| match e {
            MqttEvent::Publish { id: got, outcome } if *got == id && outcome.is_final() => {
                assert_eq!(*outcome, PublishOutcome::Acknowledged);
                acked = true;
                Some(())
            }
            MqttEvent::Message(msg) => {
                assert_eq!(msg.topic, "big/small");
                received = true;
                Some(())
            }
            MqttEvent::State(mqscope::mqtt::ConnState::Reconnecting { .. }) => {
                panic!("the connection was dropped")
            }
            _ => None,
        })
        .await;
    }
    c.stop().await;

    // Headless: exit 1 at once, in words.
    let home = tempfile::tempdir().unwrap();
    let big = common::write(home.path(), "big.bin", vec![b'z'; 2048]);
    let url = m.url();
    let big_s = big.display().to_string();
    let (code, err) = tokio::task::spawn_blocking(move || {
        cli(
            home.path(),
            &["pub", "-b", &url, "-t", "big/x", "-f", &big_s, "-q", "1"],
        )
    })
    .await
    .unwrap();
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("the broker takes at most 1,024"), "{err}");
}

/// 3.1.1 announces no limit: the broker closes the connection, and that is told as a possible
/// size limit with the size, and the publish is given up after three tries.
#[test]
fn on_3_1_1_a_close_after_a_large_publish_is_told_as_a_possible_size_limit() {
    if !have_mosquitto("a_close_after_a_large_publish") {
        return;
    }
    let m = Mosquitto::start_with("max_packet_size 1024\n");
    let home = tempfile::tempdir().unwrap();
    let big = common::write(home.path(), "big.bin", vec![b'z'; 2048]);
    let (code, err) = cli(
        home.path(),
        &[
            "pub",
            "-b",
            &m.url(),
            "--protocol",
            "3",
            "-t",
            "big/x",
            "-f",
            &big.display().to_string(),
            "-q",
            "1",
        ],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("2,0"), "the size is told: {err}");
    assert!(err.contains("may refuse packets this large"), "{err}");
    assert!(!err.contains("timed out"), "{err}");
}

/// `pub -f` and `pub -s` refuse more than a publish can carry without reading past it.
#[test]
fn local_input_past_what_a_publish_carries_is_refused_without_reading_it_whole() {
    let home = tempfile::tempdir().unwrap();
    let sparse = home.path().join("sparse.bin");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    // No broker is needed: the payload is read (and refused) before connecting.
    let (code, err) = cli(
        home.path(),
        &[
            "pub",
            "-b",
            "mqtt://127.0.0.1:9",
            "-t",
            "x",
            "-f",
            &sparse.display().to_string(),
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("is 1073741824 bytes; at most 268435452 bytes fit in one publish"),
        "{err}"
    );
    // A device has no size: it is read up to the limit and no further (RSS stays bounded).
    let mut cmd = mqscope(home.path());
    cmd.args(["pub", "-b", "mqtt://127.0.0.1:9", "-t", "x", "-s"]);
    cmd.stdin(std::fs::File::open("/dev/zero").unwrap());
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("standard input holds more than 268435452 bytes"),
        "{}",
        stderr(&out)
    );
}
