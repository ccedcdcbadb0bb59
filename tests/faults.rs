//! Faults a real broker will not make on cue, from a small fake broker: every outcome mqscope
//! reports must be one the packets prove, and nothing retries in a storm.

mod common;
use common::door::Door;

use std::time::{Duration, Instant};

use common::client::{self, Client};
use common::fake::{Fake, Script};
use common::{mqscope, run, stderr};
use mqscope::mqtt::{ConnErrorKind, ConnState, MqttEvent, Protocol, PublishOutcome, QoS};

const LIMIT: Duration = Duration::from_secs(20);

/// `mqscope pub -q 2 --protocol 3` to `url`, run off the test's runtime.
async fn pub_qos2_v311(url: &str) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = mqscope(home.path());
    cmd.args([
        "pub",
        "-b",
        url,
        "--protocol",
        "3",
        "-t",
        "t",
        "-m",
        "x",
        "-q",
        "2",
    ]);
    tokio::task::spawn_blocking(move || run(cmd, LIMIT))
        .await
        .unwrap()
}

fn reconnect_after(e: &MqttEvent) -> Option<(Duration, String)> {
    match e {
        MqttEvent::State(ConnState::Reconnecting { after, error, .. }) => {
            Some((*after, error.words.clone()))
        }
        _ => None,
    }
}

/// A broker that accepts and then sends garbage: each loss is a strike with a growing backoff
/// (never a fresh 0.5 s start), and after three the worker stops and says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_that_accepts_then_sends_garbage_gets_a_growing_backoff_then_a_stop() {
    let fake = Fake::start(Script::Garbage).await;
    let mut c = Client::start(&client::settings(&fake.url(), Protocol::V311));
    let mut waits = Vec::new();
    for _ in 0..2 {
        waits.push(c.wait_for("a reconnect", reconnect_after).await.0);
    }
    assert_eq!(
        waits,
        [Duration::from_millis(500), Duration::from_secs(1)],
        "the backoff grows although every attempt got a CONNACK"
    );
    let stopped = c
        .wait_for("the stop", |e| match e {
            MqttEvent::State(ConnState::Disconnected { error }) => Some(error.clone()),
            MqttEvent::State(ConnState::Reconnecting { .. }) => {
                panic!("a third malformed packet must stop the retries")
            }
            _ => None,
        })
        .await
        .expect("an error");
    assert!(
        stopped
            .words
            .contains("malformed packet on 3 connections running"),
        "{}",
        stopped.words
    );
    assert_eq!(fake.connections(), 3);
}

/// Headless output carries no raw control or invisible character from the wire: not on stdout
/// (`--json` uses `\u` escapes, always), not on stderr (`-d`, the broker's disconnect reason).
#[test]
fn headless_output_escapes_what_the_wire_brings() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt.block_on(Fake::start(Script::Hostile));
    let home = tempfile::tempdir().unwrap();
    let mut cmd = mqscope(home.path());
    cmd.args([
        "sub",
        "-b",
        &fake.url(),
        "-t",
        "#",
        "-C",
        "2",
        "-d",
        "--json",
        "--protocol",
        "5",
    ]);
    let out = run(cmd, LIMIT);
    let (o, e) = (common::stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{e}");
    let raw = |s: &str| {
        s.chars()
            .any(|c| c != '\n' && mqscope::text::needs_escape(c))
    };
    assert!(!raw(&o), "stdout carries raw controls: {o:?}");
    assert!(!raw(&e), "stderr carries raw controls: {e:?}");
    assert!(e.contains("pwned"), "the disconnect reason is told: {e}");
    for line in o.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("valid JSON");
        assert_eq!(
            v["topic"].as_str(),
            Some(format!("h/{}", common::fake::HOSTILE).as_str()),
            "the same text once read"
        );
    }
    assert!(
        o.contains(r"\u009b") && o.contains(r"\u202e") && o.contains(r"\u2028"),
        "{o}"
    );
    drop(rt);
}

/// A malformed packet names the field that was bad (rumqttc blamed the topic for any string).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_user_property_is_named_not_blamed_on_the_topic() {
    let fake = Fake::start(Script::BadUserProperty).await;
    let mut c = Client::start(&client::settings(&fake.url(), Protocol::V5));
    let (_, error) = c.wait_for("a reconnect", reconnect_after).await;
    assert!(
        error.contains("a user property value is not valid UTF-8"),
        "{error}"
    );
    assert!(!error.to_lowercase().contains("topic"), "{error}");
    c.stop().await;
}

/// A broker may name a topic by its alias alone (MQTT 5 §3.3.2.3.4): the message is shown on
/// the topic the alias stands for (rumqttc handed it on with an empty topic).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_by_topic_alias_arrives_on_its_topic() {
    let fake = Fake::start(Script::TopicAlias).await;
    let mut s = client::settings(&fake.url(), Protocol::V5);
    s.connect.topic_alias_maximum = Some(10);
    let mut c = Client::start(&s);
    let first = c.message().await;
    let second = c.message().await;
    assert_eq!(
        (first.topic.as_str(), &first.payload[..]),
        ("a/b", &b"one"[..])
    );
    assert_eq!(
        (second.topic.as_str(), &second.payload[..]),
        ("a/b", &b"two"[..])
    );
    c.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connack_then_silence_is_not_a_working_connection() {
    let fake = Fake::start(Script::Silent).await;
    let mut s = client::settings(&fake.url(), Protocol::V311);
    s.keep_alive = Duration::from_secs(1);
    s.subscriptions = vec![mqscope::mqtt::Subscription::new("a/#", QoS::AtLeastOnce)];
    let mut c = Client::start(&s);
    c.connected().await;
    let (_, error) = c.wait_for("the keep-alive timeout", reconnect_after).await;
    assert!(
        error.contains("nothing from the broker for 1.5 s (1.5 × the keep-alive of 1 s)"),
        "{error}"
    );

    // What the explorer makes of it: connected, the subscription unanswered, the error kept.
    let start = Instant::now();
    let mut app = mqscope::app::App::new(Vec::new(), Default::default(), start);
    app.set_connection(mqscope::app::ConnInfo::new(
        "fake".into(),
        fake.url(),
        Protocol::V311,
        false,
    ));
    app.set_subscriptions(&s.subscriptions);
    let err = mqscope::mqtt::ConnError::new(ConnErrorKind::Timeout, error.clone());
    app.mqtt(
        MqttEvent::State(ConnState::Reconnecting {
            after: Duration::from_millis(500),
            error: err,
            never_connected: false,
        }),
        start,
    );
    app.mqtt(
        MqttEvent::State(ConnState::Connected {
            session_present: false,
        }),
        start,
    );
    app.now = start + Duration::from_secs(6);
    assert_eq!(app.unanswered_subscriptions(), 1);
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 10)).unwrap();
    term.draw(|f| mqscope::ui::draw(f, &app)).unwrap();
    let status: String = (0..200)
        .map(|x| term.backend().buffer()[(x, 9)].symbol().to_string())
        .collect();
    assert!(status.contains("has not answered SUBSCRIBE"), "{status}");
    assert!(status.contains("nothing from the broker"), "{status}");
    assert!(status.contains("1 not acknowledged"), "{status}");
    c.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_lost_after_pubrec_is_outcome_unknown_and_pub_exits_1() {
    let fake = Fake::start(Script::CutAfterPubrec).await;
    let out = pub_qos2_v311(&fake.url()).await;
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("outcome unknown") && err.contains("after PUBREC"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn puback_for_a_qos2_publish_is_reported_as_a_downgrade() {
    let fake = Fake::start(Script::PubackForQos2).await;
    let mut c = Client::start(&client::settings(&fake.url(), Protocol::V311));
    c.connected().await;
    let id = c.publish("t", "x", QoS::ExactlyOnce, false);
    assert_eq!(c.outcome(id).await, PublishOutcome::Downgraded);
    assert_eq!(
        PublishOutcome::Downgraded.to_string(),
        "acknowledged at QoS 1 (the broker downgraded it)"
    );
    c.stop().await;
    let out = pub_qos2_v311(&fake.url()).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("downgraded"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_sent_again_on_a_kept_session_carries_dup() {
    let fake = Fake::start(Script::DropFirstPublish).await;
    let mut s = client::settings(&fake.url(), Protocol::V311);
    s.clean_session = false;
    s.client_id = "dup-test".into();
    let mut c = Client::start(&s);
    c.connected().await;
    let id = c.publish("t", "x", QoS::AtLeastOnce, false);
    assert_eq!(c.outcome(id).await, PublishOutcome::Acknowledged);
    let seen = fake.seen.lock().unwrap().clone();
    let publishes: Vec<(usize, bool)> = seen
        .iter()
        .enumerate()
        .flat_map(|(conn, packets)| {
            packets
                .iter()
                .filter_map(move |p| p.publish(false).map(|(_, dup, _)| (conn, dup)))
        })
        .collect();
    assert_eq!(
        publishes,
        [(0, false), (1, true)],
        "sent, then re-sent with DUP=1"
    );
    c.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_taken_over_is_named() {
    let fake = Fake::start(Script::TakeOver).await;
    let mut s = client::settings(&fake.url(), Protocol::V5);
    s.client_id = "twin".into();
    let mut c = Client::start(&s);
    let (_, error) = c.wait_for("the takeover", reconnect_after).await;
    assert_eq!(error, "another client is using client id twin");
    c.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_retrying_cannot_fix_stops_the_retries() {
    for protocol in [Protocol::V311, Protocol::V5] {
        let fake = Fake::start(Script::NotAuthorized).await;
        let mut c = Client::start(&client::settings(&fake.url(), protocol));
        let error = c
            .wait_for("the worker to stop", |e| match e {
                MqttEvent::State(ConnState::Disconnected { error: Some(e) }) => Some(e.clone()),
                MqttEvent::State(ConnState::Reconnecting { .. }) => {
                    panic!("retried a refusal: {e:?}")
                }
                _ => None,
            })
            .await;
        assert_eq!(error.kind, ConnErrorKind::NotAuthorized, "{protocol}");
        assert!(error.words.contains("not authorized"));
        assert_eq!(fake.connections(), 1, "one attempt, no retry");
        c.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_small_words_sub_d_the_tls_hint_and_insecure() {
    let home = tempfile::tempdir().unwrap();
    // mqtt:// to something that hangs up at once (a TLS port does): the hint.
    let hangs_up = Fake::start(Script::HangUp).await;
    let mut cmd = mqscope(home.path());
    cmd.args(["pub", "-b", &hangs_up.url(), "-t", "t", "-m", "x"]);
    let out = tokio::task::spawn_blocking(move || run(cmd, LIMIT))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is this a TLS port? try mqtts://"),
        "{}",
        stderr(&out)
    );

    // sub -d speaks words, not Rust debug text; -W counts from the subscription.
    let fake = Fake::start(Script::PubackForQos2).await;
    let mut cmd = mqscope(home.path());
    cmd.args(["sub", "-b", &fake.url(), "-t", "a/#", "-d", "-W", "1"]);
    let out = tokio::task::spawn_blocking(move || run(cmd, LIMIT))
        .await
        .unwrap();
    let err = stderr(&out);
    assert!(err.contains(": connected"), "{err}");
    assert!(err.contains("speaking v"), "{err}");
    assert!(
        !err.contains("Connected {") && !err.contains("attempt:"),
        "{err}"
    );

    // --insecure is said on stderr.
    let mut cmd = mqscope(home.path());
    cmd.args([
        "pub",
        "-b",
        &format!("mqtts://127.0.0.1:{}", hangs_up.port),
        "--insecure",
        "-t",
        "t",
        "-m",
        "x",
    ]);
    let out = tokio::task::spawn_blocking(move || run(cmd, LIMIT))
        .await
        .unwrap();
    assert!(
        stderr(&out).contains("TLS certificate verification is off"),
        "{}",
        stderr(&out)
    );
}
