//! The worker survives a broker restart: backoff, re-subscription, and the outbox.

mod common;

use common::client::{self, Client};
use common::have_mosquitto;
use common::mosquitto::Mosquitto;
use mqscope::mqtt::{ConnState, MqttEvent, Protocol, PublishOutcome, QoS};

fn reconnecting_after(e: &MqttEvent) -> Option<std::time::Duration> {
    match e {
        MqttEvent::State(ConnState::Reconnecting { after, error, .. }) => {
            assert!(!error.is_empty(), "the reason is given in words");
            Some(*after)
        }
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnects_with_backoff_resubscribes_and_receives_again() {
    if !have_mosquitto("reconnect") {
        return;
    }
    let mut m = Mosquitto::start();
    for protocol in [Protocol::V311, Protocol::V5] {
        let mut sub = Client::start(&client::settings(&m.url(), protocol));
        sub.subscribe("rc/#", QoS::AtLeastOnce).await;
        m.stop();
        // Backoff doubles: 0.5 s, then 1 s.
        let first = sub.wait_for("first retry", reconnecting_after).await;
        let second = sub.wait_for("second retry", reconnecting_after).await;
        assert_eq!(first.as_millis(), 500);
        assert_eq!(second.as_millis(), 1000);
        m.start_again();
        sub.wait_for("CONNACK after restart", |e| {
            matches!(e, MqttEvent::State(ConnState::Connected { .. })).then_some(())
        })
        .await;
        // The worker subscribes again by itself.
        assert_eq!(sub.subscribed("rc/#").await, QoS::AtLeastOnce);
        let mut publisher = Client::start(&client::settings(&m.url(), Protocol::V5));
        let id = publisher.publish("rc/x", "after restart", QoS::AtLeastOnce, false);
        assert_eq!(publisher.outcome(id).await, PublishOutcome::Acknowledged);
        let msg = sub.message().await;
        assert_eq!(
            (msg.topic.as_str(), &msg.payload[..]),
            ("rc/x", &b"after restart"[..])
        );
        publisher.stop().await;
        sub.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qos1_publishes_made_while_the_broker_is_down_are_delivered_after_it_returns() {
    if !have_mosquitto("outbox") {
        return;
    }
    let mut m = Mosquitto::start();
    // A persistent subscriber: the broker queues for it while it is away.
    let mut sub_settings = client::settings(&m.url(), Protocol::V5);
    sub_settings.client_id = "outbox-test-subscriber".into();
    sub_settings.clean_session = false;
    let mut sub = Client::start(&sub_settings);
    sub.subscribe("ob/#", QoS::AtLeastOnce).await;

    let mut publisher = Client::start(&client::settings(&m.url(), Protocol::V311));
    publisher.connected().await;
    m.stop_gracefully();
    publisher
        .wait_for("the publisher to notice", reconnecting_after)
        .await;
    let ids: Vec<_> = (0..5)
        .map(|i| {
            publisher.publish(
                &format!("ob/{i}"),
                format!("queued {i}"),
                QoS::AtLeastOnce,
                false,
            )
        })
        .collect();
    m.start_again();
    for id in ids {
        assert_eq!(publisher.outcome(id).await, PublishOutcome::Acknowledged);
    }
    let mut got = Vec::new();
    for _ in 0..5 {
        let msg = sub.message().await;
        got.push(String::from_utf8_lossy(&msg.payload).into_owned());
    }
    got.sort();
    assert_eq!(
        got,
        (0..5).map(|i| format!("queued {i}")).collect::<Vec<_>>()
    );
    publisher.stop().await;
    sub.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishes_still_pending_at_shutdown_are_reported_failed() {
    if !have_mosquitto("outbox_failed") {
        return;
    }
    let mut m = Mosquitto::start();
    let mut publisher = Client::start(&client::settings(&m.url(), Protocol::V5));
    publisher.connected().await;
    m.stop();
    publisher
        .wait_for("the publisher to notice", reconnecting_after)
        .await;
    let id = publisher.publish("never/x", "lost?", QoS::AtLeastOnce, false);
    publisher
        .handle
        .try_send(mqscope::mqtt::Command::Disconnect)
        .expect("queue disconnect");
    match publisher.outcome(id).await {
        PublishOutcome::Failed(why) => assert!(why.contains("closed"), "{why}"),
        other => panic!("expected a failure report, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publishes_in_flight_when_the_broker_crashes_are_resent_never_lost() {
    if !have_mosquitto("outbox_inflight") {
        return;
    }
    let mut m = Mosquitto::start();
    for protocol in [Protocol::V311, Protocol::V5] {
        let mut publisher = Client::start(&client::settings(&m.url(), protocol));
        publisher.connected().await;
        let ids: Vec<_> = (0..1000)
            .map(|i| {
                publisher.publish(
                    &format!("burst/{i}"),
                    vec![b'x'; 512],
                    QoS::AtLeastOnce,
                    false,
                )
            })
            .collect();
        let mut pending: std::collections::HashSet<_> = ids.iter().copied().collect();
        // Crash the broker once some are acknowledged, with others still in flight.
        let first = publisher
            .wait_for("the first acknowledgement", |e| match e {
                MqttEvent::Publish {
                    id,
                    outcome: PublishOutcome::Acknowledged,
                } => Some(*id),
                _ => None,
            })
            .await;
        pending.remove(&first);
        m.stop();
        m.start_again();
        // Every publish must end acknowledged; none may vanish or fail.
        let mut resent = 0;
        while !pending.is_empty() {
            let (id, outcome) = publisher
                .wait_for("outcomes", |e| match e {
                    MqttEvent::Publish { id, outcome } => Some((*id, outcome.clone())),
                    _ => None,
                })
                .await;
            match outcome {
                PublishOutcome::Acknowledged => {
                    pending.remove(&id);
                }
                PublishOutcome::Resending => resent += 1,
                other => panic!("{protocol}: publish {id:?}: {other:?}"),
            }
        }
        eprintln!("{protocol}: all 1000 acknowledged, {resent} re-sent after the crash");
        publisher.stop().await;
    }
}
