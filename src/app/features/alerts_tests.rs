//! Alerts through `App::update` at clocks the test chooses: a firing's effects (bell, publish
//! on its connection, command with its environment and the payload), their outcomes in the
//! list, the row's mark, the cooldown, and a silence found by the timer.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use crate::app::effect::Output;
use crate::app::{App, Clock, ConnId, Effect, Msg};
use crate::config::ConfigFile;
use crate::mqtt::{Message, MqttEvent, PublishId, PublishOutcome, QoS};

fn at(t0: Instant, s: u64) -> Clock {
    Clock {
        now: t0 + Duration::from_secs(s),
        wall: SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_000_000 + s),
    }
}

fn send(app: &mut App, t0: Instant, s: u64, topic: &str, payload: &str) -> Vec<Effect> {
    let m = MqttEvent::Message(Message {
        topic: topic.into(),
        payload: bytes::Bytes::copy_from_slice(payload.as_bytes()),
        qos: QoS::AtMostOnce,
        retain: false,
        dup: false,
        received: at(t0, s).wall,
        properties: None,
    });
    app.update(Msg::Mqtt(ConnId::FIRST, vec![m]), at(t0, s))
}

fn app_with(rules: &str) -> (App, Instant) {
    let t0 = Instant::now();
    let mut app = App::new(Vec::new(), Default::default(), t0);
    let file = ConfigFile::parse(Path::new("/tmp/c.toml"), rules).expect("rules");
    app.set_alert_rules(file.alerts);
    (app, t0)
}

fn bells(effects: &[Effect]) -> usize {
    effects.iter().filter(|e| matches!(e, Effect::Bell)).count()
}

#[test]
fn a_firing_rings_publishes_and_runs_and_the_list_says_what_came_of_each() {
    let (mut app, t0) = app_with(
        "[[alerts]]\nname = \"hot\"\nfilter = \"s/+/t\"\nabove = 30\ncooldown_s = 10\n\
         bell = true\npublish = { topic = \"alerts/{{topic}}\", payload = \"{{value}}\", qos = 1 }\n\
         command = [\"notify\"]\n",
    );
    let fx = send(&mut app, t0, 0, "s/1/t", "31");
    assert_eq!(bells(&fx), 1);
    let publish = fx.iter().find_map(|e| match e {
        Effect::AlertPublish { conn, publish, .. } => Some((*conn, publish.clone())),
        _ => None,
    });
    let (conn, p) = publish.expect("the publish");
    assert_eq!(
        (conn, p.topic.as_str(), &p.payload[..]),
        (ConnId::FIRST, "alerts/s/1/t", &b"31"[..])
    );
    let (payload, env) = fx
        .iter()
        .find_map(|e| match e {
            Effect::AlertCommand { payload, env, .. } => Some((payload.clone(), env.clone())),
            _ => None,
        })
        .expect("the command");
    assert_eq!(&payload[..], b"31");
    assert!(env.contains(&("MQSCOPE_TOPIC", "s/1/t".to_string())));
    let node = app.link.store.tree.find("s/1/t").unwrap();
    assert!(app.alerts.holds(ConnId::FIRST, node), "the row is marked");
    assert!(
        app.notice_text()
            .unwrap()
            .contains("alert hot: s/1/t 31 > 30")
    );
    assert_eq!(app.alerts.unseen, 1);
    // The publish's outcome is the alert's, not compose's; the command's output, its first line.
    app.update(
        Msg::Done(Output::AlertQueued {
            conn: ConnId::FIRST,
            number: 0,
            id: Ok(PublishId(9)),
        }),
        at(t0, 0),
    );
    let acked = MqttEvent::Publish {
        id: PublishId(9),
        outcome: PublishOutcome::Acknowledged,
    };
    app.update(Msg::Mqtt(ConnId::FIRST, vec![acked]), at(t0, 0));
    app.update(
        Msg::Done(Output::AlertRan {
            number: 0,
            result: Ok(b"sent\n".to_vec()),
        }),
        at(t0, 0),
    );
    let shown = &app.alerts.shown[0];
    let acts: Vec<(&str, &str, bool)> = shown
        .actions
        .iter()
        .map(|(a, w, f)| (*a, w.as_str(), *f))
        .collect();
    assert_eq!(acts[0], ("bell", "rung", false));
    assert_eq!(acts[1].0, "publish");
    assert_ne!(acts[1].1, "queued", "the PUBACK was told");
    assert_eq!(acts[2], ("command", "done (5 B): sent", false));
    assert!(app.compose.status.is_none());
    // Back under, then past again within the cooldown: held back, nothing rings.
    send(&mut app, t0, 1, "s/1/t", "29");
    assert!(!app.alerts.holds(ConnId::FIRST, node));
    let fx = send(&mut app, t0, 2, "s/1/t", "32");
    assert_eq!((bells(&fx), app.alerts.shown.len()), (0, 1));
    send(&mut app, t0, 12, "s/1/t", "20");
    let fx = send(&mut app, t0, 13, "s/1/t", "33");
    assert_eq!(bells(&fx), 1);
    assert_eq!(app.alerts.shown[1].fired.held, 1);
    // A command that failed (its time limit, say) is told in the list, in words.
    app.update(
        Msg::Done(Output::AlertRan {
            number: 1,
            result: Err("notify did not finish within 5.0 s: stopped".into()),
        }),
        at(t0, 13),
    );
    assert!(
        app.alerts.shown[1]
            .actions
            .iter()
            .any(|a| a.2 && a.1.contains("within 5.0 s"))
    );
    // `A` shows them and the count starts again.
    let key = crossterm::event::Event::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('A'),
        crossterm::event::KeyModifiers::SHIFT,
    ));
    app.update(Msg::Term(key), at(t0, 14));
    assert!(matches!(app.popup(), Some(crate::app::Popup::Alerts(_))));
    assert_eq!(app.alerts.unseen, 0);
}

#[test]
fn a_silence_under_a_wildcard_is_found_by_the_timer_topic_by_topic() {
    let (mut app, t0) =
        app_with("[[alerts]]\nname = \"beat\"\nfilter = \"dev/+/beat\"\nsilent_s = 5\n");
    send(&mut app, t0, 0, "dev/a/beat", "1");
    let fx = send(&mut app, t0, 3, "dev/b/beat", "1");
    // The timer asked for is no later than a's silence.
    let wake = fx.iter().find_map(|e| match e {
        Effect::WakeAt(t) => Some(*t),
        _ => None,
    });
    assert!(wake.is_some_and(|t| t <= t0 + Duration::from_secs(5)));
    app.update(Msg::Tick, at(t0, 6));
    let fired: Vec<_> = app
        .alerts
        .shown
        .iter()
        .map(|s| s.fired.topic.clone())
        .collect();
    assert_eq!(fired, ["dev/a/beat"]);
    app.update(Msg::Tick, at(t0, 8));
    let fired: Vec<_> = app
        .alerts
        .shown
        .iter()
        .map(|s| s.fired.topic.clone())
        .collect();
    assert_eq!(fired, ["dev/a/beat", "dev/b/beat"]);
    let a = app.link.store.tree.find("dev/a/beat").unwrap();
    assert!(app.alerts.holds(ConnId::FIRST, a));
    send(&mut app, t0, 9, "dev/a/beat", "1");
    assert!(!app.alerts.holds(ConnId::FIRST, a), "it beats again");
}

#[test]
fn a_rule_tried_on_the_history_says_what_it_would_have_fired() {
    let (mut app, t0) = app_with("");
    for (s, v) in [(0, "20"), (1, "35"), (2, "36"), (3, "10"), (4, "40")] {
        send(&mut app, t0, s, "s/1/t", v);
    }
    send(&mut app, t0, 5, "other", "99");
    let rule = ConfigFile::parse(
        Path::new("/tmp/c.toml"),
        "[[alerts]]\nname = \"hot\"\nfilter = \"s/+/t\"\nabove = 30\n",
    )
    .unwrap()
    .alerts
    .remove(0);
    let tried = app.try_alert(rule);
    let what: Vec<_> = tried.fired.iter().map(|f| f.what.as_str()).collect();
    assert_eq!(
        (what, tried.read, tried.cut),
        (vec!["35 > 30", "40 > 30"], 5, 0)
    );
}
