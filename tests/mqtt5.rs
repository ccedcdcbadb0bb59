//! MQTT 5 in full against mosquitto: every publish property both ways (mqscope pub →
//! mosquitto_sub's JSON; mosquitto_pub -D … → mqscope sub --json), `pub --repeat`, properties
//! refused on a 3.1.1 connection.

mod common;
use common::driver;

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

/// The profile's `[mqtt5]` CONNECT properties reach mosquitto (a session expiry keeps the
/// session of a clean start, where without it the session ends with the connection), and
/// `sub -d` prints what CONNACK said.
#[test]
fn connect_properties_from_the_profile_and_the_connack() {
    if !have_mosquitto("mqtt5_connect") {
        return;
    }
    let m = Mosquitto::start();
    let home = tempfile::tempdir().unwrap();
    let cfg = common::write(
        home.path(),
        "p.toml",
        format!(
            "[profiles.keep]\nbroker = \"{url}\"\nclient_id = \"mq-keep\"\n[profiles.keep.mqtt5]\nsession_expiry_s = 300\nreceive_maximum = 5\nrequest_problem_information = true\nuser_properties = {{ app = \"mqscope\" }}\n\n\
             [profiles.keep2]\nbroker = \"{url}\"\nclient_id = \"mq-keep\"\nclean_session = false\n\n\
             [profiles.gone]\nbroker = \"{url}\"\nclient_id = \"mq-gone\"\n\n\
             [profiles.gone2]\nbroker = \"{url}\"\nclient_id = \"mq-gone\"\nclean_session = false\n",
            url = m.url()
        ),
    );
    let port = m.port.to_string();
    for (first, again, kept) in [("keep", "keep2", true), ("gone", "gone2", false)] {
        // Subscribe at QoS 1 with a clean start, then leave.
        let mut cmd = mqscope(home.path());
        cmd.args(["sub", "-d", "--config"]).arg(&cfg);
        cmd.args(["-P", first, "-t", "se/#", "-q", "1", "-C", "1"]);
        let mut probe = std::process::Command::new("mosquitto_pub");
        let (child, err) = {
            cmd.stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            let mut child = cmd.spawn().unwrap();
            let stderr = child.stderr.take().unwrap();
            let (tx, rx) = std::sync::mpsc::channel();
            let reader = std::thread::spawn(move || {
                use std::io::BufRead;
                let mut all = String::new();
                for line in std::io::BufReader::new(stderr)
                    .lines()
                    .map_while(Result::ok)
                {
                    if line.contains("subscribed to") {
                        let _ = tx.send(());
                    }
                    all.push_str(&line);
                    all.push('\n');
                }
                all
            });
            rx.recv_timeout(LIMIT).expect("subscribed");
            (child, reader)
        };
        // One message so it exits, with its session (or not) left behind.
        probe.args([
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-t",
            "se/first",
            "-m",
            "1",
            "-q",
            "1",
        ]);
        assert!(run(probe, LIMIT).status.success());
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        let said = err.join().unwrap();
        if kept {
            assert!(said.contains("CONNACK receive maximum: 20"), "{said}");
            assert!(said.contains("CONNACK topic alias maximum: 10"), "{said}");
        }
        // Published while it is away, at QoS 1: queued only in a session that outlived it.
        let mut away = std::process::Command::new("mosquitto_pub");
        away.args([
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-t",
            "se/away",
            "-m",
            "queued",
            "-q",
            "1",
        ]);
        assert!(run(away, LIMIT).status.success());
        let mut cmd = mqscope(home.path());
        cmd.args(["sub", "-d", "--config"]).arg(&cfg);
        cmd.args(["-P", again, "-t", "se/#", "-q", "1", "-C", "1", "-W", "1"]);
        let out = run(cmd, LIMIT);
        if kept {
            assert!(out.status.success(), "{}", stderr(&out));
            assert_eq!(stdout(&out).trim(), "queued");
            assert!(
                stderr(&out).contains("CONNACK session present: yes"),
                "{}",
                stderr(&out)
            );
        } else {
            assert_eq!(
                out.status.code(),
                Some(1),
                "nothing queued: {}",
                stdout(&out)
            );
            assert!(
                stderr(&out).contains("CONNACK session present: no"),
                "{}",
                stderr(&out)
            );
        }
    }
}

/// `m` / `Ctrl+Y`'s mosquitto_pub command, run through a shell, sends the same message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_copied_mosquitto_pub_command_reproduces_the_message() {
    use mqscope::app::pub_command::command;
    use mqscope::mqtt::{Properties, Protocol, QoS};
    use mqscope::publish::Publish;
    if !have_mosquitto("copy_as_command") {
        return;
    }
    let m = Mosquitto::start();
    let mut sub = common::client::Client::start(&common::client::settings(&m.url(), Protocol::V5));
    sub.subscribe("cmd/#", QoS::ExactlyOnce).await;
    let props = Properties {
        content_type: Some("text/plain; it's \"quoted\"".into()),
        response_topic: Some("cmd/reply".into()),
        correlation_data: Some(bytes::Bytes::from_static(b"c-1")),
        message_expiry_interval: Some(120),
        payload_format_indicator: Some(1),
        user_properties: vec![("k $HOME".into(), "v 'x'".into())],
        ..Properties::default()
    };
    let cases: Vec<(&str, Vec<u8>, QoS, Option<&Properties>)> = vec![
        (
            "cmd/text",
            b"it's $HOME `date` \\n \"q\"\nline two".to_vec(),
            QoS::AtLeastOnce,
            Some(&props),
        ),
        (
            "cmd/binary",
            vec![0, 1, 0x1b, b'%', b'\\', b'\'', 0xff, 0x80, b'\n'],
            QoS::AtMostOnce,
            None,
        ),
        ("cmd/empty", Vec::new(), QoS::ExactlyOnce, None),
    ];
    for (topic, payload, qos, p) in cases {
        let (cmd, note) = command(
            &Publish {
                topic: topic.to_string(),
                payload: payload.clone().into(),
                qos,
                retain: false,
                properties: p.cloned().map(Box::new),
            },
            &m.url(),
            None,
        );
        assert!(note.is_none(), "{note:?}");
        let out = run(
            {
                let mut sh = std::process::Command::new("sh");
                sh.arg("-c").arg(&cmd);
                sh
            },
            LIMIT,
        );
        assert!(out.status.success(), "{cmd}: {}", stderr(&out));
        let got = sub.message().await;
        assert_eq!(got.topic, topic, "{cmd}");
        assert_eq!(&got.payload[..], &payload[..], "{cmd}");
        assert_eq!(got.qos, qos, "{cmd}");
        if let Some(p) = p {
            let gp = got.properties.as_deref().expect("properties");
            assert_eq!(gp.content_type, p.content_type, "{cmd}");
            assert_eq!(gp.response_topic, p.response_topic);
            assert_eq!(gp.correlation_data, p.correlation_data);
            assert_eq!(gp.user_properties, p.user_properties);
            assert_eq!(gp.payload_format_indicator, Some(1));
            assert!(gp.message_expiry_interval.is_some_and(|e| e <= 120));
        }
    }
    sub.stop().await;
}

/// `mqscope rr` against a responder: the response whose correlation data matches is printed, a
/// stray one sent before it (other correlation data) is skipped; no responder: a timeout, exit 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rr_matches_the_response_by_correlation_data() {
    use mqscope::mqtt::{Properties, Protocol, QoS};
    if !have_mosquitto("rr") {
        return;
    }
    let m = Mosquitto::start();
    let mut responder =
        common::client::Client::start(&common::client::settings(&m.url(), Protocol::V5));
    responder.subscribe("svc/req", QoS::AtLeastOnce).await;
    let serve = tokio::spawn(async move {
        let req = responder.message().await;
        let p = req.properties.clone().expect("request properties");
        let reply_to = p.response_topic.clone().expect("a response topic");
        let stray = Properties {
            correlation_data: Some(bytes::Bytes::from_static(b"someone-else")),
            ..Properties::default()
        };
        let id = responder
            .handle
            .publish(mqscope::publish::Publish {
                topic: reply_to.clone(),
                payload: b"not yours".to_vec().into(),
                qos: QoS::AtLeastOnce,
                retain: false,
                properties: Some(Box::new(stray)),
            })
            .unwrap();
        responder.outcome(id).await;
        let answer = Properties {
            correlation_data: p.correlation_data.clone(),
            ..Properties::default()
        };
        let mut body = b"pong:".to_vec();
        body.extend_from_slice(&req.payload);
        let id = responder
            .handle
            .publish(mqscope::publish::Publish {
                topic: reply_to,
                payload: body.into(),
                qos: QoS::AtLeastOnce,
                retain: false,
                properties: Some(Box::new(answer)),
            })
            .unwrap();
        responder.outcome(id).await;
        responder.stop().await;
        p.correlation_data
    });
    let home = tempfile::tempdir().unwrap();
    let url = m.url();
    let home_path = home.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        let mut cmd = mqscope(&home_path);
        cmd.args([
            "rr",
            "-b",
            &url,
            "-t",
            "svc/req",
            "-e",
            "svc/reply/1",
            "-m",
            "ping",
            "-v",
            "-W",
            "10",
        ]);
        run(cmd, LIMIT)
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let line = stdout(&out);
    assert!(line.starts_with("svc/reply/1 pong:ping ("), "{line}");
    assert!(line.trim_end().ends_with(" ms)"), "{line}");
    assert!(
        stderr(&out).contains("skipped a message on svc/reply/1 with other correlation data"),
        "{}",
        stderr(&out)
    );
    let correlation = serve.await.unwrap().expect("correlation data was set");
    assert_eq!(correlation.len(), 32, "generated: 16 random bytes as hex");
    // Nobody answers: a timeout in words, exit 1.
    let mut cmd = mqscope(home.path());
    cmd.args([
        "rr",
        "-b",
        &m.url(),
        "-t",
        "svc/none",
        "-e",
        "svc/reply/2",
        "-m",
        "x",
        "-W",
        "0.5",
    ]);
    let out = run(cmd, LIMIT);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no response with our correlation data"),
        "{}",
        stderr(&out)
    );
}

/// Compose with a response topic: the explorer subscribes to it first, sets correlation data,
/// and tells the matching response (with its round trip) from a stray one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compose_request_response_matches_in_the_explorer() {
    use crossterm::event::KeyCode;
    use mqscope::app::App;
    use mqscope::app::requests::Answer;
    use mqscope::config::Profile;
    use mqscope::mqtt::{BrokerUrl, Properties, Protocol, QoS};
    use mqscope::tui::run::Session;

    if !have_mosquitto("compose_rr") {
        return;
    }
    let m = Mosquitto::start();
    let mut responder =
        common::client::Client::start(&common::client::settings(&m.url(), Protocol::V5));
    responder.subscribe("svc/req", QoS::AtLeastOnce).await;
    let serve = tokio::spawn(async move {
        let req = responder.message().await;
        let p = req.properties.clone().unwrap_or_default();
        let reply_to = p.response_topic.clone().expect("a response topic");
        for (corr, body) in [
            (bytes::Bytes::from_static(b"stray"), "not yours"),
            (p.correlation_data.clone().unwrap_or_default(), "pong"),
        ] {
            let props = Properties {
                correlation_data: Some(corr),
                ..Properties::default()
            };
            let id = responder
                .handle
                .publish(mqscope::publish::Publish {
                    topic: reply_to.clone(),
                    payload: body.as_bytes().to_vec().into(),
                    qos: QoS::AtLeastOnce,
                    retain: false,
                    properties: Some(Box::new(props)),
                })
                .unwrap();
            responder.outcome(id).await;
        }
        responder.stop().await;
    });
    let mut profile = Profile::adhoc(BrokerUrl::parse(&m.url()).unwrap());
    profile.name = "m".into();
    let mut app = App::new(vec![profile], Default::default(), std::time::Instant::now());
    let conn = mqscope::cli::ConnArgs::default();
    let filters = vec!["other/#".to_string()];
    let mut session = Session::new(|p: &Profile| mqscope::session::open::open(&conn, &filters, p));
    let sample = |app: &App| -> (bool, Vec<String>, Vec<String>) {
        let connected = matches!(
            app.link.conn.as_ref().map(|c| &c.state),
            Some(mqscope::mqtt::ConnState::Connected { .. })
        );
        let subs = app
            .link
            .subscriptions
            .iter()
            .map(|s| s.sub.filter.clone())
            .collect();
        let answers = app
            .link
            .store
            .log
            .iter_from(0)
            .filter_map(|e| app.requests.answer(e.seq()))
            .map(|a| match a {
                Answer::Matched { request_topic, .. } => format!("matched {request_topic}"),
                Answer::Unmatched => "unmatched".to_string(),
            })
            .collect();
        (connected, subs, answers)
    };
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).unwrap();
    let (mut ui, looped) = driver::start(&mut terminal, &mut app, &mut session, Some("m"), sample);
    let script = async {
        ui.wait("connected", |s| s.0).await;
        ui.key(KeyCode::Tab);
        ui.key(KeyCode::Tab);
        for c in "svc/req".chars() {
            ui.key(KeyCode::Char(c));
        }
        ui.ctrl('o');
        for _ in 0..3 {
            ui.key(KeyCode::Tab); // to the response topic
        }
        for c in "svc/reply/tui".chars() {
            ui.key(KeyCode::Char(c));
        }
        ui.ctrl('s'); // apply the properties
        ui.ctrl('s'); // publish
        let (_, subs, answers) = ui
            .wait("both responses filed and told apart", |s| s.2.len() == 2)
            .await;
        assert!(
            subs.contains(&"svc/reply/tui".to_string()),
            "subscribed first: {subs:?}"
        );
        assert_eq!(answers, ["unmatched", "matched svc/req"]);
        // Out of the compose field (where q is a letter), then quit.
        ui.key(KeyCode::Esc);
        ui.key(KeyCode::Char('q'));
    };
    driver::finish(looped, script).await;
    serve.await.unwrap();
}
