//! Headless commands end when they are done and refuse what they cannot do: `sub -C N` finishes
//! a QoS 2 handshake before it leaves, MQTT 5 subscription options on 3.1.1 are refused in
//! words, and `-h HOST` (mosquitto's habit) is a usage error instead of help and exit 0.

mod common;

use std::time::Duration;

use common::mosquitto::Mosquitto;
use common::{have_mosquitto, mqscope, run, stderr, stdout};

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn sub_count_finishes_the_qos2_handshake_before_it_leaves() {
    if !have_mosquitto("sub_count_finishes_the_qos2_handshake") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let mut sub = mqscope(home.path());
    sub.args([
        "sub",
        "-b",
        &m.url(),
        "-t",
        "q2/#",
        "-q",
        "2",
        "-C",
        "1",
        "--client-id",
        "sub-q2-ends",
    ]);
    sub.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = sub.spawn().expect("spawn sub");
    assert!(
        m.logged(&["sub-q2-ends", "q2/#"], LIMIT),
        "the subscription reached mosquitto"
    );
    let status = std::process::Command::new("mosquitto_pub")
        .args(["-p", &m.port.to_string(), "-h", "127.0.0.1"])
        .args(["-t", "q2/x", "-m", "exactly once", "-q", "2"])
        .status()
        .expect("mosquitto_pub");
    assert!(status.success());
    let out = child.wait_with_output().expect("sub");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "exactly once\n");
    assert!(
        m.logged(&["Received PUBCOMP from sub-q2-ends"], LIMIT),
        "the QoS 2 handshake was finished before DISCONNECT"
    );
    assert!(m.logged(&["Received DISCONNECT from sub-q2-ends"], LIMIT));
}

#[test]
fn mqtt5_subscription_options_on_3_1_1_are_refused_in_words() {
    let home = tempfile::tempdir().unwrap();
    for option in [
        &["--no-local"][..],
        &["--retain-as-published"],
        &["--retain-handling", "2"],
        &["--subscription-id", "7"],
    ] {
        let mut cmd = mqscope(home.path());
        cmd.args([
            "sub",
            "-b",
            "mqtt://127.0.0.1:9",
            "--protocol",
            "3",
            "-t",
            "a",
        ]);
        cmd.args(option);
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.code(), Some(2), "{option:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(option[0]) && err.contains("MQTT 5 subscription options"),
            "{err}"
        );
    }
}

#[test]
fn dash_h_with_other_arguments_is_a_usage_error_not_help() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["pub", "-h", "broker.example", "-t", "x", "-m", "y"][..],
        &["sub", "-h", "localhost", "-t", "#"],
        &["-h", "localhost"],
    ] {
        let mut cmd = mqscope(home.path());
        cmd.args(args);
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("-b mqtt://HOST:PORT"),
            "{}",
            stderr(&out)
        );
        assert!(stdout(&out).is_empty(), "no help printed");
    }
    for args in [&["-h"][..], &["pub", "-h"], &["--help"]] {
        let mut cmd = mqscope(home.path());
        cmd.args(args);
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).contains("Usage:"), "{}", stdout(&out));
    }
}
