//! Subscriptions against mosquitto with MQTT 5: the options reach the broker and do what they
//! say (no local, retain handling 2, retain as published, a subscription identifier), a filter
//! the ACL denies gets its SUBACK reason, and the manager (`S`) in the real loop subscribes and
//! unsubscribes, as mosquitto's own log shows.

mod common;
use common::driver;

use std::time::{Duration, Instant};

use common::client::{self, Client};
use common::mosquitto::Mosquitto;
use crossterm::event::KeyCode;
use mqscope::app::{App, SubStatus};
use mqscope::config::Profile;
use mqscope::mqtt::{BrokerUrl, Protocol, QoS, Subscription};
use mqscope::store::Limits;
use mqscope::tui::run::Session;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const WAIT: Duration = Duration::from_secs(15);

async fn publish(c: &mut Client, topic: &str, payload: &str, retain: bool) {
    let id = c.publish(topic, payload.as_bytes().to_vec(), QoS::AtLeastOnce, retain);
    c.outcome(id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mqtt5_subscription_options_reach_mosquitto_and_do_what_they_say() {
    if !common::have_mosquitto("subscription_options") {
        return;
    }
    let m = Mosquitto::start();
    let url = m.url();
    let mut other = Client::start(&client::settings(&url, Protocol::V5));
    other.connected().await;
    publish(&mut other, "keep/x", "old", true).await;

    // Retain handling 2: nothing retained on subscribing. The marker published after the
    // SUBACK must be the first message.
    let mut c = Client::start(&client::settings(&url, Protocol::V5));
    let granted = c
        .subscribe_with(Subscription {
            retain_handling: 2,
            ..Subscription::new("keep/#", QoS::AtLeastOnce)
        })
        .await;
    assert_eq!(granted, Ok(QoS::AtLeastOnce));
    publish(&mut other, "keep/marker", "new", false).await;
    assert_eq!(
        c.message().await.topic,
        "keep/marker",
        "no retained message first"
    );
    // Retain handling 0 (the default) gets it: the control.
    let mut plain = Client::start(&client::settings(&url, Protocol::V5));
    plain.subscribe("keep/#", QoS::AtLeastOnce).await;
    let first = plain.message().await;
    assert_eq!((first.topic.as_str(), first.retain), ("keep/x", true));
    plain.stop().await;

    // No local: our own publish is not sent back; the other client's is.
    c.subscribe_with(Subscription {
        no_local: true,
        ..Subscription::new("nl/#", QoS::AtLeastOnce)
    })
    .await
    .unwrap();
    publish(&mut c, "nl/own", "mine", false).await;
    publish(&mut other, "nl/other", "theirs", false).await;
    assert_eq!(
        c.message().await.topic,
        "nl/other",
        "our own was not delivered"
    );

    // Retain as published: a live retained publish keeps its flag; without it, it is cleared.
    c.subscribe_with(Subscription {
        retain_as_published: true,
        id: Some(7),
        ..Subscription::new("rap/#", QoS::AtLeastOnce)
    })
    .await
    .unwrap();
    let mut cleared = Client::start(&client::settings(&url, Protocol::V5));
    cleared.subscribe("rap/#", QoS::AtLeastOnce).await;
    publish(&mut other, "rap/x", "live", true).await;
    let kept = c.message().await;
    assert!(kept.retain, "retain as published keeps the flag");
    // And the subscription identifier came back with it.
    let ids = kept
        .properties
        .as_ref()
        .map(|p| p.subscription_identifiers.clone());
    assert_eq!(ids, Some(vec![7]));
    assert!(!cleared.message().await.retain, "the control: flag cleared");
    assert!(m.logged(&["rap/#"], WAIT));
    cleared.stop().await;
    c.stop().await;

    // A filter the broker's access control denies: the SUBACK's reason, in words.
    if m.acl_port == 0 {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set and mosquitto's dynamic-security plugin is missing ({})",
            common::mosquitto::DYNSEC
        );
        eprintln!(
            "SKIPPED the SUBACK refusal: no {}",
            common::mosquitto::DYNSEC
        );
        other.stop().await;
        return;
    }
    let acl_url = format!("mqtt://127.0.0.1:{}", m.acl_port);
    let mut denied = Client::start(&client::settings(&acl_url, Protocol::V5));
    let answer = denied
        .subscribe_with(Subscription::new("secret/#", QoS::AtMostOnce))
        .await;
    let why = answer.expect_err("denied");
    assert!(why.to_lowercase().contains("not authorized"), "{why}");
    assert_eq!(
        denied
            .subscribe_with(Subscription::new("open/#", QoS::AtMostOnce))
            .await,
        Ok(QoS::AtMostOnce)
    );
    denied.stop().await;
    other.stop().await;
}

#[derive(Clone, Default, Debug)]
struct Seen {
    subs: Vec<(String, SubStatus, bool)>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manager_subscribes_turns_off_and_removes_as_mosquitto_logs() {
    if !common::have_mosquitto("subscriptions_manager") {
        return;
    }
    let m = Mosquitto::start();
    let mut profile = Profile::adhoc(BrokerUrl::parse(&m.url()).unwrap());
    profile.name = "m".into();
    profile.client_id = Some("mqscope-manager-test".into());
    let mut app = App::new(vec![profile], Limits::default(), Instant::now());
    let conn = mqscope::cli::ConnArgs::default();
    let filters = vec!["first/#".to_string()];
    let mut session = Session::new(|p: &Profile| mqscope::session::open::open(&conn, &filters, p));
    let sample = |app: &App| Seen {
        subs: app
            .link
            .subscriptions
            .iter()
            .map(|s| (s.sub.filter.clone(), s.status.clone(), s.enabled))
            .collect(),
    };
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let granted = |f: &'static str| {
        move |s: &Seen| {
            s.subs
                .iter()
                .any(|(g, st, _)| g == f && matches!(st, SubStatus::Granted(_)))
        }
    };
    let (mut ui, looped) = driver::start(&mut terminal, &mut app, &mut session, Some("m"), sample);
    let script = async {
        ui.wait("the first subscription granted", granted("first/#"))
            .await;
        // S, a, type the filter, Tab to QoS and choose 1, Enter.
        ui.key(KeyCode::Char('S'));
        ui.key(KeyCode::Char('a'));
        for c in "mgr/+/cmd".chars() {
            ui.key(KeyCode::Char(c));
        }
        ui.key(KeyCode::Tab);
        ui.key(KeyCode::Char('1'));
        ui.key(KeyCode::Enter);
        ui.wait("the new subscription granted", granted("mgr/+/cmd"))
            .await;
        assert!(
            m.logged(&["mqscope-manager-test 1 mgr/+/cmd"], WAIT),
            "mosquitto logged the SUBSCRIBE at QoS 1"
        );
        // Space on it (the second row) turns it off: UNSUBSCRIBE, kept in the list.
        ui.key(KeyCode::Down);
        ui.key(KeyCode::Char(' '));
        ui.wait("turned off", |s| {
            s.subs
                .iter()
                .any(|(f, st, on)| f == "mgr/+/cmd" && *st == SubStatus::Off && !on)
        })
        .await;
        assert!(m.logged(&["Received UNSUBSCRIBE from mqscope-manager-test"], WAIT));
        // x on the first removes it once the broker answers.
        ui.key(KeyCode::Up);
        ui.key(KeyCode::Char('x'));
        ui.wait("removed", |s| s.subs.iter().all(|(f, _, _)| f != "first/#"))
            .await;
        assert!(
            m.logged(&["mqscope-manager-test first/#"], WAIT),
            "the unsubscribe logged"
        );
        ui.key(KeyCode::Esc);
        ui.key(KeyCode::Char('q'));
    };
    driver::finish(looped, script).await;
}
