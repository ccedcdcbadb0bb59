//! `mqscope check` through mosquitto, against a device played by a client of our own library
//! (a lamp that reports its state, a service that answers requests by correlation data): a
//! passing check, a failing one (exit 1, the failure in words), its JUnit XML read by Python's
//! XML parser, and a broken file named by line.

mod common;

use std::process::Command;
use std::time::Duration;

use common::mosquitto::Mosquitto;
use common::{have_mosquitto, mqscope, run, stderr, stdout, write};
use mqscope::mqtt::{Properties, Protocol, QoS};

const LIMIT: Duration = Duration::from_secs(30);

/// The devices: lamp/set → lamp/state (the same payload), svc/req → "pong:" + payload to its
/// response topic with its correlation data.
async fn devices(url: String) -> tokio::task::JoinHandle<()> {
    let mut d = common::client::Client::start(&common::client::settings(&url, Protocol::V5));
    d.subscribe("lamp/set", QoS::AtLeastOnce).await;
    d.subscribe("svc/req", QoS::AtLeastOnce).await;
    tokio::spawn(async move {
        loop {
            let m = d.message().await;
            if m.topic.as_str() == "lamp/set" {
                d.publish("lamp/state", m.payload.clone(), QoS::AtLeastOnce, false);
                continue;
            }
            let Some(p) = m.properties.clone() else {
                continue;
            };
            let Some(to) = p.response_topic.clone() else {
                continue;
            };
            let mut body = b"pong:".to_vec();
            body.extend_from_slice(&m.payload);
            let props = Properties {
                correlation_data: p.correlation_data.clone(),
                ..Properties::default()
            };
            let _ = d.handle.publish(mqscope::publish::Publish {
                topic: to,
                payload: body.into(),
                qos: QoS::AtLeastOnce,
                retain: false,
                properties: Some(Box::new(props)),
            });
        }
    })
}

const PASSING: &str = r#"name = "lamp and service"

[[steps]]
publish = "lamp/set"
payload = '{"on": true, "level": 70}'

[[steps]]
expect = "lamp/state"
json = "level >= 50"
within_s = 5

[[steps]]
request = "svc/req"
response_topic = "svc/reply/check"
payload = "ping"
equals = "pong:ping"
within_s = 5

[[steps]]
wait_s = 0.1
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_passes_fails_and_writes_junit() {
    if !have_mosquitto("check") {
        return;
    }
    let m = Mosquitto::start();
    let served = devices(m.url()).await;
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().to_path_buf();
    let url = m.url();
    let out = tokio::task::spawn_blocking(move || {
        let file = write(&dir, "pass.toml", PASSING);
        let junit = dir.join("pass.xml");
        let mut cmd = mqscope(&dir);
        cmd.arg("check")
            .arg(&file)
            .args(["-b", &url, "--junit"])
            .arg(&junit);
        let pass = run(cmd, LIMIT);
        // The lamp reports level 70: a check for "off" and a response that never comes fail.
        let failing = PASSING
            .replace("json = \"level >= 50\"", "json = \"on = false\"")
            .replace(
                "within_s = 5\n\n[[steps]]\nrequest",
                "within_s = 1\n\n[[steps]]\nrequest",
            )
            .replace("svc/req", "svc/nobody")
            .replace(
                "within_s = 5\n\n[[steps]]\nwait_s",
                "within_s = 1\n\n[[steps]]\nwait_s",
            );
        let file = write(&dir, "fail.toml", failing);
        let junit_fail = dir.join("fail.xml");
        let mut cmd = mqscope(&dir);
        cmd.arg("check")
            .arg(&file)
            .args(["-b", &url, "--junit"])
            .arg(&junit_fail);
        (pass, run(cmd, LIMIT), junit, junit_fail)
    })
    .await
    .unwrap();
    served.abort();
    let (pass, fail, junit, junit_fail) = out;
    let said = stdout(&pass);
    assert!(pass.status.success(), "{said}{}", stderr(&pass));
    let lines: Vec<&str> = said.lines().collect();
    assert!(
        lines[0].starts_with("ok    1 publish lamp/set: acknowledged (PUBACK), q1, "),
        "{said}"
    );
    assert!(
        lines[1].starts_with("ok    2 expect lamp/state level >= 50: lamp/state ")
            && lines[1].contains(r#"{"on": true, "level": 70}"#),
        "{said}"
    );
    assert!(
        lines[2].contains("request svc/req = pong:ping: svc/reply/check after"),
        "{said}"
    );
    assert!(lines[3].starts_with("ok    4 wait 0.1 s"), "{said}");
    assert!(lines[4].starts_with("4 of 4 steps passed"), "{said}");

    let said = stdout(&fail);
    assert_eq!(fail.status.code(), Some(1), "{said}{}", stderr(&fail));
    assert!(
        said.contains("FAIL  2 expect lamp/state on = false: nothing within 1.0 s (1 message did not match; the last: {\"on\": true, \"level\": 70})"),
        "{said}"
    );
    assert!(
        said.contains("FAIL  3 request svc/nobody = pong:ping: nothing within 1.0 s"),
        "{said}"
    );
    assert!(said.contains("2 of 4 steps passed"), "{said}");
    assert!(
        stderr(&fail).contains("2 of 4 steps failed"),
        "{}",
        stderr(&fail)
    );

    // The JUnit files, read by a real XML parser.
    let read = |path: &std::path::Path| {
        let script = "import sys, xml.etree.ElementTree as E\n\
                      s = E.parse(sys.argv[1]).getroot().find('testsuite')\n\
                      print(s.get('name'), s.get('tests'), s.get('failures'))\n\
                      for c in s.findall('testcase'):\n\
                      \x20   f = c.find('failure')\n\
                      \x20   print(c.get('name'), '|', 'FAIL ' + f.get('message') if f is not None else 'ok')\n";
        let out = Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(path)
            .output()
            .expect("python3");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let ok = read(&junit);
    assert!(
        ok.starts_with("lamp and service 4 0\n1 publish lamp/set | ok\n"),
        "{ok}"
    );
    let bad = read(&junit_fail);
    assert!(bad.starts_with("lamp and service 4 2\n"), "{bad}");
    assert!(
        bad.contains("2 expect lamp/state on = false | FAIL nothing within 1.0 s"),
        "{bad}"
    );
}

#[test]
fn a_broken_check_file_names_its_line() {
    let home = tempfile::tempdir().unwrap();
    let cases = [
        (
            "[[steps]]\npublish = \"a/+\"\n",
            "bad.toml:2:",
            "steps.publish",
        ),
        (
            "[[steps]]\nexpect = \"a\"\njson = \"no operator\"\n",
            "bad.toml:3:",
            "path op value",
        ),
        (
            "[[steps]]\nexpect = \"a\"\nwait_s = 1\n",
            "bad.toml:1:",
            "one of publish",
        ),
        ("[[steps]]\nrequest = \"a\"\n", "bad.toml:1:", "needs one"),
        (
            "[[steps]]\nexpect = \"a\"\nsoon = true\n",
            "bad.toml:3:",
            "unknown key",
        ),
        ("name = \"x\"\n", "bad.toml:1:", "no [[steps]]"),
    ];
    for (text, at, says) in cases {
        let file = write(home.path(), "bad.toml", text);
        let mut cmd = mqscope(home.path());
        cmd.arg("check")
            .arg(&file)
            .args(["-b", "mqtt://127.0.0.1:1"]);
        let out = run(cmd, LIMIT);
        assert_eq!(out.status.code(), Some(2), "{text}");
        let e = stderr(&out);
        assert!(e.contains(at) && e.contains(says), "{text}: {e}");
    }
}
